// rapport summary: the per-customer summary (first and last valid order day, orders, distinct purchase days,
// net revenue, and the model inputs x, t_x, T, zbar) of a workspace as CSV, the same numbers the "summary" op
// and every fit use (core/model/summary.h over core/analysis/customer_facts.h). The warehouse SQL
// (warehouse/*/summary.sql) writes the same columns, so its output and this one can be compared row by row
// (tests/warehouse/duckdb.test.mjs), and either file loads into `rapport fit-summary`.
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/command.h"
#include "core/analysis/customer_facts.h"
#include "core/api/engine.h"
#include "core/model/summary.h"
#include "core/util/date.h"

namespace rapport::cli {
namespace {

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string Money(int64_t cents) {
  char buf[64];
  const uint64_t a = cents < 0 ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%02" PRIu64, cents < 0 ? "-" : "", a / 100, a % 100);
  return buf;
}

int RunSummary(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"unit", "as-of", "currency"}, {"csv"}, &args, "summary")) return 2;
  if (args.positional.size() != 1) return Fail("summary: expected one workspace (see rapport summary --help)");
  const std::string& path = args.positional[0];
  if (!std::ifstream(path)) return Fail(path + ": no such workspace");
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) return Fail(engine.status().message());
  const Workspace& ws = (*engine)->workspace();
  Settings settings = ws.settings;
  if (args.Has("currency")) settings.currency = args.Get("currency");

  const std::string unit = args.Get("unit", settings.model_unit.empty() ? "week" : settings.model_unit);
  model::SummaryOptions options;
  if (unit == "week" || unit == "weeks") {
    options.unit_days = 7.0;
  } else if (unit == "day" || unit == "days") {
    options.unit_days = 1.0;
  } else {
    return Fail("summary: --unit: expected week or day, found \"" + unit + "\"");
  }
  int32_t as_of = ws.AsOf();
  if (args.Has("as-of")) {
    as_of = ParseIsoDay(args.Get("as-of"));
    if (as_of == kNoDay) return Fail("summary: --as-of: expected a date like 2024-03-01, found \"" + args.Get("as-of") + "\"");
  }
  if (as_of == kNoDay) return Fail(path + ": no valid orders: import orders first");
  options.calibration_end_day = as_of;

  auto summary = model::SummarizeWorkspace(ws, settings, options);
  if (!summary.ok()) return Fail(path + ": " + summary.status().message());
  const CustomerFacts facts = BuildCustomerFacts(ws, as_of, AnalysisCurrency(ws, settings));

  std::printf("customer_id,first_order,last_order,orders,purchase_days,net_revenue,x,t_x,T,zbar,t_x_days,T_days\n");
  const model::CustomerSummary& s = *summary;
  for (size_t i = 0; i < s.size(); ++i) {
    const uint32_t c = s.customer[i];
    const std::string key(ws.customers.key[c]);
    const std::string id = key.rfind("email:", 0) == 0 ? key.substr(6) : key;
    std::printf("%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%d,%d\n", CsvQuote(id).c_str(), FormatDay(s.first_day[i]).c_str(),
                FormatDay(s.last_day[i]).c_str(), facts.orders[c], facts.purchase_days[c],
                Money(facts.net_cents[c]).c_str(), Number(s.x[i]).c_str(), Number(s.t_x[i]).c_str(),
                Number(s.T[i]).c_str(), Number(s.zbar[i]).c_str(), s.last_day[i] - s.first_day[i],
                as_of - s.first_day[i]);
  }
  return 0;
}

}  // namespace

RAPPORT_COMMAND("summary", "The per-customer summary (first/last order, orders, net revenue, x, t_x, T) as CSV",
                "Usage: rapport summary WS.rapport [--unit week|day] [--as-of DATE] [--currency CODE] [--csv]\n\n"
                "One row per customer with a valid order on or before --as-of (inclusive; default the last valid\n"
                "order), in the analysis currency: customer_id (the e-mail, else the identity key), first_order,\n"
                "last_order, orders, purchase_days, net_revenue (total - refunded), x (repeat purchase days), t_x,\n"
                "T (in --unit), zbar (mean repeat-day value), t_x_days, T_days. The columns of warehouse/*/summary.sql;\n"
                "the file loads into `rapport fit-summary`. CSV is the only format (--csv is accepted).",
                &RunSummary);

}  // namespace rapport::cli
