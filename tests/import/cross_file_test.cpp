// Cross-file identity and removal, through the engine as the dashboard and the CLI use it: an orders file, a
// customers file and the feedback files of the same store give one customer each, with every ticket and
// survey attached; removing an import gives back the workspace as it was before it (same KPIs, same rows).
// The feedback fixtures are the ones of feedback_test.cpp (tests/fixtures/import/README.md).
#include <catch2/catch.hpp>

#include <map>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

Result<ImportRecord> Import(Engine* e, const std::string& name, const std::string& text, size_t chunk = 11) {
  Status s = e->BeginImport(name, {}, text.size(), "2026-01-01T00:00:00Z");
  if (!s.ok()) return s;
  for (size_t at = 0; at < text.size(); at += chunk) {
    s = e->ImportChunk(std::string_view(text).substr(at, chunk));
    if (!s.ok()) return s;
  }
  return e->FinishImport();
}

Result<ImportRecord> ImportFixture(Engine* e, const std::string& fixture) {
  return Import(e, fixture, test::ReadAll(test::Fixture(fixture)));
}

// Orders and customers of the same store (generic layouts; emails in other cases than the feedback files).
const char* kOrders =
    "order_id,customer,date,amount\n"
    "1,ANN@example.com,2024-03-01,20.00\n"
    "2,bo@example.com,2024-03-05,35.00\n"
    "3,Cy@Example.com,2024-04-01,12.00\n"
    "4,ann@example.com,2024-05-01,18.00\n";

// What a test compares before and after an import and its removal.
std::string Snapshot(Engine* e) {
  const Workspace& w = e->workspace();
  Json j;
  j["kpis"] = Json::parse(e->Call(R"({"op":"kpis","as_of":"2024-12-31"})"));
  j["customers"] = w.customers.key;
  j["tickets"] = w.tickets.key;
  j["surveys"] = w.surveys.key;
  j["orders"] = w.orders.size();
  return Dump(j);
}

TEST_CASE("orders, tickets and surveys of one store give one customer each", "[import][identity]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "orders.csv", kOrders).ok());
  CHECK(e->workspace().customers.size() == 3);  // ann, bo, cy
  // Gorgias: ann, bo, cy accepted (di and ed rejected); Delighted: ann, bo (cy rejected, one without email);
  // Typeform: ann, bo.
  REQUIRE(ImportFixture(e, "gorgias_tickets.csv").ok());
  REQUIRE(ImportFixture(e, "delighted_responses.csv").ok());
  REQUIRE(ImportFixture(e, "typeform_nps.csv").ok());
  const Workspace& w = e->workspace();
  CHECK(w.customers.size() == 3);  // nobody new: every feedback row named a known customer
  std::map<std::string, int> tickets, surveys;
  for (size_t i = 0; i < w.tickets.size(); ++i) ++tickets[std::string(w.customers.email[w.tickets.customer[i]])];
  for (size_t i = 0; i < w.surveys.size(); ++i) ++surveys[std::string(w.customers.email[w.surveys.customer[i]])];
  CHECK(tickets == std::map<std::string, int>{{"ann@example.com", 1}, {"bo@example.com", 1}, {"cy@example.com", 1}});
  CHECK(surveys == std::map<std::string, int>{{"ann@example.com", 2}, {"bo@example.com", 2}});
  // The same files again add nothing (stable keys).
  REQUIRE(ImportFixture(e, "typeform_nps.csv").ok());
  REQUIRE(ImportFixture(e, "gorgias_tickets.csv").ok());
  CHECK(e->workspace().tickets.size() == 3);
  CHECK(e->workspace().surveys.size() == 4);
  // NPS of the four answers: 9, 3, 10, 7 -> promoters 2, detractors 1 -> (2 - 1) / 4 = 25.
  const Json kpis = Json::parse(e->Call(R"({"op":"kpis","as_of":"2024-12-31"})"))["result"];
  CHECK(kpis["feedback"]["surveys"] == 4);
  CHECK(kpis["feedback"]["nps"] == 25);
}

TEST_CASE("removing an import restores the workspace as it was before it", "[import][identity]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "orders.csv", kOrders).ok());
  REQUIRE(ImportFixture(e, "delighted_responses.csv").ok());
  for (const char* fixture : {"gorgias_tickets.csv", "typeform_nps.csv", "zendesk_tickets.csv"}) {
    const std::string before = Snapshot(e);
    Result<ImportRecord> r = ImportFixture(e, fixture);
    REQUIRE(r.ok());
    CHECK(Snapshot(e) != before);  // the import changed something ...
    REQUIRE(e->RemoveImport(r->id).ok());
    CHECK(Snapshot(e) == before);  // ... and its removal takes exactly that back
  }
  // A new customer made by an orders file goes with it; feedback attached to her goes too.
  const std::string before = Snapshot(e);
  Result<ImportRecord> more = Import(e, "more.csv", "customer,date,amount\ndi@example.com,2024-06-01,9.00\n");
  REQUIRE(more.ok());
  CHECK(e->workspace().customers.size() == 4);
  REQUIRE(e->RemoveImport(more->id).ok());
  CHECK(Snapshot(e) == before);
}

}  // namespace
}  // namespace rapport
