// Store: schema, round trips (file and image), corrupted / truncated / newer files, RemoveImport.
#include <cstdio>
#include <fstream>
#include <vector>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <catch2/catch.hpp>

#include "test_data.h"
#include "workspace/batch_builder.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

using test::AddOrder;
using test::OrderSpec;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Two imports: orders with lines, a merged customer, feedback, issues.
void Populate(Store* store, Workspace* w) {
  ImportBatch a;
  AddOrder(&a, {"s:1", "ann@example.com", "", "", 100, 1000});
  test::AddLine(&a, "SKU-1", "Red Mug", 1, 1000);
  AddOrder(&a, {"s:2", "", "+15550001111", "", 101, 2000, 500});
  test::AddLine(&a, "", "Blue Mug", 2, 1000);
  AddOrder(&a, {"s:3", "", "", "", 102, 700});  // guest
  ImportIssue issue;
  issue.line = 9;
  issue.column = 2;
  issue.code = "bad_date";
  issue.message = "bad";
  issue.raw_row = "x,y";
  a.issues.push_back(issue);
  ImportRecord ra;
  ra.id = 1;
  ra.file_name = "a.csv";
  ra.format = "shopify_orders";
  ra.imported_at = "2026-01-01T00:00:00Z";
  ra.fingerprint = 0xfedcba9876543210ULL;  // above INT64_MAX: must survive the round trip
  MergeDelta da = MergeBatch(a, 1, w, &ra);
  REQUIRE(store->AppendImport(*w, da, ra).ok());

  ImportBatch b;
  OrderSpec o{"s:4", "ann@example.com", "+15550001111", "", 130, 900, 0, 0, "EUR"};
  o.first_name = "Ann";
  AddOrder(&b, o);
  test::AddLine(&b, "SKU-1", "Red Mug", 3, 300);
  test::AddReview(&b, "r1", "ann@example.com", 5, 131);
  test::AddTicket(&b, "t1", "zed@example.com", 2, 132);
  test::AddSurvey(&b, "n1", "ann@example.com", 10, 133);
  ImportRecord rb;
  rb.id = 2;
  rb.file_name = "b.csv";
  MergeDelta db = MergeBatch(b, 2, w, &rb);
  REQUIRE(store->AppendImport(*w, db, rb).ok());
}

TEST_CASE("store: write, close, reopen gives identical columns", "[workspace]") {
  const test::TempFile path_file("store_roundtrip.rapport");
  const std::string& path = path_file.path;
  Workspace written;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    Populate(store->get(), &written);
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  Workspace loaded;
  REQUIRE((*store)->Load(&loaded).ok());
  test::RequireSameWorkspace(written, loaded);
  CHECK(loaded.imports[0].fingerprint == 0xfedcba9876543210ULL);
  CHECK(loaded.customers.first_name[0] == "Ann");  // the update of an existing customer was written

  SECTION("serialize -> OpenImage -> identical") {
    auto image = (*store)->Serialize();
    REQUIRE(image.ok());
    auto copy = Store::OpenImage(*image);
    REQUIRE(copy.ok());
    Workspace from_image;
    REQUIRE((*copy)->Load(&from_image).ok());
    test::RequireSameWorkspace(written, from_image);
  }
}

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
// The page-cache pages of the file that an import has appended and that are on disk already.
size_t ResidentPages(const std::string& path, size_t from_byte) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  REQUIRE(fd >= 0);
  REQUIRE(fstat(fd, &st) == 0);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  REQUIRE(map != MAP_FAILED);
  std::vector<unsigned char> resident((size + page - 1) / page);
  REQUIRE(mincore(map, size, resident.data()) == 0);
  munmap(map, size);
  close(fd);
  size_t n = 0;
  for (size_t i = from_byte / page; i < resident.size(); ++i) n += resident[i] & 1;
  return n;
}

