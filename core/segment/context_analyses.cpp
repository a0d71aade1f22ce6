// The one place that knows the other analyses whose results are segment fields: RFM (rfm_r, rfm_f, rfm_m,
// rfm_segment: core/analysis/rfm), the retention funnel (stage: core/analysis/funnel) and the customer-base
// models (p_alive, predicted_clv, next_order_date: core/model). Each is computed from the context's own
// customer facts, so it sees exactly the orders the other fields see. A field whose analysis this build does
// not have stays unavailable with the reason BuildSegmentContext wrote.
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "core/analysis/funnel/funnel.h"
#include "core/analysis/rfm/rfm.h"
#include "core/model/clv.h"
#include "core/model/fit.h"
#include "core/model/gamma_gamma.h"
#include "core/model/predict.h"
#include "core/model/summary.h"
#include "core/segment/context.h"

namespace rapport {

namespace {

// p_alive, predicted_clv and next_order_date from the customer-base models fitted at the context's as_of:
// MBG/NBD for purchasing (its P(alive) ranks one-time buyers too, unlike BG/NBD's, DESIGN §3) and
// Gamma-Gamma for spend. A fit that fails leaves the fields unavailable with the fit's own reason.
void AttachModels(SegmentContext* ctx, const Workspace& workspace, const Settings& settings) {
  const size_t n = ctx->customers;
  auto unavailable = [&](const std::string& why) {
    for (FieldId field : {FieldId::kPAlive, FieldId::kPredictedClv, FieldId::kNextOrderDate}) {
      ctx->unavailable[static_cast<size_t>(field)] = "is not available: " + why;
    }
  };
  if (ctx->as_of_day == kNoDay) return unavailable("the workspace has no valid orders");
  model::SummaryOptions options;
  options.unit_days = settings.model_unit == "day" ? 1.0 : 7.0;
  options.calibration_end_day = ctx->as_of_day;
  auto summary = model::SummarizeWorkspace(workspace, settings, options);
  if (!summary.ok()) return unavailable(summary.status().message());
  model::FitOptions fit_options;
  fit_options.standard_errors = false;
  auto count = model::FitCountModel(model::ModelKind::kMbgNbd,
                                    model::CompressPatterns(summary->x, summary->t_x, summary->T), fit_options);
  if (!count.ok()) return unavailable("the MBG/NBD fit failed (" + count.status().message() + ")");
  auto spend = model::FitGammaGamma(summary->x, summary->zbar, fit_options);
  // Per customer: P(alive | x, t_x, T) is closed-form and cheap. The rest factors through it: given alive at
  // T, the future of an MBG/NBD customer depends on (x, T) only (the purchase-rate posterior is
  // Gamma(r + x, alpha + T); t_x only enters P(alive)), so E[X(t) | x, t_x, T] = P(alive) * E[X(t) | alive,
  // x, T] and the same for the discounted purchases behind CLV (a sum over clv_months of hypergeometric
  // terms, the slow part) and for the median wait given alive. Those are computed once per distinct (x, T)
  // (about 10^4 at 1,000,000 customers, against ~5 * 10^5 distinct (x, t_x, T) patterns) with a
  // representative t_x, and scaled by each customer's P(alive). The result equals model::PredictCustomers
  // (tests/segment/segment_test.cpp checks it); doing it per pattern took minutes at 1,000,000 customers.
  const double units_per_month = options.unit_days == 1.0 ? 30.0 : 4.345;
  const double missing = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> p_alive(n, missing), clv(n, missing), next_day(n, missing);
  std::map<std::pair<double, double>, std::pair<double, double>> given_alive;  // (x, T) -> (discounted, next)
  const model::FitResult& fit = *count;
  for (size_t i = 0; i < summary->size(); ++i) {
    const uint32_t c = summary->customer[i];
    if (c >= n) continue;
    const double x = summary->x[i], t_x = summary->t_x[i], T = summary->T[i];
    const double alive = model::PAlive(fit, x, t_x, T);
    p_alive[c] = alive;
    auto it = given_alive.find({x, T});
    if (it == given_alive.end()) {
      const double rep_t_x = x > 0 ? T : 0.0;  // the likeliest alive customer with this (x, T)
      const double rep_alive = model::PAlive(fit, x, rep_t_x, T);
      double discounted = missing;
      if (spend.ok() && rep_alive > 0) {
        discounted = model::DiscountedPurchases(
                         [&](double t) { return model::ConditionalExpectedPurchases(fit, t, x, rep_t_x, T); },
                         units_per_month, settings.clv_months, settings.monthly_discount_rate) /
                     rep_alive;
      }
      it = given_alive.emplace(std::make_pair(x, T),
                               std::make_pair(discounted, model::NextPurchaseMedian(fit, x, rep_t_x, T))).first;
    }
    const double value = spend.ok() ? model::GammaGammaExpectedValue(spend->gg(), x, summary->zbar.empty() ? 0.0 : summary->zbar[i])
                                    : missing;
    const double predicted = value * alive * it->second.first;
    if (std::isfinite(predicted)) clv[c] = std::round(predicted * 100.0);  // money fields are in cents
    if (std::isfinite(it->second.second)) next_day[c] = ctx->as_of_day + std::ceil(it->second.second * options.unit_days);
  }
  SetNumberColumn(ctx, FieldId::kPAlive, std::move(p_alive));
  if (spend.ok()) {
    SetNumberColumn(ctx, FieldId::kPredictedClv, std::move(clv));
  } else {
    ctx->unavailable[static_cast<size_t>(FieldId::kPredictedClv)] =
        "is not available: the Gamma-Gamma spend fit failed (" + spend.status().message() + ")";
  }
  SetNumberColumn(ctx, FieldId::kNextOrderDate, std::move(next_day));
}

}  // namespace

bool IsModelField(FieldId field) {
  return field == FieldId::kPAlive || field == FieldId::kPredictedClv || field == FieldId::kNextOrderDate;
}

void SegmentContext::EnsureModels() const {
  if (!models_pending) return;
  std::lock_guard<std::mutex> lock(*models_mutex);
  if (!models_pending) return;
  // The context was built as a non-const object (BuildSegmentContext); only the model columns, their
  // reasons and the pending flag are written, once, under the lock.
  SegmentContext* self = const_cast<SegmentContext*>(this);
  AttachModels(self, *workspace, settings);
  self->models_pending = false;
}

void AttachAnalyses(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                    const SegmentContextOptions& options) {
  AttachAnalysesPart(ctx, workspace, settings, options, 0);
  AttachAnalysesPart(ctx, workspace, settings, options, 1);
}

namespace {

// Part 0 with its RFM result: the models' state, the RFM columns.
void AttachModelsAndRfm(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                        const SegmentContextOptions& options, const RfmResult& rfm) {
  const size_t n = ctx->customers;
  const double missing = std::numeric_limits<double>::quiet_NaN();
  if (options.models && options.eager_models) {
    AttachModels(ctx, workspace, settings);
  } else if (options.models) {
    ctx->models_pending = true;
  }

  // RFM scores and named segment (customers without a counted order have none).
  std::vector<double> r(n, missing), f(n, missing), m(n, missing), fm(n, missing);
  std::vector<uint8_t> segment(n, kNoEnum);
  for (size_t c = 0; c < n && c < rfm.segment.size(); ++c) {
    if (rfm.segment[c] == RfmSegment::kNone) continue;
    r[c] = rfm.r[c];
    f[c] = rfm.f[c];
    m[c] = rfm.m[c];
    fm[c] = RoundedFm(rfm.f[c], rfm.m[c]);
    segment[c] = EnumCode(FieldId::kRfmSegment, RfmSegmentName(rfm.segment[c]));
  }
  SetNumberColumn(ctx, FieldId::kRfmR, std::move(r));
  SetNumberColumn(ctx, FieldId::kRfmF, std::move(f));
  SetNumberColumn(ctx, FieldId::kRfmM, std::move(m));
  SetNumberColumn(ctx, FieldId::kRfmFm, std::move(fm));
  SetEnumColumn(ctx, FieldId::kRfmSegment, std::move(segment));
}

}  // namespace

struct AnalysesUnderWay {
  AnalysesUnderWay(const Workspace& workspace, const CustomerFacts& facts) : rfm(workspace, facts) {}
  RfmBuilder rfm;
};

void AttachAnalysesPart(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                        const SegmentContextOptions& options, int part) {
  if (part == 1) {
    // Funnel stage, with the context's analysis date.
    const size_t n = ctx->customers;
    Settings s = settings;
    s.as_of_day = ctx->as_of_day;
    const FunnelResult funnel = ComputeFunnelFromFacts(workspace, s, ctx->facts());
    std::vector<uint8_t> stage(n, kNoEnum);
    for (size_t c = 0; c < n && c < funnel.stage.size(); ++c) {
      if (funnel.stage[c] == Stage::kNotCustomer) continue;
      stage[c] = EnumCode(FieldId::kStage, StageName(funnel.stage[c]));
    }
    SetEnumColumn(ctx, FieldId::kStage, std::move(stage));
    return;
  }
  AttachModelsAndRfm(ctx, workspace, settings, options, ComputeRfmFromFacts(workspace, ctx->facts()));
}

void AttachAnalysesPart0With(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                             const SegmentContextOptions& options, const RfmResult& rfm) {
  AttachModelsAndRfm(ctx, workspace, settings, options, rfm);
}

bool AttachAnalysesPart0Step(SegmentContext* ctx, const Workspace& workspace, const Settings& settings,
                             const SegmentContextOptions& options, std::shared_ptr<AnalysesUnderWay>* under_way) {
  if (!*under_way) *under_way = std::make_shared<AnalysesUnderWay>(workspace, ctx->facts());
  RfmBuilder& rfm = (*under_way)->rfm;
  rfm.Run();
  if (!rfm.done()) return false;
  AttachModelsAndRfm(ctx, workspace, settings, options, rfm.Result());
  under_way->reset();
  return true;
}

}  // namespace rapport
