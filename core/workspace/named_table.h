// Small workspace tables of named text records, created on first use: (name TEXT PRIMARY KEY COLLATE NOCASE,
// <value> TEXT, created TEXT). Saved segments (core/segment/segment_store.h) and saved column mappings
// (core/import/mapping_store.h) are both kept this way. Errors name the table ("segments: save: ...").
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"

struct sqlite3;

namespace rapport {

struct NamedTable {
  const char* table;         // "segments"
  const char* value_column;  // "rule"
  const char* noun;          // "segment": "no saved segment named ..."
  // Saving over an existing name written in another case also takes the new spelling.
  bool rename_on_save = false;
};

struct NamedRow {
  std::string name, value, created;
};

Status EnsureNamedTable(sqlite3* db, const NamedTable& table);
// Sorted by name, case-insensitively.
Result<std::vector<NamedRow>> LoadNamedRows(sqlite3* db, const NamedTable& table);
// Inserts, or replaces the value of the row with that name (the creation date stays).
Status SaveNamedRow(sqlite3* db, const NamedTable& table, const NamedRow& row);
// kNotFound when there is no such row.
Status DeleteNamedRow(sqlite3* db, const NamedTable& table, const std::string& name);

}  // namespace rapport
