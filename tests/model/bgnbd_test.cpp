// BG/NBD against the published CDNOW values (SOURCES.md §1) and MODELS.md §3's checks.
#include <cmath>

#include <catch2/catch.hpp>

#include "core/model/bgnbd.h"
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
