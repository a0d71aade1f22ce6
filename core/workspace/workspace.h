// The workspace: a store's normalised data (DESIGN §2) held as columns in memory, with its SQLite image
// (core/workspace/store.h) as the durable copy. Analyses take `const Workspace&` and never run SQL.
//
// Rows are identified by dense uint32_t ids (their index in the table). Money is int64_t minor units
// (cents) in the order's currency; dates are store-local days (core/util/date.h).
//
// Importers do not write here directly: they fill an ImportBatch (core/import/batch.h), and
// MergeBatch() resolves identities, drops rows already present and appends the rest (workspace.cpp).
//
// Thread-safety: none; one workspace belongs to one thread (the Web Worker, or the CLI).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/util/date.h"
#include "core/workspace/columns.h"
#include "core/workspace/key_index.h"
#include "core/workspace/settings.h"
#include "core/workspace/text_column.h"

namespace rapport {

// The customers' and orders' text is packed (TextColumn, core/workspace/text_column.h: one buffer per column,
// rows read as std::string_view); the smaller tables keep a std::string per row.
struct CustomerTable {
  TextColumn key;                        // identity key: "email:<addr>", "phone:<digits>" or "id:<platform>:<id>"
  TextColumn email;                      // normalised (lower-case), may be empty
  TextColumn phone;                      // normalised digits, may be empty
  TextColumn platform_id;                // "<platform>:<id>", may be empty
  TextColumn first_name, last_name;
  std::vector<uint32_t> country;         // Dictionary id in Workspace::countries (ISO-2 or name as exported)
  TextColumn tags;                       // comma-separated as exported
  std::vector<int8_t> accepts_marketing; // 1 yes, 0 no, -1 unknown
  std::vector<int64_t> reported_spent_cents;  // customers export `Total Spent`, -1 unknown (cross-check only)
  std::vector<int32_t> reported_orders;       // customers export `Total Orders`, -1 unknown
  std::vector<uint32_t> import_id;       // the import that first created the customer
  size_t size() const { return key.size(); }
};

// Order status flags; a valid order has none of them (DESIGN §3).
enum OrderFlag : uint8_t { kOrderCancelled = 1, kOrderTest = 2, kOrderVoided = 4 };

struct OrderTable {
  TextColumn key;                        // "<platform>:<order id or name>": importing the same order twice is a no-op
  TextColumn name;                       // as shown to the merchant ("#1001")
  std::vector<uint32_t> customer;        // CustomerTable id, kNoId for a guest order
  std::vector<int32_t> day;              // store-local day of `Created at`
  std::vector<int32_t> seconds;          // seconds since local midnight
  std::vector<int16_t> offset_minutes;   // UTC offset of the timestamp
  std::vector<uint32_t> currency;        // Dictionary id in Workspace::currencies ("USD")
  std::vector<int64_t> subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, refunded_cents;
  std::vector<uint8_t> flags;            // OrderFlag bits
  std::vector<uint32_t> financial_status;   // Dictionary id in Workspace::labels ("paid", "refunded", ...)
  std::vector<uint32_t> fulfillment_status; // Workspace::labels
  std::vector<int32_t> fulfilled_day;       // kNoDay when not fulfilled
  std::vector<uint32_t> source;             // Workspace::labels ("web", "pos", "tiktok", ...)
  std::vector<uint32_t> discount_code;      // Workspace::labels, 0 = none
  std::vector<uint32_t> country;            // Workspace::countries (shipping, else billing)
  std::vector<uint32_t> first_line;         // lines of order i are [first_line[i], first_line[i] + line_count[i])
  std::vector<uint32_t> line_count;
  std::vector<uint32_t> import_id;
  size_t size() const { return key.size(); }
  bool valid(size_t i) const { return flags[i] == 0; }
  int64_t net_cents(size_t i) const { return total_cents[i] - refunded_cents[i]; }
};

struct OrderLineTable {
  std::vector<uint32_t> order;           // OrderTable id
  std::vector<uint32_t> product;         // ProductTable id
  std::vector<int32_t> quantity;
  std::vector<int64_t> unit_price_cents;
  std::vector<int64_t> discount_cents;   // discount on the whole line
  size_t size() const { return order.size(); }
};

struct ProductTable {
  std::vector<std::string> key;          // "sku:<sku>" else "title:<lower-cased title>"
  std::vector<std::string> sku, title, handle, url, image_url;
  std::vector<uint32_t> vendor;          // Workspace::labels
  std::vector<uint32_t> category;        // Workspace::labels (product type / category path)
  std::vector<int64_t> price_cents;      // -1 unknown
  std::vector<uint32_t> import_id;
  size_t size() const { return key.size(); }
};

struct ReviewTable {
  std::vector<std::string> key;          // dedupe key
  std::vector<uint32_t> customer;        // kNoId when unmatched
  std::vector<uint32_t> product;         // kNoId for shop reviews
  std::vector<int8_t> rating;            // 1..5
  std::vector<int32_t> day;
  std::vector<std::string> title, body;  // kept local
  std::vector<uint32_t> source;          // Workspace::labels ("judgeme", "yotpo")
  std::vector<uint32_t> import_id;
  size_t size() const { return key.size(); }
};

struct TicketTable {
  std::vector<std::string> key;
  std::vector<uint32_t> customer;
  std::vector<int32_t> day;
  std::vector<uint32_t> status, channel; // Workspace::labels
  std::vector<int8_t> csat;              // 1..5, -1 none
  std::vector<uint32_t> import_id;
  size_t size() const { return key.size(); }
};

struct SurveyTable {
  std::vector<std::string> key;
  std::vector<uint32_t> customer;
  std::vector<int32_t> day;
  std::vector<int8_t> score;             // NPS 0..10
  std::vector<std::string> comment;
  std::vector<uint32_t> import_id;
  size_t size() const { return key.size(); }
};

// One row per import: what file, when, what it did. The rejected rows live in ImportIssue rows.
struct ImportRecord {
  uint32_t id = 0;
  std::string file_name;
  std::string format;        // "shopify_orders", "generic_transactions", ...
  std::string imported_at;   // ISO timestamp supplied by the caller (the core reads no clock)
  uint64_t bytes = 0;
  uint64_t rows_read = 0, rows_accepted = 0, rows_rejected = 0;
  uint64_t orders_added = 0, orders_skipped_duplicate = 0;
  uint64_t customers_added = 0, customers_merged = 0;
  int32_t first_day = kNoDay, last_day = kNoDay;
  std::vector<std::string> currencies;
  uint64_t fingerprint = 0;       // of the file bytes, by the hash `fingerprint_kind` names (core/util/text.h)
  std::string fingerprint_kind;  // "wh64" (FileFingerprint) since schema version 2; "fnv1a64" (Fnv1a64) before
};

// A row the importer could not take, with where and why (STYLE §5).
struct ImportIssue {
  uint32_t import_id = 0;
  uint64_t line = 0;         // 1-based physical line
  uint32_t column = 0;       // 1-based field index, 0 = the whole row
  uint64_t byte_offset = 0;
  std::string field;         // column name
  std::string code;          // "bad_date", "bad_amount", "missing_customer", "ragged_row", ...
  std::string message;       // "`Created at`: expected a date like 2024-03-01 10:15:00 -0500, found `03/01/24`"
  std::string raw_row;
  bool rejected = true;      // false for a warning on an accepted row
};

struct Workspace {
  CustomerTable customers;
  OrderTable orders;
  OrderLineTable lines;
  ProductTable products;
  ReviewTable reviews;
  TicketTable tickets;
  SurveyTable surveys;
  Dictionary currencies;     // "USD", "GBP", ...
  Dictionary countries;
  Dictionary labels;         // statuses, sources, channels, vendors, categories, discount codes
  std::vector<ImportRecord> imports;
  std::vector<ImportIssue> issues;
  Settings settings;

