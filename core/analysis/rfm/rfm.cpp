#include "core/analysis/rfm/rfm.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

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

// The values of `n` unsigned values (get(i), all <= max) at the sorted ranks ranks[0..k) (each < n, any order),
// into out[0..k): a most-significant-bits radix select. A histogram of the values' top 16 bits (a pass) finds
// each rank's bucket and its rank inside; a second pass copies the values of those buckets (at most k, a few
// thousandths of the values each when they spread), which are then sorted, or selected again the same way on
// their low bits when a bucket holds many. A bucket of one value (no low bits left) is that value.
struct ValuesAt {
  const uint64_t* p;
  uint64_t operator()(size_t i) const { return p[i]; }
};
template <typename Get>
void SelectRanks(size_t n, Get get, uint64_t max, const size_t* ranks, size_t k, uint64_t* out) {
  if (max == 0) {
    std::fill(out, out + k, uint64_t{0});
    return;
  }
  constexpr int kBits = 16;
  const int bits = 64 - __builtin_clzll(max);
  const unsigned shift = bits > kBits ? static_cast<unsigned>(bits - kBits) : 0u;
  const size_t buckets = static_cast<size_t>(max >> shift) + 1;
  std::vector<uint32_t> count(buckets, 0);
  for (size_t i = 0; i < n; ++i) ++count[static_cast<size_t>(get(i) >> shift)];
  // Each rank's bucket and rank inside it, the ranks visited in ascending order.
  std::array<size_t, 8> order, bucket, within;
  for (size_t j = 0; j < k; ++j) {  // an insertion sort of at most 8
    size_t at = j;
    for (; at > 0 && ranks[order[at - 1]] > ranks[j]; --at) order[at] = order[at - 1];
    order[at] = j;
  }
  size_t b = 0, before = 0;  // customers in the buckets below b
  for (size_t o = 0; o < k; ++o) {
    const size_t j = order[o];
    while (before + count[b] <= ranks[j]) before += count[b++];
    bucket[j] = b;
    within[j] = ranks[j] - before;
  }
  // The distinct buckets, each a slot (1-based in slot_of).
  std::vector<uint8_t> slot_of(buckets, 0);
  std::array<std::vector<uint64_t>, 8> members;
  std::array<size_t, 8> slot_bucket;
  size_t slots = 0;
  for (size_t j = 0; j < k; ++j) {
    if (!slot_of[bucket[j]]) {
      slot_bucket[slots] = bucket[j];
      slot_of[bucket[j]] = static_cast<uint8_t>(++slots);
      if (shift) members[slots - 1].reserve(count[bucket[j]]);
    }
  }
  if (shift) {
    for (size_t i = 0; i < n; ++i) {
      const uint64_t x = get(i);
      const uint8_t s = slot_of[static_cast<size_t>(x >> shift)];
      if (s) members[s - 1].push_back(x);
    }
  }
  constexpr size_t kSortBelow = 4096;
  for (size_t s = 0; s < slots; ++s) {
    const uint64_t base = static_cast<uint64_t>(slot_bucket[s]) << shift;
    std::array<size_t, 8> sub_rank;
    std::array<size_t, 8> which;
    size_t m = 0;
    for (size_t j = 0; j < k; ++j) {
      if (bucket[j] == slot_bucket[s]) {
        which[m] = j;
        sub_rank[m++] = within[j];
      }
    }
    std::vector<uint64_t>& v = members[s];
    if (shift == 0) {
      for (size_t i = 0; i < m; ++i) out[which[i]] = base;
    } else if (v.size() < kSortBelow) {
      std::sort(v.begin(), v.end());
      for (size_t i = 0; i < m; ++i) out[which[i]] = v[sub_rank[i]];
    } else {
      for (uint64_t& x : v) x -= base;
      std::array<uint64_t, 8> sub_out;
      SelectRanks(v.size(), ValuesAt{v.data()}, (uint64_t{1} << shift) - 1, sub_rank.data(), m, sub_out.data());
      for (size_t i = 0; i < m; ++i) out[which[i]] = base + sub_out[i];
    }
  }
}

