#include "core/import/batch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/import/internal/common.h"

namespace rapport {

namespace {

template <typename T>
void CopyTail(const std::vector<T>& src, size_t from, std::vector<T>* dst) {
  if (from < src.size()) {
    dst->assign(src.begin() + static_cast<std::ptrdiff_t>(from), src.end());
  } else {
    dst->clear();
  }
}
template <typename T, T kDefault>
void CopyTail(const LazyColumn<T, kDefault>& src, size_t from, LazyColumn<T, kDefault>* dst) {
  dst->clear();
  for (size_t i = from; i < src.size(); ++i) dst->push_back(src[i]);
}
template <typename Text>
void CopyTail(const Text& src, size_t from, Text* dst) {  // BatchText, RunText
  dst->Clear();
  for (size_t i = from; i < src.size(); ++i) dst->Append(src[i]);
}

void CopyTail(const LineColumn& src, size_t from, LineColumn* dst) {
  dst->clear();
  for (size_t i = from; i < src.size(); ++i) dst->push_back(src[i]);
}

template <typename T>
void Truncate(std::vector<T>* v, size_t n) {
  if (v->size() > n) v->resize(n);
}
template <typename T, T kDefault>
void Truncate(LazyColumn<T, kDefault>* v, size_t n) {
  if (v->size() > n) v->resize(n);
}
void Truncate(LineColumn* v, size_t n) {
  if (v->size() > n) v->resize(n);
}
void Truncate(BatchText* c, size_t n) { c->Truncate(n); }
void Truncate(RunText* c, size_t n) { c->Truncate(n); }

// Empties a column, keeping its buffers for the next rows.
template <typename T>
void Clear(std::vector<T>* v) { v->clear(); }
template <typename T, T kDefault>
void Clear(LazyColumn<T, kDefault>* v) { v->clear(); }
void Clear(LineColumn* v) { v->clear(); }
void Clear(BatchText* c) { c->Clear(); }
void Clear(RunText* c) { c->Clear(); }

// Room for `scale` times the rows (and text) a column holds now; a column with no rows is left alone.
size_t Scaled(size_t n, double scale) { return static_cast<size_t>(std::ceil(static_cast<double>(n) * scale)) + 16; }
template <typename T>
void Grow(std::vector<T>* v, double scale) {
  if (!v->empty() && Scaled(v->size(), scale) > v->capacity()) v->reserve(Scaled(v->size(), scale));
}
template <typename T, T kDefault>
void Grow(LazyColumn<T, kDefault>* v, double scale) {
  if (!v->empty()) v->reserve(Scaled(v->size(), scale));
}
void Grow(BatchText* c, double scale) {
  if (c->size() > 0) c->Reserve(Scaled(c->size(), scale), c->lazy() ? 0 : Scaled(c->bytes(), scale));
}
void Grow(LineColumn* v, double scale) {
  if (!v->empty() && Scaled(v->size(), scale) > v->capacity()) v->reserve(Scaled(v->size(), scale));
}
void Grow(RunText*, double) {}  // runs: nothing to size by the rows

// Each table's columns, as pairs (a's column, b's column): one list per table for every batch-wide operation
// (SplitOrders moves the orders' and lines' tails; ReserveBatch and RecycleBatch pass the same table twice).
template <typename F>
void ForColumns(BatchIdentity* a, BatchIdentity* b, F&& f) {
  f(&a->email, &b->email); f(&a->phone, &b->phone); f(&a->platform_id, &b->platform_id);
  f(&a->first_name, &b->first_name); f(&a->last_name, &b->last_name);
}
template <typename F>
void ForColumns(ImportBatch::Customers* a, ImportBatch::Customers* b, F&& f) {
  ForColumns(&a->who, &b->who, f);
  f(&a->country, &b->country); f(&a->tags, &b->tags); f(&a->accepts_marketing, &b->accepts_marketing);
  f(&a->reported_spent_cents, &b->reported_spent_cents); f(&a->reported_orders, &b->reported_orders);
  f(&a->line, &b->line);
}
template <typename F>
void ForColumns(ImportBatch::Orders* a, ImportBatch::Orders* b, F&& f) {
  f(&a->key, &b->key); f(&a->name, &b->name);
  ForColumns(&a->who, &b->who, f);
  f(&a->created, &b->created); f(&a->currency, &b->currency);
  f(&a->subtotal_cents, &b->subtotal_cents); f(&a->discount_cents, &b->discount_cents);
  f(&a->shipping_cents, &b->shipping_cents); f(&a->tax_cents, &b->tax_cents); f(&a->total_cents, &b->total_cents);
  f(&a->refunded_cents, &b->refunded_cents); f(&a->flags, &b->flags);
  f(&a->financial_status, &b->financial_status); f(&a->fulfillment_status, &b->fulfillment_status);
  f(&a->source, &b->source); f(&a->discount_code, &b->discount_code); f(&a->country, &b->country);
  f(&a->fulfilled_day, &b->fulfilled_day); f(&a->accepts_marketing, &b->accepts_marketing);
  f(&a->first_line, &b->first_line); f(&a->line_count, &b->line_count); f(&a->line, &b->line);
}
template <typename F>
void ForColumns(ImportBatch::Lines* a, ImportBatch::Lines* b, F&& f) {
  f(&a->order, &b->order); f(&a->sku, &b->sku); f(&a->title, &b->title); f(&a->vendor, &b->vendor);
  f(&a->quantity, &b->quantity); f(&a->unit_price_cents, &b->unit_price_cents); f(&a->discount_cents, &b->discount_cents);
}
template <typename F>
void ForColumns(ImportBatch::Products* a, ImportBatch::Products* b, F&& f) {
  f(&a->sku, &b->sku); f(&a->title, &b->title); f(&a->handle, &b->handle); f(&a->url, &b->url);
  f(&a->image_url, &b->image_url); f(&a->vendor, &b->vendor); f(&a->category, &b->category);
  f(&a->price_cents, &b->price_cents);
}
template <typename F>
void ForColumns(ImportBatch::Reviews* a, ImportBatch::Reviews* b, F&& f) {
  f(&a->key, &b->key);
  ForColumns(&a->who, &b->who, f);
  f(&a->product_sku, &b->product_sku); f(&a->product_handle, &b->product_handle);
  f(&a->product_title, &b->product_title); f(&a->rating, &b->rating); f(&a->day, &b->day);
  f(&a->title, &b->title); f(&a->body, &b->body); f(&a->source, &b->source); f(&a->line, &b->line);
}
template <typename F>
void ForColumns(ImportBatch::Tickets* a, ImportBatch::Tickets* b, F&& f) {
  f(&a->key, &b->key);
  ForColumns(&a->who, &b->who, f);
  f(&a->day, &b->day); f(&a->status, &b->status); f(&a->channel, &b->channel); f(&a->csat, &b->csat);
  f(&a->line, &b->line);
}
template <typename F>
void ForColumns(ImportBatch::Surveys* a, ImportBatch::Surveys* b, F&& f) {
  f(&a->key.written, &b->key.written); f(&a->key.repeat, &b->key.repeat);
  ForColumns(&a->who, &b->who, f);
  f(&a->day, &b->day); f(&a->score, &b->score); f(&a->comment, &b->comment); f(&a->line, &b->line);
}
// Every column of every table of one batch.
template <typename F>
void ForAllColumns(ImportBatch* b, F&& f) {
  const auto one = [&](auto* column, auto*) { f(column); };
  ForColumns(&b->customers, &b->customers, one);
  ForColumns(&b->orders, &b->orders, one);
  ForColumns(&b->lines, &b->lines, one);
  ForColumns(&b->products, &b->products, one);
  ForColumns(&b->reviews, &b->reviews, one);
  ForColumns(&b->tickets, &b->tickets, one);
  ForColumns(&b->surveys, &b->surveys, one);
}

}  // namespace

uint32_t BatchIssues::Name(std::string_view name) {
  // A file's issues use a handful of column names and codes: comparing with each beats hashing.
  constexpr uint32_t kScan = 16;
  const uint32_t n = static_cast<uint32_t>(names_.size());
  for (uint32_t id = 0; id < n && id < kScan; ++id) {
    const std::string& known = names_[id];
    if (known.size() == name.size() && (name.empty() || std::memcmp(known.data(), name.data(), name.size()) == 0)) return id;
  }
  return names_.Intern(name);
}

namespace {

// Field `index` of a raw row as CsvRecord::AppendRaw writes it: `*span` is its text as written (without the
// enclosing quotes when `*quoted`, its doubled quotes still doubled). False past the last field.
bool FindRawField(std::string_view raw, size_t index, std::string_view* span, bool* quoted) {
  size_t at = 0;
  for (size_t k = 0;; ++k) {
    size_t end;
    const bool q = at < raw.size() && raw[at] == '"';
    if (q) {
      end = at + 1;
      while (end < raw.size() && !(raw[end] == '"' && (end + 1 == raw.size() || raw[end + 1] != '"'))) {
        end += raw[end] == '"' ? 2 : 1;
      }
      // `end` is the closing quote (or the end of a malformed row).
      if (k == index) {
        *span = raw.substr(at + 1, end - at - 1);
        *quoted = true;
        return true;
      }
      end = std::min(end + 1, raw.size());
    } else {
      end = raw.find(',', at);
      if (end == std::string_view::npos) end = raw.size();
      if (k == index) {
        *span = raw.substr(at, end - at);
        *quoted = false;
        return true;
      }
    }
    if (end >= raw.size()) return false;
    at = end + 1;  // past the ','
  }
}

// The field's text, its doubled quotes made single when it was quoted.
void AppendUnquoted(std::string_view span, bool quoted, std::string* out) {
  if (!quoted) {
    out->append(span.data(), span.size());
    return;
  }
  for (size_t i = 0; i < span.size(); ++i) {
    out->push_back(span[i]);
    if (span[i] == '"' && i + 1 < span.size() && span[i + 1] == '"') ++i;
  }
}

// The last position of `quoted` ("`...`") in `message`, or npos: only the message's backquotes are tried
// (string_view::rfind compares at every position).
size_t LastQuoted(std::string_view message, std::string_view quoted) {
  if (quoted.size() > message.size()) return std::string_view::npos;
  for (size_t at = message.size() - quoted.size() + 1; at-- > 0;) {
    if (message[at] == '`' && std::memcmp(message.data() + at, quoted.data(), quoted.size()) == 0) return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::string BatchIssues::RawField(std::string_view raw_row, size_t index) {
  std::string out;
  std::string_view span;
  bool quoted = false;
  if (FindRawField(raw_row, index, &span, &quoted)) AppendUnquoted(span, quoted, &out);
  return out;
}

uint32_t BatchIssues::KindOf(uint32_t field, uint32_t code, uint32_t import_id, bool rejected, Kind::Message how,
                             std::string_view before, std::string_view after) {
  const auto same = [&](const Kind& k) {
    return k.field == field && k.code == code && k.import_id == import_id && k.rejected == rejected &&
           k.message == how && std::string_view(k.before) == before && std::string_view(k.after) == after;
  };
  // A file's issues come in a few kinds: comparing with the first few beats building a key and hashing it.
  constexpr size_t kScan = 8;
  for (size_t id = 0; id < kinds_.size() && id < kScan; ++id) {
    if (same(kinds_[id])) return static_cast<uint32_t>(id);
  }
  key_scratch_.clear();
  const auto put = [&](uint32_t v) { key_scratch_.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(field);
  put(code);
  put(import_id);
  put(static_cast<uint32_t>(rejected) | static_cast<uint32_t>(how) << 1);
  put(static_cast<uint32_t>(before.size()));
  key_scratch_.append(before.data(), before.size());
  key_scratch_.append(after.data(), after.size());
  const uint32_t found = kind_keys_.Find(key_scratch_);
  if (found != kNoId) return found - 1;
  if (how != Kind::kKept && kinds_.size() >= kMaxKinds) return kNoKind;
  kind_keys_.Intern(key_scratch_);  // id kinds_.size() + 1
  kinds_.push_back(Kind{field, code, import_id, rejected, how, std::string(before), std::string(after)});
  return static_cast<uint32_t>(kinds_.size() - 1);
}

void BatchIssues::Push(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw, std::string_view field,
                       std::string_view code, std::string_view message, bool rejected, uint32_t import_id,
                       const std::string_view* cell) {
  const uint32_t field_id = Name(field), code_id = Name(code);
  uint32_t kind = kNoKind;
  if (cell != nullptr && column > 0) {
    // The message around Quoted(cell); the raw row gives the cell back (Add's REQUIRES).
    quoted_scratch_.clear();
    import_internal::AppendQuoted(&quoted_scratch_, *cell);
    const size_t at = LastQuoted(message, quoted_scratch_);
    if (at != std::string_view::npos) {
      kind = KindOf(field_id, code_id, import_id, rejected, Kind::kAroundCell, message.substr(0, at),
                    message.substr(at + quoted_scratch_.size()));
    }
  }
  if (kind == kNoKind) {
    // A message that does not quote the cell ("found nothing") is mostly the same for every row of its kind.
    kind = KindOf(field_id, code_id, import_id, rejected, Kind::kWhole, message, {});
  }
  if (kind == kNoKind) {
    kind = KindOf(field_id, code_id, import_id, rejected, Kind::kKept, {}, {});
    PushNumbers(line, column, byte_offset, raw, kind, message);
  } else {
    PushNumbers(line, column, byte_offset, raw, kind, {});
  }
}

void BatchIssues::PushNumbers(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw, uint32_t kind,
                              std::string_view kept) {
  messages_.Append(kept);
  const uint32_t short_line = line < kLongLine ? static_cast<uint32_t>(line) : kLongLine;
  if (short_line == kLongLine) long_lines_.emplace_back(numbers_.size(), line);
  numbers_.push_back({byte_offset, short_line, column, raw, kind});
}

void BatchIssues::PushShaped(uint64_t line, uint32_t column, uint64_t byte_offset, uint32_t raw,
                             const IssueShape& shape, std::string_view cell, const std::string_view* field_cell) {
  if (shape.quotes_cell() && (field_cell == nullptr || column == 0 || *field_cell != cell)) {
    // The message quotes other text than the record's field (a trimmed cell): built, and stored as Add() would.
    message_scratch_.clear();
    shape.AppendMessage(cell, &message_scratch_);
    Push(line, column, byte_offset, raw, shape.field(), shape.code(), message_scratch_, shape.rejected(), 0,
         field_cell);
    return;
  }
  // The kind this batch stored the shape as: the newest shapes (the importer's at work) are met first.
  uint32_t kind = kNoKind;
  bool known = false;
  for (size_t i = shape_kinds_.size(); i-- > 0;) {
    if (shape_kinds_[i].first == shape.serial()) {
      kind = shape_kinds_[i].second;
      known = true;
      break;
    }
  }
  if (!known) {
    // The kind Push() finds for the message the shape makes: its text around the cell, or whole.
    kind = KindOf(Name(shape.field()), Name(shape.code()), 0, shape.rejected(),
                  shape.quotes_cell() ? Kind::kAroundCell : Kind::kWhole, shape.before(), shape.after());
    shape_kinds_.emplace_back(shape.serial(), kind);
  }
  if (kind != kNoKind) {
    PushNumbers(line, column, byte_offset, raw, kind, {});
    return;
  }
  // Past kMaxKinds: the message as written.
  message_scratch_.clear();
  shape.AppendMessage(cell, &message_scratch_);
  Push(line, column, byte_offset, raw, shape.field(), shape.code(), message_scratch_, shape.rejected(), 0, nullptr);
}

IssueShape::IssueShape(std::string_view field, std::string_view code, bool rejected, bool quotes_cell,
                       std::string_view before, std::string_view after)
    : field_(field), code_(code), before_(before), after_(quotes_cell ? after : std::string_view()),
      rejected_(rejected), quotes_cell_(quotes_cell) {
  static std::atomic<uint64_t> made{0};
  serial_ = made.fetch_add(1, std::memory_order_relaxed) + 1;
}

void IssueShape::AppendMessage(std::string_view cell, std::string* out) const {
  out->append(before_);
  if (!quotes_cell_) return;
  import_internal::AppendQuoted(out, cell);
  out->append(after_);
}

void BatchIssues::Add(uint64_t line, uint32_t column, uint64_t byte_offset, std::string_view field,
                      std::string_view code, std::string_view message, std::string_view raw_row, bool rejected,
                      const std::string_view* cell) {
  const uint32_t raw = static_cast<uint32_t>(raw_rows_.size());
  raw_rows_.Append(raw_row);
  Push(line, column, byte_offset, raw, field, code, message, rejected, 0, cell);
  last_added_at_ = byte_offset;
}

void BatchIssues::AddOnSameRow(uint64_t line, uint32_t column, std::string_view field, std::string_view code,
                               std::string_view message, bool rejected, const std::string_view* cell) {
  const Numbers last = numbers_.back();
  Push(line, column, last.byte_offset, last.raw, field, code, message, rejected, 0, cell);
}

void BatchIssues::AddShaped(uint64_t line, uint32_t column, uint64_t byte_offset, std::string_view raw_row,
                            const IssueShape& shape, std::string_view cell, const std::string_view* field_cell) {
  const uint32_t raw = static_cast<uint32_t>(raw_rows_.size());
  raw_rows_.Append(raw_row);
  PushShaped(line, column, byte_offset, raw, shape, cell, field_cell);
  last_added_at_ = byte_offset;
}

void BatchIssues::AddShapedOnSameRow(uint64_t line, uint32_t column, const IssueShape& shape, std::string_view cell,
                                     const std::string_view* field_cell) {
  const Numbers last = numbers_.back();
  PushShaped(line, column, last.byte_offset, last.raw, shape, cell, field_cell);
}

void BatchIssues::push_back(const ImportIssue& issue) {
  const uint32_t raw = static_cast<uint32_t>(raw_rows_.size());
  raw_rows_.Append(issue.raw_row);
  Push(issue.line, issue.column, issue.byte_offset, raw, issue.field, issue.code, issue.message, issue.rejected,
       issue.import_id, nullptr);
  last_added_at_ = UINT64_MAX;
}

ImportIssue BatchIssues::Get(size_t i) const {
  const Numbers& n = numbers_[i];
  const Kind& kind = kinds_[n.kind];
  ImportIssue issue;
  issue.import_id = kind.import_id;
  issue.line = n.line;
  if (n.line == kLongLine) {
    const auto at = std::lower_bound(long_lines_.begin(), long_lines_.end(), std::make_pair(i, uint64_t{0}));
    issue.line = at->second;
  }
  issue.column = n.column;
  issue.byte_offset = n.byte_offset;
  issue.field = names_[kind.field];
  issue.code = names_[kind.code];
  issue.raw_row = std::string(raw_rows_[n.raw]);
  switch (kind.message) {
    case Kind::kKept:
      issue.message = std::string(messages_[i]);
      break;
    case Kind::kWhole:
      issue.message = kind.before;
      break;
    case Kind::kAroundCell:
      issue.message = kind.before;
      import_internal::AppendQuoted(&issue.message, RawField(issue.raw_row, n.column - 1));
      issue.message += kind.after;
      break;
  }
  issue.rejected = kind.rejected;
  return issue;
}

const std::vector<ImportIssue>& BatchIssues::Built() const {
  for (size_t i = built_.size(); i < size(); ++i) built_.push_back(Get(i));
  return built_;
}

void BatchIssues::Reserve(size_t rows, size_t message_bytes, size_t raw_bytes) {
  numbers_.reserve(rows);
  messages_.Reserve(rows, message_bytes);
  raw_rows_.Reserve(rows, raw_bytes);
}

void BatchIssues::clear() {
  built_.clear();
  last_added_at_ = UINT64_MAX;
  numbers_.clear();
  messages_.Clear();
  raw_rows_.Clear();
  long_lines_.clear();
}

std::string ImportBatch::Surveys::Keys::operator[](size_t i) const {
  const uint32_t n = i < repeat.size() ? repeat[i] : UINT32_MAX;
  if (n == UINT32_MAX) return std::string(written[i]);
  // As FeedbackImporter::Key (core/import/internal/feedback.cpp) makes it.
  const std::string_view email = rows_->who.email[i];
  std::string out = "survey:";
  out.append(email.empty() ? rows_->who.platform_id[i] : email).push_back(':');
  import_internal::AppendDay(&out, rows_->day[i]);
  out.push_back(':');
  import_internal::AppendInt(&out, n);
  return out;
}

bool ImportBatch::Surveys::Keys::operator==(const Keys& o) const {
  if (size() != o.size()) return false;
  for (size_t i = 0; i < size(); ++i) {
    if ((*this)[i] != o[i]) return false;
  }
  return true;
}

void SplitOrders(ImportBatch* from, size_t k, ImportBatch* head) {
  const size_t n = from->orders.key.size();
  if (k > n) k = n;
  RecycleBatch(head);
  const ImportBatch::Orders& orders = from->orders;
  const size_t lines = k < n && k < orders.first_line.size() ? orders.first_line[k] : from->lines.order.size();
  // The head takes the columns whole; the few rows after the split are copied back into `from`, into the
  // head's old (emptied) buffers.
  std::swap(head->orders, from->orders);
  std::swap(head->lines, from->lines);
  std::swap(head->issues, from->issues);
  from->lines.untitled_is_sku = head->lines.untitled_is_sku;  // a property of the file, kept by both
  ForColumns(&head->orders, &from->orders, [&](auto* h, auto* f) { CopyTail(*h, k, f); Truncate(h, k); });
  ForColumns(&head->lines, &from->lines, [&](auto* h, auto* f) { CopyTail(*h, lines, f); Truncate(h, lines); });
  if (lines > 0) {
    for (size_t i = 0; i < from->orders.first_line.size(); ++i) from->orders.first_line[i] -= static_cast<uint32_t>(lines);
  }
  for (uint32_t& order : from->lines.order) order -= static_cast<uint32_t>(k);
}

uint64_t LineColumn::LongAt(size_t i) const {
  const auto it = std::lower_bound(long_.begin(), long_.end(), std::make_pair(i, uint64_t{0}));
  return it != long_.end() && it->first == i ? it->second : kLong;
}

namespace {

// Moves the first `k` rows of one table (a batch without orders fills one) and all of the issues into `*head`:
// the head takes the columns whole and the rows after the split go back into its old buffers (as SplitOrders).
template <typename Table>
void SplitTable(Table ImportBatch::*table, ImportBatch* from, size_t k, ImportBatch* head) {
  RecycleBatch(head);
  std::swap(head->*table, from->*table);
  std::swap(head->issues, from->issues);
  ForColumns(&(head->*table), &(from->*table), [&](auto* h, auto* f) { CopyTail(*h, k, f); Truncate(h, k); });
}

}  // namespace

size_t SliceUnits(const ImportBatch& batch) {
  if (batch.orders.key.size() > 0) return batch.orders.key.size();
  if (batch.customers.who.size() > 0) return batch.customers.who.size();
  if (batch.reviews.key.size() > 0) return batch.reviews.key.size();
  if (batch.tickets.key.size() > 0) return batch.tickets.key.size();
  return batch.surveys.key.size();
}

void SplitSlice(ImportBatch* from, size_t k, ImportBatch* head) {
  k = std::min(k, SliceUnits(*from));
  if (from->customers.who.size() > 0 && from->orders.key.size() == 0) {
    SplitTable(&ImportBatch::customers, from, k, head);
  } else if (from->reviews.key.size() > 0) {
    SplitTable(&ImportBatch::reviews, from, k, head);
  } else if (from->tickets.key.size() > 0) {
    SplitTable(&ImportBatch::tickets, from, k, head);
  } else if (from->surveys.key.size() > 0) {
    SplitTable(&ImportBatch::surveys, from, k, head);
  } else {
    SplitOrders(from, k, head);
  }
}

void SplitIssues(ImportBatch* from, ImportBatch* head) {
  RecycleBatch(head);
  std::swap(head->issues, from->issues);
}

void ReserveBatch(ImportBatch* batch, double scale) {
  if (!(scale > 1)) return;
  ForAllColumns(batch, [&](auto* column) { Grow(column, scale); });
  // Bad rows often cluster (a broken export's first rows), so the issues' estimate is capped: past it they grow
  // by doubling, as without a hint, instead of reserving (in WebAssembly: committing) text for a whole file.
  constexpr size_t kIssueRows = size_t{1} << 20, kIssueBytes = size_t{64} << 20;
  BatchIssues& issues = batch->issues;
  if (!issues.empty()) {
    issues.Reserve(std::min(Scaled(issues.size(), scale), kIssueRows),
                   std::min(Scaled(issues.message_bytes(), scale), kIssueBytes),
                   std::min(Scaled(issues.raw_bytes(), scale), kIssueBytes));
  }
}

void ReserveMoreOrders(ImportBatch* batch, size_t more) {
  const size_t n = batch->orders.key.size();
  if (n == 0 || more == 0) return;
  const double scale = static_cast<double>(n + more) / static_cast<double>(n);
  ForColumns(&batch->orders, &batch->orders, [&](auto* column, auto*) { Grow(column, scale); });
}

void RecycleBatch(ImportBatch* batch) {
  ForAllColumns(batch, [](auto* column) { Clear(column); });
  batch->issues.clear();
  batch->lines.untitled_is_sku = false;
  batch->rows_read = batch->rows_accepted = batch->rows_rejected = 0;
}

}  // namespace rapport
