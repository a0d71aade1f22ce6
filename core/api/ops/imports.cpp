// Ops "imports" (the history) and "import_issues" (one import's rejected rows and warnings, as JSON or
// as CSV text with header line,column,field,code,message,raw_row).
#include "core/api/ops.h"

namespace rapport {

namespace {

Json RecordJson(const ImportRecord& r) {
  Json j;
  j["id"] = r.id;
  j["file_name"] = r.file_name;
  j["format"] = r.format;
  j["imported_at"] = r.imported_at;
  j["bytes"] = r.bytes;
  j["rows_read"] = r.rows_read;
  j["rows_accepted"] = r.rows_accepted;
  j["rows_rejected"] = r.rows_rejected;
  j["orders_added"] = r.orders_added;
  j["orders_skipped_duplicate"] = r.orders_skipped_duplicate;
  j["customers_added"] = r.customers_added;
  j["customers_merged"] = r.customers_merged;
  j["first_day"] = Day(r.first_day);
  j["last_day"] = Day(r.last_day);
  j["currencies"] = r.currencies;
  char hex[17];
  static const char* const kDigits = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) hex[i] = kDigits[(r.fingerprint >> (60 - 4 * i)) & 15];
  hex[16] = 0;
  j["fingerprint"] = hex;
  j["fingerprint_kind"] = r.fingerprint_kind;
  return j;
}

// RFC 4180 field: quoted when it holds a delimiter, quote or line break; formula-looking cells are
// neutralised with a leading apostrophe (DESIGN §3, spreadsheet formula injection).
void AppendCsvField(std::string* out, const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    *out += v;
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

Result<Json> Op_imports(OpContext& ctx) {
  Json list = Json::array();
  for (const ImportRecord& r : ctx.workspace.imports) list.push_back(RecordJson(r));
  return Json{{"imports", std::move(list)}};
}

Result<Json> Op_import_issues(OpContext& ctx) {
  const Json& req = ctx.request;
  if (!req.contains("import_id") || !req["import_id"].is_number_integer()) {
    return InvalidArgument("import_issues: expected {\"import_id\": N}");
  }
  const int64_t id = req["import_id"].get<int64_t>();
  const ImportRecord* record = nullptr;
  for (const ImportRecord& r : ctx.workspace.imports) {
    if (static_cast<int64_t>(r.id) == id) record = &r;
  }
  if (!record) return NotFound("import_issues: no import with id " + std::to_string(id));
  const bool csv = req.contains("format") && req["format"] == "csv";
  const bool rejected_only = req.contains("rejected_only") && req["rejected_only"] == true;
  Json issues = Json::array();
  std::string text = "line,column,field,code,message,raw_row\r\n";
  for (const ImportIssue& x : ctx.workspace.issues) {
    if (static_cast<int64_t>(x.import_id) != id || (rejected_only && !x.rejected)) continue;
    if (csv) {
      text += std::to_string(x.line) + "," + std::to_string(x.column) + ",";
      AppendCsvField(&text, x.field);
      text += ",";
      AppendCsvField(&text, x.code);
      text += ",";
      AppendCsvField(&text, x.message);
      text += ",";
      AppendCsvField(&text, x.raw_row);
      text += "\r\n";
    } else {
      issues.push_back(Json{{"line", x.line}, {"column", x.column}, {"byte_offset", x.byte_offset}, {"field", x.field},
                            {"code", x.code}, {"message", x.message}, {"raw_row", x.raw_row}, {"rejected", x.rejected}});
    }
  }
  Json j;
  j["import_id"] = id;
  j["file_name"] = record->file_name;
  if (csv) j["csv"] = std::move(text);
  else j["issues"] = std::move(issues);
  return j;
}

}  // namespace rapport
