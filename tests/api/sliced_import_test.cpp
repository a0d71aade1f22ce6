// A large orders export is merged and written in slices while it streams (ParseSession::TakeSlice,
// MergeSlice, Store::BeginAppend / WriteSlice / CommitAppend; the engine slices every Engine::kImportSliceOrders orders). The
// result must be exactly the one-batch import's: same columns, same stored rows, same import record, and a
// failure or cancel part-way must leave the workspace as it was.
#include <catch2/catch.hpp>

#include <string>

#include "import/sliced_import_util.h"
#include "workspace/batch_builder.h"
#include "core/api/engine.h"
#include "demo/demo_export.h"
#include "core/import/parse.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

std::string Export(const demo::DemoOptions& options) { return test::DemoExport(options); }
std::string SmallExport(uint32_t customers, uint64_t seed) { return test::DemoExport(customers, seed); }

void ImportWhole(Store* store, Workspace* w, uint32_t id, const std::string& text) {
  test::ImportWhole(store, w, id, text, "orders.csv");
}

// The same file in chunks of `chunk` bytes, merged and written every `slice_orders` orders in one transaction.
int ImportSliced(Store* store, Workspace* w, uint32_t id, const std::string& text, size_t chunk, size_t slice_orders) {
  return test::ImportSliced(store, w, id, text, "orders.csv", test::EveryBytes(text, chunk), slice_orders);
}

using test::Reloaded;

TEST_CASE("sliced import: same columns and same stored rows as the one-batch import", "[sliced]") {
  // A first import, then a second file that starts with the first one's orders (the same store, oldest first,
  // the first cut at 700 rows) and has rejected rows sprinkled in, then the second file again (all duplicates).
  demo::DemoOptions options;
  options.customers = 900;
  options.seed = 11;
  options.newest_first = false;
  options.max_lines = 700;
  const std::string first = Export(options);
  options.max_lines = 0;
  std::string second = Export(options);
  second += "#99999,bad@example.com,paid,,,,no,USD,1,0,0,not-money\n";           // ragged and bad rows
  second.insert(second.find('\n', second.size() / 2) + 1, "#88888,x@example.com,paid\n");

  auto store_a = Store::OpenMemory();
  auto store_b = Store::OpenMemory();
  REQUIRE(store_a.ok());
  REQUIRE(store_b.ok());
  Workspace a, b;
  ImportWhole(store_a->get(), &a, 1, first);
  ImportWhole(store_b->get(), &b, 1, first);

  ImportWhole(store_a->get(), &a, 2, second);
  const int slices = ImportSliced(store_b->get(), &b, 2, second, 4096, 40);
  CHECK(slices > 10);
  ImportWhole(store_a->get(), &a, 3, second);
  ImportSliced(store_b->get(), &b, 3, second, 1000, 25);

  REQUIRE(a.imports.size() == 3);
  CHECK(a.imports[1].customers_merged > 0);            // the second file did meet existing customers
  CHECK(a.imports[1].orders_skipped_duplicate > 0);
  CHECK(a.imports[1].rows_rejected >= 2);
  CHECK(a.imports[2].orders_added == 0);
  CHECK(a.imports[2].orders_skipped_duplicate == a.imports[1].orders_added + a.imports[1].orders_skipped_duplicate);
  test::RequireSameWorkspace(a, b);

  // What the two databases hold, read back.
  Workspace ra = Reloaded(store_a->get()), rb = Reloaded(store_b->get());
  test::RequireSameWorkspace(ra, rb);
  test::RequireSameWorkspace(ra, a);
}

