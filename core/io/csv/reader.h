// Streaming CSV reader: bytes in chunks of any size -> records of fields, and nothing else.
//
// RFC 4180 (quoted fields, "" escapes, embedded newlines, CRLF or LF or lone CR line ends), a UTF-8 BOM
// skipped, and the dialect sniffed from the first bytes: comma, semicolon, tab, pipe, or runs of spaces
// (the fixed-width CDNOW files, where leading spaces are ignored too). A chunk may end anywhere: inside a
// quoted field, inside a "" escape, between CR and LF, inside a UTF-8 sequence.
//
// Speed: this is the hot path of every import. Fields are string_views into the caller's chunk where the
// field is contained in it and needs no unescaping; otherwise into the reader's own scratch buffer, which
// is reused from record to record. No heap allocation per field or per record in the steady state.
//
// Lifetime: a CsvRecord and its views are valid only during the RecordSink::OnRecord call that receives it.
//
// Errors: a fatal problem (binary data, a quote left open at the end of the input, a record over
// `max_record_bytes`) returns a Status naming file, line and column ("orders.csv:812:5: unterminated quoted
// field (opened here)"). Lines and columns are 1-based; the column is the 1-based field index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace rapport {

struct CsvDialect {
  char delimiter = ',';          // ',' ';' '\t' '|' or ' ' (with whitespace_runs)
  bool whitespace_runs = false;  // any run of spaces/tabs separates fields; leading/trailing runs ignored
  char quote = '"';
};

struct CsvOptions {
  // Delimiter detection from the first `sniff_bytes` (or the whole input if shorter). When false, `dialect`
  // is used as given. Either way those first bytes are checked for NUL bytes (binary input) and invalid
  // UTF-8, and nothing is delivered before they (or Finish) arrive.
  bool sniff = true;
  CsvDialect dialect;
  size_t sniff_bytes = 64 * 1024;
  // A record larger than this is a fatal error (a quote left open swallows the file otherwise). Default 16 MiB.
  size_t max_record_bytes = 16u << 20;
};

// One record. Fields are valid only during the OnRecord call.
class CsvRecord {
 public:
  size_t size() const { return count_; }
  std::string_view operator[](size_t i) const { return i < count_ ? fields_[i] : std::string_view(); }
  // 1-based physical line on which the record starts.
  uint64_t line() const { return line_; }
  // Byte offset of the record's first byte in the whole input (after the BOM, counting it).
  uint64_t byte_offset() const { return byte_offset_; }
  // 1-based physical line on which field i starts (counts newlines inside earlier quoted fields).
  uint64_t LineOfField(size_t i) const;
  // The record re-joined with the dialect's delimiter, quoted where needed: for the rejected-rows table.
  std::string Raw(char delimiter = ',') const;
  // Raw(), appended to *out (a caller's reused buffer: no allocation per record).
  void AppendRaw(std::string* out, char delimiter = ',') const;

  // Filled by the reader.
  const std::string_view* fields_ = nullptr;
  size_t count_ = 0;
  uint64_t line_ = 0;
  uint64_t byte_offset_ = 0;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Return false to stop reading (Feed/Finish then return Ok and deliver nothing more).
  virtual bool OnRecord(const CsvRecord& record) = 0;
};

class CsvReader {
 public:
  // `file_name` is used in error messages only.
  CsvReader(std::string file_name, CsvOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Feeds the next chunk; complete records are delivered to `sink` before Feed returns. Bytes of an
  // incomplete last record are kept until the next Feed or Finish. Sniffing waits until sniff_bytes (or
  // Finish) arrive.
  Status Feed(std::string_view chunk, RecordSink* sink);
  // Feed, with the chunk's structural bytes found ahead by another thread (CsvStructuralMasks: ParseAhead's
  // caller, as it queues the chunk): the same records; the fast path reads the masks instead of classifying the
  // bytes itself, when they are for the dialect the reader reads and the chunk goes to it whole (past the
  // sniffed head), and ignores them otherwise.
  struct Masks {
    const uint64_t* bits = nullptr;  // CsvStructuralMasks(chunk, dialect)
    CsvDialect dialect;
  };
  Status Feed(std::string_view chunk, RecordSink* sink, const Masks& masks);
  // Ends the input: delivers the last record (a file need not end with a newline).
  Status Finish(RecordSink* sink);

  const CsvDialect& dialect() const;     // valid after the first record was delivered
  uint64_t bytes_consumed() const;       // bytes fed so far
  uint64_t records_delivered() const;
  const std::string& file_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The structural bytes of `chunk` in `dialect`, 64 at a time, into *out (resized to (chunk.size() + 63) / 64
// words; its buffer reused): bit k of word j is set when chunk[64 j + k] is the delimiter, the quote, '\n' or
// '\r' (what the reader's fast path finds as it goes). False, and *out empty, for the whitespace-run dialect.
bool CsvStructuralMasks(std::string_view chunk, const CsvDialect& dialect, std::vector<uint64_t>* out);

// Sniffs the dialect of `sample` (the first bytes of a file). Exposed for the import page's preview.
CsvDialect SniffDialect(std::string_view sample);

// Convenience for tests and small files: reads all of `bytes` and calls `fn(record)` for each record.
template <typename Fn>
Status ReadCsv(std::string_view bytes, std::string file_name, Fn&& fn, CsvOptions options = {}) {
  struct Sink : RecordSink {
    Fn* f;
    bool OnRecord(const CsvRecord& r) override { return (*f)(r), true; }
  } sink;
  sink.f = &fn;
  CsvReader reader(std::move(file_name), options);
  RAPPORT_RETURN_IF_ERROR(reader.Feed(bytes, &sink));
  return reader.Finish(&sink);
}

}  // namespace rapport
