#include "core/recommend/build.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include "core/recommend/evaluate.h"
#include "core/recommend/pair_counts.h"
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace rapport {

namespace {

// An image URL's trailing `?v=DIGITS` (Shopify's CDN cache-buster: the same image without it) is dropped: ten
// random digits per product are ~12 KB of a 5,000-product model's 300 KB gzipped budget. Other queries are kept.
void DropCacheBuster(std::string* url) {
  const size_t q = url->rfind("?v=");
  if (q == std::string::npos || q + 3 == url->size()) return;
  for (size_t i = q + 3; i < url->size(); ++i) {
    if ((*url)[i] < '0' || (*url)[i] > '9') return;
  }
  url->resize(q);
}

constexpr size_t kMaxItemsPerBasket = 100;
// ModelBuilder::Run's pass over the baskets in customer order (kOrdered) reads each basket's items where the
// input holds it, a cache miss or more a basket: ~0.6 s a million baskets natively at 5.6 M, ten times its pass in
// input order. So a part of it is this share of the chunk, like the other passes' steps in time (the dashboard's
// widget op runs a part a step, and a page opened meanwhile waits for one).
constexpr size_t kOrderedShare = 8;


// The distinct items of the baskets a build uses, flat: those of the i-th basket of `use` are
// items[begin[i] .. begin[i + 1]), in first-seen order, capped at kMaxItemsPerBasket.
struct DistinctLists {
  std::vector<size_t> begin;
  std::vector<uint32_t> items;
  const uint32_t* first(size_t i) const { return items.data() + begin[i]; }
  const uint32_t* last(size_t i) const { return items.data() + begin[i + 1]; }
  size_t count(size_t i) const { return begin[i + 1] - begin[i]; }
};

// The median of a sample (mean of the two middle values for an even count).
double Median(std::vector<int32_t>* v) {
  // The middle element(s) by selection, not a sort (a product's intervals at a million customers: millions).
  const size_t n = v->size();
  const auto mid = v->begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v->begin(), mid, v->end());
  return n % 2 ? *mid : (*std::max_element(v->begin(), mid) + *mid) / 2.0;
}

// Orders containing each product, each weighted 2^(-age / half_life) (age: days before the newest order),
// quantised to 65535 x count / the largest count. Input product order.
std::vector<uint16_t> Popularity(const Baskets& baskets, const BasketSubset& use, const DistinctLists& items,
                                 size_t n, uint32_t half_life) {
  int32_t newest = INT32_MIN, oldest = INT32_MAX;
  for (uint32_t b : use) {
    newest = std::max(newest, baskets.day[b]);
    oldest = std::min(oldest, baskets.day[b]);
  }
  // The weight of each age in days, computed once a day of the span (a few thousand days), not once a basket
  // (5.6 M at a million customers: ~0.1 s natively, more in wasm, for each half-life the search tries). The
  // same expression, so the same values; a span over 2^20 days computes each basket's.
  std::vector<double> weight_of_age;
  if (half_life && !use.empty() && int64_t{newest} - oldest < (int64_t{1} << 20)) {
    weight_of_age.resize(static_cast<size_t>(newest - oldest) + 1);
    for (int32_t age = 0; age <= newest - oldest; ++age) weight_of_age[age] = std::exp2(-double(age) / half_life);
  }
  std::vector<double> count(n, 0.0);
  for (size_t i = 0; i < use.size(); ++i) {
    const int32_t age = newest - baskets.day[use[i]];
    const double w = !half_life ? 1.0 : !weight_of_age.empty() ? weight_of_age[age] : std::exp2(-double(age) / half_life);
    for (const uint32_t* p = items.first(i); p != items.last(i); ++p) count[*p] += w;
  }
  const double max_count = n ? *std::max_element(count.begin(), count.end()) : 0.0;
  std::vector<uint16_t> out(n, 0);
  for (size_t i = 0; i < n; ++i) out[i] = max_count > 0 ? static_cast<uint16_t>(std::lround(65535.0 * count[i] / max_count)) : 0;
  return out;
}

// Appends the distinct items of baskets use[from .. to) to `out` (whose begin holds at least the 0): each basket's
// in first-seen order, capped at kMaxItemsPerBasket, items >= n left out; `seen` is n zeros and left so.
void AppendDistinct(const Baskets& baskets, const BasketSubset& use, size_t from, size_t to, size_t n,
                    std::vector<char>* seen_, DistinctLists* out) {
  std::vector<char>& seen = *seen_;
  for (size_t i = from; i < to; ++i) {
    const uint32_t b = use[i];
    const size_t first = out->items.size();
    for (const uint32_t* it = baskets.items_begin(b); it != baskets.items_end(b); ++it) {
      const uint32_t p = *it;
      if (p >= n || seen[p]) continue;
      seen[p] = 1;
      out->items.push_back(p);
      if (out->items.size() - first == kMaxItemsPerBasket) break;
    }
    for (size_t k = first; k < out->items.size(); ++k) seen[out->items[k]] = 0;
    out->begin.push_back(out->items.size());
  }
}

Model BuildCore(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                const ModelOptions& options, ModelStats* stats_out, std::vector<uint32_t>* to_model);

// The personal weights, searched on half the validation customers and confirmed on the other half against
// plain popularity (build.h WeightValidation). `options.weights` are the starting (and fixed) values.
WeightValidation LearnWeights(const Baskets& baskets, const BasketSubset& use, const std::vector<ModelProduct>& products,
                              const ModelOptions& options) {
  return SearchWeights(baskets, products, options, BuildValidationModel(baskets, use, products, options));
}

}  // namespace

