// ParseAhead: an import's parsing, one stage ahead of its merge.
//
//   ParseAhead ahead("orders.csv", options, size, /*slice_orders=*/100000, ParseAhead::kThreaded);
//   auto merge = [&](const ImportBatch& slice, uint64_t bytes_consumed) { return MergeAndWrite(slice); };
//   for (chunk : file) RAPPORT_RETURN_IF_ERROR(ahead.Feed(chunk, merge));  // queued; slices parsed by now merged
//   Result<ImportBatch> last = ahead.Finish(merge);  // the input ends: the remaining slices, then the last batch
//
// Natively the parser (CSV reading and the importer) runs on a thread of its own, so that on two cores one
// slice is merged and written while the next is parsed: the whole import takes about the longer of the two
// stages instead of their sum. Nothing else is shared: the parse thread owns the ParseSession, the caller's
// thread owns the workspace and the SQLite store and runs every `sink` call. Parsed slices are handed over
// through a pool of kSlicesInFlight + 1 batches whose buffers are reused, and chunks are copied into a queue
// of at most kChunksQueued buffers, so memory stays bounded whatever the file's size. The file fingerprint is
// computed chunk by chunk, in order, by whichever thread has time to spare: the caller's as it copies the
// chunk, unless the parse thread has so far waited longer for the caller than the caller for it. In the same
// pass (whichever thread makes it, and inline too) the chunk is found all ASCII or not and its newlines
// counted, so the parse's UTF-8 check skips an ASCII chunk; the caller's thread also checks a chunk it hashed
// that is not all ASCII (ParseSession::WellFormedUtf8, a second pass over the fresh copy), so that the parse
// thread skips any well-formed chunk (a file with a few accented names has them in every chunk). Once the parse
// has read the header, the caller's thread also finds the CSV structural bytes of each chunk it hashed
// (CsvStructuralMasks: 64-byte masks of delimiters, quotes and line breaks, what the CSV reader's scanner
// computes as it goes), and the parse thread's reader reads them instead: the parse stage's first pass over the
// bytes done by the thread with time to spare, by the same rule as the hash. Where threads are missing
// (WebAssembly without pthreads), or with `kInline`, every call parses in the caller's thread.
//
// Slices end exactly where an inline parse ends them, so the merged result is the same: after each chunk, when
// more than `slice_orders` orders wait, all but the last (which may go on in the next chunk) are taken. Except
// at both ends of the file, where the two threads would otherwise work one at a time: the first 4 slices need
// only slice_orders / 16, / 8, / 4, / 2 orders (the merge starts after about one chunk, not a whole slice),
// and once no more than the last slice's bytes remain of `total_bytes`, every chunk ends a slice (what is left
// to merge when the parse has ended is about one chunk's orders, not one to two slices').
//
// Errors: a Status that ends the parse (ParseSession::Feed) is returned by a later Feed or by Finish —
// possibly a chunk or two after the one that caused it, with the same message; an error from `sink` is
// returned as it is. After an error the session is over: destroying it stops the parse thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/import/batch.h"
#include "core/import/importer.h"
#include "core/util/status.h"

namespace rapport {

class ParseAhead {
 public:
  enum Mode { kThreaded, kInline };
  static constexpr size_t kChunksQueued = 4;
  static constexpr size_t kSlicesInFlight = 1;  // parsed and waiting, besides the one being parsed into

  // Receives each parsed slice, in order, in the caller's thread; an error ends the import.
  using SliceSink = std::function<Status(const ImportBatch& slice, uint64_t bytes_consumed)>;

  ParseAhead(std::string file_name, ImportOptions options, uint64_t total_bytes, size_t slice_orders, Mode mode);
  ~ParseAhead();  // stops the parse thread; what is queued is dropped
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;

  // Queues the next chunk (copied) and hands `sink` every slice parsed by now. While kChunksQueued chunks
  // wait it blocks, handing over slices as they come.
  Status Feed(std::string_view chunk, const SliceSink& sink);
  // Ends the input, hands `sink` the remaining slices and returns the rest of the input as one batch, with
  // the totals (ParseSession::Finish).
  Result<ImportBatch> Finish(const SliceSink& sink);

  // Progress, from the caller's thread at any time.
  uint64_t bytes_consumed() const;
  // After Finish.
  const ImporterInfo* detected() const;
  uint64_t fingerprint() const;  // FileFingerprint::Final over every byte fed
  // Threaded: how many of the chunks fed the caller's thread hashed (the parse thread hashed the rest); inline 0.
  uint64_t chunks_hashed_by_caller() const;
  // Threaded: how many of them the caller's thread also found the CSV structural bytes of (for the parse
  // thread's reader, once the header has shown the dialect); inline 0.
  uint64_t chunks_masked_by_caller() const;
  // Threaded, after Finish: how long each thread waited for the other, in seconds (the parse thread's wait for
  // the first chunk left out), and how long before Finish returned the parse thread ended (the tail, merged by
  // the caller alone). Tells whether both threads were busy for the whole import; inline all 0.
  struct Waits {
    double caller_s = 0, parser_s = 0, tail_s = 0;
  };
  Waits waits() const;

  bool threaded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport
