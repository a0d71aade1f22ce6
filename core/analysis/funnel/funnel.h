// The retention funnel (DESIGN §3): every customer with a valid order is in exactly one stage as of a day,
//   new       1 valid order, placed within `new_customer_days` of as_of (as_of - first_day < new_customer_days)
//   one_time  1 valid order, older
//   repeat    2 valid orders
//   loyal     >= 3 valid orders
//   advocate  repeat or loyal, and a review rated >= 4 or an NPS answer >= 9 dated on or before as_of
//   at_risk   any of the above, not lapsed, but overdue: days since the last order > overdue_factor x the
//             expected inter-purchase interval (the customer's own median interval between distinct purchase
//             days; for customers with one purchase day, the store's median first-to-second purchase-day
//             interval). When model predictions are supplied (FunnelInputs::p_alive), a customer with a
//             prediction is at risk when P(alive) < 0.5 instead (the model replaces the rule of thumb).
//   lapsed    any of the above whose last order is older than the churn window (as_of - last_day >= churn_window_days)
// Precedence: lapsed, then at_risk, then advocate / loyal / repeat / one_time / new. Only valid orders
// (not cancelled, voided or test) on or before as_of in the analysis currency count. docs/analyses.md has the
// details. FunnelFlow follows every customer from one day to another (stage at `from` x stage at `to`),
// with "not yet a customer" as its own row, so every row and column total is a number of customers.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/workspace/workspace.h"

namespace rapport {

enum class Stage : uint8_t { kNotCustomer = 0, kNew, kOneTime, kRepeat, kLoyal, kAdvocate, kAtRisk, kLapsed };
constexpr int kStageCount = 8;  // including kNotCustomer

// "not_customer", "new", "one_time", "repeat", "loyal", "advocate", "at_risk", "lapsed".
const char* StageName(Stage stage);
// "Not yet a customer", "New", "One-time", "Repeat", "Loyal", "Advocate", "At risk", "Lapsed".
const char* StageLabel(Stage stage);

struct FunnelInputs {
  // P(alive) per customer id from a fitted model (core/model), or null. NaN = no prediction for that customer.
  const std::vector<double>* p_alive = nullptr;
};

struct FunnelStageRow {
  Stage stage = Stage::kNew;
  int64_t customers = 0;
  double share_customers = 0;  // of customers with a valid order
  int64_t net_cents = 0;       // their net revenue up to as_of
  double share_revenue = 0;    // of identified customers' net revenue (0 when that is 0)
};

struct FunnelResult {
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  // The store's median days between a customer's first and second purchase day; -1 when no customer has two.
  double store_median_interval_days = -1;
  bool used_model = false;
  int64_t customers = 0;
  int64_t net_cents = 0;
  std::vector<FunnelStageRow> stages;  // the 7 stages in funnel order (new .. lapsed)
  std::vector<Stage> stage;            // per customer id (kNotCustomer without a valid order)
};

FunnelResult ComputeFunnel(const Workspace& workspace, const Settings& settings, const FunnelInputs& inputs = {});
// The same from facts already built (as_of and currency are taken from the facts).
FunnelResult ComputeFunnelFromFacts(const Workspace& workspace, const Settings& settings, const CustomerFacts& facts,
                                    const FunnelInputs& inputs = {});

// Median of the intervals between consecutive distinct purchase days of one customer's counted orders;
// -1 for fewer than two purchase days. `scratch` is reused to avoid allocation.
double OwnMedianIntervalDays(const Workspace& workspace, const CustomerFacts& facts, uint32_t customer,
                             std::vector<int32_t>* scratch);
// The store's median first-to-second purchase-day interval over customers with two purchase days; -1 if none.
double StoreMedianIntervalDays(const Workspace& workspace, const CustomerFacts& facts);

struct FunnelFlow {
  int32_t from_day = kNoDay, to_day = kNoDay;
  uint32_t currency = kNoId;
  // customers[a][b]: customers in stage a at `from` and stage b at `to` (indexes are Stage values).
  std::array<std::array<int64_t, kStageCount>, kStageCount> customers{};
  int64_t total = 0;  // customers with a valid order on or before `to`
};

// REQUIRES: from_day <= to_day. Model predictions are not used (they exist for one as_of only).
FunnelFlow ComputeFunnelFlow(const Workspace& workspace, const Settings& settings, int32_t from_day, int32_t to_day,
                             const FactsSource& facts = {});
// The same in two parts (an engine step each, core/api/ops/funnel.cpp), for two dates (neither kNoDay) and the
// customer facts of the later one: the later date's stages, then the earlier date's and the counts.
// ComputeFunnelFlow is the two in sequence.
std::vector<Stage> FunnelFlowLaterStages(const Workspace& workspace, const Settings& settings,
                                         const CustomerFacts& later_facts);
FunnelFlow FunnelFlowFromLaterStages(const Workspace& workspace, const Settings& settings, int32_t from_day,
                                     int32_t to_day, const CustomerFacts& later_facts,
                                     const std::vector<Stage>& later_stages);

}  // namespace rapport