ValidationModel BuildValidationModel(const Baskets& baskets, const BasketSubset& use,
                                     const std::vector<ModelProduct>& products, const ModelOptions& options) {
  ValidationModel out;
  std::unique_ptr<ModelBuilder> builder = StartValidationModel(baskets, use, products, options, &out.split);
  if (builder) out.inner = builder->Result(nullptr, &out.to_model);
  return out;
}

std::unique_ptr<ModelBuilder> StartValidationModel(const Baskets& baskets, const BasketSubset& use,
                                                   const std::vector<ModelProduct>& products,
                                                   const ModelOptions& options, NextBasketSubsetSplit* split,
                                                   const std::vector<uint32_t>* in_order) {
  return StartValidationModel(baskets, products, options,
                              in_order ? SplitLastBasket(baskets, use, kValidationMaxCases, *in_order)
                                       : SplitLastBasket(baskets, use, kValidationMaxCases),
                              split);
}

std::unique_ptr<ModelBuilder> StartValidationModel(const Baskets& baskets, const std::vector<ModelProduct>& products,
                                                   const ModelOptions& options, NextBasketSubsetSplit made,
                                                   NextBasketSubsetSplit* split) {
  *split = std::move(made);
  if (split->cases.size() < kMinValidationCases) return nullptr;
  ModelOptions inner_options = options;
  inner_options.learn_weights = false;
  return std::make_unique<ModelBuilder>(baskets, split->learn, products, inner_options);
}

// The search's state between parts (evaluate.h WeightSearch): the distinct items of the learning baskets, a
// chunk at a time; the popularity for each half-life the search may try, one at a time (what the single search
// computed when it first tried one: the same numbers); then the search on them.
struct WeightSearch::State {
  enum Phase { kDistinct, kPopularity, kSearch, kDone };
  State(const Baskets& b, const std::vector<ModelProduct>& p, const ModelOptions& o, const ValidationModel& l)
      : baskets(b), products(p), options(o), learned(l) {}
  const Baskets& baskets;
  const std::vector<ModelProduct>& products;
  const ModelOptions options;
  const ValidationModel& learned;
  Phase phase = kDistinct;
  size_t pos = 0;
  std::vector<char> seen;
  DistinctLists items;
  std::vector<uint32_t> half_lives;  // to compute, in this order
  std::map<uint32_t, std::vector<uint16_t>> popularity;  // by half-life, in model order
  WeightValidation v;

  void AddPopularity(uint32_t h) {
    const std::vector<uint16_t> input = Popularity(baskets, learned.split.learn, items, products.size(), h);
    std::vector<uint16_t> model_order(input.size());
    for (size_t i = 0; i < input.size(); ++i) model_order[learned.to_model[i]] = input[i];
    popularity.emplace(h, std::move(model_order));
  }
  void Search();
};

// The half-lives the coordinate search below may try (its axis, or the fixed one).
constexpr uint32_t kHalfLives[] = {0, 7, 14, 30, 60, 120, 240, 365};

WeightSearch::WeightSearch(const Baskets& baskets, const std::vector<ModelProduct>& products,
                           const ModelOptions& options, const ValidationModel& learned)
    : s_(std::make_unique<State>(baskets, products, options, learned)) {
  State& s = *s_;
  if (learned.split.cases.size() < kMinValidationCases) {
    s.phase = State::kDone;
    return;
  }
  if (options.fix_half_life) s.half_lives = {options.weights.half_life_days};
  else s.half_lives.assign(std::begin(kHalfLives), std::end(kHalfLives));
  s.seen.assign(products.size(), 0);
  const BasketSubset& use = learned.split.learn;
  size_t total = 0;
  for (uint32_t b : use) total += std::min(baskets.item_count(b), kMaxItemsPerBasket);
  s.items.begin.reserve(use.size() + 1);
  s.items.begin.push_back(0);
  s.items.items.reserve(total);
}

