#include "core/import/mapping_store.h"

#include "core/workspace/named_table.h"

namespace rapport {

namespace {
// Saving again under the same name (in any case) replaces the options and takes the new spelling.
const NamedTable kMappings{"mappings", "options", "mapping", /*rename_on_save=*/true};
}  // namespace

Status EnsureMappingTable(sqlite3* db) { return EnsureNamedTable(db, kMappings); }

Result<std::vector<SavedMapping>> LoadMappings(sqlite3* db) {
  Result<std::vector<NamedRow>> rows = LoadNamedRows(db, kMappings);
  if (!rows.ok()) return rows.status();
  std::vector<SavedMapping> out;
  out.reserve(rows->size());
  for (NamedRow& r : *rows) out.push_back(SavedMapping{std::move(r.name), std::move(r.value), std::move(r.created)});
  return out;
}

Status SaveMapping(sqlite3* db, const SavedMapping& mapping) {
  return SaveNamedRow(db, kMappings, NamedRow{mapping.name, mapping.options_json, mapping.created});
}

Status DeleteMapping(sqlite3* db, const std::string& name) { return DeleteNamedRow(db, kMappings, name); }

}  // namespace rapport
