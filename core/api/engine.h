// Engine: one open workspace (SQLite database + its columns in memory) behind a few coarse calls.
// The CLI and the wasm bindings both drive the engine through this class only, so they give the same
// answers byte for byte.
//
//   auto engine = Engine::OpenFile("store.rapport");          // natively; OpenImage(bytes) in the browser
//   engine->BeginImport("orders_export_1.csv", {}, size, "2026-11-23T10:00:00Z");
//   while (...) engine->ImportChunk(chunk);                   // a few MiB at a time
//   auto record = engine->FinishImport();                     // merge + one SQLite transaction (a large
//                                                             // orders export merges in slices as it streams)
//   std::string reply = engine->Call(R"({"op":"kpis"})");      // JSON in, JSON out
//
// Call() replies {"ok":true,"result":{...}} or {"ok":false,"error":{"code":..,"message":..}}; the ops are
// listed in core/api/ops.h and described in wasm-bindings/PROTOCOL.md.
//
// Failure atomicity: an import that fails (bad file, SQLite error, cancelled) leaves both the database and
// the in-memory workspace exactly as they were before BeginImport.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/api/cache.h"
#include "core/api/parse_ahead.h"
#include "core/import/importer.h"
#include "core/util/status.h"
#include "core/workspace/workspace.h"

namespace rapport {

class Store;
class ImportSession;

class Engine {
 public:
  // Opens (or creates) a workspace file. Migrates older schema versions; a damaged file is an error.
  static Result<std::unique_ptr<Engine>> OpenFile(const std::string& path);
  // A new, empty workspace in memory (the browser, tests).
  static Result<std::unique_ptr<Engine>> OpenMemory();
  // A workspace from the bytes of a .rapport file, held in memory.
  static Result<std::unique_ptr<Engine>> OpenImage(std::string_view bytes);
  // The same, taking over a buffer from Store::AllocImageBuffer (no copy; freed by the engine, also on error).
  static Result<std::unique_ptr<Engine>> OpenOwnedImage(unsigned char* bytes, size_t size);
  ~Engine();

  const Workspace& workspace() const { return *workspace_; }

  // Import a file in chunks. `total_bytes` may be 0 when unknown; `imported_at` is recorded as given.
  Status BeginImport(const std::string& file_name, const ImportOptions& options, uint64_t total_bytes,
                     const std::string& imported_at);
  Status ImportChunk(std::string_view bytes);
  // Ends the input, merges into the workspace and commits. On error nothing changes.
  Result<ImportRecord> FinishImport();
  void CancelImport();
  uint64_t import_bytes_consumed() const;
  // A large orders export is merged and written in slices of this many orders as it streams, inside the
  // import's one transaction (Store::BeginAppend), so the whole file's batch is never held at once. Natively
  // the next slice is parsed while one is merged and the one before written (below): 25,000 orders (about 20 MB of a
  // Shopify export) keep both threads busy; 100,000 left the parse of the first slice and the merge of the
  // last one alone for a quarter of the import (bench/RESULTS.md "The whole import").
  static constexpr size_t kImportSliceOrders = 25000;
  // The slice size the next BeginImport uses (kImportSliceOrders unless set): tests take the same paths (several
  // slices, a cancel after some are written) on files a tenth the size.
  void set_import_slice_orders(size_t orders) { import_slice_orders_ = orders; }
  // Natively an import parses on a second thread, one slice ahead of the merge (ParseAhead), and writes each
  // merged slice to SQLite on a third, one slice behind (WriteBehind); false does all three in the calling
  // thread, as the WebAssembly build always does. The answers are the same.
  void set_parse_thread(bool on) { parse_thread_ = on; }
  // false: an import drops each slice's order rows from the columns once they are written
  // (Workspace::DropOrderRows), so that a large import holds one slice of orders and lines in memory instead of
  // every one: for a caller that only imports (the CLI, which exits after). workspace() then holds the
  // customers, products, import history and issues, but only the last slice's orders; the next op (Call)
  // reloads the workspace from the store first. The stored rows are the same either way.
  void set_import_keeps_orders(bool on) { import_keeps_orders_ = on; }

  // Removes an import and every row it added (reloads the columns from the database).
  Status RemoveImport(uint32_t import_id);
  // Replaces the settings and stores them.
  Status SaveSettings(const Settings& settings);

  // JSON request -> JSON reply (see the header comment).
  std::string Call(std::string_view request_json);
  // The same a step at a time (cache.h, "Steps"): builds at most one of the op's cached structures (with those
  // it needs) and replies {"ok":true,"pending":true} while the op has more to build; call it again (other calls
  // may run in between: what the steps built is kept) until the reply is Call's, byte for byte. Only for ops
  // that read the workspace: an op that changes it runs whole.
  std::string CallStep(std::string_view request_json);

  // The database as the bytes of a .rapport file.
  Result<std::string> SerializeImage();
  // The same bytes without a copy when the workspace is held as one image (Store::ImageView), else empty.
  std::string_view ImageView();

  Store& store() { return *store_; }
  // Derived structures shared by successive calls; cleared whenever the workspace or settings change.
  AnalysisCache& cache() { return cache_; }

 private:
  Engine();
  Status Reload();
  ParseAhead::SliceSink SliceSink();  // merges and writes one parsed slice of the import in progress
  std::unique_ptr<Store> store_;
  std::unique_ptr<Workspace> workspace_;
  std::unique_ptr<ImportSession> import_;
  AnalysisCache cache_;
  bool parse_thread_ = true;
  size_t import_slice_orders_ = kImportSliceOrders;
  bool import_keeps_orders_ = true;
};

}  // namespace rapport
