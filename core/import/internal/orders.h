// Helpers shared by the one-row-per-order importers of other platforms (WooCommerce, Magento, BigCommerce,
// Yotpo): a reject/warn vocabulary bound to one header, money and date cells that record an issue naming
// line and column when they do not parse, appending an order and its lines to the batch, and the
// once-per-file "timezone assumed" warning for exports whose dates carry no UTC offset (FORMATS.md §9).
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/import/batch.h"
#include "core/import/header.h"
#include "core/import/importer.h"
#include "core/io/csv/reader.h"
#include "core/util/date.h"

namespace rapport::import_internal {

// Everything one order row contributes (views valid for the call only).
struct OrderFields {
  std::string_view key, name, email, phone, platform_id, first_name, last_name;
  Timestamp created;
  std::string_view currency;
  int64_t subtotal = 0, discount = 0, shipping = 0, tax = 0, total = 0, refunded = 0;
  uint8_t flags = 0;
  std::string_view financial_status, fulfillment_status, source, discount_code, country;
  int32_t fulfilled_day = kNoDay;
  int8_t accepts_marketing = -1;
  uint64_t line = 0;
};

// Appends an order (no lines yet); returns its index.
uint32_t AppendOrder(ImportBatch* batch, const OrderFields& f);
// Appends a line to the last order of the batch.
void AppendLine(ImportBatch* batch, std::string_view sku, std::string_view title, std::string_view vendor,
                int32_t quantity, int64_t unit_price_cents, int64_t discount_cents);

// "Ann Smith" -> "Ann", "Smith"; one word -> first name only.
void SplitName(std::string_view person, std::string_view* first, std::string_view* last);

// The columns of one file, and issues phrased with their header names.
class Cells {
 public:
  HeaderIndex header;
  size_t columns = 0;
  std::string file_name;

  void Reset(const CsvRecord& first, const std::string& name) {
    header.Reset(first);
    columns = first.size();
    file_name = name;
    labels_.clear();
    shapes_.clear();
  }
  // The mapped column (when the mapping names one) or the first of `names` present.
  int Pick(const std::string& mapped, std::initializer_list<std::string_view> names) const {
    return mapped.empty() ? header.FindAny(names) : header.Find(mapped);
  }
  // HeaderIndex::Label, "" for -1; made once a column (an issue's field and message name it: no copy an issue).
  const std::string& Label(int column) const;

  // "<file>:<line>:1: missing column `X`: <what the export looks like> (found ...)".
  Status Missing(const CsvRecord& first, std::string_view column, std::string_view layout) const;
  // A rejected row (counts it).
  void Reject(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string_view message) const;
  void Warn(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string_view message) const;
  // Rejects a row whose field count differs from the header's; true when it was rejected.
  bool RejectRagged(ImportBatch* b, const CsvRecord& r) const;

  // Money cell: empty -> 0 unless required. On failure records an issue (rejecting when `reject`), false.
  bool Money(ImportBatch* b, const CsvRecord& r, int column, bool required, char decimal, int64_t* cents,
             bool reject, const char* consequence) const;
  // Date cell in `format`; `example` goes into the message. On failure rejects the row, false.
  bool Date(ImportBatch* b, const CsvRecord& r, int column, DateFormat format, const char* example,
            Timestamp* out) const;
  // Reject() and Warn() with the message "`<label>`: <text...><Quoted(cell), or nothing when empty><after>". Its
  // shape (IssueShape) is made the first time and found again by column, code and text, so a file of bad rows
  // builds no message.
  void RejectCell(ImportBatch* b, const CsvRecord& r, int column, const char* code,
                  std::initializer_list<std::string_view> text, std::string_view cell, std::string_view after) const;
  void WarnCell(ImportBatch* b, const CsvRecord& r, int column, const char* code,
                std::initializer_list<std::string_view> text, std::string_view cell, std::string_view after) const;

 private:
  // The shape of that message for a cell (quoted), or for an empty one ("nothing").
  const IssueShape& CellShape(int column, const char* code, bool rejected, std::initializer_list<std::string_view> text,
                              bool nothing, std::string_view after) const;
  struct CellShapeKey {
    int column;
    std::string code, text, after;  // text: the parts joined
    bool rejected, nothing;
    IssueShape shape;
  };

  mutable std::deque<std::string> labels_;  // by column, made when first asked (a deque: references stay valid)
  mutable std::vector<CellShapeKey> shapes_;
  mutable std::string message_;
};

// Once per file (guarded by *noted): a warning that the dates carry no UTC offset, so the written date is
// taken as the store-local day and the time as store-local wall time.
void NoteAssumedTimezone(ImportBatch* b, const CsvRecord& r, int column, const Cells& cells, bool* noted);

// Order status text to flags: cancelled/canceled/declined -> kOrderCancelled, failed/voided -> kOrderVoided.
uint8_t FlagsFromStatus(std::string_view status);
// Lower-cases and turns spaces into '_' ("On Hold" -> "on_hold"); drops a "wc-" prefix.
void StatusSlugTo(std::string_view status, std::string* out);

}  // namespace rapport::import_internal
