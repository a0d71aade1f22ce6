// Pareto/NBD (SMC 1987). See pnbd.h and MODELS.md §5.
#include "core/model/pnbd.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/model/special.h"

namespace rapport::model {

namespace {

// lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + lse(ln(s/(r+s+x)) + ln A1, ln((r+x)/(r+s+x)) + ln A2) without the
// leading lnΓ(r+x) − lnΓ(r) + r ln α + s ln β (the caller adds it).
double LogBracket(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double rsx = p.r + p.s + x;
  const double m = std::max(p.alpha, p.beta), least = std::min(p.alpha, p.beta), diff = m - least;
  // F(B, u) = ln 2F1(r+s+x, B; r+s+x+1; z_u) − (r+s+x) ln(m+u), z_u = |α−β|/(m+u), 1 − z_u = (min(α,β)+u)/(m+u).
  auto F = [&](double B, double u) {
    return LogHyp2F1Pnbd(rsx, B, diff / (m + u), (least + u) / (m + u)) - rsx * std::log(m + u);
  };
  double ln_A1, ln_A2;
  if (p.alpha >= p.beta) {
    ln_A1 = F(p.s + 1.0, t_x);
    ln_A2 = F(p.s, T);
  } else {
    ln_A1 = F(p.r + x, t_x);
    ln_A2 = F(p.r + x + 1.0, T);
  }
  return LogSumExp(std::log(p.s / rsx) + ln_A1, std::log((p.r + x) / rsx) + ln_A2);
}

}  // namespace

double ParetoNbdLogLikelihood(const ParetoNbdParams& p, double x, double t_x, double T) {
  return std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta) +
         LogBracket(p, x, t_x, T);
}

namespace {

// ∂z/∂α, ∂z/∂β, ∂m/∂α, ∂m/∂β of the 2F1 argument z = |α−β|/(m+u), m = max(α, β), mu = m + u.
struct ZPartials {
  double dz_dalpha, dz_dbeta, dm_dalpha, dm_dbeta;
};
ZPartials ZDerivatives(bool alpha_ge, double alpha, double beta, double u, double mu) {
  if (alpha_ge) return {(beta + u) / (mu * mu), -1.0 / mu, 1.0, 0.0};  // z = (α−β)/(α+u)
  return {-1.0 / mu, (alpha + u) / (mu * mu), 0.0, 1.0};               // z = (β−α)/(β+u)
}

// ℓ of one customer and ∂ℓ/∂(r, α, s, β) in g.
double LogLikelihoodWithGradient(const ParetoNbdParams& p, double x, double t_x, double T, double g[4]) {
  const double r = p.r, alpha = p.alpha, s = p.s, beta = p.beta;
  const double rsx = r + s + x;
  const bool alpha_ge = alpha >= beta;
  const double m = alpha_ge ? alpha : beta, least = alpha_ge ? beta : alpha, diff = m - least;
  // F(B, u) and dF/d(r, α, s, β); dB/dr = 1 (α < β branch) or dB/ds = 1 (α >= β branch).
  auto F = [&](double B, double u, double dF[4]) {
    const double mu = m + u, z = diff / mu;
    double h[4];
    const double value = LogHyp2F1Pnbd(rsx, B, z, (least + u) / mu, h) - rsx * std::log(mu);
    const double d_rsx = h[0] + h[2] - std::log(mu);  // a = rsx and c = rsx + 1 both move with r and s
    const auto [dz_dalpha, dz_dbeta, dm_dalpha, dm_dbeta] = ZDerivatives(alpha_ge, alpha, beta, u, mu);
    dF[0] = d_rsx + (alpha_ge ? 0.0 : h[1]);
    dF[2] = d_rsx + (alpha_ge ? h[1] : 0.0);
    dF[1] = h[3] * dz_dalpha - rsx * dm_dalpha / mu;
    dF[3] = h[3] * dz_dbeta - rsx * dm_dbeta / mu;
    return value;
  };
  double d1[4], d2[4];
  const double F1 = alpha_ge ? F(s + 1.0, t_x, d1) : F(r + x, t_x, d1);
  const double F2 = alpha_ge ? F(s, T, d2) : F(r + x + 1.0, T, d2);
  const double u1 = std::log(s / rsx) + F1, u2 = std::log((r + x) / rsx) + F2;
  const double lse = LogSumExp(u1, u2);
  const double w1 = std::exp(u1 - lse), w2 = std::exp(u2 - lse);
  const double du1[4] = {-1.0 / rsx + d1[0], d1[1], 1.0 / s - 1.0 / rsx + d1[2], d1[3]};
  const double du2[4] = {1.0 / (r + x) - 1.0 / rsx + d2[0], d2[1], -1.0 / rsx + d2[2], d2[3]};
  g[0] = Digamma(r + x) - Digamma(r) + std::log(alpha) + w1 * du1[0] + w2 * du2[0];
  g[1] = r / alpha + w1 * du1[1] + w2 * du2[1];
  g[2] = std::log(beta) + w1 * du1[2] + w2 * du2[2];
  g[3] = s / beta + w1 * du1[3] + w2 * du2[3];
  return std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) + s * std::log(beta) + lse;
}

