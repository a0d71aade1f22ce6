// WooCommerce (Analytics orders and customers, Advanced Order Export), Magento 2 orders grid, BigCommerce
// orders and Yotpo reviews: fixtures built from the documented column lists (FORMATS.md §2-§5;
// tests/fixtures/import/make_fixtures.py, where each row's purpose is commented). No real export of these
// platforms was available, so the expected values are read off the hand-written rows.
#include <catch2/catch.hpp>

#include "import/import_test_util.h"

namespace rapport {
namespace {

Result<ImportBatch> ParseFixture(const std::string& name, const std::string& expected_format, size_t chunk = 0,
                                 const ImportOptions& options = {}) {
  ParseSession session(name, options);
  const std::string bytes = test::ReadAll(test::Fixture(name));
  if (chunk == 0) chunk = bytes.size();
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    Status st = session.Feed(std::string_view(bytes).substr(i, chunk));
    if (!st.ok()) return st;
  }
  Result<ImportBatch> result = session.Finish();
  REQUIRE(session.detected() != nullptr);
  CHECK(std::string(session.detected()->format) == expected_format);
  return result;
}

int CountIssues(const ImportBatch& b, std::string_view code) {
  int n = 0;
  for (const ImportIssue& i : b.issues) n += i.code == code;
  return n;
}

TEST_CASE("WooCommerce Analytics orders report", "[import][woocommerce]") {
  for (size_t chunk : {size_t(0), size_t(7)}) {
    Result<ImportBatch> result = ParseFixture("woocommerce_analytics_orders.csv", "woocommerce_orders", chunk);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    CHECK(b.rows_read == 9);
    CHECK(b.rows_accepted == 6);
    CHECK(b.rows_rejected == 3);
    const auto& o = b.orders;
    REQUIRE(o.key.size() == 5);
    CHECK(o.key[0] == "woocommerce:1001");
    CHECK(o.total_cents[0] == 3000);
    CHECK(o.currency[0] == "USD");
    CHECK(o.created[0].day == DaysFromCivil(2024, 6, 3));
    CHECK(o.created[0].seconds == 10 * 3600 + 11 * 60 + 12);
    CHECK_FALSE(o.created[0].has_offset);
    CHECK(o.discount_code[0] == "SPRING");
    CHECK(o.source[0] == "Direct");
    CHECK(o.financial_status[0] == "completed");
    // No email in this report: every order is a guest (names kept, no identifier).
    for (size_t i = 0; i < o.key.size(); ++i) {
      CHECK(o.who.email[i].empty());
      CHECK(o.who.platform_id[i].empty());
    }
    CHECK(o.who.first_name[0] == "Ann");
    // Products: "2× Leash, 1× Collar, Red" -> two lines, the comma in the name kept.
    REQUIRE(o.line_count[0] == 2);
    CHECK(b.lines.title[0] == "Leash");
    CHECK(b.lines.quantity[0] == 2);
    CHECK(b.lines.title[1] == "Collar, Red");
    // The refund row (line 4) is folded into order 1002.
    CHECK(o.key[1] == "woocommerce:1002");
    CHECK(o.total_cents[1] == 1200);
    CHECK(o.refunded_cents[1] == 1200);
    CHECK(o.flags[2] == kOrderCancelled);
    CHECK(o.key[3] == "woocommerce:1006");
    // A refund of an order outside the file is kept as a negative order.
    CHECK(o.key[4] == "woocommerce:990:refund:2024-06-08:550");
    CHECK(o.total_cents[4] == -550);
    CHECK(o.line[4] == 8);
    CHECK(test::SumTotals(b) == 3000 + 1200 + 1000 + 2000 - 550);
    const ImportIssue* date = test::FindIssue(b, "bad_date");
    REQUIRE(date != nullptr);
    CHECK(date->line == 6);
    CHECK(date->column == 1);
    const ImportIssue* amount = test::FindIssue(b, "bad_amount");
    REQUIRE(amount != nullptr);
    CHECK(amount->line == 7);
    CHECK(amount->column == 10);
    CHECK(test::FindIssue(b, "ragged_row", 10) != nullptr);
    CHECK(test::FindIssue(b, "quantity_mismatch", 9) != nullptr);
    // Once per file: the timezone and the missing identity.
    CHECK(CountIssues(b, "timezone_assumed") == 1);
    CHECK(test::FindIssue(b, "timezone_assumed")->line == 2);
    CHECK_FALSE(test::FindIssue(b, "timezone_assumed")->rejected);
    CHECK(CountIssues(b, "no_customer_identity") == 1);
  }
}

TEST_CASE("WooCommerce Analytics orders: name identity only when mapped", "[import][woocommerce]") {
  ImportOptions options;
  options.mapping.customer = "Customer";
  options.currency = "eur";
  Result<ImportBatch> result = ParseFixture("woocommerce_analytics_orders.csv", "woocommerce_orders", 0, options);
  REQUIRE(result.ok());
  CHECK(result->orders.who.platform_id[0] == "woocommerce-name:ann smith");
  CHECK(result->orders.currency[0] == "EUR");
  CHECK(CountIssues(*result, "no_customer_identity") == 0);
}

TEST_CASE("WooCommerce Analytics customers report", "[import][woocommerce]") {
  Result<ImportBatch> result = ParseFixture("woocommerce_customers.csv", "woocommerce_customers");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 5);
  CHECK(b.rows_accepted == 4);
  CHECK(b.rows_rejected == 1);
  const auto& c = b.customers;
  REQUIRE(c.who.size() == 4);
  CHECK(c.who.email[0] == "ann@example.com");
  CHECK(c.who.platform_id[0] == "woocommerce-name:ann smith");  // unique name: the alias orders can join on
  CHECK(c.who.platform_id[1].empty());                          // two Bob Joneses: no alias for either
  CHECK(c.who.platform_id[2].empty());
  CHECK(c.who.platform_id[3] == "woocommerce:user:cy");         // no email: the username
  CHECK(c.reported_spent_cents[0] == 4000);
  CHECK(c.reported_orders[0] == 2);
  CHECK(c.country[0] == "NL");
  CHECK(c.reported_spent_cents[3] == -1);
  CHECK(c.reported_orders[3] == -1);
  const ImportIssue* missing = test::FindIssue(b, "missing_customer");
  REQUIRE(missing != nullptr);
  CHECK(missing->line == 5);
  CHECK(missing->column == 5);
  CHECK(test::FindIssue(b, "bad_amount", 6)->column == 7);
  CHECK(test::FindIssue(b, "bad_quantity", 6)->column == 6);
}

