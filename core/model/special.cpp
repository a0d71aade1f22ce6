// MODELS.md §2: numerical building blocks. See special.h.
#include "core/model/special.h"

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
