// MODELS.md §2: numerical building blocks. See special.h.
#include "core/model/special.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rapport::model {

double LogBeta(double p, double q) { return std::lgamma(p) + std::lgamma(q) - std::lgamma(p + q); }

double Digamma(double x) {
  double result = 0.0;
  while (x < 6.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  // ln x − 1/(2x) − Σ_{k=1..5} B_{2k} / (2k x^{2k}).
  const double inv = 1.0 / x, inv2 = inv * inv;
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))));
  return result + std::log(x) - 0.5 * inv - series;
}

namespace {

// ln Σ_{n≥0} (a)_n (b)_n z^n / ((c)_n n!) for positive terms, rescaled to avoid overflow.
double LogHypSeries(double a, double b, double c, double z, long* terms) {
  constexpr long kMaxTerms = 50000000;
  double sum = 1.0, term = 1.0, log_scale = 0.0;
  long n = 0;
  if (z == 0.0) {
    if (terms) *terms = 1;
    return 0.0;
  }
  for (; n < kMaxTerms; ++n) {
    const double ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
    term *= ratio;
    sum += term;
    if (term == 0.0) break;
    if (std::fabs(term) < 1e-17 * std::fabs(sum) && ratio < 1.0) break;
    if (sum > 1e200) {
      log_scale += std::log(sum);
      term /= sum;
      sum = 1.0;
    }
  }
  if (terms) *terms = n + 1;
  if (n >= kMaxTerms || !(sum > 0.0)) return NAN;
  return log_scale + std::log(sum);
}

// ln Σ t_n and d ln Σ t_n / d(a, b, c, z) for positive terms.
double LogHypSeriesWithGradient(double a, double b, double c, double z, double d[4]) {
  d[0] = d[1] = d[2] = d[3] = 0.0;
  if (z == 0.0) return 0.0;
  constexpr long kMaxTerms = 50000000;
  double sum = 1.0, term = 1.0, log_scale = 0.0;
  double sa = 0.0, sb = 0.0, sc = 0.0, sz = 0.0;  // Σ t_n·H_a(n), Σ t_n·H_b(n), Σ t_n·H_c(n), Σ n·t_n
  double ha = 0.0, hb = 0.0, hc = 0.0;
  long n = 0;
  for (; n < kMaxTerms; ++n) {
    const double ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
    ha += 1.0 / (a + n);
    hb += 1.0 / (b + n);
    hc += 1.0 / (c + n);
    term *= ratio;
    sum += term;
    sa += term * ha;
    sb += term * hb;
    sc += term * hc;
    sz += term * (n + 1.0);
    if (term == 0.0) break;
    if (term * (n + 2.0) * (1.0 + ha + hb + hc) < 1e-17 * sum && ratio < 1.0) break;
    if (sum > 1e200) {
      log_scale += std::log(sum);
      term /= sum;
      sa /= sum;
      sb /= sum;
      sc /= sum;
      sz /= sum;
      sum = 1.0;
    }
  }
  if (n >= kMaxTerms || !(sum > 0.0)) return NAN;
  d[0] = sa / sum;
  d[1] = sb / sum;
  d[2] = -sc / sum;
  d[3] = sz / (z * sum);
  return log_scale + std::log(sum);
}

}  // namespace

double LogHyp2F1WithGradient(double a, double b, double c, double z, double d[4]) {
  if (a + b > c && c - a >= 0.0 && c - b >= 0.0) {
    // ln F = (c−a−b) L + ln G(c−a, c−b; c; z), L = ln(1−z).
    const double L = std::log1p(-z);
    double g[4] = {0.0, 0.0, 0.0, 0.0};
    // G = 1 when c−a or c−b is 0, but its derivative in that argument is not 0: a tiny positive value in
    // its place gives both (G = 1 + O(1e-300)).
    const double ap = c - a == 0.0 ? 1e-300 : c - a, bp = c - b == 0.0 ? 1e-300 : c - b;
    const double log_g = LogHypSeriesWithGradient(ap, bp, c, z, g);
    d[0] = -L - g[0];
    d[1] = -L - g[1];
    d[2] = L + g[0] + g[1] + g[2];
    d[3] = -(c - a - b) / (1.0 - z) + g[3];
    return (c - a - b) * L + log_g;
  }
  return LogHypSeriesWithGradient(a, b, c, z, d);
}

