// Pareto/NBD against the published values (SOURCES.md §1; MODELS.md §5).
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/fit.h"
#include "core/model/clv.h"
#include "core/model/pnbd.h"
#include "core/model/predict.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const ParetoNbdParams kLifetimes{0.553282, 10.577753, 0.606171, 11.666907};
const ParetoNbdParams kBtyd{0.5534, 10.5802, 0.6061, 11.6562};
}  // namespace

TEST_CASE("Pareto/NBD: fit on the CDNOW summary matches the published estimates", "[model][pnbd]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  const Patterns patterns = test::PatternsOf(t);
  CHECK_THAT(ParetoNbdLogLikelihoodSum(kLifetimes, patterns), WithinAbs(-9594.9739, 1e-3));
  auto fit = FitCountModel(ModelKind::kParetoNbd, patterns);
  REQUIRE(fit.ok());
  const FitResult& f = fit.value();
  const double published[] = {0.553, 10.578, 0.606, 11.669};       // lifetimes decimal=2
  const double clvtools[] = {0.55315, 10.57633, 0.60625, 11.67150};  // relative 0.001
  const double clvtools_se[] = {0.0476264, 0.8427222, 0.1872594, 6.2105448};
  for (int k = 0; k < 4; ++k) {
    INFO("parameter " << f.names[k]);
    CHECK_THAT(f.params[k], WithinAbs(published[k], 0.015));
    CHECK_THAT(f.params[k], WithinRel(clvtools[k], 1e-3));
    CHECK_THAT(f.se[k], WithinRel(clvtools_se[k], 1e-2));  // rounded times vs CLVTools' exact ones
  }
  CHECK_THAT(f.log_likelihood, WithinAbs(-9594.9739, 1e-4));
  CHECK_THAT(f.bic, WithinAbs(19221.01, 0.01));
}

TEST_CASE("Pareto/NBD: BTYD walkthrough predictions", "[model][pnbd]") {
  CHECK_THAT(ParetoNbdPAlive(kBtyd, 26, 30.86, 31), WithinAbs(0.9979, 1e-3));
  CHECK_THAT(ParetoNbdPAlive(kBtyd, 26, 30.86, 31), WithinAbs(0.9979178, 1e-6));
  CHECK_THAT(ParetoNbdConditionalExpectedPurchases(kBtyd, 52, 26, 30.86, 31), WithinAbs(25.46, 0.01));
  CHECK_THAT(ParetoNbdConditionalExpectedPurchases(kBtyd, 52, 26, 30.86, 31), WithinAbs(25.4549, 1e-4));
  const ParetoNbdParams docs{0.55, 10.56, 0.61, 11.64};
  CHECK_THAT(ParetoNbdExpectedPurchases(docs, 1), WithinAbs(0.05077821, 5e-9));
  CHECK_THAT(ParetoNbdExpectedPurchases(docs, 9), WithinAbs(0.38909211, 5e-9));
  // Continuity at s = 1.
  ParetoNbdParams p = kLifetimes;
  p.s = 1.0;
  const double at_one = ParetoNbdExpectedPurchases(p, 39);
  p.s = 1.0 + 1e-10;
  CHECK_THAT(ParetoNbdExpectedPurchases(p, 39), WithinRel(at_one, 1e-8));
}

TEST_CASE("Pareto/NBD: no overflow at large x, in both branches", "[model][pnbd]") {
  for (const ParetoNbdParams& p : {kLifetimes, ParetoNbdParams{0.55, 0.01, 0.6, 20.0}, ParetoNbdParams{0.55, 2000, 0.6, 1.0}}) {
    for (double x : {100.0, 200.0, 400.0, 3000.0}) {
      INFO("x = " << x << " alpha = " << p.alpha);
      const double ll = ParetoNbdLogLikelihood(p, x, 0.0 + 30, 38.86);
      CHECK(std::isfinite(ll));
      CHECK(std::isfinite(ParetoNbdLogLikelihood(p, x, 500, 500)));
      const double alive = ParetoNbdPAlive(p, x, 500, 500);
      CHECK((alive > 0.0 && alive <= 1.0));
    }
  }
}

