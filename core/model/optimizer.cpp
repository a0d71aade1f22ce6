// See optimizer.h. BFGS as in Nocedal & Wright, "Numerical Optimization" (2nd ed.), Algorithm 6.1 with the
// initial inverse-Hessian scaling of eq. 6.20; Nelder-Mead with the standard coefficients (1, 2, ½, ½).
#include "core/model/optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace rapport::model {

namespace {

double InfNorm(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

void Project(std::vector<double>* theta, const OptimizerOptions& o) {
  for (double& t : *theta) t = std::min(o.upper, std::max(o.lower, t));
}

double Eval(const Objective& f, const std::vector<double>& theta, int* evaluations) {
  ++*evaluations;
  const double v = f(theta, nullptr);
  return std::isfinite(v) ? v : INFINITY;
}

// Nelder-Mead from theta; returns the best vertex.
std::vector<double> NelderMead(const Objective& f, std::vector<double> theta, const OptimizerOptions& o,
                               int* evaluations) {
  const size_t n = theta.size();
  std::vector<std::vector<double>> simplex(n + 1, theta);
  std::vector<double> values(n + 1);
  for (size_t i = 0; i < n; ++i) {
    simplex[i + 1][i] += o.nelder_mead_initial_step;
    Project(&simplex[i + 1], o);
  }
  for (size_t i = 0; i <= n; ++i) values[i] = Eval(f, simplex[i], evaluations);
  std::vector<size_t> order(n + 1);
  const int budget = *evaluations + o.nelder_mead_evaluations;
  while (*evaluations < budget) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    const size_t best = order[0], worst = order[n], second = order[n - 1];
    if (std::isfinite(values[worst]) && values[worst] - values[best] <= 1e-12 * (1.0 + std::fabs(values[best]))) break;
    std::vector<double> centroid(n, 0.0);
    for (size_t k = 0; k < n; ++k) {
      for (size_t j = 0; j < n; ++j) centroid[j] += simplex[order[k]][j] / n;
    }
    auto along = [&](double coef) {
      std::vector<double> p(n);
      for (size_t j = 0; j < n; ++j) p[j] = centroid[j] + coef * (simplex[worst][j] - centroid[j]);
      Project(&p, o);
      return p;
    };
    std::vector<double> reflected = along(-1.0);
    const double fr = Eval(f, reflected, evaluations);
    if (fr < values[best]) {
      std::vector<double> expanded = along(-2.0);
      const double fe = Eval(f, expanded, evaluations);
      if (fe < fr) {
        simplex[worst] = expanded, values[worst] = fe;
      } else {
        simplex[worst] = reflected, values[worst] = fr;
      }
    } else if (fr < values[second]) {
      simplex[worst] = reflected, values[worst] = fr;
    } else {
      const bool outside = fr < values[worst];
      std::vector<double> contracted = along(outside ? -0.5 : 0.5);
      const double fc = Eval(f, contracted, evaluations);
      if (fc < std::min(fr, values[worst])) {
        simplex[worst] = contracted, values[worst] = fc;
      } else {
        for (size_t k = 1; k <= n; ++k) {  // shrink towards the best vertex
          std::vector<double>& p = simplex[order[k]];
          for (size_t j = 0; j < n; ++j) p[j] = simplex[best][j] + 0.5 * (p[j] - simplex[best][j]);
          values[order[k]] = Eval(f, p, evaluations);
        }
      }
    }
  }
  size_t best = 0;
  for (size_t i = 1; i <= n; ++i) {
    if (values[i] < values[best]) best = i;
  }
  return simplex[best];
}

}  // namespace

