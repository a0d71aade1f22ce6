#include "core/analysis/customer_facts.h"

#include <algorithm>
#include <climits>

#include "core/analysis/by_customer.h"
#include "core/util/big_buffer.h"

namespace rapport {

namespace {

// Facts for `customers` customers with no order counted yet.
CustomerFacts EmptyFacts(size_t customers, int32_t as_of_day, uint32_t currency) {
  CustomerFacts f;
  f.as_of_day = as_of_day;
  f.currency = currency;
  f.first_day.assign(customers, kNoDay);
  f.second_day.assign(customers, kNoDay);
  f.last_day.assign(customers, kNoDay);
  f.orders.assign(customers, 0);
  f.purchase_days.assign(customers, 0);
  f.net_cents.assign(customers, 0);
  f.order_offsets.assign(customers + 1, 0);
  return f;
}

// Customer c's facts read off its time-ordered orders (order_days) and its net_cents; REQUIRES: an order.
void DeriveCustomer(CustomerFacts* f, size_t c) {
  const uint32_t begin = f->order_offsets[c], n = f->order_offsets[c + 1] - begin;
  const int32_t* days = f->order_days.data() + begin;
  int32_t distinct = 1;
  for (uint32_t k = 1; k < n; ++k) distinct += days[k] != days[k - 1];
  f->orders[c] = static_cast<int32_t>(n);
  f->purchase_days[c] = distinct;
  f->first_day[c] = days[0];
  f->second_day[c] = n >= 2 ? days[1] : kNoDay;
  f->last_day[c] = days[n - 1];
  ++f->customers_with_orders;
  f->identified_orders += n;
  f->identified_net_cents += f->net_cents[c];
}

// One counted order of a customer in its bucket (16 bytes: a net amount beyond 32 bits, over $21 M, is marked
// and read back from the columns).
constexpr int32_t kWideNet = INT32_MIN;
struct FactItem {
  uint32_t customer, order;
  int32_t day, net;
};

}  // namespace

// Built by a distribution over customer ids (by_customer.h), never walking from one of a customer's orders to
// the next through the order table; every later per-customer pass reads the result (order_ids, order_days,
// order_net_cents) in sequence. The passes a part at a time: Run.
struct CustomerFactsBuilder::Impl {
  Impl(const Workspace& ws, int32_t as_of_day, uint32_t currency)
      : ws(ws), o(ws.orders), f(EmptyFacts(ws.customers.size(), as_of_day, currency)),
        cb(ws.customers.size()), bucket_start(cb.buckets() + 1, 0) {}

  bool counted(size_t i) const { return CountedOrder(o, i, f.as_of_day, f.currency); }

