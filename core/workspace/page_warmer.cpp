// PageWarmer (page_warmer.h): madvise(MADV_POPULATE_WRITE) on a thread of its own.
#include "core/workspace/page_warmer.h"

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#define RAPPORT_PAGE_WARMER 1
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif
#else
#define RAPPORT_PAGE_WARMER 0
#endif

namespace rapport {

struct PageWarmer::Impl {
#if RAPPORT_PAGE_WARMER
  struct Range {
    uintptr_t begin, end;
  };
  static constexpr uintptr_t kStep = uintptr_t{2} << 20;  // a stop is seen within one step
  std::mutex mu;
  std::condition_variable to_warmer, to_caller;
  std::deque<Range> queue;
  bool stop = false, busy = false, works = true;
  uint64_t warmed = 0;
  std::thread thread;

  void Run() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      to_warmer.wait(lock, [&] { return stop || !queue.empty(); });
      if (stop) return;
      Range r = queue.front();
      queue.pop_front();
      busy = true;
      lock.unlock();
      uint64_t done = 0;
      bool failed = false;
      int error = 0;
      for (uintptr_t at = r.begin; at < r.end && !failed;) {
        const uintptr_t to = r.end - at > kStep ? at + kStep : r.end;
        // EINVAL: a kernel without MADV_POPULATE_WRITE; ENOMEM / EFAULT: no longer mapped (freed). Either way
        // the rest of the range is left to the merge's own faults.
        if (madvise(reinterpret_cast<void*>(at), to - at, MADV_POPULATE_WRITE) != 0) {
          failed = true;
          error = errno;
        } else {
          done += to - at;
        }
        at = to;
        if (stop) break;  // read without the lock: at worst one more step
      }
      lock.lock();
      warmed += done;
      busy = false;
      if (failed && error == EINVAL) works = false;  // the kernel has no MADV_POPULATE_WRITE: stop queueing
      to_caller.notify_all();
    }
  }
#endif
};

PageWarmer::PageWarmer() : impl_(std::make_unique<Impl>()) {
#if RAPPORT_PAGE_WARMER
  Impl& m = *impl_;
  m.thread = std::thread([&m] { m.Run(); });
#endif
}

PageWarmer::~PageWarmer() {
#if RAPPORT_PAGE_WARMER
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    m.stop = true;
  }
  m.to_warmer.notify_all();
  m.thread.join();
#endif
}

bool PageWarmer::active() const {
#if RAPPORT_PAGE_WARMER
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->works;
#else
  return false;
#endif
}

void PageWarmer::Warm(const void* begin, size_t bytes) {
#if RAPPORT_PAGE_WARMER
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t from = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(begin) + bytes) & ~(page - 1);
  if (begin == nullptr || to <= from) return;
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (!m.works) return;
    m.queue.push_back({from, to});
  }
  m.to_warmer.notify_one();
#else
  (void)begin;
  (void)bytes;
#endif
}

uint64_t PageWarmer::Wait() {
#if RAPPORT_PAGE_WARMER
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  m.to_caller.wait(lock, [&] { return m.queue.empty() && !m.busy; });
  return m.warmed;
#else
  return 0;
#endif
}

}  // namespace rapport
