#include "core/import/detect.h"

#include <cstring>

#include "core/import/header.h"
#include "core/import/internal/sniff.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

namespace {

using import_internal::DateGuess;
using import_internal::DateSniffer;

constexpr size_t kMaxRecords = 5000;

struct Role {
  const char* role;
  std::initializer_list<std::string_view> synonyms;
};

// Header synonyms per role (compared loosely: letters and digits only). The generic importers use the
// same names (core/import/generic/*.cpp); a platform's own export never needs them.
const Role kRoles[] = {
    {"customer", {"customer", "customer_id", "customerid", "member_number", "member", "client", "client_id", "user_id",
                  "buyer"}},
    {"email", {"email", "customer_email", "e-mail", "email_address", "reviewer_email", "requester_email"}},
    {"phone", {"phone", "customer_phone", "mobile", "phone_number"}},
    {"date", {"date", "order_date", "created_at", "invoice_date", "transaction_date", "purchase_date", "timestamp",
              "datetime", "review_date", "submitted_at", "created"}},
    {"amount", {"amount", "total", "dollar_value", "revenue", "sales", "value", "total_amount", "order_total", "spend",
                "price"}},
    {"order", {"order", "order_id", "order_number", "invoice", "invoice_no", "transaction_id"}},
    {"sku", {"sku", "item", "product", "product_id", "stockcode", "item_id", "itemdescription"}},
    {"title", {"title", "product_name", "description", "item_name"}},
    {"quantity", {"quantity", "qty", "number_of_cds", "units"}},
    {"currency", {"currency", "currency_code"}},
    {"rating", {"rating", "stars", "review_score", "star_rating"}},
    {"score", {"nps", "nps_score", "score", "likelihood_to_recommend"}},
    {"comment", {"comment", "body", "review", "feedback", "review_content"}},
    {"status", {"status", "ticket_status"}},
    {"channel", {"channel", "via", "source"}},
    {"csat", {"csat", "satisfaction", "satisfaction_score"}},
};

// The rule of the generic importer: a first record of numbers and dates is data, not a header.
bool LooksLikeData(const std::vector<std::string>& r) {
  if (r.size() < 2) return false;
  size_t filled = 0;
  for (const std::string& cell : r) {
    const std::string_view f = TrimAscii(cell);
    if (f.empty()) continue;
    ++filled;
    bool digit = false;
    for (char c : f) {
      if (IsDigit(c)) digit = true;
      else if (!std::strchr(".,-/:+ $", c)) return false;
    }
    if (!digit) return false;
  }
  return filled >= 2;
}

bool ValidUtf8(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    int len = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0) return false;
    for (int k = 1; k < len; ++k) {
      if (i + k >= n) return true;  // cut by the end of the sample
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

struct Sample {
  FileProbe probe;
  std::vector<std::vector<std::string>> records;  // every record read, header included
  std::vector<uint64_t> lines;                    // the physical line each record starts on
  CsvRecord header_record;                        // views into header_views
  std::vector<std::string_view> header_views;
};

Status ReadSample(std::string_view bytes, const std::string& file_name, const ImportOptions& options, bool complete,
                  Sample* out) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    return ParseError(file_name + ":1:1: this is a zip archive (an Excel .xlsx workbook?), not a CSV file; export the "
                                  "sheet as CSV (UTF-8)");
  }
  if (bytes.size() >= 2 && b(0) == 0x1F && b(1) == 0x8B) {
    return ParseError(file_name + ":1:1: this is a gzip archive, not a CSV file; decompress it first");
  }
  if (bytes.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
    return ParseError(file_name + ":1:1: the file is UTF-16 text; save it as CSV UTF-8");
  }
  if (std::memchr(bytes.data(), 0, bytes.size()) != nullptr) {
    return ParseError(file_name + ":1:1: binary data (a NUL byte); expected a CSV text file");
  }
  std::string text;
  if (!ValidUtf8(bytes)) {
    out->probe.encoding = "windows-1252";
    text = Latin1ToUtf8(bytes);
  } else {
    text.assign(bytes.data(), bytes.size());
  }
  if (!complete) {
    const size_t nl = text.find_last_of('\n');
    if (nl != std::string::npos && nl + 1 < text.size()) text.resize(nl + 1);
  }
  if (TrimAscii(text).empty()) return ParseError(file_name + ":1:1: the file is empty; expected a CSV export with a header row");
  out->probe.dialect = SniffDialect(text);
  Status st = ReadCsv(text, file_name, [&](const CsvRecord& r) {
    if (out->records.size() >= kMaxRecords) return;
    if (r.size() == 0 || (r.size() == 1 && TrimAscii(r[0]).empty())) return;
    std::vector<std::string> cells;
    cells.reserve(r.size());
    for (size_t i = 0; i < r.size(); ++i) cells.emplace_back(r[i]);
    out->records.push_back(std::move(cells));
    out->lines.push_back(r.line());
  });
  // A quote left open at the end of a cut sample is not an error of the file; keep what was read.
  if (!st.ok() && out->records.empty()) return st;
  if (out->records.empty()) return ParseError(file_name + ":1:1: no records in the sample");
  FileProbe& p = out->probe;
  const std::vector<std::string>& first = out->records[0];
  p.has_header = options.has_header == 1 || (options.has_header == -1 && !LooksLikeData(first));
  for (size_t i = 0; i < first.size(); ++i) {
    p.header.push_back(p.has_header ? std::string(CleanHeaderCell(first[i])) : "#" + std::to_string(i + 1));
  }
  const size_t start = p.has_header ? 1 : 0;
  p.sample_rows = out->records.size() - start;
  for (size_t k = start; k < out->records.size() && p.rows.size() < kPreviewRows; ++k) p.rows.push_back(out->records[k]);
  for (const std::string& cell : first) out->header_views.emplace_back(cell);
  out->header_record.fields_ = out->header_views.data();
  out->header_record.count_ = out->header_views.size();
  out->header_record.line_ = 1;
  return Status::Ok();
}

