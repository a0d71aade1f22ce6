// The one place numbers and results become JSON (STYLE §4, §7): shared by the CLI's --json output and the
// wasm bindings, so a CLI golden file also checks the boundary, and native and wasm builds give the same bytes.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace rapport {

using Json = nlohmann::json;  // std::map-ordered keys: output is sorted by key, deterministically

// A double for output: rounded to 12 significant digits so that last-ulp differences between libms
// (glibc natively, musl in wasm) never reach the bytes. NaN and infinities become null.
Json Num(double v);
// Money in minor units as a decimal amount with two decimals' precision (1234 -> 12.34).
Json Money(int64_t cents);
// A day as "YYYY-MM-DD", null for kNoDay.
Json Day(int32_t day);
// {"code": "parse_error", "message": "..."}
Json ErrorJson(const Status& status);
// Compact dump used everywhere (UTF-8 kept; invalid UTF-8 replaced rather than thrown).
std::string Dump(const Json& j, int indent = -1);

}  // namespace rapport
