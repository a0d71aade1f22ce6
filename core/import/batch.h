// ImportBatch: what one file contributed, normalised but not yet merged. Importers fill it row by row
// (no identity resolution, no lookups into the workspace); MergeBatch (core/workspace/merge.h) then
// resolves customers, drops orders already present, and appends to the workspace.
//
// Strings go into BatchText columns (core/import/batch_text.h: one buffer each, 32-bit offsets), so filling a
// batch allocates per column, not per row. Columns a format may leave unfilled are lazy (BatchText, LazyColumn
// in core/workspace/columns.h): they store nothing until their first value that is not the default, so a
// 28-byte transactions row costs only the fields it has. Read them with the const accessors (a mutable
// operator[] stores the column).
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/import/batch_text.h"
#include "core/util/date.h"
#include "core/workspace/columns.h"
#include "core/workspace/workspace.h"

namespace rapport {

// How a row names its customer; any of the three may be empty. Normalised by the importer
// (NormalizeEmail / NormalizePhone in core/util/text.h); platform_id is "<platform>:<id>".
struct BatchIdentity {
  BatchText email, phone, platform_id, first_name, last_name;
  void Append(std::string_view e, std::string_view p, std::string_view id, std::string_view first, std::string_view last) {
    email.Append(e); phone.Append(p); platform_id.Append(id); first_name.Append(first); last_name.Append(last);
  }
  size_t size() const { return email.size(); }
};

// A column of source lines (for messages): 32 bits a row. A line past 2^32 - 2 (a file of billions of rows)
// is kept beside, in a side list, so every line reads back as it was pushed. Reads like a std::vector<uint64_t>.
class LineColumn {
 public:
  void push_back(uint64_t line) {
    if (line >= kLong) {
      long_.emplace_back(rows_.size(), line);
      rows_.push_back(kLong);
    } else {
      rows_.push_back(static_cast<uint32_t>(line));
    }
  }
  uint64_t operator[](size_t i) const { return rows_[i] != kLong ? rows_[i] : LongAt(i); }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  size_t capacity() const { return rows_.capacity(); }
  void reserve(size_t n) { rows_.reserve(n); }
  void clear() {
    rows_.clear();
    long_.clear();
  }
  // Keeps the first `n` rows (n <= size()).
  void resize(size_t n) {
    rows_.resize(n);
    while (!long_.empty() && long_.back().first >= n) long_.pop_back();
  }
  bool operator==(const LineColumn& o) const { return rows_ == o.rows_ && long_ == o.long_; }
  bool operator!=(const LineColumn& o) const { return !(*this == o); }

 private:
  static constexpr uint32_t kLong = UINT32_MAX;
  uint64_t LongAt(size_t i) const;
  std::vector<uint32_t> rows_;
  std::vector<std::pair<size_t, uint64_t>> long_;  // (row, line) for lines >= kLong, in row order
};

// An issue whose message an importer knows but for the cell: "`amount`: expected an amount like 12.50, found "
// + Quoted(cell) + "" (quotes_cell), or a text that is the whole message ("... found nothing"). Made once per
// importer (again when its text changes), it is added without building the message or searching it for the cell
// (BatchIssues::AddShaped, import_internal::AddIssue): the issue reads back exactly as if Add() had been given
// the message. Each shape made has its own serial, by which a batch remembers the kind it stored it as.
class IssueShape {
 public:
  IssueShape() = default;
  IssueShape(std::string_view field, std::string_view code, bool rejected, bool quotes_cell, std::string_view before,
             std::string_view after = {});
  const std::string& field() const { return field_; }
  const std::string& code() const { return code_; }
  bool rejected() const { return rejected_; }
  bool quotes_cell() const { return quotes_cell_; }
  const std::string& before() const { return before_; }
  const std::string& after() const { return after_; }
  uint64_t serial() const { return serial_; }
  // The message of an issue of this shape about `cell`.
  void AppendMessage(std::string_view cell, std::string* out) const;

 private:
  std::string field_, code_, before_, after_;
  bool rejected_ = true, quotes_cell_ = false;
  uint64_t serial_ = 0;  // 0: not made
};

// The batch's issues, packed: each issue is 24 bytes of numbers, its raw row in one text buffer (issues of one
// record share it), and its message stored by shape. A file's messages come in few shapes: "`Email`: expected
// an email like name@example.com, found `x`" is the same text around the quoted cell for every row, so an issue
// whose message is such a text around Quoted(its cell) (core/import/internal/common.h), or a text that repeats
// whole ("found nothing"), names a shared kind (its field, code, rejected flag and the text around the hole),
// and the cell is read back from the raw row when the message is built (Get). Other messages are kept as
// written. A file whose rows are mostly bad keeps one issue per row, so an issue costs its raw row and ~28
// bytes, with no allocation of its own; Get() gives exactly the message that was added.
// Get(i) builds an ImportIssue (MergeBatch does, once per issue). The vector-like reads (operator[],
// iteration, back()) build every issue once into a list kept beside the packed one, so references stay
// valid as in a std::vector until the next change; they are for tests and small batches.
class BatchIssues {
 public:
  using const_iterator = std::vector<ImportIssue>::const_iterator;

