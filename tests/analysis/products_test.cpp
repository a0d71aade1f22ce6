#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/products/products.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

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
