// Settings <-> JSON, and the per-request overrides.
#include <catch2/catch.hpp>

#include "core/api/ops.h"

namespace rapport {
namespace {

TEST_CASE("settings: JSON round trip of every field", "[engine]") {
  Settings s;
  s.as_of_day = ParseIsoDay("2025-03-01");
  s.currency = "GBP";
  s.churn_window_days = 120;
  s.retention_period_days = 30;
  s.new_customer_days = 14;
  s.overdue_factor = 2.5;
  s.model_unit = "day";
  s.review_request_delay_days = 7;
  s.holdout_share = 0.2;
  s.seed = 7;
  s.clv_months = 24;
  s.monthly_discount_rate = 0.02;
  const Json j = SettingsToJson(s);
  CHECK(j["as_of"] == "2025-03-01");
  auto back = SettingsFromJson(j, Settings{});
  REQUIRE(back.ok());
  CHECK(SettingsToJson(*back) == j);
  CHECK(SettingsToJson(Settings{})["as_of"].is_null());
}

TEST_CASE("settings: bad values are refused with the field's name", "[engine]") {
  const Settings base;
  auto bad = [&](const char* text) {
    auto r = SettingsFromJson(Json::parse(text), base);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  CHECK_THAT(bad(R"({"retention_period_days": 0})"), Catch::StartsWith("settings.retention_period_days:"));
  CHECK_THAT(bad(R"({"retention_period_days": 1.5})"), Catch::StartsWith("settings.retention_period_days:"));
  CHECK_THAT(bad(R"({"as_of": "01/03/2025"})"), Catch::StartsWith("settings.as_of:"));
  CHECK_THAT(bad(R"({"model_unit": "month"})"), Catch::StartsWith("settings.model_unit:"));
  CHECK_THAT(bad(R"({"holdout_share": 2})"), Catch::StartsWith("settings.holdout_share:"));
  CHECK_THAT(bad(R"({"seed": -1})"), Catch::StartsWith("settings.seed:"));
  CHECK(bad(R"({"colour": "red"})") == "settings: unknown setting `colour`");
  CHECK(bad("[]") == "settings: expected a JSON object");
}

TEST_CASE("settings: request overrides apply on top of the stored settings", "[engine]") {
  Workspace w;
  w.settings.retention_period_days = 30;
  w.settings.currency = "USD";
  auto s = SettingsForRequest(w, Json::parse(R"({"op":"kpis","as_of":"2024-05-01","currency":"EUR"})"));
  REQUIRE(s.ok());
  CHECK(s->as_of_day == ParseIsoDay("2024-05-01"));
  CHECK(s->currency == "EUR");
  CHECK(s->retention_period_days == 30);
  auto nested = SettingsForRequest(w, Json::parse(R"({"op":"kpis","settings":{"retention_period_days":60}})"));
  REQUIRE(nested.ok());
  CHECK(nested->retention_period_days == 60);
  CHECK(SettingsForRequest(w, Json::parse(R"({"op":"kpis","as_of":"never"})")).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport
