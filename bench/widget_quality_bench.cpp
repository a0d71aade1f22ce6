// Offline quality of the widget's ranking (docs/widget.md "Quality"), on the two groceries data sets of
// ../shared/data (SOURCES.md §3):
//  1. Kaggle "Groceries dataset" (Member_number, Date DD-MM-YYYY, itemDescription): a basket is one member's
//     items on one date. Each member's last basket is hidden; the model is learned from all other baskets;
//     for every member with at least one earlier basket, the widget's ranking (core/recommend/scoring.h, the
//     member's earlier baskets as the context, as the storefront loader builds it) is compared with the
//     popularity baseline: hit rate@4 (the hidden basket holds at least one of the top 4) and recall@10
//     (the share of the hidden basket's distinct items among the top 10).
//  2. arules' Groceries (one basket per line): support of the most frequent items and pairs, and the
//     confidence and lift of the classic rules, to be checked against the published figures (Hahsler et al.;
//     arules' `Groceries`: whole milk support 0.2555, other vegetables 0.1935, {yogurt} => {whole milk}
//     confidence 0.4016, {root vegetables} => {other vegetables} 0.4347), and the model's neighbours there.
//
//   build/bench/widget_quality_bench [DATA_DIR [W_HISTORY W_POPULARITY W_REPLENISH]]
//   (DATA_DIR defaults to RAPPORT_SHARED_DATA or ../shared/data; the weights to the model's defaults;
//   RAPPORT_WIDGET_GRID=1 also prints a grid over the weights)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/recommend/build.h"
#include "core/recommend/scoring.h"
#include "core/util/date.h"

namespace {

using rapport::BasketRow;

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
};

uint32_t g_weights[3] = {20000, 1000, 300};  // w_history, w_popularity, w_replenish: the model defaults unless argv says

struct EvalOptions {
  uint32_t w_history = g_weights[0], w_popularity = g_weights[1], w_replenish = g_weights[2];
  uint32_t min_pairs = 3;
  double seq_weight = 0.3;
  bool personal_repeat = true;  // context includes earlier purchases with days since (replenishment)
};

struct EvalResult {
  size_t members = 0;
  double hit4 = 0, recall10 = 0, pop_hit4 = 0, pop_recall10 = 0;
};

