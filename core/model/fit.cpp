// See fit.h and MODELS.md §8.
#include "core/model/fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/model/optimizer.h"

namespace rapport::model {

const char* ModelName(ModelKind model) {
  switch (model) {
    case ModelKind::kBgNbd: return "bgnbd";
    case ModelKind::kMbgNbd: return "mbgnbd";
    case ModelKind::kParetoNbd: return "pnbd";
    case ModelKind::kGammaGamma: return "gg";
  }
  return "?";
}

bool ModelFromName(std::string_view name, ModelKind* out) {
  if (name == "bgnbd") *out = ModelKind::kBgNbd;
  else if (name == "mbgnbd") *out = ModelKind::kMbgNbd;
  else if (name == "pnbd" || name == "paretonbd") *out = ModelKind::kParetoNbd;
  else if (name == "gg" || name == "gammagamma") *out = ModelKind::kGammaGamma;
  else return false;
  return true;
}

namespace {

constexpr double kBound = 20.0;
// The Pareto/NBD's search stays where 1 − z ≥ this at every pattern (its 2F1 series then needs at most ~40,000
// terms a pass: MODELS §5.1's most expensive verified case).
constexpr double kPnbdMinGap = 1e-3;

// Fills se from `h`, the Hessian of the *normalised* objective (−ℓ/N) at θ (k×k).
void StandardErrorsFrom(std::vector<double> h, int k, double n, FitResult* fit) {
  for (double& v : h) v *= n;  // information of the whole sample
  fit->se.assign(k, NAN);
  if (!InvertSymmetric(&h, k)) {
    fit->message += (fit->message.empty() ? "" : "; ") + std::string("information matrix is singular: no standard errors");
    return;
  }
  for (int i = 0; i < k; ++i) fit->se[i] = fit->params[i] * std::sqrt(h[i * k + i]);  // delta method
}

// The same from the Hessian at θ computed here.
void StandardErrors(const Objective& objective, const std::vector<double>& theta, bool analytic, double n,
                    FitResult* fit) {
  StandardErrorsFrom(Hessian(objective, theta, analytic), static_cast<int>(theta.size()), n, fit);
}

void Finish(FitResult* fit, int k) {
  fit->aic = 2.0 * k - 2.0 * fit->log_likelihood;
  fit->bic = k * std::log(fit->customers) - 2.0 * fit->log_likelihood;
}

}  // namespace

CountModelFitter::CountModelFitter(ModelKind model, const Patterns& patterns, const FitOptions& options)
    : model_(model), options_(options), pattern_count_(patterns.size()) {
  if (model == ModelKind::kGammaGamma) {
    Fail(InvalidArgument("fit: gg is a spend model; use FitGammaGamma"));
    return;
  }
  double max_T = 0.0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    n_ += patterns.weight[i];
    repeat_ += patterns.weight[i] * patterns.x[i];
    max_T = std::max(max_T, patterns.T[i]);
  }
  if (n_ <= 0) {
    Fail(Status(StatusCode::kInsufficientData, "fit: no customers to fit"));
    return;
  }
  if (repeat_ <= 0) {
    Fail(Status(StatusCode::kInsufficientData,
                "fit: no customer has a repeat purchase, so purchase and dropout rates cannot be estimated"));
    return;
  }
  // Time scaled so that max T = 1 (MODELS §8); α, β are divided by `scale`.
  scale_ = max_T > 0 ? max_T : 1.0;
  Patterns& scaled = scaled_;
  scaled.x = patterns.x;
  scaled.weight = patterns.weight;
  scaled.t_x.resize(patterns.size());
  scaled.T.resize(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    scaled.t_x[i] = patterns.t_x[i] / scale_;
    scaled.T[i] = patterns.T[i] / scale_;
  }
  scaled.customers = n_;
  IndexPatterns(&scaled);
  if (model == ModelKind::kParetoNbd) IndexPatternPairs(&scaled);

