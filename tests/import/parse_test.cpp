// ParseSession and the registry: detection, and files that cannot be read at all (empty, binary,
// unknown header, quote left open, Latin-1 bytes). Fixtures: tests/fixtures/import/README.md.
#include <catch2/catch.hpp>

#include "core/import/header.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

TEST_CASE("HeaderIndex finds columns by name, loosely, and by position", "[import]") {
  const std::string_view fields[] = {"\xEF\xBB\xBFName", " Created at ", "Member_number", "'Total"};
  CsvRecord header;
  header.fields_ = fields;
  header.count_ = 4;
  header.line_ = 1;
  HeaderIndex h(header);
  CHECK(h.Find("name") == 0);
  CHECK(h.Find("Created at") == 1);
  CHECK(h.Find("CREATED AT") == 1);
  CHECK(h.Find("Created") == -1);
  CHECK(h.Find("#3") == 2);
  CHECK(h.Find("#5") == -1);
  CHECK(h.Find("total") == 3);
  CHECK(h.FindLoose("member number") == 2);
  CHECK(h.FindAny({"nope", "Total"}) == 3);
  CHECK(h.Label(1) == "Created at");
}

TEST_CASE("Detection picks Shopify orders and generic transactions", "[import]") {
  const std::string shopify = test::ReadAll(test::Fixture("shopify_orders_small.csv"));
  ParseSession session("orders.csv", {});
  REQUIRE(session.Feed(shopify).ok());
  CHECK(session.bytes_consumed() == shopify.size());
  CHECK(session.Finish().ok());  // a small file is sniffed (and its header read) only at Finish
  REQUIRE(session.detected() != nullptr);
  CHECK(std::string(session.detected()->format) == "shopify_orders");
  CHECK(FindImporter("generic_transactions") != nullptr);
  CHECK(FindImporter("nope") == nullptr);
}

TEST_CASE("Unknown header", "[import]") {
  Result<ImportBatch> r = test::ParseChunked(test::ReadAll(test::Fixture("unknown_header.csv")), "orders.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnknownFormat);
  CHECK(r.status().message().rfind("orders.csv:1:1: unrecognised header (Foo, Bar, Baz, Qux); expected a Shopify orders export", 0) == 0);
  CHECK(r.status().message().find("or give a column mapping") != std::string::npos);
  ImportOptions options;
  options.format = "woo";
  r = test::ParseChunked("a,b\n", "x.csv", 0, options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Empty and binary files", "[import]") {
  Result<ImportBatch> r = test::ParseChunked("", "e.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kParseError);
  CHECK(r.status().message() == "e.csv:1:1: the file is empty; expected a CSV export with a header row");
  r = test::ParseChunked("\n\n  \n", "e.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kParseError);
  r = test::ParseChunked(std::string("PK\x03\x04\x14\0\0\0", 8), "orders.xlsx");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("Excel") != std::string::npos);
  r = test::ParseChunked(std::string("a,b\n1,\0\x01\x02", 10), "bin.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kParseError);
  CHECK(r.status().message().rfind("bin.csv:2:", 0) == 0);
}

TEST_CASE("A quote left open is a parse error naming the line", "[import]") {
  Result<ImportBatch> r = test::ParseChunked(test::ReadAll(test::Fixture("truncated.csv")), "t.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kParseError);
  CHECK(r.status().message().rfind("t.csv:3:", 0) == 0);
}

TEST_CASE("Latin-1 bytes are read as Windows-1252 with a warning", "[import]") {
  const std::string bytes = test::ReadAll(test::Fixture("latin1.csv"));
  for (size_t chunk : {size_t(0), size_t(1), size_t(2)}) {
    CAPTURE(chunk);
    Result<ImportBatch> r = test::ParseChunked(bytes, "l.csv", chunk);
    REQUIRE(r.ok());
    REQUIRE(r->orders.key.size() == 1);
    CHECK(r->lines.title[0] == "Caf\xC3\xA9 cr\xC3\xA8me");
    const ImportIssue* issue = test::FindIssue(*r, "encoding");
    REQUIRE(issue != nullptr);
    CHECK(issue->line == 2);
    CHECK_FALSE(issue->rejected);
  }
}

TEST_CASE("Invalid UTF-8 after real UTF-8 is an error with the line", "[import]") {
  const std::string bytes = "customer,date,amount,title\nc1,2024-01-01,1.00,Caf\xC3\xA9\nc2,2024-01-02,2.00,Caf\xE9\n";
  for (size_t chunk : {size_t(0), size_t(1)}) {
    Result<ImportBatch> r = test::ParseChunked(bytes, "u.csv", chunk);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kParseError);
    CHECK(r.status().message().rfind("u.csv:3: invalid UTF-8 (byte 0xE9)", 0) == 0);
  }
  // Valid UTF-8 split at every position still reads.
  const std::string good = "customer,date,amount,title\nc1,2024-01-01,1.00,\xE2\x84\xA2 \xF0\x9F\x90\xB6\n";
  Result<ImportBatch> r = test::ParseChunked(good, "g.csv", 1);
  REQUIRE(r.ok());
  CHECK(r->lines.title[0] == "\xE2\x84\xA2 \xF0\x9F\x90\xB6");
  CHECK(r->issues.empty());
}

TEST_CASE("The line of an encoding problem is right deep into a long ASCII run (64-byte blocks)", "[import]") {
  // Rows of varying length, so that the newlines fall at every position of the scanner's 64-byte blocks, and
  // more than 63 blocks (the SSE2 path sums its per-lane counts every 63) before the bad byte.
  std::string head = "customer,date,amount,title\n";
  for (int i = 0; i < 3000; ++i) {
    head += "c" + std::to_string(i) + ",2024-01-01," + std::to_string(i % 97) + ".00," + std::string(i % 23, 'x') + "\n";
  }
  const uint64_t bad_line = 3002;  // the header, 3000 rows, then this one
  const std::string latin1 = head + "c,2024-01-02,2.00,Caf\xE9\n";
  const std::string broken = head + "c,2024-01-02,2.00,Caf\xC3\xA9\nc,2024-01-03,2.00,Caf\xE9\n";
  for (size_t chunk : {size_t(0), size_t(1), size_t(63), size_t(4099)}) {
    CAPTURE(chunk);
    Result<ImportBatch> r = test::ParseChunked(latin1, "l.csv", chunk);
    REQUIRE(r.ok());
    const ImportIssue* issue = test::FindIssue(*r, "encoding");
    REQUIRE(issue != nullptr);
    CHECK(issue->line == bad_line);
    Result<ImportBatch> e = test::ParseChunked(broken, "u.csv", chunk);
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().message().rfind("u.csv:" + std::to_string(bad_line + 1) + ": invalid UTF-8 (byte 0xE9)", 0) == 0);
  }
}

}  // namespace
}  // namespace rapport
