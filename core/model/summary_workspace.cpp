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
  std::vector<Transaction> tx;
  tx.reserve(facts.order_ids.size());
  const OrderTable& orders = workspace.orders;
  for (uint32_t c = 0; c < facts.size(); ++c) {
    for (const uint32_t* o = facts.begin_orders(c); o != facts.end_orders(c); ++o) {
      tx.push_back({c, orders.day[*o], static_cast<double>(orders.net_cents(*o)) / 100.0});
    }
  }
  return SummarizeTransactions(std::move(tx), options);
}

}  // namespace rapport::model
