// MergeBatch: identity resolution, duplicate orders, products, feedback attachment (DESIGN §2).
#include <catch2/catch.hpp>

#include "workspace/batch_builder.h"
#include "core/workspace/merge.h"

namespace rapport {
namespace {

using test::AddOrder;
using test::OrderSpec;

ImportRecord Merge(const ImportBatch& b, uint32_t id, Workspace* w, MergeDelta* delta = nullptr) {
  ImportRecord r;
  r.id = id;
  MergeDelta d = MergeBatch(b, id, w, &r);
  if (delta) *delta = d;
  return r;
}

TEST_CASE("merge: email, phone and platform id aliases name one customer", "[workspace]") {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"s:1", "ann@example.com", "", "", 100, 1000});
  AddOrder(&b, {"s:2", "ann@example.com", "+15551234567", "", 101, 2000});  // gains the phone alias
  AddOrder(&b, {"s:3", "", "+15551234567", "", 102, 3000});                 // found by phone
  AddOrder(&b, {"s:4", "", "", "shop:77", 103, 4000});                      // id-only customer
  AddOrder(&b, {"s:5", "", "", "", 104, 500});                              // guest
  AddOrder(&b, {"s:6", "bob@example.com", "", "shop:77", 105, 600});        // found by id, gains the email
  AddOrder(&b, {"s:7", "bob@example.com", "", "", 106, 700});               // found by that email alias
  AddOrder(&b, {"s:8", "cy@example.com", "+15551234567", "", 107, 800});    // unknown email, Ann's phone: a new
                                                                            // customer (the phone is Ann's alias)
  AddOrder(&b, {"s:9", "", "+15551234567", "", 108, 900});                  // the phone alone still names Ann
  const ImportRecord r = Merge(b, 1, &w);

  REQUIRE(w.customers.size() == 3);
  CHECK(w.customers.key[0] == "email:ann@example.com");
  CHECK(w.customers.phone[0] == "+15551234567");
  CHECK(w.customer_alias.at("email:cy@example.com") == 2);
  CHECK(w.customer_alias.at("phone:+15551234567") == 0);
  CHECK(w.customers.key[2] == "email:cy@example.com");
  CHECK(w.customers.key[1] == "id:shop:77");      // the key is never changed, the email is filled in
  CHECK(w.customers.email[1] == "bob@example.com");
  CHECK(w.orders.customer == std::vector<uint32_t>{0, 0, 0, 1, kNoId, 1, 1, 2, 0});
  CHECK(w.customer_alias.at("phone:+15551234567") == 0);
  CHECK(w.customer_alias.at("email:bob@example.com") == 1);
  CHECK(r.orders_added == 9);
  CHECK(r.customers_added == 3);
  CHECK(r.customers_merged == 0);
  CHECK(r.first_day == 100);
  CHECK(r.last_day == 108);
  CHECK(r.currencies == std::vector<std::string>{"USD"});
  CHECK(w.imports.size() == 1);
}

TEST_CASE("merge: a second import reuses customers, skips known orders, fills empty fields", "[workspace]") {
  Workspace w;
  ImportBatch first;
  AddOrder(&first, {"s:1", "ann@example.com", "", "", 100, 1000});
  Merge(first, 1, &w);

  ImportBatch second;
  AddOrder(&second, {"s:1", "ann@example.com", "", "", 100, 1000});  // the same order again
  OrderSpec named{"s:2", "ANN@example.com", "", "", 120, 2500};
  named.email = "ann@example.com";
  named.first_name = "Ann";
  AddOrder(&second, named);
  AddOrder(&second, {"s:2", "ann@example.com", "", "", 120, 2500});  // duplicate inside one file
  MergeDelta delta;
  const ImportRecord r = Merge(second, 2, &w, &delta);
  CHECK(r.orders_added == 1);
  CHECK(r.orders_skipped_duplicate == 2);
  CHECK(r.customers_added == 0);
  CHECK(r.customers_merged == 1);
  CHECK(w.orders.size() == 2);
  CHECK(w.customers.first_name[0] == "Ann");
  CHECK(delta.updated_customers == std::vector<uint32_t>{0});
  CHECK(delta.before.orders == 1);
  CHECK(delta.before.customers == 1);
}

