// The slim demo export (`rapport demo --slim`): only the columns the Shopify orders importer reads, so the
// importer must get exactly what it gets from the full 79-column file; and --max-lines ends both the export
// and the transactions file at the same whole order.
#include <catch2/catch.hpp>

#include <string>

#include "core/demo/generator.h"
#include "core/import/parse.h"

namespace rapport {
namespace {

std::string Orders(const demo::DemoOptions& options, demo::DemoSummary* summary = nullptr) {
  std::string out;
  auto result = demo::GenerateShopifyOrders(options, [&](std::string_view b) { out.append(b); });
  REQUIRE(result.ok());
  if (summary) *summary = *result;
  return out;
}

size_t CountLines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST_CASE("slim export: the importer reads the same orders, lines and identities as from the full file", "[demo]") {
  demo::DemoOptions options;
  options.customers = 400;
  options.seed = 9;
  demo::DemoSummary full_summary, slim_summary;
  const std::string full = Orders(options, &full_summary);
  options.slim = true;
  const std::string slim = Orders(options, &slim_summary);
  CHECK(slim.size() < full.size() * 2 / 3);
  CHECK(slim_summary.orders == full_summary.orders);
  CHECK(slim_summary.line_items == full_summary.line_items);
  CHECK(slim_summary.bytes == slim.size());
  // The header: 33 names, each one of the full header's.
  const std::string header = slim.substr(0, slim.find('\n'));
  size_t commas = 0;
  for (char c : header) commas += c == ',';
  CHECK(commas == 32);

  auto a = ParseBytes(full, "full.csv");
  auto b = ParseBytes(slim, "slim.csv");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(b->rows_read == a->rows_read);
  CHECK(b->rows_rejected == a->rows_rejected);
  REQUIRE(b->orders.key.size() == a->orders.key.size());
  for (size_t i = 0; i < a->orders.key.size(); ++i) {
    INFO("order " << a->orders.name[i]);
    CHECK(b->orders.key[i] == a->orders.key[i]);
    CHECK(b->orders.who.email[i] == a->orders.who.email[i]);
    CHECK(b->orders.who.phone[i] == a->orders.who.phone[i]);
    CHECK(b->orders.who.first_name[i] == a->orders.who.first_name[i]);
    CHECK(b->orders.created[i].day == a->orders.created[i].day);
    CHECK(b->orders.created[i].seconds == a->orders.created[i].seconds);
    CHECK(b->orders.total_cents[i] == a->orders.total_cents[i]);
    CHECK(b->orders.refunded_cents[i] == a->orders.refunded_cents[i]);
    CHECK(b->orders.discount_cents[i] == a->orders.discount_cents[i]);
    CHECK(b->orders.flags[i] == a->orders.flags[i]);
    CHECK(b->orders.financial_status[i] == a->orders.financial_status[i]);
    CHECK(b->orders.source[i] == a->orders.source[i]);
    CHECK(b->orders.country[i] == a->orders.country[i]);
    CHECK(b->orders.line_count[i] == a->orders.line_count[i]);
    if (b->orders.key[i] != a->orders.key[i]) break;
  }
  CHECK(b->lines.unit_price_cents == a->lines.unit_price_cents);
  CHECK(b->lines.quantity == a->lines.quantity);
  for (size_t i = 0; i < a->lines.order.size(); ++i) {
    CHECK(b->lines.sku[i] == a->lines.sku[i]);
    CHECK(b->lines.vendor[i] == a->lines.vendor[i]);
    if (b->lines.sku[i] != a->lines.sku[i]) break;
  }
}

TEST_CASE("max_lines: both files end at the same whole order, a prefix of the unlimited files", "[demo]") {
  demo::DemoOptions options = demo::ScaleOptions(300, 4);
  options.slim = true;
  const std::string whole = Orders(options);
  std::string whole_tx;
  REQUIRE(demo::GenerateTransactions(options, [&](std::string_view b) { whole_tx.append(b); }).ok());
  options.max_lines = 500;
  demo::DemoSummary summary;
  const std::string cut = Orders(options, &summary);
  std::string cut_tx;
  REQUIRE(demo::GenerateTransactions(options, [&](std::string_view b) { cut_tx.append(b); }).ok());
  CHECK(summary.line_items <= 500);
  CHECK(summary.line_items > 490);                    // orders have at most 5 lines
  CHECK(CountLines(cut) == summary.line_items + 1);   // plus the header
  CHECK(whole.compare(0, cut.size(), cut) == 0);      // oldest first: the cut file is a prefix
  CHECK(whole_tx.compare(0, cut_tx.size(), cut_tx) == 0);
  CHECK(cut_tx.size() < whole_tx.size());
  // The transactions file has the cut export's valid orders' lines: no more rows than the export.
  CHECK(CountLines(cut_tx) - 1 <= summary.line_items);
  auto parsed = ParseBytes(cut, "cut.csv");
  REQUIRE(parsed.ok());
  CHECK(parsed->orders.key.size() == summary.orders);
  CHECK(parsed->rows_rejected == 0);
}

}  // namespace
}  // namespace rapport
