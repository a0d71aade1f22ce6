// BuildCustomerFacts (a radix distribution by customer id) against a direct computation: for each customer, the
// counted orders collected by a scan of the whole table, sorted by (day, seconds, id), and every fact read off.
#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/customer_facts.h"
#include "core/util/random.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

namespace {

void CheckAgainstDirect(const Workspace& ws, int32_t as_of, uint32_t currency) {
  const CustomerFacts f = BuildCustomerFacts(ws, as_of, currency);
  const OrderTable& o = ws.orders;
  REQUIRE(f.size() == ws.customers.size());
  REQUIRE(f.order_offsets.size() == ws.customers.size() + 1);
  int64_t guests = 0, guest_net = 0, identified = 0, identified_net = 0;
  uint32_t with_orders = 0;
  std::vector<std::vector<uint32_t>> mine(ws.customers.size());
  for (uint32_t i = 0; i < o.size(); ++i) {
    if (o.flags[i] != 0 || o.day[i] == kNoDay || (as_of != kNoDay && o.day[i] > as_of) || (currency != kNoId && o.currency[i] != currency)) continue;
    if (o.customer[i] == kNoId) {
      ++guests;
      guest_net += o.net_cents(i);
    } else {
      mine[o.customer[i]].push_back(i);
    }
  }
  for (uint32_t c = 0; c < mine.size(); ++c) {
    CAPTURE(c);
    auto& ids = mine[c];
    std::sort(ids.begin(), ids.end(), [&](uint32_t x, uint32_t y) {
      return std::make_tuple(o.day[x], o.seconds[x], x) < std::make_tuple(o.day[y], o.seconds[y], y);
    });
    REQUIRE(f.order_offsets[c + 1] - f.order_offsets[c] == ids.size());
    REQUIRE(std::vector<uint32_t>(f.begin_orders(c), f.end_orders(c)) == ids);
    std::vector<int32_t> days;
    std::vector<int64_t> nets;
    int64_t net = 0;
    for (uint32_t id : ids) {
      days.push_back(o.day[id]);
      nets.push_back(o.net_cents(id));
      net += o.net_cents(id);
    }
    REQUIRE(std::vector<int32_t>(f.begin_days(c), f.end_days(c)) == days);
    REQUIRE(std::vector<int64_t>(f.begin_net(c), f.begin_net(c) + ids.size()) == nets);
    CHECK(f.orders[c] == static_cast<int32_t>(ids.size()));
    CHECK(f.net_cents[c] == net);
    CHECK(f.first_day[c] == (ids.empty() ? kNoDay : days.front()));
    CHECK(f.second_day[c] == (ids.size() < 2 ? kNoDay : days[1]));
    CHECK(f.last_day[c] == (ids.empty() ? kNoDay : days.back()));
    CHECK(f.purchase_days[c] == static_cast<int32_t>(std::unique(days.begin(), days.end()) - days.begin()));
    with_orders += !ids.empty();
    identified += static_cast<int64_t>(ids.size());
    identified_net += net;
  }
  CHECK(f.customers_with_orders == with_orders);
  CHECK(f.identified_orders == identified);
  CHECK(f.identified_net_cents == identified_net);
  CHECK(f.guest_orders == guests);
  CHECK(f.guest_net_cents == guest_net);
}

// Two builds of the facts are the same, field by field.
void CheckSameFacts(const CustomerFacts& a, const CustomerFacts& b) {
  CHECK(a.as_of_day == b.as_of_day);
  CHECK(a.currency == b.currency);
  CHECK(a.first_day == b.first_day);
  CHECK(a.second_day == b.second_day);
  CHECK(a.last_day == b.last_day);
  CHECK(a.orders == b.orders);
  CHECK(a.purchase_days == b.purchase_days);
  CHECK(a.net_cents == b.net_cents);
  CHECK(a.order_offsets == b.order_offsets);
  CHECK(a.order_ids == b.order_ids);
  CHECK(a.order_days == b.order_days);
  CHECK(a.order_net_cents == b.order_net_cents);
  CHECK(a.customers_with_orders == b.customers_with_orders);
  CHECK(a.identified_orders == b.identified_orders);
  CHECK(a.identified_net_cents == b.identified_net_cents);
  CHECK(a.guest_orders == b.guest_orders);
  CHECK(a.guest_net_cents == b.guest_net_cents);
}

// NarrowCustomerFacts from the facts of a later day equals a fresh build for the earlier one, field by field.
void CheckNarrowed(const Workspace& ws, int32_t earlier, int32_t later, uint32_t currency) {
  CAPTURE(earlier, later, currency);
  const CustomerFacts a = NarrowCustomerFacts(ws, BuildCustomerFacts(ws, later, currency), earlier);
  const CustomerFacts b = BuildCustomerFacts(ws, earlier, currency);
  CheckSameFacts(a, b);
}

// CustomerFactsBuilder a part at a time (the engine's steps) gives the one call's facts, field by field.
void CheckParts(const Workspace& ws, int32_t as_of, uint32_t currency) {
  const CustomerFacts b = BuildCustomerFacts(ws, as_of, currency);
  for (const size_t part_rows : {size_t{1}, size_t{7}, size_t{1000}}) {
    CAPTURE(as_of, currency, part_rows);
    CustomerFactsBuilder builder(ws, as_of, currency);
    size_t parts = 0;
    for (; !builder.done(); ++parts) builder.Run(part_rows);
    CHECK(parts >= 2 * ws.orders.size() / part_rows);
    const CustomerFacts a = builder.Result();
    CheckSameFacts(a, b);
  }
}

}  // namespace

