// Generic transactions on small fixtures (tests/fixtures/import/make_fixtures.py) and on the CDNOW and
// Kaggle groceries files in ../shared/data (golden numbers: tests/golden/import/expected.txt, derive.py).
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "core/util/date.h"
#include "core/workspace/merge.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

using test::FindIssue;

TEST_CASE("Generic transactions: order column, bad rows, email customers", "[import][generic]") {
  const std::string bytes = test::ReadAll(test::Fixture("generic_orders.csv"));
  for (size_t chunk : {size_t(0), size_t(3)}) {
    CAPTURE(chunk);
    Result<ImportBatch> result = test::ParseChunked(bytes, "t.csv", chunk);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    CHECK(b.rows_read == 7);
    CHECK(b.rows_accepted == 4);
    CHECK(b.rows_rejected == 3);
    const auto& o = b.orders;
    REQUIRE(o.key.size() == 3);
    CHECK(o.key[0] == "generic:A1");
    CHECK(o.total_cents[0] == 1225);  // 10.00 + 2.25, rows 2 and 4
    CHECK(o.who.platform_id[0] == "generic:c1");
    CHECK(o.who.email[0].empty());
    CHECK(o.created[0].day == DaysFromCivil(2024, 1, 5));
    CHECK(o.currency[0] == "USD");
    CHECK(o.key[1] == "generic:B7");
    CHECK(o.total_cents[1] == 550);
    // No order id: the tuple key; the customer is an email.
    CHECK(o.key[2] == "generic:ann@example.com:2024-01-08:300:0");
    CHECK(o.who.email[2] == "ann@example.com");
    CHECK(o.who.platform_id[2].empty());
    // Lines regrouped so A1's two lines are contiguous (file order kept within the order).
    REQUIRE(o.line_count[0] == 2);
    CHECK(b.lines.sku[o.first_line[0]] == "APPLE");
    CHECK(b.lines.quantity[o.first_line[0]] == 2);
    CHECK(b.lines.unit_price_cents[o.first_line[0]] == 500);
    CHECK(b.lines.sku[o.first_line[0] + 1] == "PLUM");
    CHECK(b.lines.sku[o.first_line[1]] == "PEAR");
    CHECK(b.lines.unit_price_cents[o.first_line[2]] == 100);  // 3.00 over 3
    for (size_t i = 0; i < o.key.size(); ++i) {
      for (uint32_t k = 0; k < o.line_count[i]; ++k) CHECK(b.lines.order[o.first_line[i] + k] == i);
    }
    const ImportIssue* bad_date = FindIssue(b, "bad_date");
    REQUIRE(bad_date != nullptr);
    CHECK(bad_date->line == 5);
    CHECK(bad_date->column == 2);
    CHECK(bad_date->field == "order_date");
    CHECK(bad_date->message == "`order_date`: expected a date like 2024-03-01 or 20240301, found `2024-13-01`");
    const ImportIssue* bad_amount = FindIssue(b, "bad_amount");
    REQUIRE(bad_amount != nullptr);
    CHECK(bad_amount->line == 6);
    CHECK(bad_amount->column == 3);
    CHECK(bad_amount->raw_row == "c3,2024-01-07,abc,C2,FIG,1");
    const ImportIssue* missing = FindIssue(b, "missing_customer");
    REQUIRE(missing != nullptr);
    CHECK(missing->line == 7);
    CHECK(missing->column == 1);
  }
}

