// BG/NBD against the published CDNOW values (SOURCES.md §1) and MODELS.md §3's checks.
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/bgnbd.h"
#include "core/model/mbgnbd.h"
#include "core/model/fit.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const BgNbdParams kPublished{0.242593, 4.413532, 0.792886, 2.425752};
const BgNbdParams kRounded{0.243, 4.414, 0.793, 2.426};
}  // namespace

TEST_CASE("BG/NBD: Hardie note 027 unit log-likelihoods", "[model][bgnbd]") {
  const BgNbdParams p{0.25, 4.0, 0.80, 2.50};
  CHECK_THAT(BgNbdLogLikelihood(p, 0, 0, 40), WithinAbs(-0.59947382, 1e-5));
  CHECK_THAT(BgNbdLogLikelihood(p, 200, 38, 40), WithinAbs(100.7957, 1e-4));
  CHECK_THAT(BgNbdLogLikelihood(p, 0, 0, 40), WithinAbs(-0.5994738182, 1e-9));
}

TEST_CASE("BG/NBD: fit on the CDNOW summary matches the published estimates", "[model][bgnbd]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  const Patterns patterns = test::PatternsOf(t);
  CHECK(patterns.size() == 1016);
  CHECK_THAT(BgNbdLogLikelihoodSum(kPublished, patterns, nullptr), WithinAbs(-9582.4256, 1e-3));
  auto fit = FitCountModel(ModelKind::kBgNbd, patterns);
  REQUIRE(fit.ok());
  const FitResult& f = fit.value();
  CHECK(f.converged);
  // Published: 0.242593, 4.413532, 0.792886, 2.425752; LL −9582.4256; SE 0.012557, 0.378221, 0.185719, 0.705345.
  const double expected[4] = {0.242593, 4.413532, 0.792886, 2.425752};
  const double expected_se[4] = {0.012557, 0.378221, 0.185719, 0.705345};
  for (int k = 0; k < 4; ++k) {
    INFO("parameter " << f.names[k]);
    CHECK_THAT(f.params[k], WithinRel(expected[k], 1e-5));
    CHECK_THAT(f.se[k], WithinAbs(expected_se[k], 2e-6));
  }
  CHECK_THAT(f.log_likelihood, WithinAbs(-9582.4256, 1e-4));
  // lifetimes' decimal=2 and CLVTools' relative 0.001 against the paper's values.
  CHECK_THAT(f.params[0], WithinAbs(0.243, 0.005));
  CHECK_THAT(f.params[3], WithinRel(2.4258881, 1e-3));
  CHECK_THAT(f.bic, WithinAbs(19195.91, 0.01));
}

TEST_CASE("BG/NBD: published predictions on CDNOW", "[model][bgnbd]") {
  // Conditional expectation (lifetimes test_estimation.py:530-539): 1.226 at abs 0.001.
  CHECK_THAT(BgNbdConditionalExpectedPurchases(kPublished, 39, 2, 30.43, 38.86), WithinAbs(1.226, 1e-3));
  CHECK_THAT(BgNbdConditionalExpectedPurchases(kPublished, 39, 2, 30.43, 38.86), WithinAbs(1.2259104, 2e-7));
  CHECK_THAT(BgNbdPAlive(kPublished, 2, 30.43, 38.86), WithinAbs(0.726609, 1e-6));
  CHECK(BgNbdPAlive(kPublished, 0, 0, 38.86) == 1.0);
  // E[X(t)] for a new customer (decimal=3) and MODELS §3.4's exact values.
  const double t[] = {0.1429, 1, 3, 31.8571, 32, 78};
  const double published[] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
  const double exact[] = {0.0078161, 0.0531848, 0.1506320, 1.0404945, 1.0437374, 1.8579721};
  for (int i = 0; i < 6; ++i) {
    INFO("t = " << t[i]);
    CHECK_THAT(BgNbdExpectedPurchases(kPublished, t[i]), WithinAbs(published[i], 1.5e-3));
    CHECK_THAT(BgNbdExpectedPurchases(kPublished, t[i]), WithinAbs(exact[i], 6e-8));
  }
  // t = 78: the published 1.8576 is a truncated-series artifact (MODELS §3.4); the true value is 1.8579721052.
  CHECK_THAT(BgNbdExpectedPurchases(kPublished, 78), WithinAbs(1.8579721052, 1e-9));
}

