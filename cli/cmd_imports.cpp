// rapport imports (the import history) and rapport rejects (one import's rejected rows).
#include <cstdio>
#include <fstream>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"

namespace rapport::cli {
namespace {

Result<std::unique_ptr<Engine>> OpenExisting(const std::string& path) {
  if (!std::ifstream(path)) return NotFound(path + ": no such workspace");
  return Engine::OpenFile(path);
}

int RunImports(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {}, {"json"}, &args, "imports")) return 2;
  if (args.positional.size() != 1) return Fail("imports: expected one workspace");
  auto engine = OpenExisting(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Json reply = Json::parse((*engine)->Call(R"({"op":"imports"})"));
  if (!reply["ok"].get<bool>()) return Fail(reply["error"]["message"].get<std::string>());
  const Json& list = reply["result"]["imports"];
  if (args.Has("json")) {
    std::printf("%s\n", Dump(reply["result"], 2).c_str());
    return 0;
  }
  std::printf("%4s  %-20s  %-22s  %8s  %8s  %8s  %s\n", "id", "imported at", "format", "accepted", "rejected", "orders+", "file");
  for (const Json& r : list) {
    std::printf("%4lld  %-20s  %-22s  %8llu  %8llu  %8llu  %s\n", static_cast<long long>(r["id"].get<int64_t>()),
                r["imported_at"].get<std::string>().c_str(), r["format"].get<std::string>().c_str(),
                static_cast<unsigned long long>(r["rows_accepted"].get<uint64_t>()),
                static_cast<unsigned long long>(r["rows_rejected"].get<uint64_t>()),
                static_cast<unsigned long long>(r["orders_added"].get<uint64_t>()), r["file_name"].get<std::string>().c_str());
  }
  return 0;
}

int RunRejects(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {}, {"csv", "json", "all"}, &args, "rejects")) return 2;
  if (args.positional.size() != 2) return Fail("rejects: expected a workspace and an import id (see rapport imports)");
  int64_t id = 0;
  try {
    id = std::stoll(args.positional[1]);
  } catch (...) {
    return Fail("rejects: `" + args.positional[1] + "`: expected an import id (a number, see rapport imports)");
  }
  auto engine = OpenExisting(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Json request{{"op", "import_issues"}, {"import_id", id}, {"rejected_only", !args.Has("all")}};
  if (args.Has("csv")) request["format"] = "csv";
  Json reply = Json::parse((*engine)->Call(Dump(request)));
  if (!reply["ok"].get<bool>()) return Fail(reply["error"]["message"].get<std::string>());
  const Json& result = reply["result"];
  if (args.Has("csv")) {
    std::fputs(result["csv"].get<std::string>().c_str(), stdout);
  } else if (args.Has("json")) {
    std::printf("%s\n", Dump(result, 2).c_str());
  } else {
    const std::string file = result["file_name"].get<std::string>();
    for (const Json& x : result["issues"]) {
      std::printf("%s:%llu:%llu: %s%s\n", file.c_str(), static_cast<unsigned long long>(x["line"].get<uint64_t>()),
                  static_cast<unsigned long long>(x["column"].get<uint64_t>()), x["rejected"].get<bool>() ? "" : "warning: ",
                  x["message"].get<std::string>().c_str());
    }
  }
  return 0;
}

int RunRemoveImport(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {}, {}, &args, "remove-import")) return 2;
  if (args.positional.size() != 2) return Fail("remove-import: expected a workspace and an import id (see rapport imports)");
  uint32_t id = 0;
  try {
    id = static_cast<uint32_t>(std::stoul(args.positional[1]));
  } catch (...) {
    return Fail("remove-import: `" + args.positional[1] + "`: expected an import id (a number, see rapport imports)");
  }
  auto engine = OpenExisting(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Status s = (*engine)->RemoveImport(id);
  if (!s.ok()) return Fail(s.message());
  const Workspace& w = (*engine)->workspace();
  std::printf("removed import #%u; the workspace now holds %zu orders, %zu customers, %zu imports\n", id, w.orders.size(),
              w.customers.size(), w.imports.size());
  return 0;
}

}  // namespace

RAPPORT_COMMAND("remove-import", "Remove one import and every row it added",
                "Usage: rapport remove-import WORKSPACE.rapport IMPORT_ID\n\n"
                "Deletes the import's orders, lines, reviews, tickets, surveys and rejected rows, and the customers\n"
                "and products it created that no other import refers to, in one transaction.",
                &RunRemoveImport);
RAPPORT_COMMAND("imports", "The import history of a workspace",
                "Usage: rapport imports WORKSPACE.rapport [--json]", &RunImports);
RAPPORT_COMMAND("rejects", "The rejected rows of one import (file:line:col: reason, or CSV)",
                "Usage: rapport rejects WORKSPACE.rapport IMPORT_ID [--csv | --json] [--all]\n\n"
                "--csv prints line,column,field,code,message,raw_row; --all adds the warnings on accepted rows.",
                &RunRejects);

}  // namespace rapport::cli
