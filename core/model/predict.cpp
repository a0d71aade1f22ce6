// See predict.h.
#include "core/model/predict.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/model/clv.h"

namespace rapport::model {

const char* RiskBandName(RiskBand band) {
  switch (band) {
    case RiskBand::kLow: return "low";
    case RiskBand::kMedium: return "medium";
    case RiskBand::kHigh: return "high";
    case RiskBand::kUnrated: return "unrated";
  }
  return "?";
}

double PAlive(const FitResult& fit, double x, double t_x, double T) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdPAlive(fit.bgnbd(), x, t_x, T);
    case ModelKind::kMbgNbd: return MbgNbdPAlive(fit.mbgnbd(), x, t_x, T);
    case ModelKind::kParetoNbd: return ParetoNbdPAlive(fit.pnbd(), x, t_x, T);
    case ModelKind::kGammaGamma: break;
  }
  return NAN;
}

void PAliveAndExpectedPurchases(const FitResult& fit, double t, const Patterns& patterns, std::vector<double>* p_alive,
                                std::vector<double>* expected) {
  const size_t m = patterns.size();
  expected->resize(m);
  if (fit.model == ModelKind::kParetoNbd) {
    const ParetoNbdParams p = fit.pnbd();
    *p_alive = ParetoNbdPAliveOfPatterns(p, patterns);
    for (size_t k = 0; k < m; ++k) {
      (*expected)[k] = (*p_alive)[k] * ParetoNbdExpectedPurchasesIfAlive(p, t, patterns.x[k], patterns.T[k]);
    }
    return;
  }
  p_alive->resize(m);
  for (size_t k = 0; k < m; ++k) {
    (*p_alive)[k] = PAlive(fit, patterns.x[k], patterns.t_x[k], patterns.T[k]);
    (*expected)[k] = ConditionalExpectedPurchases(fit, t, patterns.x[k], patterns.t_x[k], patterns.T[k]);
  }
}

double ConditionalExpectedPurchases(const FitResult& fit, double t, double x, double t_x, double T) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdConditionalExpectedPurchases(fit.bgnbd(), t, x, t_x, T);
    case ModelKind::kMbgNbd: return MbgNbdConditionalExpectedPurchases(fit.mbgnbd(), t, x, t_x, T);
    case ModelKind::kParetoNbd: return ParetoNbdConditionalExpectedPurchases(fit.pnbd(), t, x, t_x, T);
    case ModelKind::kGammaGamma: break;
  }
  return NAN;
}

double ExpectedPurchasesNew(const FitResult& fit, double t) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdExpectedPurchases(fit.bgnbd(), t);
    case ModelKind::kMbgNbd: return MbgNbdExpectedPurchases(fit.mbgnbd(), t);
    case ModelKind::kParetoNbd: return ParetoNbdExpectedPurchases(fit.pnbd(), t);
    case ModelKind::kGammaGamma: break;
  }
  return NAN;
}

double ProbabilityOfPurchaseWithin(const FitResult& fit, double t, double x, double t_x, double T) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdProbabilityOfPurchaseWithin(fit.bgnbd(), t, x, t_x, T);
    case ModelKind::kMbgNbd: return MbgNbdProbabilityOfPurchaseWithin(fit.mbgnbd(), t, x, t_x, T);
    case ModelKind::kParetoNbd: return ParetoNbdProbabilityOfPurchaseWithin(fit.pnbd(), t, x, t_x, T);
    case ModelKind::kGammaGamma: break;
  }
  return NAN;
}

double NextPurchaseMedian(const FitResult& fit, double x, double t_x, double T) {
  switch (fit.model) {
    case ModelKind::kBgNbd: return BgNbdNextPurchaseQuantile(fit.bgnbd(), 0.5, x, T);
    case ModelKind::kMbgNbd: return MbgNbdNextPurchaseQuantile(fit.mbgnbd(), 0.5, x, T);
    case ModelKind::kParetoNbd: return ParetoNbdNextPurchaseOf(fit.pnbd(), x, t_x, T).median;
    case ModelKind::kGammaGamma: break;
  }
  return NAN;
}

