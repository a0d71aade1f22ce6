#include "core/api/import_options.h"

#include "core/import/detect.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

Status ImportOptionsFromJson(const Json& j, ImportOptions* out) {
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
    } else if (key == "decimal_separator" && v.is_string()) {
      const std::string sep = v.get<std::string>();
      if (sep != "." && sep != ",") {
        return InvalidArgument("options: decimal_separator must be \".\" or \",\", found `" + sep + "`");
      }
      out->decimal_separator = sep[0];
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

Status ImportOptionsFromText(std::string_view text, ImportOptions* out) {
  if (TrimAscii(text).empty()) return Status::Ok();
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("options: not valid JSON");
  return ImportOptionsFromJson(j, out);
}

Json ColumnMappingToJson(const ColumnMapping& m) {
  Json j = Json::object();
  for (std::string_view role : MappingRoles()) {
    const std::string& v = *MappingRole(m, role);
    if (!v.empty()) j[std::string(role)] = v;
  }
  return j;
}

Json ImportOptionsToJson(const ImportOptions& o) {
  Json j = Json::object();
  if (o.format != "auto") j["format"] = o.format;
  j["currency"] = o.currency;
  j["date_format"] = DateFormatName(o.date_format);
  j["decimal_separator"] = std::string(1, o.decimal_separator);
  if (o.has_header >= 0) j["has_header"] = o.has_header == 1;
  j["mapping"] = ColumnMappingToJson(o.mapping);
  return j;
}

Status SetMappingFromSpec(std::string_view spec, ColumnMapping* m) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgument("--map `" + std::string(spec) +
                           "`: expected role=column (e.g. --map email=\"E-mail\" or --map date=#2)");
  }
  std::string* field = MappingRole(m, spec.substr(0, eq));
  if (field == nullptr) {
    std::string roles;
    for (std::string_view role : MappingRoles()) roles.append(roles.empty() ? "" : ", ").append(role);
    return InvalidArgument("--map `" + std::string(spec) + "`: unknown role `" + std::string(spec.substr(0, eq)) +
                           "` (one of " + roles + ")");
  }
  *field = std::string(spec.substr(eq + 1));
  return Status::Ok();
}

Status ApplySavedMapping(sqlite3* db, std::string_view name, ImportOptions* out) {
  Result<std::vector<SavedMapping>> saved = LoadMappings(db);
  if (!saved.ok()) return saved.status();
  std::string names;
  for (const SavedMapping& m : *saved) {
    if (EqualsIgnoreCase(m.name, name)) {
      *out = ImportOptions();
      Status st = ImportOptionsFromText(m.options_json, out);
      if (!st.ok()) return Status(st.code(), "saved mapping \"" + m.name + "\": " + st.message());
      return Status::Ok();
    }
    names.append(names.empty() ? "" : ", ").append("\"" + m.name + "\"");
  }
  return NotFound("no saved mapping named \"" + std::string(name) + "\"" +
                  (names.empty() ? std::string(" (none is saved)") : " (saved: " + names + ")"));
}

Result<SavedMappingMatch> MatchSavedMapping(sqlite3* db, std::string_view sample, const std::string& file_name,
                                            bool complete) {
  SavedMappingMatch match;
  Result<std::vector<SavedMapping>> saved = LoadMappings(db);
  if (!saved.ok()) return saved.status();
  for (const SavedMapping& m : *saved) {
    ImportOptions options;
    if (!ImportOptionsFromText(m.options_json, &options).ok() || options.mapping.empty()) continue;
    const MappingCheck check = CheckMapping(sample, file_name, options, "", complete);
    if (!check.ok()) continue;
    bool clean = true;
    for (const MappedColumn& c : check.columns) {
      if (c.index < 0 || c.errors > 0) clean = false;
    }
    if (!clean) continue;
    match.found = true;
    match.mapping = m;
    match.options = options;
    return match;
  }
  return match;
}

}  // namespace rapport
