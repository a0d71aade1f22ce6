// import_bench FILE [runs]: the whole CSV -> ImportBatch path (ParseSession: UTF-8 check, CsvReader,
// detection, importer) over a file held in memory, fed in 4 MiB chunks as the dashboard's worker does, and
// taken in slices as the engine takes them (after each chunk, TakeSlice with Engine::kImportSliceOrders, into
// one reused batch: the engine's inline mode; its threaded mode keeps one more slice): by their rows for the
// importers whose rows are final when read (Shopify orders and customers, generic transactions without an order
// column, reviews, tickets, surveys), by their issues alone for the others; nothing is merged.
// Prints the first run of the process (cold: its batch is new memory, page-faulted as it fills, as in a real
// import, which is one run) and the median of `runs` (default 5) runs, in MB/s and records/s, with the minor
// page faults of each. Results go in bench/RESULTS.md.
// With `repeat_mb`, the file's body (every line after the header) is repeated in memory until the input
// reaches that many MB -- how the small platform fixtures are enlarged (nothing is written to disk).
//
//   python3 bench/make_alphapaw_100x.py > /tmp/alphapaw_100x.csv
//   build/bench/import_bench /tmp/alphapaw_100x.csv
//   build/bench/import_bench tests/fixtures/import/bigcommerce_orders.csv 5 50
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "core/api/engine.h"
#include "core/import/parse.h"
#include "bench/read_file.h"
#include "bench/stats.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: import_bench FILE [runs]\n");
    return 2;
  }
  std::string bytes;
  if (!rapport::bench::ReadFile(argv[1], &bytes)) {
    std::fprintf(stderr, "import_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const double repeat_mb = argc > 3 ? std::atof(argv[3]) : 0;
  if (repeat_mb > 0) {
    // The header is the first line (the fixtures have no line breaks inside header cells).
    const size_t header_end = bytes.find('\n');
    if (header_end == std::string::npos) {
      std::fprintf(stderr, "import_bench: %s has no body to repeat\n", argv[1]);
      return 1;
    }
    const std::string body = bytes.substr(header_end + 1);
    const size_t target = static_cast<size_t>(repeat_mb * 1e6);
    bytes.reserve(target + body.size());
    while (bytes.size() < target && !body.empty()) bytes += body;
  }
  constexpr size_t kChunk = 4u << 20;

  const auto minor_faults = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<long long>(usage.ru_minflt);
  };
  std::vector<double> seconds, cpu_seconds;
  std::vector<long long> faults;
  uint64_t records = 0, orders = 0, issues = 0;
  std::string format;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    const long long faults_start = minor_faults();
    rapport::ParseSession session(argv[1], {});
    session.ExpectBytes(bytes.size());  // as the engine does with the file's size
    rapport::ImportBatch slice;
    uint64_t sliced_orders = 0, sliced_issues = 0;
    for (size_t i = 0; i < bytes.size(); i += kChunk) {
      rapport::Status st = session.Feed(std::string_view(bytes).substr(i, kChunk));
      if (!st.ok()) {
        std::fprintf(stderr, "import_bench: %s\n", st.ToString().c_str());
        return 1;
      }
      if (session.TakeSlice(rapport::Engine::kImportSliceOrders, &slice)) {
        sliced_orders += slice.orders.key.size();
        sliced_issues += slice.issues.size();
      }
    }
    rapport::Result<rapport::ImportBatch> batch = session.Finish();
    const auto end = std::chrono::steady_clock::now();
    cpu_seconds.push_back(double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    faults.push_back(minor_faults() - faults_start);
    if (!batch.ok()) {
      std::fprintf(stderr, "import_bench: %s\n", batch.status().ToString().c_str());
      return 1;
    }
    seconds.push_back(std::chrono::duration<double>(end - start).count());
    records = batch->rows_read;
    orders = sliced_orders + batch->orders.key.size();
    issues = sliced_issues + batch->issues.size();
    format = session.detected() ? session.detected()->format : "?";
  }
  const double cold = seconds.front(), cpu_cold = cpu_seconds.front();
  const long long cold_faults = faults.front();
  const double median = rapport::bench::Median(seconds);
  const double cpu_median = rapport::bench::Median(cpu_seconds);
  const auto [least, most] = std::minmax_element(seconds.begin(), seconds.end());
  const double mb = bytes.size() / 1e6;
  std::printf("file=%s format=%s bytes=%zu records=%llu orders=%llu issues=%llu runs=%d\n", argv[1], format.c_str(),
              bytes.size(), static_cast<unsigned long long>(records), static_cast<unsigned long long>(orders),
              static_cast<unsigned long long>(issues), runs);
  std::printf("cold %.3f s  %.1f MB/s  cpu %.3f s  %.1f MB/s  (first run of the process, %lld page faults)\n", cold,
              mb / cold, cpu_cold, mb / cpu_cold, cold_faults);
  std::printf("median %.3f s  %.1f MB/s  %.0f records/s  (min %.3f s, max %.3f s)\n", median, mb / median,
              records / median, *least, *most);
  // On a loaded machine wall time overstates the cost; the process CPU time is printed beside it.
  std::printf("cpu median %.3f s  %.1f MB/s  (%.0f page faults)\n", cpu_median, mb / cpu_median,
              rapport::bench::Median(faults));
  return 0;
}
