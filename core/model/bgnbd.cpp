// BG/NBD (FHL 2005). See bgnbd.h and MODELS.md §3.
#include "core/model/bgnbd.h"

#include <cmath>

#include "core/model/special.h"

namespace rapport::model {

namespace {

// The three log terms of §3.1 for one customer.
struct Terms {
  double head;  // D1 + D2
  double L3;    // (r+x)[ln(α+t_x) − ln(α+T)]
  double L4;    // ln a − ln(b+x−1), −inf when x = 0
};

Terms LogTerms(const BgNbdParams& p, double x, double t_x, double T) {
  Terms t;
  const double D1 = std::lgamma(p.r + x) - std::lgamma(p.r) + std::lgamma(p.a + p.b) + std::lgamma(p.b + x) -
                    std::lgamma(p.b) - std::lgamma(p.a + p.b + x);
  const double ln_alpha_tx = std::log(p.alpha + t_x);
  const double D2 = p.r * std::log(p.alpha) - (p.r + x) * ln_alpha_tx;
  t.head = D1 + D2;
  t.L3 = (p.r + x) * (ln_alpha_tx - std::log(p.alpha + T));
  t.L4 = x > 0 ? std::log(p.a) - std::log(p.b + x - 1.0) : -INFINITY;
  return t;
}

}  // namespace

double BgNbdLogLikelihood(const BgNbdParams& p, double x, double t_x, double T) {
  const Terms t = LogTerms(p, x, t_x, T);
  return t.head + (x > 0 ? LogSumExp(t.L3, t.L4) : t.L3);
}

namespace {

// The same sum over indexed patterns (IndexPatterns): lnΓ and ψ differences from tables over x built by
// the recurrences lnΓ(y+1) = lnΓ(y) + ln y and ψ(y+1) = ψ(y) + 1/y, logs once per distinct time.
double IndexedSum(const BgNbdParams& p, const Patterns& patterns, double* gradient) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const size_t nx = static_cast<size_t>(patterns.max_whole_x) + 1;
  // D1[x] = Σ_{j<x} ln(r+j) + ln(b+j) − ln(a+b+j); dr, db, dab: Σ_{j<x} 1/(r+j), 1/(b+j), 1/(a+b+j).
  std::vector<double> D1(nx), dr(nx), db(nx), dab(nx), ln_bx1(nx), inv_bx1(nx);
  D1[0] = dr[0] = db[0] = dab[0] = 0.0;
  for (size_t x = 1; x < nx; ++x) {
    const double j = static_cast<double>(x - 1);
    const double lb = std::log(b + j);
    D1[x] = D1[x - 1] + std::log(r + j) + lb - std::log(a + b + j);
    ln_bx1[x] = lb;  // ln(b + x − 1)
    if (gradient) {
      dr[x] = dr[x - 1] + 1.0 / (r + j);
      inv_bx1[x] = 1.0 / (b + j);
      db[x] = db[x - 1] + inv_bx1[x];
      dab[x] = dab[x - 1] + 1.0 / (a + b + j);
    }
  }
  const size_t nt = patterns.times.size();
  std::vector<double> lt(nt), it(gradient ? nt : 0);
  for (size_t k = 0; k < nt; ++k) {
    lt[k] = std::log(alpha + patterns.times[k]);
    if (gradient) it[k] = 1.0 / (alpha + patterns.times[k]);
  }
  const double ln_alpha = std::log(alpha), ln_a = std::log(a), r_ln_alpha = r * ln_alpha;
  double ll = 0.0, g_r = 0.0, g_alpha = 0.0, g_a = 0.0, g_b = 0.0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const size_t x = static_cast<size_t>(patterns.x[i]);
    const double w = patterns.weight[i], rx = r + static_cast<double>(x);
    const uint32_t ti = patterns.t_x_index[i], Ti = patterns.T_index[i];
    const double lt_x = lt[ti], lt_T = lt[Ti];
    const double L3 = rx * (lt_x - lt_T);
    double tail = L3, alive = 1.0;
    if (x > 0) {
      const double L4 = ln_a - ln_bx1[x];
      const double d = L4 - L3, e = std::exp(-std::fabs(d));
      tail = (d > 0 ? L4 : L3) + std::log1p(e);
      alive = d > 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    }
    ll += w * (D1[x] + r_ln_alpha - rx * lt_x + tail);
    if (gradient) {
      const double dead = x > 0 ? 1.0 - alive : 0.0;
      g_r += w * (dr[x] + ln_alpha - lt_x + alive * (lt_x - lt_T));
      g_alpha += w * (r / alpha - rx * it[ti] + alive * rx * (it[ti] - it[Ti]));
      g_a += w * (-dab[x] + dead / a);
      g_b += w * (db[x] - dab[x] - (x > 0 ? dead * inv_bx1[x] : 0.0));
    }
  }
  // D1 = [lnΓ(r+x) − lnΓ(r)] + [lnΓ(b+x) − lnΓ(b)] − [lnΓ(a+b+x) − lnΓ(a+b)]: all three from the table.
  if (gradient) {
    gradient[0] = r * g_r;
    gradient[1] = alpha * g_alpha;
    gradient[2] = a * g_a;
    gradient[3] = b * g_b;
  }
  return ll;
}

}  // namespace

