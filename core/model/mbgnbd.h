// MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for
// customer base analysis", IJRM 24(3):201-209, with the erratum of Wagner & Hoppe (2008). MODELS.md §4.
//
// The same story as BG/NBD (bgnbd.h) with one change: the dropout coin p ~ Beta(a, b) is also tossed at time
// 0, right after the first purchase. A customer with no repeat purchase can therefore be dead, which makes
// P(alive) useful for one-time buyers; a customer first seen today has P(alive) = b/(a+b).
#pragma once

#include "core/model/summary.h"

namespace rapport::model {

struct MbgNbdParams {
  double r = 1.0, alpha = 1.0;  // λ ~ Gamma(shape r, rate α)
  double a = 1.0, b = 1.0;      // p ~ Beta(a, b)
};

// ℓ(r, α, a, b | x, t_x, T), MODELS §4 (Batislam et al. eq. 4 in logs, with lse).
double MbgNbdLogLikelihood(const MbgNbdParams& p, double x, double t_x, double T);
// Σ weight·ℓ; when `gradient` is not null it receives ∂/∂(ln r, ln α, ln a, ln b). With π = 1 − P(alive):
//   ∂ℓ/∂r = ψ(r+x) − ψ(r) + ln α − ln(α+T) + π[ln(α+T) − ln(α+t_x)]
//   ∂ℓ/∂α = r/α − (r+x)/(α+T) + π(r+x)[1/(α+T) − 1/(α+t_x)]
//   ∂ℓ/∂a = ψ(a+b) − ψ(a+b+x+1) + π/a
//   ∂ℓ/∂b = ψ(a+b) + ψ(b+x+1) − ψ(b) − ψ(a+b+x+1) − π/(b+x)
// (derived here by differentiating the likelihood above; checked against finite differences in the tests).
double MbgNbdLogLikelihoodSum(const MbgNbdParams& p, const Patterns& patterns, double* gradient = nullptr);
// P(alive | x, t_x, T) = 1/(1 + e^{A4}) (Batislam et al. App. A eq. 5).
double MbgNbdPAlive(const MbgNbdParams& p, double x, double t_x, double T);
// E[X(t)] for a new customer, stable form b·R(z) (A = a+b−r, c = a+b).
double MbgNbdExpectedPurchases(const MbgNbdParams& p, double t);
// E[Y(t) | x, t_x, T] = P(alive)(a+b+x)·R(z) (A = a+b−r, c = a+b+x).
double MbgNbdConditionalExpectedPurchases(const MbgNbdParams& p, double t, double x, double t_x, double T);
// P(at least one purchase in (T, T+t] | ·) = P(alive)·[1 − ((α+T)/(α+T+t))^{r+x}] (the §3.7 argument).
double MbgNbdProbabilityOfPurchaseWithin(const MbgNbdParams& p, double t, double x, double t_x, double T);
// Quantile q of the wait to the next purchase given alive (Lomax, as §3.8).
double MbgNbdNextPurchaseQuantile(const MbgNbdParams& p, double q, double x, double T);

}  // namespace rapport::model
