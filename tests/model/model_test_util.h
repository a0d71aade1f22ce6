// Loaders for the CDNOW reference files used by the model tests (../shared/data, SOURCES.md §1).
#pragma once

#include <string>
#include <vector>

#include "core/model/summary.h"
#include "core/util/date.h"
#include "core/util/text.h"
#include "test_data.h"

namespace rapport::test {

// lifetimes_cdnow_customers_summary*.csv parsed; ok() false (after a WARN) when the file is absent.
inline bool LoadSummary(const std::string& name, model::SummaryTable* out) {
  const std::string path = SharedData(name);
  if (path.empty()) return false;
  auto table = model::ParseSummaryCsv(ReadAll(path), path);
  REQUIRE(table.ok());
  *out = std::move(table.value());
  return true;
}

// lifetimes_CDNOW_sample.txt (master_id sample_id YYYYMMDD n_cds dollars) or lifetimes_CDNOW_master.txt
// (id YYYYMMDD n_cds dollars, with a header line) as transactions keyed by the first id column.
inline bool LoadCdnowTransactions(const std::string& name, bool sample, std::vector<model::Transaction>* out) {
  const std::string path = SharedData(name);
  if (path.empty()) return false;
  const std::string text = ReadAll(path);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    std::vector<std::string_view> f;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\r' || line[i] == '\t')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\r' && line[j] != '\t') ++j;
      if (j > i) f.emplace_back(line.substr(i, j - i));
      i = j;
    }
    const size_t need = sample ? 5 : 4;
    if (f.size() < need) continue;
    int64_t id = 0;  // the sample's own id (1..2357, the summary files' ID), else the master id
    if (!ParseInt64(f[sample ? 1 : 0], &id)) continue;  // the master's header
    const std::string_view date = f[sample ? 2 : 1];
    const int32_t day = DaysFromCivil(std::stoi(std::string(date.substr(0, 4))), std::stoi(std::string(date.substr(4, 2))),
                                      std::stoi(std::string(date.substr(6, 2))));
    double value = 0;
    REQUIRE(ParseDouble(f[need - 1], &value));
    out->push_back({static_cast<uint32_t>(id), day, value});
  }
  return true;
}

inline model::Patterns PatternsOf(const model::SummaryTable& t) { return model::CompressPatterns(t.x, t.t_x, t.T); }

}  // namespace rapport::test
