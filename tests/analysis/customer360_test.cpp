#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "analysis/workspace_builder.h"
#include "core/analysis/customer360/customer360.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

namespace {

struct Store360 {
  WorkspaceBuilder b;
  Settings settings;
  uint32_t ann, bob, cat, dan, eve, tea;
  Store360() {
    settings.as_of_day = ParseIsoDay("2024-06-30");
    const int32_t as_of = settings.as_of_day;
    tea = b.Product("TEA", "Green tea");
    ann = b.Customer("ann@example.com", "Ann", "Lee");
    // Intervals 40, 40, 50, 45, 60, 70; last order 80 days before as_of.
    const int32_t gaps[] = {40, 40, 50, 45, 60, 70};
    int32_t day = as_of - 80 - (40 + 40 + 50 + 45 + 60 + 70);
    b.OrderOnDay(ann, day, 2000, {{tea, 1}});
    for (int32_t gap : gaps) {
      day += gap;
      b.OrderOnDay(ann, day, 2000, {{tea, 2}});
    }
    b.OrderOnDay(ann, day, 999, {}, kOrderCancelled);
    bob = b.Customer("bob@example.com", "Bob", "Leeds");
    b.OrderOnDay(bob, as_of - 10, 1000, {{tea, 1}});
    cat = b.Customer("cat@example.com", "Cat", "Smith");
    b.OrderOnDay(cat, as_of - 200, 1000);
    dan = b.Customer("lee.dan@example.com", "Dan", "");
    b.OrderOnDay(dan, as_of - 50, 500);
    b.Review(dan, "2024-06-20", 1, tea);
    eve = b.Customer("eve@example.com", "Eve", "Stone");
    b.OrderOnDay(eve, as_of - 70, 1500);
  }
};

}  // namespace

TEST_CASE("customer 360: cadence, trend, overdue and the reason in words", "[analysis][customer360]") {
  Store360 s;
  const Workspace& ws = s.b.workspace();
  const Customer360Context ctx = BuildCustomer360Context(ws, s.settings);
  const Customer360 v = BuildCustomer360(ws, ctx, s.ann);
  CHECK(v.orders.size() == 8);
  CHECK_FALSE(v.orders.back().valid);
  CHECK(v.valid_orders == 7);
  CHECK(v.net_cents == 14000);
  CHECK(v.intervals_days == std::vector<int32_t>{40, 40, 50, 45, 60, 70});
  CHECK(v.median_interval_days == 47.5);
  CHECK(v.recent_mean_interval_days == Approx(175.0 / 3));
  CHECK(v.earlier_mean_interval_days == Approx(130.0 / 3));
  CHECK(v.frequency_trend == "slowing down");
  CHECK(v.days_since_last_order == 80);
  CHECK(v.days_overdue == 32.5);
  CHECK(v.stage == Stage::kAtRisk);
  CHECK(v.segment != RfmSegment::kNone);
  REQUIRE(v.products.size() == 1);
  CHECK(v.products[0].quantity == 13);
  CHECK(v.action.code == "reach_out");
  CHECK(v.action.reason == "33 days overdue against their usual 48-day cadence");
  CHECK(v.action.due_day == s.settings.as_of_day);
}

TEST_CASE("customer 360: store cadence for one-time buyers, win-back, recovery", "[analysis][customer360]") {
  Store360 s;
  const Workspace& ws = s.b.workspace();
  const Customer360Context ctx = BuildCustomer360Context(ws, s.settings);
  const Customer360 bob = BuildCustomer360(ws, ctx, s.bob);
  CHECK_FALSE(bob.cadence_is_own);
  CHECK(bob.expected_interval_days == 40);  // the store median: only Ann has a second purchase day
  CHECK(bob.days_overdue == -30);
  CHECK(bob.stage == Stage::kNew);
  CHECK(bob.action.code == "nudge_second_order");
  CHECK(bob.action.due_day == s.settings.as_of_day + 30);
  CHECK(bob.frequency_trend == "not enough orders");

  const Customer360 cat = BuildCustomer360(ws, ctx, s.cat);
  CHECK(cat.stage == Stage::kLapsed);
  CHECK(cat.action.code == "win_back");
  CHECK(cat.action.reason == "Last ordered 200 days ago, past the 180-day churn window (10.00 spent in 1 order)");

  const Customer360 eve = BuildCustomer360(ws, ctx, s.eve);
  CHECK(eve.stage == Stage::kAtRisk);  // 70 days > 1.5 x the store's 40
  CHECK(eve.action.reason == "30 days overdue against the store's usual 40 days to a second order");

  const Customer360 dan = BuildCustomer360(ws, ctx, s.dan);
  CHECK(dan.action.code == "recover");
  CHECK(dan.reviews.size() == 1);

  std::vector<double> p_alive(ws.customers.size(), 0.3);
  CustomerPredictions predictions;
  predictions.p_alive = &p_alive;
  const Customer360Context with_model = BuildCustomer360Context(ws, s.settings, predictions);
  const Customer360 bob2 = BuildCustomer360(ws, with_model, s.bob);
  CHECK(bob2.has_predictions);
  CHECK(bob2.stage == Stage::kAtRisk);
  CHECK(bob2.action.reason.find("30%") != std::string::npos);
}

