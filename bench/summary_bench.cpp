// The path PEERS.md compares with DuckDB: CSV bytes -> normalised columns -> per-customer summary
// (first and last order, order count, net revenue), the file already in memory.
//   summary_bench FILE [--runs N] [--chunk-mib M] [--threads 1|2]
// Each run: the bytes in chunks through ParseAhead, merged into an empty Workspace in slices of
// Engine::kImportSliceOrders orders as the engine does (parse_s is the run minus the merge time, merge_s the
// time inside MergeSlice) -> BuildCustomerFacts. Prints the median, MB/s and the summary's totals (to check
// against DuckDB's). --threads 2 parses on a second thread while the caller merges, as the native engine
// imports (core/api/parse_ahead.h); then parse_s and the CPU split mean little (both threads run at once):
// read the run's wall time and process CPU, and the split by thread (caller_cpu_s: the caller's thread, which
// merges; ahead_cpu_s: the rest of the process, i.e. the parse thread; caller_share: the chunks the caller's
// thread hashed; masked_share: those whose CSV structural bytes it also found for the parse thread), and
// where the two threads were not both busy (waits: ParseAhead::waits()). The `usage` line splits user and
// system time (getrusage: the process, and the caller's thread), medians of the runs.
// WebAssembly has one thread: --threads 2 runs as 1 there.
// The same source builds natively and as wasm under Node (NODERAWFS), so the two are compared directly.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "bench/cpu_clock.h"
#include "bench/stats.h"
#include "bench/read_file.h"
#include "core/api/engine.h"
#include "core/api/parse_ahead.h"
#include "core/workspace/merge.h"