TEST_CASE("Pareto/NBD: next purchase and DERT", "[model][pnbd]") {
  const ParetoNbdNextPurchase next = ParetoNbdNextPurchaseOf(kLifetimes, 2, 30.43, 38.86);
  CHECK((next.p_ever_given_alive > 0 && next.p_ever_given_alive < 1));
  // P(purchase within the median | ·) = P(alive)·½·P(ever | alive).
  CHECK_THAT(ParetoNbdProbabilityOfPurchaseWithin(kLifetimes, next.median, 2, 30.43, 38.86),
             WithinRel(next.p_alive * 0.5 * next.p_ever_given_alive, 1e-9));
  // DERT at the published MLE, x = 2, δ = ln(1.15)/52 (MODELS §7): 6.500561094 for customer 1's history.
  const double dert = ParetoNbdDert(kLifetimes, std::log(1.15) / 52, 2, 30.43, 38.86);
  CHECK_THAT(dert, WithinRel(6.500561094, 1e-9));
}

TEST_CASE("Pareto/NBD: the analytic gradient matches finite differences in both branches", "[model][pnbd]") {
  const std::vector<double> x = {0, 1, 2, 7, 200, 3, 1, 26, 0}, t_x = {0, 1.5, 30.43, 20, 38, 5, 1.5, 30.86, 0},
                            T = {38.86, 38.86, 38.86, 30, 40, 5, 2, 31, 0.5};
  const Patterns patterns = CompressPatterns(x, t_x, T);
  for (const ParetoNbdParams& p : {kLifetimes, ParetoNbdParams{0.55, 12.0, 0.6, 10.0}, ParetoNbdParams{2.0, 0.5, 1.3, 40.0}}) {
    double g[4];
    const double ll = ParetoNbdLogLikelihoodSum(p, patterns, g);
    CHECK_THAT(ll, WithinRel(ParetoNbdLogLikelihoodSum(p, patterns), 1e-12));
    const double th[4] = {std::log(p.r), std::log(p.alpha), std::log(p.s), std::log(p.beta)};
    for (int k = 0; k < 4; ++k) {
      const double h = 1e-6;
      double up[4], down[4];
      std::copy(th, th + 4, up);
      std::copy(th, th + 4, down);
      up[k] += h;
      down[k] -= h;
      auto at = [&](const double* t) {
        return ParetoNbdLogLikelihoodSum({std::exp(t[0]), std::exp(t[1]), std::exp(t[2]), std::exp(t[3])}, patterns);
      };
      INFO("alpha " << p.alpha << " beta " << p.beta << " k = " << k);
      CHECK_THAT(g[k], WithinAbs((at(up) - at(down)) / (2 * h), 1e-6 * (1 + std::fabs(g[k]))));
    }
  }
}

TEST_CASE("Pareto/NBD: the paired likelihood pass equals the per-pattern one in both branches", "[model][pnbd]") {
  // Histories covering x = 0 (the plain series when r + x <= 1), large x (Euler's transformation), t_x = T,
  // t_x = 0, shared t_x and T values across x, and one pattern per x for some x.
  std::vector<double> x, t_x, T;
  const double times[] = {0.0, 0.5, 1.5, 5.0, 20.0, 30.43, 38.86, 40.0, 500.0};
  for (double xv : {0.0, 1.0, 2.0, 3.0, 7.0, 26.0, 200.0, 3000.0}) {
    for (double Tv : times) {
      for (double txv : times) {
        if (txv > Tv || (xv == 0 && txv > 0)) continue;
        x.push_back(xv), t_x.push_back(txv), T.push_back(Tv);
      }
    }
  }
  x.push_back(5), t_x.push_back(12.25), T.push_back(13.0);  // the only pattern with x = 5
  Patterns plain = CompressPatterns(x, t_x, T);
  for (size_t i = 0; i < plain.size(); ++i) plain.weight[i] = 1.0 + static_cast<double>(i % 7);
  Patterns paired = plain;
  IndexPatterns(&paired);
  IndexPatternPairs(&paired);
  REQUIRE(paired.t_x_pair.size() == paired.size());
  // α >= β and α < β; s below and above 1 (the plain and transformed A2 series when α >= β); r + x below 1.
  for (const ParetoNbdParams& p : {kLifetimes, ParetoNbdParams{0.55, 12.0, 0.6, 10.0}, ParetoNbdParams{2.0, 0.5, 1.3, 40.0},
                                   ParetoNbdParams{1.17, 9.0, 0.75, 90.7}, ParetoNbdParams{0.3, 50.0, 2.5, 0.8},
                                   ParetoNbdParams{0.55, 10.0, 0.6, 10.0}}) {
    INFO("r " << p.r << " alpha " << p.alpha << " s " << p.s << " beta " << p.beta);
    double g_plain[4], g_paired[4];
    const double ll_plain = ParetoNbdLogLikelihoodSum(p, plain, g_plain);
    const double ll_paired = ParetoNbdLogLikelihoodSum(p, paired, g_paired);
    CHECK_THAT(ll_paired, WithinRel(ll_plain, 1e-12));
    CHECK_THAT(ParetoNbdLogLikelihoodSum(p, paired), WithinRel(ll_plain, 1e-12));
    for (int k = 0; k < 4; ++k) {
      INFO("k = " << k);
      if (p.alpha != p.beta) {
        CHECK_THAT(g_paired[k], WithinAbs(g_plain[k], 1e-9 * (1 + std::fabs(g_plain[k]))));
        continue;
      }
      // α = β: z = 0, where the per-pattern series returns 0 for ∂ln 2F1/∂z (it stops before the first term);
      // the paired one returns the true ab/c, which finite differences of the (smooth) likelihood confirm.
      const double th[4] = {std::log(p.r), std::log(p.alpha), std::log(p.s), std::log(p.beta)};
      auto at = [&](int k, double h) {
        double t[4] = {th[0], th[1], th[2], th[3]};
        t[k] += h;
        return ParetoNbdLogLikelihoodSum({std::exp(t[0]), std::exp(t[1]), std::exp(t[2]), std::exp(t[3])}, plain);
      };
      const double h = 1e-6;
      CHECK_THAT(g_paired[k], WithinAbs((at(k, h) - at(k, -h)) / (2 * h), 1e-5 * (1 + std::fabs(g_paired[k]))));
    }
  }
}

