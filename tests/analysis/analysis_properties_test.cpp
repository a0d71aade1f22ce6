// Properties that hold on any store: each customer in exactly one funnel stage and one RFM segment, flows
// conserve customers, and the ops' JSON agrees with the analyses.
#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/funnel/funnel.h"
#include "core/analysis/rfm/rfm.h"
#include "core/api/ops.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

TEST_CASE("properties: one stage per customer, flows conserve customers", "[analysis][funnel]") {
  for (uint64_t seed : {1, 2, 3}) {
    WorkspaceBuilder b;
    rapport::test::GenerateStore(&b, 1500, seed);
    const Workspace& ws = b.workspace();
    Settings settings;
    const FunnelResult r = ComputeFunnel(ws, settings);
    const CustomerFacts facts = BuildCustomerFacts(ws, r.as_of_day, r.currency);
    int64_t sum = 0;
    for (const auto& row : r.stages) sum += row.customers;
    CHECK(sum == r.customers);
    CHECK(r.customers == facts.customers_with_orders);
    double share = 0;
    for (const auto& row : r.stages) share += row.share_revenue;
    CHECK(share == Approx(1.0));
    for (uint32_t c = 0; c < facts.size(); ++c) CHECK((r.stage[c] == Stage::kNotCustomer) == (facts.orders[c] == 0));

    for (int32_t back : {30, 180, 400}) {
      const int32_t from = r.as_of_day - back;
      const FunnelFlow flow = ComputeFunnelFlow(ws, settings, from, r.as_of_day);
      std::array<int64_t, kStageCount> row_sum{}, col_sum{};
      for (int x = 0; x < kStageCount; ++x) {
        for (int y = 0; y < kStageCount; ++y) {
          row_sum[x] += flow.customers[x][y];
          col_sum[y] += flow.customers[x][y];
        }
      }
      // Columns are the funnel at `to`; rows the funnel at `from` plus those not yet customers.
      for (int y = 1; y < kStageCount; ++y) CHECK(col_sum[y] == r.stages[y - 1].customers);
      CHECK(col_sum[0] == 0);
      Settings at_from;
      at_from.as_of_day = from;
      const FunnelResult f = ComputeFunnel(ws, at_from);
      for (int x = 1; x < kStageCount; ++x) CHECK(row_sum[x] == f.stages[x - 1].customers);
      CHECK(row_sum[0] + f.customers == flow.total);
      CHECK(flow.total == r.customers);
      // A customer never goes back to "not yet a customer".
      for (int x = 1; x < kStageCount; ++x) CHECK(flow.customers[x][0] == 0);
    }
  }
}

TEST_CASE("ops: funnel, funnel_flow, rfm, cohorts, products, customer and search answer in JSON", "[analysis][ops]") {
  WorkspaceBuilder b;
  rapport::test::GenerateStore(&b, 500, 5);
  const Workspace& ws = b.workspace();
  auto call = [&](const Json& request) {
    OpContext ctx{ws, ws.settings, request, nullptr};
    const OpInfo* op = FindOp(request["op"].get<std::string>());
    REQUIRE(op != nullptr);
    return op->fn(ctx);
  };
  auto funnel = call(Json{{"op", "funnel"}, {"stage", "lapsed"}, {"limit", 3}});
  REQUIRE(funnel.ok());
  CHECK(funnel->at("stages").size() == 7);
  CHECK(funnel->at("stage_customers").size() <= 3);
  auto flow = call(Json{{"op", "funnel_flow"}, {"from", "2023-01-01"}, {"to", "2024-06-30"}});
  REQUIRE(flow.ok());
  CHECK(flow->at("matrix").size() == 8);
  CHECK_FALSE(call(Json{{"op", "funnel_flow"}, {"from", "2024-01-01"}, {"to", "2023-06-30"}}).ok());
  CHECK_FALSE(call(Json{{"op", "funnel_flow"}, {"from", "01/01/2024"}}).ok());
  auto rfm = call(Json{{"op", "rfm"}, {"segment", "Champions"}});
  REQUIRE(rfm.ok());
  for (const Json& c : rfm->at("segment_customers")) {
    CHECK(c["segment"] == "Champions");
    CHECK(c.contains("email"));
  }
  CHECK_FALSE(call(Json{{"op", "rfm"}, {"segment", "Heroes"}}).ok());
  auto cohorts = call(Json{{"op", "cohorts"}, {"by", "source"}, {"months", 6}});
  REQUIRE(cohorts.ok());
  CHECK(cohorts->at("groups").size() == 2);
  CHECK_FALSE(call(Json{{"op", "cohorts"}, {"by", "weather"}}).ok());
  auto products = call(Json{{"op", "products"}, {"min_pair_count", 2}});
  REQUIRE(products.ok());
  CHECK(products->at("bought_together").size() > 0);
  auto customer = call(Json{{"op", "customer"}, {"email", "C7@Example.com"}});
  REQUIRE(customer.ok());
  CHECK(customer->at("customer")["id"] == 7);
  CHECK(customer->at("next_best_action").contains("reason"));
  CHECK_FALSE(call(Json{{"op", "customer"}, {"id", 99999}}).ok());
  auto search = call(Json{{"op", "customer_search"}, {"q", "first1"}, {"limit", 5}});
  REQUIRE(search.ok());
  CHECK(search->at("customers").size() == 5);
}