using namespace rapport;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: summary_bench FILE [--runs N] [--chunk-mib M] [--threads 1|2]\n");
    return 2;
  }
  int runs = 5;
  size_t chunk = 4u << 20;
  int threads = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--chunk-mib")) chunk = size_t(std::atoi(argv[i + 1])) << 20;
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  std::string bytes;
  if (!rapport::bench::ReadFile(argv[1], &bytes)) {
    std::fprintf(stderr, "summary_bench: cannot open %s\n", argv[1]);
    return 1;
  }

  std::vector<double> parse_s, merge_s, facts_s, total_s, cpu_s, parse_cpu_s, merge_cpu_s, caller_cpu_s, ahead_cpu_s;
  std::vector<double> first_slice_s, caller_wait_s, parser_wait_s, tail_s;
  std::vector<double> user_s, sys_s, faults, caller_user_s, caller_sys_s;
  size_t customers = 0, orders = 0;
  int used_threads = 1;
  int64_t net = 0;
  uint64_t chunks = 0, caller_hashed = 0, caller_masked = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = std::chrono::steady_clock::now();
    const double c0 = bench::CpuSeconds();
    const double caller0 = bench::ThreadCpuSeconds();
    const bench::UserSys usage0 = bench::UsageOf(bench::Who::kProcess);
    const bench::UserSys caller_usage0 = bench::UsageOf(bench::Who::kThread);
    // As the engine imports (core/api/engine.cpp): slices merged while the file streams.
    ParseAhead ahead(argv[1], ImportOptions{}, bytes.size(), Engine::kImportSliceOrders,
                     threads >= 2 ? ParseAhead::kThreaded : ParseAhead::kInline);
    used_threads = ahead.threaded() ? 2 : 1;
    Workspace ws;
    MergeTotals totals;
    double merge_wall = 0;
    double merge_cpu = 0;
    double first_slice = -1;
    auto merge = [&](const ImportBatch& b) {
      const auto m0 = std::chrono::steady_clock::now();
      if (first_slice < 0) first_slice = std::chrono::duration<double>(m0 - t0).count();
      const double mc0 = bench::CpuSeconds();
      MergeSlice(b, 1, &ws, &totals);
      merge_cpu += bench::CpuSeconds() - mc0;
      merge_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
    };
    auto sink = [&](const ImportBatch& slice, uint64_t bytes_consumed) {
      totals.ExpectFromBytes(slice.orders.key.size(), bytes_consumed, bytes.size());  // as the engine does
      merge(slice);
      return Status::Ok();
    };
    for (size_t off = 0; off < bytes.size(); off += chunk) {
      Status s = ahead.Feed(std::string_view(bytes).substr(off, chunk), sink);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
    }
    Result<ImportBatch> batch = ahead.Finish(sink);
    const auto finished = std::chrono::steady_clock::now();
    chunks += (bytes.size() + chunk - 1) / chunk;
    caller_hashed += ahead.chunks_hashed_by_caller();
    caller_masked += ahead.chunks_masked_by_caller();
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
      return 1;
    }
    const ParseAhead::Waits waits = ahead.waits();
    merge(*batch);
    ImportRecord record;
    FinishMerge(*batch, totals, 1, &ws, &record);
    auto t2 = std::chrono::steady_clock::now();
    const double c2 = bench::CpuSeconds();
    const auto t1 = t2 - std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(merge_wall));
    const double c1 = c2 - merge_cpu;
    CustomerFacts facts = BuildCustomerFacts(ws, kNoDay, kNoId);
    auto t3 = std::chrono::steady_clock::now();
    const double c3 = bench::CpuSeconds();
    const double caller = bench::ThreadCpuSeconds() - caller0;
    const bench::UserSys usage = bench::UsageOf(bench::Who::kProcess) - usage0;
    const bench::UserSys caller_usage = bench::UsageOf(bench::Who::kThread) - caller_usage0;
    user_s.push_back(usage.user_s);
    sys_s.push_back(usage.sys_s);
    faults.push_back(static_cast<double>(usage.minor_faults));
    caller_user_s.push_back(caller_usage.user_s);
    caller_sys_s.push_back(caller_usage.sys_s);
    cpu_s.push_back(c3 - c0);
    first_slice_s.push_back(first_slice);
    caller_wait_s.push_back(waits.caller_s);
    parser_wait_s.push_back(waits.parser_s);
    tail_s.push_back(waits.tail_s + std::chrono::duration<double>(t3 - finished).count());
    caller_cpu_s.push_back(caller);
    ahead_cpu_s.push_back(std::max(0.0, c3 - c0 - caller));
    parse_cpu_s.push_back(c1 - c0);
    merge_cpu_s.push_back(c2 - c1);
    customers = facts.customers_with_orders;
    orders = facts.identified_orders + facts.guest_orders;
    net = facts.identified_net_cents + facts.guest_net_cents;
    parse_s.push_back(std::chrono::duration<double>(t1 - t0).count());
    merge_s.push_back(std::chrono::duration<double>(t2 - t1).count());
    facts_s.push_back(std::chrono::duration<double>(t3 - t2).count());
    total_s.push_back(std::chrono::duration<double>(t3 - t0).count());
  }
  const double t = bench::Median(total_s);
  std::printf(
      "summary_bench file=%s bytes=%zu runs=%d threads=%d median_s=%.3f mb_per_s=%.0f parse_s=%.3f merge_s=%.3f facts_s=%.3f "
      "customers=%zu valid_orders=%zu net=%.2f\n",
      argv[1], bytes.size(), runs, used_threads, t, bytes.size() / 1e6 / t, bench::Median(parse_s),
      bench::Median(merge_s), bench::Median(facts_s), customers, orders, net / 100.0);
  // On a machine shared with other work the wall time overstates the cost; process CPU time beside it
  // (bench/cpu_clock.h: std::clock natively, Node's process.cpuUsage in wasm).
  const double c = bench::Median(cpu_s);
  std::printf("summary_bench cpu median_s=%.3f mb_per_s=%.0f parse_cpu_s=%.3f merge_cpu_s=%.3f caller_cpu_s=%.3f ahead_cpu_s=%.3f\n",
              c, bytes.size() / 1e6 / c, bench::Median(parse_cpu_s), bench::Median(merge_cpu_s),
              bench::Median(caller_cpu_s), bench::Median(ahead_cpu_s));
  // User and system time apart (getrusage, natively; 0 in wasm): the system time is mostly first-touched pages
  // being zeroed (bench/RESULTS.md, "What a cold run costs on this machine"); caller_*: the caller's thread.
  std::printf("summary_bench usage user_s=%.3f sys_s=%.3f minor_faults=%.0f caller_user_s=%.3f caller_sys_s=%.3f\n",
              bench::Median(user_s), bench::Median(sys_s), bench::Median(faults), bench::Median(caller_user_s),
              bench::Median(caller_sys_s));
  // Two threads: the share of the chunks the caller's thread hashed (and checked for ASCII); the parse thread did the rest.
  if (used_threads == 2) {
    std::printf("summary_bench hash caller_share=%.3f masked_share=%.3f\n",
                chunks ? static_cast<double>(caller_hashed) / chunks : 0.0,
                chunks ? static_cast<double>(caller_masked) / chunks : 0.0);
    // Where the wall time is more than the longer thread's work: the caller's wait for the first slice
    // (first_slice_s, from the run's start), each thread's waits for the other in all (the caller's include that
    // first one), and the tail after the parse thread ended (the last merges, the summary).
    std::printf("summary_bench waits first_slice_s=%.3f caller_s=%.3f parse_s=%.3f tail_s=%.3f\n",
                bench::Median(first_slice_s), bench::Median(caller_wait_s), bench::Median(parser_wait_s),
                bench::Median(tail_s));
  }
  return 0;
}
