// WriteBehind (write_behind.h): the write stage of an import on a thread of its own, natively.
#include "core/api/write_behind.h"

#include <exception>
#include <string>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define RAPPORT_WRITE_THREAD 0
#else
#define RAPPORT_WRITE_THREAD 1
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace rapport {

struct WriteBehind::Impl {
  explicit Impl(Store* store) : store(store) {}
  Store* const store;
  bool inline_mode = true;

#if RAPPORT_WRITE_THREAD
  // Captured by the caller into rows[next]; rows[1 - next] is the one being written while `busy`.
  SliceRows rows[2];
  int next = 0;
  // Shared between the two threads, under `mu`.
  std::mutex mu;
  std::condition_variable to_writer, to_caller;
  const SliceRows* pending = nullptr;  // handed over, not yet written
  bool busy = false, stop = false;
  Status error;
  std::thread thread;

  void Run() {
    for (;;) {
      const SliceRows* todo;
      {
        std::unique_lock<std::mutex> lock(mu);
        to_writer.wait(lock, [&] { return stop || pending != nullptr; });
        if (pending == nullptr) return;  // stop, and nothing left to write
        todo = pending;
        pending = nullptr;
      }
      Status s;
      try {
        s = store->WriteRows(*todo);
      } catch (const std::exception& e) {  // std::bad_alloc: the caller's thread reports it
        s = InternalError(store->name() + ": " + e.what() + " while writing");
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!s.ok() && error.ok()) error = s;
        busy = false;
      }
      to_caller.notify_all();
    }
  }

  // Waits for the write in progress (called with `lock` held); its error, if any.
  Status Wait(std::unique_lock<std::mutex>* lock) {
    to_caller.wait(*lock, [&] { return !busy; });
    return error;
  }
#endif
};

WriteBehind::WriteBehind(Store* store, Mode mode) : impl_(std::make_unique<Impl>(store)) {
#if RAPPORT_WRITE_THREAD
  if (mode == kThreaded) {
    Impl& m = *impl_;
    m.inline_mode = false;
    m.thread = std::thread([&m] { m.Run(); });
  }
#else
  (void)mode;
#endif
}

WriteBehind::~WriteBehind() {
#if RAPPORT_WRITE_THREAD
  Impl& m = *impl_;
  if (!m.thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    m.stop = true;
  }
  m.to_writer.notify_all();
  m.thread.join();
#endif
}

bool WriteBehind::threaded() const { return !impl_->inline_mode; }

Status WriteBehind::Write(const Workspace& workspace, const MergeDelta& delta, uint32_t import_id) {
  Impl& m = *impl_;
  if (m.inline_mode) return m.store->WriteSlice(workspace, delta, import_id);
#if RAPPORT_WRITE_THREAD
  {
    // A failed write ends the import: nothing more is captured.
    std::lock_guard<std::mutex> lock(m.mu);
    if (!m.error.ok()) return m.error;
  }
  SliceRows& rows = m.rows[m.next];  // not the buffer being written
  Store::CaptureSlice(workspace, delta, import_id, &rows);
  {
    std::unique_lock<std::mutex> lock(m.mu);
    RAPPORT_RETURN_IF_ERROR(m.Wait(&lock));
    m.pending = &rows;
    m.busy = true;
  }
  m.next = 1 - m.next;
  m.to_writer.notify_all();
  return Status::Ok();
#else
  return Status::Ok();
#endif
}

Status WriteBehind::Flush() {
  Impl& m = *impl_;
  if (m.inline_mode) return Status::Ok();
#if RAPPORT_WRITE_THREAD
  std::unique_lock<std::mutex> lock(m.mu);
  return m.Wait(&lock);
#else
  return Status::Ok();
#endif
}

}  // namespace rapport
