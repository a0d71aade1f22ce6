// Evaluates a parsed rule on a SegmentContext as bitsets: one bit per customer id, 64 customers per word, one
// bitset per node; comparisons are branch-free loops over the context's columns, AND/OR/NOT are word loops.
// A five-clause rule on 1,000,000 customers counts in a few milliseconds (bench/segment_bench.cpp).
//
// Saved segments are referenced with in_segment("name"); their rules are parsed and evaluated on demand
// (once per evaluation), and a segment that refers back to itself, directly or through others, is an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/segment/ast.h"
#include "core/segment/context.h"

namespace rapport {

class Bitset {
 public:
  Bitset() = default;
  explicit Bitset(size_t bits, bool value = false);
  size_t size() const { return bits_; }
  bool Test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void Set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  uint64_t Count() const;
  void AndWith(const Bitset& other);
  void OrWith(const Bitset& other);
  void AndNotWith(const Bitset& other);
  void Invert();
  // The set bits, ascending.
  std::vector<uint32_t> Ids() const;
  uint64_t* words() { return words_.data(); }
  const uint64_t* words() const { return words_.data(); }
  size_t word_count() const { return words_.size(); }
  bool operator==(const Bitset& other) const { return bits_ == other.bits_ && words_ == other.words_; }

 private:
  void ClearTail();
  size_t bits_ = 0;
  std::vector<uint64_t> words_;
};

// A saved segment (stored in the workspace's `segments` table; see segment_store.h).
struct SavedSegment {
  std::string name;
  std::string rule;
  std::string created;  // ISO timestamp given by the caller (the core reads no clock)
};

// The saved segment with this name (case-insensitive), or nullptr.
const SavedSegment* FindSavedSegment(const std::vector<SavedSegment>& saved, std::string_view name);

// Members of `rule` in `context`. On error (an unavailable field, an unknown or cyclic saved segment, a
// relative date without an analysis date) returns false with *error pointing into rule.text.
bool EvaluateRule(const Rule& rule, const SegmentContext& context, const std::vector<SavedSegment>& saved,
                  Bitset* members, RuleError* error);

// Parse + evaluate in one call.
bool EvaluateRuleText(std::string_view text, const SegmentContext& context, const std::vector<SavedSegment>& saved,
                      Bitset* members, RuleError* error);

// The day a date literal stands for, given the analysis date (kNoDay when relative and as_of is kNoDay).
int32_t ResolveDay(const Literal& literal, int32_t as_of_day);

// Membership over time: the count at each of the last `months` month ends up to the analysis date (the last
// point is the analysis date itself), each re-evaluated with as_of = that day (models excluded).
struct MembershipPoint {
  int32_t day = kNoDay;
  uint64_t members = 0;
  uint64_t customers = 0;  // customers with >= 1 counted order by that day
};
bool SegmentHistory(const Workspace& workspace, const Settings& settings, const Rule& rule,
                    const std::vector<SavedSegment>& saved, int months, std::vector<MembershipPoint>* points,
                    RuleError* error);

}  // namespace rapport