TEST_CASE("merge: order lines get products by SKU, else lower-cased title", "[workspace]") {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"s:1", "ann@example.com", "", "", 100, 3000});
  test::AddLine(&b, "SKU-1", "Red Mug", 1, 1000);
  test::AddLine(&b, "", "Blue Mug", 2, 1000);
  AddOrder(&b, {"s:2", "bob@example.com", "", "", 101, 1000});
  test::AddLine(&b, "SKU-1", "Red Mug (new name)", 1, 1000);
  test::AddLine(&b, "", "BLUE MUG", 1, 900);
  Merge(b, 1, &w);
  REQUIRE(w.products.size() == 2);
  CHECK(w.products.key[0] == "sku:SKU-1");
  CHECK(w.products.title[0] == "Red Mug");  // first title kept
  CHECK(w.products.key[1] == "title:blue mug");
  CHECK(w.lines.product == std::vector<uint32_t>{0, 1, 0, 1});
  CHECK(w.lines.order == std::vector<uint32_t>{0, 0, 1, 1});
  CHECK(w.orders.first_line == std::vector<uint32_t>{0, 2});
  CHECK(w.orders.line_count == std::vector<uint32_t>{2, 2});
  CHECK(w.labels[w.products.vendor[0]] == "Acme");
}

TEST_CASE("merge: feedback attaches by identity; unmatched rows are kept and warned about", "[workspace]") {
  Workspace w;
  ImportBatch orders;
  AddOrder(&orders, {"s:1", "ann@example.com", "", "", 100, 1000});
  Merge(orders, 1, &w);

  ImportBatch fb;
  test::AddReview(&fb, "r1", "ann@example.com", 5, 101);
  test::AddReview(&fb, "r2", "nobody@example.com", 2, 102);
  test::AddReview(&fb, "r1", "ann@example.com", 5, 101);  // duplicate key
  test::AddTicket(&fb, "t1", "ann@example.com", 4, 103);
  test::AddSurvey(&fb, "n1", "ghost@example.com", 9, 104);
  const ImportRecord r = Merge(fb, 2, &w);
  CHECK(w.reviews.size() == 2);
  CHECK(w.reviews.customer == std::vector<uint32_t>{0, kNoId});
  CHECK(w.tickets.customer == std::vector<uint32_t>{0});
  CHECK(w.surveys.customer == std::vector<uint32_t>{kNoId});
  CHECK(w.customers.size() == 1);  // feedback never creates customers
  CHECK(r.customers_added == 0);
  size_t warnings = 0;
  for (const ImportIssue& x : w.issues) {
    if (x.code == "unmatched_customer") {
      ++warnings;
      CHECK_FALSE(x.rejected);
      CHECK(x.import_id == 2);
    }
  }
  CHECK(warnings == 2);
}

TEST_CASE("merge: issues are copied with the import id", "[workspace]") {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"s:1", "ann@example.com", "", "", 100, 1000});
  ImportIssue issue;
  issue.line = 7;
  issue.column = 3;
  issue.code = "bad_date";
  issue.message = "`Created at`: expected a date";
  b.issues.push_back(issue);
  b.rows_rejected = 1;
  const ImportRecord r = Merge(b, 5, &w);
  REQUIRE(w.issues.size() == 1);
  CHECK(w.issues[0].import_id == 5);
  CHECK(w.issues[0].line == 7);
  CHECK(r.rows_rejected == 1);
}

TEST_CASE("workspace: RebuildIndexes and the default as_of", "[workspace]") {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"s:1", "ann@example.com", "+4470000000", "", 100, 1000});
  OrderSpec cancelled{"s:2", "ann@example.com", "", "", 140, 1000};
  cancelled.flags = kOrderCancelled;
  AddOrder(&b, cancelled);
  Merge(b, 1, &w);
  CHECK(w.LatestValidOrderDay() == 100);  // the cancelled order does not count
  CHECK(w.AsOf() == 100);
  w.settings.as_of_day = 90;
  CHECK(w.AsOf() == 90);
  const auto aliases = w.customer_alias;
  w.RebuildIndexes();
  CHECK(w.customer_alias == aliases);
  CHECK(w.OrderIndex().at("s:2") == 1);
  CHECK(Workspace().LatestValidOrderDay() == kNoDay);
}

}  // namespace
}  // namespace rapport
