// AnalysisCache: per-engine memo of the structures that are expensive to derive from a workspace and cheap
// to query (the segment columns, the customer 360 context): built on the first request, reused by the next
// ones (a live segment count on every keystroke), and dropped by the Engine whenever the workspace or its
// settings change (import, removal, settings).
//
// Keys name the type and every input the structure depends on beyond the workspace (as_of, currency, the
// settings as JSON). A few entries at most are kept (the segment columns, the model runs of core/api/ops/
// models.cpp, their parts and sorted orders, the customer facts, the playbooks); the least recently got goes first. Most of
// the 24 are small (a fit, a list of intervals); a large part is shared with the entry built from it. An entry whose key holds
// every input it depends on, the settings included only through values resolved into the key (the customer
// facts: as_of and currency), is marked `settings_free` and outlives a settings change. An entry may be tied
// to another (Put): it is let go to make room only once that one is (the facts' repurchase intervals, read by
// two pages, are not evicted by the many parts of a model fit while their facts are kept).
//
// Steps (Engine::CallStep): an op at a million customers may run for seconds, and the one engine worker of the
// dashboard answers nothing meanwhile. Every expensive part of an op is an entry here, so an op can be run a
// step at a time: between BeginSteps and EndSteps, once one entry has been built, a Get that would build
// another throws StepYield instead; the engine answers "pending", the caller runs other requests, then calls
// the op again, which finds what the earlier steps built. A build that Gets another entry it needs builds that
// one too (nested), so each step builds at least one entry and the op always gets to its end. To make two
// parts two steps, Get the first before the second's Get (not inside its build), e.g. only when !Has(second).
// A part too long for one step may be an entry that holds its work in progress (a model fit's optimiser), each
// step advancing it a little after StepWork (core/api/ops/models.cpp); RunInParts does that for a builder whose
// passes go a range of rows at a time (the customer facts, the products, the playbooks' intervals and
// cross-sell candidates, the models' summary rows: core/api/ops.h kRowsPerStep).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rapport {

// Thrown by AnalysisCache::Get in step mode when this step has built its entry (not a std::exception, so no
// handler meant for failures swallows it; Engine::CallStep catches it).
struct StepYield {};

class AnalysisCache {
 public:
  template <typename T, typename Build>
  std::shared_ptr<const T> Get(const std::string& key, Build&& build, bool settings_free = false) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key != key) continue;
      // The last used goes last (MakeRoom lets the least recently used go first).
      std::rotate(it, it + 1, entries_.end());
      return std::static_pointer_cast<const T>(entries_.back().value);
    }
    if (stepping_ && built_ > 0) throw StepYield{};
    std::shared_ptr<const T> value = std::make_shared<const T>(build());
    MakeRoom();
    entries_.push_back(Entry{key, value, settings_free, {}});
    ++built_;
    return value;
  }
  bool Has(const std::string& key) const {
    for (const Entry& entry : entries_) {
      if (entry.key == key) return true;
    }
    return false;
  }
  // Lets an entry go (a part of a structure, once that structure is built and kept).
  void Erase(const std::string& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key == key) {
        entries_.erase(it);
        return;
      }
    }
  }
  // Keeps `value` under `key` (made by this step's work, after StepWork: it does not count as a build). With
  // `tied_to`, the entry is not let go to make room while the entry of that key is kept (a small structure
  // built from a large kept one and shared by several ops: the repurchase intervals of the customer facts),
  // unless every entry kept is so tied.
  template <typename T>
  void Put(const std::string& key, std::shared_ptr<const T> value, bool settings_free = false,
           const std::string& tied_to = std::string()) {
    Erase(key);
    MakeRoom();
    entries_.push_back(Entry{key, std::move(value), settings_free, tied_to});
  }
  // A build run a part at a time (a Builder with done() and `size_t Run(size_t rows)`, which does one part of
  // at most about `rows` rows and returns how many it did): parts until `rows` rows are done, a step's work,
  // the builder kept under `key` between steps (made by make() in the first; rows > 0). Returns it once done, in the step
  // of its last part (the caller takes its result, Puts it, and Erases `key`); in step mode throws StepYield
  // when the step's rows are spent first, or when this step has built or worked already.
  template <typename Builder, typename Make>
  std::shared_ptr<Builder> RunInParts(const std::string& key, Make&& make, size_t rows, bool settings_free = false) {
    std::shared_ptr<Builder> builder;
    for (const Entry& entry : entries_) {
      if (entry.key == key) builder = std::static_pointer_cast<const UnderWay<Builder>>(entry.value)->builder;
    }
    if (builder && builder->done()) return builder;
    StepWork();
    if (!builder) {
      builder = make();
      Put(key, std::make_shared<const UnderWay<Builder>>(UnderWay<Builder>{builder}), settings_free);
    }
    for (;;) {
      for (size_t done = 0; !builder->done() && done < rows;) done += builder->Run(rows - done);
      if (builder->done()) return builder;
      StepWork();
    }
  }
  // Work done in place on an entry (a fit advanced a few iterations) instead of a build: in step mode it is
  // this step's part, so a step that has already built or worked yields here (StepYield) rather than do more.
  void StepWork() {
    if (stepping_ && built_ > 0) throw StepYield{};
    ++built_;
  }
  // Step mode (see the header comment): from BeginSteps to EndSteps, one entry (with the ones it needs) is built.
  void BeginSteps() {
    stepping_ = true;
    built_ = 0;
  }
  void EndSteps() { stepping_ = false; }
  // Entries built since BeginSteps.
  int built() const { return built_; }
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
    std::string tied_to;  // Put's: kept while the entry of that key is
  };
  // Room for one more entry: the least recently got one goes, skipping those tied to an entry still kept.
  void MakeRoom() {
    if (entries_.size() < kMaxEntries) return;
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->tied_to.empty() || !Has(it->tied_to)) {
        entries_.erase(it);
        return;
      }
    }
    entries_.erase(entries_.begin());
  }
  template <typename Builder>
  struct UnderWay {
    std::shared_ptr<Builder> builder;
  };
  static constexpr size_t kMaxEntries = 24;
  std::vector<Entry> entries_;
  bool stepping_ = false;
  int built_ = 0;
};

}  // namespace rapport
