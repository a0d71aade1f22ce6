// Customer lifetime value from a count model and Gamma-Gamma (MODELS.md §7).
//
// Rapport's CLV is lifetimes' discrete monthly convention (lifetimes `customer_lifetime_value`):
//   CLV_i = Σ_{k=1..K} m̂_i·[E_i(k·f) − E_i((k−1)·f)] / (1+d)^k,   E_i(0) = 0,
// with E_i the conditional expected purchases of the count model, m̂_i = E[M | x_i, z̄_i] (Gamma-Gamma), f the
// model time units per month (weeks 4.345, days 30), K months and d the monthly discount rate. It is revenue;
// apply a margin explicitly if one is wanted. (lifetimes' own default f = 30 is days; its docs feed it weeks.)
// DERT, the continuous-time alternative, is in pnbd.h and bgnbd.h.
#pragma once

#include <functional>

namespace rapport::model {

// Time units per month: 30 for days, 4.345 for weeks (lifetimes' constants), 30/unit_days otherwise.
double UnitsPerMonth(double unit_days);

// Σ_{k=1..K} [E(k·f) − E((k−1)·f)] / (1+d)^k for a conditional expectation E(t) with E(0) = 0.
double DiscountedPurchases(const std::function<double(double)>& expected_purchases, double units_per_month,
                           int months, double monthly_discount_rate);

// The continuously compounded rate per time unit for DERT: δ = ln(1 + annual rate) / units per year.
double ContinuousRatePerUnit(double annual_rate, double units_per_year);

}  // namespace rapport::model
