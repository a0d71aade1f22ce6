// The record splitter behind CsvReader: a fixed dialect, bytes in buffers of any size, records out.
//
// Two paths give the same records (tests/io/csv_reader_test.cpp checks every split point):
//   - the fast path (ParseFast) handles records that lie wholly inside the current buffer; their fields are
//     views into the buffer, or, for the few quoted fields with "" escapes, into a reused unescape buffer.
//     It uses the 64-byte Scanner and never fails: anything unusual (text after a closing quote, a record
//     cut by the buffer's end, a record over max_record_bytes) is handed to
//   - the slow path (ParseSlow), a byte-level state machine that copies one record's fields into a reused
//     scratch buffer, keeps its state across buffers and reports the fatal errors.
// The whitespace-run dialect has its own fast path (ParseFastRuns, with RunScanner): records wholly inside
// the buffer with no quote, fields as views; everything else goes to ParseSlow as above.
// Line numbers: every CR counts as a line break, and so does every LF not directly after a CR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/csv/reader.h"

namespace rapport::csv_internal {

class Parser {
 public:
  // `start_offset`: the input offset of the first byte passed to Parse (3 after a UTF-8 BOM).
  Parser(std::string_view file_name, const CsvDialect& dialect, size_t max_record_bytes, uint64_t start_offset);

  // Parses the next buffer of the input; complete records go to `sink`. `buf` need not outlive the call.
  // `masks`, when given, are Scanner::StructuralMasks of `buf` in this parser's dialect (not whitespace runs):
  // the same records, the fast path's scanner reads them instead of classifying the bytes.
  Status Parse(std::string_view buf, RecordSink* sink, const uint64_t* masks = nullptr);
  // Ends the input: delivers the last record, or fails on a quote left open.
  Status Finish(RecordSink* sink);

  const CsvDialect& dialect() const { return dialect_; }
  bool stopped() const { return stopped_; }
  uint64_t records() const { return records_; }
  // The current position: 1-based physical line, and the 1-based field index (1 between records).
  uint64_t line() const { return line_; }
  size_t column() const { return in_record_ ? field_ends_.size() + 1 : 1; }

 private:
  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuotedQuote };

  size_t ParseFast(const char* buf, size_t n, size_t pos, RecordSink* sink, const uint64_t* masks);
  // The fast path of the whitespace-run dialect (parser_runs.cpp, with RunScanner from scan_runs.h).
  size_t ParseFastRuns(const char* buf, size_t n, size_t pos, RecordSink* sink);
  Status ParseSlow(const char* buf, size_t n, size_t* pos, bool one_record, RecordSink* sink);
  void DeliverScratch(RecordSink* sink);
  void Deliver(size_t count, uint64_t line, uint64_t offset, RecordSink* sink);
  Status TooLarge() const;
  Status Error(uint64_t line, size_t column, const std::string& message) const;

  std::string file_name_;
  CsvDialect dialect_;
  size_t max_record_bytes_;
  bool whitespace_runs_;
  char delimiter_;
  char quote_;
  uint8_t unquoted_stop_[256];  // bytes that end a run inside an unquoted field
  uint8_t quoted_stop_[256];    // bytes that end a run inside a quoted field

  uint64_t offset_;        // input offset of the current buffer's first byte
  uint64_t line_ = 1;      // physical line at the current position
  bool prev_cr_ = false;   // the last byte of the previous buffer was CR
  bool stopped_ = false;
  uint64_t records_ = 0;

  // The record in progress in the slow path.
  bool in_record_ = false;
  State state_ = State::kFieldStart;
  uint64_t record_line_ = 0;
  uint64_t record_offset_ = 0;
  uint64_t quote_line_ = 0;  // where the open quoted field started
  size_t quote_column_ = 0;
  std::string scratch_;              // the fields' bytes, unescaped, back to back
  std::vector<size_t> field_ends_;   // end of each finished field in scratch_

  std::vector<std::string_view> fields_;  // what a delivered CsvRecord points to

  // Fast-path fields with "" escapes, unescaped into unescaped_ (their views are set once the record is
  // complete, as unescaped_ may move while it grows).
  struct EscapedField {
    size_t index, begin, size;
  };
  std::string unescaped_;
  std::vector<EscapedField> escaped_fields_;
};

// Dialect detection over `sample`; `complete` says the sample is the whole input (else its last,
// possibly cut, record is ignored).
CsvDialect Sniff(std::string_view sample, bool complete);

}  // namespace rapport::csv_internal