// The same sum over patterns with pairs (IndexPatternPairs). Within one pass the 2F1 of A1 depends on x and
// t_x only, that of A2 on x and T only, and a, b, c on x only: for each x, LogHyp2F1Batch evaluates A1 at
// x's distinct t_x and A2 at its distinct T (times ascending, so z = |α−β|/(m+u) descending) with one set of
// series coefficients; each pattern then only combines its two pairs. lnΓ(r+x) − lnΓ(r) and ψ(r+x) − ψ(r)
// come from tables over x (recurrences lnΓ(y+1) = lnΓ(y) + ln y, ψ(y+1) = ψ(y) + 1/y).
// `bracket`, when given, receives each pattern's lse(U1, U2), the LogBracket of ParetoNbdLogLikelihood.
double PairedSum(const ParetoNbdParams& p, const Patterns& patterns, double* gradient, double* bracket = nullptr) {
  const double r = p.r, alpha = p.alpha, s = p.s, beta = p.beta;
  const bool alpha_ge = alpha >= beta;
  const double m = alpha_ge ? alpha : beta, least = alpha_ge ? beta : alpha, diff = m - least;
  const size_t nx = static_cast<size_t>(patterns.max_whole_x) + 1;
  const std::vector<double>& times = patterns.times;
  // U1 = ln(s/(r+s+x)) + F(B1, t_x), U2 = ln((r+x)/(r+s+x)) + F(B2, T) per pair; dU1, dU2 their ∂/∂(r, α, s, β).
  const size_t n1 = patterns.t_x_pair_time.size(), n2 = patterns.T_pair_time.size();
  std::vector<double> U1(n1), U2(n2), dU1(gradient ? 4 * n1 : 0), dU2(gradient ? 4 * n2 : 0);
  std::vector<double> z, rho, value, h;
  // F(B, u) = ln 2F1(r+s+x, B; r+s+x+1; z_u) − (r+s+x) ln(m+u) for the pairs [begin, end) of one x, plus the
  // constant `shift`; `d_shift` is ∂shift/∂(r, α, s, β); B moves with r (α < β) or s (α >= β).
  auto evaluate = [&](double rsx, double B, const std::vector<uint32_t>& pair_time, uint32_t begin, uint32_t end,
                      double shift, const double d_shift[4], double* U, double* dU) {
    const size_t count = end - begin;
    z.resize(count);
    rho.resize(count);
    value.resize(count);
    h.resize(gradient ? 4 * count : 0);
    for (size_t j = 0; j < count; ++j) {
      const double mu = m + times[pair_time[begin + j]];
      z[j] = diff / mu;
      rho[j] = (least + times[pair_time[begin + j]]) / mu;
    }
    LogHyp2F1PnbdBatch(rsx, B, z.data(), rho.data(), count, value.data(), gradient ? h.data() : nullptr);
    for (size_t j = 0; j < count; ++j) {
      const double u = times[pair_time[begin + j]], mu = m + u, ln_mu = std::log(mu);
      U[begin + j] = shift + value[j] - rsx * ln_mu;
      if (!gradient) continue;
      const double* hj = &h[4 * j];
      const double d_rsx = hj[0] + hj[2] - ln_mu;  // a = rsx and c = rsx + 1 both move with r and s
      const auto [dz_dalpha, dz_dbeta, dm_dalpha, dm_dbeta] = ZDerivatives(alpha_ge, alpha, beta, u, mu);
      double* g = dU + 4 * (begin + j);
      g[0] = d_shift[0] + d_rsx + (alpha_ge ? 0.0 : hj[1]);
      g[1] = d_shift[1] + hj[3] * dz_dalpha - rsx * dm_dalpha / mu;
      g[2] = d_shift[2] + d_rsx + (alpha_ge ? hj[1] : 0.0);
      g[3] = d_shift[3] + hj[3] * dz_dbeta - rsx * dm_dbeta / mu;
    }
  };
  std::vector<double> head(nx), d_head(gradient ? nx : 0);  // lnΓ(r+x) − lnΓ(r), ψ(r+x) − ψ(r)
  for (size_t x = 0; x < nx; ++x) {
    const double xd = static_cast<double>(x), rx = r + xd, rsx = rx + s;
    head[x] = x == 0 ? 0.0 : head[x - 1] + std::log(rx - 1.0);
    if (gradient) d_head[x] = x == 0 ? 0.0 : d_head[x - 1] + 1.0 / (rx - 1.0);
    // ∂ln(s/rsx) = (−1/rsx, 0, 1/s − 1/rsx, 0); ∂ln((r+x)/rsx) = (1/(r+x) − 1/rsx, 0, −1/rsx, 0).
    const double d1[4] = {-1.0 / rsx, 0.0, 1.0 / s - 1.0 / rsx, 0.0};
    const double d2[4] = {1.0 / rx - 1.0 / rsx, 0.0, -1.0 / rsx, 0.0};
    const uint32_t b1 = patterns.t_x_pair_begin[x], e1 = patterns.t_x_pair_begin[x + 1];
    const uint32_t b2 = patterns.T_pair_begin[x], e2 = patterns.T_pair_begin[x + 1];
    if (e1 > b1) {
      evaluate(rsx, alpha_ge ? s + 1.0 : rx, patterns.t_x_pair_time, b1, e1, std::log(s / rsx), d1, U1.data(), dU1.data());
    }
    if (e2 > b2) {
      evaluate(rsx, alpha_ge ? s : rx + 1.0, patterns.T_pair_time, b2, e2, std::log(rx / rsx), d2, U2.data(), dU2.data());
    }
  }
  const double ln_alpha = std::log(alpha), ln_beta = std::log(beta);
  const double constant = r * ln_alpha + s * ln_beta;
  double ll = 0.0, n = 0.0, g_sum[4] = {0.0, 0.0, 0.0, 0.0};
  for (size_t i = 0; i < patterns.size(); ++i) {
    const size_t x = static_cast<size_t>(patterns.x[i]);
    const double w = patterns.weight[i];
    n += w;
    const uint32_t k1 = patterns.t_x_pair[i], k2 = patterns.T_pair[i];
    const double u1 = U1[k1], u2 = U2[k2];
    const double e = std::exp(-std::fabs(u1 - u2));
    const double lse = (u1 > u2 ? u1 : u2) + std::log1p(e);
    if (bracket) bracket[i] = lse;
    ll += w * (head[x] + lse);
    if (gradient) {
      const double w_big = 1.0 / (1.0 + e), w_small = e * w_big;  // weights of the larger and smaller term
      const double w1 = u1 > u2 ? w_big : w_small, w2 = u1 > u2 ? w_small : w_big;
      const double* a1 = &dU1[4 * k1];
      const double* a2 = &dU2[4 * k2];
      g_sum[0] += w * (d_head[x] + w1 * a1[0] + w2 * a2[0]);
      g_sum[1] += w * (w1 * a1[1] + w2 * a2[1]);
      g_sum[2] += w * (w1 * a1[2] + w2 * a2[2]);
      g_sum[3] += w * (w1 * a1[3] + w2 * a2[3]);
    }
  }
  ll += n * constant;
  if (gradient) {
    // r ln α + s ln β, once per customer (ψ(r+x) − ψ(r) is in d_head).
    gradient[0] = r * (g_sum[0] + n * ln_alpha);
    gradient[1] = alpha * (g_sum[1] + n * r / alpha);
    gradient[2] = s * (g_sum[2] + n * ln_beta);
    gradient[3] = beta * (g_sum[3] + n * s / beta);
  }
  return ll;
}

}  // namespace

