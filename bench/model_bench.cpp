// Model-fit benchmark against lifetimes 0.11.3 (PEERS.md §1), on the same inputs:
//   1. the published CDNOW calibration summary (2,357 customers, weeks; Gamma-Gamma on the 946 repeat
//      customers of `..._with_transactions.csv`);
//   2. the CDNOW master full-period summary (as_of 1998-06-30, weeks; 23,570 customers) replicated 1×, 10× and
//      100× (2,357,000 customers);
//   3. optionally (--summary FILE) any summary CSV that `rapport summary` or lifetimes writes, e.g. the
//      1,000,000-customer synthetic store (`rapport demo --scale --customers 1000000 --transactions`, imported,
//      then `rapport summary WS > FILE`: 531,047 distinct (x, t_x, T) patterns in weeks).
// Each timed run of a count model (BG/NBD, MBG/NBD, Pareto/NBD): weighted patterns -> fit (BFGS, analytic
// gradient) with the Hessian SEs -> every customer's P(alive) and E[X(39) | x, t_x, T] (what lifetimes' figures
// cover; PredictCustomers' further columns are not timed). Gamma-Gamma: grouped
// rows -> fit with SEs -> every customer's E[M]. Median of N runs; peak RSS (getrusage; 0 under wasm) after each.
// Prints the ratios to lifetimes' times (lifetimes' Pareto/NBD times have no SEs), then one `ROW` line per
// (input, model) that bench/model_ratios.mjs joins across the native and the wasm build.
// --warm [N] runs each row N times (default 1) untimed first: under V8 a fit starts in the baseline compiler (Liftoff) and its
// hot loops move to TurboFan only after a budget of executed code, so a cold few-millisecond fit measures
// the baseline tier (see bench/RESULTS.md).
//   model_bench DATA_DIR [--runs N] [--warm [N]] [--summary FILE] [--only-summary] [--models bgnbd,mbgnbd,pnbd,gg]
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include "core/model/fit.h"
#include "bench/read_file.h"
#include "bench/stats.h"
#include "core/model/gamma_gamma.h"
#include "core/model/predict.h"
#include "core/model/summary.h"
#include "core/util/date.h"
#include "core/util/text.h"

using namespace rapport;
using namespace rapport::model;

