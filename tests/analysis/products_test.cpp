#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/products/products.h"
#include "core/util/random.h"

#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <tuple>

using namespace rapport;
using rapport::test::AddNumbered;
using rapport::test::ThreeLoadOrders;
using rapport::test::WorkspaceBuilder;

namespace {

// Options that keep every row: no support floor, no top-N cut, pairs from `min_pair_count` baskets.
ProductOptions EveryRow(int64_t min_pair_count) {
  ProductOptions options;
  options.min_pair_count = min_pair_count;
  options.min_support = 0;
  options.top_pairs = -1;
  options.top_journeys = -1;
  return options;
}

}  // namespace

TEST_CASE("products: hand-worked replenishment, first product, journeys, bought together", "[analysis][products]") {
  WorkspaceBuilder b;
  const uint32_t tea = b.Product("TEA"), cup = b.Product("CUP"), bis = b.Product("BIS");
  const uint32_t a = b.Customer("a@x.com"), bb = b.Customer("b@x.com"), c = b.Customer("c@x.com");
  // a: tea on days 0, 30 (twice that day), 90 -> intervals 30, 60; first order {tea, cup}; next product: biscuit.
  b.Order(a, "2023-01-01", 1000, {{tea, 1}, {cup, 1}});
  b.Order(a, "2023-01-31", 1000, {{tea, 1}, {bis, 1}});
  b.Order(a, "2023-01-31", 1000, {{tea, 2}});
  b.Order(a, "2023-04-01", 1000, {{tea, 1}, {cup, 1}});
  b.Order(a, "2024-06-01", 9000, {{cup, 1}});  // after the 12 months
  // b: tea on day 0 and 20 -> interval 20; first order {tea}; next product: cup.
  b.Order(bb, "2023-03-01", 2000, {{tea, 1}});
  b.Order(bb, "2023-03-21", 2000, {{tea, 1}, {cup, 1}});
  // c: one order {cup, bis}, recent (not matured).
  b.Order(c, "2024-06-20", 3000, {{cup, 1}, {bis, 1}});
  b.Order(c, "2024-06-20", 500, {}, kOrderCancelled);
  Settings settings;
  settings.as_of_day = ParseIsoDay("2024-06-30");
  ProductOptions options;
  options.min_pair_count = 1;
  options.min_support = 0;
  const ProductResult r = ComputeProducts(b.workspace(), settings, options);

  REQUIRE(r.replenishment.size() == 2);
  CHECK(r.replenishment[0].product == tea);  // 3 intervals: 20, 30, 60
  CHECK(r.replenishment[0].intervals == 3);
  CHECK(r.replenishment[0].customers == 2);
  CHECK(r.replenishment[0].median_days == 30);
  CHECK(r.replenishment[0].q1_days == 25);
  CHECK(r.replenishment[0].q3_days == 45);
  CHECK(r.replenishment[1].product == cup);  // a: 2023-01-01 -> 04-01 (90), -> 2024-06-01 (427)
  CHECK(r.replenishment[1].median_days == Approx((90 + 427) / 2.0));

  // First products: tea (a, b), cup (a, c), bis (c).
  REQUIRE(r.first_product.size() == 3);
  CHECK(r.first_product[0].product == tea);
  CHECK(r.first_product[0].customers == 2);
  CHECK(r.first_product[0].repeat_rate == 1.0);
  CHECK(r.first_product[0].matured_customers == 2);
  // a: 4 orders before 2024-01-01 = 40.00; b: 40.00.
  CHECK(r.first_product[0].avg_net_12m_cents == 4000);
  CHECK(r.first_product[1].product == cup);
  CHECK(r.first_product[1].repeat_customers == 1);
  CHECK(r.first_product[1].matured_customers == 1);
  CHECK(r.first_product[2].product == bis);
  CHECK(r.first_product[2].matured_customers == 0);

  // Journeys: a tea -> bis, b tea -> cup (c has no later order).
  REQUIRE(r.journeys.size() == 2);
  CHECK(r.journeys[0].first_product == tea);
  CHECK(r.journeys[0].next_product == cup);  // ties by ids: cup (1) < bis (2)
  CHECK(r.journeys[0].share_of_first == 0.5);

  // Baskets: 8 valid orders. tea 6, cup 5, bis 2; {tea,cup} 3, {tea,bis} 1, {cup,bis} 1.
  CHECK(r.baskets == 8);
  CHECK(r.product_baskets[tea] == 6);
  CHECK(r.product_baskets[cup] == 5);
  REQUIRE(r.bought_together.size() == 3);
  // Lifts: tea-cup 3*8/(6*5) = 0.8, cup-bis 1*8/(5*2) = 0.8, tea-bis 1*8/(6*2) = 0.667.
  CHECK(r.bought_together[0].product_a == tea);
  CHECK(r.bought_together[0].product_b == cup);  // equal lift, higher count first
  CHECK(r.bought_together[0].count == 3);
  CHECK(r.bought_together[0].lift == Approx(0.8));
  CHECK(r.bought_together[0].support == Approx(0.375));
  CHECK(r.bought_together[0].confidence_a_to_b == Approx(0.5));
  CHECK(r.bought_together[0].confidence_b_to_a == Approx(0.6));
  CHECK(r.bought_together[1].product_a == cup);
  CHECK(r.bought_together[1].product_b == bis);
  CHECK(r.bought_together[2].lift == Approx(8.0 / 12));

  options.min_pair_count = 2;
  CHECK(ComputeProducts(b.workspace(), settings, options).bought_together.size() == 1);
  options.min_pair_count = 1;
  options.min_support = 0.2;  // pairs need 1.6 baskets
  CHECK(ComputeProducts(b.workspace(), settings, options).bought_together.size() == 1);
}

