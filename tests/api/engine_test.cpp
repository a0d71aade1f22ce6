// Engine: imports in chunks, failure atomicity, re-import, Call() replies and errors, images.
#include <catch2/catch.hpp>

#include "workspace/batch_builder.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

const char* const kTransactions =
    "customer,date,amount\n"
    "ann@example.com,2024-01-01,10.00\n"
    "bob@example.com,2024-01-02,20.00\n"
    "ann@example.com,2024-02-01,30.00\n";

// Feeds `text` in pieces of `chunk` bytes (so chunk boundaries fall inside fields and lines).
Result<ImportRecord> Import(Engine* e, const std::string& name, const std::string& text, size_t chunk = 7,
                            ImportOptions options = {}) {
  Status s = e->BeginImport(name, options, text.size(), "2026-01-01T00:00:00Z");
  if (!s.ok()) return s;
  for (size_t at = 0; at < text.size(); at += chunk) {
    s = e->ImportChunk(std::string_view(text).substr(at, chunk));
    if (!s.ok()) return s;
  }
  return e->FinishImport();
}

Json CallOk(Engine* e, const std::string& request) {
  Json reply = Json::parse(e->Call(request));
  INFO(reply.dump());
  REQUIRE(reply["ok"] == true);
  return reply["result"];
}

Json CallError(Engine* e, const std::string& request) {
  Json reply = Json::parse(e->Call(request));
  INFO(reply.dump());
  REQUIRE(reply["ok"] == false);
  return reply["error"];
}

TEST_CASE("engine: import in chunks, then the same file again adds nothing", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  auto first = Import(e, "t.csv", kTransactions);
  REQUIRE(first.ok());
  CHECK(first->id == 1);
  CHECK(first->format == "generic_transactions");
  CHECK(first->orders_added == 3);
  CHECK(first->customers_added == 2);
  CHECK(first->bytes == std::string(kTransactions).size());
  CHECK(first->first_day == ParseIsoDay("2024-01-01"));
  CHECK(first->last_day == ParseIsoDay("2024-02-01"));

  auto again = Import(e, "t.csv", kTransactions, 1 << 20);
  REQUIRE(again.ok());
  CHECK(again->id == 2);
  CHECK(again->orders_added == 0);
  CHECK(again->orders_skipped_duplicate == 3);
  CHECK(again->fingerprint == first->fingerprint);  // chunking does not change the fingerprint
  CHECK(e->workspace().orders.size() == 3);

  const Json k = CallOk(e, R"({"op":"kpis"})");
  CHECK(k["as_of"] == "2024-02-01");
  CHECK(k["currency"] == "USD");
  CHECK(k["kpis"]["orders"] == 3);
  CHECK(k["kpis"]["customers"] == 2);
  CHECK(k["kpis"]["net_revenue"] == 60);
  CHECK(k["kpis"]["aov"] == 20);
  CHECK(k["kpis"]["median_days_first_to_second"] == 31);

  const Json history = CallOk(e, R"({"op":"imports"})");
  REQUIRE(history["imports"].size() == 2);
  CHECK(history["imports"][1]["orders_skipped_duplicate"] == 3);
}

