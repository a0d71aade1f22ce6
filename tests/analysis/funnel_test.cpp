#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/funnel/funnel.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "demo/demo_export.h"

using namespace rapport;
using rapport::test::WorkspaceBuilder;

namespace {

// The hand-worked store of docs/analyses.md ("Funnel, by hand"): as_of 2024-06-30, every order 10.00.
struct FunnelStore {
  WorkspaceBuilder b;
  uint32_t a, bb, c, d, e, f, g, h, i, j, k;
  Settings settings;
  FunnelStore() {
    a = b.Customer("a@x.com");  b.Order(a, "2024-06-20", 1000);                        // new
    bb = b.Customer("b@x.com"); b.Order(bb, "2024-05-25", 1000);                       // one-time (36 d <= 45)
    c = b.Customer("c@x.com");  b.Order(c, "2024-05-01", 1000); b.Order(c, "2024-05-31", 1000);  // repeat
    d = b.Customer("d@x.com");  b.Order(d, "2024-04-01", 1000); b.Order(d, "2024-05-01", 1000);
                                b.Order(d, "2024-06-01", 1000);                        // loyal
    e = b.Customer("e@x.com");  b.Order(e, "2024-05-10", 1000); b.Order(e, "2024-06-09", 1000);
                                b.Review(e, "2024-06-15", 5);                          // advocate
    f = b.Customer("f@x.com");  b.Order(f, "2024-01-01", 1000); b.Order(f, "2024-02-01", 1000);  // at risk (150 > 46.5)
    g = b.Customer("g@x.com");  b.Order(g, "2023-12-01", 1000);                        // lapsed (212 >= 180)
    h = b.Customer("h@x.com");  b.Order(h, "2024-06-05", 1000); b.Review(h, "2024-06-10", 5);  // new: 1 order
    i = b.Customer("i@x.com");                                                         // no orders
    j = b.Customer("j@x.com");  b.Order(j, "2024-06-01", 1000, {}, kOrderCancelled);   // cancelled only
    k = b.Customer("k@x.com");  b.Order(k, "2024-05-15", 1000); b.Order(k, "2024-06-14", 1000);
                                b.Survey(k, "2024-07-05", 10);                         // repeat: NPS after as_of
    b.Order(kNoId, "2024-06-01", 5000);  // a guest order: revenue, not a customer
    settings.as_of_day = ParseIsoDay("2024-06-30");
  }
};

int64_t Count(const FunnelResult& r, Stage s) {
  for (const auto& row : r.stages) {
    if (row.stage == s) return row.customers;
  }
  return -1;
}

}  // namespace

TEST_CASE("funnel: hand-worked store, one stage each", "[analysis][funnel]") {
  FunnelStore s;
  const FunnelResult r = ComputeFunnel(s.b.workspace(), s.settings);
  CHECK(r.store_median_interval_days == 30);
  CHECK(r.customers == 9);
  CHECK(r.net_cents == 15000);
  CHECK(r.stage[s.a] == Stage::kNew);
  CHECK(r.stage[s.bb] == Stage::kOneTime);
  CHECK(r.stage[s.c] == Stage::kRepeat);
  CHECK(r.stage[s.d] == Stage::kLoyal);
  CHECK(r.stage[s.e] == Stage::kAdvocate);
  CHECK(r.stage[s.f] == Stage::kAtRisk);
  CHECK(r.stage[s.g] == Stage::kLapsed);
  CHECK(r.stage[s.h] == Stage::kNew);
  CHECK(r.stage[s.i] == Stage::kNotCustomer);
  CHECK(r.stage[s.j] == Stage::kNotCustomer);
  CHECK(r.stage[s.k] == Stage::kRepeat);
  REQUIRE(r.stages.size() == 7);
  CHECK(Count(r, Stage::kNew) == 2);
  CHECK(Count(r, Stage::kRepeat) == 2);
  CHECK(r.stages[2].share_revenue == Approx(4000.0 / 15000));
  CHECK(r.stages[0].share_customers == Approx(2.0 / 9));
}

TEST_CASE("funnel: window edges follow the settings", "[analysis][funnel]") {
  FunnelStore s;
  // A churn window of 150 days makes F (150 days since the last order) lapsed: as_of - last >= window.
  s.settings.churn_window_days = 150;
  CHECK(ComputeFunnel(s.b.workspace(), s.settings).stage[s.f] == Stage::kLapsed);
  s.settings.churn_window_days = 151;
  CHECK(ComputeFunnel(s.b.workspace(), s.settings).stage[s.f] == Stage::kAtRisk);
  // B ordered 36 days before as_of: new with a 37-day window, one-time with 36.
  s.settings.new_customer_days = 37;
  CHECK(ComputeFunnel(s.b.workspace(), s.settings).stage[s.bb] == Stage::kNew);
  s.settings.new_customer_days = 36;
  CHECK(ComputeFunnel(s.b.workspace(), s.settings).stage[s.bb] == Stage::kOneTime);
  // With factor 1.0 B (36 days > 30) is overdue.
  s.settings.overdue_factor = 1.0;
  CHECK(ComputeFunnel(s.b.workspace(), s.settings).stage[s.bb] == Stage::kAtRisk);
}

