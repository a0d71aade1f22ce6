// Helpers for the tests that a file merged in slices (ParseSession::TakeSlice, MergeSlice, Store::BeginAppend /
// WriteSlice / CommitAppend) equals the same file merged as one batch (MergeBatch, Store::AppendImport):
// tests/import/sliced_customers_test.cpp, tests/import/sliced_feedback_test.cpp, tests/api/sliced_import_test.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "core/import/parse.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport::test {

// The import record both ways commit.
inline ImportRecord TestRecord(uint32_t id, const std::string& file_name, const std::string& format) {
  ImportRecord r;
  r.id = id;
  r.file_name = file_name;
  r.format = format;
  r.imported_at = "2026-01-01T00:00:00Z";
  return r;
}
inline ImportRecord TestRecord(uint32_t id, const std::string& file_name, const ParseSession& session) {
  return TestRecord(id, file_name, session.detected() != nullptr ? session.detected()->format : "");
}

// The whole file as one batch: MergeBatch + AppendImport.
inline void ImportWhole(Store* store, Workspace* w, uint32_t id, const std::string& text,
                        const std::string& file_name, const ImportOptions& options = {}) {
  ParseSession session(file_name, options);
  REQUIRE(session.Feed(text).ok());
  auto batch = session.Finish();
  REQUIRE(batch.ok());
  ImportRecord r = TestRecord(id, file_name, session);
  MergeDelta d = MergeBatch(*batch, id, w, &r);
  REQUIRE(store->AppendImport(*w, d, r).ok());
}

// Byte offsets every `step` bytes of `text` (the cuts for ImportSliced).
inline std::vector<size_t> EveryBytes(const std::string& text, size_t step) {
  std::vector<size_t> cuts;
  for (size_t at = step; at < text.size(); at += step) cuts.push_back(at);
  return cuts;
}

// The same file fed in pieces cut where `cuts` says (byte offsets, ascending), slices of more than `min_units`
// rows (or issues alone, for an importer whose rows are not sliceable) taken after each piece and merged and
// written, in one transaction; the last batch is merged, FinishMerge'd, then written (merge.h). Returns the
// number of slices taken before the last batch; *issue_slices (when given) counts those that held issues only.
inline int ImportSliced(Store* store, Workspace* w, uint32_t id, const std::string& text, const std::string& file_name,
                        const std::vector<size_t>& cuts, size_t min_units, const ImportOptions& options = {},
                        int* issue_slices = nullptr) {
  ParseSession session(file_name, options);
  MergeTotals totals;
  int slices = 0;
  REQUIRE(store->BeginAppend().ok());
  ImportBatch slice;
  size_t at = 0;
  for (size_t k = 0; k <= cuts.size(); ++k) {
    const size_t end = k < cuts.size() ? cuts[k] : text.size();
    REQUIRE(session.Feed(std::string_view(text).substr(at, end - at)).ok());
    at = end;
    while (session.TakeSlice(min_units, &slice)) {
      if (issue_slices != nullptr && SliceUnits(slice) == 0) ++*issue_slices;
      MergeDelta d = MergeSlice(slice, id, w, &totals);
      REQUIRE(store->WriteSlice(*w, d, id).ok());
      ++slices;
    }
  }
  auto last = session.Finish();
  REQUIRE(last.ok());
  MergeDelta d = MergeSlice(*last, id, w, &totals);
  ImportRecord r = TestRecord(id, file_name, session);
  FinishMerge(*last, totals, id, w, &r);
  REQUIRE(store->WriteSlice(*w, d, id).ok());
  REQUIRE(store->CommitAppend(r).ok());
  return slices;
}

// What a store holds, read back.
inline Workspace Reloaded(Store* store) {
  Workspace w;
  REQUIRE(store->Load(&w).ok());
  return w;
}

}  // namespace rapport::test
