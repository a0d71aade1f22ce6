// The demo store's exports as strings, and a workspace holding one, for tests that import a realistic store.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "core/api/engine.h"
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

// The same store as a generic transactions file (customer_id,date,order_id,sku,quantity,amount).
inline std::string DemoTransactions(uint32_t customers, uint64_t seed) {
  demo::DemoOptions options;
  options.customers = customers;
  options.seed = seed;
  std::string out;
  auto summary = demo::GenerateTransactions(options, [&](std::string_view bytes) { out.append(bytes); });
  REQUIRE(summary.ok());
  return out;
}

// A new in-memory workspace holding one import of `text`.
inline std::unique_ptr<Engine> EngineWithImport(const std::string& file_name, const std::string& text) {
  auto e = Engine::OpenMemory();
  REQUIRE(e.ok());
  REQUIRE((*e)->BeginImport(file_name, {}, text.size(), "2026-01-01T00:00:00Z").ok());
  REQUIRE((*e)->ImportChunk(text).ok());
  REQUIRE((*e)->FinishImport().ok());
  return std::move(*e);
}

// The small store most engine tests share: the demo generator's transactions of `customers` customers (seed
// `seed`) in a new in-memory workspace.
inline std::unique_ptr<Engine> DemoEngine(uint32_t customers = 600, uint64_t seed = 7) {
  return EngineWithImport("t.csv", DemoTransactions(customers, seed));
}

}  // namespace rapport::test
