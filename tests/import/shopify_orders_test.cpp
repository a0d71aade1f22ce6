// The Shopify orders importer on a small hand-written fixture (tests/fixtures/import/make_fixtures.py:
// every row and the line it lands on is commented there) and on the four real exports in ../shared/data.
// Golden numbers for the real files: tests/golden/import/expected.txt, derived by derive.py (README.md).
#include <set>

#include <catch2/catch.hpp>

#include "core/util/date.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

using test::FindIssue;

TEST_CASE("Shopify orders fixture: orders, lines, identities, flags", "[import][shopify]") {
  const std::string bytes = test::ReadAll(test::Fixture("shopify_orders_small.csv"));
  REQUIRE(!bytes.empty());
  for (size_t chunk : {size_t(0), size_t(1), size_t(7), size_t(64)}) {
    CAPTURE(chunk);
    Result<ImportBatch> result = test::ParseChunked(bytes, "orders.csv", chunk);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    // 11 data records: #1001 x2, #1002 x2, #1003, orphan, #1005, #1006 x2, #1007, ragged #1004.
    CHECK(b.rows_read == 11);
    CHECK(b.rows_accepted == 5);  // #1001 x2, #1005, #1006's order row, #1007
    CHECK(b.rows_rejected == 6);
    CHECK(b.rows_read == b.rows_accepted + b.rows_rejected);

    const auto& o = b.orders;
    REQUIRE(o.key.size() == 4);
    CHECK(o.key[0] == "shopify:4070039355469:#1001");  // Excel guard stripped from Id
    CHECK(o.name[0] == "#1001");
    CHECK(o.who.email[0] == "ann@example.com");
    CHECK(o.who.phone[0] == "+15550102030");
    CHECK(o.who.first_name[0] == "Ann");
    CHECK(o.who.last_name[0] == "Smith");
    CHECK(o.created[0].day == DaysFromCivil(2024, 3, 1));  // local day, not UTC (which is 03-02)
    CHECK(o.created[0].seconds == 23 * 3600 + 30 * 60);
    CHECK(o.created[0].offset_minutes == -300);
    CHECK(o.currency[0] == "USD");
    CHECK(o.total_cents[0] == 3000);
    CHECK(o.discount_code[0] == "SPRING");
    CHECK(o.fulfilled_day[0] == DaysFromCivil(2024, 3, 3));
    CHECK(o.accepts_marketing[0] == 1);
    CHECK(o.country[0] == "US");
    CHECK(o.line[0] == 2);
    CHECK(o.flags[0] == 0);
    REQUIRE(o.line_count[0] == 2);
    CHECK(b.lines.sku[o.first_line[0]] == "LEASH");
    CHECK(b.lines.quantity[o.first_line[0]] == 2);
    CHECK(b.lines.unit_price_cents[o.first_line[0]] == 1000);
    CHECK(b.lines.sku[o.first_line[0] + 1] == "COLLAR");
    CHECK(b.lines.vendor[o.first_line[0]] == "Acme");

    CHECK(o.name[1] == "#1005");
    CHECK(o.flags[1] == (kOrderCancelled | kOrderTest));
    CHECK(o.refunded_cents[1] == 500);
    CHECK(o.financial_status[1] == "refunded");

    CHECK(o.name[2] == "#1006");  // guest, voided, billing country, one line kept
    CHECK(o.flags[2] == kOrderVoided);
    CHECK(o.who.email[2].empty());
    CHECK(o.who.phone[2].empty());
    CHECK(o.who.platform_id[2].empty());
    CHECK(o.country[2] == "GB");
    CHECK(o.line_count[2] == 1);
    CHECK(o.created[2].day == DaysFromCivil(2024, 3, 4));

    CHECK(o.key[3] == "shopify:#1007");  // no Id: the name
    CHECK(o.who.phone[3] == "+447700900123");
    CHECK(o.total_cents[3] == 123450);
    CHECK(o.flags[3] == kOrderTest);  // tag "Test"
    CHECK(o.accepts_marketing[3] == 0);

    // Issues: exact line and 1-based column.
    const ImportIssue* bad_date = FindIssue(b, "bad_date", 5);
    REQUIRE(bad_date != nullptr);
    CHECK(bad_date->column == 14);
    CHECK(bad_date->field == "Created at");
    CHECK(bad_date->rejected);
    CHECK(bad_date->message == "`Created at`: expected a date like 2024-03-01 10:15:00 -0500, found `03/01/24`");
    CHECK(FindIssue(b, "rejected_order", 6) != nullptr);
    const ImportIssue* bad_amount = FindIssue(b, "bad_amount", 7);
    REQUIRE(bad_amount != nullptr);
    CHECK(bad_amount->column == 11);
    CHECK(bad_amount->field == "Total");
    CHECK(bad_amount->raw_row.find("#1003") != std::string::npos);
    const ImportIssue* orphan = FindIssue(b, "orphan_line", 8);
    REQUIRE(orphan != nullptr);
    CHECK(orphan->column == 7);
    const ImportIssue* bad_quantity = FindIssue(b, "bad_quantity", 11);
    REQUIRE(bad_quantity != nullptr);
    CHECK(bad_quantity->column == 15);
    CHECK(bad_quantity->rejected);  // a continuation row whose only content was dropped
    const ImportIssue* ragged = FindIssue(b, "ragged_row", 13);
    REQUIRE(ragged != nullptr);
    CHECK(ragged->column == 0);
    CHECK(ragged->message == "expected 32 fields (as in the header), found 4");
  }
}

