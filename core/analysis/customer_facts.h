// Per-customer facts over valid orders: the shared first pass of every analysis (KPIs, cohorts, funnel,
// RFM, models, segments). One linear pass over the order columns, a counting sort by customer, no maps.
//
// Only valid orders (DESIGN §3: not cancelled, voided or test) placed on or before `as_of_day` (inclusive)
// and in `currency` (kNoId = every currency) count. Guest orders (customer kNoId) are tallied separately.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/workspace/workspace.h"

namespace rapport {

struct CustomerFacts {
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;

  // Indexed by customer id (size = workspace.customers.size()). A customer without a counted order has
  // orders == 0 and kNoDay days.
  std::vector<int32_t> first_day, second_day, last_day;  // store-local days of the 1st, 2nd and last valid order
  std::vector<int32_t> orders;                           // counted valid orders
  std::vector<int32_t> purchase_days;                    // distinct days with a counted order
  std::vector<int64_t> net_cents;                        // sum of total - refunded
  // The counted orders of customer c are order_ids[order_offsets[c] .. order_offsets[c + 1]), sorted by
  // (day, seconds, order id).
  std::vector<uint32_t> order_offsets;
  std::vector<uint32_t> order_ids;
  // The day of each of those orders, at the same positions: a per-customer pass over days reads them in
  // sequence (an order's day looked up through its id is a cache miss per order once the orders table is
  // larger than the cache: a customer's orders are spread over the file, most of a KPI pass at 5 M orders).
  std::vector<int32_t> order_days;
  // And each of those orders' net cents (total - refunded), at the same positions.
  std::vector<int64_t> order_net_cents;

  uint32_t customers_with_orders = 0;
  int64_t identified_orders = 0, guest_orders = 0;
  int64_t identified_net_cents = 0, guest_net_cents = 0;

  size_t size() const { return orders.size(); }
  // Counted orders of one customer, as a [begin, end) pair of pointers into order_ids.
  const uint32_t* begin_orders(uint32_t c) const { return order_ids.data() + order_offsets[c]; }
  const uint32_t* end_orders(uint32_t c) const { return order_ids.data() + order_offsets[c + 1]; }
  const int32_t* begin_days(uint32_t c) const { return order_days.data() + order_offsets[c]; }
  const int32_t* end_days(uint32_t c) const { return order_days.data() + order_offsets[c + 1]; }
  const int64_t* begin_net(uint32_t c) const { return order_net_cents.data() + order_offsets[c]; }
};

// Whether order i counts for facts as of `as_of_day` (inclusive; kNoDay = every day) in `currency` (kNoId = every
// currency): a valid order (flags 0) on or before the day, in the currency.
inline bool CountedOrder(const OrderTable& o, size_t i, int32_t as_of_day, uint32_t currency) {
  return o.flags[i] == 0 && (as_of_day == kNoDay || o.day[i] <= as_of_day) &&
         (currency == kNoId || o.currency[i] == currency);
}

CustomerFacts BuildCustomerFacts(const Workspace& workspace, int32_t as_of_day, uint32_t currency);

// The facts as of an earlier day, from facts already built for a later one (same currency): each customer's
// orders up to `as_of_day` are a prefix of its time-ordered list, so this reads the later facts in sequence
// instead of the order table (guests: one sequential pass). Equal to BuildCustomerFacts(workspace, as_of_day,
// later.currency). REQUIRES: later.as_of_day == kNoDay or as_of_day <= later.as_of_day.
CustomerFacts NarrowCustomerFacts(const Workspace& workspace, const CustomerFacts& later, int32_t as_of_day);

// Where an analysis gets its facts for (as_of_day, currency): empty = built on the spot (BuildCustomerFacts);
// the engine passes its cache, so the analyses of one page, and the same analysis after a settings change,
// share one build (core/api/ops.h CachedFacts).
using FactsSource = std::function<std::shared_ptr<const CustomerFacts>(int32_t as_of_day, uint32_t currency)>;
std::shared_ptr<const CustomerFacts> FactsFrom(const FactsSource& source, const Workspace& workspace,
                                               int32_t as_of_day, uint32_t currency);

// The currency an analysis reports in: settings.currency when the workspace holds it, else the currency
// with the most valid net revenue (ties: the alphabetically first code); kNoId for an empty workspace.
uint32_t AnalysisCurrency(const Workspace& workspace, const Settings& settings);

}  // namespace rapport
