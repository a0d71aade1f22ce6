// The per-customer summary the customer-base models take (MODELS.md §1; the lifetimes conventions):
//   x    repeat purchases: purchase *days* after the first purchase day (same-day orders are one purchase);
//   t_x  recency: last purchase day − first purchase day (0 when x = 0);
//   T    age: as_of − first purchase day, with as_of inclusive;
//   z̄    mean value of the x repeat purchase days (each day's orders summed; the first day is excluded).
// Times are in days or weeks (days / 7) and are never rounded.
//
// With a holdout (calibration end C, holdout end H): the calibration summary uses days <= C, customers first
// seen after C are left out, and y = the number of distinct purchase days in (C, H]; horizon t = H − C.
//
// Patterns: identical (x, t_x, T) rows merged with integer weights, so a fit costs the number of distinct
// histories, not the number of customers (CDNOW: 1,016 patterns among 2,357 customers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/date.h"
#include "core/util/status.h"

namespace rapport {
struct Workspace;
struct Settings;
struct CustomerFacts;
}  // namespace rapport

namespace rapport::model {

// One order (or one line of a transaction log): who, which store-local day, how much (currency units).
struct Transaction {
  uint32_t customer = 0;
  int32_t day = 0;
  double value = 0.0;
};

struct SummaryOptions {
  // Days per model time unit: 7 (weeks, the default) or 1 (days).
  double unit_days = 7.0;
  // Last day of the calibration period, inclusive (as_of when there is no holdout). Required.
  int32_t calibration_end_day = kNoDay;
  // Last day of the holdout period, inclusive; kNoDay for no holdout.
  int32_t holdout_end_day = kNoDay;
};

// Column-wise, one row per customer with a first purchase on or before the calibration end, sorted by
// customer id.
struct CustomerSummary {
  double unit_days = 7.0;
  int32_t calibration_end_day = kNoDay;
  int32_t holdout_end_day = kNoDay;  // kNoDay: no holdout
  std::vector<uint32_t> customer;    // the caller's id
  std::vector<int32_t> first_day;    // first purchase day
  std::vector<int32_t> last_day;     // last purchase day within the calibration period
  std::vector<double> x, t_x, T;     // in the model time unit
  std::vector<double> zbar;          // mean repeat-day value (0 when x = 0)
  std::vector<double> total_value;   // all calibration purchase days' value, the first included
  std::vector<double> holdout_x;     // distinct purchase days in (C, H]; empty without a holdout
  // Every repeat purchase day (the first day excluded) of these customers up to the holdout end (or the
  // calibration end without one), sorted: the actual side of the tracking curve.
  std::vector<int32_t> repeat_days;

  size_t size() const { return customer.size(); }
  // H − C in model time units (0 without a holdout).
  double holdout_length() const {
    return holdout_end_day == kNoDay ? 0.0 : (holdout_end_day - calibration_end_day) / unit_days;
  }
};

// Builds the summary from transactions in any order. Transactions after the holdout end (or after the
// calibration end without a holdout) are ignored.
Result<CustomerSummary> SummarizeTransactions(std::vector<Transaction> transactions, const SummaryOptions& options);

// Builds the summary from a workspace's valid orders in one currency (core/analysis/customer_facts).
// `settings` gives the currency; net order value (total − refunded) is the purchase value.
Result<CustomerSummary> SummarizeWorkspace(const Workspace& workspace, const Settings& settings,
                                           const SummaryOptions& options);
// The same from customer facts the caller keeps (a FactsSource, core/analysis/customer_facts.h: the engine's,
// which its KPIs and funnel share), asked for those of the last day (the holdout end, else the calibration end)
// in the analysed currency.
Result<CustomerSummary> SummarizeWorkspace(const Workspace& workspace, const Settings& settings,
                                           const SummaryOptions& options,
                                           const std::function<std::shared_ptr<const CustomerFacts>(int32_t, uint32_t)>& facts);

// The summary a part at a time, for the engine's steps (core/api/cache.h): from the customer facts of the last
// day (the holdout end, else the calibration end) in the analysed currency, their transactions read about `rows`
// orders a part, sorted when they must be (one part), the rows about `rows` transactions a part, then the
// repeat days sorted; or from transactions in any order (the reading left out). Run(rows) does one part (0: a
// whole pass) and returns the rows it went over; Take() (running what is left) gives SummarizeWorkspace's, or
// SummarizeTransactions', summary to the bit: the same code over the same rows, in the same order.
class SummaryBuilder {
 public:
  SummaryBuilder(std::shared_ptr<const CustomerFacts> facts, const SummaryOptions& options);
  SummaryBuilder(std::vector<Transaction> transactions, const SummaryOptions& options);
  ~SummaryBuilder();
  bool done() const;
  size_t Run(size_t rows);
  Result<CustomerSummary> Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Identical (x, t_x, T) rows merged. pattern_of_row[i] is row i's pattern.
struct Patterns {
  std::vector<double> x, t_x, T, weight;
  std::vector<uint32_t> pattern_of_row;
  double customers = 0.0;  // Σ weight
  // Filled by IndexPatterns (optional): the distinct time values, each pattern's t_x and T as indices into
  // them, and the largest x when every x is a whole number (else −1). Lets a likelihood take its logs once
  // per distinct value and its lnΓ differences from a table over x.
  std::vector<double> times;
  std::vector<uint32_t> t_x_index, T_index;
  int64_t max_whole_x = -1;
  // Filled by IndexPatternPairs (optional, after IndexPatterns, whole x only): the distinct (x, t_x) and (x, T)
  // pairs, grouped by x and ordered by time within each x; the pairs of x are [begin[x], begin[x + 1]) and
  // pattern i's are t_x_pair[i] and T_pair[i]. A Pareto/NBD pass takes its 2F1 terms, which depend on x and
  // one time only, once per pair instead of twice per pattern (the 1M synthetic store: 531,047 patterns,
  // 25,745 + 25,894 pairs).
  std::vector<uint32_t> t_x_pair_time, t_x_pair_begin, T_pair_time, T_pair_begin;  // times index; size max x + 2
  std::vector<uint32_t> t_x_pair, T_pair;
  size_t size() const { return x.size(); }
};
Patterns CompressPatterns(const std::vector<double>& x, const std::vector<double>& t_x, const std::vector<double>& T);
void IndexPatterns(Patterns* patterns);
// REQUIRES: IndexPatterns was called. Does nothing unless every x is whole (max_whole_x >= 0).
void IndexPatternPairs(Patterns* patterns);

// A lifetimes-style summary file parsed: a header naming `frequency,recency,T[,monetary_value]` or
// `x,t_x,T[,zbar]` (any order, an optional `ID`/`id`/`customer_id` column, other columns ignored), comma
// separated, LF or CRLF. Errors name the file, line and column.
struct SummaryTable {
  std::vector<std::string> id;  // empty strings when the file has no id column
  std::vector<double> x, t_x, T;
  std::vector<double> zbar;     // empty when the file has no value column
  size_t size() const { return x.size(); }
};
Result<SummaryTable> ParseSummaryCsv(std::string_view text, const std::string& file_name);

}  // namespace rapport::model
