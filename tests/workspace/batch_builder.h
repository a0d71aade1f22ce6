// Test helpers: ImportBatch rows built by hand (every column filled, as an importer would), and a full
// comparison of two workspaces (tables, dictionaries, import history, issues, lookup maps).
#pragma once

#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "core/import/batch.h"
#include "core/workspace/workspace.h"

namespace rapport::test {

struct OrderSpec {
  std::string key;          // "test:1"
  std::string email, phone, platform_id;
  int32_t day = 0;
  int64_t total_cents = 0, refunded_cents = 0;
  uint8_t flags = 0;
  std::string currency = "USD";
  std::string first_name{}, last_name{};  // initialised here: aggregate initialisations that stop before them need no -Wmissing-field-initializers warning
};

inline void AddOrder(ImportBatch* b, const OrderSpec& s) {
  auto& o = b->orders;
  o.key.Append(s.key);
  o.name.Append("#" + s.key);
  o.who.Append(s.email, s.phone, s.platform_id, s.first_name, s.last_name);
  Timestamp t;
  t.day = s.day;
  t.seconds = 3600;
  o.created.push_back(t);
  o.currency.Append(s.currency);
  o.subtotal_cents.push_back(s.total_cents);
  o.discount_cents.push_back(0);
  o.shipping_cents.push_back(0);
  o.tax_cents.push_back(0);
  o.total_cents.push_back(s.total_cents);
  o.refunded_cents.push_back(s.refunded_cents);
  o.flags.push_back(s.flags);
  o.financial_status.Append(s.refunded_cents ? "partially_refunded" : "paid");
  o.fulfillment_status.Append("fulfilled");
  o.source.Append("web");
  o.discount_code.Append("");
  o.country.Append("US");
  o.fulfilled_day.push_back(kNoDay);
  o.accepts_marketing.push_back(-1);
  o.first_line.push_back(static_cast<uint32_t>(b->lines.order.size()));
  o.line_count.push_back(0);
  o.line.push_back(o.key.size() + 1);
  ++b->rows_read;
  ++b->rows_accepted;
}

// A line item of the last order added.
inline void AddLine(ImportBatch* b, const std::string& sku, const std::string& title, int32_t quantity, int64_t unit_cents) {
  auto& l = b->lines;
  l.order.push_back(static_cast<uint32_t>(b->orders.key.size() - 1));
  l.sku.Append(sku);
  l.title.Append(title);
  l.vendor.Append("Acme");
  l.quantity.push_back(quantity);
  l.unit_price_cents.push_back(unit_cents);
  l.discount_cents.push_back(0);
  ++b->orders.line_count.back();
}

inline void AddReview(ImportBatch* b, const std::string& key, const std::string& email, int rating, int32_t day) {
  auto& r = b->reviews;
  r.key.Append(key);
  r.who.Append(email, "", "", "", "");
  r.product_sku.Append("");
  r.product_handle.Append("");
  r.product_title.Append("");
  r.rating.push_back(static_cast<int8_t>(rating));
  r.day.push_back(day);
  r.title.Append("title");
  r.body.Append("body");
  r.source.Append("judgeme");
  r.line.push_back(r.key.size() + 1);
}

inline void AddTicket(ImportBatch* b, const std::string& key, const std::string& email, int csat, int32_t day) {
  auto& t = b->tickets;
  t.key.Append(key);
  t.who.Append(email, "", "", "", "");
  t.day.push_back(day);
  t.status.Append("closed");
  t.channel.Append("email");
  t.csat.push_back(static_cast<int8_t>(csat));
  t.line.push_back(t.key.size() + 1);
}

inline void AddSurvey(ImportBatch* b, const std::string& key, const std::string& email, int score, int32_t day) {
  auto& s = b->surveys;
  s.key.Append(key);
  s.who.Append(email, "", "", "", "");
  s.day.push_back(day);
  s.score.push_back(static_cast<int8_t>(score));
  s.comment.Append("");
  s.line.push_back(s.key.size() + 1);
}

inline void RequireSameDictionary(const Dictionary& a, const Dictionary& b) {
  REQUIRE(a.size() == b.size());
  for (uint32_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) REQUIRE(a[i] == b[i]);  // an assertion only where they differ: Catch's cost is per assertion
  }
}

