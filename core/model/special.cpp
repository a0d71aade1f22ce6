// MODELS.md §2: numerical building blocks. See special.h.
#include "core/model/special.h"

#include <cmath>

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

GaussLegendreRule MakeRule() {
  GaussLegendreRule rule{};
  const int n = GaussLegendreRule::kPoints;
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
  static const GaussLegendreRule rule = MakeRule();
  return rule;
}

}  // namespace rapport::model
