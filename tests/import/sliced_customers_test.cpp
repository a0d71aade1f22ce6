// A Shopify customers export is merged in slices of customers as it streams (Importer::OrdersSliceable,
// SliceUnits / SplitSlice in core/import/batch.h, ParseSession::TakeSlice), as an orders export is in slices of
// orders (tests/api/sliced_import_test.cpp). The sliced import must equal the one-batch import table by table,
// in the columns and in what the database holds, wherever the slices fall; its bad rows keep file, line and
// column.
#include <catch2/catch.hpp>

#include <string>

#include "import/sliced_import_util.h"
#include "workspace/batch_builder.h"
#include "core/api/engine.h"
#include "core/import/batch.h"
#include "core/import/parse.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

constexpr const char* kHeader =
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,"
    "Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,"
    "Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,"
    "Tags\n";

// `rows` customer rows; emails repeat every `distinct` rows with other fields filled (so a later row fills
// what an earlier one left empty), and every 7th row is bad in one way or another (rejected or warned).
std::string CustomersFile(size_t rows, size_t distinct) {
  std::string text = kHeader;
  for (size_t i = 0; i < rows; ++i) {
    const size_t who = i % distinct;
    const bool again = i >= distinct;
    const std::string n = std::to_string(who);
    switch (i % 7) {
      case 3:  // no email, phone or id: rejected
        text += ",Nobody,,,,,,,,,,,,,,0.00,0,,,\n";
        continue;
      case 5:  // ragged: rejected
        text += "1,Short,Row\n";
        continue;
      default:
        break;
    }
    text += (who % 3 == 0 ? "'" + std::to_string(7000000 + who) : std::string()) + ",First" + n + ",Last" + n + ",";
    text += (who % 11 == 10 ? std::string() : "Cust" + n + "@Example.com") + ",";
    text += (again ? "yes" : "") + std::string(",,,,,,");
    text += again ? "NL" : "";
    text += ",,,";
    text += who % 11 == 10 ? "+31 6 " + std::to_string(10000000 + who) : std::string();
    text += ",,";
    text += i % 7 == 6 ? "\"12,3\"" : std::to_string(who) + ".50";  // a bad amount: warned, the row kept
    text += ",";
    text += i % 7 == 2 ? "x" : std::to_string(who % 5);
    text += ",,,";
    text += again ? "\"vip, repeat\"" : "";
    text += "\n";
  }
  return text;
}

void ImportWhole(Store* store, Workspace* w, uint32_t id, const std::string& text) {
  test::ImportWhole(store, w, id, text, "customers.csv");
}

// The file cut where `cuts` says, a slice of more than `min_rows` customers taken after each piece.
int ImportSliced(Store* store, Workspace* w, uint32_t id, const std::string& text, const std::vector<size_t>& cuts,
                 size_t min_rows) {
  return test::ImportSliced(store, w, id, text, "customers.csv", cuts, min_rows);
}

using test::EveryBytes;
using test::Reloaded;

TEST_CASE("sliced customers import: same tables and stored rows as the one-batch import", "[sliced][import]") {
  const std::string first = CustomersFile(300, 200), second = CustomersFile(3000, 1100);
  auto store_a = Store::OpenMemory();
  auto store_b = Store::OpenMemory();
  REQUIRE(store_a.ok());
  REQUIRE(store_b.ok());
  Workspace a, b;
  ImportWhole(store_a->get(), &a, 1, first);
  ImportWhole(store_b->get(), &b, 1, first);
  ImportWhole(store_a->get(), &a, 2, second);
  CHECK(ImportSliced(store_b->get(), &b, 2, second, EveryBytes(second, 4096), 40) > 10);
  ImportWhole(store_a->get(), &a, 3, second);  // again: every customer merged, nothing added
  ImportSliced(store_b->get(), &b, 3, second, EveryBytes(second, 1000), 1);

  REQUIRE(a.imports.size() == 3);
  CHECK(a.imports[1].customers_merged > 0);
  CHECK(a.imports[1].customers_added > 0);
  CHECK(a.imports[1].rows_rejected > 0);
  CHECK(a.imports[2].customers_added == 0);
  test::RequireSameWorkspace(a, b);
  Workspace ra = Reloaded(store_a->get()), rb = Reloaded(store_b->get());
  test::RequireSameWorkspace(ra, rb);
  test::RequireSameWorkspace(ra, a);
}

// A slice boundary at every byte of one whole cycle of the file's seven kinds of row (a rejected one, a ragged
// one, a bad amount, ...), past the reader's first 64 KiB: nothing is handed out before them (csv/reader.h), so a
// cut earlier than that takes no slice at all.
TEST_CASE("sliced customers import: a slice boundary at every byte of a cycle of rows", "[sliced][import]") {
  const std::string text = CustomersFile(1250, 9);
  const size_t from = (64 << 10) + 1;
  const size_t cycle = CustomersFile(8, 9).size() - CustomersFile(1, 9).size();  // rows 1 to 7
  REQUIRE(text.size() > from + cycle);
  auto store_a = Store::OpenMemory();
  REQUIRE(store_a.ok());
  Workspace a;
  ImportWhole(store_a->get(), &a, 1, text);
  const Workspace ra = Reloaded(store_a->get());
  int sliced = 0;
  for (size_t cut = from; cut <= from + cycle; ++cut) {
    INFO("cut at byte " << cut);
    auto store_b = Store::OpenMemory();
    REQUIRE(store_b.ok());
    Workspace b;
    sliced += ImportSliced(store_b->get(), &b, 1, text, {cut}, 0);
    test::RequireSameWorkspace(a, b);
    test::RequireSameWorkspace(ra, Reloaded(store_b->get()));
  }
  CHECK(sliced > static_cast<int>(cycle));  // one slice at the cut at least
}

