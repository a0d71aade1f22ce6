// dashboard_ops_bench WORKSPACE.rapport [--only op,op,...] [--steps]: the engine ops the dashboard's pages send, natively, on
// a real workspace (issue 8 "Speed" at 1,000,000 customers), to see where the time of each page goes without a
// browser. The file is read into memory and opened as an image (Engine::OpenImage, as the worker does), so the
// workspace file is never written. Each request runs twice: the first call (what a first session waits for,
// including the engine's cached structures it builds) and the second (the cache warm). Then a settings change
// (churn window) and the requests of the overview and the funnel after it. Prints wall and CPU milliseconds and
// the reply size per request. --steps: the first call runs a step at a time as the worker runs it
// (Engine::CallStep, core/api/cache.h), and the row adds the number of steps, the longest step's CPU ms and each
// step's: what the page on screen may wait for behind another page's op. Results: bench/RESULTS.md ("The
// dashboard with 1,000,000 customers loaded").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/api/engine.h"
#include "bench/read_file.h"

using namespace rapport;

namespace {

struct Timing {
  double wall_ms = 0, cpu_ms = 0;
  size_t bytes = 0;
  bool ok = false;
  int steps = 0;
  double longest_step_cpu_ms = 0;
  std::string step_cpu_ms;  // each step's CPU ms, in order
};

// The request a step at a time until it replies (Engine::CallStep); the totals and the longest step.
Timing TimeSteps(Engine& engine, const std::string& request) {
  Timing t;
  std::string reply;
  const auto t0 = std::chrono::steady_clock::now();
  do {
    const std::clock_t c0 = std::clock();
    reply = engine.CallStep(request);
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    t.cpu_ms += cpu_ms;
    t.longest_step_cpu_ms = std::max(t.longest_step_cpu_ms, cpu_ms);
    t.step_cpu_ms += (t.steps ? " " : "") + std::to_string(static_cast<long>(cpu_ms + 0.5));
    ++t.steps;
  } while (reply == R"({"ok":true,"pending":true})");
  t.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  t.bytes = reply.size();
  t.ok = reply.compare(0, 10, "{\"ok\":true") == 0;
  if (!t.ok) std::fprintf(stderr, "  %s -> %.300s\n", request.c_str(), reply.c_str());
  return t;
}

Timing Time(Engine& engine, const std::string& request) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  const std::string reply = engine.Call(request);
  Timing t;
  t.cpu_ms = 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  t.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  t.bytes = reply.size();
  t.ok = reply.compare(0, 10, "{\"ok\":true") == 0;
  if (!t.ok) std::fprintf(stderr, "  %s -> %.300s\n", request.c_str(), reply.c_str());
  return t;
}

void Row(const char* page, const std::string& request, const Timing& first, const Timing& second) {
  std::printf("%-12s %-70s %9.0f %9.0f %9.0f %9.0f %10zu", page, request.substr(0, 70).c_str(), first.wall_ms,
              first.cpu_ms, second.wall_ms, second.cpu_ms, first.bytes);
  if (first.steps > 0) std::printf(" %5d %9.0f  [%s]", first.steps, first.longest_step_cpu_ms, first.step_cpu_ms.c_str());
  std::printf("%s\n", first.ok ? "" : "  ERROR");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dashboard_ops_bench WORKSPACE.rapport [--only op,op]\n");
    return 2;
  }
  std::string only;
  bool steps = false;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--only" && i + 1 < argc) only = "," + std::string(argv[i + 1]) + ",";
    if (std::string(argv[i]) == "--steps") steps = true;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::string bytes;
  if (!rapport::bench::ReadFile(argv[1], &bytes)) {
    std::fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  auto opened = Engine::OpenImage(bytes);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], opened.status().message().c_str());
    return 1;
  }
  Engine& engine = **opened;
  std::printf("opened %s (%.2f GiB, %zu customers, %zu orders) in %.1f s\n", argv[1], bytes.size() / 1073741824.0,
              engine.workspace().customers.size(), engine.workspace().orders.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  // The requests of each page, in the order the page sends them (web/src/views/*.ts).
  const std::vector<std::pair<const char*, std::string>> requests = {
      {"overview", R"({"op":"kpis"})"},
      {"overview", R"({"op":"cohorts"})"},
      {"overview", R"({"op":"funnel"})"},
      {"overview", R"({"op":"playbooks","limit":0,"due_before":"+7d"})"},
      {"customers", R"({"op":"segment","rule":"orders >= 2","limit":100,"first":true})"},
      {"customers", R"({"op":"segment","rule":"orders >= 2","limit":100})"},
      {"customers", R"({"op":"segment","rule":"orders >= 2","limit":100,"offset":5000})"},
      {"customers", R"({"op":"segment","rule":"orders >= 2","limit":100,"sort":"net_spend","desc":true})"},
      {"cohorts", R"({"op":"cohorts"})"},
      {"funnel", R"({"op":"funnel_flow"})"},
      {"rfm", R"({"op":"rfm"})"},
      {"predictions", R"({"op":"fit","model":"auto"})"},
      {"predictions", R"({"op":"predictions","model":"bgnbd","offset":0,"limit":500,"sort":"clv","desc":true})"},
      {"predictions", R"({"op":"validation","model":"bgnbd"})"},
      {"products", R"({"op":"products","part":"first_product"})"},
      {"products", R"({"op":"products","part":"replenishment"})"},
      {"products", R"({"op":"products"})"},
      {"segments", R"({"op":"segments"})"},
      {"playbooks", R"({"op":"playbooks","limit":50,"due_before":"+7d"})"},
      {"playbooks", R"({"op":"playbooks","limit":50,"due_before":"+7d","offset":50})"},
      {"widget", R"({"op":"widget_model","min_pairs":3,"file":false})"},
      {"settings", R"({"op":"settings_get"})"},
  };
  std::printf("%-12s %-70s %9s %9s %9s %9s %10s%s\n", "page", "request", "1st wall", "1st CPU", "2nd wall", "2nd CPU",
              "bytes", steps ? " steps longest" : "");
  for (const auto& [page, request] : requests) {
    const std::string op = request.substr(7, request.find('"', 7) - 7);
    if (!only.empty() && only.find("," + op + ",") == std::string::npos) continue;
    const Timing first = steps ? TimeSteps(engine, request) : Time(engine, request);
    const Timing second = Time(engine, request);
    Row(page, request, first, second);
  }
  if (!only.empty()) return 0;
  // A settings change, then the overview's KPIs and the funnel page.
  const Timing set = Time(engine, R"({"op":"settings_set","settings":{"churn_window_days":120}})");
  Row("settings", "settings_set churn_window_days 120", set, set);
  for (const std::string request : {R"({"op":"kpis"})", R"({"op":"funnel"})", R"({"op":"funnel_flow"})"}) {
    const Timing first = steps ? TimeSteps(engine, request) : Time(engine, request);
    const Timing second = Time(engine, request);
    Row("after", request, first, second);
  }
  return 0;
}
