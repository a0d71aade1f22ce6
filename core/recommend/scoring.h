// Ranking with a model (core/recommend/model.h): given what one shopper is looking at, has viewed and has
// bought (kept in their browser, never in the model), the products to show. docs/widget.md "Scoring" gives
// the reasoning; in short, for each candidate product b:
//
//   score(b) = w_history   x sum over context items a of weight(a) x sim(a -> b)       (neighbour lists)
//            + w_replenish x due(b)       when b was bought before: min(1, days since / repurchase days)
//                                         (0 when nobody bought it twice: no interval)
//            + w_popularity x popularity(b) / 65535                                     (fallback, tie-breaker)
//
// with the weights (in thousandths) taken from the model's meta, so the storefront ranks exactly as the
// offline evaluation (bench/widget_quality_bench.cpp) measured. Items viewed but not bought, and the `exclude`
// list (the product on the page), are never recommended; items bought before are (groceries run out). Ties go to the lower product index.
// Cost: O(context x top_n + products); no allocation beyond one score array per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/recommend/model.h"

namespace rapport {

struct ContextItem {
  uint32_t product = 0;             // index into Model::products
  float weight = 1.0f;              // 1 for the page's product; older views and purchases decay (the loader decides)
  int32_t days_since_purchase = -1; // -1: not bought (only viewed), else whole days since it was last bought
};

struct Recommendation {
  uint32_t product = 0;
  float score = 0;
};

// At most `limit` products, best first. Context items with an out-of-range product are ignored.
std::vector<Recommendation> Recommend(const Model& model, const ContextItem* context, size_t context_size,
                                      const uint32_t* exclude, size_t exclude_size, size_t limit);

}  // namespace rapport
