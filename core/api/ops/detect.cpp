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

// Import options from JSON, the same keys as the wasm bindings' import options. Unknown keys are errors.
Status OptionsFromJson(const Json& j, ImportOptions* out) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_object()) return InvalidArgument("options: expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (key == "format" && v.is_string()) {
      out->format = v.get<std::string>();
      if (out->format != "auto" && FindImporter(out->format) == nullptr) {
        return InvalidArgument("options: unknown format `" + out->format + "`");
      }
    } else if (key == "currency" && v.is_string()) {
      out->currency = v.get<std::string>();
    } else if (key == "date_format" && v.is_string()) {
      if (!DateFormatFromName(v.get<std::string>(), &out->date_format)) {
        return InvalidArgument("options: unknown date_format `" + v.get<std::string>() +
                               "` (auto, dmy, mdy, month-name, unix)");
      }
    } else if (key == "decimal_separator" && v.is_string() && v.get<std::string>().size() == 1) {
      out->decimal_separator = v.get<std::string>()[0];
    } else if (key == "has_header" && v.is_boolean()) {
      out->has_header = v.get<bool>() ? 1 : 0;
    } else if (key == "mapping" && v.is_object()) {
      for (auto f = v.begin(); f != v.end(); ++f) {
        std::string* field = MappingRole(&out->mapping, f.key());
        if (field == nullptr || !f.value().is_string()) {
          return InvalidArgument("options: unknown mapping field `" + f.key() + "`");
        }
        *field = f.value().get<std::string>();
      }
    } else {
      return InvalidArgument("options: unknown or mistyped option `" + key + "`");
    }
  }
  return Status::Ok();
}

Json MappingJson(const ColumnMapping& m) {
  Json j = Json::object();
  for (std::string_view role : MappingRoles()) {
    const std::string& v = *MappingRole(m, role);
    if (!v.empty()) j[std::string(role)] = v;
  }
  return j;
}

Json OptionsJson(const ImportOptions& o) {
  Json j = Json::object();
  if (o.format != "auto") j["format"] = o.format;
  j["currency"] = o.currency;
  j["date_format"] = DateFormatName(o.date_format);
  j["decimal_separator"] = std::string(1, o.decimal_separator);
  if (o.has_header >= 0) j["has_header"] = o.has_header == 1;
  j["mapping"] = MappingJson(o.mapping);
  return j;
}

Json FormatJson(const ImporterInfo* info, int score) {
  if (info == nullptr) return nullptr;
  Json j{{"format", info->format}, {"platform", info->platform}, {"kind", info->kind}, {"label", info->label}};
  if (score >= 0) j["score"] = score;
  return j;
}

Result<std::vector<SavedMapping>> Saved(OpContext& ctx) {
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
    Result<std::vector<SavedMapping>> saved = Saved(ctx);
    if (!saved.ok()) return saved.status();
    const std::string name = q["mapping_name"].get<std::string>();
    bool found = false;
    for (const SavedMapping& m : *saved) {
      if (!EqualsIgnoreCase(m.name, name)) continue;
      found = true;
      Json stored = Json::parse(m.options_json, nullptr, false);
      RAPPORT_RETURN_IF_ERROR(OptionsFromJson(stored, &options));
    }
    if (!found) return NotFound("detect: no saved mapping named \"" + name + "\"");
  }
  if (q.contains("options")) {
    Status st = OptionsFromJson(q["options"], &options);
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
    j["suggested_mapping"] = MappingJson(p.suggested);
    j["suggested_kind"] = p.suggested_kind;
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
                              {"date_guess", check.date_guess}, {"date_example", check.date_example}};
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
  Status st = OptionsFromJson(q["options"], &options);
  if (!st.ok()) return Status(st.code(), "mapping_save: " + st.message());
  if (options.mapping.empty()) return InvalidArgument("mapping_save: the options map no column (\"mapping\": {...})");
  SavedMapping saved{name, Dump(OptionsJson(options)), ""};
  if (q.contains("created") && q["created"].is_string()) saved.created = q["created"].get<std::string>();
  Result<std::vector<SavedMapping>> existing = Saved(ctx);
  if (!existing.ok()) return existing.status();
  for (const SavedMapping& m : *existing) {
    if (EqualsIgnoreCase(m.name, name) && !m.created.empty()) saved.created = m.created;  // first save's date stays
  }
  RAPPORT_RETURN_IF_ERROR(SaveMapping(db, saved));
  return Json{{"name", saved.name}, {"options", OptionsJson(options)}, {"created", saved.created}};
}

Result<Json> Op_mappings(OpContext& ctx) {
  Result<std::vector<SavedMapping>> saved = Saved(ctx);
  if (!saved.ok()) return saved.status();
  Json list = Json::array();
  for (const SavedMapping& m : *saved) {
    Json options = Json::parse(m.options_json, nullptr, false);
    list.push_back(Json{{"name", m.name}, {"options", options.is_discarded() ? Json() : options}, {"created", m.created}});
  }
  return Json{{"mappings", std::move(list)}};
}

}  // namespace rapport
