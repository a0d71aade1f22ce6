// Offline quality of the widget's ranking (docs/widget.md "Quality"), with the code the widget ships: the model
// is built by BuildModelFromBaskets (which learns the personal weights on its own validation split, as
// `rapport model` and the dashboard do) and every ranking is RecommendForShopper (core/recommend/evaluate.h).
//
//  1. Kaggle "Groceries dataset" (Member_number, Date DD-MM-YYYY, itemDescription): a basket is one member's
//     items on one date. Next-basket protocol (each member's last basket hidden): hit@4 and recall@10 against
//     the popularity baseline, paired 95 % bootstrap intervals; what each personal signal does when forced on;
//     time-local popularity; and a permutation test of the cross-basket signal (does a member's history say
//     anything about their last basket beyond what any member's history of the same month says?).
//  2. arules' Groceries (one basket per line, no customers): the published support / confidence / lift
//     figures, and basket completion (hide one item, rank from the rest as viewed items, 5-fold), hit@4 with a
//     bootstrap interval over baskets.
//  3. The real Shopify exports of ../shared/data (SOURCES.md §2): each customer's last order hidden.
//  4. The demo store (build/demo/demo.rapport, made by `make demo`): each customer's last order hidden.
//
//   build/bench/widget_quality_bench [DATA_DIR] [--demo WORKSPACE] [--permutations N] [--dump DIR]
//   (DATA_DIR defaults to RAPPORT_SHARED_DATA or ../shared/data; --demo to build/demo/demo.rapport)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/api/engine.h"
#include "bench/read_file.h"
#include "core/import/parse.h"
#include "core/recommend/build.h"
#include "core/recommend/evaluate.h"
#include "core/recommend/scoring.h"
#include "core/util/date.h"
#include "core/workspace/merge.h"

namespace {

using namespace rapport;

bool ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines->push_back(line);
  }
  return true;
}

struct Catalogue {
  std::map<std::string, uint32_t> index;
  std::vector<std::string> names;
  uint32_t Id(const std::string& name) {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    index.emplace(name, static_cast<uint32_t>(names.size()));
    names.push_back(name);
    return static_cast<uint32_t>(names.size() - 1);
  }
  std::vector<ModelProduct> Products() const {
    std::vector<ModelProduct> products(names.size());
    for (size_t i = 0; i < products.size(); ++i) products[i].id = products[i].title = names[i];
    return products;
  }
};

uint64_t g_state = 0x1234567;
uint64_t Rand() {
  uint64_t z = (g_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Weights(const ModelMeta& m) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "w_repeat %.3f, w_replenish %.3f, w_bought %.3f, half-life %u d", m.w_repeat / 1000.0,
                m.w_replenish / 1000.0, m.w_bought / 1000.0, m.half_life_days);
  return buf;
}

void PrintReport(const char* name, const NextBasketReport& r) {
  std::printf("%s: %zu customers with 2+ orders, %zu scored (each one's last order hidden)\n", name,
              r.customers_with_repeat, r.cases);
  if (r.cases == 0) return;
  const WeightValidation& v = r.validation;
  if (v.ran) {
    std::printf("  validation (learning orders, each repeat customer's last hidden): %zu + %zu customers; searched %s;\n"
                "    on the confirming half hit@4 %.4f vs %.4f (CI low %+.4f), recall@10 %.4f vs %.4f (CI low %+.4f),\n"
                "    gain 95%% CI [%+.4f, %+.4f] -> %s\n",
                v.select_cases, v.confirm_cases, Weights(v.searched).c_str(), v.hit4, v.pop_hit4, v.hit4_lo, v.recall10,
                v.pop_recall10, v.recall10_lo, v.gain_lo, v.gain_hi, v.accepted ? "kept" : "rejected: plain popularity");
  } else {
    std::printf("  validation: not run (fewer than %zu repeat customers in the learning orders): plain popularity\n",
                kMinValidationCases);
  }
  std::printf("  shipped weights: %s\n", Weights(r.weights).c_str());
  std::printf("  %-28s hit@4 %.4f   recall@10 %.4f\n", "popularity baseline", r.pop_hit4, r.pop_recall10);
  std::printf("  %-28s hit@4 %.4f   recall@10 %.4f\n", "widget (shipped ranking)", r.model_hit4, r.model_recall10);
  std::printf("  %-28s hit@4 %+.4f [%+.4f, %+.4f]   recall@10 %+.4f [%+.4f, %+.4f]  (95%% paired bootstrap)\n",
              "difference", r.model_hit4 - r.pop_hit4, r.d_hit4.lo, r.d_hit4.hi, r.model_recall10 - r.pop_recall10,
              r.d_recall10.lo, r.d_recall10.hi);
}