  // Pass 1 over orders [begin, end): orders per bucket; guests tallied aside.
  void Count(size_t begin, size_t end) {
    const uint32_t* const customer = o.customer.data();
    for (size_t i = begin; i < end; ++i) {
      if (!counted(i)) continue;
      const uint32_t c = customer[i];
      if (c == kNoId) {
        ++f.guest_orders;
        f.guest_net_cents += o.net_cents(i);
      } else {
        ++bucket_start[cb.bucket(c) + 1];
      }
    }
  }
  void EndCounting() {
    for (size_t b = 0; b < cb.buckets(); ++b) bucket_start[b + 1] += bucket_start[b];
    const uint32_t n_counted = bucket_start[cb.buckets()];
    f.order_ids.resize(n_counted);
    f.order_days.resize(n_counted);
    f.order_net_cents.resize(n_counted);
    items = BigBuffer<FactItem>(n_counted);
    cursor.assign(bucket_start.begin(), bucket_start.end() - 1);
  }
  // Pass 2 over orders [begin, end): each counted order's fields into its bucket, in table order.
  void Place(size_t begin, size_t end) {
    const int32_t* const day = o.day.data();
    const uint32_t* const customer = o.customer.data();
    const int64_t* const total = o.total_cents.data();
    const int64_t* const refunded = o.refunded_cents.data();
    for (size_t i = begin; i < end; ++i) {
      if (!counted(i)) continue;
      const uint32_t c = customer[i];
      if (c == kNoId) continue;
      const int64_t net = total[i] - refunded[i];
      const int32_t net32 = net > INT32_MIN && net <= INT32_MAX ? static_cast<int32_t>(net) : kWideNet;
      items[cursor[cb.bucket(c)]++] = {c, static_cast<uint32_t>(i), day[i], net32};
    }
  }
  // Pass 3 over buckets [b_begin, b_end): their customers' orders laid out by customer (in table order), then
  // put in time order (day, seconds, id) and the facts derived while the bucket is in the cache.
  void LayOut(size_t b_begin, size_t b_end) {
    if (b_begin >= b_end) return;
    const int32_t* const day = o.day.data();
    auto before = [&](uint32_t x, uint32_t y) {
      if (o.day[x] != o.day[y]) return o.day[x] < o.day[y];
      if (o.seconds[x] != o.seconds[y]) return o.seconds[x] < o.seconds[y];
      return x < y;
    };
    const int32_t* const seconds = o.seconds.data();
    auto place = [&](const FactItem& it, uint32_t at) {
      const int64_t net = it.net != kWideNet ? it.net : o.net_cents(it.order);
      f.order_ids[at] = it.order;
      f.order_days[at] = it.day;
      f.order_net_cents[at] = net;
      f.net_cents[it.customer] += net;
    };
    auto derive = [&](size_t c_begin, size_t c_end) {
      for (size_t c = c_begin; c < c_end; ++c) {
        const uint32_t begin = f.order_offsets[c], end = f.order_offsets[c + 1];
        if (begin == end) continue;
        uint32_t* ids = f.order_ids.data() + begin;
        int32_t* days = f.order_days.data() + begin;
        const uint32_t n = end - begin;
        // Usually already in time order: the days are checked in sequence, an order's seconds read only when
        // two orders share a day.
        bool in_order = true;
        for (uint32_t k = 1; k < n && in_order; ++k) {
          in_order = days[k - 1] < days[k] || (days[k - 1] == days[k] && seconds[ids[k - 1]] <= seconds[ids[k]]);
        }
        if (!in_order) {
          std::sort(ids, ids + n, before);
          int64_t* nets = f.order_net_cents.data() + begin;
          for (uint32_t k = 0; k < n; ++k) {
            days[k] = day[ids[k]];
            nets[k] = o.net_cents(ids[k]);
          }
        }
        DeriveCustomer(&f, c);
      }
    };
    LayOutBucketsByCustomer(cb, bucket_start, items, b_begin, b_end, f.order_offsets.data() + cb.first_customer(b_begin),
                            place, derive);
  }

  // One part: at most `rows` orders of pass 1 or 2, or buckets of about `rows` orders (at least one) of pass 3;
  // rows 0: a whole pass. Returns the orders it went over.
  size_t Run(size_t rows) {
    const size_t n_orders = o.size();
    const size_t begin = at;
    if (phase == 0 || phase == 1) {
      const size_t end = rows == 0 ? n_orders : std::min(n_orders, at + rows);
      if (phase == 0) {
        Count(at, end);
      } else {
        Place(at, end);
      }
      at = end;
      if (at < n_orders) return end - begin;
      if (phase == 0) EndCounting();
      ++phase;
      at = 0;
      return end - begin;
    }
    const size_t buckets = cb.buckets();
    size_t end = at;
    while (end < buckets && (end == at || rows == 0 || bucket_start[end] - bucket_start[at] < rows)) ++end;
    LayOut(at, end);
    at = end;
    if (at >= buckets) {
      items = BigBuffer<FactItem>(0);
      done = true;
    }
    return end == begin ? 0 : bucket_start[end] - bucket_start[begin];
  }

