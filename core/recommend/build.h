// Learning the widget's model (core/recommend/model.h) from order lines. Two entry points:
//  - BuildModelFromBaskets: from plain baskets (who, when, which items) — the workspace and the offline
//    evaluation (bench/widget_quality.cpp, the Kaggle and arules groceries data) use the same code;
//  - BuildModel: from a workspace's valid orders (guests included; cancelled/test/voided orders left out).
//
// Scores (docs/widget.md "Scoring"):
//   co(a,b)   = orders containing both / sqrt(orders with a x orders with b)          (cosine, symmetric)
//   seq(a->b) = a customer's consecutive orders t, t+1 with a in t and b in t+1, divided by
//               sqrt(transitions with a in the earlier order x transitions with b in the later one)
//   sim(a->b) = (1 - seq_weight) x co(a,b) + seq_weight x seq(a->b)
// A component whose pair count is below min_pairs counts as 0; a pair with both below is dropped. Each product
// keeps its top_n neighbours by sim (ties by product index). Pair counting per order is capped at the first
// 100 distinct products (a wholesale order of 10,000 lines would otherwise cost 10^8 pairs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/recommend/model.h"
#include "core/workspace/workspace.h"

namespace rapport {

struct ModelOptions {
  uint32_t min_pairs = 3;        // the k of "pairs seen fewer than k times are dropped"
  uint32_t top_n = 20;           // neighbours kept per product
  double seq_weight = 0.3;       // share of the sequential component in sim
  ModelMeta weights;             // w_history, w_popularity, w_replenish (min_pairs/top_n/baskets are filled in)
  ReviewPromptSettings review;   // copied into the file
};

struct BasketRow {
  uint32_t customer = UINT32_MAX;  // an opaque group id, UINT32_MAX for a guest; used only for ordering, never written
  int32_t day = 0;
  std::vector<uint32_t> items;     // product indices (duplicates allowed; counted once)
};

struct ModelStats {
  uint64_t baskets = 0;
  uint64_t transitions = 0;         // consecutive-order pairs of the same customer
  uint64_t co_pairs_seen = 0;       // distinct unordered pairs seen together at least once
  uint64_t co_pairs_kept = 0;       // ... at least min_pairs times
  uint64_t seq_pairs_seen = 0, seq_pairs_kept = 0;
  uint64_t neighbours = 0;          // entries written
  uint64_t products_with_neighbours = 0;
  uint64_t products_with_interval = 0;
};

// `products` gives the display data (id, title, url, image, price) in product-index order; they are sorted
// by id in the model, and indices are remapped. Ids must be unique and non-empty (an empty id is replaced
// by "#<index>", a duplicate id gets "~<index>" appended).
Model BuildModelFromBaskets(const std::vector<BasketRow>& baskets, std::vector<ModelProduct> products,
                            const ModelOptions& options, ModelStats* stats = nullptr);

// The workspace's products and valid orders up to settings.as_of (when set). Prices are of the settings'
// currency when given, else as exported. review.delay_days defaults to settings.review_request_delay_days.
Model BuildModel(const Workspace& workspace, const Settings& settings, ModelOptions options, ModelStats* stats = nullptr);

}  // namespace rapport
