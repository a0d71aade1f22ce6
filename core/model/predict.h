// Predictions from fitted models (MODELS.md §3-§7): per customer, for the population, and the
// calibration/holdout comparison that shows a merchant how far to trust them.
//
// Per customer (all conditional on the history x, t_x, T as of the calibration end):
//   p_alive            P(still a customer) under the count model;
//   expected_purchases E[purchases in the next `horizon` units];
//   p_purchase         P(at least one purchase in the next `horizon` units);
//   next_purchase      median wait to the next purchase *given alive*, in units after as_of (BG/NBD, MBG/NBD:
//                      Lomax median §3.8; Pareto/NBD: among futures with a next purchase, §5.5). Always shown
//                      with p_alive; as_of + next_purchase is the "expected next order date";
//   expected_value     E[M | x, z̄] from Gamma-Gamma (NaN without a spend model);
//   clv                lifetimes' discrete monthly CLV (clv.h), NaN without a spend model;
//   risk               churn-risk band from p_alive: low >= 0.7 > medium >= 0.5 > high. BG/NBD gives every
//                      one-time buyer P(alive) = 1 by construction, so they are kUnrated under BG/NBD.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/fit.h"
#include "core/model/summary.h"

namespace rapport::model {

enum class RiskBand : uint8_t { kLow, kMedium, kHigh, kUnrated };
const char* RiskBandName(RiskBand band);  // "low", "medium", "high", "unrated"
constexpr double kLowRiskPAlive = 0.7;     // p_alive >= 0.7: low
constexpr double kMediumRiskPAlive = 0.5;  // 0.5 <= p_alive < 0.7: medium; below: high

struct PredictionOptions {
  double horizon = 90.0 / 7.0;  // units ahead for expected_purchases and p_purchase (default 90 days in weeks)
  int clv_months = 12;          // K
  double monthly_discount_rate = 0.01;
  double units_per_month = 4.345;  // f (clv.h UnitsPerMonth)
};

struct CustomerPredictions {
  std::vector<double> p_alive, expected_purchases, p_purchase, next_purchase, expected_value, clv;
  std::vector<RiskBand> risk;
  size_t size() const { return p_alive.size(); }
};

// `spend` may be null (no Gamma-Gamma fit): expected_value and clv are NaN then. zbar may be empty.
// Quantities that depend only on (x, t_x, T) are computed once per pattern.
CustomerPredictions PredictCustomers(const FitResult& count_model, const FitResult* spend,
                                     const std::vector<double>& x, const std::vector<double>& t_x,
                                     const std::vector<double>& T, const std::vector<double>& zbar,
                                     const PredictionOptions& options);

// PredictCustomers a chunk of patterns at a time (the engine's steps, core/api/cache.h): the constructor merges
// the rows into patterns, each Run computes the next `patterns` patterns' quantities (Pareto/NBD: all of them at
// once, through its pair tables), Result spreads them over the rows once done(): PredictCustomers' result
// however the runs are split. Keeps references to its arguments, which must outlive it.
class CustomerPredictor {
 public:
  CustomerPredictor(const FitResult& count_model, const FitResult* spend, const std::vector<double>& x,
                    const std::vector<double>& t_x, const std::vector<double>& T, const std::vector<double>& zbar,
                    const PredictionOptions& options);
  // Returns done().
  bool Run(size_t patterns);
  bool done() const { return at_ >= patterns_.size(); }
  CustomerPredictions Result() const;

 private:
  const FitResult& fit_;
  const FitResult* spend_;
  const std::vector<double>& x_;
  const std::vector<double>& zbar_;
  PredictionOptions options_;
  Patterns patterns_;
  std::vector<double> alive_, expected_, p_any_, next_, discounted_;  // per pattern
  size_t at_ = 0;  // patterns done
};

// Dispatch on the count model.
double PAlive(const FitResult& fit, double x, double t_x, double T);
// P(alive) and E[Y(t) | x, t_x, T] of every pattern (Pareto/NBD: P(alive) through the pair tables of
// ParetoNbdPAliveOfPatterns rather than two 2F1 series per pattern).
void PAliveAndExpectedPurchases(const FitResult& fit, double t, const Patterns& patterns, std::vector<double>* p_alive,
                                std::vector<double>* expected);
double ConditionalExpectedPurchases(const FitResult& fit, double t, double x, double t_x, double T);
double ExpectedPurchasesNew(const FitResult& fit, double t);  // E[X(t)] for a new customer
double ProbabilityOfPurchaseWithin(const FitResult& fit, double t, double x, double t_x, double T);
double NextPurchaseMedian(const FitResult& fit, double x, double t_x, double T);

// Predicted vs actual holdout repeat purchases, grouped by calibration frequency 0, 1, …, 6, 7+.
struct HoldoutRow {
  int frequency = 0;  // 7 means 7 or more
  double customers = 0, actual = 0, predicted = 0;  // sums over the group (divide by customers for means)
};
struct HoldoutComparison {
  double horizon = 0;  // H − C in units
  std::vector<HoldoutRow> rows;
  double customers = 0, actual = 0, predicted = 0;
  double actual_buyers_share = 0, predicted_buyers_share = 0;  // share with >= 1 holdout purchase
};
// REQUIRES: summary has a holdout (holdout_x filled).
HoldoutComparison CompareHoldout(const FitResult& count_model, const CustomerSummary& summary);

// Weekly cumulative repeat purchases, actual vs Σ_customers E[X(τ − first day)] (FHL 2005 Figure 2).
struct TrackingPoint {
  int32_t day = 0;  // end of the week (inclusive)
  double actual = 0, predicted = 0;
};
std::vector<TrackingPoint> TrackingCurve(const FitResult& count_model, const CustomerSummary& summary);

}  // namespace rapport::model
