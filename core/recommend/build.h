// Learning the widget's model (core/recommend/model.h) from order lines. Two entry points:
//  - BuildModelFromBaskets: from plain baskets (who, when, which items) — the workspace and the offline
//    evaluation (evaluate.h, bench/widget_quality_bench.cpp) use the same code;
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
// Popularity counts orders, each weighted 2^(-age / half_life_days) (age: days before the newest order).
// Unless options say otherwise, the personal weights (model.h ModelMeta) are learned first: the same build on
// the orders minus each repeat customer's last, scored on those last orders (evaluate.h, WeightValidation).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/recommend/model.h"
#include "core/workspace/workspace.h"

namespace rapport {

// What the validation split found (evaluate.h has the protocol): the weights are chosen on one half of the
// validation customers (coordinate search from plain popularity, objective (hit@4 + recall@10) / 2) and kept
// only when, on the other half, they beat plain popularity on that objective (95 % bootstrap interval above 0)
// AND on neither metric alone the interval reaches below 0 (a trade of hit@4 for recall@10 is not accepted);
// otherwise the personal weights are 0: plain popularity for shoppers' histories, so the widget never ranks a
// history worse than popularity on evidence the store's own orders can show.
struct WeightValidation {
  bool ran = false;              // false: fewer than kMinValidationCases customers with 2+ orders, or weights fixed
  size_t select_cases = 0, confirm_cases = 0;
  bool accepted = false;
  // On the confirming half: the searched weights vs plain popularity (zero personal weights, no half-life).
  double hit4 = 0, pop_hit4 = 0, recall10 = 0, pop_recall10 = 0;
  double gain_lo = 0, gain_hi = 0;  // 95 % interval of the gain in (hit@4 + recall@10) / 2
  double hit4_lo = 0, recall10_lo = 0;  // lower ends of the 95 % intervals of each metric's difference
  double hit4_hi = 0, recall10_hi = 0;  // and their upper ends
  ModelMeta searched;               // the weights the search found (kept only when accepted)
};

constexpr size_t kMinValidationCases = 100;
// The validation split's cases, at most (an even spread over the repeat customers).
constexpr size_t kValidationMaxCases = 3000;

struct ModelOptions {
  uint32_t min_pairs = 3;        // the k of "pairs seen fewer than k times are dropped"
  // Neighbours kept per product; 0 = adaptive (AdaptiveTopN below): 20 for catalogues up to 2,750 products, then
  // fewer, so that a 5,000-product model stays within its 300 KB gzipped budget (docs/widget.md "Budgets").
  uint32_t top_n = 0;
  double seq_weight = 0.3;       // share of the sequential component in sim
  ModelMeta weights;             // w_history, w_popularity (fixed); the personal ones are learned unless fixed below
  bool learn_weights = true;     // learn w_bought, w_repeat, w_replenish, half_life_days on a validation split
  // Fixed by the caller (rapport model --w-repeat ..., the dashboard's options): kept as given, not searched.
  bool fix_w_bought = false, fix_w_repeat = false, fix_w_replenish = false, fix_half_life = false;
  ReviewPromptSettings review;   // copied into the file
};

// The adaptive neighbour count for a catalogue of `products`: kNeighbourBudget / products, between 8 and 20
// (20 up to 2,750 products; 5,000 products: 11). The budget keeps a 5,000-product model within 300 KB gzipped
// even when product order (SKUs) says nothing about what is bought together (bench/widget_size_bench.cpp).
constexpr uint32_t kNeighbourBudget = 55000;
uint32_t AdaptiveTopN(size_t products);

struct BasketRow {
  uint32_t customer = UINT32_MAX;  // an opaque group id, UINT32_MAX for a guest; used only for ordering, never written
  int32_t day = 0;
  std::vector<uint32_t> items;     // product indices (duplicates allowed; counted once)
};

// Baskets as one flat array (the workspace's 5.6 M orders at 1,000,000 customers in ~120 MB, where a vector per
// basket took several times that and did not fit the wasm heap beside the workspace): basket b is customer[b],
// day[b] and the items items[begin[b] .. begin[b + 1]).
struct Baskets {
  std::vector<uint32_t> customer;
  std::vector<int32_t> day;
  std::vector<size_t> begin{0};
  std::vector<uint32_t> items;
  size_t size() const { return customer.size(); }
  const uint32_t* items_begin(size_t b) const { return items.data() + begin[b]; }
  const uint32_t* items_end(size_t b) const { return items.data() + begin[b + 1]; }
  size_t item_count(size_t b) const { return begin[b + 1] - begin[b]; }
  // A new basket: Open, push its items onto `items`, Close.
  void Open(uint32_t customer_id, int32_t basket_day) {
    customer.push_back(customer_id);
    day.push_back(basket_day);
  }
  void Close() { begin.push_back(items.size()); }
  static Baskets From(const std::vector<BasketRow>& rows);
  std::vector<BasketRow> Rows() const;
};

// Which baskets of a Baskets a build learns from: basket indexes, ascending (the learning part of the
// validation split is one, not a copy of its baskets).
using BasketSubset = std::vector<uint32_t>;
BasketSubset AllBaskets(const Baskets& baskets);

struct ModelStats {
  uint64_t baskets = 0;
  uint64_t transitions = 0;         // consecutive-order pairs of the same customer
  uint64_t co_pairs_seen = 0;       // distinct unordered pairs seen together at least once
  uint64_t co_pairs_kept = 0;       // ... at least min_pairs times
  uint64_t seq_pairs_seen = 0, seq_pairs_kept = 0;
  uint64_t neighbours = 0;          // entries written
  uint64_t products_with_neighbours = 0;
  uint64_t products_with_interval = 0;
  WeightValidation validation;
};

// `products` gives the display data (id, title, url, image, price) in product-index order; they are sorted
// by id in the model, and indices are remapped. Ids must be unique and non-empty (an empty id is replaced
// by "#<index>", a duplicate id gets "~<index>" appended).
// `to_model`, when given, receives each input product's index in the model.
Model BuildModelFromBaskets(const std::vector<BasketRow>& baskets, std::vector<ModelProduct> products,
                            const ModelOptions& options, ModelStats* stats = nullptr,
                            std::vector<uint32_t>* to_model = nullptr);
// The same from the baskets `use` of `baskets` (what the workspace's build and the validation split use).
Model BuildModelFromBaskets(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                            const ModelOptions& options, ModelStats* stats = nullptr,
                            std::vector<uint32_t>* to_model = nullptr);

// Whether a build searches the weights on a validation split: options learn them and do not fix them all.
bool LearnsWeights(const ModelOptions& options);

// The two parts of BuildModelFromBaskets, for a caller that runs them as separate steps (the engine's
// widget_model, core/api/cache.h): the weights' validation (nothing ran when options fix every weight or do not
// learn them), then the build with the weights it chose. The same model as BuildModelFromBaskets.
WeightValidation ValidateWeights(const Baskets& baskets, const BasketSubset& use, const std::vector<ModelProduct>& products,
                                 const ModelOptions& options);
Model BuildModelValidated(const Baskets& baskets, const BasketSubset& use, std::vector<ModelProduct> products,
                          const ModelOptions& options, const WeightValidation& validation, ModelStats* stats = nullptr,
                          std::vector<uint32_t>* to_model = nullptr);

// BuildModelValidated's options: the weights the validation chose (or plain popularity for those it learned
// and did not keep), for a ModelBuilder of the same model.
ModelOptions ChosenOptions(const ModelOptions& options, const WeightValidation& validation);

// One build (BuildModelFromBaskets without the weights' search: the options' weights as given) a part at a time,
// for a caller that cannot wait seconds (the engine's widget_model, a step each, core/api/cache.h): each Run does
// one part, at most `chunk` baskets of a pass over them (the distinct items, the pair counts, the baskets in
// customer order, the transitions; the distinct items read in customer order, random reads, an eighth of that)
// or one of the short parts between, and returns. The same model to the bit
// whatever the chunks (tests/recommend/model_test.cpp). `baskets` must outlive the builder.
class ModelBuilder {
 public:
  ModelBuilder(const Baskets& baskets, BasketSubset use, std::vector<ModelProduct> products, const ModelOptions& options);
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;
  bool done() const;
  void Run(size_t chunk);
  // The model (runs what is left first); once. `to_model`: each input product's index in the model.
  Model Result(ModelStats* stats = nullptr, std::vector<uint32_t>* to_model = nullptr);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The workspace's products (display data) and valid orders up to settings.as_of as baskets (what BuildModel
// learns from; the dashboard's quality figures evaluate the same). Returns the price currency ("" unknown).
std::string CollectBaskets(const Workspace& workspace, const Settings& settings, std::vector<ModelProduct>* products,
                           Baskets* baskets);
std::string CollectBaskets(const Workspace& workspace, const Settings& settings, std::vector<ModelProduct>* products,
                           std::vector<BasketRow>* baskets);
// CollectBaskets a part at a time (the engine's steps: one piece took ~0.3 s natively at 5.6 M orders): the
// products and the prices' currency when made, then Run(rows) collects the baskets of at most `rows` orders and
// returns how many; Result() (running what is left, once) is CollectBaskets'. `workspace` must outlive it.
class BasketCollector {
 public:
  BasketCollector(const Workspace& workspace, const Settings& settings);
  ~BasketCollector();
  BasketCollector(const BasketCollector&) = delete;
  BasketCollector& operator=(const BasketCollector&) = delete;
  bool done() const;
  size_t Run(size_t rows);
  std::string Result(std::vector<ModelProduct>* products, Baskets* baskets);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The workspace's products and valid orders up to settings.as_of (when set). Prices are of the settings'
// currency when given, else as exported. review.delay_days defaults to settings.review_request_delay_days.
Model BuildModel(const Workspace& workspace, const Settings& settings, ModelOptions options, ModelStats* stats = nullptr);
// BuildModel's options for these settings: review.delay_days, left at its default, becomes the settings'
// review_request_delay_days (when set).
ModelOptions OptionsForSettings(ModelOptions options, const Settings& settings);

}  // namespace rapport
