// libFuzzer target for the import path (STYLE §10): any bytes, cut into chunks at fuzzer-chosen sizes, through
// ParseSession with detection and again forced to the Shopify orders importer. It must either fail with a
// Status or give a batch whose counts and line ranges are consistent; it must never crash.
// Replayed over tests/fuzz/corpus/import_shopify_fuzz/ in every test run.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/import/parse.h"

namespace {

#define Check(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "%s: check failed: %s (format %s)\n", __FILE__, #cond, format); \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

void Run(std::string_view bytes, size_t chunk, const char* format) {
  rapport::ImportOptions options;
  options.format = format;
  rapport::ParseSession session("fuzz.csv", options);
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    if (!session.Feed(bytes.substr(i, chunk)).ok()) return;
  }
  rapport::Result<rapport::ImportBatch> result = session.Finish();
  if (!result.ok()) return;
  const rapport::ImportBatch& b = *result;
  Check(b.rows_read == b.rows_accepted + b.rows_rejected);
  const auto& o = b.orders;
  const size_t n = o.key.size();
  Check(o.name.size() == n && o.who.size() == n && o.created.size() == n && o.currency.size() == n &&
        o.total_cents.size() == n && o.flags.size() == n && o.first_line.size() == n && o.line_count.size() == n &&
        o.line.size() == n && o.country.size() == n && o.fulfilled_day.size() == n);
  uint64_t lines = 0;
  for (size_t i = 0; i < n; ++i) {
    Check(o.first_line[i] == lines);
    Check(o.created[i].valid());
    lines += o.line_count[i];
  }
  Check(lines == b.lines.order.size() && b.lines.sku.size() == lines && b.lines.quantity.size() == lines);
  for (const rapport::ImportIssue& issue : b.issues) Check(!issue.code.empty() && !issue.message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size (1..256 bytes, or everything at once).
  const size_t chunk = data[0] == 0 ? size : data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  Run(bytes, chunk, "auto");
  Run(bytes, chunk, "shopify_orders");
  Run(bytes, chunk, "generic_transactions");
  return 0;
}