  const Workspace& ws;
  const OrderTable& o;
  CustomerFacts f;
  CustomerBuckets cb;
  std::vector<uint32_t> bucket_start;
  BigBuffer<FactItem> items{0};
  std::vector<uint32_t> cursor;
  int phase = 0;  // 0: counting, 1: placing, 2: laying out
  size_t at = 0;  // the next order (phases 0, 1) or bucket (2)
  bool done = false;
};

CustomerFactsBuilder::CustomerFactsBuilder(const Workspace& ws, int32_t as_of_day, uint32_t currency)
    : impl_(std::make_unique<Impl>(ws, as_of_day, currency)) {}
CustomerFactsBuilder::~CustomerFactsBuilder() = default;
bool CustomerFactsBuilder::done() const { return impl_->done; }
size_t CustomerFactsBuilder::Run(size_t rows) { return impl_->done ? 0 : impl_->Run(rows); }
CustomerFacts CustomerFactsBuilder::Result() {
  while (!done()) Run(0);
  return std::move(impl_->f);
}

CustomerFacts BuildCustomerFacts(const Workspace& ws, int32_t as_of_day, uint32_t currency) {
  return CustomerFactsBuilder(ws, as_of_day, currency).Result();
}

CustomerFacts NarrowCustomerFacts(const Workspace& ws, const CustomerFacts& later, int32_t as_of_day) {
  const OrderTable& o = ws.orders;
  const size_t n_customers = later.size();
  CustomerFacts f = EmptyFacts(n_customers, as_of_day, later.currency);
  // Each customer's kept prefix: its orders on or before as_of_day.
  for (size_t c = 0; c < n_customers; ++c) {
    const uint32_t begin = later.order_offsets[c], end = later.order_offsets[c + 1];
    uint32_t kept = begin;
    while (kept < end && (as_of_day == kNoDay || later.order_days[kept] <= as_of_day)) ++kept;
    f.order_offsets[c + 1] = f.order_offsets[c] + (kept - begin);
  }
  const uint32_t n_kept = f.order_offsets[n_customers];
  f.order_ids.resize(n_kept);
  f.order_days.resize(n_kept);
  f.order_net_cents.resize(n_kept);
  // The kept orders in spans: customers that keep all their orders are contiguous in both, so one copy covers
  // a run of them (at 1 M customers, a copy per customer was most of this function).
  uint32_t span_from = 0, span_to = 0, span_size = 0;
  auto flush = [&]() {
    std::copy_n(later.order_ids.begin() + span_from, span_size, f.order_ids.begin() + span_to);
    std::copy_n(later.order_days.begin() + span_from, span_size, f.order_days.begin() + span_to);
    std::copy_n(later.order_net_cents.begin() + span_from, span_size, f.order_net_cents.begin() + span_to);
  };
  for (size_t c = 0; c < n_customers; ++c) {
    const uint32_t n = f.order_offsets[c + 1] - f.order_offsets[c];
    if (n == 0) continue;
    const uint32_t from = later.order_offsets[c];
    if (span_from + span_size != from) {  // orders were dropped before this customer: a new span
      flush();
      span_from = from;
      span_to = f.order_offsets[c];
      span_size = 0;
    }
    span_size += n;
  }
  flush();
  for (size_t c = 0; c < n_customers; ++c) {
    const uint32_t n = f.order_offsets[c + 1] - f.order_offsets[c];
    if (n == 0) continue;
    const uint32_t to = f.order_offsets[c];
    int64_t net = 0;
    for (uint32_t k = 0; k < n; ++k) net += f.order_net_cents[to + k];
    f.net_cents[c] = net;
    DeriveCustomer(&f, c);
  }
  for (size_t i = 0; i < o.size(); ++i) {
    if (o.customer[i] != kNoId || !CountedOrder(o, i, as_of_day, f.currency)) continue;
    ++f.guest_orders;
    f.guest_net_cents += o.net_cents(i);
  }
  return f;
}

std::shared_ptr<const CustomerFacts> FactsFrom(const FactsSource& source, const Workspace& workspace,
                                               int32_t as_of_day, uint32_t currency) {
  if (source) return source(as_of_day, currency);
  return std::make_shared<const CustomerFacts>(BuildCustomerFacts(workspace, as_of_day, currency));
}

uint32_t AnalysisCurrency(const Workspace& ws, const Settings& settings) {
  if (!settings.currency.empty()) {
    const uint32_t id = ws.currencies.Find(settings.currency);
    if (id != kNoId) return id;
  }
  const OrderTable& o = ws.orders;
  if (ws.currencies.size() == 1) {  // the usual store: its one currency, if a valid order uses it
    for (size_t i = 0; i < o.size(); ++i) {
      if (o.flags[i] == 0) return 0;
    }
    return kNoId;
  }
  std::vector<int64_t> net(ws.currencies.size(), 0);
  std::vector<char> seen(ws.currencies.size(), 0);
  for (size_t i = 0; i < o.size(); ++i) {
    if (o.flags[i] != 0) continue;
    net[o.currency[i]] += o.net_cents(i);
    seen[o.currency[i]] = 1;
  }
  uint32_t best = kNoId;
  for (uint32_t id = 0; id < net.size(); ++id) {
    if (!seen[id]) continue;
    if (best == kNoId || net[id] > net[best] || (net[id] == net[best] && ws.currencies[id] < ws.currencies[best])) best = id;
  }
  return best;
}

}  // namespace rapport
