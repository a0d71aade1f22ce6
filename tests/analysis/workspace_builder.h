// Builds small workspaces for the analysis tests by filling the Workspace columns directly (no importer):
//
//   WorkspaceBuilder b;
//   uint32_t ann = b.Customer("ann@example.com", "Ann", "Lee");
//   uint32_t tea = b.Product("SKU-TEA", "Green tea");
//   b.Order(ann, "2024-01-05", 2500, {{tea, 2}});            // net 25.00, one line
//   b.Order(ann, "2024-02-05", 1000, {}, kOrderCancelled);   // flags
//   const Workspace& ws = b.workspace();
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/util/date.h"
#include "core/workspace/workspace.h"

namespace rapport::test {

// Optional order fields for WorkspaceBuilder::Order.
struct TestOrderExtras {
  int64_t refunded_cents = 0;
  std::string source, discount_code, currency, country;
  int32_t seconds = 0;
};

class WorkspaceBuilder {
 public:
  WorkspaceBuilder() { usd_ = ws_.currencies.Intern("USD"); }

  uint32_t Customer(const std::string& email, const std::string& first = "", const std::string& last = "",
                    const std::string& country = "") {
    CustomerTable& c = ws_.customers;
    const uint32_t id = static_cast<uint32_t>(c.size());
    c.key.push_back(email.empty() ? "id:test:" + std::to_string(id) : "email:" + email);
    c.email.push_back(email);
    c.phone.push_back("");
    c.platform_id.push_back("");
    c.first_name.push_back(first);
    c.last_name.push_back(last);
    c.country.push_back(country.empty() ? 0 : ws_.countries.Intern(country));
    c.tags.push_back("");
    c.accepts_marketing.push_back(-1);
    c.reported_spent_cents.push_back(-1);
    c.reported_orders.push_back(-1);
    c.import_id.push_back(0);
    ws_.customer_alias[c.key.back()] = id;
    return id;
  }

  uint32_t Product(const std::string& sku, const std::string& title = "") {
    ProductTable& p = ws_.products;
    const uint32_t id = static_cast<uint32_t>(p.size());
    p.key.push_back("sku:" + sku);
    p.sku.push_back(sku);
    p.title.push_back(title.empty() ? sku : title);
    p.handle.push_back("");
    p.url.push_back("");
    p.image_url.push_back("");
    p.vendor.push_back(0);
    p.category.push_back(0);
    p.price_cents.push_back(-1);
    p.import_id.push_back(0);
    return id;
  }

  using OrderExtras = TestOrderExtras;

  // `day` is "YYYY-MM-DD"; lines are (product, quantity) pairs.
  uint32_t Order(uint32_t customer, const std::string& day, int64_t total_cents,
                 const std::vector<std::pair<uint32_t, int32_t>>& lines = {}, uint8_t flags = 0,
                 const OrderExtras& extras = OrderExtras()) {
    return OrderOnDay(customer, ParseIsoDay(day), total_cents, lines, flags, extras);
  }

  uint32_t OrderOnDay(uint32_t customer, int32_t day, int64_t total_cents,
                      const std::vector<std::pair<uint32_t, int32_t>>& lines = {}, uint8_t flags = 0,
                      const OrderExtras& extras = OrderExtras()) {
    OrderTable& o = ws_.orders;
    const uint32_t id = static_cast<uint32_t>(o.size());
    o.key.push_back("test:" + std::to_string(id));
    o.name.push_back("#" + std::to_string(1001 + id));
    o.customer.push_back(customer);
    o.day.push_back(day);
    o.seconds.push_back(extras.seconds);
    o.offset_minutes.push_back(0);
    o.currency.push_back(extras.currency.empty() ? usd_ : ws_.currencies.Intern(extras.currency));
    o.subtotal_cents.push_back(total_cents);
    o.discount_cents.push_back(0);
    o.shipping_cents.push_back(0);
    o.tax_cents.push_back(0);
    o.total_cents.push_back(total_cents);
    o.refunded_cents.push_back(extras.refunded_cents);
    o.flags.push_back(flags);
    o.financial_status.push_back(ws_.labels.Intern("paid"));
    o.fulfillment_status.push_back(ws_.labels.Intern("fulfilled"));
    o.fulfilled_day.push_back(kNoDay);
    o.source.push_back(extras.source.empty() ? 0 : ws_.labels.Intern(extras.source));
    o.discount_code.push_back(extras.discount_code.empty() ? 0 : ws_.labels.Intern(extras.discount_code));
    o.country.push_back(extras.country.empty() ? 0 : ws_.countries.Intern(extras.country));
    o.first_line.push_back(static_cast<uint32_t>(ws_.lines.size()));
    o.line_count.push_back(static_cast<uint32_t>(lines.size()));
    o.import_id.push_back(0);
    for (const auto& line : lines) {
      ws_.lines.order.push_back(id);
      ws_.lines.product.push_back(line.first);
      ws_.lines.quantity.push_back(line.second);
      ws_.lines.unit_price_cents.push_back(0);
      ws_.lines.discount_cents.push_back(0);
    }
    return id;
  }

