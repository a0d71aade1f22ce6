// Customer 360 (DESIGN §3): one customer's whole relationship on one page. Orders as a timeline (all of them,
// cancelled and test orders flagged), spend and products over valid orders, their own intervals between
// distinct purchase days and how their frequency changed (mean of the last 3 intervals vs the earlier ones),
// days overdue against their own cadence (their median interval; the store's median first-to-second interval
// for one-time buyers), funnel stage, RFM scores and segment, model predictions when supplied, reviews,
// tickets and NPS answers, and the next best action with its reason in words.
//
// The store-wide parts (facts, funnel, RFM) are computed once in a Customer360Context, so one customer's view
// then costs a scan of that customer's rows only (the dashboard opens many customers per context). Natively the
// context's index of every order by customer is built on a second thread beside the facts, funnel and RFM
// (SideBySide, core/analysis/side_by_side.h); the facts may come from the caller's cache (a FactsSource).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/analysis/funnel/funnel.h"
#include "core/analysis/rfm/rfm.h"
#include "core/workspace/workspace.h"

namespace rapport {

// Model outputs per customer id, from core/model (all optional; NaN = none for that customer).
struct CustomerPredictions {
  const std::vector<double>* p_alive = nullptr;
  const std::vector<double>* expected_purchases = nullptr;  // in the next `horizon_days`
  const std::vector<double>* predicted_clv_cents = nullptr;
  int32_t horizon_days = 0;
  std::string model;  // "bgnbd", "pnbd", ...
};

struct Customer360Context {
  Settings settings;
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  std::shared_ptr<const CustomerFacts> facts;  // as of as_of_day in `currency`, never null once built
  FunnelResult funnel;
  RfmResult rfm;
  CustomerPredictions predictions;
  // Every order of customer c (any status, currency or day) is all_order_ids[all_order_offsets[c] ..
  // all_order_offsets[c + 1]), in id order: one counting sort, so a view never scans the order table.
  std::vector<uint32_t> all_order_offsets, all_order_ids;
};

// `facts`: where the customer facts come from (customer_facts.h FactsSource; empty = built here).
Customer360Context BuildCustomer360Context(const Workspace& workspace, const Settings& settings,
                                           const CustomerPredictions& predictions = {},
                                           const FactsSource& facts = {});

struct TimelineOrder {
  uint32_t order = kNoId;
  int32_t day = kNoDay;
  bool valid = true;           // counted (not cancelled/voided/test, in the analysis currency, on or before as_of)
  int64_t total_cents = 0, net_cents = 0;
  std::vector<uint32_t> products;     // distinct, in line order
  std::vector<int32_t> quantities;    // per product
};

struct ProductBought {
  uint32_t product = kNoId;
  int64_t quantity = 0;
  int32_t orders = 0;
  int32_t first_day = kNoDay, last_day = kNoDay;
};

struct NextBestAction {
  std::string code;    // "recover", "win_back", "reach_out", "review_request", "reward_loyalty", "nudge_second_order", "remind"
  std::string title;   // "Win back"
  std::string reason;  // "12 days overdue against their usual 45-day cadence"
  int32_t due_day = kNoDay;
};

struct Customer360 {
  uint32_t customer = kNoId;
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  std::vector<TimelineOrder> orders;   // by (day, seconds, order id)
  std::vector<ProductBought> products; // by quantity desc, then product id
  int32_t valid_orders = 0;
  int64_t net_cents = 0;
  double aov_cents = 0;
  int32_t first_day = kNoDay, last_day = kNoDay;
  int32_t days_since_last_order = -1;
  std::vector<int32_t> intervals_days;  // between consecutive distinct purchase days
  double median_interval_days = -1;     // -1 with fewer than 2 purchase days
  double recent_mean_interval_days = -1;   // mean of the last 3 intervals (needs >= 4 intervals)
  double earlier_mean_interval_days = -1;  // mean of the intervals before those
  std::string frequency_trend;          // "speeding up", "slowing down", "steady", "not enough orders"
  double expected_interval_days = -1;   // own median, else the store median (-1 when neither exists)
  bool cadence_is_own = false;
  double days_overdue = 0;              // days_since_last_order - expected_interval_days (negative = not yet due)
  int32_t next_order_expected_day = kNoDay;
  Stage stage = Stage::kNotCustomer;
  uint8_t r = 0, f = 0, m = 0;
  RfmSegment segment = RfmSegment::kNone;
  bool has_predictions = false;
  double p_alive = NAN, expected_purchases = NAN, predicted_clv_cents = NAN;
  std::vector<uint32_t> reviews, tickets, surveys;  // row ids in the workspace tables, by day then id
  NextBestAction action;
};

// REQUIRES: customer < workspace.customers.size().
Customer360 BuildCustomer360(const Workspace& workspace, const Customer360Context& context, uint32_t customer);

struct CustomerSearchHit {
  uint32_t customer = kNoId;
  int64_t net_cents = 0;  // valid orders in the analysis currency, on or before as_of
  int32_t orders = 0;
};

// Customers whose email, name ("first last") or key contains `query` (ASCII case-insensitive), sorted by net
// spend desc, then id; at most `limit`. An empty query matches nobody.
std::vector<CustomerSearchHit> SearchCustomers(const Workspace& workspace, const Settings& settings,
                                               const std::string& query, size_t limit);

}  // namespace rapport
