// The Shopify customers export: a 2024+ fixture built from the documented column list (FORMATS.md §1b;
// tests/fixtures/import/make_fixtures.py) and the real Enavant export (2022 layout) in ../shared/data.
#include <set>

#include <catch2/catch.hpp>

#include "import/import_test_util.h"

namespace rapport {
namespace {

TEST_CASE("Shopify customers, 2024+ layout", "[import][shopify]") {
  ParseSession session("customers.csv", {});
  REQUIRE(session.Feed(test::ReadAll(test::Fixture("shopify_customers_2024.csv"))).ok());
  Result<ImportBatch> result = session.Finish();
  REQUIRE(result.ok());
  REQUIRE(session.detected() != nullptr);
  CHECK(std::string(session.detected()->format) == "shopify_customers");
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 4);
  CHECK(b.rows_accepted == 3);
  CHECK(b.rows_rejected == 1);
  const auto& c = b.customers;
  REQUIRE(c.who.size() == 3);
  CHECK(c.who.platform_id[0] == "shopify:7210448301122");
  CHECK(c.who.email[0] == "ann@example.com");
  CHECK(c.who.phone[0] == "+31612345678");
  CHECK(c.who.first_name[0] == "Ann");
  CHECK(c.country[0] == "NL");
  CHECK(c.tags[0] == "vip, wholesale");
  CHECK(c.accepts_marketing[0] == 1);
  CHECK(c.reported_spent_cents[0] == 123450);
  CHECK(c.reported_orders[0] == 3);
  CHECK(c.who.phone[1] == "+447700900123");  // Default Address Phone when Phone is empty
  CHECK(c.who.email[1].empty());
  CHECK(c.accepts_marketing[1] == 0);
  CHECK(c.line[2] == 5);
  CHECK(c.reported_spent_cents[2] == -1);
  CHECK(c.reported_orders[2] == -1);
  const ImportIssue* missing = test::FindIssue(b, "missing_customer");
  REQUIRE(missing != nullptr);
  CHECK(missing->line == 4);
  CHECK(missing->column == 4);
  const ImportIssue* spent = test::FindIssue(b, "bad_amount", 5);
  REQUIRE(spent != nullptr);
  CHECK(spent->column == 16);
  CHECK_FALSE(spent->rejected);
  CHECK(test::FindIssue(b, "bad_quantity", 5) != nullptr);
  CHECK(b.orders.key.size() == 0);
}

TEST_CASE("Shopify customers: the real Enavant export", "[import][shopify][real]") {
  const std::string path = test::SharedData("shopify_enavant_customers_export_1.csv");
  if (path.empty()) return;
  Result<ImportBatch> result = test::ParseChunked(test::ReadAll(path), "customers_export_1.csv", 4096);
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  // python3 -c "import csv; r=list(csv.DictReader(open(p))); print(len(r), sum(int(x['Total Orders']) for x in r))"
  // -> 1511 408; Total Spent sums to 63003.94; 1483 distinct lower-cased emails; 1067 accept email marketing.
  CHECK(b.rows_read == 1511);
  CHECK(b.rows_accepted == 1511);
  CHECK(b.issues.empty());
  int64_t orders = 0, spent = 0;
  size_t accepts = 0;
  std::set<std::string> emails;
  for (size_t i = 0; i < b.customers.who.size(); ++i) {
    orders += b.customers.reported_orders[i];
    spent += b.customers.reported_spent_cents[i];
    accepts += b.customers.accepts_marketing[i] == 1;
    if (!b.customers.who.email[i].empty()) emails.insert(std::string(b.customers.who.email[i]));
  }
  CHECK(orders == 408);
  CHECK(spent == 6300394);
  CHECK(accepts == 1067);
  CHECK(emails.size() == 1483);
}

}  // namespace
}  // namespace rapport
