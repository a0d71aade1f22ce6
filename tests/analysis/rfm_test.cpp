#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/rfm/rfm.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

namespace {

// The published rule table on the continuous FM score, bounds read as half-open (lo, hi] (docs/rfm.md),
// with Can't Lose Them tried before At Risk.
RfmSegment TableRule(int r, double fm) {
  struct Rule { RfmSegment s; int r_lo, r_hi; double fm_lo, fm_hi; };
  static const Rule kRules[] = {
      {RfmSegment::kChampions, 4, 5, 4, 5},        {RfmSegment::kLoyalCustomers, 2, 5, 3, 5},
      {RfmSegment::kPotentialLoyalist, 3, 5, 1, 3}, {RfmSegment::kNewCustomers, 4, 5, 0, 1},
      {RfmSegment::kPromising, 3, 4, 0, 1},         {RfmSegment::kNeedAttention, 2, 3, 2, 3},
      {RfmSegment::kAboutToSleep, 2, 3, 0, 2},      {RfmSegment::kCantLoseThem, 0, 1, 4, 5},
      {RfmSegment::kAtRisk, 0, 2, 2, 5},            {RfmSegment::kHibernating, 1, 2, 1, 2},
      {RfmSegment::kLost, 0, 2, 0, 2}};
  for (const Rule& rule : kRules) {
    if (r > rule.r_lo && r <= rule.r_hi && fm > rule.fm_lo && fm <= rule.fm_hi) return rule.s;
  }
  return RfmSegment::kNone;
}

}  // namespace


TEST_CASE("rfm: every cell of the 5x5 grid has exactly one segment, and all 11 appear", "[analysis][rfm]") {
  std::vector<int> seen(kRfmSegmentCount, 0);
  for (int r = 1; r <= 5; ++r) {
    for (int fm = 1; fm <= 5; ++fm) {
      const RfmSegment s = RfmSegmentForCell(r, fm);
      REQUIRE(s != RfmSegment::kNone);
      ++seen[static_cast<int>(s)];
    }
  }
  for (int s = 1; s < kRfmSegmentCount; ++s) CHECK(seen[s] >= 1);
  // The grid equals the rule table applied to the continuous (F + M) / 2, for every F and M.
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      for (int m = 1; m <= 5; ++m) {
        INFO("r=" << r << " f=" << f << " m=" << m);
        CHECK(RfmSegmentForCell(r, RoundedFm(f, m)) == TableRule(r, (f + m) / 2.0));
      }
    }
  }
  CHECK(RoundedFm(4, 5) == 5);
  CHECK(RoundedFm(1, 2) == 2);
  CHECK(std::string(RfmSegmentName(RfmSegmentFromName("can't lose them"))) == "Can't Lose Them");
}