WeightSearch::~WeightSearch() = default;

bool WeightSearch::done() const { return s_->phase == State::kDone; }

void WeightSearch::Run(size_t chunk) {
  State& s = *s_;
  const BasketSubset& use = s.learned.split.learn;
  switch (s.phase) {
    case State::kDistinct: {
      const size_t to = s.pos + std::min(std::max<size_t>(chunk, 1), use.size() - s.pos);
      AppendDistinct(s.baskets, use, s.pos, to, s.products.size(), &s.seen, &s.items);
      s.pos = to;
      if (s.pos < use.size()) return;
      s.seen = std::vector<char>();
      s.phase = State::kPopularity;
      s.pos = 0;
      return;
    }
    case State::kPopularity:
      s.AddPopularity(s.half_lives[s.pos++]);
      if (s.pos == s.half_lives.size()) s.phase = State::kSearch;
      return;
    case State::kSearch:
      s.Search();
      s.phase = State::kDone;
      return;
    case State::kDone:
      return;
  }
}

WeightValidation WeightSearch::Result() {
  while (!done()) Run(SIZE_MAX);
  return s_->v;
}

WeightValidation SearchWeights(const Baskets& baskets, const std::vector<ModelProduct>& products,
                               const ModelOptions& options, const ValidationModel& learned) {
  WeightSearch search(baskets, products, options, learned);
  return search.Result();
}

void WeightSearch::State::Search() {
  const NextBasketSubsetSplit& split = learned.split;
  Model inner = learned.inner;
  const std::vector<uint32_t>& to_model = learned.to_model;
  auto set_half_life = [&](uint32_t h) {
    auto it = popularity.find(h);
    if (it == popularity.end()) {
      AddPopularity(h);
      it = popularity.find(h);
    }
    for (size_t i = 0; i < inner.products.size(); ++i) inner.products[i].popularity = it->second[i];
    inner.meta.half_life_days = h;
  };
  std::vector<NextBasketCase> select, confirm;
  for (size_t c = 0; c < split.cases.size(); ++c) (c % 2 ? confirm : select).push_back(split.cases[c]);
  v.ran = true;
  v.select_cases = select.size();
  v.confirm_cases = confirm.size();
  auto objective = [](const CaseScores& s) { return (s.Hit4() + s.Recall10()) / 2; };

  // Coordinate search from plain popularity (fixed weights stay as given).
  ModelMeta best = options.weights;
  if (!options.fix_w_bought) best.w_bought = 0;
  if (!options.fix_w_repeat) best.w_repeat = 0;
  if (!options.fix_w_replenish) best.w_replenish = 0;
  if (!options.fix_half_life) best.half_life_days = 0;
  const ModelMeta baseline = best;
  auto score = [&](const ModelMeta& m, const std::vector<NextBasketCase>& cases) {
    inner.meta = m;
    set_half_life(m.half_life_days);
    return ScoreModel(inner, to_model, cases);
  };
  // The search revisits points (round 2 retries every value around a best that may not have moved): each
  // point's objective is computed once. Exact: the same numbers, about a third fewer rankings.
  std::map<std::array<uint32_t, 4>, double> seen;
  auto select_objective = [&](const ModelMeta& m) {
    const std::array<uint32_t, 4> key{m.half_life_days, m.w_repeat, m.w_replenish, m.w_bought};
    auto it = seen.find(key);
    if (it == seen.end()) it = seen.emplace(key, objective(score(m, select))).first;
    return it->second;
  };
  double best_objective = select_objective(best);
  struct Axis {
    uint32_t ModelMeta::*field;
    bool fixed;
    std::vector<uint32_t> values;
  };
  const Axis axes[] = {
      {&ModelMeta::half_life_days, options.fix_half_life, {0, 7, 14, 30, 60, 120, 240, 365}},
      {&ModelMeta::w_repeat, options.fix_w_repeat, {0, 25, 50, 100, 200, 400, 800, 1600, 3200, 6400}},
      {&ModelMeta::w_replenish, options.fix_w_replenish, {0, 100, 300, 1000}},
      {&ModelMeta::w_bought, options.fix_w_bought, {0, 100, 300, 1000}},
  };
  for (int round = 0; round < 2; ++round) {
    for (const Axis& axis : axes) {
      if (axis.fixed) continue;
      for (uint32_t value : axis.values) {
        if (best.*axis.field == value) continue;
        ModelMeta trial = best;
        trial.*axis.field = value;
        const double o = select_objective(trial);
        if (o > best_objective + 1e-12) {
          best_objective = o;
          best = trial;
        }
      }
    }
  }
  v.searched = best;
  const CaseScores searched = score(best, confirm);
  const CaseScores plain = score(baseline, confirm);
  v.hit4 = searched.Hit4();
  v.pop_hit4 = plain.Hit4();
  v.recall10 = searched.Recall10();
  v.pop_recall10 = plain.Recall10();
  std::vector<float> a(confirm.size()), b(confirm.size());
  for (size_t c = 0; c < confirm.size(); ++c) {
    a[c] = (searched.hit4[c] + searched.recall10[c]) / 2;
    b[c] = (plain.hit4[c] + plain.recall10[c]) / 2;
  }
  const Interval gain = PairedBootstrap(a, b, 0x5EED);
  v.gain_lo = gain.lo;
  v.gain_hi = gain.hi;
  const Interval d_hit4 = PairedBootstrap(searched.hit4, plain.hit4, 0x5EED + 1);
  const Interval d_recall10 = PairedBootstrap(searched.recall10, plain.recall10, 0x5EED + 2);
  v.hit4_lo = d_hit4.lo;
  v.hit4_hi = d_hit4.hi;
  v.recall10_lo = d_recall10.lo;
  v.recall10_hi = d_recall10.hi;
  v.accepted = gain.lo > 0 && v.hit4_lo >= 0 && v.recall10_lo >= 0;
}

