#include "core/analysis/rfm/rfm.h"

#include <algorithm>

#include "core/util/text.h"

namespace rapport {

namespace {

const char* kSegmentNames[kRfmSegmentCount] = {
    "",          "Champions", "Loyal Customers", "Potential Loyalist", "New Customers", "Promising", "Need Attention",
    "About To Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"};

// kGrid[r - 1][fm - 1], derived in docs/rfm.md from the rule table read on half-open score intervals.
constexpr RfmSegment C = RfmSegment::kChampions, L = RfmSegment::kLoyalCustomers,
                     P = RfmSegment::kPotentialLoyalist, N = RfmSegment::kNewCustomers, Pr = RfmSegment::kPromising,
                     NA = RfmSegment::kNeedAttention, S = RfmSegment::kAboutToSleep, AR = RfmSegment::kAtRisk,
                     CL = RfmSegment::kCantLoseThem, H = RfmSegment::kHibernating, Lo = RfmSegment::kLost;
constexpr RfmSegment kGrid[5][5] = {
    /* R1 */ {Lo, Lo, AR, AR, CL},
    /* R2 */ {Lo, H, AR, AR, AR},
    /* R3 */ {S, S, NA, L, L},
    /* R4 */ {Pr, P, P, L, L},
    /* R5 */ {N, P, P, L, C},
};

double MedianOf(std::vector<int64_t>* v) {
  if (v->empty()) return 0;
  const size_t n = v->size();
  auto mid = v->begin() + n / 2;
  std::nth_element(v->begin(), mid, v->end());
  if (n % 2 == 1) return static_cast<double>(*mid);
  const int64_t lower = *std::max_element(v->begin(), mid);
  return (static_cast<double>(lower) + static_cast<double>(*mid)) / 2.0;
}

// Scores 1..5 by quintile of rank. `value[c]` is the ranking value (ascending = low score), `ids` the
// customers ranked. Equivalent to sorting by (value, key) and scoring rank i as 1 + 5i/n, but only the value
// groups that straddle a quintile boundary are ordered by key (with nth_element), which keeps it linear-ish.
void ScoreByRank(const Workspace& ws, const std::vector<int64_t>& value, std::vector<uint32_t> ids,
                 std::vector<uint8_t>* score) {
  const size_t n = ids.size();
  if (n == 0) return;
  std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
    return value[a] != value[b] ? value[a] < value[b] : a < b;
  });
  const auto& keys = ws.customers.key;
  auto key_less = [&](uint32_t a, uint32_t b) {
    const int cmp = keys[a].compare(keys[b]);
    return cmp != 0 ? cmp < 0 : a < b;
  };
  // Boundaries: the first rank of score k + 1 is ceil(k n / 5).
  size_t done_until = 0;  // ranks before this are already in final position relative to later boundaries
  for (size_t k = 1; k <= 4; ++k) {
    const size_t boundary = (k * n + 4) / 5;
    if (boundary == 0 || boundary >= n) continue;
    if (value[ids[boundary - 1]] != value[ids[boundary]]) continue;  // no tie across the boundary
    const int64_t v = value[ids[boundary]];
    size_t lo = boundary, hi = boundary;
    while (lo > 0 && value[ids[lo - 1]] == v) --lo;
    while (hi < n && value[ids[hi]] == v) ++hi;
    lo = std::max(lo, done_until);
    std::nth_element(ids.begin() + lo, ids.begin() + boundary, ids.begin() + hi, key_less);
    // Everything before `boundary` in the group now precedes it by key; nth_element leaves
    // [boundary, hi) holding the larger keys, which later boundaries in the same group split again.
    done_until = boundary;
  }
  for (size_t i = 0; i < n; ++i) (*score)[ids[i]] = static_cast<uint8_t>(1 + (5 * i) / n);
}

}  // namespace

const char* RfmSegmentName(RfmSegment segment) { return kSegmentNames[static_cast<int>(segment)]; }

RfmSegment RfmSegmentFromName(const std::string& name) {
  for (int s = 1; s < kRfmSegmentCount; ++s) {
    if (EqualsIgnoreCase(name, kSegmentNames[s])) return static_cast<RfmSegment>(s);
  }
  return RfmSegment::kNone;
}

RfmSegment RfmSegmentForCell(int r, int fm) { return kGrid[r - 1][fm - 1]; }

RfmResult ComputeRfmFromFacts(const Workspace& ws, const CustomerFacts& facts) {
  RfmResult res;
  res.as_of_day = facts.as_of_day;
  res.currency = facts.currency;
  const size_t n_customers = facts.size();
  res.recency_days.assign(n_customers, 0);
  res.r.assign(n_customers, 0);
  res.f.assign(n_customers, 0);
  res.m.assign(n_customers, 0);
  res.segment.assign(n_customers, RfmSegment::kNone);

  std::vector<uint32_t> ids;
  ids.reserve(facts.customers_with_orders);
  std::vector<int64_t> value(n_customers, 0);
  for (uint32_t c = 0; c < n_customers; ++c) {
    if (facts.orders[c] == 0) continue;
    ids.push_back(c);
    res.recency_days[c] = facts.as_of_day - facts.last_day[c];
    res.net_cents += facts.net_cents[c];
  }
  res.customers = static_cast<int64_t>(ids.size());

  // R: ranked by recency descending (the longest ago scores 1), i.e. by -recency ascending.
  for (uint32_t c : ids) value[c] = -static_cast<int64_t>(res.recency_days[c]);
  ScoreByRank(ws, value, ids, &res.r);
  for (uint32_t c : ids) value[c] = facts.orders[c];
  ScoreByRank(ws, value, ids, &res.f);
  for (uint32_t c : ids) value[c] = facts.net_cents[c];
  ScoreByRank(ws, value, ids, &res.m);

  std::array<int64_t, kRfmSegmentCount> count{}, net{};
  std::vector<std::vector<int64_t>> recency(kRfmSegmentCount), frequency(kRfmSegmentCount);
  for (uint32_t c : ids) {
    const int fm = RoundedFm(res.f[c], res.m[c]);
    const RfmSegment seg = RfmSegmentForCell(res.r[c], fm);
    res.segment[c] = seg;
    ++res.grid[res.r[c] - 1][fm - 1];
    const int s = static_cast<int>(seg);
    ++count[s];
    net[s] += facts.net_cents[c];
    recency[s].push_back(res.recency_days[c]);
    frequency[s].push_back(facts.orders[c]);
  }
  for (int s = 1; s < kRfmSegmentCount; ++s) {
    RfmSegmentRow row;
    row.segment = static_cast<RfmSegment>(s);
    row.customers = count[s];
    row.net_cents = net[s];
    row.share_customers = res.customers ? static_cast<double>(count[s]) / res.customers : 0.0;
    row.share_revenue = res.net_cents ? static_cast<double>(net[s]) / res.net_cents : 0.0;
    row.median_recency_days = MedianOf(&recency[s]);
    row.median_frequency = MedianOf(&frequency[s]);
    res.segments.push_back(row);
  }
  return res;
}

RfmResult ComputeRfm(const Workspace& ws, const Settings& settings) {
  const int32_t as_of = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  const CustomerFacts facts = BuildCustomerFacts(ws, as_of, AnalysisCurrency(ws, settings));
  return ComputeRfmFromFacts(ws, facts);
}

}  // namespace rapport