HeaderIndex IndexOf(const Sample& s) {
  HeaderIndex h;
  if (s.probe.has_header) h.Reset(s.header_record);
  else h.ResetUnnamed(s.header_record.size());
  return h;
}

std::string KindOfMapping(const ColumnMapping& m) {
  if (!m.score.empty()) return "surveys";
  if (!m.status.empty() || !m.channel.empty() || !m.csat.empty()) return "tickets";
  if (!m.rating.empty()) return "reviews";
  return "transactions";
}

std::string FormatTimestamp(const Timestamp& t) {
  std::string s = FormatDay(t.day);
  char buf[32];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", t.seconds / 3600, t.seconds / 60 % 60, t.seconds % 60);
  s += buf;
  if (t.has_offset) {
    const int m = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    std::snprintf(buf, sizeof buf, " %c%02d%02d", t.offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
    s += buf;
  }
  return s;
}

// The value as the import reads it; false (with *error) when it does not parse.
bool ParseAs(const std::string& role, std::string_view raw, const ImportOptions& options, DateFormat date_format,
             std::string* value, std::string* error) {
  const std::string_view v = TrimAscii(StripExcelGuard(raw));
  value->clear();
  error->clear();
  if (v.empty()) return true;
  if (role == "date") {
    Timestamp t;
    if (!ParseTimestamp(v, date_format, &t)) {
      *error = "expected a date like " + std::string(date_format == DateFormat::kAuto ? "2024-03-01" : DateFormatExample(date_format));
      return false;
    }
    *value = FormatTimestamp(t);
  } else if (role == "amount") {
    int64_t cents;
    if (!ParseMoneyCents(v, &cents, options.decimal_separator)) {
      *error = options.decimal_separator == ',' ? "expected an amount like 12,50" : "expected an amount like 12.50";
      return false;
    }
    char buf[32];
    const uint64_t a = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
    std::snprintf(buf, sizeof buf, "%s%llu.%02llu", cents < 0 ? "-" : "", static_cast<unsigned long long>(a / 100),
                  static_cast<unsigned long long>(a % 100));
    *value = buf;
  } else if (role == "quantity" || role == "rating" || role == "score" || role == "csat") {
    int64_t n;
    const int64_t max = role == "rating" || role == "csat" ? 5 : role == "score" ? 10 : INT32_MAX;
    const int64_t min = role == "rating" || role == "csat" ? 1 : 0;
    if (!ParseInt64(v, &n) || n < min || n > max) {
      *error = "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
      return false;
    }
    *value = std::to_string(n);
  } else if (role == "email") {
    *value = NormalizeEmail(v);
    if (value->empty()) {
      *error = "expected an address like name@example.com";
      return false;
    }
  } else if (role == "phone") {
    *value = NormalizePhone(v);
    if (value->empty()) {
      *error = "expected a phone number";
      return false;
    }
  } else if (role == "currency") {
    bool ok = v.size() == 3;
    for (char c : v) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (!ok) {
      *error = "expected a three-letter code like EUR";
      return false;
    }
    *value = std::string(v);
    for (char& c : *value) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  } else {
    *value = std::string(v);
  }
  return true;
}

}  // namespace