TEST_CASE("Generic transactions: a reject quotes its cell as written, trimmed, or says nothing", "[import][generic]") {
  // The messages are made once per file (IssueShape) and the cell read back from the raw row; a padded cell is
  // quoted trimmed, an empty or blank one is "nothing", and a day-first file names its own example.
  const std::string text =
      "customer,date,amount,qty\n"
      "c1,2024-01-05,abc,1\n"
      "c2,2024-01-05, 1.2.3 ,1\n"
      "c3,2024-01-05,,1\n"
      "c4,2024-01-05,  ,1\n"
      "c5,2024-01-05,\"1,5x\",1\n"
      "c6,2024-01-05,1.00,two\n"
      "c7,2024-01-05,1.00, -3 \n"
      ",2024-01-05,1.00,1\n"
      "c8,yesterday,1.00,1\n"
      "c9,  ,1.00,1\n"
      "c10,2024-01-05,1.00,1\n";
  for (size_t chunk : {size_t{7}, text.size()}) {
    Result<ImportBatch> result = test::ParseChunked(text, "t.csv", chunk);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    CHECK(b.rows_rejected == 10);
    std::vector<std::string> got;
    for (const ImportIssue& issue : b.issues) {
      got.push_back(std::to_string(issue.line) + ":" + std::to_string(issue.column) + " " + issue.field + " " +
                    issue.code + " " + issue.message + " | " + issue.raw_row);
    }
    const std::vector<std::string> want = {
        "2:3 amount bad_amount `amount`: expected an amount like 12.50, found `abc` | c1,2024-01-05,abc,1",
        "3:3 amount bad_amount `amount`: expected an amount like 12.50, found `1.2.3` | c2,2024-01-05, 1.2.3 ,1",
        "4:3 amount bad_amount `amount`: expected an amount like 12.50, found nothing | c3,2024-01-05,,1",
        "5:3 amount bad_amount `amount`: expected an amount like 12.50, found nothing | c4,2024-01-05,  ,1",
        "6:3 amount bad_amount `amount`: expected an amount like 12.50, found `1,5x` | c5,2024-01-05,\"1,5x\",1",
        "7:4 qty bad_quantity `qty`: expected a whole number like 2, found `two` | c6,2024-01-05,1.00,two",
        "8:4 qty bad_quantity `qty`: expected a whole number like 2, found `-3` | c7,2024-01-05,1.00, -3 ",
        "9:1 customer missing_customer `customer`: expected a customer id or email, found nothing | ,2024-01-05,1.00,1",
        "10:2 date bad_date `date`: expected a date like 2024-03-01 or 20240301, found `yesterday` | c8,yesterday,1.00,1",
        "11:2 date bad_date `date`: expected a date like 2024-03-01 or 20240301, found nothing | c9,  ,1.00,1",
    };
    CHECK(got == want);
  }
  // Day-first dates (a first number above 12): the example is the file's format.
  Result<ImportBatch> dmy =
      test::ParseChunked("customer,date,amount\nc1,25-12-2024,1.00\nc2,13-01-2024,1.00\nc3,99-99-2024,1.00\n", "d.csv");
  REQUIRE(dmy.ok());
  const ImportIssue* bad = FindIssue(*dmy, "bad_date");
  REQUIRE(bad != nullptr);
  CHECK(bad->message == "`date`: expected a date like 01-03-2024, found `99-99-2024`");
}

TEST_CASE("Generic transactions: a line without a title is named by its sku, and no title is stored",
          "[import][generic]") {
  // No title column (the Kaggle layout), then a title column with an empty and a blank cell: the batch's titles
  // stay empty (the column lazy) and the merged products read the sku as the title, as when it was stored.
  const std::string no_title = "Member_number,Date,itemDescription\n1,2015-01-02,whole milk\n2,2015-01-03, yogurt \n";
  const std::string some_titles = "customer,date,sku,title\n11,2015-01-02,A1,Apple juice\n12,2015-01-03,B2,\n13,2015-01-04,C3,  \n";
  for (size_t chunk : {size_t(0), size_t(5)}) {
    CAPTURE(chunk);
    Result<ImportBatch> a = test::ParseChunked(no_title, "g.csv", chunk);
    Result<ImportBatch> b = test::ParseChunked(some_titles, "t.csv", chunk);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->lines.untitled_is_sku);
    CHECK(a->lines.title.lazy());
    REQUIRE(a->lines.title.size() == 2);
    CHECK(a->lines.title[1].empty());
    REQUIRE(b->lines.title.size() == 3);
    CHECK(b->lines.title[0] == "Apple juice");
    CHECK(b->lines.title[1].empty());
    CHECK(b->lines.title[2].empty());
    Workspace w;
    ImportRecord r;
    MergeBatch(*a, 1, &w, &r);
    MergeBatch(*b, 2, &w, &r);
    std::map<std::string, std::string> title_by_sku;
    for (size_t i = 0; i < w.products.size(); ++i) title_by_sku[w.products.sku[i]] = w.products.title[i];
    CHECK(title_by_sku == std::map<std::string, std::string>{
                              {"whole milk", "whole milk"}, {"yogurt", "yogurt"}, {"A1", "Apple juice"}, {"B2", "B2"}, {"C3", "C3"}});
  }
}

TEST_CASE("Generic transactions: repeated rows are kept, keys are stable", "[import][generic]") {
  const std::string bytes = test::ReadAll(test::Fixture("generic_repeats.csv"));
  Result<ImportBatch> first = test::ParseChunked(bytes, "r.csv");
  Result<ImportBatch> again = test::ParseChunked(bytes, "r.csv", 5);
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  REQUIRE(first->orders.key.size() == 3);
  CHECK(first->orders.key[0] == "generic:7:2024-02-01:999:0");
  CHECK(first->orders.key[1] == "generic:7:2024-02-01:999:1");
  CHECK(first->orders.key[2] == "generic:8:2024-02-01:999:0");
  for (size_t i = 0; i < 3; ++i) CHECK(first->orders.key[i] == again->orders.key[i]);
}

