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
