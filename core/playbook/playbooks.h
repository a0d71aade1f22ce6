// Playbooks: for every customer at most one next best action, with the day it is due and the reason in words
// (DESIGN §3 "Playbooks"; merchant's guide in docs/playbooks.md).
//
// Each playbook is a rule plus a timing. When a customer qualifies for several, the first in
// `PlaybookOptions::priority` wins. The default order, and why:
//   1. feedback_recovery    complained in the last 30 days: mend the relationship before selling anything
//   2. at_risk_high_value   top 20 % by spend and overdue > 1.5x their own cadence: the most revenue at stake
//   3. winback              60 / 120 / 240 days since the last order, a stronger offer at each tier
//   4. replenishment        a product they buy is due again (last purchase + the product's median interval)
//   5. review_request       N days after fulfilment of the latest order, a product they have not reviewed
//   6. loyalty_upgrade      their latest order lifted them into a higher spend tier
//   7. cross_sell           bought X; buyers of X are much more likely than others to buy Z (co-purchase lift)
//
// All days are store-local; due days may lie before as_of (the action is overdue) or shortly after it.
// Pure function of the SegmentContext (its facts, lines and feedback columns) and the options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/products/products.h"
#include "core/segment/context.h"
#include "core/workspace/settings.h"

namespace rapport {

enum class PlaybookKind : uint8_t {
  kFeedbackRecovery, kAtRiskHighValue, kWinback, kReplenishment, kReviewRequest, kLoyaltyUpgrade, kCrossSell,
  kCount,
};
constexpr size_t kPlaybookCount = static_cast<size_t>(PlaybookKind::kCount);

const char* PlaybookName(PlaybookKind kind);   // "winback"
const char* PlaybookTitle(PlaybookKind kind);  // "Tiered win-back"
bool PlaybookFromName(std::string_view name, PlaybookKind* kind);

struct WinbackTier {
  int32_t days = 0;   // days since the last order at which this tier starts
  std::string offer;  // what to send ("10% off your next order")
};

struct LoyaltyTier {
  std::string name;
  int64_t min_spend_cents = 0;
};

struct PlaybookOptions {
  std::vector<PlaybookKind> priority = {
      PlaybookKind::kFeedbackRecovery, PlaybookKind::kAtRiskHighValue, PlaybookKind::kWinback,
      PlaybookKind::kReplenishment,    PlaybookKind::kReviewRequest,   PlaybookKind::kLoyaltyUpgrade,
      PlaybookKind::kCrossSell};  // a playbook left out of the list is off

  int32_t recovery_days = 30;            // a complaint this recent triggers recovery

  double at_risk_top_share = 0.20;       // "high value": the top share of customers by net spend
  double overdue_factor = 1.5;           // overdue when days since last order > factor x cadence
  int32_t churn_window_days = 180;       // past this, win-back takes over from at-risk
  int32_t min_cadence_days = 7;         // shorter cadences are raised to this (two orders a day apart are one
                                         // shopping trip, not a rhythm)

  std::vector<WinbackTier> winback = {{60, "We miss you: what's new since your last visit"},
                                      {120, "10% off your next order"},
                                      {240, "20% off, our last reminder"}};
  int32_t winback_max_days = 540;        // customers gone longer than this are left alone

  int32_t replenish_lead_days = 3;       // remind this many days before the expected reorder day
  int32_t replenish_min_repeats = 5;     // repeat purchases needed before a product's median is trusted
  int32_t replenish_window_days = 14;    // a reminder is stale this many days after it was due

  int32_t review_delay_days = 14;        // after fulfilment (else after the order)
  int32_t review_window_days = 30;       // a request is stale this many days after it was due

  std::vector<LoyaltyTier> tiers = {{"Silver", 20000}, {"Gold", 50000}, {"Platinum", 100000}};
  int32_t tier_recent_days = 30;         // the upgrading order must be this recent

