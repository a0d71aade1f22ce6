#include "core/workspace/store.h"

#include <sqlite3.h>

#include <cassert>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <unordered_map>
#include <utility>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define RAPPORT_WRITEBACK 1
#else
#define RAPPORT_WRITEBACK 0
#endif

namespace rapport {

namespace {

// The schema, version 1 (docs/workspace.md). Money in cents, days since 1970-01-01 (store-local), NULL for
// "none" (guest order, no product, no day). Row ids equal the dense in-memory ids.
const char* const kSchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE imports(
  id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, format TEXT NOT NULL, imported_at TEXT NOT NULL,
  bytes INTEGER NOT NULL, rows_read INTEGER NOT NULL, rows_accepted INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL, orders_added INTEGER NOT NULL, orders_skipped_duplicate INTEGER NOT NULL,
  customers_added INTEGER NOT NULL, customers_merged INTEGER NOT NULL, first_day INTEGER, last_day INTEGER,
  currencies TEXT NOT NULL, fingerprint INTEGER NOT NULL);
CREATE TABLE import_issues(
  id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, line INTEGER NOT NULL, column_index INTEGER NOT NULL,
  byte_offset INTEGER NOT NULL, field TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
  raw_row TEXT NOT NULL, rejected INTEGER NOT NULL);
CREATE INDEX import_issues_by_import ON import_issues(import_id);
CREATE TABLE dictionaries(kind TEXT NOT NULL, id INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY(kind, id)) WITHOUT ROWID;
CREATE TABLE customers(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, email TEXT NOT NULL, phone TEXT NOT NULL,
  platform_id TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL, country TEXT NOT NULL,
  tags TEXT NOT NULL, accepts_marketing INTEGER NOT NULL, reported_spent_cents INTEGER NOT NULL,
  reported_orders INTEGER NOT NULL, import_id INTEGER NOT NULL);
CREATE TABLE customer_aliases(alias TEXT PRIMARY KEY, customer INTEGER NOT NULL, import_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE orders(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, customer INTEGER, day INTEGER,
  seconds INTEGER NOT NULL, offset_minutes INTEGER NOT NULL, currency TEXT NOT NULL,
  subtotal_cents INTEGER NOT NULL, discount_cents INTEGER NOT NULL, shipping_cents INTEGER NOT NULL,
  tax_cents INTEGER NOT NULL, total_cents INTEGER NOT NULL, refunded_cents INTEGER NOT NULL,
  flags INTEGER NOT NULL, financial_status TEXT NOT NULL, fulfillment_status TEXT NOT NULL, fulfilled_day INTEGER,
  source TEXT NOT NULL, discount_code TEXT NOT NULL, country TEXT NOT NULL, import_id INTEGER NOT NULL);
CREATE INDEX orders_by_import ON orders(import_id);
CREATE TABLE order_lines(
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, product INTEGER, quantity INTEGER NOT NULL,
  unit_price_cents INTEGER NOT NULL, discount_cents INTEGER NOT NULL);
CREATE INDEX order_lines_by_order ON order_lines(order_id);
CREATE TABLE products(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, sku TEXT NOT NULL, title TEXT NOT NULL, handle TEXT NOT NULL,
  url TEXT NOT NULL, image_url TEXT NOT NULL, vendor TEXT NOT NULL, category TEXT NOT NULL,
  price_cents INTEGER NOT NULL, import_id INTEGER NOT NULL);
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, customer INTEGER, product INTEGER, rating INTEGER NOT NULL,
  day INTEGER, title TEXT NOT NULL, body TEXT NOT NULL, source TEXT NOT NULL, import_id INTEGER NOT NULL);
CREATE TABLE tickets(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, customer INTEGER, day INTEGER, status TEXT NOT NULL,
  channel TEXT NOT NULL, csat INTEGER NOT NULL, import_id INTEGER NOT NULL);
CREATE TABLE surveys(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, customer INTEGER, day INTEGER, score INTEGER NOT NULL,
  comment TEXT NOT NULL, import_id INTEGER NOT NULL);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('schema_version', '1'), ('created_by', 'rapport 0.1.0');
)sql";

// Version 2 (docs/workspace.md): the uniqueness of customer keys, order keys and aliases is the engine's to keep
// (KeyIndex, in memory), so those tables carry no text index; an order's lines are one BLOB in its row
// (orders.lines, PackLines below) instead of rows of order_lines; imports say which hash their fingerprint is.
// rp_pack_lines is the aggregate Store registers on every connection (RegisterFunctions).
const char* const kMigrationV2 = R"sql(
CREATE TABLE customers_v2(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL,
  platform_id TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL, country TEXT NOT NULL,
  tags TEXT NOT NULL, accepts_marketing INTEGER NOT NULL, reported_spent_cents INTEGER NOT NULL,
  reported_orders INTEGER NOT NULL, import_id INTEGER NOT NULL);
INSERT INTO customers_v2 SELECT id, key, email, phone, platform_id, first_name, last_name, country, tags,
  accepts_marketing, reported_spent_cents, reported_orders, import_id FROM customers ORDER BY id;
DROP TABLE customers;
ALTER TABLE customers_v2 RENAME TO customers;
CREATE TABLE customer_aliases_v2(alias TEXT NOT NULL, customer INTEGER NOT NULL, import_id INTEGER NOT NULL);
INSERT INTO customer_aliases_v2 SELECT alias, customer, import_id FROM customer_aliases;
DROP TABLE customer_aliases;
ALTER TABLE customer_aliases_v2 RENAME TO customer_aliases;
CREATE TABLE orders_v2(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL, name TEXT NOT NULL, customer INTEGER, day INTEGER,
  seconds INTEGER NOT NULL, offset_minutes INTEGER NOT NULL, currency TEXT NOT NULL,
  subtotal_cents INTEGER NOT NULL, discount_cents INTEGER NOT NULL, shipping_cents INTEGER NOT NULL,
  tax_cents INTEGER NOT NULL, total_cents INTEGER NOT NULL, refunded_cents INTEGER NOT NULL,
  flags INTEGER NOT NULL, financial_status TEXT NOT NULL, fulfillment_status TEXT NOT NULL, fulfilled_day INTEGER,
  source TEXT NOT NULL, discount_code TEXT NOT NULL, country TEXT NOT NULL, import_id INTEGER NOT NULL, lines BLOB);
INSERT INTO orders_v2 SELECT o.id, o.key, o.name, o.customer, o.day, o.seconds, o.offset_minutes, o.currency,
  o.subtotal_cents, o.discount_cents, o.shipping_cents, o.tax_cents, o.total_cents, o.refunded_cents, o.flags,
  o.financial_status, o.fulfillment_status, o.fulfilled_day, o.source, o.discount_code, o.country, o.import_id,
  (SELECT rp_pack_lines(product, quantity, unit_price_cents, discount_cents ORDER BY id) FROM order_lines WHERE order_id = o.id)
  FROM orders o ORDER BY o.id;
DROP TABLE order_lines;
DROP TABLE orders;
ALTER TABLE orders_v2 RENAME TO orders;
ALTER TABLE imports ADD COLUMN fingerprint_kind TEXT NOT NULL DEFAULT 'fnv1a64';
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql";

// One migration per version step: kMigrations[v] turns version v into v + 1. Version 0 is an empty file.
const char* const kMigrations[] = {kSchemaV1, kMigrationV2};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion, "one migration per version step");

