// Saved segments in the workspace database: table `segments(name, rule, created)`, created on first use
// (CREATE TABLE IF NOT EXISTS), so older workspace files gain it without a schema migration. Names are unique
// case-insensitively; saving an existing name replaces its rule and keeps its created time.
//
// Works on the sqlite3 handle the Store exposes (Store::db()); every write is one statement, so atomic.
#pragma once

#include <string>
#include <vector>

#include "core/segment/evaluate.h"
#include "core/util/status.h"

struct sqlite3;

namespace rapport {

Status EnsureSegmentTable(sqlite3* db);
// Every saved segment, by name (case-insensitive order).
Result<std::vector<SavedSegment>> LoadSegments(sqlite3* db);
Status SaveSegment(sqlite3* db, const SavedSegment& segment);
// NotFound when there is no such segment.
Status DeleteSegment(sqlite3* db, const std::string& name);

}  // namespace rapport
