// Detection before import (core/import/detect.h): the dialect, header, first rows and format of a file
// from its first bytes; a suggested mapping for generic files; checking a proposed mapping.
#include <catch2/catch.hpp>

#include "core/import/detect.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

TEST_CASE("detect: a platform export from its first bytes", "[import][detect]") {
  const std::string bytes = test::ReadAll(test::Fixture("bigcommerce_orders.csv"));
  // A cut sample: the last partial line is dropped.
  Result<FileProbe> probe = ProbeFile(std::string_view(bytes).substr(0, 1500), "orders.csv", {});
  REQUIRE(probe.ok());
  CHECK(probe->dialect.delimiter == ',');
  CHECK(probe->has_header);
  CHECK(probe->header[0] == "Order ID");
  REQUIRE(probe->format != nullptr);
  CHECK(std::string(probe->format->format) == "bigcommerce_orders");
  CHECK_FALSE(probe->generic);
  REQUIRE_FALSE(probe->candidates.empty());
  CHECK(probe->candidates[0].info == probe->format);
  CHECK(probe->rows.size() <= kPreviewRows);
  REQUIRE_FALSE(probe->rows.empty());
  CHECK(probe->rows[0][0] == "100");
}

TEST_CASE("detect: a generic file gets a suggested mapping", "[import][detect]") {
  const std::string text = "Member_number;Date;itemDescription;Price\r\n1808;21-07-2015;tropical fruit;1,50\r\n"
                           "2552;05-01-2015;whole milk;2,00\r\n";
  Result<FileProbe> probe = ProbeFile(text, "groceries.csv", {});
  REQUIRE(probe.ok());
  CHECK(probe->dialect.delimiter == ';');
  CHECK(probe->generic);
  CHECK(probe->suggested.customer == "Member_number");
  CHECK(probe->suggested.date == "Date");
  CHECK(probe->suggested.sku == "itemDescription");
  CHECK(probe->suggested.amount == "Price");
  CHECK(probe->suggested_kind == "transactions");
  CHECK(probe->rows.size() == 2);
}

TEST_CASE("detect: an unknown header and a headerless file", "[import][detect]") {
  Result<FileProbe> unknown = ProbeFile("Foo,Bar\n1,2\n", "x.csv", {}, /*complete=*/true);
  REQUIRE(unknown.ok());
  CHECK(unknown->format == nullptr);
  CHECK(unknown->generic);
  CHECK(unknown->suggested.empty());
  Result<FileProbe> cdnow = ProbeFile(test::ReadAll(test::Fixture("cdnow_like.txt")), "cdnow.txt", {}, true);
  REQUIRE(cdnow.ok());
  CHECK_FALSE(cdnow->has_header);
  CHECK(cdnow->dialect.whitespace_runs);
  CHECK(cdnow->header[0] == "#1");
  CHECK(cdnow->suggested.date == "#3");
  CHECK(cdnow->suggested.amount == "#5");
  CHECK_FALSE(ProbeFile(std::string("PK\x03\x04zzzz", 8), "book.xlsx", {}).ok());
}

TEST_CASE("detect: checking a proposed mapping", "[import][detect]") {
  const std::string text =
      "Member,Datum,Betrag\nc1,03/04/2024,\"1,50\"\nc2,04/05/2024,\"2,00\"\nc3,12/13/2024,x\n";
  ImportOptions options;
  options.mapping.customer = "Member";
  options.mapping.date = "Datum";
  options.mapping.amount = "Betrag";
  options.decimal_separator = ',';
  MappingCheck check = CheckMapping(text, "f.csv", options, "", true);
  CHECK(check.ok());
  CHECK(check.kind == "transactions");
  CHECK(check.date_guess == "month-first");  // 13 in second place, across the column
  CHECK(check.date_format == "mdy");
  REQUIRE(check.columns.size() == 3);
  const MappedColumn& date = check.columns[1];
  CHECK(date.role == "date");
  CHECK(date.parsed[0] == "2024-03-04 00:00:00");
  const MappedColumn& amount = check.columns[2];
  CHECK(amount.parsed[0] == "1.50");
  CHECK(amount.checked == 3);
  CHECK(amount.errors == 1);
  CHECK(amount.first_error.find("`x`") != std::string::npos);

  ImportOptions missing;
  missing.mapping.amount = "Betrag";
  missing.mapping.date = "Date";  // no such column
  MappingCheck bad = CheckMapping(text, "f.csv", missing, "", true);
  CHECK_FALSE(bad.ok());
  CHECK(bad.unknown == std::vector<std::string>{"date=Date"});
  CHECK(bad.missing == std::vector<std::string>{"date", "customer or email"});

  // Day-first from a value > 12 in first place; ambiguous when none is.
  ImportOptions dmy;
  dmy.mapping.customer = "#1";
  dmy.mapping.date = "#2";
  CHECK(CheckMapping("1,25/03/2024\n2,01/02/2024\n", "f.csv", dmy, "", true).date_guess == "day-first");
  MappingCheck ambiguous = CheckMapping("1,01/02/2024\n2,03/04/2024\n", "f.csv", dmy, "", true);
  CHECK(ambiguous.date_guess == "ambiguous");
  CHECK(ambiguous.date_example == "01/02/2024");
}

}  // namespace
}  // namespace rapport
