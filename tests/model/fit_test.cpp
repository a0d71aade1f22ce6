// Fitting: errors, model choice, and parameter recovery on simulated data (MODELS.md §8-§9).
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/clv.h"
#include "core/model/fit.h"
#include "core/model/predict.h"
#include "core/util/random.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

struct Simulated {
  std::vector<double> x, t_x, T, zbar;
  double alive = 0;  // share truly alive at T
};

// MODELS §9 recipes; T uniform on (0, 38.86] weeks (uniform entry over a 39-week window).
Simulated Simulate(ModelKind model, const std::vector<double>& truth, size_t n, uint64_t seed) {
  Random rng(seed);
  Simulated s;
  for (size_t i = 0; i < n; ++i) {
    const double T = 38.86 * rng.UniformOpen();
    const double lambda = rng.Gamma(truth[0], truth[1]);
    double x = 0, t_x = 0;
    bool alive = false;
    if (model == ModelKind::kParetoNbd) {
      const double mu = rng.Gamma(truth[2], truth[3]);
      const double tau = rng.Exponential(mu);
      const double A = std::min(tau, T);
      x = static_cast<double>(rng.Poisson(lambda * A));
      t_x = x > 0 ? A * rng.Beta(x, 1.0) : 0.0;
      alive = tau > T;
    } else {
      const double p = rng.Beta(truth[2], truth[3]);
      uint64_t J = rng.Geometric(p);
      if (model == ModelKind::kMbgNbd) J -= 1;
      const uint64_t N = rng.Poisson(lambda * T);
      x = static_cast<double>(std::min(N, J));
      t_x = x > 0 ? T * rng.Beta(x, static_cast<double>(N) - x + 1.0) : 0.0;
      alive = J > N;
    }
    s.x.push_back(x);
    s.t_x.push_back(t_x);
    s.T.push_back(T);
    s.alive += alive;
  }
  s.alive /= n;
  return s;
}

// A fit run in steps (the engine's) is the one-call fit, to the bit.
void CheckSameFit(const FitResult& stepped, const FitResult& whole) {
  CHECK(stepped.params == whole.params);
  CHECK(stepped.se == whole.se);
  CHECK(stepped.log_likelihood == whole.log_likelihood);
  CHECK(stepped.bic == whole.bic);
  CHECK(stepped.iterations == whole.iterations);
  CHECK(stepped.evaluations == whole.evaluations);
  CHECK(stepped.message == whole.message);
}

void CheckRecovery(const FitResult& f, const std::vector<double>& truth) {
  for (size_t k = 0; k < truth.size(); ++k) {
    INFO(ModelName(f.model) << " " << f.names[k] << ": estimate " << f.params[k] << ", true " << truth[k] << ", SE " << f.se[k]);
    CHECK(std::fabs(f.params[k] - truth[k]) < 3.0 * f.se[k]);
  }
}

}  // namespace

TEST_CASE("Fit: no repeat customers is kInsufficientData, not a crash", "[model][fit]") {
  const std::vector<double> zero(50, 0.0), T(50, 10.0);
  const Patterns p = CompressPatterns(zero, zero, T);
  for (ModelKind m : {ModelKind::kBgNbd, ModelKind::kMbgNbd, ModelKind::kParetoNbd}) {
    CHECK(FitCountModel(m, p).status().code() == StatusCode::kInsufficientData);
  }
  CHECK(FitCountModel(ModelKind::kBgNbd, Patterns{}).status().code() == StatusCode::kInsufficientData);
  CHECK(FitAllCountModels(p).status().code() == StatusCode::kInsufficientData);
  CHECK(FitGammaGamma(zero, zero).status().code() == StatusCode::kInsufficientData);
}