TEST_CASE("engine: an import that fails in SQLite leaves workspace and file as before", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  const Workspace before = e->workspace();
  const std::string kpis_before = e->Call(R"({"op":"kpis"})");
  // Fails after the import record and the first orders were written.
  REQUIRE(e->store().Exec("CREATE TEMP TRIGGER fail BEFORE INSERT ON main.orders WHEN NEW.key LIKE '%carl%' "
                          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END").ok());
  auto failed = Import(e, "u.csv",
                       "customer,date,amount\n"
                       "dee@example.com,2024-03-01,5.00\n"
                       "carl@example.com,2024-03-02,6.00\n");
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.status().message(), Catch::Contains("injected failure"));
  test::RequireSameWorkspace(before, e->workspace());
  CHECK(e->Call(R"({"op":"kpis"})") == kpis_before);
  // And the database: a fresh engine over the same bytes sees the same.
  auto image = e->SerializeImage();
  REQUIRE(image.ok());
  auto reopened = Engine::OpenImage(*image);
  REQUIRE(reopened.ok());
  test::RequireSameWorkspace(before, (*reopened)->workspace());
}

TEST_CASE("engine: a file no importer recognises fails and changes nothing", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  const Workspace before = e->workspace();
  auto bad = Import(e, "mystery.csv", "colour,shape\nred,round\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kUnknownFormat);
  CHECK_THAT(bad.status().message(), Catch::StartsWith("mystery.csv:"));
  test::RequireSameWorkspace(before, e->workspace());
  // The engine is ready for the next import.
  CHECK(Import(e, "t2.csv", "customer,date,amount\neve@example.com,2024-04-01,1.00\n").ok());
}

TEST_CASE("engine: rejected rows are kept with file, line and column", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  auto r = Import(e, "bad.csv",
                  "customer,date,amount\n"
                  "ann@example.com,2024-01-01,10.00\n"
                  "bob@example.com,not a date,20.00\n"
                  "cy@example.com,2024-01-03,30.00\n");
  REQUIRE(r.ok());
  CHECK(r->rows_read == 3);
  CHECK(r->rows_accepted == 2);
  CHECK(r->rows_rejected == 1);
  const Json issues = CallOk(e, R"({"op":"import_issues","import_id":1})");
  REQUIRE(issues["issues"].size() == 1);
  CHECK(issues["issues"][0]["line"] == 3);
  CHECK(issues["issues"][0]["column"] == 2);
  CHECK(issues["issues"][0]["code"] == "bad_date");
  const Json csv = CallOk(e, R"({"op":"import_issues","import_id":1,"format":"csv"})");
  const std::string text = csv["csv"].get<std::string>();
  CHECK_THAT(text, Catch::StartsWith("line,column,field,code,message,raw_row\r\n3,2,date,bad_date,"));
  CHECK(CallError(e, R"({"op":"import_issues","import_id":9})")["code"] == "not_found");
}

TEST_CASE("engine: Call replies with errors instead of throwing", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  CHECK(CallError(e, "{not json")["code"] == "invalid_argument");
  CHECK(CallError(e, "[1,2]")["code"] == "invalid_argument");
  CHECK(CallError(e, R"({"op":"nope"})")["message"] == "request: unknown op `nope`");
  CHECK(CallError(e, R"({"op":"kpis","as_of":"2024-13-01"})")["code"] == "invalid_argument");
  CHECK(CallError(e, R"({"op":"settings_set","settings":{"retention_period_days":"x"}})")["code"] == "invalid_argument");
  CHECK(CallError(e, R"({"op":"settings_set","settings":{"colour":1}})")["message"] == "settings: unknown setting `colour`");
  // An empty workspace answers with nulls, not an error.
  const Json k = CallOk(e, R"({"op":"kpis"})");
  CHECK(k["as_of"].is_null());
  CHECK(k["kpis"].is_null());
  CHECK(k["by_currency"].empty());
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  CHECK(CallError(e, R"({"op":"kpis","currency":"EUR"})")["message"] == "currency `EUR`: not in this workspace (it has USD)");
  CHECK(CallOk(e, R"({"op":"kpis","as_of":"2024-01-01"})")["kpis"]["orders"] == 1);
  const Json info = CallOk(e, R"({"op":"info"})");
  CHECK(info["tables"]["orders"] == 3);
  CHECK(info["currencies"] == Json::array({"USD"}));
}

TEST_CASE("engine: settings are stored and travel with the image", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  const Json set = CallOk(e, R"({"op":"settings_set","settings":{"retention_period_days":30,"as_of":"2024-01-31"}})");
  CHECK(set["retention_period_days"] == 30);
  CHECK(CallOk(e, R"({"op":"settings_get"})")["as_of"] == "2024-01-31");
  CHECK(CallOk(e, R"({"op":"kpis"})")["as_of"] == "2024-01-31");
  auto image = e->SerializeImage();
  REQUIRE(image.ok());
  auto copy = Engine::OpenImage(*image);
  REQUIRE(copy.ok());
  CHECK((*copy)->workspace().settings.retention_period_days == 30);
  CHECK((*copy)->Call(R"({"op":"kpis"})") == e->Call(R"({"op":"kpis"})"));
  // A request override does not change the stored settings.
  CHECK(CallOk(e, R"({"op":"kpis","as_of":null})")["as_of"] == "2024-02-01");
  CHECK(CallOk(e, R"({"op":"settings_get"})")["as_of"] == "2024-01-31");
}

TEST_CASE("engine: RemoveImport takes its rows away", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  REQUIRE(Import(e, "u.csv", "customer,date,amount\ndee@example.com,2024-03-01,5.00\nann@example.com,2024-03-02,6.00\n").ok());
  CHECK(e->workspace().orders.size() == 5);
  REQUIRE(e->RemoveImport(1).ok());
  CHECK(e->workspace().orders.size() == 2);
  CHECK(e->workspace().customers.size() == 2);  // ann stays: import 2 has her order; bob goes
  CHECK(e->workspace().imports.size() == 1);
  CHECK(CallOk(e, R"({"op":"kpis"})")["kpis"]["net_revenue"] == 11);
  CHECK(e->RemoveImport(1).code() == StatusCode::kNotFound);
}

// The ops keep the latest valid order's day and the analysis currency in the engine's cache (core/api/ops.h
// AsOfDay, OpCurrency): an import or a removal changes them, and a request's currency is a value of its own.
TEST_CASE("engine: the kept analysis date and currency follow imports, removals and the request", "[engine]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "t.csv", kTransactions).ok());
  CHECK(CallOk(e, R"({"op":"kpis"})")["as_of"] == "2024-02-01");
  CHECK(CallOk(e, R"({"op":"rfm"})")["as_of"] == "2024-02-01");
  const std::string usd = CallOk(e, R"({"op":"rfm"})")["currency"].dump();
  REQUIRE(Import(e, "u.csv",
                 "customer,date,amount,currency\ndee@example.com,2024-03-01,500.00,EUR\nann@example.com,2024-03-02,6.00,EUR\n")
              .ok());
  CHECK(CallOk(e, R"({"op":"kpis"})")["as_of"] == "2024-03-02");
  const Json rfm = CallOk(e, R"({"op":"rfm"})");
  CHECK(rfm["as_of"] == "2024-03-02");
  CHECK(rfm["currency"] == "EUR");  // the most net revenue now
  CHECK(CallOk(e, R"({"op":"rfm","currency":"USD"})")["currency"].dump() == usd);
  CHECK(CallOk(e, R"({"op":"rfm"})")["currency"] == "EUR");
  REQUIRE(e->RemoveImport(2).ok());
  CHECK(CallOk(e, R"({"op":"kpis"})")["as_of"] == "2024-02-01");
  const Json after = CallOk(e, R"({"op":"rfm"})");
  CHECK(after["as_of"] == "2024-02-01");
  CHECK(after["currency"].dump() == usd);
}

}  // namespace
}  // namespace rapport