uint32_t AdaptiveTopN(size_t products) {
  if (products == 0) return 20;
  return static_cast<uint32_t>(std::min<size_t>(20, std::max<size_t>(8, kNeighbourBudget / products)));
}

Baskets Baskets::From(const std::vector<BasketRow>& rows) {
  Baskets out;
  out.customer.reserve(rows.size());
  out.day.reserve(rows.size());
  out.begin.reserve(rows.size() + 1);
  for (const BasketRow& row : rows) {
    out.Open(row.customer, row.day);
    out.items.insert(out.items.end(), row.items.begin(), row.items.end());
    out.Close();
  }
  return out;
}

std::vector<BasketRow> Baskets::Rows() const {
  std::vector<BasketRow> rows(size());
  for (size_t b = 0; b < size(); ++b) rows[b] = BasketRow{customer[b], day[b], std::vector<uint32_t>(items_begin(b), items_end(b))};
  return rows;
}

BasketSubset AllBaskets(const Baskets& baskets) {
  BasketSubset all(baskets.size());
  std::iota(all.begin(), all.end(), 0u);
  return all;
}

Model BuildModelFromBaskets(const std::vector<BasketRow>& baskets, std::vector<ModelProduct> products,
                            const ModelOptions& options, ModelStats* stats_out, std::vector<uint32_t>* to_model) {
  const Baskets flat = Baskets::From(baskets);
  return BuildModelFromBaskets(flat, AllBaskets(flat), std::move(products), options, stats_out, to_model);
}

Model BuildModelFromBaskets(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                            const ModelOptions& options, ModelStats* stats_out, std::vector<uint32_t>* to_model) {
  const WeightValidation validation = ValidateWeights(baskets, use, products, options);
  return BuildModelValidated(baskets, use, std::move(products), options, validation, stats_out, to_model);
}

bool LearnsWeights(const ModelOptions& options) {
  return options.learn_weights &&
         !(options.fix_w_bought && options.fix_w_repeat && options.fix_w_replenish && options.fix_half_life);
}

WeightValidation ValidateWeights(const Baskets& baskets, const BasketSubset& use, const std::vector<ModelProduct>& products,
                                 const ModelOptions& options) {
  if (LearnsWeights(options)) return LearnWeights(baskets, use, products, options);
  return WeightValidation{};
}

Model BuildModelValidated(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                          const ModelOptions& options, const WeightValidation& validation, ModelStats* stats_out,
                          std::vector<uint32_t>* to_model) {
  Model model = BuildCore(baskets, use, std::move(products), ChosenOptions(options, validation), stats_out, to_model);
  if (stats_out) stats_out->validation = validation;
  return model;
}

ModelOptions ChosenOptions(const ModelOptions& options, const WeightValidation& validation) {
  ModelOptions chosen = options;
  if (LearnsWeights(options)) {
    if (validation.accepted) chosen.weights = validation.searched;
    else {
      // No personal signal shown (or too few repeat customers to tell): plain popularity for histories.
      if (!options.fix_w_bought) chosen.weights.w_bought = 0;
      if (!options.fix_w_repeat) chosen.weights.w_repeat = 0;
      if (!options.fix_w_replenish) chosen.weights.w_replenish = 0;
      if (!options.fix_half_life) chosen.weights.half_life_days = 0;
    }
  }
  return chosen;
}

