// KeyIndex: string key -> uint32_t id, the workspace's lookup tables (customer aliases, order keys, product
// keys, feedback keys). Replaces std::unordered_map<std::string, uint32_t>, whose node per key (a heap
// allocation, plus a second one for keys past the small-string size) and pointer chase per probe made the
// merge of a large import slow and heavy.
//
// Layout: keys are appended to one buffer (entries keep insertion order); an open-addressing table of 8-byte
// slots (entry index, upper 32 bits of the key's 64-bit hash) with linear probing finds them. A probe compares
// the stored hash bits first and the key bytes only on a match, so lookups are exact (no false hits on a hash
// collision). No erase: the workspace only appends, and RebuildIndexes() starts over.
//
// The interface is the subset of std::unordered_map the code uses (find / end / at / try_emplace / emplace /
// operator[] / size / reserve / clear / iteration / ==), so callers read the same; an iterator's pair is
// {std::string_view first, uint32_t second}, valid until the next insertion.
//
// Thread-safety: none (like the workspace it belongs to).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/hash.h"

namespace rapport {

// 64-bit hash of bytes: 8 bytes at a time, multiply-xorshift, and a final avalanche (fmix64 of MurmurHash3).
inline uint64_t HashKey(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
  }
  return Mix64(h);
}

class KeyIndex {
 public:
  struct Entry {
    std::string_view first;
    uint32_t second;
  };

  class const_iterator {
   public:
    const_iterator(const KeyIndex* index, size_t entry) : index_(index), entry_(entry) {}
    Entry operator*() const { return {index_->key(entry_), index_->values_[entry_]}; }
    struct Arrow {
      Entry entry;
      const Entry* operator->() const { return &entry; }
    };
    Arrow operator->() const { return {**this}; }
    const_iterator& operator++() {
      ++entry_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return entry_ == o.entry_; }
    bool operator!=(const const_iterator& o) const { return entry_ != o.entry_; }

   private:
    const KeyIndex* index_;
    size_t entry_;
  };
  using iterator = const_iterator;

  KeyIndex() { offsets_.push_back(0); }

  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, values_.size()}; }

  void clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
    values_.clear();
    slots_.clear();
    mask_ = 0;
  }

  // Room for `n` keys without growing the table; the key buffer gets room for the `n - size()` keys to come as
  // long as the ones held so far, plus a byte (so a large import does not copy it once per doubling), or, while
  // the index is empty, as long as `key_bytes` says the `n` keys will be together (0: unknown, the buffer then
  // grows as keys come). The buffer is checked at every call, not only when the entries grow: a file's first
  // keys can be shorter than the rest (the 100x export's first copy has no suffix), and a buffer sized from
  // them would double late, copying megabytes into new pages; regrown at the next call, while it holds
  // little, it copies little. Capacity never written costs address space only.
  void reserve(size_t n, size_t key_bytes = 0) {
    if (n > values_.capacity()) {  // geometric, so that reserving a little more many times stays linear
      const size_t grown = std::max(n, values_.capacity() + values_.capacity() / 2);
      offsets_.reserve(grown + 1);
      values_.reserve(grown);
      if (values_.empty() && key_bytes / n > 0) bytes_.reserve(key_bytes / n * grown + grown);
    }
    if (!values_.empty() && n > values_.size()) {
      const size_t want = bytes_.size() + (n - values_.size()) * (bytes_.size() / values_.size() + 1);
      if (want > bytes_.capacity()) bytes_.reserve(std::max(want, bytes_.capacity() + bytes_.capacity() / 2));
    }
    if (n + n / 2 + 1 > slots_.size()) Rehash(n + n / 2 + 1);
  }

  const_iterator find(std::string_view key) const {
    const size_t e = FindEntry(key, HashKey(key));
    return {this, e == kNone ? values_.size() : e};
  }
  size_t count(std::string_view key) const { return FindEntry(key, HashKey(key)) == kNone ? 0 : 1; }
  // The id of `key`, or `missing` when absent (the hot path: one hash, no iterator).
  uint32_t Get(std::string_view key, uint32_t missing) const {
    const size_t e = FindEntry(key, HashKey(key));
    return e == kNone ? missing : values_[e];
  }
  uint32_t at(std::string_view key) const {
    const size_t e = FindEntry(key, HashKey(key));
    if (e == kNone) throw std::out_of_range("KeyIndex::at: no key `" + std::string(key) + "`");
    return values_[e];
  }

  // Inserts key -> id unless present; returns {the entry, inserted?}. An existing id is left unchanged.
  std::pair<const_iterator, bool> try_emplace(std::string_view key, uint32_t id) {
    bool inserted = false;
    const size_t e = Insert(key, HashKey(key), id, &inserted);
    return {const_iterator(this, e), inserted};
  }

  // The same lookups with the key's hash given (h == HashKey(key)), for a caller that probes for a key, then
  // inserts it, and so hashes it once; and Prefetch, which starts loading the slot where a key of hash `h`
  // begins its probe, so that a lookup made a few rows later does not wait for memory (a no-op where the
  // target has no prefetch instruction, as in WebAssembly).
  void Prefetch(uint64_t h) const {
#if defined(__GNUC__) || defined(__clang__)
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<size_t>(h) & mask_]);
#else
    (void)h;