TEST_CASE("store: a sliced import drops the pages it has written to disk from the page cache", "[workspace]") {
  const test::TempFile path_file("store_drop_behind.rapport");
  const std::string& path = path_file.path;
  Workspace written;
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  Populate(store->get(), &written);  // what the file held before: left cached
  struct stat before;
  REQUIRE(stat(path.c_str(), &before) == 0);

  REQUIRE((*store)->BeginAppend().ok());
  REQUIRE((*store)->Exec("PRAGMA cache_size = -256").ok());  // SQLite spills pages to the file as it goes
  MergeTotals totals;
  for (int slice = 0; slice < 8; ++slice) {
    ImportBatch b;
    for (int i = 0; i < 2000; ++i) {
      const std::string n = std::to_string(slice * 2000 + i);
      AddOrder(&b, {"s:x" + n, "buyer" + n + "@example.com", "", "", 200 + i % 50, 1000 + i});
    }
    MergeDelta d = MergeSlice(b, 3, &written, &totals);
    REQUIRE((*store)->WriteSlice(written, d, 3).ok());
    // The slice on disk (as a fast disk would have it by the next slice): clean pages the next write drops.
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    fdatasync(fd);
    close(fd);
  }
  struct stat during;
  REQUIRE(stat(path.c_str(), &during) == 0);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t appended = (static_cast<size_t>(during.st_size) - static_cast<size_t>(before.st_size)) / page;
  REQUIRE(appended > 100);
  // Only the last slice's pages (and the tail SQLite keeps writing) may still be cached.
  CHECK(ResidentPages(path, static_cast<size_t>(before.st_size)) < appended / 3);

  ImportRecord r;
  FinishMerge(ImportBatch(), totals, 3, &written, &r);
  REQUIRE((*store)->CommitAppend(r).ok());
  store->reset();
  auto reopened = Store::Open(path);
  REQUIRE(reopened.ok());
  Workspace loaded;
  REQUIRE((*reopened)->Load(&loaded).ok());
  test::RequireSameWorkspace(written, loaded);
  CHECK(loaded.orders.size() == 3 + 1 + 8 * 2000);
}
#endif