namespace {

Model BuildCore(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                const ModelOptions& options, ModelStats* stats_out, std::vector<uint32_t>* to_model) {
  ModelBuilder builder(baskets, use, std::move(products), options);
  while (!builder.done()) builder.Run(SIZE_MAX);
  return builder.Result(stats_out, to_model);
}

}  // namespace

// The build's state between parts (build.h ModelBuilder). The phases run in the order of the single build they
// replace, each over all the baskets before the next: the distinct items of the baskets in input order, the
// co-occurrence counts, the popularity, the baskets ordered by customer and day, their distinct items in that
// order, the transitions and intervals, then the scores and the file's model.
struct ModelBuilder::State {
  enum Phase { kDistinct, kCount, kPopularity, kOrder, kGather, kOrdered, kSequence, kScores, kDone };
  State(const Baskets& b, BasketSubset u, std::vector<ModelProduct> p, const ModelOptions& o)
      : baskets(b), use(std::move(u)), products(std::move(p)), options(o), n(products.size()) {}
  const Baskets& baskets;
  const BasketSubset use;
  std::vector<ModelProduct> products;
  const ModelOptions options;
  const size_t n;
  Phase phase = kDistinct;
  size_t pos = 0;  // the next basket (position) of the phase under way
  size_t reserve = 0;  // the distinct lists' items, at most
  ModelStats stats;
  std::vector<char> seen;
  DistinctLists items;  // by position in `use`
  std::vector<uint32_t> count;
  std::unique_ptr<PairCounts> co;
  std::vector<uint16_t> popularity;
  std::unique_ptr<CustomerDayOrderer> orderer;  // the order under way
  BasketSubset in_order;
  std::vector<uint32_t> customer_in_order;
  std::vector<int32_t> day_in_order;
  DistinctLists ordered;  // by position in in_order
  std::vector<uint32_t> from_count, to_count;
  std::unique_ptr<PairCounts> seq;
  std::vector<std::vector<int32_t>> intervals;
  std::vector<int32_t> last_day;  // the current customer's last day with each product (kNoLastDay: none yet)
  std::vector<uint32_t> touched;  // the products set in last_day, to reset
  static constexpr int32_t kNoLastDay = INT32_MIN;
  Model model;
  std::vector<uint32_t> new_index;

  void Scores();
};

ModelBuilder::ModelBuilder(const Baskets& baskets, BasketSubset use, std::vector<ModelProduct> products,
                           const ModelOptions& options)
    : s_(std::make_unique<State>(baskets, std::move(use), std::move(products), options)) {
  State& s = *s_;
  const size_t n = s.n;
  s.stats.baskets = s.use.size();
  // Unique, non-empty ids.
  {
    std::unordered_set<std::string> used;
    for (size_t i = 0; i < n; ++i) {
      DropCacheBuster(&s.products[i].image);
      if (s.products[i].id.empty()) s.products[i].id = "#" + std::to_string(i);
      if (!used.insert(s.products[i].id).second) {
        s.products[i].id += "~" + std::to_string(i);
        used.insert(s.products[i].id);
      }
    }
  }
  for (uint32_t b : s.use) s.reserve += std::min(baskets.item_count(b), kMaxItemsPerBasket);
  s.seen.assign(n, 0);
  s.items.begin.reserve(s.use.size() + 1);
  s.items.begin.push_back(0);
  s.items.items.reserve(s.reserve);
}

ModelBuilder::~ModelBuilder() = default;

bool ModelBuilder::done() const { return s_->phase == State::kDone; }

