// WriteBehind: an import's SQLite write, one slice behind its merge.
//
//   WriteBehind writer(store, WriteBehind::kThreaded);
//   for (each slice) { MergeDelta d = MergeSlice(slice, id, &w, &totals); RAPPORT_RETURN_IF_ERROR(writer.Write(w, d, id)); }
//   RAPPORT_RETURN_IF_ERROR(writer.Flush());  // every slice written; the store is the caller's again
//
// Natively the rows of a slice are copied out of the workspace (Store::CaptureSlice) in the caller's thread and
// written (Store::WriteRows) on a thread of its own while the caller merges the next slice; with the parse a
// slice ahead (ParseAhead), an import is then three stages on two cores — parse, merge, write — instead of
// the merge and the write in one thread. At most one slice is being written while the next is captured, so
// memory stays two slices' rows. Where threads are missing (WebAssembly without pthreads), or with
// `kInline`, Write is Store::WriteSlice in the caller's thread.
//
// Between Write and Flush the store belongs to the writer: the caller must not use it (Store is not
// thread-safe). Errors: a failed write is returned by the next Write or by Flush, with Store::WriteSlice's
// message; the import's transaction is then still open (the caller aborts it: Store::AbortAppend), except
// in kInline mode, where WriteSlice has rolled it back already. Destroying the writer waits for the write in
// progress.
#pragma once

#include <cstdint>
#include <memory>

#include "core/util/status.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {

class WriteBehind {
 public:
  enum Mode { kThreaded, kInline };

  WriteBehind(Store* store, Mode mode);
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // Writes what `delta` says the last merge added to `workspace` (import `import_id`), in the store's open
  // import transaction (Store::BeginAppend): captured now, written behind (threaded) or now (inline).
  Status Write(const Workspace& workspace, const MergeDelta& delta, uint32_t import_id);
  // Waits until every slice given to Write is written; the first error if one failed.
  Status Flush();

  bool threaded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport
