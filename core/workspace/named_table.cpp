#include "core/workspace/named_table.h"

#include <sqlite3.h>

namespace rapport {

namespace {

Status SqlError(sqlite3* db, const NamedTable& t, const char* what) {
  return IoError(std::string(t.table) + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

struct Statement {
  Statement(sqlite3* db, const std::string& sql) { ok = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK; }
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

Status EnsureNamedTable(sqlite3* db, const NamedTable& t) {
  if (!db) return SqlError(db, t, "open");
  const std::string sql = std::string("CREATE TABLE IF NOT EXISTS ") + t.table +
                          " (name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, " + t.value_column +
                          " TEXT NOT NULL, created TEXT NOT NULL)";
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return SqlError(db, t, "create table");
  return Status::Ok();
}

Result<std::vector<NamedRow>> LoadNamedRows(sqlite3* db, const NamedTable& t) {
  if (!db) return SqlError(db, t, "open");
  // Reading never writes: a workspace without the table has no rows (creating it here grew a 1 GiB
  // in-memory image on a read, which fails for want of memory at a million customers).
  {
    Statement exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    if (!exists.ok) return SqlError(db, t, "read");
    Bind(exists.stmt, 1, t.table);
    if (sqlite3_step(exists.stmt) != SQLITE_ROW) return std::vector<NamedRow>();
  }
  Statement q(db, std::string("SELECT name, ") + t.value_column + ", created FROM " + t.table +
                      " ORDER BY name COLLATE NOCASE, name");
  if (!q.ok) return SqlError(db, t, "read");
  std::vector<NamedRow> out;
  int rc;
  while ((rc = sqlite3_step(q.stmt)) == SQLITE_ROW) out.push_back(NamedRow{Column(q.stmt, 0), Column(q.stmt, 1), Column(q.stmt, 2)});
  if (rc != SQLITE_DONE) return SqlError(db, t, "read");
  return out;
}

Status SaveNamedRow(sqlite3* db, const NamedTable& t, const NamedRow& row) {
  RAPPORT_RETURN_IF_ERROR(EnsureNamedTable(db, t));
  Statement q(db, std::string("INSERT INTO ") + t.table + " (name, " + t.value_column +
                      ", created) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET " +
                      (t.rename_on_save ? "name = excluded.name, " : "") + t.value_column + " = excluded." +
                      t.value_column);
  if (!q.ok) return SqlError(db, t, "save");
  Bind(q.stmt, 1, row.name);
  Bind(q.stmt, 2, row.value);
  Bind(q.stmt, 3, row.created);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, t, "save");
  return Status::Ok();
}

Status DeleteNamedRow(sqlite3* db, const NamedTable& t, const std::string& name) {
  RAPPORT_RETURN_IF_ERROR(EnsureNamedTable(db, t));
  Statement q(db, std::string("DELETE FROM ") + t.table + " WHERE name = ?1");
  if (!q.ok) return SqlError(db, t, "delete");
  Bind(q.stmt, 1, name);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, t, "delete");
  if (sqlite3_changes(db) == 0) return NotFound(std::string("no saved ") + t.noun + " named \"" + name + "\"");
  return Status::Ok();
}

}  // namespace rapport
