// The C ABI of the engine for WebAssembly: thin extern "C" functions over rapport::Engine (core/api/engine.h).
// Each one casts the handle, calls the engine and stores the reply in the one result buffer; no analysis or
// import logic lives here (STYLE §13). Every reply is JSON {"ok":true,"result":...} or
// {"ok":false,"error":{"code","message"}}, except rp_serialize's success, which is the raw image bytes.
// Nothing here includes Emscripten headers: the exports are listed in exported.txt, so this file also
// compiles natively. The contract (and the worker messages built on it) is wasm-bindings/PROTOCOL.md.
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "core/api/engine.h"
#include "core/api/import_options.h"
#include "core/api/json.h"
#include "core/workspace/store.h"

using rapport::Engine;
using rapport::Json;
using rapport::Status;
using rapport::StatusCode;

namespace rapport {
bool UseHostFiles();  // host_vfs.cpp
}  // namespace rapport

namespace {

// The result of the latest call; valid until the next rp_* call (duckdb-wasm's WASMResponseBuffer).
std::string& ResultBuffer() {
  static std::string buffer;
  return buffer;
}

int ReplyOk(const Json& result) {
  ResultBuffer() = rapport::Dump(Json{{"ok", true}, {"result", result}});
  return 1;
}

int ReplyError(const Status& status) {
  ResultBuffer() = rapport::Dump(Json{{"ok", false}, {"error", rapport::ErrorJson(status)}});
  return 0;
}

int ReplyException() {
  try {
    throw;
  } catch (const std::exception& e) {
    return ReplyError(Status(StatusCode::kInternal, e.what()));
  } catch (...) {
    return ReplyError(Status(StatusCode::kInternal, "unknown exception in the engine"));
  }
}

Engine* Cast(uint32_t handle) { return reinterpret_cast<Engine*>(static_cast<uintptr_t>(handle)); }

uint32_t Adopt(std::unique_ptr<Engine> engine) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(engine.release()));
}

Status NoEngine() { return Status(StatusCode::kInvalidArgument, "no open workspace (handle 0)"); }

// Import options as JSON (PROTOCOL.md, "Import options"): the one parser in core/api/import_options.h.
Status ParseImportOptions(std::string_view text, rapport::ImportOptions* out) {
  Status st = rapport::ImportOptionsFromText(text, out);
  if (!st.ok()) return Status(st.code(), "import " + st.message());
  return st;
}

// The ImportRecord with the struct's own field names (STYLE §3: one spelling on both sides), as the
// "imports" op writes it (core/api/ops/imports.cpp).
Json ImportRecordToJson(const rapport::ImportRecord& r) {
  char hex[17];
  for (int i = 0; i < 16; ++i) hex[i] = "0123456789abcdef"[(r.fingerprint >> (60 - 4 * i)) & 15];
  hex[16] = 0;
  return Json{{"id", r.id},
              {"file_name", r.file_name},
              {"format", r.format},
              {"imported_at", r.imported_at},
              {"bytes", r.bytes},
              {"rows_read", r.rows_read},
              {"rows_accepted", r.rows_accepted},
              {"rows_rejected", r.rows_rejected},
              {"orders_added", r.orders_added},
              {"orders_skipped_duplicate", r.orders_skipped_duplicate},
              {"customers_added", r.customers_added},
              {"customers_merged", r.customers_merged},
              {"first_day", rapport::Day(r.first_day)},
              {"last_day", rapport::Day(r.last_day)},
              {"currencies", r.currencies},
              {"fingerprint", hex},
              {"fingerprint_kind", r.fingerprint_kind}};
}

// Opens an engine with `open` (which returns Result<std::unique_ptr<Engine>>) and adopts it: the handle, or 0
// with the reason in the reply.
template <typename OpenFn>
uint32_t OpenAndAdopt(OpenFn open) {
  try {
    auto engine = open();
    if (!engine.ok()) return ReplyError(engine.status());
    uint32_t handle = Adopt(std::move(*engine));
    ReplyOk(Json{{"handle", handle}});
    return handle;
  } catch (...) {
    return ReplyException();
  }
}

// The engine's {"ok":..} reply to `request_json` (NUL-terminated) through Engine::Call or Engine::CallStep.
int CallThrough(uint32_t handle, const char* request_json, std::string (Engine::*call)(std::string_view)) {
  try {
    if (!handle) return ReplyError(NoEngine());
    ResultBuffer() = (Cast(handle)->*call)(request_json ? request_json : "");
    return ResultBuffer().compare(0, 10, "{\"ok\":true") == 0 ? 1 : 0;
  } catch (...) {
    return ReplyException();
  }
}

}  // namespace