// --- Kaggle ---------------------------------------------------------------------------------------------

struct Pair {
  uint32_t a, b;
  bool operator<(const Pair& o) const { return a != o.a ? a < o.a : b < o.b; }
};

// Cross-basket statistics over cases whose history is hist[c] (sets of items) and truth truth[c]:
//  repeat lift: P(item of the last basket was in the member's history) / the same with histories of others,
//    measured as  Σ_c |truth ∩ hist| / Σ_c Σ_{b in truth} P(b in a random history) -> here simply the mean
//    share of the last basket seen before (the permutation gives the "random history" reference);
//  pair lift: over the 20 most frequent (a in history, b in last basket) pairs with a != b, the mean of
//    N(a,b) x C / (H(a) x T(b)).
struct CrossStats {
  double repeat_share = 0, pair_lift = 0;
};

CrossStats Cross(const std::vector<std::vector<uint32_t>>& hist, const std::vector<std::vector<uint32_t>>& truth,
                 const std::vector<size_t>& perm, size_t items) {
  const size_t C = truth.size();
  std::vector<uint32_t> H(items, 0), T(items, 0);
  std::vector<uint32_t> N(items * items, 0);
  double share = 0;
  for (size_t c = 0; c < C; ++c) {
    const auto& h = hist[perm[c]];
    const auto& t = truth[c];
    size_t seen = 0;
    for (uint32_t b : t) seen += std::binary_search(h.begin(), h.end(), b);
    share += double(seen) / t.size();
    for (uint32_t a : h) ++H[a];
    for (uint32_t b : t) ++T[b];
    for (uint32_t a : h) {
      for (uint32_t b : t) {
        if (a != b) ++N[size_t(a) * items + b];
      }
    }
  }
  std::vector<std::pair<uint32_t, size_t>> top;
  for (size_t k = 0; k < N.size(); ++k) {
    if (N[k]) top.push_back({N[k], k});
  }
  std::sort(top.begin(), top.end(), [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  double lift = 0;
  const size_t k = std::min<size_t>(20, top.size());
  for (size_t i = 0; i < k; ++i) {
    const size_t a = top[i].second / items, b = top[i].second % items;
    lift += double(top[i].first) * C / (double(H[a]) * T[b]);
  }
  CrossStats s;
  s.repeat_share = share / C;
  s.pair_lift = k ? lift / k : 0;
  return s;
}

// --dump DIR: a Kaggle model (learned on all baskets but each member's last, every weight on) and 1,500 shopper
// histories with the native ranking of each, for bench/widget_wasm_check.mjs to rank again with the wasm module.
// Histories: the member's earlier baskets as purchases; every third also has a page product, every third
// views, so all of RecommendForShopper's inputs are exercised.
void Dump(const std::string& out_dir, const std::vector<BasketRow>& baskets, const std::vector<ModelProduct>& products) {
  const NextBasketSplit split = SplitLastBasket(baskets, 1500);
  std::vector<uint32_t> to_model;
  // Every term of the ranking switched on (on this file the learned personal weights are 0, which would leave
  // the repeat, replenishment and bought-neighbour code paths unchecked).
  ModelOptions options;
  options.weights.w_repeat = 200;
  options.weights.w_replenish = 300;
  options.weights.w_bought = 300;
  options.weights.half_life_days = 120;
  options.fix_w_repeat = options.fix_w_replenish = options.fix_w_bought = options.fix_half_life = true;
  const Model built = BuildModelFromBaskets(split.learn, products, options, nullptr, &to_model);
  const std::string bytes = WriteModel(built);
  Model model;  // rank with the model as read back from the bytes, as the widget does
  if (!ReadModel(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &model).ok()) std::abort();
  std::ofstream(out_dir + "/kaggle-model.bin", std::ios::binary) << bytes;
  std::ofstream json(out_dir + "/kaggle-cases.json");
  json << "[\n";
  for (size_t k = 0; k < split.cases.size(); ++k) {
    const NextBasketCase& c = split.cases[k];
    ShopperHistory h;
    if (k % 3 == 0 && !c.truth.empty()) h.page = to_model[c.truth[0]];
    for (const Purchase& p : c.history.purchases) {
      h.purchases.push_back(Purchase{to_model[p.product], p.days_ago, p.order});
      if (k % 3 == 1 && h.views.size() < 3) h.views.push_back(to_model[p.product]);
    }
    const auto recs = RecommendForShopper(model, h, nullptr, 0, 10);
    json << "{\"page\":" << (h.page == UINT32_MAX ? -1 : int64_t(h.page)) << ",\"views\":[";
    for (size_t i = 0; i < h.views.size(); ++i) json << (i ? "," : "") << h.views[i];
    json << "],\"bought\":[";
    for (size_t i = 0; i < h.purchases.size(); ++i) {
      json << (i ? "," : "") << "[" << h.purchases[i].product << "," << h.purchases[i].days_ago << "," << h.purchases[i].order << "]";
    }
    json << "],\"native\":[";
    for (size_t i = 0; i < recs.size(); ++i) json << (i ? "," : "") << recs[i].product;
    json << "]}" << (k + 1 < split.cases.size() ? ",\n" : "\n");
  }
  json << "]\n";
  std::printf("dump: %s/kaggle-model.bin (%zu bytes, %s), %s/kaggle-cases.json (%zu histories)\n", out_dir.c_str(),
              bytes.size(), Weights(model.meta).c_str(), out_dir.c_str(), split.cases.size());
}

std::string g_dump;

void Kaggle(const std::string& dir, int permutations) {
  std::vector<std::string> lines;
  if (!ReadLines(dir + "/kaggle_Groceries_dataset.csv", &lines)) {
    std::printf("kaggle: %s/kaggle_Groceries_dataset.csv not found, skipped\n", dir.c_str());
    return;
  }
  Catalogue cat;
  std::map<std::pair<uint32_t, int32_t>, std::set<uint32_t>> basket_items;  // (member, day) -> items
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const size_t c1 = l.find(','), c2 = l.find(',', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    const uint32_t member = static_cast<uint32_t>(std::stoul(l.substr(0, c1)));
    const std::string date = l.substr(c1 + 1, c2 - c1 - 1);  // DD-MM-YYYY
    const int32_t day = DaysFromCivil(std::stoi(date.substr(6, 4)), std::stoi(date.substr(3, 2)), std::stoi(date.substr(0, 2)));
    basket_items[{member, day}].insert(cat.Id(l.substr(c2 + 1)));
  }
  std::vector<BasketRow> baskets;
  for (const auto& [key, items] : basket_items) baskets.push_back(BasketRow{key.first, key.second, {items.begin(), items.end()}});
  std::printf("kaggle: %zu item rows, %zu member-day baskets, %zu items\n", lines.size() - 1, baskets.size(), cat.names.size());
  const std::vector<ModelProduct> products = cat.Products();
  if (!g_dump.empty()) {
    Dump(g_dump, baskets, products);
    return;
  }
  const NextBasketReport r = EvaluateNextBasket(baskets, products, ModelOptions{});
  PrintReport("kaggle", r);

  // Each signal forced on (not learned), to see what it does on the held-out baskets.
  std::printf("  each personal signal forced on (weights fixed, not learned), same split:\n");
  struct Variant {
    const char* name;
    uint32_t repeat, replenish, bought, half_life;
  };
  if (r.validation.ran) {
    ModelOptions o;
    o.weights = r.validation.searched;
    o.fix_w_repeat = o.fix_w_replenish = o.fix_w_bought = o.fix_half_life = true;
    const NextBasketReport f = EvaluateNextBasket(baskets, products, o);
    std::printf("    %-30s hit@4 %.4f [%+.4f, %+.4f]   recall@10 %.4f [%+.4f, %+.4f]\n", "the validation's search result",
                f.model_hit4, f.d_hit4.lo, f.d_hit4.hi, f.model_recall10, f.d_recall10.lo, f.d_recall10.hi);
  }
  const Variant variants[] = {
      {"repeat 0.05", 50, 0, 0, 0},       {"repeat 0.2", 200, 0, 0, 0},     {"repeat 1.0", 1000, 0, 0, 0},
      {"replenish 0.3", 0, 300, 0, 0},    {"replenish 1.0", 0, 1000, 0, 0}, {"bought neighbours 0.3", 0, 0, 300, 0},
      {"bought neighbours 1.0", 0, 0, 1000, 0}, {"half-life 30 d", 0, 0, 0, 30}, {"half-life 120 d", 0, 0, 0, 120},
      {"repeat 0.2 + half-life 120 d", 200, 0, 0, 120},
  };
  for (const Variant& v : variants) {
    ModelOptions o;
    o.weights.w_repeat = v.repeat;
    o.weights.w_replenish = v.replenish;
    o.weights.w_bought = v.bought;
    o.weights.half_life_days = v.half_life;
    o.fix_w_repeat = o.fix_w_replenish = o.fix_w_bought = o.fix_half_life = true;
    const NextBasketReport f = EvaluateNextBasket(baskets, products, o);
    std::printf("    %-30s hit@4 %.4f [%+.4f, %+.4f]   recall@10 %.4f [%+.4f, %+.4f]\n", v.name, f.model_hit4, f.d_hit4.lo,
                f.d_hit4.hi, f.model_recall10, f.d_recall10.lo, f.d_recall10.hi);
  }

  // Time-local popularity: for each hidden basket, the items most bought in the 30 days before it (learning
  // baskets only; ties by all-time popularity). A store knows this at that moment.
  const NextBasketSplit split = SplitLastBasket(baskets, 1u << 30);
  {
    std::vector<BasketRow> by_day = split.learn;
    std::sort(by_day.begin(), by_day.end(), [](const BasketRow& a, const BasketRow& b) { return a.day < b.day; });
    std::vector<uint32_t> all(cat.names.size(), 0);
    for (const BasketRow& b : split.learn) for (uint32_t p : b.items) ++all[p];
    CaseScores local;
    std::vector<uint32_t> to_model;
    BuildModelFromBaskets(split.learn, products, ModelOptions{}, nullptr, &to_model);
    const CaseScores global = ScorePopularity(split.learn, to_model, split.cases);
    for (const NextBasketCase& c : split.cases) {
      std::vector<uint32_t> count(cat.names.size(), 0);
      auto lo = std::lower_bound(by_day.begin(), by_day.end(), c.day - 30, [](const BasketRow& b, int32_t d) { return b.day < d; });
      for (auto it = lo; it != by_day.end() && it->day < c.day; ++it) for (uint32_t p : it->items) ++count[p];
      std::vector<uint32_t> ranked(cat.names.size());
      for (uint32_t i = 0; i < ranked.size(); ++i) ranked[i] = i;
      std::sort(ranked.begin(), ranked.end(), [&](uint32_t a, uint32_t b) {
        return count[a] != count[b] ? count[a] > count[b] : all[a] != all[b] ? all[a] > all[b] : to_model[a] < to_model[b];
      });
      size_t h4 = 0, h10 = 0;
      for (size_t i = 0; i < 10; ++i) {
        if (std::binary_search(c.truth.begin(), c.truth.end(), ranked[i])) {
          ++h10;
          if (i < 4) ++h4;
        }
      }
      local.hit4.push_back(h4 > 0);
      local.recall10.push_back(float(h10) / c.truth.size());
    }
    const Interval dh = PairedBootstrap(local.hit4, global.hit4, 11), dr = PairedBootstrap(local.recall10, global.recall10, 12);
    std::printf("  time-local popularity (30 days before each hidden basket): hit@4 %.4f [%+.4f, %+.4f]   recall@10 %.4f [%+.4f, %+.4f]\n",
                local.Hit4(), dh.lo, dh.hi, local.Recall10(), dr.lo, dr.hi);
  }

  // Permutation test of the cross-basket signal: the members' histories are shuffled among members whose last
  // basket falls in the same calendar month (so time effects stay, only "whose history" is broken).
  {
    std::vector<std::vector<uint32_t>> hist, truth;
    std::vector<int32_t> month;
    for (const NextBasketCase& c : split.cases) {
      std::vector<uint32_t> h;
      for (const Purchase& p : c.history.purchases) h.push_back(p.product);
      std::sort(h.begin(), h.end());
      h.erase(std::unique(h.begin(), h.end()), h.end());
      hist.push_back(std::move(h));
      truth.push_back(c.truth);
      int y = 0;
      int m = 0, d = 0;
      CivilFromDays(c.day, &y, &m, &d);
      month.push_back(y * 12 + m);
    }
    std::vector<size_t> identity(hist.size());
    for (size_t i = 0; i < identity.size(); ++i) identity[i] = i;
    const CrossStats observed = Cross(hist, truth, identity, cat.names.size());
    std::map<int32_t, std::vector<size_t>> strata;
    for (size_t i = 0; i < month.size(); ++i) strata[month[i]].push_back(i);
    std::vector<double> shares, lifts;
    for (int k = 0; k < permutations; ++k) {
      std::vector<size_t> perm(hist.size());
      for (const auto& [m, members] : strata) {
        std::vector<size_t> shuffled = members;
        for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[Rand() % i]);
        for (size_t i = 0; i < members.size(); ++i) perm[members[i]] = shuffled[i];
      }
      const CrossStats s = Cross(hist, truth, perm, cat.names.size());
      shares.push_back(s.repeat_share);
      lifts.push_back(s.pair_lift);
    }
    auto summary = [&](std::vector<double> v, double obs, const char* name) {
      std::sort(v.begin(), v.end());
      double mean = 0;
      for (double x : v) mean += x;
      mean /= v.size();
      size_t ge = 0;
      for (double x : v) ge += x >= obs;
      std::printf("    %-44s observed %.4f; shuffled mean %.4f, 95%% range [%.4f, %.4f]; p = %.3f (%zu of %zu shuffles >= observed)\n",
                  name, obs, mean, v[size_t(0.025 * (v.size() - 1))], v[size_t(0.975 * (v.size() - 1))],
                  (ge + 1.0) / (v.size() + 1.0), ge, v.size());
    };
    std::printf("  cross-basket signal, %zu members, %d shuffles of histories within the last basket's month:\n",
                hist.size(), permutations);
    summary(shares, observed.repeat_share, "share of the last basket bought before");
    summary(lifts, observed.pair_lift, "lift of the top 20 (earlier a, last b) pairs");
  }
}

// --- arules -----------------------------------------------------------------------------------------------

void Arules(const std::string& dir) {
  std::vector<std::string> lines;
  if (!ReadLines(dir + "/arules_groceries.csv", &lines)) {
    std::printf("arules: %s/arules_groceries.csv not found, skipped\n", dir.c_str());
    return;
  }
  Catalogue cat;
  std::vector<BasketRow> baskets;
  for (const std::string& l : lines) {
    if (l.empty()) continue;
    BasketRow row;
    std::stringstream ss(l);
    std::string item;
    std::set<uint32_t> items;
    while (std::getline(ss, item, ',')) items.insert(cat.Id(item));
    row.items.assign(items.begin(), items.end());
    baskets.push_back(std::move(row));
  }
  const double n = static_cast<double>(baskets.size());
  std::vector<uint32_t> count(cat.names.size(), 0);
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> pair;
  for (const BasketRow& b : baskets) {
    for (size_t i = 0; i < b.items.size(); ++i) {
      ++count[b.items[i]];
      for (size_t j = i + 1; j < b.items.size(); ++j) ++pair[{std::min(b.items[i], b.items[j]), std::max(b.items[i], b.items[j])}];
    }
  }
  std::printf("\narules: %zu baskets, %zu items\n", baskets.size(), cat.names.size());
  std::vector<uint32_t> items(cat.names.size());
  for (uint32_t i = 0; i < items.size(); ++i) items[i] = i;
  std::sort(items.begin(), items.end(), [&](uint32_t a, uint32_t b) { return count[a] != count[b] ? count[a] > count[b] : a < b; });
  std::printf("  top items by support:");
  for (size_t i = 0; i < 5; ++i) std::printf(" %s %.4f%s", cat.names[items[i]].c_str(), count[items[i]] / n, i < 4 ? "," : "\n");
  auto rule = [&](const std::string& x, const std::string& y, double published) {
    const uint32_t a = cat.Id(x), b = cat.Id(y);
    const uint32_t c = pair[{std::min(a, b), std::max(a, b)}];
    const double conf = c / double(count[a]);
    std::printf("    {%s} => {%s}: support %.4f confidence %.4f (published %.4f) lift %.4f\n", x.c_str(), y.c_str(), c / n,
                conf, published, conf / (count[b] / n));
  };
  std::printf("  rules:\n");
  rule("yogurt", "whole milk", 0.4016);
  rule("root vegetables", "other vegetables", 0.4347);
  rule("other vegetables", "whole milk", 0.3868);
  rule("tropical fruit", "whole milk", 0.4031);
  const std::vector<ModelProduct> products = cat.Products();
  ModelStats stats;
  const Model model = BuildModelFromBaskets(baskets, products, ModelOptions{}, &stats);
  std::printf("  model (k = %u): %zu bytes, pairs kept %llu of %llu, %llu neighbours\n", model.meta.min_pairs,
              WriteModel(model).size(), (unsigned long long)stats.co_pairs_kept, (unsigned long long)stats.co_pairs_seen,
              (unsigned long long)stats.neighbours);
  // Basket completion (a product or cart page): in every basket of 2+ items, hide each item in turn; the
  // others are what the shopper viewed (the shipped ranking's views; never shown again). 5-fold.
  std::vector<double> hit(baskets.size(), 0), pop(baskets.size(), 0), trials(baskets.size(), 0);
  for (int fold = 0; fold < 5; ++fold) {
    std::vector<BasketRow> learn;
    for (size_t i = 0; i < baskets.size(); ++i) {
      if (i % 5 != size_t(fold)) learn.push_back(baskets[i]);
    }
    std::vector<uint32_t> to_model;
    const Model m = BuildModelFromBaskets(learn, products, ModelOptions{}, nullptr, &to_model);
    std::vector<uint32_t> popular(m.products.size());
    for (uint32_t i = 0; i < popular.size(); ++i) popular[i] = i;
    std::stable_sort(popular.begin(), popular.end(), [&](uint32_t a, uint32_t b) { return m.products[a].popularity > m.products[b].popularity; });
    for (size_t i = fold; i < baskets.size(); i += 5) {
      const auto& basket = baskets[i].items;
      if (basket.size() < 2) continue;
      for (size_t h = 0; h < basket.size(); ++h) {
        ShopperHistory shopper;
        for (size_t j = 0; j < basket.size(); ++j) {
          if (j != h) shopper.views.push_back(to_model[basket[j]]);
        }
        const uint32_t target = to_model[basket[h]];
        for (const auto& r : RecommendForShopper(m, shopper, nullptr, 0, 4)) hit[i] += r.product == target;
        size_t shown = 0;
        for (uint32_t p : popular) {
          if (std::find(shopper.views.begin(), shopper.views.end(), p) != shopper.views.end()) continue;
          pop[i] += p == target;
          if (++shown == 4) break;
        }
        trials[i] += 1;
      }
    }
  }
  double H = 0, P = 0, T = 0;
  std::vector<size_t> used;
  for (size_t i = 0; i < baskets.size(); ++i) {
    H += hit[i];
    P += pop[i];
    T += trials[i];
    if (trials[i] > 0) used.push_back(i);
  }
  // Trials of one basket are not independent: bootstrap over baskets (ratio of sums).
  std::vector<double> diffs;
  for (int k = 0; k < 2000; ++k) {
    double dh = 0, dt = 0;
    for (size_t j = 0; j < used.size(); ++j) {
      const size_t i = used[Rand() % used.size()];
      dh += hit[i] - pop[i];
      dt += trials[i];
    }
    diffs.push_back(dh / dt);
  }
  std::sort(diffs.begin(), diffs.end());
  std::printf("  basket completion (hide one item, the rest as viewed; 5-fold): %.0f trials in %zu baskets\n", T, used.size());
  std::printf("    %-28s hit@4 %.4f\n", "popularity baseline", P / T);
  std::printf("    %-28s hit@4 %.4f   difference %+.4f, 95%% CI [%+.4f, %+.4f] (bootstrap over baskets)\n",
              "widget (shipped ranking)", H / T, (H - P) / T, diffs[50], diffs[1949]);
  for (const char* seed : {"yogurt", "root vegetables", "beef", "coffee"}) {
    const uint32_t i = model.Find(seed);
    if (i == UINT32_MAX) continue;
    std::printf("    neighbours of %s:", seed);
    for (size_t j = 0; j < model.neighbours[i].size() && j < 5; ++j) {
      std::printf(" %s (%.3f)%s", model.products[model.neighbours[i][j].product].id.c_str(),
                  model.neighbours[i][j].score / 65535.0, j < 4 ? "," : "");
    }
    std::printf("\n");
  }
}

// --- workspaces: Shopify exports, the demo store ----------------------------------------------------------

void Store(const char* name, const Workspace& ws) {
  std::vector<ModelProduct> products;
  std::vector<BasketRow> baskets;
  CollectBaskets(ws, ws.settings, &products, &baskets);
  size_t lines = 0;
  for (const BasketRow& b : baskets) lines += b.items.size();
  std::printf("\n%s: %zu valid orders, %zu order lines, %zu products\n", name, baskets.size(), lines, products.size());
  PrintReport(name, EvaluateNextBasket(baskets, products, ModelOptions{}));
}

void Shopify(const std::string& dir) {
  for (const char* file : {"shopify_alphapaw_orders_export_1.csv", "shopify_enavant_orders_export_1.csv",
                           "shopify_maisonmaria_orders_export_1.csv", "shopify_stacksbd_orders_export_21.csv"}) {
    std::string bytes;
    if (!rapport::bench::ReadFile(dir + "/" + file, &bytes)) {
      std::printf("\n%s: not found, skipped\n", file);
      continue;
    }
    Result<ImportBatch> batch = ParseBytes(bytes, file);
    if (!batch.ok()) {
      std::printf("\n%s: %s\n", file, batch.status().ToString().c_str());
      continue;
    }
    Workspace ws;
    ImportRecord record;
    MergeBatch(*batch, 1, &ws, &record);
    Store(file, ws);
  }
}

void Demo(const std::string& path) {
  if (!std::ifstream(path)) {
    std::printf("\ndemo store: %s not found (run `make demo`), skipped\n", path.c_str());
    return;
  }
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) {
    std::printf("\ndemo store: %s (run `make demo`), skipped\n", engine.status().ToString().c_str());
    return;
  }
  Store("demo store", (*engine)->workspace());
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, demo = "build/demo/demo.rapport";
  int permutations = 200;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--demo") && i + 1 < argc) demo = argv[++i];
    else if (!std::strcmp(argv[i], "--permutations") && i + 1 < argc) permutations = std::max(2, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--dump") && i + 1 < argc) g_dump = argv[++i];
    else dir = argv[i];
  }
#ifdef RAPPORT_SHARED_DATA
  if (dir.empty()) dir = RAPPORT_SHARED_DATA;
#endif
  if (dir.empty()) dir = "../shared/data";
  Kaggle(dir, permutations);
  if (!g_dump.empty()) return 0;
  Arules(dir);
  Shopify(dir);
  Demo(demo);
  return 0;
}
