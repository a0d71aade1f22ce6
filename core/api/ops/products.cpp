// Op "products" (core/analysis/products). Request: {"min_support": 0.001, "min_pair_count": 5, "top_pairs": 50,
// "top_journeys": 50, "min_intervals": 1, "top": N (rows of the replenishment and first-product tables, default 100)}.
// "part": "first_product" replies first product -> repeat and the journeys alone ({"as_of", "currency",
// "first_product", "journeys", "part"}: the same rows as the whole reply's), one short step once the customer
// facts are kept (each customer's first orders read where they are, no line spread): the page's first tables.
// "part": "replenishment" replies the repurchase intervals alone ({"as_of", "currency", "replenishment", "part"}:
// the same rows as the whole reply's), a few steps once the customer facts are kept (every line of the counted
// orders spread by customer); the whole analysis (the pairs too) takes longer still.
#include "core/analysis/products/products.h"
#include "core/api/cache.h"
#include "core/api/engine.h"
#include "core/api/ops.h"
#include "core/api/ops/facts_step.h"
#include "core/api/ops/replenishment.h"

namespace rapport {

namespace {

Json ReplenishmentJson(const Workspace& ws, const std::vector<ReplenishmentRow>& rows, int64_t top) {
  Json rep = Json::array();
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < top; ++i) {
    const ReplenishmentRow& r = rows[i];
    rep.push_back(Json{{"product", ProductRef(ws, r.product)}, {"intervals", r.intervals}, {"customers", r.customers},
                       {"median_days", Num(r.median_days)}, {"q1_days", Num(r.q1_days)}, {"q3_days", Num(r.q3_days)}});
  }
  return rep;
}

Json FirstProductJson(const Workspace& ws, const std::vector<FirstProductRow>& rows, int64_t top) {
  Json first = Json::array();
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < top; ++i) {
    const FirstProductRow& r = rows[i];
    first.push_back(Json{{"product", ProductRef(ws, r.product)}, {"customers", r.customers},
                         {"repeat_customers", r.repeat_customers}, {"repeat_rate", Num(r.repeat_rate)},
                         {"matured_customers", r.matured_customers},
                         {"avg_net_12m", r.matured_customers ? Num(r.avg_net_12m_cents / 100.0) : Json(nullptr)}});
  }
  return first;
}

Json JourneysJson(const Workspace& ws, const std::vector<JourneyRow>& rows) {
  Json journeys = Json::array();
  for (const JourneyRow& r : rows) {
    journeys.push_back(Json{{"first", ProductRef(ws, r.first_product)}, {"next", ProductRef(ws, r.next_product)},
                            {"customers", r.customers}, {"share_of_first", Num(r.share_of_first)}});
  }
  return journeys;
}

// "part": "first_product": the customer facts (kept, or a step of their own), then first product -> repeat and
// the journeys on them in a step of their own (ComputeFirstProducts): the whole analysis's rows.
Json FirstProductPart(OpContext& ctx, int32_t top_journeys, int64_t top) {
  const Workspace& ws = ctx.workspace;
  const int32_t as_of = AsOfDay(ctx);
  const uint32_t currency = OpCurrency(ctx);
  FirstProductResult res;
  if (as_of != kNoDay) res = ComputeFirstProducts(ws, *FactsThenOwnStep(ctx, as_of, currency), top_journeys);
  Json out;
  out["as_of"] = Day(as_of);
  out["currency"] = currency == kNoId ? Json(nullptr) : Json(ws.currencies[currency]);
  out["first_product"] = FirstProductJson(ws, res.first_product, top);
  out["journeys"] = JourneysJson(ws, res.journeys);
  out["part"] = "first_product";
  return out;
}

// "part": "replenishment": the customer facts (kept, or a step of their own), then the intervals kept for them
// (KeptReplenishment, shared with the playbooks), the rows of at least min_intervals intervals: the whole
// analysis's rows.
Json ReplenishmentPart(OpContext& ctx, int64_t min_intervals, int64_t top) {
  const Workspace& ws = ctx.workspace;
  const int32_t as_of = AsOfDay(ctx);
  const uint32_t currency = OpCurrency(ctx);
  std::vector<ReplenishmentRow> rows;
  if (as_of != kNoDay) {
    for (const ReplenishmentRow& row : *KeptReplenishment(ctx, CachedFacts(ctx, as_of, currency))) {
      if (row.intervals >= min_intervals) rows.push_back(row);
    }
  }
  Json out;
  out["as_of"] = Day(as_of);
  out["currency"] = currency == kNoId ? Json(nullptr) : Json(ws.currencies[currency]);
  out["replenishment"] = ReplenishmentJson(ws, rows, top);
  out["part"] = "replenishment";
  return out;
}

}  // namespace

