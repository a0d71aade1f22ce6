// rapport fit / fit-summary / customers: the customer-base models (core/model, docs/models.md) from the
// command line. Every number comes from the engine's "fit", "validation" and "predictions" ops, so the
// --json output is the dashboard's reply byte for byte.
#include <cstdio>
#include <fstream>
#include <string_view>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/util/text.h"

namespace rapport {
// Defined in core/api/ops/models.cpp: a lifetimes-style summary file fitted, as JSON.
Result<Json> FitSummaryCsvJson(std::string_view csv, const std::string& file_name, const std::string& model_name);
}  // namespace rapport

namespace rapport::cli {
namespace {

std::string Str(const Json& v, int decimals = 6) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  char buf[64];
  if (v.is_number_integer()) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.get<int64_t>()));
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  }
  return buf;
}

void PrintFit(const Json& f) {
  std::printf("%s: LL %s, AIC %s, BIC %s (%s customers, %s patterns, %s iterations%s)\n",
              f["model"].get<std::string>().c_str(), Str(f["log_likelihood"], 4).c_str(), Str(f["aic"], 2).c_str(),
              Str(f["bic"], 2).c_str(), Str(f["customers"]).c_str(), Str(f["patterns"]).c_str(),
              Str(f["iterations"]).c_str(), f["converged"].get<bool>() ? "" : ", NOT CONVERGED");
  for (const Json& name : f["param_names"]) {
    const std::string key = name.get<std::string>();
    std::printf("  %-6s %12s  (SE %s)\n", key.c_str(), Str(f["params"][key]).c_str(), Str(f["se"][key]).c_str());
  }
  if (!f["message"].get<std::string>().empty()) std::printf("  note: %s\n", f["message"].get<std::string>().c_str());
}

Result<Json> CallOp(Engine& engine, const Json& request) {
  Json reply = Json::parse(engine.Call(Dump(request)));
  if (!reply["ok"].get<bool>()) {
    return Status(StatusCode::kInvalidArgument, reply["error"]["message"].get<std::string>());
  }
  return reply["result"];
}

Result<std::unique_ptr<Engine>> Open(const std::string& path) {
  if (!std::ifstream(path)) return NotFound(path + ": no such workspace");
  return Engine::OpenFile(path);
}

int RunFit(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"model", "unit", "as-of", "calibration-end", "currency"}, {"json"}, &args, "fit")) return 2;
  if (args.positional.size() != 1) return Fail("fit: expected one workspace (see rapport fit --help)");
  auto engine = Open(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Json request{{"op", "fit"}, {"model", args.Get("model", "auto")}};
  if (args.Has("unit")) request["unit"] = args.Get("unit");
  if (args.Has("as-of")) request["as_of"] = args.Get("as-of");
  if (args.Has("currency")) request["currency"] = args.Get("currency");
  Json out;
  if (args.Has("calibration-end")) {
    // Fit on the calibration period and compare with the holdout up to as_of.
    request["op"] = "validation";
    request["calibration_end"] = args.Get("calibration-end");
    if (request["model"] == "gg") return Fail("fit: --calibration-end needs a count model");
  }
  auto result = CallOp(**engine, request);
  if (!result.ok()) return Fail(args.positional[0] + ": " + result.status().message());
  if (args.Has("json")) {
    std::printf("%s\n", Dump(*result, 2).c_str());
    return 0;
  }
  const Json& r = *result;
  if (args.Has("calibration-end")) {
    std::printf("Calibration to %s, holdout to %s (%s %ss), unit %s\n", Str(r["calibration_end"]).c_str(),
                Str(r["holdout_end"]).c_str(), Str(r["holdout_length"], 2).c_str(), Str(r["unit"]).c_str(),
                Str(r["unit"]).c_str());
    PrintFit(r["model"]);
    std::printf("\nRepeat purchases in the holdout: actual %s, predicted %s\n", Str(r["actual"], 0).c_str(),
                Str(r["predicted"], 1).c_str());
    std::printf("Customers buying in the holdout: actual %.1f %%, predicted %.1f %%\n",
                100 * r["actual_buyers_share"].get<double>(), 100 * r["predicted_buyers_share"].get<double>());
    std::printf("\n  %-10s %10s %12s %12s\n", "frequency", "customers", "actual/cust", "predicted/cust");
    for (const Json& row : r["by_frequency"]) {
      std::printf("  %-10s %10s %12s %12s\n", Str(row["frequency"]).c_str(), Str(row["customers"]).c_str(),
                  Str(row["actual_mean"], 3).c_str(), Str(row["predicted_mean"], 3).c_str());
    }
    return 0;
  }
  std::printf("As of %s (inclusive), %s customers, unit %s\n", Str(r["as_of"]).c_str(), Str(r["customers"]).c_str(),
              Str(r["unit"]).c_str());
  if (r.contains("comparison") && r["comparison"].size() > 1) {
    std::printf("Best by BIC: %s\n", Str(r["best"]).c_str());
    for (const Json& f : r["comparison"]) PrintFit(f);
  } else {
    PrintFit(r["fit"]);
  }
  if (r.contains("spend") && r["spend"].contains("params")) {
    std::printf("\nSpend (Gamma-Gamma):\n");
    PrintFit(r["spend"]);
  }
  const Json& c = r["spend_frequency_correlation"];
  std::printf("Spend vs frequency correlation (x >= 1): Pearson %s, Spearman %s (near 0 supports Gamma-Gamma)\n",
              Str(c["pearson"], 3).c_str(), Str(c["spearman"], 3).c_str());
  return 0;
}

