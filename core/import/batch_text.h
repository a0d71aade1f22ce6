// BatchText: the import batch's text column. Strings appended one after another into one buffer (an append is
// an inline copy, CopyShort), row i being [offset i, offset i+1); lazy while every row is empty (only a row
// count is kept; the first non-empty value writes the offsets before it); rows may be written in place. The
// offsets are 32-bit: a row costs its text and 4 bytes (it was 8 with the 64-bit offsets of the StringColumn
// this replaces). The batch is new memory that a single
// import page-faults as it fills, so its footprint is what a cold import pays for (bench/RESULTS.md,
// "Importers (issue 6)"); a transactions row has five text cells.
//
// A column holding more than 4 GiB of text still works: the offsets are stored modulo 2^32 and `wraps_`
// lists where they wrapped (empty below 4 GiB, so a read is the plain subtraction then). BasicBatchText<bits>
// wraps at 2^bits; the tests use small widths to reach the wraps.
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

#include "core/workspace/columns.h"  // CopyShort

namespace rapport {

template <unsigned kOffsetBits>
class BasicBatchText {
  static_assert(kOffsetBits >= 4 && kOffsetBits <= 32, "offsets are stored in 32 bits");

 public:
  BasicBatchText() = default;
  BasicBatchText(const BasicBatchText& o)
      : offsets_(o.offsets_), wraps_(o.wraps_), rows_(o.rows_), reserve_rows_(o.reserve_rows_),
        reserve_bytes_(o.reserve_bytes_) {
    SetCapacity(o.bytes_);
    if (o.bytes_ != 0) std::memcpy(data_.get(), o.data_.get(), o.bytes_);
    bytes_ = o.bytes_;
  }
  BasicBatchText& operator=(const BasicBatchText& o) {
    if (this != &o) *this = BasicBatchText(o);
    return *this;
  }
  // A moved-from column is empty (not a lazy column of the old row count).
  BasicBatchText(BasicBatchText&& o) noexcept { *this = std::move(o); }
  BasicBatchText& operator=(BasicBatchText&& o) noexcept {
    data_ = std::move(o.data_);
    bytes_ = std::exchange(o.bytes_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    offsets_ = std::move(o.offsets_);
    wraps_ = std::move(o.wraps_);
    rows_ = std::exchange(o.rows_, 0);
    reserve_rows_ = o.reserve_rows_;
    reserve_bytes_ = o.reserve_bytes_;
    o.offsets_.clear();
    o.wraps_.clear();
    return *this;
  }

  void Append(std::string_view s) {
    if (offsets_.empty()) {
      if (s.empty()) {
        ++rows_;
        return;
      }
      Materialise();
    }
    if (s.size() > capacity_ - bytes_) SetCapacity(std::max(bytes_ + s.size(), 2 * capacity_ + 64));
    CopyShort(data_.get() + bytes_, s.data(), s.size());
    EndAppend(s.size());
  }
  // `count` empty rows (a lazy column only counts them).
  void AppendEmpty(size_t count) {
    if (!offsets_.empty()) offsets_.insert(offsets_.end(), count, Low(bytes_));
    rows_ += count;
  }
  // A row written in place (no temporary string): write at most `max_bytes` at the returned pointer, then
  // EndAppend(bytes written). Nothing else may change the column in between.
  char* BeginAppend(size_t max_bytes) {
    if (offsets_.empty()) Materialise();
    if (max_bytes > capacity_ - bytes_) SetCapacity(std::max(bytes_ + max_bytes, 2 * capacity_ + 64));
    return data_.get() + bytes_;
  }
  void EndAppend(size_t bytes) {
    const size_t end = bytes_ + bytes;
    if (High(end) != High(bytes_)) AddWraps(bytes_, end, offsets_.size());
    bytes_ = end;
    offsets_.push_back(Low(end));
    ++rows_;
  }
  // Row i's text, writable (its length stays). REQUIRES: the column is not lazy.
  char* MutableRow(size_t i) { return data_.get() + Offset(i); }
  // Lengthens rows [first, size()) by extra(i) bytes each, at their end (the new bytes are unset: write them
  // through MutableRow). In place, moving each row once, from the last back. REQUIRES: not lazy.
  template <typename Extra>
  void Widen(size_t first, Extra extra) {
    size_t total = 0;
    for (size_t i = first; i < rows_; ++i) total += extra(i);
    if (total == 0) return;
    if (total > capacity_ - bytes_) SetCapacity(bytes_ + total);
    char* data = data_.get();
    // The text, from the last row back (the offsets are still the old ones)...
    size_t shift = total;
    for (size_t i = rows_; i-- > first;) {
      const size_t begin = Offset(i), end = Offset(i + 1);
      shift -= extra(i);
      if (shift == 0) break;  // this row and the ones before it stay where they are
      std::memmove(data + begin + shift, data + begin, end - begin);
    }
    // ...then the offsets after `first`, forwards: each old one read before it is overwritten, against the old
    // wraps, while the new wraps are collected beside them.
    std::vector<size_t> wraps(wraps_.begin(), std::upper_bound(wraps_.begin(), wraps_.end(), first));
    size_t previous = Offset(first);
    for (size_t i = first; i < rows_; ++i) {
      shift += extra(i);
      const size_t end = Offset(i + 1) + shift;
      if (High(end) != High(previous)) {
        for (uint64_t k = High(previous); k < High(end); ++k) wraps.push_back(i + 1);
      }
      offsets_[i + 1] = Low(end);
      previous = end;
    }
    wraps_ = std::move(wraps);
    bytes_ = previous;
  }
  std::string_view operator[](size_t i) const {
    if (offsets_.empty()) return std::string_view();
    if (wraps_.empty()) return std::string_view(data_.get() + offsets_[i], offsets_[i + 1] - offsets_[i]);
    const size_t begin = Offset(i);
    return std::string_view(data_.get() + begin, Offset(i + 1) - begin);
  }
  size_t size() const { return rows_; }
  // True while no row holds a value (nothing is stored).
  bool lazy() const { return offsets_.empty(); }
  // Bytes of text held (the sum of the rows' lengths).
  size_t bytes() const { return bytes_; }
  // Room for `rows` rows and `bytes` bytes of text. A lazy column only remembers the hint and takes it when
  // its first value comes.
  void Reserve(size_t rows, size_t bytes) {
    reserve_rows_ = rows;
    reserve_bytes_ = bytes;
    if (offsets_.empty()) return;
    offsets_.reserve(rows + 1);
    if (bytes > capacity_) SetCapacity(bytes);
  }
  void Truncate(size_t rows) {
    if (rows >= rows_) return;
    rows_ = rows;
    if (offsets_.empty()) return;
    bytes_ = Offset(rows);
    offsets_.resize(rows + 1);
    while (!wraps_.empty() && wraps_.back() > rows) wraps_.pop_back();
  }
  // Empties the column; its buffers keep their capacity for the next rows.
  void Clear() { Truncate(0); }

 private:
  // Which 2^kOffsetBits-byte stretch an offset is in. In 64 bits: where size_t has 32 (WebAssembly), a shift
  // of a size_t by 32 would be undefined; there the answer is always 0 (no buffer reaches 4 GiB).
  static uint64_t High(uint64_t offset) { return offset >> kOffsetBits; }
  static uint32_t Low(size_t offset) {
    return static_cast<uint32_t>(offset & ((uint64_t{1} << kOffsetBits) - 1));
  }
  // The full offset of entry j of offsets_ (row j's start).
  size_t Offset(size_t j) const {
    if (wraps_.empty()) return offsets_[j];
    const size_t high = static_cast<size_t>(std::upper_bound(wraps_.begin(), wraps_.end(), j) - wraps_.begin());
    return offsets_[j] + static_cast<size_t>(uint64_t{high} << kOffsetBits);
  }
  // Entry j ends at `end`, the one before at `begin`: one wrap for each multiple of 2^bits passed.
  void AddWraps(size_t begin, size_t end, size_t j) {
    for (uint64_t k = High(begin); k < High(end); ++k) wraps_.push_back(j);
  }
  void Materialise() {
    offsets_.reserve((reserve_rows_ > rows_ ? reserve_rows_ : rows_) + 1);
    offsets_.assign(rows_ + 1, 0);
    if (reserve_bytes_ > capacity_) SetCapacity(reserve_bytes_);
  }
  // Moves the text to a buffer of `capacity` bytes (>= bytes_).
  void SetCapacity(size_t capacity) {
    std::unique_ptr<char[]> data(capacity != 0 ? new char[capacity] : nullptr);
    if (bytes_ != 0) std::memcpy(data.get(), data_.get(), bytes_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t bytes_ = 0, capacity_ = 0;
  std::vector<uint32_t> offsets_;  // empty while lazy, else rows_ + 1 entries, modulo 2^kOffsetBits
  std::vector<size_t> wraps_;      // ascending: entry j of offsets_ is past one more multiple of 2^bits
  size_t rows_ = 0;
  size_t reserve_rows_ = 0, reserve_bytes_ = 0;
};

using BatchText = BasicBatchText<32>;

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