// The median of each segment's values x(c) over `ids` (customer c in segment[c]; count[s] of them), as MedianOf
// would give, from one counting histogram by segment and value when the values span a small range (days and
// order counts do): a pass over the customers instead of laying them out by segment and selecting. False,
// nothing set, when the range is wide.
template <typename X>
bool SegmentMediansByCount(const std::vector<uint32_t>& ids, const std::vector<RfmSegment>& segment,
                           const std::array<int64_t, kRfmSegmentCount>& count, X x,
                           std::array<double, kRfmSegmentCount>* median) {
  if (ids.empty()) {
    median->fill(0);
    return true;
  }
  int64_t lo = x(ids[0]), hi = lo;
  for (uint32_t c : ids) {
    lo = std::min(lo, x(c));
    hi = std::max(hi, x(c));
  }
  constexpr uint64_t kMaxRange = uint64_t{1} << 16;
  if (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) >= kMaxRange) return false;
  const size_t width = static_cast<size_t>(hi - lo) + 1;
  std::vector<uint32_t> hist(width * kRfmSegmentCount, 0);
  for (uint32_t c : ids) ++hist[static_cast<size_t>(segment[c]) * width + static_cast<size_t>(x(c) - lo)];
  for (int s = 0; s < kRfmSegmentCount; ++s) {
    const size_t n = static_cast<size_t>(count[s]);
    if (n == 0) {
      (*median)[s] = 0;
      continue;
    }
    const uint32_t* h = hist.data() + static_cast<size_t>(s) * width;
    // The values at ranks n / 2 - 1 (when n is even) and n / 2.
    auto value_at = [&](size_t rank) {
      size_t v = 0, before = 0;
      while (before + h[v] <= rank) before += h[v++];
      return lo + static_cast<int64_t>(v);
    };
    const int64_t mid = value_at(n / 2);
    (*median)[s] = n % 2 == 1 ? static_cast<double>(mid)
                              : (static_cast<double>(value_at(n / 2 - 1)) + static_cast<double>(mid)) / 2.0;
  }
  return true;
}

// A customer of a run of equal values, keyed for the order by key: the 8 bytes of its key from byte `at`
// (big-endian, zero past the key's end) and the key's length.
struct Keyed {
  uint64_t word;
  uint32_t id;
  uint32_t size;
};

// The bytes [at, at + 8) of customer c's key, big-endian, zero past its end.
uint64_t KeyWord(const Workspace& ws, uint32_t c, size_t at) {
  const std::string_view k = ws.customers.key[c];
  uint64_t word = 0;
  for (size_t j = at; j < at + 8; ++j) word = (word << 8) | (j < k.size() ? static_cast<unsigned char>(k[j]) : 0u);
  return word;
}

// Fills items[i].word with the bytes [at, at + 8) of each one's key.
void LoadWords(const Workspace& ws, size_t at, std::vector<Keyed>* items) {
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < items->size(); ++i) {
    if (i + kAhead < items->size()) __builtin_prefetch(ws.customers.key[(*items)[i + kAhead].id].data() + at);
    (*items)[i].word = KeyWord(ws, (*items)[i].id, at);
  }
}

// The customer key order (RFM's tie-break: by key, then by id) of two customers of `items`' run, whose keys
// share their first `lcp` bytes and whose words hold the 8 bytes after them. Two different words order their
// keys (a key's end reads as 0, below or equal to any byte of the other, which is then the longer key);
// equal words go to the keys.
bool KeyedLess(const Workspace& ws, size_t lcp, const Keyed& a, const Keyed& b) {
  if (a.word != b.word) return a.word < b.word;
  const int cmp = ws.customers.key[a.id].substr(lcp).compare(ws.customers.key[b.id].substr(lcp));
  return cmp != 0 ? cmp < 0 : a.id < b.id;
}