int RunFitSummary(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"model"}, {"json"}, &args, "fit-summary")) return 2;
  if (args.positional.size() != 1) return Fail("fit-summary: expected one summary CSV (see rapport fit-summary --help)");
  std::string text, error;
  if (!ReadFile(args.positional[0], &text, &error)) return Fail(error);
  auto result = FitSummaryCsvJson(text, args.positional[0], args.Get("model", "auto"));
  if (!result.ok()) return Fail(result.status().message());
  if (args.Has("json")) {
    std::printf("%s\n", Dump(*result, 2).c_str());
    return 0;
  }
  std::printf("%s: %s customers\n", args.positional[0].c_str(), Str((*result)["customers"]).c_str());
  if (result->contains("comparison") && (*result)["comparison"].size() > 1) {
    for (const Json& f : (*result)["comparison"]) PrintFit(f);
    std::printf("Best by BIC: %s\n", (*result)["fit"]["model"].get<std::string>().c_str());
  } else {
    PrintFit((*result)["fit"]);
  }
  return 0;
}

std::string CsvField(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return v.dump();
}

int RunCustomers(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"model", "unit", "as-of", "currency", "horizon-days"}, {"json", "csv"}, &args, "customers")) return 2;
  if (args.positional.size() != 1) return Fail("customers: expected one workspace (see rapport customers --help)");
  auto engine = Open(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Json request{{"op", "predictions"}, {"model", args.Get("model", "auto")}, {"format", "columns"}};
  if (args.Has("unit")) request["unit"] = args.Get("unit");
  if (args.Has("as-of")) request["as_of"] = args.Get("as-of");
  if (args.Has("currency")) request["currency"] = args.Get("currency");
  if (args.Has("horizon-days")) {
    double h = 0;
    if (!ParseDouble(args.Get("horizon-days"), &h)) return Fail("customers: --horizon-days expects a number");
    request["horizon_days"] = h;
  }
  auto result = CallOp(**engine, request);
  if (!result.ok()) return Fail(args.positional[0] + ": " + result.status().message());
  if (args.Has("json")) {
    std::printf("%s\n", Dump(*result, 2).c_str());
    return 0;
  }
  static const char* kColumns[] = {"id", "key", "email", "x", "t_x", "T", "p_alive", "expected_purchases",
                                   "p_purchase", "next_order_date", "expected_value", "clv", "risk"};
  const Json& cols = (*result)["columns"];
  std::string header;
  for (const char* c : kColumns) header += (header.empty() ? "" : ",") + std::string(c);
  std::printf("%s\n", header.c_str());
  const size_t n = cols["id"].size();
  for (size_t i = 0; i < n; ++i) {
    std::string line;
    for (size_t k = 0; k < sizeof(kColumns) / sizeof(kColumns[0]); ++k) {
      if (k) line += ',';
      line += CsvField(cols[kColumns[k]][i]);
    }
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace

RAPPORT_COMMAND("fit", "Fit a customer-base model (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) to a workspace",
                "Usage: rapport fit WS.rapport [--model bgnbd|mbgnbd|pnbd|gg|auto] [--unit week|day] [--as-of DATE]\n"
                "                   [--calibration-end DATE] [--currency CODE] [--json]\n\n"
                "Fits by maximum likelihood on the per-customer summary as of --as-of (inclusive; default the last\n"
                "valid order): x = repeat purchase days, t_x = first to last purchase, T = first purchase to as_of.\n"
                "--model auto (default) fits all three count models and picks the lowest BIC. With --calibration-end,\n"
                "fits on the orders up to that day and compares predicted with actual repeat purchases up to as_of.\n"
                "See docs/models.md.",
                &RunFit);
RAPPORT_COMMAND("fit-summary", "Fit a model to a lifetimes-style summary CSV (frequency,recency,T[,monetary_value])",
                "Usage: rapport fit-summary SUMMARY.csv [--model bgnbd|mbgnbd|pnbd|gg|auto] [--json]\n\n"
                "The file has a header naming frequency,recency,T[,monetary_value] (lifetimes) or x,t_x,T[,zbar];\n"
                "times in any one unit. gg needs the value column.",
                &RunFitSummary);
RAPPORT_COMMAND("customers", "Per-customer predictions: P(alive), expected purchases, next order, CLV, risk",
                "Usage: rapport customers WS.rapport [--csv|--json] [--model bgnbd|mbgnbd|pnbd|auto] [--unit week|day]\n"
                "                         [--as-of DATE] [--horizon-days N] [--currency CODE]\n\n"
                "One row per customer, sorted by customer id: id, key, email, x, t_x, T, p_alive, expected_purchases\n"
                "and p_purchase over the next --horizon-days (default 90), next_order_date (as_of + the median wait\n"
                "given alive), expected_value (Gamma-Gamma), clv (12 months, 1 %/month discount by default) and the\n"
                "risk band (P(alive): low >= 0.7 > medium >= 0.5 > high; BG/NBD one-time buyers are unrated).\n"
                "CSV by default.",
                &RunCustomers);

}  // namespace rapport::cli