TEST_CASE("Fit: auto picks the lowest BIC on CDNOW (MBG/NBD)", "[model][fit]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  auto all = FitAllCountModels(test::PatternsOf(t));
  REQUIRE(all.ok());
  REQUIRE(all->fits.size() == 3);
  CHECK(all->fits[all->best].model == ModelKind::kMbgNbd);
  // Time scaling: weeks -> days multiplies α by 7, keeps P(alive), shifts ℓ by −ln 7·Σx (MODELS §1).
  std::vector<double> tx_days = t.t_x, T_days = t.T;
  for (double& v : tx_days) v *= 7;
  for (double& v : T_days) v *= 7;
  auto days = FitCountModel(ModelKind::kBgNbd, CompressPatterns(t.x, tx_days, T_days));
  REQUIRE(days.ok());
  const FitResult& weeks = all->fits[0];
  CHECK_THAT(days->params[1], WithinRel(7 * weeks.params[1], 1e-5));
  CHECK_THAT(days->log_likelihood - weeks.log_likelihood, WithinAbs(-4781.101236, 1e-4));
}

TEST_CASE("Fit: lifetimes' documented CLV (f = 30) and the holdout comparison on CDNOW", "[model][fit]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary_with_transactions.csv", &t)) return;
  auto bg = FitCountModel(ModelKind::kBgNbd, test::PatternsOf(t));
  auto gg = FitGammaGamma(t.x, t.zbar);
  REQUIRE((bg.ok() && gg.ok()));
  PredictionOptions options;
  options.units_per_month = 30;  // lifetimes' default (days) applied to weeks, as in its docs
  const CustomerPredictions p = PredictCustomers(bg.value(), &gg.value(), t.x, t.t_x, t.T, t.zbar, options);
  CHECK_THAT(p.clv[0], WithinRel(140.096211, 1e-5));
  CHECK_THAT(p.clv[1], WithinRel(18.943467, 1e-5));
  CHECK_THAT(p.clv[2], WithinRel(38.180574, 1e-5));
  CHECK_THAT(p.clv[5], WithinRel(1003.868107, 1e-5));
  CHECK_THAT(p.clv[8], WithinRel(167.418216, 1e-5));
  options.units_per_month = UnitsPerMonth(7);
  const CustomerPredictions weekly = PredictCustomers(bg.value(), &gg.value(), t.x, t.t_x, t.T, t.zbar, options);
  CHECK_THAT(weekly.clv[0], WithinAbs(36.28, 0.01));
  CHECK(weekly.risk[2] == RiskBand::kUnrated);  // x = 0 under BG/NBD
}

TEST_CASE("Fit: the CDNOW holdout comparison and tracking curve", "[model][fit]") {
  std::vector<Transaction> tx;
  if (!test::LoadCdnowTransactions("lifetimes_CDNOW_sample.txt", true, &tx)) return;
  SummaryOptions options;
  options.calibration_end_day = ParseIsoDay("1997-09-30");
  options.holdout_end_day = ParseIsoDay("1998-06-30");
  auto s = SummarizeTransactions(tx, options);
  REQUIRE(s.ok());
  auto bg = FitCountModel(ModelKind::kBgNbd, CompressPatterns(s->x, s->t_x, s->T));
  REQUIRE(bg.ok());
  // Exact times: CLVTools' −9582.429 (MODELS §1).
  CHECK_THAT(bg->log_likelihood, WithinAbs(-9582.429, 1e-3));
  const HoldoutComparison h = CompareHoldout(bg.value(), s.value());
  CHECK(h.actual == 1882);
  CHECK_THAT(h.predicted, WithinAbs(1653.4, 0.1));
  CHECK_THAT(h.predicted_buyers_share, WithinAbs(0.262, 1e-3));
  CHECK_THAT(h.actual_buyers_share, WithinAbs(0.290, 1e-3));
  double rows = 0;
  for (const HoldoutRow& r : h.rows) rows += r.actual;
  CHECK(rows == 1882);
  const auto curve = TrackingCurve(bg.value(), s.value());
  REQUIRE(curve.size() == 78);
  CHECK(curve.back().day == options.holdout_end_day);
  CHECK(curve.back().actual == s->repeat_days.size());
  // The predicted cumulative curve at the calibration end equals Σ E[X(T_i)], close to the actual Σx.
  double calibration_repeats = 0;
  for (double x : s->x) calibration_repeats += x;
  for (const TrackingPoint& p : curve) {
    if (p.day == options.calibration_end_day) CHECK_THAT(p.predicted, WithinRel(calibration_repeats, 0.03));
  }
}

