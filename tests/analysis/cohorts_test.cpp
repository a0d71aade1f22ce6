#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "analysis/workspace_builder.h"
#include "core/analysis/cohorts/cohorts.h"
#include "core/util/random.h"

using namespace rapport;
using rapport::test::AddNumbered;
using rapport::test::ThreeLoadOrders;
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

// Each customer's group is read off its first order (the first by day and seconds), reached by a forward sweep
// over the order table (ForEachFirstOrder). An export interleaves customers and may list a customer's orders out of
// time order: the same store with its orders appended in three orders gives the same groups, and each group's
// size is the number of customers whose first order (found directly) carries its value.
TEST_CASE("cohorts: first-order groups do not depend on where the orders sit in the table", "[analysis][cohorts]") {
  struct Spec {
    uint32_t customer;
    int32_t day, seconds;
    uint32_t product;  // kNoId: an order without lines
    std::string source;
    uint8_t flags;
  };
  Random rng(0x2545F4914F6CDD1DULL);  // core/util/random.h
  auto next = [&]() { return rng.Next(); };
  const uint32_t n_customers = 400, n_products = 12;
  const int32_t start = ParseIsoDay("2022-01-01");
  const char* sources[] = {"", "web", "pos", "app"};
  std::vector<Spec> specs;
  for (uint32_t c = 0; c < n_customers; ++c) {
    const int n = static_cast<int>(next() % 6);
    for (int k = 0; k < n; ++k) {
      specs.push_back({c, start + static_cast<int32_t>(next() % 700), static_cast<int32_t>(specs.size() % 86400),
                       next() % 10 == 0 ? kNoId : static_cast<uint32_t>(next() % n_products), sources[next() % 4],
                       static_cast<uint8_t>(next() % 11 == 0 ? kOrderCancelled : 0)});
    }
  }
  Settings settings;
  settings.as_of_day = start + 650;  // some customers' only orders come later
  auto run = [&](const std::vector<size_t>& order, CohortBy by) {
    WorkspaceBuilder b;
    AddNumbered(&b, n_products, n_customers);
    for (size_t i : order) {
      const Spec& sp = specs[i];
      WorkspaceBuilder::OrderExtras ex;
      ex.seconds = sp.seconds;
      ex.source = sp.source;
      std::vector<std::pair<uint32_t, int32_t>> lines;
      if (sp.product != kNoId) lines.push_back({sp.product, 1});
      b.OrderOnDay(sp.customer, sp.day, 1000, lines, sp.flags, ex);
    }
    CohortOptions options;
    options.by = by;
    options.max_groups = 0;  // every group, none pooled
    return ComputeCohorts(b.workspace(), settings, options);
  };
  std::vector<int32_t> days;
  for (const Spec& sp : specs) days.push_back(sp.day);
  const std::vector<std::vector<size_t>> orders = ThreeLoadOrders(days);

  // Directly: each customer's first counted order, and the customers per first product.
  std::vector<const Spec*> first(n_customers, nullptr);
  for (const Spec& sp : specs) {
    if (sp.flags != 0 || sp.day > settings.as_of_day) continue;
    const Spec*& f = first[sp.customer];
    if (f == nullptr || sp.day < f->day || (sp.day == f->day && sp.seconds < f->seconds)) f = &sp;
  }
  std::map<std::string, int64_t> expected;
  for (const Spec* f : first) {
    if (f != nullptr) ++expected[f->product == kNoId ? "(none)" : "P" + std::to_string(f->product)];
  }

  for (CohortBy by : {CohortBy::kFirstProduct, CohortBy::kSource}) {
    const CohortResult a = run(orders[0], by), b = run(orders[1], by), c = run(orders[2], by);
    REQUIRE(a.groups.size() > 3);
    if (by == CohortBy::kFirstProduct) {
      std::map<std::string, int64_t> got;
      for (const CohortGroup& g : a.groups) got[g.label] = g.customers;
      CHECK(got == expected);
    }
    for (const CohortResult* r : {&b, &c}) {
      CHECK(r->customers == a.customers);
      REQUIRE(r->groups.size() == a.groups.size());
      for (size_t g = 0; g < a.groups.size(); ++g) {
        CHECK(r->groups[g].label == a.groups[g].label);
        CHECK(r->groups[g].customers == a.groups[g].customers);
        REQUIRE(r->groups[g].cohorts.size() == a.groups[g].cohorts.size());
        for (size_t k = 0; k < a.groups[g].cohorts.size(); ++k) {
          CHECK(r->groups[g].cohorts[k].customers == a.groups[g].cohorts[k].customers);
          CHECK(r->groups[g].cohorts[k].active == a.groups[g].cohorts[k].active);
          CHECK(r->groups[g].cohorts[k].net_cents == a.groups[g].cohorts[k].net_cents);
        }
      }
    }
  }
}