TEST_CASE("sliced import: an error part-way rolls the whole import back", "[sliced]") {
  const std::string first = SmallExport(200, 5), second = SmallExport(700, 6);
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  ImportWhole(store->get(), &w, 1, first);
  const Workspace before = Reloaded(store->get());

  ParseSession session("orders.csv", {});
  MergeTotals totals;
  REQUIRE((*store)->BeginAppend().ok());
  REQUIRE(session.Feed(std::string_view(second).substr(0, second.size() / 2)).ok());
  ImportBatch slice;
  REQUIRE(session.TakeSlice(10, &slice));
  MergeDelta d = MergeSlice(slice, 2, &w, &totals);
  REQUIRE((*store)->WriteSlice(w, d, 2).ok());
  // A write that fails in the next slice (a trigger stands in for a full disk) rolls everything back.
  REQUIRE((*store)->Exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON orders BEGIN SELECT RAISE(ABORT, 'disk full'); END").ok());
  REQUIRE(session.Feed(std::string_view(second).substr(second.size() / 2)).ok());
  REQUIRE(session.TakeSlice(10, &slice));
  d = MergeSlice(slice, 2, &w, &totals);
  Status s = (*store)->WriteSlice(w, d, 2);
  CHECK_FALSE(s.ok());
  CHECK_FALSE((*store)->in_append());
  // (The trigger was created inside the import's transaction, so the rollback removed it as well.)
  REQUIRE((*store)->Exec("DROP TRIGGER IF EXISTS temp.boom").ok());
  test::RequireSameWorkspace(Reloaded(store->get()), before);
}

// A generic transactions file without an order column (the Kaggle groceries and CDNOW layouts) is sliced too:
// every row is an order whose key's repeat number counts earlier rows only. Rows repeated (the same tuple
// many times), rejected rows, and more rows than the date sniff buffers, with and without order lines.
TEST_CASE("sliced import: generic transactions without an order column, same as the one-batch import", "[sliced]") {
  const char* items[] = {"whole milk", "rolls/buns", "tropical fruit", "yogurt", "soda"};
  std::string groceries = "Member_number,Date,itemDescription\n", amounts = "customer,date,amount\n";
  for (int i = 0; i < 9000; ++i) {
    const int customer = 1000 + (i * 7) % 650, day = 1 + (i / 3) % 28, month = 1 + (i / 84) % 12;
    const std::string date = std::to_string(day) + "-" + std::to_string(month) + "-2015";
    groceries += std::to_string(customer) + "," + date + "," + items[i % 5] + "\n";
    amounts += std::to_string(customer % 90) + "," + date + "," + std::to_string(i % 4) + ".50\n";
    if (i % 50 == 0) groceries += "1000,1-1-2015,whole milk\n", amounts += "7,1-1-2015,9.99\n";  // repeats
    if (i % 997 == 0) groceries += "1001,31-31-2015,soda\n", amounts += ",1-2-2015,1.00\n";       // rejected
  }
  for (const std::string* text : {&groceries, &amounts}) {
    auto store_a = Store::OpenMemory();
    auto store_b = Store::OpenMemory();
    REQUIRE(store_a.ok());
    REQUIRE(store_b.ok());
    Workspace a, b;
    ImportWhole(store_a->get(), &a, 1, *text);
    CHECK(ImportSliced(store_b->get(), &b, 1, *text, 4096, 40) > 10);
    REQUIRE(a.imports.size() == 1);
    CHECK(a.imports[0].orders_added > 9000);
    CHECK(a.imports[0].rows_rejected >= 9);
    // Imported again, whole or in slices: every order is a duplicate (same keys).
    ImportWhole(store_a->get(), &a, 2, *text);
    ImportSliced(store_b->get(), &b, 2, *text, 1000, 25);
    CHECK(a.imports[1].orders_added == 0);
    CHECK(a.imports[1].orders_skipped_duplicate == a.imports[0].orders_added);
    test::RequireSameWorkspace(a, b);
    Workspace ra = Reloaded(store_a->get()), rb = Reloaded(store_b->get());
    test::RequireSameWorkspace(ra, rb);
    test::RequireSameWorkspace(ra, a);
  }
}

// Through the engine, with a file big enough to be sliced several times (slices of 4,000 orders here:
// Engine::set_import_slice_orders; the default's 25,000 take the same paths on a file six times the size).
TEST_CASE("engine: a large orders export imports in slices, equal to the one-batch import; cancel rolls back", "[sliced][slow]") {
  constexpr size_t kSlice = 4000;
  demo::DemoOptions options = demo::ScaleOptions(4000, 3);
  options.slim = true;
  const std::string text = Export(options);
  auto parsed = ParseBytes(text, "big.csv");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->orders.key.size() > 4 * kSlice);  // slices before the last batch

  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  Engine& e = **engine;
  e.set_import_slice_orders(kSlice);
  REQUIRE(e.BeginImport("small.csv", {}, 0, "2026-01-01T00:00:00Z").ok());
  const std::string small = SmallExport(300, 3);
  REQUIRE(e.ImportChunk(small).ok());
  REQUIRE(e.FinishImport().ok());
  const std::string before = e.Call(R"({"op":"kpis"})") + e.Call(R"({"op":"imports"})");

  // Cancelled after most of the file (slices already merged and written): as before. Parsed in this thread,
  // so the slices are in when it is cancelled; then on the parse thread, where they may be queued still.
  const size_t chunk = 1u << 20;
  for (bool threaded : {false, true}) {
    e.set_parse_thread(threaded);
    REQUIRE(e.BeginImport("big.csv", {}, text.size(), "2026-01-01T00:00:00Z").ok());
    for (size_t at = 0; at < text.size() * 3 / 4; at += chunk) REQUIRE(e.ImportChunk(std::string_view(text).substr(at, chunk)).ok());
    if (!threaded) CHECK(e.workspace().orders.size() > 2 * kSlice);  // slices are in
    e.CancelImport();
    CHECK(e.Call(R"({"op":"kpis"})") + e.Call(R"({"op":"imports"})") == before);
  }

  // The whole file: the same workspace as MergeBatch of the whole batch on the same starting point.
  REQUIRE(e.BeginImport("big.csv", {}, text.size(), "2026-01-01T00:00:00Z").ok());
  for (size_t at = 0; at < text.size(); at += chunk) REQUIRE(e.ImportChunk(std::string_view(text).substr(at, chunk)).ok());
  auto record = e.FinishImport();
  REQUIRE(record.ok());

  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  {
    auto b = ParseBytes(small, "small.csv");
    REQUIRE(b.ok());
    ImportRecord r = test::TestRecord(1, "small.csv", "shopify_orders");
    MergeBatch(*b, 1, &w, &r);
  }
  ImportRecord r = test::TestRecord(record->id, "big.csv", "shopify_orders");
  MergeBatch(*parsed, record->id, &w, &r);
  CHECK(record->orders_added == r.orders_added);
  CHECK(record->customers_added == r.customers_added);
  CHECK(record->customers_merged == r.customers_merged);
  CHECK(record->rows_read == r.rows_read);
  CHECK(record->rows_rejected == r.rows_rejected);
  CHECK(e.workspace().orders.key == w.orders.key);
  CHECK(e.workspace().orders.customer == w.orders.customer);
  CHECK(e.workspace().lines.product == w.lines.product);
  CHECK(e.workspace().customers.key == w.customers.key);
  CHECK(e.workspace().customer_alias == w.customer_alias);
  // And what was committed reads back the same.
  auto image = e.SerializeImage();
  REQUIRE(image.ok());
  auto reopened = Engine::OpenImage(*image);
  REQUIRE(reopened.ok());
  test::RequireSameWorkspace((*reopened)->workspace(), e.workspace());
}