extern "C" {

// The latest reply: pointer and length in bytes (not NUL-terminated for rp_serialize's image).
const char* rp_result_ptr() { return ResultBuffer().data(); }
uint32_t rp_result_len() { return static_cast<uint32_t>(ResultBuffer().size()); }
// Frees the result buffer's memory (after a large image has been copied out).
void rp_result_clear() { std::string().swap(ResultBuffer()); }

// A new, empty workspace. Returns the handle (0 on error; the reply says why).
uint32_t rp_open_memory() {
  return OpenAndAdopt([&] { return Engine::OpenMemory(); });
}

// A workspace from the bytes of a .rapport file (copied; the caller frees `ptr`).
uint32_t rp_open_image(const char* ptr, uint32_t len) {
  return OpenAndAdopt([&] { return Engine::OpenImage(std::string_view(ptr, len)); });
}

// A buffer of `len` bytes for rp_open_owned_image: the worker reads the stored file straight into it, so
// a large workspace sits in memory once. Returns 0 when out of memory. Free with rp_free_image_buffer only
// when it is not handed to rp_open_owned_image.
char* rp_alloc_image_buffer(double len) {
  return reinterpret_cast<char*>(rapport::Store::AllocImageBuffer(static_cast<size_t>(len)));
}
void rp_free_image_buffer(char* ptr) { rapport::Store::FreeImageBuffer(reinterpret_cast<unsigned char*>(ptr)); }

// A workspace from a buffer of rp_alloc_image_buffer, which the engine takes over (also on error).
uint32_t rp_open_owned_image(char* ptr, double len) {
  return OpenAndAdopt([&] { return Engine::OpenOwnedImage(reinterpret_cast<unsigned char*>(ptr), static_cast<size_t>(len)); });
}

// A workspace kept in the host's file `name`: in the browser an OPFS file whose sync access handle, and
// its rollback journal's (`<name>-journal`), the worker registered in Module.rpFiles beforehand (host_vfs.cpp).
// An empty file becomes a new workspace; an older schema is migrated; a damaged file is refused. From then
// on every write goes to that file page by page, one transaction per change.
uint32_t rp_open_file(const char* name) {
  return OpenAndAdopt([&]() -> rapport::Result<std::unique_ptr<Engine>> {
    if (!rapport::UseHostFiles()) return Status(StatusCode::kInternal, "cannot register the host file system with SQLite");
    return Engine::OpenFile(name ? name : "");
  });
}

void rp_close(uint32_t handle) {
  try {
    delete Cast(handle);
    ReplyOk(nullptr);
  } catch (...) {
    ReplyException();
  }
}

// Starts an import. `name`, `options_json` and `imported_at` are NUL-terminated UTF-8; total_bytes is a
// double because JS numbers are (0 when unknown).
int rp_import_begin(uint32_t handle, const char* name, const char* options_json, double total_bytes,
                    const char* imported_at) {
  try {
    if (!handle) return ReplyError(NoEngine());
    rapport::ImportOptions options;
    Status status = ParseImportOptions(options_json ? options_json : "", &options);
    if (!status.ok()) return ReplyError(status);
    status = Cast(handle)->BeginImport(name ? name : "", options, static_cast<uint64_t>(total_bytes),
                                       imported_at ? imported_at : "");
    if (!status.ok()) return ReplyError(status);
    return ReplyOk(Json{{"bytes_consumed", Cast(handle)->import_bytes_consumed()}});
  } catch (...) {
    return ReplyException();
  }
}

// The next bytes of the file being imported (copied or parsed before returning; the caller frees `ptr`).
int rp_import_chunk(uint32_t handle, const char* ptr, uint32_t len) {
  try {
    if (!handle) return ReplyError(NoEngine());
    Status status = Cast(handle)->ImportChunk(std::string_view(ptr, len));
    if (!status.ok()) return ReplyError(status);
    return ReplyOk(Json{{"bytes_consumed", Cast(handle)->import_bytes_consumed()}});
  } catch (...) {
    return ReplyException();
  }
}

// Ends the input, merges and commits. Replies the import record.
int rp_import_finish(uint32_t handle) {
  try {
    if (!handle) return ReplyError(NoEngine());
    auto record = Cast(handle)->FinishImport();
    if (!record.ok()) return ReplyError(record.status());
    return ReplyOk(ImportRecordToJson(*record));
  } catch (...) {
    return ReplyException();
  }
}

void rp_import_cancel(uint32_t handle) {
  try {
    if (handle) Cast(handle)->CancelImport();
    ReplyOk(nullptr);
  } catch (...) {
    ReplyException();
  }
}

// A report op: `request_json` -> the engine's own {"ok":..} reply.
int rp_call(uint32_t handle, const char* request_json) { return CallThrough(handle, request_json, &Engine::Call); }

// The same a step at a time (Engine::CallStep): 1 and {"ok":true,"pending":true} while the op has more to build.
int rp_call_step(uint32_t handle, const char* request_json) {
  return CallThrough(handle, request_json, &Engine::CallStep);
}

// The workspace as .rapport bytes: returns 1 and the raw image in the result buffer, or 0 and a JSON error.
int rp_serialize(uint32_t handle) {
  try {
    if (!handle) return ReplyError(NoEngine());
    auto image = Cast(handle)->SerializeImage();
    if (!image.ok()) return ReplyError(image.status());
    ResultBuffer() = std::move(*image);
    return 1;
  } catch (...) {
    return ReplyException();
  }
}

// The workspace image without a copy: returns its address and puts its length in *len (0 when the
// workspace is not held as one image; use rp_serialize then). Valid until the next call that writes.
const char* rp_image_view(uint32_t handle, double* len) {
  *len = 0;
  if (!handle) return nullptr;
  std::string_view view = Cast(handle)->ImageView();
  *len = static_cast<double>(view.size());
  return view.data();
}

// Removes an import and every row it added.
int rp_remove_import(uint32_t handle, uint32_t import_id) {
  try {
    if (!handle) return ReplyError(NoEngine());
    Status status = Cast(handle)->RemoveImport(import_id);
    if (!status.ok()) return ReplyError(status);
    return ReplyOk(Json{{"removed", import_id}});
  } catch (...) {
    return ReplyException();
  }
}

}  // extern "C"
