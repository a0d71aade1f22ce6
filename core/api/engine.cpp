// Engine: the store, the columns, and the ops behind a few coarse calls (engine.h).
#include "core/api/engine.h"

#include <exception>

#include "core/api/ops.h"
#include "core/api/parse_ahead.h"
#include "core/api/write_behind.h"
#include "core/import/parse.h"
#include "core/util/text.h"
#include "core/workspace/merge.h"
#include "core/workspace/store.h"

namespace rapport {

// One import in progress: the parse (ahead of the merge, on its own thread natively), the write (behind the
// merge, on another thread natively) plus what the import record needs.
class ImportSession {
 public:
  ImportSession(const std::string& file_name, const ImportOptions& options, uint64_t total_bytes,
                const std::string& imported_at, Store* store, size_t slice_orders, bool threads, bool keeps_orders)
      : ahead(file_name, options, total_bytes, slice_orders,
              threads ? ParseAhead::kThreaded : ParseAhead::kInline),
        writer(store, threads ? WriteBehind::kThreaded : WriteBehind::kInline),
        file_name(file_name),
        total_bytes(total_bytes),
        imported_at(imported_at) {
    totals.drops_order_rows = !keeps_orders;
  }
  ParseAhead ahead;
  WriteBehind writer;  // destroyed (its write waited for) before the parse
  std::string file_name;
  uint64_t total_bytes;
  std::string imported_at;
  uint64_t bytes = 0;
  uint32_t import_id = 0;  // set when the first slice is merged
  bool merged = false;     // a slice is in the workspace's columns: giving up must reload them
  MergeTotals totals;

  // Merges one slice of the orders and writes it behind (ParseAhead's sink).
  Status MergeSliceNow(const ImportBatch& slice, uint64_t bytes_consumed, Workspace* w, Store* store) {
    // The orders of the whole file, estimated from the bytes read so far, so the workspace grows once.
    totals.ExpectFromBytes(slice.orders.key.size(), bytes_consumed, total_bytes);
    if (!store->in_append()) {  // the first slice (the writer has not started)
      RAPPORT_RETURN_IF_ERROR(store->BeginAppend());
      import_id = NextImportId(*w);
    }
    merged = true;
    MergeDelta delta = MergeSlice(slice, import_id, w, &totals);
    return Write(w, delta);
  }

  // Writes (or captures, to be written behind) what a slice's merge added; then, for an import that keeps no
  // order rows, drops them (Engine::set_import_keeps_orders).
  Status Write(Workspace* w, const MergeDelta& delta) {
    Status s = writer.Write(*w, delta, import_id);
    if (s.ok() && totals.drops_order_rows) w->DropOrderRows();
    return s;
  }