// A prepared statement; bind by 1-based index.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void IntOrNull(int i, int64_t v, bool null) { null ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_int64(stmt_, i, v); }
  void Id(int i, uint32_t v) { IntOrNull(i, v, v == kNoId); }
  void DayOrNull(int i, int32_t v) { IntOrNull(i, v, v == kNoDay); }
  void Text(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.empty() ? "" : s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  // NULL when empty; the bytes must outlive the step.
  void BlobOrNull(int i, std::string_view s) {
    s.empty() ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  // Executes an INSERT/UPDATE/DELETE and resets; true on success.
  bool Run() {
    rc_ = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc_ == SQLITE_DONE;
  }
  bool Row() {
    rc_ = sqlite3_step(stmt_);
    return rc_ == SQLITE_ROW;
  }
  bool Done() const { return rc_ == SQLITE_DONE; }
  int64_t ColInt(int c) const { return sqlite3_column_int64(stmt_, c); }
  bool ColNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  uint32_t ColId(int c) const { return ColNull(c) ? kNoId : static_cast<uint32_t>(ColInt(c)); }
  int32_t ColDay(int c) const { return ColNull(c) ? kNoDay : static_cast<int32_t>(ColInt(c)); }
  std::string_view ColBlob(int c) const {
    const void* p = sqlite3_column_blob(stmt_, c);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string_view();
  }
  std::string_view ColText(int c) const {
    const unsigned char* p = sqlite3_column_text(stmt_, c);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string_view();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// An order's lines in schema version 2 (orders.lines): per line four LEB128 varints, product + 1 (0 = none), then
// quantity, unit_price_cents and discount_cents zigzag-encoded (small magnitudes of either sign take one or two
// bytes). An order without lines stores NULL.
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PackLine(std::string* out, uint32_t product, int64_t quantity, int64_t unit_price_cents, int64_t discount_cents) {
  PutVarint(out, product == kNoId ? 0 : uint64_t{product} + 1);
  PutVarint(out, ZigZag(quantity));
  PutVarint(out, ZigZag(unit_price_cents));
  PutVarint(out, ZigZag(discount_cents));
}

// Reads one varint from [*p, end); false when it is cut short or longer than 10 bytes.
bool GetVarint(const unsigned char** p, const unsigned char* end, uint64_t* v) {
  uint64_t value = 0;
  for (int shift = 0; shift < 70 && *p < end; shift += 7) {
    const unsigned char byte = *(*p)++;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = value;
      return true;
    }
  }
  return false;
}

// Appends the lines packed in `blob` to `lines` as lines of order `order`; false when the blob is malformed.
bool UnpackLines(std::string_view blob, uint32_t order, OrderLineTable* lines) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(blob.data());
  const unsigned char* end = p + blob.size();
  while (p < end) {
    uint64_t product, quantity, unit, discount;
    if (!GetVarint(&p, end, &product) || !GetVarint(&p, end, &quantity) || !GetVarint(&p, end, &unit) ||
        !GetVarint(&p, end, &discount) || product > kNoId) {
      return false;
    }
    const int64_t q = UnZigZag(quantity);
    if (q < INT32_MIN || q > INT32_MAX) return false;
    lines->order.push_back(order);
    lines->product.push_back(product == 0 ? kNoId : static_cast<uint32_t>(product - 1));
    lines->quantity.push_back(static_cast<int32_t>(q));
    lines->unit_price_cents.push_back(UnZigZag(unit));
    lines->discount_cents.push_back(UnZigZag(discount));
  }
  return true;
}

// The products the packed lines name, each once per line (none for lines without a product).
template <typename Fn>
bool ForEachLineProduct(std::string_view blob, Fn&& fn) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(blob.data());
  const unsigned char* end = p + blob.size();
  while (p < end) {
    uint64_t product, other;
    if (!GetVarint(&p, end, &product) || !GetVarint(&p, end, &other) || !GetVarint(&p, end, &other) ||
        !GetVarint(&p, end, &other) || product > kNoId) {
      return false;
    }
    if (product != 0) fn(static_cast<uint32_t>(product - 1));
  }
  return true;
}

// rp_line_count(lines): how many lines a packed blob holds (each varint ends in the one byte below 0x80), so
// Load sizes the line columns once.
void LineCountFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* p = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
  const int n = sqlite3_value_bytes(argv[0]);
  int64_t ends = 0;
  for (int i = 0; i < n; ++i) ends += p[i] < 0x80;
  sqlite3_result_int64(ctx, ends / 4);
}

// rp_pack_lines(product, quantity, unit_price_cents, discount_cents): the aggregate the migration to version 2
// packs order_lines with (in the order the call's ORDER BY gives).
void PackLinesStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto** packed = static_cast<std::string**>(sqlite3_aggregate_context(ctx, sizeof(std::string*)));
  if (!packed) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!*packed) *packed = new std::string;
  const bool no_product = sqlite3_value_type(argv[0]) == SQLITE_NULL;
  PackLine(*packed, no_product ? kNoId : static_cast<uint32_t>(sqlite3_value_int64(argv[0])), sqlite3_value_int64(argv[1]),
           sqlite3_value_int64(argv[2]), sqlite3_value_int64(argv[3]));
}

void PackLinesFinal(sqlite3_context* ctx) {
  auto** packed = static_cast<std::string**>(sqlite3_aggregate_context(ctx, 0));
  if (!packed || !*packed) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_blob64(ctx, (*packed)->data(), (*packed)->size(), SQLITE_TRANSIENT);
  delete *packed;
  *packed = nullptr;
}

// The packed text columns are loaded with their rows reserved from the row count and their text from the
// mean length of the first kTextSampleRows rows (5 % over; a column longer than that grows by doubling once),
// so that a column's text is not copied into a new buffer at every doubling.
constexpr size_t kTextSampleRows = 1024;
void ReserveText(std::initializer_list<TextColumn*> columns, size_t rows) {
  if (rows <= 2 * kTextSampleRows) return;
  for (TextColumn* c : columns) {
    c->Reserve(rows, static_cast<size_t>(1.05 * static_cast<double>(c->bytes()) / static_cast<double>(c->size()) *
                                         static_cast<double>(rows)));
  }
}

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out += values[i];
  }
  return out;
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

Store::~Store() {
  if (db_) sqlite3_close(db_);
#if RAPPORT_WRITEBACK
  if (writeback_fd_ >= 0) close(writeback_fd_);
#endif
}

Status Store::Error(const char* what) {
  return IoError(name_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
}

Status Store::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return IoError(name_ + ": " + text);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = path + ": cannot open: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return IoError(message);
  }
  return Init(db, path, false);
}

Result<std::unique_ptr<Store>> Store::OpenMemory() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return IoError("cannot open an in-memory database");
  }
  return Init(db, "workspace", true);
}

// A deserialised image may grow up to SQLite's SQLITE_MEMDB_DEFAULT_MAXSIZE (1 GiB) by default: a workspace of
// a million customers is larger than that already, and any write that grows it (a saved segment, an import)
// would fail with "database or disk is full". Lift the cap; memory is the limit then.
static void LiftImageSizeLimit(sqlite3* db) {
  sqlite3_int64 limit = sqlite3_int64{1} << 40;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
}

Result<std::unique_ptr<Store>> Store::OpenImage(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      return IoError("cannot open an in-memory database");
    }
    return Init(db, name, true);
  }
  // One copy into a buffer SQLite owns, then the same path as an image read straight into such a buffer.
  unsigned char* copy = AllocImageBuffer(bytes.size());
  if (!copy) return IoError(name + ": out of memory");
  std::memcpy(copy, bytes.data(), bytes.size());
  return OpenOwnedImage(copy, bytes.size(), name);
}

unsigned char* Store::AllocImageBuffer(size_t size) {
  return static_cast<unsigned char*>(sqlite3_malloc64(size ? size : 1));
}

void Store::FreeImageBuffer(unsigned char* bytes) { sqlite3_free(bytes); }

Result<std::unique_ptr<Store>> Store::OpenOwnedImage(unsigned char* bytes, size_t size, const std::string& name) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    sqlite3_free(bytes);
    return IoError("cannot open an in-memory database");
  }
  // With FREEONCLOSE SQLite frees `bytes` even when deserialising fails.
  int rc = sqlite3_deserialize(db, "main", bytes, static_cast<sqlite3_int64>(size), static_cast<sqlite3_int64>(size),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return CorruptError(name + ": not a Rapport workspace (" + sqlite3_errstr(rc) + ")");
  }
  LiftImageSizeLimit(db);
  return Init(db, name, true);
}

