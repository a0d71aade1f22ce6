// The one place that knows the other analyses whose results are segment fields: RFM (rfm_r, rfm_f, rfm_m,
// rfm_segment: core/analysis/rfm), the retention funnel (stage: core/analysis/funnel) and the customer-base
// models (p_alive, predicted_clv, next_order_date: core/model). Each is computed from the context's own
// customer facts, so it sees exactly the orders the other fields see. A field whose analysis this build does
// not have stays unavailable with the reason BuildSegmentContext wrote.
#include <cmath>
#include <limits>

#include "core/analysis/funnel/funnel.h"
#include "core/analysis/rfm/rfm.h"
#include "core/segment/context.h"

namespace rapport {

void AttachAnalyses(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                    const SegmentContextOptions& options) {
  (void)options;
  const size_t n = ctx->customers;
  const double missing = std::numeric_limits<double>::quiet_NaN();

  // RFM scores and named segment (customers without a counted order have none).
  {
    const RfmResult rfm = ComputeRfmFromFacts(workspace, ctx->facts);
    std::vector<double> r(n, missing), f(n, missing), m(n, missing);
    std::vector<uint8_t> segment(n, kNoEnum);
    for (size_t c = 0; c < n && c < rfm.segment.size(); ++c) {
      if (rfm.segment[c] == RfmSegment::kNone) continue;
      r[c] = rfm.r[c];
      f[c] = rfm.f[c];
      m[c] = rfm.m[c];
      segment[c] = EnumCode(FieldId::kRfmSegment, RfmSegmentName(rfm.segment[c]));
    }
    SetNumberColumn(ctx, FieldId::kRfmR, std::move(r));
    SetNumberColumn(ctx, FieldId::kRfmF, std::move(f));
    SetNumberColumn(ctx, FieldId::kRfmM, std::move(m));
    SetEnumColumn(ctx, FieldId::kRfmSegment, std::move(segment));
  }

  // Funnel stage, with the context's analysis date.
  {
    Settings s = settings;
    s.as_of_day = ctx->as_of_day;
    const FunnelResult funnel = ComputeFunnelFromFacts(workspace, s, ctx->facts);
    std::vector<uint8_t> stage(n, kNoEnum);
    for (size_t c = 0; c < n && c < funnel.stage.size(); ++c) {
      if (funnel.stage[c] == Stage::kNotCustomer) continue;
      stage[c] = EnumCode(FieldId::kStage, StageName(funnel.stage[c]));
    }
    SetEnumColumn(ctx, FieldId::kStage, std::move(stage));
  }
}

}  // namespace rapport