void ModelBuilder::Run(size_t chunk) {
  State& s = *s_;
  const size_t n = s.n;
  chunk = std::max<size_t>(chunk, 1);
  const size_t total = s.use.size();
  const size_t from = s.pos, to = from + std::min(chunk, total - from);
  switch (s.phase) {
    case State::kDistinct: {
      // Distinct items per basket (by position in `use`), for the co-occurrence counts and the popularity.
      AppendDistinct(s.baskets, s.use, from, to, n, &s.seen, &s.items);
      s.pos = to;
      if (s.pos < total) return;
      size_t max_pairs = 0;  // an upper bound on the distinct pairs
      for (size_t i = 0; i < total; ++i) max_pairs += s.items.count(i) * (s.items.count(i) - (s.items.count(i) ? 1 : 0)) / 2;
      s.co = std::make_unique<PairCounts>(n, max_pairs);  // a < b
      s.count.assign(n, 0);
      s.phase = State::kCount;
      s.pos = 0;
      return;
    }
    case State::kCount: {
      // Co-occurrence counts.
      for (size_t k = from; k < to; ++k) {
        const uint32_t* basket = s.items.first(k);
        const size_t size = s.items.count(k);
        for (size_t i = 0; i < size; ++i) {
          ++s.count[basket[i]];
          for (size_t j = i + 1; j < size; ++j) s.co->Add(std::min(basket[i], basket[j]), std::max(basket[i], basket[j]));
        }
      }
      s.pos = to;
      if (s.pos == total) {
        s.phase = State::kPopularity;
        s.pos = 0;
      }
      return;
    }
    case State::kPopularity:
      s.popularity = Popularity(s.baskets, s.use, s.items, n, s.options.weights.half_life_days);
      s.items = DistinctLists();
      s.phase = State::kOrder;
      return;
    case State::kOrder: {
      // For the transitions, the baskets' customer, day and distinct items in customer, day, input position
      // order, gathered once so that the loop over them reads in sequence: reading them through the order
      // (cache misses on every basket's lists) took most of a build's seconds at 5.6 M baskets. The order a
      // part of at most `chunk` positions at a time (CustomerDayOrderer), then the gathering likewise.
      if (!s.orderer) s.orderer = std::make_unique<CustomerDayOrderer>(s.baskets, s.use);
      s.orderer->Run(chunk);
      if (!s.orderer->done()) return;
      s.in_order = s.orderer->Result();  // positions in `use`, then (gathered) baskets
      s.orderer.reset();
      s.customer_in_order.resize(s.in_order.size());
      s.day_in_order.resize(s.in_order.size());
      s.phase = State::kGather;
      s.pos = 0;
      return;
    }
    case State::kGather: {
      for (size_t k = from; k < to; ++k) {
        const uint32_t b = s.use[s.in_order[k]];
        s.in_order[k] = b;
        s.customer_in_order[k] = s.baskets.customer[b];
        s.day_in_order[k] = s.baskets.day[b];
      }
      s.pos = to;
      if (s.pos < total) return;
      s.ordered.begin.reserve(s.in_order.size() + 1);
      s.ordered.begin.push_back(0);
      s.ordered.items.reserve(s.reserve);
      s.phase = State::kOrdered;
      s.pos = 0;
      return;
    }
    case State::kOrdered: {
      const size_t end = from + std::min(std::max<size_t>(chunk / kOrderedShare, 1), total - from);
      AppendDistinct(s.baskets, s.in_order, from, end, n, &s.seen, &s.ordered);
      s.pos = end;
      if (s.pos < total) return;
      s.in_order = BasketSubset();
      s.seen = std::vector<char>();
      s.from_count.assign(n, 0);
      s.to_count.assign(n, 0);
      s.seq = std::make_unique<PairCounts>(n, 0);  // directed a -> b
      s.intervals.resize(n);
      s.last_day.assign(n, State::kNoLastDay);
      s.phase = State::kSequence;
      s.pos = 0;
      return;
    }
    case State::kSequence: {
      // Sequential counts, and repurchase intervals, over each customer's baskets in date order.
      const std::vector<uint32_t>& customer_at = s.customer_in_order;
      const DistinctLists& ordered = s.ordered;
      for (size_t k = from; k < to; ++k) {
        const uint32_t customer = customer_at[k];
        const int32_t day = s.day_in_order[k];
        if (customer == UINT32_MAX) continue;
        if (k == 0 || customer_at[k - 1] != customer) {
          for (uint32_t p : s.touched) s.last_day[p] = State::kNoLastDay;
          s.touched.clear();
        }
        for (const uint32_t* p = ordered.first(k); p != ordered.last(k); ++p) {
          int32_t& last = s.last_day[*p];
          if (last == State::kNoLastDay) {
            s.touched.push_back(*p);
            last = day;
          } else if (day > last) {
            s.intervals[*p].push_back(day - last);
            last = day;
          }
        }
        if (k + 1 < customer_at.size() && customer_at[k + 1] == customer) {
          const size_t a_list = k, b_list = k + 1;
          if (ordered.count(a_list) == 0 || ordered.count(b_list) == 0) continue;
          ++s.stats.transitions;
          for (const uint32_t* a = ordered.first(a_list); a != ordered.last(a_list); ++a) ++s.from_count[*a];
          for (const uint32_t* b = ordered.first(b_list); b != ordered.last(b_list); ++b) ++s.to_count[*b];
          for (const uint32_t* a = ordered.first(a_list); a != ordered.last(a_list); ++a) {
            for (const uint32_t* b = ordered.first(b_list); b != ordered.last(b_list); ++b) {
              if (*a != *b) s.seq->Add(*a, *b);
            }
          }
        }
      }
      s.pos = to;
      if (s.pos < total) return;
      s.ordered = DistinctLists();
      s.customer_in_order = std::vector<uint32_t>();
      s.day_in_order = std::vector<int32_t>();
      s.last_day = std::vector<int32_t>();
      s.touched = std::vector<uint32_t>();
      s.phase = State::kScores;
      s.pos = 0;
      return;
    }
    case State::kScores:
      s.Scores();
      s.phase = State::kDone;
      return;
    case State::kDone:
      return;
  }
}

