// The engine's KPIs for every reference export equal tests/golden/kpis/<file>.json (whose numbers
// tests/golden/kpis/derive_kpis.py derives independently; see the README there).
#include <catch2/catch.hpp>

#include "test_data.h"
#include "core/api/engine.h"
#include "core/api/json.h"

namespace rapport {
namespace {

Json EngineKpis(const std::string& path) {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  const std::string bytes = test::ReadAll(path);
  REQUIRE((*engine)->BeginImport(path, {}, bytes.size(), "2026-01-01T00:00:00Z").ok());
  constexpr size_t kChunk = 4u << 20;
  for (size_t at = 0; at < bytes.size(); at += kChunk) {
    REQUIRE((*engine)->ImportChunk(std::string_view(bytes).substr(at, kChunk)).ok());
  }
  auto record = (*engine)->FinishImport();
  REQUIRE(record.ok());
  Json reply = Json::parse((*engine)->Call(R"({"op":"kpis"})"));
  REQUIRE(reply["ok"] == true);
  return reply["result"];
}

TEST_CASE("golden KPIs of the reference exports", "[kpi][golden]") {
  const char* const files[] = {
      "shopify_alphapaw_orders_export_1.csv", "shopify_enavant_orders_export_1.csv",
      "shopify_maisonmaria_orders_export_1.csv", "shopify_stacksbd_orders_export_21.csv",
      "lifetimes_CDNOW_master.txt", "lifetimes_CDNOW_sample.txt", "kaggle_Groceries_dataset.csv"};
  for (const char* name : files) {
    SECTION(name) {
      const std::string path = test::SharedData(name);
      if (path.empty()) return;
      std::string stem = name;
      stem = stem.substr(0, stem.rfind('.'));
      const std::string golden_text = test::ReadAll(test::SourcePath("tests/golden/kpis/" + stem + ".json"));
      REQUIRE_FALSE(golden_text.empty());
      const Json golden = Json::parse(golden_text);
      const Json actual = EngineKpis(path);
      INFO("diff: " << Json::diff(golden, actual).dump());
      CHECK(actual == golden);
    }
  }
}

}  // namespace
}  // namespace rapport