std::vector<double> Gradient(const Objective& f, const std::vector<double>& theta, bool analytic, double h,
                             int* evaluations) {
  std::vector<double> g(theta.size(), 0.0);
  if (analytic) {
    if (evaluations) ++*evaluations;
    f(theta, &g);
    return g;
  }
  std::vector<double> p = theta;
  for (size_t k = 0; k < theta.size(); ++k) {
    p[k] = theta[k] + h;
    const double up = f(p, nullptr);
    p[k] = theta[k] - h;
    const double down = f(p, nullptr);
    p[k] = theta[k];
    g[k] = (up - down) / (2.0 * h);
    if (evaluations) *evaluations += 2;
  }
  return g;
}

Minimizer::Minimizer(Objective f, std::vector<double> theta0, const OptimizerOptions& options)
    : f_(std::move(f)), o_(options) {
  const size_t n = theta0.size();
  Project(&theta0, o_);
  if (o_.nelder_mead_evaluations > 0) theta0 = NelderMead(f_, theta0, o_, &evaluations_);
  theta_ = theta0;
  g_.assign(n, 0.0);
  value_ = ValueAndGradient(theta_, &g_);
  if (!std::isfinite(value_) || !std::isfinite(InfNorm(g_))) {
    result_.theta = theta_;
    result_.value = value_;
    result_.gradient = g_;
    result_.evaluations = evaluations_;
    result_.message = "the objective is not finite at the starting point";
    done_ = true;
    return;
  }
  H_.assign(n * n, 0.0);
  ResetH();
}

double Minimizer::ValueAndGradient(const std::vector<double>& t, std::vector<double>* g) {
  if (o_.analytic_gradient) {
    ++evaluations_;
    const double v = f_(t, g);
    return std::isfinite(v) ? v : INFINITY;
  }
  const double v = Eval(f_, t, &evaluations_);
  if (std::isfinite(v)) *g = Gradient(f_, t, false, o_.difference_step, &evaluations_);
  return v;
}

void Minimizer::ResetH() {
  const size_t n = theta_.size();
  std::fill(H_.begin(), H_.end(), 0.0);
  for (size_t i = 0; i < n; ++i) H_[i * n + i] = 1.0;
}

bool Minimizer::Run(int iterations) {
  for (int k = 0; k < iterations && !done_; ++k) {
    if (iteration_ >= o_.max_iterations) {
      result_.message = "iteration limit reached";
      Finish();
      break;
    }
    if (Iterate()) {
      Finish();
      break;
    }
    ++iteration_;
  }
  return done_;
}

void Minimizer::Stop(std::string message) {
  if (done_) return;
  result_.message = std::move(message);
  Finish();
}

void Minimizer::Finish() {
  result_.theta = theta_;
  result_.value = value_;
  result_.gradient = g_;
  result_.iterations = iteration_;
  result_.evaluations = evaluations_;
  done_ = true;
}