  opt_.lower = -kBound;
  opt_.upper = kBound;
  opt_.max_iterations = options.max_iterations;
  fit_.model = model;
  const double n = n_;
  switch (model) {
    case ModelKind::kBgNbd:
      fit_.names = {"r", "alpha", "a", "b"};
      objective_ = [this, n](const std::vector<double>& th, std::vector<double>* g) {
        const BgNbdParams p{std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])};
        double grad[4];
        const double ll = BgNbdLogLikelihoodSum(p, scaled_, g ? grad : nullptr);
        if (g) {
          for (int k = 0; k < 4; ++k) (*g)[k] = -grad[k] / n;
        }
        return -ll / n;
      };
      opt_.analytic_gradient = true;
      break;
    case ModelKind::kMbgNbd:
      fit_.names = {"r", "alpha", "a", "b"};
      objective_ = [this, n](const std::vector<double>& th, std::vector<double>* g) {
        const MbgNbdParams p{std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])};
        double grad[4];
        const double ll = MbgNbdLogLikelihoodSum(p, scaled_, g ? grad : nullptr);
        if (g) {
          for (int k = 0; k < 4; ++k) (*g)[k] = -grad[k] / n;
        }
        return -ll / n;
      };
      opt_.analytic_gradient = true;  // one pass per gradient (IndexedSum) instead of finite differences
      opt_.gradient_tolerance = 1e-8;
      break;
    case ModelKind::kParetoNbd: {
      fit_.names = {"r", "alpha", "s", "beta"};
      // The likelihood's 2F1 series (MODELS §5.1) takes ~40/(1−z) terms, z = |α−β|/(max(α,β)+u) at each
      // pattern's t_x and T: where one of the two Gamma heterogeneities degenerates (β/α or α/β → ∞, the rates
      // alike for every customer) a single pass would take millions of terms. Such points lie outside the
      // search (the objective is +∞ there, so the line search steps back): a fit whose likelihood keeps rising
      // in that direction stops at the wall and is reported as not identified (Run).
      double u_min = INFINITY;
      for (double t : scaled_.t_x) u_min = std::min(u_min, t);
      pnbd_u_min_ = std::isfinite(u_min) ? u_min : 0.0;
      objective_ = [this, n](const std::vector<double>& th, std::vector<double>* g) {
        const ParetoNbdParams p{std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])};
        if (PnbdGap(p.alpha, p.beta) < kPnbdMinGap) return static_cast<double>(INFINITY);
        double grad[4];
        const double ll = ParetoNbdLogLikelihoodSum(p, scaled_, g ? grad : nullptr);
        if (g) {
          for (int k = 0; k < 4; ++k) (*g)[k] = -grad[k] / n;
        }
        return -ll / n;
      };
      opt_.analytic_gradient = true;
      break;
    }
    case ModelKind::kGammaGamma:
      break;
  }
  phase_ = Phase::kFirst;
  minimizer_ = std::make_unique<Minimizer>(objective_, std::vector<double>(4, 0.0), opt_);
}

bool CountModelFitter::PnbdAtWall(const std::vector<double>& theta) const {
  return theta.size() == 4 && PnbdGap(std::exp(theta[1]), std::exp(theta[3])) < 2.0 * kPnbdMinGap;
}

void CountModelFitter::Fail(Status status) {
  result_ = std::move(status);
  phase_ = Phase::kDone;
}

