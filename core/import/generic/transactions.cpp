// Generic transactions: one purchase (or one order line) per row -- customer, date, amount, and optionally
// order, sku, title, quantity, currency. Any delimiter, header or none, columns by name (with synonyms),
// by the options' mapping, or by position. The layouts seen in practice (CDNOW master and sample, the
// Kaggle groceries file) and every rule below are described in docs/formats/generic.md.
//
// The date format of a kAuto file is decided once from the first kSniffRows rows (never per cell):
// those rows are buffered, the column is sniffed, then they are replayed.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/import/internal/sniff.h"
#include "core/util/date.h"
#include "core/util/hash.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

// TrimAscii and StripExcelGuard (core/util/text.h), without the call for the usual cell that has nothing
// to trim and no guard.
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline std::string_view Trim(std::string_view s) {
  return s.empty() || (!IsBlank(s.front()) && !IsBlank(s.back())) ? s : TrimAscii(s);
}
inline std::string_view StripGuard(std::string_view s) {
  return s.empty() || (!IsBlank(s.front()) && !IsBlank(s.back()) && s.front() != '\'') ? s : StripExcelGuard(s);
}

// BatchText::Append, inlined into the row loop (the column's own Append is not inlined there: a call per
// column per row).
inline void Put(BatchText* column, std::string_view s) {
  if (s.empty()) {
    column->AppendEmpty(1);
    return;
  }
  CopyShort(column->BeginAppend(s.size()), s.data(), s.size());  // no libc call for a cell
  column->EndAppend(s.size());
}

// A first record of numbers and dates is data, not a header (the CDNOW sample).
bool LooksLikeData(const CsvRecord& r) {
  if (r.size() < 2) return false;
  size_t filled = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const std::string_view f = TrimAscii(r[i]);
    if (f.empty()) continue;
    ++filled;
    bool digit = false;
    for (char c : f) {
      if (IsDigit(c)) {
        digit = true;
      } else if (c != '.' && c != ',' && c != '-' && c != '/' && c != ':' && c != '+' && c != ' ' && c != '$') {
        return false;
      }
    }
    if (!digit) return false;
  }
  return filled >= 2;
}

// The keys' day text ("2024-03-01") by day, in a small direct-mapped table: a file's dates span a few years,
// so nearly every row finds its day's text instead of converting the day again.
class DayText {
 public:
  // Valid until the next call.
  std::string_view Get(int32_t day) {
    Entry& e = entries_[static_cast<uint32_t>(day) & (kEntries - 1)];
    if (!e.valid || e.day != day) {
      text_.clear();
      AppendDay(&text_, day);
      if (text_.size() > sizeof e.text) return text_;  // out-of-range years: not kept
      e.valid = true;
      e.day = day;
      e.size = static_cast<uint8_t>(text_.size());
      std::memcpy(e.text, text_.data(), text_.size());
    }
    return std::string_view(e.text, e.size);
  }

 private:
  static constexpr size_t kEntries = 2048;
  struct Entry {
    int32_t day = 0;
    bool valid = false;
    uint8_t size = 0;
    char text[10] = {};
  };
  std::vector<Entry> entries_ = std::vector<Entry>(kEntries);
  std::string text_;
};

constexpr std::string_view kPlatformPrefix = "generic:";  // of platform ids and order keys

