// Acquisition cohorts (DESIGN §3). A customer's cohort is the calendar month of their first valid order;
// month k of a cohort is the k-th calendar month after it (month 0 = the acquisition month). For each cohort
// and month: the share of the cohort with >= 1 valid order in that month (month 0 is 100 % by construction),
// the net revenue per cohort customer in that month, and its running total. Months run up to the month of
// as_of, which may be partial (CohortResult::last_month_partial).
//
// Cohorts can be split by a property of the customer's first order (CohortBy): its first product (the
// product of its first line), its source, its discount code, or the customer's country (else the first
// order's). Groups are sorted by customers (descending), then label; beyond `max_groups` they are pooled
// as "(other)". `filter` keeps one group only (by label).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/workspace/workspace.h"

namespace rapport {

enum class CohortBy : uint8_t { kNone, kFirstProduct, kSource, kDiscountCode, kCountry };
// "none", "first_product", "source", "discount_code", "country"; false for anything else.
bool CohortByFromName(const std::string& name, CohortBy* out);
const char* CohortByName(CohortBy by);

struct CohortOptions {
  CohortBy by = CohortBy::kNone;
  // Months since acquisition to report (0..months-1); 0 = every month up to as_of. Default 0.
  int32_t months = 0;
  // Groups reported separately; the rest are pooled as "(other)". Default 12.
  int32_t max_groups = 12;
  // When not empty, only the group with this label. Default "".
  std::string filter;
};

struct Cohort {
  int32_t month_index = 0;  // year * 12 + month - 1 of the acquisition month (core/util/date.h MonthIndex)
  int64_t customers = 0;
  // Per month since acquisition, up to the month of as_of (and at most `months`):
  std::vector<int64_t> active;               // customers with >= 1 valid order in that month
  std::vector<double> retention;             // active / customers
  std::vector<int64_t> net_cents;            // the cohort's net revenue in that month
  std::vector<double> net_per_customer_cents;             // net_cents / customers
  std::vector<double> cumulative_net_per_customer_cents;  // running total of the above
};

struct CohortGroup {
  std::string label;        // "" when not grouped; "(none)" for an empty value; "(other)" for the pool
  int64_t customers = 0;
  std::vector<Cohort> cohorts;  // by month_index ascending
  // Customer-weighted average over the cohorts that have reached each month.
  std::vector<double> average_retention;
  std::vector<double> average_cumulative_net_per_customer_cents;
};

struct CohortResult {
  int32_t as_of_day = kNoDay;
  uint32_t currency = kNoId;
  CohortBy by = CohortBy::kNone;
  bool last_month_partial = false;  // as_of is not the last day of its month
  int64_t customers = 0;
  std::vector<CohortGroup> groups;  // one group (label "") when not grouped
};

// `facts`: where the customer facts come from (customer_facts.h FactsSource; empty = built here).
CohortResult ComputeCohorts(const Workspace& workspace, const Settings& settings, const CohortOptions& options = {},
                            const FactsSource& facts = {});

}  // namespace rapport
