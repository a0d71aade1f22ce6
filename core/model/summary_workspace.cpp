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
  return SummaryBuilder(FactsFrom(source, workspace, last, currency), options).Take();
}

}  // namespace rapport::model
