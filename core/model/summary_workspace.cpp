// SummarizeWorkspace (summary.h): a workspace's valid orders in one currency as model transactions.
#include "core/analysis/customer_facts.h"
#include "core/model/summary.h"
#include "core/workspace/workspace.h"

namespace rapport::model {

Result<CustomerSummary> SummarizeWorkspace(const Workspace& workspace, const Settings& settings,
                                           const SummaryOptions& options) {
  return SummarizeWorkspace(workspace, settings, options, FactsSource());
}

Result<CustomerSummary> SummarizeWorkspace(const Workspace& workspace, const Settings& settings,
                                           const SummaryOptions& options, const FactsSource& source) {
  if (options.calibration_end_day == kNoDay) return InvalidArgument("summary: the workspace has no valid orders (no as_of)");
  const uint32_t currency = AnalysisCurrency(workspace, settings);
  if (currency == kNoId) return Status(StatusCode::kInsufficientData, "summary: the workspace has no valid orders");
  const int32_t last = options.holdout_end_day == kNoDay ? options.calibration_end_day : options.holdout_end_day;
  const std::shared_ptr<const CustomerFacts> kept = FactsFrom(source, workspace, last, currency);
  const CustomerFacts& facts = *kept;
  // Each customer's orders in time order with their day and net value, read in sequence off the facts (the
  // order table's own day and total − refunded).
  std::vector<Transaction> tx;
  tx.reserve(facts.order_ids.size());
  for (uint32_t c = 0; c < facts.size(); ++c) {
    const int32_t* days = facts.begin_days(c);
    const int64_t* nets = facts.begin_net(c);
    for (const int32_t* end = facts.end_days(c); days != end; ++days, ++nets) {
      tx.push_back({c, *days, static_cast<double>(*nets) / 100.0});
    }
  }
  return SummarizeTransactions(std::move(tx), options);
}

}  // namespace rapport::model
