// MergeBatch: folds one import's ImportBatch into the workspace (DESIGN §2, "Identity").
//
// Identity: a row's identifiers become aliases "email:<addr>", "phone:<digits>", "id:<platform>:<id>".
// The first alias already known (in that order) names the customer; otherwise a new customer is created
// whose key is the email alias, else the phone alias, else the platform id alias. Either way the customer
// gains the row's other aliases (an alias already owned by another customer stays with it), and empty
// names, country, tags and marketing consent are filled in; existing values are never overwritten.
//
// Orders whose key ("<platform>:<id>") is already present are skipped and counted as duplicates, so
// importing the same file twice adds nothing. Order lines get their product by key "sku:<sku>", else
// "title:<lower-cased title>" (a product is created when new). Reviews, tickets and surveys are attached to
// an existing customer by identity only; unmatched rows are kept with customer kNoId and get a warning
// (ImportIssue with rejected = false, code "unmatched_customer").
//
// The returned MergeDelta says what changed (table sizes before the merge, existing rows that were
// updated, aliases added), so Store::AppendImport writes exactly the new rows. MergeBatch itself cannot
// fail; when the write does, the engine reloads the workspace from the store.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/import/batch.h"
#include "core/workspace/workspace.h"

namespace rapport {

// Row counts of every table (and dictionary) at one moment.
struct TableSizes {
  size_t customers = 0, orders = 0, lines = 0, products = 0, reviews = 0, tickets = 0, surveys = 0;
  size_t imports = 0, issues = 0;
  size_t currencies = 0, countries = 0, labels = 0;
};
TableSizes CaptureSizes(const Workspace& workspace);

// The aliases a merge added (alias -> customer), in the order added: entries [from, to) of the workspace's
// customer_alias, which keeps its entries in insertion order, read in place rather than copied. Iterating
// gives KeyIndex::Entry {first = alias, second = customer}. Valid while that workspace lives and its indexes
// are not rebuilt (Store::AppendImport reads it right after the merge).
struct AliasRange {
  const KeyIndex* index = nullptr;
  size_t from = 0, to = 0;
  KeyIndex::const_iterator begin() const { return {index, from}; }
  KeyIndex::const_iterator end() const { return {index, to}; }
  size_t size() const { return to - from; }
  bool empty() const { return to == from; }
};

struct MergeDelta {
  TableSizes before;
  std::vector<uint32_t> updated_customers;  // pre-existing customers whose fields changed, ascending
  std::vector<uint32_t> updated_products;   // pre-existing products whose fields changed, ascending
  AliasRange new_aliases;                   // alias -> customer, in the order added
};

// What one import's slices added up to so far (MergeSlice fills it, FinishMerge turns it into the record).
struct MergeTotals {
  size_t customers_before = SIZE_MAX;      // customers before the import's first slice (set by MergeSlice)
  size_t aliases_before = SIZE_MAX;        // customer aliases before it (set by MergeSlice)
  std::vector<uint8_t> merged_seen;        // pre-existing customers already counted as merged
  uint64_t orders_added = 0, duplicates = 0, customers_added = 0, customers_merged = 0;
  int32_t first_day = kNoDay, last_day = kNoDay;
  std::vector<uint32_t> currency_ids;
  // The "unmatched_customer" warnings of the feedback rows merged so far, (line, "review" / "ticket" / "survey"),
  // stored by FinishMerge after the issues of every slice: a sliced import then lists its issues in the one-batch
  // import's order (the file's issues in file order, then the warnings).
  std::vector<std::pair<uint64_t, const char*>> unmatched;
  // A hint from the caller: how many orders the whole import holds (0 = unknown). A slice then reserves the
  // workspace's order and line columns and the order-key index for the orders still to come, so they grow
  // once rather than once per slice; from the second slice on, the customer columns and the alias index are
  // reserved for the orders still to come at the rate of customers (aliases) per order seen so far. Wrong only
  // costs memory or a regrowth; results do not depend on it.
  size_t expected_orders = 0;
  // The caller drops the order rows after each slice is written (Workspace::DropOrderRows): the order and line
  // columns are then reserved for the slice alone, their buffers reused slice after slice (the order-key index
  // is still reserved for the whole import).
  bool drops_order_rows = false;
  // Sets expected_orders from the orders merged so far plus `slice_orders`, scaled from the bytes read so far
  // to the file's size, +5 % (nothing when either is unknown). Called before each slice is merged.
  void ExpectFromBytes(size_t slice_orders, uint64_t bytes_consumed, uint64_t total_bytes) {
    if (total_bytes == 0 || bytes_consumed == 0) return;
    expected_orders = static_cast<size_t>(1.05 * static_cast<double>(orders_added + duplicates + slice_orders) *
                                          static_cast<double>(total_bytes) / static_cast<double>(bytes_consumed));
  }
};

// Appends `batch` to `*workspace` as import `import_id`, fills the merge counts of `*record`
// (orders added / duplicates, customers added / merged, date range, currencies, row counts) and appends
// the record to workspace->imports. REQUIRES: record->id == import_id.
// Same as MergeSlice(batch) then FinishMerge(batch).
MergeDelta MergeBatch(const ImportBatch& batch, uint32_t import_id, Workspace* workspace, ImportRecord* record);

// A large import in slices: MergeSlice for each slice in file order (the delta says what to write for that
// slice), then FinishMerge with the last batch (its rows_read, ... are the file's totals). The result equals
// MergeBatch of the whole batch. FinishMerge appends the import's "unmatched_customer" warnings to the issues:
// write the last slice's delta after it (the delta's rows run to the end of the workspace's tables).
MergeDelta MergeSlice(const ImportBatch& slice, uint32_t import_id, Workspace* workspace, MergeTotals* totals);
void FinishMerge(const ImportBatch& last, const MergeTotals& totals, uint32_t import_id, Workspace* workspace,
                 ImportRecord* record);

}  // namespace rapport