  // An issue of row `line` (column 1-based, 0 = the whole row). `cell`, when not null, is the record's field at
  // `column`: a message that quotes it is then stored by its shape. REQUIRES with a cell: `raw_row` is the
  // record as CsvRecord::AppendRaw writes it (fields joined by ',', quoted when they hold ',', '"' or a line
  // break), so that RawField(raw_row, column - 1) is the cell (import_internal::AddIssue passes both).
  void Add(uint64_t line, uint32_t column, uint64_t byte_offset, std::string_view field, std::string_view code,
           std::string_view message, std::string_view raw_row, bool rejected, const std::string_view* cell = nullptr);
  // True when the last issue was added by Add() for the record at `byte_offset`: a further issue of the same
  // record (two bad cells) can then share its raw row (AddOnSameRow) instead of storing it again.
  bool LastAddedAt(uint64_t byte_offset) const { return last_added_at_ == byte_offset; }
  void AddOnSameRow(uint64_t line, uint32_t column, std::string_view field, std::string_view code,
                    std::string_view message, bool rejected, const std::string_view* cell = nullptr);
  // Add() and AddOnSameRow() of the message `shape` makes of `cell` (the text it quotes), `field_cell` as Add's
  // `cell`. When the shape quotes the record's field itself (cell == *field_cell), no message is built.
  void AddShaped(uint64_t line, uint32_t column, uint64_t byte_offset, std::string_view raw_row,
                 const IssueShape& shape, std::string_view cell, const std::string_view* field_cell);
  void AddShapedOnSameRow(uint64_t line, uint32_t column, const IssueShape& shape, std::string_view cell,
                          const std::string_view* field_cell);
  // The raw row of the last issue. REQUIRES: !empty().
  std::string_view last_raw_row() const { return raw_rows_[numbers_.back().raw]; }
  void push_back(const ImportIssue& issue);
  ImportIssue Get(size_t i) const;
  size_t size() const { return numbers_.size(); }
  bool empty() const { return numbers_.empty(); }
  const ImportIssue& operator[](size_t i) const { return Built()[i]; }
  const ImportIssue& back() const { return Built().back(); }
  const_iterator begin() const { return Built().begin(); }
  const_iterator end() const { return Built().end(); }
  // Room for `rows` issues whose messages (those kept as written) and raw rows take `message_bytes` and
  // `raw_bytes`.
  void Reserve(size_t rows, size_t message_bytes, size_t raw_bytes);
  size_t message_bytes() const { return messages_.bytes(); }
  size_t raw_bytes() const { return raw_rows_.bytes(); }
  // Empties the list, keeping its buffers.
  void clear();
  // A buffer the caller may build a raw row in before passing it to Add (kept between issues, so a file of
  // bad rows does not allocate one string per row). Its contents are the caller's.
  std::string* scratch() { return &scratch_; }

  // Field `index` (0-based) of a raw row as CsvRecord::AppendRaw writes it (unquoted); "" past its last field.
  static std::string RawField(std::string_view raw_row, size_t index);

 private:
  // What issues of one shape share: field, code, rejected flag and import id, and how the message is made.
  struct Kind {
    uint32_t field, code, import_id;  // field and code: ids in names_
    bool rejected;
    enum Message : uint8_t { kKept, kWhole, kAroundCell } message;  // kept in messages_; `before`; around the cell
    std::string before, after;        // kWhole: the message; kAroundCell: the text before and after Quoted(cell)
  };
  struct Numbers {
    uint64_t byte_offset;
    uint32_t line;    // kLongLine: in long_lines_
    uint32_t column;
    uint32_t raw;     // row of raw_rows_ (issues of one record share it)
    uint32_t kind;    // in kinds_
  };
  static constexpr uint32_t kLongLine = UINT32_MAX;
  // Past this many kinds, new shapes are kept as written (a file whose messages hold more than the cell).
  static constexpr size_t kMaxKinds = 4096;

