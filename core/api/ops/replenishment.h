// The products' repurchase intervals for the customer facts of one date and currency (ComputeReplenishment, all
// rows: min_intervals 1), kept by the engine and shared by the ops that read them: the Products page's first
// table (`products` "part": "replenishment") and the playbooks' replenishment intervals. A caller wanting
// rows of at least k intervals filters them (the rows of a larger min_intervals are these rows, filtered, in
// the same order: core/analysis/products/products.cpp Rows). Built kRowsPerStep orders or lines a step
// (ReplenishmentBuilder), a step at a time like any long part (core/api/cache.h); the facts are held while it is.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/analysis/products/products.h"
#include "core/api/cache.h"
#include "core/api/engine.h"
#include "core/api/ops.h"

namespace rapport {

struct ReplenishmentBuild {
  ReplenishmentBuild(std::shared_ptr<const CustomerFacts> held, const Workspace& ws)
      : facts(std::move(held)), builder(ws, *facts, 1) {}
  bool done() const { return builder.done(); }
  size_t Run(size_t rows) { return builder.Run(rows); }
  std::shared_ptr<const CustomerFacts> facts;
  ReplenishmentBuilder builder;
};

inline std::shared_ptr<const std::vector<ReplenishmentRow>> KeptReplenishment(OpContext& ctx,
                                                                              std::shared_ptr<const CustomerFacts> facts) {
  if (!ctx.engine) return std::make_shared<const std::vector<ReplenishmentRow>>(ComputeReplenishment(ctx.workspace, *facts, 1));
  AnalysisCache& cache = ctx.engine->cache();
  const std::string part = std::to_string(facts->as_of_day) + ":" + std::to_string(facts->currency);
  const std::string key = "replenishment:" + part, building_key = "replenishment-building:" + part;
  if (cache.Has(key)) return cache.Get<std::vector<ReplenishmentRow>>(key, [] { return std::vector<ReplenishmentRow>(); });
  const std::shared_ptr<ReplenishmentBuild> building = cache.RunInParts<ReplenishmentBuild>(
      building_key, [&] { return std::make_shared<ReplenishmentBuild>(facts, ctx.workspace); }, kRowsPerStep,
      /*settings_free=*/true);
  const auto rows = std::make_shared<const std::vector<ReplenishmentRow>>(building->builder.Result());
  cache.Erase(building_key);
  // Kept while their facts are (core/api/cache.h): the model fits' many entries do not push them out first.
  cache.Put(key, rows, /*settings_free=*/true, /*tied_to=*/"facts:" + part);
  return rows;
}

}  // namespace rapport