TEST_CASE("WooCommerce Advanced Order Export file", "[import][woocommerce]") {
  Result<ImportBatch> result = ParseFixture("woocommerce_aoe_orders.csv", "woocommerce_aoe_orders", 5);
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 8);
  CHECK(b.rows_accepted == 4);
  CHECK(b.rows_rejected == 4);
  const auto& o = b.orders;
  REQUIRE(o.key.size() == 3);
  CHECK(o.key[0] == "woocommerce:2001");
  CHECK(o.who.email[0] == "ann@example.com");
  CHECK(o.who.first_name[0] == "Ann");
  CHECK(o.total_cents[0] == 3500);
  CHECK(o.subtotal_cents[0] == 3000);
  CHECK(o.shipping_cents[0] == 500);
  CHECK(o.discount_code[0] == "SPRING");
  CHECK(o.country[0] == "NL");
  CHECK(o.created[0].seconds == 10 * 3600 + 11 * 60);
  REQUIRE(o.line_count[0] == 2);
  CHECK(b.lines.sku[0] == "LEASH");
  CHECK(b.lines.quantity[0] == 2);
  CHECK(b.lines.unit_price_cents[0] == 1000);
  CHECK(b.lines.sku[1] == "COLLAR");
  // No email: a guest order.
  CHECK(o.who.email[1].empty());
  CHECK(o.who.phone[1].empty());
  CHECK(o.who.platform_id[1].empty());
  CHECK(o.flags[2] == kOrderCancelled);
  CHECK(o.financial_status[2] == "cancelled");
  CHECK(o.refunded_cents[2] == 500);
  CHECK(o.line_count[2] == 1);
  const ImportIssue* date = test::FindIssue(b, "bad_date");
  REQUIRE(date != nullptr);
  CHECK(date->line == 5);
  CHECK(date->column == 3);
  CHECK(test::FindIssue(b, "rejected_order", 6) != nullptr);
  CHECK(test::FindIssue(b, "bad_amount", 7)->column == 36);
  const ImportIssue* qty = test::FindIssue(b, "bad_quantity", 9);
  REQUIRE(qty != nullptr);
  CHECK(qty->column == 25);
  CHECK(qty->rejected);
  CHECK(CountIssues(b, "timezone_assumed") == 1);
}

