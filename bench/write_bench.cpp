// An import's SQLite write alone (the writer thread's stage, core/api/write_behind.h), on the rows of a stored
// workspace:
//   write_bench WORKSPACE.rapport [--runs N] [--slices K] [--out PATH]
// Loads WORKSPACE (e.g. the one `rapport import` made from the 100x Alpha Paw file), captures all its rows as
// one import's (Store::CaptureSlice: every table new, every alias new), cuts the tape into K pieces at row
// boundaries (the import writes ~16 slices), then per run: a new workspace file at PATH (default
// /tmp/write_bench.rapport, removed before and after), BeginAppend, WriteRows for each piece, CommitAppend.
// Prints per run the write's wall time and this thread's CPU (user and system apart), and the commit's, then
// the medians, and the CPU of the capture itself (CaptureSlice of all the rows: the first into new memory, then
// the median of `runs` more into the same buffers). The rows are written table by table (all customers, then
// the aliases, then the orders) where an import interleaves them slice by slice: the same rows, the same
// statements. Native only (a file, the thread's clock); under Emscripten it runs with the process's clock.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/cpu_clock.h"
#include "bench/stats.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"
#include "core/workspace/workspace.h"

using namespace rapport;

namespace {

// Cuts `all` into `k` tapes of about equal rows, each ending at a row boundary, each group of rows of one kind
// announced by its kRun word as Store::CaptureSlice does.
std::vector<SliceRows> Cut(const SliceRows& all, size_t k) {
  struct RowAt {
    size_t word, end, byte, bytes;
    uint64_t kind;
  };
  std::vector<RowAt> rows;
  const uint64_t* w = all.words.data();
  const size_t n = all.words.size();
  size_t byte = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t tag = w[i] & 0xff;
    if (tag & SliceRows::kRow) {
      if (!rows.empty() && rows.back().end == 0) rows.back().end = i;
      rows.push_back({i, 0, byte, 0, w[i]});
    } else if (tag == SliceRows::kRun) {
      if (!rows.empty() && rows.back().end == 0) rows.back().end = i;
    } else if (tag == SliceRows::kInt) {
      ++i;
    } else if (tag == SliceRows::kText || tag == SliceRows::kBlob) {
      byte += w[i] >> 8;
      rows.back().bytes += w[i] >> 8;
    }
  }
  if (!rows.empty() && rows.back().end == 0) rows.back().end = n;
  std::vector<SliceRows> out;
  const size_t per = (rows.size() + k - 1) / std::max<size_t>(1, k);
  for (size_t r0 = 0; r0 < rows.size(); r0 += per) {
    const size_t r1 = std::min(rows.size(), r0 + per);
    SliceRows piece;
    for (size_t r = r0; r < r1; ++r) {
      if (r == r0 || rows[r].kind != rows[r - 1].kind) {
        size_t same = r;
        while (same < r1 && rows[same].kind == rows[r].kind) ++same;
        piece.words.push_back(SliceRows::kRun | (static_cast<uint64_t>(same - r) << 8));
      }
      piece.words.insert(piece.words.end(), w + rows[r].word, w + rows[r].end);
      piece.bytes.append(all.bytes, rows[r].byte, rows[r].bytes);
      ++piece.rows;
    }
    out.push_back(std::move(piece));
  }
  return out;
}


}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: write_bench WORKSPACE.rapport [--runs N] [--slices K] [--out PATH]\n");
    return 2;
  }
  const std::string in_path = argv[1];
  int runs = 5;
  size_t slices = 16;
  std::string out_path = "/tmp/write_bench.rapport";
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--slices")) slices = static_cast<size_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--out")) out_path = argv[i + 1];
  }
  Workspace w;
  {
    auto store = Store::Open(in_path);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().message().c_str());
      return 1;
    }
    Status s = (*store)->Load(&w);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
  }
  // Every row new: an import into an empty workspace, with the stored imports' rows as its own.
  MergeDelta delta;
  delta.new_aliases = AliasRange{&w.customer_alias, 0, w.customer_alias.size()};
  SliceRows all;
  const uint32_t import_id = w.imports.empty() ? 1 : w.imports.front().id;
  // The capture (the merge thread's share of the write): all rows, first into new memory, then again into the
  // same buffers (as an import reuses them slice after slice).
  std::vector<double> capture_cpu;
  for (int r = 0; r < 1 + runs; ++r) {
    const double c0 = bench::ThreadCpuSeconds();
    Store::CaptureSlice(w, delta, import_id, &all);
    capture_cpu.push_back(bench::ThreadCpuSeconds() - c0);
  }
  const double capture_first = capture_cpu.front();
  capture_cpu.erase(capture_cpu.begin());
  std::vector<SliceRows> pieces = Cut(all, slices);
  std::printf("write_bench workspace=%s rows=%zu customers=%zu aliases=%zu orders=%zu words=%zu bytes=%zu pieces=%zu\n",
              in_path.c_str(), all.rows, w.customers.size(), w.customer_alias.size(), w.orders.size(), all.words.size(),
              all.bytes.size(), pieces.size());
  all = SliceRows();
  std::vector<double> wall, cpu, user, sys, commit_cpu;
  for (int r = 0; r < runs; ++r) {
    std::remove(out_path.c_str());
    auto store = Store::Open(out_path);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().message().c_str());
      return 1;
    }
    Status s = (*store)->BeginAppend();
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = bench::ThreadCpuSeconds();
    const bench::UserSys u0 = bench::UsageOf(bench::Who::kThread);
    for (const SliceRows& piece : pieces) {
      if (s.ok()) s = (*store)->WriteRows(piece);
    }
    const double c1 = bench::ThreadCpuSeconds();
    const bench::UserSys u1 = bench::UsageOf(bench::Who::kThread) - u0;
    const auto t1 = std::chrono::steady_clock::now();
    ImportRecord record;
    if (!w.imports.empty()) record = w.imports.front();
    record.id = import_id;
    if (s.ok()) s = (*store)->CommitAppend(record);
    const double c2 = bench::ThreadCpuSeconds();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    wall.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu.push_back(c1 - c0);
    user.push_back(u1.user_s);
    sys.push_back(u1.sys_s);
    commit_cpu.push_back(c2 - c1);
    std::printf("run %d: write wall %.3f s cpu %.3f s (user %.3f sys %.3f, %ld faults); commit cpu %.3f s\n", r + 1,
                wall.back(), cpu.back(), u1.user_s, u1.sys_s, u1.minor_faults, commit_cpu.back());
  }
  std::remove(out_path.c_str());
  std::printf("write_bench median: write wall %.3f s cpu %.3f s user %.3f sys %.3f; commit cpu %.3f s; capture cpu %.3f s "
              "(first %.3f s)\n",
              bench::Median(wall), bench::Median(cpu), bench::Median(user), bench::Median(sys), bench::Median(commit_cpu), bench::Median(capture_cpu), capture_first);
  return 0;
}
