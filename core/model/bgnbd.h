// BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
// Pareto/NBD model", Marketing Science 24(2):275-284 (FHL below), with Hardie's notes 021 and 027.
// The formulas and their checks are in MODELS.md §3.
//
// Story: while alive a customer buys at the times of a Poisson process with rate λ ~ Gamma(r, rate α);
// right after each *repeat* purchase they drop out with probability p ~ Beta(a, b). So a customer with no
// repeat purchase is alive for certain (P(alive | x = 0) = 1): rank one-time buyers with MBG/NBD or Pareto/NBD.
//
// Symbols: x repeat purchases, t_x time of the last one, T age (all from the first purchase, model time
// units); t a horizon from now (T); n a purchase count. Time units are the caller's: α scales with them.
#pragma once

#include "core/model/summary.h"

namespace rapport::model {

struct BgNbdParams {
  double r = 1.0, alpha = 1.0;  // purchase rate λ ~ Gamma(shape r, rate α)
  double a = 1.0, b = 1.0;      // dropout probability p ~ Beta(a, b)
};

// ℓ(r, α, a, b | x, t_x, T): FHL eq. 6 arranged as note 027's "solution #2" (MODELS §3.1), in logs.
double BgNbdLogLikelihood(const BgNbdParams& p, double x, double t_x, double T);
// Σ weight·ℓ over the patterns; when `gradient` is not null it receives ∂/∂(ln r, ln α, ln a, ln b) (§3.2).
double BgNbdLogLikelihoodSum(const BgNbdParams& p, const Patterns& patterns, double* gradient);
// P(alive | x, t_x, T), note 021 (§3.3); exactly 1 when x = 0.
double BgNbdPAlive(const BgNbdParams& p, double x, double t_x, double T);
// E[X(t)] for a newly acquired customer, FHL eq. 9, in the stable form of §3.4.
double BgNbdExpectedPurchases(const BgNbdParams& p, double t);
// E[Y(t) | x, t_x, T], FHL eq. 10, stable form (§3.5).
double BgNbdConditionalExpectedPurchases(const BgNbdParams& p, double t, double x, double t_x, double T);
// P(X(t) = n) for a newly acquired customer, FHL eq. 8 with the tail sum (§3.6).
double BgNbdProbabilityOfPurchases(const BgNbdParams& p, double t, int n);
// P(at least one purchase in (T, T+t] | x, t_x, T) (§3.7).
double BgNbdProbabilityOfPurchaseWithin(const BgNbdParams& p, double t, double x, double t_x, double T);
// Quantile q of the wait to the next purchase, given alive (Lomax; Rapport's definition, §3.8).
double BgNbdNextPurchaseQuantile(const BgNbdParams& p, double q, double x, double T);
// Discounted expected residual transactions, P(alive)·E[λ/(δ + pλ)] (ours, §7); δ continuous rate per unit.
double BgNbdDert(const BgNbdParams& p, double delta, double x, double t_x, double T);

}  // namespace rapport::model