// The customer of rank t (0-based, in KeyedLess's order) among `running`, whose keys all begin with the same
// `depth` bytes and whose words hold the 8 from `depth` (past them, the running's words are loaded again): a most-significant-byte radix select, a histogram of
// one byte (the key's end first) a pass over the items still in the running, keeping the bucket of rank t.
// The running shrink by each byte's spread, so hundreds of thousands of keys cost a pass or two plus a few
// over a shrinking few (an nth_element over them compared strings wherever 8 bytes tie, and made ~3 passes).
uint32_t SelectByKey(const Workspace& ws, std::vector<Keyed> running, size_t t, size_t depth) {
  std::array<size_t, 257> count;
  size_t at = depth;  // the words' first byte
  while (running.size() > 1) {
    if (depth == at + 8) {
      at = depth;
      LoadWords(ws, at, &running);
    }
    const unsigned shift = static_cast<unsigned>(8 * (at + 7 - depth));
    auto bucket = [&](const Keyed& k) -> size_t {
      return depth < k.size ? 1 + static_cast<size_t>((k.word >> shift) & 0xff) : 0;
    };
    count.fill(0);
    for (const Keyed& k : running) ++count[bucket(k)];
    size_t b = 0;
    while (t >= count[b]) t -= count[b++];
    if (count[b] != running.size()) {
      running.erase(std::remove_if(running.begin(), running.end(), [&](const Keyed& k) { return bucket(k) != b; }),
                    running.end());
    }
    if (b == 0) {  // these keys end here: equal, so by id
      std::nth_element(running.begin(), running.begin() + t, running.end(),
                       [](const Keyed& x, const Keyed& y) { return x.id < y.id; });
      return running[t].id;
    }
    ++depth;
  }
  return running[0].id;
}

// Scores the customers `group` of a run of equal values that straddles quintile boundaries: the first `less`
// ranks hold smaller values, and `inside` lists the boundaries B_k inside the run (less < B_k < less + size;
// one twice when two quintiles start at one rank). Rank less + j scores 1 + 5 (less + j) / n: the run's first
// rank's score plus the boundaries at or before j. So each customer's score counts the boundaries whose
// customer (the one of that rank in key order: SelectByKey) is not after it in key order; only the keys at the
// boundaries are found, the run is never ordered. Each key is read once (its first 32 bytes, the next keys
// prefetched: the run's keys are scattered over the column, and a cache miss a key read was most of the time).
void ScoreGroupByKey(const Workspace& ws, const std::vector<uint32_t>& group, size_t less, size_t n,
                     const std::vector<size_t>& inside, std::vector<uint8_t>* score) {
  const auto& keys = ws.customers.key;
  constexpr size_t kHead = 32, kAhead = 16;
  const size_t m = group.size();
  if (m == 0) return;
  std::vector<std::array<unsigned char, kHead>> head(m);
  std::vector<Keyed> items(m);
  // The common prefix, capped so its next 8 bytes are inside the copy; a shorter common prefix is still one.
  size_t lcp = kHead - 8;
  for (size_t i = 0; i < m; ++i) {
    if (i + kAhead < m) __builtin_prefetch(keys[group[i + kAhead]].data());
    const std::string_view k = keys[group[i]];
    const size_t len = std::min(k.size(), kHead);
    std::memcpy(head[i].data(), k.data(), len);
    std::memset(head[i].data() + len, 0, kHead - len);
    items[i].id = group[i];
    items[i].size = static_cast<uint32_t>(std::min<size_t>(k.size(), UINT32_MAX));
    if (k.size() < lcp) lcp = k.size();
    size_t j = 0;
    while (j < lcp && head[i][j] == head[0][j]) ++j;
    lcp = j;
  }
  for (size_t i = 0; i < m; ++i) {
    uint64_t word = 0;
    for (size_t j = 0; j < 8; ++j) word = (word << 8) | head[i][lcp + j];
    items[i].word = word;
  }
  std::vector<std::array<unsigned char, kHead>>().swap(head);
  std::vector<Keyed> pivots;
  for (size_t rank : inside) {
    const uint32_t c = SelectByKey(ws, items, rank - less, lcp);
    pivots.push_back({KeyWord(ws, c, lcp), c, static_cast<uint32_t>(std::min<size_t>(keys[c].size(), UINT32_MAX))});
  }
  const uint8_t first_score = static_cast<uint8_t>(1 + (5 * less) / n);
  for (const Keyed& item : items) {
    uint8_t s = first_score;
    for (const Keyed& p : pivots) s += !KeyedLess(ws, lcp, item, p);
    (*score)[item.id] = s;
  }
}

