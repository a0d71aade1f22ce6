// The engine's host VFS (wasm-bindings/host_vfs.{cpp,js}): a workspace kept in files the worker opened
// (OPFS sync access handles in the browser), written page by page, with a rollback journal beside it.
// Driven here with fake handles over Node buffers, so a crash and a full quota can be placed exactly.
// Run: node --no-experimental-fetch --test tests/wasm/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { kEngineDir, loadEngine } from './engine.mjs';

const have = fs.existsSync(path.join(kEngineDir, 'rapport_engine.wasm'));
const skip = !have && 'build the wasm engine first (make wasm)';
const kPageBytes = 8192;  // SQLITE_DEFAULT_PAGE_SIZE in CMakeLists.txt

/** The FileSystemSyncAccessHandle methods SQLite's file calls use, over a growable buffer. */
class FakeHandle {
  constructor(quota) {
    this.bytes = Buffer.alloc(0);
    this.size = 0;
    this.quota = quota;       // {limit, used(): bytes of every file}, shared by the files of one "origin"
    this.writes = [];         // [offset, length] of every write
    this.onWrite = null;      // called before each write (a test places a crash there)
  }
  getSize() { return this.size; }
  read(view, { at }) {
    const n = Math.max(0, Math.min(view.length, this.size - at));
    if (n > 0) this.bytes.copy(view, 0, at, at + n);
    return n;
  }
  write(view, { at }) {
    if (this.onWrite) this.onWrite(at, view.length);
    const end = at + view.length;
    if (this.quota && end > this.size && this.quota.used() + (end - this.size) > this.quota.limit) {
      throw Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
    }
    if (end > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(end, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.size);
      this.bytes = grown;
    }
    Buffer.from(view.buffer, view.byteOffset, view.length).copy(this.bytes, at);
    this.size = Math.max(this.size, end);
    this.writes.push([at, view.length]);
    return view.length;
  }
  truncate(size) {
    if (size > this.bytes.length) this.write(new Uint8Array(0), { at: size });
    else this.bytes.fill(0, size, this.size);
    this.size = size;
  }
  flush() {}
  close() {}
  content() { return Buffer.from(this.bytes.subarray(0, this.size)); }
  static of(buffer, quota) {
    const h = new FakeHandle(quota);
    h.write(buffer, { at: 0 });
    h.writes = [];
    return h;
  }
}

/** A database file and its journal, registered for the engine under `name`. */
function register(engine, name, db, journal) {
  engine.m.rpFiles ??= new Map();
  engine.m.rpFiles.set(name, db);
  engine.m.rpFiles.set(`${name}-journal`, journal);
  return { db, journal };
}
function openFile(engine, name) {
  const handle = engine.withString(name, (n) => engine.m._rp_open_file(n));
  return { handle, reply: engine.reply() };
}

/** A Shopify orders export of `orders` orders by `customers` customers, from order number `first` on. */
function shopifyCsv(first, orders, customers) {
  const rows = ['Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku'];
  for (let i = 0; i < orders; ++i) {
    const n = first + i;
    const day = String(1 + (n % 28)).padStart(2, '0');
    const month = String(1 + ((n >> 5) % 12)).padStart(2, '0');
    const price = (10 + (n % 17)).toFixed(2);
    rows.push(`#${n},c${(n * 7919) % customers}@example.com,paid,USD,${price},${price},2024-${month}-${day} 10:15:00 -0500,1,Item ${n % 40},${price},SKU-${n % 40}`);
  }
  return Buffer.from(rows.join('\n') + '\n');
}

test('a workspace in host files: created empty, written a page at a time, reopened with the same answers', { skip }, async () => {
  const engine = await loadEngine();
  const { db, journal } = register(engine, 'ws-a.rapport', new FakeHandle(), new FakeHandle());
  let { handle, reply } = openFile(engine, 'ws-a.rapport');
  assert.ok(handle, JSON.stringify(reply));
  assert.equal(db.content().subarray(0, 15).toString('latin1'), 'SQLite format 3');

  const imported = engine.importBytes(handle, 'orders.csv', shopifyCsv(1000, 3000, 800), 64 << 10);
  assert.ok(imported.ok, JSON.stringify(imported));
  const kpis = engine.callResultText(handle, { op: 'kpis' });
  // SQLite writes whole pages of the database, never an image; the journal is emptied at each commit.
  assert.ok(db.writes.length > 10, `${db.writes.length} writes`);
  for (const [at, n] of db.writes) assert.ok(n === kPageBytes && at % kPageBytes === 0, `a write of ${n} bytes at ${at}`);
  assert.ok(journal.writes.length > 0, 'the import wrote no rollback journal');
  assert.equal(journal.getSize(), 0, 'the journal is not empty after the commit');

  // A settings change writes a few pages, not the file.
  db.writes = [];
  const settings = engine.call(handle, { op: 'settings_get' }).result;
  assert.ok(engine.call(handle, { op: 'settings_set', settings: { ...settings, churn_window_days: 120 } }).ok);
  assert.ok(db.writes.length > 0 && db.writes.length <= 4, `${db.writes.length} page writes for one settings change`);
  engine.close(handle);

  // The same bytes give the same answers reopened through the VFS and as an image in memory.
  ({ handle, reply } = openFile(engine, 'ws-a.rapport'));
  assert.ok(handle, JSON.stringify(reply));
  assert.equal(engine.callResultText(handle, { op: 'kpis' }), kpis);
  assert.equal(engine.call(handle, { op: 'settings_get' }).result.churn_window_days, 120);
  const { handle: image } = engine.openImage(db.content());
  assert.equal(engine.callResultText(image, { op: 'kpis' }), kpis);
  engine.close(image);
  engine.close(handle);
});

