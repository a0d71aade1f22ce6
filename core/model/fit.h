// Maximum-likelihood fits of the customer-base models, with standard errors and model choice
// (MODELS.md §8).
//
// How: θ = ln(parameters) is optimised without constraints (a ±20 box guards against runaway values), with
// time rescaled so that max T = 1 (α and β scale with time; r, a, b, s do not), over the weighted patterns of
// summary.h, so a million customers cost what their distinct histories cost. BFGS with analytic gradients
// (BG/NBD §3.2; MBG/NBD and Pareto/NBD differentiated in mbgnbd.h, pnbd.h), central differences for
// Gamma-Gamma, and a Nelder-Mead start as the fallback when BFGS from θ = 0 fails. Standard errors: the observed information I (the Hessian of −ℓ in θ) inverted, then the delta
// method, SE_k = param_k·√[I⁻¹]_kk.
//
// Errors: no customers, or no customer with a repeat purchase -> kInsufficientData; an optimiser that stops
// away from an optimum -> kNotConverged (the message says why); a singular information matrix leaves the
// SEs NaN and says so in `message`.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/bgnbd.h"
#include "core/model/gamma_gamma.h"
#include "core/model/mbgnbd.h"
#include "core/model/optimizer.h"
#include "core/model/pnbd.h"
#include "core/model/summary.h"
#include "core/util/status.h"

namespace rapport::model {

enum class ModelKind { kBgNbd, kMbgNbd, kParetoNbd, kGammaGamma };

// "bgnbd", "mbgnbd", "pnbd", "gg".
const char* ModelName(ModelKind model);
// Accepts the names above (and "paretonbd", "gammagamma"); false otherwise.
bool ModelFromName(std::string_view name, ModelKind* out);

struct FitOptions {
  int max_iterations = 400;     // BFGS iterations
  bool standard_errors = true;  // compute the Hessian and SEs
  // MBG/NBD, Pareto/NBD and GG: BFGS from θ = 0 first; when that does not converge, a Nelder-Mead run of
  // this many evaluations, then BFGS again from its best point.
  int nelder_mead_evaluations = 400;
};

struct FitResult {
  ModelKind model = ModelKind::kBgNbd;
  std::vector<std::string> names;  // paper symbols: r, alpha, a, b | r, alpha, s, beta | p, q, v
  std::vector<double> params;      // in the summary's time (and money) units
  std::vector<double> se;          // NaN when the information matrix is singular
  double log_likelihood = 0.0;     // in the summary's time unit (compare within one unit only)
  double aic = 0.0, bic = 0.0;     // 2k − 2ℓ, k ln N − 2ℓ
  double customers = 0.0;          // N (Gamma-Gamma: customers with x >= 1 and z̄ > 0)
  size_t patterns = 0;             // distinct histories the likelihood was summed over
  int iterations = 0, evaluations = 0;
  bool converged = false;
  std::string message;

  BgNbdParams bgnbd() const { return {params[0], params[1], params[2], params[3]}; }
  MbgNbdParams mbgnbd() const { return {params[0], params[1], params[2], params[3]}; }
  ParetoNbdParams pnbd() const { return {params[0], params[1], params[2], params[3]}; }
  GammaGammaParams gg() const { return {params[0], params[1], params[2]}; }
};

// Fits BG/NBD, MBG/NBD or Pareto/NBD on weighted patterns.
Result<FitResult> FitCountModel(ModelKind model, const Patterns& patterns, const FitOptions& options = {});

// FitCountModel a few optimiser iterations at a time (the engine runs a fit as steps, core/api/cache.h; at a
// million customers a fit is about a second natively): the constructor scales and indexes the patterns and
// evaluates the start; each Run does up to `iterations` BFGS iterations, or starts the next run of a fallback,
// or (the last few, one a Run) a row of the Hessian behind the standard errors. The result is FitCountModel's
// however the runs are split.
// Holds its own copy of the patterns; not copyable (its objective refers to them).
class CountModelFitter {
 public:
  CountModelFitter(ModelKind model, const Patterns& patterns, const FitOptions& options = {});
  CountModelFitter(const CountModelFitter&) = delete;
  CountModelFitter& operator=(const CountModelFitter&) = delete;
  // Returns done().
  bool Run(int iterations);
  bool done() const { return phase_ == Phase::kDone; }
  // Once done().
  const Result<FitResult>& result() const { return result_; }

