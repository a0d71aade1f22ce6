// libFuzzer target for the streaming CSV reader (core/io/csv).
//
// Input layout: byte 0 picks the options (sniffing on/off, the fixed delimiter or whitespace runs, a small
// max_record_bytes or the default, the head size); bytes 1..4 give up to four chunk sizes (1..64, cycled); the rest is the CSV text.
// Besides "never crash", it checks the reader's own promises:
//   - the records, lines, offsets and error are the same as when the text is fed in one piece;
//   - lines and offsets never go backwards and offsets stay inside the input;
//   - with a fixed comma-family dialect, the records equal those of a naive reference reader (below).
// See tests/fuzz/README.md for how to run it; tests/fuzz/replay_main.cpp replays the corpus in every test run.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/csv/reader.h"

namespace {

struct Collected {
  std::vector<std::string> flat;  // per record: line, offset, then the fields
  std::string error;
};

struct CheckingSink : rapport::RecordSink {
  Collected* out;
  uint64_t input_size = 0;
  uint64_t last_line = 0;
  uint64_t last_offset = 0;
  bool OnRecord(const rapport::CsvRecord& record) override {
    if (record.line() <= last_line && last_line != 0) std::abort();
    if (record.byte_offset() < last_offset || record.byte_offset() >= input_size) std::abort();
    if (record.size() == 0) std::abort();
    last_line = record.line();
    last_offset = record.byte_offset();
    out->flat.push_back(std::to_string(record.line()) + ":" + std::to_string(record.byte_offset()) + ":" +
                        std::to_string(record.size()));
    uint64_t previous_line = record.line();
    for (size_t i = 0; i < record.size(); ++i) {
      out->flat.emplace_back(record[i]);
      const uint64_t line = record.LineOfField(i);
      if (line < previous_line) std::abort();
      previous_line = line;
    }
    if (record[record.size()].size() != 0) std::abort();  // out of range is empty
    (void)record.Raw();
    return true;
  }
};

Collected Run(std::string_view text, const rapport::CsvOptions& options, const std::vector<size_t>& chunk_sizes) {
  Collected collected;
  CheckingSink sink;
  sink.out = &collected;
  sink.input_size = text.size();
  rapport::CsvReader reader("fuzz.csv", options);
  rapport::Status status;
  size_t at = 0;
  for (size_t k = 0; at < text.size() && status.ok(); ++k) {
    const size_t size = chunk_sizes.empty() ? text.size() : chunk_sizes[k % chunk_sizes.size()];
    status = reader.Feed(text.substr(at, size), &sink);
    at += size;
  }
  if (status.ok()) status = reader.Finish(&sink);
  if (!status.ok()) {
    if (status.code() != rapport::StatusCode::kParseError) std::abort();
    collected.error = status.message();
  }
  if (reader.bytes_consumed() > text.size()) std::abort();
  return collected;
}

// An independent, deliberately naive reading of the same rules (RFC 4180 with the reader's lenient choices:
// blank lines skipped, a stray quote kept, text after a closing quote appended, CR/LF/CRLF line ends).
// Used for the fixed comma-family dialects. Returns false on an unterminated quote.
bool ReferenceParse(std::string_view t, char delimiter, char quote, std::vector<std::string>* flat) {
  size_t i = t.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const size_t n = t.size();
  uint64_t line = 1;
  auto breaks_line = [&](size_t k) { return t[k] == '\r' || (t[k] == '\n' && (k == 0 || t[k - 1] != '\r')); };
  while (i < n) {
    if (t[i] == '\n' || t[i] == '\r') {
      if (breaks_line(i)) ++line;
      ++i;
      continue;
    }
    const uint64_t record_line = line;
    const size_t record_offset = i;
    std::vector<std::string> fields;
    for (;;) {
      std::string field;
      if (i < n && t[i] == quote) {
        ++i;
        for (;;) {
          if (i >= n) return false;
          if (t[i] == quote) {
            if (i + 1 < n && t[i + 1] == quote) {
              field += quote;
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (breaks_line(i)) ++line;
          field += t[i++];
        }
      }
      while (i < n && t[i] != delimiter && t[i] != '\n' && t[i] != '\r') field += t[i++];
      fields.push_back(field);
      if (i < n && t[i] == delimiter) {
        ++i;
        continue;
      }
      break;
    }
    flat->push_back(std::to_string(record_line) + ":" + std::to_string(record_offset) + ":" +
                    std::to_string(fields.size()));
    for (std::string& f : fields) flat->push_back(std::move(f));
    if (i < n) {  // the line end
      ++line;
      if (t[i++] == '\r' && i < n && t[i] == '\n') ++i;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const uint8_t mode = data[0];
  rapport::CsvOptions options;
  options.sniff = (mode & 1) == 0;
  static const char kDelimiters[] = {',', ';', '\t', '|'};
  options.dialect.delimiter = kDelimiters[(mode >> 1) & 3];
  if (((mode >> 3) & 3) == 3) options.dialect.whitespace_runs = true, options.dialect.delimiter = ' ';
  if (mode & 0x20) options.max_record_bytes = 1 + (mode >> 6) * 16;
  // A short head makes every chunk reach the parser as it comes (the default 64 KiB head holds the whole
  // of a small input until Finish).
  if (options.sniff) {
    if (mode & 0x80) options.sniff_bytes = 7;
  } else {
    options.sniff_bytes = (mode & 0x80) ? 64 * 1024 : 2;
  }
  std::vector<size_t> chunk_sizes;
  for (size_t i = 1; i < 5; ++i) chunk_sizes.push_back(1 + data[i] % 64);
  const std::string_view text(reinterpret_cast<const char*>(data) + 5, size - 5);

  const Collected whole = Run(text, options, {});
  const Collected split = Run(text, options, chunk_sizes);
  if (whole.flat != split.flat || whole.error != split.error) std::abort();
  if (!options.sniff && !options.dialect.whitespace_runs && !(mode & 0x20) && whole.error.empty()) {
    std::vector<std::string> expected;
    if (!ReferenceParse(text, options.dialect.delimiter, options.dialect.quote, &expected)) std::abort();
    if (expected != whole.flat) std::abort();
  }
  return 0;
}
