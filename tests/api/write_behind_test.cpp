// The write stage behind the merge (core/api/write_behind.h): Store::CaptureSlice + Store::WriteRows store
// exactly what Store::WriteSlice stores, on the writer's thread or inline, and a failed write is reported
// with WriteSlice's message and leaves the transaction for the caller to roll back.
#include <catch2/catch.hpp>

#include <string>

#include "workspace/batch_builder.h"
#include "core/api/write_behind.h"
#include "demo/demo_export.h"
#include "import/sliced_import_util.h"
#include "core/import/parse.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

ImportRecord Record(uint32_t id) {
  ImportRecord r;
  r.id = id;
  r.file_name = "orders.csv";
  r.format = "shopify_orders";
  r.imported_at = "2026-01-01T00:00:00Z";
  return r;
}

// `text` merged in slices of `slice_orders` orders and written through `writer` (nullptr: Store::WriteSlice).
void ImportSliced(Store* store, WriteBehind* writer, Workspace* w, uint32_t id, const std::string& text,
                  size_t slice_orders) {
  ParseSession session("orders.csv", {});
  MergeTotals totals;
  auto write = [&](const MergeDelta& d) { return writer ? writer->Write(*w, d, id) : store->WriteSlice(*w, d, id); };
  REQUIRE(store->BeginAppend().ok());
  for (size_t at = 0; at < text.size(); at += 3000) {
    REQUIRE(session.Feed(std::string_view(text).substr(at, 3000)).ok());
    ImportBatch slice;
    while (session.TakeSlice(slice_orders, &slice)) REQUIRE(write(MergeSlice(slice, id, w, &totals)).ok());
  }
  auto last = session.Finish();
  REQUIRE(last.ok());
  REQUIRE(write(MergeSlice(*last, id, w, &totals)).ok());
  if (writer) REQUIRE(writer->Flush().ok());
  ImportRecord r = Record(id);
  FinishMerge(*last, totals, id, w, &r);
  REQUIRE(store->CommitAppend(r).ok());
}

}  // namespace

TEST_CASE("write behind: the captured rows store what WriteSlice stores, threaded or inline", "[write_behind][sliced]") {
  // A first import, then a file that meets its customers and orders again (customers updated, duplicates
  // skipped, new dictionary entries) with rejected rows (import issues), then that file again.
  demo::DemoOptions options;
  options.customers = 700;
  options.seed = 21;
  options.newest_first = false;
  options.max_lines = 500;
  const std::string first = test::DemoExport(options);
  options.max_lines = 0;
  std::string second = test::DemoExport(options);
  second += "#99999,bad@example.com,paid,,,,no,USD,1,0,0,not-money\n";
  second.insert(second.find('\n', second.size() / 2) + 1, "#88888,x@example.com,paid\n");

  auto expected_store = Store::OpenMemory();
  REQUIRE(expected_store.ok());
  Workspace expected;
  for (uint32_t id = 1; id <= 3; ++id) ImportSliced(expected_store->get(), nullptr, &expected, id, id == 1 ? first : second, 30);
  REQUIRE(expected.imports.size() == 3);
  CHECK(expected.imports[1].customers_merged > 0);
  CHECK(expected.imports[1].rows_rejected >= 2);
  const Workspace stored = test::Reloaded(expected_store->get());
  test::RequireSameWorkspace(stored, expected);

  for (WriteBehind::Mode mode : {WriteBehind::kThreaded, WriteBehind::kInline}) {
    auto store = Store::OpenMemory();
    REQUIRE(store.ok());
    Workspace w;
    for (uint32_t id = 1; id <= 3; ++id) {
      WriteBehind writer(store->get(), mode);
      ImportSliced(store->get(), &writer, &w, id, id == 1 ? first : second, 30);
    }
    test::RequireSameWorkspace(w, expected);
    test::RequireSameWorkspace(test::Reloaded(store->get()), stored);
  }
}

TEST_CASE("write behind: CaptureSlice records every row, and WriteRows writes them", "[write_behind]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  auto batch = ParseBytes(test::DemoExport(120, 4), "orders.csv");
  REQUIRE(batch.ok());
  Workspace w;
  ImportRecord r = Record(1);
  MergeDelta d = MergeBatch(*batch, 1, &w, &r);
  SliceRows rows;
  Store::CaptureSlice(w, d, 1, &rows);
  const size_t dictionary_rows = (w.currencies.size() - 1) + (w.countries.size() - 1) + (w.labels.size() - 1);
  CHECK(rows.rows == dictionary_rows + w.issues.size() + w.customers.size() + w.customer_alias.size() +
                         w.products.size() + w.orders.size());
  REQUIRE((*store)->BeginAppend().ok());
  REQUIRE((*store)->WriteRows(rows).ok());
  REQUIRE((*store)->CommitAppend(r).ok());
  test::RequireSameWorkspace(test::Reloaded(store->get()), w);
}

TEST_CASE("write behind: a failed write is returned by the next call and the caller rolls back", "[write_behind]") {
  const std::string first = test::DemoExport(150, 7), second = test::DemoExport(600, 8);
  for (WriteBehind::Mode mode : {WriteBehind::kThreaded, WriteBehind::kInline}) {
    auto store = Store::OpenMemory();
    REQUIRE(store.ok());
    Workspace w;
    ImportSliced(store->get(), nullptr, &w, 1, first, 1000);
    const Workspace before = test::Reloaded(store->get());

    ParseSession session("orders.csv", {});
    MergeTotals totals;
    WriteBehind writer(store->get(), mode);
    REQUIRE((*store)->BeginAppend().ok());
    const size_t third = second.size() / 3;
    auto next_slice = [&](ImportBatch* slice, int part) {  // the file's `part`-th third
      REQUIRE(session.Feed(std::string_view(second).substr(part * third, part == 2 ? std::string::npos : third)).ok());
      REQUIRE(session.TakeSlice(10, slice));
    };
    ImportBatch slice;
    next_slice(&slice, 0);
    REQUIRE(writer.Write(w, MergeSlice(slice, 2, &w, &totals), 2).ok());
    REQUIRE(writer.Flush().ok());
    // A write that fails in the next slice (a trigger stands in for a full disk).
    REQUIRE((*store)->Exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON orders BEGIN SELECT RAISE(ABORT, 'disk full'); END").ok());
    next_slice(&slice, 1);
    Status s = writer.Write(w, MergeSlice(slice, 2, &w, &totals), 2);
    if (s.ok()) s = writer.Flush();  // threaded: reported once the write has run
    CHECK((*store)->in_append() == writer.threaded());  // inline, WriteSlice has rolled back already
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("writing orders") != std::string::npos);
    CHECK(s.message().find("disk full") != std::string::npos);
    if (writer.threaded()) {  // the caller rolls back (WebAssembly has no threads: kThreaded runs inline there)
      next_slice(&slice, 2);
      CHECK(writer.Write(w, MergeSlice(slice, 2, &w, &totals), 2).message() == s.message());  // and stays failed
    }
    (*store)->AbortAppend();
    REQUIRE((*store)->Exec("DROP TRIGGER IF EXISTS temp.boom").ok());
    test::RequireSameWorkspace(test::Reloaded(store->get()), before);
  }
}

}  // namespace rapport