TEST_CASE("Magento 2 orders grid export", "[import][magento]") {
  Result<ImportBatch> result = ParseFixture("magento_orders.csv", "magento_orders", 11);
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 6);
  CHECK(b.rows_accepted == 4);
  CHECK(b.rows_rejected == 2);
  const auto& o = b.orders;
  REQUIRE(o.key.size() == 4);
  CHECK(o.key[0] == "magento:000000123");
  CHECK(o.name[0] == "000000123");
  CHECK(o.total_cents[0] == 12345);
  CHECK(o.currency[0] == "USD");
  CHECK(o.who.email[0] == "ann@example.com");
  CHECK(o.financial_status[0] == "complete");
  CHECK(o.created[0].day == DaysFromCivil(2024, 6, 3));
  CHECK(o.created[0].seconds == 10 * 3600 + 11 * 60 + 12);
  CHECK(o.created[1].seconds == 16 * 3600 + 5 * 60);  // 4:05:00 PM
  CHECK(o.refunded_cents[1] == 5000);
  CHECK(o.financial_status[1] == "closed");
  CHECK(o.created[2].day == DaysFromCivil(2017, 1, 30));  // old 24-hour "16:01:00 PM"
  CHECK(o.created[2].seconds == 16 * 3600 + 60);
  CHECK(o.flags[2] == kOrderCancelled);
  CHECK(o.who.email[2].empty());  // no email on this row: a guest
  CHECK(o.who.first_name[2] == "Cy");
  CHECK(o.total_cents[3] == 10000);  // Grand Total (Base)
  CHECK(test::FindIssue(b, "bad_date", 5)->column == 3);
  CHECK(test::FindIssue(b, "bad_amount", 6)->column == 6);
  CHECK(test::FindIssue(b, "currency_assumed", 7) != nullptr);
  CHECK(CountIssues(b, "timezone_assumed") == 1);
  CHECK(CountIssues(b, "no_customer_identity") == 0);
}

TEST_CASE("Magento 2 orders grid, default columns: no email, no refunds column", "[import][magento]") {
  ImportOptions options;
  options.currency = "EUR";
  Result<ImportBatch> result = ParseFixture("magento_orders_default.csv", "magento_orders", 0, options);
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_accepted == 2);
  CHECK(b.orders.currency[0] == "EUR");
  CHECK(b.orders.who.email[0].empty());
  CHECK(b.orders.who.email[1].empty());
  CHECK(b.orders.refunded_cents[0] == 0);
  CHECK(b.orders.refunded_cents[1] == 1500);  // Closed = fully refunded when `Total Refunded` is hidden
  CHECK(b.orders.created[1].seconds == 20 * 3600);
  CHECK(CountIssues(b, "no_customer_identity") == 1);
}

