// Product analyses (DESIGN §3 "Products"), over valid orders on or before as_of in the analysis currency:
//  - Replenishment: per product, the days between consecutive purchases of that product by the same customer
//    (distinct purchase days; a second purchase on the same day is not an interval), with the median and
//    quartiles (linear interpolation between order statistics, numpy's default) and the number of intervals.
//  - First product -> repeat: for every product in a customer's first order, those customers, the share with
//    >= 2 valid orders, and the average net value of their orders in the 12 months from the first order
//    (first_day <= day < first_day + 12 calendar months), averaged over customers whose 12 months have ended
//    by as_of ("matured").
//  - Journeys: first product (the first line of the first order) -> the first product of a later order that
//    differs from it; top pairs by customers.
//  - Frequently bought together: baskets are valid orders (guests included) with their distinct products;
//    for each pair of products seen together in at least `min_pair_count` baskets and with support
//    >= min_support: count, support = count / baskets, confidence both ways, and
//    lift = count x baskets / (count(a) x count(b)). Top `top_pairs` by lift, then count, then ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/workspace/workspace.h"

namespace rapport {

struct ProductOptions {
  // Minimum support (share of baskets) of a bought-together pair. Default 0.001.
  double min_support = 0.001;
  // Minimum number of baskets a pair must share. Default 5.
  int64_t min_pair_count = 5;
  // Bought-together pairs and journeys reported. Defaults 50 and 50.
  int32_t top_pairs = 50;
  int32_t top_journeys = 50;
  // Products with fewer intervals than this are left out of the replenishment table. Default 1.
  int64_t min_intervals = 1;
  // Natively, on a store of some size, count on a second thread too (the facts built beside the lines' spreading,
  // then half of the customers each). The answers are the same either way; WebAssembly always uses one thread.
  bool use_second_thread = true;
};

struct ReplenishmentRow {
  uint32_t product = kNoId;
  int64_t intervals = 0;
  int64_t customers = 0;  // customers with at least one interval
  double median_days = 0, q1_days = 0, q3_days = 0;
};

struct FirstProductRow {
  uint32_t product = kNoId;
  int64_t customers = 0;           // customers whose first order contained the product
  int64_t repeat_customers = 0;    // of them, with >= 2 valid orders
  double repeat_rate = 0;
  int64_t matured_customers = 0;   // of them, first order at least 12 months before as_of
  double avg_net_12m_cents = 0;    // average 12-month net value of the matured customers (0 when none)
};

struct JourneyRow {
  uint32_t first_product = kNoId, next_product = kNoId;
  int64_t customers = 0;
  double share_of_first = 0;  // of the customers whose first product was first_product
};

struct BoughtTogetherRow {
  uint32_t product_a = kNoId, product_b = kNoId;  // a < b
  int64_t count = 0;
  double support = 0, confidence_a_to_b = 0, confidence_b_to_a = 0, lift = 0;
};

struct ProductResult {
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  int64_t baskets = 0;
  std::vector<int64_t> product_baskets;           // per product id: baskets containing it
  std::vector<ReplenishmentRow> replenishment;    // by intervals desc, then product id
  std::vector<FirstProductRow> first_product;     // by customers desc, then product id
  std::vector<JourneyRow> journeys;               // by customers desc, then ids
  std::vector<BoughtTogetherRow> bought_together; // by lift desc, count desc, then ids
};

// `facts`: where the customer facts come from (customer_facts.h FactsSource; empty = built here).
ProductResult ComputeProducts(const Workspace& workspace, const Settings& settings, const ProductOptions& options = {},
                              const FactsSource& facts = {});

// The replenishment rows alone (the same rows as ComputeProducts(...).replenishment), from customer facts the
// caller already holds for the analysis date and currency (the playbooks reuse their segment context's).
std::vector<ReplenishmentRow> ComputeReplenishment(const Workspace& workspace, const CustomerFacts& facts,
                                                   int64_t min_intervals);

// First product -> repeat and journeys alone (the same rows as ComputeProducts(...).first_product and .journeys,
// journeys cut to top_journeys when >= 0), from customer facts the caller holds for the analysis date and
// currency. No line is spread: each customer's first order (then, for the journeys, its second, third... while
// no other product is found) is read where it is, the orders swept in ascending id (ForEachFirstOrder), so it
// takes a fraction of the whole analysis (the Products page's first tables).
struct FirstProductResult {
  std::vector<FirstProductRow> first_product;  // by customers desc, then product id
  std::vector<JourneyRow> journeys;            // by customers desc, then ids
};
FirstProductResult ComputeFirstProducts(const Workspace& workspace, const CustomerFacts& facts, int32_t top_journeys);

// The same analyses a part at a time, for the engine's steps (core/api/cache.h): the lines spread into their
// customers' buckets (two passes over the orders), visited (whole buckets of customers), then the tables in one
// last part. Run(rows) does one part of at most `rows` orders, or about `rows` lines (at least one bucket),
// 0 = a whole pass, and returns how many it did; Result() (running what is left) gives what ComputeProducts
// gives, to the bit: every count is an integer added in the same order, and the intervals' quartiles are order
// statistics. `facts` is called during the first Run only, beside its part of the spreading (stepped: pass facts
// already held). The workspace must outlive the builder.
class ProductsBuilder {
 public:
  ProductsBuilder(const Workspace& workspace, const Settings& settings, const ProductOptions& options, FactsSource facts);
  ~ProductsBuilder();
  bool done() const;
  size_t Run(size_t rows);
  ProductResult Result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ComputeReplenishment a part at a time, in the same parts; the workspace and the facts must outlive it.
class ReplenishmentBuilder {
 public:
  ReplenishmentBuilder(const Workspace& workspace, const CustomerFacts& facts, int64_t min_intervals);
  ~ReplenishmentBuilder();
  bool done() const;
  size_t Run(size_t rows);
  std::vector<ReplenishmentRow> Result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport
