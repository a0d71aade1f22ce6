#include "core/import/internal/orders.h"

#include "core/import/internal/common.h"
#include "core/util/text.h"

namespace rapport::import_internal {

uint32_t AppendOrder(ImportBatch* batch, const OrderFields& f) {
  ImportBatch::Orders& o = batch->orders;
  const uint32_t index = static_cast<uint32_t>(o.key.size());
  o.key.Append(f.key);
  o.name.Append(f.name);
  o.who.Append(f.email, f.phone, f.platform_id, f.first_name, f.last_name);
  o.created.push_back(f.created);
  o.currency.Append(f.currency);
  o.subtotal_cents.push_back(f.subtotal);
  o.discount_cents.push_back(f.discount);
  o.shipping_cents.push_back(f.shipping);
  o.tax_cents.push_back(f.tax);
  o.total_cents.push_back(f.total);
  o.refunded_cents.push_back(f.refunded);
  o.flags.push_back(f.flags);
  o.financial_status.Append(f.financial_status);
  o.fulfillment_status.Append(f.fulfillment_status);
  o.source.Append(f.source);
  o.discount_code.Append(f.discount_code);
  o.country.Append(f.country);
  o.fulfilled_day.push_back(f.fulfilled_day);
  o.accepts_marketing.push_back(f.accepts_marketing);
  o.first_line.push_back(static_cast<uint32_t>(batch->lines.order.size()));
  o.line_count.push_back(0);
  o.line.push_back(f.line);
  return index;
}

void AppendLine(ImportBatch* batch, std::string_view sku, std::string_view title, std::string_view vendor,
                int32_t quantity, int64_t unit_price_cents, int64_t discount_cents) {
  ImportBatch::Lines& l = batch->lines;
  l.order.push_back(static_cast<uint32_t>(batch->orders.key.size() - 1));
  l.sku.Append(sku);
  l.title.Append(title);
  l.vendor.Append(vendor);
  l.quantity.push_back(quantity);
  l.unit_price_cents.push_back(unit_price_cents);
  l.discount_cents.push_back(discount_cents);
  ++batch->orders.line_count.back();
}

void SplitName(std::string_view person, std::string_view* first, std::string_view* last) {
  person = TrimAscii(person);
  const size_t space = person.find(' ');
  *first = person.substr(0, space);
  *last = space == std::string_view::npos ? std::string_view() : TrimAscii(person.substr(space + 1));
}

Status Cells::Missing(const CsvRecord& first, std::string_view column, std::string_view layout) const {
  return InvalidArgument(file_name + ":" + std::to_string(first.line()) + ":1: missing column `" + std::string(column) +
                         "`: " + std::string(layout) + " (found " + header.Preview(6) + ")");
}

const std::string& Cells::Label(int column) const {
  static const std::string kNone;
  if (column < 0) return kNone;
  while (labels_.size() <= static_cast<size_t>(column)) labels_.push_back(header.Label(labels_.size()));
  return labels_[static_cast<size_t>(column)];
}

namespace {

// True when `s` is `parts` joined.
bool IsJoined(std::string_view s, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) {
    if (s.substr(0, part.size()) != part) return false;
    s.remove_prefix(part.size());
  }
  return s.empty();
}

}  // namespace

const IssueShape& Cells::CellShape(int column, const char* code, bool rejected,
                                   std::initializer_list<std::string_view> text, bool nothing,
                                   std::string_view after) const {
  for (size_t i = shapes_.size(); i-- > 0;) {  // a file has a few: the last made are asked most
    const CellShapeKey& k = shapes_[i];
    if (k.column == column && k.rejected == rejected && k.nothing == nothing && k.code == code && k.after == after &&
        IsJoined(k.text, text)) {
      return k.shape;
    }
  }
  CellShapeKey k{column, code, {}, std::string(after), rejected, nothing, {}};
  for (std::string_view part : text) k.text.append(part.data(), part.size());
  std::string before = "`" + Label(column) + "`: " + k.text;
  if (nothing) {
    before.append("nothing").append(after.data(), after.size());
    k.shape = IssueShape(Label(column), code, rejected, false, before);
  } else {
    k.shape = IssueShape(Label(column), code, rejected, true, before, after);
  }
  shapes_.push_back(std::move(k));
  return shapes_.back().shape;
}

