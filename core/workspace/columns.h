// Column types for the in-memory workspace: append-only strings packed in one buffer, and interned
// dictionaries for low-cardinality text (currencies, statuses, sources, countries). No per-row allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/workspace/key_index.h"

namespace rapport {

constexpr uint32_t kNoId = UINT32_MAX;

// Strings appended one after another into one buffer; row i is [offsets[i], offsets[i+1]).
class StringColumn {
 public:
  StringColumn() { offsets_.push_back(0); }
  void Append(std::string_view s) {
    data_.append(s.data(), s.size());
    offsets_.push_back(static_cast<uint64_t>(data_.size()));
  }
  std::string_view operator[](size_t i) const {
    return std::string_view(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  size_t size() const { return offsets_.size() - 1; }
  void Reserve(size_t rows, size_t bytes) {
    offsets_.reserve(rows + 1);
    data_.reserve(bytes);
  }
  void Truncate(size_t rows) {
    data_.resize(offsets_[rows]);
    offsets_.resize(rows + 1);
  }
  void Clear() { Truncate(0); }

 private:
  std::string data_;
  std::vector<uint64_t> offsets_;
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