namespace {

std::string ReadAll(const std::string& path) {
  std::string bytes;
  rapport::bench::ReadFile(path, &bytes);  // a missing file reads as empty, as before
  return bytes;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux: KiB
}

// Process CPU seconds (user + system). Under Emscripten clock() is wall time, so the wasm build asks Node
// (process.cpuUsage(), which also counts V8's compiler and GC threads).
double CpuSeconds() {
#ifdef __EMSCRIPTEN__
  return EM_ASM_DOUBLE({
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  });
#else
  return double(std::clock()) / CLOCKS_PER_SEC;
#endif
}

// Wall-clock seconds of f; *cpu (when given) receives the process CPU seconds it used. On a shared machine
// (PEERS.md measured "with other work running beside it") the CPU time is the steadier number.
double Seconds(const std::function<void()>& f, double* cpu = nullptr) {
  const double c0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  f();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (cpu) *cpu = CpuSeconds() - c0;
  return wall;
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

// One benchmark input: per-customer x, t_x, T (weeks) and z̄ (empty: no Gamma-Gamma row).
struct Input {
  std::string label;
  std::vector<double> x, t_x, T, zbar;
};

struct Timing {
  double total = 0, cpu = 0, fit_cpu = 0;
  FitResult result;
  double check = 0;  // Σ of the predictions, so the work cannot be optimised away
};

Timing RunCountModel(ModelKind model, const Input& in) {
  Timing timing;
  std::vector<double> alive(in.x.size()), expected(in.x.size());
  timing.total = Seconds([&] {
    const double c0 = CpuSeconds();
    const Patterns patterns = CompressPatterns(in.x, in.t_x, in.T);
    auto fit = FitCountModel(model, patterns);
    if (!fit.ok()) {
      std::fprintf(stderr, "%s %s: fit failed: %s\n", in.label.c_str(), ModelName(model), fit.status().ToString().c_str());
      std::exit(1);
    }
    timing.result = fit.value();
    timing.fit_cpu = CpuSeconds() - c0;
    std::vector<double> pa, ex;
    PAliveAndExpectedPurchases(timing.result, 39.0, patterns, &pa, &ex);
    for (size_t i = 0; i < in.x.size(); ++i) {
      const uint32_t k = patterns.pattern_of_row[i];
      alive[i] = pa[k];
      expected[i] = ex[k];
    }
  }, &timing.cpu);
  for (double e : expected) timing.check += e;
  return timing;
}

Timing RunGammaGamma(const Input& in) {
  Timing timing;
  std::vector<double> spend(in.x.size());
  timing.total = Seconds([&] {
    auto fit = FitGammaGamma(in.x, in.zbar);
    if (!fit.ok()) {
      std::fprintf(stderr, "%s gg: fit failed: %s\n", in.label.c_str(), fit.status().ToString().c_str());
      std::exit(1);
    }
    timing.result = fit.value();
    const GammaGammaParams g = timing.result.gg();
    for (size_t i = 0; i < in.x.size(); ++i) spend[i] = GammaGammaExpectedValue(g, in.x[i], in.zbar[i]);
  }, &timing.cpu);
  for (double e : spend) timing.check += e;
  return timing;
}

std::string g_models = "bgnbd,mbgnbd,pnbd,gg";  // --models: which rows to run
int g_warm = 0;                                  // --warm N: untimed runs of each row first

// lifetimes' time for the same input and model (fit + the same predictions), 0 when PEERS.md has none.
void Bench(const Input& in, ModelKind model, int runs, double lifetimes_s) {
  if (("," + g_models + ",").find("," + std::string(ModelName(model)) + ",") == std::string::npos) return;
  std::vector<double> total, cpu, fit_cpu;
  Timing last;
  for (int w = 0; w < g_warm; ++w) model == ModelKind::kGammaGamma ? RunGammaGamma(in) : RunCountModel(model, in);
  for (int r = 0; r < runs; ++r) {
    last = model == ModelKind::kGammaGamma ? RunGammaGamma(in) : RunCountModel(model, in);
    total.push_back(last.total);
    cpu.push_back(last.cpu);
    fit_cpu.push_back(last.fit_cpu);
  }
  const FitResult& f = last.result;
  std::printf("%-28s %-6s %9zu customers %7zu patterns | fit+SE+predict %8.4f s (CPU %8.4f s; fit %8.4f s) | %3d it %4d ev | LL %.4f |",
              in.label.c_str(), ModelName(model), in.x.size(), f.patterns, bench::Median(total), bench::Median(cpu), bench::Median(fit_cpu),
              f.iterations, f.evaluations, f.log_likelihood);
  for (size_t k = 0; k < f.params.size(); ++k) std::printf(" %s %.6g (SE %.4g)", f.names[k].c_str(), f.params[k], f.se[k]);
  std::printf(" | check %.2f | peak RSS %.0f MB\n", last.check, PeakRssMb());
  if (lifetimes_s > 0) {
    std::printf("    vs lifetimes %.3f s: %.0fx faster (%.0fx by CPU time)\n", lifetimes_s, lifetimes_s / bench::Median(total),
                lifetimes_s / bench::Median(cpu));
  }
  std::printf("ROW|%s|%s|%zu|%zu|%.6f|%.6f|%.6f|%.3f\n", in.label.c_str(), ModelName(model), in.x.size(), f.patterns,
              bench::Median(total), bench::Median(cpu), lifetimes_s, f.log_likelihood);
  std::fflush(stdout);
}

bool LoadSummaryFile(const std::string& path, const std::string& label, Input* in) {
  auto table = ParseSummaryCsv(ReadAll(path), path);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return false;
  }
  in->label = label;
  in->x = std::move(table->x);
  in->t_x = std::move(table->t_x);
  in->T = std::move(table->T);
  in->zbar = std::move(table->zbar);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: model_bench DATA_DIR [--runs N] [--warm [N]] [--summary FILE] [--only-summary] [--models LIST]\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::string summary_file;
  bool only_summary = false;
  int runs = 5;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--summary") && i + 1 < argc) summary_file = argv[++i];
    else if (!std::strcmp(argv[i], "--only-summary")) only_summary = true;
    else if (!std::strcmp(argv[i], "--warm")) g_warm = i + 1 < argc && std::isdigit(argv[i + 1][0]) ? std::atoi(argv[++i]) : 1;
    else if (!std::strcmp(argv[i], "--models") && i + 1 < argc) g_models = argv[++i];
  }
  std::printf("model_bench: median of %d runs after %d untimed; times include pattern compression, the fit, the "
              "Hessian SEs and every customer's P(alive) and E[X(39)] (Gamma-Gamma: E[M])\n\n", runs, g_warm);
  const ModelKind kCount[] = {ModelKind::kBgNbd, ModelKind::kMbgNbd, ModelKind::kParetoNbd};