TEST_CASE("Generic transactions: repeat numbers of one, two and three digits", "[import][generic]") {
  // 120 rows of one tuple, interleaved with a second tuple and rows with an order id: the keys' ":<repeat>"
  // counts the earlier rows of the tuple, in one, two or three digits; rows with an order id count for none.
  std::string bytes = "customer,date,amount,order_id\n";
  for (int i = 0; i < 120; ++i) {
    bytes += "7,2024-02-01,9.99,\n";
    if (i % 10 == 3) bytes += "8,2024-02-02,1.00,\n";
    if (i % 25 == 0) bytes += "9,2024-02-03,2.00,X" + std::to_string(i) + "\n";
  }
  for (size_t chunk : {size_t(0), size_t(7)}) {
    CAPTURE(chunk);
    Result<ImportBatch> result = test::ParseChunked(bytes, "r.csv", chunk);
    REQUIRE(result.ok());
    const BatchText& keys = result->orders.key;
    REQUIRE(keys.size() == 120 + 12 + 5);
    int seven = 0, eight = 0, orders = 0;
    for (size_t k = 0; k < keys.size(); ++k) {
      const std::string_view key = keys[k];
      if (key.substr(0, 21) == "generic:7:2024-02-01:") {
        CHECK(key == "generic:7:2024-02-01:999:" + std::to_string(seven++));
      } else if (key.substr(0, 21) == "generic:8:2024-02-02:") {
        CHECK(key == "generic:8:2024-02-02:100:" + std::to_string(eight++));
      } else {
        CHECK(key == "generic:X" + std::to_string(orders * 25));
        ++orders;
      }
    }
    CHECK(seven == 120);
    CHECK(eight == 12);
    CHECK(orders == 5);
    CHECK(result->orders.total_cents[keys.size() - 1] == 999);
  }
}

TEST_CASE("Generic transactions: repeat numbers of one, two and three digits without an order column",
          "[import][generic]") {
  // Every row is an order with a ":<repeat>" key (the file is sliceable); 5,125 rows of 5,001 distinct tuples,
  // past the counting table's first size, one tuple repeated 125 times among them.
  std::string bytes = "customer,date,amount\n";
  for (int i = 0; i < 5000; ++i) {
    bytes += "c" + std::to_string(i % 1700) + ",2024-03-0" + std::to_string(1 + i % 3) + ",1.00\n";
    if (i % 40 == 0) bytes += "7,2024-02-01,9.99\n";
  }
  Result<ImportBatch> result = test::ParseChunked(bytes, "r.csv", 0);
  REQUIRE(result.ok());
  const auto& keys = result->orders.key;
  REQUIRE(keys.size() == 5000 + 125);
  std::map<std::string, int> seen;  // tuple -> rows so far
  size_t k = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string tuple =
        "generic:c" + std::to_string(i % 1700) + ":2024-03-0" + std::to_string(1 + i % 3) + ":100:";
    CHECK(keys[k++] == tuple + std::to_string(seen[tuple]++));
    if (i % 40 == 0) {
      CHECK(keys[k++] == "generic:7:2024-02-01:999:" + std::to_string(seen["7"]++));
    }
  }
  CHECK(seen["7"] == 125);
}

TEST_CASE("Generic transactions: day-first dates sniffed across rows", "[import][generic]") {
  Result<ImportBatch> result = test::ParseChunked(test::ReadAll(test::Fixture("groceries_dmy.csv")), "g.csv");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 13);
  CHECK(b.rows_rejected == 0);
  REQUIRE(b.orders.key.size() == 13);
  // 02-02-2015 is ambiguous on its own; the 25-12-2015 row decides day-first for the whole column.
  CHECK(FormatDay(b.orders.created[1].day) == "2015-02-02");
  CHECK(FormatDay(b.orders.created[12].day) == "2015-12-25");
  CHECK(b.orders.total_cents[0] == 0);  // no amount column
  CHECK(b.lines.sku[0] == "milk");
  CHECK(b.orders.who.platform_id[0] == "generic:101");
  CHECK(b.issues.empty());
}

