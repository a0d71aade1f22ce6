// csv_bench FILE [--chunk MiB] [--runs N] [--masks 1]: CsvReader throughput on one file held in memory.
//
// Reads FILE into memory once, then feeds it through CsvReader in chunks of --chunk MiB (default: the
// whole file in one Feed) with a sink that touches every field's size, --runs times (default 5), and
// prints one line:
//   file,bytes,records,fields,median_seconds,mb_per_s,median_cpu_seconds,cpu_mb_per_s
// MB/s is 10^6 bytes per second of the median run, timed with steady_clock. The CPU columns (std::clock,
// process CPU time) tell the reader's own speed apart from a busy machine's scheduling.
// --masks 1 (with --chunk): each chunk's structural masks are found first (CsvStructuralMasks, as ParseAhead's
// caller finds them for its parse thread) and handed to the reader (its first chunk, the sniffed head, goes
// without: as in ParseAhead, the dialect is not known before it); the line above then times the reader alone,
// and a second line the masks' finding, median CPU: `masks,median_cpu_seconds`.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/io/csv/reader.h"
#include "bench/read_file.h"
#include "bench/stats.h"

namespace {

struct TouchSink : rapport::RecordSink {
  uint64_t records = 0;
  uint64_t fields = 0;
  uint64_t field_bytes = 0;
  bool OnRecord(const rapport::CsvRecord& record) override {
    ++records;
    fields += record.size();
    for (size_t i = 0; i < record.size(); ++i) field_bytes += record[i].size();
    return true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: csv_bench FILE [--chunk MiB] [--runs N]\n");
    return 2;
  }
  const std::string path = argv[1];
  double chunk_mib = 0;  // 0: the whole file at once
  int runs = 5;
  bool masks = false;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--masks") == 0) masks = std::atoi(argv[i + 1]) != 0;
    if (std::strcmp(argv[i], "--chunk") == 0) chunk_mib = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  std::string bytes;
  if (!rapport::bench::ReadFile(path, &bytes)) {
    std::fprintf(stderr, "csv_bench: cannot open %s\n", path.c_str());
    return 1;
  }
  const size_t chunk = chunk_mib > 0 ? static_cast<size_t>(chunk_mib * 1024 * 1024) : bytes.size() + 1;

  std::vector<double> seconds, cpu_seconds, masks_cpu_seconds;
  std::vector<std::vector<uint64_t>> chunk_masks((bytes.size() + chunk - 1) / chunk);
  const rapport::CsvDialect dialect = rapport::SniffDialect(std::string_view(bytes).substr(0, 64 << 10));
  TouchSink last;
  for (int run = 0; run < runs; ++run) {
    if (masks) {
      const std::clock_t masks_start = std::clock();
      for (size_t at = chunk, k = 1; at < bytes.size(); at += chunk, ++k) {
        rapport::CsvStructuralMasks(std::string_view(bytes).substr(at, chunk), dialect, &chunk_masks[k]);
      }
      masks_cpu_seconds.push_back(static_cast<double>(std::clock() - masks_start) / CLOCKS_PER_SEC);
    }
    TouchSink sink;
    rapport::CsvReader reader(path);
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    rapport::Status status;
    for (size_t at = 0, k = 0; at < bytes.size() && status.ok(); at += chunk, ++k) {
      const std::string_view piece = std::string_view(bytes).substr(at, chunk);
      if (masks && !chunk_masks[k].empty()) {
        rapport::CsvReader::Masks given;
        given.bits = chunk_masks[k].data();
        given.dialect = dialect;
        status = reader.Feed(piece, &sink, given);
      } else {
        status = reader.Feed(piece, &sink);
      }
    }
    if (status.ok()) status = reader.Finish(&sink);
    const auto stop = std::chrono::steady_clock::now();
    const std::clock_t cpu_stop = std::clock();
    if (!status.ok()) {
      std::fprintf(stderr, "csv_bench: %s\n", status.ToString().c_str());
      return 1;
    }
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
    cpu_seconds.push_back(static_cast<double>(cpu_stop - cpu_start) / CLOCKS_PER_SEC);
    last = sink;
  }
  const double median = rapport::bench::Median(seconds);
  const double median_cpu = std::max(rapport::bench::Median(cpu_seconds), 1e-9);
  const double megabytes = static_cast<double>(bytes.size()) / 1e6;
  std::printf("file,bytes,records,fields,median_seconds,mb_per_s,median_cpu_seconds,cpu_mb_per_s\n");
  std::printf("%s,%zu,%llu,%llu,%.4f,%.1f,%.4f,%.1f\n", path.c_str(), bytes.size(),
              static_cast<unsigned long long>(last.records), static_cast<unsigned long long>(last.fields), median,
              megabytes / median, median_cpu, megabytes / median_cpu);
  if (masks) {
    std::printf("masks,%.4f\n", rapport::bench::Median(masks_cpu_seconds));
  }
  return last.field_bytes == 0 && last.records > 0 ? 3 : 0;  // keeps the touch from being optimised away
}