TEST_CASE("rfm: hand-worked scores, ties broken by customer key", "[analysis][rfm]") {
  WorkspaceBuilder b;
  // Five customers, so rank i scores i + 1. Keys: email:a < email:b < ...
  const uint32_t e = b.Customer("e@x.com"), a = b.Customer("a@x.com"), c = b.Customer("c@x.com"),
                 d = b.Customer("d@x.com"), bb = b.Customer("b@x.com");
  b.Order(a, "2024-06-30", 5000);                                   // R 0 d, F 1, M 50
  b.Order(bb, "2024-06-29", 100);                                   // R 1, F 1, M 1
  b.Order(c, "2024-01-01", 2000); b.Order(c, "2024-03-01", 2000);   // R 121, F 2, M 40
  b.Order(d, "2023-01-01", 1000); b.Order(d, "2023-02-01", 1000); b.Order(d, "2023-03-01", 1000);  // R 487, F 3, M 30
  b.Order(e, "2024-06-01", 999, {}, 0, {499, "", "", "", ""});     // R 29, F 1, M 5.00 (refund 4.99)
  Settings settings;
  settings.as_of_day = ParseIsoDay("2024-06-30");
  const RfmResult r = ComputeRfm(b.workspace(), settings);
  CHECK(r.customers == 5);
  // R: most recent scores 5: a(0) 5, b(1) 4, e(29) 3, c(121) 2, d(487) 1.
  CHECK(int(r.r[a]) == 5); CHECK(int(r.r[bb]) == 4); CHECK(int(r.r[e]) == 3); CHECK(int(r.r[c]) == 2); CHECK(int(r.r[d]) == 1);
  // F: a, b, e tie at 1 and are ordered by key (a < b < e): 1, 2, 3; then c 4, d 5.
  CHECK(int(r.f[a]) == 1); CHECK(int(r.f[bb]) == 2); CHECK(int(r.f[e]) == 3); CHECK(int(r.f[c]) == 4); CHECK(int(r.f[d]) == 5);
  // M: b 1.00, e 5.00, d 30, c 40, a 50.
  CHECK(int(r.m[bb]) == 1); CHECK(int(r.m[e]) == 2); CHECK(int(r.m[d]) == 3); CHECK(int(r.m[c]) == 4); CHECK(int(r.m[a]) == 5);
  CHECK(r.recency_days[d] == 487);
  // a: R5, FM (1+5)/2 = 3 -> Potential Loyalist; d: R1, FM 4 -> At Risk; c: R2, FM 4 -> At Risk;
  // b: R4, FM 1.5 -> 2 -> Potential Loyalist; e: R3, FM 2.5 -> 3 -> Need Attention.
  CHECK(r.segment[a] == RfmSegment::kPotentialLoyalist);
  CHECK(r.segment[d] == RfmSegment::kAtRisk);
  CHECK(r.segment[c] == RfmSegment::kAtRisk);
  CHECK(r.segment[bb] == RfmSegment::kPotentialLoyalist);
  CHECK(r.segment[e] == RfmSegment::kNeedAttention);
  CHECK(r.grid[0][3] == 1);  // d
  const RfmSegmentRow& at_risk = r.segments[static_cast<int>(RfmSegment::kAtRisk) - 1];
  CHECK(at_risk.customers == 2);
  CHECK(at_risk.median_recency_days == Approx((121 + 487) / 2.0));
  CHECK(at_risk.median_frequency == Approx(2.5));
  CHECK(at_risk.net_cents == 7000);
}

namespace {

// Every score equals the one a full sort by (value, key) gives, and every customer with an order is in exactly
// one segment.
void CheckAgainstFullSort(const Workspace& ws) {
  Settings settings;
  const int32_t as_of = ws.LatestValidOrderDay();
  const CustomerFacts facts = BuildCustomerFacts(ws, as_of, AnalysisCurrency(ws, settings));
  const RfmResult r = ComputeRfmFromFacts(ws, facts);
  std::vector<uint32_t> ids;
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (facts.orders[c]) ids.push_back(c);
  }
  const size_t n = ids.size();
  auto check = [&](auto value, const std::vector<uint8_t>& score) {
    std::vector<uint32_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end(), [&](uint32_t x, uint32_t y) {
      if (value(x) != value(y)) return value(x) < value(y);
      return ws.customers.key[x] < ws.customers.key[y];
    });
    for (size_t i = 0; i < n; ++i) REQUIRE(int(score[sorted[i]]) == int(1 + 5 * i / n));
  };
  check([&](uint32_t c) { return -static_cast<int64_t>(as_of - facts.last_day[c]); }, r.r);
  check([&](uint32_t c) { return static_cast<int64_t>(facts.orders[c]); }, r.f);
  check([&](uint32_t c) { return facts.net_cents[c]; }, r.m);
  // Each segment's medians equal a sort's: the middle value, or the mean of the two middle ones.
  for (const RfmSegmentRow& row : r.segments) {
    std::vector<int64_t> days, orders;
    for (uint32_t c : ids) {
      if (r.segment[c] != row.segment) continue;
      days.push_back(as_of - facts.last_day[c]);
      orders.push_back(facts.orders[c]);
    }
    auto median = [](std::vector<int64_t> v) {
      if (v.empty()) return 0.0;
      std::sort(v.begin(), v.end());
      const size_t h = v.size() / 2;
      return v.size() % 2 ? static_cast<double>(v[h]) : (static_cast<double>(v[h - 1]) + static_cast<double>(v[h])) / 2.0;
    };
    CAPTURE(RfmSegmentName(row.segment), days.size());
    CHECK(row.median_recency_days == median(days));
    CHECK(row.median_frequency == median(orders));
  }
  int64_t grid_total = 0, segment_total = 0;
  for (auto& row : r.grid) grid_total += std::accumulate(row.begin(), row.end(), int64_t{0});
  for (auto& s : r.segments) segment_total += s.customers;
  CHECK(grid_total == static_cast<int64_t>(n));
  CHECK(segment_total == static_cast<int64_t>(n));
  for (uint32_t c = 0; c < facts.size(); ++c) CHECK((r.segment[c] == RfmSegment::kNone) == (facts.orders[c] == 0));
}

}  // namespace

