#include "core/api/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/util/date.h"

namespace rapport {

Json Num(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == 0.0) return 0.0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  double r = std::strtod(buf, nullptr);
  // Whole numbers print as integers (3 rather than 3.0).
  if (std::fabs(r) < 9.0e15 && r == std::floor(r)) return static_cast<int64_t>(r);
  return r;
}

Json Money(int64_t cents) {
  if (cents % 100 == 0) return cents / 100;
  return static_cast<double>(cents) / 100.0;
}

Json Day(int32_t day) {
  if (day == kNoDay) return nullptr;
  return FormatDay(day);
}

Json ErrorJson(const Status& status) {
  return Json{{"code", StatusCodeName(status.code())}, {"message", status.message()}};
}

std::string Dump(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace rapport