// A catalogue above 2,048 products counts pairs in a second pass over the frequent products only; one at or
// below counts every pair in the basket pass. Both must give the same rows: here the same baskets with and
// without 2,100 products that never sell, against pair counts worked out from the orders by hand.
TEST_CASE("products: bought together is the same for a small and a large catalogue", "[analysis][products]") {
  for (const int unsold : {0, 2100}) {
    WorkspaceBuilder b;
    const uint32_t tea = b.Product("TEA"), cup = b.Product("CUP"), bis = b.Product("BIS"), jam = b.Product("JAM");
    for (int i = 0; i < unsold; ++i) b.Product("UNSOLD-" + std::to_string(i));
    const uint32_t a = b.Customer("a@x.com"), c = b.Customer("c@x.com");
    b.Order(a, "2023-01-01", 1000, {{tea, 1}, {cup, 1}, {bis, 1}});
    b.Order(a, "2023-02-01", 1000, {{tea, 1}, {cup, 2}, {tea, 1}});  // tea twice: one basket
    b.Order(c, "2023-03-01", 1000, {{cup, 1}, {bis, 1}});
    b.Order(c, "2023-04-01", 1000, {{jam, 1}});
    b.Order(c, "2023-05-01", 1000, {{jam, 1}, {tea, 1}}, kOrderCancelled);  // not counted
    Settings settings;
    settings.as_of_day = ParseIsoDay("2024-06-30");
    ProductOptions options;
    options.min_pair_count = 2;  // jam (1 basket) and every pair seen once drop out
    options.min_support = 0;
    const ProductResult r = ComputeProducts(b.workspace(), settings, options);
    INFO("unsold products: " << unsold);
    CHECK(r.baskets == 4);
    CHECK(r.product_baskets[tea] == 2);
    CHECK(r.product_baskets[cup] == 3);
    CHECK(r.product_baskets[bis] == 2);
    CHECK(r.product_baskets[jam] == 1);
    // {tea,cup} 2 (lift 2*4/(2*3) = 1.333), {cup,bis} 2 (lift 1.333); {tea,bis} 1 is below the minimum.
    REQUIRE(r.bought_together.size() == 2);
    CHECK(r.bought_together[0].product_a == tea);
    CHECK(r.bought_together[0].product_b == cup);
    CHECK(r.bought_together[0].count == 2);
    CHECK(r.bought_together[0].lift == Approx(4.0 / 3));
    CHECK(r.bought_together[1].product_a == cup);
    CHECK(r.bought_together[1].product_b == bis);
    CHECK(r.bought_together[1].count == 2);
  }
}

