// Faults at the engine boundary (docs/robustness.md), natively and in wasm: a write that runs out of space,
// an import abandoned half-way, a workspace image cut short or damaged anywhere, a schema migration that fails. In each case the engine
// reports the problem and the workspace holds exactly what it held before; a damaged image is refused, never
// half-loaded. The same faults through the CLI, with SIGKILL and a real full disk: tests/cli/faults.sh.
#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "test_data.h"
#include "core/api/engine.h"
#include "demo/demo_export.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

using test::DemoExport;

Status Import(Engine* e, const std::string& name, const std::string& text) {
  Status s = e->BeginImport(name, {}, text.size(), "2026-01-01T00:00:00Z");
  for (size_t at = 0; s.ok() && at < text.size(); at += 1 << 16) s = e->ImportChunk(std::string_view(text).substr(at, 1 << 16));
  if (!s.ok()) return s;
  return e->FinishImport().status();
}

// Everything a user sees of a workspace's contents: the KPIs and the import history.
std::string Snapshot(Engine* e) {
  return e->Call(R"({"op":"kpis"})") + "\n" + e->Call(R"({"op":"imports"})");
}


TEST_CASE("faults: a full disk fails the import and keeps what was saved before", "[faults]") {
  test::TempFile file("faults_full.rapport");
  const std::string small = DemoExport(200, 1), big = DemoExport(3000, 2);
  std::string before;
  {
    auto engine = Engine::OpenFile(file.path);
    REQUIRE(engine.ok());
    REQUIRE(Import(engine->get(), "small.csv", small).ok());
    before = Snapshot(engine->get());
    // The database may not grow by more than a few pages: SQLite's SQLITE_FULL, as on a full disk.
    REQUIRE((*engine)->store().Exec("PRAGMA max_page_count = " +
                                    std::to_string(std::filesystem::file_size(file.path) / 8192 + 4)).ok());
    Status s = Import(engine->get(), "big.csv", big);
    REQUIRE_FALSE(s.ok());
    INFO(s.ToString());
    CHECK_THAT(s.message(), Catch::Contains("full"));
    CHECK(Snapshot(engine->get()) == before);  // the columns were reloaded from the database
  }
  auto reopened = Engine::OpenFile(file.path);
  REQUIRE(reopened.ok());
  CHECK(Snapshot(reopened->get()) == before);
  // Once there is room again, the same import goes through.
  REQUIRE(Import(reopened->get(), "big.csv", big).ok());
  CHECK(Snapshot(reopened->get()) != before);
}

TEST_CASE("faults: a full disk part-way through a sliced import changes nothing, written behind the merge or not", "[faults][sliced]") {
  test::TempFile file("faults_full_sliced.rapport");
  // Slices of 4,000 orders (Engine::set_import_slice_orders): the default's 25,000 take the same paths on a
  // file six times the size.
  constexpr size_t kSlice = 4000;
  demo::DemoOptions options = demo::ScaleOptions(2500, 5);
  options.slim = true;
  const std::string small = DemoExport(200, 1), big = DemoExport(options);
  auto engine = Engine::OpenFile(file.path);
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  e->set_import_slice_orders(kSlice);
  REQUIRE(Import(e, "small.csv", small).ok());
  const std::string before = Snapshot(e);
  const uint64_t pages = std::filesystem::file_size(file.path) / 8192;
  // Natively the slices are then parsed, merged and written on three threads (a failed write is reported by
  // the next slice or by FinishImport); in this thread they are written as they merge.
  // The CLI's import drops each slice's order rows once written (Engine::set_import_keeps_orders): the same.
  for (bool keeps_orders : {true, false}) {
    for (bool threaded : {true, false}) {
      e->set_parse_thread(threaded);
      e->set_import_keeps_orders(keeps_orders);
      // Room for part of the file: the first slices are written, a later one fails (SQLITE_FULL).
      REQUIRE(e->store().Exec("PRAGMA max_page_count = " + std::to_string(pages + big.size() / 8192 / 8)).ok());
      Status s = Import(e, "big.csv", big);
      REQUIRE_FALSE(s.ok());
      INFO(s.ToString());
      CHECK_THAT(s.message(), Catch::Contains("full"));
      CHECK(e->workspace().orders_dropped == 0);  // reloaded
      CHECK(Snapshot(e) == before);
    }
  }
  e->set_import_keeps_orders(true);
  REQUIRE(e->store().Exec("PRAGMA max_page_count = 1073741823").ok());
  e->set_parse_thread(true);
  REQUIRE(Import(e, "big.csv", big).ok());
  CHECK(Snapshot(e) != before);
  CHECK(e->workspace().orders.size() > 2 * kSlice);  // it was sliced
}

