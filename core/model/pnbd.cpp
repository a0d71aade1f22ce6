// Pareto/NBD (SMC 1987). See pnbd.h and MODELS.md §5.
#include "core/model/pnbd.h"

#include <algorithm>
#include <cmath>

#include "core/model/special.h"

namespace rapport::model {

namespace {

// lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + lse(ln(s/(r+s+x)) + ln A1, ln((r+x)/(r+s+x)) + ln A2) without the
// leading lnΓ(r+x) − lnΓ(r) + r ln α + s ln β (the caller adds it).
double LogBracket(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double rsx = p.r + p.s + x;
  const double m = std::max(p.alpha, p.beta), diff = std::fabs(p.alpha - p.beta);
  // F(B, u) = ln 2F1(r+s+x, B; r+s+x+1; z_u) − (r+s+x) ln(m+u), z_u = |α−β|/(m+u).
  auto F = [&](double B, double u) { return LogHyp2F1(rsx, B, rsx + 1.0, diff / (m + u)) - rsx * std::log(m + u); };
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

// ℓ of one customer and ∂ℓ/∂(r, α, s, β) in g.
double LogLikelihoodWithGradient(const ParetoNbdParams& p, double x, double t_x, double T, double g[4]) {
  const double r = p.r, alpha = p.alpha, s = p.s, beta = p.beta;
  const double rsx = r + s + x;
  const bool alpha_ge = alpha >= beta;
  const double m = alpha_ge ? alpha : beta, diff = alpha_ge ? alpha - beta : beta - alpha;
  // F(B, u) and dF/d(r, α, s, β); dB/dr = 1 (α < β branch) or dB/ds = 1 (α >= β branch).
  auto F = [&](double B, double u, double dF[4]) {
    const double mu = m + u, z = diff / mu;
    double h[4];
    const double value = LogHyp2F1WithGradient(rsx, B, rsx + 1.0, z, h) - rsx * std::log(mu);
    const double d_rsx = h[0] + h[2] - std::log(mu);  // a = rsx and c = rsx + 1 both move with r and s
    double dz_dalpha, dz_dbeta, dm_dalpha, dm_dbeta;
    if (alpha_ge) {  // z = (α−β)/(α+u)
      dz_dalpha = (beta + u) / (mu * mu);
      dz_dbeta = -1.0 / mu;
      dm_dalpha = 1.0, dm_dbeta = 0.0;
    } else {  // z = (β−α)/(β+u)
      dz_dalpha = -1.0 / mu;
      dz_dbeta = (alpha + u) / (mu * mu);
      dm_dalpha = 0.0, dm_dbeta = 1.0;
    }
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

}  // namespace

double ParetoNbdLogLikelihoodSum(const ParetoNbdParams& p, const Patterns& patterns, double* gradient) {
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

double ParetoNbdExpectedPurchases(const ParetoNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  return p.r * p.beta / p.alpha * NegExpm1Over(p.s - 1.0, -std::log1p(t / p.beta));
}

double ParetoNbdConditionalExpectedPurchases(const ParetoNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0.0;
  return ParetoNbdPAlive(p, x, t_x, T) * (p.r + x) * (p.beta + T) / (p.alpha + T) *
         NegExpm1Over(p.s - 1.0, -std::log1p(t / (p.beta + T)));
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
  ParetoNbdNextPurchase out;
  out.p_alive = ParetoNbdPAlive(p, x, t_x, T);
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
  const NextPurchaseDensity f{p.r + x, p.alpha + T, p.beta + T, p.s};
  const double w_end = std::log1p(t / f.A);
  double sum = 0.0, lo = 0.0;
  for (int i = 1; i < kEdgeCount && lo < w_end; ++i) {
    const double hi = std::min(w_end, kEdges[i] / f.k);
    sum += IntegrateGL(f, lo, hi);
    lo = hi;
  }
  if (lo < w_end) sum += IntegrateGL(f, lo, w_end);
  return ParetoNbdPAlive(p, x, t_x, T) * sum;
}

double ParetoNbdDert(const ParetoNbdParams& p, double delta, double x, double t_x, double T) {
  // (r+x)/(α+T) · (1/δ) ∫₀^∞ e^{−v} (B/(B+v/δ))^s dv, B = β+T.
  static const double kV[] = {0.0, 0.25, 1.0, 3.0, 8.0, 20.0, 45.0, 80.0};
  const double B = p.beta + T;
  auto g = [&](double v) { return std::exp(-v - p.s * std::log1p(v / (delta * B))); };
  return ParetoNbdPAlive(p, x, t_x, T) * (p.r + x) / (p.alpha + T) * IntegrateGLComposite(g, kV, 8) / delta;
}

}  // namespace rapport::model
