// The one place that knows the other analyses whose results are segment fields: RFM (rfm_r, rfm_f, rfm_m,
// rfm_segment), the retention funnel (stage) and the customer-base models (p_alive, predicted_clv,
// next_order_date). Each is attached only when this build has it; otherwise the field stays unavailable with
// the reason BuildSegmentContext wrote.
#include "core/segment/context.h"

namespace rapport {

void AttachAnalyses(SegmentContext* context, const Workspace& workspace, const Settings& settings,
                    const SegmentContextOptions& options) {
  (void)context;
  (void)workspace;
  (void)settings;
  (void)options;
}

}  // namespace rapport
