// The summary built from raw transactions reproduces the published CDNOW summaries (MODELS.md §1).
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/customer_facts.h"
#include "core/model/summary.h"
#include "core/util/random.h"
#include "model/model_test_util.h"

using namespace rapport;
using namespace rapport::model;

TEST_CASE("Summary: CDNOW sample -> the published calibration summary, z̄ and holdout", "[model][summary]") {
  std::vector<Transaction> tx;
  SummaryTable published, with_values;
  if (!test::LoadCdnowTransactions("lifetimes_CDNOW_sample.txt", true, &tx)) return;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &published)) return;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary_with_transactions.csv", &with_values)) return;
  REQUIRE(tx.size() == 6919);
  SummaryOptions options;
  options.unit_days = 7;
  options.calibration_end_day = ParseIsoDay("1997-09-30");
  options.holdout_end_day = ParseIsoDay("1998-06-30");
  auto summary = SummarizeTransactions(tx, options);
  REQUIRE(summary.ok());
  const CustomerSummary& s = summary.value();
  REQUIRE(s.size() == 2357);
  CHECK(s.holdout_length() == 39.0);
  double worst_t = 0, worst_z = 0, holdout = 0, max_T = 0;
  int mismatched_x = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    REQUIRE(s.customer[i] == std::stoul(published.id[i]));
    mismatched_x += s.x[i] != published.x[i];
    worst_t = std::max({worst_t, std::fabs(s.t_x[i] - published.t_x[i]), std::fabs(s.T[i] - published.T[i])});
    worst_z = std::max(worst_z, std::fabs(s.zbar[i] - with_values.zbar[i]));
    holdout += s.holdout_x[i];
    max_T = std::max(max_T, s.T[i]);
  }
  CHECK(mismatched_x == 0);
  CHECK(worst_t <= 0.005);  // the 2-decimal rounding of the published file (largest 0.0043)
  CHECK(worst_z <= 0.005 + 1e-9);
  CHECK(holdout == 1882);
  CHECK(max_T == Approx(272.0 / 7));
}

TEST_CASE("Summary: same-day orders collapse, as_of is inclusive, late customers are left out", "[model][summary]") {
  // Customer 7: two orders on day 0 (one purchase, 30), day 7 (10), day 14 = as_of (20); day 21 in the holdout.
  // Customer 9: first seen after the calibration end -> not in the summary.
  std::vector<Transaction> tx = {{7, 14, 20}, {7, 0, 10}, {7, 0, 20}, {7, 7, 10}, {7, 21, 5}, {9, 15, 1}};
  SummaryOptions options;
  options.unit_days = 7;
  options.calibration_end_day = 14;
  options.holdout_end_day = 28;
  auto s = SummarizeTransactions(tx, options);
  REQUIRE(s.ok());
  REQUIRE(s->size() == 1);
  CHECK(s->x[0] == 2);
  CHECK(s->t_x[0] == 2.0);
  CHECK(s->T[0] == 2.0);
  CHECK(s->zbar[0] == 15.0);
  CHECK(s->total_value[0] == 60.0);
  CHECK(s->holdout_x[0] == 1);
  CHECK(s->repeat_days == std::vector<int32_t>{7, 14, 21});
  options.unit_days = 1;
  options.holdout_end_day = kNoDay;
  s = SummarizeTransactions(tx, options);
  REQUIRE(s.ok());
  CHECK(s->T[0] == 14.0);
  CHECK(s->holdout_x.empty());
  options.calibration_end_day = kNoDay;
  CHECK(SummarizeTransactions(tx, options).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Summary: identical histories compress into weighted patterns", "[model][summary]") {
  SummaryTable t;
  if (!test::LoadSummary("lifetimes_cdnow_customers_summary.csv", &t)) return;
  const Patterns p = CompressPatterns(t.x, t.t_x, t.T);
  CHECK(p.size() == 1016);
  CHECK(p.customers == 2357);
  double total = 0;
  for (double w : p.weight) total += w;
  CHECK(total == 2357);
  for (size_t i = 0; i < t.size(); ++i) {
    const uint32_t k = p.pattern_of_row[i];
    REQUIRE((p.x[k] == t.x[i] && p.t_x[k] == t.t_x[i] && p.T[k] == t.T[i]));
  }
}

TEST_CASE("Summary: the summary CSV parser names the line and column of a bad value", "[model][summary]") {
  auto ok = ParseSummaryCsv("frequency,recency,T,monetary_value\r\n1,2.5,3,10\r\n0,0,4,0\r\n", "s.csv");
  REQUIRE(ok.ok());
  CHECK(ok->size() == 2);
  CHECK(ok->zbar.size() == 2);
  auto bad = ParseSummaryCsv("x,t_x,T\n1,2,3\n1,abc,3\n", "s.csv");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("s.csv:3:2") != std::string::npos);
  CHECK(!ParseSummaryCsv("a,b,c\n1,2,3\n", "s.csv").ok());
}

