// Gamma-Gamma against the published values (SOURCES.md §1; MODELS.md §6).
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/fit.h"
#include "core/model/gamma_gamma.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("Gamma-Gamma: fit and E[M] on CDNOW", "[model][gg]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary_with_transactions.csv", &t)) return;
  REQUIRE(t.zbar.size() == 2357);
  CHECK_THAT(GammaGammaLogLikelihoodSum({6.248802, 3.744588, 15.447748}, t.x, t.zbar, nullptr), WithinAbs(-4055.9232, 1e-3));
  auto fit = FitGammaGamma(t.x, t.zbar);
  REQUIRE(fit.ok());
  const FitResult& f = fit.value();
  CHECK(f.customers == 946);
  const double published[] = {6.25, 3.74, 15.44};
  const double refit[] = {6.248804, 3.744589, 15.447745};
  for (int k = 0; k < 3; ++k) {
    INFO("parameter " << f.names[k]);
    CHECK_THAT(f.params[k], WithinAbs(published[k], 0.015));
    CHECK_THAT(f.params[k], WithinRel(refit[k], 1e-5));
    CHECK(f.se[k] > 0);
  }
  CHECK_THAT(f.log_likelihood, WithinAbs(-4055.9232, 1e-4));
  // E[M | x, z̄] for the first 10 customers (lifetimes, atol 0.1) and the exact values of MODELS §6.
  const double published_m[] = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
  const double exact_m[] = {24.6586, 18.9115, 35.1710, 35.1710, 35.1710, 71.4629, 18.9115, 35.1710, 27.2824, 35.1710};
  for (int i = 0; i < 10; ++i) {
    INFO("customer " << i + 1);
    const double m = GammaGammaExpectedValue(f.gg(), t.x[i], t.zbar[i]);
    CHECK_THAT(m, WithinAbs(published_m[i], 0.1));
    CHECK_THAT(m, WithinAbs(exact_m[i], 1e-3));
  }
  double mean = 0;
  for (size_t i = 0; i < t.size(); ++i) mean += GammaGammaExpectedValue(f.gg(), t.x[i], t.zbar[i]);
  CHECK_THAT(mean / t.size(), WithinAbs(35.2529588256, 1e-4));
  const SpendFrequencyCorrelation c = CorrelateSpendAndFrequency(t.x, t.zbar);
  CHECK(c.customers == 946);
  CHECK_THAT(c.pearson, WithinAbs(0.114, 1e-3));
  CHECK_THAT(c.spearman, WithinAbs(0.206, 1e-3));
}

TEST_CASE("Gamma-Gamma: the grouped likelihood the fit uses equals the per-customer sum", "[model][gg]") {
  // Rows the fit skips (x = 0, z̄ <= 0), repeated (x, z̄) pairs and several z̄ per x; large q and v as a
  // homogeneous store drives them, where the q·ln v terms must cancel row by row.
  const std::vector<double> x = {0, 1, 1, 1, 2, 2, 3, 3, 3, 7, 1, 4};
  const std::vector<double> zbar = {10, 20.5, 20.5, 31, 15, 0, 40, 40, 40, 12.25, -3, 99};
  const GammaGammaData d = GroupGammaGamma(x, zbar);
  CHECK(d.customers == 9);
  CHECK(d.x == std::vector<double>{1, 2, 3, 4, 7});
  CHECK(d.xz.size() == 6);  // (1, 20.5) twice, (1, 31), (2, 15), (3, 40) thrice, (4, 99), (7, 12.25)
  for (GammaGammaParams g : {GammaGammaParams{6.25, 3.74, 15.44}, GammaGammaParams{0.8, 1.2, 0.3},
                             GammaGammaParams{4.0, 6232.6, 62268.5}}) {
    INFO("p " << g.p << " q " << g.q << " v " << g.v);
    CHECK_THAT(GammaGammaLogLikelihoodGrouped(g, d), WithinRel(GammaGammaLogLikelihoodSum(g, x, zbar, nullptr), 1e-12));
  }
}