// Scores 1..5 by quintile of rank. `value[c]` is the ranking value (ascending = low score), `ids` the
// customers ranked, ascending. Equivalent to sorting by (value, key) and scoring rank i as 1 + 5i/n, without
// the sort: the first rank of score k + 1 is B_k = ceil(k n / 5), so the values at ranks B_k - 1 and B_k
// (eight order statistics: from a histogram when the values span a small range, as days and order counts do,
// else nth_element) decide every customer's score from its value alone, except for the customers whose value
// runs across a boundary (at ranks B_k - 1 and B_k both). Within those runs only the customers at the
// boundaries are found by key (ScoreGroupByKey).
void ScoreByRank(const Workspace& ws, const std::vector<int64_t>& value, const std::vector<uint32_t>& ids,
                 std::vector<uint8_t>* score) {
  const size_t n = ids.size();
  if (n == 0) return;
  struct Boundary {
    size_t rank = 0;            // B_k
    int64_t below = 0, at = 0;  // the values at ranks B_k - 1 and B_k
    bool inside = false;        // B_k < n: some rank scores k + 1
  };
  std::array<Boundary, 4> bound;
  for (size_t k = 1; k <= 4; ++k) {
    bound[k - 1].rank = (k * n + 4) / 5;
    bound[k - 1].inside = bound[k - 1].rank > 0 && bound[k - 1].rank < n;
  }
  int64_t lo = value[ids[0]], hi = lo;
  for (uint32_t c : ids) {
    lo = std::min(lo, value[c]);
    hi = std::max(hi, value[c]);
  }
  constexpr uint64_t kHistogramRange = uint64_t{1} << 20;
  std::vector<uint32_t> count;  // by value - lo, when the range is small
  if (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) < kHistogramRange) {
    count.assign(static_cast<size_t>(hi - lo) + 1, 0);
    for (uint32_t c : ids) ++count[static_cast<size_t>(value[c] - lo)];
    size_t below_v = 0, k = 0;  // customers with a smaller value than v
    for (size_t v = 0; v < count.size() && k < 4; ++v) {
      const size_t end = below_v + count[v];
      for (; k < 4 && bound[k].rank < end; ++k) {
        if (!bound[k].inside) continue;
        bound[k].at = lo + static_cast<int64_t>(v);
        // The value at B_k - 1: v itself unless the run of v starts at B_k.
        if (bound[k].rank > below_v) {
          bound[k].below = bound[k].at;
        } else {
          size_t u = v;
          while (count[--u] == 0) {}
          bound[k].below = lo + static_cast<int64_t>(u);
        }
      }
      below_v = end;
    }
  } else {
    // The values at ranks B_k - 1 and B_k, as offsets from lo.
    std::array<size_t, 8> ranks;
    std::array<uint64_t, 8> at;
    size_t k = 0;
    for (const Boundary& b : bound) {
      if (!b.inside) continue;
      ranks[k++] = b.rank - 1;
      ranks[k++] = b.rank;
    }
    const uint64_t ulo = static_cast<uint64_t>(lo);
    SelectRanks(
        n, [&](size_t i) { return static_cast<uint64_t>(value[ids[i]]) - ulo; }, static_cast<uint64_t>(hi) - ulo,
        ranks.data(), k, at.data());
    k = 0;
    for (Boundary& b : bound) {
      if (!b.inside) continue;
      b.below = static_cast<int64_t>(ulo + at[k++]);
      b.at = static_cast<int64_t>(ulo + at[k++]);
    }
  }
  // The values whose run straddles a boundary (at most four), with the customers holding them.
  struct Group {
    int64_t v = 0;
    size_t less = 0;  // customers with a smaller value: the group's first rank
    std::vector<uint32_t> ids;
  };
  std::vector<Group> groups;
  for (const Boundary& b : bound) {
    if (b.inside && b.below == b.at && (groups.empty() || groups.back().v != b.at)) groups.push_back({b.at, 0, {}});
  }
  auto group_of = [&](int64_t x) -> Group* {
    for (Group& g : groups) {
      if (g.v == x) return &g;
    }
    return nullptr;
  };
  // The boundaries the run of x starts at or after: those whose value at B_k is below x, or equals it with the
  // value just before B_k below x (a boundary not inside is never passed). Without branches on the boundaries:
  // over the customers, a value against a boundary is a coin toss.
  std::array<int64_t, 4> at, below;
  std::array<uint8_t, 4> inside;
  for (size_t k = 0; k < 4; ++k) {
    at[k] = bound[k].at;
    below[k] = bound[k].below;
    inside[k] = bound[k].inside;
  }
  auto passed = [&](int64_t x) -> unsigned {
    unsigned s = 0;
    for (size_t k = 0; k < 4; ++k) s += inside[k] & ((x > at[k]) | ((x == at[k]) & (below[k] < x)));
    return s;
  };
  // Score k + 1 once the run of x starts at or after B_k; 0 = x straddles a boundary.
  auto score_of = [&](int64_t x) -> uint8_t { return group_of(x) ? 0 : static_cast<uint8_t>(1 + passed(x)); };
  if (!count.empty()) {
    std::vector<uint8_t> score_by_value(count.size());
    size_t below_v = 0;
    for (size_t v = 0; v < count.size(); ++v) {
      score_by_value[v] = count[v] ? score_of(lo + static_cast<int64_t>(v)) : 0;
      if (Group* g = count[v] ? group_of(lo + static_cast<int64_t>(v)) : nullptr) {
        g->less = below_v;
        g->ids.reserve(count[v]);
      }
      below_v += count[v];
    }
    for (uint32_t c : ids) {
      const size_t v = static_cast<size_t>(value[c] - lo);
      const uint8_t s = score_by_value[v];
      if (s) {
        (*score)[c] = s;
      } else {
        group_of(value[c])->ids.push_back(c);
      }
    }
  } else {
    // score_of, with the groups' test (a value equal to a group's is set aside) folded into counting their
    // smaller values.
    for (uint32_t c : ids) {
      const int64_t x = value[c];
      const unsigned s = 1 + passed(x);
      bool in_group = false;
      for (Group& g : groups) {
        g.less += x < g.v;
        in_group |= x == g.v;
      }
      if (!in_group) {
        (*score)[c] = static_cast<uint8_t>(s);
      } else {
        group_of(x)->ids.push_back(c);
      }
    }
  }
  for (const Group& g : groups) {
    std::vector<size_t> inside;
    for (const Boundary& b : bound) {
      if (b.inside && b.rank > g.less && b.rank < g.less + g.ids.size()) inside.push_back(b.rank);
    }
    ScoreGroupByKey(ws, g.ids, g.less, n, inside, score);
  }
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

