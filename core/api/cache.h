// AnalysisCache: per-engine memo of the structures that are expensive to derive from a workspace and cheap
// to query (the segment columns, the customer 360 context): built on the first request, reused by the next
// ones (a live segment count on every keystroke), and dropped by the Engine whenever the workspace or its
// settings change (import, removal, settings).
//
// Keys name the type and every input the structure depends on beyond the workspace (as_of, currency, the
// settings as JSON). A few entries at most are kept (the segment columns, the model runs of core/api/ops/
// models.cpp and their sorted orders, the customer facts); the oldest goes first. An entry whose key holds
// every input it depends on, the settings included only through values resolved into the key (the customer
// facts: as_of and currency), is marked `settings_free` and outlives a settings change.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rapport {

class AnalysisCache {
 public:
  template <typename T, typename Build>
  std::shared_ptr<const T> Get(const std::string& key, Build&& build, bool settings_free = false) {
    for (const Entry& entry : entries_) {
      if (entry.key == key) return std::static_pointer_cast<const T>(entry.value);
    }
    std::shared_ptr<const T> value = std::make_shared<const T>(build());
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    entries_.push_back(Entry{key, value, settings_free});
    return value;
  }
  // The workspace changed: nothing holds.
  void Clear() { entries_.clear(); }
  // Only the settings changed: the settings-free entries still hold.
  void ClearSettingsDependent() {
    std::vector<Entry> kept;
    for (Entry& entry : entries_) {
      if (entry.settings_free) kept.push_back(std::move(entry));
    }
    entries_ = std::move(kept);
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const void> value;
    bool settings_free = false;
  };
  static constexpr size_t kMaxEntries = 12;
  std::vector<Entry> entries_;
};

}  // namespace rapport