TEST_CASE("BigCommerce orders export", "[import][bigcommerce]") {
  for (size_t chunk : {size_t(0), size_t(13)}) {
    Result<ImportBatch> result = ParseFixture("bigcommerce_orders.csv", "bigcommerce_orders", chunk);
    REQUIRE(result.ok());
    const ImportBatch& b = *result;
    CHECK(b.rows_read == 6);
    CHECK(b.rows_accepted == 4);
    CHECK(b.rows_rejected == 2);
    const auto& o = b.orders;
    REQUIRE(o.key.size() == 4);
    CHECK(o.key[0] == "bigcommerce:100");
    CHECK(o.who.email[0] == "ann@example.com");
    CHECK(o.who.platform_id[0] == "bigcommerce:5");
    CHECK(o.who.phone[0] == "+15125550100");
    CHECK(o.created[0].day == DaysFromCivil(2026, 3, 13));
    CHECK(o.created[0].seconds == 14 * 3600 + 21 * 60 + 24);
    CHECK(o.total_cents[0] == 2900);
    CHECK(o.shipping_cents[0] == 500);
    CHECK(o.source[0] == "Storefront");
    CHECK(o.fulfillment_status[0] == "fulfilled");
    CHECK(o.fulfilled_day[0] == DaysFromCivil(2026, 3, 14));
    REQUIRE(o.line_count[0] == 1);
    CHECK(b.lines.title[0] == "Leash, Red, Large");
    CHECK(b.lines.sku[0] == "LEASH");
    CHECK(b.lines.quantity[0] == 2);
    CHECK(b.lines.unit_price_cents[0] == 1200);
    // Guest by Customer ID 0, identified by Billing Email; a '|' inside a product name.
    CHECK(o.who.email[1] == "bob@example.com");
    CHECK(o.who.platform_id[1].empty());
    CHECK(o.who.first_name[1] == "Bob");
    CHECK(o.currency[1] == "GBP");
    CHECK(o.refunded_cents[1] == 1000);
    REQUIRE(o.line_count[1] == 2);
    CHECK(b.lines.title[1] == "Mug | Large");
    CHECK(b.lines.title[2] == "Cup");
    // No email at all: a guest order, `M jS Y` date, cancelled.
    CHECK(o.who.email[2].empty());
    CHECK(o.who.platform_id[2].empty());
    CHECK(o.created[2].day == DaysFromCivil(2026, 3, 15));
    CHECK(o.flags[2] == kOrderCancelled);
    CHECK(o.total_cents[3] == 123450);
    CHECK(o.line_count[3] == 0);
    CHECK(test::FindIssue(b, "bad_line_item", 6)->column == 54);
    CHECK(test::FindIssue(b, "bad_date", 5)->column == 6);
    CHECK(test::FindIssue(b, "bad_amount", 7)->column == 22);
    CHECK(CountIssues(b, "timezone_assumed") == 1);
    CHECK(CountIssues(b, "ambiguous_date") == 0);
  }
}

TEST_CASE("BigCommerce: day/month order decided across the column", "[import][bigcommerce]") {
  const std::string header = "Order ID,Customer Email,Order Date,Order Total (inc tax),Order Currency Code,Product Details\n";
  // Day-first values: 25/03 tells, even though the first rows are ambiguous.
  Result<ImportBatch> dmy = ParseBytes(header + "1,a@x.com,01/02/2026,1.00,USD,\n2,b@x.com,25/03/2026,1.00,USD,\n",
                                       "bc.csv");
  REQUIRE(dmy.ok());
  CHECK(dmy->rows_accepted == 2);
  CHECK(dmy->orders.created[0].day == DaysFromCivil(2026, 2, 1));
  CHECK(test::FindIssue(*dmy, "ambiguous_date") == nullptr);
  // Nothing tells: month-first, with a warning naming the column.
  Result<ImportBatch> ambiguous = ParseBytes(header + "1,a@x.com,01/02/2026,1.00,USD,\n", "bc.csv");
  REQUIRE(ambiguous.ok());
  CHECK(ambiguous->orders.created[0].day == DaysFromCivil(2026, 1, 2));
  const ImportIssue* issue = test::FindIssue(*ambiguous, "ambiguous_date");
  REQUIRE(issue != nullptr);
  CHECK(issue->line == 2);
  CHECK(issue->column == 3);
}

TEST_CASE("Yotpo reviews", "[import][yotpo]") {
  Result<ImportBatch> result = ParseFixture("yotpo_reviews.csv", "yotpo_reviews", 3);
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 4);
  CHECK(b.rows_accepted == 2);
  CHECK(b.rows_rejected == 2);
  const auto& v = b.reviews;
  REQUIRE(v.key.size() == 2);
  CHECK(v.who.email[0] == "ann@example.com");
  CHECK(v.rating[0] == 5);
  CHECK(v.body[0] == "Love it,\nreally");
  CHECK(v.product_sku[0] == "LEASH");
  CHECK(v.key[0] == "yotpo:ann@example.com:2024-06-03:LEASH:Great");
  CHECK(v.source[0] == "yotpo");
  // No email: kept for product ratings, without a customer.
  CHECK(v.who.email[1].empty());
  CHECK(v.who.first_name[1] == "Anonymous");
  CHECK(v.source[1] == "yotpo (unpublished)");
  CHECK(v.line[1] == 4);
  CHECK(test::FindIssue(b, "bad_rating", 5)->column == 4);
  CHECK(test::FindIssue(b, "bad_date", 6)->column == 5);
  CHECK(CountIssues(b, "timezone_assumed") == 1);
}