TEST_CASE("rfm: quintile scores equal a full sort by (value, key) on a generated store", "[analysis][rfm]") {
  WorkspaceBuilder b;
  rapport::test::GenerateStore(&b, 3000, 7);
  REQUIRE(BuildCustomerFacts(b.workspace(), b.workspace().LatestValidOrderDay(), kNoId).customers_with_orders > 100);
  CheckAgainstFullSort(b.workspace());
}

// The scores come from eight order statistics: counted in a histogram when the values span under 2^20 (days,
// order counts, most stores' revenue), else selected with nth_element; runs of equal values that straddle a
// quintile boundary are split by key. Small stores put several boundaries inside one run, or a run start on a
// boundary; one very large order makes the revenue range wide.
TEST_CASE("rfm: quintile scores equal a full sort for small stores and wide value ranges", "[analysis][rfm]") {
  for (uint32_t customers : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 9u, 11u, 16u, 23u, 60u, 400u}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      for (bool wide : {false, true}) {
        CAPTURE(customers, seed, wide);
        WorkspaceBuilder b;
        rapport::test::GenerateStore(&b, customers, seed);
        if (wide) {
          const uint32_t big = b.Customer("big@example.com", "Big", "Spender", "US");
          const uint32_t product = b.Product("P0");
          b.OrderOnDay(big, ParseIsoDay("2023-06-01"), 4000000000LL, {{product, 1}}, 0, {});
        }
        CheckAgainstFullSort(b.workspace());
      }
    }
  }
}

// The runs that straddle a boundary are split by key from the bytes after their common prefix, a byte a pass
// over 8 bytes copied from each key (then the next 8 for the few left): keys longer than that common prefix
// plus 8, keys that are prefixes of others, bytes above 0x7f, keys of another kind ("id:test:N"), runs with
// every customer in it (one order each) and runs of a few.
TEST_CASE("rfm: quintile scores equal a full sort when keys share long prefixes", "[analysis][rfm]") {
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    std::set<std::string> emails;
    const std::vector<std::string> tails = {"", "a", "b", "\xc3\xa9", "\x7f", "\xff", "@example.com", "0", "00"};
    while (emails.size() < 700) {
      std::string e(rng() % 30, 'a');
      e += tails[rng() % tails.size()];
      if (rng() % 2) e += std::to_string(rng() % 50);
      e += tails[rng() % tails.size()];
      emails.insert(e);
    }
    std::vector<std::string> order(emails.begin(), emails.end());
    std::shuffle(order.begin(), order.end(), rng);
    WorkspaceBuilder b;
    for (const std::string& e : order) {
      const uint32_t c = b.Customer(e);
      // Mostly one order (F ties across most customers); a few days and amounts (R and M runs).
      const int orders = rng() % 4 == 0 ? 2 : 1;
      for (int o = 0; o < orders; ++o) b.Order(c, rng() % 3 ? "2024-06-30" : "2024-05-01", rng() % 2 ? 1000 : 2500);
    }
    for (int i = 0; i < 40; ++i) b.Order(b.Customer(""), "2024-06-30", 1000);  // keys "id:test:N"
    CheckAgainstFullSort(b.workspace());
  }
}

