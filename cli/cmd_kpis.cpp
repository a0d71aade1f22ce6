// rapport kpis: the headline KPIs of a workspace (docs/metrics.md), as a table or as the engine's JSON.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"

namespace rapport::cli {
namespace {

std::string Fmt(const Json& v, const char* suffix = "", double scale = 1.0, int decimals = 2) {
  if (v.is_null()) return "-";
  char buf[64];
  if (v.is_number_integer() && scale == 1.0) {
    std::snprintf(buf, sizeof buf, "%lld%s", static_cast<long long>(v.get<int64_t>()), suffix);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v.get<double>() * scale, suffix);
  }
  return buf;
}

void PrintBlock(const Json& k) {
  const std::string cur = " " + k["currency"].get<std::string>();
  std::printf("  %-30s %s\n", "Customers", Fmt(k["customers"]).c_str());
  std::printf("  %-30s %s (%s from guests)\n", "Orders", Fmt(k["orders"]).c_str(), Fmt(k["guest_orders"]).c_str());
  std::printf("  %-30s %s\n", "Net revenue", Fmt(k["net_revenue"], cur.c_str()).c_str());
  std::printf("  %-30s %s\n", "Average order value", Fmt(k["aov"], cur.c_str()).c_str());
  std::printf("  %-30s %s\n", "Purchase frequency", Fmt(k["purchase_frequency"], "", 1.0, 3).c_str());
  std::printf("  %-30s %s (%s customers)\n", "Repeat purchase rate", Fmt(k["repeat_purchase_rate"], " %", 100.0, 1).c_str(),
              Fmt(k["repeat_customers"]).c_str());
  std::printf("  %-30s %s\n", "Median days 1st -> 2nd order", Fmt(k["median_days_first_to_second"], "", 1.0, 1).c_str());
  std::printf("  %-30s %s\n", "Historical CLV", Fmt(k["historical_clv"], cur.c_str()).c_str());
  const Json& r = k["retention"];
  std::printf("  %-30s %s (%s of %s; P = %s days)\n", "Period retention rate", Fmt(r["rate"], " %", 100.0, 1).c_str(),
              Fmt(r["retained"]).c_str(), Fmt(r["base"]).c_str(), Fmt(r["period_days"]).c_str());
  std::printf("  %-30s %s\n", "Churn rate", Fmt(k["churn_rate"], " %", 100.0, 1).c_str());
  std::printf("  %-30s %s .. %s\n", "Orders from", k["first_order_day"].is_null() ? "-" : k["first_order_day"].get<std::string>().c_str(),
              k["last_order_day"].is_null() ? "-" : k["last_order_day"].get<std::string>().c_str());
}

int RunKpis(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency"}, {"json"}, &args, "kpis")) return 2;
  if (args.positional.size() != 1) return Fail("kpis: expected one workspace (see rapport kpis --help)");
  const std::string& path = args.positional[0];
  if (!std::ifstream(path)) return Fail(path + ": no such workspace");
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) return Fail(engine.status().message());
  Json request{{"op", "kpis"}};
  if (args.Has("as-of")) request["as_of"] = args.Get("as-of");
  if (args.Has("currency")) request["currency"] = args.Get("currency");
  Json reply = Json::parse((*engine)->Call(Dump(request)));
  if (!reply["ok"].get<bool>()) return Fail(path + ": " + reply["error"]["message"].get<std::string>());
  const Json& result = reply["result"];
  if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
    return 0;
  }
  if (result["kpis"].is_null()) {
    std::printf("%s: no valid orders yet (rapport import %s FILE...)\n", path.c_str(), path.c_str());
    return 0;
  }
  std::printf("KPIs as of %s (inclusive), %s\n", result["as_of"].get<std::string>().c_str(),
              result["currency"].get<std::string>().c_str());
  PrintBlock(result["kpis"]);
  for (const Json& block : result["by_currency"]) {
    if (block["currency"] == result["currency"]) continue;
    std::printf("\n%s\n", block["currency"].get<std::string>().c_str());
    PrintBlock(block);
  }
  const Json& f = result["feedback"];
  if (f["surveys"].get<int64_t>() + f["rated_tickets"].get<int64_t>() + f["reviews"].get<int64_t>() > 0) {
    std::printf("\nFeedback\n");
    std::printf("  %-30s %s (%s surveys)\n", "NPS", Fmt(f["nps"], "", 1.0, 1).c_str(), Fmt(f["surveys"]).c_str());
    std::printf("  %-30s %s (%s rated tickets)\n", "CSAT", Fmt(f["csat"], " %", 100.0, 1).c_str(), Fmt(f["rated_tickets"]).c_str());
    std::printf("  %-30s %s of customers (%s reviews)\n", "Review rate", Fmt(f["review_rate"], " %", 100.0, 1).c_str(), Fmt(f["reviews"]).c_str());
    std::printf("  %-30s %s\n", "Average rating", Fmt(f["average_rating"], " / 5", 1.0, 2).c_str());
  }
  return 0;
}

}  // namespace

RAPPORT_COMMAND("kpis", "Headline KPIs: customers, orders, revenue, AOV, repeat rate, CLV, retention",
                "Usage: rapport kpis WORKSPACE.rapport [--as-of YYYY-MM-DD] [--currency CODE] [--json]\n\n"
                "As of the day of the latest valid order unless --as-of is given (inclusive). Each currency is\n"
                "its own block; the headline is --currency, else the settings' currency, else the one with the\n"
                "most net revenue. --json prints the engine's result JSON (docs/metrics.md defines every field).",
                &RunKpis);

}  // namespace rapport::cli