TEST_CASE("BG/NBD: P(X(t) = n) published values (R BTYD via lifetimes)", "[model][bgnbd]") {
  CHECK_THAT(BgNbdProbabilityOfPurchases(kRounded, 2, 10), WithinRel(1.07868964e-7, 1e-7));
  CHECK_THAT(BgNbdProbabilityOfPurchases(kRounded, 39, 0), WithinAbs(0.5737864, 1e-7));
  const double expected[] = {0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                             0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260};
  for (int n = 11; n <= 20; ++n) {
    INFO("n = " << n);
    CHECK_THAT(BgNbdProbabilityOfPurchases(kRounded, 30, n), WithinAbs(expected[n - 11], 1e-10));
  }
  // The tail form stays accurate far out (MODELS §3.6: 7.29243e−33).
  CHECK_THAT(BgNbdProbabilityOfPurchases(kRounded, 1, 40), WithinRel(7.29243e-33, 1e-5));
  double total = 0, mean = 0;
  for (int n = 0; n < 3000; ++n) {
    const double p = BgNbdProbabilityOfPurchases(kRounded, 39, n);
    total += p;
    mean += n * p;
  }
  CHECK_THAT(total, WithinAbs(1.0, 1e-12));
  CHECK_THAT(mean, WithinAbs(BgNbdExpectedPurchases(kRounded, 39), 1e-9));
}

TEST_CASE("BG/NBD: no overflow at extreme histories; stable near a = 1", "[model][bgnbd]") {
  for (double x : {200.0, 1000.0, 5000.0}) {
    for (double T : {40.0, 500.0, 3640.0}) {
      INFO("x = " << x << ", T = " << T);
      CHECK(std::isfinite(BgNbdLogLikelihood(kPublished, x, T * 0.9, T)));
      CHECK(std::isfinite(BgNbdConditionalExpectedPurchases(kPublished, 520, x, T * 0.9, T)));
      CHECK(std::isfinite(BgNbdPAlive(kPublished, x, T * 0.5, T)));
    }
  }
  // Continuity through a = 1: the closed form loses digits there, the stable form does not.
  BgNbdParams p = kPublished;
  p.a = 1.0;
  const double at_one = BgNbdExpectedPurchases(p, 39);
  p.a = 1.0 + 1e-9;
  CHECK_THAT(BgNbdExpectedPurchases(p, 39), WithinRel(at_one, 1e-8));
  p.a = 1.0 - 1e-9;
  CHECK_THAT(BgNbdExpectedPurchases(p, 39), WithinRel(at_one, 1e-8));
}

TEST_CASE("BG/NBD: P(purchase within t), next-purchase quantiles and DERT are consistent", "[model][bgnbd]") {
  // §3.7 complement: x = 0 over 10 weeks gives P(no purchase) = 0.9508 with the CDNOW MLE.
  CHECK_THAT(1.0 - BgNbdProbabilityOfPurchaseWithin(kPublished, 10, 0, 0, 38.86), WithinAbs(0.9508, 1e-4));
  // The median makes P(next purchase within u | alive) one half.
  const double u = BgNbdNextPurchaseQuantile(kPublished, 0.5, 2, 38.86);
  CHECK_THAT(BgNbdProbabilityOfPurchaseWithin(kPublished, u, 2, 30.43, 38.86) / BgNbdPAlive(kPublished, 2, 30.43, 38.86),
             WithinAbs(0.5, 1e-12));
  // DERT equals the discounted sum of dE[Y(t)] (MODELS §7).
  const double delta = std::log(1.15) / 52;
  const double dert = BgNbdDert(kPublished, delta, 2, 30.43, 38.86);
  double discounted = 0, previous = 0;
  const double h = 0.25;
  for (double t = h; t < 4000; t += h) {
    const double current = BgNbdConditionalExpectedPurchases(kPublished, t, 2, 30.43, 38.86);
    discounted += std::exp(-delta * (t - 0.5 * h)) * (current - previous);
    previous = current;
  }
  CHECK_THAT(dert, WithinRel(discounted, 1e-4));
  // MODELS §7's 2-D quadrature values at the published MLE, δ = ln(1.15)/52.
  CHECK_THAT(BgNbdDert(kPublished, delta, 0, 0, 38.86), WithinRel(1.01725088, 1e-8));
  CHECK_THAT(dert, WithinRel(5.16963679, 1e-7));
}

