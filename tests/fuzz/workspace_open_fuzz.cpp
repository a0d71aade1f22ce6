// libFuzzer target for opening a workspace (STYLE §10): any bytes as a .rapport image. Opening must either
// fail with a Status (kCorrupt for damage, kInvalidArgument for a newer version) or give an engine whose
// reports answer without crashing. Replayed over tests/fuzz/corpus/workspace_open_fuzz/ in every test run;
// the seeds are a small valid workspace and damaged copies of it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/api/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto engine = rapport::Engine::OpenImage(bytes);
  if (!engine.ok()) {
    const rapport::StatusCode code = engine.status().code();
    if (code != rapport::StatusCode::kCorrupt && code != rapport::StatusCode::kInvalidArgument &&
        code != rapport::StatusCode::kIoError) {
      std::fprintf(stderr, "unexpected status: %s\n", engine.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  for (const char* request : {R"({"op":"info"})", R"({"op":"kpis"})", R"({"op":"imports"})",
                              R"({"op":"import_issues","import_id":1,"format":"csv"})"}) {
    const std::string reply = (*engine)->Call(request);
    if (reply.empty() || reply[0] != '{') std::abort();
  }
  // The image serialises again.
  if (!(*engine)->SerializeImage().ok()) std::abort();
  return 0;
}
