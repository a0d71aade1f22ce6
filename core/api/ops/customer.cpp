// Ops "customer" (the 360 view, core/analysis/customer360) and "customer_search".
//   customer: {"id": N} or {"key": "email:..."} or {"email": "..."}; optional "model": "pnbd" | "mbgnbd" | "bgnbd"
//             fits that count model as of as_of and shows its P(alive) (and uses it for the funnel stage)
//   customer_search: {"q": "text", "limit": 20}
#include "core/analysis/customer360/customer360.h"
#include "core/api/engine.h"
#include "core/api/ops.h"
#include "core/util/text.h"

namespace rapport {

namespace {

Json OrNull(double v) { return std::isnan(v) ? Json(nullptr) : Num(v); }

}  // namespace

// core/api/ops/funnel.cpp
Result<std::vector<double>> PAliveFromModel(const Workspace& ws, const Settings& settings, const std::string& name,
                                            std::string* model_name);

Result<Json> Op_customer(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const Json& rq = ctx.request;
  uint32_t c = kNoId;
  if (rq.contains("id")) {
    if (!rq["id"].is_number_integer() || rq["id"].get<int64_t>() < 0 ||
        rq["id"].get<int64_t>() >= static_cast<int64_t>(ws.customers.size())) {
      return NotFound("`id`: no customer with id " + rq["id"].dump());
    }
    c = rq["id"].get<uint32_t>();
  } else if (rq.contains("key") || rq.contains("email")) {
    std::string alias;
    if (rq.contains("key")) {
      if (!rq["key"].is_string()) return InvalidArgument("`key`: expected a string like \"email:ann@example.com\"");
      alias = rq["key"].get<std::string>();
    } else {
      if (!rq["email"].is_string()) return InvalidArgument("`email`: expected an email address");
      alias = "email:" + NormalizeEmail(rq["email"].get<std::string>());
    }
    auto it = ws.customer_alias.find(alias);
    if (it == ws.customer_alias.end()) {
      // The alias index may not be built (a workspace filled directly): fall back to a scan of the keys.
      for (uint32_t i = 0; i < ws.customers.size() && c == kNoId; ++i) {
        if (ws.customers.key[i] == alias || (!ws.customers.email[i].empty() && "email:" + std::string(ws.customers.email[i]) == alias)) c = i;
      }
      if (c == kNoId) return NotFound("no customer `" + alias + "`");
    } else {
      c = it->second;
    }
  } else {
    return InvalidArgument("expected {\"id\": N}, {\"key\": \"...\"} or {\"email\": \"...\"}");
  }

  CustomerPredictions predictions;
  std::vector<double> p_alive;
  if (rq.contains("model") && !rq["model"].is_null()) {
    if (!rq["model"].is_string()) return InvalidArgument("`model`: expected pnbd, mbgnbd or bgnbd");
    auto fitted = PAliveFromModel(ws, ctx.settings, rq["model"].get<std::string>(), &predictions.model);
    if (!fitted.ok()) return fitted.status();
    p_alive = std::move(*fitted);
    predictions.p_alive = &p_alive;
  }
  // Without a model the store-wide context depends only on the workspace and settings: cache it. Its facts are
  // the engine's (those of the page that listed the customer, usually).
  auto build = [&] { return BuildCustomer360Context(ws, ctx.settings, predictions, FactsSourceFor(ctx)); };
  if (ctx.engine) {  // the facts first, in steps of their own (core/api/cache.h), unless kept already
    const int32_t as_of = AsOfDay(ctx);
    const uint32_t currency = OpCurrency(ctx);
    if (as_of != kNoDay && currency != kNoId) CachedFacts(ctx, as_of, currency);
  }
  std::shared_ptr<const Customer360Context> shared =
      ctx.engine && !predictions.p_alive
          ? ctx.engine->cache().Get<Customer360Context>("customer360:" + Dump(SettingsToJson(ctx.settings)), build)
          : std::make_shared<const Customer360Context>(build());
  const Customer360 v = BuildCustomer360(ws, *shared, c);
  const CustomerTable& cu = ws.customers;
  Json out;
  out["as_of"] = Day(v.as_of_day);
  out["currency"] = v.currency == kNoId ? Json(nullptr) : Json(ws.currencies[v.currency]);
  out["customer"] = Json{{"id", c},
                         {"key", cu.key[c]},
                         {"email", cu.email[c]},
                         {"phone", cu.phone[c]},
                         {"name", CustomerName(ws, c)},
                         {"country", c < cu.country.size() ? ws.countries[cu.country[c]] : std::string()},
                         {"tags", cu.tags[c]},
                         {"accepts_marketing", cu.accepts_marketing[c] < 0 ? Json(nullptr) : Json(cu.accepts_marketing[c] == 1)}};
  Json orders = Json::array();
  for (const TimelineOrder& t : v.orders) {
    const OrderTable& o = ws.orders;
    std::string status = ws.labels[o.financial_status[t.order]];
    if (o.flags[t.order] & kOrderCancelled) status = "cancelled";
    if (o.flags[t.order] & kOrderVoided) status = "voided";
    if (o.flags[t.order] & kOrderTest) status = "test";
    Json products = Json::array();
    for (size_t k = 0; k < t.products.size(); ++k) {
      Json p = ProductRef(ws, t.products[k]);
      p["quantity"] = t.quantities[k];
      products.push_back(p);
    }
    orders.push_back(Json{{"id", t.order}, {"name", o.name[t.order]}, {"date", Day(t.day)}, {"valid", t.valid},
                          {"status", status}, {"fulfillment", ws.labels[o.fulfillment_status[t.order]]},
                          {"currency", ws.currencies[o.currency[t.order]]}, {"total", Money(t.total_cents)},
                          {"net", Money(t.net_cents)}, {"products", products}});
  }
  out["orders"] = orders;
  Json products = Json::array();
  for (const ProductBought& b : v.products) {
    products.push_back(Json{{"product", ProductRef(ws, b.product)}, {"quantity", b.quantity}, {"orders", b.orders},
                            {"first", Day(b.first_day)}, {"last", Day(b.last_day)}});
  }
  out["products"] = products;
  out["spend"] = Json{{"orders", v.valid_orders}, {"net_revenue", Money(v.net_cents)}, {"aov", Num(v.aov_cents / 100.0)},
                      {"first_order", Day(v.first_day)}, {"last_order", Day(v.last_day)},
                      {"days_since_last_order", v.days_since_last_order < 0 ? Json(nullptr) : Json(v.days_since_last_order)}};
  auto neg_null = [](double x) { return x < 0 ? Json(nullptr) : Num(x); };
  out["cadence"] = Json{{"intervals_days", v.intervals_days},
                        {"median_interval_days", neg_null(v.median_interval_days)},
                        {"recent_mean_interval_days", neg_null(v.recent_mean_interval_days)},
                        {"earlier_mean_interval_days", neg_null(v.earlier_mean_interval_days)},
                        {"frequency_trend", v.frequency_trend},
                        {"expected_interval_days", neg_null(v.expected_interval_days)},
                        {"cadence_source", v.expected_interval_days < 0 ? "none" : v.cadence_is_own ? "own" : "store"},
                        {"days_overdue", v.expected_interval_days < 0 || v.valid_orders == 0 ? Json(nullptr) : Num(v.days_overdue)},
                        {"next_order_expected", Day(v.next_order_expected_day)}};
  out["stage"] = StageName(v.stage);
  out["rfm"] = v.segment == RfmSegment::kNone
                   ? Json(nullptr)
                   : Json{{"r", v.r}, {"f", v.f}, {"m", v.m}, {"fm", RoundedFm(v.f, v.m)}, {"segment", RfmSegmentName(v.segment)}};
  out["predictions"] = v.has_predictions ? Json{{"model", predictions.model}, {"p_alive", OrNull(v.p_alive)},
                                                {"expected_purchases", OrNull(v.expected_purchases)},
                                                {"predicted_clv", std::isnan(v.predicted_clv_cents) ? Json(nullptr) : Num(v.predicted_clv_cents / 100.0)}}
                                         : Json(nullptr);
  Json reviews = Json::array(), tickets = Json::array(), surveys = Json::array();
  for (uint32_t i : v.reviews) {
    const ReviewTable& r = ws.reviews;
    reviews.push_back(Json{{"date", Day(r.day[i])}, {"rating", r.rating[i]},
                           {"product", r.product[i] == kNoId ? Json(nullptr) : ProductRef(ws, r.product[i])}, {"title", r.title[i]}});
  }
  for (uint32_t i : v.tickets) {
    const TicketTable& t = ws.tickets;
    tickets.push_back(Json{{"date", Day(t.day[i])}, {"status", ws.labels[t.status[i]]}, {"channel", ws.labels[t.channel[i]]},
                           {"csat", t.csat[i] < 0 ? Json(nullptr) : Json(t.csat[i])}});
  }
  for (uint32_t i : v.surveys) {
    const SurveyTable& s = ws.surveys;
    surveys.push_back(Json{{"date", Day(s.day[i])}, {"score", s.score[i]}, {"comment", s.comment[i]}});
  }
  out["reviews"] = reviews;
  out["tickets"] = tickets;
  out["nps"] = surveys;
  out["next_best_action"] = Json{{"code", v.action.code}, {"title", v.action.title}, {"reason", v.action.reason},
                                 {"due", Day(v.action.due_day)}};
  return out;
}

Result<Json> Op_customer_search(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const Json& rq = ctx.request;
  if (!rq.contains("q") || !rq["q"].is_string()) return InvalidArgument("`q`: expected the text to search for");
  int64_t limit = 20;
  if (rq.contains("limit")) {
    if (!rq["limit"].is_number_integer() || rq["limit"].get<int64_t>() < 1) return InvalidArgument("`limit`: expected a whole number >= 1");
    limit = rq["limit"].get<int64_t>();
  }
  const auto hits = SearchCustomers(ws, ctx.settings, rq["q"].get<std::string>(), static_cast<size_t>(limit));
  Json list = Json::array();
  for (const CustomerSearchHit& h : hits) {
    list.push_back(Json{{"id", h.customer}, {"key", ws.customers.key[h.customer]}, {"email", ws.customers.email[h.customer]},
                        {"name", CustomerName(ws, h.customer)}, {"orders", h.orders}, {"net_revenue", Money(h.net_cents)}});
  }
  return Json{{"q", rq["q"]}, {"customers", list}};
}

}  // namespace rapport