Result<std::unique_ptr<Store>> Store::Init(sqlite3* db, std::string name, bool in_memory) {
  std::unique_ptr<Store> store(new Store(db, std::move(name)));
  if (sqlite3_create_function_v2(db, "rp_pack_lines", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                 nullptr, PackLinesStep, PackLinesFinal, nullptr) != SQLITE_OK) {
    return store->Error("registering rp_pack_lines");
  }
  if (sqlite3_create_function_v2(db, "rp_line_count", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                 LineCountFunction, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return store->Error("registering rp_line_count");
  }
  Status status = store->Verify(in_memory);
  if (!status.ok()) return status;
  return store;
}

Status Store::Verify(bool in_memory) {
  auto not_ours = [&](const std::string& why) { return CorruptError(name_ + ": not a Rapport workspace (" + why + ")"); };
  int32_t application_id = 0, user_version = 0;
  int64_t objects = 0;
  {
    Stmt q(db_, "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version), "
                "(SELECT count(*) FROM sqlite_master)");
    if (!q.ok()) return not_ours(sqlite3_errmsg(db_));
    if (!q.Row()) return not_ours(sqlite3_errmsg(db_));
    application_id = static_cast<int32_t>(q.ColInt(0));
    user_version = static_cast<int32_t>(q.ColInt(1));
    objects = q.ColInt(2);
  }
  const bool empty = objects == 0 && application_id == 0 && user_version == 0;
  if (!empty) {
    if (application_id != kRapportApplicationId) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "application_id 0x%08x, expected 0x%08x", static_cast<unsigned>(application_id),
                    static_cast<unsigned>(kRapportApplicationId));
      return not_ours(buf);
    }
    if (user_version > kSchemaVersion) {
      return InvalidArgument(name_ + ": written by a newer Rapport (schema version " + std::to_string(user_version) +
                             "; this build reads versions up to " + std::to_string(kSchemaVersion) +
                             "): update Rapport to open it");
    }
    // A file cut short inside its last pages can pass quick_check (missing bytes read as zeros), so the size
    // must match what the header says: page_count x page_size, in whole pages.
    {
      Stmt q(db_, "SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)");
      if (!q.ok() || !q.Row()) return not_ours(sqlite3_errmsg(db_));
      const int64_t expected = q.ColInt(0) * q.ColInt(1);
      sqlite3_file* file = nullptr;
      sqlite3_int64 actual = -1;
      if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK && file && file->pMethods &&
          file->pMethods->xFileSize(file, &actual) == SQLITE_OK && actual >= 0 &&
          (actual < expected || (q.ColInt(1) > 0 && actual % q.ColInt(1) != 0))) {
        return not_ours("truncated: " + std::to_string(actual) + " bytes, the header says " + std::to_string(expected));
      }
    }
    Stmt check(db_, "PRAGMA quick_check");
    if (!check.ok()) return not_ours(sqlite3_errmsg(db_));
    std::string problems;
    while (check.Row()) {
      std::string_view line = check.ColText(0);
      if (line == "ok" || line.substr(0, 3) == "***") continue;  // "*** in database main ***" is a heading
      if (!problems.empty()) problems += "; ";
      if (problems.size() > 200) break;
      problems.append(line.data(), line.size());
    }
    if (!check.Done() && problems.empty()) problems = sqlite3_errmsg(db_);
    if (!problems.empty()) return not_ours("quick_check: " + problems);
  }
  if (!in_memory) RAPPORT_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=DELETE"));
  RAPPORT_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  // Migrations, one transaction per step, so a failure leaves the file at the last good version.
  for (int32_t v = user_version; v < kSchemaVersion; ++v) {
    RAPPORT_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = Exec(kMigrations[v]);
    if (s.ok()) s = Exec("PRAGMA application_id=" + std::to_string(kRapportApplicationId) + "; PRAGMA user_version=" + std::to_string(v + 1));
    if (s.ok()) s = Exec("COMMIT");
    if (!s.ok()) {
      Exec("ROLLBACK");
      return Status(s.code(), "migrating to schema version " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  return Status::Ok();
}

Status Store::Load(Workspace* out) {
  Workspace w;
  w.settings = out->settings;
  auto corrupt = [&](const char* table) { return CorruptError(name_ + ": not a Rapport workspace (table " + table + ": row ids are not dense)"); };
  {
    Stmt q(db_, "SELECT kind, id, value FROM dictionaries ORDER BY kind, id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table dictionaries: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      std::string_view kind = q.ColText(0);
      Dictionary* d = kind == "currency" ? &w.currencies : kind == "country" ? &w.countries : &w.labels;
      if (d->Intern(q.ColText(2)) != static_cast<uint32_t>(q.ColInt(1))) return CorruptError(name_ + ": not a Rapport workspace (dictionary ids)");
    }
    if (!q.Done()) return Error("reading dictionaries");
  }
  {
    Stmt q(db_, "SELECT id, file_name, format, imported_at, bytes, rows_read, rows_accepted, rows_rejected, orders_added, "
                "orders_skipped_duplicate, customers_added, customers_merged, first_day, last_day, currencies, fingerprint, "
                "fingerprint_kind FROM imports ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table imports: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      ImportRecord r;
      r.id = static_cast<uint32_t>(q.ColInt(0));
      r.file_name = q.ColText(1);
      r.format = q.ColText(2);
      r.imported_at = q.ColText(3);
      r.bytes = q.ColInt(4);
      r.rows_read = q.ColInt(5);
      r.rows_accepted = q.ColInt(6);
      r.rows_rejected = q.ColInt(7);
      r.orders_added = q.ColInt(8);
      r.orders_skipped_duplicate = q.ColInt(9);
      r.customers_added = q.ColInt(10);
      r.customers_merged = q.ColInt(11);
      r.first_day = q.ColDay(12);
      r.last_day = q.ColDay(13);
      r.currencies = Split(q.ColText(14));
      r.fingerprint = static_cast<uint64_t>(q.ColInt(15));
      r.fingerprint_kind = q.ColText(16);
      w.imports.push_back(std::move(r));
    }
    if (!q.Done()) return Error("reading imports");
  }
  {
    Stmt q(db_, "SELECT import_id, line, column_index, byte_offset, field, code, message, raw_row, rejected FROM import_issues ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table import_issues: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      ImportIssue i;
      i.import_id = static_cast<uint32_t>(q.ColInt(0));
      i.line = q.ColInt(1);
      i.column = static_cast<uint32_t>(q.ColInt(2));
      i.byte_offset = q.ColInt(3);
      i.field = q.ColText(4);
      i.code = q.ColText(5);
      i.message = q.ColText(6);
      i.raw_row = q.ColText(7);
      i.rejected = q.ColInt(8) != 0;
      w.issues.push_back(std::move(i));
    }
    if (!q.Done()) return Error("reading import_issues");
  }
  {
    CustomerTable& c = w.customers;
    // Columns sized once from the row count (as for orders and lines): growing them by doubling would leave up
    // to twice the memory reserved, and each doubling holds the old and the new array at once.
    Stmt count(db_, "SELECT count(*) FROM customers");
    size_t n = 0;
    if (count.ok() && count.Row()) {
      n = static_cast<size_t>(count.ColInt(0));
      c.key.reserve(n); c.email.reserve(n); c.phone.reserve(n); c.platform_id.reserve(n); c.first_name.reserve(n);
      c.last_name.reserve(n); c.country.reserve(n); c.tags.reserve(n); c.accepts_marketing.reserve(n);
      c.reported_spent_cents.reserve(n); c.reported_orders.reserve(n); c.import_id.reserve(n);
    }
    Stmt q(db_, "SELECT id, key, email, phone, platform_id, first_name, last_name, country, tags, accepts_marketing, "
                "reported_spent_cents, reported_orders, import_id FROM customers ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table customers: " + sqlite3_errmsg(db_) + ")");
    InternMemo country_memo;
    while (q.Row()) {
      if (static_cast<size_t>(q.ColInt(0)) != c.size()) return corrupt("customers");
      if (c.size() == kTextSampleRows) {
        ReserveText({&c.key, &c.email, &c.phone, &c.platform_id, &c.first_name, &c.last_name, &c.tags}, n);
      }
      c.key.emplace_back(q.ColText(1));
      c.email.emplace_back(q.ColText(2));
      c.phone.emplace_back(q.ColText(3));
      c.platform_id.emplace_back(q.ColText(4));
      c.first_name.emplace_back(q.ColText(5));
      c.last_name.emplace_back(q.ColText(6));
      c.country.push_back(country_memo(&w.countries, q.ColText(7)));
      c.tags.emplace_back(q.ColText(8));
      c.accepts_marketing.push_back(static_cast<int8_t>(q.ColInt(9)));
      c.reported_spent_cents.push_back(q.ColInt(10));
      c.reported_orders.push_back(static_cast<int32_t>(q.ColInt(11)));
      c.import_id.push_back(static_cast<uint32_t>(q.ColInt(12)));
    }
    if (!q.Done()) return Error("reading customers");
  }
  {
    OrderTable& o = w.orders;
    OrderLineTable& l = w.lines;
    Stmt count(db_, "SELECT count(*), sum(rp_line_count(lines)) FROM orders");
    size_t n = 0;
    if (count.ok() && count.Row()) {
      n = static_cast<size_t>(count.ColInt(0));
      o.key.reserve(n); o.name.reserve(n); o.customer.reserve(n); o.day.reserve(n); o.seconds.reserve(n);
      o.offset_minutes.reserve(n); o.currency.reserve(n); o.subtotal_cents.reserve(n); o.discount_cents.reserve(n);
      o.shipping_cents.reserve(n); o.tax_cents.reserve(n); o.total_cents.reserve(n); o.refunded_cents.reserve(n);
      o.flags.reserve(n); o.financial_status.reserve(n); o.fulfillment_status.reserve(n); o.fulfilled_day.reserve(n);
      o.source.reserve(n); o.discount_code.reserve(n); o.country.reserve(n); o.import_id.reserve(n);
      o.first_line.reserve(n); o.line_count.reserve(n);
      const size_t lines = static_cast<size_t>(count.ColInt(1));
      l.order.reserve(lines); l.product.reserve(lines); l.quantity.reserve(lines); l.unit_price_cents.reserve(lines);
      l.discount_cents.reserve(lines);
    }
    Stmt q(db_, "SELECT id, key, name, customer, day, seconds, offset_minutes, currency, subtotal_cents, discount_cents, "
                "shipping_cents, tax_cents, total_cents, refunded_cents, flags, financial_status, fulfillment_status, "
                "fulfilled_day, source, discount_code, country, import_id, lines FROM orders ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table orders: " + sqlite3_errmsg(db_) + ")");
    InternMemo currency, financial, fulfillment, source, code_memo, country_memo;
    while (q.Row()) {
      const uint32_t id = static_cast<uint32_t>(o.size());
      if (static_cast<size_t>(q.ColInt(0)) != id) return corrupt("orders");
      if (id == kTextSampleRows) ReserveText({&o.key, &o.name}, n);
      o.key.emplace_back(q.ColText(1));
      o.name.emplace_back(q.ColText(2));
      o.customer.push_back(q.ColId(3));
      o.day.push_back(q.ColDay(4));
      o.seconds.push_back(static_cast<int32_t>(q.ColInt(5)));
      o.offset_minutes.push_back(static_cast<int16_t>(q.ColInt(6)));
      o.currency.push_back(currency(&w.currencies, q.ColText(7)));
      o.subtotal_cents.push_back(q.ColInt(8));
      o.discount_cents.push_back(q.ColInt(9));
      o.shipping_cents.push_back(q.ColInt(10));
      o.tax_cents.push_back(q.ColInt(11));
      o.total_cents.push_back(q.ColInt(12));
      o.refunded_cents.push_back(q.ColInt(13));
      o.flags.push_back(static_cast<uint8_t>(q.ColInt(14)));
      o.financial_status.push_back(financial(&w.labels, q.ColText(15)));
      o.fulfillment_status.push_back(fulfillment(&w.labels, q.ColText(16)));
      o.fulfilled_day.push_back(q.ColDay(17));
      o.source.push_back(source(&w.labels, q.ColText(18)));
      std::string_view code = q.ColText(19), country = q.ColText(20);
      o.discount_code.push_back(code.empty() ? 0 : code_memo(&w.labels, code));
      o.country.push_back(country.empty() ? 0 : country_memo(&w.countries, country));
      o.import_id.push_back(static_cast<uint32_t>(q.ColInt(21)));
      // The lines of one order are contiguous and in order id order.
      const size_t first = l.size();
      if (!UnpackLines(q.ColBlob(22), id, &l)) return CorruptError(name_ + ": not a Rapport workspace (orders.lines of order " + std::to_string(id) + " is malformed)");
      o.first_line.push_back(static_cast<uint32_t>(first));
      o.line_count.push_back(static_cast<uint32_t>(l.size() - first));
    }
    if (!q.Done()) return Error("reading orders");
  }
  {
    ProductTable& p = w.products;
    Stmt q(db_, "SELECT id, key, sku, title, handle, url, image_url, vendor, category, price_cents, import_id FROM products ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table products: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      if (static_cast<size_t>(q.ColInt(0)) != p.size()) return corrupt("products");
      p.key.emplace_back(q.ColText(1));
      p.sku.emplace_back(q.ColText(2));
      p.title.emplace_back(q.ColText(3));
      p.handle.emplace_back(q.ColText(4));
      p.url.emplace_back(q.ColText(5));
      p.image_url.emplace_back(q.ColText(6));
      std::string_view vendor = q.ColText(7), category = q.ColText(8);
      p.vendor.push_back(vendor.empty() ? 0 : w.labels.Intern(vendor));
      p.category.push_back(category.empty() ? 0 : w.labels.Intern(category));
      p.price_cents.push_back(q.ColInt(9));
      p.import_id.push_back(static_cast<uint32_t>(q.ColInt(10)));
    }
    if (!q.Done()) return Error("reading products");
  }
  {
    ReviewTable& r = w.reviews;
    Stmt q(db_, "SELECT id, key, customer, product, rating, day, title, body, source, import_id FROM reviews ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table reviews: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      if (static_cast<size_t>(q.ColInt(0)) != r.size()) return corrupt("reviews");
      r.key.emplace_back(q.ColText(1));
      r.customer.push_back(q.ColId(2));
      r.product.push_back(q.ColId(3));
      r.rating.push_back(static_cast<int8_t>(q.ColInt(4)));
      r.day.push_back(q.ColDay(5));
      r.title.emplace_back(q.ColText(6));
      r.body.emplace_back(q.ColText(7));
      r.source.push_back(w.labels.Intern(q.ColText(8)));
      r.import_id.push_back(static_cast<uint32_t>(q.ColInt(9)));
    }
    if (!q.Done()) return Error("reading reviews");
  }
  {
    TicketTable& t = w.tickets;
    Stmt q(db_, "SELECT id, key, customer, day, status, channel, csat, import_id FROM tickets ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table tickets: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      if (static_cast<size_t>(q.ColInt(0)) != t.size()) return corrupt("tickets");
      t.key.emplace_back(q.ColText(1));
      t.customer.push_back(q.ColId(2));
      t.day.push_back(q.ColDay(3));
      t.status.push_back(w.labels.Intern(q.ColText(4)));
      t.channel.push_back(w.labels.Intern(q.ColText(5)));
      t.csat.push_back(static_cast<int8_t>(q.ColInt(6)));
      t.import_id.push_back(static_cast<uint32_t>(q.ColInt(7)));
    }
    if (!q.Done()) return Error("reading tickets");
  }
  {
    SurveyTable& s = w.surveys;
    Stmt q(db_, "SELECT id, key, customer, day, score, comment, import_id FROM surveys ORDER BY id");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table surveys: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      if (static_cast<size_t>(q.ColInt(0)) != s.size()) return corrupt("surveys");
      s.key.emplace_back(q.ColText(1));
      s.customer.push_back(q.ColId(2));
      s.day.push_back(q.ColDay(3));
      s.score.push_back(static_cast<int8_t>(q.ColInt(4)));
      s.comment.emplace_back(q.ColText(5));
      s.import_id.push_back(static_cast<uint32_t>(q.ColInt(6)));
    }
    if (!q.Done()) return Error("reading surveys");
  }
  // References and days must be in range, so analyses can index without checks (a crafted file that
  // passes quick_check must still not reach them).
  {
    const size_t customers = w.customers.size(), products = w.products.size();
    auto bad_ref = [](const std::vector<uint32_t>& ids, size_t n) {
      for (uint32_t id : ids) {
        if (id != kNoId && id >= n) return true;
      }
      return false;
    };
    // Years 0000 to 9999.
    auto bad_day = [](const std::vector<int32_t>& days) {
      for (int32_t d : days) {
        if (d != kNoDay && (d < -719528 || d > 2932896)) return true;
      }
      return false;
    };
    if (bad_ref(w.orders.customer, customers) || bad_ref(w.reviews.customer, customers) ||
        bad_ref(w.tickets.customer, customers) || bad_ref(w.surveys.customer, customers) ||
        bad_ref(w.lines.product, products) || bad_ref(w.reviews.product, products)) {
      return CorruptError(name_ + ": not a Rapport workspace (a row names a customer or product that does not exist)");
    }
    if (bad_day(w.orders.day) || bad_day(w.orders.fulfilled_day) || bad_day(w.reviews.day) || bad_day(w.tickets.day) ||
        bad_day(w.surveys.day)) {
      return CorruptError(name_ + ": not a Rapport workspace (a day outside the years 0000-9999)");
    }
  }
  // The aliases table is authoritative (an alias keeps the customer it was first given); the columns only
  // fill in what it lacks.
  w.RebuildIndexes();
  KeyIndex derived = std::move(w.customer_alias);
  w.customer_alias = KeyIndex();
  w.customer_alias.reserve(derived.size());
  {
    Stmt q(db_, "SELECT alias, customer FROM customer_aliases");
    if (!q.ok()) return CorruptError(name_ + ": not a Rapport workspace (table customer_aliases: " + sqlite3_errmsg(db_) + ")");
    while (q.Row()) {
      const uint32_t id = static_cast<uint32_t>(q.ColInt(1));
      if (id >= w.customers.size()) return CorruptError(name_ + ": not a Rapport workspace (alias of a missing customer)");
      w.customer_alias.try_emplace(q.ColText(0), id);
    }
    if (!q.Done()) return Error("reading customer_aliases");
  }
  for (const KeyIndex::Entry alias : derived) w.customer_alias.try_emplace(alias.first, alias.second);
  *out = std::move(w);
  return Status::Ok();
}

Status Store::AppendImport(const Workspace& w, const MergeDelta& delta, const ImportRecord& record) {
  RAPPORT_RETURN_IF_ERROR(BeginAppend());
  RAPPORT_RETURN_IF_ERROR(WriteSlice(w, delta, record.id));
  return CommitAppend(record);
}

Status Store::BeginAppend() {
  if (in_append_) return InternalError(name_ + ": an import transaction is already open");
  // The page cache of the write. Where StartWriteback works (a file, natively on Linux) 8 MiB: pages past it
  // are spilled to the file during the import (for a new file without journaling them), and the kernel writes
  // them to disk while the import goes on, so that the commit's fsync finds little left to write (a larger
  // cache only holds them back until the commit, and touches more memory). Elsewhere 64 MiB (SQLite's default
  // is 2 MiB): fewer spills mid-transaction (the wasm import measured 5.4-6.4 s CPU with 8 MiB against
  // 5.5-5.7 s).
  const char* path = sqlite3_db_filename(db_, "main");
  const bool writeback = RAPPORT_WRITEBACK && path != nullptr && *path != '\0';
  RAPPORT_RETURN_IF_ERROR(Exec(writeback ? "PRAGMA cache_size = -8192" : "PRAGMA cache_size = -65536"));
  RAPPORT_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
#if RAPPORT_WRITEBACK
  // StartWriteback drops from the page cache only what this import appends to the file.
  struct stat st;
  drop_from_ = writeback && stat(path, &st) == 0 ? static_cast<uint64_t>(st.st_size) : UINT64_MAX;
  writeback_started_to_ = 0;
#endif
  in_append_ = true;
  return Status::Ok();
}

void Store::AbortAppend() {
  if (!in_append_) return;
  Exec("ROLLBACK");
  Exec("PRAGMA cache_size = -2000");
  in_append_ = false;
}

Status Store::CommitAppend(const ImportRecord& record) {
  if (!in_append_) return InternalError(name_ + ": no import transaction is open");
  auto fail = [&](const char* what) {
    Status s = Error(what);
    AbortAppend();
    return s;
  };
  {
    Stmt q(db_, "INSERT INTO imports(id, file_name, format, imported_at, bytes, rows_read, rows_accepted, rows_rejected, "
                "orders_added, orders_skipped_duplicate, customers_added, customers_merged, first_day, last_day, currencies, "
                "fingerprint, fingerprint_kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!q.ok()) return fail("writing imports");
    const ImportRecord& r = record;
    q.Int(1, r.id); q.Text(2, r.file_name); q.Text(3, r.format); q.Text(4, r.imported_at);
    q.Int(5, static_cast<int64_t>(r.bytes)); q.Int(6, static_cast<int64_t>(r.rows_read));
    q.Int(7, static_cast<int64_t>(r.rows_accepted)); q.Int(8, static_cast<int64_t>(r.rows_rejected));
    q.Int(9, static_cast<int64_t>(r.orders_added)); q.Int(10, static_cast<int64_t>(r.orders_skipped_duplicate));
    q.Int(11, static_cast<int64_t>(r.customers_added)); q.Int(12, static_cast<int64_t>(r.customers_merged));
    q.DayOrNull(13, r.first_day); q.DayOrNull(14, r.last_day);
    const std::string currencies = Join(r.currencies);
    q.Text(15, currencies);
    q.Int(16, static_cast<int64_t>(r.fingerprint));
    q.Text(17, r.fingerprint_kind);
    if (!q.Run()) return fail("writing imports");
  }
  Status commit = Exec("COMMIT");
  if (!commit.ok()) {
    AbortAppend();
    return commit;
  }
  in_append_ = false;
  Exec("PRAGMA cache_size = -2000");
  return Status::Ok();
}

namespace {

// The statements of an import's write, one per kind of row (SliceRows records the kind of each row).
enum RowKind : uint8_t {
  kDictionaryRow, kIssueRow, kCustomerUpdate, kCustomerRow, kAliasRow, kProductUpdate, kProductRow, kOrderRow,
  kReviewRow, kTicketRow, kSurveyRow, kRowKinds
};
struct RowStatement {
  const char* sql;
  const char* what;  // the error message's "writing ..."
};
constexpr RowStatement kRowStatements[kRowKinds] = {
    {"INSERT INTO dictionaries(kind, id, value) VALUES (?, ?, ?)", "writing dictionaries"},
    {"INSERT INTO import_issues(import_id, line, column_index, byte_offset, field, code, message, raw_row, rejected) "
     "VALUES (?,?,?,?,?,?,?,?,?)", "writing import_issues"},
    // Rows changed by this import are replaced; new rows take a plain INSERT (no conflict search).
    {"INSERT OR REPLACE INTO customers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", "updating customers"},
    {"INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", "writing customers"},
    {"INSERT INTO customer_aliases(alias, customer, import_id) VALUES (?,?,?)", "writing customer_aliases"},
    {"INSERT OR REPLACE INTO products VALUES (?,?,?,?,?,?,?,?,?,?,?)", "updating products"},
    {"INSERT INTO products VALUES (?,?,?,?,?,?,?,?,?,?,?)", "writing products"},
    {"INSERT INTO orders(id, key, name, customer, day, seconds, offset_minutes, currency, subtotal_cents, "
     "discount_cents, shipping_cents, tax_cents, total_cents, refunded_cents, flags, financial_status, "
     "fulfillment_status, fulfilled_day, source, discount_code, country, import_id, lines) "
     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "writing orders"},
    {"INSERT INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?)", "writing reviews"},
    {"INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?)", "writing tickets"},
    {"INSERT INTO surveys VALUES (?,?,?,?,?,?,?)", "writing surveys"},
};

// The most parameters (its '?'s) of one statement of kRowStatements: RowRecorder's room per row is checked
// against it at compile time.
constexpr size_t MostRowParams() {
  size_t most = 0;
  for (const RowStatement& statement : kRowStatements) {
    size_t params = 0;
    for (const char* c = statement.sql; *c != '\0'; ++c) params += *c == '?';
    most = params > most ? params : most;
  }
  return most;
}

// The rows a merge added or changed, in the order they are written, handed to `out` one value at a time:
// out.Row(kind), then each parameter in order (Int, Null, Text, Blob), then out.End(), false to stop (a
// failed insert); out.Run(n) before each group says that the next n rows are of one kind (RowWriter inserts
// them many to a statement). The one description of what an import writes, for both WriteSlice (straight
// into SQLite) and CaptureSlice (recorded, written later by WriteRows).
template <typename Out>
bool EmitSlice(const Workspace& w, const MergeDelta& delta, uint32_t import_id, Out& out) {
  const TableSizes& b = delta.before;
  auto day = [&](int32_t d) { d == kNoDay ? out.Null() : out.Int(d); };
  auto id_or_null = [&](uint32_t id) { id == kNoId ? out.Null() : out.Int(id); };
  {
    const std::pair<const char*, const Dictionary*> dicts[] = {
        {"currency", &w.currencies}, {"country", &w.countries}, {"label", &w.labels}};
    const size_t starts[] = {b.currencies, b.countries, b.labels};
    for (int d = 0; d < 3; ++d) {
      const size_t first = std::max<size_t>(starts[d], 1);
      out.Run(dicts[d].second->size() - std::min(first, dicts[d].second->size()));
      for (size_t id = first; id < dicts[d].second->size(); ++id) {
        out.Row(kDictionaryRow);
        out.Text(dicts[d].first); out.Int(static_cast<int64_t>(id)); out.Text((*dicts[d].second)[static_cast<uint32_t>(id)]);
        if (!out.End()) return false;
      }
    }
  }
  out.Run(w.issues.size() - b.issues);
  for (size_t i = b.issues; i < w.issues.size(); ++i) {
    const ImportIssue& x = w.issues[i];
    out.Row(kIssueRow);
    out.Int(x.import_id); out.Int(static_cast<int64_t>(x.line)); out.Int(x.column);
    out.Int(static_cast<int64_t>(x.byte_offset)); out.Text(x.field); out.Text(x.code); out.Text(x.message);
    out.Text(x.raw_row); out.Int(x.rejected ? 1 : 0);
    if (!out.End()) return false;
  }
  {
    const CustomerTable& c = w.customers;
    auto write = [&](RowKind kind, size_t id) {
      out.Row(kind);
      out.Int(static_cast<int64_t>(id)); out.Text(c.key[id]); out.Text(c.email[id]); out.Text(c.phone[id]);
      out.Text(c.platform_id[id]); out.Text(c.first_name[id]); out.Text(c.last_name[id]);
      out.Text(w.countries[c.country[id]]); out.Text(c.tags[id]); out.Int(c.accepts_marketing[id]);
      out.Int(c.reported_spent_cents[id]); out.Int(c.reported_orders[id]); out.Int(c.import_id[id]);
      return out.End();
    };
    out.Run(delta.updated_customers.size());
    for (uint32_t id : delta.updated_customers) {
      if (!write(kCustomerUpdate, id)) return false;
    }
    out.Run(c.size() - b.customers);
    for (size_t id = b.customers; id < c.size(); ++id) {
      if (!write(kCustomerRow, id)) return false;
    }
    out.Run(delta.new_aliases.size());
    for (const auto& a : delta.new_aliases) {
      out.Row(kAliasRow);
      out.Text(a.first); out.Int(a.second); out.Int(import_id);
      if (!out.End()) return false;
    }
  }
  {
    const ProductTable& p = w.products;
    auto write = [&](RowKind kind, size_t id) {
      out.Row(kind);
      out.Int(static_cast<int64_t>(id)); out.Text(p.key[id]); out.Text(p.sku[id]); out.Text(p.title[id]);
      out.Text(p.handle[id]); out.Text(p.url[id]); out.Text(p.image_url[id]);
      out.Text(w.labels[p.vendor[id]]); out.Text(w.labels[p.category[id]]); out.Int(p.price_cents[id]);
      out.Int(p.import_id[id]);
      return out.End();
    };
    out.Run(delta.updated_products.size());
    for (uint32_t id : delta.updated_products) {
      if (!write(kProductUpdate, id)) return false;
    }
    out.Run(p.size() - b.products);
    for (size_t id = b.products; id < p.size(); ++id) {
      if (!write(kProductRow, id)) return false;
    }
  }
  {
    // Order `id` of the columns is row orders_dropped + id (Workspace::DropOrderRows).
    const OrderTable& o = w.orders;
    const OrderLineTable& l = w.lines;
    std::string packed;  // one buffer for every order's lines
    out.Run(o.size() - b.orders);
    for (size_t id = b.orders; id < o.size(); ++id) {
      packed.clear();
      for (size_t i = o.first_line[id], end = i + o.line_count[id]; i < end; ++i) {
        PackLine(&packed, l.product[i], l.quantity[i], l.unit_price_cents[i], l.discount_cents[i]);
      }
      out.Row(kOrderRow);
      out.Int(static_cast<int64_t>(w.orders_dropped + id)); out.Text(o.key[id]); out.Text(o.name[id]); id_or_null(o.customer[id]);
      day(o.day[id]); out.Int(o.seconds[id]); out.Int(o.offset_minutes[id]);
      out.Text(w.currencies[o.currency[id]]); out.Int(o.subtotal_cents[id]); out.Int(o.discount_cents[id]);
      out.Int(o.shipping_cents[id]); out.Int(o.tax_cents[id]); out.Int(o.total_cents[id]);
      out.Int(o.refunded_cents[id]); out.Int(o.flags[id]); out.Text(w.labels[o.financial_status[id]]);
      out.Text(w.labels[o.fulfillment_status[id]]); day(o.fulfilled_day[id]);
      out.Text(w.labels[o.source[id]]); out.Text(w.labels[o.discount_code[id]]);
      out.Text(w.countries[o.country[id]]); out.Int(o.import_id[id]);
      packed.empty() ? out.Null() : out.Blob(packed);  // NULL for an order without lines
      if (!out.End()) return false;
    }
  }
  {
    const ReviewTable& r = w.reviews;
    out.Run(r.size() - b.reviews);
    for (size_t id = b.reviews; id < r.size(); ++id) {
      out.Row(kReviewRow);
      out.Int(static_cast<int64_t>(id)); out.Text(r.key[id]); id_or_null(r.customer[id]); id_or_null(r.product[id]);
      out.Int(r.rating[id]); day(r.day[id]); out.Text(r.title[id]); out.Text(r.body[id]);
      out.Text(w.labels[r.source[id]]); out.Int(r.import_id[id]);
      if (!out.End()) return false;
    }
  }
  {
    const TicketTable& t = w.tickets;
    out.Run(t.size() - b.tickets);
    for (size_t id = b.tickets; id < t.size(); ++id) {
      out.Row(kTicketRow);
      out.Int(static_cast<int64_t>(id)); out.Text(t.key[id]); id_or_null(t.customer[id]); day(t.day[id]);
      out.Text(w.labels[t.status[id]]); out.Text(w.labels[t.channel[id]]); out.Int(t.csat[id]); out.Int(t.import_id[id]);
      if (!out.End()) return false;
    }
  }
  {
    const SurveyTable& s = w.surveys;
    out.Run(s.size() - b.surveys);
    for (size_t id = b.surveys; id < s.size(); ++id) {
      out.Row(kSurveyRow);
      out.Int(static_cast<int64_t>(id)); out.Text(s.key[id]); id_or_null(s.customer[id]); day(s.day[id]);
      out.Int(s.score[id]); out.Text(s.comment[id]); out.Int(s.import_id[id]);
      if (!out.End()) return false;
    }
  }
  return true;
}

// EmitSlice's output bound straight to the row statements (each prepared when first used) and inserted.
// Within a run of new rows (Run), kRowsPerInsert rows at a time go into one multi-row INSERT
// (VALUES (...), (...), ...: one statement execution, one cursor, one B-tree descent for the lot; -20-30 %
// of the write's CPU, bench/RESULTS.md "Import"), the run's last rows one at a time. That statement is
// INSERT OR FAIL: a plain INSERT of several rows keeps a statement journal (a copy of every page it changes)
// to undo its own earlier rows should a later one fail, but a failed write rolls the whole import back
// anyway (Store::AbortAppend). Rows replaced (kCustomerUpdate, kProductUpdate) go one at a time.
class RowWriter {
 public:
  static constexpr int kRowsPerInsert = 64;
  // `copies_blobs`: the bytes Blob is given do not live until the statement runs (EmitSlice packs every
  // order's lines into one buffer), so Blob keeps a copy; WriteRows' come from the captured rows.
  RowWriter(sqlite3* db, bool copies_blobs) : db_(db), copies_blobs_(copies_blobs) {}
  void Run(size_t rows) { run_ = rows; }
  void Row(RowKind kind) {
    if (left_ > 0) return;  // the next row of a multi-row statement
    kind_ = kind;
    param_ = 0;
    const bool many = run_ >= kRowsPerInsert && kind != kCustomerUpdate && kind != kProductUpdate;
    left_ = many ? kRowsPerInsert : 1;
    run_ -= std::min<size_t>(run_, left_);
    std::unique_ptr<Stmt>& stmt = stmts_[kind][many];
    if (!stmt) {
      std::string sql = kRowStatements[kind].sql;
      if (many) {
        sql.replace(0, 6, "INSERT OR FAIL");  // "INSERT INTO ..." (not an update)
        const std::string values = sql.substr(sql.rfind('('));
        for (int i = 1; i < kRowsPerInsert; ++i) sql += "," + values;
      }
      stmt = std::make_unique<Stmt>(db_, sql.c_str());
      prepared_[kind][many] = stmt->ok();
    }
    stmt_ = stmt.get();
    ok_ = prepared_[kind][many];
  }
  void Int(int64_t v) { stmt_->Int(++param_, v); }
  void Null() { stmt_->IntOrNull(++param_, 0, true); }
  void Text(std::string_view v) { stmt_->Text(++param_, v); }
  void Blob(std::string_view v) {
    if (copies_blobs_) {
      std::string& copy = blobs_[kRowsPerInsert - left_];  // this row's
      copy.assign(v.data(), v.size());
      v = copy;
    }
    stmt_->BlobOrNull(++param_, v);
  }
  // Binding a statement that failed to prepare is harmless (SQLite refuses it); End then fails. The bytes
  // bound must live until the statement's last row is in (SQLITE_STATIC): text comes from the workspace's
  // columns and dictionaries, or from the captured rows, which outlive the writer.
  bool End() { return --left_ > 0 || (ok_ && stmt_->Run()); }
  const char* what() const { return kRowStatements[kind_].what; }
  // Every statement begun has run (false: a Run announced more rows than came).
  bool complete() const { return left_ == 0; }

 private:
  sqlite3* db_;
  const bool copies_blobs_;
  std::string blobs_[kRowsPerInsert];  // Blob's copies, by row of the statement
  std::unique_ptr<Stmt> stmts_[kRowKinds][2];  // one row, kRowsPerInsert rows
  bool prepared_[kRowKinds][2] = {};
  Stmt* stmt_ = nullptr;
  bool ok_ = false;
  RowKind kind_ = kDictionaryRow;
  int param_ = 0;
  int left_ = 0;     // rows of the current statement still to come
  size_t run_ = 0;   // rows of the current Run not yet in a statement
};

// EmitSlice's output recorded into SliceRows (SliceRows says how). The words and bytes are written through
// plain pointers into room made ahead (a row's words at Row, a value's bytes before its copy), not pushed back
// one at a time (the capture runs on the merge's thread, the import's busiest). The room is made 4 KiB at a
// time (std::vector's resize zeroes it; its capacity, kept from one slice to the next, doubles as a push_back's
// would), and Finish cuts the buffers to what was recorded.
class RowRecorder {
 public:
  // Room made for a row: its kRow word, and two words (kInt) per parameter for up to kMaxRowParams (the
  // orders' 23 are the most of kRowStatements).
  static constexpr size_t kMaxRowParams = 32;
  static constexpr size_t kMaxRowWords = 1 + 2 * kMaxRowParams;
  static_assert(MostRowParams() <= kMaxRowParams,
                "a statement of kRowStatements has more parameters than a row's room here");
  // The room made at a time (zeroed by the resize: a page ahead at most, since what is touched costs; 64 KiB
  // made the peak RSS 5 MB higher).
  static constexpr size_t kGrowWords = 512, kGrowBytes = 4096;
  explicit RowRecorder(SliceRows* rows) : rows_(*rows) {
    rows_.rows = 0;
    word_ = rows_.words.data();
    word_end_ = word_ + rows_.words.size();
    byte_ = rows_.bytes.data();
    byte_end_ = byte_ + rows_.bytes.size();
  }
  void Run(size_t rows) {
    Room(1);
    *word_++ = SliceRows::kRun | (static_cast<uint64_t>(rows) << 8);
  }
  void Row(RowKind kind) {
    Room(kMaxRowWords);
    *word_++ = SliceRows::kRow | kind;
  }
  void Int(int64_t v) {
    const uint64_t word = static_cast<uint64_t>(v) << 8;
    if (static_cast<int64_t>(word) >> 8 == v) {  // fits in 56 bits (>> of a negative value: arithmetic in C++20, and in g++/clang)
      *word_++ = SliceRows::kSmallInt | word;
      return;
    }
    *word_++ = SliceRows::kInt;
    *word_++ = static_cast<uint64_t>(v);
  }
  void Null() { *word_++ = SliceRows::kNull; }
  void Text(std::string_view v) { Bytes(SliceRows::kText, v); }
  void Blob(std::string_view v) { Bytes(SliceRows::kBlob, v); }
  bool End() {
    assert(word_ <= word_end_);
    ++rows_.rows;
    return true;
  }
  // The buffers cut to what was recorded.
  void Finish() {
    rows_.words.resize(static_cast<size_t>(word_ - rows_.words.data()));
    rows_.bytes.resize(static_cast<size_t>(byte_ - rows_.bytes.data()));
  }

 private:
  void Room(size_t words) {
    if (static_cast<size_t>(word_end_ - word_) >= words) return;
    const size_t used = static_cast<size_t>(word_ - rows_.words.data());
    rows_.words.resize(used + std::max(words, kGrowWords));
    word_ = rows_.words.data() + used;
    word_end_ = rows_.words.data() + rows_.words.size();
  }
  void Bytes(uint64_t tag, std::string_view v) {
    *word_++ = tag | (static_cast<uint64_t>(v.size()) << 8);
    if (v.size() > static_cast<size_t>(byte_end_ - byte_)) {
      const size_t used = static_cast<size_t>(byte_ - rows_.bytes.data());
      rows_.bytes.resize(used + std::max(v.size(), kGrowBytes));
      byte_ = rows_.bytes.data() + used;
      byte_end_ = rows_.bytes.data() + rows_.bytes.size();
    }
    CopyShort(byte_, v.data(), v.size());
    byte_ += v.size();
  }
  SliceRows& rows_;
  uint64_t* word_;
  uint64_t* word_end_;
  char* byte_;
  char* byte_end_;
};

}  // namespace

Status Store::WriteSlice(const Workspace& w, const MergeDelta& delta, uint32_t import_id) {
  if (!in_append_) return InternalError(name_ + ": no import transaction is open");
  RowWriter out(db_, /*copies_blobs=*/true);
  if (EmitSlice(w, delta, import_id, out)) {
    StartWriteback();
    return Status::Ok();
  }
  Status s = Error(out.what());
  AbortAppend();
  return s;
}

void Store::CaptureSlice(const Workspace& w, const MergeDelta& delta, uint32_t import_id, SliceRows* rows) {
  RowRecorder out(rows);  // over what `rows` held
  EmitSlice(w, delta, import_id, out);
  out.Finish();
}

Status Store::WriteRows(const SliceRows& rows) {
  if (!in_append_) return InternalError(name_ + ": no import transaction is open");
  RowWriter out(db_, /*copies_blobs=*/false);
  const uint64_t* at = rows.words.data();
  const uint64_t* const end = at + rows.words.size();
  const char* bytes = rows.bytes.data();  // the next value's bytes
  bool open = false;
  for (; at < end; ++at) {
    const uint64_t word = *at;
    const uint64_t tag = word & 0xff;
    if (tag & SliceRows::kRow) {
      if (open && !out.End()) return Error(out.what());
      out.Row(static_cast<RowKind>(tag & ~uint64_t{SliceRows::kRow}));
      open = true;
      continue;
    }
    switch (tag) {
      case SliceRows::kSmallInt: out.Int(static_cast<int64_t>(word) >> 8); break;
      case SliceRows::kInt: out.Int(static_cast<int64_t>(*++at)); break;
      case SliceRows::kNull: out.Null(); break;
      case SliceRows::kRun: out.Run(word >> 8); break;
      case SliceRows::kText: out.Text(std::string_view(bytes, word >> 8)); bytes += word >> 8; break;
      case SliceRows::kBlob: out.Blob(std::string_view(bytes, word >> 8)); bytes += word >> 8; break;
      default: return InternalError(name_ + ": malformed captured rows");
    }
  }
  if (open && !out.End()) return Error(out.what());
  if (!out.complete()) return InternalError(name_ + ": malformed captured rows");
  StartWriteback();
  return Status::Ok();
}

// sync_file_range(SYNC_FILE_RANGE_WRITE) starts the writeback of the file's dirty pages and returns: it
// changes neither what the file holds nor when SQLite's own fsyncs happen (the kernel may write dirty pages
// at any time anyway), so the transaction's atomicity is SQLite's as before. The descriptor is the file's,
// opened read-only once; any failure leaves the writeback to the commit's fsync, as without it.
void Store::StartWriteback() {
#if RAPPORT_WRITEBACK
  if (writeback_fd_ == -1) {
    const char* path = sqlite3_db_filename(db_, "main");
    writeback_fd_ = path && *path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (writeback_fd_ < 0) writeback_fd_ = -2;
  }
  if (writeback_fd_ < 0) return;
  // Drop behind: the pages whose writeback the previous call started (a slice ago) are clean by now, unless
  // the disk is slow (the kernel then keeps them: dirty or in-flight pages are never dropped). Only pages
  // this import appended: what the file held before stays cached for the reads SQLite may still make.
  if (writeback_started_to_ > drop_from_) {
    posix_fadvise(writeback_fd_, static_cast<off_t>(drop_from_), static_cast<off_t>(writeback_started_to_ - drop_from_),
                  POSIX_FADV_DONTNEED);
    drop_from_ = writeback_started_to_;
  }
  struct stat st;
  if (fstat(writeback_fd_, &st) == 0) writeback_started_to_ = static_cast<uint64_t>(st.st_size);
  sync_file_range(writeback_fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
}

namespace {

// SQL that renumbers `table`'s ids densely (0..n-1, keeping their order) and rewrites the references
// `refs` ("other_table.column") to it. Ids pass through negative values so no two rows ever collide.
std::string RenumberSql(const std::string& table, const std::vector<std::string>& refs) {
  const std::string map = "temp.map_" + table;
  std::string sql = "DROP TABLE IF EXISTS " + map + ";CREATE TABLE " + map + "(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);";
  sql += "INSERT INTO " + map + " SELECT id, row_number() OVER (ORDER BY id) - 1 FROM " + table + ";";
  sql += "UPDATE " + table + " SET id = -1 - (SELECT new FROM " + map + " WHERE old = " + table + ".id) WHERE id <> (SELECT new FROM " + map + " WHERE old = " + table + ".id);";
  sql += "UPDATE " + table + " SET id = -1 - id WHERE id < 0;";
  for (const std::string& ref : refs) {
    const size_t dot = ref.find('.');
    const std::string t = ref.substr(0, dot), col = ref.substr(dot + 1);
    sql += "UPDATE " + t + " SET " + col + " = (SELECT new FROM " + map + " WHERE old = " + t + "." + col + ") WHERE " + col +
           " IS NOT NULL AND " + col + " <> (SELECT new FROM " + map + " WHERE old = " + t + "." + col + ");";
  }
  sql += "DROP TABLE " + map + ";";
  return sql;
}

}  // namespace

Status Store::RemoveImport(uint32_t import_id) {
  {
    Stmt q(db_, "SELECT count(*) FROM imports WHERE id = ?");
    if (!q.ok()) return Error("reading imports");
    q.Int(1, import_id);
    if (!q.Row() || q.ColInt(0) == 0) return NotFound(name_ + ": no import with id " + std::to_string(import_id));
  }
  const std::string id = std::to_string(import_id);
  const std::string rows =
      "DELETE FROM orders WHERE import_id = " + id + ";"
      "DELETE FROM reviews WHERE import_id = " + id + ";"
      "DELETE FROM tickets WHERE import_id = " + id + ";"
      "DELETE FROM surveys WHERE import_id = " + id + ";"
      "DELETE FROM import_issues WHERE import_id = " + id + ";"
      "DELETE FROM imports WHERE id = " + id + ";"
      "DROP TABLE IF EXISTS temp.line_products;"
      "CREATE TABLE temp.line_products(id INTEGER PRIMARY KEY);";
  std::string owners =
      "DELETE FROM products WHERE import_id = " + id +
      " AND id NOT IN (SELECT id FROM temp.line_products)"
      " AND id NOT IN (SELECT product FROM reviews WHERE product IS NOT NULL);"
      "DROP TABLE temp.line_products;"
      "DELETE FROM customers WHERE import_id = " + id +
      " AND id NOT IN (SELECT customer FROM orders WHERE customer IS NOT NULL)"
      " AND id NOT IN (SELECT customer FROM reviews WHERE customer IS NOT NULL)"
      " AND id NOT IN (SELECT customer FROM tickets WHERE customer IS NOT NULL)"
      " AND id NOT IN (SELECT customer FROM surveys WHERE customer IS NOT NULL);"
      "DELETE FROM customer_aliases WHERE import_id = " + id + " OR customer NOT IN (SELECT id FROM customers);";
  owners += RenumberSql("customers", {"orders.customer", "reviews.customer", "tickets.customer", "surveys.customer",
                                      "customer_aliases.customer"});
  // The product ids inside orders.lines follow the products' renumbering (RenumberLineProducts) before it runs.
  std::string renumber = RenumberSql("products", {"reviews.product"});
  renumber += RenumberSql("orders", {});
  renumber += RenumberSql("reviews", {});
  renumber += RenumberSql("tickets", {});
  renumber += RenumberSql("surveys", {});
  RAPPORT_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status s = Exec(rows);
  if (s.ok()) s = MarkLineProducts();
  if (s.ok()) s = Exec(owners);
  if (s.ok()) s = RenumberLineProducts();
  if (s.ok()) s = Exec(renumber);
  if (s.ok()) s = Exec("COMMIT");
  if (!s.ok()) {
    Exec("ROLLBACK");
    return s;
  }
  return Status::Ok();
}

Status Store::MarkLineProducts() {
  std::vector<uint8_t> named;
  {
    Stmt q(db_, "SELECT id, lines FROM orders WHERE lines IS NOT NULL");
    if (!q.ok()) return Error("reading orders");
    while (q.Row()) {
      const bool ok = ForEachLineProduct(q.ColBlob(1), [&](uint32_t product) {
        if (product >= named.size()) named.resize(product + 1, 0);
        named[product] = 1;
      });
      if (!ok) return CorruptError(name_ + ": not a Rapport workspace (orders.lines of order " + std::to_string(q.ColInt(0)) + " is malformed)");
    }
    if (!q.Done()) return Error("reading orders");
  }
  Stmt ins(db_, "INSERT INTO temp.line_products(id) VALUES (?)");
  if (!ins.ok()) return Error("listing the products of order lines");
  for (size_t product = 0; product < named.size(); ++product) {
    if (!named[product]) continue;
    ins.Int(1, static_cast<int64_t>(product));
    if (!ins.Run()) return Error("listing the products of order lines");
  }
  return Status::Ok();
}

Status Store::RenumberLineProducts() {
  // The products' ids after RenumberSql("products"): their rank in id order.
  std::vector<uint32_t> renamed;  // old id -> new id
  bool changed = false;
  {
    Stmt q(db_, "SELECT id FROM products ORDER BY id");
    if (!q.ok()) return Error("reading products");
    uint32_t rank = 0;
    while (q.Row()) {
      const uint32_t old_id = static_cast<uint32_t>(q.ColInt(0));
      if (old_id >= renamed.size()) renamed.resize(old_id + 1, kNoId);
      renamed[old_id] = rank;
      changed |= old_id != rank;
      ++rank;
    }
    if (!q.Done()) return Error("reading products");
  }
  if (!changed) return Status::Ok();
  std::vector<std::pair<int64_t, std::string>> rewritten;  // orders whose lines name a renumbered product
  {
    Stmt q(db_, "SELECT id, lines FROM orders WHERE lines IS NOT NULL");
    if (!q.ok()) return Error("reading orders");
    OrderLineTable lines;
    while (q.Row()) {
      lines = OrderLineTable();
      if (!UnpackLines(q.ColBlob(1), 0, &lines)) return CorruptError(name_ + ": not a Rapport workspace (orders.lines of order " + std::to_string(q.ColInt(0)) + " is malformed)");
      bool differs = false;
      for (uint32_t& product : lines.product) {
        if (product == kNoId) continue;
        if (product >= renamed.size() || renamed[product] == kNoId) return CorruptError(name_ + ": not a Rapport workspace (an order line names a product that does not exist)");
        differs |= renamed[product] != product;
        product = renamed[product];
      }
      if (!differs) continue;
      std::string packed;
      for (size_t i = 0; i < lines.product.size(); ++i) {
        PackLine(&packed, lines.product[i], lines.quantity[i], lines.unit_price_cents[i], lines.discount_cents[i]);
      }
      rewritten.emplace_back(q.ColInt(0), std::move(packed));
    }
    if (!q.Done()) return Error("reading orders");
  }
  Stmt up(db_, "UPDATE orders SET lines = ? WHERE id = ?");
  if (!up.ok()) return Error("renumbering the products of order lines");
  for (const auto& order : rewritten) {
    up.BlobOrNull(1, order.second);
    up.Int(2, order.first);
    if (!up.Run()) return Error("renumbering the products of order lines");
  }
  return Status::Ok();
}

Result<std::string> Store::LoadSettingsJson() {
  Stmt q(db_, "SELECT value FROM settings WHERE key = 'analysis'");
  if (!q.ok()) return Error("reading settings");
  if (q.Row()) return std::string(q.ColText(0));
  if (!q.Done()) return Error("reading settings");
  return std::string();
}

Status Store::SaveSettingsJson(const std::string& json) {
  Stmt q(db_, "INSERT OR REPLACE INTO settings(key, value) VALUES ('analysis', ?)");
  if (!q.ok()) return Error("writing settings");
  q.Text(1, json);
  if (!q.Run()) return Error("writing settings");
  return Status::Ok();
}

std::string_view Store::ImageView() {
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db_, "main", &size, SQLITE_SERIALIZE_NOCOPY);
  if (!bytes) return {};
  return std::string_view(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
}

Result<std::string> Store::Serialize() {
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db_, "main", &size, 0);
  if (!bytes) {
    if (size == 0) return std::string();
    return Error("serialising");
  }
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  return out;
}

}  // namespace rapport
