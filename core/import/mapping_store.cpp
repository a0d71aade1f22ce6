#include "core/import/mapping_store.h"

#include <sqlite3.h>

namespace rapport {

namespace {

Status SqlError(sqlite3* db, const char* what) {
  return IoError(std::string("mappings: ") + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

struct Statement {
  Statement(sqlite3* db, const char* sql) { ok = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK; }
  ~Statement() { sqlite3_finalize(stmt); }
  sqlite3_stmt* stmt = nullptr;
  bool ok = false;
};

std::string Column(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, i)) : std::string();
}

void Bind(sqlite3_stmt* stmt, int i, const std::string& s) {
  sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

}  // namespace

Status EnsureMappingTable(sqlite3* db) {
  if (!db) return SqlError(db, "open");
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS mappings (name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, "
                   "options TEXT NOT NULL, created TEXT NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(db, "create table");
  }
  return Status::Ok();
}

Result<std::vector<SavedMapping>> LoadMappings(sqlite3* db) {
  RAPPORT_RETURN_IF_ERROR(EnsureMappingTable(db));
  Statement q(db, "SELECT name, options, created FROM mappings ORDER BY name COLLATE NOCASE, name");
  if (!q.ok) return SqlError(db, "read");
  std::vector<SavedMapping> out;
  int rc;
  while ((rc = sqlite3_step(q.stmt)) == SQLITE_ROW) {
    out.push_back(SavedMapping{Column(q.stmt, 0), Column(q.stmt, 1), Column(q.stmt, 2)});
  }
  if (rc != SQLITE_DONE) return SqlError(db, "read");
  return out;
}

Status SaveMapping(sqlite3* db, const SavedMapping& mapping) {
  RAPPORT_RETURN_IF_ERROR(EnsureMappingTable(db));
  Statement q(db,
              "INSERT INTO mappings (name, options, created) VALUES (?1, ?2, ?3) "
              "ON CONFLICT(name) DO UPDATE SET name = excluded.name, options = excluded.options");
  if (!q.ok) return SqlError(db, "save");
  Bind(q.stmt, 1, mapping.name);
  Bind(q.stmt, 2, mapping.options_json);
  Bind(q.stmt, 3, mapping.created);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, "save");
  return Status::Ok();
}

Status DeleteMapping(sqlite3* db, const std::string& name) {
  RAPPORT_RETURN_IF_ERROR(EnsureMappingTable(db));
  Statement q(db, "DELETE FROM mappings WHERE name = ?1");
  if (!q.ok) return SqlError(db, "delete");
  Bind(q.stmt, 1, name);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, "delete");
  if (sqlite3_changes(db) == 0) return NotFound("no saved mapping named \"" + name + "\"");
  return Status::Ok();
}

}  // namespace rapport