#endif
  }
  uint32_t GetHashed(std::string_view key, uint64_t h, uint32_t missing) const {
    const size_t e = FindEntry(key, h);
    return e == kNone ? missing : values_[e];
  }
  // Inserts key -> id unless present; returns {the id stored for key, inserted?}.
  std::pair<uint32_t, bool> InsertHashed(std::string_view key, uint64_t h, uint32_t id) {
    bool inserted = false;
    const size_t e = Insert(key, h, id, &inserted);
    return {values_[e], inserted};
  }
  std::pair<const_iterator, bool> emplace(std::string_view key, uint32_t id) { return try_emplace(key, id); }
  // The id of `key`, inserted as 0 when absent.
  uint32_t& operator[](std::string_view key) {
    bool inserted = false;
    return values_[Insert(key, HashKey(key), 0, &inserted)];
  }

  // Same keys with the same ids, whatever the insertion order.
  bool operator==(const KeyIndex& o) const {
    if (size() != o.size()) return false;
    for (size_t e = 0; e < values_.size(); ++e) {
      const size_t other = o.FindEntry(key(e), HashKey(key(e)));
      if (other == kNone || o.values_[other] != values_[e]) return false;
    }
    return true;
  }
  bool operator!=(const KeyIndex& o) const { return !(*this == o); }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t entry;  // kEmpty when free
    uint32_t tag;    // upper 32 bits of the hash
  };

  std::string_view key(size_t e) const {
    return std::string_view(bytes_.data() + offsets_[e], static_cast<size_t>(offsets_[e + 1] - offsets_[e]));
  }

  size_t FindEntry(std::string_view k, uint64_t h) const {
    if (slots_.empty()) return kNone;
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t s = static_cast<size_t>(h) & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.entry == kEmpty) return kNone;
      if (slot.tag == tag && key(slot.entry) == k) return slot.entry;
    }
  }

  size_t Insert(std::string_view k, uint64_t h, uint32_t id, bool* inserted) {
    if ((values_.size() + 1) * 4 > slots_.size() * 3) Rehash((values_.size() + 1) * 2);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t s = static_cast<size_t>(h) & mask_;
    for (;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.entry == kEmpty) break;
      if (slot.tag == tag && key(slot.entry) == k) {
        *inserted = false;
        return slot.entry;
      }
    }
    const size_t e = values_.size();
    bytes_.append(k.data(), k.size());
    offsets_.push_back(bytes_.size());
    values_.push_back(id);
    slots_[s] = Slot{static_cast<uint32_t>(e), tag};
    *inserted = true;
    return e;
  }

  // Grows the table to a power of two of at least `want` slots and re-inserts every entry.
  void Rehash(size_t want) {
    size_t n = 16;
    while (n < want) n <<= 1;
    if (n <= slots_.size()) return;
    slots_.assign(n, Slot{kEmpty, 0});
    mask_ = n - 1;
    for (size_t e = 0; e < values_.size(); ++e) {
      const uint64_t h = HashKey(key(e));
      size_t s = static_cast<size_t>(h) & mask_;
      while (slots_[s].entry != kEmpty) s = (s + 1) & mask_;
      slots_[s] = Slot{static_cast<uint32_t>(e), static_cast<uint32_t>(h >> 32)};
    }
  }

  std::string bytes_;              // every key, one after another
  std::vector<uint64_t> offsets_;  // entry e is bytes_[offsets_[e], offsets_[e + 1])
  std::vector<uint32_t> values_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace rapport
