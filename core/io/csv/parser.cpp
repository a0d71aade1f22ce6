// The record splitter: see core/io/csv/internal/parser.h for the two paths and how they agree.
#include "core/io/csv/internal/parser.h"

#include <cstring>

#include "core/io/csv/internal/scan.h"

namespace rapport::csv_internal {

namespace {

inline bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }

}  // namespace

Parser::Parser(std::string_view file_name, const CsvDialect& dialect, size_t max_record_bytes,
               uint64_t start_offset)
    : file_name_(file_name),
      dialect_(dialect),
      max_record_bytes_(max_record_bytes),
      whitespace_runs_(dialect.whitespace_runs),
      delimiter_(dialect.whitespace_runs ? ' ' : dialect.delimiter),
      quote_(dialect.quote),
      offset_(start_offset) {
  for (int i = 0; i < 256; ++i) unquoted_stop_[i] = quoted_stop_[i] = 0;
  auto mark = [](uint8_t* table, char c) { table[static_cast<unsigned char>(c)] = 1; };
  for (uint8_t* table : {unquoted_stop_, quoted_stop_}) {
    mark(table, '\n');
    mark(table, '\r');
  }
  if (whitespace_runs_) {
    mark(unquoted_stop_, ' ');
    mark(unquoted_stop_, '\t');
  } else {
    mark(unquoted_stop_, delimiter_);
  }
  mark(quoted_stop_, quote_);
  fields_.resize(64);
  field_ends_.reserve(64);
}

