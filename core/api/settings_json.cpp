// Settings <-> JSON, and the per-request overrides of Engine::Call (core/api/ops.h).
#include <cmath>
#include <string>

#include "core/api/ops.h"

namespace rapport {

Json SettingsToJson(const Settings& s) {
  Json j;
  j["as_of"] = Day(s.as_of_day);
  j["currency"] = s.currency;
  j["churn_window_days"] = s.churn_window_days;
  j["retention_period_days"] = s.retention_period_days;
  j["new_customer_days"] = s.new_customer_days;
  j["overdue_factor"] = Num(s.overdue_factor);
  j["model_unit"] = s.model_unit;
  j["review_request_delay_days"] = s.review_request_delay_days;
  j["holdout_share"] = Num(s.holdout_share);
  j["seed"] = s.seed;
  j["clv_months"] = s.clv_months;
  j["monthly_discount_rate"] = Num(s.monthly_discount_rate);
  return j;
}

namespace {

Status Bad(const std::string& key, const std::string& expected) {
  return InvalidArgument("settings." + key + ": expected " + expected);
}

Status ReadDays(const Json& v, const std::string& key, int32_t lo, int32_t hi, int32_t* out) {
  if (!v.is_number_integer()) return Bad(key, "a whole number of days");
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) return Bad(key, "a number of days from " + std::to_string(lo) + " to " + std::to_string(hi));
  *out = static_cast<int32_t>(x);
  return Status::Ok();
}

Status ReadDouble(const Json& v, const std::string& key, double lo, double hi, double* out) {
  if (!v.is_number()) return Bad(key, "a number");
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi) return Bad(key, "a number from " + std::to_string(lo) + " to " + std::to_string(hi));
  *out = x;
  return Status::Ok();
}

}  // namespace

Result<Settings> SettingsFromJson(const Json& j, Settings s) {
  if (!j.is_object()) return InvalidArgument("settings: expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    Status st;
    if (key == "as_of") {
      if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) {
        s.as_of_day = kNoDay;
      } else if (!v.is_string() || (s.as_of_day = ParseIsoDay(v.get<std::string>())) == kNoDay) {
        st = Bad(key, "a date like 2024-03-01, or null for the latest order day");
      }
    } else if (key == "currency") {
      if (v.is_null()) s.currency.clear();
      else if (!v.is_string() || v.get<std::string>().size() > 8) st = Bad(key, "a currency code like \"USD\", or \"\"");
      else s.currency = v.get<std::string>();
    } else if (key == "churn_window_days") {
      st = ReadDays(v, key, 1, 36500, &s.churn_window_days);
    } else if (key == "retention_period_days") {
      st = ReadDays(v, key, 1, 36500, &s.retention_period_days);
    } else if (key == "new_customer_days") {
      st = ReadDays(v, key, 1, 36500, &s.new_customer_days);
    } else if (key == "overdue_factor") {
      st = ReadDouble(v, key, 1.0, 100.0, &s.overdue_factor);
    } else if (key == "model_unit") {
      if (!v.is_string() || (v.get<std::string>() != "week" && v.get<std::string>() != "day")) st = Bad(key, "\"week\" or \"day\"");
      else s.model_unit = v.get<std::string>();
    } else if (key == "review_request_delay_days") {
      st = ReadDays(v, key, 0, 3650, &s.review_request_delay_days);
    } else if (key == "holdout_share") {
      st = ReadDouble(v, key, 0.0, 0.9, &s.holdout_share);
    } else if (key == "seed") {
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) st = Bad(key, "a non-negative whole number");
      else s.seed = v.get<uint64_t>();
    } else if (key == "clv_months") {
      st = ReadDays(v, key, 1, 120, &s.clv_months);
    } else if (key == "monthly_discount_rate") {
      st = ReadDouble(v, key, 0.0, 1.0, &s.monthly_discount_rate);
    } else {
      st = InvalidArgument("settings: unknown setting `" + key + "`");
    }
    if (!st.ok()) return st;
  }
  return s;
}

Result<Settings> SettingsForRequest(const Workspace& workspace, const Json& request) {
  Settings s = workspace.settings;
  if (!request.is_object()) return s;
  if (request.contains("settings")) {
    Result<Settings> r = SettingsFromJson(request["settings"], s);
    if (!r.ok()) return r.status();
    s = *r;
  }
  Json overrides = Json::object();
  for (const char* key : {"as_of", "currency"}) {
    if (request.contains(key)) overrides[key] = request[key];
  }
  return SettingsFromJson(overrides, s);
}

}  // namespace rapport