double ParetoNbdLogLikelihoodSum(const ParetoNbdParams& p, const Patterns& patterns, double* gradient) {
  if (patterns.max_whole_x >= 0 && patterns.t_x_pair.size() == patterns.size() && patterns.size() > 0) {
    return PairedSum(p, patterns, gradient);
  }
  if (gradient) {
    double ll = 0.0, g_sum[4] = {0.0, 0.0, 0.0, 0.0}, g[4];
    for (size_t i = 0; i < patterns.size(); ++i) {
      const double w = patterns.weight[i];
      ll += w * LogLikelihoodWithGradient(p, patterns.x[i], patterns.t_x[i], patterns.T[i], g);
      for (int k = 0; k < 4; ++k) g_sum[k] += w * g[k];
    }
    gradient[0] = p.r * g_sum[0];
    gradient[1] = p.alpha * g_sum[1];
    gradient[2] = p.s * g_sum[2];
    gradient[3] = p.beta * g_sum[3];
    return ll;
  }
  const double head = -std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  double ll = 0.0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const double x = patterns.x[i];
    ll += patterns.weight[i] * (head + std::lgamma(p.r + x) + LogBracket(p, x, patterns.t_x[i], patterns.T[i]));
  }
  return ll;
}

double ParetoNbdPAlive(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double ln_alive_part = -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
  return std::min(1.0, std::exp(ln_alive_part - LogBracket(p, x, t_x, T)));
}