  void Push(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw, std::string_view field,
            std::string_view code, std::string_view message, bool rejected, uint32_t import_id,
            const std::string_view* cell);
  // Push() of a shaped issue: its kind found by the shape's serial (made the first time), the message built and
  // pushed as written only past kMaxKinds.
  void PushShaped(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw, const IssueShape& shape,
                  std::string_view cell, const std::string_view* field_cell);
  // Stores the issue's numbers (its kind made; `kept`: its message when the kind is kKept, else "").
  void PushNumbers(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw, uint32_t kind,
                   std::string_view kept);
  // Id of a kind, added when new (kNoKind past kMaxKinds).
  uint32_t KindOf(uint32_t field, uint32_t code, uint32_t import_id, bool rejected, Kind::Message how,
                  std::string_view before, std::string_view after);
  static constexpr uint32_t kNoKind = UINT32_MAX;
  // Id of a field name or code in names_ (a linear look at the few kept, else the dictionary).
  uint32_t Name(std::string_view name);
  const std::vector<ImportIssue>& Built() const;

  std::vector<Numbers> numbers_;
  BatchText messages_, raw_rows_;           // messages_: one row per issue, empty unless its kind is kKept
  Dictionary names_;
  std::vector<Kind> kinds_;
  Dictionary kind_keys_;                    // a kind's bytes -> its id + 1 (id 0 of a Dictionary is "")
  std::string key_scratch_, quoted_scratch_, message_scratch_;
  std::vector<std::pair<uint64_t, uint32_t>> shape_kinds_;  // (IssueShape serial, its kind), in the order met
  std::vector<std::pair<size_t, uint64_t>> long_lines_;  // (issue, line) for lines >= kLongLine, in order
  uint64_t last_added_at_ = UINT64_MAX;  // byte offset of the record of the last Add(), else UINT64_MAX
  mutable std::vector<ImportIssue> built_;  // issues [0, built_.size()) as ImportIssue values
  std::string scratch_;
};

struct ImportBatch {
  // Customers described by a customers export (orders carry their own identity below).
  struct Customers {
    BatchIdentity who;
    BatchText country, tags;
    LazyColumn<int8_t, -1> accepts_marketing;        // 1, 0, -1 unknown
    LazyColumn<int64_t, -1> reported_spent_cents;    // -1 unknown
    LazyColumn<int32_t, -1> reported_orders;         // -1 unknown
    LineColumn line;                           // source line, for messages
  } customers;

  struct Orders {
    BatchText key;                             // "<platform>:<order id or name>", unique per platform
    BatchText name;
    BatchIdentity who;                         // all empty for a guest order
    std::vector<Timestamp> created;
    RunText currency;                          // ISO code, upper-case (runs: mostly one for a file)
    std::vector<int64_t> subtotal_cents, total_cents;
    LazyColumn<int64_t, 0> discount_cents, shipping_cents, tax_cents, refunded_cents;
    LazyColumn<uint8_t, 0> flags;              // OrderFlag bits
    BatchText financial_status, fulfillment_status, source, discount_code, country;
    LazyColumn<int32_t, kNoDay> fulfilled_day; // kNoDay when not fulfilled
    LazyColumn<int8_t, -1> accepts_marketing;  // from the order row, -1 unknown
    LazyColumn<uint32_t, 0> first_line, line_count;  // into `lines`
    LineColumn line;                           // source line of the order's first row
  } orders;

  struct Lines {
    std::vector<uint32_t> order;               // index into `orders`
    BatchText sku, title, vendor;
    std::vector<int32_t> quantity;
    std::vector<int64_t> unit_price_cents;
    LazyColumn<int64_t, 0> discount_cents;
    // When true, a line's empty title reads as its sku (MergeBatch): an importer whose lines are named by the
    // sku when the file gives no title (generic transactions) then stores no title, and the column stays lazy.
    bool untitled_is_sku = false;
  } lines;

  struct Products {
    BatchText sku, title, handle, url, image_url, vendor, category;
    LazyColumn<int64_t, -1> price_cents;       // -1 unknown
  } products;

  struct Reviews {
    BatchText key;                             // dedupe key ("judgeme:<email>:<date>:<product>:<title>")
    BatchIdentity who;
    BatchText product_sku, product_handle, product_title;
    std::vector<int8_t> rating;
    std::vector<int32_t> day;
    BatchText title, body, source;
    LineColumn line;
  } reviews;

  struct Tickets {
    BatchText key;
    BatchIdentity who;
    std::vector<int32_t> day;
    BatchText status, channel;
    LazyColumn<int8_t, -1> csat;               // 1..5, -1 none
    LineColumn line;
  } tickets;

