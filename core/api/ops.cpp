#include "core/api/ops.h"

#include <memory>
#include <string>

#include "core/api/engine.h"

namespace rapport {

// Each op is defined in core/api/ops/<file>.cpp.
Result<Json> Op_info(OpContext& ctx);
Result<Json> Op_kpis(OpContext& ctx);
Result<Json> Op_imports(OpContext& ctx);
Result<Json> Op_import_issues(OpContext& ctx);
Result<Json> Op_settings_get(OpContext& ctx);
Result<Json> Op_settings_set(OpContext& ctx);
Result<Json> Op_summary(OpContext& ctx);
Result<Json> Op_fit(OpContext& ctx);
Result<Json> Op_predictions(OpContext& ctx);
Result<Json> Op_validation(OpContext& ctx);
Result<Json> Op_cohorts(OpContext& ctx);
Result<Json> Op_funnel(OpContext& ctx);
Result<Json> Op_funnel_flow(OpContext& ctx);
Result<Json> Op_rfm(OpContext& ctx);
Result<Json> Op_products(OpContext& ctx);
Result<Json> Op_customer(OpContext& ctx);
Result<Json> Op_customer_search(OpContext& ctx);
Result<Json> Op_segment(OpContext& ctx);
Result<Json> Op_segment_save(OpContext& ctx);
Result<Json> Op_segment_fields(OpContext& ctx);
Result<Json> Op_segments(OpContext& ctx);
Result<Json> Op_playbooks(OpContext& ctx);
Result<Json> Op_audience(OpContext& ctx);
Result<Json> Op_lift(OpContext& ctx);
Result<Json> Op_widget_model(OpContext& ctx);
Result<Json> Op_detect(OpContext& ctx);
Result<Json> Op_mapping_save(OpContext& ctx);
Result<Json> Op_mappings(OpContext& ctx);

const std::vector<OpInfo>& Ops() {
  static const std::vector<OpInfo> kOps = {
      {"info", &Op_info, "Workspace overview: table counts, currencies, date range, imports, settings"},
      {"kpis", &Op_kpis, "Headline KPIs (DESIGN §3), per currency"},
      {"imports", &Op_imports, "The import history"},
      {"import_issues", &Op_import_issues, "Rejected rows and warnings of one import ({'import_id': N})"},
      {"settings_get", &Op_settings_get, "The stored settings"},
      {"settings_set", &Op_settings_set, "Replace settings ({'settings': {...}}) and store them"},
      {"summary", &Op_summary, "Per-customer x, t_x, T, mean repeat value ({'unit', 'calibration_end'})"},
      {"fit", &Op_fit, "Fit a customer-base model ({'model': bgnbd|pnbd|mbgnbd|gg|auto, 'unit'})"},
      {"predictions", &Op_predictions, "Per-customer P(alive), expected purchases, next order, CLV"},
      {"validation", &Op_validation, "Calibration/holdout comparison and tracking curve"},
      {"cohorts", &Op_cohorts, "Acquisition-month cohorts ({'by': first_product|source|discount_code|country})"},
      {"funnel", &Op_funnel, "Retention funnel stages as of a date"},
      {"funnel_flow", &Op_funnel_flow, "Stage-to-stage flow between two dates ({'from', 'to'})"},
      {"rfm", &Op_rfm, "RFM scores, the 5x5 grid and the 11 named segments"},
      {"products", &Op_products, "Repurchase intervals, first product -> repeat, journeys, bought together"},
      {"customer", &Op_customer, "Customer 360 ({'id': N} or {'key': 'email:...'})"},
      {"customer_search", &Op_customer_search, "Customers by email or name ({'q': '...', 'limit': 20})"},
      {"segment", &Op_segment, "Members of a segment rule ({'rule', 'limit', 'history': months, 'ids'})"},
      {"segment_fields", &Op_segment_fields, "Every segment field, function, keyword and saved segment (autocomplete)"},
      {"segment_save", &Op_segment_save, "Save a segment ({'name', 'rule', 'created'}; {'delete': true} removes)"},
      {"segments", &Op_segments, "Saved segments with their member counts"},
      {"playbooks", &Op_playbooks, "Next best action per customer ({'options', 'limit', 'playbook'})"},
      {"audience", &Op_audience, "A segment, rule or playbook as an email-platform CSV with a holdout"},
      {"lift", &Op_lift, "Campaign lift vs holdout ({'customers', 'holdout', 'send_date', 'window_days'})"},
      {"widget_model", &Op_widget_model, "The storefront widget's model file, base64, with its stats ({'min_pairs', 'top_n'})"},
      {"detect", &Op_detect, "What a file is, from its first bytes ({'text'|'bytes_base64', 'options', 'mapping_name'})"},
      {"mapping_save", &Op_mapping_save, "Save a column mapping ({'name', 'options': {'mapping', 'date_format', ...}}; {'delete': true} removes)"},
      {"mappings", &Op_mappings, "Saved column mappings"},
  };
  return kOps;
}

namespace {

// A value derived from the workspace alone (and the inputs named in `key`), kept in the engine's cache under
// `key` once computed (settings-free, dropped with the workspace's changes like every entry). Put, not Get: a
// step that computes it has not built an entry, so the op's step boundaries stay where they were.
template <typename T, typename Compute>
T KeptValue(const OpContext& ctx, const std::string& key, Compute&& compute) {
  if (!ctx.engine) return compute();
  AnalysisCache& cache = ctx.engine->cache();
  if (cache.Has(key)) return *cache.Get<T>(key, [] { return T(); });
  const T value = compute();
  cache.Put(key, std::make_shared<const T>(value), /*settings_free=*/true);
  return value;
}

}  // namespace

int32_t AsOfDay(const OpContext& ctx) {
  if (ctx.settings.as_of_day != kNoDay) return ctx.settings.as_of_day;
  return KeptValue<int32_t>(ctx, "latest-valid-order-day", [&] { return ctx.workspace.LatestValidOrderDay(); });
}

uint32_t OpCurrency(const OpContext& ctx) {
  return KeptValue<uint32_t>(ctx, "analysis-currency:" + ctx.settings.currency,
                             [&] { return AnalysisCurrency(ctx.workspace, ctx.settings); });
}

std::shared_ptr<const CustomerFacts> CachedFacts(OpContext& ctx, int32_t as_of_day, uint32_t currency) {
  if (!ctx.engine) return std::make_shared<const CustomerFacts>(BuildCustomerFacts(ctx.workspace, as_of_day, currency));
  AnalysisCache& cache = ctx.engine->cache();
  const std::string part = std::to_string(as_of_day) + ":" + std::to_string(currency);
  const std::string key = "facts:" + part, building_key = "facts-building:" + part;
  if (cache.Has(key)) return cache.Get<CustomerFacts>(key, [] { return CustomerFacts(); });
  // kRowsPerStep orders a step (CustomerFactsBuilder), kept under way between steps.
  const std::shared_ptr<CustomerFactsBuilder> builder = cache.RunInParts<CustomerFactsBuilder>(
      building_key, [&] { return std::make_shared<CustomerFactsBuilder>(ctx.workspace, as_of_day, currency); },
      kRowsPerStep, /*settings_free=*/true);
  const auto built = std::make_shared<const CustomerFacts>(builder->Result());
  cache.Erase(building_key);
  cache.Put(key, built, /*settings_free=*/true);
  return built;
}

FactsSource FactsSourceFor(OpContext& ctx) {
  return [&ctx](int32_t as_of_day, uint32_t currency) { return CachedFacts(ctx, as_of_day, currency); };
}

std::string CustomerName(const Workspace& ws, uint32_t c) {
  const CustomerTable& cu = ws.customers;
  std::string name(cu.first_name[c]);
  if (!cu.last_name[c].empty()) name.append(name.empty() ? "" : " ").append(cu.last_name[c]);
  return name;
}

Json CustomerRef(const Workspace& ws, uint32_t c) {
  const CustomerTable& cu = ws.customers;
  return Json{{"id", c}, {"key", cu.key[c]}, {"email", cu.email[c]}, {"name", CustomerName(ws, c)}};
}

Json ProductRef(const Workspace& ws, uint32_t p) {
  const ProductTable& t = ws.products;
  return Json{{"id", p}, {"sku", t.sku[p]}, {"title", t.title[p].empty() ? t.key[p] : t.title[p]}};
}

const OpInfo* FindOp(const std::string& name) {
  for (const OpInfo& op : Ops()) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

}  // namespace rapport
