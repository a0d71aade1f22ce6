#include "core/import/internal/common.h"

#include <cstring>

#include "core/util/text.h"

namespace rapport::import_internal {

std::string Quoted(std::string_view value) {
  std::string out;
  AppendQuoted(&out, value);
  return out;
}

void AppendQuoted(std::string* out, std::string_view value) {
  constexpr size_t kMax = 60;
  out->push_back('`');
  if (value.size() <= kMax) {
    out->append(value);
  } else {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    out->append(value.substr(0, cut));
    out->append("...");
  }
  out->push_back('`');
}

namespace {

// The record's own bytes when they are exactly what CsvRecord::Raw() writes: fields side by side in the
// input, each after a single ',' and none holding a ',', '"' or line break (so none would be quoted). Then
// the raw row is copied once instead of rebuilt field by field.
bool RawAsWritten(const CsvRecord& r, std::string_view* out) {
  const size_t n = r.size();
  if (n == 0 || r[0].data() == nullptr) return false;
  for (size_t k = 1; k < n; ++k) {
    const std::string_view prev = r[k - 1], field = r[k];
    if (field.data() == nullptr || field.data() != prev.data() + prev.size() + 1 || field.data()[-1] != ',') {
      return false;
    }
  }
  const std::string_view span(r[0].data(), static_cast<size_t>(r[n - 1].data() + r[n - 1].size() - r[0].data()));
  size_t commas = 0;
  for (char c : span) {
    if (c == ',') {
      ++commas;
    } else if (c == '"' || c == '\r' || c == '\n') {
      return false;
    }
  }
  if (commas != n - 1) return false;
  *out = span;
  return true;
}

bool HasLineBreak(std::string_view text) {
  return !text.empty() && (std::memchr(text.data(), '\n', text.size()) != nullptr ||
                           std::memchr(text.data(), '\r', text.size()) != nullptr);
}

// The record's issue: `same_row(line, column_1, cell)` when the last issue was this record's (its raw row is
// kept), else `new_row(line, column_1, raw_row, cell)`; `cell` is the record's field at `column` or null.
template <typename SameRow, typename NewRow>
void AddRecordIssue(ImportBatch* batch, const CsvRecord& record, int column, SameRow&& same_row, NewRow&& new_row) {
  const uint32_t column_1 = column >= 0 ? static_cast<uint32_t>(column + 1) : 0;
  // The cell the message may quote: BatchIssues then keeps the message's shape, not its text.
  std::string_view cell_value;
  const std::string_view* cell = nullptr;
  if (column >= 0 && static_cast<size_t>(column) < record.size()) {
    cell_value = record[static_cast<size_t>(column)];
    cell = &cell_value;
  }
  if (batch->issues.LastAddedAt(record.byte_offset())) {  // a second issue of this record: its raw row is kept
    const bool later_line = column > 0 && HasLineBreak(batch->issues.last_raw_row());
    const uint64_t line = later_line ? record.LineOfField(static_cast<size_t>(column)) : record.line();
    same_row(line, column_1, cell);
    return;
  }
  std::string_view raw;
  uint64_t line = record.line();  // a record read as written holds no line break: every field is on its line
  if (!RawAsWritten(record, &raw)) {
    std::string* rebuilt = batch->issues.scratch();
    rebuilt->clear();
    record.AppendRaw(rebuilt);
    raw = *rebuilt;
    // Only a quoted line break puts a field on a later line than the record's first.
    if (column > 0 && HasLineBreak(raw)) line = record.LineOfField(static_cast<size_t>(column));
  }
  new_row(line, column_1, raw, cell);
}

}  // namespace

void AddIssue(ImportBatch* batch, const CsvRecord& record, int column, std::string_view field, const char* code,
              std::string_view message, bool rejected) {
  BatchIssues& issues = batch->issues;
  AddRecordIssue(
      batch, record, column,
      [&](uint64_t line, uint32_t column_1, const std::string_view* cell) {
        issues.AddOnSameRow(line, column_1, field, code, message, rejected, cell);
      },
      [&](uint64_t line, uint32_t column_1, std::string_view raw, const std::string_view* cell) {
        issues.Add(line, column_1, record.byte_offset(), field, code, message, raw, rejected, cell);
      });
}

void AddIssue(ImportBatch* batch, const CsvRecord& record, int column, const IssueShape& shape,
              std::string_view cell) {
  BatchIssues& issues = batch->issues;
  AddRecordIssue(
      batch, record, column,
      [&](uint64_t line, uint32_t column_1, const std::string_view* field_cell) {
        issues.AddShapedOnSameRow(line, column_1, shape, cell, field_cell);
      },
      [&](uint64_t line, uint32_t column_1, std::string_view raw, const std::string_view* field_cell) {
        issues.AddShaped(line, column_1, record.byte_offset(), raw, shape, cell, field_cell);
      });
}

void UpperTo(std::string_view s, std::string* out) {
  out->resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    (*out)[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
}

void LowerTo(std::string_view s, std::string* out) {
  out->resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) (*out)[i] = AsciiLower(s[i]);
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (haystack.size() < needle.size()) return false;
  // The first byte inline, the rest compared only where it matches (the Shopify importer asks every order's
  // payment method whether it holds "bogus": most positions differ at once).
  const char first = AsciiLower(needle[0]);
  const std::string_view rest = needle.substr(1);
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (AsciiLower(haystack[i]) == first && EqualsIgnoreCaseSameSize(haystack.substr(i + 1, rest.size()), rest)) return true;
  }
  return false;
}

bool HasTag(std::string_view tags, std::string_view tag) {
  while (!tags.empty()) {
    const size_t comma = tags.find(',');
    std::string_view one = TrimAscii(tags.substr(0, comma));
    if (EqualsIgnoreCase(one, tag)) return true;
    if (comma == std::string_view::npos) break;
    tags.remove_prefix(comma + 1);
  }
  return false;
}

int8_t ParseYesNo(std::string_view s) {
  s = TrimAscii(s);
  if (EqualsIgnoreCase(s, "yes") || EqualsIgnoreCase(s, "true") || s == "1") return 1;
  if (EqualsIgnoreCase(s, "no") || EqualsIgnoreCase(s, "false") || s == "0") return 0;
  return -1;
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  out->append(p, static_cast<size_t>(end - p));
}

void AppendDay(std::string* out, int32_t day) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  if (y < 0 || y > 9999) {
    out->append(FormatDay(day));
    return;
  }
  const char buf[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                        static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10), '-',
                        static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), '-',
                        static_cast<char>('0' + d / 10), static_cast<char>('0' + d % 10)};
  out->append(buf, sizeof buf);
}

}  // namespace rapport::import_internal
