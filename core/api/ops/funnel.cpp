// Ops "funnel" and "funnel_flow" (core/analysis/funnel).
//   funnel: {"stage": "at_risk" (optional: list that stage's customers), "limit": N (default 100),
//            "model": "pnbd" | "mbgnbd" | "bgnbd" (optional: fit it as of as_of and use its P(alive) < 0.5 as the
//            at-risk rule; MBG/NBD or Pareto/NBD rate one-time buyers, BG/NBD gives them P(alive) = 1)}
//   funnel_flow: {"from": "YYYY-MM-DD" (default to - 90 days), "to": "YYYY-MM-DD" (default as_of)}
#include <cmath>

#include "core/analysis/funnel/funnel.h"
#include "core/api/ops.h"
#include "core/api/ops/facts_step.h"
#include "core/model/fit.h"
#include "core/model/pnbd.h"
#include "core/model/predict.h"
#include "core/model/summary.h"

namespace rapport {

namespace {

bool StageFromName(const std::string& name, Stage* out) {
  for (int s = 0; s < kStageCount; ++s) {
    if (name == StageName(static_cast<Stage>(s))) {
      *out = static_cast<Stage>(s);
      return true;
    }
  }
  return false;
}

Result<int32_t> DayParam(const Json& rq, const char* name, int32_t fallback) {
  if (!rq.contains(name) || rq[name].is_null()) return fallback;
  if (!rq[name].is_string()) return InvalidArgument(std::string("`") + name + "`: expected a date like 2024-03-01");
  const int32_t day = ParseIsoDay(rq[name].get<std::string>());
  if (day == kNoDay) {
    return InvalidArgument(std::string("`") + name + "`: expected a date like 2024-03-01, found `" + rq[name].get<std::string>() + "`");
  }
  return day;
}

}  // namespace

// P(alive) per customer id from a count model fitted on the workspace as of the settings' as_of (model time
// unit from the settings); NaN for customers the summary does not hold. Shared with the "customer" op.
Result<std::vector<double>> PAliveFromModel(const Workspace& ws, const Settings& settings, const std::string& name,
                                            std::string* model_name) {
  model::ModelKind kind;
  if (!model::ModelFromName(name, &kind) || kind == model::ModelKind::kGammaGamma) {
    return InvalidArgument("`model`: expected pnbd, mbgnbd or bgnbd, found `" + name + "`");
  }
  model::SummaryOptions options;
  options.unit_days = settings.model_unit == "day" ? 1.0 : 7.0;
  options.calibration_end_day = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  if (options.calibration_end_day == kNoDay) return Status(StatusCode::kInsufficientData, "no valid orders to fit a model on");
  auto summary = model::SummarizeWorkspace(ws, settings, options);
  if (!summary.ok()) return summary.status();
  model::FitOptions fit_options;
  fit_options.standard_errors = false;
  const model::Patterns patterns = model::CompressPatterns(summary->x, summary->t_x, summary->T);
  auto fit = model::FitCountModel(kind, patterns, fit_options);
  if (!fit.ok()) return fit.status();
  // Once per distinct (x, t_x, T) pattern (about half the customers at 1,000,000), Pareto/NBD's through the
  // pair tables of ParetoNbdPAliveOfPatterns instead of two 2F1 series per customer.
  std::vector<double> of_pattern;
  if (kind == model::ModelKind::kParetoNbd) {
    of_pattern = model::ParetoNbdPAliveOfPatterns(fit->pnbd(), patterns);
  } else {
    of_pattern.resize(patterns.size());
    for (size_t k = 0; k < patterns.size(); ++k) of_pattern[k] = model::PAlive(*fit, patterns.x[k], patterns.t_x[k], patterns.T[k]);
  }
  std::vector<double> p_alive(ws.customers.size(), NAN);
  for (size_t i = 0; i < summary->size(); ++i) p_alive[summary->customer[i]] = of_pattern[patterns.pattern_of_row[i]];
  *model_name = model::ModelName(kind);
  return p_alive;
}

Result<Json> Op_funnel(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const Json& rq = ctx.request;
  Stage list_stage = Stage::kNotCustomer;
  if (rq.contains("stage")) {
    if (!rq["stage"].is_string() || !StageFromName(rq["stage"].get<std::string>(), &list_stage) ||
        list_stage == Stage::kNotCustomer) {
      return InvalidArgument("`stage`: expected one of new, one_time, repeat, loyal, advocate, at_risk, lapsed");
    }
  }
  int64_t limit = 100;
  if (rq.contains("limit")) {
    if (!rq["limit"].is_number_integer() || rq["limit"].get<int64_t>() < 0) return InvalidArgument("`limit`: expected a whole number >= 0");
    limit = rq["limit"].get<int64_t>();
  }
  FunnelInputs inputs;
  std::vector<double> p_alive;
  std::string model_name;
  if (rq.contains("model") && !rq["model"].is_null()) {
    if (!rq["model"].is_string()) return InvalidArgument("`model`: expected pnbd, mbgnbd or bgnbd");
    auto fitted = PAliveFromModel(ws, ctx.settings, rq["model"].get<std::string>(), &model_name);
    if (!fitted.ok()) return fitted.status();
    p_alive = std::move(*fitted);
    inputs.p_alive = &p_alive;
  }
  const int32_t as_of = AsOfDay(ctx);
  const std::shared_ptr<const CustomerFacts> facts = FactsThenOwnStep(ctx, as_of, OpCurrency(ctx));
  const FunnelResult res = ComputeFunnelFromFacts(ws, ctx.settings, *facts, inputs);
  Json out;
  out["as_of"] = Day(res.as_of_day);
  out["currency"] = res.currency == kNoId ? Json(nullptr) : Json(ws.currencies[res.currency]);
  out["customers"] = res.customers;
  out["net_revenue"] = Money(res.net_cents);
  out["store_median_interval_days"] = res.store_median_interval_days < 0 ? Json(nullptr) : Num(res.store_median_interval_days);
  out["used_model"] = res.used_model;
  out["model"] = model_name.empty() ? Json(nullptr) : Json(model_name);
  out["settings"] = Json{{"new_customer_days", ctx.settings.new_customer_days},
                         {"churn_window_days", ctx.settings.churn_window_days},
                         {"overdue_factor", Num(ctx.settings.overdue_factor)}};
  Json stages = Json::array();
  for (const FunnelStageRow& row : res.stages) {
    stages.push_back(Json{{"stage", StageName(row.stage)}, {"label", StageLabel(row.stage)},
                          {"customers", row.customers}, {"share_customers", Num(row.share_customers)},
                          {"net_revenue", Money(row.net_cents)}, {"share_revenue", Num(row.share_revenue)}});
  }
  out["stages"] = stages;
  if (list_stage != Stage::kNotCustomer) {
    Json list = Json::array();
    int64_t total = 0;
    for (uint32_t c = 0; c < res.stage.size(); ++c) {
      if (res.stage[c] != list_stage) continue;
      if (total++ < limit) list.push_back(CustomerRef(ws, c));
    }
    out["stage"] = StageName(list_stage);
    out["stage_customers"] = list;  // by customer id
    out["stage_customers_total"] = total;
  }
  return out;
}

Result<Json> Op_funnel_flow(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const int32_t as_of = AsOfDay(ctx);
  Result<int32_t> to = DayParam(ctx.request, "to", as_of);
  if (!to.ok()) return to.status();
  if (*to == kNoDay) return Status(StatusCode::kInsufficientData, "no valid orders: nothing to follow");
  Result<int32_t> from = DayParam(ctx.request, "from", *to - 90);
  if (!from.ok()) return from.status();
  if (*from > *to) return InvalidArgument("`from` (" + FormatDay(*from) + ") is after `to` (" + FormatDay(*to) + ")");
  // Three steps in the engine (core/api/cache.h): the customer facts of `to` (kept for the other pages), the
  // stages on `to` (kept, ~half the work), then the stages on `from` and the counts: a page opened meanwhile
  // waits for one of the two halves, not for the whole flow.
  FunnelFlow flow;
  if (ctx.engine) {
    const uint32_t currency = OpCurrency(ctx);
    const std::shared_ptr<const CustomerFacts> facts = CachedFacts(ctx, *to, currency);
    const std::string key = "flow-stages:" + std::to_string(*to) + ":" + std::to_string(currency) + "|" +
                            Dump(SettingsToJson(ctx.settings));
    const std::shared_ptr<const std::vector<Stage>> later =
        ctx.engine->cache().Get<std::vector<Stage>>(key, [&] { return FunnelFlowLaterStages(ws, ctx.settings, *facts); });
    ctx.engine->cache().StepWork();
    flow = FunnelFlowFromLaterStages(ws, ctx.settings, *from, *to, *facts, *later);
  } else {
    flow = ComputeFunnelFlow(ws, ctx.settings, *from, *to, FactsSourceFor(ctx));
  }
  Json out;
  out["from"] = Day(flow.from_day);
  out["to"] = Day(flow.to_day);
  out["currency"] = flow.currency == kNoId ? Json(nullptr) : Json(ws.currencies[flow.currency]);
  out["total"] = flow.total;
  Json names = Json::array();
  for (int s = 0; s < kStageCount; ++s) names.push_back(StageName(static_cast<Stage>(s)));
  out["stages"] = names;
  Json matrix = Json::array(), flows = Json::array();
  for (int a = 0; a < kStageCount; ++a) {
    Json row = Json::array();
    for (int b = 0; b < kStageCount; ++b) {
      row.push_back(flow.customers[a][b]);
      if (flow.customers[a][b]) {
        flows.push_back(Json{{"from", StageName(static_cast<Stage>(a))}, {"to", StageName(static_cast<Stage>(b))},
                             {"customers", flow.customers[a][b]}});
      }
    }
    matrix.push_back(row);
  }
  out["matrix"] = matrix;  // matrix[from stage][to stage], in the order of "stages"
  out["flows"] = flows;    // the non-zero cells, by from stage then to stage
  return out;
}

}  // namespace rapport
