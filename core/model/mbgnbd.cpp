// MBG/NBD (Batislam et al. 2007). See mbgnbd.h and MODELS.md §4.
#include "core/model/mbgnbd.h"

#include <cmath>
#include <vector>

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

namespace {

// Over indexed patterns (IndexPatterns): lnΓ and ψ differences tabulated over x, logs per distinct time.
double IndexedSum(const MbgNbdParams& p, const Patterns& patterns, double* gradient) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const size_t nx = static_cast<size_t>(patterns.max_whole_x) + 1;
  // D[x] = [lnΓ(r+x) − lnΓ(r)] + [lnΓ(b+x+1) − lnΓ(b)] − [lnΓ(a+b+x+1) − lnΓ(a+b)];
  // dr[x] = ψ(r+x) − ψ(r), db[x] = ψ(b+x+1) − ψ(b), dab[x] = ψ(a+b+x+1) − ψ(a+b).
  std::vector<double> D(nx), dr(nx), db(nx), dab(nx), ln_bx(nx), inv_bx(nx);
  ln_bx[0] = std::log(b);
  inv_bx[0] = 1.0 / b;
  D[0] = ln_bx[0] - std::log(a + b);
  dr[0] = 0.0;
  db[0] = inv_bx[0];
  dab[0] = 1.0 / (a + b);
  for (size_t x = 1; x < nx; ++x) {
    const double xd = static_cast<double>(x);
    ln_bx[x] = std::log(b + xd);
    inv_bx[x] = 1.0 / (b + xd);
    D[x] = D[x - 1] + std::log(r + xd - 1.0) + ln_bx[x] - std::log(a + b + xd);
    if (gradient) {
      dr[x] = dr[x - 1] + 1.0 / (r + xd - 1.0);
      db[x] = db[x - 1] + inv_bx[x];
      dab[x] = dab[x - 1] + 1.0 / (a + b + xd);
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
    const double A4 = ln_a - ln_bx[x] + rx * (lt_T - lt_x);
    const double e = std::exp(-std::fabs(A4));
    const double lse = (A4 > 0 ? A4 : 0.0) + std::log1p(e);  // lse(0, A4)
    ll += w * (D[x] + r_ln_alpha - rx * lt_T + lse);
    if (gradient) {
      const double dead = A4 > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);  // π = e^{A4}/(1+e^{A4})
      g_r += w * (dr[x] + ln_alpha - lt_T + dead * (lt_T - lt_x));
      g_alpha += w * (r / alpha - rx * it[Ti] + dead * rx * (it[Ti] - it[ti]));
      g_a += w * (-dab[x] + dead / a);
      g_b += w * (db[x] - dab[x] - dead * inv_bx[x]);
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

}  // namespace

double MbgNbdLogLikelihoodSum(const MbgNbdParams& p, const Patterns& patterns, double* gradient) {
  if (gradient || (patterns.max_whole_x >= 0 && patterns.max_whole_x <= 100000 &&
                   patterns.t_x_index.size() == patterns.size())) {
    if (patterns.max_whole_x >= 0 && patterns.max_whole_x <= 100000 && patterns.t_x_index.size() == patterns.size()) {
      return IndexedSum(p, patterns, gradient);
    }
    Patterns indexed = patterns;  // a gradient needs the indexed form
    IndexPatterns(&indexed);
    if (indexed.max_whole_x >= 0 && indexed.max_whole_x <= 100000) return IndexedSum(p, indexed, gradient);
    return NAN;
  }
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
