// Column types: lazy numeric columns, interned dictionaries for low-cardinality text (currencies, statuses,
// sources, countries), and CopyShort for the packed text columns (TextColumn, core/workspace/text_column.h:
// the workspace's and the import batch's). No per-row allocation.
//
// LazyColumn (like BatchText) holds nothing until its first value that is not the column's default
// (kDefault; "" for text): until then only a row count is kept and every row reads as the default. An import batch has
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

#include "core/util/index_iterator.h"
#include "core/workspace/key_index.h"

namespace rapport {

constexpr uint32_t kNoId = UINT32_MAX;

// memcpy for the short strings of a row (a field, a key), in 8- and 4-byte words with an overlapping last
// word; longer ones go to memcpy. The libc of the WebAssembly build copies unaligned bytes one at a time, which
// made the batch text columns' appends the largest memcpy caller there; natively this is as fast as memcpy at these sizes.
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

// A numeric column with a default value (0, -1 "unknown", kNoDay, ...) that stores nothing while every value
// appended is the default. The const accessors read kDefault for such a column; the mutable ones
// (operator[], back()) store the column first. Otherwise used as a std::vector<T> is.
template <typename T, T kDefault>
class LazyColumn {
 public:
  using value_type = T;

  using const_iterator = IndexIterator<LazyColumn, T>;

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
