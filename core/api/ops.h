// The report ops of Engine::Call. Each takes the workspace and the request (with its "op" and parameters)
// and returns the "result" JSON or a Status. Each op lives in core/api/ops/<name>.cpp and converts the plain
// result struct of its analysis into JSON; no analysis logic lives here.
//
// Request parameters common to all ops: "as_of" ("YYYY-MM-DD", overrides settings.as_of_day),
// "currency" (overrides settings.currency).
#pragma once

#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/api/json.h"
#include "core/workspace/workspace.h"

namespace rapport {

class Engine;

struct OpContext {
  const Workspace& workspace;
  Settings settings;  // the workspace settings with the request's overrides applied
  const Json& request;
  Engine* engine;     // for ops that change the workspace (settings, segments); may be null in tests
};

using OpFn = Result<Json> (*)(OpContext& ctx);

struct OpInfo {
  const char* name;
  OpFn fn;
  const char* summary;
};

const std::vector<OpInfo>& Ops();
const OpInfo* FindOp(const std::string& name);

// Rows (orders, or order lines) of a pass over the order tables an engine step (core/api/cache.h) in the ops
// whose analyses run in parts (the customer facts, the products, the playbooks' intervals and cross-sell
// candidates, the models' summary rows): ~30-170 ms natively at 1,000,000 customers.
constexpr size_t kRowsPerStep = size_t{1} << 21;

// The analysis date: the settings' as_of_day, else the day of the latest valid order (kNoDay without one).
// With an engine, the latest valid order's day is kept in its cache (a pass over the orders, ~7 ms natively
// at 5.6 M orders, that every step of an op would pay again).
int32_t AsOfDay(const OpContext& ctx);
// The analysis currency of the request's settings (AnalysisCurrency, core/analysis/customer_facts.h), kept in
// the engine's cache by the settings' currency (a pass over the orders, ~18 ms natively at 5.6 M orders with
// two currencies, that every step of an op would pay again).
uint32_t OpCurrency(const OpContext& ctx);

// The customer facts for (as_of_day, currency), from the engine's cache when there is an engine: the ops of
// one page (KPIs, funnel, flow) share one build, and it outlives a settings change (it depends on neither).
std::shared_ptr<const CustomerFacts> CachedFacts(OpContext& ctx, int32_t as_of_day, uint32_t currency);
// The same as a FactsSource for the analyses (core/analysis/customer_facts.h).
FactsSource FactsSourceFor(OpContext& ctx);

// The RFM analysis of `facts` (the customer facts for as_of_day and currency), from the engine's cache, built
// a part a step (core/api/ops/rfm.cpp): the "rfm" op and the segment columns' RFM fields read one build.
struct RfmResult;
std::shared_ptr<const RfmResult> KeptRfm(OpContext& ctx, int32_t as_of_day, uint32_t currency,
                                         std::shared_ptr<const CustomerFacts> facts);

// A customer as the ops list one: {"id", "key", "email", "name"}; the name is CustomerName's.
Json CustomerRef(const Workspace& ws, uint32_t c);
// The first and last name joined by a space ("" without either).
std::string CustomerName(const Workspace& ws, uint32_t c);
// A product as the ops show one: {"id", "sku", "title"}, the title the product's key when it has none.
Json ProductRef(const Workspace& ws, uint32_t p);

// Settings with the request's "as_of"/"currency"/... overrides applied; error on a bad value.
Result<Settings> SettingsForRequest(const Workspace& workspace, const Json& request);
Json SettingsToJson(const Settings& settings);
Result<Settings> SettingsFromJson(const Json& j, Settings base);

}  // namespace rapport
