// Ops of the customer-base models (core/model/, docs/models.md): "summary", "fit", "predictions",
// "validation". Request parameters besides the common "as_of"/"currency":
//   unit             "week" (default: settings.model_unit) or "day"
//   model            "bgnbd" | "mbgnbd" | "pnbd" | "gg" | "auto" (default "auto": the lowest BIC)
//   calibration_end  "YYYY-MM-DD" (summary, validation): the calibration period ends here (inclusive), the
//                    holdout runs to as_of. validation defaults to the middle of the data's span.
//   horizon_days     predictions: days ahead for expected purchases and P(purchase) (default 90)
//   format           predictions: "rows" (objects; default up to 10,000 customers) or "columns" (arrays)
//   offset, limit    predictions: one page of the table (columns format), sorted in the engine by
//   sort, desc       `sort` (id, email, x, p_alive, expected_purchases, p_purchase, next_order_date, clv,
//                    risk; default clv) descending unless desc is false; the reply adds "offset", "page_rows"
//                    (the page's length) and "risk_counts" (all customers), so no reply holds every row.
// The summary, the fits and the per-customer predictions are kept in the engine's AnalysisCache (keyed by
// the settings and parameters), so "fit", "predictions" and its pages, and "validation" fit once each.
// All times in the replies are in the chosen unit; dates are "YYYY-MM-DD".
#include <algorithm>
#include <cmath>
#include <memory>
#include <iterator>
#include <numeric>
#include <string_view>

#include "core/analysis/customer_facts.h"
#include "core/api/engine.h"
#include "core/api/ops.h"
#include "core/model/clv.h"
#include "core/model/fit.h"
#include "core/model/predict.h"
#include "core/model/summary.h"

