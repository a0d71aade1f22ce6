#include "core/import/internal/sniff.h"

#include "core/util/text.h"

namespace rapport::import_internal {

void DateSniffer::Add(std::string_view raw) {
  const std::string_view v = TrimAscii(raw);
  const size_t index = count_++;
  if (v.empty()) return;
  size_t i = 0;
  int a = 0, n1 = 0;
  while (i < v.size() && IsDigit(v[i])) a = (n1 < 6 ? a * 10 + (v[i] - '0') : a), ++i, ++n1;
  if (n1 == 4 || n1 == 8) {
    ++g_.iso;
  } else if (n1 == 0 && !IsDigit(v[0])) {
    ++g_.named;
  } else if ((n1 == 1 || n1 == 2) && i < v.size() && (v[i] == '-' || v[i] == '/' || v[i] == '.')) {
    const char sep = v[i++];
    int c = 0, n2 = 0;
    while (i < v.size() && IsDigit(v[i])) c = (n2 < 6 ? c * 10 + (v[i] - '0') : c), ++i, ++n2;
    if (n2 >= 1 && n2 <= 2 && i < v.size() && v[i] == sep) {
      ++g_.numeric;
      separator_ = sep;
      if (a > 12) first_over_12_ = true;
      if (c > 12) second_over_12_ = true;
      if (g_.example.empty()) {
        g_.example = std::string(v);
        g_.example_index = index;
      }
    }
  }
}

DateGuess DateSniffer::Guess(DateFormat slash_default) const {
  DateGuess g = g_;
  if (g.numeric > g.iso && g.numeric >= g.named) {
    if (first_over_12_ && !second_over_12_) {
      g.format = DateFormat::kDayMonthYear;
    } else if (second_over_12_ && !first_over_12_) {
      g.format = DateFormat::kMonthDayYear;
    } else {
      g.conflicting = first_over_12_ && second_over_12_;
      g.ambiguous = !g.conflicting;
      g.format = separator_ == '/' ? slash_default : DateFormat::kDayMonthYear;
    }
  } else if (g.named > g.iso && g.named > g.numeric) {
    g.format = DateFormat::kMonthNameDayYear;
  }
  return g;
}

void RecordBuffer::Add(const CsvRecord& r) {
  for (size_t i = 0; i < r.size(); ++i) {
    pool_.append(r[i].data(), r[i].size());
    field_ends_.push_back(pool_.size());
  }
  record_ends_.push_back(field_ends_.size());
  lines_.push_back(r.line());
  offsets_.push_back(r.byte_offset());
}

std::string_view RecordBuffer::FieldOf(size_t k, int column) const {
  const size_t first = k == 0 ? 0 : record_ends_[k - 1];
  if (column < 0 || first + static_cast<size_t>(column) >= record_ends_[k]) return {};
  const size_t f = first + static_cast<size_t>(column);
  const size_t start = f == 0 ? 0 : field_ends_[f - 1];
  return std::string_view(pool_.data() + start, field_ends_[f] - start);
}

void RecordBuffer::Views() {
  views_.resize(field_ends_.size());
  size_t start = 0;
  for (size_t i = 0; i < field_ends_.size(); ++i) {
    views_[i] = std::string_view(pool_.data() + start, field_ends_[i] - start);
    start = field_ends_[i];
  }
}

}  // namespace rapport::import_internal
