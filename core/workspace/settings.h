// The merchant's analysis settings (DESIGN §3: every window is a setting). Stored in the workspace's
// `settings` table as JSON and passed to every analysis; the core reads no clock, so `as_of_day` is either
// set here or derived from the data (Workspace::AsOf).
#pragma once

#include <cstdint>
#include <string>

#include "core/util/date.h"

namespace rapport {

struct Settings {
  // Analysis date, the last day observed (inclusive). kNoDay = the day of the latest valid order.
  int32_t as_of_day = kNoDay;
  // Currency analysed when a workspace holds several ("" = the currency with the most net revenue).
  std::string currency;
  // Days without a valid order after which a customer is lapsed. Default 180.
  int32_t churn_window_days = 180;
  // P of the period retention rate: of the customers who ordered in (as_of-2P, as_of-P], the share who
  // ordered again in (as_of-P, as_of]. Default 90.
  int32_t retention_period_days = 90;
  // A customer with one order placed within this many days of as_of is "new". Default 30.
  int32_t new_customer_days = 30;
  // At risk when days since last order > this factor x their expected inter-purchase interval. Default 1.5.
  double overdue_factor = 1.5;
  // Time unit of the customer-base models: "week" (default) or "day".
  std::string model_unit = "week";
  // Days after a fulfilled (else placed) order before a review request is due. Default 14.
  int32_t review_request_delay_days = 14;
  // Share of each downloaded audience kept back as a holdout group. Default 0.10.
  double holdout_share = 0.10;
  // Seed for holdout draws and simulations. Default 20261123.
  uint64_t seed = 20261123;
  // CLV horizon in months and the monthly discount rate. Defaults 12 and 0.01.
  int32_t clv_months = 12;
  double monthly_discount_rate = 0.01;
};

}  // namespace rapport