// The answers depend on the orders, not on where they sit in the order table: an export by date interleaves
// customers and may list a customer's orders out of time order. The same store built with its orders appended
// in three different orders gives the same result, field by field. Orders have distinct (day, seconds), so
// "first order" never falls back to the order id; baskets of up to 40 lines take the sort path.
TEST_CASE("products: the same answers whatever order the orders were imported in", "[analysis][products]") {
  struct Spec {
    uint32_t customer;
    int32_t day, seconds;
    int64_t total;
    std::vector<std::pair<uint32_t, int32_t>> lines;
    uint8_t flags;
  };
  Random rng(0x9E3779B97F4A7C15ULL);  // core/util/random.h
  auto next = [&]() { return rng.Next(); };
  const uint32_t n_customers = 300, n_products = 25;
  std::vector<Spec> specs;
  const int32_t start = ParseIsoDay("2022-01-01");
  for (uint32_t c = 0; c < n_customers; ++c) {
    const int n = static_cast<int>(next() % 7);
    for (int k = 0; k < n; ++k) {
      Spec spec{c, start + static_cast<int32_t>(next() % 900), static_cast<int32_t>(specs.size() % 86400),
                1000 + static_cast<int64_t>(next() % 5000), {}, static_cast<uint8_t>(next() % 13 == 0 ? kOrderCancelled : 0)};
      const int lines = next() % 50 == 0 ? 40 : static_cast<int>(1 + next() % 4);
      for (int l = 0; l < lines; ++l) spec.lines.push_back({static_cast<uint32_t>(next() % n_products), 1});
      specs.push_back(spec);
    }
  }
  auto run = [&](const std::vector<size_t>& order) {
    WorkspaceBuilder b;
    AddNumbered(&b, n_products, n_customers);
    for (size_t i : order) {
      const Spec& sp = specs[i];
      WorkspaceBuilder::OrderExtras ex;
      ex.seconds = sp.seconds;
      b.OrderOnDay(sp.customer, sp.day, sp.total, sp.lines, sp.flags, ex);
    }
    Settings settings;
    settings.as_of_day = start + 1000;
    ProductOptions options = EveryRow(2);
    return ComputeProducts(b.workspace(), settings, options);
  };
  std::vector<int32_t> days;
  for (const Spec& sp : specs) days.push_back(sp.day);
  const std::vector<std::vector<size_t>> orders = ThreeLoadOrders(days);
  const ProductResult a = run(orders[0]), b = run(orders[1]), c = run(orders[2]);
  REQUIRE(a.replenishment.size() > 10);
  REQUIRE(a.journeys.size() > 10);
  for (const ProductResult* r : {&b, &c}) {
    CHECK(r->baskets == a.baskets);
    CHECK(r->product_baskets == a.product_baskets);
    REQUIRE(r->replenishment.size() == a.replenishment.size());
    for (size_t i = 0; i < a.replenishment.size(); ++i) {
      CHECK(r->replenishment[i].product == a.replenishment[i].product);
      CHECK(r->replenishment[i].intervals == a.replenishment[i].intervals);
      CHECK(r->replenishment[i].customers == a.replenishment[i].customers);
      CHECK(r->replenishment[i].q1_days == a.replenishment[i].q1_days);
      CHECK(r->replenishment[i].median_days == a.replenishment[i].median_days);
      CHECK(r->replenishment[i].q3_days == a.replenishment[i].q3_days);
    }
    REQUIRE(r->first_product.size() == a.first_product.size());
    for (size_t i = 0; i < a.first_product.size(); ++i) {
      CHECK(r->first_product[i].product == a.first_product[i].product);
      CHECK(r->first_product[i].customers == a.first_product[i].customers);
      CHECK(r->first_product[i].repeat_customers == a.first_product[i].repeat_customers);
      CHECK(r->first_product[i].matured_customers == a.first_product[i].matured_customers);
      CHECK(r->first_product[i].avg_net_12m_cents == a.first_product[i].avg_net_12m_cents);
    }
    REQUIRE(r->journeys.size() == a.journeys.size());
    for (size_t i = 0; i < a.journeys.size(); ++i) {
      CHECK(r->journeys[i].first_product == a.journeys[i].first_product);
      CHECK(r->journeys[i].next_product == a.journeys[i].next_product);
      CHECK(r->journeys[i].customers == a.journeys[i].customers);
    }
    REQUIRE(r->bought_together.size() == a.bought_together.size());
    for (size_t i = 0; i < a.bought_together.size(); ++i) {
      CHECK(r->bought_together[i].product_a == a.bought_together[i].product_a);
      CHECK(r->bought_together[i].product_b == a.bought_together[i].product_b);
      CHECK(r->bought_together[i].count == a.bought_together[i].count);
    }
  }
}