TEST_CASE("store: settings JSON survives a reopen", "[workspace]") {
  const test::TempFile path_file("store_settings.rapport");
  const std::string& path = path_file.path;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    CHECK(*(*store)->LoadSettingsJson() == "");
    REQUIRE((*store)->SaveSettingsJson(R"({"retention_period_days":30})").ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK(*(*store)->LoadSettingsJson() == R"({"retention_period_days":30})");
}

TEST_CASE("store: a failed write rolls back the whole import", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  Populate(store->get(), &w);
  // Reviews are written after the orders (and their lines).
  REQUIRE((*store)->Exec("CREATE TEMP TRIGGER fail BEFORE INSERT ON main.reviews BEGIN SELECT RAISE(ABORT, 'injected failure'); END").ok());
  ImportBatch c;
  AddOrder(&c, {"s:9", "new@example.com", "", "", 140, 100});
  test::AddLine(&c, "SKU-9", "Green Mug", 1, 100);
  test::AddReview(&c, "r9", "new@example.com", 4, 141);
  ImportRecord rc;
  rc.id = 3;
  MergeDelta dc = MergeBatch(c, 3, &w, &rc);
  Status s = (*store)->AppendImport(w, dc, rc);
  CHECK(s.code() == StatusCode::kIoError);
  CHECK_THAT(s.message(), Catch::Contains("injected failure"));
  Workspace loaded;
  REQUIRE((*store)->Load(&loaded).ok());
  CHECK(loaded.orders.size() == 4);  // the order written before the failing review was rolled back too
  CHECK(loaded.lines.size() == 3);
  CHECK(loaded.products.size() == 2);
  CHECK(loaded.customers.size() == 2);
  CHECK(loaded.imports.size() == 2);
}

// Import `import_id` of `n` orders, each by a new customer (two aliases each) with a line of its own (a
// different packed blob per order) and a review, merged into *w: what to write.
std::pair<MergeDelta, ImportRecord> ManyRows(size_t n, uint32_t import_id, Workspace* w) {
  ImportBatch b;
  for (size_t i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    AddOrder(&b, {"s:" + k, "c" + k + "@example.com", "+1555" + k, "", static_cast<int32_t>(100 + i % 50),
                  static_cast<int64_t>(1000 + i)});
    test::AddLine(&b, "SKU-" + std::to_string(i % 7), "Mug " + std::to_string(i % 7), static_cast<int32_t>(1 + i),
                  100 + static_cast<int64_t>(i));
    test::AddReview(&b, "r" + k, "c" + k + "@example.com", static_cast<int8_t>(1 + i % 5), 131);
  }
  ImportRecord r;
  r.id = import_id;
  r.file_name = "many.csv";
  MergeDelta d = MergeBatch(b, import_id, w, &r);
  return {d, r};
}

TEST_CASE("store: runs of rows inserted many to a statement store what one row at a time stores", "[workspace]") {
  // Around the writer's rows per INSERT (64): a run shorter, equal, one longer, two statements and a rest.
  for (size_t n : {1, 63, 64, 65, 128, 129, 300}) {
    CAPTURE(n);
    for (bool captured : {false, true}) {
      CAPTURE(captured);
      auto store = Store::OpenMemory();
      REQUIRE(store.ok());
      Workspace w;
      const auto [d, r] = ManyRows(n, 1, &w);
      if (captured) {
        SliceRows rows;
        Store::CaptureSlice(w, d, r.id, &rows);
        REQUIRE((*store)->BeginAppend().ok());
        REQUIRE((*store)->WriteRows(rows).ok());
        REQUIRE((*store)->CommitAppend(r).ok());
      } else {
        REQUIRE((*store)->AppendImport(w, d, r).ok());
      }
      Workspace loaded;
      REQUIRE((*store)->Load(&loaded).ok());
      REQUIRE(loaded.orders.size() == n);
      test::RequireSameWorkspace(loaded, w);
      // A second import naming the first customer again: an updated row (INSERT OR REPLACE) beside new ones.
      ImportBatch again;
      OrderSpec o{"s:again", "c0@example.com", "", "", 160, 500};
      o.first_name = "Named";
      AddOrder(&again, o);
      test::AddLine(&again, "SKU-new", "New Mug", 2, 250);
      ImportRecord r2;
      r2.id = 2;
      MergeDelta d2 = MergeBatch(again, 2, &w, &r2);
      REQUIRE(d2.updated_customers.size() == 1);
      REQUIRE((*store)->AppendImport(w, d2, r2).ok());
      REQUIRE((*store)->Load(&loaded).ok());
      test::RequireSameWorkspace(loaded, w);
    }
  }
}

TEST_CASE("store: a capture into buffers a bigger or smaller one used stores the same rows", "[workspace]") {
  // The capture writes into room it makes ahead (4 KiB at a time) and keeps the buffers' size from one slice
  // to the next: a small slice, then one of many times the room (its rows' words and text both past several
  // steps of growth), then a small one again into the same SliceRows, each written into its own store.
  SliceRows rows;
  for (size_t n : {5, 4000, 7}) {
    CAPTURE(n);
    Workspace w;
    const auto [d, r] = ManyRows(n, 1, &w);
    Store::CaptureSlice(w, d, r.id, &rows);
    SliceRows fresh;
    Store::CaptureSlice(w, d, r.id, &fresh);
    REQUIRE(rows.rows == fresh.rows);
    REQUIRE(rows.words == fresh.words);
    REQUIRE(rows.bytes == fresh.bytes);
    auto store = Store::OpenMemory();
    REQUIRE(store.ok());
    REQUIRE((*store)->BeginAppend().ok());
    REQUIRE((*store)->WriteRows(rows).ok());
    REQUIRE((*store)->CommitAppend(r).ok());
    Workspace loaded;
    REQUIRE((*store)->Load(&loaded).ok());
    REQUIRE(loaded.orders.size() == n);
    test::RequireSameWorkspace(loaded, w);
  }
}

TEST_CASE("store: a row failing inside a many-row INSERT rolls the whole import back", "[workspace]") {
  for (bool captured : {false, true}) {
    CAPTURE(captured);
    auto store = Store::OpenMemory();
    REQUIRE(store.ok());
    Workspace w;
    Populate(store->get(), &w);
    Workspace before;
    REQUIRE((*store)->Load(&before).ok());
    // The 70th new order fails: rows of its statement before it, and earlier statements, are in the file.
    REQUIRE((*store)->Exec("CREATE TEMP TRIGGER fail BEFORE INSERT ON main.orders WHEN NEW.id = " +
                           std::to_string(w.orders.size() + 69) + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END").ok());
    const auto [d, r] = ManyRows(200, 3, &w);
    Status s;
    if (captured) {
      SliceRows rows;
      Store::CaptureSlice(w, d, 3, &rows);
      REQUIRE((*store)->BeginAppend().ok());
      s = (*store)->WriteRows(rows);
      (*store)->AbortAppend();  // the caller's part after a failed WriteRows (write_behind.h)
    } else {
      s = (*store)->AppendImport(w, d, r);
    }
    CHECK(s.code() == StatusCode::kIoError);
    CHECK_THAT(s.message(), Catch::Contains("injected failure"));
    Workspace loaded;
    REQUIRE((*store)->Load(&loaded).ok());
    test::RequireSameWorkspace(loaded, before);
  }
}

TEST_CASE("store: RemoveImport deletes its rows and renumbers the rest densely", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  Populate(store->get(), &w);
  REQUIRE((*store)->RemoveImport(1).ok());
  Workspace loaded;
  REQUIRE((*store)->Load(&loaded).ok());
  REQUIRE(loaded.orders.size() == 1);
  CHECK(loaded.orders.key[0] == "s:4");
  // Ann (created by import 1) survives: import 2's order, review and survey name her. The phone-only
  // customer of import 1 is gone.
  REQUIRE(loaded.customers.size() == 1);
  CHECK(loaded.customers.key[0] == "email:ann@example.com");
  CHECK(loaded.orders.customer[0] == 0);
  CHECK(loaded.reviews.customer[0] == 0);
  REQUIRE(loaded.lines.size() == 1);
  CHECK(loaded.lines.order[0] == 0);
  CHECK(loaded.products.key[loaded.lines.product[0]] == "sku:SKU-1");
  CHECK(loaded.products.size() == 1);  // "Blue Mug" only had import 1's line
  CHECK(loaded.imports.size() == 1);
  for (const ImportIssue& x : loaded.issues) CHECK(x.import_id == 2);  // import 1's bad_date row is gone
  // The phone-only customer is gone; Ann's phone column (filled by import 2) now names her.
  CHECK(loaded.customer_alias.at("phone:+15550001111") == 0);
  CHECK((*store)->RemoveImport(1).code() == StatusCode::kNotFound);
}

TEST_CASE("store: RemoveImport renumbers the products named inside the packed order lines", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  auto import = [&](uint32_t id, ImportBatch batch) {
    ImportRecord r;
    r.id = id;
    MergeDelta d = MergeBatch(batch, id, &w, &r);
    REQUIRE((*store)->AppendImport(w, d, r).ok());
  };
  ImportBatch a;  // products 0 and 1
  AddOrder(&a, {"s:1", "ann@example.com", "", "", 100, 1000});
  test::AddLine(&a, "SKU-A", "Alpha", 1, 400);
  test::AddLine(&a, "SKU-B", "Beta", 2, 300);
  import(1, a);
  ImportBatch b;  // product 2, and product 1 again
  AddOrder(&b, {"s:2", "bob@example.com", "", "", 110, 2000, 150});
  test::AddLine(&b, "SKU-C", "Gamma", 3, 500);
  test::AddLine(&b, "SKU-B", "Beta", -1, 500);  // a returned unit: a negative quantity survives the packing
  test::AddLine(&b, "", "", 1, 0);              // a line without a product
  import(2, b);
  REQUIRE(w.products.size() == 3);

  REQUIRE((*store)->RemoveImport(1).ok());
  Workspace loaded;
  REQUIRE((*store)->Load(&loaded).ok());
  // Alpha (import 1's, named by no other line) is gone; Beta stays (import 2 names it); ids close up.
  REQUIRE(loaded.products.size() == 2);
  CHECK(loaded.products.key[0] == "sku:SKU-B");
  CHECK(loaded.products.key[1] == "sku:SKU-C");
  REQUIRE(loaded.orders.size() == 1);
  REQUIRE(loaded.lines.size() == 3);
  CHECK(loaded.orders.first_line[0] == 0);
  CHECK(loaded.orders.line_count[0] == 3);
  CHECK(loaded.products.key[loaded.lines.product[0]] == "sku:SKU-C");
  CHECK(loaded.products.key[loaded.lines.product[1]] == "sku:SKU-B");
  CHECK(loaded.lines.quantity[1] == -1);
  CHECK(loaded.lines.unit_price_cents[1] == 500);
  CHECK(loaded.lines.order == std::vector<uint32_t>{0, 0, 0});
  CHECK((*store)->RemoveImport(2).ok());
  REQUIRE((*store)->Load(&loaded).ok());
  CHECK(loaded.orders.size() == 0);
  CHECK(loaded.lines.size() == 0);
  // Gamma goes with import 2; Beta stays, as a product import 1 created (products outlive the lines naming them).
  REQUIRE(loaded.products.size() == 1);
  CHECK(loaded.products.key[0] == "sku:SKU-B");
}

TEST_CASE("store: malformed packed order lines are refused as corrupt", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  Workspace w;
  Populate(store->get(), &w);
  // A varint cut short (a continuation bit on the last byte).
  REQUIRE((*store)->Exec("UPDATE orders SET lines = x'0102038f' WHERE id = 0").ok());
  Workspace loaded;
  Status s = (*store)->Load(&loaded);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("orders.lines of order 0"));
}

TEST_CASE("store: damaged, truncated and foreign files are refused as corrupt", "[workspace]") {
  const test::TempFile good_file("store_good.rapport");
  const std::string& good = good_file.path;
  std::string image;
  {
    auto store = Store::Open(good);
    REQUIRE(store.ok());
    Workspace w;
    Populate(store->get(), &w);
    // Enough rows that the file spans many pages.
    ImportBatch big;
    for (int i = 0; i < 3000; ++i) AddOrder(&big, {"big:" + std::to_string(i), "c" + std::to_string(i) + "@example.com", "", "", 100 + i % 50, 100 + i});
    ImportRecord r;
    r.id = 3;
    MergeDelta d = MergeBatch(big, 3, &w, &r);
    REQUIRE((*store)->AppendImport(w, d, r).ok());
    image = *(*store)->Serialize();
  }
  REQUIRE(image.size() > 8192 * 8);

  SECTION("not SQLite at all") {
    const test::TempFile path_file("store_text.rapport");
  const std::string& path = path_file.path;
    WriteBytes(path, "Name,Email\n#1001,a@example.com\n" + std::string(5000, 'x'));
    auto store = Store::Open(path);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == StatusCode::kCorrupt);
    CHECK_THAT(store.status().message(), Catch::StartsWith(path + ": not a Rapport workspace ("));
  }
  SECTION("truncated to half") {
    const test::TempFile path_file("store_truncated.rapport");
  const std::string& path = path_file.path;
    WriteBytes(path, image.substr(0, image.size() / 2));
    auto store = Store::Open(path);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == StatusCode::kCorrupt);
    auto from_image = Store::OpenImage(image.substr(0, image.size() / 2));
    REQUIRE_FALSE(from_image.ok());
    CHECK(from_image.status().code() == StatusCode::kCorrupt);
  }
  SECTION("cut anywhere, even by one byte") {
    for (size_t keep : {size_t(100), size_t(8192), image.size() - 8192, image.size() - 1}) {
      INFO("kept " << keep << " of " << image.size());
      auto store = Store::OpenImage(image.substr(0, keep));
      REQUIRE_FALSE(store.ok());
      CHECK(store.status().code() == StatusCode::kCorrupt);
    }
    const test::TempFile path_file("store_cut_one_byte.rapport");
  const std::string& path = path_file.path;
    WriteBytes(path, image.substr(0, image.size() - 1));
    auto store = Store::Open(path);
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.status().message(), Catch::Contains("truncated"));
  }
  SECTION("pages overwritten in the middle") {
    std::string damaged = image;
    for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 20000; ++i) damaged[i] = static_cast<char>(i * 7);
    auto store = Store::OpenImage(damaged, "damaged.rapport");
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == StatusCode::kCorrupt);
    CHECK_THAT(store.status().message(), Catch::StartsWith("damaged.rapport: not a Rapport workspace ("));
  }
  SECTION("another application's SQLite file") {
    auto other = Store::OpenMemory();
    REQUIRE(other.ok());
    REQUIRE((*other)->Exec("PRAGMA application_id = 1234").ok());
    auto bytes = (*other)->Serialize();
    auto store = Store::OpenImage(*bytes, "other.db");
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == StatusCode::kCorrupt);
    CHECK_THAT(store.status().message(), Catch::Contains("application_id"));
  }
}

