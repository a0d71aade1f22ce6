// See clv.h and MODELS.md §7.
#include "core/model/clv.h"

#include <cmath>

namespace rapport::model {

double UnitsPerMonth(double unit_days) {
  if (unit_days == 1.0) return 30.0;
  if (unit_days == 7.0) return 4.345;
  return 30.0 / unit_days;
}

double DiscountedPurchases(const std::function<double(double)>& expected_purchases, double units_per_month,
                           int months, double monthly_discount_rate) {
  double total = 0.0, previous = 0.0, discount = 1.0;
  for (int k = 1; k <= months; ++k) {
    const double current = expected_purchases(k * units_per_month);
    discount /= 1.0 + monthly_discount_rate;
    total += (current - previous) * discount;
    previous = current;
  }
  return total;
}

double ContinuousRatePerUnit(double annual_rate, double units_per_year) {
  return std::log1p(annual_rate) / units_per_year;
}

}  // namespace rapport::model
