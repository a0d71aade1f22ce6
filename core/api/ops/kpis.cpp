// Op "kpis": the headline KPIs (core/analysis/kpi/kpi.h, docs/metrics.md) as JSON.
#include "core/analysis/kpi/kpi.h"
#include "core/api/ops.h"

namespace rapport {

namespace {

// Money amounts that are ratios (AOV, CLV) are cents as doubles: shown in currency units.
Json MoneyRatio(double cents) { return Num(cents / 100.0); }

Json CurrencyJson(const CurrencyKpis& k, int32_t period_days) {
  Json j;
  j["currency"] = k.currency;
  j["customers"] = k.customers;
  j["orders"] = k.orders;
  j["identified_orders"] = k.identified_orders;
  j["guest_orders"] = k.guest_orders;
  j["gross_revenue"] = Money(k.gross_cents);
  j["refunded"] = Money(k.refunded_cents);
  j["net_revenue"] = Money(k.net_cents);
  j["aov"] = MoneyRatio(k.aov_cents);
  j["purchase_frequency"] = Num(k.purchase_frequency);
  j["repeat_customers"] = k.repeat_customers;
  j["repeat_purchase_rate"] = Num(k.repeat_purchase_rate);
  j["median_days_first_to_second"] = Num(k.median_days_first_to_second);
  j["historical_clv"] = MoneyRatio(k.historical_clv_cents);
  j["retention"] = Json{{"period_days", period_days},
                        {"base", k.retention_base},
                        {"retained", k.retention_retained},
                        {"rate", Num(k.retention_rate)}};
  j["churn_rate"] = Num(k.churn_rate);
  j["first_order_day"] = Day(k.first_order_day);
  j["last_order_day"] = Day(k.last_order_day);
  return j;
}

Json FeedbackJson(const FeedbackKpis& f) {
  Json j;
  j["surveys"] = f.surveys;
  j["promoters"] = f.promoters;
  j["passives"] = f.passives;
  j["detractors"] = f.detractors;
  j["nps"] = f.surveys > 0 ? Num(f.nps) : Json(nullptr);
  j["tickets"] = f.tickets;
  j["rated_tickets"] = f.rated_tickets;
  j["csat"] = Num(f.csat);
  j["reviews"] = f.reviews;
  j["reviewing_customers"] = f.reviewing_customers;
  j["review_rate"] = Num(f.review_rate);
  j["average_rating"] = Num(f.average_rating);
  return j;
}

}  // namespace

Result<Json> Op_kpis(OpContext& ctx) {
  const Workspace& w = ctx.workspace;
  if (!ctx.settings.currency.empty() && w.currencies.Find(ctx.settings.currency) == kNoId && w.orders.size() > 0) {
    std::string known;
    for (uint32_t id = 1; id < w.currencies.size(); ++id) known += (known.empty() ? "" : ", ") + w.currencies[id];
    return InvalidArgument("currency `" + ctx.settings.currency + "`: not in this workspace (it has " + known + ")");
  }
  // The date resolved once (AsOfDay keeps the latest valid order's day), not by each step's ComputeKpis.
  Settings settings = ctx.settings;
  settings.as_of_day = AsOfDay(ctx);
  const KpiResult r = ComputeKpis(w, settings, FactsSourceFor(ctx));
  Json j;
  j["as_of"] = Day(r.as_of_day);
  j["currency"] = r.headline_currency.empty() ? Json(nullptr) : Json(r.headline_currency);
  j["kpis"] = nullptr;
  Json blocks = Json::array();
  for (const CurrencyKpis& k : r.currencies) {
    Json b = CurrencyJson(k, r.retention_period_days);
    if (k.currency == r.headline_currency) j["kpis"] = b;
    blocks.push_back(std::move(b));
  }
  j["by_currency"] = std::move(blocks);
  j["feedback"] = FeedbackJson(r.feedback);
  return j;
}

}  // namespace rapport
