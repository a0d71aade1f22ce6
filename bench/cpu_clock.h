// CpuSeconds(): the CPU seconds this process has used, for benchmarks on a shared machine, where wall time
// includes waiting for a core. Natively std::clock() (this process, all threads). Under Emscripten std::clock()
// is wall time, so the wasm build asks Node instead: process.cpuUsage() (user + system of the Node process; it
// includes V8's own helper threads, e.g. the garbage collector, so it is an upper bound for the wasm code).
// ThreadCpuSeconds(): the calling thread's CPU seconds natively (CLOCK_THREAD_CPUTIME_ID), so that a benchmark
// with a second thread can split the process's time between them; CpuSeconds() where there is no such clock
// (WebAssembly, which has one thread here).
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

inline double ThreadCpuSeconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID) && !defined(__EMSCRIPTEN__)
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0) return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
#endif
  return CpuSeconds();
}

}  // namespace rapport::bench
