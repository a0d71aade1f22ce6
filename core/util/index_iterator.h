// A random-access const iterator over a column that gives its rows by value through `operator[](size_t) const`
// (a lazy column's T, a packed text column's std::string_view): the column and a row index, nothing stored.
#pragma once

#include <cstddef>
#include <iterator>

namespace rapport {

template <typename Column, typename Value>
class IndexIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using pointer = const Value*;
  using reference = Value;
  IndexIterator(const Column* c, size_t i) : c_(c), i_(i) {}
  Value operator*() const { return (*c_)[i_]; }
  IndexIterator& operator++() { ++i_; return *this; }
  IndexIterator operator++(int) { IndexIterator t = *this; ++i_; return t; }
  IndexIterator& operator+=(difference_type d) { i_ += d; return *this; }
  IndexIterator operator+(difference_type d) const { return IndexIterator(c_, i_ + d); }
  difference_type operator-(const IndexIterator& o) const { return static_cast<difference_type>(i_) - o.i_; }
  bool operator==(const IndexIterator& o) const { return i_ == o.i_; }
  bool operator!=(const IndexIterator& o) const { return i_ != o.i_; }

 private:
  const Column* c_;
  size_t i_;
};

}  // namespace rapport
