// ParseAhead (parse_ahead.h): the parse stage of an import on a thread of its own, natively.
#include "core/api/parse_ahead.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <deque>
#include <utility>
#include <vector>

#include "core/import/parse.h"
#include "core/util/text.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define RAPPORT_PARSE_THREAD 0
#else
#define RAPPORT_PARSE_THREAD 1
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace rapport {

struct ParseAhead::Impl {
  Impl(std::string file_name, ImportOptions options, uint64_t total_bytes, size_t slice_orders)
      : parser(std::move(file_name), std::move(options)), slice_orders(slice_orders), total_bytes(total_bytes) {
    parser.ExpectBytes(total_bytes);
  }

  // Owned by the parse thread while it runs (by the caller's thread before it starts and after it ends).
  ParseSession parser;
  const size_t slice_orders;
  const uint64_t total_bytes;
  size_t slices_taken = 0;
  uint64_t last_slice_at = 0, last_slice_bytes = 0;  // where the last slice ended, and its bytes
  std::atomic<uint64_t> consumed{0};
  // The CSV dialect, once the parse has read the header (the parse thread publishes it): kNoDialect until then,
  // kNoMasks for the whitespace-run dialect, else DialectCode(delimiter, quote). Threaded, the caller's thread
  // then finds the structural bytes of each chunk it hashes (CsvStructuralMasks, over its fresh copy) for the
  // parse thread's CSV reader, as it finds the ASCII ones: work of the parse stage done by the thread with time.
  static constexpr uint32_t kNoDialect = 0, kNoMasks = 1;
  static uint32_t DialectCode(const CsvDialect& d) {
    if (d.whitespace_runs) return kNoMasks;
    return 2u | uint32_t{static_cast<unsigned char>(d.delimiter)} << 8 |
           uint32_t{static_cast<unsigned char>(d.quote)} << 16;
  }
  std::atomic<uint32_t> dialect_code{kNoDialect};
  // Inline, updated by Feed. Threaded, by whichever thread has time to spare, chunk by chunk and in order:
  // the caller's thread as it copies a chunk for the parse thread (UpdateCopyAscii: little more than the copy),
  // unless the parse thread has so far waited longer for the caller than the caller for it, which means the
  // caller is the longer stage (the engine's import, whose thread merges and stores); then the parse thread,
  // before it parses the chunk (UpdateAscii: the UTF-8 check's ASCII test in the same pass, as the caller's
  // copy does). The caller hashes a chunk only when every earlier one is hashed
  // (`hashed == fed`), so the two never overlap.
  FileFingerprint fingerprint;

  // The orders a slice must exceed to be taken now (parse_ahead.h, "Slices"): the first kRampSlices slices
  // ramp up from slice_orders >> kRampSlices, doubling; once no more than the last slice's bytes remain, 1.
  static constexpr size_t kRampSlices = 4;
  size_t MinOrders(uint64_t bytes_in) const {
    if (slices_taken < kRampSlices) return std::max<size_t>(1, slice_orders >> (kRampSlices - slices_taken));
    if (total_bytes > bytes_in && total_bytes - bytes_in <= last_slice_bytes) return 1;
    return slice_orders;
  }

  // Parses one chunk; returns true when it completed a slice into *into (one TakeSlice per chunk, always).
  bool ParseChunk(std::string_view chunk, const ParseSession::Ahead& ahead, ImportBatch* into, uint64_t* at,
                  Status* status) {
    *status = parser.Feed(chunk, ahead);
    const uint64_t bytes_in = parser.bytes_consumed();
    consumed.store(bytes_in, std::memory_order_relaxed);
    if (dialect_code.load(std::memory_order_relaxed) == kNoDialect && parser.dialect() != nullptr) {
      dialect_code.store(DialectCode(*parser.dialect()), std::memory_order_relaxed);
    }
    if (!status->ok()) return false;
    if (!parser.TakeSlice(MinOrders(bytes_in), into)) return false;
    *at = bytes_in;
    ++slices_taken;
    last_slice_bytes = bytes_in - last_slice_at;
    last_slice_at = bytes_in;
    return true;
  }

  bool inline_mode = true;
  ImportBatch inline_batch;  // kInline: the slices' buffers
  Status inline_status;

#if RAPPORT_PARSE_THREAD
  // Shared between the two threads, under `mu`.
  std::mutex mu;
  std::condition_variable to_parser;  // a chunk, a free batch, the end of input or a stop
  std::condition_variable to_caller;  // a chunk taken, a slice ready, an error or the end of the parse
  struct Chunk {
    std::string bytes;
    bool hashed = false;               // by the caller's thread, as it was queued
    bool ascii = false;                // and then found all ASCII, with `newlines` '\n' bytes
    bool utf8 = false;                 // or else well-formed UTF-8 (ParseSession::WellFormedUtf8), with them
    uint64_t newlines = 0;
    std::vector<uint64_t> masks;       // and its structural bytes (when masked), in
    CsvDialect dialect;                // this dialect
    bool masked = false;
  };
  std::deque<Chunk> chunks;  // waiting to be parsed
  std::vector<std::string> spare_chunks;
  std::vector<std::vector<uint64_t>> spare_masks;
  std::vector<ImportBatch*> free_batches;
  std::deque<std::pair<ImportBatch*, uint64_t>> ready;  // parsed slices and the bytes consumed at each
  bool closed = false, stop = false, done = false;
  uint64_t fed = 0, hashed = 0;  // chunks queued so far, and how many of them (the first ones) are hashed
  // How long each thread has waited for the other so far (the parse thread's wait for the first chunk left
  // out: the caller may open the file meanwhile); the one that waited longer has time to hash.
  using Clock = std::chrono::steady_clock;
  Clock::duration parser_waited{0}, caller_waited{0};
  Clock::time_point parse_ended{}, finished{};  // when the parse thread ended, and when Finish returned
  uint64_t caller_hashed = 0;  // chunks hashed by the caller's thread
  uint64_t caller_masked = 0;  // chunks whose structural bytes the caller's thread found
  Status error;
  ImportBatch pool[kSlicesInFlight + 1];
  std::thread thread;

  // Waits on to_parser until `ready()`, adding the time waited to parser_waited.
  template <typename Ready>
  void ParserWait(std::unique_lock<std::mutex>* lock, Ready ready) {
    if (ready()) return;
    const bool count = fed > 0;
    const Clock::time_point t0 = Clock::now();
    to_parser.wait(*lock, ready);
    if (count) parser_waited += Clock::now() - t0;
  }

  void Run() {
    ImportBatch* spare = nullptr;
    std::string chunk;
    std::vector<uint64_t> masks;
    for (;;) {
      bool hash = false;
      ParseSession::Ahead known;
      {
        std::unique_lock<std::mutex> lock(mu);
        // A batch to take a slice into before the next chunk is parsed, so that slices end where an inline
        // parse ends them; at most kSlicesInFlight slices then wait for the caller.
        ParserWait(&lock, [&] { return stop || spare || !free_batches.empty(); });
        if (stop) break;
        if (!spare) {
          spare = free_batches.back();
          free_batches.pop_back();
        }
        ParserWait(&lock, [&] { return stop || closed || !chunks.empty(); });
        if (stop || chunks.empty()) break;
        if (chunk.capacity() > 0) spare_chunks.push_back(std::move(chunk));
        if (masks.capacity() > 0) spare_masks.push_back(std::move(masks));
        Chunk& next = chunks.front();
        chunk = std::move(next.bytes);
        masks = std::move(next.masks);
        hash = !next.hashed;
        known.ascii = next.ascii;
        known.utf8 = next.utf8;
        known.newlines = next.newlines;
        if (next.masked) {
          known.masks.bits = masks.data();
          known.masks.dialect = next.dialect;
        }
        chunks.pop_front();
      }
      to_caller.notify_all();
      Status status;
      uint64_t at = 0;
      bool sliced = false;
      try {
        if (hash) known.ascii = fingerprint.UpdateAscii(chunk, &known.newlines);  // the UTF-8 check's work too
        sliced = ParseChunk(chunk, known, spare, &at, &status);
      } catch (const std::exception& e) {  // std::bad_alloc on a huge file: the caller's thread reports it
        status = InternalError(std::string(e.what()) + " while parsing");
      }
      std::lock_guard<std::mutex> lock(mu);
      if (hash) ++hashed;
      if (!status.ok()) {
        error = status;
        break;
      }
      if (sliced) {
        ready.emplace_back(spare, at);
        spare = nullptr;
        to_caller.notify_all();
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    if (spare) free_batches.push_back(spare);
    done = true;
    parse_ended = Clock::now();
    to_caller.notify_all();
  }

  // Hands the ready slices to `sink` (called with `lock` held, which it releases around each call); stops at
  // an error. Waits for more while `keep_waiting()` says so.
  template <typename Wait>
  Status Drain(std::unique_lock<std::mutex>* lock, const SliceSink& sink, Wait keep_waiting) {
    for (;;) {
      if (!error.ok()) return error;
      if (!ready.empty()) {
        ImportBatch* batch = ready.front().first;
        const uint64_t at = ready.front().second;
        ready.pop_front();
        lock->unlock();
        Status s = sink(*batch, at);
        lock->lock();
        free_batches.push_back(batch);
        to_parser.notify_all();
        if (!s.ok()) return s;
        continue;
      }
      if (done || !keep_waiting()) return Status::Ok();
      const Clock::time_point t0 = Clock::now();
      to_caller.wait(*lock);
      caller_waited += Clock::now() - t0;
    }
  }

  void Join() {
    if (!thread.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    to_parser.notify_all();
    thread.join();
  }
#endif
};

ParseAhead::ParseAhead(std::string file_name, ImportOptions options, uint64_t total_bytes, size_t slice_orders, Mode mode)
    : impl_(std::make_unique<Impl>(std::move(file_name), std::move(options), total_bytes, slice_orders)) {
#if RAPPORT_PARSE_THREAD
  if (mode == kThreaded) {
    Impl& m = *impl_;
    m.inline_mode = false;
    for (ImportBatch& b : m.pool) m.free_batches.push_back(&b);
    m.thread = std::thread([&m] { m.Run(); });
  }
#else
  (void)mode;
#endif
}

ParseAhead::~ParseAhead() {
#if RAPPORT_PARSE_THREAD
  impl_->Join();
#endif
}

bool ParseAhead::threaded() const { return !impl_->inline_mode; }

Status ParseAhead::Feed(std::string_view chunk, const SliceSink& sink) {
  Impl& m = *impl_;
  if (m.inline_mode) {
    if (!m.inline_status.ok()) return m.inline_status;
    uint64_t at = 0;
    ParseSession::Ahead known;  // the hash and the UTF-8 check's ASCII test in one pass
    known.ascii = m.fingerprint.UpdateAscii(chunk, &known.newlines);
    if (m.ParseChunk(chunk, known, &m.inline_batch, &at, &m.inline_status)) return sink(m.inline_batch, at);
    return m.inline_status;
  }
#if RAPPORT_PARSE_THREAD
  std::unique_lock<std::mutex> lock(m.mu);
  // The slices parsed by now; then, while the queue is full, the slices as they come (the parser may be
  // waiting for a batch the caller frees).
  RAPPORT_RETURN_IF_ERROR(m.Drain(&lock, sink, [&] { return m.chunks.size() >= kChunksQueued; }));
  if (m.done) return m.error.ok() ? InternalError("the import's parse thread has ended") : m.error;
  std::string copy;
  if (!m.spare_chunks.empty()) {
    copy = std::move(m.spare_chunks.back());
    m.spare_chunks.pop_back();
  }
  const bool hash = m.caller_waited >= m.parser_waited && m.hashed == m.fed;
  const uint32_t dialect = m.dialect_code.load(std::memory_order_relaxed);
  const bool mask = hash && dialect > Impl::kNoMasks;  // the parse thread's scanner work too (Impl::dialect_code)
  std::vector<uint64_t> masks;
  if (mask && !m.spare_masks.empty()) {
    masks = std::move(m.spare_masks.back());
    m.spare_masks.pop_back();
  }
  lock.unlock();  // the parse thread goes on meanwhile
  copy.resize(chunk.size());  // a reused buffer has a parsed chunk's size: nothing to fill
  uint64_t newlines = 0;
  bool ascii = false, utf8 = false;
  CsvDialect masks_dialect;
  bool masked = false;
  if (hash) {  // and the UTF-8 check of an ASCII chunk, in the same pass; of any other, in a second one
    ascii = m.fingerprint.UpdateCopyAscii(chunk, &copy[0], &newlines);
    if (!ascii) utf8 = ParseSession::WellFormedUtf8(copy, &newlines);
    if (mask && (ascii || utf8)) {  // else the chunk does not go to the CSV reader whole: no use
      masks_dialect.delimiter = static_cast<char>(dialect >> 8 & 0xff);
      masks_dialect.quote = static_cast<char>(dialect >> 16 & 0xff);
      masked = CsvStructuralMasks(copy, masks_dialect, &masks);
    }
  } else if (!chunk.empty()) {
    std::memcpy(&copy[0], chunk.data(), chunk.size());
  }
  lock.lock();
  m.chunks.emplace_back();
  m.chunks.back().bytes = std::move(copy);
  m.chunks.back().hashed = hash;
  m.chunks.back().ascii = ascii;
  m.chunks.back().utf8 = utf8;
  m.chunks.back().newlines = newlines;
  m.chunks.back().masks = std::move(masks);
  m.chunks.back().dialect = masks_dialect;
  m.chunks.back().masked = masked;
  ++m.fed;
  if (hash) ++m.hashed, ++m.caller_hashed;
  if (masked) ++m.caller_masked;
  lock.unlock();
  m.to_parser.notify_all();
  return Status::Ok();
#else
  return Status::Ok();
#endif
}

Result<ImportBatch> ParseAhead::Finish(const SliceSink& sink) {
  Impl& m = *impl_;
  if (m.inline_mode) {
    if (!m.inline_status.ok()) return m.inline_status;
    return m.parser.Finish();
  }
#if RAPPORT_PARSE_THREAD
  {
    std::unique_lock<std::mutex> lock(m.mu);
    m.closed = true;
    m.to_parser.notify_all();
    RAPPORT_RETURN_IF_ERROR(m.Drain(&lock, sink, [] { return true; }));  // until the parse has ended
  }
  m.Join();
  if (!m.error.ok()) return m.error;
  Result<ImportBatch> last = m.parser.Finish();
  m.finished = Impl::Clock::now();
  return last;
#else
  return InternalError("unreachable");
#endif
}

uint64_t ParseAhead::bytes_consumed() const { return impl_->consumed.load(std::memory_order_relaxed); }
const ImporterInfo* ParseAhead::detected() const { return impl_->parser.detected(); }
uint64_t ParseAhead::chunks_hashed_by_caller() const {
#if RAPPORT_PARSE_THREAD
  if (!impl_->inline_mode) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->caller_hashed;
  }
#endif
  return 0;
}
uint64_t ParseAhead::chunks_masked_by_caller() const {
#if RAPPORT_PARSE_THREAD
  if (!impl_->inline_mode) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->caller_masked;
  }
#endif
  return 0;
}
ParseAhead::Waits ParseAhead::waits() const {
  Waits w;
#if RAPPORT_PARSE_THREAD
  const Impl& m = *impl_;
  if (!m.inline_mode) {
    using Seconds = std::chrono::duration<double>;
    std::lock_guard<std::mutex> lock(impl_->mu);
    w.caller_s = Seconds(m.caller_waited).count();
    w.parser_s = Seconds(m.parser_waited).count();
    if (m.finished > m.parse_ended) w.tail_s = Seconds(m.finished - m.parse_ended).count();
  }
#endif
  return w;
}
uint64_t ParseAhead::fingerprint() const { return impl_->fingerprint.Final(); }

}  // namespace rapport
