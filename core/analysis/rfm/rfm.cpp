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

double MedianOf(int64_t* b, int64_t* e) {
  const size_t n = static_cast<size_t>(e - b);
  if (n == 0) return 0;
  int64_t* mid = b + n / 2;
  std::nth_element(b, mid, e);
  if (n % 2 == 1) return static_cast<double>(*mid);
  const int64_t lower = *std::max_element(b, mid);
  return (static_cast<double>(lower) + static_cast<double>(*mid)) / 2.0;
}

// Sorts ids by value, ascending, keeping the incoming order among equal values (ids arrive ascending, so ties
// end up by id): a stable LSD radix sort on value - min, 11 bits a pass (one pass for days or order counts,
// two or three for cents), over (key, id) pairs so each pass reads memory in order.
void SortByValue(const std::vector<int64_t>& value, std::vector<uint32_t>* ids) {
  const size_t n = ids->size();
  if (n < 2) return;
  int64_t lo = value[(*ids)[0]], hi = lo;
  for (uint32_t id : *ids) {
    lo = std::min(lo, value[id]);
    hi = std::max(hi, value[id]);
  }
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (range == 0) return;
  int bits = 0;
  while (bits < 64 && (range >> bits) != 0) ++bits;
  struct Item {
    uint64_t key;
    uint32_t id;
  };
  std::vector<Item> a(n), b(n);
  for (size_t i = 0; i < n; ++i) a[i] = {static_cast<uint64_t>(value[(*ids)[i]]) - static_cast<uint64_t>(lo), (*ids)[i]};
  constexpr int kDigitBits = 11;
  constexpr size_t kBuckets = size_t{1} << kDigitBits;
  std::vector<size_t> start(kBuckets);
  for (int shift = 0; shift < bits; shift += kDigitBits) {
    std::fill(start.begin(), start.end(), 0);
    for (const Item& it : a) ++start[(it.key >> shift) & (kBuckets - 1)];
    size_t sum = 0;
    for (size_t& s : start) {
      const size_t c = s;
      s = sum;
      sum += c;
    }
    for (const Item& it : a) b[start[(it.key >> shift) & (kBuckets - 1)]++] = it;
    a.swap(b);
  }
  for (size_t i = 0; i < n; ++i) (*ids)[i] = a[i].id;
}

// Orders ids[lo, hi) (equal values) by customer key just enough that each boundary in `boundaries` (ascending,
// inside the range) has the smaller keys on its left: nth_element on (8 key bytes after the group's common
// prefix, id) pairs, so most comparisons are one integer compare instead of a string compare through a pointer.
void SplitGroupByKey(const Workspace& ws, std::vector<uint32_t>* ids, size_t lo, size_t hi,
                     const std::vector<size_t>& boundaries) {
  const auto& keys = ws.customers.key;
  struct Keyed {
    uint64_t prefix;
    uint32_t id;
  };
  size_t lcp = keys[(*ids)[lo]].size();
  for (size_t i = lo + 1; i < hi && lcp > 0; ++i) {
    const std::string& a = keys[(*ids)[lo]];
    const std::string& b = keys[(*ids)[i]];
    size_t k = 0;
    const size_t limit = std::min(lcp, b.size());
    while (k < limit && a[k] == b[k]) ++k;
    lcp = k;
  }
  std::vector<Keyed> items(hi - lo);
  for (size_t i = lo; i < hi; ++i) {
    const std::string& k = keys[(*ids)[i]];
    uint64_t prefix = 0;
    for (size_t j = 0; j < 8; ++j) {
      const size_t at = lcp + j;
      prefix = (prefix << 8) | (at < k.size() ? static_cast<unsigned char>(k[at]) : 0u);
    }
    items[i - lo] = {prefix, (*ids)[i]};
  }
  auto less = [&](const Keyed& a, const Keyed& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int cmp = keys[a.id].compare(keys[b.id]);
    return cmp != 0 ? cmp < 0 : a.id < b.id;
  };
  size_t from = 0;
  for (size_t boundary : boundaries) {
    std::nth_element(items.begin() + from, items.begin() + (boundary - lo), items.end(), less);
    from = boundary - lo;
  }
  for (size_t i = lo; i < hi; ++i) (*ids)[i] = items[i - lo].id;
}

// Scores 1..5 by quintile of rank. `value[c]` is the ranking value (ascending = low score), `ids` the
// customers ranked. Equivalent to sorting by (value, key) and scoring rank i as 1 + 5i/n, but only the value
// groups that straddle a quintile boundary are ordered by key, and only as far as the boundaries need.
void ScoreByRank(const Workspace& ws, const std::vector<int64_t>& value, std::vector<uint32_t> ids,
                 std::vector<uint8_t>* score) {
  const size_t n = ids.size();
  if (n == 0) return;
  SortByValue(value, &ids);
  // Boundaries: the first rank of score k + 1 is ceil(k n / 5). Those inside a run of equal values are
  // grouped by run.
  size_t k = 1;
  while (k <= 4) {
    const size_t boundary = (k * n + 4) / 5;
    if (boundary == 0 || boundary >= n || value[ids[boundary - 1]] != value[ids[boundary]]) {
      ++k;
      continue;
    }
    const int64_t v = value[ids[boundary]];
    size_t lo = boundary, hi = boundary;
    while (lo > 0 && value[ids[lo - 1]] == v) --lo;
    while (hi < n && value[ids[hi]] == v) ++hi;
    std::vector<size_t> inside;
    while (k <= 4 && (k * n + 4) / 5 < hi) {
      inside.push_back((k * n + 4) / 5);
      ++k;
    }
    SplitGroupByKey(ws, &ids, lo, hi, inside);
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
  for (uint32_t c : ids) {
    const int fm = RoundedFm(res.f[c], res.m[c]);
    const RfmSegment seg = RfmSegmentForCell(res.r[c], fm);
    res.segment[c] = seg;
    ++res.grid[res.r[c] - 1][fm - 1];
    const int s = static_cast<int>(seg);
    ++count[s];
    net[s] += facts.net_cents[c];
  }
  // Recency and frequency laid out by segment (counting sort), for the medians.
  std::array<size_t, kRfmSegmentCount + 1> offset{};
  for (int s = 0; s < kRfmSegmentCount; ++s) offset[s + 1] = offset[s] + static_cast<size_t>(count[s]);
  std::vector<int64_t> recency(ids.size()), frequency(ids.size());
  {
    std::array<size_t, kRfmSegmentCount> cursor;
    std::copy(offset.begin(), offset.end() - 1, cursor.begin());
    for (uint32_t c : ids) {
      const size_t at = cursor[static_cast<int>(res.segment[c])]++;
      recency[at] = res.recency_days[c];
      frequency[at] = facts.orders[c];
    }
  }
  for (int s = 1; s < kRfmSegmentCount; ++s) {
    RfmSegmentRow row;
    row.segment = static_cast<RfmSegment>(s);
    row.customers = count[s];
    row.net_cents = net[s];
    row.share_customers = res.customers ? static_cast<double>(count[s]) / res.customers : 0.0;
    row.share_revenue = res.net_cents ? static_cast<double>(net[s]) / res.net_cents : 0.0;
    row.median_recency_days = MedianOf(recency.data() + offset[s], recency.data() + offset[s + 1]);
    row.median_frequency = MedianOf(frequency.data() + offset[s], frequency.data() + offset[s + 1]);
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
