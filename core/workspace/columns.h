// Column types for the in-memory workspace: append-only strings packed in one buffer, and interned
// dictionaries for low-cardinality text (currencies, statuses, sources, countries). No per-row allocation.
//
// StringColumn and LazyColumn hold nothing until their first value that is not the column's default ("" or
// kDefault): until then only a row count is kept and every row reads as the default. An import batch has
// some 60 columns and most formats fill a few of them, so a field a format never fills costs nothing per row.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/workspace/key_index.h"

namespace rapport {

constexpr uint32_t kNoId = UINT32_MAX;

// memcpy for the short strings of a row (a field, a key), in 8- and 4-byte words with an overlapping last
// word; longer ones go to memcpy. The libc of the WebAssembly build copies unaligned bytes one at a time, which
// made StringColumn::Append the largest memcpy caller there; natively this is as fast as memcpy at these sizes.
inline void CopyShort(char* dst, const char* src, size_t n) {
  if (n >= 8 && n <= 64) {
    uint64_t w;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
      std::memcpy(&w, src + k, 8);
      std::memcpy(dst + k, &w, 8);
    }
    if (k < n) {
      std::memcpy(&w, src + n - 8, 8);
      std::memcpy(dst + n - 8, &w, 8);
    }
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n < 4) {
    for (size_t k = 0; k < n; ++k) dst[k] = src[k];
  } else {
    std::memcpy(dst, src, n);
  }
}

// Strings appended one after another into one buffer; row i is [offsets[i], offsets[i+1]). Lazy: while every
// row appended is empty, no offsets are stored (the first non-empty value writes the zeros before it). The
// text is a plain byte buffer, so an append is an inline copy.
class StringColumn {
 public:
  StringColumn() = default;
  StringColumn(const StringColumn& o)
      : offsets_(o.offsets_), rows_(o.rows_), reserve_rows_(o.reserve_rows_), reserve_bytes_(o.reserve_bytes_) {
    SetCapacity(o.bytes_);
    if (o.bytes_ != 0) std::memcpy(data_.get(), o.data_.get(), o.bytes_);
    bytes_ = o.bytes_;
  }
  StringColumn& operator=(const StringColumn& o) {
    if (this != &o) *this = StringColumn(o);
    return *this;
  }
  // A moved-from column is empty (not a lazy column of the old row count).
  StringColumn(StringColumn&& o) noexcept { *this = std::move(o); }
  StringColumn& operator=(StringColumn&& o) noexcept {
    data_ = std::move(o.data_);
    bytes_ = std::exchange(o.bytes_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    offsets_ = std::move(o.offsets_);
    rows_ = std::exchange(o.rows_, 0);
    reserve_rows_ = o.reserve_rows_;
    reserve_bytes_ = o.reserve_bytes_;
    o.offsets_.clear();
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
    bytes_ += s.size();
    offsets_.push_back(static_cast<uint64_t>(bytes_));
    ++rows_;
  }
  // `count` empty rows (a lazy column only counts them).
  void AppendEmpty(size_t count) {
    if (!offsets_.empty()) offsets_.insert(offsets_.end(), count, static_cast<uint64_t>(bytes_));
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
    bytes_ += bytes;
    offsets_.push_back(static_cast<uint64_t>(bytes_));
    ++rows_;
  }
  // Row i's text, writable (its length stays). REQUIRES: the column is not lazy.
  char* MutableRow(size_t i) { return data_.get() + offsets_[i]; }
  // Lengthens rows [first, size()) by extra(i) bytes each, at their end (the new bytes are unset: write them
  // through MutableRow). In place, moving each row once, from the last back. REQUIRES: not lazy.
  template <typename Extra>
  void Widen(size_t first, Extra extra) {
    size_t total = 0;
    for (size_t i = first; i < rows_; ++i) total += extra(i);
    if (total == 0) return;
    if (total > capacity_ - bytes_) SetCapacity(bytes_ + total);
    char* data = data_.get();
    for (size_t i = rows_; i-- > first;) {
      const uint64_t begin = offsets_[i], end = offsets_[i + 1];
      offsets_[i + 1] = end + total;
      total -= extra(i);
      if (total == 0) break;  // this row and the ones before it stay where they are
      std::memmove(data + begin + total, data + begin, end - begin);
    }
    bytes_ = offsets_[rows_];
  }
  std::string_view operator[](size_t i) const {
    if (offsets_.empty()) return std::string_view();
    return std::string_view(data_.get() + offsets_[i], offsets_[i + 1] - offsets_[i]);
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
    bytes_ = offsets_[rows];
    offsets_.resize(rows + 1);
  }
  // Empties the column; its buffers keep their capacity for the next rows.
  void Clear() { Truncate(0); }

 private:
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
  std::vector<uint64_t> offsets_;  // empty while lazy, else rows_ + 1 entries
  size_t rows_ = 0;
  size_t reserve_rows_ = 0, reserve_bytes_ = 0;
};

// A numeric column with a default value (0, -1 "unknown", kNoDay, ...) that stores nothing while every value
// appended is the default. The const accessors read kDefault for such a column; the mutable ones
// (operator[], back()) store the column first. Otherwise used as a std::vector<T> is.
template <typename T, T kDefault>
class LazyColumn {
 public:
  using value_type = T;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = T;
    const_iterator(const LazyColumn* c, size_t i) : c_(c), i_(i) {}
    T operator*() const { return (*c_)[i_]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { const_iterator t = *this; ++i_; return t; }
    const_iterator& operator+=(difference_type d) { i_ += d; return *this; }
    const_iterator operator+(difference_type d) const { return const_iterator(c_, i_ + d); }
    difference_type operator-(const const_iterator& o) const { return static_cast<difference_type>(i_) - o.i_; }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const LazyColumn* c_;
    size_t i_;
  };