namespace rapport {

namespace {

using model::CustomerSummary;
using model::FitResult;
using model::ModelKind;

Result<double> UnitDays(const OpContext& ctx) {
  std::string unit = ctx.settings.model_unit;
  if (ctx.request.contains("unit")) {
    if (!ctx.request["unit"].is_string()) return InvalidArgument("`unit`: expected \"week\" or \"day\"");
    unit = ctx.request["unit"].get<std::string>();
  }
  if (unit == "week" || unit == "weeks") return 7.0;
  if (unit == "day" || unit == "days") return 1.0;
  return InvalidArgument("`unit`: expected \"week\" or \"day\", found \"" + unit + "\"");
}

const char* UnitName(double unit_days) { return unit_days == 1.0 ? "day" : "week"; }

Result<int32_t> DayParameter(const Json& rq, const char* name, int32_t fallback) {
  if (!rq.contains(name) || rq[name].is_null()) return fallback;
  if (!rq[name].is_string()) return InvalidArgument(std::string("`") + name + "`: expected a date like 2024-03-01");
  const int32_t day = ParseIsoDay(rq[name].get<std::string>());
  if (day == kNoDay) {
    return InvalidArgument(std::string("`") + name + "`: expected a date like 2024-03-01, found `" +
                           rq[name].get<std::string>() + "`");
  }
  return day;
}

// The summary as of `as_of` (no holdout), or calibration to `calibration_end` with the holdout to as_of.
// From the engine's customer facts of as_of (the last day of either period), which the KPIs share.
Result<model::SummaryOptions> SummaryOptionsFor(OpContext& ctx, double unit_days, int32_t calibration_end) {
  const int32_t as_of = AsOfDay(ctx);
  if (as_of == kNoDay) return Status(StatusCode::kInsufficientData, "no valid orders: import orders first");
  model::SummaryOptions options;
  options.unit_days = unit_days;
  options.calibration_end_day = calibration_end == kNoDay ? as_of : calibration_end;
  if (calibration_end != kNoDay) {
    if (calibration_end >= as_of) {
      return InvalidArgument("`calibration_end` " + FormatDay(calibration_end) + " must be before as_of " + FormatDay(as_of));
    }
    options.holdout_end_day = as_of;
  }
  return options;
}

Result<CustomerSummary> Summary(OpContext& ctx, double unit_days, int32_t calibration_end) {
  Result<model::SummaryOptions> options = SummaryOptionsFor(ctx, unit_days, calibration_end);
  if (!options.ok()) return options.status();
  return model::SummarizeWorkspace(ctx.workspace, ctx.settings, *options, FactsSourceFor(ctx));
}

Result<std::string> ModelParameter(const Json& rq, const char* fallback) {
  if (!rq.contains("model")) return std::string(fallback);
  if (!rq["model"].is_string()) return InvalidArgument("`model`: expected bgnbd, mbgnbd, pnbd, gg or auto");
  const std::string name = rq["model"].get<std::string>();
  ModelKind kind;
  if (name != "auto" && !model::ModelFromName(name, &kind)) {
    return InvalidArgument("`model`: expected bgnbd, mbgnbd, pnbd, gg or auto, found \"" + name + "\"");
  }
  return name;
}

// The count model(s): the one named, or all three with the BIC choice.
struct CountFits {
  std::vector<FitResult> fits;
  size_t best = 0;
  Json failures = Json::array();
};

// A comparison's fits and choice; its failures listed when the request was "auto".
CountFits FromComparison(model::ModelComparison all, bool list_failures) {
  CountFits out;
  out.fits = std::move(all.fits);
  out.best = all.best;
  if (list_failures) {
    for (const auto& [kind, status] : all.failures) {
      out.failures.push_back(Json{{"model", model::ModelName(kind)}, {"error", ErrorJson(status)}});
    }
  }
  return out;
}

Result<CountFits> FitCount(const std::string& name, const model::Patterns& patterns) {
  CountFits out;
  if (name == "auto") {
    auto all = model::FitAllCountModels(patterns);
    if (!all.ok()) return all.status();
    return FromComparison(std::move(all.value()), true);
  }
  ModelKind kind;
  model::ModelFromName(name, &kind);
  auto fit = model::FitCountModel(kind, patterns);
  if (!fit.ok()) return fit.status();
  out.fits.push_back(std::move(fit.value()));
  return out;
}

// The summary and the count fit(s) for one (unit, calibration end, model, settings): computed once per
// engine and kept in its AnalysisCache until the workspace or the settings change. Each part is an entry of its
// own, so a step (core/api/cache.h) builds one: the summary, then each count model's fit, then Gamma-Gamma.
// The summary's rows, then (a step after them) their patterns.
struct SummaryRows {
  Status status;
  CustomerSummary summary;
};
struct SummaryRun {
  Status status;
  std::shared_ptr<const SummaryRows> rows;
  model::Patterns patterns;
  const CustomerSummary& summary() const { return rows->summary; }
};
using FitRun = Result<FitResult>;
// A count model's fit under way (the entry is const, the fitter it points to advances a step at a time).
struct FitInProgress {
  std::shared_ptr<model::CountModelFitter> fitter;
};
struct GgFitInProgress {
  std::shared_ptr<model::GammaGammaFitter> fitter;
};
// BFGS iterations a step: one to two likelihood passes each, ~25 ms natively over the 531,047 patterns of the
// 1,000,000-customer store.
constexpr int kFitIterationsPerStep = 6;
struct ModelRun {
  Status status;  // the summary's or the fit's failure
  std::shared_ptr<const SummaryRun> summary_run;
  const CustomerSummary& summary() const { return summary_run->summary(); }
  CountFits count;
  bool has_gg = false;
  FitResult gg;
  Status gg_status;
};

template <typename T, typename Build>
std::shared_ptr<const T> Cached(OpContext& ctx, const std::string& key, Build&& build) {
  if (!ctx.engine) return std::make_shared<const T>(build());
  return ctx.engine->cache().Get<T>(key + "|" + Dump(SettingsToJson(ctx.settings)), std::forward<Build>(build));
}

bool IsCached(OpContext& ctx, const std::string& key) {
  return ctx.engine && ctx.engine->cache().Has(key + "|" + Dump(SettingsToJson(ctx.settings)));
}

std::shared_ptr<const ModelRun> RunModels(OpContext& ctx, double unit_days, int32_t calibration_end,
                                          const std::string& name, bool with_spend) {
  const std::string part = std::to_string(unit_days) + ":" + std::to_string(calibration_end);
  const std::string key = "models:" + name + ":" + part + (with_spend ? ":gg" : "");
  if (IsCached(ctx, key)) return Cached<ModelRun>(ctx, key, [] { return ModelRun(); });
  // The customer facts the summary reads, a step of their own (core/api/cache.h) unless kept already.
  if (ctx.engine && !IsCached(ctx, "model-summary:" + part)) {
    const int32_t as_of = AsOfDay(ctx);
    const uint32_t currency = OpCurrency(ctx);
    if (as_of != kNoDay && currency != kNoId) CachedFacts(ctx, as_of, currency);
  }
  // The summary's rows and their patterns: a step each (the rows' entry let go once the summary holds them).
  auto summarize = [&] {
    SummaryRows rows;
    auto s = Summary(ctx, unit_days, calibration_end);
    if (s.ok()) rows.summary = std::move(s.value());
    else rows.status = s.status();
    return rows;
  };
  const std::string rows_key = "model-summary-rows:" + part;
  std::shared_ptr<const SummaryRows> rows;
  if (!IsCached(ctx, "model-summary:" + part)) {
    Result<model::SummaryOptions> options = SummaryOptionsFor(ctx, unit_days, calibration_end);
    const uint32_t currency = OpCurrency(ctx);
    if (ctx.engine && !IsCached(ctx, rows_key) && options.ok() && currency != kNoId) {
      // The rows kRowsPerStep orders or transactions a step (model::SummaryBuilder), kept under way between
      // steps, from the facts of the last day (SummarizeWorkspace's).
      AnalysisCache& cache = ctx.engine->cache();
      const std::string with_settings = "|" + Dump(SettingsToJson(ctx.settings));
      const int32_t last = options->holdout_end_day == kNoDay ? options->calibration_end_day : options->holdout_end_day;
      const std::shared_ptr<const CustomerFacts> facts = CachedFacts(ctx, last, currency);
      const std::shared_ptr<model::SummaryBuilder> builder = cache.RunInParts<model::SummaryBuilder>(
          "model-summary-building:" + part + with_settings,
          [&] { return std::make_shared<model::SummaryBuilder>(facts, *options); }, kRowsPerStep);
      auto built = std::make_shared<SummaryRows>();
      auto s = builder->Take();
      if (s.ok()) built->summary = std::move(s.value());
      else built->status = s.status();
      cache.Erase("model-summary-building:" + part + with_settings);
      cache.Put<SummaryRows>(rows_key + with_settings, built);
      rows = built;
    } else {
      rows = Cached<SummaryRows>(ctx, rows_key, summarize);
    }
  }
  const std::shared_ptr<const SummaryRun> summary = Cached<SummaryRun>(ctx, "model-summary:" + part, [&] {
    SummaryRun run;
    run.rows = rows ? rows : std::make_shared<const SummaryRows>(summarize());
    run.status = run.rows->status;
    if (run.status.ok()) run.patterns = model::CompressPatterns(run.summary().x, run.summary().t_x, run.summary().T);
    return run;
  });
  if (ctx.engine) ctx.engine->cache().Erase(rows_key + "|" + Dump(SettingsToJson(ctx.settings)));
  // The count fits: every model for "auto" (FitAllCountModels' models and choice, one fit a step), else the one.
  std::vector<ModelKind> kinds;
  if (name == "auto") {
    kinds.assign(std::begin(model::kCountModelKinds), std::end(model::kCountModelKinds));
  } else {
    ModelKind kind;
    model::ModelFromName(name, &kind);
    kinds = {kind};
  }
  std::vector<std::shared_ptr<const FitRun>> fits;
  if (summary->status.ok()) {
    for (ModelKind kind : kinds) {
      const std::string fit_key = std::string("model-fit:") + model::ModelName(kind) + ":" + part;
      if (!ctx.engine) {
        fits.push_back(std::make_shared<const FitRun>(model::FitCountModel(kind, summary->patterns)));
        continue;
      }
      // A fit is about a second at a million customers: its optimiser runs kFitIterationsPerStep iterations a
      // step (core/api/cache.h), kept in an entry of its own until the fit is.
      const std::string fitting_key = "model-fitting:" + std::string(model::ModelName(kind)) + ":" + part;
      std::shared_ptr<const FitInProgress> fitting;
      if (!IsCached(ctx, fit_key)) {
        fitting = Cached<FitInProgress>(ctx, fitting_key, [&] {
          return FitInProgress{std::make_shared<model::CountModelFitter>(kind, summary->patterns)};
        });
        while (!fitting->fitter->done()) {
          ctx.engine->cache().StepWork();
          fitting->fitter->Run(kFitIterationsPerStep);
        }
      }
      fits.push_back(Cached<FitRun>(ctx, fit_key, [&] { return fitting->fitter->result(); }));
      ctx.engine->cache().Erase(fitting_key + "|" + Dump(SettingsToJson(ctx.settings)));
    }
  }
  std::shared_ptr<const FitRun> gg;
  if (summary->status.ok() && with_spend) {
    if (!ctx.engine) {
      gg = std::make_shared<const FitRun>(model::FitGammaGamma(summary->summary().x, summary->summary().zbar));
    } else {
      // kFitIterationsPerStep iterations a step, like the count fits (0.56 s natively in one at a million
      // customers): the fitter under way is an entry of its own until the fit is.
      const std::string gg_fitting_key = "model-gg-fitting:" + part;
      std::shared_ptr<const GgFitInProgress> fitting;
      if (!IsCached(ctx, "model-gg:" + part)) {
        fitting = Cached<GgFitInProgress>(ctx, gg_fitting_key, [&] {
          return GgFitInProgress{std::make_shared<model::GammaGammaFitter>(summary->summary().x, summary->summary().zbar)};
        });
        while (!fitting->fitter->done()) {
          ctx.engine->cache().StepWork();
          fitting->fitter->Run(kFitIterationsPerStep);
        }
      }
      gg = Cached<FitRun>(ctx, "model-gg:" + part, [&] { return fitting->fitter->result(); });
      ctx.engine->cache().Erase(gg_fitting_key + "|" + Dump(SettingsToJson(ctx.settings)));
    }
  }
  return Cached<ModelRun>(ctx, key, [&] {
    ModelRun run;
    run.summary_run = summary;
    if (!summary->status.ok()) {
      run.status = summary->status;
      return run;
    }
    std::vector<std::pair<ModelKind, const FitRun*>> of;
    for (size_t i = 0; i < kinds.size(); ++i) of.emplace_back(kinds[i], fits[i].get());
    auto comparison = model::CompareCountFits(of);
    if (!comparison.ok()) {
      run.status = comparison.status();
      return run;
    }
    run.count = FromComparison(std::move(comparison.value()), name == "auto");
    if (with_spend) {
      run.has_gg = gg->ok();
      if (run.has_gg) run.gg = gg->value();
      else run.gg_status = gg->status();
    }
    return run;
  });
}

// The per-customer predictions of a ModelRun, kept like the run itself.
struct PredictionRun {
  std::shared_ptr<const ModelRun> models;
  model::CustomerPredictions p;
  bool has_spend = false;
};

// The per-customer predictions under way: the predictor reads the run's summary and fits, held here.
struct PredictionsInProgress {
  std::shared_ptr<const ModelRun> models;
  std::shared_ptr<model::CustomerPredictor> predictor;
};
// Patterns a step: the 1,000,000-customer store's 531,047 took 1.2 s natively in one step.
constexpr size_t kPredictionPatternsPerStep = 65536;

// Row order of the predictions table sorted by one column (missing values last, ties by customer id).
std::vector<uint32_t> SortedRows(const CustomerTable& customers, const CustomerSummary& s,
                                 const model::CustomerPredictions& p, const std::string& key, bool desc) {
  std::vector<uint32_t> order(s.size());
  std::iota(order.begin(), order.end(), 0u);
  auto by_number = [&](const std::vector<double>& v) {
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      const bool na = !std::isfinite(v[a]), nb = !std::isfinite(v[b]);
      if (na || nb) return !na && nb;
      return desc ? v[a] > v[b] : v[a] < v[b];
    });
  };
  if (key == "id") {
    if (desc) std::reverse(order.begin(), order.end());
  } else if (key == "email") {
    auto email = [&](uint32_t i) -> std::string_view {
      return s.customer[i] < customers.size() ? customers.email[s.customer[i]] : std::string_view();
    };
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return desc ? email(a) > email(b) : email(a) < email(b);
    });
  } else if (key == "x") {
    by_number(s.x);
  } else if (key == "p_alive") {
    by_number(p.p_alive);
  } else if (key == "expected_purchases") {
    by_number(p.expected_purchases);
  } else if (key == "p_purchase") {
    by_number(p.p_purchase);
  } else if (key == "next_order_date") {
    by_number(p.next_purchase);
  } else if (key == "risk") {
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return desc ? p.risk[a] > p.risk[b] : p.risk[a] < p.risk[b];
    });
  } else {  // clv
    by_number(p.clv);
  }
  return order;
}

}  // namespace

