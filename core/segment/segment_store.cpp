#include "core/segment/segment_store.h"

#include <sqlite3.h>

namespace rapport {

namespace {

Status SqlError(sqlite3* db, const char* what) {
  return IoError(std::string("segments: ") + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
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

}  // namespace

Status EnsureSegmentTable(sqlite3* db) {
  if (!db) return SqlError(db, "open");
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS segments (name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, "
                   "rule TEXT NOT NULL, created TEXT NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(db, "create table");
  }
  return Status::Ok();
}

Result<std::vector<SavedSegment>> LoadSegments(sqlite3* db) {
  RAPPORT_RETURN_IF_ERROR(EnsureSegmentTable(db));
  Statement q(db, "SELECT name, rule, created FROM segments ORDER BY name COLLATE NOCASE, name");
  if (!q.ok) return SqlError(db, "read");
  std::vector<SavedSegment> out;
  int rc;
  while ((rc = sqlite3_step(q.stmt)) == SQLITE_ROW) {
    out.push_back(SavedSegment{Column(q.stmt, 0), Column(q.stmt, 1), Column(q.stmt, 2)});
  }
  if (rc != SQLITE_DONE) return SqlError(db, "read");
  return out;
}

Status SaveSegment(sqlite3* db, const SavedSegment& segment) {
  RAPPORT_RETURN_IF_ERROR(EnsureSegmentTable(db));
  Statement q(db,
              "INSERT INTO segments (name, rule, created) VALUES (?1, ?2, ?3) "
              "ON CONFLICT(name) DO UPDATE SET rule = excluded.rule");
  if (!q.ok) return SqlError(db, "save");
  sqlite3_bind_text(q.stmt, 1, segment.name.data(), static_cast<int>(segment.name.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(q.stmt, 2, segment.rule.data(), static_cast<int>(segment.rule.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(q.stmt, 3, segment.created.data(), static_cast<int>(segment.created.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, "save");
  return Status::Ok();
}

Status DeleteSegment(sqlite3* db, const std::string& name) {
  RAPPORT_RETURN_IF_ERROR(EnsureSegmentTable(db));
  Statement q(db, "DELETE FROM segments WHERE name = ?1");
  if (!q.ok) return SqlError(db, "delete");
  sqlite3_bind_text(q.stmt, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(q.stmt) != SQLITE_DONE) return SqlError(db, "delete");
  if (sqlite3_changes(db) == 0) return NotFound("no saved segment named \"" + name + "\"");
  return Status::Ok();
}

}  // namespace rapport
