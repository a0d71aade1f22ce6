// Playbooks on hand-built customers (due days and reasons), audiences (formula neutralising, quoting, holdout
// determinism and share) and lift on a simulated campaign with a known effect.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/workspace_builder.h"
#include "core/playbook/audience.h"
#include "core/playbook/lift.h"
#include "core/playbook/playbooks.h"
#include "core/util/random.h"
#include "core/util/text.h"
#include "segment/segment_fixture.h"

namespace rapport {
namespace {

struct HandBuilt {
  test::WorkspaceBuilder b;
  uint32_t at_risk, lapsing, reviewer, unhappy, refill, upgrader;
  uint32_t food, mug, kettle;
  HandBuilt() {
    food = b.Product("FOOD-1", "Dog Food 10kg");
    mug = b.Product("MUG-1", "Blue Mug");
    kettle = b.Product("KETTLE-1", "Copper Kettle");
    // A big spender who orders every 45 days, last on 2025-04-01: 90 days ago on 2025-06-30.
    at_risk = b.Customer("risk@example.com", "Rita");
    b.Order(at_risk, "2025-01-01", 100000);
    b.Order(at_risk, "2025-02-15", 100000);
    b.Order(at_risk, "2025-04-01", 100000);
    // One small order 149 days ago: win-back tier 2 (120 days).
    lapsing = b.Customer("lapse@example.com", "Lars");
    b.Order(lapsing, "2025-02-01", 2000);
    // Ordered a mug 2025-06-20, fulfilled 2025-06-22, no review yet.
    reviewer = b.Customer("review@example.com", "Rae");
    const uint32_t o = b.Order(reviewer, "2025-06-20", 3000, {{mug, 1}});
    b.workspace().orders.fulfilled_day[o] = ParseIsoDay("2025-06-22");
    // Left a 2-star review five days ago.
    unhappy = b.Customer("unhappy@example.com", "Una");
    b.Order(unhappy, "2025-06-01", 3000, {{kettle, 1}});
    b.Review(unhappy, "2025-06-25", 2, kettle);
    // Six customers rebuy dog food every 30 days (six intervals, median 30), long ago.
    for (int i = 0; i < 6; ++i) {
      const uint32_t c = b.Customer("food" + std::to_string(i) + "@example.com");
      b.Order(c, "2024-06-01", 4000, {{food, 1}});
      b.Order(c, "2024-07-01", 4000, {{food, 1}});
    }
    // Bought dog food on 2025-06-02: expected again 2025-07-02, reminder due 2025-06-29.
    refill = b.Customer("refill@example.com", "Rene");
    b.Order(refill, "2025-06-02", 4000, {{food, 1}});
    // Spent 150.00, then 100.00 on 2025-06-25: crosses Silver (200.00).
    upgrader = b.Customer("up@example.com", "Uma");
    b.Order(upgrader, "2024-12-01", 15000);
    b.Order(upgrader, "2025-06-25", 10000);
    b.workspace().settings.as_of_day = ParseIsoDay("2025-06-30");
  }
};

const NextAction* ActionFor(const PlaybookResult& r, uint32_t customer) {
  for (const NextAction& a : r.actions) {
    if (a.customer == customer) return &a;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("playbooks: due days and reasons on hand-built customers", "[segment]") {
  HandBuilt h;
  const Workspace& ws = h.b.workspace();
  const SegmentContext ctx = BuildSegmentContext(ws, ws.settings, kNoDay);
  const PlaybookOptions options = DefaultPlaybookOptions(ws.settings);
  const PlaybookResult r = RunPlaybooks(ctx, options);
  REQUIRE(r.as_of_day == ParseIsoDay("2025-06-30"));
  // The reason is worded on demand from the action's figures.
  auto reason = [&](const NextAction* action) { return PlaybookReason(ctx, options, *action); };

  const NextAction* a = ActionFor(r, h.at_risk);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kAtRiskHighValue);  // outranks win-back (90 days > 60)
  CHECK(FormatDay(a->due_day) == "2025-06-08");       // 2025-04-01 + floor(1.5 x 45) + 1
  CHECK_THAT(reason(a), Catch::StartsWith("45 days overdue against their usual 45-day cadence; top 20% by spend (3,000.00 USD)"));

  a = ActionFor(r, h.lapsing);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kWinback);
  CHECK(a->tier == 1);
  CHECK(FormatDay(a->due_day) == "2025-06-01");
  CHECK(reason(a) == "no order for 149 days (last on 2025-02-01); tier 2 of 3 (120+ days): 10% off your next order");

  a = ActionFor(r, h.reviewer);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kReviewRequest);
  CHECK(a->product == h.mug);
  CHECK(FormatDay(a->due_day) == "2025-07-06");  // fulfilled 2025-06-22 + 14
  CHECK_THAT(reason(a), Catch::Contains("fulfilled on 2025-06-22; no review yet of Blue Mug"));