// Used by the CLI's `rapport fit-summary` too (declared in cli/cmd_fit.cpp): one fit as JSON.
Json FitResultJson(const FitResult& f) {
  Json params = Json::object(), se = Json::object();
  for (size_t k = 0; k < f.params.size(); ++k) {
    params[f.names[k]] = Num(f.params[k]);
    se[f.names[k]] = k < f.se.size() ? Num(f.se[k]) : Json(nullptr);
  }
  return Json{{"model", model::ModelName(f.model)},
              {"param_names", f.names},
              {"params", params},
              {"se", se},
              {"log_likelihood", Num(f.log_likelihood)},
              {"aic", Num(f.aic)},
              {"bic", Num(f.bic)},
              {"customers", Num(f.customers)},
              {"patterns", f.patterns},
              {"iterations", f.iterations},
              {"evaluations", f.evaluations},
              {"converged", f.converged},
              {"message", f.message}};
}

// `rapport fit-summary`: fits a lifetimes-style summary file's bytes. model: a name or "auto".
Result<Json> FitSummaryCsvJson(std::string_view csv, const std::string& file_name, const std::string& model_name) {
  auto table = model::ParseSummaryCsv(csv, file_name);
  if (!table.ok()) return table.status();
  Json out{{"file", file_name}, {"customers", table->size()}};
  if (model_name == "gg") {
    if (table->zbar.empty()) return InvalidArgument(file_name + ": gg needs a monetary_value (or zbar) column");
    auto gg = model::FitGammaGamma(table->x, table->zbar);
    if (!gg.ok()) return gg.status();
    out["fit"] = FitResultJson(gg.value());
    return out;
  }
  ModelKind kind;
  if (model_name != "auto" && !model::ModelFromName(model_name, &kind)) {
    return InvalidArgument("--model: expected bgnbd, mbgnbd, pnbd, gg or auto, found `" + model_name + "`");
  }
  const model::Patterns patterns = model::CompressPatterns(table->x, table->t_x, table->T);
  auto fits = FitCount(model_name, patterns);
  if (!fits.ok()) return fits.status();
  out["fit"] = FitResultJson(fits->fits[fits->best]);
  Json comparison = Json::array();
  for (const FitResult& f : fits->fits) comparison.push_back(FitResultJson(f));
  out["comparison"] = comparison;
  out["failures"] = fits->failures;
  return out;
}

