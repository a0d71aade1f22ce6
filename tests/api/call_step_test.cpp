// Engine::CallStep: the dashboard's ops a step at a time (core/api/cache.h, "Steps"), as the worker runs them so
// that no op holds it for seconds at a million customers. Whatever runs between the steps, the final reply is
// Call's, byte for byte.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/recommend/build.h"
#include "demo/demo_export.h"

namespace rapport {
namespace {

// The demo store's generator (core/demo): 600 customers, the same on every run and platform.
const std::string kPending = R"({"ok":true,"pending":true})";

// Runs `request` a step at a time, calling `between` after each pending step; returns the final reply.
template <typename Between>
std::string Stepped(Engine* e, const std::string& request, int* steps, Between&& between) {
  *steps = 0;
  for (;;) {
    std::string reply = e->CallStep(request);
    ++*steps;
    REQUIRE(*steps < 100);
    if (reply != kPending) return reply;
    between();
  }
}

// The requests of the dashboard's pages (bench/dashboard_ops_bench.cpp has the same list).
const std::vector<std::string> kRequests = {
    R"({"op":"kpis"})",
    R"({"op":"funnel"})",
    R"({"op":"playbooks","limit":0,"due_before":"+7d"})",
    R"({"op":"segment","rule":"orders >= 2","limit":100})",
    R"({"op":"funnel_flow"})",
    R"({"op":"rfm"})",
    R"({"op":"fit","model":"auto"})",
    R"({"op":"predictions","model":"bgnbd","offset":0,"limit":50,"sort":"clv","desc":true})",
    R"({"op":"products"})",
    R"({"op":"playbooks","limit":50,"due_before":"+7d"})",
    R"({"op":"widget_model","min_pairs":3,"file":false})",
    R"({"op":"customer","id":3})",
};

}  // namespace

TEST_CASE("engine: every dashboard op a step at a time replies as Call does", "[engine][steps]") {
  auto whole = test::DemoEngine();
  auto stepped = test::DemoEngine();
  for (const std::string& request : kRequests) {
    INFO(request);
    int steps = 0;
    const std::string reply = Stepped(stepped.get(), request, &steps, [] {});
    CHECK(reply == whole->Call(request));
    CHECK(reply.compare(0, 10, "{\"ok\":true") == 0);
  }
}

TEST_CASE("engine: the long ops take several steps, and other calls between them change nothing", "[engine][steps]") {
  auto whole = test::DemoEngine();
  auto stepped = test::DemoEngine();
  // The overview's playbooks: the customer facts, the segment columns, the products' repurchase intervals,
  // then the run; the widget's model: its baskets, the weights' validation, then the model.
  for (const std::string request : {R"({"op":"playbooks","limit":0,"due_before":"+7d"})",
                                    R"({"op":"widget_model","min_pairs":3,"file":false})",
                                    R"({"op":"fit","model":"auto"})"}) {
    INFO(request);
    int steps = 0;
    // Between the steps the page on screen asks for its own answers (the customer list, the RFM grid).
    const std::string reply = Stepped(stepped.get(), request, &steps, [&] {
      CHECK(stepped->Call(R"({"op":"rfm"})") == whole->Call(R"({"op":"rfm"})"));
      CHECK(stepped->CallStep(R"({"op":"settings_get"})") == whole->Call(R"({"op":"settings_get"})"));
    });
    CHECK(steps >= 3);
    CHECK(reply == whole->Call(request));
    // Everything is built now: one step.
    CHECK(stepped->CallStep(request) == reply);
  }
}

TEST_CASE("engine: the products and the models' summary build the customer facts in a step of their own", "[engine][steps]") {
  auto whole = test::DemoEngine();
  for (const std::string request : {R"({"op":"products"})", R"({"op":"fit","model":"bgnbd"})"}) {
    INFO(request);
    auto stepped = test::DemoEngine();
    int steps = 0;
    const std::string reply = Stepped(stepped.get(), request, &steps, [] {});
    CHECK(reply == whole->Call(request));
    // The products: the facts, then the analysis. The fit: the facts, the summary's rows, their patterns, the
    // fit's steps, then the run.
    CHECK(steps >= (request.find("products") != std::string::npos ? 2 : 5));
    // With the facts kept (the overview's KPIs built them), the products are one step.
    auto kept = test::DemoEngine();
    Stepped(kept.get(), R"({"op":"kpis"})", &steps, [] {});
    if (request.find("products") != std::string::npos) {
      CHECK(Stepped(kept.get(), request, &steps, [] {}) == reply);
      CHECK(steps == 1);
    }
  }
}

TEST_CASE("engine: RFM's rankings take a step each after the facts, and the analysis is kept for its date", "[engine][steps]") {
  auto whole = test::DemoEngine();
  auto e = test::DemoEngine();
  int steps = 0;
  Stepped(e.get(), R"({"op":"kpis"})", &steps, [] {});  // the facts kept, as the overview leaves them
  const std::string request = R"({"op":"rfm","segment":"Champions","limit":5})";
  const std::string rule = R"({"op":"segment","rule":"rfm_segment = \"Champions\" OR rfm_f >= 4","limit":5})";
  {
    auto alone = test::DemoEngine();
    int alone_steps = 0;
    Stepped(alone.get(), R"({"op":"kpis"})", &alone_steps, [] {});
    CHECK(Stepped(alone.get(), request, &alone_steps, [] {}) == whole->Call(request));
    CHECK(alone_steps == 4);  // the customers and R, F, M, the grid and the segments
  }
  // Between the steps: the segment columns, whose RFM fields read the same build (KeptRfm): it goes on from
  // the op's first step, and the op finds it done at its second.
  int rule_steps = 0;
  const std::string reply = Stepped(e.get(), request, &steps, [&] {
    CHECK(Stepped(e.get(), rule, &rule_steps, [] {}) == whole->Call(rule));
  });
  CHECK(reply == whole->Call(request));
  CHECK(steps == 2);
  // Kept: one step, and outliving a settings change that leaves its date and currency.
  CHECK(Stepped(e.get(), R"({"op":"rfm"})", &steps, [] {}) == whole->Call(R"({"op":"rfm"})"));
  CHECK(steps == 1);
  for (const std::string set : {R"({"op":"settings_set","settings":{"churn_window_days":60}})",
                                R"({"op":"settings_set","settings":{"as_of":"2024-06-30"}})"}) {
    INFO(set);
    REQUIRE(Json::parse(e->Call(set))["ok"] == true);
    REQUIRE(Json::parse(whole->Call(set))["ok"] == true);
    CHECK(Stepped(e.get(), request, &steps, [] {}) == whole->Call(request));
    CHECK(Stepped(e.get(), rule, &steps, [] {}) == whole->Call(rule));
  }
}