  static uint32_t NextImportId(const Workspace& w) {
    uint32_t id = 1;
    for (const ImportRecord& r : w.imports) id = std::max(id, r.id + 1);
    return id;
  }
};

Engine::Engine() : workspace_(new Workspace) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::OpenFile(const std::string& path) {
  auto store = Store::Open(path);
  if (!store.ok()) return store.status();
  std::unique_ptr<Engine> engine(new Engine);
  engine->store_ = std::move(*store);
  RAPPORT_RETURN_IF_ERROR(engine->Reload());
  return engine;
}

Result<std::unique_ptr<Engine>> Engine::OpenMemory() {
  auto store = Store::OpenMemory();
  if (!store.ok()) return store.status();
  std::unique_ptr<Engine> engine(new Engine);
  engine->store_ = std::move(*store);
  RAPPORT_RETURN_IF_ERROR(engine->Reload());
  return engine;
}

Result<std::unique_ptr<Engine>> Engine::OpenImage(std::string_view bytes) {
  auto store = Store::OpenImage(bytes);
  if (!store.ok()) return store.status();
  std::unique_ptr<Engine> engine(new Engine);
  engine->store_ = std::move(*store);
  RAPPORT_RETURN_IF_ERROR(engine->Reload());
  return engine;
}

Result<std::unique_ptr<Engine>> Engine::OpenOwnedImage(unsigned char* bytes, size_t size) {
  auto store = Store::OpenOwnedImage(bytes, size);
  if (!store.ok()) return store.status();
  std::unique_ptr<Engine> engine(new Engine);
  engine->store_ = std::move(*store);
  RAPPORT_RETURN_IF_ERROR(engine->Reload());
  return engine;
}

Status Engine::Reload() {
  cache_.Clear();
  auto fresh = std::make_unique<Workspace>();
  RAPPORT_RETURN_IF_ERROR(store_->Load(fresh.get()));
  Result<std::string> text = store_->LoadSettingsJson();
  if (!text.ok()) return text.status();
  if (!text->empty()) {
    Json j = Json::parse(*text, nullptr, false);
    if (j.is_discarded()) return CorruptError(store_->name() + ": not a Rapport workspace (settings are not JSON)");
    Result<Settings> s = SettingsFromJson(j, Settings{});
    if (!s.ok()) return CorruptError(store_->name() + ": stored settings: " + s.status().message());
    fresh->settings = *s;
  }
  workspace_ = std::move(fresh);
  return Status::Ok();
}

Status Engine::BeginImport(const std::string& file_name, const ImportOptions& options, uint64_t total_bytes,
                           const std::string& imported_at) {
  if (import_) return InvalidArgument(file_name + ": another import (" + import_->file_name + ") is in progress");
  import_ = std::make_unique<ImportSession>(file_name, options, total_bytes, imported_at, store_.get(),
                                            import_slice_orders_, parse_thread_, import_keeps_orders_);
  return Status::Ok();
}

ParseAhead::SliceSink Engine::SliceSink() {
  return [this](const ImportBatch& slice, uint64_t bytes_consumed) -> Status {
    cache_.Clear();
    try {
      return import_->MergeSliceNow(slice, bytes_consumed, workspace_.get(), store_.get());
    } catch (const std::exception& e) {  // std::bad_alloc on a huge file
      return InternalError(import_->file_name + ": " + e.what());
    }
  };
}

Status Engine::ImportChunk(std::string_view bytes) {
  if (!import_) return InvalidArgument("no import in progress (call BeginImport first)");
  import_->bytes += bytes.size();
  Status s = import_->ahead.Feed(bytes, SliceSink());
  if (!s.ok()) CancelImport();
  return s;
}

Result<ImportRecord> Engine::FinishImport() {
  if (!import_) return InvalidArgument("no import in progress (call BeginImport first)");
  Result<ImportBatch> batch = import_->ahead.Finish(SliceSink());
  if (!batch.ok()) {
    CancelImport();
    return batch.status();
  }
  std::unique_ptr<ImportSession> session = std::move(import_);
  const bool sliced = store_->in_append();

  ImportRecord record;
  const uint32_t id = sliced ? session->import_id : ImportSession::NextImportId(*workspace_);
  record.id = id;
  record.file_name = session->file_name;
  const ImporterInfo* info = session->ahead.detected();
  record.format = info ? info->format : "";
  record.imported_at = session->imported_at;
  record.bytes = session->bytes;
  record.fingerprint = session->ahead.fingerprint();
  record.fingerprint_kind = FileFingerprint::kKind;

  Status status;
  cache_.Clear();
  try {
    if (sliced) {
      // The last slice is merged while the one before is still being written, and written after FinishMerge
      // (which adds the import's warnings to the issues).
      MergeDelta delta = MergeSlice(*batch, id, workspace_.get(), &session->totals);
      FinishMerge(*batch, session->totals, id, workspace_.get(), &record);
      status = session->Write(workspace_.get(), delta);
      if (status.ok()) status = session->writer.Flush();
      if (status.ok()) status = store_->CommitAppend(record);
    } else {
      MergeDelta delta = MergeBatch(*batch, id, workspace_.get(), &record);
      status = store_->AppendImport(*workspace_, delta, record);
    }
  } catch (const std::exception& e) {  // std::bad_alloc on a huge file
    status = InternalError(session->file_name + ": " + e.what());
  }
  if (!status.ok()) {
    // Roll the transaction back (once the writer is idle); bring the columns back to what the database holds.
    session->writer.Flush();
    store_->AbortAppend();
    Status reload = Reload();
    if (!reload.ok()) return Status(status.code(), status.message() + " (and reloading failed: " + reload.message() + ")");
    return status;
  }
  return record;
}

void Engine::CancelImport() {
  const bool merged = import_ && import_->merged;
  import_.reset();  // waits for the writer
  // Slices were merged (and written, unless a failed write rolled the transaction back already): roll them
  // back, reload the columns.
  if (store_ && (store_->in_append() || merged)) {
    store_->AbortAppend();
    cache_.Clear();
    Reload();
  }
}

uint64_t Engine::import_bytes_consumed() const { return import_ ? import_->ahead.bytes_consumed() : 0; }

Status Engine::RemoveImport(uint32_t import_id) {
  if (import_) return InvalidArgument("an import is in progress");
  Status s = store_->RemoveImport(import_id);
  Status reload = Reload();
  return s.ok() ? reload : s;
}

Status Engine::SaveSettings(const Settings& settings) {
  RAPPORT_RETURN_IF_ERROR(store_->SaveSettingsJson(Dump(SettingsToJson(settings))));
  workspace_->settings = settings;
  cache_.ClearSettingsDependent();  // the customer facts depend on the workspace, as_of and currency only
  return Status::Ok();
}

std::string Engine::Call(std::string_view request_json) {
  auto error = [](const Status& s) { return Dump(Json{{"ok", false}, {"error", ErrorJson(s)}}); };
  if (workspace_->orders_dropped != 0 && !import_) {  // an import dropped its order rows: the stored workspace
    Status reload = Reload();
    if (!reload.ok()) return error(reload);
  }
  try {
    Json request = Json::parse(request_json.begin(), request_json.end(), nullptr, false);
    if (request.is_discarded() || !request.is_object()) return error(InvalidArgument("request: expected a JSON object like {\"op\":\"kpis\"}"));
    if (!request.contains("op") || !request["op"].is_string()) return error(InvalidArgument("request: missing \"op\""));
    const std::string name = request["op"].get<std::string>();
    const OpInfo* op = FindOp(name);
    if (!op) return error(InvalidArgument("request: unknown op `" + name + "`"));
    Result<Settings> settings = SettingsForRequest(*workspace_, request);
    if (!settings.ok()) return error(settings.status());
    OpContext ctx{*workspace_, *settings, request, this};
    Result<Json> result = op->fn(ctx);
    if (!result.ok()) return error(result.status());
    return Dump(Json{{"ok", true}, {"result", std::move(*result)}});
  } catch (const StepYield&) {
    return Dump(Json{{"ok", true}, {"pending", true}});
  } catch (const std::exception& e) {
    return error(InternalError(e.what()));
  } catch (...) {
    return error(InternalError("unknown exception"));
  }
}

std::string Engine::CallStep(std::string_view request_json) {
  cache_.BeginSteps();
  std::string reply = Call(request_json);
  cache_.EndSteps();
  return reply;
}

Result<std::string> Engine::SerializeImage() { return store_->Serialize(); }

std::string_view Engine::ImageView() { return store_->ImageView(); }

}  // namespace rapport
