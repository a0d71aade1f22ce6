// Offline quality of the widget's ranking, and the validation that learns its personal weights (build.h).
// Both use the next-basket protocol on a store's own order lines: every customer with two or more orders has
// their last order hidden; the model is learned from everything else; each such customer's earlier orders
// become the shopper history the widget would hold (purchases with days before the hidden order), and the
// ranking (scoring.h RecommendForShopper, the code the widget runs) is scored on the hidden order:
//   hit@4     1 when at least one of the top 4 is in the hidden order, else 0;
//   recall@10 the share of the hidden order's distinct products among the top 10.
// The popularity baseline ranks every product by the number of learning orders containing it.
// Differences are paired (same customers); their 95 % confidence intervals come from a percentile bootstrap
// over customers (2,000 resamples, fixed seed: the same data gives the same interval).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/recommend/build.h"
#include "core/recommend/scoring.h"

namespace rapport {

struct NextBasketCase {
  ShopperHistory history;        // product indices of the input list; purchases latest first
  std::vector<uint32_t> truth;   // the hidden order's distinct products
  int32_t day = 0;               // of the hidden order
  uint32_t customer = 0;
};

struct NextBasketSplit {
  std::vector<BasketRow> learn;       // every order but each repeat customer's last
  std::vector<NextBasketCase> cases;  // at most max_cases (an even spread over the customers), in customer order
  size_t customers_with_repeat = 0;   // customers with 2+ orders (all of them lost their last order from learn)
};
// The same over flat baskets: the learning orders as indexes into them (no copy).
struct NextBasketSubsetSplit {
  BasketSubset learn;
  std::vector<NextBasketCase> cases;
  size_t customers_with_repeat = 0;
};

// build.h's ValidateWeights in two steps (defined in build.cpp): the model learned on the validation split (all
// baskets but each repeat customer's last: the costly build), then the search of the weights on it.
// SearchWeights(BuildValidationModel(..)) == ValidateWeights(..) when options learn weights and fix not all.
struct ValidationModel {
  NextBasketSubsetSplit split;      // nothing ran when it has fewer than kMinValidationCases cases
  Model inner;                      // learned on split.learn, options' weights
  std::vector<uint32_t> to_model;   // input product index -> inner's
};
ValidationModel BuildValidationModel(const Baskets& baskets, const BasketSubset& use,
                                     const std::vector<ModelProduct>& products, const ModelOptions& options);
// SearchWeights in parts (the engine's steps): each Run does one part (at most `chunk` learning baskets' distinct
// items, or one half-life's popularity, or the search over the validation cases) and returns; Result is
// SearchWeights' to the bit. `baskets`, `products` and `learned` must outlive it.
class WeightSearch {
 public:
  WeightSearch(const Baskets& baskets, const std::vector<ModelProduct>& products, const ModelOptions& options,
               const ValidationModel& learned);
  ~WeightSearch();
  WeightSearch(const WeightSearch&) = delete;
  WeightSearch& operator=(const WeightSearch&) = delete;
  bool done() const;
  void Run(size_t chunk);
  WeightValidation Result();  // runs what is left first

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// BuildValidationModel in parts (the engine's steps): the split, then a builder of the inner model (null when the
// split has too few cases: nothing to build); {split, builder->Result(nullptr, &to_model)} is the ValidationModel.
// `in_order`, when given, is ByCustomerAndDay(baskets, use).
std::unique_ptr<ModelBuilder> StartValidationModel(const Baskets& baskets, const BasketSubset& use,
                                                   const std::vector<ModelProduct>& products,
                                                   const ModelOptions& options, NextBasketSubsetSplit* split,
                                                   const std::vector<uint32_t>* in_order = nullptr);
// The same from a split made beforehand (SplitLastBasket or LastBasketSplitter with kValidationMaxCases: the
// engine's steps of their own), moved into *split.
std::unique_ptr<ModelBuilder> StartValidationModel(const Baskets& baskets, const std::vector<ModelProduct>& products,
                                                   const ModelOptions& options, NextBasketSubsetSplit made,
                                                   NextBasketSubsetSplit* split);
WeightValidation SearchWeights(const Baskets& baskets, const std::vector<ModelProduct>& products,
                               const ModelOptions& options, const ValidationModel& learned);

// Positions in `use` ordered by the customer, then the day of their baskets, then position (what a stable
// sort by (customer, day) gives): a counting sort by customer when the ids are dense (a workspace's), else a
// sort of packed keys (at 5,000,000 baskets an index sort that compares through the rows spends seconds on
// cache misses).
std::vector<uint32_t> ByCustomerAndDay(const Baskets& baskets, const BasketSubset& use);
// The same a part at a time (the engine's steps): Run(rows) does at most `rows` positions of a pass (the largest
// customer id, the counts, the placing) or customer runs of about `rows` positions sorted by day (0: a whole
// pass) and returns how many; Result() (running what is left) is ByCustomerAndDay's order. `baskets` and `use`
// must outlive it.
class CustomerDayOrderer {
 public:
  CustomerDayOrderer(const Baskets& baskets, const BasketSubset& use);
  ~CustomerDayOrderer();
  CustomerDayOrderer(const CustomerDayOrderer&) = delete;
  CustomerDayOrderer& operator=(const CustomerDayOrderer&) = delete;
  bool done() const;
  size_t Run(size_t rows);
  std::vector<uint32_t> Result();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Orders without items are ignored; a customer's orders are taken in day order (ties: input order).
NextBasketSplit SplitLastBasket(const std::vector<BasketRow>& baskets, size_t max_cases);
NextBasketSubsetSplit SplitLastBasket(const Baskets& baskets, const BasketSubset& use, size_t max_cases);
// The same with `in_order` = ByCustomerAndDay(baskets, use), computed beforehand (the engine's step of its own).
NextBasketSubsetSplit SplitLastBasket(const Baskets& baskets, const BasketSubset& use, size_t max_cases,
                                      const std::vector<uint32_t>& in_order);
// That split a part at a time (the engine's steps): Run(rows) does at most `rows` positions of a pass (the
// baskets in customer order: random reads, ~0.6 s natively at 5.6 M baskets in one piece; then the learning
// baskets) or one of the short parts between (each customer's last basket hidden; the cases), 0: a whole pass,
// and returns how many; Result() (running what is left, once) is SplitLastBasket's split. `baskets`, `use` and
// `in_order` must outlive it.
class LastBasketSplitter {
 public:
  LastBasketSplitter(const Baskets& baskets, const BasketSubset& use, size_t max_cases, const std::vector<uint32_t>& in_order);
  ~LastBasketSplitter();
  LastBasketSplitter(const LastBasketSplitter&) = delete;
  LastBasketSplitter& operator=(const LastBasketSplitter&) = delete;
  bool done() const;
  size_t Run(size_t rows);
  NextBasketSubsetSplit Result();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Per case scores (1/0 for hit@4, [0,1] for recall@10).
struct CaseScores {
  std::vector<float> hit4, recall10;
  double Hit4() const;
  double Recall10() const;
};

// Ranks every case with RecommendForShopper; `to_model` maps input product indices to the model's.
CaseScores ScoreModel(const Model& model, const std::vector<uint32_t>& to_model, const std::vector<NextBasketCase>& cases);
// The popularity baseline: products ranked by orders containing them in `learn`; ties by the model's index
// (`to_model`, as the widget breaks them), so that a model without personal weights scores exactly the same.
CaseScores ScorePopularity(const std::vector<BasketRow>& learn, const std::vector<uint32_t>& to_model,
                           const std::vector<NextBasketCase>& cases);
CaseScores ScorePopularity(const Baskets& baskets, const BasketSubset& learn, const std::vector<uint32_t>& to_model,
                           const std::vector<NextBasketCase>& cases);

struct Interval {
  double lo = 0, hi = 0;
};
// 95 % percentile-bootstrap interval of mean(a - b) over paired cases.
Interval PairedBootstrap(const std::vector<float>& a, const std::vector<float>& b, uint64_t seed, int resamples = 2000);

struct NextBasketReport {
  size_t cases = 0, customers_with_repeat = 0;
  double model_hit4 = 0, pop_hit4 = 0, model_recall10 = 0, pop_recall10 = 0;
  Interval d_hit4, d_recall10;  // model - popularity
  ModelMeta weights;            // what the build learned (or was given) on the learning orders
  WeightValidation validation;  // how it learned them
  CaseScores model, popularity; // per case, for further analysis (bench)
};

// The whole protocol: split, build the model from `learn` exactly as the storefront's would be built from the
// whole store (options, including weight learning on learn's own validation split), score against popularity.
NextBasketReport EvaluateNextBasket(const std::vector<BasketRow>& baskets, const std::vector<ModelProduct>& products,
                                    const ModelOptions& options, size_t max_cases = 20000);
NextBasketReport EvaluateNextBasket(const Baskets& baskets, const std::vector<ModelProduct>& products,
                                    const ModelOptions& options, size_t max_cases = 20000);

}  // namespace rapport