 private:
  enum class Phase { kFirst, kFiniteDifferences, kNelderMead, kStandardErrors, kDone };
  void Fail(Status status);

  ModelKind model_;
  FitOptions options_;
  size_t pattern_count_;
  double n_ = 0.0, repeat_ = 0.0, scale_ = 1.0;
  // Pareto/NBD: the smallest t_x of the scaled patterns, and 1 − z of its 2F1 there (the smallest over the
  // patterns), z = |α−β|/(max(α,β)+u) (fit.cpp kPnbdMinGap).
  double pnbd_u_min_ = 0.0;
  double PnbdGap(double alpha, double beta) const {
    return (std::min(alpha, beta) + pnbd_u_min_) / (std::max(alpha, beta) + pnbd_u_min_);
  }
  bool PnbdAtWall(const std::vector<double>& theta) const;  // within 2× of the wall (fit.cpp)
  int wall_iterations_ = 0;  // consecutive iterates at the wall
  Patterns scaled_;
  Objective objective_;
  OptimizerOptions opt_;
  Phase phase_ = Phase::kFirst;
  std::unique_ptr<Minimizer> minimizer_;
  int earlier_evaluations_ = 0;  // of the runs before this one
  FitResult fit_;
  // kStandardErrors: the Hessian at the optimum a row a Run (optimizer.h HessianRow).
  std::vector<double> se_theta_, se_hessian_;
  size_t se_row_ = 0;
  double se_f0_ = 0.0;
  Result<FitResult> result_ = InternalError("fit: not finished");
};
// FitGammaGamma a few optimiser iterations at a time (the engine's steps, core/api/cache.h), as
// CountModelFitter: the rows grouped in the constructor, then Run(iterations) until done(); the same fit to the
// bit as FitGammaGamma (which is this run to its end). `x` and `zbar` are read in the constructor only.
class GammaGammaFitter {
 public:
  GammaGammaFitter(const std::vector<double>& x, const std::vector<double>& zbar, const FitOptions& options = {});
  GammaGammaFitter(const GammaGammaFitter&) = delete;
  GammaGammaFitter& operator=(const GammaGammaFitter&) = delete;
  // Returns done().
  bool Run(int iterations);
  bool done() const { return phase_ == Phase::kDone; }
  // Once done().
  const Result<FitResult>& result() const { return result_; }

 private:
  enum class Phase { kFirst, kNelderMead, kDone };
  FitOptions options_;
  GammaGammaData data_;
  Objective objective_;
  OptimizerOptions opt_;
  Phase phase_ = Phase::kFirst;
  std::unique_ptr<Minimizer> minimizer_;
  int earlier_evaluations_ = 0;
  Result<FitResult> result_ = InternalError("fit gg: not finished");
};
// Fits Gamma-Gamma on the rows with x >= 1 and z̄ > 0.
Result<FitResult> FitGammaGamma(const std::vector<double>& x, const std::vector<double>& zbar,
                                const FitOptions& options = {});

// All three count models and the one with the lowest BIC ("auto"). A model that fails is listed in
// `failures` and left out; an error only when all fail.
struct ModelComparison {
  std::vector<FitResult> fits;
  size_t best = 0;  // index into fits
  std::vector<std::pair<ModelKind, Status>> failures;
};
Result<ModelComparison> FitAllCountModels(const Patterns& patterns, const FitOptions& options = {});
// The count models FitAllCountModels fits, in its order.
inline constexpr ModelKind kCountModelKinds[] = {ModelKind::kBgNbd, ModelKind::kMbgNbd, ModelKind::kParetoNbd};
// FitAllCountModels' comparison of fits made one by one (the engine fits one model a step): the fits that
// succeeded in the order given, the one with the lowest BIC chosen, the failures listed; the first failure
// when none succeeded.
Result<ModelComparison> CompareCountFits(const std::vector<std::pair<ModelKind, const Result<FitResult>*>>& fits);

// ℓ of one customer under a fitted count model (dispatch on result.model).
double CountModelLogLikelihood(const FitResult& fit, double x, double t_x, double T);

}  // namespace rapport::model
