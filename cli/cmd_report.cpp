// rapport report: the retention analyses of a workspace (docs/analyses.md) as text tables, the engine's JSON
// (--json prints exactly the op's result), or a flat CSV table (--csv).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"

namespace rapport::cli {
namespace {

std::string Str(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string Pct(const Json& v) {
  if (v.is_null()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v.get<double>() * 100.0);
  return buf;
}

std::string Fixed(const Json& v, int decimals = 2) {
  if (v.is_null()) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

// One CSV cell (RFC 4180 quoting); text starting with = + - @ is neutralised against spreadsheet formulas.
std::string Cell(const Json& v) {
  std::string s = Str(v);
  if (v.is_string() && !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\n\r") != std::string::npos) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return s;
}

void CsvRow(const std::vector<Json>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + Cell(cells[i]);
  std::printf("%s\n", line.c_str());
}

void CsvHeader(const std::vector<const char*>& names) {
  std::string line;
  for (size_t i = 0; i < names.size(); ++i) line += std::string(i ? "," : "") + names[i];
  std::printf("%s\n", line.c_str());
}

std::string ProductTitle(const Json& p) { return p["title"].get<std::string>(); }

void PrintCohorts(const Json& r, bool csv) {
  if (csv) {
    CsvHeader({"group", "cohort", "customers", "month", "active", "retention", "net_revenue", "net_per_customer",
               "cumulative_net_per_customer"});
    for (const Json& g : r["groups"]) {
      for (const Json& c : g["cohorts"]) {
        for (size_t k = 0; k < c["active"].size(); ++k) {
          CsvRow({g["label"], c["month"], c["customers"], k, c["active"][k], c["retention"][k], c["net_revenue"][k],
                  c["net_per_customer"][k], c["cumulative_net_per_customer"][k]});
        }
      }
    }
    return;
  }
  std::printf("Cohorts as of %s (%s), %s customers%s: share of each acquisition-month cohort ordering in month k\n",
              Str(r["as_of"]).c_str(), Str(r["currency"]).c_str(), Str(r["customers"]).c_str(),
              r["last_month_partial"].get<bool>() ? "; the last month is partial" : "");
  for (const Json& g : r["groups"]) {
    if (!g["label"].get<std::string>().empty()) std::printf("\n%s (%s customers)\n", Str(g["label"]).c_str(), Str(g["customers"]).c_str());
    size_t width = 0;
    for (const Json& c : g["cohorts"]) width = std::max(width, c["active"].size());
    width = std::min<size_t>(width, 13);
    std::printf("  %-8s %9s", "cohort", "customers");
    for (size_t k = 0; k < width; ++k) std::printf(" %6s", ("m" + std::to_string(k)).c_str());
    std::printf(" %12s\n", "cum.net/cust");
    for (const Json& c : g["cohorts"]) {
      std::printf("  %-8s %9s", Str(c["month"]).c_str(), Str(c["customers"]).c_str());
      for (size_t k = 0; k < width; ++k) {
        std::printf(" %6s", k < c["retention"].size() ? Pct(c["retention"][k]).c_str() : "");
      }
      std::printf(" %12s\n", Fixed(c["cumulative_net_per_customer"].back()).c_str());
    }
    std::printf("  %-8s %9s", "average", Str(g["customers"]).c_str());
    for (size_t k = 0; k < width && k < g["average_retention"].size(); ++k) std::printf(" %6s", Pct(g["average_retention"][k]).c_str());
    std::printf("\n");
  }
}

void PrintFunnel(const Json& r, bool csv) {
  if (csv) {
    CsvHeader({"stage", "label", "customers", "share_customers", "net_revenue", "share_revenue"});
    for (const Json& s : r["stages"]) CsvRow({s["stage"], s["label"], s["customers"], s["share_customers"], s["net_revenue"], s["share_revenue"]});
    return;
  }
  std::printf("Retention funnel as of %s (%s): %s customers; store median first-to-second interval %s days\n",
              Str(r["as_of"]).c_str(), Str(r["currency"]).c_str(), Str(r["customers"]).c_str(),
              r["store_median_interval_days"].is_null() ? "-" : Fixed(r["store_median_interval_days"], 1).c_str());
  std::printf("  %-10s %10s %8s %14s %8s\n", "stage", "customers", "share", "net revenue", "revenue");
  for (const Json& s : r["stages"]) {
    std::printf("  %-10s %10s %8s %14s %8s\n", Str(s["label"]).c_str(), Str(s["customers"]).c_str(),
                Pct(s["share_customers"]).c_str(), Fixed(s["net_revenue"]).c_str(), Pct(s["share_revenue"]).c_str());
  }
}

void PrintFlow(const Json& r, bool csv) {
  if (csv) {
    CsvHeader({"from_stage", "to_stage", "customers"});
    for (const Json& f : r["flows"]) CsvRow({f["from"], f["to"], f["customers"]});
    return;
  }
  std::printf("Funnel flow from %s to %s (%s customers): rows = stage on %s, columns = stage on %s\n",
              Str(r["from"]).c_str(), Str(r["to"]).c_str(), Str(r["total"]).c_str(), Str(r["from"]).c_str(), Str(r["to"]).c_str());
  std::printf("  %-13s", "");
  for (size_t b = 1; b < r["stages"].size(); ++b) std::printf(" %9s", Str(r["stages"][b]).c_str());
  std::printf("\n");
  for (size_t a = 0; a < r["stages"].size(); ++a) {
    std::printf("  %-13s", Str(r["stages"][a]).c_str());
    for (size_t b = 1; b < r["stages"].size(); ++b) std::printf(" %9s", Str(r["matrix"][a][b]).c_str());
    std::printf("\n");
  }
}

void PrintRfm(const Json& r, bool csv) {
  if (r.contains("segment_customers")) {
    if (csv) {
      CsvHeader({"id", "key", "email", "name", "r", "f", "m", "fm", "segment", "recency_days", "orders", "net_revenue", "last_order"});
      for (const Json& c : r["segment_customers"]) {
        CsvRow({c["id"], c["key"], c["email"], c["name"], c["r"], c["f"], c["m"], c["fm"], c["segment"], c["recency_days"],
                c["orders"], c["net_revenue"], c["last_order"]});
      }
      return;
    }
    std::printf("%s customers (%s; showing %zu)\n", r.contains("segment") ? Str(r["segment"]).c_str() : "All",
                Str(r["segment_customers_total"]).c_str(), r["segment_customers"].size());
    std::printf("  %8s  %-40s %3s %3s %3s %8s %7s %12s\n", "id", "email", "R", "F", "M", "recency", "orders", "net");
    for (const Json& c : r["segment_customers"]) {
      std::printf("  %8s  %-40s %3s %3s %3s %8s %7s %12s\n", Str(c["id"]).c_str(), Str(c["email"]).c_str(), Str(c["r"]).c_str(),
                  Str(c["f"]).c_str(), Str(c["m"]).c_str(), Str(c["recency_days"]).c_str(), Str(c["orders"]).c_str(),
                  Fixed(c["net_revenue"]).c_str());
    }
    return;
  }
  if (csv) {
    CsvHeader({"segment", "customers", "share_customers", "net_revenue", "share_revenue", "median_recency_days", "median_frequency"});
    for (const Json& s : r["segments"]) {
      CsvRow({s["segment"], s["customers"], s["share_customers"], s["net_revenue"], s["share_revenue"], s["median_recency_days"],
              s["median_frequency"]});
    }
    return;
  }
  std::printf("RFM as of %s (%s), %s customers\n\n", Str(r["as_of"]).c_str(), Str(r["currency"]).c_str(), Str(r["customers"]).c_str());
  std::printf("  Customers by R (rows) and FM = (F + M) / 2 rounded half up (columns)\n  %4s", "");
  for (int fm = 1; fm <= 5; ++fm) std::printf(" %8s", ("FM" + std::to_string(fm)).c_str());
  std::printf("\n");
  for (int rr = 5; rr >= 1; --rr) {
    std::printf("  R%-3d", rr);
    for (int fm = 1; fm <= 5; ++fm) std::printf(" %8s", Str(r["grid"]["counts"][rr - 1][fm - 1]).c_str());
    std::printf("\n");
  }
  std::printf("\n  %-20s %10s %7s %14s %8s %9s %9s\n", "segment", "customers", "share", "net revenue", "revenue", "med. R(d)", "med. F");
  for (const Json& s : r["segments"]) {
    std::printf("  %-20s %10s %7s %14s %8s %9s %9s\n", Str(s["segment"]).c_str(), Str(s["customers"]).c_str(),
                Pct(s["share_customers"]).c_str(), Fixed(s["net_revenue"]).c_str(), Pct(s["share_revenue"]).c_str(),
                Fixed(s["median_recency_days"], 1).c_str(), Fixed(s["median_frequency"], 1).c_str());
  }
}

void PrintProducts(const Json& r, bool csv, const std::string& table) {
  if (csv) {
    if (table == "replenishment") {
      CsvHeader({"product_id", "sku", "title", "intervals", "customers", "q1_days", "median_days", "q3_days"});
      for (const Json& x : r["replenishment"]) {
        CsvRow({x["product"]["id"], x["product"]["sku"], x["product"]["title"], x["intervals"], x["customers"], x["q1_days"], x["median_days"], x["q3_days"]});
      }
    } else if (table == "first_product") {
      CsvHeader({"product_id", "sku", "title", "customers", "repeat_customers", "repeat_rate", "matured_customers", "avg_net_12m"});
      for (const Json& x : r["first_product"]) {
        CsvRow({x["product"]["id"], x["product"]["sku"], x["product"]["title"], x["customers"], x["repeat_customers"],
                x["repeat_rate"], x["matured_customers"], x["avg_net_12m"]});
      }
    } else if (table == "journeys") {
      CsvHeader({"first_id", "first_title", "next_id", "next_title", "customers", "share_of_first"});
      for (const Json& x : r["journeys"]) {
        CsvRow({x["first"]["id"], x["first"]["title"], x["next"]["id"], x["next"]["title"], x["customers"], x["share_of_first"]});
      }
    } else {
      CsvHeader({"a_id", "a_title", "b_id", "b_title", "count", "support", "confidence_a_to_b", "confidence_b_to_a", "lift"});
      for (const Json& x : r["bought_together"]) {
        CsvRow({x["a"]["id"], x["a"]["title"], x["b"]["id"], x["b"]["title"], x["count"], x["support"], x["confidence_a_to_b"],
                x["confidence_b_to_a"], x["lift"]});
      }
    }
    return;
  }
  std::printf("Products as of %s (%s), %s baskets\n", Str(r["as_of"]).c_str(), Str(r["currency"]).c_str(), Str(r["baskets"]).c_str());
  std::printf("\nReplenishment: days between repeat purchases of the same product\n  %-40s %9s %7s %7s %7s\n", "product", "intervals", "q1", "median", "q3");
  size_t n = 0;
  for (const Json& x : r["replenishment"]) {
    if (n++ == 15) break;
    std::printf("  %-40.40s %9s %7s %7s %7s\n", ProductTitle(x["product"]).c_str(), Str(x["intervals"]).c_str(),
                Fixed(x["q1_days"], 1).c_str(), Fixed(x["median_days"], 1).c_str(), Fixed(x["q3_days"], 1).c_str());
  }
  std::printf("\nFirst product -> repeat rate and 12-month value\n  %-40s %9s %8s %12s\n", "product", "customers", "repeat", "12m value");
  n = 0;
  for (const Json& x : r["first_product"]) {
    if (n++ == 15) break;
    std::printf("  %-40.40s %9s %8s %12s\n", ProductTitle(x["product"]).c_str(), Str(x["customers"]).c_str(),
                Pct(x["repeat_rate"]).c_str(), Fixed(x["avg_net_12m"]).c_str());
  }
  std::printf("\nJourneys: first product -> next different product\n");
  n = 0;
  for (const Json& x : r["journeys"]) {
    if (n++ == 10) break;
    std::printf("  %-30.30s -> %-30.30s %6s (%s)\n", ProductTitle(x["first"]).c_str(), ProductTitle(x["next"]).c_str(),
                Str(x["customers"]).c_str(), Pct(x["share_of_first"]).c_str());
  }
  std::printf("\nFrequently bought together (by lift)\n  %-28s %-28s %6s %8s %7s %7s %6s\n", "a", "b", "count", "support", "a->b", "b->a", "lift");
  n = 0;
  for (const Json& x : r["bought_together"]) {
    if (n++ == 15) break;
    std::printf("  %-28.28s %-28.28s %6s %8s %7s %7s %6s\n", ProductTitle(x["a"]).c_str(), ProductTitle(x["b"]).c_str(),
                Str(x["count"]).c_str(), Pct(x["support"]).c_str(), Pct(x["confidence_a_to_b"]).c_str(),
                Pct(x["confidence_b_to_a"]).c_str(), Fixed(x["lift"]).c_str());
  }
}

void PrintCustomer(const Json& r, bool csv) {
  if (csv) {
    CsvHeader({"order_id", "name", "date", "valid", "status", "currency", "total", "net", "products"});
    for (const Json& o : r["orders"]) {
      std::string products;
      for (const Json& p : o["products"]) products += (products.empty() ? "" : "; ") + ProductTitle(p) + " x" + Str(p["quantity"]);
      CsvRow({o["id"], o["name"], o["date"], o["valid"], o["status"], o["currency"], o["total"], o["net"], products});
    }
    return;
  }
  const Json& c = r["customer"];
  std::string who = Str(c["name"]).empty() ? Str(c["key"]) : Str(c["name"]);
  if (!Str(c["email"]).empty() && who != "email:" + Str(c["email"])) who += " <" + Str(c["email"]) + ">";
  std::printf("%s (id %s, %s), as of %s\n", who.c_str(), Str(c["id"]).c_str(), Str(c["key"]).c_str(), Str(r["as_of"]).c_str());
  const Json& s = r["spend"];
  std::printf("  %s valid orders, %s %s net, AOV %s; first %s, last %s\n", Str(s["orders"]).c_str(), Fixed(s["net_revenue"]).c_str(),
              Str(r["currency"]).c_str(), Fixed(s["aov"]).c_str(), Str(s["first_order"]).c_str(), Str(s["last_order"]).c_str());
  const Json& k = r["cadence"];
  std::printf("  stage: %s; RFM: %s; cadence: %s days (%s), %s; days overdue: %s\n", Str(r["stage"]).c_str(),
              r["rfm"].is_null() ? "-" : (Str(r["rfm"]["segment"]) + " R" + Str(r["rfm"]["r"]) + " F" + Str(r["rfm"]["f"]) + " M" + Str(r["rfm"]["m"])).c_str(),
              Fixed(k["expected_interval_days"], 1).c_str(), Str(k["cadence_source"]).c_str(), Str(k["frequency_trend"]).c_str(),
              Fixed(k["days_overdue"], 1).c_str());
  const Json& a = r["next_best_action"];
  std::printf("  next best action: %s (due %s): %s\n\n", Str(a["title"]).c_str(), Str(a["due"]).c_str(), Str(a["reason"]).c_str());
  std::printf("  %-10s %-14s %-12s %10s  %s\n", "date", "order", "status", "net", "products");
  for (const Json& o : r["orders"]) {
    std::string products;
    for (const Json& p : o["products"]) products += (products.empty() ? "" : ", ") + ProductTitle(p) + " x" + Str(p["quantity"]);
    const std::string order_name = Str(o["name"]).empty() ? "#" + Str(o["id"]) : Str(o["name"]);
    std::printf("  %-10s %-14s %-12s %10s  %s\n", Str(o["date"]).c_str(), order_name.c_str(), Str(o["status"]).c_str(),
                Fixed(o["net"]).c_str(), products.c_str());
  }
}

void PrintSearch(const Json& r, bool csv) {
  if (csv) CsvHeader({"id", "key", "email", "name", "orders", "net_revenue"});
  for (const Json& c : r["customers"]) {
    if (csv) {
      CsvRow({c["id"], c["key"], c["email"], c["name"], c["orders"], c["net_revenue"]});
    } else {
      std::printf("  %8s  %-40s %-24s %5s %12s\n", Str(c["id"]).c_str(), Str(c["email"]).c_str(), Str(c["name"]).c_str(),
                  Str(c["orders"]).c_str(), Fixed(c["net_revenue"]).c_str());
    }
  }
}

int RunReport(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency", "from", "to", "by", "months", "segment", "limit", "table", "min-support", "min-count", "stage", "model"},
                 {"json", "csv", "customers"}, &args, "report")) {
    return 2;
  }
  if (args.positional.size() < 2) return Fail("report: expected WORKSPACE and a report (see rapport report --help)");
  const std::string& path = args.positional[0];
  const std::string& kind = args.positional[1];
  if (args.Has("json") && args.Has("csv")) return Fail("report: --json and --csv exclude each other");
  Json request;
  if (kind == "cohorts") {
    request = {{"op", "cohorts"}};
    if (args.Has("by")) request["by"] = args.Get("by");
    if (args.Has("months")) request["months"] = std::atoi(args.Get("months").c_str());
  } else if (kind == "funnel" || kind == "flow") {
    if (kind == "flow" || args.Has("from") || args.Has("to")) {
      request = {{"op", "funnel_flow"}};
      if (args.Has("from")) request["from"] = args.Get("from");
      if (args.Has("to")) request["to"] = args.Get("to");
    } else {
      request = {{"op", "funnel"}};
      if (args.Has("stage")) request["stage"] = args.Get("stage");
    }
  } else if (kind == "rfm") {
    request = {{"op", "rfm"}};
    if (args.Has("segment")) request["segment"] = args.Get("segment");
    if (args.Has("customers")) request["customers"] = true;
  } else if (kind == "products") {
    request = {{"op", "products"}};
    if (args.Has("min-support")) request["min_support"] = std::atof(args.Get("min-support").c_str());
    if (args.Has("min-count")) request["min_pair_count"] = std::atoll(args.Get("min-count").c_str());
  } else if (kind == "customer") {
    if (args.positional.size() != 3) return Fail("report customer: expected a customer id, key or email");
    const std::string& who = args.positional[2];
    request = {{"op", "customer"}};
    if (!who.empty() && who.find_first_not_of("0123456789") == std::string::npos) {
      request["id"] = std::stoll(who);
    } else if (who.find(':') != std::string::npos) {
      request["key"] = who;
    } else {
      request["email"] = who;
    }
  } else if (kind == "search") {
    if (args.positional.size() != 3) return Fail("report search: expected the text to search for");
    request = {{"op", "customer_search"}, {"q", args.positional[2]}};
  } else {
    return Fail("report: unknown report `" + kind + "` (cohorts, funnel, flow, rfm, products, customer, search)");
  }
  if (args.Has("limit")) request["limit"] = std::atoll(args.Get("limit").c_str());
  if (args.Has("model")) {
    if (request["op"] != "funnel" && request["op"] != "customer") return Fail("report: --model applies to funnel and customer");
    request["model"] = args.Get("model");
  }
  if (args.Has("as-of")) request["as_of"] = args.Get("as-of");
  if (args.Has("currency")) request["currency"] = args.Get("currency");
  if (!std::ifstream(path)) return Fail(path + ": no such workspace");
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) return Fail(engine.status().message());
  const Json reply = Json::parse((*engine)->Call(Dump(request)));
  if (!reply["ok"].get<bool>()) return Fail(path + ": " + reply["error"]["message"].get<std::string>());
  const Json& result = reply["result"];
  if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
    return 0;
  }
  const bool csv = args.Has("csv");
  const std::string op = request["op"];
  if (op == "cohorts") PrintCohorts(result, csv);
  if (op == "funnel") PrintFunnel(result, csv);
  if (op == "funnel_flow") PrintFlow(result, csv);
  if (op == "rfm") PrintRfm(result, csv);
  if (op == "products") PrintProducts(result, csv, args.Get("table", "bought_together"));
  if (op == "customer") PrintCustomer(result, csv);
  if (op == "customer_search") PrintSearch(result, csv);
  return 0;
}

}  // namespace

