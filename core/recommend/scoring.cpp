#include "core/recommend/scoring.h"

#include <algorithm>

namespace rapport {

namespace {
constexpr float kPopularityFloor = 0.05f;
constexpr float kViewWeight = 0.5f;
constexpr float kDecay = 0.8f;
}  // namespace

std::vector<Recommendation> RecommendForShopper(const Model& model, const ShopperHistory& shopper,
                                                const uint32_t* exclude, size_t exclude_size, size_t limit) {
  const size_t n = model.products.size();
  std::vector<Recommendation> out;
  if (n == 0 || limit == 0) return out;
  const float w_history = model.meta.w_history / 1000.0f;
  const float w_replenish = model.meta.w_replenish / 1000.0f;
  const float w_popularity = model.meta.w_popularity / 1000.0f;
  const float w_bought = model.meta.w_bought / 1000.0f;
  const float w_repeat = model.meta.w_repeat / 1000.0f;

  std::vector<float> score(n, w_popularity);
  // 0 free, 1 blocked (page, exclude, viewed only), 2 bought (never blocked by a view).
  std::vector<char> state(n, 0);
  auto add_neighbours = [&](uint32_t a, float weight) {
    for (const Neighbour& nb : model.neighbours[a]) score[nb.product] += w_history * weight * (nb.score / 65535.0f);
  };

  // Purchases: the latest purchase of each product (for due and the bought context), and the share of the
  // shopper's orders that contained it (repeat buying).
  std::vector<int32_t> last_days(n, -1);
  std::vector<uint32_t> in_orders(n, 0);
  std::vector<uint32_t> last_order(n, UINT32_MAX);
  std::vector<uint32_t> bought;  // distinct, latest first
  uint32_t orders = 0;
  {
    uint32_t previous = 0;
    bool first = true;
    std::vector<uint32_t> seen_orders;  // the history is latest first, so an order's lines are usually adjacent
    for (const Purchase& p : shopper.purchases) {
      if (p.product >= n) continue;
      if (first || p.order != previous) {
        if (std::find(seen_orders.begin(), seen_orders.end(), p.order) == seen_orders.end()) {
          seen_orders.push_back(p.order);
          ++orders;
        }
        previous = p.order;
        first = false;
      }
      if (last_days[p.product] < 0) {
        last_days[p.product] = std::max(0, p.days_ago);
        bought.push_back(p.product);
        state[p.product] = 2;
      }
      if (last_order[p.product] != p.order) {  // count each order once per product
        last_order[p.product] = p.order;
        ++in_orders[p.product];
      }
    }
  }

  // Association evidence from the page, the views and the purchases.
  if (shopper.page < n) add_neighbours(shopper.page, 1.0f);
  {
    float weight = kViewWeight;
    std::vector<char> viewed(n, 0);
    for (uint32_t v : shopper.views) {
      if (v >= n || viewed[v]) continue;
      viewed[v] = 1;
      add_neighbours(v, weight);
      weight *= kDecay;
      if (state[v] == 0) state[v] = 1;
    }
  }
  if (w_bought > 0) {
    float weight = w_bought;
    for (uint32_t b : bought) {
      add_neighbours(b, weight);
      weight *= kDecay;
    }
  }
  // Replenishment: due from 0.8 x the interval on ("running out"), full weight at the interval.
  if (w_replenish > 0) {
    for (uint32_t b : bought) {
      const uint32_t interval = model.products[b].repurchase_days;
      const int64_t days = last_days[b];
      if (interval > 0 && days * 10 >= int64_t{interval} * 8) {
        score[b] += w_replenish * std::min(1.0f, static_cast<float>(days) / static_cast<float>(interval));
      }
    }
  }
  // Evidence scales the product's base rate (a lift-like correction of popularity, floored so that a rarely
  // bought but strongly associated product can still rank); the shopper's own repeat buying adds to it.
  for (size_t i = 0; i < n; ++i) score[i] *= kPopularityFloor + model.products[i].popularity / 65535.0f;
  if (w_repeat > 0 && orders > 0) {
    for (uint32_t b : bought) score[b] += w_repeat * static_cast<float>(in_orders[b]) / static_cast<float>(orders);
  }

  if (shopper.page < n) state[shopper.page] = 1;
  for (size_t i = 0; i < exclude_size; ++i) {
    if (exclude[i] < n) state[exclude[i]] = 1;
  }
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (state[i] != 1) out.push_back(Recommendation{static_cast<uint32_t>(i), score[i]});
  }
  const size_t k = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + k, out.end(), [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.product < b.product;
  });
  out.resize(k);
  return out;
}

}  // namespace rapport
