#include "core/analysis/customer_facts.h"

#include <algorithm>

namespace rapport {

CustomerFacts BuildCustomerFacts(const Workspace& ws, int32_t as_of_day, uint32_t currency) {
  const OrderTable& o = ws.orders;
  const size_t n_customers = ws.customers.size();
  CustomerFacts f;
  f.as_of_day = as_of_day;
  f.currency = currency;
  f.first_day.assign(n_customers, kNoDay);
  f.second_day.assign(n_customers, kNoDay);
  f.last_day.assign(n_customers, kNoDay);
  f.orders.assign(n_customers, 0);
  f.purchase_days.assign(n_customers, 0);
  f.net_cents.assign(n_customers, 0);
  f.order_offsets.assign(n_customers + 1, 0);

  auto counted = [&](size_t i) {
    return o.flags[i] == 0 && (as_of_day == kNoDay || o.day[i] <= as_of_day) &&
           (currency == kNoId || o.currency[i] == currency);
  };

  // Pass 1: count per customer, guests aside.
  for (size_t i = 0; i < o.size(); ++i) {
    if (!counted(i)) continue;
    const uint32_t c = o.customer[i];
    if (c == kNoId) {
      ++f.guest_orders;
      f.guest_net_cents += o.net_cents(i);
    } else {
      ++f.order_offsets[c + 1];
    }
  }
  for (size_t c = 0; c < n_customers; ++c) f.order_offsets[c + 1] += f.order_offsets[c];
  f.order_ids.resize(f.order_offsets[n_customers]);
  f.order_days.resize(f.order_offsets[n_customers]);

  // Pass 2: scatter order ids (counting sort by customer).
  std::vector<uint32_t> cursor(f.order_offsets.begin(), f.order_offsets.end() - 1);
  for (size_t i = 0; i < o.size(); ++i) {
    if (!counted(i)) continue;
    const uint32_t c = o.customer[i];
    if (c != kNoId) f.order_ids[cursor[c]++] = static_cast<uint32_t>(i);
  }

  // Pass 3: order each customer's orders by time and derive the facts.
  for (uint32_t c = 0; c < n_customers; ++c) {
    uint32_t* b = f.order_ids.data() + f.order_offsets[c];
    uint32_t* e = f.order_ids.data() + f.order_offsets[c + 1];
    if (b == e) continue;
    // Imports append in file order, which is usually chronological: check before sorting.
    auto before = [&](uint32_t x, uint32_t y) {
      if (o.day[x] != o.day[y]) return o.day[x] < o.day[y];
      if (o.seconds[x] != o.seconds[y]) return o.seconds[x] < o.seconds[y];
      return x < y;
    };
    if (!std::is_sorted(b, e, before)) std::sort(b, e, before);
    int32_t days = 0, prev = kNoDay;
    int64_t net = 0;
    int32_t* day_out = f.order_days.data() + f.order_offsets[c];
    for (uint32_t* p = b; p != e; ++p) {
      net += o.net_cents(*p);
      const int32_t day = o.day[*p];
      *day_out++ = day;
      if (day != prev) {
        ++days;
        prev = day;
      }
    }
    f.orders[c] = static_cast<int32_t>(e - b);
    f.purchase_days[c] = days;
    f.net_cents[c] = net;
    f.first_day[c] = o.day[*b];
    f.second_day[c] = e - b >= 2 ? o.day[b[1]] : kNoDay;
    f.last_day[c] = o.day[e[-1]];
    ++f.customers_with_orders;
    f.identified_orders += e - b;
    f.identified_net_cents += net;
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
  std::vector<int64_t> net(ws.currencies.size(), 0);
  std::vector<char> seen(ws.currencies.size(), 0);
  const OrderTable& o = ws.orders;
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