  // Identity: every identifier of a customer ("email:..", "phone:..", "id:shopify:123") -> customer id.
  // KeyIndex (core/workspace/key_index.h): open addressing over 64-bit key hashes, keys in one buffer.
  KeyIndex customer_alias;
  KeyIndex product_by_key;
  KeyIndex feedback_keys;  // reviews/tickets/surveys dedupe ("r:..", "t:..", "s:..")

  // Order key -> order id. Only an import's merge looks orders up by key, so after RebuildIndexes the index
  // is built on first use rather than at every open: at 1,000,000 customers its 5.6 M keys were a fifth of
  // opening the workspace and ~300 MB of memory that a session which only browses never needs.
  KeyIndex& OrderIndex() {
    if (!order_index_built_) BuildOrderIndex();
    return order_by_key_;
  }
  const KeyIndex& OrderIndex() const {
    if (!order_index_built_) BuildOrderIndex();
    return order_by_key_;
  }

  // Orders written to the store and then dropped from memory by an import that keeps no order rows
  // (Engine::set_import_keeps_orders(false): the CLI, which exits after the import). `orders` and `lines` then
  // hold only the rows added since, order ids counting on from here (order i of the columns is order
  // orders_dropped + i; OrderTable::first_line indexes the lines held); the order index still has every key.
  // 0 in every workspace an analysis reads: the engine reloads such a workspace before an op.
  size_t orders_dropped = 0;
  // Drops the rows of `orders` and `lines` (written to the store already), keeping their buffers for the next
  // rows and the order index as it is; adds them to orders_dropped.
  void DropOrderRows();

  // Rebuilds the lookup maps from the tables (after loading from SQLite); the order index on first use.
  void RebuildIndexes();
  // The default analysis date: the day of the latest valid order; kNoDay when there is none.
  int32_t LatestValidOrderDay() const;
  // settings.as_of_day if set, else LatestValidOrderDay().
  int32_t AsOf() const;

 private:
  void BuildOrderIndex() const;

  // A cache of the orders' keys (built from them on first use, also through a const workspace).
  mutable KeyIndex order_by_key_;
  mutable bool order_index_built_ = true;  // an empty workspace's empty index is complete
};

}  // namespace rapport
