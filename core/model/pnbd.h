// Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are they and what will
// they do next?", Management Science 33(1):1-24; in the forms of Hardie's notes 009 and 028. MODELS.md §5.
//
// Story: while alive a customer buys at the times of a Poisson process with rate λ ~ Gamma(r, rate α); the
// lifetime is Exp(μ) with μ ~ Gamma(s, rate β). Unlike BG/NBD, a customer can drop out at any time.
// β is only weakly identified on small data (SE(β)/β ≈ 0.5 on CDNOW): show its interval, not just β.
#pragma once

#include <vector>

#include "core/model/summary.h"

namespace rapport::model {

struct ParetoNbdParams {
  double r = 1.0, alpha = 1.0;  // purchase rate λ ~ Gamma(shape r, rate α)
  double s = 1.0, beta = 1.0;   // dropout rate μ ~ Gamma(shape s, rate β)
};

// ℓ(r, α, s, β | x, t_x, T): the sum form of note 028 (no subtraction), 2F1 in logs with Euler's
// transformation for large x (MODELS §5.1).
double ParetoNbdLogLikelihood(const ParetoNbdParams& p, double x, double t_x, double T);
// Σ weight·ℓ; when `gradient` is not null it receives ∂/∂(ln r, ln α, ln s, ln β), differentiating the sum
// form term by term (the 2F1 derivatives from its series, special.h).
double ParetoNbdLogLikelihoodSum(const ParetoNbdParams& p, const Patterns& patterns, double* gradient = nullptr);
// P(alive | x, t_x, T), note 009 eq. 36-37 (§5.2).
double ParetoNbdPAlive(const ParetoNbdParams& p, double x, double t_x, double T);
// P(alive) of every pattern at once: the 2F1 terms once per distinct (x, t_x) and (x, T) (IndexPatternPairs; an
// indexed copy is made when `patterns` has no pairs), not twice per pattern.
std::vector<double> ParetoNbdPAliveOfPatterns(const ParetoNbdParams& p, const Patterns& patterns);
// E[X(t)] for a new customer, note 009 eq. 27, continuous at s = 1 (§5.3).
double ParetoNbdExpectedPurchases(const ParetoNbdParams& p, double t);
// E[Y(t) | x, t_x, T], note 009 eq. 41 (§5.4).
double ParetoNbdConditionalExpectedPurchases(const ParetoNbdParams& p, double t, double x, double t_x, double T);
// The same given alive (without the P(alive) factor): it depends on x and T only, so a caller with many
// customers computes it once per distinct (x, T). Likewise the two *IfAlive functions below.
double ParetoNbdExpectedPurchasesIfAlive(const ParetoNbdParams& p, double t, double x, double T);

// The next purchase (Rapport's definition, §5.5), given the history.
struct ParetoNbdNextPurchase {
  double p_alive = 0.0;
  double p_ever_given_alive = 0.0;  // ∫₀^∞ f = E[λ/(λ+μ)]
  double median = 0.0;              // u with ∫₀^u f = ½∫₀^∞ f (among futures that have a next purchase)
};
ParetoNbdNextPurchase ParetoNbdNextPurchaseOf(const ParetoNbdParams& p, double x, double t_x, double T);
ParetoNbdNextPurchase ParetoNbdNextPurchaseIfAlive(const ParetoNbdParams& p, double x, double T);  // p_alive = 1
// P(at least one purchase in (T, T+t] | ·) = P(alive)·∫₀^t f.
double ParetoNbdProbabilityOfPurchaseWithin(const ParetoNbdParams& p, double t, double x, double t_x, double T);
double ParetoNbdPurchaseWithinIfAlive(const ParetoNbdParams& p, double t, double x, double T);  // ∫₀^t f
// DERT (Fader, Hardie & Lee 2005, JMR 42(4)), by its integral form; δ continuous rate per time unit (§7).
double ParetoNbdDert(const ParetoNbdParams& p, double delta, double x, double t_x, double T);

}  // namespace rapport::model