// RfmBuilder (the engine's steps): the customers and R, then F, then M, then the grid and the segments, a Run
// each; the result is ComputeRfmFromFacts's, every field.
TEST_CASE("rfm: a part at a time, the same result as in one call", "[analysis][rfm]") {
  for (uint32_t customers : {0u, 1u, 7u, 3000u}) {
    CAPTURE(customers);
    WorkspaceBuilder b;
    rapport::test::GenerateStore(&b, customers, 5);
    const Workspace& ws = b.workspace();
    const CustomerFacts facts = BuildCustomerFacts(ws, ws.LatestValidOrderDay(), kNoId);
    const RfmResult one = ComputeRfmFromFacts(ws, facts);
    RfmBuilder parts(ws, facts);
    int runs = 0;
    while (!parts.done()) {
      CHECK(parts.Run(1) == std::max<size_t>(facts.size(), 1));
      ++runs;
    }
    CHECK(runs == 4);
    CHECK(parts.Run(1) == 0);
    const RfmResult& stepped = parts.Result();
    CHECK(stepped.as_of_day == one.as_of_day);
    CHECK(stepped.currency == one.currency);
    CHECK(stepped.customers == one.customers);
    CHECK(stepped.net_cents == one.net_cents);
    CHECK(stepped.recency_days == one.recency_days);
    CHECK(stepped.r == one.r);
    CHECK(stepped.f == one.f);
    CHECK(stepped.m == one.m);
    CHECK(stepped.segment == one.segment);
    CHECK(stepped.grid == one.grid);
    REQUIRE(stepped.segments.size() == one.segments.size());
    for (size_t i = 0; i < one.segments.size(); ++i) {
      CHECK(stepped.segments[i].customers == one.segments[i].customers);
      CHECK(stepped.segments[i].net_cents == one.segments[i].net_cents);
      CHECK(stepped.segments[i].median_recency_days == one.segments[i].median_recency_days);
      CHECK(stepped.segments[i].median_frequency == one.segments[i].median_frequency);
      CHECK(stepped.segments[i].share_customers == one.segments[i].share_customers);
    }
  }
}

// M's boundaries on a wide range of revenue are selected by radix (a histogram of the values' top 16 bits, then
// the few values of the boundaries' buckets sorted, or selected again when a bucket holds thousands): ties,
// all equal, negative and zero revenue, 1-7 customers, a bucket of thousands (one huge spender puts every other
// customer in the lowest bucket); the medians come from histograms by segment unless days span 2^16 or more.
TEST_CASE("rfm: monetary scores and medians equal a sort on awkward revenue", "[analysis][rfm]") {
  const std::vector<int64_t> amounts = {0, -2500, 100, 100, 100, -1, 999999, 4000, 1, 0};
  for (uint32_t customers : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 13u, 6000u}) {
    for (int kind = 0; kind < 4; ++kind) {  // 0 few amounts, 1 all equal, 2 a huge spender, 3 days spread wide
      CAPTURE(customers, kind);
      std::mt19937_64 rng(customers * 31 + kind);
      WorkspaceBuilder b;
      const int32_t as_of = ParseIsoDay("2024-06-30");
      for (uint32_t i = 0; i < customers; ++i) {
        const uint32_t c = b.Customer("c" + std::to_string(rng() % 1000000) + "_" + std::to_string(i) + "@x.com");
        const int orders = 1 + static_cast<int>(rng() % 3);
        for (int o = 0; o < orders; ++o) {
          int64_t cents = kind == 1 ? -700 : amounts[rng() % amounts.size()];
          if (kind >= 2 && rng() % 3 == 0) cents = static_cast<int64_t>(rng() % 5000000) - 2000000;
          const int32_t day = kind == 3 && rng() % 2 ? as_of - static_cast<int32_t>(rng() % 80000)
                                                     : as_of - static_cast<int32_t>(rng() % 400);
          b.OrderOnDay(c, day, cents, {}, 0, {});
        }
      }
      if (kind == 2) b.OrderOnDay(b.Customer("huge@x.com"), as_of, 4000000000000LL, {}, 0, {});
      CheckAgainstFullSort(b.workspace());
    }
  }
}