RfmBuilder::RfmBuilder(const Workspace& ws, const CustomerFacts& facts) : ws_(ws), facts_(facts) {}

size_t RfmBuilder::Run(size_t) {
  const CustomerFacts& facts = facts_;
  RfmResult& res = res_;
  const size_t n_customers = facts.size();
  switch (part_) {
    case 0: {
      // The customers counted; R: ranked by recency descending (the longest ago scores 1), i.e. by -recency
      // ascending.
      res.as_of_day = facts.as_of_day;
      res.currency = facts.currency;
      res.recency_days.assign(n_customers, 0);
      res.r.assign(n_customers, 0);
      res.f.assign(n_customers, 0);
      res.m.assign(n_customers, 0);
      res.segment.assign(n_customers, RfmSegment::kNone);
      ids_.reserve(facts.customers_with_orders);
      value_.assign(n_customers, 0);
      for (uint32_t c = 0; c < n_customers; ++c) {
        if (facts.orders[c] == 0) continue;
        ids_.push_back(c);
        res.recency_days[c] = facts.as_of_day - facts.last_day[c];
        res.net_cents += facts.net_cents[c];
      }
      res.customers = static_cast<int64_t>(ids_.size());
      for (uint32_t c : ids_) value_[c] = -static_cast<int64_t>(res.recency_days[c]);
      ScoreByRank(ws_, value_, ids_, &res.r);
      break;
    }
    case 1:
      for (uint32_t c : ids_) value_[c] = facts.orders[c];
      ScoreByRank(ws_, value_, ids_, &res.f);
      break;
    case 2:
      for (uint32_t c : ids_) value_[c] = facts.net_cents[c];
      ScoreByRank(ws_, value_, ids_, &res.m);
      std::vector<int64_t>().swap(value_);
      break;
    case 3: {
      std::array<int64_t, kRfmSegmentCount> count{}, net{};
      for (uint32_t c : ids_) {
        const int fm = RoundedFm(res.f[c], res.m[c]);
        const RfmSegment seg = RfmSegmentForCell(res.r[c], fm);
        res.segment[c] = seg;
        ++res.grid[res.r[c] - 1][fm - 1];
        const int s = static_cast<int>(seg);
        ++count[s];
        net[s] += facts.net_cents[c];
      }
      // The medians: from counting histograms by segment (days and order counts span small ranges), else with
      // recency and frequency laid out by segment (counting sort) and selected.
      std::array<double, kRfmSegmentCount> median_recency{}, median_frequency{};
      const bool recency_counted = SegmentMediansByCount(
          ids_, res.segment, count, [&](uint32_t c) { return static_cast<int64_t>(res.recency_days[c]); },
          &median_recency);
      const bool frequency_counted = SegmentMediansByCount(
          ids_, res.segment, count, [&](uint32_t c) { return static_cast<int64_t>(facts.orders[c]); },
          &median_frequency);
      if (!recency_counted || !frequency_counted) {
        std::array<size_t, kRfmSegmentCount + 1> offset{};
        for (int s = 0; s < kRfmSegmentCount; ++s) offset[s + 1] = offset[s] + static_cast<size_t>(count[s]);
        std::vector<int64_t> recency(ids_.size()), frequency(ids_.size());
        std::array<size_t, kRfmSegmentCount> cursor;
        std::copy(offset.begin(), offset.end() - 1, cursor.begin());
        for (uint32_t c : ids_) {
          const size_t at = cursor[static_cast<int>(res.segment[c])]++;
          recency[at] = res.recency_days[c];
          frequency[at] = facts.orders[c];
        }
        for (int s = 1; s < kRfmSegmentCount; ++s) {
          if (!recency_counted) median_recency[s] = MedianOf(recency.data() + offset[s], recency.data() + offset[s + 1]);
          if (!frequency_counted) {
            median_frequency[s] = MedianOf(frequency.data() + offset[s], frequency.data() + offset[s + 1]);
          }
        }
      }
      for (int s = 1; s < kRfmSegmentCount; ++s) {
        RfmSegmentRow row;
        row.segment = static_cast<RfmSegment>(s);
        row.customers = count[s];
        row.net_cents = net[s];
        row.share_customers = res.customers ? static_cast<double>(count[s]) / res.customers : 0.0;
        row.share_revenue = res.net_cents ? static_cast<double>(net[s]) / res.net_cents : 0.0;
        row.median_recency_days = median_recency[s];
        row.median_frequency = median_frequency[s];
        res.segments.push_back(row);
      }
      std::vector<uint32_t>().swap(ids_);
      break;
    }
    default:
      return 0;
  }
  ++part_;
  return std::max<size_t>(n_customers, 1);
}

const RfmResult& RfmBuilder::Result() {
  while (!done()) Run();
  return res_;
}

RfmResult ComputeRfmFromFacts(const Workspace& ws, const CustomerFacts& facts) {
  RfmBuilder builder(ws, facts);
  builder.Result();
  return builder.TakeResult();
}

RfmResult ComputeRfm(const Workspace& ws, const Settings& settings) {
  const int32_t as_of = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  const CustomerFacts facts = BuildCustomerFacts(ws, as_of, AnalysisCurrency(ws, settings));
  return ComputeRfmFromFacts(ws, facts);
}

}  // namespace rapport