// One BFGS iteration; true when the run ends here (converged or failed, result_.message set).
bool Minimizer::Iterate() {
  const size_t n = theta_.size();
  const OptimizerOptions& o = o_;
  std::vector<double>& theta = theta_;
  std::vector<double>& g = g_;
  std::vector<double>& H = H_;
  double& value = value_;
  bool& fresh = fresh_;
  OptimizerResult& result = result_;
  std::vector<double> d(n), next(n), g_next(n), s(n), y(n), Hy(n);
  if (InfNorm(g) <= o.gradient_tolerance) {
    result.converged = true;
    result.message = "gradient below tolerance";
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (size_t j = 0; j < n; ++j) sum -= H[i * n + j] * g[j];
    d[i] = sum;
  }
  double slope = std::inner_product(g.begin(), g.end(), d.begin(), 0.0);
  if (!(slope < 0.0)) {
    ResetH();
    fresh = true;
    for (size_t i = 0; i < n; ++i) d[i] = -g[i];
    slope = -std::inner_product(g.begin(), g.end(), g.begin(), 0.0);
  }
  // Keep steps (the first of a fresh BFGS above all) from leaping out of the region of interest.
  {
    const double norm = InfNorm(d), cap = fresh ? std::min(1.0, o.max_step) : o.max_step;
    if (norm > cap) {
      for (double& v : d) v *= cap / norm;
      slope *= cap / norm;
    }
  }
  // The decrease a full step promises is −slope (less with curvature). Once that is below a few ulps of f
  // and the gradient is within the tolerance of a converged line search below, no trial can show a
  // decrease that is not rounding: stop here rather than halving through failing line searches.
  if (-slope <= 1e-15 * std::fabs(value) && InfNorm(g) <= 1e3 * o.gradient_tolerance) {
    result.converged = true;
    result.message = "no further decrease possible at double precision";
    return true;
  }
  double step = 1.0, next_value = INFINITY;
  bool accepted = false;
  for (int tries = 0; tries < 60; ++tries) {
    for (size_t i = 0; i < n; ++i) next[i] = theta[i] + step * d[i];
    Project(&next, o);
    double directional = 0.0;
    for (size_t i = 0; i < n; ++i) directional += g[i] * (next[i] - theta[i]);
    if (o.analytic_gradient && o.gradient_with_every_trial) {  // one pass gives both
      next_value = ValueAndGradient(next, &g_next);
      if (std::isfinite(next_value) && next_value <= value + 1e-4 * directional && std::isfinite(InfNorm(g_next))) {
        accepted = true;
        break;
      }
      step *= 0.5;
      continue;
    }
    next_value = Eval(f_, next, &evaluations_);  // the value only; the gradient once a step is accepted
    if (std::isfinite(next_value) && next_value <= value + 1e-4 * directional) {
      next_value = ValueAndGradient(next, &g_next);
      if (std::isfinite(next_value) && std::isfinite(InfNorm(g_next))) {
        accepted = true;
        break;
      }
    }
    step *= 0.5;
  }
  if (!accepted) {
    if (!fresh) {  // retry once along the steepest descent (the next iteration)
      ResetH();
      fresh = true;
      return false;
    }
    if (InfNorm(g) <= 1e3 * o.gradient_tolerance) {
      result.converged = true;
      result.message = "no further decrease possible at double precision";
    } else {
      result.message = "line search failed away from a stationary point";
    }
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    s[i] = next[i] - theta[i];
    y[i] = g_next[i] - g[i];
  }
  const double sy = std::inner_product(s.begin(), s.end(), y.begin(), 0.0);
  const double yy = std::inner_product(y.begin(), y.end(), y.begin(), 0.0);
  const double change = value - next_value;
  theta = next;
  value = next_value;
  g = g_next;
  if (sy > 1e-300 && sy > 1e-12 * std::sqrt(yy * std::inner_product(s.begin(), s.end(), s.begin(), 0.0))) {
    if (fresh) {  // Nocedal & Wright eq. 6.20
      ResetH();
      for (size_t i = 0; i < n; ++i) H[i * n + i] = sy / yy;
      fresh = false;
    }
    const double rho = 1.0 / sy;
    for (size_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (size_t j = 0; j < n; ++j) sum += H[i * n + j] * y[j];
      Hy[i] = sum;
    }
    const double yHy = std::inner_product(y.begin(), y.end(), Hy.begin(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
      }
    }
  }
  if (change == 0.0 && InfNorm(s) == 0.0) {
    result.converged = InfNorm(g) <= 1e3 * o.gradient_tolerance;
    result.message = result.converged ? "no further decrease possible at double precision" : "stalled";
    return true;
  }
  // A step that gained less than 1e-14·|f| with the gradient already within the loose tolerance: the
  // decrease is at the level of the sum's rounding (a gradient computed from the same rounded terms can stall
  // at ~1e-7 on a million customers), and further line searches would only halve through it.
  if (change <= 1e-14 * std::fabs(value) && InfNorm(g) <= 1e3 * o.gradient_tolerance) {
    result.converged = true;
    result.message = "no further decrease possible at double precision";
    return true;
  }
  return false;
}

