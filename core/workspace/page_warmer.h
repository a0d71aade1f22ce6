// PageWarmer: has the kernel fault in, on a thread of its own, the memory an import has reserved and is about
// to fill (the workspace's columns and key indexes, sized for the whole file
// from its first slices), so that the merge finds the pages there instead of faulting them in itself.
//
//   PageWarmer warmer;                             // natively on Linux: starts the thread
//   column.reserve(n); warmer.WarmSpare(column);   // the capacity not used yet, queued
//
// Why: on a VM whose balloon hands freed memory back to the host (bench/RESULTS.md, "What a cold run costs"), the
// first touch of a page costs a host fault and the zeroing, ~1.5-3 ms per MB; an import first touches a few
// hundred MB, most of it on the merge's thread, the import's longest stage, while the other core has idle
// time. The warmer moves that cost to the other core; what it has not reached when the merge gets there is
// faulted by the merge as before. Its thread runs at the process's priority, not SCHED_IDLE: it holds the
// address space's lock (for reading) while it faults pages in, and at idle priority on a busy machine it could
// be left preempted holding it while the merge waits to map or unmap a block.
//
// Semantics: warming never changes memory contents (madvise MADV_POPULATE_WRITE maps the zero page a first
// write would map, and leaves mapped pages alone), so a range freed or reused before the warmer reaches it is
// harmless (a range no longer mapped fails quietly). Only whole 4 KiB pages inside a range are warmed; ranges
// are warmed in the order queued, each at most once. Elsewhere (WebAssembly, other systems, kernels before
// 5.14) every call does nothing.
//
// Thread-safety: Warm / WarmSpare / Wait from one thread (the merge's). Destroying the warmer stops its thread;
// what is still queued is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rapport {

class PageWarmer {
 public:
  PageWarmer();
  ~PageWarmer();
  PageWarmer(const PageWarmer&) = delete;
  PageWarmer& operator=(const PageWarmer&) = delete;

  // True where warming works (natively on Linux with MADV_POPULATE_WRITE); false: every call does nothing.
  bool active() const;

  // Queues [begin, begin + bytes) to be faulted in.
  void Warm(const void* begin, size_t bytes);
  // Queues the capacity of `v` past its size (what its next appends will write), or `share` of it: a
  // capacity reserved from an estimate, with a margin, is warmed only up to about the estimate, so that the
  // margin is touched only if used.
  template <typename T, typename A>
  void WarmSpare(const std::vector<T, A>& v, double share = 1.0) {
    Warm(v.data() + v.size(), static_cast<size_t>(share * static_cast<double>((v.capacity() - v.size()) * sizeof(T))));
  }
  void WarmSpare(const std::string& s, double share = 1.0) {
    Warm(s.data() + s.size(), static_cast<size_t>(share * static_cast<double>(s.capacity() - s.size())));
  }

  // For tests: waits until everything queued so far has been warmed (or skipped); the bytes warmed in all.
  uint64_t Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport
