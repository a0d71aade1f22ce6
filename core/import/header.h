// HeaderIndex: finds a file's columns by name, once, so importers never search the header per row.
//
// A column is named by its header text (compared case-insensitively after trimming spaces, a UTF-8 BOM and
// Excel's guard apostrophe) or by its 1-based position written "#3". Find() returns the 0-based field
// index, or -1 when no column matches. FindLoose() also ignores everything but letters and digits, so
// "customer_id", "Customer ID" and "CustomerId" are the same name (for generic files and synonyms).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/csv/reader.h"

namespace rapport {

class HeaderIndex {
 public:
  HeaderIndex() = default;
  explicit HeaderIndex(const CsvRecord& header) { Reset(header); }
  void Reset(const CsvRecord& header);
  // A header of `count` unnamed columns (a file without a header row): only "#n" finds anything.
  void ResetUnnamed(size_t count);

  // Exact name (case-insensitive, trimmed) or "#n". -1 when absent.
  int Find(std::string_view name) const;
  // The first of several names that is present; -1 when none is.
  int FindAny(std::initializer_list<std::string_view> names) const;
  // Like Find, comparing only letters and digits, lower-cased ("Member_number" == "member number").
  int FindLoose(std::string_view name) const;
  int FindAnyLoose(std::initializer_list<std::string_view> names) const;

  size_t size() const { return names_.size(); }
  // The header text of column i as written (trimmed), "" for unnamed columns; "#<i+1>" if that is empty.
  std::string Label(size_t i) const;
  // The first `n` names joined with ", " (for "unrecognised header" messages).
  std::string Preview(size_t n) const;

 private:
  std::vector<std::string> names_;   // trimmed, as written
  std::vector<std::string> lower_;   // trimmed, lower-cased
  std::vector<std::string> loose_;   // letters and digits only, lower-cased
};

// "#3" -> 2; -1 when `spec` is not of that form.
int ParseColumnNumber(std::string_view spec);
// Trim, drop a UTF-8 BOM and a leading apostrophe: how header cells are compared.
std::string_view CleanHeaderCell(std::string_view cell);

}  // namespace rapport
