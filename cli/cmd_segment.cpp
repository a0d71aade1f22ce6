// rapport segment | segments | playbooks | audience: the segment rule language, the next best actions and
// email-platform audiences from the command line (docs/segments.md, docs/playbooks.md). Each command is one
// engine call, so the --json output is the dashboard's reply byte for byte.
#include <cstdio>
#include <fstream>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"

namespace rapport::cli {
namespace {

struct Session {
  std::unique_ptr<Engine> engine;
  std::string path;
};

int Open(const std::string& path, Session* s) {
  if (!std::ifstream(path)) return Fail(path + ": no such workspace");
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) return Fail(engine.status().message());
  s->engine = std::move(*engine);
  s->path = path;
  return 0;
}

// Calls the engine; on error prints it and returns false.
bool Call(Session& s, const Json& request, Json* result) {
  Json reply = Json::parse(s.engine->Call(Dump(request)));
  if (!reply["ok"].get<bool>()) {
    Fail(s.path + ": " + reply["error"]["message"].get<std::string>());
    return false;
  }
  *result = std::move(reply["result"]);
  return true;
}

void Common(const Args& args, Json* request) {
  if (args.Has("as-of")) (*request)["as_of"] = args.Get("as-of");
  if (args.Has("currency")) (*request)["currency"] = args.Get("currency");
}

std::string Text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string CsvText(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

int RunSegment(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency", "limit", "history", "save", "created"}, {"count", "csv", "json"}, &args, "segment")) return 2;
  if (args.positional.size() != 2) return Fail("segment: expected a workspace and a rule (see rapport segment --help)");
  Session s;
  if (int rc = Open(args.positional[0], &s)) return rc;
  const std::string& rule = args.positional[1];
  Json request{{"op", "segment"}, {"rule", rule}};
  Common(args, &request);
  const bool csv = args.Has("csv");
  if (csv) {
    request["limit"] = 1000000;
  } else if (args.Has("limit")) {
    request["limit"] = std::stoll(args.Get("limit"));
  } else {
    request["limit"] = 20;
  }
  if (args.Has("history")) request["history"] = std::stoll(args.Get("history"));
  Json result;
  if (!Call(s, request, &result)) return 1;
  if (!result["valid"].get<bool>()) {
    std::fprintf(stderr, "rapport: segment: %s\n", result["error"]["rendered"].get<std::string>().c_str());
    return 1;
  }
  if (args.Has("save")) {
    Json save{{"op", "segment_save"}, {"name", args.Get("save")}, {"rule", rule},
              {"created", args.Has("created") ? args.Get("created") : NowIso()}};
    Json saved;
    if (!Call(s, save, &saved)) return 1;
    std::fprintf(stderr, "saved segment \"%s\" (%s members)\n", saved["name"].get<std::string>().c_str(), Text(saved["members"]).c_str());
  }
  if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
  } else if (args.Has("count")) {
    std::printf("%s\n", Text(result["members"]).c_str());
  } else if (csv) {
    std::printf("id,key,email,first_name,last_name,orders,net_spend,last_order_date\n");
    for (const Json& r : result["rows"]) {
      std::printf("%s,%s,%s,%s,%s,%s,%s,%s\n", Text(r["id"]).c_str(), CsvText(Text(r["key"])).c_str(),
                  CsvText(Text(r["email"])).c_str(), CsvText(Text(r["first_name"])).c_str(),
                  CsvText(Text(r["last_name"])).c_str(), Text(r["orders"]).c_str(), Text(r["net_spend"]).c_str(),
                  Text(r["last_order_date"]).c_str());
    }
  } else {
    std::printf("%s\n  read as: %s\n  as of %s: %s of %s customers\n", rule.c_str(), result["read_as"].get<std::string>().c_str(),
                Text(result["as_of"]).c_str(), Text(result["members"]).c_str(), Text(result["customers"]).c_str());
    for (const Json& r : result["rows"]) {
      std::printf("  %8s  %-36s %4s orders  %12s  last %s\n", Text(r["id"]).c_str(), Text(r["email"]).c_str(),
                  Text(r["orders"]).c_str(), Text(r["net_spend"]).c_str(), Text(r["last_order_date"]).c_str());
    }
    if (result.contains("history")) {
      std::printf("  members at month ends:\n");
      for (const Json& p : result["history"]) std::printf("    %s  %s\n", Text(p["day"]).c_str(), Text(p["members"]).c_str());
    }
  }
  return 0;
}

int RunSegments(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency", "delete"}, {"json"}, &args, "segments")) return 2;
  if (args.positional.size() != 1) return Fail("segments: expected one workspace (see rapport segments --help)");
  Session s;
  if (int rc = Open(args.positional[0], &s)) return rc;
  Json result;
  if (args.Has("delete")) {
    if (!Call(s, Json{{"op", "segment_save"}, {"name", args.Get("delete")}, {"delete", true}}, &result)) return 1;
  }
  Json request{{"op", "segments"}};
  Common(args, &request);
  if (!Call(s, request, &result)) return 1;
  if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
    return 0;
  }
  for (const Json& seg : result["segments"]) {
    std::printf("%-24s %8s  %s\n", Text(seg["name"]).c_str(), seg["members"].is_null() ? "error" : Text(seg["members"]).c_str(),
                Text(seg["rule"]).c_str());
  }
  return 0;
}

