// The importer interface and the registry of formats, each recognised from its header row.
//
// An importer turns CSV records into ImportBatch rows. It never aborts on a bad row: it appends an
// ImportIssue (file, line, column, field, code, message, raw row) and goes on (STYLE §5). Fatal problems
// (required columns missing) come back from Begin() as a Status naming file, line and column.
//
// Adding a format: write core/import/<platform>/<kind>.cpp with a factory and a header score, and list it
// in registry.cpp. docs/formats/<platform>.md describes the export as it really is.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/import/batch.h"
#include "core/io/csv/reader.h"
#include "core/util/date.h"
#include "core/util/status.h"

namespace rapport {

// A column mapping for generic files (and overrides for any file): which column holds what.
// A column is given by header name (case-insensitive) or by 1-based index ("#3").
struct ColumnMapping {
  std::string customer, email, phone, date, amount, order, sku, title, quantity, currency;
  std::string rating, score, comment, status, channel, csat;
  bool empty() const {
    return customer.empty() && email.empty() && phone.empty() && date.empty() && amount.empty() && order.empty() &&
           sku.empty() && title.empty() && quantity.empty() && currency.empty() && rating.empty() &&
           score.empty() && comment.empty() && status.empty() && channel.empty() && csat.empty();
  }
};

// The roles of a ColumnMapping by name, in declaration order ("customer", "email", ..., "csat"), and the
// field of a role (nullptr for an unknown name). One spelling for the CLI's --map, the JSON options and
// saved mappings.
const std::vector<std::string_view>& MappingRoles();
std::string* MappingRole(ColumnMapping* mapping, std::string_view role);
const std::string* MappingRole(const ColumnMapping& mapping, std::string_view role);

struct ImportOptions {
  // "auto" detects from the header; otherwise a format name from Importers() ("shopify_orders", ...).
  std::string format = "auto";
  ColumnMapping mapping;
  // Dates: kAuto tries ISO forms and YYYYMMDD; set dmy / mdy where the file needs it.
  DateFormat date_format = DateFormat::kAuto;
  char decimal_separator = '.';
  // Currency for files that do not say (generic transactions). Default "USD".
  std::string currency = "USD";
  // Whether the first record is a header. -1 = decide from the data (a first row of numbers and dates is data).
  int has_header = -1;
};

class Importer {
 public:
  virtual ~Importer() = default;
  // Called with the first record. If the importer decides the file has no header, it must treat
  // `first` as data as well. A Status error (missing required columns) ends the import.
  virtual Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch* batch) = 0;
  virtual void OnRecord(const CsvRecord& record, ImportBatch* batch) = 0;
  // End of input: flush any pending order.
  virtual Status End(ImportBatch* batch) = 0;
  // True when every order in the batch but the last is final: later records never touch them, and the
  // importer names the last one only as the batch's last order. The engine may then merge a large file in
  // slices (ParseSession::TakeSlice). Default false (e.g. an importer that groups rows by order key). A
  // customers, reviews, tickets or surveys importer says true when each row is final when read (no pass over
  // the whole file at End()): its batch is then sliced by those rows (SliceUnits, core/import/batch.h). When
  // false, the engine still takes the issues in slices as they come (SplitIssues).
  virtual bool OrdersSliceable() const { return false; }
  // Called by ParseSession::TakeSlice just before a slice is taken: an importer that gives the columns it
  // never fills their rows only at End() (lazy defaults) gives them now, so the slice has every row.
  virtual void BeforeSlice(ImportBatch* /*batch*/) {}
};

struct ImporterInfo {
  const char* format;    // "shopify_orders"
  const char* platform;  // "Shopify"
  const char* kind;      // "orders", "customers", "products", "reviews", "tickets", "surveys", "transactions"
  const char* label;     // "Shopify orders export"
  // 0 = not this format; higher = more confident. Looks at header names only.
  int (*score)(const CsvRecord& header);
  std::unique_ptr<Importer> (*create)(const ImportOptions& options);
};

const std::vector<ImporterInfo>& Importers();
// The best-scoring importer for a header (or the one named in options.format); nullptr when none.
const ImporterInfo* DetectImporter(const CsvRecord& header, const ImportOptions& options);
const ImporterInfo* FindImporter(std::string_view format);

}  // namespace rapport