RAPPORT_COMMAND("report", "Retention analyses: cohorts, funnel and flow, RFM, products, one customer's 360 view",
                "Usage: rapport report WORKSPACE.rapport REPORT [options] [--json | --csv]\n\n"
                "Reports:\n"
                "  cohorts   [--by first_product|source|discount_code|country] [--months N]\n"
                "  funnel    [--stage at_risk] [--model pnbd|mbgnbd|bgnbd]   stages as of --as-of; with a model,\n"
                "                                     at risk = P(alive) < 0.5\n"
                "  funnel --from DATE --to DATE       (or `flow`) stage on one day x stage on another\n"
                "  rfm       [--segment NAME | --customers] [--limit N]\n"
                "  products  [--min-support 0.001] [--min-count 5] [--table replenishment|first_product|journeys|bought_together]\n"
                "  customer  ID | KEY | EMAIL [--model pnbd]   the 360 view with the next best action\n"
                "  search    TEXT [--limit N]         customers by email or name\n\n"
                "Common: --as-of YYYY-MM-DD (inclusive; default the day of the latest valid order), --currency CODE.\n"
                "--json prints the engine's result exactly; --csv a flat table (--table picks one for products).\n"
                "docs/analyses.md defines every number.",
                &RunReport);

}  // namespace rapport::cli