namespace {

// Pareto/NBD per pattern, the fast way: P(alive) for all patterns from the pair tables (two 2F1 per distinct
// (x, t_x) or (x, T), not four per pattern), and what is conditional on being alive (E[Y(t)], P(purchase within
// t), the next-purchase median, the discounted purchases of the CLV: quadratures and closed forms that depend
// on x and T only) once per distinct (x, T), then multiplied by each pattern's P(alive). False when x is not
// whole (the caller then goes pattern by pattern).
bool PredictParetoNbdPatterns(const ParetoNbdParams& p, bool with_spend, const Patterns& patterns,
                              const PredictionOptions& options, std::vector<double>* alive, std::vector<double>* expected,
                              std::vector<double>* p_any, std::vector<double>* next, std::vector<double>* discounted) {
  Patterns paired = patterns;
  IndexPatterns(&paired);
  IndexPatternPairs(&paired);
  if (paired.max_whole_x < 0 || paired.T_pair.size() != paired.size()) return false;
  *alive = ParetoNbdPAliveOfPatterns(p, paired);
  const size_t pairs = paired.T_pair_time.size();
  std::vector<double> e_alive(pairs), within(pairs), median(pairs), disc(pairs, NAN);
  for (size_t xi = 0; xi + 1 < paired.T_pair_begin.size(); ++xi) {
    const double xd = static_cast<double>(xi);
    for (uint32_t k = paired.T_pair_begin[xi]; k < paired.T_pair_begin[xi + 1]; ++k) {
      const double Tk = paired.times[paired.T_pair_time[k]];
      e_alive[k] = ParetoNbdExpectedPurchasesIfAlive(p, options.horizon, xd, Tk);
      within[k] = ParetoNbdPurchaseWithinIfAlive(p, options.horizon, xd, Tk);
      median[k] = ParetoNbdNextPurchaseIfAlive(p, xd, Tk).median;
      if (with_spend) {
        disc[k] = DiscountedPurchases([&](double t) { return ParetoNbdExpectedPurchasesIfAlive(p, t, xd, Tk); },
                                      options.units_per_month, options.clv_months, options.monthly_discount_rate);
      }
    }
  }
  for (size_t i = 0; i < paired.size(); ++i) {
    const uint32_t k = paired.T_pair[i];
    const double a = (*alive)[i];
    (*expected)[i] = a * e_alive[k];
    (*p_any)[i] = a * within[k];
    (*next)[i] = median[k];
    (*discounted)[i] = a * disc[k];
  }
  return true;
}

}  // namespace

CustomerPredictor::CustomerPredictor(const FitResult& fit, const FitResult* spend, const std::vector<double>& x,
                                     const std::vector<double>& t_x, const std::vector<double>& T,
                                     const std::vector<double>& zbar, const PredictionOptions& options)
    : fit_(fit), spend_(spend), x_(x), zbar_(zbar), options_(options), patterns_(CompressPatterns(x, t_x, T)) {
  const size_t m = patterns_.size();
  alive_.resize(m);
  expected_.resize(m);
  p_any_.resize(m);
  next_.resize(m);
  discounted_.resize(m);
}

bool CustomerPredictor::Run(size_t patterns) {
  const size_t m = patterns_.size();
  if (done()) return true;
  if (fit_.model == ModelKind::kParetoNbd && at_ == 0 &&
      PredictParetoNbdPatterns(fit_.pnbd(), spend_ != nullptr, patterns_, options_, &alive_, &expected_, &p_any_,
                               &next_, &discounted_)) {
    at_ = m;  // every pattern at once, through the pair tables
    return true;
  }
  const FitResult& fit = fit_;
  const size_t end = at_ + std::min(patterns, m - at_);
  for (size_t k = at_; k < end; ++k) {
    const double px = patterns_.x[k], ptx = patterns_.t_x[k], pT = patterns_.T[k];
    alive_[k] = PAlive(fit, px, ptx, pT);
    expected_[k] = ConditionalExpectedPurchases(fit, options_.horizon, px, ptx, pT);
    p_any_[k] = ProbabilityOfPurchaseWithin(fit, options_.horizon, px, ptx, pT);
    next_[k] = NextPurchaseMedian(fit, px, ptx, pT);
    discounted_[k] = spend_ ? DiscountedPurchases([&](double t) { return ConditionalExpectedPurchases(fit, t, px, ptx, pT); },
                                                  options_.units_per_month, options_.clv_months, options_.monthly_discount_rate)
                            : NAN;
  }
  at_ = end;
  return done();
}