// Every column, dictionary, import record, issue and lookup map equal.
inline void RequireSameWorkspace(const Workspace& a, const Workspace& b) {
  RequireSameDictionary(a.currencies, b.currencies);
  RequireSameDictionary(a.countries, b.countries);
  RequireSameDictionary(a.labels, b.labels);
  const CustomerTable &ca = a.customers, &cb = b.customers;
  CHECK(ca.key == cb.key);
  CHECK(ca.email == cb.email);
  CHECK(ca.phone == cb.phone);
  CHECK(ca.platform_id == cb.platform_id);
  CHECK(ca.first_name == cb.first_name);
  CHECK(ca.last_name == cb.last_name);
  CHECK(ca.country == cb.country);
  CHECK(ca.tags == cb.tags);
  CHECK(ca.accepts_marketing == cb.accepts_marketing);
  CHECK(ca.reported_spent_cents == cb.reported_spent_cents);
  CHECK(ca.reported_orders == cb.reported_orders);
  CHECK(ca.import_id == cb.import_id);
  const OrderTable &oa = a.orders, &ob = b.orders;
  CHECK(oa.key == ob.key);
  CHECK(oa.name == ob.name);
  CHECK(oa.customer == ob.customer);
  CHECK(oa.day == ob.day);
  CHECK(oa.seconds == ob.seconds);
  CHECK(oa.offset_minutes == ob.offset_minutes);
  CHECK(oa.currency == ob.currency);
  CHECK(oa.subtotal_cents == ob.subtotal_cents);
  CHECK(oa.discount_cents == ob.discount_cents);
  CHECK(oa.shipping_cents == ob.shipping_cents);
  CHECK(oa.tax_cents == ob.tax_cents);
  CHECK(oa.total_cents == ob.total_cents);
  CHECK(oa.refunded_cents == ob.refunded_cents);
  CHECK(oa.flags == ob.flags);
  CHECK(oa.financial_status == ob.financial_status);
  CHECK(oa.fulfillment_status == ob.fulfillment_status);
  CHECK(oa.fulfilled_day == ob.fulfilled_day);
  CHECK(oa.source == ob.source);
  CHECK(oa.discount_code == ob.discount_code);
  CHECK(oa.country == ob.country);
  CHECK(oa.first_line == ob.first_line);
  CHECK(oa.line_count == ob.line_count);
  CHECK(oa.import_id == ob.import_id);
  CHECK(a.lines.order == b.lines.order);
  CHECK(a.lines.product == b.lines.product);
  CHECK(a.lines.quantity == b.lines.quantity);
  CHECK(a.lines.unit_price_cents == b.lines.unit_price_cents);
  CHECK(a.lines.discount_cents == b.lines.discount_cents);
  CHECK(a.products.key == b.products.key);
  CHECK(a.products.sku == b.products.sku);
  CHECK(a.products.title == b.products.title);
  CHECK(a.products.handle == b.products.handle);
  CHECK(a.products.vendor == b.products.vendor);
  CHECK(a.products.category == b.products.category);
  CHECK(a.products.price_cents == b.products.price_cents);
  CHECK(a.products.import_id == b.products.import_id);
  CHECK(a.reviews.key == b.reviews.key);
  CHECK(a.reviews.customer == b.reviews.customer);
  CHECK(a.reviews.rating == b.reviews.rating);
  CHECK(a.reviews.day == b.reviews.day);
  CHECK(a.reviews.body == b.reviews.body);
  CHECK(a.tickets.key == b.tickets.key);
  CHECK(a.tickets.customer == b.tickets.customer);
  CHECK(a.tickets.csat == b.tickets.csat);
  CHECK(a.surveys.key == b.surveys.key);
  CHECK(a.surveys.customer == b.surveys.customer);
  CHECK(a.surveys.score == b.surveys.score);
  REQUIRE(a.imports.size() == b.imports.size());
  for (size_t i = 0; i < a.imports.size(); ++i) {
    const ImportRecord &x = a.imports[i], &y = b.imports[i];
    CHECK(x.id == y.id);
    CHECK(x.file_name == y.file_name);
    CHECK(x.format == y.format);
    CHECK(x.imported_at == y.imported_at);
    CHECK(x.bytes == y.bytes);
    CHECK(x.rows_read == y.rows_read);
    CHECK(x.rows_accepted == y.rows_accepted);
    CHECK(x.rows_rejected == y.rows_rejected);
    CHECK(x.orders_added == y.orders_added);
    CHECK(x.orders_skipped_duplicate == y.orders_skipped_duplicate);
    CHECK(x.customers_added == y.customers_added);
    CHECK(x.customers_merged == y.customers_merged);
    CHECK(x.first_day == y.first_day);
    CHECK(x.last_day == y.last_day);
    CHECK(x.currencies == y.currencies);
    CHECK(x.fingerprint == y.fingerprint);
    CHECK(x.fingerprint_kind == y.fingerprint_kind);
  }
  REQUIRE(a.issues.size() == b.issues.size());
  // The issues a field at a time where they differ: thousands of issues are compared per call in the sliced
  // imports' every-byte tests, and Catch's cost is per assertion (most of their time, ten times that under the
  // sanitizers).
  auto fields = [](const ImportIssue& x) {
    return std::tie(x.import_id, x.line, x.column, x.code, x.message, x.raw_row, x.rejected);
  };
  for (size_t i = 0; i < a.issues.size(); ++i) {
    if (fields(a.issues[i]) == fields(b.issues[i])) continue;
    CHECK(a.issues[i].import_id == b.issues[i].import_id);
    CHECK(a.issues[i].line == b.issues[i].line);
    CHECK(a.issues[i].column == b.issues[i].column);
    CHECK(a.issues[i].code == b.issues[i].code);
    CHECK(a.issues[i].message == b.issues[i].message);
    CHECK(a.issues[i].raw_row == b.issues[i].raw_row);
    CHECK(a.issues[i].rejected == b.issues[i].rejected);
  }
  CHECK(a.customer_alias == b.customer_alias);
  CHECK(a.OrderIndex() == b.OrderIndex());
  CHECK(a.product_by_key == b.product_by_key);
  CHECK(a.feedback_keys == b.feedback_keys);
}

}  // namespace rapport::test
