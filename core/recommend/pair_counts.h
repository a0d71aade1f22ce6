// PairCounts: how often each pair of products (a, b) was seen, for the widget build's co-occurrence and sequence
// counts (core/recommend/build.cpp) and the playbooks' cross-sell pairs (core/playbook/playbooks.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace rapport {

// A dense n x n table for catalogues of up to kDenseProducts products (4 MB; an increment without hashing: with
// the 1,000,000-customer store's 60 products, hash-map increments took seconds), a hash map beyond. ForEach
// visits the pairs seen in an order that differs between the two; every use adds per pair or sorts afterwards,
// so no result depends on it.
class PairCounts {
 public:
  static uint64_t Key(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }
  static constexpr size_t kDenseProducts = 1024;
  PairCounts(size_t n, size_t max_pairs) : n_(n), dense_(n <= kDenseProducts) {
    if (dense_) table_.assign(n * n, 0);
    else map_.reserve(std::min<size_t>(max_pairs, size_t{1} << 24));  // no rehashing while counting
  }
  void Add(uint32_t a, uint32_t b) {
    if (dense_) ++table_[size_t{a} * n_ + b];
    else ++map_[Key(a, b)];
  }
  size_t Distinct() const {
    if (!dense_) return map_.size();
    return static_cast<size_t>(std::count_if(table_.begin(), table_.end(), [](uint32_t c) { return c > 0; }));
  }
  template <typename Visit>  // visit(Key(a, b), count)
  void ForEach(Visit&& visit) const {
    if (!dense_) {
      for (const auto& [key, c] : map_) visit(key, c);
      return;
    }
    for (size_t a = 0; a < n_; ++a) {
      for (size_t b = 0; b < n_; ++b) {
        if (const uint32_t c = table_[a * n_ + b]) visit(Key(static_cast<uint32_t>(a), static_cast<uint32_t>(b)), c);
      }
    }
  }

 private:
  size_t n_;
  bool dense_;
  std::vector<uint32_t> table_;
  std::unordered_map<uint64_t, uint32_t> map_;
};

}  // namespace rapport