Model ModelBuilder::Result(ModelStats* stats, std::vector<uint32_t>* to_model) {
  while (!done()) Run(SIZE_MAX);
  if (stats) *stats = s_->stats;
  if (to_model) *to_model = s_->new_index;
  return std::move(s_->model);
}

void ModelBuilder::State::Scores() {
  // Blended similarity per directed pair, keeping only components seen >= min_pairs times.
  const double k = std::max<uint32_t>(1, options.min_pairs);
  std::unordered_map<uint64_t, double> sim;
  stats.co_pairs_seen = co->Distinct();
  co->ForEach([&](uint64_t key, uint32_t c) {
    if (c < k) return;
    ++stats.co_pairs_kept;
    const uint32_t a = static_cast<uint32_t>(key >> 32), b = static_cast<uint32_t>(key);
    const double cosine = c / std::sqrt(double(count[a]) * count[b]);
    sim[PairCounts::Key(a, b)] += (1 - options.seq_weight) * cosine;
    sim[PairCounts::Key(b, a)] += (1 - options.seq_weight) * cosine;
  });
  stats.seq_pairs_seen = seq->Distinct();
  seq->ForEach([&](uint64_t key, uint32_t c) {
    if (c < k) return;
    ++stats.seq_pairs_kept;
    const uint32_t a = static_cast<uint32_t>(key >> 32), b = static_cast<uint32_t>(key);
    sim[key] += options.seq_weight * c / std::sqrt(double(from_count[a]) * to_count[b]);
  });

  // Top-N per product (deterministic: by score, then product index).
  std::vector<std::vector<std::pair<double, uint32_t>>> lists(n);
  for (const auto& [key, s] : sim) lists[key >> 32].push_back({s, static_cast<uint32_t>(key)});

  // Sort products by id and remap.
  std::vector<uint32_t> by_id(n);
  std::iota(by_id.begin(), by_id.end(), 0);
  std::sort(by_id.begin(), by_id.end(), [&](uint32_t x, uint32_t y) { return products[x].id < products[y].id; });
  new_index.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) new_index[by_id[i]] = i;

  model.meta = options.weights;
  model.meta.min_pairs = static_cast<uint32_t>(k);
  model.meta.top_n = std::min<uint32_t>(options.top_n == 0 ? AdaptiveTopN(n) : options.top_n, 1000);
  model.meta.baskets = static_cast<uint32_t>(std::min<uint64_t>(use.size(), UINT32_MAX));
  model.review = options.review;
  model.products.resize(n);
  model.neighbours.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t old = by_id[i];
    ModelProduct p = std::move(products[old]);
    p.popularity = popularity[old];
    if (!intervals[old].empty()) {
      p.repurchase_days = static_cast<uint32_t>(std::min(36500.0, std::round(Median(&intervals[old]))));
      ++stats.products_with_interval;
    }
    model.products[i] = std::move(p);
    auto& list = lists[old];
    std::sort(list.begin(), list.end(), [&](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : new_index[x.second] < new_index[y.second];
    });
    if (list.size() > model.meta.top_n) list.resize(model.meta.top_n);
    for (const auto& [s, other] : list) {
      // The file keeps one byte per score (model.h, v3): quantise here so the model in memory (the bench's) ranks
      // exactly as the one read back from the file (the widget's).
      const long q = std::lround(std::min(1.0, s) * 255.0);
      if (q == 0) continue;
      model.neighbours[i].push_back(Neighbour{new_index[other], static_cast<uint16_t>(q * 257)});
    }
    // Quantisation makes ties: best first by the quantised value, ties by product index (as the reader sorts).
    std::sort(model.neighbours[i].begin(), model.neighbours[i].end(), [](const Neighbour& x, const Neighbour& y) {
      return x.score != y.score ? x.score > y.score : x.product < y.product;
    });
    stats.neighbours += model.neighbours[i].size();
    if (!model.neighbours[i].empty()) ++stats.products_with_neighbours;
  }
}



std::string CollectBaskets(const Workspace& ws, const Settings& settings, std::vector<ModelProduct>* products_out,
                           std::vector<BasketRow>* baskets_out) {
  Baskets flat;
  const std::string currency = CollectBaskets(ws, settings, products_out, &flat);
  *baskets_out = flat.Rows();
  return currency;
}

std::string CollectBaskets(const Workspace& ws, const Settings& settings, std::vector<ModelProduct>* products_out,
                           Baskets* baskets_out) {
  return BasketCollector(ws, settings).Result(products_out, baskets_out);
}