void LogHyp2F1Batch(double a, double b, double c, const double* z, size_t count, double* value, double* d) {
  if (count == 0) return;
  const bool euler = a + b > c && c - a >= 0.0 && c - b >= 0.0;
  // The series summed: Σ_n (A)_n (B)_n z^n / ((C)_n n!).
  const double A = euler ? (c - a == 0.0 ? 1e-300 : c - a) : a;  // as LogHyp2F1WithGradient: a tiny value for 0
  const double B = euler ? (c - b == 0.0 ? 1e-300 : c - b) : b;
  const double C = c;
  // Term ratio at z = 1 is (A+n)(B+n)/((C+n)(n+1)) <= 1 for every n >= 0 iff AB <= C and A + B <= C + 1; then
  // every term is below the first and no rescaling is needed. Otherwise one z at a time.
  if (!(A * B <= C && A + B <= C + 1.0)) {
    for (size_t j = 0; j < count; ++j) {
      value[j] = d ? LogHyp2F1WithGradient(a, b, c, z[j], d + 4 * j) : LogHyp2F1(a, b, c, z[j]);
    }
    return;
  }
  // Running sums per z (sa, sb, sc: Σ t_n·H_A(n), Σ t_n·H_B(n), Σ t_n·H_C(n); sz: Σ n·t_n/z) and z^n.
  std::vector<double> power(count, 1.0), sum(count, 1.0), sa, sb, sc, sz;
  if (d) {
    sa.assign(count, 0.0);
    sb.assign(count, 0.0);
    sc.assign(count, 0.0);
    sz.assign(count, 0.0);
  }
  constexpr long kMaxTerms = 50000000;
  double coef = 1.0, ha = 0.0, hb = 0.0, hc = 0.0;
  size_t active = count;
  // z = 0 needs no term (its sums stay at 1 and 0; ∂/∂z then comes out as the first coefficient, AB/C).
  while (active > 0 && z[active - 1] == 0.0) --active;
  long n = 0;
  for (; n < kMaxTerms && active > 0; ++n) {
    const double nd = static_cast<double>(n);
    coef *= (A + nd) * (B + nd) / ((C + nd) * (nd + 1.0));  // coefficient of z^{n+1}
    if (d) {
      ha += 1.0 / (A + nd);
      hb += 1.0 / (B + nd);
      hc += 1.0 / (C + nd);
      const double ca = coef * ha, cb = coef * hb, cc = coef * hc, cz = coef * (nd + 1.0);
      double* __restrict pw = power.data();
      double* __restrict su = sum.data();
      double* __restrict pa = sa.data();
      double* __restrict pb = sb.data();
      double* __restrict pc = sc.data();
      double* __restrict pz = sz.data();
      for (size_t j = 0; j < active; ++j) {
        const double previous = pw[j];  // z^n
        const double next = previous * z[j];
        pw[j] = next;
        su[j] += coef * next;
        pa[j] += ca * next;
        pb[j] += cb * next;
        pc[j] += cc * next;
        pz[j] += cz * previous;  // d/dz of coef·z^{n+1}
      }
    } else {
      double* __restrict pw = power.data();
      double* __restrict su = sum.data();
      for (size_t j = 0; j < active; ++j) {
        pw[j] *= z[j];
        su[j] += coef * pw[j];
      }
    }
    // The smallest z (the last active one) converges first; drop it once its term is negligible, as the
    // one-z series does. The others keep adding terms below 1e-17 of their sums until they are last.
    const double scale = d ? (nd + 2.0) * (1.0 + ha + hb + hc) : 1.0;
    while (active > 0) {
      const double term = coef * power[active - 1];
      if (!(term == 0.0 || term * scale < 1e-17 * sum[active - 1])) break;
      --active;
    }
  }
  for (size_t j = 0; j < count; ++j) {
    const bool converged = j < active ? false : true;
    const double log_g = converged ? std::log(sum[j]) : NAN;
    if (!euler) {
      value[j] = log_g;
      if (d) {
        double* dj = d + 4 * j;
        dj[0] = sa[j] / sum[j];
        dj[1] = sb[j] / sum[j];
        dj[2] = -sc[j] / sum[j];
        dj[3] = z[j] == 0.0 ? A * B / C : sz[j] / sum[j];
      }
      continue;
    }
    // ln F = (c−a−b) L + ln G(c−a, c−b; c; z), L = ln(1−z); derivatives as LogHyp2F1WithGradient.
    const double L = std::log1p(-z[j]);
    value[j] = (c - a - b) * L + log_g;
    if (d) {
      const double g0 = sa[j] / sum[j], g1 = sb[j] / sum[j], g2 = -sc[j] / sum[j];
      const double g3 = z[j] == 0.0 ? A * B / C : sz[j] / sum[j];
      double* dj = d + 4 * j;
      dj[0] = -L - g0;
      dj[1] = -L - g1;
      dj[2] = L + g0 + g1 + g2;
      dj[3] = -(c - a - b) / (1.0 - z[j]) + g3;
    }
  }
}