Result<Json> Op_products(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const Json& rq = ctx.request;
  ProductOptions options;
  int64_t top = 100;
  auto get_int = [&](const char* name, int64_t min, int64_t* out) -> Status {
    if (!rq.contains(name)) return Status::Ok();
    if (!rq[name].is_number_integer() || rq[name].get<int64_t>() < min) {
      return InvalidArgument(std::string("`") + name + "`: expected a whole number >= " + std::to_string(min));
    }
    *out = rq[name].get<int64_t>();
    return Status::Ok();
  };
  int64_t top_pairs = options.top_pairs, top_journeys = options.top_journeys;
  RAPPORT_RETURN_IF_ERROR(get_int("min_pair_count", 1, &options.min_pair_count));
  RAPPORT_RETURN_IF_ERROR(get_int("top_pairs", 0, &top_pairs));
  RAPPORT_RETURN_IF_ERROR(get_int("top_journeys", 0, &top_journeys));
  RAPPORT_RETURN_IF_ERROR(get_int("min_intervals", 1, &options.min_intervals));
  RAPPORT_RETURN_IF_ERROR(get_int("top", 0, &top));
  options.top_pairs = static_cast<int32_t>(top_pairs);
  options.top_journeys = static_cast<int32_t>(top_journeys);
  if (rq.contains("part")) {
    if (rq["part"] == "first_product") return FirstProductPart(ctx, options.top_journeys, top);
    if (rq["part"] != "replenishment") return InvalidArgument("`part`: expected \"first_product\" or \"replenishment\"");
    return ReplenishmentPart(ctx, options.min_intervals, top);
  }
  if (rq.contains("min_support")) {
    if (!rq["min_support"].is_number() || rq["min_support"].get<double>() < 0 || rq["min_support"].get<double>() > 1) {
      return InvalidArgument("`min_support`: expected a share between 0 and 1");
    }
    options.min_support = rq["min_support"].get<double>();
  }
  // The customer facts a step of their own (core/api/cache.h) unless kept already (the overview built them),
  // then the analysis kRowsPerStep orders or lines a step (ProductsBuilder), kept under way between steps.
  ProductResult res;
  const int32_t as_of = AsOfDay(ctx);
  const uint32_t currency = OpCurrency(ctx);
  if (ctx.engine && as_of != kNoDay && currency != kNoId) {
    const std::shared_ptr<const CustomerFacts> facts = CachedFacts(ctx, as_of, currency);
    AnalysisCache& cache = ctx.engine->cache();
    const std::string key = "products-building:" + Dump(SettingsToJson(ctx.settings)) + "|" +
                            Dump(Json{{"min_support", options.min_support}, {"min_pair_count", options.min_pair_count},
                                      {"top_pairs", options.top_pairs}, {"top_journeys", options.top_journeys},
                                      {"min_intervals", options.min_intervals}});
    const std::shared_ptr<ProductsBuilder> builder = cache.RunInParts<ProductsBuilder>(
        key,
        [&] {
          const FactsSource held = [facts](int32_t, uint32_t) { return facts; };
          return std::make_shared<ProductsBuilder>(ws, ctx.settings, options, held);
        },
        kRowsPerStep);
    res = builder->Result();
    cache.Erase(key);
  } else {
    res = ComputeProducts(ws, ctx.settings, options, FactsSourceFor(ctx));
  }
  Json out;
  out["as_of"] = Day(res.as_of_day);
  out["currency"] = res.currency == kNoId ? Json(nullptr) : Json(ws.currencies[res.currency]);
  out["baskets"] = res.baskets;
  out["replenishment"] = ReplenishmentJson(ws, res.replenishment, top);
  out["first_product"] = FirstProductJson(ws, res.first_product, top);
  out["journeys"] = JourneysJson(ws, res.journeys);
  Json pairs = Json::array();
  for (const BoughtTogetherRow& r : res.bought_together) {
    pairs.push_back(Json{{"a", ProductRef(ws, r.product_a)}, {"b", ProductRef(ws, r.product_b)}, {"count", r.count},
                         {"support", Num(r.support)}, {"confidence_a_to_b", Num(r.confidence_a_to_b)},
                         {"confidence_b_to_a", Num(r.confidence_b_to_a)}, {"lift", Num(r.lift)}});
  }
  out["bought_together"] = pairs;
  out["options"] = Json{{"min_support", Num(options.min_support)}, {"min_pair_count", options.min_pair_count},
                        {"top_pairs", options.top_pairs}, {"top_journeys", options.top_journeys}};
  return out;
}

}  // namespace rapport
