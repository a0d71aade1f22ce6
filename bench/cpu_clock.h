// CpuSeconds(): the CPU seconds this process has used, for benchmarks on a shared machine, where wall time
// includes waiting for a core. Natively std::clock() (this process, all threads). Under Emscripten std::clock()
// is wall time, so the wasm build asks Node instead: process.cpuUsage() (user + system of the Node process; it
// includes V8's own helper threads, e.g. the garbage collector, so it is an upper bound for the wasm code).
// ThreadCpuSeconds(): the calling thread's CPU seconds natively (CLOCK_THREAD_CPUTIME_ID), so that a benchmark
// with a second thread can split the process's time between them; CpuSeconds() where there is no such clock
// (WebAssembly, which has one thread here).
// UserSys(who): user and system seconds and minor faults apart (getrusage; RUSAGE_SELF: the process,
// RUSAGE_THREAD: the calling thread), to tell the work from the kernel's (first-touched pages); all 0 where
// there is no getrusage (WebAssembly).
#pragma once

#include <ctime>
#if !defined(__EMSCRIPTEN__) && defined(__linux__)
#include <sys/resource.h>
#endif

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

struct UserSys {
  double user_s = 0, sys_s = 0;
  long minor_faults = 0;
  UserSys operator-(const UserSys& o) const { return {user_s - o.user_s, sys_s - o.sys_s, minor_faults - o.minor_faults}; }
};

enum class Who { kProcess, kThread };

inline UserSys UsageOf(Who who) {
  UserSys r;
#if !defined(__EMSCRIPTEN__) && defined(__linux__)
  rusage u{};
  if (getrusage(who == Who::kThread ? RUSAGE_THREAD : RUSAGE_SELF, &u) == 0) {
    r.user_s = static_cast<double>(u.ru_utime.tv_sec) + u.ru_utime.tv_usec * 1e-6;
    r.sys_s = static_cast<double>(u.ru_stime.tv_sec) + u.ru_stime.tv_usec * 1e-6;
    r.minor_faults = u.ru_minflt;
  }
#else
  (void)who;
#endif
  return r;
}

}  // namespace rapport::bench