// The CLI's import (Engine::set_import_keeps_orders(false)): each slice's order rows leave the columns once
// written, order ids counting on. What is stored must be what the engine that keeps them stores: a first part
// of a store, then the whole store with rejected rows (duplicates, customers met again), a small file of
// another store (merged whole, not sliced), then the whole store again (every order a duplicate); threaded and
// inline.
TEST_CASE("engine: an import that drops its order rows stores the same workspace as one that keeps them", "[sliced]") {
  demo::DemoOptions options = demo::ScaleOptions(1500, 9);
  options.slim = true;
  const std::string whole = Export(options) + "#99999,bad@example.com,paid,,,,no,USD,1,0,0,not-money\n";
  options.max_lines = 2000;
  const std::string part = Export(options);
  const std::string other = SmallExport(150, 4);
  auto import = [](Engine* e, const std::string& name, const std::string& text) {
    REQUIRE(e->BeginImport(name, {}, text.size(), "2026-01-01T00:00:00Z").ok());
    for (size_t at = 0; at < text.size(); at += 1 << 20) REQUIRE(e->ImportChunk(std::string_view(text).substr(at, 1 << 20)).ok());
    auto record = e->FinishImport();
    REQUIRE(record.ok());
    return *record;
  };
  for (bool threaded : {true, false}) {
    INFO("threaded " << threaded);
    auto keeps = Engine::OpenMemory();
    auto drops = Engine::OpenMemory();
    REQUIRE(keeps.ok());
    REQUIRE(drops.ok());
    Engine &a = **keeps, &b = **drops;
    a.set_parse_thread(threaded);
    b.set_parse_thread(threaded);
    b.set_import_keeps_orders(false);
    a.set_import_slice_orders(2000);  // the whole store in four slices or more
    b.set_import_slice_orders(2000);
    size_t orders = 0;
    for (const auto* file : {&part, &whole, &other, &whole}) {
      const ImportRecord ra = import(&a, "f.csv", *file), rb = import(&b, "f.csv", *file);
      CHECK(ra.orders_added == rb.orders_added);
      CHECK(ra.orders_skipped_duplicate == rb.orders_skipped_duplicate);
      CHECK(ra.customers_added == rb.customers_added);
      CHECK(ra.customers_merged == rb.customers_merged);
      CHECK(ra.rows_rejected == rb.rows_rejected);
      orders += ra.orders_added;
      // The rows dropped, every key still known.
      CHECK(b.workspace().orders_dropped + b.workspace().orders.size() == orders);
      CHECK(b.workspace().OrderIndex().size() == orders);
      CHECK(a.workspace().issues.size() == b.workspace().issues.size());
    }
    REQUIRE(a.workspace().imports.size() == 4);
    CHECK(a.workspace().imports[1].orders_skipped_duplicate > 0);
    CHECK(a.workspace().imports[1].customers_merged > 0);
    CHECK(a.workspace().imports[1].rows_rejected > 0);
    CHECK(a.workspace().imports[3].orders_added == 0);
    CHECK(b.workspace().orders.size() == 0);  // a sliced import leaves none in the columns
    CHECK(b.workspace().lines.order.empty());
    // An op reloads the workspace the import left: the same answers, the same columns.
    CHECK(a.Call(R"({"op":"kpis"})") + a.Call(R"({"op":"imports"})") ==
          b.Call(R"({"op":"kpis"})") + b.Call(R"({"op":"imports"})"));
    CHECK(b.workspace().orders_dropped == 0);
    test::RequireSameWorkspace(a.workspace(), b.workspace());
    auto image_a = a.SerializeImage(), image_b = b.SerializeImage();
    REQUIRE(image_a.ok());
    REQUIRE(image_b.ok());
    auto reopened_a = Engine::OpenImage(*image_a), reopened_b = Engine::OpenImage(*image_b);
    REQUIRE(reopened_a.ok());
    REQUIRE(reopened_b.ok());
    test::RequireSameWorkspace((*reopened_a)->workspace(), (*reopened_b)->workspace());
  }
}

}  // namespace
}  // namespace rapport
