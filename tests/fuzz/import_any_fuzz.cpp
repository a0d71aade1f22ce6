// libFuzzer target for every importer (STYLE §10): arbitrary bytes through ParseBytes with format "auto"
// (detection picks any importer: Shopify orders/customers/products, WooCommerce, Magento, BigCommerce,
// Judge.me, Yotpo, generic transactions/reviews/tickets/NPS, ...) and again forced to the importer named
// by the first byte, then the batch merged into an empty workspace. Parsing must either fail with a Status
// or give a batch whose columns have consistent lengths and whose counts add up; merging must keep every
// table's columns the same length and every id in range. It must never crash, leak or hit UB.
// Replayed over tests/fuzz/corpus/import_any_fuzz/ in every test run; fuzzed by `make test-fuzz`.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/import/importer.h"
#include "core/import/parse.h"
#include "core/workspace/merge.h"
#include "core/workspace/workspace.h"

namespace {

const char* g_format = "";

#define Check(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: check failed: %s (format %s)\n", __FILE__, __LINE__, #cond, g_format); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

void CheckBatch(const rapport::ImportBatch& b) {
  Check(b.rows_read == b.rows_accepted + b.rows_rejected);
  const auto& o = b.orders;
  const size_t n = o.key.size();
  Check(o.name.size() == n && o.who.size() == n && o.created.size() == n && o.currency.size() == n &&
        o.subtotal_cents.size() == n && o.discount_cents.size() == n && o.shipping_cents.size() == n &&
        o.tax_cents.size() == n && o.total_cents.size() == n && o.refunded_cents.size() == n && o.flags.size() == n &&
        o.first_line.size() == n && o.line_count.size() == n && o.line.size() == n);
  uint64_t lines = 0;
  for (size_t i = 0; i < n; ++i) {
    Check(o.first_line[i] == lines);
    lines += o.line_count[i];
  }
  const auto& l = b.lines;
  Check(lines == l.order.size() && l.sku.size() == lines && l.title.size() == lines && l.quantity.size() == lines &&
        l.unit_price_cents.size() == lines && l.discount_cents.size() == lines);
  for (size_t i = 0; i < l.order.size(); ++i) Check(l.order[i] < n);
  const auto& c = b.customers;
  Check(c.country.size() == c.who.size() && c.accepts_marketing.size() == c.who.size() && c.line.size() == c.who.size());
  const auto& r = b.reviews;
  Check(r.who.size() == r.key.size() && r.rating.size() == r.key.size() && r.day.size() == r.key.size());
  for (int8_t rating : r.rating) Check(rating >= 1 && rating <= 5);
  const auto& t = b.tickets;
  Check(t.who.size() == t.key.size() && t.day.size() == t.key.size() && t.csat.size() == t.key.size());
  const auto& s = b.surveys;
  Check(s.who.size() == s.key.size() && s.day.size() == s.key.size() && s.score.size() == s.key.size());
  for (int8_t score : s.score) Check(score >= 0 && score <= 10);
  Check(b.products.title.size() == b.products.sku.size() && b.products.price_cents.size() == b.products.sku.size());
  for (const rapport::ImportIssue& issue : b.issues) Check(!issue.code.empty() && !issue.message.empty());
}

void CheckWorkspace(const rapport::Workspace& w) {
  const size_t customers = w.customers.size();
  Check(w.customers.email.size() == customers && w.customers.import_id.size() == customers);
  const auto& o = w.orders;
  Check(o.customer.size() == o.size() && o.day.size() == o.size() && o.flags.size() == o.size() &&
        o.first_line.size() == o.size() && o.line_count.size() == o.size());
  for (size_t i = 0; i < o.size(); ++i) {
    Check(o.customer[i] == rapport::kNoId || o.customer[i] < customers);
    Check(static_cast<uint64_t>(o.first_line[i]) + o.line_count[i] <= w.lines.size());
  }
  for (size_t i = 0; i < w.lines.size(); ++i) Check(w.lines.order[i] < o.size() && (w.lines.product[i] == rapport::kNoId || w.lines.product[i] < w.products.size()));
  for (uint32_t c : w.reviews.customer) Check(c == rapport::kNoId || c < customers);
  for (uint32_t c : w.tickets.customer) Check(c == rapport::kNoId || c < customers);
  for (uint32_t c : w.surveys.customer) Check(c == rapport::kNoId || c < customers);
}

void Run(std::string_view bytes, const char* format) {
  g_format = format;
  rapport::ImportOptions options;
  options.format = format;
  rapport::Result<rapport::ImportBatch> batch = rapport::ParseBytes(bytes, "fuzz.csv", options);
  if (!batch.ok()) {
    Check(!batch.status().message().empty());
    return;
  }
  CheckBatch(*batch);
  rapport::Workspace workspace;
  rapport::ImportRecord record;
  record.id = 1;
  rapport::MergeBatch(*batch, 1, &workspace, &record);
  CheckWorkspace(workspace);
  // The same batch again: every row is already there.
  rapport::ImportRecord again;
  again.id = 2;
  const size_t orders = workspace.orders.size();
  rapport::MergeBatch(*batch, 2, &workspace, &again);
  Check(workspace.orders.size() == orders);
  CheckWorkspace(workspace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  Run(bytes, "auto");
  // Byte 0 names a forced importer: i % (importers + 1), the last meaning none.
  const auto& importers = rapport::Importers();
  const size_t pick = data[0] % (importers.size() + 1);
  if (pick < importers.size()) Run(bytes, importers[pick].format);
  return 0;
}