int RunPlaybooks(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency", "limit", "playbook", "options", "due-before"}, {"json"}, &args, "playbooks")) return 2;
  if (args.positional.size() != 1) return Fail("playbooks: expected one workspace (see rapport playbooks --help)");
  Session s;
  if (int rc = Open(args.positional[0], &s)) return rc;
  Json request{{"op", "playbooks"}, {"limit", args.Has("limit") ? std::stoll(args.Get("limit")) : 20}};
  Common(args, &request);
  if (args.Has("playbook")) request["playbook"] = args.Get("playbook");
  if (args.Has("due-before")) request["due_before"] = args.Get("due-before");  // checked by the op
  if (args.Has("options")) {
    Json options = Json::parse(args.Get("options"), nullptr, false);
    if (options.is_discarded()) return Fail("playbooks: --options must be JSON, e.g. '{\"recovery_days\": 14}'");
    request["options"] = options;
  }
  Json result;
  if (!Call(s, request, &result)) return 1;
  if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
    return 0;
  }
  std::printf("Next best actions as of %s (priority order)", Text(result["as_of"]).c_str());
  const bool due_filter = !result["due_before"].is_null();
  if (due_filter) std::printf(", due on or before %s", Text(result["due_before"]).c_str());
  std::printf("\n");
  for (const Json& p : result["playbooks"]) {
    std::printf("  %-30s %7s assigned  %7s eligible  %7s due%s\n", Text(p["title"]).c_str(), Text(p["assigned"]).c_str(),
                Text(p["eligible"]).c_str(), Text(p[due_filter ? "due" : "due_by_as_of"]).c_str(),
                due_filter ? " by then" : "");
  }
  std::printf("\n");
  for (const Json& a : result["actions"]) {
    std::printf("  %s  %-20s %-32s %s\n", Text(a["due"]).c_str(), Text(a["playbook"]).c_str(), Text(a["email"]).c_str(),
                Text(a["reason"]).c_str());
  }
  return 0;
}

