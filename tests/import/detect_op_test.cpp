// The ops "detect", "mapping_save" and "mappings" through Engine::Call, and the platform importers through
// a real workspace merge (WooCommerce name identity across the orders and customers reports).
#include <catch2/catch.hpp>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

Json CallOk(Engine* e, const Json& request) {
  Json reply = Json::parse(e->Call(request.dump()));
  INFO(reply.dump());
  REQUIRE(reply["ok"] == true);
  return reply["result"];
}

Json CallError(Engine* e, const Json& request) {
  Json reply = Json::parse(e->Call(request.dump()));
  INFO(reply.dump());
  REQUIRE(reply["ok"] == false);
  return reply["error"];
}

Result<ImportRecord> ImportAtOnce(Engine* e, const std::string& name, const ImportOptions& options = {}) {
  const std::string text = test::ReadAll(test::Fixture(name));
  Status s = e->BeginImport(name, options, text.size(), "2026-01-01T00:00:00Z");
  if (!s.ok()) return s;
  s = e->ImportChunk(text);
  if (!s.ok()) return s;
  return e->FinishImport();
}

TEST_CASE("op detect: a platform file, base64 or text", "[import][detect]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  const std::string text = test::ReadAll(test::Fixture("magento_orders.csv"));
  Json r = CallOk(e, Json{{"op", "detect"}, {"text", text.substr(0, 2000)}, {"file_name", "export.csv"}});
  CHECK(r["format"]["format"] == "magento_orders");
  CHECK(r["format"]["platform"] == "Magento");
  CHECK(r["format"]["kind"] == "orders");
  CHECK(r["format"]["score"].get<int>() > 60);
  CHECK(r["dialect"]["delimiter"] == ",");
  CHECK(r["encoding"] == "utf-8");
  CHECK(r["header"][0] == "ID");
  CHECK(r["rows"][0][0] == "000000123");
  CHECK(r["generic"] == false);
  CHECK_FALSE(r.contains("suggested_mapping"));
  // "Foo" in base64, with a padding sign.
  Json b = CallOk(e, Json{{"op", "detect"}, {"bytes_base64", "Rm9vLEJhcgoxLDIK"}, {"complete", true}});
  CHECK(b["header"] == Json::array({"Foo", "Bar"}));
  CHECK(b["format"].is_null());
  CHECK(b["generic"] == true);
  CallError(e, Json{{"op", "detect"}});
  CallError(e, Json{{"op", "detect"}, {"text", "a,b\n"}, {"options", {{"mapping", {{"nonsense", "a"}}}}}});
}

TEST_CASE("op detect: suggestion, mapping check, saved mappings", "[import][detect]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  const std::string text = "Member_number;Date;Price\n1808;21-07-2015;1,50\n2552;05-01-2015;2,00\n";
  Json r = CallOk(e, Json{{"op", "detect"}, {"text", text}});
  CHECK(r["dialect"]["delimiter"] == ";");
  CHECK(r["format"]["format"] == "generic_transactions");
  CHECK(r["suggested_mapping"]["customer"] == "Member_number");
  CHECK(r["suggested_mapping"]["date"] == "Date");
  CHECK(r["suggested_mapping"]["amount"] == "Price");
  CHECK(r["suggested_kind"] == "transactions");

  const Json options = {{"mapping", {{"customer", "Member_number"}, {"date", "Date"}, {"amount", "Price"}}},
                        {"decimal_separator", ","}};
  Json checked = CallOk(e, Json{{"op", "detect"}, {"text", text}, {"options", options}});
  const Json& check = checked["mapping_check"];
  CHECK(check["ok"] == true);
  CHECK(check["date_guess"] == "day-first");
  CHECK(check["date_format"] == "dmy");
  CHECK(check["columns"][1]["parsed"][0] == "2015-07-21 00:00:00");
  CHECK(check["columns"][2]["parsed"][0] == "1.50");

  CHECK(CallOk(e, Json{{"op", "mappings"}})["mappings"].empty());
  Json saved = CallOk(e, Json{{"op", "mapping_save"}, {"name", "Groceries"}, {"options", options}, {"created", "2026-01-02"}});
  CHECK(saved["options"]["mapping"]["customer"] == "Member_number");
  CHECK(saved["options"]["decimal_separator"] == ",");
  // Saving again under the same name (any case) replaces it and keeps the first date.
  Json options2 = options;
  options2["date_format"] = "dmy";
  CallOk(e, Json{{"op", "mapping_save"}, {"name", "groceries"}, {"options", options2}, {"created", "2026-02-01"}});
  Json list = CallOk(e, Json{{"op", "mappings"}});
  REQUIRE(list["mappings"].size() == 1);
  CHECK(list["mappings"][0]["options"]["date_format"] == "dmy");
  CHECK(list["mappings"][0]["created"] == "2026-01-02");
  // A saved mapping used by name.
  Json by_name = CallOk(e, Json{{"op", "detect"}, {"text", text}, {"mapping_name", "GROCERIES"}});
  CHECK(by_name["mapping_check"]["date_format"] == "dmy");
  CallError(e, Json{{"op", "detect"}, {"text", text}, {"mapping_name", "nope"}});
  CallError(e, Json{{"op", "mapping_save"}, {"name", "x"}, {"options", {{"mapping", Json::object()}}}});
  CallError(e, Json{{"op", "mapping_save"}, {"name", "x"}, {"options", {{"date_format", "weird"}, {"mapping", {{"date", "D"}}}}}});
  CHECK(CallOk(e, Json{{"op", "mapping_save"}, {"name", "Groceries"}, {"delete", true}})["deleted"] == "Groceries");
  CHECK(CallOk(e, Json{{"op", "mappings"}})["mappings"].empty());
}

