// ImportBatch: what one file contributed, normalised but not yet merged. Importers fill it row by row
// (no identity resolution, no lookups into the workspace); MergeBatch (core/workspace/merge.h) then
// resolves customers, drops orders already present, and appends to the workspace.
//
// Strings go into StringColumns (one buffer each), so filling a batch allocates per column, not per row.
#pragma once

#include <cstdint>
#include <vector>

#include "core/util/date.h"
#include "core/workspace/columns.h"
#include "core/workspace/workspace.h"

namespace rapport {

// How a row names its customer; any of the three may be empty. Normalised by the importer
// (NormalizeEmail / NormalizePhone in core/util/text.h); platform_id is "<platform>:<id>".
struct BatchIdentity {
  StringColumn email, phone, platform_id, first_name, last_name;
  void Append(std::string_view e, std::string_view p, std::string_view id, std::string_view first, std::string_view last) {
    email.Append(e); phone.Append(p); platform_id.Append(id); first_name.Append(first); last_name.Append(last);
  }
  size_t size() const { return email.size(); }
};

struct ImportBatch {
  // Customers described by a customers export (orders carry their own identity below).
  struct Customers {
    BatchIdentity who;
    StringColumn country, tags;
    std::vector<int8_t> accepts_marketing;     // 1, 0, -1 unknown
    std::vector<int64_t> reported_spent_cents; // -1 unknown
    std::vector<int32_t> reported_orders;      // -1 unknown
    std::vector<uint64_t> line;                // source line, for messages
  } customers;

  struct Orders {
    StringColumn key;                          // "<platform>:<order id or name>", unique per platform
    StringColumn name;
    BatchIdentity who;                         // all empty for a guest order
    std::vector<Timestamp> created;
    StringColumn currency;                     // ISO code, upper-case
    std::vector<int64_t> subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, refunded_cents;
    std::vector<uint8_t> flags;                // OrderFlag bits
    StringColumn financial_status, fulfillment_status, source, discount_code, country;
    std::vector<int32_t> fulfilled_day;        // kNoDay when not fulfilled
    std::vector<int8_t> accepts_marketing;     // from the order row, -1 unknown
    std::vector<uint32_t> first_line, line_count;  // into `lines`
    std::vector<uint64_t> line;                // source line of the order's first row
  } orders;

  struct Lines {
    std::vector<uint32_t> order;               // index into `orders`
    StringColumn sku, title, vendor;
    std::vector<int32_t> quantity;
    std::vector<int64_t> unit_price_cents, discount_cents;
  } lines;

  struct Products {
    StringColumn sku, title, handle, url, image_url, vendor, category;
    std::vector<int64_t> price_cents;          // -1 unknown
  } products;

  struct Reviews {
    StringColumn key;                          // dedupe key ("judgeme:<email>:<date>:<product>:<title>")
    BatchIdentity who;
    StringColumn product_sku, product_handle, product_title;
    std::vector<int8_t> rating;
    std::vector<int32_t> day;
    StringColumn title, body, source;
    std::vector<uint64_t> line;
  } reviews;

  struct Tickets {
    StringColumn key;
    BatchIdentity who;
    std::vector<int32_t> day;
    StringColumn status, channel;
    std::vector<int8_t> csat;                  // 1..5, -1 none
    std::vector<uint64_t> line;
  } tickets;

  struct Surveys {
    StringColumn key;
    BatchIdentity who;
    std::vector<int32_t> day;
    std::vector<int8_t> score;                 // 0..10
    StringColumn comment;
    std::vector<uint64_t> line;
  } surveys;

  std::vector<ImportIssue> issues;             // import_id filled at merge
  uint64_t rows_read = 0;                      // data records (header excluded)
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
};

// Moves the first `k` orders of `from` (with their lines) and all of its issues into `*head`, which must be
// empty; the orders left in `from` are renumbered from 0 (their lines' `order` and their `first_line` with
// them). Counters (rows_read, ...) stay in `from`. The engine uses it to merge a large orders export in
// slices (ParseSession::TakeSlice) so the whole file's batch is never held at once.
void SplitOrders(ImportBatch* from, size_t k, ImportBatch* head);

}  // namespace rapport