double BgNbdLogLikelihoodSum(const BgNbdParams& p, const Patterns& patterns, double* gradient) {
  if (patterns.max_whole_x >= 0 && patterns.max_whole_x <= 100000 && patterns.t_x_index.size() == patterns.size()) {
    return IndexedSum(p, patterns, gradient);
  }
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  double ll = 0.0, g_r = 0.0, g_alpha = 0.0, g_a = 0.0, g_b = 0.0;
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double ln_alpha = std::log(alpha), ln_a = std::log(a);
  const double psi_r = gradient ? Digamma(r) : 0.0, psi_b = gradient ? Digamma(b) : 0.0,
               psi_ab = gradient ? Digamma(a + b) : 0.0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const double x = patterns.x[i], t_x = patterns.t_x[i], T = patterns.T[i], w = patterns.weight[i];
    const double ln_alpha_tx = std::log(alpha + t_x), ln_alpha_T = std::log(alpha + T);
    const double D1 = std::lgamma(r + x) - lg_r + lg_ab + std::lgamma(b + x) - lg_b - std::lgamma(a + b + x);
    const double D2 = r * ln_alpha - (r + x) * ln_alpha_tx;
    const double L3 = (r + x) * (ln_alpha_tx - ln_alpha_T);
    double tail, alive;
    if (x > 0) {
      const double L4 = ln_a - std::log(b + x - 1.0);
      tail = LogSumExp(L3, L4);
      alive = 1.0 / (1.0 + std::exp(L4 - L3));  // w of §3.2 = P(alive)
    } else {
      tail = L3;
      alive = 1.0;
    }
    ll += w * (D1 + D2 + tail);
    if (gradient) {
      // MODELS §3.2.
      const double psi_abx = Digamma(a + b + x);
      g_r += w * (Digamma(r + x) - psi_r + ln_alpha - ln_alpha_tx + alive * (ln_alpha_tx - ln_alpha_T));
      g_alpha += w * (r / alpha - (r + x) / (alpha + t_x) + alive * (r + x) * (1.0 / (alpha + t_x) - 1.0 / (alpha + T)));
      const double dead = x > 0 ? 1.0 - alive : 0.0;
      g_a += w * (psi_ab - psi_abx + dead / a);
      g_b += w * (psi_ab + Digamma(b + x) - psi_b - psi_abx - (x > 0 ? dead / (b + x - 1.0) : 0.0));
    }
  }
  if (gradient) {
    gradient[0] = r * g_r;
    gradient[1] = alpha * g_alpha;
    gradient[2] = a * g_a;
    gradient[3] = b * g_b;
  }
  return ll;
}

double BgNbdPAlive(const BgNbdParams& p, double x, double t_x, double T) {
  if (x <= 0) return 1.0;
  // Logistic of u = L4 − L3 (note 021).
  const double u = std::log(p.a) - std::log(p.b + x - 1.0) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 / (1.0 + std::exp(u));
}