TEST_CASE("Summary: transactions already in customer and day order give the summary a sort would", "[model][summary]") {
  // The workspace's transactions come in (customer, day) order and are not sorted again unless three share a
  // customer and a day: the same summary, to the bit, as from the same transactions shuffled. Enough repeat
  // days for the days' counting sort.
  std::vector<Transaction> tx;
  uint64_t state = 12345;
  auto next = [&](uint32_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>((state >> 33) % n);
  };
  for (uint32_t c = 0; c < 3000; ++c) {
    int32_t day = 10000 + static_cast<int32_t>(next(400));
    const uint32_t orders = 1 + next(6);
    for (uint32_t k = 0; k < orders; ++k) {
      tx.push_back({c, day, (1 + next(100000)) / 100.0});
      if (next(4) == 0) tx.push_back({c, day, (1 + next(100000)) / 100.0});  // two on one day
      day += 1 + static_cast<int32_t>(next(90));
    }
  }
  SummaryOptions options;
  options.calibration_end_day = 10000 + 500;
  options.holdout_end_day = 10000 + 700;
  std::vector<Transaction> shuffled = tx;
  for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[next(static_cast<uint32_t>(i))]);
  auto in_order = SummarizeTransactions(tx, options);
  auto sorted = SummarizeTransactions(shuffled, options);
  REQUIRE(in_order.ok());
  REQUIRE(sorted.ok());
  const CustomerSummary& a = in_order.value();
  const CustomerSummary& b = sorted.value();
  REQUIRE(a.repeat_days.size() > 4096);
  CHECK(std::is_sorted(a.repeat_days.begin(), a.repeat_days.end()));
  CHECK(a.customer == b.customer);
  CHECK(a.first_day == b.first_day);
  CHECK(a.last_day == b.last_day);
  CHECK(a.x == b.x);
  CHECK(a.t_x == b.t_x);
  CHECK(a.T == b.T);
  CHECK(a.zbar == b.zbar);
  CHECK(a.total_value == b.total_value);
  CHECK(a.holdout_x == b.holdout_x);
  CHECK(a.repeat_days == b.repeat_days);
  // Three orders of one customer on one day: sorted as before.
  tx.insert(tx.begin() + 1, tx.front());
  tx.insert(tx.begin() + 1, tx.front());
  auto with_three = SummarizeTransactions(tx, options);
  REQUIRE(with_three.ok());
  CHECK(with_three.value().x == a.x);
  CHECK(with_three.value().total_value[0] > a.total_value[0]);
}

TEST_CASE("Summary: a part at a time from the customer facts is SummarizeWorkspace's, to the bit", "[model][summary]") {
  // A store with orders out of time order, same-day pairs and triples (the sort runs), guests and cancelled
  // orders; with a holdout and without; the parts of 1, 7 and 1,000 rows the engine's steps would be.
  Random rng(0x5A11ULL);
  test::WorkspaceBuilder b;
  std::vector<uint32_t> customers;
  for (int c = 0; c < 500; ++c) customers.push_back(b.Customer("c" + std::to_string(c) + "@x.com"));
  const int32_t start = ParseIsoDay("2023-01-01");
  for (int k = 0; k < 3000; ++k) {
    const uint32_t customer = rng.Next() % 12 == 0 ? kNoId : customers[rng.Next() % customers.size()];
    const int32_t day = start + static_cast<int32_t>(rng.Next() % 600);
    const int copies = rng.Next() % 10 == 0 ? 3 : 1;
    for (int i = 0; i < copies; ++i) {
      b.OrderOnDay(customer, day, 100 + static_cast<int64_t>(rng.Next() % 99999), {},
                   static_cast<uint8_t>(rng.Next() % 20 == 0 ? kOrderCancelled : 0));
    }
  }
  const Workspace& ws = b.workspace();
  const int32_t as_of = ws.LatestValidOrderDay();
  const uint32_t currency = AnalysisCurrency(ws, ws.settings);
  for (const int32_t calibration_end : {as_of, as_of - 150}) {
    SummaryOptions options;
    options.unit_days = 7;
    options.calibration_end_day = calibration_end;
    if (calibration_end != as_of) options.holdout_end_day = as_of;
    auto whole = SummarizeWorkspace(ws, ws.settings, options);
    REQUIRE(whole.ok());
    const CustomerSummary& a = whole.value();
    REQUIRE(a.size() > 400);
    const auto facts = std::make_shared<const CustomerFacts>(BuildCustomerFacts(ws, as_of, currency));
    for (const size_t rows : {size_t{1}, size_t{7}, size_t{1000}}) {
      CAPTURE(calibration_end, rows);
      SummaryBuilder builder(facts, options);
      size_t parts = 0;
      for (; !builder.done(); ++parts) builder.Run(rows);
      CHECK(parts > facts->customers_with_orders / rows);
      auto stepped = builder.Take();
      REQUIRE(stepped.ok());
      const CustomerSummary& s = stepped.value();
      CHECK(s.customer == a.customer);
      CHECK(s.first_day == a.first_day);
      CHECK(s.last_day == a.last_day);
      CHECK(s.x == a.x);
      CHECK(s.t_x == a.t_x);
      CHECK(s.T == a.T);
      CHECK(s.zbar == a.zbar);
      CHECK(s.total_value == a.total_value);
      CHECK(s.holdout_x == a.holdout_x);
      CHECK(s.repeat_days == a.repeat_days);
    }
  }
}
