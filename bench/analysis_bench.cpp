// analysis_bench: each retention analysis on a synthetic store built in memory (default 1,000,000 customers,
// 5,000,000 orders, 200 products), median of 5 runs. Targets (bench/RESULTS.md): every analysis < 300 ms
// natively, one customer's 360 view < 10 ms.
//
//   build/bench/analysis_bench [customers] [orders] [runs] [only: the rows whose name contains this]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/cohorts/cohorts.h"
#include "core/analysis/customer360/customer360.h"
#include "core/analysis/customer_facts.h"
#include "core/analysis/funnel/funnel.h"
#include "core/analysis/products/products.h"
#include "core/analysis/rfm/rfm.h"
#include "bench/cpu_clock.h"
#include "bench/stats.h"

using namespace rapport;

namespace {

struct Rng {  // xorshift64*
  uint64_t s;
  uint64_t Next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
};

// Customers get a geometric-ish number of orders (mean orders / customers), a personal cadence, and products
// from a skewed catalogue; 3 % of orders are cancelled, 5 % partly refunded. Days span 2021-01-01 .. 2024-12-31.
void Generate(Workspace* ws, uint32_t n_customers, uint64_t n_orders, uint32_t n_products) {
  Rng rng{0x9E3779B97F4A7C15ULL};
  const uint32_t usd = ws->currencies.Intern("USD");
  const uint32_t web = ws->labels.Intern("web"), pos = ws->labels.Intern("pos"), code = ws->labels.Intern("WELCOME10");
  const uint32_t paid = ws->labels.Intern("paid");
  const uint32_t us = ws->countries.Intern("US"), gb = ws->countries.Intern("GB");
  for (uint32_t p = 0; p < n_products; ++p) {
    ProductTable& t = ws->products;
    t.key.push_back("sku:P" + std::to_string(p));
    t.sku.push_back("P" + std::to_string(p));
    t.title.push_back("Product " + std::to_string(p));
    t.handle.emplace_back(); t.url.emplace_back(); t.image_url.emplace_back();
    t.vendor.push_back(0); t.category.push_back(0); t.price_cents.push_back(1000 + p); t.import_id.push_back(0);
  }
  CustomerTable& c = ws->customers;
  for (uint32_t i = 0; i < n_customers; ++i) {
    std::string email = "customer" + std::to_string(i) + "@example.com";
    c.key.push_back("email:" + email);
    c.email.push_back(std::move(email));
    c.phone.emplace_back(); c.platform_id.emplace_back();
    c.first_name.push_back("First" + std::to_string(i % 997));
    c.last_name.push_back("Last" + std::to_string(i % 991));
    c.country.push_back(i % 4 ? us : gb);
    c.tags.emplace_back(); c.accepts_marketing.push_back(-1); c.reported_spent_cents.push_back(-1);
    c.reported_orders.push_back(-1); c.import_id.push_back(0);
  }
  const int32_t start = DaysFromCivil(2021, 1, 1), end = DaysFromCivil(2024, 12, 31);
  OrderTable& o = ws->orders;
  o.customer.reserve(n_orders);
  const double mean = static_cast<double>(n_orders) / n_customers;
  uint64_t made = 0;
  for (uint32_t i = 0; i < n_customers && made < n_orders; ++i) {
    // Orders per customer: 1 + geometric with mean `mean - 1`, capped; the last customer takes the rest.
    uint32_t k = 1;
    const double p_more = (mean - 1) / mean;
    while (k < 60 && (rng.Next() >> 11) * (1.0 / 9007199254740992.0) < p_more) ++k;
    if (i == n_customers - 1) k = static_cast<uint32_t>(n_orders - made);
    k = static_cast<uint32_t>(std::min<uint64_t>(k, n_orders - made));
    int32_t day = start + static_cast<int32_t>(rng.Below(static_cast<uint32_t>(end - start)));
    const int32_t cadence = 10 + static_cast<int32_t>(rng.Below(120));
    for (uint32_t j = 0; j < k; ++j) {
      if (day > end) day = end - static_cast<int32_t>(rng.Below(30));
      const uint32_t id = static_cast<uint32_t>(o.customer.size());
      o.key.emplace_back(); o.name.emplace_back();
      o.customer.push_back(i);
      o.day.push_back(day);
      o.seconds.push_back(static_cast<int32_t>(rng.Below(86400)));
      o.offset_minutes.push_back(0);
      o.currency.push_back(usd);
      const int64_t total = 500 + rng.Below(20000);
      o.subtotal_cents.push_back(total); o.discount_cents.push_back(0); o.shipping_cents.push_back(0); o.tax_cents.push_back(0);
      o.total_cents.push_back(total);
      o.refunded_cents.push_back(rng.Below(100) < 5 ? total / 2 : 0);
      o.flags.push_back(rng.Below(100) < 3 ? kOrderCancelled : 0);
      o.financial_status.push_back(paid); o.fulfillment_status.push_back(0); o.fulfilled_day.push_back(kNoDay);
      o.source.push_back(rng.Below(2) ? web : pos);
      o.discount_code.push_back(rng.Below(10) == 0 ? code : 0);
      o.country.push_back(0);
      o.first_line.push_back(static_cast<uint32_t>(ws->lines.order.size()));
      const uint32_t n_lines = 1 + (rng.Below(3) == 0 ? 1 + rng.Below(3) : 0);
      o.line_count.push_back(n_lines);
      o.import_id.push_back(0);
      for (uint32_t l = 0; l < n_lines; ++l) {
        // Skewed catalogue: the square of a uniform favours low ids.
        const double u = (rng.Next() >> 11) * (1.0 / 9007199254740992.0);
        ws->lines.order.push_back(id);
        ws->lines.product.push_back(static_cast<uint32_t>(u * u * n_products));
        ws->lines.quantity.push_back(1);
        ws->lines.unit_price_cents.push_back(total / n_lines);
        ws->lines.discount_cents.push_back(0);
      }
      day += cadence / 2 + static_cast<int32_t>(rng.Below(static_cast<uint32_t>(cadence)));
      ++made;
    }
  }
  // An import appends orders in the order its file lists them, by date, so a customer's orders are spread over
  // the table (as in /work/scale/ws1m.rapport): put them in (day, seconds) order, lines following.
  std::vector<uint32_t> by_time(o.size());
  for (uint32_t i = 0; i < by_time.size(); ++i) by_time[i] = i;
  std::stable_sort(by_time.begin(), by_time.end(), [&](uint32_t a, uint32_t b) {
    return o.day[a] != o.day[b] ? o.day[a] < o.day[b] : o.seconds[a] < o.seconds[b];
  });
  auto permute = [&](auto& column) {
    auto old_column = std::move(column);
    column.clear();
    column.reserve(by_time.size());
    for (uint32_t i : by_time) column.push_back(std::move(old_column[i]));
  };
  OrderLineTable old_lines = std::move(ws->lines);
  ws->lines = OrderLineTable();
  OrderLineTable& l = ws->lines;
  for (uint32_t i = 0; i < by_time.size(); ++i) {
    const uint32_t from = o.first_line[by_time[i]], n = o.line_count[by_time[i]];
    for (uint32_t k = from; k < from + n; ++k) {
      l.order.push_back(i);
      l.product.push_back(old_lines.product[k]);
      l.quantity.push_back(old_lines.quantity[k]);
      l.unit_price_cents.push_back(old_lines.unit_price_cents[k]);
      l.discount_cents.push_back(old_lines.discount_cents[k]);
    }
  }
  permute(o.key); permute(o.name); permute(o.customer); permute(o.day); permute(o.seconds);
  permute(o.offset_minutes); permute(o.currency); permute(o.subtotal_cents); permute(o.discount_cents);
  permute(o.shipping_cents); permute(o.tax_cents); permute(o.total_cents); permute(o.refunded_cents);
  permute(o.flags); permute(o.financial_status); permute(o.fulfillment_status); permute(o.fulfilled_day);
  permute(o.source); permute(o.discount_code); permute(o.country); permute(o.line_count); permute(o.import_id);
  o.first_line.clear();
  uint32_t next_line = 0;
  for (uint32_t i = 0; i < by_time.size(); ++i) {
    o.first_line.push_back(next_line);
    next_line += o.line_count[i];
  }
}

// Median wall and CPU milliseconds of `runs` calls, and the least of each. CPU time (bench/cpu_clock.h: this
// process's, natively and under Node) is the steadier number on a shared machine (the least of several runs more
// so when other work shares the caches); wall time is what a merchant waits. An analysis that uses a second
// thread natively (products) counts both threads' CPU time, so its wall time is the one to read.
struct Times {
  double wall, cpu, min_cpu, min_wall;
};
Times TimeMs(const std::function<void()>& fn, int runs) {
  std::vector<double> wall, cpu;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = bench::CpuSeconds();
    fn();
    cpu.push_back(1000.0 * (bench::CpuSeconds() - c0));
    wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return {bench::Median(wall), bench::Median(cpu), *std::min_element(cpu.begin(), cpu.end()),
          *std::min_element(wall.begin(), wall.end())};
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t customers = argc > 1 ? static_cast<uint32_t>(std::atol(argv[1])) : 1000000;
  const uint64_t orders = argc > 2 ? static_cast<uint64_t>(std::atoll(argv[2])) : 5000000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  const std::string only = argc > 4 ? argv[4] : "";  // run only the rows whose name contains this
  Workspace ws;
  const auto t0 = std::chrono::steady_clock::now();
  Generate(&ws, customers, orders, 200);
  std::printf("generated %zu customers, %zu orders, %zu lines in %.0f ms; median of %d runs\n", ws.customers.size(),
              ws.orders.size(), ws.lines.size(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), runs);
  const Settings settings;
  volatile int64_t sink = 0;
  std::printf("%-28s %10s %10s %10s %10s\n", "analysis", "wall ms", "cpu ms", "min cpu", "min wall");
  auto row = [&](const char* name, const std::function<void()>& fn) {
    if (!only.empty() && std::string(name).find(only) == std::string::npos) return;
    const auto ms = TimeMs(fn, runs);
    std::printf("%-28s %10.1f %10.1f %10.1f %10.1f\n", name, ms.wall, ms.cpu, ms.min_cpu, ms.min_wall);
  };
  row("customer facts (shared)", [&] { sink += BuildCustomerFacts(ws, ws.LatestValidOrderDay(), AnalysisCurrency(ws, settings)).customers_with_orders; });
  row("cohorts", [&] { sink += ComputeCohorts(ws, settings).customers; });
  CohortOptions by_product;
  by_product.by = CohortBy::kFirstProduct;
  row("cohorts by first product", [&] { sink += ComputeCohorts(ws, settings, by_product).customers; });
  row("funnel", [&] { sink += ComputeFunnel(ws, settings).customers; });
  const int32_t as_of = ws.LatestValidOrderDay();
  row("funnel flow (2 dates)", [&] { sink += ComputeFunnelFlow(ws, settings, as_of - 90, as_of).total; });
  row("rfm", [&] { sink += ComputeRfm(ws, settings).customers; });
  const CustomerFacts facts = BuildCustomerFacts(ws, ws.LatestValidOrderDay(), AnalysisCurrency(ws, settings));
  row("rfm (facts given)", [&] { sink += ComputeRfmFromFacts(ws, facts).customers; });
  row("funnel (facts given)", [&] { sink += ComputeFunnelFromFacts(ws, settings, facts).customers; });
  row("products", [&] { sink += ComputeProducts(ws, settings).baskets; });
  ProductOptions one_thread;
  one_thread.use_second_thread = false;
  row("products (one thread)", [&] { sink += ComputeProducts(ws, settings, one_thread).baskets; });
  // As the engine runs it: the facts kept from an earlier op of the same date and currency (ops.h CachedFacts).
  const auto shared_facts = std::make_shared<const CustomerFacts>(facts);
  const FactsSource kept = [&](int32_t, uint32_t) { return shared_facts; };
  row("products (facts given)", [&] { sink += ComputeProducts(ws, settings, {}, kept).baskets; });
  // The Products page's first tables and its intervals, alone (core/api/ops/products.cpp "part").
  row("products first (facts given)", [&] { sink += static_cast<int64_t>(ComputeFirstProducts(ws, facts, 50).journeys.size()); });
  row("products intervals (facts)", [&] { sink += static_cast<int64_t>(ComputeReplenishment(ws, facts, 1).size()); });
  row("customer search", [&] { sink += static_cast<int64_t>(SearchCustomers(ws, settings, "customer12345", 20).size()); });
  Customer360Context ctx;
  row("360 context (once)", [&] { ctx = BuildCustomer360Context(ws, settings); });
  row("360 context (facts given)", [&] { ctx = BuildCustomer360Context(ws, settings, {}, kept); });
  if (!only.empty() && std::string("360 view").find(only) == std::string::npos) return sink == 42 ? 1 : 0;
  if (!ctx.facts) ctx = BuildCustomer360Context(ws, settings);
  std::vector<double> view_ms;
  for (uint32_t i = 0; i < 21; ++i) {
    const uint32_t c = static_cast<uint32_t>((static_cast<uint64_t>(i) * 2654435761u) % ws.customers.size());
    const auto t = std::chrono::steady_clock::now();
    sink += BuildCustomer360(ws, ctx, c).valid_orders;
    view_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(view_ms.begin(), view_ms.end());
  std::printf("%-28s %10.2f   (median of 21 customers; max %.2f)\n", "360 view, one customer", view_ms[10], view_ms.back());
  return sink == 42 ? 1 : 0;
}
