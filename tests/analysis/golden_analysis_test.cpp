// The analyses on the real reference files, against numbers derived independently by
// tests/golden/analysis/derive.py (README.md there). CDNOW master goes through the engine's import path;
// the Kaggle groceries file is read by a tiny parser here, because its baskets are (member, date) pairs and the
// generic importer makes one order per row.
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "analysis/workspace_builder.h"
#include "core/analysis/cohorts/cohorts.h"
#include "core/analysis/funnel/funnel.h"
#include "core/analysis/products/products.h"
#include "core/analysis/rfm/rfm.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "test_data.h"

using namespace rapport;

namespace {

Json Golden(const std::string& name) {
  return Json::parse(test::ReadAll(test::SourcePath("tests/golden/analysis/" + name)));
}

std::unique_ptr<Engine> ImportInto(const std::string& path) {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  const std::string bytes = test::ReadAll(path);
  REQUIRE((*engine)->BeginImport(path.substr(path.rfind('/') + 1), ImportOptions(), bytes.size(), "2026-11-23T00:00:00Z").ok());
  for (size_t at = 0; at < bytes.size(); at += 1 << 20) {
    REQUIRE((*engine)->ImportChunk(std::string_view(bytes).substr(at, 1 << 20)).ok());
  }
  auto record = (*engine)->FinishImport();
  REQUIRE(record.ok());
  return std::move(*engine);
}

int StageIndex(const std::string& name) {
  for (int s = 1; s < kStageCount; ++s) {
    if (name == StageName(static_cast<Stage>(s))) return s;
  }
  return -1;
}

void CheckFunnel(const FunnelResult& r, const Json& g) {
  CHECK(r.store_median_interval_days == g["store_median_interval_days"].get<double>());
  for (const FunnelStageRow& row : r.stages) {
    INFO("stage " << StageName(row.stage));
    CHECK(row.customers == g["stages"][StageName(row.stage)].get<int64_t>());
  }
  (void)StageIndex;
}

void CheckRfm(const Workspace& ws, const RfmResult& rfm, const Json& gr) {
  CHECK(rfm.customers == gr["customers"].get<int64_t>());
  for (int r = 0; r < 5; ++r) {
    for (int fm = 0; fm < 5; ++fm) {
      INFO("grid R" << r + 1 << " FM" << fm + 1);
      CHECK(rfm.grid[r][fm] == gr["grid"][r][fm].get<int64_t>());
    }
  }
  REQUIRE(rfm.segments.size() == 11);
  for (size_t s = 0; s < 11; ++s) {
    const Json& gs = gr["segments"][s];
    INFO("segment " << gs["segment"].get<std::string>());
    CHECK(RfmSegmentName(rfm.segments[s].segment) == gs["segment"].get<std::string>());
    CHECK(rfm.segments[s].customers == gs["customers"].get<int64_t>());
    CHECK(rfm.segments[s].net_cents == gs["net_cents"].get<int64_t>());
    CHECK(rfm.segments[s].median_recency_days == gs["median_recency_days"].get<double>());
    CHECK(rfm.segments[s].median_frequency == gs["median_frequency"].get<double>());
  }
  for (auto it = gr["sample_scores"].begin(); it != gr["sample_scores"].end(); ++it) {
    const auto found = ws.customer_alias.find(it.key());
    REQUIRE(found != ws.customer_alias.end());
    const uint32_t c = found->second;
    INFO("customer " << it.key());
    CHECK(int(rfm.r[c]) == (*it)[0].get<int>());
    CHECK(int(rfm.f[c]) == (*it)[1].get<int>());
    CHECK(int(rfm.m[c]) == (*it)[2].get<int>());
    CHECK(RfmSegmentName(rfm.segment[c]) == (*it)[3].get<std::string>());
  }
}

void CheckCohorts(const std::vector<Cohort>& rows, const Json& g) {
  REQUIRE(rows.size() == g.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Json& gc = g[i];
    INFO("cohort " << gc["month"].get<std::string>());
    CHECK(rows[i].customers == gc["customers"].get<int64_t>());
    CHECK(rows[i].active == gc["active"].get<std::vector<int64_t>>());
    CHECK(rows[i].net_cents == gc["net_cents"].get<std::vector<int64_t>>());
    CHECK(rows[i].retention[0] == 1.0);
  }
}

}  // namespace

