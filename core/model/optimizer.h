// A small bounded optimiser for the model fits (MODELS.md §8): BFGS with a backtracking (Armijo) line search
// on a box, optionally started by Nelder-Mead; plus the numerical Hessian and a symmetric-matrix inverse
// for standard errors. The models optimise θ = ln(parameters), so the box is a guard against runaway
// parameters (e^±30), not a constraint the optimum is expected to touch.
//
// Convergence: ‖∇f‖_∞ <= gradient_tolerance; or, when the line search can no longer decrease f or the
// decrease a step promises (−∇f·d) is below 1e-15·|f| (the optimum is reached to double precision),
// ‖∇f‖_∞ <= 1e3·gradient_tolerance. Anything else (the iteration
// cap, a non-finite value at the start, a line search that fails far from a stationary point) leaves
// `converged` false with a message; callers report StatusCode::kNotConverged.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace rapport::model {

// f(θ); fills *gradient when it is not null. Returns +inf (or NaN) outside the function's domain.
using Objective = std::function<double(const std::vector<double>& theta, std::vector<double>* gradient)>;

struct OptimizerOptions {
  double lower = -30.0, upper = 30.0;  // box on every θ_k
  bool analytic_gradient = true;       // false: central differences with `difference_step`
  double difference_step = 1e-5;
  int nelder_mead_evaluations = 0;     // > 0: a Nelder-Mead run of at most this many evaluations first
  double nelder_mead_initial_step = 0.5;
  int max_iterations = 400;            // BFGS iterations
  double max_step = 1.0;               // largest change of any θ_k in one BFGS step (a factor e in the parameter):
                                       // keeps line-search trials out of regions where a likelihood is costly
  double gradient_tolerance = 1e-9;    // on ‖∇f‖_∞
  // With an analytic gradient: true asks for value and gradient together at every line-search trial (most
  // first trials are accepted, so a BFGS iteration usually costs one pass instead of a value pass plus a
  // gradient pass); false asks for the value first and the gradient once a trial is accepted (better when
  // the gradient costs far more than the value). The iterates are the same either way.
  bool gradient_with_every_trial = true;
};

struct OptimizerResult {
  std::vector<double> theta;
  double value = 0.0;
  std::vector<double> gradient;
  int iterations = 0;   // BFGS iterations
  int evaluations = 0;  // function evaluations, Nelder-Mead and finite differences included
  bool converged = false;
  std::string message;  // why it stopped
};

OptimizerResult Minimize(const Objective& f, std::vector<double> theta0, const OptimizerOptions& options);

// Minimize a few BFGS iterations at a time (the engine runs a fit as steps, core/api/cache.h): the constructor
// runs the Nelder-Mead start (when options ask for it) and evaluates f at the start; each Run does up to
// `iterations` more BFGS iterations. The iterates and the result are Minimize's however the runs are split
// (Minimize is one Run to the end).
class Minimizer {
 public:
  Minimizer(Objective f, std::vector<double> theta0, const OptimizerOptions& options);
  // Up to `iterations` more iterations; returns done().
  bool Run(int iterations);
  bool done() const { return done_; }
  // Complete once done().
  const OptimizerResult& result() const { return result_; }
  // The current iterate.
  const std::vector<double>& theta() const { return theta_; }
  // Ends the run here, not converged, with `message` (a caller that knows the search is going nowhere).
  void Stop(std::string message);

 private:
  double ValueAndGradient(const std::vector<double>& theta, std::vector<double>* gradient);
  void ResetH();
  bool Iterate();  // one iteration; true when the run ends with it
  void Finish();

  Objective f_;
  OptimizerOptions o_;
  std::vector<double> theta_, g_, H_;  // the iterate, its gradient, the inverse-Hessian approximation
  double value_ = 0.0;
  bool fresh_ = true;  // H is the identity (no curvature information yet)
  int iteration_ = 0, evaluations_ = 0;
  bool done_ = false;
  OptimizerResult result_;
};

// The gradient of f at θ: analytic when `analytic` is true, else central differences with step h.
std::vector<double> Gradient(const Objective& f, const std::vector<double>& theta, bool analytic, double h,
                             int* evaluations = nullptr);

// The Hessian of f at θ (row-major n×n, symmetrised): central differences of the analytic gradient
// (h = 1e-5) or second differences of f (h = 1e-4).
std::vector<double> Hessian(const Objective& f, const std::vector<double>& theta, bool analytic_gradient);
// Hessian a row at a time (a fit's standard errors over several engine steps, core/model/fit.h): `h` n×n
// zeros, HessianRow for each row in order (f0 = f(θ) when !analytic_gradient, unused otherwise), then
// SymmetrizeHessian: the same matrix as Hessian, to the bit.
void HessianRow(const Objective& f, const std::vector<double>& theta, bool analytic_gradient, double f0, size_t row,
                std::vector<double>* h);
void SymmetrizeHessian(size_t n, std::vector<double>* h);

// Inverts a symmetric positive-definite n×n matrix in place (Gauss-Jordan with partial pivoting).
// Returns false when it is singular or not positive definite.
bool InvertSymmetric(std::vector<double>* matrix, int n);

}  // namespace rapport::model