std::vector<double> ParetoNbdPAliveOfPatterns(const ParetoNbdParams& p, const Patterns& patterns) {
  std::vector<double> alive(patterns.size());
  const Patterns* paired = &patterns;
  Patterns copy;
  if (!(patterns.max_whole_x >= 0 && patterns.t_x_pair.size() == patterns.size())) {
    copy = patterns;
    IndexPatterns(&copy);
    IndexPatternPairs(&copy);
    paired = &copy;
  }
  if (paired->max_whole_x < 0 || paired->size() == 0) {  // fractional x: one pattern at a time
    for (size_t i = 0; i < patterns.size(); ++i) alive[i] = ParetoNbdPAlive(p, patterns.x[i], patterns.t_x[i], patterns.T[i]);
    return alive;
  }
  std::vector<double> bracket(patterns.size());
  PairedSum(p, *paired, nullptr, bracket.data());
  for (size_t i = 0; i < patterns.size(); ++i) {
    const double x = patterns.x[i], T = patterns.T[i];
    const double ln_alive_part = -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
    alive[i] = std::min(1.0, std::exp(ln_alive_part - bracket[i]));
  }
  return alive;
}

double ParetoNbdExpectedPurchases(const ParetoNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  return p.r * p.beta / p.alpha * NegExpm1Over(p.s - 1.0, -std::log1p(t / p.beta));
}

double ParetoNbdConditionalExpectedPurchases(const ParetoNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  return ParetoNbdPAlive(p, x, t_x, T) * ParetoNbdExpectedPurchasesIfAlive(p, t, x, T);
}

double ParetoNbdExpectedPurchasesIfAlive(const ParetoNbdParams& p, double t, double x, double T) {
  if (t <= 0) return 0.0;
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * NegExpm1Over(p.s - 1.0, -std::log1p(t / (p.beta + T)));
}