TEST_CASE("golden: Enavant (Shopify) cohorts by source, RFM and funnel", "[analysis][golden]") {
  const std::string path = test::SharedData("shopify_enavant_orders_export_1.csv");
  if (path.empty()) return;
  const Json g = Golden("shopify_enavant.json");
  auto engine = ImportInto(path);
  const Workspace& ws = engine->workspace();
  Settings settings;
  REQUIRE(FormatDay(ws.LatestValidOrderDay()) == g["as_of"].get<std::string>());
  const CohortResult all = ComputeCohorts(ws, settings);
  REQUIRE(all.groups.size() == 1);
  CHECK(all.customers == g["customers"].get<int64_t>());
  CheckCohorts(all.groups[0].cohorts, g["cohorts"]);
  CohortOptions by_source;
  by_source.by = CohortBy::kSource;
  const CohortResult grouped = ComputeCohorts(ws, settings, by_source);
  CHECK(grouped.groups.size() == g["cohorts_by_source"].size());
  for (const CohortGroup& group : grouped.groups) {
    INFO("source " << group.label);
    REQUIRE(g["cohorts_by_source"].contains(group.label));
    CheckCohorts(group.cohorts, g["cohorts_by_source"][group.label]);
  }
  CheckRfm(ws, ComputeRfm(ws, settings), g["rfm"]);
  CheckFunnel(ComputeFunnel(ws, settings), g["funnel"]);
}

TEST_CASE("golden: CDNOW master cohorts, RFM and funnel", "[analysis][golden]") {
  const std::string path = test::SharedData("lifetimes_CDNOW_master.txt");
  if (path.empty()) return;
  const Json g = Golden("cdnow_master.json");
  auto engine = ImportInto(path);
  const Workspace& ws = engine->workspace();
  Settings settings;
  REQUIRE(FormatDay(ws.LatestValidOrderDay()) == g["as_of"].get<std::string>());

  const CohortResult cohorts = ComputeCohorts(ws, settings);
  REQUIRE(cohorts.groups.size() == 1);
  CheckCohorts(cohorts.groups[0].cohorts, g["cohorts"]);

  CheckRfm(ws, ComputeRfm(ws, settings), g["rfm"]);

  CheckFunnel(ComputeFunnel(ws, settings), g["funnel"]);
  Settings earlier;
  earlier.as_of_day = ParseIsoDay(g["funnel_at"]["as_of"].get<std::string>());
  CheckFunnel(ComputeFunnel(ws, earlier), g["funnel_at"]);
}