TEST_CASE("BG/NBD: the indexed (tabulated) likelihood equals the direct one", "[model][bgnbd]") {
  const std::vector<double> x = {0, 1, 2, 7, 200, 3, 1}, t_x = {0, 1.5, 30.43, 20, 38, 5, 1.5}, T = {38.86, 38.86, 38.86, 30, 40, 5, 2};
  const Patterns plain = CompressPatterns(x, t_x, T);
  Patterns indexed = plain;
  IndexPatterns(&indexed);
  REQUIRE(indexed.max_whole_x == 200);
  double g1[4], g2[4];
  const double direct = BgNbdLogLikelihoodSum(kPublished, plain, g1);
  CHECK_THAT(BgNbdLogLikelihoodSum(kPublished, indexed, g2), WithinRel(direct, 1e-13));
  for (int k = 0; k < 4; ++k) CHECK_THAT(g2[k], WithinRel(g1[k], 1e-10));
}

namespace rapport::model {
TEST_CASE("BG/NBD and MBG/NBD: a Beta concentrated on one dropout probability (huge a, b) predicts fast", "[model][bgnbd]") {
  // A fit on a short calibration period can end with a = 6·10^7, b = 4.9·10^8 (found on a 600-customer demo
  // store's holdout validation, which then ran for minutes: StableRemainder's series took ~10^8 terms per
  // customer). Such a Beta is a point mass at π = a/(a+b) (relative spread 1/√a ≈ 10^-4, which moves these
  // expectations by ~10^-8), and with a fixed dropout probability π and λ ~ Gamma(r, α), by hand:
  //   BG/NBD  E[X(t)] = (1/π)(1 − (α/(α+πt))^r),   E[Y(t) | x, t_x, T] / P(alive) = (1/π)(1 − ((α+T)/(α+T+πt))^{r+x});
  //   MBG/NBD the same times (1 − π) (a customer may drop out before the first purchase).
  const double r = 0.18758, alpha = 4.712252, a = 5.98798e7, b = 4.85163e8, pi = a / (a + b);
  const BgNbdParams bg{r, alpha, a, b};
  const MbgNbdParams mbg{r, alpha, a, b};
  for (double t : {0.5, 13.0, 39.0, 200.0}) {
    INFO("t = " << t);
    const double unconditional = (1.0 - std::pow(alpha / (alpha + pi * t), r)) / pi;
    CHECK_THAT(BgNbdExpectedPurchases(bg, t), WithinRel(unconditional, 1e-6));
    CHECK_THAT(MbgNbdExpectedPurchases(mbg, t), WithinRel((1.0 - pi) * unconditional, 1e-6));
    for (double x : {0.0, 2.0, 40.0}) {
      const double t_x = x > 0 ? 30.0 : 0.0, T = 38.86;
      const double alive = (1.0 - std::pow((alpha + T) / (alpha + T + pi * t), r + x)) / pi;
      CHECK_THAT(BgNbdConditionalExpectedPurchases(bg, t, x, t_x, T) / BgNbdPAlive(bg, x, t_x, T), WithinRel(alive, 1e-6));
      CHECK_THAT(MbgNbdConditionalExpectedPurchases(mbg, t, x, t_x, T) / MbgNbdPAlive(mbg, x, t_x, T),
                 WithinRel(alive, 1e-6));
    }
  }
}
}  // namespace rapport::model
