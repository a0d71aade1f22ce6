// Large allocations on transparent huge pages, for the native executables of the import path (the CLI and
// the csv / import / summary benchmarks link this file; the core library, the tests and the wasm build do
// not).
//
// An import fills a few hundred megabytes of columns, key indexes and batch buffers that did not exist
// before it. With 4 KiB pages each of them is first touched through a page fault, and on this kind of
// machine (a VM, cgroup memory accounting) a fault costs several microseconds beyond the zeroing: the
// summary path of the 317 MB benchmark file took ~330,000 faults a run, a third of its CPU time in the
// kernel (bench/RESULTS.md, "Summary path against DuckDB"). Linux gives 2 MiB pages to memory advised with
// MADV_HUGEPAGE (transparent_hugepage=madvise, Debian's default), one fault per 2 MiB.
//
// So operator new (and new[]), which every std::vector, std::string and column buffer goes through, places
// a request of 2 MiB or more at a 2 MiB boundary and advises it. The pointer comes from posix_memalign, so
// the default operator delete (free) releases it. Smaller requests are plain malloc. Such allocations are
// mmapped on their own (M_MMAP_THRESHOLD fixed at 2 MiB: glibc would otherwise raise the threshold after
// the first free and serve the next ones from its heap, whose top it trims and grows again, each time
// faulting and zeroing whole huge pages anew). Advice only: where the kernel has no huge page to give, or
// THP is off, the memory is ordinary pages and nothing else changes.
//
// Not under a sanitizer: ASan and friends replace operator new themselves, and would report this one's
// posix_memalign blocks freed by their operator delete as mismatched.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define RAPPORT_SANITIZER_NEW 1
#endif
#endif
#if defined(__linux__) && !defined(__EMSCRIPTEN__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__) && !defined(RAPPORT_SANITIZER_NEW)

#include <malloc.h>

#include <cstddef>
#include <new>

#include "core/util/big_buffer.h"

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Runs before main (and before any large allocation of a static initialiser in practice: none here makes
// one); a request made earlier only misses the fixed threshold.
const int kThresholdSet = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHugePage));

void* Allocate(std::size_t n) {
  for (;;) {
    if (void* p = rapport::AllocateHugePageAligned(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }

#endif