bool CountModelFitter::Run(int iterations) {
  if (phase_ == Phase::kDone) return true;
  if (phase_ == Phase::kStandardErrors) {
    // A row of the Hessian a Run (two gradient passes, or a few likelihood passes), then the errors.
    const size_t k = se_theta_.size();
    if (se_row_ == 0 && !opt_.analytic_gradient) se_f0_ = objective_(se_theta_, nullptr);
    HessianRow(objective_, se_theta_, opt_.analytic_gradient, se_f0_, se_row_, &se_hessian_);
    if (++se_row_ < k) return false;
    SymmetrizeHessian(k, &se_hessian_);
    StandardErrorsFrom(std::move(se_hessian_), static_cast<int>(k), n_, &fit_);
    Finish(&fit_, 4);
    result_ = fit_;
    phase_ = Phase::kDone;
    return true;
  }
  if (!minimizer_->done()) {
    if (model_ != ModelKind::kParetoNbd) {
      minimizer_->Run(iterations);
      return false;
    }
    // The Pareto/NBD an iteration at a time: a search that keeps to its wall (three iterates in a row) would
    // only crawl along it, a few line searches against the wall an iteration; it ends there (Run's at_wall).
    for (int k = 0; k < iterations && !minimizer_->Run(1); ++k) {
      wall_iterations_ = PnbdAtWall(minimizer_->theta()) ? wall_iterations_ + 1 : 0;
      if (wall_iterations_ >= 3) minimizer_->Stop("stopped at the wall");
    }
    return false;
  }
  // The run that just ended, and what comes after it.
  OptimizerResult r = minimizer_->result();
  r.evaluations += earlier_evaluations_;
  if (phase_ == Phase::kFirst && !r.converged && model_ == ModelKind::kMbgNbd) {
    // The analytic MBG/NBD gradient can stall short of the tolerance on small, flat likelihoods (rounding in
    // its sums); there the finite-difference BFGS it replaced (and its Nelder-Mead fallback) is used.
    opt_.analytic_gradient = false;
    earlier_evaluations_ = r.evaluations;
    phase_ = Phase::kFiniteDifferences;
    minimizer_ = std::make_unique<Minimizer>(objective_, std::vector<double>(4, 0.0), opt_);
    return false;
  }
  // A Pareto/NBD search that stopped at its wall (below) would only walk back to it: no fallback then.
  const bool at_wall = model_ == ModelKind::kParetoNbd && PnbdAtWall(r.theta);
  if (phase_ != Phase::kNelderMead && !r.converged && !at_wall && model_ != ModelKind::kBgNbd &&
      options_.nelder_mead_evaluations > 0) {
    // Fallback: a Nelder-Mead start, then BFGS from its best vertex.
    opt_.nelder_mead_evaluations = options_.nelder_mead_evaluations;
    earlier_evaluations_ = r.evaluations;
    phase_ = Phase::kNelderMead;
    wall_iterations_ = 0;
    minimizer_ = std::make_unique<Minimizer>(objective_, std::vector<double>(4, 0.0), opt_);
    return false;
  }
  phase_ = Phase::kDone;
  FitResult& fit = fit_;
  fit.iterations = r.iterations;
  fit.evaluations = r.evaluations;
  fit.converged = r.converged;
  fit.message = r.message;
  fit.customers = n_;
  fit.patterns = pattern_count_;
  for (double t : r.theta) {
    if (std::fabs(t) >= kBound - 1e-9) {
      fit.converged = false;
      fit.message = "a parameter ran to the edge of the search box (e^±20): the data do not identify the model";
    }
  }
  if (at_wall) {
    fit.converged = false;
    fit.message = "the likelihood keeps rising as one rate's heterogeneity vanishes (alpha/beta or beta/alpha past "
                  "1,000: every customer's purchase or dropout rate alike), so the data do not identify the Pareto/NBD";
  }
  if (!fit.converged) {
    result_ = Status(StatusCode::kNotConverged, std::string("fit ") + ModelName(model_) + ": " + fit.message);
    return true;
  }
  fit.message.clear();  // from here on: warnings only
  fit.params.resize(4);
  for (int k = 0; k < 4; ++k) fit.params[k] = std::exp(r.theta[k]);
  fit.params[1] *= scale_;  // α
  if (model_ == ModelKind::kParetoNbd) fit.params[3] *= scale_;  // β
  // ℓ in the caller's time unit (it shifts by −ln(scale)·Σx under rescaling).
  fit.log_likelihood = -r.value * n_ - std::log(scale_) * repeat_;
  if (options_.standard_errors && !r.theta.empty()) {
    // The standard errors in the next Runs, a row of the Hessian each (a Run of its own: ~0.1-0.2 s natively
    // in one at a million customers).
    se_theta_ = r.theta;
    se_hessian_.assign(se_theta_.size() * se_theta_.size(), 0.0);
    se_row_ = 0;
    phase_ = Phase::kStandardErrors;
    return false;
  }
  Finish(&fit, 4);
  result_ = fit;
  return true;
}

Result<FitResult> FitCountModel(ModelKind model, const Patterns& patterns, const FitOptions& options) {
  CountModelFitter fitter(model, patterns, options);
  while (!fitter.Run(std::numeric_limits<int>::max())) {
  }
  return fitter.result();
}

Result<FitResult> FitGammaGamma(const std::vector<double>& x, const std::vector<double>& zbar, const FitOptions& options) {
  GammaGammaFitter fitter(x, zbar, options);
  while (!fitter.Run(1 << 30)) {
  }
  return fitter.result();
}