TEST_CASE("Pareto/NBD: the paired pass on the CDNOW summary", "[model][pnbd]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  Patterns paired = test::PatternsOf(t);
  IndexPatterns(&paired);
  IndexPatternPairs(&paired);
  CHECK_THAT(ParetoNbdLogLikelihoodSum(kLifetimes, paired), WithinAbs(-9594.9739, 1e-4));
}

TEST_CASE("Pareto/NBD: predictions for all customers equal the per-customer functions", "[model][pnbd]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary_with_transactions.csv", &t)) return;
  // Two customers with a large x (the Euler branch) beside CDNOW's.
  t.x.push_back(200), t.t_x.push_back(38), t.T.push_back(38.86), t.zbar.push_back(30.0);
  t.x.push_back(0), t.t_x.push_back(0), t.T.push_back(0), t.zbar.push_back(0.0);
  FitResult count;
  count.model = ModelKind::kParetoNbd;
  count.params = {kLifetimes.r, kLifetimes.alpha, kLifetimes.s, kLifetimes.beta};
  FitResult spend;
  spend.model = ModelKind::kGammaGamma;
  spend.params = {6.248802, 3.744588, 15.447748};
  PredictionOptions options;
  options.horizon = 39;
  const CustomerPredictions all = PredictCustomers(count, &spend, t.x, t.t_x, t.T, t.zbar, options);
  REQUIRE(all.size() == t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    INFO("customer " << i << " x " << t.x[i] << " t_x " << t.t_x[i] << " T " << t.T[i]);
    const double x = t.x[i], t_x = t.t_x[i], T = t.T[i];
    const ParetoNbdNextPurchase next = ParetoNbdNextPurchaseOf(kLifetimes, x, t_x, T);
    CHECK_THAT(all.p_alive[i], WithinRel(ParetoNbdPAlive(kLifetimes, x, t_x, T), 1e-12));
    CHECK_THAT(all.expected_purchases[i], WithinRel(ParetoNbdConditionalExpectedPurchases(kLifetimes, 39, x, t_x, T), 1e-12));
    CHECK_THAT(all.p_purchase[i], WithinRel(ParetoNbdProbabilityOfPurchaseWithin(kLifetimes, 39, x, t_x, T), 1e-12));
    CHECK_THAT(all.next_purchase[i], WithinRel(next.median, 1e-12));
    const double clv = GammaGammaExpectedValue(spend.gg(), x, t.zbar[i]) *
                       DiscountedPurchases([&](double h) { return ParetoNbdConditionalExpectedPurchases(kLifetimes, h, x, t_x, T); },
                                           options.units_per_month, options.clv_months, options.monthly_discount_rate);
    CHECK_THAT(all.clv[i], WithinRel(clv, 1e-12));
  }
}