  a = ActionFor(r, h.unhappy);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kFeedbackRecovery);
  CHECK(FormatDay(a->due_day) == "2025-06-25");
  CHECK(reason(a) == "left a 2-star review on 2025-06-25 (5 days ago)");

  a = ActionFor(r, h.refill);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kReplenishment);  // outranks the review request of the same order
  CHECK(a->product == h.food);
  CHECK(FormatDay(a->due_day) == "2025-06-29");
  CHECK_THAT(reason(a), Catch::Contains("median 30 days (6 repeat purchases), so the next order is expected on 2025-07-02"));

  a = ActionFor(r, h.upgrader);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kLoyaltyUpgrade);
  CHECK(FormatDay(a->due_day) == "2025-06-25");
  CHECK(reason(a) == "reached Silver with the order of 2025-06-25: spent 250.00 USD (Silver from 200.00 USD)");

  // One action per customer, sorted by due day then customer.
  std::map<uint32_t, int> seen;
  for (size_t i = 0; i < r.actions.size(); ++i) {
    CHECK(++seen[r.actions[i].customer] == 1);
    if (i) {
      CHECK((r.actions[i - 1].due_day < r.actions[i].due_day ||
             (r.actions[i - 1].due_day == r.actions[i].due_day && r.actions[i - 1].customer < r.actions[i].customer)));
    }
  }
  // Summaries follow the priority order; assigned counts add up.
  REQUIRE(r.playbooks.size() == kPlaybookCount);
  uint64_t assigned = 0;
  for (const PlaybookSummary& s : r.playbooks) assigned += s.assigned;
  CHECK(assigned == r.actions.size());
  CHECK(r.playbooks[0].kind == PlaybookKind::kFeedbackRecovery);
}

TEST_CASE("playbooks: the priority list decides, and a playbook left out is off", "[segment]") {
  HandBuilt h;
  const Workspace& ws = h.b.workspace();
  const SegmentContext ctx = BuildSegmentContext(ws, ws.settings, kNoDay);
  PlaybookOptions o = DefaultPlaybookOptions(ws.settings);
  o.priority = {PlaybookKind::kWinback, PlaybookKind::kReviewRequest};
  const PlaybookResult r = RunPlaybooks(ctx, o);
  const NextAction* a = ActionFor(r, h.at_risk);
  REQUIRE(a);
  CHECK(a->kind == PlaybookKind::kWinback);
  CHECK(a->tier == 0);
  CHECK(ActionFor(r, h.unhappy) == nullptr);  // recovery is off; the kettle order is 29 days old, review due 06-15
  const NextAction* refill = ActionFor(r, h.refill);
  REQUIRE(refill);
  CHECK(refill->kind == PlaybookKind::kReviewRequest);
  o.winback = {{29, "Come back"}};
  o.priority = {PlaybookKind::kWinback};
  const PlaybookResult r2 = RunPlaybooks(ctx, o);
  CHECK(ActionFor(r2, h.refill) == nullptr);  // 28 days: not yet
  REQUIRE(ActionFor(r2, h.unhappy));          // 29 days
  CHECK(FormatDay(ActionFor(r2, h.unhappy)->due_day) == "2025-06-30");
}