namespace {

// Products worked out by definition, order by order, for the direct-scan test below.
struct DirectProducts {
  std::map<uint32_t, std::vector<int32_t>> intervals;  // per product, sorted
  std::map<uint32_t, std::set<uint32_t>> interval_customers;
  std::map<uint32_t, std::array<int64_t, 4>> first_product;  // customers, repeat, matured, net12 sum
  std::map<std::pair<uint32_t, uint32_t>, int64_t> journeys;
  int64_t baskets = 0;
  std::vector<int64_t> product_baskets;
  std::map<std::pair<uint32_t, uint32_t>, int64_t> pairs;
};

DirectProducts ScanProducts(const Workspace& ws, int32_t as_of, uint32_t currency) {
  const OrderTable& o = ws.orders;
  DirectProducts d;
  d.product_baskets.assign(ws.products.size(), 0);
  std::vector<std::vector<uint32_t>> orders_of(ws.customers.size());
  for (uint32_t i = 0; i < o.size(); ++i) {
    if (!CountedOrder(o, i, as_of, currency)) continue;
    ++d.baskets;
    std::set<uint32_t> basket;
    for (uint32_t l = o.first_line[i]; l < o.first_line[i] + o.line_count[i]; ++l) {
      if (ws.lines.product[l] != kNoId) basket.insert(ws.lines.product[l]);
    }
    for (uint32_t p : basket) ++d.product_baskets[p];
    for (auto x = basket.begin(); x != basket.end(); ++x) {
      for (auto y = std::next(x); y != basket.end(); ++y) ++d.pairs[{*x, *y}];
    }
    if (o.customer[i] != kNoId) orders_of[o.customer[i]].push_back(i);
  }
  for (uint32_t c = 0; c < orders_of.size(); ++c) {
    std::vector<uint32_t>& orders = orders_of[c];
    if (orders.empty()) continue;
    std::sort(orders.begin(), orders.end(), [&](uint32_t x, uint32_t y) {
      return std::make_tuple(o.day[x], o.seconds[x], x) < std::make_tuple(o.day[y], o.seconds[y], y);
    });
    std::map<uint32_t, std::set<int32_t>> days_of;  // product -> its purchase days
    for (uint32_t i : orders) {
      for (uint32_t l = o.first_line[i]; l < o.first_line[i] + o.line_count[i]; ++l) {
        if (ws.lines.product[l] != kNoId) days_of[ws.lines.product[l]].insert(o.day[i]);
      }
    }
    for (const auto& [p, days] : days_of) {
      for (auto x = days.begin(); std::next(x) != days.end(); ++x) {
        d.intervals[p].push_back(*std::next(x) - *x);
        d.interval_customers[p].insert(c);
      }
    }
    const uint32_t first = orders[0];
    if (o.line_count[first] == 0) continue;
    const int32_t horizon = AddMonths(o.day[first], 12);
    const bool matured = horizon <= as_of + 1;
    int64_t net12 = 0;
    for (uint32_t i : orders) net12 += o.day[i] < horizon ? o.net_cents(i) : 0;
    std::set<uint32_t> first_products;
    for (uint32_t l = o.first_line[first]; l < o.first_line[first] + o.line_count[first]; ++l) {
      if (ws.lines.product[l] != kNoId) first_products.insert(ws.lines.product[l]);
    }
    for (uint32_t p : first_products) {
      std::array<int64_t, 4>& row = d.first_product[p];
      ++row[0];
      row[1] += orders.size() >= 2;
      row[2] += matured;
      row[3] += matured ? net12 : 0;
    }
    const uint32_t first_product = ws.lines.product[o.first_line[first]];
    if (first_product == kNoId) continue;
    ++d.journeys[{first_product, kNoId}];  // customers whose first product it is
    bool found = false;
    for (size_t k = 1; k < orders.size() && !found; ++k) {
      const uint32_t i = orders[k];
      for (uint32_t l = o.first_line[i]; l < o.first_line[i] + o.line_count[i] && !found; ++l) {
        const uint32_t p = ws.lines.product[l];
        if (p != kNoId && p != first_product) {
          ++d.journeys[{first_product, p}];
          found = true;
        }
      }
    }
  }
  for (auto& [p, v] : d.intervals) std::sort(v.begin(), v.end());
  return d;
}

double DirectQuantile(const std::vector<int32_t>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

// Each customer's lines are visited from a per-bucket layout and put in time order only when the table order is
// not (ForEachCustomerLines, TimeOrderedLines in products.cpp). Against the definitions worked out order by
// order: interleaved customers, orders listed in and out of time order, orders on the same day and second (the
// order id decides), orders without lines, lines without a product, repeated products in a basket, baskets of
// up to 40 lines, guests, cancelled, later and other-currency orders; a small and a large catalogue.
TEST_CASE("products: equal a direct scan of the orders, whatever the layout", "[analysis][products]") {
  for (const uint32_t unsold : {0u, 2100u}) {
    for (const bool reversed : {false, true}) {
      Random rng(0xC0FFEEULL + unsold);
      WorkspaceBuilder b;
      const uint32_t n_customers = 400, n_products = 30;
      AddNumbered(&b, n_products, n_customers);
      for (uint32_t p = 0; p < unsold; ++p) b.Product("UNSOLD-" + std::to_string(p));
      const int32_t start = ParseIsoDay("2022-01-01");
      struct Row {
        uint32_t customer;
        int32_t day, seconds;
        std::vector<std::pair<uint32_t, int32_t>> lines;
        uint8_t flags;
        std::string currency;
      };
      std::vector<Row> rows;
      for (int k = 0; k < 2500; ++k) {
        Row row;
        row.customer = rng.Next() % 9 == 0 ? kNoId : static_cast<uint32_t>(rng.Next() % n_customers);
        row.day = start + static_cast<int32_t>(rng.Next() % 40) * 25 + static_cast<int32_t>(rng.Next() % 2);
        row.seconds = static_cast<int32_t>(rng.Next() % 3) * 3600;
        const int n_lines = rng.Next() % 12 == 0 ? 0 : rng.Next() % 40 == 0 ? 40 : 1 + static_cast<int>(rng.Next() % 4);
        for (int l = 0; l < n_lines; ++l) {
          const uint64_t u = rng.Next() % 100;
          const uint32_t p = u < 4 ? kNoId : static_cast<uint32_t>((u * u / 100) % n_products);
          row.lines.push_back({p, 1});
        }
        row.flags = rng.Next() % 15 == 0 ? kOrderCancelled : 0;
        row.currency = rng.Next() % 20 == 0 ? "EUR" : "USD";
        rows.push_back(std::move(row));
      }
      if (reversed) std::reverse(rows.begin(), rows.end());
      for (const Row& row : rows) {
        WorkspaceBuilder::OrderExtras ex;
        ex.seconds = row.seconds;
        ex.currency = row.currency;
        b.OrderOnDay(row.customer, row.day, 1000 + row.day % 977, row.lines, row.flags, ex);
      }
      const Workspace& ws = b.workspace();
      Settings settings;
      settings.as_of_day = start + 900;  // later orders do not count
      ProductOptions options = EveryRow(1);
      const ProductResult r = ComputeProducts(ws, settings, options);
      const DirectProducts d = ScanProducts(ws, settings.as_of_day, r.currency);
      INFO("unsold " << unsold << ", reversed " << reversed);

      CHECK(r.baskets == d.baskets);
      CHECK(r.product_baskets == d.product_baskets);
      REQUIRE(r.bought_together.size() == d.pairs.size());
      for (const BoughtTogetherRow& row : r.bought_together) CHECK(row.count == d.pairs.at({row.product_a, row.product_b}));

      REQUIRE(r.replenishment.size() == d.intervals.size());
      REQUIRE(r.replenishment.size() > 10);
      for (const ReplenishmentRow& row : r.replenishment) {
        const std::vector<int32_t>& v = d.intervals.at(row.product);
        CHECK(row.intervals == static_cast<int64_t>(v.size()));
        CHECK(row.customers == static_cast<int64_t>(d.interval_customers.at(row.product).size()));
        CHECK(row.q1_days == DirectQuantile(v, 0.25));
        CHECK(row.median_days == DirectQuantile(v, 0.5));
        CHECK(row.q3_days == DirectQuantile(v, 0.75));
      }
      // The playbooks' entry point gives the same rows.
      const std::vector<ReplenishmentRow> alone = ComputeReplenishment(ws, BuildCustomerFacts(ws, settings.as_of_day, r.currency), 1);
      REQUIRE(alone.size() == r.replenishment.size());
      for (size_t i = 0; i < alone.size(); ++i) {
        CHECK(alone[i].product == r.replenishment[i].product);
        CHECK(alone[i].intervals == r.replenishment[i].intervals);
        CHECK(alone[i].customers == r.replenishment[i].customers);
        CHECK(alone[i].q1_days == r.replenishment[i].q1_days);
        CHECK(alone[i].median_days == r.replenishment[i].median_days);
        CHECK(alone[i].q3_days == r.replenishment[i].q3_days);
      }

      REQUIRE(r.first_product.size() == d.first_product.size());
      for (const FirstProductRow& row : r.first_product) {
        const std::array<int64_t, 4>& e = d.first_product.at(row.product);
        CHECK(row.customers == e[0]);
        CHECK(row.repeat_customers == e[1]);
        CHECK(row.matured_customers == e[2]);
        CHECK(row.avg_net_12m_cents == (e[2] ? static_cast<double>(e[3]) / e[2] : 0.0));
      }
      size_t journeys = 0;
      for (const auto& [pair, customers] : d.journeys) {
        if (pair.second == kNoId) continue;
        ++journeys;
        const std::pair<uint32_t, uint32_t> key = pair;  // (a structured binding cannot be captured in C++17)
        const auto it = std::find_if(r.journeys.begin(), r.journeys.end(), [&](const JourneyRow& row) {
          return row.first_product == key.first && row.next_product == key.second;
        });
        REQUIRE(it != r.journeys.end());
        CHECK(it->customers == customers);
        CHECK(it->share_of_first == static_cast<double>(customers) / d.journeys.at({key.first, kNoId}));
      }
      CHECK(r.journeys.size() == journeys);
      REQUIRE(journeys > 10);
    }
  }
}

TEST_CASE("products: two threads, and parts, give the same answers as one", "[analysis][products]") {
  // Large enough for the second thread natively (at least 8,192 orders; 3,000 customers make 1,500 buckets, so
  // the customers are split between the threads). In WebAssembly both runs use one thread.
  for (const uint32_t unsold : {0u, 2100u}) {
    Random rng(0x5EEDULL + unsold);
    WorkspaceBuilder b;
    const uint32_t n_customers = 3000, n_products = 40;
    AddNumbered(&b, n_products, n_customers);
    for (uint32_t p = 0; p < unsold; ++p) b.Product("UNSOLD-" + std::to_string(p));
    const int32_t start = ParseIsoDay("2021-01-01");
    for (int k = 0; k < 12000; ++k) {
      const uint32_t customer = rng.Next() % 8 == 0 ? kNoId : static_cast<uint32_t>(rng.Next() % n_customers);
      const int32_t day = start + static_cast<int32_t>(rng.Next() % 1100);
      const int n_lines = rng.Next() % 15 == 0 ? 0 : rng.Next() % 50 == 0 ? 40 : 1 + static_cast<int>(rng.Next() % 5);
      std::vector<std::pair<uint32_t, int32_t>> lines;
      for (int l = 0; l < n_lines; ++l) {
        const uint64_t u = rng.Next() % 100;
        lines.push_back({u < 3 ? kNoId : static_cast<uint32_t>((u * u / 100) % n_products), 1});
      }
      WorkspaceBuilder::OrderExtras ex;
      ex.seconds = static_cast<int32_t>(rng.Next() % 4) * 3600;
      ex.currency = rng.Next() % 25 == 0 ? "EUR" : "USD";
      b.OrderOnDay(customer, day, 500 + static_cast<int64_t>(rng.Next() % 9000), lines,
                   static_cast<uint8_t>(rng.Next() % 17 == 0 ? kOrderCancelled : 0), ex);
    }
    const Workspace& ws = b.workspace();
    REQUIRE(ws.orders.size() >= 8192);
    Settings settings;
    settings.as_of_day = start + 1000;
    ProductOptions options = EveryRow(2);
    ProductOptions inline_options = options;
    inline_options.use_second_thread = false;
    const ProductResult one = ComputeProducts(ws, settings, inline_options);
    const auto facts = std::make_shared<const CustomerFacts>(BuildCustomerFacts(ws, one.as_of_day, one.currency));
    const FactsSource kept = [&](int32_t, uint32_t) { return facts; };
    INFO("unsold " << unsold);
    REQUIRE(one.replenishment.size() > 20);
    REQUIRE(one.first_product.size() > 20);
    REQUIRE(one.journeys.size() > 100);
    REQUIRE(one.bought_together.size() > 100);
    // Two threads, the facts given, and a part at a time (the engine's steps: 1, 7 and 1,000 orders or lines a
    // part, on one thread and on two): the same answers to the bit.
    std::vector<ProductResult> others = {ComputeProducts(ws, settings, options), ComputeProducts(ws, settings, options, kept)};
    size_t parts_of_7 = 0;
    for (const size_t part_rows : {size_t{1}, size_t{7}, size_t{1000}}) {
      for (const ProductOptions& o : {options, inline_options}) {
        ProductsBuilder builder(ws, settings, o, part_rows == 7 ? FactsSource() : kept);
        size_t parts = 0;
        for (; !builder.done(); ++parts) builder.Run(part_rows);
        if (part_rows == 7) parts_of_7 = parts;
        others.push_back(builder.Result());
      }
    }
    CHECK(parts_of_7 > ws.orders.size() / 7);
    for (const ProductResult& two : others) {
      CHECK(two.baskets == one.baskets);
      CHECK(two.product_baskets == one.product_baskets);
      REQUIRE(two.replenishment.size() == one.replenishment.size());
      for (size_t i = 0; i < one.replenishment.size(); ++i) {
        const ReplenishmentRow &x = two.replenishment[i], &y = one.replenishment[i];
        CHECK(std::make_tuple(x.product, x.intervals, x.customers, x.q1_days, x.median_days, x.q3_days) ==
              std::make_tuple(y.product, y.intervals, y.customers, y.q1_days, y.median_days, y.q3_days));
      }
      REQUIRE(two.first_product.size() == one.first_product.size());
      for (size_t i = 0; i < one.first_product.size(); ++i) {
        const FirstProductRow &x = two.first_product[i], &y = one.first_product[i];
        CHECK(std::make_tuple(x.product, x.customers, x.repeat_customers, x.repeat_rate, x.matured_customers, x.avg_net_12m_cents) ==
              std::make_tuple(y.product, y.customers, y.repeat_customers, y.repeat_rate, y.matured_customers, y.avg_net_12m_cents));
      }
      REQUIRE(two.journeys.size() == one.journeys.size());
      for (size_t i = 0; i < one.journeys.size(); ++i) {
        const JourneyRow &x = two.journeys[i], &y = one.journeys[i];
        CHECK(std::make_tuple(x.first_product, x.next_product, x.customers, x.share_of_first) ==
              std::make_tuple(y.first_product, y.next_product, y.customers, y.share_of_first));
      }
      REQUIRE(two.bought_together.size() == one.bought_together.size());
      for (size_t i = 0; i < one.bought_together.size(); ++i) {
        const BoughtTogetherRow &x = two.bought_together[i], &y = one.bought_together[i];
        CHECK(std::make_tuple(x.product_a, x.product_b, x.count, x.support, x.confidence_a_to_b, x.confidence_b_to_a, x.lift) ==
              std::make_tuple(y.product_a, y.product_b, y.count, y.support, y.confidence_a_to_b, y.confidence_b_to_a, y.lift));
      }
    }
    // The playbooks' entry point (one range of buckets) gives the same rows too, in one part or in parts.
    for (const size_t part_rows : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
      ReplenishmentBuilder builder(ws, *facts, 1);
      size_t parts = 0;
      for (; !builder.done(); ++parts) builder.Run(part_rows);
      INFO("part_rows " << part_rows << ", parts " << parts);
      CHECK((part_rows == 0 ? parts <= 4 : parts > ws.orders.size() / 1000));
      const std::vector<ReplenishmentRow> alone = builder.Result();
      REQUIRE(alone.size() == one.replenishment.size());
      for (size_t i = 0; i < alone.size(); ++i) {
        CHECK(alone[i].product == one.replenishment[i].product);
        CHECK(alone[i].intervals == one.replenishment[i].intervals);
        CHECK(alone[i].customers == one.replenishment[i].customers);
        CHECK(alone[i].q1_days == one.replenishment[i].q1_days);
        CHECK(alone[i].median_days == one.replenishment[i].median_days);
        CHECK(alone[i].q3_days == one.replenishment[i].q3_days);
      }
    }
  }
}
