// Import options as the outside world writes them, parsed in one place for the ops (detect, mapping_save),
// the CLI (`rapport import --map/--mapping/--mapping-file/--save-mapping`) and the wasm bindings (the
// dashboard's import and mapping dialog):
//
//   {"format": "auto", "currency": "EUR", "date_format": "dmy", "decimal_separator": ",",
//    "has_header": true, "mapping": {"customer": "Kunde", "date": "#2", "amount": "Betrag"}}
//
// Every key is optional; unknown keys and unknown mapping roles are errors so a typo is seen. Saved
// mappings (core/import/mapping_store.h) store exactly this object, so a saved mapping is applied by
// parsing its stored JSON, and MatchSavedMapping finds the one that fits a file nothing else recognises.
#pragma once

#include <string>
#include <string_view>

#include "core/api/json.h"
#include "core/import/importer.h"
#include "core/import/mapping_store.h"
#include "core/util/status.h"

struct sqlite3;

namespace rapport {

// Merges the keys of `j` into *out (null = nothing to merge). Messages start with "options: ".
Status ImportOptionsFromJson(const Json& j, ImportOptions* out);
// The same from JSON text ("" = nothing to merge).
Status ImportOptionsFromText(std::string_view text, ImportOptions* out);
// The full object (defaults written out, empty roles left out), as saved mappings store it.
Json ImportOptionsToJson(const ImportOptions& options);
// {role: column} for the roles that are set (keys sorted, as every Json object here).
Json ColumnMappingToJson(const ColumnMapping& mapping);

// "role=column", as the CLI's --map takes it ("email=E-mail", "date=#2").
Status SetMappingFromSpec(std::string_view spec, ColumnMapping* mapping);

// Replaces *out with the saved mapping `name` (case-insensitive); NotFound names the saved ones.
Status ApplySavedMapping(sqlite3* db, std::string_view name, ImportOptions* out);

// The saved mapping that fits a file no platform format recognises: every mapped column exists and every
// value of the sample's mapped columns parses. The first such mapping by name; nullptr result = none.
// `sample` is the file's first bytes (as for ProbeFile), `complete` when it is the whole file.
struct SavedMappingMatch {
  bool found = false;
  SavedMapping mapping;
  ImportOptions options;
};
Result<SavedMappingMatch> MatchSavedMapping(sqlite3* db, std::string_view sample, const std::string& file_name,
                                            bool complete);

}  // namespace rapport