TEST_CASE("SplitSlice: a customers batch in slices, rows and issues in file order", "[sliced][import]") {
  const std::string text = CustomersFile(500, 120);
  auto whole = ParseBytes(text, "customers.csv");
  REQUIRE(whole.ok());
  auto rest = ParseBytes(text, "customers.csv");
  REQUIRE(rest.ok());
  REQUIRE(SliceUnits(*rest) == rest->customers.who.size());
  std::vector<std::string> emails, tags;
  std::vector<uint64_t> lines, issue_lines;
  ImportBatch head;
  while (SliceUnits(*rest) > 1) {
    SplitSlice(&*rest, 37, &head);
    REQUIRE(head.customers.who.size() == 37);
    for (size_t i = 0; i < head.customers.who.size(); ++i) {
      emails.emplace_back(head.customers.who.email[i]);
      tags.emplace_back(head.customers.tags[i]);
      lines.push_back(head.customers.line[i]);
    }
    for (size_t i = 0; i < head.issues.size(); ++i) issue_lines.push_back(head.issues.Get(i).line);
    if (SliceUnits(*rest) <= 37) break;
  }
  for (size_t i = 0; i < rest->customers.who.size(); ++i) {
    emails.emplace_back(rest->customers.who.email[i]);
    tags.emplace_back(rest->customers.tags[i]);
    lines.push_back(rest->customers.line[i]);
  }
  for (size_t i = 0; i < rest->issues.size(); ++i) issue_lines.push_back(rest->issues.Get(i).line);
  CHECK(rest->rows_read == whole->rows_read);  // the counters stay in the batch sliced from
  REQUIRE(emails.size() == whole->customers.who.size());
  for (size_t i = 0; i < emails.size(); ++i) {
    CHECK(emails[i] == whole->customers.who.email[i]);
    CHECK(tags[i] == whole->customers.tags[i]);
    CHECK(lines[i] == whole->customers.line[i]);
  }
  REQUIRE(issue_lines.size() == whole->issues.size());
  for (size_t i = 0; i < issue_lines.size(); ++i) CHECK(issue_lines[i] == whole->issues.Get(i).line);
}

TEST_CASE("engine: a large customers export merged in slices equals the one-batch import", "[sliced][import][engine]") {
  // More customers than the engine's slice (5,000 here: Engine::set_import_slice_orders), so its driver slices it.
  constexpr size_t kSlice = 5000;
  const std::string text = CustomersFile(kSlice * 2 + 5000, kSlice + 3000);
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace whole;
  ImportWhole(store->get(), &whole, 1, text);
  for (const bool thread : {true, false}) {
    auto engine = Engine::OpenMemory();
    REQUIRE(engine.ok());
    (*engine)->set_parse_thread(thread);
    (*engine)->set_import_slice_orders(kSlice);
    REQUIRE((*engine)->BeginImport("customers.csv", {}, text.size(), "2026-01-01T00:00:00Z").ok());
    for (size_t at = 0; at < text.size(); at += 256 << 10) {
      REQUIRE((*engine)->ImportChunk(std::string_view(text).substr(at, 256 << 10)).ok());
    }
    // Inline, the slices parsed so far have been merged and written by now: the import's transaction is open.
    if (!thread) CHECK((*engine)->store().in_append());
    auto record = (*engine)->FinishImport();
    REQUIRE(record.ok());
    const Workspace& w = (*engine)->workspace();
    CHECK(w.customers.size() == whole.customers.size());
    CHECK(w.customers.key == whole.customers.key);
    CHECK(w.customers.tags == whole.customers.tags);
    CHECK(w.customers.country == whole.customers.country);
    CHECK(w.customers.reported_spent_cents == whole.customers.reported_spent_cents);
    CHECK(w.customer_alias.size() == whole.customer_alias.size());
    REQUIRE(w.issues.size() == whole.issues.size());
    for (size_t i = 0; i < w.issues.size(); ++i) {
      CHECK(w.issues[i].line == whole.issues[i].line);
      CHECK(w.issues[i].column == whole.issues[i].column);
      CHECK(w.issues[i].message == whole.issues[i].message);
    }
    CHECK(record->rows_read == whole.imports[0].rows_read);
    CHECK(record->customers_added == whole.imports[0].customers_added);
    // A bad row in the middle of the file keeps file, line and column.
    bool mid = false;
    for (const ImportIssue& x : w.issues) mid |= x.line > kSlice + 10 && x.code == "bad_amount" && x.column == 16;
    CHECK(mid);
  }
}

}  // namespace
}  // namespace rapport
