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
    std::vector<int64_t> sorted(n);
    for (size_t i = 0; i < n; ++i) sorted[i] = value[ids[i]];
    size_t from = 0;
    for (Boundary& b : bound) {
      if (!b.inside) continue;
      if (b.rank - 1 >= from) {
        std::nth_element(sorted.begin() + from, sorted.begin() + (b.rank - 1), sorted.end());
        from = b.rank;
      }
      b.below = sorted[b.rank - 1];
      if (b.rank >= from) {
        std::iter_swap(sorted.begin() + b.rank, std::min_element(sorted.begin() + b.rank, sorted.end()));
        from = b.rank + 1;
      }
      b.at = sorted[b.rank];
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
  // Score k + 1 once the run of x starts at or after B_k: the value at B_k is below x, or equals it with the
  // value just before B_k below x. 0 = x straddles a boundary.
  auto score_of = [&](int64_t x) -> uint8_t {
    if (group_of(x)) return 0;
    uint8_t s = 1;
    for (const Boundary& b : bound) s += b.inside && (b.at < x || (b.at == x && b.below < x));
    return s;
  };
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
    for (uint32_t c : ids) {
      const int64_t x = value[c];
      for (Group& g : groups) g.less += x < g.v;
      const uint8_t s = score_of(x);
      if (s) {
        (*score)[c] = s;
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
      // Recency and frequency laid out by segment (counting sort), for the medians.
      std::array<size_t, kRfmSegmentCount + 1> offset{};
      for (int s = 0; s < kRfmSegmentCount; ++s) offset[s + 1] = offset[s] + static_cast<size_t>(count[s]);
      std::vector<int64_t> recency(ids_.size()), frequency(ids_.size());
      {
        std::array<size_t, kRfmSegmentCount> cursor;
        std::copy(offset.begin(), offset.end() - 1, cursor.begin());
        for (uint32_t c : ids_) {
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
