#include "core/import/header.h"

#include "core/util/text.h"

namespace rapport {

namespace {

std::string Loose(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const char l = AsciiLower(c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out.push_back(l);
  }
  return out;
}

}  // namespace

std::string_view CleanHeaderCell(std::string_view cell) {
  cell = TrimAscii(cell);
  if (cell.size() >= 3 && static_cast<unsigned char>(cell[0]) == 0xEF && static_cast<unsigned char>(cell[1]) == 0xBB &&
      static_cast<unsigned char>(cell[2]) == 0xBF) {
    cell = TrimAscii(cell.substr(3));
  }
  return StripExcelGuard(cell);
}

int ParseColumnNumber(std::string_view spec) {
  spec = TrimAscii(spec);
  if (spec.size() < 2 || spec[0] != '#') return -1;
  int64_t n = 0;
  if (!ParseInt64(spec.substr(1), &n) || n < 1 || n > 1000000) return -1;
  return static_cast<int>(n - 1);
}

void HeaderIndex::Reset(const CsvRecord& header) {
  names_.clear();
  lower_.clear();
  loose_.clear();
  for (size_t i = 0; i < header.size(); ++i) {
    std::string_view cell = CleanHeaderCell(header[i]);
    names_.emplace_back(cell);
    lower_.push_back(ToLowerAscii(cell));
    loose_.push_back(Loose(cell));
  }
}

void HeaderIndex::ResetUnnamed(size_t count) {
  names_.assign(count, std::string());
  lower_.assign(count, std::string());
  loose_.assign(count, std::string());
}

int HeaderIndex::Find(std::string_view name) const {
  if (!name.empty() && TrimAscii(name)[0] == '#') {
    const int n = ParseColumnNumber(name);
    if (n >= 0) return n < static_cast<int>(names_.size()) ? n : -1;
  }
  std::string_view want = TrimAscii(name);
  if (want.empty()) return -1;
  for (size_t i = 0; i < lower_.size(); ++i) {
    if (EqualsIgnoreCase(lower_[i], want)) return static_cast<int>(i);
  }
  return -1;
}

int HeaderIndex::FindAny(std::initializer_list<std::string_view> names) const {
  for (std::string_view n : names) {
    const int i = Find(n);
    if (i >= 0) return i;
  }
  return -1;
}

int HeaderIndex::FindLoose(std::string_view name) const {
  const int exact = Find(name);
  if (exact >= 0) return exact;
  const std::string want = Loose(name);
  if (want.empty()) return -1;
  for (size_t i = 0; i < loose_.size(); ++i) {
    if (loose_[i] == want) return static_cast<int>(i);
  }
  return -1;
}

int HeaderIndex::FindAnyLoose(std::initializer_list<std::string_view> names) const {
  for (std::string_view n : names) {
    const int i = FindLoose(n);
    if (i >= 0) return i;
  }
  return -1;
}

std::string HeaderIndex::Label(size_t i) const {
  if (i < names_.size() && !names_[i].empty()) return names_[i];
  return "#" + std::to_string(i + 1);
}

std::string HeaderIndex::Preview(size_t n) const {
  std::string out;
  for (size_t i = 0; i < names_.size() && i < n; ++i) {
    if (i) out += ", ";
    out += names_[i];
  }
  if (names_.size() > n) out += ", ...";
  return out;
}

}  // namespace rapport
