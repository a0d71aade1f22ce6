// ParseSession: one file's bytes, in chunks of any size, to one ImportBatch.
//
//   ParseSession session("orders.csv", options);
//   for (chunk : file) RAPPORT_RETURN_IF_ERROR(session.Feed(chunk));
//   Result<ImportBatch> batch = session.Finish();
//
// It wires the streaming CsvReader to an importer: the first record is the header, which picks the
// importer (DetectImporter, or options.format), then every record goes to Importer::OnRecord. Bad rows
// become ImportIssue rows inside the batch; only problems that make the whole file unreadable end the
// session with a Status naming file, line and column:
//   - empty file, binary file (NUL bytes, a zip/xlsx or gzip signature)          -> kParseError
//   - bytes that are neither UTF-8 nor, read from the start, Latin-1/Windows-1252 -> kParseError
//   - a quote left open at the end, a record over the size limit (from the reader)  -> kParseError
//   - a header no importer recognises                                             -> kUnknownFormat
//
// Encoding: the input is checked as UTF-8 while it streams. When an invalid byte turns up before any
// multi-byte UTF-8 sequence, the file is taken to be Windows-1252 (Excel's "CSV" on Western systems) and
// transcoded to UTF-8 from then on, with a warning issue; after valid multi-byte UTF-8 it is an error.
//
// No workspace logic: merging the batch is the caller's job (core/workspace). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/import/batch.h"
#include "core/import/importer.h"
#include "core/io/csv/reader.h"
#include "core/util/status.h"

namespace rapport {

class ParseSession {
 public:
  ParseSession(std::string file_name, ImportOptions options);
  ~ParseSession();
  ParseSession(const ParseSession&) = delete;
  ParseSession& operator=(const ParseSession&) = delete;

  // The input's total size, when known (a file's size). Once the first rows show how many bytes a row
  // takes, the batch's columns are reserved for the whole input (ReserveBatch), so they grow once instead of
  // doubling as they fill. A wrong size costs nothing but the hint: too small, the columns double after it
  // as without one; too large, unused capacity. Ignored for importers whose orders are sliced (TakeSlice),
  // whose slices reuse one set of buffers instead.
  void ExpectBytes(uint64_t total_bytes);
  // Feeds the next chunk. After an error every later call returns the same error.
  Status Feed(std::string_view chunk);
  // What another thread found out about a chunk before it is fed (ParseAhead's caller, as it queues it): the
  // same result, less work here.
  struct Ahead {
    // Every byte of the chunk is ASCII, and it holds `newlines` '\n' bytes (FileFingerprint::UpdateCopyAscii):
    // the UTF-8 check has nothing to do but count them.
    bool ascii = false;
    // Not all ASCII, but every byte belongs to a complete, well-formed UTF-8 sequence as the check reads them
    // (WellFormedUtf8 below), with `newlines` '\n' bytes: nothing to do either but count them and note the
    // multibyte text.
    bool utf8 = false;
    uint64_t newlines = 0;
    // The chunk's structural bytes for the CSV reader (CsvStructuralMasks, in the dialect `dialect()` names),
    // when `masks.bits` is set: the reader's fast path reads them instead of classifying the bytes. Used only
    // when the chunk goes to the reader whole (ascii or utf8 above), else ignored; the records are the same.
    CsvReader::Masks masks;
  };
  // What Feed's UTF-8 check finds in `chunk` on its own (for Ahead::utf8, on another thread): true when every
  // byte belongs to a complete, well-formed sequence, adding the chunk's '\n' bytes to *newlines; false (and
  // *newlines as it was) when a byte is invalid or a sequence is cut by either end of the chunk.
  static bool WellFormedUtf8(std::string_view chunk, uint64_t* newlines);
  Status Feed(std::string_view chunk, const Ahead& ahead);
  // Ends the input and hands over the batch (once).
  Result<ImportBatch> Finish();
  // When the importer allows it (Importer::OrdersSliceable) and more than `min_orders` orders are parsed,
  // moves every order but the last (with their lines and the issues so far; in a customers export, every customer
  // but the last, in a feedback file every review, ticket or survey but the last: SliceUnits in
  // core/import/batch.h) into `*slice` (emptied first;
  // pass the same `*slice` each time and its buffers are reused) and returns true. The batch Finish() returns then holds the rest and the totals (rows_read, ...).
  // When it does not, and more than `min_orders` issues are held, moves the issues alone (SplitIssues): the
  // slice then has no rows.
  bool TakeSlice(size_t min_orders, ImportBatch* slice);

  // The CSV dialect the file is read in; nullptr until the first record was read.
  const CsvDialect* dialect() const;
  // The importer chosen from the header; nullptr until the first record was read (or none matched).
  const ImporterInfo* detected() const;
  uint64_t bytes_consumed() const;
  // True when the file was read as Windows-1252 and transcoded.
  bool transcoded_from_latin1() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the whole file at once (tests, small files).
Result<ImportBatch> ParseBytes(std::string_view bytes, std::string file_name, const ImportOptions& options = {});

}  // namespace rapport