TEST_CASE("Fit: parameter recovery on simulated BG/NBD, MBG/NBD, Pareto/NBD and GG data", "[model][fit][recovery]") {
  const size_t n = 20000;
  const std::vector<double> bg_truth = {0.243, 4.414, 0.793, 2.426};
  Simulated bg = Simulate(ModelKind::kBgNbd, bg_truth, n, 20261123);
  auto bg_fit = FitCountModel(ModelKind::kBgNbd, CompressPatterns(bg.x, bg.t_x, bg.T));
  REQUIRE(bg_fit.ok());
  CheckRecovery(bg_fit.value(), bg_truth);
  // The mean P(alive) matches the share truly alive (MODELS §3.3), within a few MC standard errors.
  double mean_alive = 0;
  for (size_t i = 0; i < n; ++i) mean_alive += BgNbdPAlive(bg_fit->bgnbd(), bg.x[i], bg.t_x[i], bg.T[i]) / n;
  CHECK(std::fabs(mean_alive - bg.alive) < 4 * std::sqrt(bg.alive * (1 - bg.alive) / n));

  const std::vector<double> mbg_truth = {0.525, 6.183, 0.891, 1.614};
  Simulated mbg = Simulate(ModelKind::kMbgNbd, mbg_truth, n, 7);
  auto mbg_fit = FitCountModel(ModelKind::kMbgNbd, CompressPatterns(mbg.x, mbg.t_x, mbg.T));
  REQUIRE(mbg_fit.ok());
  CheckRecovery(mbg_fit.value(), mbg_truth);

  const std::vector<double> pnbd_truth = {0.553, 10.578, 0.606, 11.669};
  Simulated pnbd = Simulate(ModelKind::kParetoNbd, pnbd_truth, n, 11);
  auto pnbd_fit = FitCountModel(ModelKind::kParetoNbd, CompressPatterns(pnbd.x, pnbd.t_x, pnbd.T));
  REQUIRE(pnbd_fit.ok());
  CheckRecovery(pnbd_fit.value(), pnbd_truth);

  // Gamma-Gamma on the BG/NBD customers' repeat purchases: ν ~ Gamma(q, v), z̄ ~ Gamma(p·x, rate x·ν).
  const std::vector<double> gg_truth = {6.25, 3.74, 15.44};
  Random rng(99);
  std::vector<double> zbar(n, 0.0), x_gg = bg.x;
  for (size_t i = 0; i < n; ++i) {
    const double nu = rng.Gamma(gg_truth[1], gg_truth[2]);
    if (x_gg[i] >= 1) zbar[i] = rng.Gamma(gg_truth[0] * x_gg[i], x_gg[i] * nu);
  }
  auto gg_fit = FitGammaGamma(x_gg, zbar);
  REQUIRE(gg_fit.ok());
  CheckRecovery(gg_fit.value(), gg_truth);
}