CustomerPredictions CustomerPredictor::Result() const {
  const FitResult& fit = fit_;
  const FitResult* spend = spend_;
  const std::vector<double>& x = x_;
  const std::vector<double>& zbar = zbar_;
  CustomerPredictions out;
  const size_t n = x.size();
  out.p_alive.resize(n);
  out.expected_purchases.resize(n);
  out.p_purchase.resize(n);
  out.next_purchase.resize(n);
  out.expected_value.resize(n);
  out.clv.resize(n);
  out.risk.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = patterns_.pattern_of_row[i];
    out.p_alive[i] = alive_[k];
    out.expected_purchases[i] = expected_[k];
    out.p_purchase[i] = p_any_[k];
    out.next_purchase[i] = next_[k];
    const double value = spend ? GammaGammaExpectedValue(spend->gg(), x[i], zbar.empty() ? 0.0 : zbar[i]) : NAN;
    out.expected_value[i] = value;
    out.clv[i] = value * discounted_[k];
    if (fit.model == ModelKind::kBgNbd && x[i] == 0) {
      out.risk[i] = RiskBand::kUnrated;
    } else {
      out.risk[i] = alive_[k] >= kLowRiskPAlive ? RiskBand::kLow : alive_[k] >= kMediumRiskPAlive ? RiskBand::kMedium : RiskBand::kHigh;
    }
  }
  return out;
}

CustomerPredictions PredictCustomers(const FitResult& fit, const FitResult* spend, const std::vector<double>& x,
                                     const std::vector<double>& t_x, const std::vector<double>& T,
                                     const std::vector<double>& zbar, const PredictionOptions& options) {
  CustomerPredictor predictor(fit, spend, x, t_x, T, zbar, options);
  predictor.Run(SIZE_MAX);
  return predictor.Result();
}

HoldoutComparison CompareHoldout(const FitResult& fit, const CustomerSummary& s) {
  HoldoutComparison out;
  out.horizon = s.holdout_length();
  out.rows.resize(8);
  for (int f = 0; f < 8; ++f) out.rows[f].frequency = f;
  if (s.holdout_x.size() != s.size()) return out;
  const Patterns patterns = CompressPatterns(s.x, s.t_x, s.T);
  std::vector<double> predicted(patterns.size()), buy(patterns.size());
  for (size_t k = 0; k < patterns.size(); ++k) {
    predicted[k] = ConditionalExpectedPurchases(fit, out.horizon, patterns.x[k], patterns.t_x[k], patterns.T[k]);
    buy[k] = ProbabilityOfPurchaseWithin(fit, out.horizon, patterns.x[k], patterns.t_x[k], patterns.T[k]);
  }
  double buyers = 0, predicted_buyers = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    HoldoutRow& row = out.rows[std::min<int>(7, static_cast<int>(s.x[i]))];
    const uint32_t k = patterns.pattern_of_row[i];
    row.customers += 1;
    row.actual += s.holdout_x[i];
    row.predicted += predicted[k];
    buyers += s.holdout_x[i] > 0 ? 1 : 0;
    predicted_buyers += buy[k];
  }
  for (const HoldoutRow& row : out.rows) {
    out.customers += row.customers;
    out.actual += row.actual;
    out.predicted += row.predicted;
  }
  if (out.customers > 0) {
    out.actual_buyers_share = buyers / out.customers;
    out.predicted_buyers_share = predicted_buyers / out.customers;
  }
  return out;
}

std::vector<TrackingPoint> TrackingCurve(const FitResult& fit, const CustomerSummary& s) {
  std::vector<TrackingPoint> curve;
  if (s.size() == 0) return curve;
  std::map<int32_t, double> cohort;  // first day -> customers
  for (int32_t d : s.first_day) cohort[d] += 1;
  const int32_t start = cohort.begin()->first;
  const int32_t last = s.holdout_end_day == kNoDay ? s.calibration_end_day : s.holdout_end_day;
  size_t next_repeat = 0;
  double actual = 0;
  for (int32_t week_end = start + 6;; week_end += 7) {
    const int32_t day = std::min(week_end, last);
    while (next_repeat < s.repeat_days.size() && s.repeat_days[next_repeat] <= day) {
      ++next_repeat;
      actual += 1;
    }
    double predicted = 0;
    for (const auto& [first, count] : cohort) {
      if (first > day) break;
      predicted += count * ExpectedPurchasesNew(fit, (day - first) / s.unit_days);
    }
    curve.push_back({day, actual, predicted});
    if (day >= last) break;
  }
  return curve;
}

}  // namespace rapport::model
