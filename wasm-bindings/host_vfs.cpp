// A SQLite VFS whose files are host file handles: in the browser, the FileSystemSyncAccessHandle objects of
// the Origin Private File System that the worker opened before calling into the engine (createSyncAccessHandle
// is asynchronous, SQLite's file methods are not). So the dashboard's workspace is the persisted OPFS file
// itself: SQLite reads and writes pages, never a whole image, and its rollback journal (a second handle,
// `<name>-journal`) makes every transaction atomic across a closed tab.
//
// The host side is wasm-bindings/host_vfs.js (an Emscripten JS library): the worker registers handles by
// name in `Module.rpFiles` (a Map name -> handle with read/write/truncate/flush/getSize), and the functions
// below reach them by that name. A file not registered cannot be opened (SQLITE_CANTOPEN): temporary files
// stay in memory (SQLITE_TEMP_STORE=2). The worker is the database's only connection and an access handle is
// exclusive, so locking is a no-op. Deleting a file (the journal after a commit) truncates it to zero bytes:
// OPFS entries cannot be removed synchronously, and an empty journal is not a hot one.
//
// Contract of the host calls (all sizes and offsets in bytes; an offset is a double because JS numbers are):
//   rp_host_open(name)            -> a file id >= 0, or -1 when no handle is registered under `name`
//   rp_host_read(id, dst, n, at)  -> bytes read (< n at the end of the file), -1 on error
//   rp_host_write(id, src, n, at) -> 0, 1 when the storage quota is exceeded, -1 on any other error
//   rp_host_truncate(id, size), rp_host_sync(id) -> 0 or -1;  rp_host_size(id) -> the size, -1 on error
//   rp_host_exists(name)          -> 1 when a handle is registered under `name` and holds any bytes
//   rp_host_truncate_name(name)   -> 0 (also when nothing is registered under `name`) or -1
//   rp_host_close(id)             forgets the id (the worker closes the handle itself)
#include <sqlite3.h>

#include <cstring>

extern "C" {
int rp_host_open(const char* name);
void rp_host_close(int id);
int rp_host_read(int id, void* dst, int n, double at);
int rp_host_write(int id, const void* src, int n, double at);
int rp_host_truncate(int id, double size);
int rp_host_sync(int id);
double rp_host_size(int id);
int rp_host_exists(const char* name);
int rp_host_truncate_name(const char* name);
}

namespace {

struct HostFile {
  sqlite3_file base;
  int id;
};

int HostId(sqlite3_file* file) { return reinterpret_cast<HostFile*>(file)->id; }

int Close(sqlite3_file* file) {
  rp_host_close(HostId(file));
  return SQLITE_OK;
}

int Read(sqlite3_file* file, void* dst, int amount, sqlite3_int64 offset) {
  const int n = rp_host_read(HostId(file), dst, amount, static_cast<double>(offset));
  if (n < 0) return SQLITE_IOERR_READ;
  if (n < amount) {
    // SQLite requires the rest of a short read to be zeroed.
    std::memset(static_cast<char*>(dst) + n, 0, static_cast<size_t>(amount - n));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int Write(sqlite3_file* file, const void* src, int amount, sqlite3_int64 offset) {
  const int rc = rp_host_write(HostId(file), src, amount, static_cast<double>(offset));
  return rc == 0 ? SQLITE_OK : rc == 1 ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  return rp_host_truncate(HostId(file), static_cast<double>(size)) == 0 ? SQLITE_OK : SQLITE_IOERR_TRUNCATE;
}

int Sync(sqlite3_file* file, int) { return rp_host_sync(HostId(file)) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC; }

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  const double bytes = rp_host_size(HostId(file));
  if (bytes < 0) return SQLITE_IOERR_FSTAT;
  *size = static_cast<sqlite3_int64>(bytes);
  return SQLITE_OK;
}

int Lock(sqlite3_file*, int) { return SQLITE_OK; }
int Unlock(sqlite3_file*, int) { return SQLITE_OK; }
int CheckReservedLock(sqlite3_file*, int* reserved) {
  *reserved = 0;
  return SQLITE_OK;
}
int FileControl(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int SectorSize(sqlite3_file*) { return 4096; }
int DeviceCharacteristics(sqlite3_file*) { return 0; }

const sqlite3_io_methods kMethods = {
    1,  // iVersion: no shared memory (no WAL), no memory mapping
    Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckReservedLock, FileControl, SectorSize,
    DeviceCharacteristics, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  file->pMethods = nullptr;
  if (!name) return SQLITE_CANTOPEN;  // an anonymous temporary file: SQLITE_TEMP_STORE=2 keeps those in memory
  const int id = rp_host_open(name);
  if (id < 0) return SQLITE_CANTOPEN;
  reinterpret_cast<HostFile*>(file)->id = id;
  file->pMethods = &kMethods;
  if (out_flags) *out_flags = flags;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int) {
  return rp_host_truncate_name(name) == 0 ? SQLITE_OK : SQLITE_IOERR_DELETE;
}

int Access(sqlite3_vfs*, const char* name, int, int* result) {
  *result = rp_host_exists(name);
  return SQLITE_OK;
}

int FullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  sqlite3_snprintf(size, out, "%s", name);
  return SQLITE_OK;
}

// Randomness, sleep and the clock come from the VFS that was the default before this one.
sqlite3_vfs* Base(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) { return Base(vfs)->xRandomness(Base(vfs), n, out); }
int Sleep(sqlite3_vfs* vfs, int micros) { return Base(vfs)->xSleep(Base(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* now) { return Base(vfs)->xCurrentTime(Base(vfs), now); }
int GetLastError(sqlite3_vfs*, int, char*) { return 0; }

sqlite3_vfs g_vfs = {
    1, static_cast<int>(sizeof(HostFile)), 1024, nullptr, "rapport-host", nullptr, Open, Delete, Access, FullPathname,
    nullptr, nullptr, nullptr, nullptr, Randomness, Sleep, CurrentTime, GetLastError,
    nullptr, nullptr, nullptr, nullptr};

}  // namespace

namespace rapport {

// Registers the host VFS as SQLite's default (once): from then on a workspace opened by file name
// (Engine::OpenFile) lives in the host's files. In-memory workspaces (":memory:", deserialised images) are
// not affected. Returns false when SQLite could not register it.
bool UseHostFiles() {
  if (g_vfs.pAppData) return true;
  if (sqlite3_initialize() != SQLITE_OK) return false;
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (!base) return false;
  g_vfs.pAppData = base;
  if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) {
    g_vfs.pAppData = nullptr;
    return false;
  }
  return true;
}

}  // namespace rapport