double LogHyp2F1(double a, double b, double c, double z, long* terms) {
  if (a + b > c && c - a >= 0.0 && c - b >= 0.0) {
    // Euler's transformation (MODELS §2).
    const double prefix = (c - a - b) * std::log1p(-z);
    if (c - a == 0.0 || c - b == 0.0) {
      if (terms) *terms = 1;
      return prefix;
    }
    return prefix + LogHypSeries(c - a, c - b, c, z, terms);
  }
  return LogHypSeries(a, b, c, z, terms);
}

double StableRemainder(double a, double A, double c, double z) {
  if (z <= 0.0) return 0.0;
  const double L = std::log1p(-z);
  if ((a - 1.0) * z > 1000.0 * (1.0 - z)) {
    // A large a (a Beta concentrated on one dropout probability, e.g. a fit on a short calibration period:
    // a = 6·10^7, b = 4.9·10^8): S1's terms grow until n ≈ (a−1)z/(1−z), tens of millions of them per call.
    // There the division by a−1 needs no care, and the bracket itself converges in a few dozen terms:
    // R = (1 − (1−z)^{c−A} 2F1(c−A, c−a+1; c; z)) / (a−1)   (MODELS §3.4 before the rearrangement).
    const double log_f = (c - A) * L + LogHypSeries(c - A, c - a + 1.0, c, z, nullptr);
    return -std::expm1(log_f) / (a - 1.0);
  }
  // S1 = Σ_{n≥1} (A)_n (a)_{n−1} z^n / ((c)_n n!); first term A·z/c, ratio (A+n)(a+n−1)z/((c+n)(n+1)).
  double term = A * z / c, s1 = term;
  constexpr long kMaxTerms = 50000000;
  for (long n = 1; n < kMaxTerms; ++n) {
    const double ratio = (A + n) * (a + n - 1.0) * z / ((c + n) * (n + 1.0));
    term *= ratio;
    s1 += term;
    if (term == 0.0) break;
    if (std::fabs(term) < 1e-17 * std::fabs(s1) && std::fabs(ratio) < 1.0) break;
  }
  return NegExpm1Over(a - 1.0, L) - s1 * std::exp((a - 1.0) * L);
}