  double cross_sell_min_lift = 1.5;
  int32_t cross_sell_min_customers = 5;  // customers who bought both products
  int32_t cross_sell_delay_days = 14;    // after the last order
  int32_t cross_sell_active_days = 90;   // only customers whose last order is this recent
};

// Defaults, with the settings that also drive other analyses (overdue factor, churn window, review delay).
PlaybookOptions DefaultPlaybookOptions(const Settings& settings);

struct NextAction {
  uint32_t customer = 0;
  PlaybookKind kind = PlaybookKind::kWinback;
  int32_t due_day = 0;
  int32_t tier = -1;            // win-back or loyalty tier index
  uint32_t product = UINT32_MAX;  // review request, replenishment, cross-sell: the product concerned
  // The figures the reason is worded from (PlaybookReason), so that a million actions cost no text until
  // they are listed or downloaded:
  int32_t days = 0;             // at-risk: the cadence in days; replenishment: the product's median interval
  int32_t ref_day = 0;          // replenishment: the last purchase of the product; review request: the day
                                // the order was fulfilled (else placed)
  uint32_t ref = UINT32_MAX;    // review request: the order; cross-sell: the product they bought
  uint32_t count = 0;           // replenishment: repeat purchases behind the interval; cross-sell: customers
                                // who bought both
  double lift = 0;              // cross-sell: the co-purchase lift
  bool own = false;             // at-risk: the customer's own cadence (else the store's); review: fulfilled
};

// "12 days overdue against their usual 45-day cadence; ..." — the action's reason in words. `options` are
// the ones RunPlaybooks was given for `action`.
std::string PlaybookReason(const SegmentContext& context, const PlaybookOptions& options, const NextAction& action);

struct PlaybookSummary {
  PlaybookKind kind = PlaybookKind::kWinback;
  std::string rule;             // the condition, in words / the rule language
  std::string timing;           // when the action is due
  uint64_t eligible = 0;        // customers who qualify, before priority
  uint64_t assigned = 0;        // customers for whom it is the next best action
  uint64_t due_by_as_of = 0;    // of those, due on or before as_of
};

struct ProductInterval {
  uint32_t product = 0;
  int32_t median_days = 0;
  uint32_t repeats = 0;         // intervals the median is taken over
};

struct PlaybookResult {
  int32_t as_of_day = 0;
  std::vector<NextAction> actions;         // one per customer at most, sorted by (due_day, customer)
  std::vector<PlaybookSummary> playbooks;  // in priority order
  std::vector<ProductInterval> intervals;  // products with a trusted repurchase interval, by product id
};

// `intervals`: ProductRepurchaseIntervals(context, options.replenish_min_repeats) when the caller already has
// them (the engine keeps them as a step of their own, core/api/cache.h); computed here when null.
PlaybookResult RunPlaybooks(const SegmentContext& context, const PlaybookOptions& options,
                            const std::vector<ProductInterval>* intervals = nullptr);

// RunPlaybooks in parts, for a caller that runs them as separate steps (the engine): the candidates of some
// playbooks (each customer who qualifies, before priority), then the priority over the parts, which together
// name each playbook once. AssignPlaybooks(FindPlaybookCandidates(all of options.priority)) == RunPlaybooks.
struct PlaybookCandidates {
  std::vector<std::vector<NextAction>> by_kind;  // by PlaybookKind; empty for the playbooks not asked for
  std::vector<ProductInterval> intervals;        // when replenishment was asked for
};
// Only the customers of [customers_begin, customers_end) are considered: the candidates of consecutive ranges,
// concatenated in order, are those of the whole range (the engine runs a playbook's customers a range a step).
// Whatever a playbook derives from every customer (the at-risk spend threshold, the store's cadence) is still
// derived from all of them.
PlaybookCandidates FindPlaybookCandidates(const SegmentContext& context, const PlaybookOptions& options,
                                          const std::vector<PlaybookKind>& kinds,
                                          const std::vector<ProductInterval>* intervals = nullptr,
                                          uint32_t customers_begin = 0, uint32_t customers_end = UINT32_MAX);
// `sorted` false leaves the actions in priority order, for SortPlaybookActions to order as a step of its own.
PlaybookResult AssignPlaybooks(const SegmentContext& context, const PlaybookOptions& options,
                               const std::vector<const PlaybookCandidates*>& parts, bool sorted = true);
// Orders the actions by (due day, customer), as PlaybookResult says.
void SortPlaybookActions(size_t customers, PlaybookResult* result);

// What each playbook of options.priority does and when (the summaries' rule and timing; no counts), in that
// order: what a page shows before the run. `currency` names the tiers' amounts.
std::vector<PlaybookSummary> DescribePlaybooks(const PlaybookOptions& options, const std::string& currency);

// The cross-sell playbook's candidates a part at a time, for the engine's steps (core/api/cache.h): its passes
// over the customers (their distinct products, the pairs those make, then each customer's best partner not yet
// bought) a range of customers of about `rows` order lines (or distinct products) a part, 0 = a whole pass.
// Result() (running what is left) gives FindPlaybookCandidates(context, options, {kCrossSell})'s candidates,
// to the bit: the same code in the same order. The context must outlive the finder.
class CrossSellFinder {
 public:
  CrossSellFinder(const SegmentContext& context, const PlaybookOptions& options);
  ~CrossSellFinder();
  bool done() const;
  size_t Run(size_t rows);
  std::vector<NextAction> Result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Median days between repeat purchases of the same product by the same customer (distinct days), over the
// counted orders of the context; products with fewer than `min_repeats` intervals are left out.
std::vector<ProductInterval> ProductRepurchaseIntervals(const SegmentContext& context, int32_t min_repeats);
// The same from the products analysis's replenishment rows for the context's facts (ComputeReplenishment, or
// its ReplenishmentBuilder run a part a step by the engine).
std::vector<ProductInterval> ProductIntervalsOf(const std::vector<ReplenishmentRow>& rows, int32_t min_repeats);

// "1,234.50 USD"
std::string FormatMoney(int64_t cents, std::string_view currency);

}  // namespace rapport