void Kaggle(const std::string& dir) {
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
    const int32_t day = rapport::DaysFromCivil(std::stoi(date.substr(6, 4)), std::stoi(date.substr(3, 2)), std::stoi(date.substr(0, 2)));
    basket_items[{member, day}].insert(cat.Id(l.substr(c2 + 1)));
  }
  // Per member: baskets in date order (std::map order); the last is hidden.
  std::map<uint32_t, std::vector<std::pair<int32_t, std::vector<uint32_t>>>> by_member;
  for (const auto& [key, items] : basket_items) by_member[key.first].push_back({key.second, {items.begin(), items.end()}});
  std::vector<BasketRow> train;
  size_t hidden = 0;
  for (const auto& [member, baskets] : by_member) {
    for (size_t b = 0; b + 1 < baskets.size(); ++b) train.push_back(BasketRow{member, baskets[b].first, baskets[b].second});
    ++hidden;
  }
  std::printf("kaggle: %zu item rows, %zu baskets, %zu members, %zu items; %zu baskets for learning, %zu hidden\n",
              lines.size() - 1, basket_items.size(), by_member.size(), cat.names.size(), train.size(), hidden);

  std::vector<rapport::ModelProduct> products(cat.names.size());
  for (size_t i = 0; i < products.size(); ++i) products[i].id = products[i].title = cat.names[i];

  auto evaluate = [&](const EvalOptions& eo, bool print_model) {
    rapport::ModelOptions mo;
    mo.min_pairs = eo.min_pairs;
    mo.seq_weight = eo.seq_weight;
    mo.weights.w_history = eo.w_history;
    mo.weights.w_popularity = eo.w_popularity;
    mo.weights.w_replenish = eo.w_replenish;
    rapport::ModelStats stats;
    const rapport::Model model = rapport::BuildModelFromBaskets(train, products, mo, &stats);
    if (print_model) {
      std::printf("kaggle model: %zu bytes, %llu neighbours, pairs kept %llu of %llu (together), %llu of %llu (next order), "
                  "%llu products with a repurchase interval\n",
                  rapport::WriteModel(model).size(), (unsigned long long)stats.neighbours,
                  (unsigned long long)stats.co_pairs_kept, (unsigned long long)stats.co_pairs_seen,
                  (unsigned long long)stats.seq_pairs_kept, (unsigned long long)stats.seq_pairs_seen,
                  (unsigned long long)stats.products_with_interval);
    }
    // Popularity baseline: by baskets in the learning set (the model's popularity, ties by id).
    std::vector<uint32_t> popular(model.products.size());
    for (uint32_t i = 0; i < popular.size(); ++i) popular[i] = i;
    std::stable_sort(popular.begin(), popular.end(), [&](uint32_t a, uint32_t b) {
      return model.products[a].popularity > model.products[b].popularity;
    });
    EvalResult r;
    for (const auto& [member, baskets] : by_member) {
      if (baskets.size() < 2) continue;
      const auto& last = baskets.back();
      std::set<uint32_t> truth;
      for (uint32_t p : last.second) truth.insert(model.Find(cat.names[p]));
      // Context as the loader builds it: the latest basket's items first, weights decaying by basket age.
      std::vector<rapport::ContextItem> ctx;
      std::unordered_map<uint32_t, size_t> at;
      for (size_t b = baskets.size() - 1; b-- > 0;) {
        const size_t age = baskets.size() - 2 - b;
        for (uint32_t p : baskets[b].second) {
          const uint32_t mp = model.Find(cat.names[p]);
          if (at.count(mp)) continue;
          at[mp] = ctx.size();
          ctx.push_back(rapport::ContextItem{mp, 0.3f * std::pow(0.8f, float(age)),
                                             eo.personal_repeat ? last.first - baskets[b].first : -1});
        }
      }
      const auto recs = rapport::Recommend(model, ctx.data(), ctx.size(), nullptr, 0, 10);
      auto score = [&](const std::vector<uint32_t>& ranked, double* hit4, double* recall10) {
        size_t h4 = 0, h10 = 0;
        for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
          if (truth.count(ranked[i])) {
            ++h10;
            if (i < 4) ++h4;
          }
        }
        *hit4 += h4 > 0;
        *recall10 += double(h10) / truth.size();
      };
      std::vector<uint32_t> ranked;
      for (const auto& rec : recs) ranked.push_back(rec.product);
      score(ranked, &r.hit4, &r.recall10);
      score(std::vector<uint32_t>(popular.begin(), popular.begin() + std::min<size_t>(10, popular.size())), &r.pop_hit4, &r.pop_recall10);
      ++r.members;
    }
    r.hit4 /= r.members;
    r.recall10 /= r.members;
    r.pop_hit4 /= r.members;
    r.pop_recall10 /= r.members;
    return r;
  };

  const char* env = std::getenv("RAPPORT_WIDGET_GRID");
  if (env && *env == '1') {
    std::printf("grid: w_history w_popularity w_replenish min_pairs seq_weight -> hit@4 recall@10\n");
    for (uint32_t wh : {0u, 1000u, 3000u}) for (uint32_t wp : {250u, 1000u}) for (uint32_t wr : {0u, 300u, 1000u})
      for (double sw : {0.3}) {
        EvalOptions eo;
        eo.w_history = wh; eo.w_popularity = wp; eo.w_replenish = wr; eo.seq_weight = sw;
        const EvalResult r = evaluate(eo, false);
        std::printf("grid %4u %4u %4u %u %.1f -> %.4f %.4f\n", wh, wp, wr, eo.min_pairs, sw, r.hit4, r.recall10);
      }
  }
  const EvalOptions defaults;
  const EvalResult r = evaluate(defaults, true);
  std::printf("kaggle: %zu members with an earlier basket; hidden = each member's last basket\n", r.members);
  std::printf("  %-34s hit rate@4 %.4f   recall@10 %.4f\n", "popularity baseline", r.pop_hit4, r.pop_recall10);
  std::printf("  %-34s hit rate@4 %.4f   recall@10 %.4f\n", "widget ranking (model defaults)", r.hit4, r.recall10);
  EvalOptions no_repeat = defaults;
  no_repeat.personal_repeat = false;
  const EvalResult nr = evaluate(no_repeat, false);
  std::printf("  %-34s hit rate@4 %.4f   recall@10 %.4f\n", "widget, views only (no replenish)", nr.hit4, nr.recall10);
  EvalOptions neighbours_only = no_repeat;
  neighbours_only.w_popularity = 0;
  const EvalResult no = evaluate(neighbours_only, false);
  std::printf("  %-34s hit rate@4 %.4f   recall@10 %.4f\n", "neighbours only", no.hit4, no.recall10);
}

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
  std::vector<std::pair<uint32_t, std::pair<uint32_t, uint32_t>>> pairs;
  for (const auto& [k, c] : pair) pairs.push_back({c, k});
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::printf("  top pairs by support:\n");
  for (size_t i = 0; i < 5; ++i) {
    const auto [a, b] = pairs[i].second;
    std::printf("    {%s, %s} support %.4f\n", cat.names[a].c_str(), cat.names[b].c_str(), pairs[i].first / n);
  }
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
  // The model on these baskets (no customers, so co-purchase only).
  std::vector<rapport::ModelProduct> products(cat.names.size());
  for (size_t i = 0; i < products.size(); ++i) products[i].id = products[i].title = cat.names[i];
  rapport::ModelOptions mo;
  mo.weights.w_history = g_weights[0];
  mo.weights.w_popularity = g_weights[1];
  mo.weights.w_replenish = g_weights[2];
  rapport::ModelStats stats;
  const rapport::Model model = rapport::BuildModelFromBaskets(baskets, products, mo, &stats);
  std::printf("  model (k = %u): %zu bytes, pairs kept %llu of %llu, %llu neighbours\n", model.meta.min_pairs,
              rapport::WriteModel(model).size(), (unsigned long long)stats.co_pairs_kept,
              (unsigned long long)stats.co_pairs_seen, (unsigned long long)stats.neighbours);
  // Basket completion (what the widget does on a product or cart page): in every basket of 2+ items, hide
  // each item in turn and rank from the others; 5-fold, so a basket never scores against a model learned from it.
  {
    double hits = 0, pop_hits = 0, trials = 0;
    for (int fold = 0; fold < 5; ++fold) {
      std::vector<BasketRow> learn;
      for (size_t i = 0; i < baskets.size(); ++i) if (i % 5 != size_t(fold)) learn.push_back(baskets[i]);
      const rapport::Model m = rapport::BuildModelFromBaskets(learn, products, mo);
      std::vector<uint32_t> popular(m.products.size());
      for (uint32_t i = 0; i < popular.size(); ++i) popular[i] = i;
      std::stable_sort(popular.begin(), popular.end(), [&](uint32_t a, uint32_t b) { return m.products[a].popularity > m.products[b].popularity; });
      for (size_t i = fold; i < baskets.size(); i += 5) {
        const auto& items = baskets[i].items;
        if (items.size() < 2) continue;
        for (size_t h = 0; h < items.size(); ++h) {
          std::vector<rapport::ContextItem> ctx;
          std::vector<uint32_t> exclude;
          for (size_t j = 0; j < items.size(); ++j) {
            if (j == h) continue;
            const uint32_t p = m.Find(cat.names[items[j]]);
            ctx.push_back(rapport::ContextItem{p, 1.0f, -1});
            exclude.push_back(p);
          }
          const uint32_t target = m.Find(cat.names[items[h]]);
          const auto recs = rapport::Recommend(m, ctx.data(), ctx.size(), exclude.data(), exclude.size(), 4);
          for (const auto& r : recs) hits += r.product == target;
          size_t shown = 0;
          for (uint32_t p : popular) {
            if (std::find(exclude.begin(), exclude.end(), p) != exclude.end()) continue;
            pop_hits += p == target;
            if (++shown == 4) break;
          }
          ++trials;
        }
      }
    }
    std::printf("  basket completion (hide one item, rank from the rest; 5-fold): %.0f trials\n", trials);
    std::printf("    %-32s hit rate@4 %.4f\n", "popularity baseline", pop_hits / trials);
    std::printf("    %-32s hit rate@4 %.4f\n", "widget ranking (model defaults)", hits / trials);
  }
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

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "";
#ifdef RAPPORT_SHARED_DATA
  if (dir.empty()) dir = RAPPORT_SHARED_DATA;
#endif
  if (dir.empty()) dir = "../shared/data";
  const rapport::ModelMeta defaults;
  g_weights[0] = defaults.w_history;
  g_weights[1] = defaults.w_popularity;
  g_weights[2] = defaults.w_replenish;
  for (int i = 2; i < argc && i < 5; ++i) g_weights[i - 2] = static_cast<uint32_t>(std::atoi(argv[i]));
  std::printf("weights: w_history %u, w_popularity %u, w_replenish %u\n", g_weights[0], g_weights[1], g_weights[2]);
  Kaggle(dir);
  Arules(dir);
  return 0;
}
