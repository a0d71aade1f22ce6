// The engine's large-workspace paths used by the dashboard at a million customers: the "predictions" table
// one sorted page at a time (offset/limit/sort), the model runs kept between ops, and opening an image
// without a copy (OpenOwnedImage, ImageView).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "demo/demo_export.h"
#include "core/workspace/store.h"
#include "sqlite3.h"

namespace rapport {
namespace {

// The demo store's generator (core/demo, purchases drawn from BG/NBD with seed 7): 600 customers, so every
// model is identified and the figures are the same on every run and platform.
Json Ok(Engine* e, const std::string& request) {
  Json reply = Json::parse(e->Call(request));
  INFO(reply.dump().substr(0, 400));
  REQUIRE(reply["ok"] == true);
  return reply["result"];
}

TEST_CASE("predictions: a sorted page equals the same rows of the whole table sorted here", "[engine][models]") {
  auto e = test::DemoEngine();
  const Json all = Ok(e.get(), R"({"op":"predictions","model":"bgnbd","format":"rows"})");
  const Json& rows = all["rows"];
  REQUIRE(rows.size() == all["customers"].get<size_t>());
  REQUIRE(rows.size() > 100);

  // The expected order, derived independently: by p_alive descending, ties in the table's own order.
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rows[a]["p_alive"].get<double>() > rows[b]["p_alive"].get<double>();
  });
  const Json page = Ok(e.get(), R"({"op":"predictions","model":"bgnbd","offset":30,"limit":25,"sort":"p_alive"})");
  CHECK(page["offset"] == 30);
  CHECK(page["page_rows"] == 25);
  CHECK(page["sort"] == "p_alive");
  CHECK(page["desc"] == true);
  CHECK(page["customers"] == all["customers"]);
  REQUIRE(page["columns"]["id"].size() == 25);
  for (size_t j = 0; j < 25; ++j) {
    const Json& want = rows[order[30 + j]];
    CHECK(page["columns"]["id"][j] == want["id"]);
    CHECK(page["columns"]["p_alive"][j] == want["p_alive"]);
    CHECK(page["columns"]["clv"][j] == want["clv"]);
  }
  // Ascending by repeat orders: non-decreasing x.
  const Json asc = Ok(e.get(), R"({"op":"predictions","model":"bgnbd","offset":0,"limit":600,"sort":"x","desc":false})");
  const Json& x = asc["columns"]["x"];
  for (size_t j = 1; j < x.size(); ++j) CHECK(x[j - 1].get<double>() <= x[j].get<double>());

  // Risk counts cover every customer and agree with the rows.
  size_t counted = 0, high = 0;
  for (const auto& [band, n] : page["risk_counts"].items()) counted += n.get<size_t>();
  for (const Json& r : rows) high += r["risk"] == "high";
  CHECK(counted == rows.size());
  CHECK(page["risk_counts"]["high"] == high);

  // The last page is short; past the end is empty.
  const size_t n = rows.size();
  const Json tail = Ok(e.get(), R"({"op":"predictions","model":"bgnbd","offset":)" + std::to_string(n - 3) + R"(,"limit":10})");
  CHECK(tail["page_rows"] == 3);
  const Json past = Ok(e.get(), R"({"op":"predictions","model":"bgnbd","offset":)" + std::to_string(n + 5) + R"(,"limit":10})");
  CHECK(past["page_rows"] == 0);

  Json bad = Json::parse(e->Call(R"({"op":"predictions","limit":10,"sort":"shoe_size"})"));
  CHECK(bad["ok"] == false);
  CHECK(bad["error"]["message"].get<std::string>().find("`sort`") != std::string::npos);
}

TEST_CASE("predictions: fit, predictions and a settings change agree with a fresh engine", "[engine][models]") {
  auto e = test::DemoEngine();
  const Json fit = Ok(e.get(), R"({"op":"fit"})");
  const Json page = Ok(e.get(), R"({"op":"predictions","offset":0,"limit":5})");
  CHECK(page["model"]["model"] == fit["best"]);
  CHECK(page["model"]["params"] == fit["fit"]["params"]);
  // After a settings change the kept runs are dropped: the answer is the one a fresh engine gives.
  Ok(e.get(), R"({"op":"settings_set","settings":{"model_unit":"day"}})");
  const Json after = Ok(e.get(), R"({"op":"fit"})");
  CHECK(after["unit"] == "day");
  auto fresh = test::DemoEngine();
  Ok(fresh.get(), R"({"op":"settings_set","settings":{"model_unit":"day"}})");
  CHECK(Ok(fresh.get(), R"({"op":"fit"})") == after);
}

