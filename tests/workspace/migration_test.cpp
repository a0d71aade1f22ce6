// Schema migrations: a workspace written by an older Rapport opens, is migrated in place, and answers as a
// workspace made by this build from the same files does. The fixture tests/fixtures/workspace/v1_small.rapport
// was written by `rapport import` at schema version 1 from files of tests/fixtures/import (README.md there).
#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "test_data.h"
#include "workspace/batch_builder.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/util/text.h"
#include "core/workspace/store.h"

namespace rapport {
namespace {

// SQLite header: user_version (the schema version) at offset 60, big-endian.
uint32_t UserVersion(const std::string& bytes) {
  REQUIRE(bytes.size() >= 100);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data()) + 60;
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Writes the schema-1 fixture to `path`.
void CopyFixture(const std::string& path) {
  const std::string bytes = test::ReadAll(test::SourcePath("tests/fixtures/workspace/v1_small.rapport"));
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Result<ImportRecord> ImportBytes(Engine* e, const std::string& name, const std::string& bytes, const std::string& at) {
  Status s = e->BeginImport(name, ImportOptions{}, bytes.size(), at);
  if (!s.ok()) return s;
  for (size_t pos = 0; pos < bytes.size(); pos += 1000) {
    s = e->ImportChunk(std::string_view(bytes).substr(pos, 1000));
    if (!s.ok()) return s;
  }
  return e->FinishImport();
}

uint64_t WordFingerprint(const std::string& bytes) {
  FileFingerprint f;
  f.Update(bytes);
  return f.Final();
}

std::string Answer(Engine* e, const std::string& request) {
  Json reply = Json::parse(e->Call(request));
  INFO(request << " -> " << reply.dump());
  REQUIRE(reply["ok"] == true);
  return reply["result"].dump();
}

TEST_CASE("migration: a version 1 workspace opens as version 2 with the same columns and answers", "[workspace][migration]") {
  const test::TempFile file("migration_same.rapport");
  const std::string& path = file.path;
  CopyFixture(path);
  REQUIRE(UserVersion(test::ReadAll(path)) == 1);
  auto migrated = Engine::OpenFile(path);
  REQUIRE(migrated.ok());
  CHECK(UserVersion(test::ReadAll(path)) == static_cast<uint32_t>(kSchemaVersion));
  const Workspace& m = (*migrated)->workspace();
  REQUIRE(m.imports.size() >= 5);
  REQUIRE(m.lines.size() > 0);
  REQUIRE(m.reviews.size() > 0);
  REQUIRE(m.tickets.size() > 0);

  // The same files imported by this build, in the same order, under the same names and times.
  auto fresh = Engine::OpenMemory();
  REQUIRE(fresh.ok());
  for (const ImportRecord& r : m.imports) {
    INFO(r.file_name);
    const std::string bytes = test::ReadAll(test::SourcePath("tests/fixtures/import/" + r.file_name));
    REQUIRE(!bytes.empty());
    // Version 1 recorded FNV-1a fingerprints; they keep their kind.
    CHECK(r.fingerprint_kind == "fnv1a64");
    CHECK(r.fingerprint == Fnv1a64(bytes));
    auto again = ImportBytes(fresh->get(), r.file_name, bytes, r.imported_at);
    REQUIRE(again.ok());
    CHECK(again->id == r.id);
    CHECK(again->fingerprint_kind == "wh64");
    CHECK(again->fingerprint == WordFingerprint(bytes));
  }
  Workspace expected = (*fresh)->workspace();
  for (size_t i = 0; i < expected.imports.size(); ++i) {
    expected.imports[i].fingerprint = m.imports[i].fingerprint;
    expected.imports[i].fingerprint_kind = m.imports[i].fingerprint_kind;
  }
  test::RequireSameWorkspace(expected, m);
  for (const char* request : {R"({"op":"info"})", R"({"op":"kpis"})", R"({"op":"cohorts"})", R"({"op":"rfm"})",
                              R"({"op":"products"})", R"({"op":"funnel"})", R"({"op":"import_issues","import_id":2})"}) {
    CHECK(Answer(migrated->get(), request) == Answer(fresh->get(), request));
  }

  // Opened again: already version 2, the same columns.
  const Workspace before_reopen = m;
  migrated->reset();
  auto reopened = Engine::OpenFile(path);
  REQUIRE(reopened.ok());
  test::RequireSameWorkspace(before_reopen, (*reopened)->workspace());
}

TEST_CASE("migration: re-importing a file a version 1 workspace already holds adds nothing and says so", "[workspace][migration]") {
  const test::TempFile file("migration_reimport.rapport");
  const std::string& path = file.path;
  CopyFixture(path);
  auto engine = Engine::OpenFile(path);
  REQUIRE(engine.ok());
  Engine* e = engine->get();
  const ImportRecord* orders = nullptr;
  for (const ImportRecord& r : e->workspace().imports) {
    if (r.format == "shopify_orders") orders = &r;
  }
  REQUIRE(orders != nullptr);
  const ImportRecord first = *orders;
  REQUIRE(first.orders_added > 0);
  const size_t order_count = e->workspace().orders.size(), line_count = e->workspace().lines.size();
  const std::string bytes = test::ReadAll(test::SourcePath("tests/fixtures/import/" + first.file_name));
  auto again = ImportBytes(e, first.file_name, bytes, "2026-12-06T12:00:00Z");
  REQUIRE(again.ok());
  CHECK(again->orders_added == 0);
  CHECK(again->orders_skipped_duplicate == first.orders_added);
  CHECK(again->customers_added == 0);
  CHECK(e->workspace().orders.size() == order_count);
  CHECK(e->workspace().lines.size() == line_count);
  // Both records are listed, each fingerprint with its kind: the same bytes, hashed by two versions.
  const Json imports = Json::parse(Answer(e, R"({"op":"imports"})"));
  REQUIRE(imports["imports"].size() == e->workspace().imports.size());
  const Json& old_entry = imports["imports"][first.id - 1];
  const Json& new_entry = imports["imports"][again->id - 1];
  CHECK(old_entry["fingerprint_kind"] == "fnv1a64");
  CHECK(new_entry["fingerprint_kind"] == "wh64");
  CHECK(old_entry["fingerprint"] != new_entry["fingerprint"]);

  // Removing the old import from the migrated file keeps the rest consistent: its orders are gone, the
  // re-import (which added none) has nothing to bring back.
  REQUIRE(e->RemoveImport(first.id).ok());
  CHECK(e->workspace().orders.size() < order_count);
  auto reopened = Engine::OpenFile(path);
  REQUIRE(reopened.ok());
  test::RequireSameWorkspace(e->workspace(), (*reopened)->workspace());
}

}  // namespace
}  // namespace rapport