TEST_CASE("customer facts: equal a direct per-customer scan, whatever the table's order", "[analysis][facts]") {
  // A store whose orders are interleaved across customers (as an export by date is), with orders out of time
  // order, several on one day told apart by their seconds, guests, cancelled orders, two currencies, refunds,
  // and one order worth more than 32 bits of cents.
  Random rng(88172645463325252ULL);  // core/util/random.h
  auto next = [&]() { return rng.Next(); };
  for (uint32_t customers : {0u, 1u, 3u, 700u, 2600u, 5000u}) {
    CAPTURE(customers);
    WorkspaceBuilder b;
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < customers; ++i) ids.push_back(b.Customer("c" + std::to_string(i) + "@example.com"));
    const int32_t start = ParseIsoDay("2023-01-01");
    for (uint32_t k = 0; k < customers * 4 + 5; ++k) {
      WorkspaceBuilder::OrderExtras ex;
      ex.seconds = static_cast<int32_t>(next() % 3) * 3600;
      if (next() % 9 == 0) ex.currency = "EUR";
      if (next() % 7 == 0) ex.refunded_cents = 250;
      const uint32_t customer = customers == 0 || next() % 10 == 0 ? kNoId : ids[next() % customers];
      const int32_t day = start + static_cast<int32_t>(next() % 40);  // days repeat, and go back and forth
      const uint8_t flags = next() % 12 == 0 ? kOrderCancelled : 0;
      b.OrderOnDay(customer, day, 1000 + static_cast<int64_t>(next() % 9000), {}, flags, ex);
    }
    if (customers > 0) b.OrderOnDay(ids[0], start + 3, 4000000000LL);  // $40 M: beyond 32 bits of cents
    const Workspace& ws = b.workspace();
    CheckAgainstDirect(ws, kNoDay, kNoId);
    CheckParts(ws, kNoDay, kNoId);
    CheckParts(ws, start + 20, ws.currencies.Find("USD"));
    CheckNarrowed(ws, start + 20, kNoDay, kNoId);
    CheckNarrowed(ws, start + 5, start + 30, kNoId);
    CheckNarrowed(ws, start + 30, start + 30, ws.currencies.Find("USD"));
    CheckNarrowed(ws, start - 1, start + 30, kNoId);
    CheckAgainstDirect(ws, start + 20, kNoId);
    CheckAgainstDirect(ws, kNoDay, ws.currencies.Find("USD"));
    if (ws.currencies.Find("EUR") != kNoId) CheckAgainstDirect(ws, start + 30, ws.currencies.Find("EUR"));
  }
}
