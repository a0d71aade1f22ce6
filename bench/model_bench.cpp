// Model-fit benchmark against lifetimes 0.11.3 (PEERS.md §1), on the same inputs:
//   1. the published CDNOW calibration summary (2,357 customers, weeks);
//   2. the CDNOW master full-period summary (as_of 1998-06-30, weeks; 23,570 customers) replicated 1×, 10× and
//      100× (2,357,000 customers).
// Each timed run: weighted patterns -> BG/NBD fit (BFGS, analytic gradient) with SEs -> every customer's
// P(alive) and E[X(39) | x, t_x, T]; then the same with Pareto/NBD. Median of N runs; peak RSS (getrusage)
// after each size. Prints the ratios to lifetimes' times (lifetimes' Pareto/NBD times have no SEs).
//   model_bench DATA_DIR [--runs N]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/model/fit.h"
#include "core/model/predict.h"
#include "core/model/summary.h"
#include "core/util/date.h"
#include "core/util/text.h"

using namespace rapport;
using namespace rapport::model;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux: KiB
}

// Wall-clock seconds of f; *cpu (when given) receives the process CPU seconds it used. On a shared machine
// (PEERS.md measured "with other work running beside it") the CPU time is the steadier number.
double Seconds(const std::function<void()>& f, double* cpu = nullptr) {
  const std::clock_t c0 = std::clock();
  auto t0 = std::chrono::steady_clock::now();
  f();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (cpu) *cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  return wall;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// CDNOW_master.txt: " 00001 19970101  1   11.77" per line, a header line first.
std::vector<Transaction> ReadMaster(const std::string& text) {
  std::vector<Transaction> tx;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    std::string_view f[4];
    int n = 0;
    size_t i = 0;
    while (i < line.size() && n < 4) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\r')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\r') ++j;
      if (j > i) f[n++] = line.substr(i, j - i);
      i = j;
    }
    int64_t id = 0, date = 0;
    double value = 0;
    if (n < 4 || !ParseInt64(f[0], &id) || !ParseInt64(f[1], &date) || !ParseDouble(f[3], &value)) continue;
    tx.push_back({static_cast<uint32_t>(id), DaysFromCivil(int(date / 10000), int(date / 100 % 100), int(date % 100)), value});
  }
  return tx;
}

struct Timing {
  double fit = 0, predict = 0, total = 0, cpu = 0;
  FitResult result;
  double check = 0;  // Σ E[X(39)], so the work cannot be optimised away
};

Timing RunOnce(ModelKind model, const std::vector<double>& x, const std::vector<double>& t_x, const std::vector<double>& T) {
  Timing timing;
  std::vector<double> alive(x.size()), expected(x.size());
  Patterns patterns;
  double fit_cpu = 0, predict_cpu = 0;
  timing.fit = Seconds([&] {
    patterns = CompressPatterns(x, t_x, T);
    auto fit = FitCountModel(model, patterns);
    if (!fit.ok()) {
      std::fprintf(stderr, "fit failed: %s\n", fit.status().ToString().c_str());
      std::exit(1);
    }
    timing.result = fit.value();
  }, &fit_cpu);
  timing.predict = Seconds([&] {
    const size_t m = patterns.size();
    std::vector<double> pa(m), ex(m);
    for (size_t k = 0; k < m; ++k) {
      pa[k] = PAlive(timing.result, patterns.x[k], patterns.t_x[k], patterns.T[k]);
      ex[k] = ConditionalExpectedPurchases(timing.result, 39.0, patterns.x[k], patterns.t_x[k], patterns.T[k]);
    }
    for (size_t i = 0; i < x.size(); ++i) {
      const uint32_t k = patterns.pattern_of_row[i];
      alive[i] = pa[k];
      expected[i] = ex[k];
    }
  }, &predict_cpu);
  timing.total = timing.fit + timing.predict;
  timing.cpu = fit_cpu + predict_cpu;
  for (double e : expected) timing.check += e;
  return timing;
}

