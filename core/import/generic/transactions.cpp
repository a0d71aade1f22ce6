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
#include <unordered_map>

#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr size_t kSniffRows = 4096;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

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

// The repeat numbers of rows without an order id: how many earlier rows had the same (customer, day,
// amount) tuple. Rows record their tuple hash as they come; End() sorts the hashes once and numbers each
// run of equal hashes in file order (a sequential pass instead of a cache-missing table lookup per row).
// A hash collision can only raise a row's repeat number, and the key keeps the tuple text, so keys stay
// unique and deterministic either way.
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

struct PendingRepeat {
  uint64_t hash;
  uint32_t order;  // index into the batch's orders, increasing in file order
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
    if (!pending_.empty()) NumberRepeats(b);
    if (lines_scattered_) GroupLines(b);
    return Status::Ok();
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
    size_t numeric = 0, iso = 0, named = 0;
    bool first_over_12 = false, second_over_12 = false;
    char separator = 0;
    uint64_t example_line = 0;
    std::string example;
    size_t first_field = 0;
    for (size_t k = 0; k < record_ends_.size(); ++k) {
      const size_t count = record_ends_[k] - first_field;
      if (static_cast<size_t>(date_) < count) {
        const std::string_view v = TrimAscii(fields[first_field + static_cast<size_t>(date_)]);
        size_t i = 0;
        int a = 0, n1 = 0;
        while (i < v.size() && IsDigit(v[i])) a = (n1 < 6 ? a * 10 + (v[i] - '0') : a), ++i, ++n1;
        if (n1 == 4 || n1 == 8) {
          ++iso;
        } else if (n1 == 0 && !v.empty() && !IsDigit(v[0])) {
          ++named;
        } else if ((n1 == 1 || n1 == 2) && i < v.size() && (v[i] == '-' || v[i] == '/' || v[i] == '.')) {
          const char sep = v[i++];
          int c = 0, n2 = 0;
          while (i < v.size() && IsDigit(v[i])) c = (n2 < 6 ? c * 10 + (v[i] - '0') : c), ++i, ++n2;
          if (n2 >= 1 && n2 <= 2 && i < v.size() && v[i] == sep) {
            ++numeric;
            separator = sep;
            if (a > 12) first_over_12 = true;
            if (c > 12) second_over_12 = true;
            if (example.empty()) {
              example = std::string(v);
              example_line = buffered_lines_[k];
            }
          }
        }
      }
      first_field = record_ends_[k];
    }
    if (numeric > iso && numeric >= named) {
      if (first_over_12 && !second_over_12) {
        date_format_ = DateFormat::kDayMonthYear;
      } else if (second_over_12 && !first_over_12) {
        date_format_ = DateFormat::kMonthDayYear;
      } else {
        // No value tells: day-first for '-' and '.', month-first for '/', and say so.
        date_format_ = separator == '/' ? DateFormat::kMonthDayYear : DateFormat::kDayMonthYear;
        ImportIssue issue;
        issue.line = example_line;
        issue.column = static_cast<uint32_t>(date_ + 1);
        issue.field = header_.Label(static_cast<size_t>(date_));
        issue.code = "ambiguous_date";
        issue.message = "`" + issue.field + "`: dates like " + Quoted(example) + " could be day-first or month-first; "
                        "read as " + (date_format_ == DateFormat::kDayMonthYear ? "day-month-year" : "month-day-year") +
                        ". Set the date format if that is wrong";
        issue.rejected = false;
        b->issues.push_back(std::move(issue));
      }
    } else if (named > iso && named > numeric) {
      date_format_ = DateFormat::kMonthNameDayYear;
    }
  }

  void Reject(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string message) {
    AddIssue(b, r, column, column >= 0 ? header_.Label(static_cast<size_t>(column)) : std::string(), code,
             std::move(message), true);
    ++b->rows_rejected;
  }

  std::string What(int column) const { return "`" + header_.Label(static_cast<size_t>(column)) + "`"; }

  void Row(const CsvRecord& r, ImportBatch* b) {
    ++b->rows_read;
    for (int column : {customer_, date_, amount_}) {
      if (column >= 0 && static_cast<size_t>(column) >= r.size()) {
        Reject(b, r, -1, "ragged_row",
               "expected at least " + std::to_string(column + 1) + " fields (for " + What(column) + "), found " +
                   std::to_string(r.size()));
        return;
      }
    }
    // Customer: an email when the value is one, else the id as text ("00001" stays "00001").
    const std::string_view customer = StripExcelGuard(r[static_cast<size_t>(customer_)]);
    if (customer.empty()) {
      Reject(b, r, customer_, "missing_customer", What(customer_) + ": expected a customer id or email, found nothing");
      return;
    }
    email_.clear();
    platform_id_.clear();
    if (email_col_ >= 0) NormalizeEmailTo(Field(r, email_col_), &email_);
    if (email_.empty() && customer.find('@') != std::string_view::npos) NormalizeEmailTo(customer, &email_);
    const bool customer_is_email = !email_.empty() && customer_ != email_col_ && customer.find('@') != std::string_view::npos;
    if (!customer_is_email && customer_ != email_col_) platform_id_.append("generic:").append(customer);
    phone_.clear();
    if (phone_col_ >= 0) NormalizePhoneTo(Field(r, phone_col_), &phone_);

    const std::string_view date_text = TrimAscii(r[static_cast<size_t>(date_)]);
    Timestamp created;
    if (!ParseTimestamp(date_text, date_format_, &created)) {
      Reject(b, r, date_, "bad_date",
             What(date_) + ": expected a date like " +
                 (date_format_ == DateFormat::kAuto ? std::string("2024-03-01 or 20240301")
                                                    : std::string(DateFormatExample(date_format_))) +
                 ", found " + (date_text.empty() ? std::string("nothing") : Quoted(date_text)));
      return;
    }
    // Amount: absent column -> 0 (docs/formats/generic.md); a present but empty or bad cell rejects the row.
    int64_t amount = 0;
    if (amount_ >= 0) {
      const std::string_view text = TrimAscii(r[static_cast<size_t>(amount_)]);
      if (!ParseMoneyCents(text, &amount, options_.decimal_separator)) {
        Reject(b, r, amount_, "bad_amount",
               What(amount_) + ": expected an amount like 12.50, found " +
                   (text.empty() ? std::string("nothing") : Quoted(text)));
        return;
      }
    }
    int64_t quantity = 1;
    const std::string_view quantity_text = TrimAscii(Field(r, quantity_));
    if (!quantity_text.empty() && (!ParseInt64(quantity_text, &quantity) || quantity < 0 || quantity > INT32_MAX)) {
      Reject(b, r, quantity_, "bad_quantity",
             What(quantity_) + ": expected a whole number like 2, found " + Quoted(quantity_text));
      return;
    }
    const std::string_view currency_text = TrimAscii(Field(r, currency_));
    UpperTo(currency_text.empty() ? std::string_view(options_.currency) : currency_text, &currency_buf_);

    ImportBatch::Orders& o = b->orders;
    uint32_t order_index = static_cast<uint32_t>(o.key.size());
    const std::string_view order_id = StripExcelGuard(Field(r, order_));
    bool new_order = true;
    if (!order_id.empty()) {
      key_.assign("generic:").append(order_id);
      auto it = order_index_.find(key_);
      if (it != order_index_.end()) {
        order_index = it->second;
        new_order = false;
      } else {
        order_index_.emplace(key_, order_index);
      }
    } else {
      // The key "generic:<customer>:<day>:<amount>:<repeat>", written once, straight into the column. The
      // repeat is written as 0; End() (NumberRepeats) sets it for the rows whose tuple came before.
      const std::string_view who = email_.empty() || !customer_is_email ? customer : std::string_view(email_);
      const std::string_view day = day_text_.Get(created.day);
      constexpr std::string_view kPrefix = "generic:";
      constexpr size_t kAmountBytes = 20;  // INT64_MIN
      char* const out = o.key.BeginAppend(kPrefix.size() + who.size() + 1 + day.size() + 1 + kAmountBytes + 2);
      char* p = out;
      std::memcpy(p, kPrefix.data(), kPrefix.size());
      p += kPrefix.size();
      std::memcpy(p, who.data(), who.size());
      p += who.size();
      *p++ = ':';
      std::memcpy(p, day.data(), day.size());
      p += day.size();
      *p++ = ':';
      p = std::to_chars(p, p + kAmountBytes, amount).ptr;
      const uint64_t hash = HashKey(std::string_view(out, static_cast<size_t>(p - out)));  // core/workspace/key_index.h
      *p++ = ':';
      *p++ = '0';
      o.key.EndAppend(static_cast<size_t>(p - out));
      pending_.push_back({hash == 0 ? 1 : hash, order_index});
    }
    if (new_order) {
      if (!order_id.empty()) o.key.Append(key_);
      o.name.Append(order_id);
      o.who.Append(email_, phone_, platform_id_, {}, {});
      o.created.push_back(created);
      o.currency.Append(currency_buf_);
      o.subtotal_cents.push_back(amount);
      o.discount_cents.push_back(0);
      o.shipping_cents.push_back(0);
      o.tax_cents.push_back(0);
      o.total_cents.push_back(amount);
      o.refunded_cents.push_back(0);
      o.flags.push_back(0);
      o.financial_status.Append({});
      o.fulfillment_status.Append({});
      o.source.Append({});
      o.discount_code.Append({});
      o.country.Append({});
      o.fulfilled_day.push_back(kNoDay);
      o.accepts_marketing.push_back(-1);
      o.first_line.push_back(static_cast<uint32_t>(b->lines.order.size()));
      o.line_count.push_back(0);
      o.line.push_back(r.line());
    } else {
      o.subtotal_cents[order_index] += amount;
      o.total_cents[order_index] += amount;
    }
    // A line when the row names a product; its unit price is the row's amount over its quantity.
    const std::string_view sku = StripExcelGuard(Field(r, sku_));
    const std::string_view title = TrimAscii(Field(r, title_));
    if (!sku.empty() || !title.empty()) {
      ImportBatch::Lines& l = b->lines;
      // A line for an order that is not the last one breaks "lines of order i are contiguous and in
      // order"; End() regroups them.
      if (!new_order && order_index + 1 != o.key.size()) {
        lines_scattered_ = true;
      }
      l.order.push_back(order_index);
      l.sku.Append(sku);
      l.title.Append(title.empty() ? sku : title);
      l.vendor.Append({});
      l.quantity.push_back(static_cast<int32_t>(quantity));
      const int64_t unit = quantity > 0 ? (amount >= 0 ? (amount + quantity / 2) / quantity
                                                       : -((-amount + quantity / 2) / quantity))
                                        : amount;
      l.unit_price_cents.push_back(unit);
      l.discount_cents.push_back(0);
      ++o.line_count[order_index];
    }
    ++b->rows_accepted;
  }

  // Sets the ":<repeat>" suffix (written as ":0" by Row) of every order recorded in pending_ to its rank
  // among the earlier rows with the same tuple hash: in place, lengthening only the keys whose rank has
  // more than one digit.
  void NumberRepeats(ImportBatch* b) {
    // A stable counting sort on the hash's top 16 bits (file order kept), then each small bucket sorted.
    constexpr size_t kBuckets = size_t{1} << 16;
    std::vector<uint32_t> start(kBuckets + 1, 0);
    for (const PendingRepeat& p : pending_) ++start[(p.hash >> 48) + 1];
    for (size_t k = 0; k < kBuckets; ++k) start[k + 1] += start[k];
    std::vector<PendingRepeat> sorted(pending_.size());
    {
      std::vector<uint32_t> next(start.begin(), start.end() - 1);
      for (const PendingRepeat& p : pending_) sorted[next[p.hash >> 48]++] = p;
    }
    pending_ = {};
    const auto by_hash_then_order = [](const PendingRepeat& x, const PendingRepeat& y) {
      return x.hash != y.hash ? x.hash < y.hash : x.order < y.order;
    };
    for (size_t k = 0; k < kBuckets; ++k) {
      if (start[k + 1] - start[k] > 1) {
        std::sort(sorted.begin() + start[k], sorted.begin() + start[k + 1], by_hash_then_order);
      }
    }
    ImportBatch::Orders& o = b->orders;
    std::vector<uint32_t> repeat(o.key.size(), 0);  // 0: the key stays as written
    for (size_t i = 0; i < sorted.size(); ++i) {
      const bool same = i > 0 && sorted[i - 1].hash == sorted[i].hash;
      repeat[sorted[i].order] = same ? repeat[sorted[i - 1].order] + 1 : 0;
    }
    const auto digits = [](uint32_t r) {
      size_t d = 1;
      for (; r >= 10; r /= 10) ++d;
      return d;
    };
    size_t first_wide = o.key.size();
    for (size_t k = 0; k < o.key.size(); ++k) {
      const uint32_t r = repeat[k];
      if (r == 0) continue;
      if (r < 10) {
        o.key.MutableRow(k)[o.key[k].size() - 1] = static_cast<char>('0' + r);
      } else if (first_wide == o.key.size()) {
        first_wide = k;
      }
    }
    if (first_wide == o.key.size()) return;
    o.key.Widen(first_wide, [&](size_t k) { return repeat[k] >= 10 ? digits(repeat[k]) - 1 : 0; });
    for (size_t k = first_wide; k < o.key.size(); ++k) {
      if (repeat[k] < 10) continue;
      char* const end = o.key.MutableRow(k) + o.key[k].size();
      std::to_chars(end - digits(repeat[k]), end, repeat[k]);
    }
  }

  // Rows of one order id that were not adjacent: regroup the lines so each order's lines are contiguous
  // (batch.h), keeping file order within an order.
  void GroupLines(ImportBatch* b) {
    const ImportBatch::Lines& l = b->lines;  // read through const: the lazy columns stay unstored
    ImportBatch::Orders& o = b->orders;
    const size_t n = l.order.size();
    std::vector<uint32_t> start(o.key.size() + 1, 0);
    for (uint32_t k : l.order) ++start[k + 1];
    for (size_t k = 0; k < o.key.size(); ++k) start[k + 1] += start[k];
    std::vector<uint32_t> position = start;
    std::vector<uint32_t> order_of(n);  // new index -> old index
    for (size_t i = 0; i < n; ++i) order_of[position[l.order[i]]++] = static_cast<uint32_t>(i);
    ImportBatch::Lines sorted;
    for (uint32_t old : order_of) {
      sorted.order.push_back(l.order[old]);
      sorted.sku.Append(l.sku[old]);
      sorted.title.Append(l.title[old]);
      sorted.vendor.Append(l.vendor[old]);
      sorted.quantity.push_back(l.quantity[old]);
      sorted.unit_price_cents.push_back(l.unit_price_cents[old]);
      sorted.discount_cents.push_back(l.discount_cents[old]);
    }
    b->lines = std::move(sorted);
    for (size_t k = 0; k < o.key.size(); ++k) {
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
  // The sniffed rows, until the date format is decided.
  std::string pool_;
  std::vector<size_t> field_ends_, record_ends_;
  std::vector<uint64_t> buffered_lines_, buffered_offsets_;
  std::vector<PendingRepeat> pending_;
  std::unordered_map<std::string, uint32_t> order_index_;
  std::string email_, phone_, platform_id_, key_, currency_buf_;
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