void Cells::RejectCell(ImportBatch* b, const CsvRecord& r, int column, const char* code,
                       std::initializer_list<std::string_view> text, std::string_view cell,
                       std::string_view after) const {
  AddIssue(b, r, column, CellShape(column, code, true, text, cell.empty(), after), cell);
  ++b->rows_rejected;
}

void Cells::WarnCell(ImportBatch* b, const CsvRecord& r, int column, const char* code,
                     std::initializer_list<std::string_view> text, std::string_view cell,
                     std::string_view after) const {
  AddIssue(b, r, column, CellShape(column, code, false, text, cell.empty(), after), cell);
}

void Cells::Reject(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string_view message) const {
  AddIssue(b, r, column, Label(column), code, message, true);
  ++b->rows_rejected;
}

void Cells::Warn(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string_view message) const {
  AddIssue(b, r, column, Label(column), code, message, false);
}

bool Cells::RejectRagged(ImportBatch* b, const CsvRecord& r) const {
  if (r.size() == columns) return false;
  message_.assign("expected ");
  AppendInt(&message_, static_cast<int64_t>(columns));
  message_.append(" fields (as in the header), found ");
  AppendInt(&message_, static_cast<int64_t>(r.size()));
  Reject(b, r, -1, "ragged_row", message_);
  return true;
}

bool Cells::Money(ImportBatch* b, const CsvRecord& r, int column, bool required, char decimal, int64_t* cents,
                  bool reject, const char* consequence) const {
  *cents = 0;
  if (column < 0) return !required;
  const std::string_view text = TrimAscii(r[static_cast<size_t>(column)]);
  if (text.empty() && !required) return true;
  if (ParseMoneyCents(text, cents, decimal)) return true;
  if (reject) {
    RejectCell(b, r, column, "bad_amount", {"expected an amount like 125.40, found "}, text, consequence);
  } else {
    WarnCell(b, r, column, "bad_amount", {"expected an amount like 125.40, found "}, text, consequence);
  }
  return false;
}

bool Cells::Date(ImportBatch* b, const CsvRecord& r, int column, DateFormat format, const char* example,
                 Timestamp* out) const {
  const std::string_view text = TrimAscii(Field(r, column));
  if (ParseTimestamp(text, format, out)) return true;
  RejectCell(b, r, column, "bad_date", {"expected a date like ", example, ", found "}, text, {});
  return false;
}

void NoteAssumedTimezone(ImportBatch* b, const CsvRecord& r, int column, const Cells& cells, bool* noted) {
  if (*noted) return;
  *noted = true;
  ImportIssue issue;
  issue.line = r.line();
  issue.column = column >= 0 ? static_cast<uint32_t>(column + 1) : 0;
  issue.byte_offset = r.byte_offset();
  issue.field = cells.Label(column);
  issue.code = "timezone_assumed";
  issue.message = "`" + issue.field +
                  "`: the export writes wall-clock times without a UTC offset; each date is taken as the store's "
                  "local day as written (timezone assumed to be the store's)";
  issue.rejected = false;
  b->issues.push_back(std::move(issue));
}

uint8_t FlagsFromStatus(std::string_view status) {
  status = TrimAscii(status);
  if (status.size() > 3 && EqualsIgnoreCase(status.substr(0, 3), "wc-")) status.remove_prefix(3);
  if (EqualsIgnoreCase(status, "cancelled") || EqualsIgnoreCase(status, "canceled") ||
      EqualsIgnoreCase(status, "declined")) {
    return kOrderCancelled;
  }
  if (EqualsIgnoreCase(status, "failed") || EqualsIgnoreCase(status, "voided") ||
      EqualsIgnoreCase(status, "suspected fraud") || EqualsIgnoreCase(status, "fraud")) {
    return kOrderVoided;
  }
  return 0;
}

void StatusSlugTo(std::string_view status, std::string* out) {
  status = TrimAscii(status);
  if (status.size() > 3 && EqualsIgnoreCase(status.substr(0, 3), "wc-")) status.remove_prefix(3);
  out->resize(status.size());
  for (size_t i = 0; i < status.size(); ++i) {
    const char c = status[i];
    (*out)[i] = c == ' ' || c == '-' ? '_' : AsciiLower(c);
  }
}

}  // namespace rapport::import_internal
