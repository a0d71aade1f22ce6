// MBG/NBD (Batislam et al. 2007). See mbgnbd.h and MODELS.md §4.
#include "core/model/mbgnbd.h"

#include <cmath>

#include "core/model/special.h"

namespace rapport::model {

namespace {

// A4 = ln a − ln(b+x) + (r+x)[ln(α+T) − ln(α+t_x)].
double A4(const MbgNbdParams& p, double x, double t_x, double T) {
  return std::log(p.a) - std::log(p.b + x) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
}

}  // namespace

double MbgNbdLogLikelihood(const MbgNbdParams& p, double x, double t_x, double T) {
  return std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha) + std::lgamma(p.a + p.b) +
         std::lgamma(p.b + x + 1.0) - std::lgamma(p.b) - std::lgamma(p.a + p.b + x + 1.0) -
         (p.r + x) * std::log(p.alpha + T) + LogSumExp(0.0, A4(p, x, t_x, T));
}

double MbgNbdLogLikelihoodSum(const MbgNbdParams& p, const Patterns& patterns) {
  const double head = -std::lgamma(p.r) + p.r * std::log(p.alpha) + std::lgamma(p.a + p.b) - std::lgamma(p.b);
  const double ln_a = std::log(p.a);
  double ll = 0.0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const double x = patterns.x[i], t_x = patterns.t_x[i], T = patterns.T[i];
    const double ln_alpha_T = std::log(p.alpha + T);
    const double a4 = ln_a - std::log(p.b + x) + (p.r + x) * (ln_alpha_T - std::log(p.alpha + t_x));
    ll += patterns.weight[i] * (head + std::lgamma(p.r + x) + std::lgamma(p.b + x + 1.0) -
                                std::lgamma(p.a + p.b + x + 1.0) - (p.r + x) * ln_alpha_T + LogSumExp(0.0, a4));
  }
  return ll;
}

double MbgNbdPAlive(const MbgNbdParams& p, double x, double t_x, double T) {
  return 1.0 / (1.0 + std::exp(A4(p, x, t_x, T)));
}

double MbgNbdExpectedPurchases(const MbgNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + t);
  return p.b * StableRemainder(p.a, p.a + p.b - p.r, p.a + p.b, z);
}

double MbgNbdConditionalExpectedPurchases(const MbgNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + T + t);
  const double c = p.a + p.b + x;
  return MbgNbdPAlive(p, x, t_x, T) * c * StableRemainder(p.a, p.a + p.b - p.r, c, z);
}

double MbgNbdProbabilityOfPurchaseWithin(const MbgNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  return MbgNbdPAlive(p, x, t_x, T) * -std::expm1((p.r + x) * -std::log1p(t / (p.alpha + T)));
}

double MbgNbdNextPurchaseQuantile(const MbgNbdParams& p, double q, double x, double T) {
  return (p.alpha + T) * std::expm1(-std::log1p(-q) / (p.r + x));
}

}  // namespace rapport::model
