// AnalysisCache: per-engine memo of the structures that are expensive to derive from a workspace and cheap
// to query (the segment columns, the customer 360 context): built on the first request, reused by the next
// ones (a live segment count on every keystroke), and dropped by the Engine whenever the workspace or its
// settings change (import, removal, settings).
//
// Keys name the type and every input the structure depends on beyond the workspace (as_of, currency, the
// settings as JSON). A few entries at most are kept (the segment columns, the model runs of core/api/ops/
// models.cpp and their sorted orders); the oldest goes first.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rapport {

class AnalysisCache {
 public:
  template <typename T, typename Build>
  std::shared_ptr<const T> Get(const std::string& key, Build&& build) {
    for (const auto& entry : entries_) {
      if (entry.first == key) return std::static_pointer_cast<const T>(entry.second);
    }
    std::shared_ptr<const T> value = std::make_shared<const T>(build());
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(key, value);
    return value;
  }
  void Clear() { entries_.clear(); }

 private:
  static constexpr size_t kMaxEntries = 12;
  std::vector<std::pair<std::string, std::shared_ptr<const void>>> entries_;
};

}  // namespace rapport
