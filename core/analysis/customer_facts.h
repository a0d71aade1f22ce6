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

#include "core/util/big_buffer.h"
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
  // (day, seconds, order id). The per-order arrays (order_ids, order_days, order_net_cents: 80 MB at 5 M orders)
  // are filled by scattered writes, so they are BigVectors (core/util/big_buffer.h: huge pages natively).
  std::vector<uint32_t> order_offsets;
  BigVector<uint32_t> order_ids;
  // The day of each of those orders, at the same positions: a per-customer pass over days reads them in
  // sequence (an order's day looked up through its id is a cache miss per order once the orders table is
  // larger than the cache: a customer's orders are spread over the file, most of a KPI pass at 5 M orders).
  BigVector<int32_t> order_days;
  // And each of those orders' net cents (total - refunded), at the same positions.
  BigVector<int64_t> order_net_cents;

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

// Whether order i counts as of `as_of_day` (inclusive; kNoDay = every day) in `currency` (kNoId = every
// currency): a valid order (flags 0, DESIGN §3) with a day, on or before as_of_day, in the currency. The one
// definition for the facts, the KPIs, the products' passes and the 360 view. (An import rejects an order
// without a valid date, so "with a day" only matters for a workspace built by hand.)
inline bool CountedOrder(const OrderTable& o, size_t i, int32_t as_of_day, uint32_t currency) {
  const int32_t day = o.day[i];
  return o.flags[i] == 0 && day != kNoDay && (as_of_day == kNoDay || day <= as_of_day) &&
         (currency == kNoId || o.currency[i] == currency);
}

CustomerFacts BuildCustomerFacts(const Workspace& workspace, int32_t as_of_day, uint32_t currency);

// BuildCustomerFacts a part at a time, for the engine's steps (core/api/cache.h): its two passes over the
// orders, then the orders laid out by customer (whole buckets of customers). Run(rows) does one part of at most
// `rows` orders (about `rows` for the last pass, at least one bucket; 0 = a whole pass) and returns how many it
// went over; Result() (running what is left) gives the same facts to the bit: the same code over the same rows,
// in the same order. The workspace must outlive the builder.
class CustomerFactsBuilder {
 public:
  CustomerFactsBuilder(const Workspace& workspace, int32_t as_of_day, uint32_t currency);
  ~CustomerFactsBuilder();
  bool done() const;
  size_t Run(size_t rows);
  CustomerFacts Result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Calls fn(customer, order) for each customer with a counted order and its first order (the first of its
// order_ids), in ascending order id: reading a field of every customer's first order then sweeps the order table
// forward instead of jumping to a random row per customer (a cache and TLB miss each at millions of orders). A
// bitmap over the orders (5 M orders: 625 KB) marks the first orders.
template <typename Fn>
void ForEachFirstOrder(const CustomerFacts& facts, const OrderTable& orders, Fn fn) {
  std::vector<uint64_t> first((orders.size() + 63) / 64, 0);
  for (size_t c = 0; c < facts.size(); ++c) {
    if (facts.order_offsets[c] == facts.order_offsets[c + 1]) continue;
    const uint32_t i = facts.order_ids[facts.order_offsets[c]];
    first[i >> 6] |= uint64_t{1} << (i & 63);
  }
  const uint32_t* const customer = orders.customer.data();
  for (size_t w = 0; w < first.size(); ++w) {
    for (uint64_t bits = first[w]; bits != 0; bits &= bits - 1) {
      const uint32_t i = static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
      fn(customer[i], i);
    }
  }
}

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
