// The fast path of the whitespace-run dialect (fixed-width files such as CDNOW's): see
// core/io/csv/internal/parser.h. It gives the records ParseSlow gives for the same bytes.
#include "core/io/csv/internal/parser.h"
#include "core/io/csv/internal/scan_runs.h"

namespace rapport::csv_internal {

// Records wholly inside buf[pos, n) whose fields hold no quote, as views into buf; leading and trailing
// runs of spaces and tabs are skipped, and a line of only spaces and tabs is blank (skipped, counted).
// Returns the offset of the first record it does not handle (a record cut by the buffer's end, one with a
// quote, one over max_record_bytes: ParseSlow takes it), or n.
size_t Parser::ParseFastRuns(const char* buf, size_t n, size_t pos, RecordSink* sink) {
  RunScanner scanner(buf, n, quote_, pos);
  uint64_t line = line_;
  std::string_view* fields = fields_.data();
  size_t capacity = fields_.size();

  while (pos < n) {
    const size_t record_begin = pos;
    const char first = buf[pos];
    if (first == '\n' || first == '\r') {  // a blank line: skipped, but counted
      ++line;
      ++pos;
      if (first == '\r' && pos < n && buf[pos] == '\n') ++pos;
      continue;
    }
    size_t count = 0;
    size_t s = scanner.SkipBlanks(pos);
    size_t line_end = n;  // n: the record is not handled here
    while (s < n) {  // one field per iteration; buf[s] is not blank
      const char c = buf[s];
      if (c == '\n' || c == '\r') {
        line_end = s;
        break;
      }
      if (c == quote_) break;
      const size_t e = scanner.NextStop(s + 1);
      if (e >= n || buf[e] == quote_) break;  // cut by the buffer's end, or a stray quote inside
      if (count == capacity) {
        fields_.resize(capacity * 2);
        fields = fields_.data();
        capacity = fields_.size();
      }
      fields[count++] = std::string_view(buf + s, e - s);
      if (buf[e] == '\n' || buf[e] == '\r') {
        line_end = e;
        break;
      }
      s = scanner.SkipBlanks(e + 1);
    }
    if (line_end >= n || line_end - record_begin > max_record_bytes_) {
      line_ = line;
      return record_begin;
    }
    pos = line_end + 1;
    if (buf[line_end] == '\r' && pos < n && buf[pos] == '\n') ++pos;
    if (count == 0) {  // only spaces and tabs: a blank line
      ++line;
      continue;
    }
    Deliver(count, line, offset_ + record_begin, sink);
    ++line;
    if (stopped_) break;
  }
  line_ = line;
  return pos;
}

}  // namespace rapport::csv_internal