TEST_CASE("store: a workspace missing a table is corrupt", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  REQUIRE((*store)->Exec("DROP TABLE reviews").ok());
  Workspace w;
  Status s = (*store)->Load(&w);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("table reviews"));
}

TEST_CASE("store: a file from a newer schema version is refused", "[workspace]") {
  const test::TempFile path_file("store_newer.rapport");
  const std::string& path = path_file.path;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1)).ok());
  }
  auto store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(store.status().message(), Catch::Contains("newer Rapport"));
}

TEST_CASE("store: a new file gets the schema, application id and version", "[workspace]") {
  auto store = Store::OpenMemory();
  REQUIRE(store.ok());
  auto bytes = (*store)->Serialize();
  REQUIRE(bytes.ok());
  REQUIRE(bytes->size() >= 100);
  // SQLite header: user_version at offset 60, application_id at 68, both big-endian.
  auto be32 = [&](size_t at) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes->data()) + at;
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  };
  CHECK(be32(60) == static_cast<uint32_t>(kSchemaVersion));
  CHECK(be32(68) == static_cast<uint32_t>(kRapportApplicationId));
  Workspace w;
  REQUIRE((*store)->Load(&w).ok());
  CHECK(w.orders.size() == 0);
}

}  // namespace
}  // namespace rapport