TEST_CASE("engine: a settings change between two steps gives the answer for the new settings", "[engine][steps]") {
  auto e = test::DemoEngine();
  const std::string request = R"({"op":"playbooks","limit":20})";
  CHECK(e->CallStep(request) == kPending);
  REQUIRE(Json::parse(e->Call(R"({"op":"settings_set","settings":{"churn_window_days":60}})"))["ok"] == true);
  int steps = 0;
  const std::string reply = Stepped(e.get(), request, &steps, [] {});
  auto fresh = test::DemoEngine();
  REQUIRE(Json::parse(fresh->Call(R"({"op":"settings_set","settings":{"churn_window_days":60}})"))["ok"] == true);
  CHECK(reply == fresh->Call(request));
}

}  // namespace rapport

namespace rapport {

TEST_CASE("engine: the saved segments' list builds no segment columns while none is saved", "[engine][steps]") {
  auto e = test::DemoEngine();
  int steps = 0;
  // None saved: one step, the date of the analysis (the columns' as_of), no columns built for it.
  const Json none = Json::parse(Stepped(e.get(), R"({"op":"segments"})", &steps, [] {}));
  CHECK(steps == 1);
  CHECK(none["result"]["segments"] == Json::array());
  CHECK(none["result"]["as_of"] == Json::parse(e->Call(R"({"op":"rfm"})"))["result"]["as_of"]);
  // A customer list of a rule the facts do not answer still builds the whole columns afterwards.
  CHECK(Stepped(e.get(), R"({"op":"segment","rule":"country = \"US\"","limit":5})", &steps, [] {}).compare(0, 10, "{\"ok\":true") == 0);
  CHECK(steps >= 3);
  // One saved: counted on the columns, as before.
  REQUIRE(Json::parse(e->Call(R"({"op":"segment_save","name":"Repeat","rule":"orders >= 2","created":"2024-01-01"})"))["ok"] == true);
  const Json one = Json::parse(Stepped(e.get(), R"({"op":"segments"})", &steps, [] {}));
  REQUIRE(one["result"]["segments"].size() == 1);
  CHECK(one["result"]["segments"][0]["members"] == Json::parse(e->Call(R"({"op":"segment","rule":"orders >= 2","limit":0})"))["result"]["members"]);
  CHECK(one["result"]["as_of"] == none["result"]["as_of"]);
}

TEST_CASE("widget baskets collected a part at a time: CollectBaskets' whatever the parts", "[engine][steps][widget]") {
  auto engine = test::DemoEngine();
  const Workspace& ws = engine->workspace();
  Settings as_of;
  as_of.as_of_day = ws.LatestValidOrderDay() - 200;
  Settings usd;
  usd.currency = "USD";
  for (const Settings& settings : {Settings(), as_of, usd}) {
    std::vector<ModelProduct> products;
    Baskets baskets;
    const std::string currency = CollectBaskets(ws, settings, &products, &baskets);
    REQUIRE(baskets.size() > 100);
    for (const size_t rows : {size_t{1}, size_t{7}, size_t{1000}}) {
      CAPTURE(settings.as_of_day, settings.currency, rows);
      BasketCollector collector(ws, settings);
      size_t parts = 0;
      for (; !collector.done(); ++parts) collector.Run(rows);
      CHECK(parts == (ws.orders.size() + rows - 1) / rows);
      std::vector<ModelProduct> got_products;
      Baskets got;
      CHECK(collector.Result(&got_products, &got) == currency);
      CHECK(got.customer == baskets.customer);
      CHECK(got.day == baskets.day);
      CHECK(got.begin == baskets.begin);
      CHECK(got.items == baskets.items);
      REQUIRE(got_products.size() == products.size());
      for (size_t p = 0; p < products.size(); ++p) {
        CHECK(got_products[p].id == products[p].id);
        CHECK(got_products[p].price_cents == products[p].price_cents);
      }
    }
  }
}

}  // namespace rapport