TEST_CASE("faults: an import abandoned half-way changes nothing", "[faults]") {
  test::TempFile file("faults_cancel.rapport");
  const std::string small = DemoExport(200, 3), big = DemoExport(1000, 4);
  auto engine = Engine::OpenFile(file.path);
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  REQUIRE(Import(e, "small.csv", small).ok());
  const std::string before = Snapshot(e);
  // Parsed in this thread, then on the import's parse thread; the order rows kept, then dropped once written
  // (Engine::set_import_keeps_orders, the CLI's import).
  for (bool keeps_orders : {true, false}) {
    for (bool threaded : {false, true}) {
      e->set_parse_thread(threaded);
      e->set_import_keeps_orders(keeps_orders);
      REQUIRE(e->BeginImport("big.csv", {}, big.size(), "2026-01-01T00:00:00Z").ok());
      REQUIRE(e->ImportChunk(std::string_view(big).substr(0, big.size() / 2)).ok());
      if (!threaded) CHECK(e->import_bytes_consumed() > 0);  // the parse thread may not have started on it yet
      e->CancelImport();
      CHECK(e->workspace().orders_dropped == 0);
      CHECK(Snapshot(e) == before);
    }
  }
  e->set_import_keeps_orders(true);
  // A file that turns out unreadable at its end (a quote left open) fails the import the same way.
  const std::string damaged = big + "#9999,\"open quote,paid\n";
  Status s = Import(e, "damaged.csv", damaged);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("damaged.csv"));
  e->CancelImport();
  CHECK(Snapshot(e) == before);
  auto reopened = Engine::OpenFile(file.path);
  REQUIRE(reopened.ok());
  CHECK(Snapshot(reopened->get()) == before);
}

TEST_CASE("faults: a workspace image cut short is refused, never half-loaded", "[faults]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  REQUIRE(Import(engine->get(), "small.csv", DemoExport(300, 5)).ok());
  const std::string good = Snapshot(engine->get());
  auto image = (*engine)->SerializeImage();
  REQUIRE(image.ok());
  const std::string& bytes = *image;
  REQUIRE(bytes.size() > 8192 * 4);
  // (0 bytes is not in the list: an empty image is a new, empty workspace, like a new file.)
  int refused = 0;
  for (size_t keep : {size_t(100), size_t(8192), bytes.size() / 2, bytes.size() - 8192, bytes.size() - 1}) {
    INFO("kept " << keep << " of " << bytes.size() << " bytes");
    auto cut = Engine::OpenImage(std::string_view(bytes).substr(0, keep));
    if (!cut.ok()) {
      CHECK(cut.status().code() == StatusCode::kCorrupt);
      ++refused;
    } else {
      // Only a cut inside the last page's unused tail may open, and then with every row intact.
      CHECK(keep > bytes.size() - 8192);
      CHECK(Snapshot(cut->get()) == good);
    }
  }
  CHECK(refused >= 4);
}

TEST_CASE("faults: a damaged page anywhere in a workspace is refused or reads consistently", "[faults]") {
  auto engine = Engine::OpenMemory();
  REQUIRE(engine.ok());
  REQUIRE(Import(engine->get(), "small.csv", DemoExport(300, 6)).ok());
  const std::string good = Snapshot(engine->get());
  auto image = (*engine)->SerializeImage();
  REQUIRE(image.ok());
  const size_t pages = image->size() / 8192;
  int refused = 0;
  for (size_t page = 0; page < pages; ++page) {
    std::string damaged = *image;
    // Scribble over the middle of the page (cell content and pointers, not only free space).
    for (size_t i = 0; i < 512; ++i) damaged[page * 8192 + 2048 + i] = static_cast<char>(0xA5 ^ i);
    auto opened = Engine::OpenImage(damaged);
    if (!opened.ok()) {
      INFO("page " << page << ": " << opened.status().ToString());
      CHECK(opened.status().code() == StatusCode::kCorrupt);
      ++refused;
      continue;
    }
    // Accepted: the damage hit unused space; the contents must be the same as before.
    INFO("page " << page << " was accepted");
    CHECK(Snapshot(opened->get()) == good);
  }
  CHECK(refused > 0);
}

TEST_CASE("faults: a migration that fails leaves the older workspace as it was, and the next open migrates it", "[faults][migration]") {
  // A schema-1 workspace (tests/fixtures/workspace) where the migration to version 2 cannot run: a table in its
  // way, as a crash or a full disk half-way through the step would leave nothing of (one transaction).
  test::TempFile file("faults_migration_fails.rapport");
  const std::string v1 = test::ReadAll(test::SourcePath("tests/fixtures/workspace/v1_small.rapport"));
  REQUIRE(v1.size() > 100);
  std::string blocked;
  {
    std::FILE* out = std::fopen(file.path.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fwrite(v1.data(), 1, v1.size(), out);
    std::fclose(out);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE orders_v2(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    blocked = test::ReadAll(file.path);
  }
  auto engine = Engine::OpenFile(file.path);
  REQUIRE_FALSE(engine.ok());
  CHECK_THAT(engine.status().message(), Catch::Contains("migrating to schema version 2"));
  CHECK(test::ReadAll(file.path) == blocked);  // rolled back: still version 1, every row where it was

  // Out of the way, the same file migrates and holds the fixture's imports.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "DROP TABLE orders_v2", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto again = Engine::OpenFile(file.path);
  REQUIRE(again.ok());
  CHECK((*again)->workspace().imports.size() == 7);
  CHECK((*again)->workspace().lines.size() > 0);
}

}  // namespace
}  // namespace rapport