// tests/golden/import/expected_platforms.txt (derive_platforms.py: Python csv + Decimal, no engine code).
TEST_CASE("Platform fixtures match the independently derived golden numbers", "[import][golden]") {
  const auto sum = [](const std::vector<int64_t>& v) {
    int64_t s = 0;
    for (int64_t x : v) s += x;
    return s;
  };
  const auto with_email = [](const BatchIdentity& who) {
    int n = 0;
    for (size_t i = 0; i < who.size(); ++i) n += !who.email[i].empty();
    return n;
  };
  Result<ImportBatch> woo = ParseFixture("woocommerce_analytics_orders.csv", "woocommerce_orders");
  REQUIRE(woo.ok());
  CHECK(woo->rows_read == 9);
  CHECK(woo->rows_accepted == 6);
  CHECK(woo->orders.key.size() == 5);
  CHECK(sum(woo->orders.total_cents) == 6650);
  CHECK(sum(woo->orders.refunded_cents) == 1200);
  Result<ImportBatch> aoe = ParseFixture("woocommerce_aoe_orders.csv", "woocommerce_aoe_orders");
  REQUIRE(aoe.ok());
  CHECK(aoe->rows_read == 8);
  CHECK(aoe->orders.key.size() == 3);
  CHECK(sum(aoe->orders.total_cents) == 6500);
  CHECK(with_email(aoe->orders.who) == 2);
  Result<ImportBatch> magento = ParseFixture("magento_orders.csv", "magento_orders");
  REQUIRE(magento.ok());
  CHECK(magento->orders.key.size() == 4);
  CHECK(sum(magento->orders.total_cents) == 29345);
  CHECK(sum(magento->orders.refunded_cents) == 5000);
  CHECK(with_email(magento->orders.who) == 3);
  Result<ImportBatch> bc = ParseFixture("bigcommerce_orders.csv", "bigcommerce_orders");
  REQUIRE(bc.ok());
  CHECK(bc->orders.key.size() == 4);
  CHECK(sum(bc->orders.total_cents) == 128150);
  CHECK(sum(bc->orders.refunded_cents) == 1000);
  CHECK(bc->lines.order.size() == 4);
  Result<ImportBatch> yotpo = ParseFixture("yotpo_reviews.csv", "yotpo_reviews");
  REQUIRE(yotpo.ok());
  CHECK(yotpo->rows_read == 4);
  CHECK(yotpo->reviews.key.size() == 2);
  CHECK(with_email(yotpo->reviews.who) == 1);
}

TEST_CASE("Platform exports are told apart by their headers", "[import][detect]") {
  // Every fixture is recognised as its own format, whatever else scores.
  const struct { const char* file; const char* format; } cases[] = {
      {"woocommerce_analytics_orders.csv", "woocommerce_orders"},
      {"woocommerce_customers.csv", "woocommerce_customers"},
      {"woocommerce_aoe_orders.csv", "woocommerce_aoe_orders"},
      {"magento_orders.csv", "magento_orders"},
      {"magento_orders_default.csv", "magento_orders"},
      {"bigcommerce_orders.csv", "bigcommerce_orders"},
      {"yotpo_reviews.csv", "yotpo_reviews"},
      {"shopify_orders_small.csv", "shopify_orders"},
      {"judgeme_reviews.csv", "judgeme_reviews"},
      {"generic_orders.csv", "generic_transactions"},
      {"zendesk_tickets.csv", "zendesk_tickets"},
      {"freshdesk_tickets.csv", "generic_tickets"},
      {"gorgias_tickets.csv", "gorgias_tickets"},
      {"delighted_responses.csv", "delighted_surveys"},
      {"typeform_nps.csv", "typeform_surveys"},
      {"nps.csv", "generic_surveys"},
  };
  for (const auto& c : cases) {
    ParseSession session(c.file, {});
    REQUIRE(session.Feed(test::ReadAll(test::Fixture(c.file))).ok());
    (void)session.Finish();
    REQUIRE(session.detected() != nullptr);
    CHECK(std::string(session.detected()->format) == c.format);
  }
}

}  // namespace
}  // namespace rapport