TEST_CASE("customer search: case-insensitive substring, by net spend then id, limited", "[analysis][customer360]") {
  Store360 s;
  const Workspace& ws = s.b.workspace();
  auto hits = SearchCustomers(ws, s.settings, "LEE", 10);
  REQUIRE(hits.size() == 3);  // Ann Lee (140.00), Bob Leeds (10.00), lee.dan@ (5.00)
  CHECK(hits[0].customer == s.ann);
  CHECK(hits[0].net_cents == 14000);
  CHECK(hits[0].orders == 7);
  CHECK(hits[1].customer == s.bob);
  CHECK(hits[2].customer == s.dan);
  CHECK(SearchCustomers(ws, s.settings, "lee", 2).size() == 2);
  CHECK(SearchCustomers(ws, s.settings, "  ", 5).empty());
  CHECK(SearchCustomers(ws, s.settings, "smith", 5).size() == 1);
}

TEST_CASE("customer 360: a large store's context (its order index built beside the facts) and facts given",
          "[analysis][customer360]") {
  WorkspaceBuilder b;
  rapport::test::GenerateStore(&b, 60000, 11);
  const Workspace& ws = b.workspace();
  REQUIRE(ws.orders.size() >= 100000);  // large enough for the second thread natively
  const Settings settings;
  const Customer360Context ctx = BuildCustomer360Context(ws, settings);
  REQUIRE(ctx.facts);

  // The index: each customer's orders, every status, in id order, as a direct scan finds them.
  constexpr uint32_t kChecked = 2000;  // the first customers, by a direct scan of the order table
  std::vector<std::vector<uint32_t>> direct(kChecked);
  for (uint32_t i = 0; i < ws.orders.size(); ++i) {
    if (ws.orders.customer[i] < kChecked) direct[ws.orders.customer[i]].push_back(i);
  }
  for (uint32_t c = 0; c < kChecked; ++c) {
    CHECK(std::vector<uint32_t>(ctx.all_order_ids.begin() + ctx.all_order_offsets[c],
                                ctx.all_order_ids.begin() + ctx.all_order_offsets[c + 1]) == direct[c]);
  }
  size_t guests = 0;
  for (uint32_t i = 0; i < ws.orders.size(); ++i) guests += ws.orders.customer[i] == kNoId;
  CHECK(ctx.all_order_ids.size() + guests == ws.orders.size());

  // The facts from a caller's cache: used as they are, asked for once, and the same context.
  const auto facts = std::make_shared<const CustomerFacts>(BuildCustomerFacts(ws, ctx.as_of_day, ctx.currency));
  int asked = 0;
  const FactsSource kept = [&](int32_t as_of_day, uint32_t currency) {
    ++asked;
    CHECK(as_of_day == ctx.as_of_day);
    CHECK(currency == ctx.currency);
    return facts;
  };
  const Customer360Context given = BuildCustomer360Context(ws, settings, {}, kept);
  CHECK(asked == 1);
  CHECK(given.facts == facts);
  CHECK(std::equal(ctx.facts->order_ids.begin(), ctx.facts->order_ids.end(), facts->order_ids.begin(),
                   facts->order_ids.end()));
  CHECK(given.funnel.stage == ctx.funnel.stage);
  CHECK(given.rfm.segment == ctx.rfm.segment);
  CHECK(given.all_order_offsets == ctx.all_order_offsets);
  CHECK(given.all_order_ids == ctx.all_order_ids);
  for (uint32_t c = 0; c < ws.customers.size(); c += 997) {
    const Customer360 x = BuildCustomer360(ws, ctx, c), y = BuildCustomer360(ws, given, c);
    CHECK(x.orders.size() == y.orders.size());
    CHECK(x.valid_orders == y.valid_orders);
    CHECK(x.net_cents == y.net_cents);
    CHECK(x.stage == y.stage);
    CHECK(x.segment == y.segment);
  }
}
