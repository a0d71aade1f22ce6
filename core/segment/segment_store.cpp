#include "core/segment/segment_store.h"

#include "core/workspace/named_table.h"

namespace rapport {

namespace {
const NamedTable kSegments{"segments", "rule", "segment", /*rename_on_save=*/false};
}  // namespace

Status EnsureSegmentTable(sqlite3* db) { return EnsureNamedTable(db, kSegments); }

Result<std::vector<SavedSegment>> LoadSegments(sqlite3* db) {
  Result<std::vector<NamedRow>> rows = LoadNamedRows(db, kSegments);
  if (!rows.ok()) return rows.status();
  std::vector<SavedSegment> out;
  out.reserve(rows->size());
  for (NamedRow& r : *rows) out.push_back(SavedSegment{std::move(r.name), std::move(r.value), std::move(r.created)});
  return out;
}

Status SaveSegment(sqlite3* db, const SavedSegment& segment) {
  return SaveNamedRow(db, kSegments, NamedRow{segment.name, segment.rule, segment.created});
}

Status DeleteSegment(sqlite3* db, const std::string& name) { return DeleteNamedRow(db, kSegments, name); }

}  // namespace rapport
