// Saved column mappings: a generic file's import options (column per role, date format, decimal comma,
// currency, header or not) kept in the workspace under a name, so next month's file of the same layout
// imports with one click. Stored in a `mappings` table created on first use (like core/segment's
// `segments`): name (unique, case-insensitive), options (the import-options JSON object the dashboard and
// the wasm bindings pass to an import: {"mapping": {...}, "date_format": "dmy", ...}), created (date text).
// The JSON is validated by the op (core/api/ops/detect.cpp) before it is stored.
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"

struct sqlite3;

namespace rapport {

struct SavedMapping {
  std::string name;
  std::string options_json;
  std::string created;
};

Status EnsureMappingTable(sqlite3* db);
Result<std::vector<SavedMapping>> LoadMappings(sqlite3* db);
// Inserts or replaces (same name, any case) the mapping.
Status SaveMapping(sqlite3* db, const SavedMapping& mapping);
// NotFound when no mapping has that name.
Status DeleteMapping(sqlite3* db, const std::string& name);

}  // namespace rapport
