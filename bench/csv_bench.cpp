// csv_bench FILE [--chunk MiB] [--runs N] [--split-ahead 1]: CsvReader throughput on one file held in memory.
//
// Reads FILE into memory once, then feeds it through CsvReader in chunks of --chunk MiB (default: the
// whole file in one Feed) with a sink that touches every field's size, --runs times (default 5), and
// prints one line:
//   file,bytes,records,fields,median_seconds,mb_per_s,median_cpu_seconds,cpu_mb_per_s
// MB/s is 10^6 bytes per second of the median run, timed with steady_clock. The CPU columns (std::clock,
// process CPU time) tell the reader's own speed apart from a busy machine's scheduling.
// --split-ahead 1 (with --chunk): each chunk is first split ahead (SplitRecordsAhead, as ParseAhead's waiting
// caller does, here in the same thread, the tables reused across runs), then fed with those records; a second
// line prints the CPU of the splits and of the feeds apart, and the share of records split ahead.
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
  bool split_ahead = false;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--chunk") == 0) chunk_mib = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--split-ahead") == 0) split_ahead = std::atoi(argv[i + 1]) != 0;
  }
  std::string bytes;
  if (!rapport::bench::ReadFile(path, &bytes)) {
    std::fprintf(stderr, "csv_bench: cannot open %s\n", path.c_str());
    return 1;
  }
  const size_t chunk = chunk_mib > 0 ? static_cast<size_t>(chunk_mib * 1024 * 1024) : bytes.size() + 1;

  std::vector<double> seconds, cpu_seconds, split_cpu;
  uint64_t split_records = 0;
  rapport::CsvRecords ahead;
  TouchSink last;
  for (int run = 0; run < runs; ++run) {
    TouchSink sink;
    rapport::CsvReader reader(path);
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    rapport::Status status;
    double split = 0;
    for (size_t at = 0; at < bytes.size() && status.ok(); at += chunk) {
      const std::string_view piece = std::string_view(bytes).substr(at, chunk);
      const rapport::CsvDialect* dialect = split_ahead ? reader.started_dialect() : nullptr;
      if (dialect != nullptr) {
        const std::clock_t s0 = std::clock();
        rapport::SplitRecordsAhead(piece, *dialect, reader.max_record_bytes(), &ahead);
        split += static_cast<double>(std::clock() - s0) / CLOCKS_PER_SEC;
      }
      status = reader.Feed(piece, &sink, dialect != nullptr ? &ahead : nullptr);
    }
    split_cpu.push_back(split);
    split_records = reader.records_split_ahead();
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
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu_seconds.begin(), cpu_seconds.end());
  const double median = seconds[seconds.size() / 2];
  const double median_cpu = std::max(cpu_seconds[cpu_seconds.size() / 2], 1e-9);
  const double megabytes = static_cast<double>(bytes.size()) / 1e6;
  std::printf("file,bytes,records,fields,median_seconds,mb_per_s,median_cpu_seconds,cpu_mb_per_s\n");
  std::printf("%s,%zu,%llu,%llu,%.4f,%.1f,%.4f,%.1f\n", path.c_str(), bytes.size(),
              static_cast<unsigned long long>(last.records), static_cast<unsigned long long>(last.fields), median,
              megabytes / median, median_cpu, megabytes / median_cpu);
  if (split_ahead) {
    std::sort(split_cpu.begin(), split_cpu.end());
    const double s = split_cpu[split_cpu.size() / 2];
    std::printf("split_ahead: split_cpu_seconds=%.4f feed_cpu_seconds=%.4f records_split_ahead=%.3f\n", s,
                median_cpu - s, last.records ? static_cast<double>(split_records) / last.records : 0.0);
  }
  return last.field_bytes == 0 && last.records > 0 ? 3 : 0;  // keeps the touch from being optimised away
}