  LazyColumn() = default;
  LazyColumn(const LazyColumn&) = default;
  LazyColumn& operator=(const LazyColumn&) = default;
  LazyColumn(LazyColumn&& o) noexcept { *this = std::move(o); }
  LazyColumn& operator=(LazyColumn&& o) noexcept {
    values_ = std::move(o.values_);
    size_ = std::exchange(o.size_, 0);
    reserve_ = o.reserve_;
    o.values_.clear();
    return *this;
  }

  void push_back(T v) {
    if (values_.empty()) {
      if (v == kDefault) {
        ++size_;
        return;
      }
      Materialise();
    }
    values_.push_back(v);
    ++size_;
  }
  T operator[](size_t i) const { return values_.empty() ? kDefault : values_[i]; }
  T& operator[](size_t i) {
    Materialise();
    return values_[i];
  }
  T back() const { return (*this)[size_ - 1]; }
  T& back() { return (*this)[size_ - 1]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // True while no row holds a value other than the default (nothing is stored).
  bool lazy() const { return values_.empty(); }
  void resize(size_t n) {
    if (!values_.empty()) values_.resize(n, kDefault);
    size_ = n;
  }
  // A capacity hint; a lazy column takes it when its first value comes.
  void reserve(size_t n) {
    reserve_ = n;
    if (!values_.empty()) values_.reserve(n);
  }
  void clear() {
    values_.clear();
    size_ = 0;
  }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }
  // For code written against std::vector<T>: every row as a vector (a lazy column is stored first).
  operator const std::vector<T>&() const {
    Materialise();
    return values_;
  }

 private:
  void Materialise() const {
    if (!values_.empty()) return;
    const size_t want = reserve_ > size_ ? reserve_ : size_;
    if (want > values_.capacity()) values_.reserve(want);
    values_.assign(size_, kDefault);
  }

  mutable std::vector<T> values_;  // empty while lazy, else size_ entries
  size_t size_ = 0;
  size_t reserve_ = 0;
};

// Interned strings; id 0 is always the empty string.
class Dictionary {
 public:
  Dictionary() { Intern(""); }
  uint32_t Intern(std::string_view s) {
    const auto result = index_.try_emplace(s, static_cast<uint32_t>(values_.size()));
    if (result.second) values_.emplace_back(s);
    return result.first->second;
  }
  // kNoId when absent.
  uint32_t Find(std::string_view s) const { return index_.Get(s, kNoId); }
  const std::string& operator[](uint32_t id) const { return values_[id]; }
  size_t size() const { return values_.size(); }

 private:
  std::vector<std::string> values_;
  KeyIndex index_;
};

// Dictionary::Intern with a one-entry memo: consecutive rows mostly repeat a status, source or currency, and
// the memo compares bytes instead of building a std::string key for the hash lookup.
class InternMemo {
 public:
  uint32_t operator()(Dictionary* dictionary, std::string_view value) {
    if (valid_ && value == last_) return id_;
    id_ = dictionary->Intern(value);
    last_.assign(value.data(), value.size());
    valid_ = true;
    return id_;
  }

 private:
  std::string last_;
  uint32_t id_ = 0;
  bool valid_ = false;
};

}  // namespace rapport