TEST_CASE("engine: customer facts are shared by the ops and outlive a settings change, answers as a fresh engine's", "[engine]") {
  auto e = test::DemoEngine();
  // The KPIs, funnel and flow read one build of the facts per (as_of, currency); a settings change keeps it
  // (the facts depend on neither the churn window nor any other setting) and the answers are still exactly
  // those of an engine that never kept anything.
  const Json kpis = Ok(e.get(), R"({"op":"kpis"})");
  const Json funnel = Ok(e.get(), R"({"op":"funnel"})");
  Ok(e.get(), R"({"op":"funnel_flow"})");
  Ok(e.get(), R"({"op":"settings_set","settings":{"churn_window_days":60}})");
  const Json kpis_after = Ok(e.get(), R"({"op":"kpis"})");
  const Json funnel_after = Ok(e.get(), R"({"op":"funnel"})");
  const Json flow_after = Ok(e.get(), R"({"op":"funnel_flow"})");
  CHECK(kpis_after == kpis);  // the KPIs do not read the churn window
  CHECK(funnel_after["settings"]["churn_window_days"] == 60);
  CHECK(funnel_after["stages"] != funnel["stages"]);  // a shorter window lapses more customers
  auto fresh = test::DemoEngine();
  Ok(fresh.get(), R"({"op":"settings_set","settings":{"churn_window_days":60}})");
  CHECK(Ok(fresh.get(), R"({"op":"funnel"})") == funnel_after);
  CHECK(Ok(fresh.get(), R"({"op":"funnel_flow"})") == flow_after);
  CHECK(Ok(fresh.get(), R"({"op":"kpis"})") == kpis_after);
  // RFM and products read the same kept facts (built above by the KPIs): the answers of a fresh engine.
  CHECK(Ok(e.get(), R"({"op":"rfm"})") == Ok(fresh.get(), R"({"op":"rfm"})"));
  CHECK(Ok(e.get(), R"({"op":"products"})") == Ok(fresh.get(), R"({"op":"products"})"));
  // An as_of of its own is a build of its own, the same as a fresh engine's.
  const Json earlier = Ok(e.get(), R"({"op":"kpis","as_of":"2025-06-30"})");
  CHECK(Ok(fresh.get(), R"({"op":"kpis","as_of":"2025-06-30"})") == earlier);
}

TEST_CASE("engine: an image opened without a copy, and viewed without one", "[engine]") {
  auto e = test::DemoEngine();
  auto image = e->SerializeImage();
  REQUIRE(image.ok());
  CHECK(e->ImageView().empty());  // OpenMemory is not held as one image: Serialize is the way then

  unsigned char* buffer = Store::AllocImageBuffer(image->size());
  REQUIRE(buffer);
  std::memcpy(buffer, image->data(), image->size());
  auto owned = Engine::OpenOwnedImage(buffer, image->size());
  REQUIRE(owned.ok());
  CHECK((*owned)->Call(R"({"op":"kpis"})") == e->Call(R"({"op":"kpis"})"));
  // The 1 GiB default cap of a deserialised image is lifted (a million-customer workspace is 1.12 GiB,
  // and every write that grew it failed with "database or disk is full"): -1 reads the limit back.
  sqlite3_int64 limit = -1;
  REQUIRE(sqlite3_file_control((*owned)->store().db(), "main", SQLITE_FCNTL_SIZE_LIMIT, &limit) == SQLITE_OK);
  CHECK(limit >= (sqlite3_int64{1} << 40));
  const std::string_view view = (*owned)->ImageView();
  auto copy = (*owned)->SerializeImage();
  REQUIRE(copy.ok());
  CHECK(view == std::string_view(*copy));

  unsigned char* junk = Store::AllocImageBuffer(64);
  REQUIRE(junk);
  std::memset(junk, 'x', 64);
  auto damaged = Engine::OpenOwnedImage(junk, 64);  // freed by the engine, also on failure
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message().find("not a Rapport workspace") != std::string::npos);
}

}  // namespace
}  // namespace rapport