void Bench(const char* label, ModelKind model, const std::vector<double>& x, const std::vector<double>& t_x,
           const std::vector<double>& T, int runs, double lifetimes_fit_s, double lifetimes_predict_s) {
  std::vector<double> fit, predict, total, cpu;
  Timing last;
  for (int r = 0; r < runs; ++r) {
    last = RunOnce(model, x, t_x, T);
    fit.push_back(last.fit);
    predict.push_back(last.predict);
    total.push_back(last.total);
    cpu.push_back(last.cpu);
  }
  const FitResult& f = last.result;
  std::printf("%-34s %9zu customers %7zu patterns | fit+SE %8.4f s  predict %8.4f s  total %8.4f s (CPU %8.4f s) | LL %.4f",
              label, x.size(), f.patterns, Median(fit), Median(predict), Median(total), Median(cpu), f.log_likelihood);
  std::printf(" | %s", ModelName(model));
  for (size_t k = 0; k < f.params.size(); ++k) std::printf(" %s %.6g (SE %.4g)", f.names[k].c_str(), f.params[k], f.se[k]);
  std::printf(" | ΣE[X(39)] %.2f | peak RSS %.0f MB\n", last.check, PeakRssMb());
  if (lifetimes_fit_s > 0) {
    const double lifetimes_total = lifetimes_fit_s + lifetimes_predict_s;
    std::printf("    vs lifetimes: fit %.3f s -> %.0fx faster; fit + predictions %.3f s -> %.0fx faster (%.0fx by CPU time)\n",
                lifetimes_fit_s, lifetimes_fit_s / Median(fit), lifetimes_total, lifetimes_total / Median(total),
                lifetimes_total / Median(cpu));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: model_bench DATA_DIR [--runs N]\n");
    return 2;
  }
  const std::string dir = argv[1];
  int runs = 5;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  std::printf("model_bench: median of %d runs; times include pattern compression, the fit and the Hessian SEs\n\n", runs);

  // 1. The published calibration summary.
  const std::string summary_path = dir + "/lifetimes_cdnow_customers_summary.csv";
  auto table = ParseSummaryCsv(ReadAll(summary_path), summary_path);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  Bench("CDNOW calibration summary", ModelKind::kBgNbd, table->x, table->t_x, table->T, runs, 0.051, 0.0008);
  Bench("CDNOW calibration summary", ModelKind::kParetoNbd, table->x, table->t_x, table->T, runs, 0.273, 0);
  Bench("CDNOW calibration summary", ModelKind::kMbgNbd, table->x, table->t_x, table->T, runs, 0.047, 0);

  // 2. The master file's full-period summary, replicated.
  const std::string master = ReadAll(dir + "/lifetimes_CDNOW_master.txt");
  std::vector<Transaction> tx = ReadMaster(master);
  SummaryOptions options;
  options.unit_days = 7;
  options.calibration_end_day = ParseIsoDay("1998-06-30");
  std::vector<double> summary_s;
  Result<CustomerSummary> full = Status(StatusCode::kInternal, "not run");
  for (int r = 0; r < runs; ++r) summary_s.push_back(Seconds([&] { full = SummarizeTransactions(tx, options); }));
  std::printf("\nsummary from %zu master transactions (weeks, with z̄): %.4f s median (lifetimes, days, no monetary: 0.065 s)\n",
              tx.size(), Median(summary_s));
  if (!full.ok()) return 1;
  struct Scale {
    int copies;
    double lifetimes_fit, lifetimes_predict;
  };
  for (const Scale& scale : {Scale{1, 0.19, 0.006}, Scale{10, 2.2, 0.066}, Scale{100, 21.6, 0.70}}) {
    std::vector<double> x, t_x, T;
    x.reserve(full->size() * scale.copies);
    t_x.reserve(full->size() * scale.copies);
    T.reserve(full->size() * scale.copies);
    for (int c = 0; c < scale.copies; ++c) {
      x.insert(x.end(), full->x.begin(), full->x.end());
      t_x.insert(t_x.end(), full->t_x.begin(), full->t_x.end());
      T.insert(T.end(), full->T.begin(), full->T.end());
    }
    char label[64];
    std::snprintf(label, sizeof label, "CDNOW master full period x%d", scale.copies);
    const int n_runs = scale.copies == 100 ? std::max(1, std::min(runs, 3)) : runs;
    Bench(label, ModelKind::kBgNbd, x, t_x, T, n_runs, scale.lifetimes_fit, scale.lifetimes_predict);
    Bench(label, ModelKind::kParetoNbd, x, t_x, T, n_runs, scale.copies == 1 ? 4.5 : 0, 0);
  }
  std::printf("\nlifetimes at 2,357,000 customers: BG/NBD fit 21.6 s + predictions 0.70 s, peak RSS 1.27 GB (PEERS.md §1)\n");
  return 0;
}