TEST_CASE("Fit: a fit run a few iterations at a time (the engine's steps) is FitCountModel's, to the bit", "[model][fit]") {
  for (ModelKind m : {ModelKind::kBgNbd, ModelKind::kMbgNbd, ModelKind::kParetoNbd}) {
    const std::vector<double> truth = m == ModelKind::kParetoNbd ? std::vector<double>{0.55, 10.6, 0.61, 11.7}
                                                                 : std::vector<double>{0.24, 4.4, 0.79, 2.4};
    const Simulated s = Simulate(m, truth, 3000, 11);
    const Patterns p = CompressPatterns(s.x, s.t_x, s.T);
    const Result<FitResult> whole = FitCountModel(m, p);
    REQUIRE(whole.ok());
    for (int per_run : {1, 4}) {
      CountModelFitter fitter(m, p);
      int runs = 1;
      while (!fitter.Run(per_run)) ++runs;
      INFO(ModelName(m) << ", " << per_run << " iteration(s) a run, " << runs << " runs");
      REQUIRE(fitter.result().ok());
      const FitResult& stepped = fitter.result().value();
      CHECK(runs > whole->iterations / per_run);
      CheckSameFit(stepped, *whole);
      // The standard errors' Hessian a row a Run: four Runs more than a fit without them.
      FitOptions no_se;
      no_se.standard_errors = false;
      CountModelFitter bare(m, p, no_se);
      int bare_runs = 1;
      while (!bare.Run(per_run)) ++bare_runs;
      CHECK(runs == bare_runs + 4);
      REQUIRE(bare.result().ok());
      CHECK(bare.result()->se.empty());
      CHECK(bare.result()->params == stepped.params);
    }
  }
  // A failure comes the same way: at once, done.
  const std::vector<double> zero(50, 0.0), T(50, 10.0);
  CountModelFitter none(ModelKind::kBgNbd, CompressPatterns(zero, zero, T));
  CHECK(none.done());
  CHECK(none.result().status().code() == StatusCode::kInsufficientData);
}

TEST_CASE("Predict: customers predicted a chunk of patterns at a time are PredictCustomers' rows, to the bit", "[model][predict]") {
  for (ModelKind m : {ModelKind::kBgNbd, ModelKind::kParetoNbd}) {
    const std::vector<double> truth = m == ModelKind::kParetoNbd ? std::vector<double>{0.55, 10.6, 0.61, 11.7}
                                                                 : std::vector<double>{0.24, 4.4, 0.79, 2.4};
    Simulated s = Simulate(m, truth, 2000, 5);
    const Result<FitResult> fit = FitCountModel(m, CompressPatterns(s.x, s.t_x, s.T));
    REQUIRE(fit.ok());
    FitResult spend;  // a Gamma-Gamma fit's parameters, for the CLV column
    spend.model = ModelKind::kGammaGamma;
    spend.params = {6.0, 4.0, 15.0};
    s.zbar.assign(s.x.size(), 0.0);
    for (size_t i = 0; i < s.x.size(); ++i) s.zbar[i] = s.x[i] > 0 ? 20.0 + static_cast<double>(i % 7) : 0.0;
    const PredictionOptions options;
    const CustomerPredictions whole = PredictCustomers(*fit, &spend, s.x, s.t_x, s.T, s.zbar, options);
    CustomerPredictor predictor(*fit, &spend, s.x, s.t_x, s.T, s.zbar, options);
    int runs = 1;
    while (!predictor.Run(97)) ++runs;
    INFO(ModelName(m) << ": " << runs << " runs");
    CHECK((m == ModelKind::kParetoNbd ? runs == 1 : runs > 3));
    const CustomerPredictions stepped = predictor.Result();
    auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
      }
      return true;
    };
    CHECK(same(stepped.p_alive, whole.p_alive));
    CHECK(same(stepped.expected_purchases, whole.expected_purchases));
    CHECK(same(stepped.p_purchase, whole.p_purchase));
    CHECK(same(stepped.next_purchase, whole.next_purchase));
    CHECK(same(stepped.clv, whole.clv));
    CHECK(stepped.risk == whole.risk);
  }
}

