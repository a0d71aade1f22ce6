#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/cohorts/cohorts.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

namespace {

struct CohortStore {
  WorkspaceBuilder b;
  Settings settings;
  CohortStore() {
    WorkspaceBuilder::OrderExtras web, pos;
    web.source = "web";
    pos.source = "pos";
    const uint32_t a = b.Customer("a@x.com", "", "", "US");
    const uint32_t bb = b.Customer("b@x.com", "", "", "GB");
    const uint32_t c = b.Customer("c@x.com");
    b.Order(a, "2024-01-15", 1000, {}, 0, web);
    b.Order(a, "2024-01-20", 1000, {}, 0, pos);
    b.Order(a, "2024-02-02", 5000, {}, kOrderCancelled);  // not counted: no activity in February
    b.Order(a, "2024-03-03", 1000);
    b.Order(bb, "2024-01-31", 2000, {}, 0, pos);
    b.Order(bb, "2024-02-01", 2000);
    b.Order(c, "2024-02-10", 1000, {}, 0, web);
    b.Order(c, "2024-04-02", 1000);  // after as_of: ignored
    settings.as_of_day = ParseIsoDay("2024-03-31");
  }
};

}  // namespace

TEST_CASE("cohorts: hand-worked retention and revenue per customer", "[analysis][cohorts]") {
  CohortStore s;
  const CohortResult r = ComputeCohorts(s.b.workspace(), s.settings);
  CHECK_FALSE(r.last_month_partial);
  CHECK(r.customers == 3);
  REQUIRE(r.groups.size() == 1);
  const CohortGroup& g = r.groups[0];
  REQUIRE(g.cohorts.size() == 2);
  const Cohort& jan = g.cohorts[0];
  CHECK(jan.month_index == MonthIndex(ParseIsoDay("2024-01-01")));
  CHECK(jan.customers == 2);
  CHECK(jan.active == std::vector<int64_t>{2, 1, 1});
  CHECK(jan.retention == std::vector<double>{1.0, 0.5, 0.5});
  CHECK(jan.net_cents == std::vector<int64_t>{4000, 2000, 1000});
  CHECK(jan.net_per_customer_cents == std::vector<double>{2000, 1000, 500});
  CHECK(jan.cumulative_net_per_customer_cents == std::vector<double>{2000, 3000, 3500});
  const Cohort& feb = g.cohorts[1];
  CHECK(feb.customers == 1);
  CHECK(feb.active == std::vector<int64_t>{1, 0});
  // Averages weight each cohort by its customers, over the cohorts that reached the month.
  CHECK(g.average_retention[0] == 1.0);
  CHECK(g.average_retention[1] == Approx(1.0 / 3));
  CHECK(g.average_retention[2] == Approx(0.5));
  CHECK(g.average_cumulative_net_per_customer_cents[1] == Approx((3000.0 * 2 + 1000) / 3));
}

TEST_CASE("cohorts: grouping by first-order source, country, filter and month cap", "[analysis][cohorts]") {
  CohortStore s;
  CohortOptions options;
  options.by = CohortBy::kSource;
  CohortResult r = ComputeCohorts(s.b.workspace(), s.settings, options);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[0].label == "web");  // a and c
  CHECK(r.groups[0].customers == 2);
  CHECK(r.groups[1].label == "pos");  // b
  CHECK(r.groups[1].cohorts[0].active == std::vector<int64_t>{1, 1, 0});

  options.by = CohortBy::kCountry;
  r = ComputeCohorts(s.b.workspace(), s.settings, options);
  REQUIRE(r.groups.size() == 3);
  CHECK(r.groups[0].label == "(none)");  // equal sizes: by label, "(" sorts first
  CHECK(r.groups[1].label == "GB");

  options.filter = "US";
  options.months = 2;
  r = ComputeCohorts(s.b.workspace(), s.settings, options);
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0].cohorts[0].active == std::vector<int64_t>{1, 0});

  options = CohortOptions();
  options.by = CohortBy::kSource;
  options.max_groups = 1;
  r = ComputeCohorts(s.b.workspace(), s.settings, options);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[1].label == "(other)");
}

TEST_CASE("cohorts: month 0 is 100 % and cells never exceed the cohort on a generated store", "[analysis][cohorts]") {
  WorkspaceBuilder b;
  rapport::test::GenerateStore(&b, 2000, 11);
  for (CohortBy by : {CohortBy::kNone, CohortBy::kFirstProduct, CohortBy::kSource, CohortBy::kDiscountCode, CohortBy::kCountry}) {
    CohortOptions options;
    options.by = by;
    options.max_groups = 4;
    const CohortResult r = ComputeCohorts(b.workspace(), Settings(), options);
    int64_t total = 0;
    for (const CohortGroup& g : r.groups) {
      int64_t group_total = 0;
      for (const Cohort& c : g.cohorts) {
        REQUIRE(!c.active.empty());
        CHECK(c.active[0] == c.customers);
        CHECK(c.retention[0] == 1.0);
        for (int64_t a : c.active) CHECK(a <= c.customers);
        group_total += c.customers;
      }
      CHECK(group_total == g.customers);
      total += g.customers;
    }
    CHECK(total == r.customers);
  }
}
