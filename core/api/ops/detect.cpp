// Ops "detect" (what a file is, from its first bytes, before importing it), "mapping_save" and "mappings"
// (column mappings saved in the workspace). The logic lives in core/import/detect.h and
// core/import/mapping_store.h; this file only converts between JSON and those structs.
//
// detect: {"text": "..."} or {"bytes_base64": "..."} (the first few KB), optional "file_name",
//   "complete" (the bytes are the whole file), "options" (import options as the import takes them:
//   {"format", "currency", "date_format", "decimal_separator", "has_header", "mapping": {role: column}})
//   or "mapping_name" (a saved mapping's options). Returns the dialect, encoding, header, first rows, the
//   recognised format and every candidate with its score, a suggested mapping for generic/unknown files,
//   and, when the options carry a mapping, "mapping_check" (missing roles, samples, date-format guess).
#include "core/api/ops.h"
#include "core/api/import_options.h"
#include "core/import/detect.h"
#include "core/import/mapping_store.h"
#include "core/api/engine.h"
#include "core/util/text.h"
#include "core/workspace/store.h"

namespace rapport {

namespace {

bool DecodeBase64(std::string_view in, std::string* out) {
  static const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    const int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

Json FormatJson(const ImporterInfo* info, int score) {
  if (info == nullptr) return nullptr;
  Json j{{"format", info->format}, {"platform", info->platform}, {"kind", info->kind}, {"label", info->label}};
  if (score >= 0) j["score"] = score;
  return j;
}

Result<std::vector<SavedMapping>> SavedMappings(OpContext& ctx) {
  if (!ctx.engine) return std::vector<SavedMapping>();
  return LoadMappings(ctx.engine->store().db());
}

}  // namespace

Result<Json> Op_detect(OpContext& ctx) {
  const Json& q = ctx.request;
  std::string bytes;
  if (q.contains("bytes_base64") && q["bytes_base64"].is_string()) {
    if (!DecodeBase64(q["bytes_base64"].get<std::string>(), &bytes)) {
      return InvalidArgument("detect: `bytes_base64` is not base64");
    }
  } else if (q.contains("text") && q["text"].is_string()) {
    bytes = q["text"].get<std::string>();
  } else {
    return InvalidArgument("detect: expected {\"text\": \"...\"} or {\"bytes_base64\": \"...\"} with the file's first bytes");
  }
  const std::string file_name = q.contains("file_name") && q["file_name"].is_string() ? q["file_name"].get<std::string>() : "file.csv";
  const bool complete = q.value("complete", false);
  ImportOptions options;
  if (q.contains("mapping_name")) {
    if (!q["mapping_name"].is_string()) return InvalidArgument("detect: `mapping_name` must be a string");
    if (!ctx.engine) return NotFound("detect: no workspace to read saved mappings from");
    Status st = ApplySavedMapping(ctx.engine->store().db(), q["mapping_name"].get<std::string>(), &options);
    if (!st.ok()) return Status(st.code(), "detect: " + st.message());
  }
  if (q.contains("options")) {
    Status st = ImportOptionsFromJson(q["options"], &options);
    if (!st.ok()) return Status(st.code(), "detect: " + st.message());
  }
  Result<FileProbe> probe = ProbeFile(bytes, file_name, options, complete);
  if (!probe.ok()) return probe.status();
  const FileProbe& p = *probe;
  Json j;
  j["file_name"] = file_name;
  j["encoding"] = p.encoding;
  const std::string delimiter = p.dialect.whitespace_runs ? "whitespace" : std::string(1, p.dialect.delimiter);
  j["dialect"] = Json{{"delimiter", delimiter}, {"whitespace_runs", p.dialect.whitespace_runs},
                      {"quote", std::string(1, p.dialect.quote)}};
  j["has_header"] = p.has_header;
  j["header"] = p.header;
  j["rows"] = p.rows;
  j["sample_rows"] = p.sample_rows;
  int best_score = -1;
  Json candidates = Json::array();
  for (const FormatScore& c : p.candidates) {
    candidates.push_back(FormatJson(c.info, c.score));
    if (c.info == p.format) best_score = c.score;
  }
  j["format"] = FormatJson(p.format, best_score);
  j["candidates"] = std::move(candidates);
  j["generic"] = p.generic;
  if (p.generic) {
    j["suggested_mapping"] = ColumnMappingToJson(p.suggested);
    j["suggested_kind"] = p.suggested_kind;
  }
  // A file no platform format claims, detected without explicit options: does a saved mapping fit it?
  const bool explicit_options = q.contains("options") || q.contains("mapping_name");
  if (p.generic && !explicit_options && ctx.engine) {
    Result<SavedMappingMatch> match = MatchSavedMapping(ctx.engine->store().db(), bytes, file_name, complete);
    if (!match.ok()) return match.status();
    if (match->found) {
      j["saved_mapping"] = Json{{"name", match->mapping.name}, {"options", ImportOptionsToJson(match->options)}};
      options = match->options;
      const ImporterInfo* info = DetectImporter(CsvRecord(), options);
      if (info != nullptr) j["saved_mapping"]["format"] = FormatJson(info, -1);
    }
  }
  if (!options.mapping.empty()) {
    const MappingCheck check = CheckMapping(bytes, file_name, options, "", complete);
    Json columns = Json::array();
    for (const MappedColumn& c : check.columns) {
      Json col{{"role", c.role}, {"column", c.spec}, {"found", c.index >= 0}};
      if (c.index >= 0) {
        col["index"] = c.index + 1;
        col["label"] = c.label;
        col["samples"] = c.samples;
        col["parsed"] = c.parsed;
        col["checked"] = c.checked;
        col["errors"] = c.errors;
        if (!c.first_error.empty()) col["first_error"] = c.first_error;
      }
      columns.push_back(std::move(col));
    }
    j["mapping_check"] = Json{{"kind", check.kind},       {"ok", check.ok()},
                              {"missing", check.missing}, {"unknown_columns", check.unknown},
                              {"columns", std::move(columns)}, {"date_format", check.date_format},
                              {"date_guess", check.date_guess}, {"date_example", check.date_example},
                              {"rows_checked", check.rows_checked}, {"rows_ok", check.rows_ok}};
    if (check.first_error_line > 0) {
      j["mapping_check"]["first_error"] = Json{{"line", check.first_error_line}, {"column", check.first_error_column},
                                               {"message", check.first_error}};
    }
  }
  return j;
}

Result<Json> Op_mapping_save(OpContext& ctx) {
  const Json& q = ctx.request;
  if (!q.contains("name") || !q["name"].is_string()) return InvalidArgument("mapping_save: expected {\"name\": \"...\", \"options\": {...}}");
  const std::string name(TrimAscii(q["name"].get<std::string>()));
  if (name.empty() || name.size() > 100) return InvalidArgument("mapping_save: a name of 1 to 100 characters is needed");
  if (!ctx.engine) return InvalidArgument("mapping_save: no engine to store the mapping in");
  sqlite3* db = ctx.engine->store().db();
  if (q.value("delete", false)) {
    RAPPORT_RETURN_IF_ERROR(DeleteMapping(db, name));
    return Json{{"deleted", name}};
  }
  if (!q.contains("options") || !q["options"].is_object()) {
    return InvalidArgument("mapping_save: expected \"options\": {\"mapping\": {\"customer\": \"...\", ...}, ...}");
  }
  ImportOptions options;
  Status st = ImportOptionsFromJson(q["options"], &options);
  if (!st.ok()) return Status(st.code(), "mapping_save: " + st.message());
  if (options.mapping.empty()) return InvalidArgument("mapping_save: the options map no column (\"mapping\": {...})");
  SavedMapping saved{name, Dump(ImportOptionsToJson(options)), ""};
  if (q.contains("created") && q["created"].is_string()) saved.created = q["created"].get<std::string>();
  Result<std::vector<SavedMapping>> existing = SavedMappings(ctx);
  if (!existing.ok()) return existing.status();
  for (const SavedMapping& m : *existing) {
    if (EqualsIgnoreCase(m.name, name) && !m.created.empty()) saved.created = m.created;  // first save's date stays
  }
  RAPPORT_RETURN_IF_ERROR(SaveMapping(db, saved));
  return Json{{"name", saved.name}, {"options", ImportOptionsToJson(options)}, {"created", saved.created}};
}

Result<Json> Op_mappings(OpContext& ctx) {
  Result<std::vector<SavedMapping>> saved = SavedMappings(ctx);
  if (!saved.ok()) return saved.status();
  Json list = Json::array();
  for (const SavedMapping& m : *saved) {
    Json options = Json::parse(m.options_json, nullptr, false);
    list.push_back(Json{{"name", m.name}, {"options", options.is_discarded() ? Json() : options}, {"created", m.created}});
  }
  return Json{{"mappings", std::move(list)}};
}

}  // namespace rapport