int RunAudience(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"as-of", "currency", "format", "holdout", "out", "holdout-out", "name", "options"}, {"json"}, &args, "audience")) return 2;
  if (args.positional.size() != 2) return Fail("audience: expected a workspace and a segment, playbook or rule (see rapport audience --help)");
  Session s;
  if (int rc = Open(args.positional[0], &s)) return rc;
  const std::string& what = args.positional[1];
  Json request{{"op", "audience"}, {"format", args.Get("format", "klaviyo")}};
  Common(args, &request);
  if (args.Has("holdout")) {
    try {
      request["holdout"] = std::stod(args.Get("holdout"));
    } catch (...) {
      return Fail("audience: --holdout is a share such as 0.1");
    }
  }
  if (args.Has("name")) request["name"] = args.Get("name");
  if (args.Has("options")) {
    Json options = Json::parse(args.Get("options"), nullptr, false);
    if (options.is_discarded()) return Fail("audience: --options must be JSON");
    request["options"] = options;
  }
  // A saved segment's name, else a playbook's name, else a rule.
  Json listing;
  if (!Call(s, Json{{"op", "segments"}}, &listing)) return 1;
  bool is_segment = false;
  for (const Json& seg : listing["segments"]) {
    std::string a = seg["name"].get<std::string>(), b = what;
    for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    is_segment = is_segment || a == b;
  }
  static const char* kPlaybooks[] = {"feedback_recovery", "at_risk_high_value", "winback", "replenishment",
                                     "review_request", "loyalty_upgrade", "cross_sell"};
  bool is_playbook = false;
  for (const char* p : kPlaybooks) is_playbook = is_playbook || what == p;
  request[is_segment ? "segment" : is_playbook ? "playbook" : "rule"] = what;
  Json result;
  if (!Call(s, request, &result)) return 1;
  if (args.Has("out")) {
    const std::string out = args.Get("out");
    std::string holdout_out = args.Get("holdout-out");
    if (holdout_out.empty()) {
      const size_t dot = out.rfind('.');
      holdout_out = (dot == std::string::npos || out.find('/', dot) != std::string::npos ? out : out.substr(0, dot)) + ".holdout.csv";
    }
    std::ofstream(out, std::ios::binary) << result["csv"].get<std::string>();
    std::ofstream(holdout_out, std::ios::binary) << result["holdout_csv"].get<std::string>();
    if (!std::ifstream(out) || !std::ifstream(holdout_out)) return Fail("audience: cannot write " + out);
    if (!args.Has("json")) {
      std::printf("%s: %s members, %s in %s (%s format), %s held out in %s; %s without email skipped\n",
                  Text(result["name"]).c_str(), Text(result["members"]).c_str(), Text(result["sent"]).c_str(), out.c_str(),
                  Text(result["format"]).c_str(), Text(result["held_out"]).c_str(), holdout_out.c_str(),
                  Text(result["skipped_no_email"]).c_str());
    }
  } else if (!args.Has("json")) {
    std::fwrite(result["csv"].get<std::string>().data(), 1, result["csv"].get<std::string>().size(), stdout);
  }
  if (args.Has("json")) std::printf("%s\n", Dump(result, 2).c_str());
  return 0;
}

}  // namespace

RAPPORT_COMMAND("segment", "Count or list the customers matching a segment rule",
                "rapport segment WORKSPACE RULE [--count | --csv | --json] [--limit N] [--history MONTHS]\n"
                "                [--save NAME] [--as-of YYYY-MM-DD] [--currency CODE]\n\n"
                "  RULE is written in the segment language (docs/segments.md), e.g.\n"
                "    'orders >= 2 BUT NOT ordered_since(-90d)'\n"
                "  --count    print only the number of members\n"
                "  --csv      every member as CSV (id,key,email,first_name,last_name,orders,net_spend,last_order_date)\n"
                "  --json     the engine's reply\n"
                "  --history  members at each of the last MONTHS month ends\n"
                "  --save     also save the rule as a named segment\n"
                "An invalid rule prints the error with a caret under the problem and exits 1.",
                &RunSegment);
RAPPORT_COMMAND("segments", "List the saved segments with their member counts",
                "rapport segments WORKSPACE [--json] [--delete NAME] [--as-of YYYY-MM-DD]", &RunSegments);
RAPPORT_COMMAND("playbooks", "Next best action per customer, with due date and reason",
                "rapport playbooks WORKSPACE [--json] [--limit N] [--playbook NAME] [--due-before +7d|YYYY-MM-DD|today]\n"
                "                  [--options JSON] [--as-of YYYY-MM-DD]\n\n"
                "  --due-before: only actions due on or before that day (overdue ones included), relative to as-of.\n"
                "  playbooks: feedback_recovery, at_risk_high_value, winback, replenishment, review_request,\n"
                "             loyalty_upgrade, cross_sell (docs/playbooks.md); --options overrides thresholds,\n"
                "             e.g. '{\"winback\": [{\"days\": 90, \"offer\": \"15% off\"}]}'",
                &RunPlaybooks);
RAPPORT_COMMAND("audience", "Export a segment, playbook or rule as a Klaviyo/Mailchimp/Omnisend CSV with a holdout",
                "rapport audience WORKSPACE SEGMENT_OR_PLAYBOOK_OR_RULE [--format klaviyo|mailchimp|omnisend]\n"
                "                 [--holdout 0.1] [--out FILE] [--holdout-out FILE] [--name NAME] [--json]\n\n"
                "  The holdout group (default settings.holdout_share) is drawn with the workspace seed and the\n"
                "  audience name, left out of FILE and written to FILE's stem + .holdout.csv.",
                &RunAudience);

}  // namespace rapport::cli