TEST_CASE("Fit: Gamma-Gamma a few iterations at a time is FitGammaGamma's fit, to the bit", "[model][fit]") {
  Random rng(7);
  std::vector<double> x(3000, 0.0), zbar(3000, 0.0);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<double>(i % 6);
    const double nu = rng.Gamma(3.7, 15.4);
    if (x[i] >= 1) zbar[i] = rng.Gamma(6.2 * x[i], x[i] * nu);
  }
  const Result<FitResult> whole = FitGammaGamma(x, zbar);
  REQUIRE(whole.ok());
  for (int per_run : {1, 4}) {
    GammaGammaFitter fitter(x, zbar);
    int runs = 1;
    while (!fitter.Run(per_run)) ++runs;
    INFO(per_run << " iteration(s) a run, " << runs << " runs");
    REQUIRE(fitter.result().ok());
    const FitResult& stepped = fitter.result().value();
    CHECK(runs > whole->iterations / per_run);
    CheckSameFit(stepped, *whole);
  }
  const std::vector<double> zero(50, 0.0);
  GammaGammaFitter none(zero, zero);
  CHECK(none.done());
  CHECK(none.result().status().code() == StatusCode::kInsufficientData);
}

TEST_CASE("Fit: a Pareto/NBD whose dropout rates are alike ends at its search's wall, reported as not identified",
          "[model][fit]") {
  // Every customer's dropout rate ~0.46 a week (s, β → ∞ with s/β fixed), as on a store of mostly one-time buyers
  // (the e2e's AlphaPaw store fits s = 491,485, β = 1,060,837 when its search is let run): the likelihood keeps
  // rising as β/α grows, where its 2F1 series needs millions of terms a pass (that fit had not ended after a minute).
  // The search stops at the wall and says why (a comparison of the count models then chooses among the others,
  // as `rapport fit` does on that store in under a second).
  const std::vector<double> truth = {1.3, 47.5, 1e7, 2.2e7};
  Simulated s = Simulate(ModelKind::kParetoNbd, truth, 4000, 1);
  for (size_t i = 0; i < s.T.size(); ++i) {  // in whole weeks, as the engine's summary gives them
    s.t_x[i] = std::floor(s.t_x[i]);
    s.T[i] = std::ceil(s.T[i]);
  }
  const Patterns patterns = CompressPatterns(s.x, s.t_x, s.T);
  const Result<FitResult> fit = FitCountModel(ModelKind::kParetoNbd, patterns);
  REQUIRE_FALSE(fit.ok());
  CHECK(fit.status().code() == StatusCode::kNotConverged);
  CHECK(fit.status().message().find("do not identify the Pareto/NBD") != std::string::npos);
}

TEST_CASE("Fit: near its wall, with every time distinct, a Pareto/NBD search stops at the wall, stepped or not",
          "[model][fit]") {
  // Dropout rates nearly alike (s = 100, β = 220: CV 0.1) and continuous times: 4,000 distinct histories whose
  // 2F1 arguments all lie within 1e-3 of z = 1 once the search nears its wall. With the series alone (~40/(1−z)
  // terms a pair) this fit had not ended after 5 minutes; the quadrature near z = 1 and the stop after three
  // iterates at the wall (then no Nelder-Mead fallback) end it in a fraction of a second.
  const Simulated s = Simulate(ModelKind::kParetoNbd, {1.3, 47.5, 100.0, 220.0}, 4000, 1);
  const Patterns patterns = CompressPatterns(s.x, s.t_x, s.T);
  REQUIRE(patterns.size() > 3500);
  const Result<FitResult> whole = FitCountModel(ModelKind::kParetoNbd, patterns);
  REQUIRE_FALSE(whole.ok());
  CHECK(whole.status().code() == StatusCode::kNotConverged);
  CHECK(whole.status().message().find("do not identify the Pareto/NBD") != std::string::npos);
  CountModelFitter fitter(ModelKind::kParetoNbd, patterns);
  int runs = 1;
  while (!fitter.Run(2)) ++runs;
  CHECK(runs > 3);
  CHECK(fitter.result().status().message() == whole.status().message());
}