Result<Json> Op_summary(OpContext& ctx) {
  Result<double> unit = UnitDays(ctx);
  if (!unit.ok()) return unit.status();
  Result<int32_t> calibration_end = DayParameter(ctx.request, "calibration_end", kNoDay);
  if (!calibration_end.ok()) return calibration_end.status();
  auto s = Summary(ctx, *unit, *calibration_end);
  if (!s.ok()) return s.status();
  const model::Patterns patterns = model::CompressPatterns(s->x, s->t_x, s->T);
  double repeat_customers = 0, repeat_purchases = 0, holdout = 0;
  for (size_t i = 0; i < s->size(); ++i) {
    repeat_customers += s->x[i] > 0;
    repeat_purchases += s->x[i];
    if (!s->holdout_x.empty()) holdout += s->holdout_x[i];
  }
  Json ids = Json::array(), x = Json::array(), t_x = Json::array(), T = Json::array(), zbar = Json::array(),
       y = Json::array();
  for (size_t i = 0; i < s->size(); ++i) {
    ids.push_back(s->customer[i]);
    x.push_back(Num(s->x[i]));
    t_x.push_back(Num(s->t_x[i]));
    T.push_back(Num(s->T[i]));
    zbar.push_back(Num(s->zbar[i]));
    if (!s->holdout_x.empty()) y.push_back(Num(s->holdout_x[i]));
  }
  Json columns{{"customer", ids}, {"x", x}, {"t_x", t_x}, {"T", T}, {"zbar", zbar}};
  if (!s->holdout_x.empty()) columns["holdout_x"] = y;
  return Json{{"unit", UnitName(*unit)},
              {"calibration_end", Day(s->calibration_end_day)},
              {"holdout_end", Day(s->holdout_end_day)},
              {"holdout_length", Num(s->holdout_length())},
              {"customers", s->size()},
              {"patterns", patterns.size()},
              {"repeat_customers", Num(repeat_customers)},
              {"repeat_purchases", Num(repeat_purchases)},
              {"holdout_purchases", s->holdout_x.empty() ? Json(nullptr) : Num(holdout)},
              {"columns", columns}};
}