GammaGammaFitter::GammaGammaFitter(const std::vector<double>& x, const std::vector<double>& zbar, const FitOptions& options)
    : options_(options) {
  // Grouped by x with identical (x, z̄) rows merged (GroupGammaGamma): the fit's ~500 likelihood passes take
  // one log per distinct (x, z̄) instead of two lnΓ and four logs per customer.
  data_ = GroupGammaGamma(x, zbar);
  if (data_.customers < 2) {
    result_ = Status(StatusCode::kInsufficientData, "fit gg: fewer than 2 customers with a repeat purchase of positive value");
    phase_ = Phase::kDone;
    return;
  }
  const double n = data_.customers;
  objective_ = [this, n](const std::vector<double>& th, std::vector<double>*) {
    const GammaGammaParams g{std::exp(th[0]), std::exp(th[1]), std::exp(th[2])};
    return -GammaGammaLogLikelihoodGrouped(g, data_) / n;
  };
  opt_.lower = -kBound;
  opt_.upper = kBound;
  opt_.analytic_gradient = false;
  opt_.gradient_tolerance = 1e-8;
  opt_.max_iterations = options.max_iterations;
  minimizer_ = std::make_unique<Minimizer>(objective_, std::vector<double>(3, 0.0), opt_);
}

bool GammaGammaFitter::Run(int iterations) {
  if (phase_ == Phase::kDone) return true;
  if (!minimizer_->done()) {
    minimizer_->Run(iterations);
    return false;
  }
  OptimizerResult r = minimizer_->result();
  r.evaluations += earlier_evaluations_;
  if (phase_ == Phase::kFirst && !r.converged && options_.nelder_mead_evaluations > 0) {
    opt_.nelder_mead_evaluations = options_.nelder_mead_evaluations;
    earlier_evaluations_ = r.evaluations;
    phase_ = Phase::kNelderMead;
    minimizer_ = std::make_unique<Minimizer>(objective_, std::vector<double>(3, 0.0), opt_);
    return false;
  }
  phase_ = Phase::kDone;
  const double n = data_.customers;
  FitResult fit;
  fit.model = ModelKind::kGammaGamma;
  fit.names = {"p", "q", "v"};
  fit.iterations = r.iterations;
  fit.evaluations = r.evaluations;
  fit.converged = r.converged;
  fit.message = r.message;
  fit.customers = n;
  fit.patterns = data_.xz.size();
  if (!fit.converged) {
    result_ = Status(StatusCode::kNotConverged, "fit gg: " + fit.message);
    return true;
  }
  fit.message.clear();
  fit.params = {std::exp(r.theta[0]), std::exp(r.theta[1]), std::exp(r.theta[2])};
  fit.log_likelihood = -r.value * n;
  if (options_.standard_errors) StandardErrors(objective_, r.theta, false, n, &fit);
  if (!(fit.params[1] > 1.0)) {
    fit.message += (fit.message.empty() ? "" : "; ") +
                   std::string("q <= 1: the population mean spend does not exist; expected values of one-time buyers are undefined");
  }
  Finish(&fit, 3);
  result_ = fit;
  return true;
}

Result<ModelComparison> FitAllCountModels(const Patterns& patterns, const FitOptions& options) {
  std::vector<Result<FitResult>> fits;
  for (ModelKind m : kCountModelKinds) fits.push_back(FitCountModel(m, patterns, options));
  std::vector<std::pair<ModelKind, const Result<FitResult>*>> of;
  for (size_t i = 0; i < fits.size(); ++i) of.emplace_back(kCountModelKinds[i], &fits[i]);
  return CompareCountFits(of);
}

Result<ModelComparison> CompareCountFits(const std::vector<std::pair<ModelKind, const Result<FitResult>*>>& fits) {
  ModelComparison out;
  Status first_error;
  for (const auto& [m, fit] : fits) {
    if (fit->ok()) {
      out.fits.push_back(fit->value());
    } else {
      if (first_error.ok()) first_error = fit->status();
      out.failures.emplace_back(m, fit->status());
    }
  }
  if (out.fits.empty()) return first_error;
  for (size_t i = 1; i < out.fits.size(); ++i) {
    if (out.fits[i].bic < out.fits[out.best].bic) out.best = i;
  }
  return out;
}

double CountModelLogLikelihood(const FitResult& fit, double x, double t_x, double T) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdLogLikelihood(fit.bgnbd(), x, t_x, T);
    case ModelKind::kMbgNbd: return MbgNbdLogLikelihood(fit.mbgnbd(), x, t_x, T);
    case ModelKind::kParetoNbd: return ParetoNbdLogLikelihood(fit.pnbd(), x, t_x, T);
    case ModelKind::kGammaGamma: return NAN;
  }
  return NAN;
}

}  // namespace rapport::model
