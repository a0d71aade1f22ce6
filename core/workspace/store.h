// Store: the workspace's durable copy, one SQLite database: a *.rapport file natively, and in the browser the
// same file in OPFS opened through the host VFS (wasm-bindings/host_vfs.cpp), or an in-memory image where
// IndexedDB stands in for OPFS. Schema, versioning and atomicity are described in docs/workspace.md.
//
//   auto store = Store::Open("shop.rapport");     // creates, migrates, or refuses (newer / damaged file)
//   Workspace w; store->Load(&w);                 // every table read once into the columns
//   MergeDelta d = MergeBatch(batch, id, &w, &record);
//   store->AppendImport(w, d, record);            // the new rows, one transaction
//
// Every write is one transaction (BEGIN IMMEDIATE ... COMMIT) and is rolled back on any error, so the file
// holds either all of an import or none of it. Row ids in SQLite equal the dense in-memory ids; removing
// an import renumbers the remaining rows inside the same transaction to keep it so.
//
// Thread-safety: none; one thread uses a Store at a time (an import's writer thread while the engine's thread
// leaves it alone: core/api/write_behind.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"
#include "core/workspace/merge.h"
#include "core/workspace/workspace.h"

struct sqlite3;

namespace rapport {

// `PRAGMA application_id` of a Rapport workspace ("RAPT") and the schema version it is written with.
constexpr int32_t kRapportApplicationId = 0x52415054;
constexpr int32_t kSchemaVersion = 2;

// The rows one slice of an import adds or changes (Store::CaptureSlice), copied out of the workspace so that
// they can be written while the workspace moves on (the engine merges the next slice meanwhile). A tape of
// 64-bit words: a row is kRow | its statement, then one entry per parameter in order — kSmallInt | value << 8
// for a value that fits in 56 bits (nearly all: ids, days, cents), else kInt and the value in the next word;
// kNull; or kText / kBlob | size << 8, its bytes being the next `size` bytes of `bytes` (the values' bytes
// follow one another in the order of the tape). One word for most values, so the tape is about half the
// memory of a tag-and-value pair per value (bench/RESULTS.md "Import"). Before each group of rows of one
// kind, kRun | n << 8: the n rows that follow are of one kind (the writer inserts them many at a time).
struct SliceRows {
  enum Tag : uint64_t { kInt = 1, kNull = 2, kText = 3, kBlob = 4, kSmallInt = 5, kRun = 6, kRow = 0x80 };
  std::vector<uint64_t> words;
  std::string bytes;
  size_t rows = 0;
};

class Store {
 public:
  // Opens or creates a file. A file written by a newer Rapport, or one that is not a (sound) Rapport
  // workspace, is refused: kInvalidArgument / kCorrupt, the message naming the file.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  static Result<std::unique_ptr<Store>> OpenMemory();
  // The bytes of a .rapport file, deserialised into memory (`name` is used in messages only).
  static Result<std::unique_ptr<Store>> OpenImage(std::string_view bytes, const std::string& name = "workspace image");
  // The same without a copy: `bytes` comes from AllocImageBuffer and is owned by the store from here on,
  // freed on close or on failure (a 1 GiB workspace is then held in memory once, not twice).
  static Result<std::unique_ptr<Store>> OpenOwnedImage(unsigned char* bytes, size_t size,
                                                       const std::string& name = "workspace image");
  // A buffer for OpenOwnedImage (nullptr when out of memory); FreeImageBuffer for one never handed over.
  static unsigned char* AllocImageBuffer(size_t size);
  static void FreeImageBuffer(unsigned char* bytes);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Replaces *workspace with the stored tables, dictionaries and import history (settings are left as
  // they are: the engine reads them with LoadSettingsJson).
  Status Load(Workspace* workspace);
  // Writes the rows MergeBatch added (and the existing rows it changed) plus `record`, in one transaction.
  Status AppendImport(const Workspace& workspace, const MergeDelta& delta, const ImportRecord& record);
  // The same for an import merged in slices (MergeSlice), still one transaction: BeginAppend, WriteSlice after
  // each slice, CommitAppend with the record. Any error rolls the whole import back (the caller then reloads
  // the workspace); AbortAppend rolls back an import given up (no-op when none is open).
  Status BeginAppend();
  Status WriteSlice(const Workspace& workspace, const MergeDelta& delta, uint32_t import_id);
  // WriteSlice in two steps, for a write on another thread than the merge: CaptureSlice copies the rows out of
  // the workspace (no database access; the same rows, in the same order, as WriteSlice writes), WriteRows
  // writes them (the database only). Unlike WriteSlice, a failed WriteRows leaves the transaction open: the
  // caller, on its own thread, then calls AbortAppend. Nothing else may use the store during a WriteRows.
  static void CaptureSlice(const Workspace& workspace, const MergeDelta& delta, uint32_t import_id, SliceRows* rows);
  Status WriteRows(const SliceRows& rows);
  Status CommitAppend(const ImportRecord& record);
  void AbortAppend();
  bool in_append() const { return in_append_; }
  // Deletes every row import `import_id` added and renumbers the rest densely, in one transaction.
  // Customers the import created survive while another import's orders or feedback still name them.
  Status RemoveImport(uint32_t import_id);
  // The settings as JSON text (core/api/settings_json.cpp converts); "" when none were saved.
  Result<std::string> LoadSettingsJson();
  Status SaveSettingsJson(const std::string& json);

  // The database as the bytes of a .rapport file.
  Result<std::string> Serialize();
  // The image of an in-memory database (OpenImage, OpenOwnedImage) without a copy, valid until the next
  // write; empty when the database is not held as one image (a file, OpenMemory): use Serialize then.
  std::string_view ImageView();
  // Runs SQL statements (tests use it to inject failures, e.g. a trigger that aborts an insert).
  Status Exec(const std::string& sql);

  const std::string& name() const { return name_; }
  sqlite3* db() { return db_; }

 private:
  Store(sqlite3* db, std::string name) : db_(db), name_(std::move(name)) {}
  static Result<std::unique_ptr<Store>> Init(sqlite3* db, std::string name, bool in_memory);
  Status Verify(bool in_memory);
  Status Error(const char* what);
  // RemoveImport's steps for the products named inside orders.lines: list them in temp.line_products, and
  // rewrite the lines for the products' renumbering.
  Status MarkLineProducts();
  Status RenumberLineProducts();
  // Natively on Linux, after a slice is written: has the kernel start writing the database file's dirty pages
  // to disk, and drops from the page cache the pages this import appended whose writing the previous call
  // started (so an import holds about a slice of the file in the page cache, not the whole file: on a VM whose
  // freed memory goes back to the host, every new page costs a host fault). No-op elsewhere, and for a
  // database in memory.
  void StartWriteback();

  sqlite3* db_ = nullptr;
  std::string name_;
  bool in_append_ = false;
  [[maybe_unused]] int writeback_fd_ = -1;  // (unused where StartWriteback does nothing: wasm) StartWriteback's descriptor of the database file; -2 when there is none
  // The file's bytes from drop_from_ to writeback_started_to_ (set by BeginAppend and StartWriteback) were
  // appended by the import in progress and are being written to disk: the next StartWriteback drops them from
  // the page cache.
  [[maybe_unused]] uint64_t drop_from_ = UINT64_MAX, writeback_started_to_ = 0;
};

}  // namespace rapport