Result<Json> Op_fit(OpContext& ctx) {
  Result<double> unit = UnitDays(ctx);
  if (!unit.ok()) return unit.status();
  Result<std::string> name = ModelParameter(ctx.request, "auto");
  if (!name.ok()) return name.status();
  if (*name == "gg") {
    auto s = Summary(ctx, *unit, kNoDay);
    if (!s.ok()) return s.status();
    Json out{{"unit", UnitName(*unit)}, {"as_of", Day(s->calibration_end_day)}, {"customers", s->size()},
             {"model", *name}};
    const model::SpendFrequencyCorrelation corr = model::CorrelateSpendAndFrequency(s->x, s->zbar);
    out["spend_frequency_correlation"] =
        Json{{"pearson", Num(corr.pearson)}, {"spearman", Num(corr.spearman)}, {"customers", corr.customers}};
    auto gg = model::FitGammaGamma(s->x, s->zbar);
    if (!gg.ok()) return gg.status();
    out["fit"] = FitResultJson(gg.value());
    return out;
  }
  const std::shared_ptr<const ModelRun> run = RunModels(ctx, *unit, kNoDay, *name, /*with_spend=*/true);
  if (!run->status.ok()) return run->status;
  const CustomerSummary& s = run->summary();
  const CountFits& fits = run->count;
  Json out{{"unit", UnitName(*unit)}, {"as_of", Day(s.calibration_end_day)}, {"customers", s.size()},
           {"model", *name}};
  const model::SpendFrequencyCorrelation corr = model::CorrelateSpendAndFrequency(s.x, s.zbar);
  out["spend_frequency_correlation"] =
      Json{{"pearson", Num(corr.pearson)}, {"spearman", Num(corr.spearman)}, {"customers", corr.customers}};
  out["fit"] = FitResultJson(fits.fits[fits.best]);
  out["best"] = model::ModelName(fits.fits[fits.best].model);
  Json comparison = Json::array();
  for (const FitResult& f : fits.fits) comparison.push_back(FitResultJson(f));
  out["comparison"] = comparison;
  out["failures"] = fits.failures;
  out["spend"] = run->has_gg ? FitResultJson(run->gg) : Json{{"error", ErrorJson(run->gg_status)}};
  return out;
}

