// Helpers for the importer tests: parse a file (from the repo's fixtures or ../shared/data) through a
// ParseSession in chunks of a chosen size, and find issues by code.
#pragma once

#include <string>
#include <string_view>

#include "core/import/parse.h"
#include "test_data.h"

namespace rapport::test {

inline std::string Fixture(const std::string& name) { return SourcePath("tests/fixtures/import/" + name); }

// Feeds `bytes` in chunks of `chunk` bytes (0 = all at once).
inline Result<ImportBatch> ParseChunked(std::string_view bytes, const std::string& file_name, size_t chunk = 0,
                                        const ImportOptions& options = {}) {
  ParseSession session(file_name, options);
  if (chunk == 0) chunk = bytes.size() ? bytes.size() : 1;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    Status st = session.Feed(bytes.substr(i, chunk));
    if (!st.ok()) return st;
  }
  return session.Finish();
}

inline const ImportIssue* FindIssue(const ImportBatch& batch, std::string_view code, uint64_t line = 0) {
  for (const ImportIssue& issue : batch.issues) {
    if (issue.code == code && (line == 0 || issue.line == line)) return &issue;
  }
  return nullptr;
}

inline int64_t SumTotals(const ImportBatch& batch) {
  int64_t sum = 0;
  for (int64_t v : batch.orders.total_cents) sum += v;
  return sum;
}

}  // namespace rapport::test