TEST_CASE("playbooks: cross-sell from co-purchase lift", "[segment]") {
  test::WorkspaceBuilder b;
  const uint32_t tea = b.Product("TEA"), pot = b.Product("POT", "Teapot"), mug = b.Product("MUG");
  // 8 customers bought tea and a teapot; 8 bought only mugs; one recent customer bought only tea.
  for (int i = 0; i < 8; ++i) b.Order(b.Customer("t" + std::to_string(i) + "@x.com"), "2024-01-10", 1000, {{tea, 1}, {pot, 1}});
  for (int i = 0; i < 8; ++i) b.Order(b.Customer("m" + std::to_string(i) + "@x.com"), "2024-01-10", 1000, {{mug, 1}});
  const uint32_t fan = b.Customer("fan@x.com");
  b.Order(fan, "2024-03-01", 1000, {{tea, 1}});
  const SegmentContext ctx = BuildSegmentContext(b.workspace(), b.workspace().settings, kNoDay);
  PlaybookOptions o;
  o.priority = {PlaybookKind::kCrossSell};
  const PlaybookResult r = RunPlaybooks(ctx, o);
  REQUIRE(r.actions.size() == 1);
  CHECK(r.actions[0].customer == fan);
  CHECK(r.actions[0].product == pot);
  CHECK(FormatDay(r.actions[0].due_day) == "2024-03-15");
  // lift = 8 x 17 / (9 x 8) = 1.9
  CHECK(PlaybookReason(ctx, o, r.actions[0]) == "bought TEA; its buyers are 1.9x as likely as others to buy Teapot (8 customers bought both)");
}

TEST_CASE("playbooks: the cross-sell candidates a part at a time are the one call's", "[segment]") {
  // A random store: 600 customers, 15 products, baskets of 1-6 lines (some of 45: left out of the pairs).
  Random rng(0xC505ULL);
  test::WorkspaceBuilder b;
  std::vector<uint32_t> products;
  for (int p = 0; p < 15; ++p) products.push_back(b.Product("P" + std::to_string(p)));
  std::vector<uint32_t> customers;
  for (int c = 0; c < 600; ++c) customers.push_back(b.Customer("c" + std::to_string(c) + "@x.com"));
  const int32_t start = ParseIsoDay("2024-01-01");
  for (int k = 0; k < 2500; ++k) {
    const int n_lines = rng.Next() % 40 == 0 ? 45 : 1 + static_cast<int>(rng.Next() % 6);
    std::vector<std::pair<uint32_t, int32_t>> lines;
    for (int l = 0; l < n_lines; ++l) lines.push_back({products[(rng.Next() % 15) * (rng.Next() % 15) / 15], 1});
    b.OrderOnDay(customers[rng.Next() % customers.size()], start + static_cast<int32_t>(rng.Next() % 400), 1000, lines);
  }
  const SegmentContext ctx = BuildSegmentContext(b.workspace(), b.workspace().settings, kNoDay);
  PlaybookOptions o;
  o.priority = {PlaybookKind::kCrossSell};
  o.cross_sell_min_customers = 3;
  o.cross_sell_min_lift = 1.05;
  const std::vector<NextAction> one =
      FindPlaybookCandidates(ctx, o, {PlaybookKind::kCrossSell}).by_kind[static_cast<size_t>(PlaybookKind::kCrossSell)];
  REQUIRE(one.size() > 20);
  for (const size_t rows : {size_t{1}, size_t{7}, size_t{100}}) {
    CAPTURE(rows);
    CrossSellFinder finder(ctx, o);
    size_t parts = 0;
    for (; !finder.done(); ++parts) finder.Run(rows);
    CHECK(parts > 600 / rows);
    const std::vector<NextAction> stepped = finder.Result();
    REQUIRE(stepped.size() == one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      CHECK(stepped[i].kind == one[i].kind);
      CHECK(stepped[i].customer == one[i].customer);
      CHECK(stepped[i].product == one[i].product);
      CHECK(stepped[i].due_day == one[i].due_day);
      CHECK(stepped[i].ref == one[i].ref);
      CHECK(stepped[i].count == one[i].count);
      CHECK(stepped[i].lift == one[i].lift);
    }
  }
}