TEST_CASE("funnel: P(alive) from a model replaces the overdue rule", "[analysis][funnel]") {
  FunnelStore s;
  std::vector<double> p_alive(s.b.workspace().customers.size(), NAN);
  p_alive[s.bb] = 0.2;  // one-time, not overdue by the rule, unlikely alive by the model
  p_alive[s.f] = 0.9;   // overdue by the rule, alive by the model
  FunnelInputs inputs;
  inputs.p_alive = &p_alive;
  const FunnelResult r = ComputeFunnel(s.b.workspace(), s.settings, inputs);
  CHECK(r.used_model);
  CHECK(r.stage[s.bb] == Stage::kAtRisk);
  CHECK(r.stage[s.f] == Stage::kRepeat);
  CHECK(r.stage[s.g] == Stage::kLapsed);  // lapsed wins over the model
  CHECK(r.stage[s.c] == Stage::kRepeat);  // no prediction: the rule
}

TEST_CASE("funnel flow: hand-worked cells and conservation", "[analysis][funnel]") {
  FunnelStore s;
  const FunnelFlow flow = ComputeFunnelFlow(s.b.workspace(), s.settings, ParseIsoDay("2024-03-31"), ParseIsoDay("2024-06-30"));
  CHECK(flow.total == 9);
  auto cell = [&](Stage a, Stage b) { return flow.customers[static_cast<int>(a)][static_cast<int>(b)]; };
  // On 2024-03-31 only F (Jan 1, Feb 1) and G (Dec 1) were customers; the store median was F's 31 days.
  CHECK(cell(Stage::kAtRisk, Stage::kAtRisk) == 1);   // F
  CHECK(cell(Stage::kAtRisk, Stage::kLapsed) == 1);   // G: 121 days > 46.5, then 212 >= 180
  CHECK(cell(Stage::kNotCustomer, Stage::kNew) == 2);
  CHECK(cell(Stage::kNotCustomer, Stage::kRepeat) == 2);
  int64_t sum = 0;
  for (int a = 0; a < kStageCount; ++a) {
    for (int b = 0; b < kStageCount; ++b) sum += flow.customers[a][b];
  }
  CHECK(sum == flow.total);
  CHECK(cell(Stage::kNotCustomer, Stage::kNotCustomer) == 0);
}

// The flow reads the earlier day's stages off the later day's facts (each customer's orders up to that day are a
// prefix of its time-ordered orders): every cell equals the count of customers whose stages, computed directly
// by ComputeFunnel at each day, are that pair. Generated stores with orders on the same day, cancellations,
// reviews and NPS answers, appended in three orders (interleaved, by day, reversed); from before and after to.
TEST_CASE("funnel flow: every cell equals the stages computed directly at each day", "[analysis][funnel]") {
  for (uint64_t seed : {3u, 11u}) {
    WorkspaceBuilder generated;
    rapport::test::GenerateStore(&generated, 700, seed);
    const Workspace& g = generated.workspace();
    std::vector<int32_t> days(g.orders.size());
    for (size_t i = 0; i < days.size(); ++i) days[i] = g.orders.day[i];
    for (const std::vector<size_t>& order : rapport::test::ThreeLoadOrders(days)) {
      WorkspaceBuilder b;
      rapport::test::CopyStoreInOrder(g, order, &b);
      const Workspace& ws = b.workspace();
      const int32_t latest = ws.LatestValidOrderDay();
      for (int32_t back : {0, 45, 200, 500}) {
        for (bool forward : {true, false}) {
          const int32_t from = forward ? latest - back : latest, to = forward ? latest : latest - back;
          const FunnelFlow flow = ComputeFunnelFlow(ws, Settings(), from, to);
          Settings at_from, at_to;
          at_from.as_of_day = from;
          at_to.as_of_day = to;
          const FunnelResult f = ComputeFunnel(ws, at_from), t = ComputeFunnel(ws, at_to);
          std::array<std::array<int64_t, kStageCount>, kStageCount> expected{};
          int64_t total = 0;
          for (size_t c = 0; c < ws.customers.size(); ++c) {
            if (f.stage[c] == Stage::kNotCustomer && t.stage[c] == Stage::kNotCustomer) continue;
            ++expected[static_cast<int>(f.stage[c])][static_cast<int>(t.stage[c])];
            ++total;
          }
          CHECK(flow.customers == expected);
          CHECK(flow.total == total);
        }
      }
    }
  }
}

namespace rapport {

TEST_CASE("funnel flow a step at a time: the facts, the later date's stages, then the rest; the one call's reply", "[analysis][funnel][steps]") {
  auto whole = test::EngineWithImport("t.csv", test::DemoTransactions(600, 7));
  auto stepped = test::EngineWithImport("t.csv", test::DemoTransactions(600, 7));
  bool first = true;
  for (const std::string& request : {std::string(R"({"op":"funnel_flow"})"), std::string(R"({"op":"funnel_flow","from":"2023-01-01"})")}) {
    int steps = 0;
    std::string reply;
    for (;;) {
      reply = stepped->CallStep(request);
      ++steps;
      REQUIRE(steps < 100);
      if (reply != R"({"ok":true,"pending":true})") break;
    }
    CHECK(Json::parse(reply)["ok"] == true);
    CHECK(reply == whole->Call(request));
    // The first time: the facts, the stages on `to`, then the rest; another `from`, the same `to`: the stages on
    // `to` are kept, one step.
    CHECK(steps == (first ? 3 : 1));
    first = false;
  }
}

}  // namespace rapport