  // Surveys: the columns, and `key` beside them (below), which reads them.
  struct SurveyRows {
    BatchIdentity who;
    std::vector<int32_t> day;
    std::vector<int8_t> score;                 // 0..10
    BatchText comment;
    LineColumn line;
  };
  struct Surveys : SurveyRows {
    // The dedupe keys. key[i] is `written` when the export gives an id ("survey:<id>"), else made from the
    // row: "survey:<email, or platform id without one>:<YYYY-MM-DD>:<repeat>" (repeat counts earlier rows with
    // the same customer and day), so a file of surveys without ids stores 4 bytes a row for its keys.
    class Keys {
     public:
      BatchText written;                         // "" for a key made from the row
      LazyColumn<uint32_t, UINT32_MAX> repeat;   // UINT32_MAX: the key is `written`
      size_t size() const { return written.size(); }
      std::string operator[](size_t i) const;
      // A key written whole.
      void Append(std::string_view k) {
        written.Append(k);
        repeat.push_back(UINT32_MAX);
      }
      // The same keys, row by row.
      bool operator==(const Keys& o) const;

     private:
      friend struct Surveys;
      const SurveyRows* rows_ = nullptr;  // the Surveys holding this column
    };
    Keys key;
    Surveys() { key.rows_ = this; }
    Surveys(const Surveys& o) : SurveyRows(o), key(o.key) { key.rows_ = this; }
    Surveys(Surveys&& o) noexcept : SurveyRows(std::move(o)), key(std::move(o.key)) { key.rows_ = this; }
    Surveys& operator=(const Surveys& o) {
      SurveyRows::operator=(o);
      key.written = o.key.written;
      key.repeat = o.key.repeat;
      return *this;
    }
    Surveys& operator=(Surveys&& o) noexcept {
      SurveyRows::operator=(std::move(o));
      key.written = std::move(o.key.written);
      key.repeat = std::move(o.key.repeat);
      return *this;
    }
  } surveys;

  BatchIssues issues;                          // import_id filled at merge
  uint64_t rows_read = 0;                      // data records (header excluded)
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
};

// Moves the first `k` orders of `from` (with their lines) and all of its issues into `*head`; the orders
// left in `from` are renumbered from 0 (their lines' `order` and their `first_line` with them). Counters
// (rows_read, ...) stay in `from`. The engine uses it to merge a large orders export in slices
// (ParseSession::TakeSlice) so the whole file's batch is never held at once. `head` is emptied first
// (RecycleBatch) and its old buffers take the rows left in `from`: a caller that passes the same `head` for
// every slice reuses the buffers instead of growing new ones for each slice.
void SplitOrders(ImportBatch* from, size_t k, ImportBatch* head);

// The rows a batch is sliced by (ParseSession::TakeSlice): its orders; in a batch without orders, the one
// table its importer fills (a customers export's customers; a feedback file's reviews, tickets or surveys).
size_t SliceUnits(const ImportBatch& batch);
// Moves the first `k` of those rows into `*head` as SplitOrders does (for the other tables: their rows and all
// of the issues; counters stay in `from`; the same `head` passed each time reuses its buffers).
void SplitSlice(ImportBatch* from, size_t k, ImportBatch* head);
// Moves every issue of `from` into `*head` (emptied first, as by SplitSlice) and nothing else: the slice of a
// batch whose rows cannot be sliced (an importer whose later rows change earlier ones), so that its issues
// (the raw rows of a file's bad rows) are merged as they come instead of held to the end. Merged in file
// order, the issues are stored as the one-batch import stores them.
void SplitIssues(ImportBatch* from, ImportBatch* head);

// Reserves every non-empty column for `scale` times the rows (and text bytes) it holds now, so that it grows
// once when the input is `scale` times what was read so far (ParseSession::ExpectBytes). A column that is
// still lazy only records the hint. An estimate too small just means the usual doubling after it; too large,
// unused capacity (address space natively; memory in WebAssembly). No-op when scale <= 1.
void ReserveBatch(ImportBatch* batch, double scale);

// Reserves the orders' columns (those not lazy) for `more` rows beyond those they hold, text at the rows' mean
// length: an importer that appends orders at End() (WooCommerce refunds of orders outside the file) grows
// them once, instead of doubling columns that ReserveBatch sized for the rows read.
void ReserveMoreOrders(ImportBatch* batch, size_t more);

// Empties every table, the issues and the counters, keeping the columns' buffers for reuse.
void RecycleBatch(ImportBatch* batch);

}  // namespace rapport