struct BasketCollector::State {
  explicit State(const Workspace& w) : ws(w) {}
  const Workspace& ws;
  int32_t as_of = kNoDay;
  uint32_t currency = kNoId;
  size_t next_order = 0;
  std::vector<ModelProduct> products;
  Baskets baskets;
  std::vector<int32_t> price_day;  // the day of each product's price taken from its lines (INT32_MIN: none yet)
};

BasketCollector::BasketCollector(const Workspace& ws, const Settings& settings) : s_(std::make_unique<State>(ws)) {
  State& s = *s_;
  const ProductTable& pt = ws.products;
  std::vector<ModelProduct>& products = s.products;
  products.assign(pt.size(), ModelProduct());
  for (size_t i = 0; i < pt.size(); ++i) {
    ModelProduct& p = products[i];
    p.id = !pt.sku[i].empty() ? pt.sku[i] : !pt.handle[i].empty() ? pt.handle[i] : pt.key[i];
    p.title = pt.title[i];
    p.url = pt.url[i];
    p.image = pt.image_url[i];
    p.price_cents = pt.price_cents[i];
  }
  // The currency of the prices: the settings' one, else the currency of most orders.
  uint32_t currency = settings.currency.empty() ? kNoId : ws.currencies.Find(settings.currency);
  if (currency == kNoId) {
    std::vector<uint64_t> per(ws.currencies.size(), 0);
    for (size_t o = 0; o < ws.orders.size(); ++o) {
      if (ws.orders.currency[o] < per.size()) ++per[ws.orders.currency[o]];
    }
    if (!per.empty()) {
      const auto best = std::max_element(per.begin(), per.end());
      if (*best > 0) currency = static_cast<uint32_t>(best - per.begin());
    }
  }
  s.currency = currency;
  s.as_of = settings.as_of_day;
  Baskets& baskets = s.baskets;
  baskets.customer.reserve(ws.orders.size());
  baskets.day.reserve(ws.orders.size());
  baskets.begin.reserve(ws.orders.size() + 1);
  baskets.items.reserve(ws.lines.size());
  // Products without a catalogue price take the latest unit price they sold for in that currency.
  s.price_day.assign(pt.size(), INT32_MIN);
}

BasketCollector::~BasketCollector() = default;
bool BasketCollector::done() const { return s_->next_order >= s_->ws.orders.size(); }

size_t BasketCollector::Run(size_t rows) {
  State& s = *s_;
  const Workspace& ws = s.ws;
  const ProductTable& pt = ws.products;
  Baskets& baskets = s.baskets;
  const size_t begin = s.next_order, end = begin + std::min(std::max<size_t>(rows, 1), ws.orders.size() - begin);
  for (size_t o = begin; o < end; ++o) {
    if (!ws.orders.valid(o)) continue;
    if (s.as_of != kNoDay && ws.orders.day[o] > s.as_of) continue;
    const int32_t day = ws.orders.day[o];
    baskets.Open(ws.orders.customer[o] == kNoId ? UINT32_MAX : ws.orders.customer[o], day);
    const uint32_t first = ws.orders.first_line[o];
    for (uint32_t l = first; l < first + ws.orders.line_count[o] && l < ws.lines.size(); ++l) {
      const uint32_t p = ws.lines.product[l];
      if (p >= pt.size()) continue;
      baskets.items.push_back(p);
      if (pt.price_cents[p] < 0 && ws.orders.currency[o] == s.currency && day >= s.price_day[p]) {
        s.price_day[p] = day;
        s.products[p].price_cents = ws.lines.unit_price_cents[l];
      }
    }
    baskets.Close();
  }
  s.next_order = end;
  return end - begin;
}

std::string BasketCollector::Result(std::vector<ModelProduct>* products, Baskets* baskets) {
  while (!done()) Run(SIZE_MAX);
  *products = std::move(s_->products);
  *baskets = std::move(s_->baskets);
  return s_->currency == kNoId ? "" : s_->ws.currencies[s_->currency];
}

Model BuildModel(const Workspace& ws, const Settings& settings, ModelOptions options, ModelStats* stats) {
  std::vector<ModelProduct> products;
  Baskets baskets;
  const std::string currency = CollectBaskets(ws, settings, &products, &baskets);
  Model model = BuildModelFromBaskets(baskets, AllBaskets(baskets), std::move(products), OptionsForSettings(options, settings), stats);
  model.meta.currency = currency;
  return model;
}

ModelOptions OptionsForSettings(ModelOptions options, const Settings& settings) {
  if (options.review.delay_days == ReviewPromptSettings{}.delay_days && settings.review_request_delay_days > 0) {
    options.review.delay_days = static_cast<uint32_t>(settings.review_request_delay_days);
  }
  return options;
}

}  // namespace rapport
