// TextColumn: a column of strings packed into one buffer, row i being [offset i, offset i+1), with 32-bit
// offsets. The import batch's text columns (BatchText, core/import/batch_text.h) and the workspace's
// per-row text (customers' keys, e-mails, phones, names, tags; orders' keys and names; workspace.h) are this
// one type. A row costs its text and 4 bytes, with no allocation of its own (a std::string costs 32 bytes, and
// a heap block past 15 characters); filling a column allocates per column, not per row. An append is an inline
// copy (CopyShort).
//
// Lazy while every row is empty: only a row count is kept, and the first non-empty value writes the offsets
// before it, so a column a file never fills (tags, phones) costs nothing per row.
//
// Reads: operator[] returns a std::string_view into the column. A view stays valid until the next change
// that may move the text: an append past the capacity, Reserve, Set, Compact, Widen, Truncate, Clear,
// assignment. Appends within the capacity (after Reserve) leave earlier views valid. Copy a row
// (std::string(c[i])) to keep it across such a change.
//
// Rows may be written in place (BeginAppend/EndAppend, MutableRow, Widen) and replaced (Set): a row set
// that is not the last one goes to an overlay (one small string per such row) until Compact() packs it
// back into the buffer; while the overlay is empty a read is the plain subtraction of two offsets. The
// workspace's merge fills a customer's empty name or phone this way and compacts once per import.
//
// A column holding more than 4 GiB of text still works: the offsets are stored modulo 2^32 and `wraps_`
// lists where they wrapped (empty below 4 GiB, so a read is the plain subtraction then).
// BasicTextColumn<bits> wraps at 2^bits; the tests use small widths to reach the wraps.
//
// The std::vector-like names (push_back, emplace_back, back, reserve, capacity, resize, begin/end) are for
// code written against the std::vector<std::string> columns this replaces.
//
// Thread-safety: none (reads are const and may run in parallel while nothing changes the column).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/util/index_iterator.h"
#include "core/workspace/columns.h"  // CopyShort

namespace rapport {

template <unsigned kOffsetBits>
class BasicTextColumn {
  static_assert(kOffsetBits >= 4 && kOffsetBits <= 32, "offsets are stored in 32 bits");