double BgNbdExpectedPurchases(const BgNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + t);
  return (p.a + p.b - 1.0) * StableRemainder(p.a, p.a + p.b - 1.0 - p.r, p.a + p.b - 1.0, z);
}

double BgNbdConditionalExpectedPurchases(const BgNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + T + t);
  const double c = p.a + p.b + x - 1.0;
  return BgNbdPAlive(p, x, t_x, T) * c * StableRemainder(p.a, p.a + p.b - 1.0 - p.r, c, z);
}

double BgNbdProbabilityOfPurchases(const BgNbdParams& p, double t, int n) {
  if (n < 0) return 0.0;
  if (t <= 0) return n == 0 ? 1.0 : 0.0;
  const double ln_q = std::log(p.alpha / (p.alpha + t)), ln_z = std::log(t / (p.alpha + t));
  const double z = t / (p.alpha + t);
  // ln NB_n = lnΓ(r+n) − lnΓ(r) − ln n! + r ln(α/(α+t)) + n ln(t/(α+t)).
  const double ln_nb = std::lgamma(p.r + n) - std::lgamma(p.r) - std::lgamma(n + 1.0) + p.r * ln_q + n * ln_z;
  const double ln_beta_ab = LogBeta(p.a, p.b);
  double result = std::exp(LogBeta(p.a, p.b + n) - ln_beta_ab + ln_nb);
  if (n > 0) {
    // P(N >= n) = Σ_{j>=n} NB_j, summed forward from NB_n with the ratio (r+j)/(j+1)·t/(α+t).
    double term = 1.0, sum = 1.0;
    for (long j = n; j < 100000000L; ++j) {
      const double ratio = (p.r + j) / (j + 1.0) * z;
      term *= ratio;
      sum += term;
      if (term < 1e-17 * sum && ratio < 1.0) break;
    }
    result += std::exp(LogBeta(p.a + 1.0, p.b + n - 1.0) - ln_beta_ab + ln_nb + std::log(sum));
  }
  return result;
}

double BgNbdProbabilityOfPurchaseWithin(const BgNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  // 1 − ((α+T)/(α+T+t))^{r+x} = −expm1((r+x)·ln((α+T)/(α+T+t))).
  return BgNbdPAlive(p, x, t_x, T) * -std::expm1((p.r + x) * -std::log1p(t / (p.alpha + T)));
}

double BgNbdNextPurchaseQuantile(const BgNbdParams& p, double q, double x, double T) {
  // u_q = (α+T)((1−q)^{−1/(r+x)} − 1).
  return (p.alpha + T) * std::expm1(-std::log1p(-q) / (p.r + x));
}

double BgNbdDert(const BgNbdParams& p, double delta, double x, double t_x, double T) {
  const double A = p.alpha + T, k = p.r + x + 1.0, bx = p.b + x;
  const double ln_norm = -std::log(p.a) - LogBeta(p.a, bx);
  static const double kV[] = {0.0, 0.25, 1.0, 3.0, 8.0, 20.0, 45.0, 80.0};
  static const double kW[] = {0.0, 0.5, 0.8, 0.95, 0.99, 0.999, 1.0};
  // p = w^{1/a} removes the p^{a−1} singularity: Beta(p; a, b+x) dp = (1 − w^{1/a})^{b+x−1} / (a B(a, b+x)) dw.
  auto outer = [&](double w) {
    const double prob = std::pow(w, 1.0 / p.a);
    const double density = std::exp(ln_norm + (bx - 1.0) * std::log1p(-prob));
    auto inner = [&](double v) { return std::exp(-v - k * std::log1p(prob * v / (delta * A))); };
    return density * IntegrateGLComposite(inner, kV, 8) / delta;
  };
  const double integral = IntegrateGLComposite(outer, kW, 7);
  return BgNbdPAlive(p, x, t_x, T) * (p.r + x) / A * integral;
}

}  // namespace rapport::model
