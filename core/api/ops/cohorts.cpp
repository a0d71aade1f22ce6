// Op "cohorts": acquisition-month cohorts (core/analysis/cohorts). Request: {"by": "first_product" | "source" |
// "discount_code" | "country" (optional), "months": N (0 = all), "max_groups": N, "filter": "<group label>"}.
// Money per customer is in the currency's major unit.
#include "core/analysis/cohorts/cohorts.h"
#include "core/api/ops.h"
#include "core/api/ops/facts_step.h"

namespace rapport {

namespace {

Json PerCustomer(const std::vector<double>& cents) {
  Json a = Json::array();
  for (double v : cents) a.push_back(Num(v / 100.0));
  return a;
}

std::string MonthLabel(int32_t month_index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month_index / 12, month_index % 12 + 1);
  return buf;
}

}  // namespace

Result<Json> Op_cohorts(OpContext& ctx) {
  const Json& rq = ctx.request;
  CohortOptions options;
  if (rq.contains("by") && !rq["by"].is_null()) {
    if (!rq["by"].is_string() || !CohortByFromName(rq["by"].get<std::string>(), &options.by)) {
      return InvalidArgument("`by`: expected one of none, first_product, source, discount_code, country");
    }
  }
  if (rq.contains("months")) {
    if (!rq["months"].is_number_integer() || rq["months"].get<int64_t>() < 0) return InvalidArgument("`months`: expected a whole number >= 0");
    options.months = rq["months"].get<int32_t>();
  }
  if (rq.contains("max_groups")) {
    if (!rq["max_groups"].is_number_integer() || rq["max_groups"].get<int64_t>() < 1) return InvalidArgument("`max_groups`: expected a whole number >= 1");
    options.max_groups = rq["max_groups"].get<int32_t>();
  }
  if (rq.contains("filter")) {
    if (!rq["filter"].is_string()) return InvalidArgument("`filter`: expected a group label");
    options.filter = rq["filter"].get<std::string>();
  }
  const Workspace& ws = ctx.workspace;
  // The customer facts the overview's KPIs keep (ops.h), not a build of its own; the cohorts a step after them.
  const int32_t as_of = AsOfDay(ctx);
  const uint32_t currency = OpCurrency(ctx);
  std::shared_ptr<const CustomerFacts> facts;
  if (as_of != kNoDay) facts = FactsThenOwnStep(ctx, as_of, currency);
  const FactsSource held = [&facts](int32_t, uint32_t) { return facts; };
  const CohortResult res = ComputeCohorts(ws, ctx.settings, options, held);
  Json out;
  out["as_of"] = Day(res.as_of_day);
  out["currency"] = res.currency == kNoId ? Json(nullptr) : Json(ws.currencies[res.currency]);
  out["by"] = CohortByName(res.by);
  out["last_month_partial"] = res.last_month_partial;
  out["customers"] = res.customers;
  Json groups = Json::array();
  for (const CohortGroup& g : res.groups) {
    Json jg;
    jg["label"] = g.label;
    jg["customers"] = g.customers;
    Json avg = Json::array();
    for (double v : g.average_retention) avg.push_back(Num(v));
    jg["average_retention"] = avg;
    jg["average_cumulative_net_per_customer"] = PerCustomer(g.average_cumulative_net_per_customer_cents);
    Json cohorts = Json::array();
    for (const Cohort& c : g.cohorts) {
      Json jc;
      jc["month"] = MonthLabel(c.month_index);
      jc["customers"] = c.customers;
      jc["active"] = c.active;
      Json ret = Json::array();
      for (double v : c.retention) ret.push_back(Num(v));
      jc["retention"] = ret;
      Json net = Json::array();
      for (int64_t v : c.net_cents) net.push_back(Money(v));
      jc["net_revenue"] = net;
      jc["net_per_customer"] = PerCustomer(c.net_per_customer_cents);
      jc["cumulative_net_per_customer"] = PerCustomer(c.cumulative_net_per_customer_cents);
      cohorts.push_back(jc);
    }
    jg["cohorts"] = cohorts;
    groups.push_back(jg);
  }
  out["groups"] = groups;
  return out;
}

}  // namespace rapport