Result<FileProbe> ProbeFile(std::string_view sample, const std::string& file_name, const ImportOptions& options,
                            bool complete) {
  Sample s;
  RAPPORT_RETURN_IF_ERROR(ReadSample(sample, file_name, options, complete, &s));
  FileProbe& p = s.probe;
  for (const ImporterInfo& info : Importers()) {
    const int score = info.score(s.header_record);
    if (score > 0) p.candidates.push_back(FormatScore{&info, score});
  }
  for (size_t i = 1; i < p.candidates.size(); ++i) {  // stable: ties keep registry order
    for (size_t j = i; j > 0 && p.candidates[j].score > p.candidates[j - 1].score; --j) {
      std::swap(p.candidates[j], p.candidates[j - 1]);
    }
  }
  p.format = DetectImporter(s.header_record, options);
  p.generic = p.format == nullptr || std::strcmp(p.format->platform, "Generic") == 0;
  if (!p.generic) return std::move(p);
  const HeaderIndex h = IndexOf(s);
  if (p.has_header) {
    for (const Role& role : kRoles) {
      const int index = h.FindAnyLoose(role.synonyms);
      if (index >= 0) *MappingRole(&p.suggested, role.role) = h.Label(static_cast<size_t>(index));
    }
    // A column is suggested for one role only: the first role (in kRoles order) keeps it.
    std::vector<std::string> used;
    for (std::string_view role : MappingRoles()) {
      std::string* field = MappingRole(&p.suggested, role);
      if (field->empty()) continue;
      bool taken = false;
      for (const std::string& u : used) taken = taken || u == *field;
      if (taken) field->clear();
      else used.push_back(*field);
    }
  } else {
    // Headerless defaults of the generic importer (docs/formats/generic.md).
    const size_t n = p.header.size();
    ColumnMapping& m = p.suggested;
    if (n == 5) m.customer = "#1", m.date = "#3", m.quantity = "#4", m.amount = "#5";
    else if (n == 4) m.customer = "#1", m.date = "#2", m.quantity = "#3", m.amount = "#4";
    else if (n == 3) m.customer = "#1", m.date = "#2", m.amount = "#3";
  }
  p.suggested_kind = p.format != nullptr ? p.format->kind : (p.suggested.empty() ? "" : KindOfMapping(p.suggested));
  return std::move(p);
}

