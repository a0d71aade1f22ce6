// The import batch's storage: lazy columns (BatchText, LazyColumn: nothing stored until the first value
// that is not the default), the packed issue list (BatchIssues), the size hint (ParseSession::ExpectBytes ->
// ReserveBatch) and slices that reuse one set of buffers (SplitOrders). Every case checks what is read back.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/import/batch.h"
#include "core/import/internal/common.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

TEST_CASE("BatchText stores nothing until its first non-empty value", "[import][batch]") {
  BatchText c;
  for (int i = 0; i < 3; ++i) c.Append("");
  CHECK(c.size() == 3);
  CHECK(c.lazy());
  CHECK(c.bytes() == 0);
  CHECK(c[0].empty());
  CHECK(c[2].empty());
  c.Append("ab");
  c.Append("");
  c.Append("cde");
  CHECK_FALSE(c.lazy());
  REQUIRE(c.size() == 6);
  const std::vector<std::string> want = {"", "", "", "ab", "", "cde"};
  for (size_t i = 0; i < want.size(); ++i) CHECK(std::string(c[i]) == want[i]);
  CHECK(c.bytes() == 5);
  c.Truncate(4);
  CHECK(c.size() == 4);
  CHECK(c[3] == "ab");
  c.Append("f");
  CHECK(c[4] == "f");
  c.Clear();
  CHECK(c.size() == 0);
  c.Append("");
  CHECK(c.size() == 1);
  CHECK(c[0].empty());

  // A lazy column truncates by its count; a moved-from column is empty.
  BatchText lazy;
  for (int i = 0; i < 5; ++i) lazy.Append("");
  lazy.Truncate(2);
  CHECK(lazy.size() == 2);
  lazy.Reserve(100, 1000);  // only remembered while lazy
  CHECK(lazy.lazy());
  lazy.Append("x");
  CHECK(lazy.size() == 3);
  CHECK(lazy[1].empty());
  CHECK(lazy[2] == "x");
  BatchText moved = std::move(lazy);
  CHECK(moved.size() == 3);
  CHECK(moved[2] == "x");
  CHECK(lazy.size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  BatchText lazy_rows;
  lazy_rows.Append("");
  BatchText moved_lazy = std::move(lazy_rows);
  CHECK(moved_lazy.size() == 1);
  CHECK(lazy_rows.size() == 0);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("LazyColumn reads its default until a value differs, then stores every row", "[import][batch]") {
  LazyColumn<int64_t, -1> c;
  c.push_back(-1);
  c.push_back(-1);
  CHECK(c.lazy());
  CHECK(c.size() == 2);
  CHECK(c[1] == -1);
  c.push_back(7);
  c.push_back(-1);
  CHECK_FALSE(c.lazy());
  REQUIRE(c.size() == 4);
  const std::vector<int64_t> want = {-1, -1, 7, -1};
  std::vector<int64_t> got(c.begin(), c.end());
  CHECK(got == want);
  CHECK(c.back() == -1);

  // The mutable accessors store a lazy column first; the const ones do not.
  LazyColumn<uint32_t, 0> counts;
  for (int i = 0; i < 4; ++i) counts.push_back(0);
  const LazyColumn<uint32_t, 0>& read = counts;
  CHECK(read[3] == 0);
  CHECK(counts.lazy());
  ++counts[2];
  ++counts.back();
  CHECK_FALSE(counts.lazy());
  CHECK(read[0] == 0);
  CHECK(read[2] == 1);
  CHECK(read[3] == 1);
  uint32_t sum = 0;
  for (uint32_t v : counts) sum += v;
  CHECK(sum == 2);

  counts.resize(2);
  CHECK(counts.size() == 2);
  counts.clear();
  CHECK(counts.empty());
  CHECK(counts.lazy());
  LazyColumn<int32_t, kNoDay> days;
  days.resize(3);
  CHECK(days[2] == kNoDay);
  days.push_back(5);
  CHECK(days[0] == kNoDay);
  CHECK(days[3] == 5);
}

TEST_CASE("BatchIssues packs the issues and reads every field back", "[import][batch]") {
  BatchIssues issues;
  issues.Add(4, 2, 120, "Created at", "bad_date", "`Created at`: expected a date", "a,b,c", true);
  ImportIssue warning;
  warning.import_id = 9;
  warning.line = 7;
  warning.column = 0;
  warning.byte_offset = 300;
  warning.field = "";
  warning.code = "encoding";
  warning.message = "the file is not UTF-8";
  warning.raw_row = "";
  warning.rejected = false;
  issues.push_back(warning);
  issues.Add(9, 2, 400, "Created at", "bad_date", "`Created at`: expected a date, found `x`", "x,y", true);
  REQUIRE(issues.size() == 3);
  const ImportIssue first = issues.Get(0);
  CHECK(first.line == 4);
  CHECK(first.column == 2);
  CHECK(first.byte_offset == 120);
  CHECK(first.field == "Created at");
  CHECK(first.code == "bad_date");
  CHECK(first.message == "`Created at`: expected a date");
  CHECK(first.raw_row == "a,b,c");
  CHECK(first.rejected);
  CHECK(first.import_id == 0);
  CHECK(issues[1].import_id == 9);
  CHECK(issues[1].code == "encoding");
  CHECK(issues[1].field.empty());
  CHECK(issues[1].raw_row.empty());
  CHECK_FALSE(issues[1].rejected);
  CHECK(issues.back().message == "`Created at`: expected a date, found `x`");
  CHECK(issues.back().raw_row == "x,y");
  int rejected = 0;
  for (const ImportIssue& issue : issues) rejected += issue.rejected;
  CHECK(rejected == 2);
  // Added after a read: the next read sees it.
  issues.Add(10, 1, 500, "Email", "missing_customer", "no customer", "", true);
  CHECK(issues.size() == 4);
  CHECK(issues[3].field == "Email");
  CHECK(issues.back().code == "missing_customer");
  // A second issue of the same record shares the raw row; push_back never does.
  issues.Add(11, 3, 600, "Total Spent", "bad_amount", "`Total Spent`: found `12,3`", "99,\"12,3\",x", false);
  CHECK(issues.LastAddedAt(600));
  CHECK_FALSE(issues.LastAddedAt(500));
  issues.AddOnSameRow(11, 4, "Total Orders", "bad_quantity", "`Total Orders`: found `x`", false);
  REQUIRE(issues.size() == 6);
  CHECK(issues.Get(5).raw_row == "99,\"12,3\",x");
  CHECK(issues.Get(5).byte_offset == 600);
  CHECK(issues.Get(5).field == "Total Orders");
  CHECK(issues.Get(5).message == "`Total Orders`: found `x`");
  CHECK(issues.Get(4).field == "Total Spent");
  issues.push_back(warning);
  CHECK_FALSE(issues.LastAddedAt(300));
  issues.clear();
  CHECK(issues.empty());
  CHECK(issues.begin() == issues.end());
  CHECK_FALSE(issues.LastAddedAt(600));
}

TEST_CASE("BatchIssues keeps a message by its shape and reads back the text it was given", "[import][batch]") {
  // A message around the quoted cell keeps only its shape; the cell is read back from the raw row, whether
  // the field was written as is or quoted (',', '"', line breaks), and however Quoted() cuts it.
  const std::string long_cell = std::string(70, 'a') + "\xC3\xA9\xC3\xA9";  // cut inside a 2-byte character
  struct Case {
    std::string raw;
    uint32_t column;  // 1-based
    std::string cell;
  };
  const std::vector<Case> cases = {
      {"c1,2024-13-01,4.00", 2, "2024-13-01"},
      {"c1,\"1,5\",x", 2, "1,5"},
      {"\"say \"\"hi\"\"\",b", 1, "say \"hi\""},
      {"a,\"two\nlines\",c", 2, "two\nlines"},
      {"a,b," + long_cell, 3, long_cell},
      {"a,,c", 2, ""},
      {"x", 1, "x"},
      {",", 2, ""},
      {"\"\"\"\",\"q\"\"\"", 2, "q\""},
  };
  BatchIssues issues;
  std::vector<std::string> messages;
  uint64_t offset = 0;
  for (const Case& c : cases) {
    const std::string_view cell = c.cell;
    CHECK(BatchIssues::RawField(c.raw, c.column - 1) == c.cell);
    std::string message = "`amount`: expected an amount like 12.50, found ";
    import_internal::AppendQuoted(&message, c.cell);
    message += "; the row is rejected";
    messages.push_back(message);
    issues.Add(7, c.column, offset += 10, "amount", "bad_amount", message, c.raw, true, &cell);
    // A second issue of the row, quoting the cell in the middle of its message.
    std::string second = "`x` ";
    import_internal::AppendQuoted(&second, c.cell);
    second += " `y`";
    messages.push_back(second);
    issues.AddOnSameRow(8, c.column, "amount", "other", second, false, &cell);
  }
  // A cell the message does not quote, a message repeated: each a shape of its own, the whole text.
  const std::string_view elsewhere = "zzz";
  issues.Add(9, 1, offset += 10, "sku", "bad_sku", "`sku`: expected a sku, found `abc`", "abc,d", true, &elsewhere);
  messages.push_back("`sku`: expected a sku, found `abc`");
  const std::string_view missing = "";
  for (int i = 0; i < 3; ++i) {
    issues.Add(10 + i, 4, offset += 10, "email", "missing", "expected an email, found nothing", "a,b", true, &missing);
    messages.push_back("expected an email, found nothing");
  }
  CHECK(issues.message_bytes() == 0);  // every message above is kept by its shape
  REQUIRE(issues.size() == messages.size());
  for (size_t i = 0; i < messages.size(); ++i) CHECK(issues.Get(i).message == messages[i]);
  CHECK(issues.Get(1).rejected == false);
  CHECK(issues.Get(1).code == "other");
  CHECK(issues.Get(1).line == 8);
  CHECK(issues.Get(2).raw_row == cases[1].raw);
  // A line past 32 bits, and many shapes (a message holding more than its cell): every one reads back.
  BatchIssues many;
  const uint64_t far = (uint64_t{1} << 33) + 5;
  std::vector<std::string> varied;
  for (int i = 0; i < 5000; ++i) {
    const std::string cell = std::to_string(i % 7);
    varied.push_back("row " + std::to_string(i) + ": `" + cell + "`");
    many.Add(i == 3 ? far : static_cast<uint64_t>(i), 1, static_cast<uint64_t>(i), "n", "c", varied.back(),
             cell + ",x", i % 2 == 0, nullptr);
  }
  ImportIssue with_id;
  with_id.import_id = 4;
  with_id.line = far + 1;
  with_id.message = "kept";
  many.push_back(with_id);
  REQUIRE(many.size() == 5001);
  CHECK(many.message_bytes() > 0);  // past the shapes kept, messages are kept as given
  for (int i = 0; i < 5000; ++i) {
    const ImportIssue got = many.Get(static_cast<size_t>(i));
    CHECK(got.message == varied[static_cast<size_t>(i)]);
    CHECK(got.line == (i == 3 ? far : static_cast<uint64_t>(i)));
    CHECK(got.rejected == (i % 2 == 0));
  }
  CHECK(many.Get(5000).line == far + 1);
  CHECK(many.Get(5000).import_id == 4);
  CHECK(many.Get(5000).message == "kept");
  many.clear();
  many.Add(1, 1, 0, "n", "c", "again `1`", "1", true, nullptr);
  CHECK(many.Get(0).line == 1);
  CHECK(many.Get(0).message == "again `1`");
}

TEST_CASE("An issue added by its shape reads back as the message it makes, as Add() of that message", "[import][batch]") {
  // AddShaped builds no message when the shape quotes the record's field itself; otherwise (a trimmed cell, a
  // shape that quotes nothing) and past the kinds a batch keeps, it stores what Add() stores. Every issue reads
  // back field for field as Add() of the message the shape makes.
  const std::string long_cell = std::string(70, 'a') + "\xC3\xA9\xC3\xA9";
  struct Case {
    std::string raw;
    uint32_t column;     // 1-based
    std::string field;   // the record's field at `column`
    std::string quoted;  // the text the message quotes
  };
  const std::vector<Case> cases = {
      {"c1,2024-13-01,4.00", 2, "2024-13-01", "2024-13-01"},
      {"c1,\"1,5\",x", 2, "1,5", "1,5"},
      {"\"say \"\"hi\"\"\",b", 1, "say \"hi\"", "say \"hi\""},
      {"a,\"two\nlines\",c", 2, "two\nlines", "two\nlines"},
      {"a,b," + long_cell, 3, long_cell, long_cell},
      {"a, 4.0x ,c", 2, " 4.0x ", "4.0x"},  // trimmed: the message quotes less than the field
      {"a,,c", 2, "", ""},
      {"x", 1, "x", "x"},
  };
  const IssueShape around("amount", "bad_amount", true, true, "`amount`: expected an amount like 12.50, found ",
                          "; the row is rejected");
  const IssueShape nothing("amount", "bad_amount", true, false, "`amount`: expected an amount, found nothing");
  const IssueShape warn("email", "bad_email", false, true, "`email`: ", "");
  BatchIssues shaped, written;
  uint64_t offset = 0;
  for (const Case& c : cases) {
    const std::string_view field = c.field;
    const IssueShape& first = c.quoted.empty() ? nothing : around;
    std::string message;
    first.AppendMessage(c.quoted, &message);
    shaped.AddShaped(7, c.column, offset += 10, c.raw, first, c.quoted, &field);
    written.Add(7, c.column, offset, first.field(), first.code(), message, c.raw, first.rejected(), &field);
    // A second issue of the row.
    message.clear();
    warn.AppendMessage(c.quoted, &message);
    shaped.AddShapedOnSameRow(8, c.column, warn, c.quoted, &field);
    written.AddOnSameRow(8, c.column, warn.field(), warn.code(), message, warn.rejected(), &field);
  }
  // A whole-row issue of a shape that quotes nothing.
  const IssueShape ragged("", "ragged_row", true, false, "expected 3 fields");
  shaped.AddShaped(9, 0, offset += 10, "a,b", ragged, {}, nullptr);
  written.Add(9, 0, offset, "", "ragged_row", "expected 3 fields", "a,b", true, nullptr);
  // Past the kinds a batch keeps (4096): shapes of their own, each issue's message kept as written.
  std::vector<IssueShape> many;
  for (int i = 0; i < 5000; ++i) {
    many.emplace_back("n", "c", i % 2 == 0, true, "row " + std::to_string(i) + ": ", "!");
  }
  for (int i = 0; i < 5000; ++i) {
    const std::string cell = std::to_string(i % 7);
    const std::string raw = cell + ",x";
    const std::string_view field = cell;
    std::string message;
    many[static_cast<size_t>(i)].AppendMessage(cell, &message);
    shaped.AddShaped(static_cast<uint64_t>(i), 1, offset += 10, raw, many[static_cast<size_t>(i)], cell, &field);
    written.Add(static_cast<uint64_t>(i), 1, offset, "n", "c", message, raw, i % 2 == 0, &field);
  }
  // The first shapes again, after all the others: found by their serial.
  const std::string_view again = "zz";
  shaped.AddShaped(1, 1, offset += 10, "zz", around, "zz", &again);
  written.Add(1, 1, offset, "amount", "bad_amount", "`amount`: expected an amount like 12.50, found `zz`; the row is rejected",
              "zz", true, &again);
  REQUIRE(shaped.size() == written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    const ImportIssue a = shaped.Get(i), b = written.Get(i);
    INFO(i << ": " << b.message);
    CHECK(a.message == b.message);
    CHECK(a.line == b.line);
    CHECK(a.column == b.column);
    CHECK(a.byte_offset == b.byte_offset);
    CHECK(a.field == b.field);
    CHECK(a.code == b.code);
    CHECK(a.raw_row == b.raw_row);
    CHECK(a.rejected == b.rejected);
  }
  CHECK(shaped.Get(0).message == "`amount`: expected an amount like 12.50, found `2024-13-01`; the row is rejected");
  CHECK(shaped.Get(10).message == "`amount`: expected an amount like 12.50, found `4.0x`; the row is rejected");
  CHECK(shaped.Get(12).message == "`amount`: expected an amount, found nothing");
  CHECK(shaped.message_bytes() == written.message_bytes());
}

TEST_CASE("A rejected row's raw text is the row as CsvRecord::Raw writes it, quoted or not", "[import][batch]") {
  // Scores above 10 reject the row. Raw() joins the fields with ',' and quotes a field holding ',', '"' or a
  // line break (doubling its quotes); a row with none of these reads back exactly as written.
  const std::string text =
      "Email,Submitted At,How likely are you to recommend us to a friend?,Comment\n"
      "a@x.com,2024-04-01,11,plain\n"
      "b@x.com,2024-04-02,12,\"quoted, comma\"\n"
      "c@x.com,2024-04-03,13,\"say \"\"hi\"\"\"\n"
      "d@x.com,2024-04-04,14,ab\"c\n"
      "e@x.com,2024-04-05,15,\n"
      "f@x.com,2024-04-06,9,fine\n";
  auto batch = test::ParseChunked(text, "nps.csv");
  REQUIRE(batch.ok());
  CHECK(batch->rows_rejected == 5);
  const std::vector<std::string> want = {
      "a@x.com,2024-04-01,11,plain",         "b@x.com,2024-04-02,12,\"quoted, comma\"",
      "c@x.com,2024-04-03,13,\"say \"\"hi\"\"\"", "d@x.com,2024-04-04,14,\"ab\"\"c\"",
      "e@x.com,2024-04-05,15,"};
  std::vector<std::string> got;
  for (const ImportIssue& issue : batch->issues) {
    if (issue.rejected) got.push_back(issue.raw_row);
  }
  CHECK(got == want);
  // Semicolon-separated: the raw row is re-joined with ',' (a field holding ',' is quoted).
  auto semi = test::ParseChunked(
      "Email;Submitted At;How likely are you to recommend us to a friend?;Comment\n"
      "g@x.com;2024-04-07;16;x,y\n"
      "h@x.com;2024-04-08;17;z\n",
      "nps.csv");
  REQUIRE(semi.ok());
  REQUIRE(semi->issues.size() >= 2);
  std::vector<std::string> semi_rows;
  for (const ImportIssue& issue : semi->issues) {
    if (issue.rejected) semi_rows.push_back(issue.raw_row);
  }
  CHECK(semi_rows == std::vector<std::string>{"g@x.com,2024-04-07,16,\"x,y\"", "h@x.com,2024-04-08,17,z"});
}

TEST_CASE("A rejected row's raw text is Raw()'s with a ',', '\"' or line break at any byte of any word", "[import][batch]") {
  // AddIssue copies a row as written when Raw() would write the same bytes, testing eight bytes at a time:
  // the byte that makes Raw() quote the field (or a semicolon file's ',') is put at every position of rows of
  // every length modulo 8, so it falls in a whole word and in the zero-padded last one.
  for (const char* header : {"Email,Submitted At,How likely are you to recommend us to a friend?,Comment\n",
                             "Email;Submitted At;How likely are you to recommend us to a friend?;Comment\n"}) {
    const char delimiter = header[5];
    std::string text = header;
    for (const std::string special : {",", "\"\"", "\r", "\n", "x"}) {
      for (size_t length = 1; length <= 19; ++length) {
        for (size_t at = 0; at < length; ++at) {
          std::string comment(length, 'c');
          comment.replace(at, 1, special);
          const bool quote = special != "x" && (special != "," || delimiter == ',');
          text += "a" + std::to_string(length) + "@x.com" + delimiter + "2024-04-01" + delimiter + "11" + delimiter +
                  (quote ? "\"" + comment + "\"" : comment) + "\n";
        }
      }
    }
    std::vector<std::string> want;
    REQUIRE(ReadCsv(text, "nps.csv", [&](const CsvRecord& r) {
              if (r.line() > 1) want.push_back(r.Raw());
              return true;
            }).ok());
    auto batch = test::ParseChunked(text, "nps.csv");
    REQUIRE(batch.ok());
    std::vector<std::string> got;
    for (const ImportIssue& issue : batch->issues) {
      if (issue.rejected) got.push_back(issue.raw_row);
    }
    CHECK(got.size() == 5 * 190);
    CHECK(got == want);
  }
}

TEST_CASE("Two bad cells of a row with a quoted line break each name their field's own line", "[import][batch]") {
  // The raw row is rebuilt in the issue list's scratch buffer; the issues' lines count the line breaks inside
  // earlier quoted fields, for the row's first issue and for the one that shares its raw row.
  const std::string header =
      "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
      "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
      "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
      "Total Spent,Total Orders,Note,Tax Exempt,Tags\n";
  const std::string text = header +
                           "1,Ann,,ann@x.com,,,\"Main St 1\nFloor 2\",,,,,,,,,\"12,3\",x,,,\n"   // lines 2-3
                           "2,Bo,,bo@x.com,,,\"Side St, 4\",,,,,,,,,\"4,5\",y,,,\n"                // line 4
                           "3,Cy,,cy@x.com,,,plain,,,,,,,,,zz,7,,,\n";                             // line 5
  auto batch = test::ParseChunked(text, "customers_export.csv");
  REQUIRE(batch.ok());
  REQUIRE(batch->issues.size() == 5);
  const auto& issues = batch->issues;
  CHECK(issues[0].field == "Total Spent");
  CHECK(issues[0].line == 3);
  CHECK(issues[1].field == "Total Orders");
  CHECK(issues[1].line == 3);
  CHECK(issues[1].raw_row == "1,Ann,,ann@x.com,,,\"Main St 1\nFloor 2\",,,,,,,,,\"12,3\",x,,,");
  CHECK(issues[0].raw_row == issues[1].raw_row);
  CHECK(issues[2].line == 4);
  CHECK(issues[3].line == 4);
  CHECK(issues[3].raw_row == "2,Bo,,bo@x.com,,,\"Side St, 4\",,,,,,,,,\"4,5\",y,,,");
  CHECK(issues[4].line == 5);
  CHECK(issues[4].raw_row == "3,Cy,,cy@x.com,,,plain,,,,,,,,,zz,7,,,");
  CHECK(issues[4].message == "`Total Spent`: expected an amount like 125.40, found `zz`; the customer is kept without it");
  CHECK(batch->issues.last_raw_row() == "3,Cy,,cy@x.com,,,plain,,,,,,,,,zz,7,,,");
}

// A generic transactions file of `rows` rows, every 7th row bad (an unparsable amount), every 5th row
// naming an order id (so the order, line and issue columns all fill), the rest keyed by customer/day/amount.
std::string TransactionsFile(int rows) {
  std::string text = "customer,date,amount,order,sku,quantity\n";
  for (int i = 0; i < rows; ++i) {
    text += "c" + std::to_string(i % 97) + ",2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + ",";
    text += i % 7 == 3 ? "abc" : std::to_string(i % 50) + "." + std::to_string(i % 10) + "5";
    text += i % 5 == 0 ? ",o" + std::to_string(i / 10) + ",SKU-" + std::to_string(i % 13) + ",2\n" : ",,,\n";
  }
  return text;
}

void CheckSameBatch(const ImportBatch& a, const ImportBatch& b) {
  REQUIRE(a.orders.key.size() == b.orders.key.size());
  CHECK(a.rows_read == b.rows_read);
  CHECK(a.rows_accepted == b.rows_accepted);
  CHECK(a.rows_rejected == b.rows_rejected);
  const auto& x = a.orders;
  const auto& y = b.orders;
  for (size_t i = 0; i < x.key.size(); ++i) {
    INFO("order " << i);
    REQUIRE(x.key[i] == y.key[i]);
    CHECK(x.name[i] == y.name[i]);
    CHECK(x.who.email[i] == y.who.email[i]);
    CHECK(x.who.platform_id[i] == y.who.platform_id[i]);
    CHECK(x.created[i].day == y.created[i].day);
    CHECK(x.currency[i] == y.currency[i]);
    CHECK(x.total_cents[i] == y.total_cents[i]);
    CHECK(x.discount_cents[i] == y.discount_cents[i]);
    CHECK(x.refunded_cents[i] == y.refunded_cents[i]);
    CHECK(x.fulfilled_day[i] == y.fulfilled_day[i]);
    CHECK(x.accepts_marketing[i] == y.accepts_marketing[i]);
    CHECK(x.first_line[i] == y.first_line[i]);
    CHECK(x.line_count[i] == y.line_count[i]);
    CHECK(x.line[i] == y.line[i]);
  }
  REQUIRE(a.lines.order.size() == b.lines.order.size());
  for (size_t i = 0; i < a.lines.order.size(); ++i) {
    CHECK(a.lines.order[i] == b.lines.order[i]);
    CHECK(a.lines.sku[i] == b.lines.sku[i]);
    CHECK(a.lines.quantity[i] == b.lines.quantity[i]);
    CHECK(a.lines.unit_price_cents[i] == b.lines.unit_price_cents[i]);
  }
  REQUIRE(a.issues.size() == b.issues.size());
  for (size_t i = 0; i < a.issues.size(); ++i) {
    CHECK(a.issues[i].line == b.issues[i].line);
    CHECK(a.issues[i].code == b.issues[i].code);
    CHECK(a.issues[i].message == b.issues[i].message);
    CHECK(a.issues[i].raw_row == b.issues[i].raw_row);
  }
}

Result<ImportBatch> ParseWithHint(const std::string& text, uint64_t hint, size_t chunk) {
  ParseSession session("transactions.csv", {});
  session.ExpectBytes(hint);
  for (size_t at = 0; at < text.size(); at += chunk) {
    Status st = session.Feed(std::string_view(text).substr(at, chunk));
    if (!st.ok()) return st;
  }
  return session.Finish();
}

TEST_CASE("A size hint too small, right or too large gives the same batch as none", "[import][batch]") {
  const std::string text = TransactionsFile(20000);  // ~0.6 MB: the hint is taken after the first 64 KiB
  REQUIRE(text.size() > (256u << 10));
  auto plain = ParseWithHint(text, 0, 1 << 16);
  REQUIRE(plain.ok());
  REQUIRE(plain->orders.key.size() > 10000);
  REQUIRE(plain->lines.order.size() > 2000);
  REQUIRE(plain->rows_rejected > 2000);
  CHECK(plain->orders.discount_cents.lazy());  // generic transactions never fill these
  CHECK(plain->orders.fulfilled_day.lazy());
  CHECK_FALSE(plain->orders.first_line.lazy());
  for (uint64_t hint : {uint64_t{1}, uint64_t{text.size() / 3}, uint64_t{text.size()}, uint64_t{text.size() * 20}}) {
    INFO("hint " << hint);
    auto hinted = ParseWithHint(text, hint, 1 << 16);
    REQUIRE(hinted.ok());
    CheckSameBatch(*plain, *hinted);
  }
}

TEST_CASE("ReserveBatch leaves every value as it was and empty tables empty", "[import][batch]") {
  auto batch = ParseWithHint(TransactionsFile(300), 0, 1 << 20);
  REQUIRE(batch.ok());
  auto copy = ParseWithHint(TransactionsFile(300), 0, 1 << 20);
  REQUIRE(copy.ok());
  ReserveBatch(&*copy, 3.0);
  ReserveBatch(&*copy, 0.5);  // no-op
  CheckSameBatch(*batch, *copy);
  CHECK(copy->customers.who.size() == 0);
  CHECK(copy->reviews.key.size() == 0);
  CHECK(copy->orders.discount_cents.lazy());
}

TEST_CASE("Slices taken into one reused batch keep every order, line and issue", "[import][batch]") {
  // One order per row, each with a line; bad rows leave issues in between.
  const std::string text = TransactionsFile(3000);
  auto whole = ParseWithHint(text, 0, 1 << 20);
  REQUIRE(whole.ok());
  ImportBatch all = std::move(*whole);

  // Split the whole batch three times through one head, appending each slice's rows to a rebuilt copy.
  std::vector<std::string> keys, skus;
  std::vector<uint32_t> line_orders;
  std::vector<std::string> messages;
  ImportBatch head;
  size_t base = 0;
  const size_t total = all.orders.key.size();
  while (all.orders.key.size() > 1) {
    const size_t k = std::min<size_t>(all.orders.key.size() - 1, total / 3 + 1);
    SplitOrders(&all, k, &head);
    REQUIRE(head.orders.key.size() == k);
    for (size_t i = 0; i < head.orders.key.size(); ++i) keys.emplace_back(head.orders.key[i]);
    for (size_t i = 0; i < head.lines.order.size(); ++i) {
      line_orders.push_back(static_cast<uint32_t>(base + head.lines.order[i]));
      skus.emplace_back(head.lines.sku[i]);
    }
    for (size_t i = 0; i < head.issues.size(); ++i) messages.push_back(head.issues.Get(i).message);
    // The head's lines belong to its own orders, contiguous from first_line.
    for (size_t i = 0; i < head.orders.key.size(); ++i) {
      for (uint32_t j = 0; j < head.orders.line_count[i]; ++j) CHECK(head.lines.order[head.orders.first_line[i] + j] == i);
    }
    base += k;
  }
  for (size_t i = 0; i < all.orders.key.size(); ++i) keys.emplace_back(all.orders.key[i]);
  for (size_t i = 0; i < all.lines.order.size(); ++i) {
    line_orders.push_back(static_cast<uint32_t>(base + all.lines.order[i]));
    skus.emplace_back(all.lines.sku[i]);
  }
  for (size_t i = 0; i < all.issues.size(); ++i) messages.push_back(all.issues.Get(i).message);

  auto again = ParseWithHint(text, 0, 1 << 20);
  REQUIRE(again.ok());
  REQUIRE(keys.size() == again->orders.key.size());
  for (size_t i = 0; i < keys.size(); ++i) CHECK(keys[i] == again->orders.key[i]);
  REQUIRE(line_orders.size() == again->lines.order.size());
  for (size_t i = 0; i < line_orders.size(); ++i) {
    CHECK(line_orders[i] == again->lines.order[i]);
    CHECK(skus[i] == again->lines.sku[i]);
  }
  REQUIRE(messages.size() == again->issues.size());
  for (size_t i = 0; i < messages.size(); ++i) CHECK(messages[i] == again->issues[i].message);
}

TEST_CASE("LineColumn: lines in 32 bits, those past 2^32 - 2 beside, all read back as pushed", "[import][batch]") {
  const std::vector<uint64_t> pushed = {2, 3, UINT32_MAX - 1, UINT32_MAX, uint64_t{1} << 40, 7, (uint64_t{1} << 33) + 5};
  LineColumn c;
  for (uint64_t line : pushed) c.push_back(line);
  REQUIRE(c.size() == pushed.size());
  for (size_t i = 0; i < pushed.size(); ++i) CHECK(c[i] == pushed[i]);
  LineColumn d = c;
  CHECK(d == c);
  d.resize(4);  // drops the long lines past row 3
  REQUIRE(d.size() == 4);
  CHECK(d[3] == UINT32_MAX);
  d.push_back(9);
  CHECK(d[4] == 9);
  CHECK(d != c);
  // Through a split, as the engine slices an orders batch: the long lines follow their rows.
  ImportBatch all;
  for (size_t i = 0; i < pushed.size(); ++i) {
    all.orders.key.Append("k" + std::to_string(i));
    all.orders.line.push_back(pushed[i]);
  }
  ImportBatch head;
  SplitOrders(&all, 4, &head);
  REQUIRE(head.orders.line.size() == 4);
  REQUIRE(all.orders.line.size() == 3);
  for (size_t i = 0; i < 4; ++i) CHECK(head.orders.line[i] == pushed[i]);
  for (size_t i = 0; i < 3; ++i) CHECK(all.orders.line[i] == pushed[4 + i]);
}

}  // namespace
}  // namespace rapport