Result<Json> Op_predictions(OpContext& ctx) {
  Result<double> unit = UnitDays(ctx);
  if (!unit.ok()) return unit.status();
  Result<std::string> name = ModelParameter(ctx.request, "auto");
  if (!name.ok()) return name.status();
  if (*name == "gg") return InvalidArgument("`model`: predictions need a count model (bgnbd, mbgnbd, pnbd or auto)");
  double horizon_days = 90;
  if (ctx.request.contains("horizon_days")) {
    if (!ctx.request["horizon_days"].is_number() || !(ctx.request["horizon_days"].get<double>() > 0)) {
      return InvalidArgument("`horizon_days`: expected a positive number of days");
    }
    horizon_days = ctx.request["horizon_days"].get<double>();
  }
  const std::shared_ptr<const ModelRun> run = RunModels(ctx, *unit, kNoDay, *name, /*with_spend=*/true);
  if (!run->status.ok()) return run->status;
  const CustomerSummary* s = &run->summary();
  const FitResult& count = run->count.fits[run->count.best];
  model::PredictionOptions options;
  options.horizon = horizon_days / *unit;
  options.clv_months = ctx.settings.clv_months;
  options.monthly_discount_rate = ctx.settings.monthly_discount_rate;
  options.units_per_month = model::UnitsPerMonth(*unit);
  const std::string run_key = "predictions:" + *name + ":" + std::to_string(*unit) + ":" + Dump(Num(horizon_days));
  const bool with_spend = run->has_gg && run->gg.params[1] > 1.0;
  // The per-pattern predictions kPredictionPatternsPerStep patterns a step (core/api/cache.h), kept in an entry
  // of their own (with the run they read) until the whole is.
  const std::string predicting_key = "predicting:" + run_key;
  std::shared_ptr<const PredictionsInProgress> predicting;
  if (ctx.engine && !IsCached(ctx, run_key)) {
    predicting = Cached<PredictionsInProgress>(ctx, predicting_key, [&] {
      return PredictionsInProgress{run, std::make_shared<model::CustomerPredictor>(
                                            count, with_spend ? &run->gg : nullptr, s->x, s->t_x, s->T, s->zbar, options)};
    });
    while (!predicting->predictor->done()) {
      ctx.engine->cache().StepWork();
      predicting->predictor->Run(kPredictionPatternsPerStep);
    }
  }
  const std::shared_ptr<const PredictionRun> predicted = Cached<PredictionRun>(ctx, run_key, [&] {
    PredictionRun r;
    r.models = run;
    r.has_spend = with_spend;
    r.p = predicting ? predicting->predictor->Result()
                     : model::PredictCustomers(count, with_spend ? &run->gg : nullptr, s->x, s->t_x, s->T, s->zbar, options);
    return r;
  });
  if (ctx.engine) ctx.engine->cache().Erase(predicting_key + "|" + Dump(SettingsToJson(ctx.settings)));
  const bool has_spend = predicted->has_spend;
  const model::CustomerPredictions& p = predicted->p;
  struct GgView { const FitResult* fit; bool ok; std::string message; };
  const GgView gg{&run->gg, run->has_gg, run->has_gg ? std::string() : run->gg_status.message()};
  const CustomerTable& customers = ctx.workspace.customers;
  const int32_t as_of = s->calibration_end_day;
  auto next_date = [&](double median) -> Json {
    const double days = median * *unit;
    if (!std::isfinite(days) || days > 36500) return nullptr;
    return Day(as_of + static_cast<int32_t>(std::lround(days)));
  };
  bool columns = s->size() > 10000;
  if (ctx.request.contains("format")) {
    const Json& f = ctx.request["format"];
    if (f != "rows" && f != "columns") return InvalidArgument("`format`: expected \"rows\" or \"columns\"");
    columns = f == "columns";
  }
  Json out{{"unit", UnitName(*unit)},
           {"as_of", Day(as_of)},
           {"model", FitResultJson(count)},
           {"spend", has_spend ? FitResultJson(*gg.fit) : Json(nullptr)},
           {"horizon_days", Num(horizon_days)},
           {"clv_months", options.clv_months},
           {"monthly_discount_rate", Num(options.monthly_discount_rate)},
           {"risk_thresholds", Json{{"low", Num(model::kLowRiskPAlive)}, {"medium", Num(model::kMediumRiskPAlive)}}},
           {"customers", s->size()}};
  if (!has_spend) out["spend_error"] = gg.ok ? std::string("q <= 1: mean spend undefined") : gg.message;
  static const char* kNames[] = {"id", "key", "email", "x", "t_x", "T", "p_alive", "expected_purchases",
                                 "p_purchase", "next_order_date", "expected_value", "clv", "risk"};
  auto cell = [&](size_t i, int column) -> Json {
    const uint32_t c = s->customer[i];
    switch (column) {
      case 0: return c;
      case 1: return c < customers.size() ? Json(customers.key[c]) : Json(nullptr);
      case 2: return c < customers.size() ? Json(customers.email[c]) : Json(nullptr);
      case 3: return Num(s->x[i]);
      case 4: return Num(s->t_x[i]);
      case 5: return Num(s->T[i]);
      case 6: return Num(p.p_alive[i]);
      case 7: return Num(p.expected_purchases[i]);
      case 8: return Num(p.p_purchase[i]);
      case 9: return next_date(p.next_purchase[i]);
      case 10: return Num(p.expected_value[i]);
      case 11: return Num(p.clv[i]);
      default: return model::RiskBandName(p.risk[i]);
    }
  };
  if (ctx.request.contains("limit")) {
    const Json& rq = ctx.request;
    if (!rq["limit"].is_number_unsigned()) return InvalidArgument("`limit`: expected a number of rows (0 or more)");
    if (rq.contains("offset") && !rq["offset"].is_number_unsigned()) return InvalidArgument("`offset`: expected a row number (0 or more)");
    const std::string sort = rq.contains("sort") && rq["sort"].is_string() ? rq["sort"].get<std::string>() : "clv";
    static const char* kSortable[] = {"id", "email", "x", "p_alive", "expected_purchases", "p_purchase",
                                      "next_order_date", "clv", "risk"};
    if (std::find(std::begin(kSortable), std::end(kSortable), sort) == std::end(kSortable)) {
      return InvalidArgument("`sort`: expected one of id, email, x, p_alive, expected_purchases, p_purchase, next_order_date, clv, risk; found `" + sort + "`");
    }
    const bool desc = !rq.contains("desc") || !rq["desc"].is_boolean() || rq["desc"].get<bool>();
    struct Order { std::vector<uint32_t> rows; };
    const std::shared_ptr<const Order> order = Cached<Order>(ctx, run_key + ":order:" + sort + (desc ? ":desc" : ":asc"), [&] {
      return Order{SortedRows(customers, *s, p, sort, desc)};
    });
    const size_t offset = std::min<size_t>(rq.value("offset", size_t{0}), s->size());
    const size_t end = std::min<size_t>(s->size(), offset + rq["limit"].get<size_t>());
    Json cols = Json::object();
    for (int k = 0; k < 13; ++k) {
      Json arr = Json::array();
      for (size_t j = offset; j < end; ++j) arr.push_back(cell(order->rows[j], k));
      cols[kNames[k]] = std::move(arr);
    }
    size_t counts[4] = {0, 0, 0, 0};
    for (model::RiskBand band : p.risk) ++counts[static_cast<int>(band)];
    Json risk_counts = Json::object();
    for (int b = 0; b < 4; ++b) risk_counts[model::RiskBandName(static_cast<model::RiskBand>(b))] = counts[b];
    out["risk_counts"] = risk_counts;
    out["sort"] = sort;
    out["desc"] = desc;
    out["offset"] = offset;
    out["page_rows"] = end - offset;
    out["columns"] = std::move(cols);
  } else if (columns) {
    Json cols = Json::object();
    for (int k = 0; k < 13; ++k) {
      Json arr = Json::array();
      for (size_t i = 0; i < s->size(); ++i) arr.push_back(cell(i, k));
      cols[kNames[k]] = std::move(arr);
    }
    out["columns"] = std::move(cols);
  } else {
    Json rows = Json::array();
    for (size_t i = 0; i < s->size(); ++i) {
      Json row = Json::object();
      for (int k = 0; k < 13; ++k) row[kNames[k]] = cell(i, k);
      rows.push_back(std::move(row));
    }
    out["rows"] = std::move(rows);
  }
  return out;
}

