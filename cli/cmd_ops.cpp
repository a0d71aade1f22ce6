// `rapport ops` lists the engine's report ops; `rapport call WS.rapport JSON` runs one and prints the reply,
// byte for byte what the dashboard's worker receives from rp_call (wasm-bindings/PROTOCOL.md).
#include <cstdio>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/ops.h"

namespace rapport::cli {
namespace {

int RunOps(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("ops: takes no arguments");
  for (const OpInfo& op : Ops()) std::printf("%-16s %s\n", op.name, op.summary);
  return 0;
}

int RunCall(const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("call: expected WS.rapport and a JSON request, e.g. '{\"op\":\"kpis\"}'");
  auto engine = Engine::OpenFile(args[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  const std::string reply = (*engine)->Call(args[1]);
  std::printf("%s\n", reply.c_str());
  return reply.rfind("{\"ok\":true", 0) == 0 ? 0 : 1;
}

RAPPORT_COMMAND("ops", "List the engine's report ops (the requests `call` and the dashboard send)",
                "Usage: rapport ops\n\nLists every op of Engine::Call with a one-line description.", &RunOps);
RAPPORT_COMMAND("call", "Run one engine op on a workspace and print its JSON reply",
                "Usage: rapport call WS.rapport '{\"op\":\"kpis\",\"as_of\":\"2023-05-31\"}'\n\n"
                "Prints exactly the reply the dashboard's worker gets ({\"ok\":true,\"result\":...} or\n"
                "{\"ok\":false,\"error\":{...}}) and exits non-zero on an error reply. `rapport ops` lists the ops.",
                &RunCall);

}  // namespace
}  // namespace rapport::cli