namespace {

// With v = A(e^w − 1), A = α+T, B = β+T: f(v) dv = (r+x) e^{−(r+x)w} (B/(B+v))^s dw, smooth in w.
struct NextPurchaseDensity {
  double k, A, B, s;
  double operator()(double w) const {
    const double v = A * std::expm1(w);
    return k * std::exp(-k * w - s * std::log1p(v / B));
  }
  double VOf(double w) const { return A * std::expm1(w); }
};

constexpr double kEdges[] = {0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 45.0};
constexpr int kEdgeCount = sizeof(kEdges) / sizeof(kEdges[0]);

}  // namespace

ParetoNbdNextPurchase ParetoNbdNextPurchaseOf(const ParetoNbdParams& p, double x, double t_x, double T) {
  ParetoNbdNextPurchase out = ParetoNbdNextPurchaseIfAlive(p, x, T);
  out.p_alive = ParetoNbdPAlive(p, x, t_x, T);
  return out;
}

ParetoNbdNextPurchase ParetoNbdNextPurchaseIfAlive(const ParetoNbdParams& p, double x, double T) {
  ParetoNbdNextPurchase out;
  out.p_alive = 1.0;
  const NextPurchaseDensity f{p.r + x, p.alpha + T, p.beta + T, p.s};
  double cumulative[kEdgeCount];
  cumulative[0] = 0.0;
  for (int i = 1; i < kEdgeCount; ++i) {
    cumulative[i] = cumulative[i - 1] + IntegrateGL(f, kEdges[i - 1] / f.k, kEdges[i] / f.k);
  }
  const double total = cumulative[kEdgeCount - 1];
  out.p_ever_given_alive = total;
  const double half = 0.5 * total;
  int i = 1;
  while (i < kEdgeCount - 1 && cumulative[i] < half) ++i;
  // Newton on G(w) = half within [edge i−1, edge i], G' = f.
  const double lo = kEdges[i - 1] / f.k, hi = kEdges[i] / f.k;
  double w = 0.5 * (lo + hi);
  for (int iter = 0; iter < 30; ++iter) {
    const double G = cumulative[i - 1] + IntegrateGL(f, lo, w);
    const double step = (G - half) / f(w);
    double next = w - step;
    if (!(next > lo)) next = 0.5 * (lo + w);
    if (!(next < hi)) next = 0.5 * (w + hi);
    if (std::fabs(next - w) <= 1e-13 * std::max(1.0, w)) {
      w = next;
      break;
    }
    w = next;
  }
  out.median = f.VOf(w);
  return out;
}

double ParetoNbdProbabilityOfPurchaseWithin(const ParetoNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  return ParetoNbdPAlive(p, x, t_x, T) * ParetoNbdPurchaseWithinIfAlive(p, t, x, T);
}

double ParetoNbdPurchaseWithinIfAlive(const ParetoNbdParams& p, double t, double x, double T) {
  if (t <= 0) return 0.0;
  const NextPurchaseDensity f{p.r + x, p.alpha + T, p.beta + T, p.s};
  const double w_end = std::log1p(t / f.A);
  double sum = 0.0, lo = 0.0;
  for (int i = 1; i < kEdgeCount && lo < w_end; ++i) {
    const double hi = std::min(w_end, kEdges[i] / f.k);
    sum += IntegrateGL(f, lo, hi);
    lo = hi;
  }
  if (lo < w_end) sum += IntegrateGL(f, lo, w_end);
  return sum;
}

double ParetoNbdDert(const ParetoNbdParams& p, double delta, double x, double t_x, double T) {
  // (r+x)/(α+T) · (1/δ) ∫₀^∞ e^{−v} (B/(B+v/δ))^s dv, B = β+T.
  static const double kV[] = {0.0, 0.25, 1.0, 3.0, 8.0, 20.0, 45.0, 80.0};
  const double B = p.beta + T;
  auto g = [&](double v) { return std::exp(-v - p.s * std::log1p(v / (delta * B))); };
  return ParetoNbdPAlive(p, x, t_x, T) * (p.r + x) / (p.alpha + T) * IntegrateGLComposite(g, kV, 8) / delta;
}

}  // namespace rapport::model
