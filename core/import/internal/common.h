// Helpers shared by the importers (not part of the public face of core/import): issue rows, small
// text utilities that write into reused buffers, and the factory of every format for registry.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/import/batch.h"
#include "core/import/importer.h"
#include "core/io/csv/reader.h"

namespace rapport::import_internal {

// "`value`", cut to 60 bytes (on a UTF-8 boundary) with "..." so messages stay readable.
std::string Quoted(std::string_view value);
// Quoted(value), appended to *out.
void AppendQuoted(std::string* out, std::string_view value);

// Appends an ImportIssue for `record`. `column` is the 0-based field index, or -1 for the whole row. A message
// that quotes the cell (Quoted) or repeats is kept by its shape (BatchIssues), any other copied into the batch.
void AddIssue(ImportBatch* batch, const CsvRecord& record, int column, std::string_view field, const char* code,
              std::string_view message, bool rejected);
// The same with the message `shape` makes of `cell` (the text it quotes, when it quotes one), built only when
// that text is not the record's field at `column` itself (a trimmed cell): a file of bad rows builds none.
void AddIssue(ImportBatch* batch, const CsvRecord& record, int column, const IssueShape& shape,
              std::string_view cell = {});

// Upper-cases ASCII into *out (cleared first).
void UpperTo(std::string_view s, std::string* out);
// Lower-cases ASCII into *out (cleared first).
void LowerTo(std::string_view s, std::string* out);
// True when `haystack` contains `needle`, ASCII case-insensitively.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
// True when a comma-separated tag list holds `tag` (trimmed, case-insensitive).
bool HasTag(std::string_view tags, std::string_view tag);
// "yes"/"true"/"1" -> 1, "no"/"false"/"0" -> 0, else -1.
int8_t ParseYesNo(std::string_view s);
// Appends the decimal form of v.
void AppendInt(std::string* out, int64_t v);
// Appends "YYYY-MM-DD".
void AppendDay(std::string* out, int32_t day);

// The field, or "" when the column is absent (index < 0) or the record is short.
inline std::string_view Field(const CsvRecord& record, int index) {
  return index < 0 ? std::string_view() : record[static_cast<size_t>(index)];
}

// Formats, listed by registry.cpp.
int ShopifyOrdersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateShopifyOrders(const ImportOptions& options);
int ShopifyCustomersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateShopifyCustomers(const ImportOptions& options);
int ShopifyProductsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateShopifyProducts(const ImportOptions& options);
int JudgemeReviewsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateJudgemeReviews(const ImportOptions& options);
int WooAnalyticsOrdersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateWooAnalyticsOrders(const ImportOptions& options);
int WooCustomersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateWooCustomers(const ImportOptions& options);
int WooAoeOrdersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateWooAoeOrders(const ImportOptions& options);
int MagentoOrdersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateMagentoOrders(const ImportOptions& options);
int BigCommerceOrdersScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateBigCommerceOrders(const ImportOptions& options);
int YotpoReviewsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateYotpoReviews(const ImportOptions& options);
int GenericSurveysScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateGenericSurveys(const ImportOptions& options);
int GenericTicketsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateGenericTickets(const ImportOptions& options);
int ZendeskTicketsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateZendeskTickets(const ImportOptions& options);
int GorgiasTicketsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateGorgiasTickets(const ImportOptions& options);
int DelightedSurveysScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateDelightedSurveys(const ImportOptions& options);
int TypeformSurveysScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateTypeformSurveys(const ImportOptions& options);
int GenericTransactionsScore(const CsvRecord& header);
std::unique_ptr<Importer> CreateGenericTransactions(const ImportOptions& options);

}  // namespace rapport::import_internal
