// The demo store's Shopify orders export as one string, for tests that import a realistic file.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "core/demo/generator.h"

namespace rapport::test {

inline std::string DemoExport(const demo::DemoOptions& options) {
  std::string out;
  auto summary = demo::GenerateShopifyOrders(options, [&](std::string_view bytes) { out.append(bytes); });
  REQUIRE(summary.ok());
  return out;
}

// The default store's export with `customers` customers and `seed`.
inline std::string DemoExport(uint32_t customers, uint64_t seed) {
  demo::DemoOptions options;
  options.customers = customers;
  options.seed = seed;
  return DemoExport(options);
}

}  // namespace rapport::test