TEST_CASE("op detect: live validation counts rows and names the first bad cell", "[import][detect]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  // Line 3 has a bad amount (column 3), line 4 a bad date (column 2) and a bad amount: 4 rows, 2 ok.
  const std::string text = "Kunde;Datum;Betrag\nann@example.com;01.02.2024;12,50\nbob@example.com;13.02.2024;x\n"
                           "cy@example.com;32.02.2024;y\ndi@example.com;14.02.2024;3,00\n";
  const Json options = {{"mapping", {{"customer", "Kunde"}, {"date", "Datum"}, {"amount", "Betrag"}}},
                        {"date_format", "dmy"}, {"decimal_separator", ","}};
  Json r = CallOk(e, Json{{"op", "detect"}, {"text", text}, {"options", options}, {"complete", true}});
  const Json& check = r["mapping_check"];
  CHECK(check["rows_checked"] == 4);
  CHECK(check["rows_ok"] == 2);
  CHECK(check["first_error"]["line"] == 3);
  CHECK(check["first_error"]["column"] == 3);
  CHECK(check["first_error"]["message"].get<std::string>().find("`Betrag`: `x`") == 0);
}

TEST_CASE("op detect: a file that fits a saved mapping is recognised by it", "[import][detect]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  const std::string feb = "Kunde;Datum;Betrag\nann@example.com;01.02.2024;12,50\n";
  const std::string other = "Client;Jour;Somme\nann@example.com;01.02.2024;12,50\n";
  // Nothing saved: a generic file with no format.
  Json before = CallOk(e, Json{{"op", "detect"}, {"text", feb}, {"complete", true}});
  CHECK(before["generic"] == true);
  CHECK_FALSE(before.contains("saved_mapping"));
  const Json options = {{"mapping", {{"customer", "Kunde"}, {"date", "Datum"}, {"amount", "Betrag"}}},
                        {"date_format", "dmy"}, {"decimal_separator", ","}, {"currency", "EUR"}};
  CallOk(e, Json{{"op", "mapping_save"}, {"name", "Kasse"}, {"options", options}});
  Json after = CallOk(e, Json{{"op", "detect"}, {"text", feb}, {"complete", true}});
  REQUIRE(after.contains("saved_mapping"));
  CHECK(after["saved_mapping"]["name"] == "Kasse");
  CHECK(after["saved_mapping"]["options"]["currency"] == "EUR");
  CHECK(after["saved_mapping"]["format"]["kind"] == "transactions");
  CHECK(after["mapping_check"]["ok"] == true);
  CHECK(after["mapping_check"]["rows_ok"] == 1);
  // A file whose columns the mapping does not name is not claimed by it.
  CHECK_FALSE(CallOk(e, Json{{"op", "detect"}, {"text", other}, {"complete", true}}).contains("saved_mapping"));
  // Nor one whose values do not parse with it (month 13 in a day-first mapping... here: a bad amount).
  const std::string bad = "Kunde;Datum;Betrag\nann@example.com;01.02.2024;zwölf\n";
  CHECK_FALSE(CallOk(e, Json{{"op", "detect"}, {"text", bad}, {"complete", true}}).contains("saved_mapping"));
}

TEST_CASE("WooCommerce: orders and customers reports join by name only when asked", "[import][woocommerce]") {
  {
    // Default: the orders are guests; revenue counts, no customers are made from names.
    auto engine = Engine::OpenMemory();
    REQUIRE(engine.ok());
    Engine* e = engine->get();
    Result<ImportRecord> orders = ImportAtOnce(e, "woocommerce_analytics_orders.csv");
    REQUIRE(orders.ok());
    CHECK(orders->format == "woocommerce_orders");
    CHECK(orders->orders_added == 5);
    CHECK(orders->customers_added == 0);
    Result<ImportRecord> customers = ImportAtOnce(e, "woocommerce_customers.csv");
    REQUIRE(customers.ok());
    CHECK(customers->customers_added == 4);
  }
  {
    // Opted in: Ann Smith's orders (unique name in the customers report) join her email.
    auto engine = Engine::OpenMemory();
    REQUIRE(engine.ok());
    Engine* e = engine->get();
    REQUIRE(ImportAtOnce(e, "woocommerce_customers.csv").ok());
    const size_t before = e->workspace().customers.size();
    ImportOptions options;
    options.mapping.customer = "Customer";
    Result<ImportRecord> orders = ImportAtOnce(e, "woocommerce_analytics_orders.csv", options);
    REQUIRE(orders.ok());
    // Ann joins; Bob Jones is ambiguous in the report, so he and Eve Stone become name-only customers.
    CHECK(orders->customers_added == 2);
    CHECK(e->workspace().customers.size() == before + 2);
  }
}

}  // namespace
}  // namespace rapport
