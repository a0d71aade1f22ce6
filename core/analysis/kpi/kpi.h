// Headline KPIs (DESIGN §3; definitions, formulas and edge cases in docs/metrics.md).
//
// Everything counts valid orders (not cancelled, voided or test) placed on or before `as_of` (inclusive;
// default: the day of the latest valid order), one currency at a time: each currency in the workspace gets
// its own block, and `headline_currency` (settings.currency, else the currency with the most net revenue)
// names the block a dashboard shows first. Guest orders (no email, phone or id) count in orders, net
// revenue and AOV only. Feedback KPIs do not depend on currency.
//
// Undefined ratios (no customers, no orders, no retention base, ...) are NaN, which JSON shows as null.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/workspace/workspace.h"

namespace rapport {

struct CurrencyKpis {
  std::string currency;
  int64_t customers = 0;            // customers with >= 1 valid order up to as_of
  int64_t orders = 0;               // valid orders, guests included
  int64_t identified_orders = 0;    // valid orders of identified customers
  int64_t guest_orders = 0;
  int64_t gross_cents = 0;          // sum of order totals
  int64_t refunded_cents = 0;       // sum of refunded amounts
  int64_t net_cents = 0;            // gross - refunded
  int64_t identified_net_cents = 0; // net revenue of identified customers' orders
  double aov_cents = 0;             // net / orders
  double purchase_frequency = 0;    // identified orders / customers
  int64_t repeat_customers = 0;     // customers with >= 2 valid orders
  double repeat_purchase_rate = 0;  // repeat customers / customers
  double median_days_first_to_second = 0;  // over repeat customers; same-day second order = 0 days
  double historical_clv_cents = 0;  // identified net / customers
  int64_t retention_base = 0;       // customers with an order in (as_of-2P, as_of-P]
  int64_t retention_retained = 0;   // ... of whom ordered again in (as_of-P, as_of]
  double retention_rate = 0;        // retained / base
  double churn_rate = 0;            // 1 - retention rate
  int32_t first_order_day = kNoDay, last_order_day = kNoDay;
};

struct FeedbackKpis {
  // NPS: surveys up to as_of. nps = 100 x (promoters - detractors) / surveys, in points (-100..100).
  int64_t surveys = 0, promoters = 0, passives = 0, detractors = 0;
  double nps = 0;
  // CSAT: tickets up to as_of with a 1..5 rating; csat = rated 4-5 / rated (a share, 0..1).
  int64_t tickets = 0, rated_tickets = 0, satisfied_tickets = 0;
  double csat = 0;
  // Reviews up to as_of; review_rate = share of customers (valid order up to as_of, any currency) who wrote
  // at least one; average_rating = mean of the 1..5 ratings.
  int64_t reviews = 0, reviewing_customers = 0;
  double review_rate = 0, average_rating = 0;
};

struct KpiResult {
  int32_t as_of_day = kNoDay;
  int32_t retention_period_days = 90;
  std::string headline_currency;        // "" for an empty workspace
  std::vector<CurrencyKpis> currencies; // sorted by currency code
  FeedbackKpis feedback;
};

KpiResult ComputeKpis(const Workspace& workspace, const Settings& settings, const FactsSource& facts = {});

}  // namespace rapport