  if (!only_summary) {
    // 1. The published calibration summary; lifetimes: BG/NBD 0.051 s + 0.0008 s predictions, MBG/NBD 0.047 s,
    //    Pareto/NBD 0.273 s, Gamma-Gamma 0.024 s.
    Input sample;
    if (!LoadSummaryFile(dir + "/lifetimes_cdnow_customers_summary_with_transactions.csv", "CDNOW sample", &sample)) return 1;
    Bench(sample, ModelKind::kBgNbd, runs, 0.051 + 0.0008);
    Bench(sample, ModelKind::kMbgNbd, runs, 0.047);
    Bench(sample, ModelKind::kParetoNbd, runs, 0.273);
    Bench(sample, ModelKind::kGammaGamma, runs, 0.024);

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
                tx.size(), bench::Median(summary_s));
    if (!full.ok()) return 1;
    struct Scale {
      int copies;
      double lifetimes_bgnbd, lifetimes_pnbd;  // fit + predictions (PEERS.md §1)
    };
    for (const Scale& scale : {Scale{1, 0.19 + 0.006, 4.5}, Scale{10, 2.2 + 0.066, 0}, Scale{100, 21.6 + 0.70, 0}}) {
      Input in;
      for (int c = 0; c < scale.copies; ++c) {
        in.x.insert(in.x.end(), full->x.begin(), full->x.end());
        in.t_x.insert(in.t_x.end(), full->t_x.begin(), full->t_x.end());
        in.T.insert(in.T.end(), full->T.begin(), full->T.end());
        in.zbar.insert(in.zbar.end(), full->zbar.begin(), full->zbar.end());
      }
      in.label = "CDNOW master x" + std::to_string(scale.copies);
      const int n_runs = scale.copies == 100 ? std::max(1, std::min(runs, 3)) : runs;
      for (ModelKind m : kCount) {
        Bench(in, m, n_runs, m == ModelKind::kBgNbd ? scale.lifetimes_bgnbd : m == ModelKind::kParetoNbd ? scale.lifetimes_pnbd : 0);
      }
      Bench(in, ModelKind::kGammaGamma, n_runs, 0);
    }
    std::printf("\nlifetimes at 2,357,000 customers: BG/NBD fit 21.6 s + predictions 0.70 s, peak RSS 1.27 GB (PEERS.md §1)\n");
  }

  // 3. A summary file (the 1,000,000-customer synthetic store); no lifetimes figures exist for it.
  if (!summary_file.empty()) {
    Input in;
    if (!LoadSummaryFile(summary_file, "synthetic 1M", &in)) return 1;
    const int n_runs = std::max(1, std::min(runs, 3));
    for (ModelKind m : kCount) Bench(in, m, n_runs, 0);
    if (!in.zbar.empty()) Bench(in, ModelKind::kGammaGamma, n_runs, 0);
  }
  return 0;
}
