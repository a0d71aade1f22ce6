// RFM (DESIGN §3; docs/rfm.md draws the grid). For every customer with a valid order as of as_of:
//   R = days since the last valid order, F = valid orders, M = net revenue (total - refunded), in the
//   analysis currency. Each is scored 1..5 by quintiles of rank: customers are ranked by value (R descending,
//   so the most recent get 5; F and M ascending), ties broken by the customer key (ascending), and the
//   customer at rank i (0-based) of n scores 1 + floor(5 i / n).
//   FM = (F + M) / 2, rounded half up to an integer (ceil), and the segment is read off the 5 x 5
//   R-by-rounded-FM grid (RfmSegmentForCell), which applies the published rule table on the continuous score.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/workspace/workspace.h"

namespace rapport {

enum class RfmSegment : uint8_t {
  kNone = 0,  // not a customer (no valid order as of as_of)
  kChampions,
  kLoyalCustomers,
  kPotentialLoyalist,
  kNewCustomers,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCantLoseThem,
  kHibernating,
  kLost,
};
constexpr int kRfmSegmentCount = 12;  // including kNone

// "Champions", "Loyal Customers", ..., "Lost"; "" for kNone.
const char* RfmSegmentName(RfmSegment segment);
// The segment whose name equals `name` (case-insensitive), kNone when unknown.
RfmSegment RfmSegmentFromName(const std::string& name);
// The segment of a grid cell. REQUIRES: 1 <= r, fm <= 5.
RfmSegment RfmSegmentForCell(int r, int fm);
// FM rounded half up: ceil((f + m) / 2).
inline int RoundedFm(int f, int m) { return (f + m + 1) / 2; }

struct RfmSegmentRow {
  RfmSegment segment = RfmSegment::kNone;
  int64_t customers = 0;
  double share_customers = 0;
  int64_t net_cents = 0;
  double share_revenue = 0;
  double median_recency_days = 0;
  double median_frequency = 0;
};

struct RfmResult {
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  int64_t customers = 0;
  int64_t net_cents = 0;
  // Per customer id (0 / kNone for customers without a valid order).
  std::vector<int32_t> recency_days;
  std::vector<uint8_t> r, f, m;
  std::vector<RfmSegment> segment;
  // grid[r - 1][fm - 1]: customers with that R score and rounded FM.
  std::array<std::array<int64_t, 5>, 5> grid{};
  std::vector<RfmSegmentRow> segments;  // the 11 segments, in the order of the rule table
};

RfmResult ComputeRfm(const Workspace& workspace, const Settings& settings);
RfmResult ComputeRfmFromFacts(const Workspace& workspace, const CustomerFacts& facts);

// ComputeRfmFromFacts a part at a time (the engine's steps, core/api/cache.h RunInParts; at 1,000,000 customers
// the whole is ~0.2 s natively): the customers counted and the R scores, then the F scores, then the M scores
// (each a ranking by quintile, its boundary ties ordered by customer key), then the grid, the segments and
// their medians. Same result as ComputeRfmFromFacts. `workspace` and `facts` must outlive it.
class RfmBuilder {
 public:
  RfmBuilder(const Workspace& workspace, const CustomerFacts& facts);
  bool done() const { return part_ >= kParts; }
  // One part; returns the customers it went through (the facts' size, at least 1; 0 once done): RunInParts'
  // rows, so a step of as many rows as customers runs one part.
  size_t Run(size_t rows = 0);
  // Runs what is left first; valid while the builder is.
  const RfmResult& Result();
  RfmResult TakeResult() { return std::move(res_); }

 private:
  static constexpr int kParts = 4;
  const Workspace& ws_;
  const CustomerFacts& facts_;
  int part_ = 0;
  RfmResult res_;
  std::vector<uint32_t> ids_;   // the customers counted, ascending
  std::vector<int64_t> value_;  // the ranking value by customer id (the parts' scratch)
};

}  // namespace rapport
