// Special functions for the customer-base models, written in double precision with nothing but lgamma,
// log1p and expm1 (MODELS.md §2): log-sum-exp, digamma, ln 2F1 by its series with rescaling and Euler's
// transformation, the stable E[X(t)] remainder R(z) of MODELS §3.4, and Gauss-Legendre quadrature.
//
// Every function is pure; the quadrature nodes are computed once on first use.
#pragma once

#include <cmath>
#include <cstddef>

namespace rapport::model {

// ln(e^u + e^v) without overflow: max(u,v) + ln(1 + e^{-|u-v|}).
inline double LogSumExp(double u, double v) {
  if (u == -INFINITY) return v;
  if (v == -INFINITY) return u;
  return u > v ? u + std::log1p(std::exp(v - u)) : v + std::log1p(std::exp(u - v));
}

// ln B(p, q) = lnΓ(p) + lnΓ(q) − lnΓ(p+q).
double LogBeta(double p, double q);

// ψ(x) for x > 0: recurrence up to x >= 6, then the asymptotic series with Bernoulli numbers to k = 5.
double Digamma(double x);

// ln 2F1(a, b; c; z) for 0 <= z < 1, c > 0, a, b > 0 (all terms positive). Uses Euler's transformation
// 2F1(a,b;c;z) = (1−z)^{c−a−b} 2F1(c−a, c−b; c; z) when a+b > c and c−a, c−b >= 0, so the terms shrink from
// the start; otherwise the plain series, rescaled whenever its sum passes 1e200. `terms`, when given,
// receives the number of terms summed. NaN when the series does not converge within 50 million terms.
double LogHyp2F1(double a, double b, double c, double z, long* terms = nullptr);

// ln 2F1(a, b; c; z) as LogHyp2F1, and its partial derivatives in d[0..3] = ∂/∂a, ∂/∂b, ∂/∂c, ∂/∂z, from
// the same series summed with the running sums Σ_{k<n} 1/(a+k), 1/(b+k), 1/(c+k) (and through Euler's
// transformation when LogHyp2F1 uses it). Used by the Pareto/NBD gradient.
double LogHyp2F1WithGradient(double a, double b, double c, double z, double d[4]);

// The same for many z sharing a, b, c: value[j] = ln 2F1(a, b; c; z[j]) and, when d is not null,
// d[4j..4j+3] = its ∂/∂a, ∂/∂b, ∂/∂c, ∂/∂z. The series coefficients (a)_n (b)_n / ((c)_n n!) and their
// parameter derivatives are computed once for all z, so each z costs a few multiply-adds per term instead of
// the four divisions of a term of LogHyp2F1WithGradient; terms stop per z as there. Same Euler rule as
// LogHyp2F1. REQUIRES: z sorted in decreasing order, 0 <= z[j] < 1 (the Pareto/NBD likelihood passes one x's
// times in increasing order). When the (transformed) terms could grow (never in Pareto/NBD), each z goes
// through LogHyp2F1WithGradient / LogHyp2F1 instead.
void LogHyp2F1Batch(double a, double b, double c, const double* z, size_t count, double* value, double* d);

// ln 2F1(a, b; a+1; z) near z = 1, given ρ = 1 − z computed without cancellation by the caller (the Pareto/NBD's
// (min(α,β)+u)/(max(α,β)+u)). There the series needs ~39/ρ terms; this is a quadrature of
//   2F1(a, b; a+1; z) = a·I,  I = ∫₀^∞ (1+τ)^{b−a−1} (ρ+τ)^{−b} dτ
// (the Euler integral ∫₀¹ w^{a−1}(1−zw)^{−b} dw with w = 1/(1+τ)): 16-point Gauss-Legendre on the panels
// [0, ρ], [ρ, 4ρ], [4ρ, 16ρ], ... up to the first edge E >= 1 (the integrand is smooth on each: its singularities
// at τ = −ρ and −1 are at least 2/3 of a panel's length away), then ∫_E^∞ = ∫₀^{1/(1+E)} w^{a−1}(1−zw)^{−b} dw by
// its series Σ (b)_k z^k w₁^{a+k} / (k!(a+k)), w₁ <= 1/2 (skipped when its bound is below 1e-17 of the rest).
// ~16·log₄(4/ρ) integrand values: 80 at ρ = 0.02, 240 at ρ = 1e-8. a > 0, b > 0, 0 < ρ <= 1.
// When d is not null it receives ∂/∂a along c = a+1 (∂/∂a + ∂/∂c) in d[0], ∂/∂b in d[1], 0 in d[2] and ∂/∂z in
// d[3]: the Pareto/NBD only ever moves a and c together (its c is a+1), so d[0] + d[2] is what it reads.
double LogHyp2F1NearOne(double a, double b, double rho, double d[4]);

// Below this ρ = 1 − z the functions below use LogHyp2F1NearOne: at ρ = 0.02 its ~80 integrand values cost about
// what the series' ~2,000 terms do, and the series grows as 1/ρ.
constexpr double kHyp2F1QuadratureBelow = 0.02;

// The Pareto/NBD's ln 2F1(a, b; a+1; z) (MODELS §5.1), z = 1 − ρ, with ρ given: LogHyp2F1NearOne below
// kHyp2F1QuadratureBelow, else LogHyp2F1 / LogHyp2F1WithGradient (when d is not null; d as LogHyp2F1NearOne's:
// only d[0] + d[2] is the derivative along c = a+1).
double LogHyp2F1Pnbd(double a, double b, double z, double rho, double* d = nullptr);
// The same for many z sharing a and b, as LogHyp2F1Batch (z decreasing; rho[j] = 1 − z[j]): the z with
// rho < kHyp2F1QuadratureBelow (a leading run) by quadrature, the rest in one batched series.
void LogHyp2F1PnbdBatch(double a, double b, const double* z, const double* rho, size_t count, double* value, double* d);

// The well-conditioned remainder of MODELS §3.4:
//   R(z) = −expm1((a−1)L)/(a−1) − S1·e^{(a−1)L},  L = ln(1−z),
//   S1   = Σ_{n≥1} (A)_n (a)_{n−1} z^n / ((c)_n n!).
// (a+b+x−1)·R(z) with A = a+b−1−r, c = a+b+x−1 is the bracket of FHL 2005 eq. 10 (E[Y(t)] without P(alive));
// x = 0, T = 0 gives eq. 9. No division by (a−1) survives except in expm1(·)/(a−1), which is exact near a = 1.
double StableRemainder(double a, double A, double c, double z);

// −expm1(k·L)/k, continuous at k = 0 (−L there). Used by R(z) and the Pareto/NBD E[X(t)].
inline double NegExpm1Over(double k, double L) {
  if (k == 0.0) return -L;
  return -std::expm1(k * L) / k;
}

// N-point Gauss-Legendre rules on [-1, 1].
template <int N>
struct GaussLegendreRuleN {
  static constexpr int kPoints = N;
  double node[N];
  double weight[N];
};
using GaussLegendreRule = GaussLegendreRuleN<64>;
const GaussLegendreRule& GaussLegendre64();
const GaussLegendreRuleN<16>& GaussLegendre16();

// ∫_lo^hi f(u) du by the 64-point rule.
template <typename F>
double IntegrateGL(F&& f, double lo, double hi) {
  const GaussLegendreRule& rule = GaussLegendre64();
  const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
  double sum = 0.0;
  for (int i = 0; i < GaussLegendreRule::kPoints; ++i) sum += rule.weight[i] * f(mid + half * rule.node[i]);
  return sum * half;
}

// ∫ over the consecutive intervals [edges[0], edges[1]], ..., [edges[n−2], edges[n−1]].
template <typename F>
double IntegrateGLComposite(F&& f, const double* edges, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i + 1 < n; ++i) sum += IntegrateGL(f, edges[i], edges[i + 1]);
  return sum;
}

}  // namespace rapport::model
