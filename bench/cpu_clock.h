// CpuSeconds(): the CPU seconds this process has used, for benchmarks on a shared machine, where wall time
// includes waiting for a core. Natively std::clock() (this process, all threads). Under Emscripten std::clock()
// is wall time, so the wasm build asks Node instead: process.cpuUsage() (user + system of the Node process; it
// includes V8's own helper threads, e.g. the garbage collector, so it is an upper bound for the wasm code).
#pragma once

#include <ctime>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// clang-format off
EM_JS(double, rapport_bench_cpu_seconds, (), {
  if (typeof process === 'undefined' || !process.cpuUsage) return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
});
// clang-format on
#endif

namespace rapport::bench {

inline double CpuSeconds() {
#ifdef __EMSCRIPTEN__
  return rapport_bench_cpu_seconds();
#else
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
#endif
}

}  // namespace rapport::bench