TEST_CASE("golden: Kaggle groceries replenishment, first product, journeys, bought together", "[analysis][golden]") {
  const std::string path = test::SharedData("kaggle_Groceries_dataset.csv");
  if (path.empty()) return;
  const Json g = Golden("kaggle_groceries.json");
  // Tiny parser: Member_number,Date(DD-MM-YYYY),itemDescription; one order per (member, date), lines in file order.
  std::istringstream in(test::ReadAll(path));
  std::string line;
  std::getline(in, line);
  std::map<std::string, uint32_t> product_of, customer_of;
  std::map<std::pair<uint32_t, int32_t>, size_t> basket_of;
  std::vector<std::pair<uint32_t, int32_t>> basket_key;
  std::vector<std::vector<uint32_t>> basket_items;
  test::WorkspaceBuilder b;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    const std::string member = line.substr(0, c1), date = line.substr(c1 + 1, c2 - c1 - 1), item = line.substr(c2 + 1);
    const int32_t day = DaysFromCivil(std::stoi(date.substr(6, 4)), std::stoi(date.substr(3, 2)), std::stoi(date.substr(0, 2)));
    auto p = product_of.find(item);
    if (p == product_of.end()) p = product_of.emplace(item, b.Product(item)).first;
    auto cu = customer_of.find(member);
    if (cu == customer_of.end()) cu = customer_of.emplace(member, b.Customer("", member)).first;
    auto key = std::make_pair(cu->second, day);
    auto bk = basket_of.find(key);
    if (bk == basket_of.end()) {
      bk = basket_of.emplace(key, basket_key.size()).first;
      basket_key.push_back(key);
      basket_items.emplace_back();
    }
    basket_items[bk->second].push_back(p->second);
  }
  for (size_t i = 0; i < basket_key.size(); ++i) {
    std::vector<std::pair<uint32_t, int32_t>> lines;
    for (uint32_t p : basket_items[i]) lines.push_back({p, 1});
    b.OrderOnDay(basket_key[i].first, basket_key[i].second, 0, lines);
  }
  const Workspace& ws = b.workspace();
  const ProductResult r = ComputeProducts(ws, Settings());
  auto title = [&](uint32_t p) { return ws.products.title[p]; };
  CHECK(FormatDay(r.as_of_day) == g["as_of"].get<std::string>());
  CHECK(r.baskets == g["baskets"].get<int64_t>());
  CHECK(ws.products.size() == g["products"].get<size_t>());

  CHECK(r.replenishment.size() == g["replenishment_products"].get<size_t>());
  for (size_t i = 0; i < g["replenishment_top"].size(); ++i) {
    const Json& x = g["replenishment_top"][i];
    INFO("replenishment " << i << " " << x["product"].get<std::string>());
    CHECK(title(r.replenishment[i].product) == x["product"].get<std::string>());
    CHECK(r.replenishment[i].intervals == x["intervals"].get<int64_t>());
    CHECK(r.replenishment[i].customers == x["customers"].get<int64_t>());
    CHECK(r.replenishment[i].q1_days == Approx(x["q1_days"].get<double>()));
    CHECK(r.replenishment[i].median_days == Approx(x["median_days"].get<double>()));
    CHECK(r.replenishment[i].q3_days == Approx(x["q3_days"].get<double>()));
  }
  for (size_t i = 0; i < g["first_product_top"].size(); ++i) {
    const Json& x = g["first_product_top"][i];
    INFO("first product " << i << " " << x["product"].get<std::string>());
    CHECK(title(r.first_product[i].product) == x["product"].get<std::string>());
    CHECK(r.first_product[i].customers == x["customers"].get<int64_t>());
    CHECK(r.first_product[i].repeat_customers == x["repeat_customers"].get<int64_t>());
  }
  REQUIRE(r.journeys.size() == g["journeys"].size());
  for (size_t i = 0; i < r.journeys.size(); ++i) {
    const Json& x = g["journeys"][i];
    INFO("journey " << i);
    CHECK(title(r.journeys[i].first_product) == x["first"].get<std::string>());
    CHECK(title(r.journeys[i].next_product) == x["next"].get<std::string>());
    CHECK(r.journeys[i].customers == x["customers"].get<int64_t>());
    CHECK(r.journeys[i].share_of_first == Approx(x["share_of_first"].get<double>()));
  }
  REQUIRE(r.bought_together.size() == g["bought_together"].size());
  for (size_t i = 0; i < r.bought_together.size(); ++i) {
    const Json& x = g["bought_together"][i];
    const BoughtTogetherRow& row = r.bought_together[i];
    INFO("pair " << i);
    CHECK(title(row.product_a) == x["a"].get<std::string>());
    CHECK(title(row.product_b) == x["b"].get<std::string>());
    CHECK(row.count == x["count"].get<int64_t>());
    CHECK(row.lift == Approx(x["lift"].get<double>()).epsilon(1e-12));
    CHECK(row.support == Approx(x["support"].get<double>()));
    CHECK(row.confidence_a_to_b == Approx(x["confidence_a_to_b"].get<double>()));
    CHECK(row.confidence_b_to_a == Approx(x["confidence_b_to_a"].get<double>()));
  }
}