namespace {

template <int N>
GaussLegendreRuleN<N> MakeRule() {
  GaussLegendreRuleN<N> rule{};
  const int n = N;
  const double pi = 3.14159265358979323846;
  for (int i = 0; i < n; ++i) {
    // Newton's iteration on P_n from the Chebyshev-like first guess.
    double x = std::cos(pi * (i + 0.75) / (n + 0.5)), dp = 1.0;
    for (int iter = 0; iter < 100; ++iter) {
      double p0 = 1.0, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    // Recompute the derivative at the converged node.
    double p0 = 1.0, p1 = x;
    for (int k = 2; k <= n; ++k) {
      const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = n * (x * p1 - p0) / (x * x - 1.0);
    rule.node[i] = x;
    rule.weight[i] = 2.0 / ((1.0 - x * x) * dp * dp);
  }
  return rule;
}

}  // namespace

const GaussLegendreRule& GaussLegendre64() {
  static const GaussLegendreRule rule = MakeRule<64>();
  return rule;
}

const GaussLegendreRuleN<16>& GaussLegendre16() {
  static const GaussLegendreRuleN<16> rule = MakeRule<16>();
  return rule;
}

double LogHyp2F1NearOne(double a, double b, double rho, double d[4]) {
  // I = ∫₀^∞ f, f(τ) = (1+τ)^{b−a−1} (ρ+τ)^{−b}, decreasing from f(0) = ρ^{−b}; every value is taken relative to
  // f(0) (g = f/f(0) <= 1), so neither ρ^{−b} nor its sums overflow. Alongside: ∂f/∂a = −ln(1+τ)·f,
  // ∂f/∂b = (ln(1+τ) − ln(ρ+τ))·f, ∂f/∂z = −∂f/∂ρ = b·f/(ρ+τ).
  const GaussLegendreRuleN<16>& rule = GaussLegendre16();
  const double log_f0 = -b * std::log(rho);
  const double e1 = b - a - 1.0;
  double sum = 0.0, sum_a = 0.0, sum_b = 0.0, sum_z = 0.0;
  // The panels [0, h], [h, 2h], [2h, 4h], ... up to the first edge E >= 1, h = ρ/max(1, b): the (ρ+τ)^{−b}
  // factor changes by at most 2^b across a panel past the first, and by e at most on the first.
  double lo = 0.0, hi = rho / std::max(1.0, b);
  for (;;) {
    const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
    double s0 = 0.0, sa = 0.0, sb = 0.0, sz = 0.0;
    for (int i = 0; i < GaussLegendreRuleN<16>::kPoints; ++i) {
      const double tau = mid + half * rule.node[i];
      const double l1 = std::log1p(tau), l2 = std::log(rho + tau);
      const double g = rule.weight[i] * std::exp(e1 * l1 - b * l2 - log_f0);
      s0 += g;
      if (d) {
        sa -= g * l1;
        sb += g * (l1 - l2);
        sz += g / (rho + tau);  // times b below
      }
    }
    sum += half * s0;
    sum_a += half * sa;
    sum_b += half * sb;
    sum_z += half * b * sz;
    if (hi >= 1.0) break;
    lo = hi;
    hi *= 2.0;
  }
  // The tail ∫_E^∞ f = ∫₀^{w₁} w^{a−1} (1−zw)^{−b} dw, w₁ = 1/(1+E) <= 1/2, by its series: term k is
  // (b)_k z^k w₁^{a+k} / (k!(a+k)), in all at most w₁^a (1 − z w₁)^{−b} / a.
  const double z = 1.0 - rho, w1 = 1.0 / (1.0 + hi), ln_w1 = std::log(w1);
  const double one_minus_zw1 = (1.0 - w1) + rho * w1;
  const double log_bound = a * ln_w1 - b * std::log(one_minus_zw1) - std::log(a) - log_f0;
  if (log_bound > std::log(sum) - 40.0) {
    double term = std::exp(a * ln_w1 - std::log(a) - log_f0);  // k = 0
    double tail = 0.0, tail_a = 0.0, tail_b = 0.0, tail_z = 0.0, hb = 0.0;
    constexpr long kMaxTerms = 10000000;
    long k = 0;
    for (; k < kMaxTerms; ++k) {
      const double kd = static_cast<double>(k);
      tail += term;
      if (d) {
        tail_a += term * (ln_w1 - 1.0 / (a + kd));
        tail_b += term * hb;
        tail_z += term * kd / z;
      }
      const double ratio = (b + kd) * z * w1 * (a + kd) / ((kd + 1.0) * (a + kd + 1.0));
      hb += 1.0 / (b + kd);
      term *= ratio;
      if (term == 0.0 || (term < 1e-17 * (sum + tail) && ratio < 1.0)) break;
    }
    if (k >= kMaxTerms) return NAN;
    sum += tail;
    sum_a += tail_a;
    sum_b += tail_b;
    sum_z += tail_z;
  }
  if (d) {
    d[0] = 1.0 / a + sum_a / sum;
    d[1] = sum_b / sum;
    d[2] = 0.0;
    d[3] = sum_z / sum;
  }
  return std::log(a) + std::log(sum) + log_f0;
}

double LogHyp2F1Pnbd(double a, double b, double z, double rho, double* d) {
  if (rho < kHyp2F1QuadratureBelow) return LogHyp2F1NearOne(a, b, rho, d);
  return d ? LogHyp2F1WithGradient(a, b, a + 1.0, z, d) : LogHyp2F1(a, b, a + 1.0, z);
}

void LogHyp2F1PnbdBatch(double a, double b, const double* z, const double* rho, size_t count, double* value, double* d) {
  size_t near = 0;  // z decreasing: the ρ below the threshold come first
  for (; near < count && rho[near] < kHyp2F1QuadratureBelow; ++near) {
    value[near] = LogHyp2F1NearOne(a, b, rho[near], d ? d + 4 * near : nullptr);
  }
  LogHyp2F1Batch(a, b, a + 1.0, z + near, count - near, value + near, d ? d + 4 * near : nullptr);
}

}  // namespace rapport::model