Result<Json> Op_validation(OpContext& ctx) {
  Result<double> unit = UnitDays(ctx);
  if (!unit.ok()) return unit.status();
  Result<std::string> name = ModelParameter(ctx.request, "auto");
  if (!name.ok()) return name.status();
  if (*name == "gg") return InvalidArgument("`model`: validation needs a count model (bgnbd, mbgnbd, pnbd or auto)");
  const int32_t as_of = AsOfDay(ctx);
  if (as_of == kNoDay) return Status(StatusCode::kInsufficientData, "no valid orders: import orders first");
  // Default calibration end: the middle of the span from the first valid order to as_of.
  int32_t first = as_of;
  const OrderTable& orders = ctx.workspace.orders;
  for (size_t i = 0; i < orders.size(); ++i) {
    if (orders.valid(i) && orders.day[i] < first) first = orders.day[i];
  }
  Result<int32_t> calibration_end = DayParameter(ctx.request, "calibration_end", first + (as_of - first) / 2);
  if (!calibration_end.ok()) return calibration_end.status();
  const std::shared_ptr<const ModelRun> run = RunModels(ctx, *unit, *calibration_end, *name, /*with_spend=*/false);
  if (!run->status.ok()) return run->status;
  const CustomerSummary* s = &run->summary();
  const FitResult& count = run->count.fits[run->count.best];
  const model::HoldoutComparison h = model::CompareHoldout(count, *s);
  Json rows = Json::array();
  for (const model::HoldoutRow& r : h.rows) {
    rows.push_back(Json{{"frequency", r.frequency == 7 ? Json("7+") : Json(r.frequency)},
                        {"customers", Num(r.customers)},
                        {"actual", Num(r.actual)},
                        {"predicted", Num(r.predicted)},
                        {"actual_mean", r.customers > 0 ? Num(r.actual / r.customers) : Json(nullptr)},
                        {"predicted_mean", r.customers > 0 ? Num(r.predicted / r.customers) : Json(nullptr)}});
  }
  Json curve_day = Json::array(), curve_actual = Json::array(), curve_predicted = Json::array();
  for (const model::TrackingPoint& p : model::TrackingCurve(count, *s)) {
    curve_day.push_back(Day(p.day));
    curve_actual.push_back(Num(p.actual));
    curve_predicted.push_back(Num(p.predicted));
  }
  return Json{{"unit", UnitName(*unit)},
              {"calibration_end", Day(s->calibration_end_day)},
              {"holdout_end", Day(s->holdout_end_day)},
              {"holdout_length", Num(h.horizon)},
              {"model", FitResultJson(count)},
              {"customers", Num(h.customers)},
              {"actual", Num(h.actual)},
              {"predicted", Num(h.predicted)},
              {"actual_buyers_share", Num(h.actual_buyers_share)},
              {"predicted_buyers_share", Num(h.predicted_buyers_share)},
              {"by_frequency", rows},
              {"tracking", Json{{"week_end", curve_day}, {"actual", curve_actual}, {"predicted", curve_predicted}}}};
}

}  // namespace rapport
