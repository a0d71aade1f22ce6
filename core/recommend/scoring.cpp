#include "core/recommend/scoring.h"

#include <algorithm>

namespace rapport {

namespace {
constexpr float kPopularityFloor = 0.05f;
}  // namespace

std::vector<Recommendation> Recommend(const Model& model, const ContextItem* context, size_t context_size,
                                      const uint32_t* exclude, size_t exclude_size, size_t limit) {
  const size_t n = model.products.size();
  std::vector<Recommendation> out;
  if (n == 0 || limit == 0) return out;
  const float w_history = model.meta.w_history / 1000.0f;
  const float w_replenish = model.meta.w_replenish / 1000.0f;
  const float w_popularity = model.meta.w_popularity / 1000.0f;

  // score[i] < 0 marks a product that must not be shown.
  std::vector<float> score(n, 0.0f);
  for (size_t i = 0; i < n; ++i) score[i] = w_popularity;
  std::vector<char> blocked(n, 0);
  for (size_t i = 0; i < exclude_size; ++i) {
    if (exclude[i] < n) blocked[exclude[i]] = 1;
  }
  for (size_t c = 0; c < context_size; ++c) {
    const ContextItem& item = context[c];
    if (item.product >= n || !(item.weight > 0.0f)) continue;
    for (const Neighbour& nb : model.neighbours[item.product]) {
      score[nb.product] += w_history * item.weight * (nb.score / 65535.0f);
    }
  }
  // A product bought before stays a candidate, raised by how due it is for a repeat purchase; a product only
  // viewed (or whose repurchase interval is unknown and was not bought) is not shown again.
  std::vector<char> bought(n, 0);
  for (size_t c = 0; c < context_size; ++c) {
    const ContextItem& item = context[c];
    if (item.product >= n || item.days_since_purchase < 0 || bought[item.product]) continue;
    bought[item.product] = 1;
    const uint32_t interval = model.products[item.product].repurchase_days;
    // Due from 0.8 x the interval on ("running out"), full weight at the interval.
    if (interval > 0 && int64_t{item.days_since_purchase} * 10 >= int64_t{interval} * 8) {
      score[item.product] += w_replenish * std::min(1.0f, item.days_since_purchase / float(interval));
    }
  }
  // Association and repeat evidence scale the product's base rate (popularity, floored so that a rarely
  // bought but strongly associated product can still rank): score ~ P(b) x (prior + evidence).
  for (size_t i = 0; i < n; ++i) score[i] *= kPopularityFloor + model.products[i].popularity / 65535.0f;
  for (size_t c = 0; c < context_size; ++c) {
    const uint32_t p = context[c].product;
    if (p < n && !bought[p]) blocked[p] = 1;
  }
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!blocked[i]) out.push_back(Recommendation{static_cast<uint32_t>(i), score[i]});
  }
  const size_t k = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + k, out.end(), [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.product < b.product;
  });
  out.resize(k);
  return out;
}

}  // namespace rapport