// The repeat tuple's 64-bit hash, from its parts: the customer's bytes (from the record), the day and the
// amount. Hashing the key just written instead reloads bytes stored piecewise a moment before (the 8-byte
// loads wait on the short stores) and copies the tail through memcpy. Short tails are read as two
// overlapping 4-byte words, or as the first, middle and last byte (the length is mixed in first, so each
// read is one-to-one).
inline uint64_t TupleHash(std::string_view who, int32_t day, int64_t amount) {
  const char* p = who.data();
  size_t n = who.size();
  constexpr uint64_t kMul = 0xFF51AFD7ED558CCDULL;
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
  const auto step = [&h](uint64_t w) {
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    step(w);
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    step(lo | (uint64_t{hi} << 32));
  } else if (n > 0) {
    const auto byte = [&](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    step(byte(0) << 16 | byte(n >> 1) << 8 | byte(n - 1));
  }
  step(static_cast<uint32_t>(day));
  step(static_cast<uint64_t>(amount));
  return Mix64(h);
}

// The repeat numbers of rows without an order id: how many earlier rows had the same (customer, day, amount)
// tuple hash, counted as the rows come (an open-addressing table of hash -> rows so far), so each key is
// written once, final, and a row's key never depends on later rows: the orders can be merged in slices as
// the file streams (OrdersSliceable). A hash collision can only raise a row's repeat number, and the key keeps
// the tuple text, so keys stay unique and deterministic either way. The table holds one entry per distinct
// tuple (16 bytes, at most three quarters full), not one per row; the slot of a row's tuple is prefetched
// while the row is read (with many distinct tuples the table is past the cache).
class RepeatCounter {
 public:
  // Starts loading the slot of `hash` into the cache (for a Next(hash) soon after).
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<size_t>(hash) & (slots_.size() - 1)]);
  }
  // The number of earlier calls with `hash`. REQUIRES: hash != 0 (0 marks a free slot).
  uint32_t Next(uint64_t hash) {
    if (4 * (used_ + 1) > 3 * slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == hash) return s.count++;
      if (s.hash == 0) {
        s.hash = hash;
        s.count = 1;
        ++used_;
        return 0;
      }
    }
  }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t count;
  };
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? size_t{1} << 12 : 2 * old.size(), Slot{0, 0});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = static_cast<size_t>(s.hash) & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

