#include "core/playbook/lift.h"

#include <cmath>
#include <limits>

namespace rapport {

double StudentT975(double df) {
  if (!(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  // Exact values for small df (tables of Student's t); linear in 1/df between them.
  static const double kTable[] = {0, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281};
  if (df < 1) return kTable[1];
  if (df <= 10) {
    const int lo = static_cast<int>(std::floor(df));
    if (lo == 10 || df == lo) return kTable[lo];
    const double w = (1.0 / lo - 1.0 / df) / (1.0 / lo - 1.0 / (lo + 1));
    return kTable[lo] + w * (kTable[lo + 1] - kTable[lo]);
  }
  // Cornish-Fisher expansion around the normal quantile (Abramowitz & Stegun 26.7.5); error < 1e-4 for df > 10.
  const double z = 1.959963984540054;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z;
  const double g1 = (z3 + z) / 4;
  const double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

LiftResult LiftFromOutcomes(const std::vector<uint8_t>& holdout, const std::vector<uint8_t>& converted,
                            const std::vector<int64_t>& revenue) {
  LiftResult r;
  double sum[2] = {0, 0}, sum2[2] = {0, 0};
  GroupOutcome* groups[2] = {&r.treatment, &r.control};
  for (size_t i = 0; i < holdout.size(); ++i) {
    GroupOutcome& g = *groups[holdout[i] ? 1 : 0];
    ++g.customers;
    g.converted += converted[i] ? 1 : 0;
    g.revenue_cents += revenue[i];
    const double v = static_cast<double>(revenue[i]);
    sum[holdout[i] ? 1 : 0] += v;
    sum2[holdout[i] ? 1 : 0] += v * v;
  }
  double var[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    GroupOutcome& g = *groups[k];
    if (g.customers == 0) continue;
    const double n = static_cast<double>(g.customers);
    g.conversion_rate = g.converted / n;
    g.revenue_per_customer = sum[k] / n;
    var[k] = g.customers > 1 ? std::max(0.0, (sum2[k] - sum[k] * sum[k] / n) / (n - 1)) : 0;
    g.revenue_sd = std::sqrt(var[k]);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double n1 = static_cast<double>(r.treatment.customers), n0 = static_cast<double>(r.control.customers);
  if (n1 == 0 || n0 == 0) {
    r.conversion_diff = r.conversion_low = r.conversion_high = nan;
    r.revenue_diff = r.revenue_low = r.revenue_high = nan;
    r.conversion_relative_lift = nan;
    r.conversion_p_value = nan;
    return r;
  }
  const double p1 = r.treatment.conversion_rate, p0 = r.control.conversion_rate;
  const double z = 1.959963984540054;
  r.conversion_diff = p1 - p0;
  const double se = std::sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0);
  r.conversion_low = r.conversion_diff - z * se;
  r.conversion_high = r.conversion_diff + z * se;
  r.conversion_relative_lift = p0 > 0 ? r.conversion_diff / p0 : nan;
  const double pooled = (r.treatment.converted + r.control.converted) / (n1 + n0);
  const double se_pooled = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  r.conversion_p_value = se_pooled > 0 ? std::erfc(std::fabs(r.conversion_diff) / se_pooled / std::sqrt(2.0)) : 1.0;

  r.revenue_diff = r.treatment.revenue_per_customer - r.control.revenue_per_customer;
  const double a = var[0] / n1, b = var[1] / n0;
  const double se_rev = std::sqrt(a + b);
  if (se_rev > 0) {
    const double df_den = (n1 > 1 ? a * a / (n1 - 1) : 0) + (n0 > 1 ? b * b / (n0 - 1) : 0);
    r.revenue_df = df_den > 0 ? (a + b) * (a + b) / df_den : std::numeric_limits<double>::infinity();
    const double t = std::isfinite(r.revenue_df) ? StudentT975(r.revenue_df) : z;
    r.revenue_low = r.revenue_diff - t * se_rev;
    r.revenue_high = r.revenue_diff + t * se_rev;
  } else {
    r.revenue_low = r.revenue_high = r.revenue_diff;
  }
  return r;
}

LiftResult MeasureLift(const Workspace& ws, const std::vector<uint32_t>& customers, const std::vector<uint8_t>& holdout,
                       int32_t send_day, int32_t window_days, uint32_t currency) {
  const OrderTable& o = ws.orders;
  const size_t n = ws.customers.size();
  // Member index per customer id.
  std::vector<uint32_t> member(n, UINT32_MAX);
  for (size_t i = 0; i < customers.size(); ++i) {
    if (customers[i] < n) member[customers[i]] = static_cast<uint32_t>(i);
  }
  std::vector<uint8_t> converted(customers.size(), 0);
  std::vector<int64_t> revenue(customers.size(), 0);
  int32_t last_observed = send_day;
  const int32_t end = send_day + window_days;
  for (size_t i = 0; i < o.size(); ++i) {
    if (!o.valid(i)) continue;
    if (o.day[i] > last_observed) last_observed = o.day[i];
    const uint32_t c = o.customer[i];
    if (c >= n || member[c] == UINT32_MAX || o.day[i] < send_day || o.day[i] >= end) continue;
    converted[member[c]] = 1;
    if (currency == kNoId || o.currency[i] == currency) revenue[member[c]] += o.net_cents(i);
  }
  LiftResult r = LiftFromOutcomes(holdout, converted, revenue);
  r.send_day = send_day;
  r.window_days = window_days;
  r.last_observed_day = last_observed;
  return r;
}

}  // namespace rapport
