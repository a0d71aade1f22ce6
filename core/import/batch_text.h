// BatchText: the import batch's text column, the workspace's TextColumn (core/workspace/text_column.h: one
// buffer per column, 32-bit offsets, lazy while every row is empty, rows writable in place). The batch is new
// memory that a single import page-faults as it fills, so its footprint is what a cold import pays for
// (bench/RESULTS.md, "Importers (issue 6)"); a transactions row has five text cells.
//
// RunText: a text column stored as runs of equal rows (a value and the row it ends at), for a column that
// mostly repeats its last row: the orders' currency, one code for a whole file that names none. Reads in row
// order cost a comparison (the last run read is remembered, so reads are not thread-safe); others a binary
// search over the runs. A run costs 16 bytes and its text once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/workspace/text_column.h"

namespace rapport {

template <unsigned kOffsetBits>
using BasicBatchText = BasicTextColumn<kOffsetBits>;
using BatchText = TextColumn;

class RunText {
 public:
  void Append(std::string_view s) {
    if (!runs_.empty() && Value(runs_.back()) == s) {
      ++runs_.back().end;
      return;
    }
    runs_.push_back({runs_.empty() ? 1 : runs_.back().end + 1, text_.size()});
    text_.append(s.data(), s.size());
  }
  // `count` empty rows.
  void AppendEmpty(size_t count) {
    if (count == 0) return;
    Append(std::string_view());
    runs_.back().end += count - 1;
  }
  std::string_view operator[](size_t i) const {
    if (cursor_ >= runs_.size() || !(i < runs_[cursor_].end && (cursor_ == 0 || i >= runs_[cursor_ - 1].end))) {
      if (cursor_ + 1 < runs_.size() && i >= runs_[cursor_].end && i < runs_[cursor_ + 1].end) {
        ++cursor_;  // the next run: reads in row order
      } else {
        cursor_ = static_cast<size_t>(
            std::upper_bound(runs_.begin(), runs_.end(), i, [](size_t row, const Run& r) { return row < r.end; }) -
            runs_.begin());
      }
    }
    return Value(runs_[cursor_]);
  }
  size_t size() const { return runs_.empty() ? 0 : runs_.back().end; }
  // True while no row holds a value.
  bool lazy() const { return text_.empty(); }
  // Bytes of text held (each run's value once).
  size_t bytes() const { return text_.size(); }
  // Runs are few: only the hint's text is taken, the rows need nothing.
  void Reserve(size_t /*rows*/, size_t /*bytes*/) {}
  void Truncate(size_t rows) {
    if (rows >= size()) return;
    while (!runs_.empty() && (runs_.size() == 1 ? 0 : runs_[runs_.size() - 2].end) >= rows) {
      text_.resize(runs_.back().text);
      runs_.pop_back();
    }
    if (!runs_.empty()) runs_.back().end = rows;
    cursor_ = 0;
  }
  void Clear() { Truncate(0); }

 private:
  struct Run {
    size_t end;   // one past the run's last row
    size_t text;  // where its value starts in text_ (it ends where the next run's starts)
  };
  std::string_view Value(const Run& r) const {
    const size_t end = &r == &runs_.back() ? text_.size() : (&r)[1].text;
    return std::string_view(text_.data() + r.text, end - r.text);
  }

  std::vector<Run> runs_;
  std::string text_;
  mutable size_t cursor_ = 0;  // the run of the last row read
};

}  // namespace rapport