OptimizerResult Minimize(const Objective& f, std::vector<double> theta0, const OptimizerOptions& o) {
  Minimizer m(f, std::move(theta0), o);
  m.Run(std::numeric_limits<int>::max());
  return m.result();
}

void HessianRow(const Objective& f, const std::vector<double>& theta, bool analytic_gradient, double f0, size_t row,
                std::vector<double>* hessian) {
  const size_t n = theta.size();
  std::vector<double>& h = *hessian;
  std::vector<double> p = theta;
  if (analytic_gradient) {
    const double step = 1e-5;
    std::vector<double> up(n), down(n);
    const size_t k = row;
    p[k] = theta[k] + step;
    f(p, &up);
    p[k] = theta[k] - step;
    f(p, &down);
    p[k] = theta[k];
    for (size_t j = 0; j < n; ++j) h[k * n + j] = (up[j] - down[j]) / (2.0 * step);
    return;
  }
  const double step = 1e-4;
  const size_t i = row;
  for (size_t j = i; j < n; ++j) {
    if (i == j) {
      p[i] = theta[i] + step;
      const double up = f(p, nullptr);
      p[i] = theta[i] - step;
      const double down = f(p, nullptr);
      p[i] = theta[i];
      h[i * n + i] = (up - 2.0 * f0 + down) / (step * step);
    } else {
      double v[4];
      const int si[4] = {1, 1, -1, -1}, sj[4] = {1, -1, 1, -1};
      for (int c = 0; c < 4; ++c) {
        p[i] = theta[i] + si[c] * step;
        p[j] = theta[j] + sj[c] * step;
        v[c] = f(p, nullptr);
      }
      p[i] = theta[i];
      p[j] = theta[j];
      h[i * n + j] = h[j * n + i] = (v[0] - v[1] - v[2] + v[3]) / (4.0 * step * step);
    }
  }
}

void SymmetrizeHessian(size_t n, std::vector<double>* hessian) {
  std::vector<double>& h = *hessian;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
  }
}

std::vector<double> Hessian(const Objective& f, const std::vector<double>& theta, bool analytic_gradient) {
  const size_t n = theta.size();
  std::vector<double> h(n * n, 0.0);
  const double f0 = analytic_gradient ? 0.0 : f(theta, nullptr);
  for (size_t row = 0; row < n; ++row) HessianRow(f, theta, analytic_gradient, f0, row, &h);
  SymmetrizeHessian(n, &h);
  return h;
}

bool InvertSymmetric(std::vector<double>* matrix, int n) {
  std::vector<double>& m = *matrix;
  for (int i = 0; i < n; ++i) {
    if (!(m[i * n + i] > 0.0)) return false;
  }
  std::vector<double> inv(n * n, 0.0);
  for (int i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int r = col + 1; r < n; ++r) {
      if (std::fabs(m[r * n + col]) > std::fabs(m[pivot * n + col])) pivot = r;
    }
    if (m[pivot * n + col] == 0.0 || !std::isfinite(m[pivot * n + col])) return false;
    if (pivot != col) {
      for (int k = 0; k < n; ++k) {
        std::swap(m[col * n + k], m[pivot * n + k]);
        std::swap(inv[col * n + k], inv[pivot * n + k]);
      }
    }
    const double diag = m[col * n + col];
    for (int k = 0; k < n; ++k) {
      m[col * n + k] /= diag;
      inv[col * n + k] /= diag;
    }
    for (int r = 0; r < n; ++r) {
      if (r == col) continue;
      const double factor = m[r * n + col];
      if (factor == 0.0) continue;
      for (int k = 0; k < n; ++k) {
        m[r * n + k] -= factor * m[col * n + k];
        inv[r * n + k] -= factor * inv[col * n + k];
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    if (!(inv[i * n + i] > 0.0)) return false;
  }
  m = inv;
  return true;
}

}  // namespace rapport::model