struct ShopifyGolden {
  const char* file;
  uint64_t rows, orders, lines;
  size_t distinct_emails, phone_only, cancelled;
  int64_t total_cents, refunded_cents;
  const char* currency;
  const char* first_day;
  const char* last_day;
  const char* first_key;
  int64_t first_total_cents;
  const char* first_local_day;
  int first_offset_minutes;
};

// From tests/golden/import/expected.txt (derive.py). Enavant: SOURCES.md says 297 distinct emails; the
// file has 298 distinct spellings and 296 after lower-casing (as identity does), which is what we check.
const ShopifyGolden kShopifyGolden[] = {
    {"shopify_alphapaw_orders_export_1.csv", 5121, 3885, 5121, 3602, 0, 35, 34629055, 1200292, "USD", "2023-04-28",
     "2023-05-31", "shopify:5097164079284:#AP-516073", 7793, "2023-05-31", -420},
    {"shopify_enavant_orders_export_1.csv", 811, 409, 811, 296, 18, 20, 7449844, 1133630, "USD", "2019-05-14",
     "2022-01-11", "shopify:4070039355469:#1411", 12540, "2022-01-11", -300},
    {"shopify_maisonmaria_orders_export_1.csv", 61, 60, 61, 58, 0, 8, 232746, 27407, "GBP", "2025-08-03", "2025-12-07",
     "shopify:12133307351371:#1060", 4211, "2025-12-07", 0},
    {"shopify_stacksbd_orders_export_21.csv", 57, 57, 57, 0, 57, 0, 12992500, 0, "BDT", "2026-01-24", "2026-04-08",
     "shopify:7112142323893:#1001", 167500, "2026-01-24", 300},
};

TEST_CASE("Shopify orders: the real exports", "[import][shopify][real]") {
  for (const ShopifyGolden& g : kShopifyGolden) {
    CAPTURE(g.file);
    const std::string path = test::SharedData(g.file);
    if (path.empty()) return;
    const std::string bytes = test::ReadAll(path);
    Result<ImportBatch> result = test::ParseChunked(bytes, g.file, 4u << 20);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    CHECK(b.rows_read == g.rows);
    CHECK(b.rows_accepted == g.rows);
    CHECK(b.rows_rejected == 0);
    CHECK(b.issues.empty());
    REQUIRE(b.orders.key.size() == g.orders);
    CHECK(b.lines.order.size() == g.lines);
    std::set<std::string> emails, keys;
    size_t phone_only = 0, cancelled = 0;
    int64_t refunded = 0;
    int32_t first_day = INT32_MAX, last_day = INT32_MIN;
    for (size_t i = 0; i < b.orders.key.size(); ++i) {
      keys.insert(std::string(b.orders.key[i]));
      if (!b.orders.who.email[i].empty()) emails.insert(std::string(b.orders.who.email[i]));
      if (b.orders.who.email[i].empty() && !b.orders.who.phone[i].empty()) ++phone_only;
      if (b.orders.flags[i] & kOrderCancelled) ++cancelled;
      CHECK((b.orders.flags[i] & kOrderTest) == 0);
      CHECK(b.orders.currency[i] == g.currency);
      refunded += b.orders.refunded_cents[i];
      first_day = std::min(first_day, b.orders.created[i].day);
      last_day = std::max(last_day, b.orders.created[i].day);
    }
    CHECK(keys.size() == g.orders);
    CHECK(emails.size() == g.distinct_emails);
    CHECK(phone_only == g.phone_only);
    CHECK(cancelled == g.cancelled);
    CHECK(test::SumTotals(b) == g.total_cents);
    CHECK(refunded == g.refunded_cents);
    CHECK(FormatDay(first_day) == g.first_day);
    CHECK(FormatDay(last_day) == g.last_day);
    CHECK(b.orders.key[0] == g.first_key);
    CHECK(b.orders.total_cents[0] == g.first_total_cents);
    CHECK(FormatDay(b.orders.created[0].day) == g.first_local_day);
    CHECK(b.orders.created[0].offset_minutes == g.first_offset_minutes);
    // Lines are contiguous per order and add up.
    uint64_t line_sum = 0;
    for (size_t i = 0; i < b.orders.key.size(); ++i) {
      CHECK(b.orders.first_line[i] == line_sum);
      line_sum += b.orders.line_count[i];
    }
    CHECK(line_sum == g.lines);
  }
}

TEST_CASE("Shopify orders: Maison Maria's BST to GMT switch keeps local days", "[import][shopify][real]") {
  const std::string path = test::SharedData("shopify_maisonmaria_orders_export_1.csv");
  if (path.empty()) return;
  Result<ImportBatch> result = test::ParseChunked(test::ReadAll(path), "mm.csv");
  REQUIRE(result.ok());
  std::set<int> offsets;
  for (const Timestamp& t : result->orders.created) {
    CHECK(t.has_offset);
    offsets.insert(t.offset_minutes);
  }
  CHECK(offsets == std::set<int>{0, 60});
}

}  // namespace
}  // namespace rapport
