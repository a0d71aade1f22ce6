// Ranking with a model (core/recommend/model.h): given what one shopper is looking at, has viewed and has
// bought (kept in their browser, never in the model), the products to show. This is the ONE ranking code path:
// the storefront widget (widget/src/scoring_exports.cpp), the validation that learns the weights when a model is
// built (build.cpp) and the offline evaluation (evaluate.h, bench/widget_quality_bench.cpp) all call
// RecommendForShopper with the shopper's raw history, so what is measured is what ships.
//
// docs/widget.md "Scoring" gives the reasoning; for each candidate product b:
//
//   score(b) = (w_popularity + w_history x Σ_a weight(a) x sim(a -> b) + w_replenish x due(b))
//              x (0.05 + popularity(b))
//            + w_repeat x (share of the shopper's orders that contained b)
//
// Context a with weight(a): the page's product 1; viewed products 0.5 x 0.8^k (k = 0 for the latest view);
// bought products (w_bought / 1000) x 0.8^k (k = 0 for the latest bought). due(b) = min(1, days since b was
// last bought / its repurchase interval) once 80 % of the interval has passed, else 0. Weights come from the
// model's meta (thousandths). The page's product, the `exclude` list and products viewed but never bought are
// not recommended; bought products are (groceries run out). Ties go to the lower product index.
// Cost: O(history + context x top_n + products); one score array per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/recommend/model.h"

namespace rapport {

struct Purchase {
  uint32_t product = 0;    // index into Model::products (out-of-range entries are ignored)
  int32_t days_ago = 0;    // whole days since that purchase (>= 0)
  uint32_t order = 0;      // which of the shopper's orders it was in: any id, equal within one order
};

struct ShopperHistory {
  uint32_t page = UINT32_MAX;       // the product on the page, UINT32_MAX on other pages
  std::vector<uint32_t> views;      // viewed products, latest first (repeats allowed, first one counts)
  std::vector<Purchase> purchases;  // bought products, latest first
};

struct Recommendation {
  uint32_t product = 0;
  float score = 0;
};

// At most `limit` products, best first.
std::vector<Recommendation> RecommendForShopper(const Model& model, const ShopperHistory& shopper,
                                                const uint32_t* exclude, size_t exclude_size, size_t limit);

}  // namespace rapport
