// The model ops through Engine::Call on the CDNOW sample imported as a workspace: the same numbers as the
// published values with exact times (CLVTools' −9582.429 and −4055.9177), and clear errors.
#include <catch2/catch.hpp>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "test_data.h"

using namespace rapport;
using Catch::Matchers::WithinAbs;

namespace {

Json CallOk(Engine* e, const Json& request) {
  Json reply = Json::parse(e->Call(Dump(request)));
  INFO(Dump(reply).substr(0, 2000));
  REQUIRE(reply["ok"] == true);
  return reply["result"];
}

Json CallError(Engine* e, const Json& request) {
  Json reply = Json::parse(e->Call(Dump(request)));
  INFO(Dump(reply).substr(0, 2000));
  REQUIRE(reply["ok"] == false);
  return reply["error"];
}

}  // namespace

TEST_CASE("Model ops: summary, fit, predictions and validation on the imported CDNOW sample", "[model][ops]") {
  const std::string path = test::SharedData("lifetimes_CDNOW_sample.txt");
  if (path.empty()) return;
  const std::string bytes = test::ReadAll(path);
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(e->BeginImport("lifetimes_CDNOW_sample.txt", {}, bytes.size(), "2026-01-01T00:00:00Z").ok());
  REQUIRE(e->ImportChunk(bytes).ok());
  auto record = e->FinishImport();
  REQUIRE(record.ok());
  REQUIRE(record->orders_added == 6919);

  const Json summary = CallOk(e, {{"op", "summary"}, {"calibration_end", "1997-09-30"}});
  CHECK(summary["customers"] == 2357);
  CHECK(summary["patterns"] == 1016);
  CHECK(summary["holdout_purchases"] == 1882);
  CHECK(summary["holdout_length"] == 39);
  CHECK(summary["unit"] == "week");

  const Json fit = CallOk(e, {{"op", "fit"}, {"model", "bgnbd"}, {"as_of", "1997-09-30"}});
  CHECK_THAT(fit["fit"]["log_likelihood"].get<double>(), WithinAbs(-9582.429, 1e-3));
  CHECK_THAT(fit["fit"]["params"]["r"].get<double>(), WithinAbs(0.2425945, 1e-5));
  CHECK_THAT(fit["spend"]["log_likelihood"].get<double>(), WithinAbs(-4055.9177, 1e-4));
  CHECK(fit["fit"]["param_names"] == Json({"r", "alpha", "a", "b"}));

  const Json all = CallOk(e, {{"op", "fit"}, {"as_of", "1997-09-30"}});
  CHECK(all["comparison"].size() == 3);
  CHECK(all["best"] == all["fit"]["model"]);

  const Json pred = CallOk(e, {{"op", "predictions"}, {"model", "bgnbd"}, {"as_of", "1997-09-30"}, {"format", "columns"}});
  REQUIRE(pred["columns"]["p_alive"].size() == 2357);
  CHECK_THAT(pred["columns"]["p_alive"][0].get<double>(), WithinAbs(0.7266, 1e-3));  // customer 1: 2, 30.43, 38.86
  CHECK(pred["columns"]["risk"][2] == "unrated");
  CHECK(pred["columns"]["id"][0] == 0);
  const Json rows = CallOk(e, {{"op", "predictions"}, {"model", "pnbd"}, {"format", "rows"}});
  REQUIRE(rows["rows"].size() == 2357);
  CHECK(rows["rows"][0].contains("next_order_date"));

  const Json v = CallOk(e, {{"op", "validation"}, {"model", "bgnbd"}, {"calibration_end", "1997-09-30"}});
  CHECK(v["actual"] == 1882);
  CHECK_THAT(v["predicted"].get<double>(), WithinAbs(1653.4, 0.1));
  CHECK(v["by_frequency"].size() == 8);
  CHECK(v["tracking"]["week_end"].size() == 78);

  CHECK(CallError(e, {{"op", "fit"}, {"unit", "fortnight"}})["code"] == "invalid_argument");
  CHECK(CallError(e, {{"op", "fit"}, {"model", "nope"}})["code"] == "invalid_argument");
  CHECK(CallError(e, {{"op", "validation"}, {"calibration_end", "1999-01-01"}})["code"] == "invalid_argument");
  // On the first day only one purchase per customer exists: no repeat purchases.
  CHECK(CallError(e, {{"op", "fit"}, {"model", "bgnbd"}, {"as_of", "1997-01-01"}})["code"] == "insufficient_data");
}

TEST_CASE("Model ops: an empty workspace is insufficient data", "[model][ops]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  CHECK(CallError(engine->get(), {{"op", "fit"}})["code"] == "insufficient_data");
  CHECK(CallError(engine->get(), {{"op", "summary"}})["code"] == "insufficient_data");
}