  void Review(uint32_t customer, const std::string& day, int rating, uint32_t product = kNoId) {
    ReviewTable& r = ws_.reviews;
    r.key.push_back("r" + std::to_string(r.size()));
    r.customer.push_back(customer);
    r.product.push_back(product);
    r.rating.push_back(static_cast<int8_t>(rating));
    r.day.push_back(ParseIsoDay(day));
    r.title.push_back("");
    r.body.push_back("");
    r.source.push_back(0);
    r.import_id.push_back(0);
  }

  void Survey(uint32_t customer, const std::string& day, int score) {
    SurveyTable& s = ws_.surveys;
    s.key.push_back("s" + std::to_string(s.size()));
    s.customer.push_back(customer);
    s.day.push_back(ParseIsoDay(day));
    s.score.push_back(static_cast<int8_t>(score));
    s.comment.push_back("");
    s.import_id.push_back(0);
  }

  void Ticket(uint32_t customer, const std::string& day, int csat) {
    TicketTable& t = ws_.tickets;
    t.key.push_back("t" + std::to_string(t.size()));
    t.customer.push_back(customer);
    t.day.push_back(ParseIsoDay(day));
    t.status.push_back(ws_.labels.Intern("closed"));
    t.channel.push_back(ws_.labels.Intern("email"));
    t.csat.push_back(static_cast<int8_t>(csat));
    t.import_id.push_back(0);
  }

  Workspace& workspace() { return ws_; }