MappingCheck CheckMapping(std::string_view sample, const std::string& file_name, const ImportOptions& options,
                          std::string kind, bool complete) {
  MappingCheck check;
  const ColumnMapping& m = options.mapping;
  check.kind = kind.empty() ? KindOfMapping(m) : kind;
  Sample s;
  const Status st = ReadSample(sample, file_name, options, complete, &s);
  const HeaderIndex h = st.ok() ? IndexOf(s) : HeaderIndex();
  const size_t start = s.probe.has_header ? 1 : 0;
  // The date column first: its format decides how the other samples of that column are read.
  DateFormat date_format = options.date_format;
  const int date_index = m.date.empty() || !st.ok() ? -1 : h.Find(m.date);
  if (date_index >= 0) {
    DateSniffer sniffer;
    for (size_t k = start; k < s.records.size(); ++k) {
      const auto& r = s.records[k];
      sniffer.Add(static_cast<size_t>(date_index) < r.size() ? std::string_view(r[date_index]) : std::string_view());
    }
    const DateGuess g = sniffer.Guess(DateFormat::kMonthDayYear);
    check.date_example = g.example;
    if (g.format == DateFormat::kDayMonthYear) check.date_guess = "day-first";
    else if (g.format == DateFormat::kMonthDayYear) check.date_guess = "month-first";
    else if (g.format == DateFormat::kMonthNameDayYear) check.date_guess = "month-name";
    else if (g.iso > 0) check.date_guess = "iso";
    if (g.ambiguous) check.date_guess = "ambiguous";
    if (g.conflicting) check.date_guess = "conflicting";
    if (date_format == DateFormat::kAuto) date_format = g.format;
  }
  check.date_format = DateFormatName(date_format);
  std::vector<bool> row_bad;
  for (std::string_view role : MappingRoles()) {
    const std::string& spec = *MappingRole(m, role);
    if (spec.empty()) continue;
    MappedColumn col;
    col.role = std::string(role);
    col.spec = spec;
    col.index = st.ok() ? h.Find(spec) : -1;
    if (col.index < 0) {
      check.unknown.push_back(col.role + "=" + spec);
      check.columns.push_back(std::move(col));
      continue;
    }
    col.label = h.Label(static_cast<size_t>(col.index));
    std::string value, error;
    row_bad.resize(s.records.size(), false);
    for (size_t k = start; k < s.records.size(); ++k) {
      const auto& r = s.records[k];
      const std::string raw = static_cast<size_t>(col.index) < r.size() ? r[static_cast<size_t>(col.index)] : std::string();
      const bool ok = ParseAs(col.role, raw, options, date_format, &value, &error);
      ++col.checked;
      if (!ok) {
        ++col.errors;
        if (col.first_error.empty()) col.first_error = "`" + raw + "`: " + error;
        // The earliest bad cell of the sample, by line then column.
        const uint64_t line = k < s.lines.size() ? s.lines[k] : 0;
        const int column = col.index + 1;
        if (check.first_error_line == 0 || line < check.first_error_line ||
            (line == check.first_error_line && column < check.first_error_column)) {
          check.first_error_line = line;
          check.first_error_column = column;
          check.first_error = "`" + col.label + "`: `" + raw + "`: " + error;
        }
        row_bad[k] = true;
      }
      if (col.samples.size() < kPreviewRows) {
        col.samples.push_back(raw);
        col.parsed.push_back(ok ? value : std::string());
      }
    }
    check.columns.push_back(std::move(col));
  }
  const auto mapped = [&](std::initializer_list<const char*> roles) {
    for (const char* role : roles) {
      const std::string& spec = *MappingRole(m, role);
      if (!spec.empty() && st.ok() && h.Find(spec) >= 0) return true;
    }
    return false;
  };
  check.rows_checked = s.records.size() > start ? s.records.size() - start : 0;
  check.rows_ok = check.rows_checked;
  for (size_t k = start; k < row_bad.size(); ++k) {
    if (row_bad[k]) --check.rows_ok;
  }
  if (!mapped({"date"})) check.missing.push_back("date");
  if (check.kind == "transactions" || check.kind == "surveys") {
    if (!mapped({"customer", "email", "phone"})) check.missing.push_back("customer or email");
  }
  if (check.kind == "surveys" && !mapped({"score"})) check.missing.push_back("score");
  if (check.kind == "reviews" && !mapped({"rating"})) check.missing.push_back("rating");
  return check;
}

}  // namespace rapport
