// The `products` op's "part": "replenishment": the repurchase intervals alone, a step at a time, the same rows
// as the whole analysis's (the Products page's first table, before the pairs and journeys).
#include <catch2/catch.hpp>

#include <string>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "demo/demo_export.h"

namespace rapport {
namespace {

std::string Stepped(Engine* e, const std::string& request, int* steps) {
  *steps = 0;
  for (;;) {
    std::string reply = e->CallStep(request);
    ++*steps;
    REQUIRE(*steps < 100);
    if (reply != R"({"ok":true,"pending":true})") return reply;
  }
}

}  // namespace

TEST_CASE("products part replenishment: the whole reply's intervals, a step at a time", "[engine][steps][products]") {
  auto whole = test::DemoEngine();
  for (const std::string& options : {std::string(), std::string(R"(,"min_intervals":3,"top":4)")}) {
    INFO(options);
    const Json all = Json::parse(whole->Call(R"({"op":"products")" + options + "}"));
    REQUIRE(all["ok"] == true);
    REQUIRE(!all["result"]["replenishment"].empty());
    auto stepped = test::DemoEngine();
    int steps = 0;
    const std::string request = R"({"op":"products","part":"replenishment")" + options + "}";
    const Json part = Json::parse(Stepped(stepped.get(), request, &steps));
    REQUIRE(part["ok"] == true);
    CHECK(part["result"]["replenishment"] == all["result"]["replenishment"]);
    CHECK(part["result"]["as_of"] == all["result"]["as_of"]);
    CHECK(part["result"]["currency"] == all["result"]["currency"]);
    CHECK(part["result"]["part"] == "replenishment");
    CHECK(steps >= 2);  // the customer facts, then the intervals
    // Called in one go (the CLI's rapport call), the same reply.
    CHECK(Json::parse(whole->Call(request)) == part);
    // Then the whole analysis replies as it does alone.
    CHECK(Stepped(stepped.get(), R"({"op":"products")" + options + "}", &steps) == whole->Call(R"({"op":"products")" + options + "}"));
  }
  CHECK(Json::parse(whole->Call(R"({"op":"products","part":"pairs"})"))["ok"] == false);
}

TEST_CASE("products part first_product: the whole reply's first products and journeys, in a step after the facts", "[engine][steps][products]") {
  auto whole = test::DemoEngine();
  for (const std::string& options : {std::string(), std::string(R"(,"top_journeys":3,"top":4)")}) {
    INFO(options);
    const Json all = Json::parse(whole->Call(R"({"op":"products")" + options + "}"));
    REQUIRE(all["ok"] == true);
    REQUIRE(all["result"]["first_product"].size() > 2);
    REQUIRE(all["result"]["journeys"].size() > 2);
    auto stepped = test::DemoEngine();
    int steps = 0;
    const std::string request = R"({"op":"products","part":"first_product")" + options + "}";
    const Json part = Json::parse(Stepped(stepped.get(), request, &steps));
    REQUIRE(part["ok"] == true);
    CHECK(part["result"]["first_product"] == all["result"]["first_product"]);
    CHECK(part["result"]["journeys"] == all["result"]["journeys"]);
    CHECK(part["result"]["as_of"] == all["result"]["as_of"]);
    CHECK(part["result"]["currency"] == all["result"]["currency"]);
    CHECK(part["result"]["part"] == "first_product");
    CHECK(steps >= 2);  // the customer facts, then the first products
    // Again, the facts kept: one step.
    CHECK(Json::parse(Stepped(stepped.get(), request, &steps)) == part);
    CHECK(steps == 1);
    // Called in one go (the CLI's rapport call), the same reply.
    CHECK(Json::parse(whole->Call(request)) == part);
    // Then the intervals and the whole analysis reply as they do alone.
    const std::string intervals = R"({"op":"products","part":"replenishment")" + options + "}";
    CHECK(Stepped(stepped.get(), intervals, &steps) == whole->Call(intervals));
    CHECK(Stepped(stepped.get(), R"({"op":"products")" + options + "}", &steps) == whole->Call(R"({"op":"products")" + options + "}"));
  }
}

}  // namespace rapport

namespace rapport {

TEST_CASE("products part replenishment: the intervals are kept for the playbooks, and the playbooks' for it", "[engine][steps][products]") {
  auto whole = test::DemoEngine();
  const std::string part = R"({"op":"products","part":"replenishment","min_intervals":2})";
  const std::string playbooks = R"({"op":"playbooks","limit":20,"due_before":"+7d"})";
  const std::string custom = R"({"op":"playbooks","limit":20,"options":{"replenish_min_repeats":2}})";
  int steps = 0, alone = 0;
  {
    // The intervals first, then two playbooks runs of other minimums: the same replies as alone.
    auto e = test::DemoEngine();
    CHECK(Stepped(e.get(), part, &alone) == whole->Call(part));
    CHECK(Stepped(e.get(), playbooks, &steps) == whole->Call(playbooks));
    CHECK(Stepped(e.get(), custom, &steps) == whole->Call(custom));
  }
  {
    // The playbooks first: the part then reads the intervals they left (one step).
    auto e = test::DemoEngine();
    CHECK(Stepped(e.get(), playbooks, &steps) == whole->Call(playbooks));
    CHECK(Stepped(e.get(), part, &steps) == whole->Call(part));
    CHECK(steps == 1);
    CHECK(alone >= 2);  // alone: the facts, then the intervals
  }
}

}  // namespace rapport

namespace rapport {

TEST_CASE("products part replenishment: the intervals outlast the model fits' entries while their facts are kept", "[engine][steps][products]") {
  auto whole = test::DemoEngine();
  auto e = test::DemoEngine();
  const std::string part = R"({"op":"products","part":"replenishment"})";
  int steps = 0, fit_steps = 0;
  CHECK(Stepped(e.get(), part, &steps) == whole->Call(part));
  CHECK(steps >= 2);  // the facts, then the intervals
  // The Predictions page's requests: the three fits' parts and more, more entries than the cache holds.
  for (const std::string request : {R"({"op":"fit","model":"auto"})", R"({"op":"validation","model":"bgnbd"})",
                                    R"({"op":"predictions","model":"bgnbd","limit":50})", R"({"op":"fit","model":"pnbd"})"}) {
    CHECK(Stepped(e.get(), request, &steps) == whole->Call(request));
    fit_steps += steps;
  }
  CHECK(fit_steps > 24);
  // The intervals are still kept: one step, no build.
  CHECK(Stepped(e.get(), part, &steps) == whole->Call(part));
  CHECK(steps == 1);
}

}  // namespace rapport