 private:
  Workspace ws_;
  uint32_t usd_ = 0;
};

// Products "P0", "P1", ... and customers "c0@example.com", "c1@example.com", ..., their ids in that order.
inline void AddNumbered(WorkspaceBuilder* b, uint32_t products, uint32_t customers) {
  for (uint32_t p = 0; p < products; ++p) b->Product("P" + std::to_string(p));
  for (uint32_t c = 0; c < customers; ++c) b->Customer("c" + std::to_string(c) + "@example.com");
}

// Three orders in which to append the same generated rows (row i on days[i]): as generated, by day (stable, as
// an export by date lists them) and reversed. An analysis must answer the same whatever order an import left.
inline std::vector<std::vector<size_t>> ThreeLoadOrders(const std::vector<int32_t>& days) {
  std::vector<size_t> as_generated(days.size());
  for (size_t i = 0; i < days.size(); ++i) as_generated[i] = i;
  std::vector<size_t> by_day = as_generated, reversed(as_generated.rbegin(), as_generated.rend());
  std::stable_sort(by_day.begin(), by_day.end(), [&](size_t x, size_t y) { return days[x] < days[y]; });
  return {as_generated, by_day, reversed};
}

// A deterministic generated store for property tests: `customers` customers with 0..N orders over ~3 years,
// a few products, some cancelled orders and refunds, reviews and NPS answers. xorshift64*, no std distributions.
inline void GenerateStore(WorkspaceBuilder* b, uint32_t customers, uint64_t seed) {
  uint64_t s = seed * 2685821657736338717ULL + 1;
  auto next = [&]() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  };
  std::vector<uint32_t> products;
  for (int p = 0; p < 12; ++p) products.push_back(b->Product("P" + std::to_string(p)));
  const int32_t start = ParseIsoDay("2022-01-01");
  for (uint32_t i = 0; i < customers; ++i) {
    const uint32_t c = b->Customer("c" + std::to_string(i) + "@example.com", "First" + std::to_string(i % 50),
                                   "Last" + std::to_string(i % 7), i % 3 ? "US" : "GB");
    int32_t day = start + static_cast<int32_t>(next() % 1000);
    const int n_orders = static_cast<int>(next() % 6);  // 0..5
    const int32_t gap = 5 + static_cast<int32_t>(next() % 120);
    for (int k = 0; k < n_orders; ++k) {
      std::vector<std::pair<uint32_t, int32_t>> lines;
      const int n_lines = 1 + static_cast<int>(next() % 3);
      for (int l = 0; l < n_lines; ++l) lines.push_back({products[next() % products.size()], 1 + static_cast<int32_t>(next() % 2)});
      WorkspaceBuilder::OrderExtras ex;
      ex.source = (next() % 2) ? "web" : "pos";
      if (next() % 5 == 0) ex.discount_code = "WELCOME10";
      if (next() % 10 == 0) ex.refunded_cents = 500;
      const uint8_t flags = (next() % 15 == 0) ? kOrderCancelled : 0;
      b->OrderOnDay(c, day, 1000 + static_cast<int64_t>(next() % 20000), lines, flags, ex);
      day += gap / 2 + static_cast<int32_t>(next() % static_cast<uint64_t>(gap + 1));
      if (day > start + 1100) break;
    }
    if (next() % 6 == 0) b->Review(c, FormatDay(start + 200 + static_cast<int32_t>(next() % 800)), 1 + static_cast<int>(next() % 5));
    if (next() % 8 == 0) b->Survey(c, FormatDay(start + 200 + static_cast<int32_t>(next() % 800)), static_cast<int>(next() % 11));
  }
  // A few guest orders.
  for (int g = 0; g < 5; ++g) b->Order(kNoId, "2023-06-01", 1500, {{products[0], 1}});
}

// The same store as `from` (a WorkspaceBuilder's: products, customers, reviews and surveys copied with the same
// ids), its orders appended in `order` (a permutation of its order ids, e.g. one of ThreeLoadOrders).
inline void CopyStoreInOrder(const Workspace& from, const std::vector<size_t>& order, WorkspaceBuilder* to) {
  for (size_t p = 0; p < from.products.size(); ++p) to->Product(from.products.sku[p], from.products.title[p]);
  for (size_t c = 0; c < from.customers.size(); ++c) to->Customer(std::string(from.customers.email[c]));
  const OrderTable& o = from.orders;
  for (size_t i : order) {
    std::vector<std::pair<uint32_t, int32_t>> lines;
    for (uint32_t l = o.first_line[i], e = l + o.line_count[i]; l < e; ++l) {
      lines.push_back({from.lines.product[l], from.lines.quantity[l]});
    }
    WorkspaceBuilder::OrderExtras ex;
    ex.refunded_cents = o.refunded_cents[i];
    ex.seconds = o.seconds[i];
    if (o.source[i] != 0) ex.source = from.labels[o.source[i]];
    if (o.discount_code[i] != 0) ex.discount_code = from.labels[o.discount_code[i]];
    ex.currency = from.currencies[o.currency[i]];
    to->OrderOnDay(o.customer[i], o.day[i], o.total_cents[i], lines, o.flags[i], ex);
  }
  const ReviewTable& r = from.reviews;
  for (size_t i = 0; i < r.size(); ++i) to->Review(r.customer[i], FormatDay(r.day[i]), r.rating[i], r.product[i]);
  const SurveyTable& s = from.surveys;
  for (size_t i = 0; i < s.size(); ++i) to->Survey(s.customer[i], FormatDay(s.day[i]), s.score[i]);
}

}  // namespace rapport::test