// AssignPlaybooks orders the actions by due day, then customer, with a counting sort over the customers (each
// holds one action at most): the order a comparison sort gives, on a random store where many customers of
// several playbooks share a due day.
TEST_CASE("playbooks: the actions in (due day, customer) order, as a sort gives", "[segment]") {
  for (uint64_t seed : {3u, 11u}) {
    CAPTURE(seed);
    test::WorkspaceBuilder builder;
    test::BuildRandomStore(&builder, 2000, seed, false);
    const Workspace& ws = builder.workspace();
    const SegmentContext ctx = BuildSegmentContext(ws, ws.settings, kNoDay);
    const PlaybookResult r = RunPlaybooks(ctx, DefaultPlaybookOptions(ws.settings));
    REQUIRE(r.actions.size() > 100);
    std::map<int32_t, int> per_day;
    std::map<PlaybookKind, int> per_kind;
    for (const NextAction& a : r.actions) {
      ++per_day[a.due_day];
      ++per_kind[a.kind];
    }
    CHECK(per_day.size() < r.actions.size() / 2);  // shared due days
    CHECK(per_kind.size() >= 3);
    std::vector<NextAction> sorted = r.actions;
    std::reverse(sorted.begin(), sorted.end());
    std::sort(sorted.begin(), sorted.end(), [](const NextAction& a, const NextAction& b) {
      return a.due_day != b.due_day ? a.due_day < b.due_day : a.customer < b.customer;
    });
    for (size_t i = 0; i < sorted.size(); ++i) {
      CHECK(r.actions[i].customer == sorted[i].customer);
      CHECK(r.actions[i].due_day == sorted[i].due_day);
      CHECK(r.actions[i].kind == sorted[i].kind);
      CHECK(r.actions[i].product == sorted[i].product);
      if (i > 0) CHECK(r.actions[i - 1].customer != r.actions[i].customer);
    }
  }
}

TEST_CASE("playbooks: candidates a customer range at a time are the whole range's", "[segment]") {
  // The engine finds a playbook's candidates a range of customers a step (core/api/ops/segments.cpp
  // CandidatesBuild): the ranges' candidates one after the other must be the one call's, and the priority over
  // them RunPlaybooks'.
  test::WorkspaceBuilder builder;
  test::BuildRandomStore(&builder, 2000, 7, false);
  const Workspace& ws = builder.workspace();
  const SegmentContext ctx = BuildSegmentContext(ws, ws.settings, kNoDay);
  PlaybookOptions o = DefaultPlaybookOptions(ws.settings);
  o.cross_sell_min_customers = 3;
  o.cross_sell_min_lift = 1.05;
  const std::vector<ProductInterval> intervals = ProductRepurchaseIntervals(ctx, o.replenish_min_repeats);
  auto same = [](const NextAction& a, const NextAction& b) {
    return a.kind == b.kind && a.customer == b.customer && a.product == b.product && a.due_day == b.due_day &&
           a.ref == b.ref && a.ref_day == b.ref_day && a.tier == b.tier && a.days == b.days && a.count == b.count &&
           a.lift == b.lift && a.own == b.own;
  };
  int kinds_found = 0;
  std::vector<PlaybookCandidates> ranged;
  for (const PlaybookKind kind : o.priority) {
    CAPTURE(PlaybookName(kind));
    const std::vector<NextAction> whole =
        FindPlaybookCandidates(ctx, o, {kind}, &intervals).by_kind[static_cast<size_t>(kind)];
    kinds_found += !whole.empty();
    for (const std::vector<uint32_t>& cuts : {std::vector<uint32_t>{0, 700, 1400, 2000},
                                              std::vector<uint32_t>{0, 1, 1, 999, 2000, 5000}}) {
      std::vector<NextAction> joined;
      for (size_t k = 0; k + 1 < cuts.size(); ++k) {
        PlaybookCandidates part = FindPlaybookCandidates(ctx, o, {kind}, &intervals, cuts[k], cuts[k + 1]);
        const std::vector<NextAction>& of_kind = part.by_kind[static_cast<size_t>(kind)];
        for (const NextAction& a : of_kind) {
          CHECK(a.customer >= cuts[k]);
          CHECK(a.customer < cuts[k + 1]);
        }
        joined.insert(joined.end(), of_kind.begin(), of_kind.end());
        if (cuts.size() == 4) ranged.push_back(std::move(part));
      }
      REQUIRE(joined.size() == whole.size());
      for (size_t i = 0; i < whole.size(); ++i) CHECK(same(joined[i], whole[i]));
    }
  }
  CHECK(kinds_found >= 5);
  std::vector<const PlaybookCandidates*> parts;
  for (const PlaybookCandidates& part : ranged) parts.push_back(&part);
  const PlaybookResult assigned = AssignPlaybooks(ctx, o, parts), run = RunPlaybooks(ctx, o, &intervals);
  REQUIRE(assigned.actions.size() == run.actions.size());
  for (size_t i = 0; i < run.actions.size(); ++i) CHECK(same(assigned.actions[i], run.actions[i]));
  REQUIRE(assigned.playbooks.size() == run.playbooks.size());
  for (size_t k = 0; k < run.playbooks.size(); ++k) {
    CHECK(assigned.playbooks[k].eligible == run.playbooks[k].eligible);
    CHECK(assigned.playbooks[k].assigned == run.playbooks[k].assigned);
  }
}