Status Parser::Error(uint64_t line, size_t column, const std::string& message) const {
  return ParseError(file_name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
}

Status Parser::TooLarge() const {
  std::string message = "record starting at line " + std::to_string(record_line_) +
                        " is larger than max_record_bytes (" + std::to_string(max_record_bytes_) + " bytes)";
  if (state_ == State::kQuoted) {
    message += "; the quoted field opened at line " + std::to_string(quote_line_) + ", field " +
               std::to_string(quote_column_) + " is still open (unterminated quote?)";
  }
  return Error(record_line_, column(), message);
}

void Parser::Deliver(size_t count, uint64_t line, uint64_t offset, RecordSink* sink) {
  CsvRecord record;
  record.fields_ = fields_.data();
  record.count_ = count;
  record.line_ = line;
  record.byte_offset_ = offset;
  ++records_;
  if (!sink->OnRecord(record)) stopped_ = true;
}

void Parser::DeliverScratch(RecordSink* sink) {
  const size_t count = field_ends_.size();
  if (fields_.size() < count) fields_.resize(count * 2);
  size_t begin = 0;
  for (size_t i = 0; i < count; ++i) {
    fields_[i] = std::string_view(scratch_.data() + begin, field_ends_[i] - begin);
    begin = field_ends_[i];
  }
  in_record_ = false;
  Deliver(count, record_line_, record_offset_, sink);
}

Status Parser::Parse(std::string_view chunk, RecordSink* sink, const uint64_t* masks) {
  if (stopped_ || chunk.empty()) return Status::Ok();
  const char* buf = chunk.data();
  const size_t n = chunk.size();
  size_t pos = 0;
  // The LF of a CRLF whose CR ended the previous buffer.
  if (!in_record_ && prev_cr_ && buf[0] == '\n') pos = 1;
  while (pos < n && !stopped_) {
    if (!in_record_) {
      pos = whitespace_runs_ ? ParseFastRuns(buf, n, pos, sink) : ParseFast(buf, n, pos, sink, masks);
      if (pos >= n || stopped_) break;
    }
    RAPPORT_RETURN_IF_ERROR(ParseSlow(buf, n, &pos, /*one_record=*/true, sink));
  }
  offset_ += n;
  prev_cr_ = buf[n - 1] == '\r';
  return Status::Ok();
}

// Records wholly inside buf[pos, n) with no "" escape, fields as views into buf. Returns the offset of
// the first record it does not handle (for ParseSlow), or n.
size_t Parser::ParseFast(const char* buf, size_t n, size_t pos, RecordSink* sink, const uint64_t* masks) {
  const char delimiter = delimiter_;
  const char quote = quote_;
  Scanner scanner(buf, n, delimiter, quote, pos, masks);
  uint64_t line = line_;
  std::string_view* fields = fields_.data();
  size_t capacity = fields_.size();

  while (pos < n) {
    const size_t record_begin = pos;
    const char first = buf[pos];
    if (IsLineEnd(first)) {  // a blank line: skipped, but counted
      ++line;
      ++pos;
      if (first == '\r' && pos < n && buf[pos] == '\n') ++pos;
      continue;
    }
    if (!unescaped_.empty()) unescaped_.clear();  // not earlier: clear() writes over the first byte
    size_t count = 0;
    uint64_t extra_lines = 0;  // line breaks inside quoted fields
    size_t line_end = 0;
    bool ok = true;
    for (;;) {  // one field per iteration
      if (count == capacity) {
        fields_.resize(capacity * 2);
        fields = fields_.data();
        capacity = fields_.size();
      }
      if (buf[pos] == quote) {
        size_t s = pos + 1;
        for (;;) {
          s = scanner.Next(s);
          if (s >= n) break;
          const char c = buf[s];
          if (c == quote) break;
          if (c == '\r' || (c == '\n' && buf[s - 1] != '\r')) ++extra_lines;
          ++s;
        }
        if (s + 1 >= n) {  // no closing quote yet, or it is the last byte: the buffer cuts the record
          ok = false;
          break;
        }
        fields[count++] = std::string_view(buf + pos + 1, s - pos - 1);
        const char after = buf[s + 1];
        if (after == delimiter) {
          pos = s + 2;
          if (pos >= n) {
            ok = false;
            break;
          }
          continue;
        }
        if (IsLineEnd(after)) {
          line_end = s + 1;
          break;
        }
        if (after != quote) {  // text after the closing quote: the slow path appends it
          ok = false;
          break;
        }
        // A "" escape: find the real closing quote, then unescape the field into unescaped_.
        size_t t = s + 2;
        for (;;) {
          t = scanner.Next(t);
          if (t >= n) break;
          const char c = buf[t];
          if (c == quote) {
            if (t + 1 >= n || buf[t + 1] != quote) break;
            t += 2;
            continue;
          }
          if (c == '\r' || (c == '\n' && buf[t - 1] != '\r')) ++extra_lines;
          ++t;
        }
        if (t + 1 >= n) {
          ok = false;
          break;
        }
        const size_t unescaped_begin = unescaped_.size();
        for (size_t from = pos + 1; from < t;) {
          const char* q = static_cast<const char*>(std::memchr(buf + from, quote, t - from));
          const size_t to = q ? static_cast<size_t>(q - buf) + 1 : t;  // keep one quote of the pair
          unescaped_.append(buf + from, to - from);
          from = to + (q ? 1 : 0);
        }
        escaped_fields_.push_back({count - 1, unescaped_begin, unescaped_.size() - unescaped_begin});
        const char after_escaped = buf[t + 1];
        if (after_escaped == delimiter) {
          pos = t + 2;
          if (pos >= n) {
            ok = false;
            break;
          }
          continue;
        }
        if (IsLineEnd(after_escaped)) {
          line_end = t + 1;
          break;
        }
        ok = false;
        break;
      }
      size_t s = pos;
      for (;;) {
        s = scanner.Next(s);
        if (s >= n || buf[s] != quote) break;
        ++s;  // a stray quote inside an unquoted field is kept literally
      }
      if (s >= n) {
        ok = false;
        break;
      }
      fields[count++] = std::string_view(buf + pos, s - pos);
      if (buf[s] == delimiter) {
        pos = s + 1;
        if (pos >= n) {
          ok = false;
          break;
        }
        continue;
      }
      line_end = s;
      break;
    }
    if (!escaped_fields_.empty()) {
      // Point the unescaped fields at unescaped_ now that it no longer grows within this record.
      for (const EscapedField& e : escaped_fields_) fields[e.index] = std::string_view(unescaped_.data() + e.begin, e.size);
      escaped_fields_.clear();
    }
    if (!ok || line_end - record_begin > max_record_bytes_) {
      line_ = line;
      return record_begin;
    }
    pos = line_end + 1;
    if (buf[line_end] == '\r' && pos < n && buf[pos] == '\n') ++pos;
    Deliver(count, line, offset_ + record_begin, sink);
    line += 1 + extra_lines;
    if (stopped_) break;
  }
  line_ = line;
  return pos;
}

// The byte-level state machine. Consumes buf[*pos, n), or stops after one record when `one_record`.
Status Parser::ParseSlow(const char* buf, size_t n, size_t* pos_inout, bool one_record, RecordSink* sink) {
  size_t i = *pos_inout;
  const uint64_t offset = offset_;
  const size_t max = max_record_bytes_;
  auto prev_is_cr = [&](size_t at) { return at > 0 ? buf[at - 1] == '\r' : prev_cr_; };
  // Record bytes so far including buf[at]; the state at the first byte over the limit names the error.
  auto over = [&](size_t end) { return offset + end - record_offset_ > max; };
  auto is_separator = [&](char c) { return whitespace_runs_ ? (c == ' ' || c == '\t') : c == delimiter_; };

  while (i < n) {
    if (!in_record_) {
      const char c = buf[i];
      if (c == '\n') {
        if (!prev_is_cr(i)) ++line_;
        ++i;
        continue;
      }
      if (c == '\r') {
        ++line_;
        ++i;
        continue;
      }
      in_record_ = true;
      state_ = State::kFieldStart;
      record_line_ = line_;
      record_offset_ = offset + i;
      scratch_.clear();
      field_ends_.clear();
    }
    const char c = buf[i];
    bool line_end = false;
    switch (state_) {
      case State::kFieldStart:
        if (IsLineEnd(c)) {
          line_end = true;
          break;
        }
        if (over(i + 1)) return TooLarge();
        if (whitespace_runs_ && (c == ' ' || c == '\t')) {
          ++i;
          continue;
        }
        if (c == quote_) {
          state_ = State::kQuoted;
          quote_line_ = line_;
          quote_column_ = field_ends_.size() + 1;
          ++i;
          continue;
        }
        if (!whitespace_runs_ && c == delimiter_) {
          field_ends_.push_back(scratch_.size());
          ++i;
          continue;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        size_t j = i;
        while (j < n && !unquoted_stop_[static_cast<unsigned char>(buf[j])]) ++j;
        if (over(j)) return TooLarge();
        scratch_.append(buf + i, j - i);
        i = j;
        if (j == n) break;
        if (IsLineEnd(buf[j])) {
          line_end = true;
          break;
        }
        if (over(j + 1)) return TooLarge();
        field_ends_.push_back(scratch_.size());
        state_ = State::kFieldStart;
        ++i;
        continue;
      }
      case State::kQuoted: {
        size_t j = i;
        while (j < n && !quoted_stop_[static_cast<unsigned char>(buf[j])]) ++j;
        if (over(j)) return TooLarge();
        scratch_.append(buf + i, j - i);
        i = j;
        if (j == n) break;
        if (over(j + 1)) return TooLarge();
        const char d = buf[j];
        ++i;
        if (d == quote_) {
          state_ = State::kQuotedQuote;
          continue;
        }
        if (d == '\r' || !prev_is_cr(j)) ++line_;
        scratch_.push_back(d);
        continue;
      }
      case State::kQuotedQuote:
        if (IsLineEnd(c)) {
          line_end = true;
          break;
        }
        if (over(i + 1)) return TooLarge();
        if (c == quote_) {  // "" inside a quoted field
          scratch_.push_back(quote_);
          state_ = State::kQuoted;
          ++i;
          continue;
        }
        if (is_separator(c)) {
          field_ends_.push_back(scratch_.size());
          state_ = State::kFieldStart;
          ++i;
          continue;
        }
        state_ = State::kUnquoted;  // text after the closing quote is kept literally: "ab"c -> abc
        continue;
    }
    if (!line_end) continue;
    // buf[i] ends the line (and the record, unless the line held only whitespace in the runs dialect).
    // The LF of a CRLF goes with it, so that ParseFast never starts on it.
    ++line_;
    if (buf[i++] == '\r' && i < n && buf[i] == '\n') ++i;
    if (whitespace_runs_ && state_ == State::kFieldStart) {
      if (field_ends_.empty()) {
        in_record_ = false;
        continue;
      }
    } else {
      field_ends_.push_back(scratch_.size());
    }
    DeliverScratch(sink);
    if (stopped_ || one_record) break;
  }
  *pos_inout = i;
  return Status::Ok();
}

Status Parser::Finish(RecordSink* sink) {
  if (stopped_ || !in_record_) return Status::Ok();
  if (state_ == State::kQuoted) {
    return Error(quote_line_, quote_column_,
                 "unterminated quoted field opened at line " + std::to_string(quote_line_) +
                     " (the input ends inside it)");
  }
  if (whitespace_runs_ && state_ == State::kFieldStart) {
    if (field_ends_.empty()) {
      in_record_ = false;
      return Status::Ok();
    }
  } else {
    field_ends_.push_back(scratch_.size());
  }
  DeliverScratch(sink);
  return Status::Ok();
}

}  // namespace rapport::csv_internal
