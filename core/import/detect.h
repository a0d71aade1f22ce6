// Detection before import: what the dashboard shows when a file is dropped, from its first bytes only.
//
//   Result<FileProbe> probe = ProbeFile(first_kilobytes, "orders.csv", options);
//
// It sniffs the dialect (core/io/csv), reads the header and the first rows, scores every importer on the
// header (the same DetectImporter scores the import uses), and for generic or unknown files suggests a
// column mapping from header synonyms. CheckMapping then validates a proposed mapping against the same
// sample: which required roles are missing, sample parsed values per mapped column (with the count of
// values that do not parse), and a day-first / month-first guess made from values > 12 across the whole
// column (FORMATS.md §9), never per cell.
//
// The sample may end in the middle of a record: the last partial line is dropped. Nothing here touches a
// workspace; the op "detect" (core/api/ops/detect.cpp) turns the structs into JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/import/importer.h"
#include "core/io/csv/reader.h"
#include "core/util/status.h"

namespace rapport {

struct FormatScore {
  const ImporterInfo* info = nullptr;
  int score = 0;
};

struct FileProbe {
  CsvDialect dialect;
  std::string encoding = "utf-8";             // or "windows-1252" (read as such for the preview)
  bool has_header = true;                      // false when the first record looks like data
  std::vector<std::string> header;             // the first record (as written, trimmed); "#n" names when no header
  std::vector<std::vector<std::string>> rows;  // the first rows after the header (at most kPreviewRows)
  size_t sample_rows = 0;                      // data records in the whole sample
  std::vector<FormatScore> candidates;         // every importer with a score > 0, best first
  const ImporterInfo* format = nullptr;        // what the import would pick (options.format honoured); null = none
  bool generic = true;                         // no platform format recognised: a mapping is useful
  ColumnMapping suggested;                     // for generic/unknown files: roles found from header synonyms
  std::string suggested_kind;                  // "transactions", "reviews", "tickets", "surveys" or ""
};

constexpr size_t kPreviewRows = 5;

// `complete`: the sample is the whole file (its last line is kept even without a line end).
Result<FileProbe> ProbeFile(std::string_view sample, const std::string& file_name, const ImportOptions& options,
                            bool complete = false);

struct MappedColumn {
  std::string role;                  // "date"
  std::string spec;                  // as given: "Date" or "#2"
  int index = -1;                    // 0-based; -1 when the file has no such column
  std::string label;                 // the header name found
  std::vector<std::string> samples;  // raw values of the preview rows
  std::vector<std::string> parsed;   // the same values as the import reads them ("" + error when they do not parse)
  size_t checked = 0, errors = 0;    // values checked in the whole sample / values that do not parse
  std::string first_error;           // "`03/13/24`: expected a date like 2024-03-01"
};

struct MappingCheck {
  std::string kind;                        // "transactions", "reviews", "tickets", "surveys"
  std::vector<std::string> missing;        // required roles not mapped (or mapped to an absent column)
  std::vector<std::string> unknown;        // mapped columns the file does not have ("date=Datum")
  std::vector<MappedColumn> columns;       // one per mapped role, in MappingRoles() order
  std::string date_format = "auto";        // the format the import would use: "auto", "dmy", "mdy", "month-name"
  std::string date_guess = "";             // from the values: "day-first", "month-first", "iso", "month-name",
                                           // "ambiguous" (no value > 12), "conflicting", "" (no date column)
  std::string date_example;                // a day/month value, for the ambiguous message
  // Row by row over the sample: data rows checked, rows whose every mapped value parses, and the
  // earliest bad cell (1-based line and column; 0 when none) with its message.
  size_t rows_checked = 0, rows_ok = 0;
  uint64_t first_error_line = 0;
  int first_error_column = 0;
  std::string first_error;
  bool ok() const { return missing.empty() && unknown.empty(); }
};

// `kind` "" = from the mapping's roles, as DetectImporter decides.
MappingCheck CheckMapping(std::string_view sample, const std::string& file_name, const ImportOptions& options,
                          std::string kind = "", bool complete = false);

}  // namespace rapport