TEST_CASE("audience: cells are neutralised against formulas and quoted", "[segment]") {
  CHECK(NeutralizeCell("=1+1") == "'=1+1");
  CHECK(NeutralizeCell("+44 20 7946") == "'+44 20 7946");
  CHECK(NeutralizeCell("-5") == "'-5");
  CHECK(NeutralizeCell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(NeutralizeCell("\tx") == "'\tx");
  CHECK(NeutralizeCell("\rx") == "'\rx");
  CHECK(NeutralizeCell("ann@example.com") == "ann@example.com");
  CHECK(NeutralizeCell("") == "");
  CHECK(CsvCell("plain") == "plain");
  CHECK(CsvCell("a,b") == "\"a,b\"");
  CHECK(CsvCell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvCell("two\nlines") == "\"two\nlines\"");
  CHECK(CsvCell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}

TEST_CASE("audience: the holdout is deterministic, exact in size and keyed by the audience name", "[segment]") {
  const std::vector<uint8_t> a = DrawHoldout(1000, 0.1, 20261123, "VIP");
  CHECK(a == DrawHoldout(1000, 0.1, 20261123, "VIP"));
  CHECK(a == DrawHoldout(1000, 0.1, 20261123, "  vip "));
  CHECK(a != DrawHoldout(1000, 0.1, 20261123, "Win-back"));
  CHECK(a != DrawHoldout(1000, 0.1, 1, "VIP"));
  size_t held = 0;
  for (uint8_t h : a) held += h;
  CHECK(held == 100);
  size_t first_half = 0;
  for (size_t i = 0; i < 500; ++i) first_half += a[i];
  CHECK(first_half > 30);  // spread over the list, not a block
  CHECK(first_half < 70);
  for (double share : {0.0, 0.05, 0.25, 1.0}) {
    size_t k = 0;
    for (uint8_t h : DrawHoldout(333, share, 9, "x")) k += h;
    CHECK(k == static_cast<size_t>(std::llround(share * 333)));
  }
  // Golden bytes: the same draw in every build (native and wasm share the PRNG).
  std::string first;
  for (size_t i = 0; i < 1000 && first.size() < 40; ++i) {
    if (a[i]) first += std::to_string(i) + " ";
  }
  INFO(first);
  CHECK(HoldoutSeed(20261123, "VIP") == (20261123ULL ^ Fnv1a64("vip")));
}

TEST_CASE("audience: Klaviyo, Mailchimp and Omnisend files", "[segment]") {
  test::WorkspaceBuilder b;
  const uint32_t ann = b.Customer("ann@example.com", "=cmd|' /C calc'!A0", "Lee, Jr");
  const uint32_t bo = b.Customer("bo@example.com", "Bo", "Ng");
  const uint32_t guest = b.Customer("", "No", "Email");
  const Workspace& ws = b.workspace();
  AudienceRequest q;
  q.name = "VIP, gold";
  q.seed = 42;
  q.holdout_share = 0;
  q.customers = {ann, bo, guest};
  q.property_names = {"Orders", "Last Order Date"};
  q.property_values = {{"3", "2025-06-01"}, {"1", "2025-05-01"}, {"0", ""}};
  q.format = AudienceFormat::kKlaviyo;
  Audience a = BuildAudience(ws, q);
  CHECK(a.skipped_no_email == 1);
  CHECK(a.csv ==
        "Email,First Name,Last Name,Orders,Last Order Date\r\n"
        "ann@example.com,'=cmd|' /C calc'!A0,\"Lee, Jr\",3,2025-06-01\r\n"
        "bo@example.com,Bo,Ng,1,2025-05-01\r\n");
  q.format = AudienceFormat::kMailchimp;
  a = BuildAudience(ws, q);
  CHECK(a.csv ==
        "Email Address,First Name,Last Name,Tags\r\n"
        "ann@example.com,'=cmd|' /C calc'!A0,\"Lee, Jr\",\"VIP, gold\"\r\n"
        "bo@example.com,Bo,Ng,\"VIP, gold\"\r\n");
  q.format = AudienceFormat::kOmnisend;
  q.holdout_share = 0.5;
  a = BuildAudience(ws, q);
  CHECK(a.sent == 1);
  CHECK(a.held_out == 1);
  CHECK(a.csv.rfind("Email,First name,Last name,Tags,Orders,Last Order Date\r\n", 0) == 0);
  const uint32_t held = a.holdout[0] ? ann : bo;
  CHECK(a.holdout_csv.find(ws.customers.email[held]) != std::string::npos);
  CHECK(a.csv.find(ws.customers.email[held]) == std::string::npos);
}

TEST_CASE("lift: a simulated campaign's known effect lies within the interval", "[segment]") {
  Random rng(77);
  const size_t n = 40000;
  const std::vector<uint8_t> holdout = DrawHoldout(n, 0.1, 5, "campaign");
  std::vector<uint8_t> converted(n);
  std::vector<int64_t> revenue(n);
  for (size_t i = 0; i < n; ++i) {
    const double p = holdout[i] ? 0.08 : 0.11;  // true lift: +3 points
    converted[i] = rng.Uniform() < p;
    revenue[i] = converted[i] ? static_cast<int64_t>(std::llround(rng.Exponential(1.0 / 5000.0))) : 0;
  }
  const LiftResult r = LiftFromOutcomes(holdout, converted, revenue);
  CHECK(r.control.customers == 4000);
  CHECK(r.treatment.customers == 36000);
  CHECK(r.conversion_low < 0.03);
  CHECK(r.conversion_high > 0.03);
  CHECK(r.conversion_low > 0);  // detected
  CHECK(r.conversion_p_value < 0.01);
  // Revenue per customer: 0.11 x 50.00 - 0.08 x 50.00 = 1.50 (150 cents).
  CHECK(r.revenue_low < 150);
  CHECK(r.revenue_high > 150);
  CHECK(r.revenue_df > 1000);

  // No effect: the interval covers 0.
  std::vector<uint8_t> same(n);
  for (size_t i = 0; i < n; ++i) same[i] = rng.Uniform() < 0.1;
  const LiftResult null = LiftFromOutcomes(holdout, same, std::vector<int64_t>(n, 0));
  CHECK(null.conversion_low < 0);
  CHECK(null.conversion_high > 0);
}

TEST_CASE("lift: measured from the workspace's orders after the send day", "[segment]") {
  test::WorkspaceBuilder b;
  std::vector<uint32_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(b.Customer("c" + std::to_string(i) + "@x.com"));
  b.Order(ids[0], "2025-05-01", 5000);  // before the send: does not count
  b.Order(ids[0], "2025-06-05", 3000);
  b.Order(ids[1], "2025-06-10", 2000);
  b.Order(ids[2], "2025-07-15", 9000);  // after the 30-day window
  b.Order(ids[3], "2025-06-02", 1000, {}, kOrderCancelled);
  const LiftResult r = MeasureLift(b.workspace(), ids, {0, 0, 1, 1}, ParseIsoDay("2025-06-01"), 30, kNoId);
  CHECK(r.treatment.converted == 2);
  CHECK(r.treatment.revenue_cents == 5000);
  CHECK(r.control.converted == 0);
  CHECK(r.conversion_diff == Approx(1.0));
  CHECK(FormatDay(r.last_observed_day) == "2025-07-15");
}

TEST_CASE("lift: Student t quantiles", "[segment]") {
  CHECK(StudentT975(1) == Approx(12.7062).epsilon(1e-4));
  CHECK(StudentT975(10) == Approx(2.2281).epsilon(1e-4));
  CHECK(StudentT975(11) == Approx(2.2010).epsilon(2e-4));
  CHECK(StudentT975(30) == Approx(2.0423).epsilon(2e-4));
  CHECK(StudentT975(1e7) == Approx(1.96).epsilon(1e-3));
}

}  // namespace rapport
