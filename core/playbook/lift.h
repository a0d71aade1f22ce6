// Lift of a campaign sent to an audience with a random holdout: after the send day, compare the customers who
// got the message (treatment) with those held out (control).
//
//   conversion: share with >= 1 valid order in [send_day, send_day + window_days); difference of the two
//               proportions with a 95 % interval from the unpooled two-proportion z (Wald) standard error,
//               and the pooled z statistic's two-sided p-value;
//   revenue per customer: mean net revenue in the window, difference with a 95 % Welch interval
//               (Welch-Satterthwaite degrees of freedom, Student t quantile).
#pragma once

#include <cstdint>
#include <vector>

#include "core/workspace/workspace.h"

namespace rapport {

struct GroupOutcome {
  uint64_t customers = 0;
  uint64_t converted = 0;
  double conversion_rate = 0;
  double revenue_per_customer = 0;  // cents
  double revenue_sd = 0;            // sample standard deviation, cents
  int64_t revenue_cents = 0;
};

struct LiftResult {
  int32_t send_day = 0;
  int32_t window_days = 0;
  GroupOutcome treatment, control;
  double conversion_diff = 0, conversion_low = 0, conversion_high = 0;  // treatment - control, 95 % CI
  double conversion_relative_lift = 0;                                  // diff / control rate (NaN if 0)
  double conversion_p_value = 1;
  double revenue_diff = 0, revenue_low = 0, revenue_high = 0;           // cents per customer, 95 % CI
  double revenue_df = 0;
  int32_t last_observed_day = 0;  // the window is cut at the latest order in the workspace
};

// Per-member outcomes (already measured) -> the comparison. `holdout[i]` = 1 for control.
LiftResult LiftFromOutcomes(const std::vector<uint8_t>& holdout, const std::vector<uint8_t>& converted,
                            const std::vector<int64_t>& revenue_cents);

// Measures outcomes from the workspace's valid orders (any currency counts toward conversion; revenue in
// `currency`, kNoId = all) and compares the groups.
LiftResult MeasureLift(const Workspace& workspace, const std::vector<uint32_t>& customers,
                       const std::vector<uint8_t>& holdout, int32_t send_day, int32_t window_days, uint32_t currency);

// Two-sided 97.5 % quantile of Student's t with df degrees of freedom (1.959964 as df -> infinity).
double StudentT975(double df);

}  // namespace rapport
