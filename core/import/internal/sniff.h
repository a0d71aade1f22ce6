// Day-first or month-first, decided from a whole column (FORMATS.md §9: "detect from values > 12 across the
// column, never per cell"), and a buffer that holds the first records of a file while that is decided.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/csv/reader.h"
#include "core/util/date.h"

namespace rapport::import_internal {

struct DateGuess {
  DateFormat format = DateFormat::kAuto;  // kAuto: ISO-like values (or nothing seen)
  bool ambiguous = false;                 // d/m values where no value tells the order; `format` is the default
  bool conflicting = false;               // values > 12 in both places
  size_t numeric = 0, iso = 0, named = 0; // how the values looked
  std::string example;                    // the first d/m value
  size_t example_index = 0;               // its position among the values added
};

// The first records of a file its date order is decided from (DateSniffer, RecordBuffer).
constexpr size_t kSniffRows = 4096;

class DateSniffer {
 public:
  void Add(std::string_view value);
  // `slash_default`: the format for ambiguous `/` dates (month-first for US platforms).
  DateGuess Guess(DateFormat slash_default = DateFormat::kMonthDayYear) const;

 private:
  DateGuess g_;
  size_t count_ = 0;
  bool first_over_12_ = false, second_over_12_ = false;
  char separator_ = 0;
};

// Copies of the first records of a file, replayed once a decision has been made.
class RecordBuffer {
 public:
  void Add(const CsvRecord& r);
  size_t size() const { return record_ends_.size(); }
  uint64_t LineOf(size_t k) const { return k < lines_.size() ? lines_[k] : 0; }
  // Field `column` of buffered record k ("" when short).
  std::string_view FieldOf(size_t k, int column) const;
  // Calls fn(record) for each buffered record in order, then empties the buffer.
  template <typename Fn>
  void Replay(Fn&& fn) {
    Views();
    size_t first = 0;
    for (size_t k = 0; k < record_ends_.size(); ++k) {
      CsvRecord r;
      r.fields_ = views_.data() + first;
      r.count_ = record_ends_[k] - first;
      r.line_ = lines_[k];
      r.byte_offset_ = offsets_[k];
      fn(static_cast<const CsvRecord&>(r));
      first = record_ends_[k];
    }
    *this = RecordBuffer();
  }

 private:
  void Views();
  std::string pool_;
  std::vector<size_t> field_ends_, record_ends_;
  std::vector<uint64_t> lines_, offsets_;
  std::vector<std::string_view> views_;
};

}  // namespace rapport::import_internal
