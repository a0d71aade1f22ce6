// MBG/NBD against the published values (SOURCES.md §1; MODELS.md §4).
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/fit.h"
#include "core/model/mbgnbd.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("MBG/NBD: unit log-likelihoods (pymc-marketing)", "[model][mbgnbd]") {
  const MbgNbdParams p{0.25, 4.0, 0.80, 2.50};
  CHECK_THAT(MbgNbdLogLikelihood(p, 0, 0, 40), WithinAbs(-0.41792826, 1e-5));
  CHECK_THAT(MbgNbdLogLikelihood(p, 0, 0, 40), WithinAbs(-0.417928262, 1e-9));
  CHECK_THAT(MbgNbdLogLikelihood(p, 200, 38, 40), WithinAbs(100.7869, 1e-4));
  CHECK(std::isfinite(MbgNbdLogLikelihood(p, 5000, 400, 500)));
  // A customer first seen today: P(alive) = b/(a+b).
  CHECK_THAT(MbgNbdPAlive(p, 0, 0, 0), WithinAbs(2.5 / 3.3, 1e-15));
  CHECK_THAT(MbgNbdLogLikelihood(p, 0, 0, 0), WithinAbs(0.0, 1e-12));
}

TEST_CASE("MBG/NBD: fit on the CDNOW summary matches BTYDplus", "[model][mbgnbd]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  const Patterns patterns = test::PatternsOf(t);
  CHECK_THAT(MbgNbdLogLikelihoodSum({0.524838, 6.182988, 0.891356, 1.614000}, patterns), WithinAbs(-9582.1327, 1e-3));
  auto fit = FitCountModel(ModelKind::kMbgNbd, patterns);
  REQUIRE(fit.ok());
  const FitResult& f = fit.value();
  const double published[] = {0.525, 6.183, 0.891, 1.614};   // decimal=3
  const double refit[] = {0.5248377, 6.1829902, 0.8913564, 1.6140005};  // MODELS §4
  for (int k = 0; k < 4; ++k) {
    INFO("parameter " << f.names[k]);
    CHECK_THAT(f.params[k], WithinAbs(published[k], 1.5e-3));
    CHECK_THAT(f.params[k], WithinRel(refit[k], 2e-5));
    CHECK(f.se[k] > 0);
  }
  CHECK_THAT(f.log_likelihood, WithinAbs(-9582.1327, 1e-4));
  CHECK_THAT(f.bic, WithinAbs(19195.33, 0.01));
  // The stable and closed forms agree; E[Y(39) | 2, 30.43, 38.86] = 1.2627 (MODELS §4).
  CHECK_THAT(MbgNbdConditionalExpectedPurchases(f.mbgnbd(), 39, 2, 30.43, 38.86), WithinAbs(1.2627, 1e-4));
}

TEST_CASE("MBG/NBD: the analytic gradient matches finite differences; indexed sum equals the direct one", "[model][mbgnbd]") {
  const std::vector<double> x = {0, 1, 2, 7, 200, 3, 1, 0}, t_x = {0, 1.5, 30.43, 20, 38, 5, 1.5, 0},
                            T = {38.86, 38.86, 38.86, 30, 40, 5, 2, 0};
  const Patterns plain = CompressPatterns(x, t_x, T);
  Patterns indexed = plain;
  IndexPatterns(&indexed);
  const MbgNbdParams p{0.524838, 6.182988, 0.891356, 1.614000};
  double direct_sum = 0;
  for (size_t i = 0; i < x.size(); ++i) direct_sum += MbgNbdLogLikelihood(p, x[i], t_x[i], T[i]);
  CHECK_THAT(MbgNbdLogLikelihoodSum(p, plain), WithinRel(direct_sum, 1e-13));
  double g[4];
  CHECK_THAT(MbgNbdLogLikelihoodSum(p, indexed, g), WithinRel(direct_sum, 1e-13));
  double th[4] = {std::log(p.r), std::log(p.alpha), std::log(p.a), std::log(p.b)};
  for (int k = 0; k < 4; ++k) {
    const double h = 1e-6;
    double up[4], down[4];
    std::copy(th, th + 4, up);
    std::copy(th, th + 4, down);
    up[k] += h;
    down[k] -= h;
    auto at = [&](const double* t) {
      return MbgNbdLogLikelihoodSum({std::exp(t[0]), std::exp(t[1]), std::exp(t[2]), std::exp(t[3])}, plain);
    };
    INFO("k = " << k);
    CHECK_THAT(g[k], WithinAbs((at(up) - at(down)) / (2 * h), 1e-6 * (1 + std::fabs(g[k]))));
  }
}