TEST_CASE("Generic transactions: ambiguous dates are read one way and reported", "[import][generic]") {
  Result<ImportBatch> result = test::ParseChunked("customer,date,amount\nc1,01/02/2024,1.00\nc2,03/04/2024,2.00\n", "a.csv");
  REQUIRE(result.ok());
  CHECK(FormatDay(result->orders.created[0].day) == "2024-01-02");  // '/' -> month-first
  const ImportIssue* issue = FindIssue(*result, "ambiguous_date");
  REQUIRE(issue != nullptr);
  CHECK_FALSE(issue->rejected);
  ImportOptions options;
  options.date_format = DateFormat::kDayMonthYear;
  result = test::ParseChunked("customer,date,amount\nc1,01/02/2024,1.00\n", "a.csv", 0, options);
  REQUIRE(result.ok());
  CHECK(FormatDay(result->orders.created[0].day) == "2024-02-01");
  CHECK(result->issues.empty());
}

TEST_CASE("Generic transactions: headerless whitespace file in the CDNOW sample layout", "[import][generic]") {
  Result<ImportBatch> result = test::ParseChunked(test::ReadAll(test::Fixture("cdnow_like.txt")), "c.txt");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 4);
  REQUIRE(b.orders.key.size() == 4);
  CHECK(b.orders.who.platform_id[0] == "generic:00004");
  CHECK(b.orders.created[0].day == DaysFromCivil(1997, 1, 1));
  CHECK(b.orders.total_cents[0] == 2933);
  CHECK(b.orders.total_cents[3] == 6334);
  CHECK(b.lines.order.empty());  // no product column, no lines
}

TEST_CASE("Generic transactions: a mapping by name and by position", "[import][generic]") {
  ImportOptions options;
  options.mapping.customer = "Shopper";
  options.mapping.date = "#3";
  options.mapping.amount = "paid";
  Result<ImportBatch> result =
      test::ParseChunked("Shopper|x|When|paid\nS1|a|2024-05-01|3.50\nS2|b|2024-05-02|1.00\n", "m.csv", 0, options);
  REQUIRE(result.ok());
  REQUIRE(result->orders.key.size() == 2);
  CHECK(result->orders.who.platform_id[1] == "generic:S2");
  CHECK(result->orders.total_cents[0] == 350);
  options.mapping.amount = "nope";
  result = test::ParseChunked("Shopper|x|When|paid\nS1|a|2024-05-01|3.50\n", "m.csv", 0, options);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("`nope`") != std::string::npos);
}

struct GenericGolden {
  const char* file;
  uint64_t rows;
  size_t customers;
  int64_t amount_cents;
  const char* first_day;
  const char* last_day;
};

const GenericGolden kGenericGolden[] = {
    {"lifetimes_CDNOW_master.txt", 69659, 23570, 250031563, "1997-01-01", "1998-06-30"},
    {"lifetimes_CDNOW_sample.txt", 6919, 2357, 24409194, "1997-01-01", "1998-06-30"},
    {"kaggle_Groceries_dataset.csv", 38765, 3898, 0, "2014-01-01", "2015-12-30"},
};

TEST_CASE("Generic transactions: CDNOW master, CDNOW sample, Kaggle groceries", "[import][generic][real]") {
  for (const GenericGolden& g : kGenericGolden) {
    CAPTURE(g.file);
    const std::string path = test::SharedData(g.file);
    if (path.empty()) return;
    ParseSession session(g.file, {});
    const std::string bytes = test::ReadAll(path);
    REQUIRE(session.Feed(bytes).ok());
    Result<ImportBatch> result = session.Finish();
    REQUIRE(result.ok());
    REQUIRE(session.detected() != nullptr);
    CHECK(std::string(session.detected()->format) == "generic_transactions");
    const ImportBatch& b = *result;
    CHECK(b.rows_read == g.rows);
    CHECK(b.rows_accepted == g.rows);
    CHECK(b.issues.empty());
    REQUIRE(b.orders.key.size() == g.rows);
    std::set<std::string> customers, keys;
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (size_t i = 0; i < b.orders.key.size(); ++i) {
      customers.insert(std::string(b.orders.who.platform_id[i]));
      keys.insert(std::string(b.orders.key[i]));
      first = std::min(first, b.orders.created[i].day);
      last = std::max(last, b.orders.created[i].day);
    }
    CHECK(customers.size() == g.customers);
    CHECK(keys.size() == g.rows);  // repeated rows are kept under distinct keys
    CHECK(test::SumTotals(b) == g.amount_cents);
    CHECK(FormatDay(first) == g.first_day);
    CHECK(FormatDay(last) == g.last_day);
  }
}

}  // namespace
}  // namespace rapport