class GenericTransactionsImporter : public Importer {
 public:
  explicit GenericTransactionsImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch* batch) override {
    file_name_ = file_name;
    has_header_ = options_.has_header == 1 || (options_.has_header == -1 && !LooksLikeData(first));
    if (has_header_) {
      header_.Reset(first);
    } else {
      header_.ResetUnnamed(first.size());
    }
    const ColumnMapping& m = options_.mapping;
    Status st;
    const auto resolve = [&](const std::string& mapped, const char* role, std::initializer_list<std::string_view> synonyms,
                             int* out) {
      if (!st.ok()) return;
      if (!mapped.empty()) {
        *out = header_.Find(mapped);
        if (*out < 0) {
          st = InvalidArgument(file_name + ":" + std::to_string(first.line()) + ":1: the mapping names column `" +
                               mapped + "` for " + role + ", but the file has no such column (" +
                               (has_header_ ? "header: " + header_.Preview(8)
                                            : std::to_string(first.size()) + " unnamed columns; use #1..#" +
                                                  std::to_string(first.size())) +
                               ")");
        }
        return;
      }
      *out = has_header_ ? header_.FindAnyLoose(synonyms) : -1;
    };
    resolve(m.customer, "the customer",
            {"customer", "customer_id", "customerid", "member_number", "member", "client", "client_id", "user_id",
             "buyer", "customer_email", "email"},
            &customer_);
    resolve(m.email, "the email", {"email", "customer_email", "e-mail"}, &email_col_);
    resolve(m.phone, "the phone", {"phone", "customer_phone", "mobile"}, &phone_col_);
    resolve(m.date, "the date",
            {"date", "order_date", "created_at", "invoice_date", "transaction_date", "purchase_date", "timestamp",
             "datetime"},
            &date_);
    resolve(m.amount, "the amount",
            {"amount", "total", "dollar_value", "revenue", "sales", "value", "total_amount", "order_total", "spend",
             "price"},
            &amount_);
    resolve(m.order, "the order", {"order", "order_id", "order_number", "invoice", "invoice_no", "transaction_id"},
            &order_);
    resolve(m.sku, "the sku", {"sku", "item", "product", "itemdescription", "product_id", "stockcode", "item_id"},
            &sku_);
    resolve(m.title, "the product title", {"title", "product_name", "description", "item_name"}, &title_);
    resolve(m.quantity, "the quantity", {"quantity", "qty", "number_of_cds", "units"}, &quantity_);
    resolve(m.currency, "the currency", {"currency"}, &currency_);
    RAPPORT_RETURN_IF_ERROR(st);
    if (!has_header_ && m.empty()) {
      // Headerless defaults by column count: the CDNOW sample (master_id sample_id YYYYMMDD n_cds dollars),
      // then customer, date, quantity, amount; then customer, date, amount.
      const size_t n = first.size();
      if (n == 5) {
        customer_ = 0, date_ = 2, quantity_ = 3, amount_ = 4;
      } else if (n == 4) {
        customer_ = 0, date_ = 1, quantity_ = 2, amount_ = 3;
      } else if (n == 3) {
        customer_ = 0, date_ = 1, amount_ = 2;
      }
    }
    if (customer_ < 0) customer_ = email_col_ >= 0 ? email_col_ : phone_col_;
    if (customer_ < 0 || date_ < 0) {
      return InvalidArgument(
          file_name + ":" + std::to_string(first.line()) + ":1: a transactions file needs a customer column " +
          "(customer, customer_id, member_number, client, email) and a date column (date, order_date, created_at); " +
          (has_header_ ? "found " + header_.Preview(8) : std::to_string(first.size()) + " unnamed columns") +
          ". Give a column mapping");
    }
    if (currency_ < 0) UpperTo(options_.currency, &currency_buf_);  // one currency for the whole file
    for (size_t i = 0; i < std::max(header_.size(), first.size()); ++i) {  // the columns' names for messages
      labels_.push_back(header_.Label(i));
      whats_.push_back("`" + labels_.back() + "`");
    }
    has_lines_ = sku_ >= 0 || title_ >= 0;
    batch->lines.untitled_is_sku = true;  // a line without a title is named by its sku (no title stored)
    if (!has_header_) Buffer(first);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    if (decided_) {
      Row(r, b);
      return;
    }
    Buffer(r);
    if (buffered_lines_.size() >= kSniffRows) Decide(b);
  }

  Status End(ImportBatch* b) override {
    if (!decided_) Decide(b);
    FlushKey(b);
    PadDefaults(b);
    if (lines_scattered_) GroupLines(b);
    return Status::Ok();
  }

  // Without an order column every row is an order of its own, final once read (its key's repeat number
  // counts earlier rows only), so the engine may merge the file in slices.
  bool OrdersSliceable() const override { return order_ < 0; }
  void BeforeSlice(ImportBatch* b) override {
    FlushKey(b);
    PadDefaults(b);
  }

 private:
  void Buffer(const CsvRecord& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      pool_.append(r[i].data(), r[i].size());
      field_ends_.push_back(pool_.size());
    }
    record_ends_.push_back(field_ends_.size());
    buffered_lines_.push_back(r.line());
    buffered_offsets_.push_back(r.byte_offset());
  }

  void Decide(ImportBatch* b) {
    decided_ = true;
    // Views into the pool, made once it stops growing.
    std::vector<std::string_view> fields(field_ends_.size());
    size_t start = 0;
    for (size_t i = 0; i < field_ends_.size(); ++i) {
      fields[i] = std::string_view(pool_.data() + start, field_ends_[i] - start);
      start = field_ends_[i];
    }
    date_format_ = options_.date_format;
    if (date_format_ == DateFormat::kAuto) SniffDateFormat(fields, b);
    MakeShapes();
    size_t first_field = 0;
    for (size_t k = 0; k < record_ends_.size(); ++k) {
      CsvRecord r;
      r.fields_ = fields.data() + first_field;
      r.count_ = record_ends_[k] - first_field;
      r.line_ = buffered_lines_[k];
      r.byte_offset_ = buffered_offsets_[k];
      Row(r, b);
      first_field = record_ends_[k];
    }
    pool_.clear();
    pool_.shrink_to_fit();
    field_ends_ = {};
    record_ends_ = {};
    buffered_lines_ = {};
    buffered_offsets_ = {};
  }

  // Day-first or month-first from the whole sample: a first number above 12 anywhere means day-first.
  void SniffDateFormat(const std::vector<std::string_view>& fields, ImportBatch* b) {
    // Every buffered record adds its date (empty when the record is short), so the example's index is its record's.
    DateSniffer sniffer;
    size_t first_field = 0;
    for (size_t k = 0; k < record_ends_.size(); ++k) {
      const size_t count = record_ends_[k] - first_field;
      sniffer.Add(static_cast<size_t>(date_) < count ? fields[first_field + static_cast<size_t>(date_)] : std::string_view());
      first_field = record_ends_[k];
    }
    // No value tells (or values tell both ways): day-first for '-' and '.', month-first for '/', and say so.
    const DateGuess g = sniffer.Guess(DateFormat::kMonthDayYear);
    if (g.format == DateFormat::kAuto) return;
    date_format_ = g.format;
    if (!g.ambiguous && !g.conflicting) return;
    ImportIssue issue;
    issue.line = buffered_lines_[g.example_index];
    issue.column = static_cast<uint32_t>(date_ + 1);
    issue.field = header_.Label(static_cast<size_t>(date_));
    issue.code = "ambiguous_date";
    issue.message = "`" + issue.field + "`: dates like " + Quoted(g.example) + " could be day-first or month-first; "
                    "read as " + (date_format_ == DateFormat::kDayMonthYear ? "day-month-year" : "month-day-year") +
                    ". Set the date format if that is wrong";
    issue.rejected = false;
    b->issues.push_back(std::move(issue));
  }

  // The messages of Row's rejects that repeat whole or around the cell, made once the date format is known.
  void MakeShapes() {
    const auto label = [&](int column) {
      return column >= 0 ? std::string_view(labels_[static_cast<size_t>(column)]) : std::string_view();
    };
    const auto what = [&](int column) { return column >= 0 ? std::string(What(column)) : std::string(); };
    missing_customer_ = IssueShape(label(customer_), "missing_customer", true, false,
                                   what(customer_) + ": expected a customer id or email, found nothing");
    const std::string date = what(date_) + ": expected a date like " +
                             (date_format_ == DateFormat::kAuto ? std::string("2024-03-01 or 20240301")
                                                                : std::string(DateFormatExample(date_format_))) +
                             ", found ";
    bad_date_ = {IssueShape(label(date_), "bad_date", true, true, date),
                 IssueShape(label(date_), "bad_date", true, false, date + "nothing")};
    const std::string amount = what(amount_) + ": expected an amount like 12.50, found ";
    bad_amount_ = {IssueShape(label(amount_), "bad_amount", true, true, amount),
                   IssueShape(label(amount_), "bad_amount", true, false, amount + "nothing")};
    bad_quantity_ = IssueShape(label(quantity_), "bad_quantity", true, true,
                               what(quantity_) + ": expected a whole number like 2, found ");
  }
  // A cell's shapes: quoted, and "nothing" when it is empty (Found).
  struct FoundShapes {
    IssueShape quoted, nothing;
  };
  // Rejects the row with the message `shape` makes of `cell`.
  void Reject(ImportBatch* b, const CsvRecord& r, int column, const IssueShape& shape, std::string_view cell = {}) {
    AddIssue(b, r, column, shape, cell);
    ++b->rows_rejected;
  }
  void Reject(ImportBatch* b, const CsvRecord& r, int column, const FoundShapes& shapes, std::string_view cell) {
    if (cell.empty()) {
      Reject(b, r, column, shapes.nothing);
    } else {
      Reject(b, r, column, shapes.quoted, cell);
    }
  }

  // Rejects the row with the message `parts` joined (text, or numbers), built in one reused buffer.
  template <typename... Parts>
  void Reject(ImportBatch* b, const CsvRecord& r, int column, const char* code, const Parts&... parts) {
    message_.clear();
    (Append(parts), ...);
    AddIssue(b, r, column, column >= 0 ? std::string_view(labels_[static_cast<size_t>(column)]) : std::string_view(),
             code, message_, true);
    ++b->rows_rejected;
  }
  void Append(std::string_view text) { message_.append(text); }
  void Append(size_t number) { AppendInt(&message_, static_cast<int64_t>(number)); }
  // "`" + the column's label + "`".
  std::string_view What(int column) const { return whats_[static_cast<size_t>(column)]; }

  void Row(const CsvRecord& r, ImportBatch* b) {
    ++b->rows_read;
    for (int column : {customer_, date_, amount_}) {
      if (column >= 0 && static_cast<size_t>(column) >= r.size()) {
        Reject(b, r, -1, "ragged_row", "expected at least ", static_cast<size_t>(column + 1), " fields (for ",
               What(column), "), found ", r.size());
        return;
      }
    }
    // Customer: an email when the value is one, else the id as text ("00001" stays "00001").
    const std::string_view customer = StripGuard(r[static_cast<size_t>(customer_)]);
    if (customer.empty()) {
      Reject(b, r, customer_, missing_customer_);
      return;
    }
    email_.clear();
    if (email_col_ >= 0) NormalizeEmailTo(Field(r, email_col_), &email_);
    const bool customer_has_at = customer.find('@') != std::string_view::npos;
    if (email_.empty() && customer_has_at) NormalizeEmailTo(customer, &email_);
    const bool customer_is_email = !email_.empty() && customer_ != email_col_ && customer_has_at;
    // The platform id is "generic:<customer>" unless the customer is an email (written at the order's row).
    const bool has_platform_id = !customer_is_email && customer_ != email_col_;
    phone_.clear();
    if (phone_col_ >= 0) NormalizePhoneTo(Field(r, phone_col_), &phone_);

    const std::string_view date_text = Trim(r[static_cast<size_t>(date_)]);
    Timestamp created;
    if (!ParseTimestamp(date_text, date_format_, &created)) {
      Reject(b, r, date_, bad_date_, date_text);
      return;
    }
    // Amount: absent column -> 0 (docs/formats/generic.md); a present but empty or bad cell rejects the row.
    int64_t amount = 0;
    if (amount_ >= 0) {
      const std::string_view text = Trim(r[static_cast<size_t>(amount_)]);
      if (!ParseMoneyCents(text, &amount, options_.decimal_separator)) {
        Reject(b, r, amount_, bad_amount_, text);
        return;
      }
    }
    // A row without an order id is keyed by its tuple: its repeat count's slot is fetched now, while the rest of
    // the row is read and its key written (a table of many distinct tuples misses the cache on most rows).
    const std::string_view order_id = StripGuard(Field(r, order_));
    const std::string_view who = email_.empty() || !customer_is_email ? customer : std::string_view(email_);
    uint64_t hash = 0;
    if (order_id.empty()) {
      hash = TupleHash(who, created.day, amount);
      if (hash == 0) hash = 1;
      repeats_.Prefetch(hash);
    }
    int64_t quantity = 1;
    const std::string_view quantity_text = Trim(Field(r, quantity_));
    if (!quantity_text.empty() && (!ParseInt64(quantity_text, &quantity) || quantity < 0 || quantity > INT32_MAX)) {
      Reject(b, r, quantity_, bad_quantity_, quantity_text);
      return;
    }
    if (currency_ >= 0) {
      const std::string_view currency_text = Trim(Field(r, currency_));
      UpperTo(currency_text.empty() ? std::string_view(options_.currency) : currency_text, &currency_buf_);
    }

    ImportBatch::Orders& o = b->orders;
    FlushKey(b);  // the last row's key, before this row's order (its index is the column's size)
    uint32_t order_index = static_cast<uint32_t>(o.key.size());
    bool new_order = true;
    if (!order_id.empty()) {
      key_.assign("generic:").append(order_id);
      const auto found = order_index_.try_emplace(key_, order_index);  // one lookup
      if (!found.second) {
        order_index = found.first->second;
        new_order = false;
      }
    } else {
      // The key "generic:<customer>:<day>:<amount>:<repeat>": all but the repeat number now, the whole key
      // written once, final, straight into the column by FlushKey() (the next row's, before a slice or at the
      // end), once this row's slot has arrived.
      const std::string_view day = day_text_.Get(created.day);
      constexpr size_t kAmountBytes = 20;  // INT64_MIN
      const size_t most = kPlatformPrefix.size() + who.size() + 1 + day.size() + 1 + kAmountBytes + 1;
      if (pending_key_.size() < most) pending_key_.resize(most);
      char* const out = pending_key_.data();
      char* p = out;
      std::memcpy(p, kPlatformPrefix.data(), kPlatformPrefix.size());
      p += kPlatformPrefix.size();
      CopyShort(p, who.data(), who.size());
      p += who.size();
      *p++ = ':';
      CopyShort(p, day.data(), day.size());
      p += day.size();
      *p++ = ':';
      p = std::to_chars(p, p + kAmountBytes, amount).ptr;
      *p++ = ':';
      pending_size_ = static_cast<size_t>(p - out);
      pending_hash_ = hash;
    }
    if (new_order) {
      // Only the columns a generic file can fill; PadDefaults() gives the others their rows at End().
      if (!order_id.empty()) Put(&o.key, key_);
      if (order_ >= 0) Put(&o.name, order_id);
      Put(&o.who.email, email_);
      if (phone_col_ >= 0) Put(&o.who.phone, phone_);
      if (has_platform_id) {
        char* const out = o.who.platform_id.BeginAppend(kPlatformPrefix.size() + customer.size());
        std::memcpy(out, kPlatformPrefix.data(), kPlatformPrefix.size());
        CopyShort(out + kPlatformPrefix.size(), customer.data(), customer.size());
        o.who.platform_id.EndAppend(kPlatformPrefix.size() + customer.size());
      } else {
        o.who.platform_id.AppendEmpty(1);
      }
      o.created.push_back(created);
      o.currency.Append(currency_buf_);
      o.subtotal_cents.push_back(amount);
      o.total_cents.push_back(amount);
      if (has_lines_) {
        o.first_line.push_back(static_cast<uint32_t>(b->lines.order.size()));
        o.line_count.push_back(0);
      }
      o.line.push_back(r.line());
    } else {
      o.subtotal_cents[order_index] += amount;
      o.total_cents[order_index] += amount;
    }
    // A line when the row names a product; its unit price is the row's amount over its quantity.
    const std::string_view sku = StripGuard(Field(r, sku_));
    const std::string_view title = Trim(Field(r, title_));
    if (!sku.empty() || !title.empty()) {
      ImportBatch::Lines& l = b->lines;
      // A line for an order that is not the last one breaks "lines of order i are contiguous and in
      // order"; End() regroups them.
      if (!new_order && order_index + 1 != o.key.size()) {
        lines_scattered_ = true;
      }
      l.order.push_back(order_index);
      Put(&l.sku, sku);
      Put(&l.title, title);  // empty: read as the sku (untitled_is_sku)
      l.quantity.push_back(static_cast<int32_t>(quantity));
      const int64_t unit = quantity > 0 ? (amount >= 0 ? (amount + quantity / 2) / quantity
                                                       : -((-amount + quantity / 2) / quantity))
                                        : amount;
      l.unit_price_cents.push_back(unit);
      ++o.line_count[order_index];
    }
    ++b->rows_accepted;
  }

  // Writes the pending key (a row without an order id; Row()) with its repeat number: the number of earlier
  // rows with its tuple hash, looked up a row later than the slot was prefetched, so the load has had the next
  // record's parsing to arrive (with many distinct tuples the table is past the cache: the lookup stalled the
  // row that asked on most rows, ~30 % of a CDNOW or Kaggle import's CPU).
  void FlushKey(ImportBatch* b) {
    if (pending_hash_ == 0) return;
    constexpr size_t kRepeatBytes = 10;  // UINT32_MAX
    BatchText& key = b->orders.key;
    char* const out = key.BeginAppend(pending_size_ + kRepeatBytes);
    CopyShort(out, pending_key_.data(), pending_size_);
    char* const end = std::to_chars(out + pending_size_, out + pending_size_ + kRepeatBytes, repeats_.Next(pending_hash_)).ptr;
    key.EndAppend(static_cast<size_t>(end - out));
    pending_hash_ = 0;
  }

  // Gives every column Row() leaves alone (those a generic file never fills) its rows, all default: a lazy
  // column only counts them.
  void PadDefaults(ImportBatch* b) {
    ImportBatch::Orders& o = b->orders;
    const size_t n = o.key.size();
    for (BatchText* c : {&o.name, &o.who.phone, &o.who.first_name, &o.who.last_name, &o.financial_status,
                            &o.fulfillment_status, &o.source, &o.discount_code, &o.country}) {
      c->AppendEmpty(n - c->size());
    }
    for (auto* c : {&o.discount_cents, &o.shipping_cents, &o.tax_cents, &o.refunded_cents}) c->resize(n);
    o.flags.resize(n);
    o.fulfilled_day.resize(n);
    o.accepts_marketing.resize(n);
    o.first_line.resize(n);
    o.line_count.resize(n);
    ImportBatch::Lines& l = b->lines;
    l.vendor.AppendEmpty(l.order.size() - l.vendor.size());
    l.discount_cents.resize(l.order.size());
  }

  // Rows of one order id that were not adjacent: regroup the lines so each order's lines are contiguous
  // (batch.h), keeping file order within an order. One column at a time, each freed once regrouped, so a
  // whole file's lines are not held twice at the end (the batch's peak is what a cold import pays for).
  void GroupLines(ImportBatch* b) {
    ImportBatch::Lines& l = b->lines;
    const ImportBatch::Lines& read = l;  // read through const: the lazy columns stay unstored
    ImportBatch::Orders& o = b->orders;
    const size_t n = l.order.size();
    std::vector<uint32_t> start(o.key.size() + 1, 0);
    for (uint32_t k : l.order) ++start[k + 1];
    for (size_t k = 0; k < o.key.size(); ++k) start[k + 1] += start[k];
    std::vector<uint32_t> order_of(n);  // new index -> old index
    {
      std::vector<uint32_t> position(start.begin(), start.end() - 1);
      for (size_t i = 0; i < n; ++i) order_of[position[l.order[i]]++] = static_cast<uint32_t>(i);
    }
    const auto regroup = [&](auto* column) {
      std::decay_t<decltype(*column)> sorted;
      sorted.reserve(n);
      for (uint32_t old : order_of) sorted.push_back((*column)[old]);
      *column = std::move(sorted);
    };
    regroup(&l.quantity);
    regroup(&l.unit_price_cents);
    const auto regroup_text = [&](const BatchText& column, BatchText* out) {
      BatchText sorted;
      sorted.Reserve(n, column.bytes());
      for (uint32_t old : order_of) Put(&sorted, column[old]);
      *out = std::move(sorted);
    };
    regroup_text(read.sku, &l.sku);
    regroup_text(read.title, &l.title);
    // A generic file gives no vendor or line discount (PadDefaults): both stay lazy, all default.
    for (size_t k = 0; k < o.key.size(); ++k) {
      std::fill(l.order.begin() + start[k], l.order.begin() + start[k + 1], static_cast<uint32_t>(k));
      o.first_line[k] = start[k];
      o.line_count[k] = start[k + 1] - start[k];
    }
  }

  ImportOptions options_;
  std::string file_name_;
  HeaderIndex header_;
  bool has_header_ = true;
  int customer_ = -1, email_col_ = -1, phone_col_ = -1, date_ = -1, amount_ = -1, order_ = -1, sku_ = -1, title_ = -1,
      quantity_ = -1, currency_ = -1;
  DateFormat date_format_ = DateFormat::kAuto;
  bool decided_ = false;
  bool lines_scattered_ = false;
  bool has_lines_ = false;  // a sku or title column: rows can have order lines
  // The sniffed rows, until the date format is decided.
  std::string pool_;
  std::vector<size_t> field_ends_, record_ends_;
  std::vector<uint64_t> buffered_lines_, buffered_offsets_;
  RepeatCounter repeats_;  // rows so far by tuple hash, for the keys' repeat numbers
  // The last tuple-keyed row's key but its repeat number (pending_size_ bytes), and its tuple hash (0: none
  // pending): written into the batch by FlushKey().
  std::string pending_key_;
  size_t pending_size_ = 0;
  uint64_t pending_hash_ = 0;
  KeyIndex order_index_;  // order key -> index in the batch's orders
  std::string email_, phone_, key_, currency_buf_, message_;
  std::vector<std::string> labels_, whats_;  // by column: its label, and the label in backquotes
  IssueShape missing_customer_, bad_quantity_;  // MakeShapes()
  FoundShapes bad_date_, bad_amount_;
  DayText day_text_;
};

}  // namespace

int GenericTransactionsScore(const CsvRecord& header) {
  if (LooksLikeData(header)) return header.size() >= 3 && header.size() <= 6 ? 10 : 0;
  HeaderIndex h(header);
  const int customer = h.FindAnyLoose({"customer", "customer_id", "customerid", "member_number", "client",
                                       "client_id", "user_id", "email", "customer_email"});
  const int date = h.FindAnyLoose({"date", "order_date", "created_at", "invoice_date", "transaction_date",
                                   "purchase_date", "timestamp"});
  if (customer < 0 || date < 0) return 0;
  int score = 10;
  if (h.FindAnyLoose({"amount", "total", "dollar_value", "revenue", "sales", "price"}) >= 0) score += 5;
  return score;
}

std::unique_ptr<Importer> CreateGenericTransactions(const ImportOptions& options) {
  return std::make_unique<GenericTransactionsImporter>(options);
}

}  // namespace rapport::import_internal