test('a file the worker did not register cannot be opened, and a damaged one is refused', { skip }, async () => {
  const engine = await loadEngine();
  const missing = openFile(engine, 'not-registered.rapport');
  assert.equal(missing.handle, 0);
  assert.equal(missing.reply.ok, false);
  register(engine, 'junk.rapport', FakeHandle.of(Buffer.alloc(3 * kPageBytes, 0x78)), new FakeHandle());
  const junk = openFile(engine, 'junk.rapport');
  assert.equal(junk.handle, 0);
  assert.equal(junk.reply.error.code, 'corrupt', JSON.stringify(junk.reply));
});

test('a crash in the middle of an import leaves the workspace as it was (the journal rolls it back)', { skip }, async () => {
  const engine = await loadEngine();
  const { db, journal } = register(engine, 'ws-b.rapport', new FakeHandle(), new FakeHandle());
  let { handle } = openFile(engine, 'ws-b.rapport');
  assert.ok(engine.importBytes(handle, 'first.csv', shopifyCsv(1000, 3000, 800)).ok);
  const kpis = engine.callResultText(handle, { op: 'kpis' });
  const imports = engine.callResultText(handle, { op: 'imports' });
  const before = db.content();

  // The tab dies at the 3rd database write of the next import (its commit: the journal already holds the
  // pages it is about to overwrite): what is on "disk" at that moment is what the next visit finds.
  let crash = null;
  let dbWrites = 0;
  db.onWrite = () => {
    if (++dbWrites === 3) crash = { db: db.content(), journal: journal.content() };
    if (crash) throw Object.assign(new Error('the tab was closed'), { name: 'AbortError' });
  };
  const second = engine.importBytes(handle, 'second.csv', shopifyCsv(9000, 2000, 1500));
  assert.equal(second.ok, false, 'the import should have failed at the crash');
  assert.ok(crash, 'no database write happened during the import');
  engine.close(handle);
  assert.ok(crash.journal.length > 0, 'no hot journal at the crash');
  assert.ok(!crash.db.equals(before), 'the crash left the database untouched: nothing to roll back');

  // The next visit: the same files as the crash left them.
  const again = register(engine, 'ws-c.rapport', FakeHandle.of(crash.db), FakeHandle.of(crash.journal));
  let reply;
  ({ handle, reply } = openFile(engine, 'ws-c.rapport'));
  assert.ok(handle, JSON.stringify(reply));
  assert.equal(engine.callResultText(handle, { op: 'kpis' }), kpis);
  assert.equal(engine.callResultText(handle, { op: 'imports' }), imports);
  assert.equal(again.journal.getSize(), 0, 'the hot journal was not played back and emptied');
  assert.ok(again.db.content().equals(before), 'the rolled-back file differs from the one before the import');
  engine.close(handle);
});

test('a full storage quota fails the import with a quota error and keeps everything already saved', { skip }, async () => {
  const engine = await loadEngine();
  const files = [];
  const quota = { limit: Infinity, used: () => files.reduce((sum, f) => sum + f.getSize(), 0) };
  files.push(new FakeHandle(quota), new FakeHandle(quota));
  const { db } = register(engine, 'ws-d.rapport', files[0], files[1]);
  let { handle } = openFile(engine, 'ws-d.rapport');
  assert.ok(engine.importBytes(handle, 'first.csv', shopifyCsv(1000, 3000, 800)).ok);
  const kpis = engine.callResultText(handle, { op: 'kpis' });
  const imports = engine.callResultText(handle, { op: 'imports' });
  const saved = db.content();

  quota.limit = quota.used() + 16 * kPageBytes;  // room for a few pages, not for the import
  engine.m.rpLastIoError = undefined;
  const failed = engine.importBytes(handle, 'big.csv', shopifyCsv(20000, 20000, 9000));
  assert.equal(failed.ok, false, 'the import should not fit');
  assert.match(failed.error.message, /full/, JSON.stringify(failed.error));
  assert.equal(engine.m.rpLastIoError?.name, 'QuotaExceededError');
  // The engine and the file are both as before.
  assert.equal(engine.callResultText(handle, { op: 'kpis' }), kpis);
  assert.equal(engine.callResultText(handle, { op: 'imports' }), imports);
  engine.close(handle);
  assert.ok(db.content().equals(saved), 'the file differs from the one saved before the import');
  quota.limit = Infinity;
  ({ handle } = openFile(engine, 'ws-d.rapport'));
  assert.equal(engine.callResultText(handle, { op: 'kpis' }), kpis);
  engine.close(handle);
});