 public:
  BasicTextColumn() = default;
  BasicTextColumn(const BasicTextColumn& o)
      : offsets_(o.offsets_), wraps_(o.wraps_), rows_(o.rows_), reserve_rows_(o.reserve_rows_),
        reserve_bytes_(o.reserve_bytes_), overlay_(o.overlay_) {
    SetCapacity(o.bytes_);
    if (o.bytes_ != 0) std::memcpy(data_.get(), o.data_.get(), o.bytes_);
    bytes_ = o.bytes_;
  }
  BasicTextColumn& operator=(const BasicTextColumn& o) {
    if (this != &o) *this = BasicTextColumn(o);
    return *this;
  }
  // A moved-from column is empty (not a lazy column of the old row count).
  BasicTextColumn(BasicTextColumn&& o) noexcept { *this = std::move(o); }
  BasicTextColumn& operator=(BasicTextColumn&& o) noexcept {
    data_ = std::move(o.data_);
    bytes_ = std::exchange(o.bytes_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    offsets_ = std::move(o.offsets_);
    wraps_ = std::move(o.wraps_);
    rows_ = std::exchange(o.rows_, 0);
    reserve_rows_ = o.reserve_rows_;
    reserve_bytes_ = o.reserve_bytes_;
    overlay_ = std::move(o.overlay_);
    o.offsets_.clear();
    o.wraps_.clear();
    o.overlay_.clear();
    return *this;
  }

  // Inline for the usual rows (a column that holds values, with room in its text and offsets; an empty row of a
  // lazy one); the rest (the first value, growing) out of line, so that an importer's many appends a row stay
  // small enough to be inlined.
  void Append(std::string_view s) {
    if (!offsets_.empty()) {
      if (s.size() <= capacity_ - bytes_ && offsets_.size() < offsets_.capacity()) {
        CopyShort(data_.get() + bytes_, s.data(), s.size());
        EndAppend(s.size());
        return;
      }
    } else if (s.empty()) {
      ++rows_;
      return;
    }
    AppendGrowing(s);
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
  // Row i's text, writable (its length stays). REQUIRES: the column is not lazy, row i is not in the overlay.
  char* MutableRow(size_t i) { return data_.get() + Offset(i); }
  // Lengthens rows [first, size()) by extra(i) bytes each, at their end (the new bytes are unset: write them
  // through MutableRow). In place, moving each row once, from the last back. REQUIRES: not lazy, no overlay.
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
  // A const view, so that `column[i] = value` does not compile (it would assign a temporary): use Set.
  const std::string_view operator[](size_t i) const {
    if (!overlay_.empty()) {
      const auto it = overlay_.find(i);
      if (it != overlay_.end()) return it->second;
    }
    if (offsets_.empty()) return std::string_view();
    if (wraps_.empty()) return std::string_view(data_.get() + offsets_[i], offsets_[i + 1] - offsets_[i]);
    const size_t begin = Offset(i);
    return std::string_view(data_.get() + begin, Offset(i + 1) - begin);
  }
  size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  // True while no row holds a value (nothing is stored).
  bool lazy() const { return offsets_.empty() && overlay_.empty(); }
  // Bytes of text in the buffer (the sum of the rows' lengths while the overlay is empty).
  size_t bytes() const { return bytes_; }
  // Bytes of text the buffer holds without growing (a lazy column: what it reserves for its first value).
  size_t text_capacity() const { return offsets_.empty() ? reserve_bytes_ : capacity_; }
  // Rows of the overlay (Set), 0 once compacted.
  size_t overlay_rows() const { return overlay_.size(); }

  // Row i becomes `s`. The last row is rewritten in place; another goes to the overlay until Compact().
  void Set(size_t i, std::string_view s) {
    if (i + 1 == rows_) {
      Truncate(i);
      Append(s);
      return;
    }
    overlay_[i].assign(s.data(), s.size());
  }
  // Packs the overlay's rows into the buffer (one pass over the column); no-op without an overlay.
  void Compact() {
    if (overlay_.empty()) return;
    size_t bytes = bytes_;
    for (const auto& row : overlay_) bytes += row.second.size();
    BasicTextColumn packed;
    packed.Reserve(std::max(rows_, reserve_rows_), std::max(bytes, reserve_bytes_));
    for (size_t i = 0; i < rows_; ++i) packed.Append((*this)[i]);
    *this = std::move(packed);
  }

  // The std::vector<std::string> names.
  void push_back(std::string_view s) { Append(s); }
  void emplace_back(std::string_view s = std::string_view()) { Append(s); }
  std::string_view back() const { return (*this)[rows_ - 1]; }
  // Room for `rows` rows; the text grows by doubling (Reserve sizes both).
  void reserve(size_t rows) { Reserve(rows, reserve_bytes_); }
  // Rows the column holds without growing its offsets.
  size_t capacity() const { return offsets_.empty() ? std::max(rows_, reserve_rows_) : offsets_.capacity() - 1; }
  // Truncates, or appends empty rows.
  void resize(size_t rows) {
    if (rows < rows_) {
      Truncate(rows);
    } else {
      AppendEmpty(rows - rows_);
    }
  }
  void clear() { Clear(); }

  using const_iterator = IndexIterator<BasicTextColumn, std::string_view>;
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, rows_); }
  // Same rows, row by row (however they are stored).
  friend bool operator==(const BasicTextColumn& a, const BasicTextColumn& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const BasicTextColumn& a, const BasicTextColumn& b) { return !(a == b); }
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
    for (auto it = overlay_.begin(); it != overlay_.end();) it = it->first >= rows ? overlay_.erase(it) : std::next(it);
    if (offsets_.empty()) return;
    bytes_ = Offset(rows);
    offsets_.resize(rows + 1);
    while (!wraps_.empty() && wraps_.back() > rows) wraps_.pop_back();
  }
  // Empties the column; its buffers keep their capacity for the next rows.
  void Clear() { Truncate(0); }

 private:
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  void AppendGrowing(std::string_view s) {
    if (offsets_.empty()) Materialise();  // s is not empty here
    if (s.size() > capacity_ - bytes_) SetCapacity(std::max(bytes_ + s.size(), 2 * capacity_ + 64));
    CopyShort(data_.get() + bytes_, s.data(), s.size());
    EndAppend(s.size());
  }
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
  std::unordered_map<size_t, std::string> overlay_;  // rows Set() after later rows were appended
};

using TextColumn = BasicTextColumn<32>;

}  // namespace rapport
