// The `segment` op's "first": a rule that reads only the columns from the customer facts is answered as soon as
// those are built (SegmentContextBuilder::Partial), before the rest of the segment columns; its members and rows
// are the ones the whole columns give, and the build goes on from there for the next request.
#include <catch2/catch.hpp>

#include <string>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/segment/context.h"
#include "core/segment/parser.h"
#include "demo/demo_export.h"

namespace rapport {
namespace {

const std::string kPending = R"({"ok":true,"pending":true})";

std::string Stepped(Engine* e, const std::string& request, int* steps) {
  *steps = 0;
  for (;;) {
    std::string reply = e->CallStep(request);
    ++*steps;
    REQUIRE(*steps < 100);
    if (reply != kPending) return reply;
  }
}

// The reply without "columns_pending" (what the request without "first" replies).
std::string Without(const std::string& reply, bool* pending) {
  Json j = Json::parse(reply);
  REQUIRE(j["result"].contains("columns_pending"));
  *pending = j["result"]["columns_pending"].get<bool>();
  j["result"].erase("columns_pending");
  return j.dump();
}

// The request with "first": true added.
std::string First(const std::string& request) { return request.substr(0, request.size() - 1) + R"(,"first":true})"; }

}  // namespace

TEST_CASE("segment first: rules of the facts' columns answer before the other columns, with the same reply", "[segment][steps]") {
  auto whole = test::DemoEngine();
  for (const std::string request : {
           R"j({"op":"segment","rule":"orders >= 2","limit":100})j",
           R"j({"op":"segment","rule":"orders >= 2","limit":100,"offset":100,"sort":"net_spend","desc":true})j",
           R"j({"op":"segment","rule":"net_spend > 100 AND NOT ordered_since(-90d)","limit":20,"ids":true})j",
           R"j({"op":"segment","rule":"days_since_last_order < 200 OR aov >= 50 BUT NOT ordered_between(2024-01-01, 2024-06-30)","limit":5,"sort":"last_order_date"})j",
           R"j({"op":"segment","rule":"first_order_date >= 2024-01-01 AND days_since_first_order > 30","limit":5,"sort":"email"})j"}) {
    INFO(request);
    auto stepped = test::DemoEngine();
    int first_steps = 0, steps = 0;
    bool pending = false;
    const std::string early = Without(Stepped(stepped.get(), First(request), &first_steps), &pending);
    CHECK(pending);
    CHECK(early == whole->Call(request));
    // The rest of the columns are built by the next request that needs them, going on from the partial build.
    CHECK(Stepped(stepped.get(), R"j({"op":"segment","rule":"stage = \"new\"","limit":3})j", &steps) ==
          whole->Call(R"j({"op":"segment","rule":"stage = \"new\"","limit":3})j"));
    CHECK(steps >= 2);
    // Now the whole columns are kept: "first" finds nothing pending.
    CHECK(Without(Stepped(stepped.get(), First(request), &steps), &pending) == early);
    CHECK_FALSE(pending);
    CHECK(steps == 1);
  }
}

TEST_CASE("segment first: fewer steps than the whole columns take", "[segment][steps]") {
  const std::string request = R"j({"op":"segment","rule":"orders >= 2","limit":100})j";
  auto a = test::DemoEngine();
  auto b = test::DemoEngine();
  int first_steps = 0, whole_steps = 0;
  Stepped(a.get(), First(request), &first_steps);
  Stepped(b.get(), request, &whole_steps);
  CHECK(first_steps < whole_steps);
}

TEST_CASE("segment first: a rule that needs the other columns waits for them", "[segment][steps]") {
  auto whole = test::DemoEngine();
  for (const std::string request : {R"j({"op":"segment","rule":"stage = \"loyal\" AND orders >= 2","limit":10})j",
                                    R"j({"op":"segment","rule":"bought(\"a\") OR orders > 3","limit":10})j",
                                    R"j({"op":"segment","rule":"orders >= 2","limit":10,"history":3})j"}) {
    INFO(request);
    auto stepped = test::DemoEngine();
    int steps = 0;
    bool pending = true;
    CHECK(Without(Stepped(stepped.get(), First(request), &steps), &pending) == whole->Call(request));
    CHECK_FALSE(pending);
  }
}

TEST_CASE("segment first: which rules the facts' columns suffice for", "[segment]") {
  auto suffice = [](const char* text) {
    Rule rule;
    RuleError error;
    REQUIRE(ParseRule(text, &rule, &error));
    return FactsColumnsSuffice(*rule.root);
  };
  CHECK(suffice("orders >= 2"));
  CHECK(suffice("NOT (net_spend < 10 OR aov BETWEEN 1 AND 5)"));
  CHECK(suffice("last_order_date >= -90d BUT NOT ordered_since(-30d)"));
  CHECK_FALSE(suffice("orders >= 2 AND country = \"FR\""));
  CHECK_FALSE(suffice("rfm_segment = \"champions\""));
  CHECK_FALSE(suffice("p_alive > 0.5"));
  CHECK_FALSE(suffice("in_segment(\"VIP\")"));
  CHECK_FALSE(suffice("reviewed()"));
}

}  // namespace rapport

namespace rapport {

TEST_CASE("playbooks describe: each playbook's rule and timing before the run, as the run gives them", "[segment][steps]") {
  auto whole = test::DemoEngine();
  for (const std::string& options :
       {std::string(), std::string(R"j(,"options":{"priority":["winback","loyalty_upgrade","cross_sell"],"tiers":[{"name":"Gold","min_spend":250}],"recovery_days":10})j")}) {
    INFO(options);
    const Json run = Json::parse(whole->Call(R"j({"op":"playbooks","limit":0)j" + options + "}"));
    REQUIRE(run["ok"] == true);
    auto fresh = test::DemoEngine();
    // One step on an engine that has built nothing: no segment columns, no run.
    const std::string reply = fresh->CallStep(R"j({"op":"playbooks","describe":true)j" + options + "}");
    const Json described = Json::parse(reply);
    REQUIRE(described["ok"] == true);
    const Json& d = described["result"];
    CHECK(d["describe"] == true);
    CHECK(d["as_of"] == run["result"]["as_of"]);
    CHECK(d["currency"] == run["result"]["currency"]);
    CHECK(d["options"] == run["result"]["options"]);
    REQUIRE(d["playbooks"].size() == run["result"]["playbooks"].size());
    for (size_t i = 0; i < d["playbooks"].size(); ++i) {
      for (const char* key : {"playbook", "title", "rule", "timing"}) CHECK(d["playbooks"][i][key] == run["result"]["playbooks"][i][key]);
      CHECK_FALSE(d["playbooks"][i].contains("assigned"));
    }
  }
}

}  // namespace rapport
