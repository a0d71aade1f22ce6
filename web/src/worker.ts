// The engine worker: loads rapport_engine.{mjs,wasm}, owns the one open workspace, streams imports in
// File.slice chunks and keeps the workspace image in the Origin Private File System. The page talks to it
// only through the messages of engine/protocol.ts.
import type {
  EngineError, ImportRecord, ImportStage, ReplyMap, RequestMessage, WorkerMessage, WorkspaceSource, WorkspaceState,
} from './engine/protocol';
import { WasmEngine, type EngineFactory } from './engine/wasm';

const kDefaultChunkBytes = 4 * 1024 * 1024;
const kMutatingOps = new Set(['settings_set', 'segment_save']);

class Failure extends Error {
  constructor(readonly error: EngineError) {
    super(error.message);
  }
}

let engine: WasmEngine | null = null;
let handle = 0;
let state: WorkspaceState = { source: 'empty', label: 'Empty workspace', persisted: false };
let chunkBytes = kDefaultChunkBytes;
let cancelRequested = false;
let importing = false;
// Requests run one at a time, in order; cancelImport bypasses the queue.
let queue: Promise<void> = Promise.resolve();

const post = (message: WorkerMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

async function loadEngine(): Promise<WasmEngine> {
  if (engine) return engine;
  // Not bundled: rapport_engine.mjs sits next to worker.js and finds its .wasm from its own URL.
  const url = new URL('./rapport_engine.mjs', import.meta.url).href;
  const mod = (await import(url)) as { default: EngineFactory };
  engine = new WasmEngine(await mod.default());
  return engine;
}

function must<T>(reply: { ok: true; result: T } | { ok: false; error: EngineError }): T {
  if (!reply.ok) throw new Failure(reply.error);
  return reply.result;
}

function adopt(newHandle: number, source: WorkspaceSource, label: string): void {
  if (handle && engine) engine.close(handle);
  handle = newHandle;
  // A new workspace gets a new id when first stored; an import into the open one keeps its id.
  state = { source, label, persisted: false };
}

function openEmpty(e: WasmEngine): number {
  const { handle: h, reply } = e.openMemory();
  must(reply);
  return h;
}

// ---- Storage: several named workspaces (one per store) in OPFS, IndexedDB where OPFS is missing ---------
// Layout: index.json {current, workspaces: [{id, label, updated}]} and ws-<id>.rapport per workspace.
// The demo and an empty workspace are never stored.

interface SyncHandle {
  truncate(size: number): void;
  write(buffer: Uint8Array, options?: { at: number }): number;
  flush(): void;
  close(): void;
}
interface Store {
  kind: 'opfs' | 'indexeddb';
  read(name: string): Promise<Uint8Array | null>;
  write(name: string, bytes: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  clear(): Promise<void>;
}

async function opfsStore(): Promise<Store | null> {
  let root: FileSystemDirectoryHandle;
  try {
    root = await navigator.storage.getDirectory();
  } catch {
    return null;
  }
  return {
    kind: 'opfs',
    async read(name) {
      try {
        return new Uint8Array(await (await (await root.getFileHandle(name)).getFile()).arrayBuffer());
      } catch {
        return null;
      }
    },
    async write(name, bytes) {
      // Write to a temporary file first, so a crash mid-write never leaves a torn workspace.
      const tmp = await root.getFileHandle(`${name}.tmp`, { create: true });
      const sync = await (tmp as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
      try {
        sync.truncate(0);
        sync.write(bytes, { at: 0 });
        sync.flush();
      } finally {
        sync.close();
      }
      const file = await root.getFileHandle(name, { create: true });
      const out = await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
      try {
        out.truncate(0);
        out.write(bytes, { at: 0 });
        out.flush();
      } finally {
        out.close();
      }
      await root.removeEntry(`${name}.tmp`).catch(() => undefined);
    },
    async remove(name) {
      await root.removeEntry(name).catch(() => undefined);
    },
    async clear() {
      const names: string[] = [];
      for await (const key of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
      for (const name of names) await root.removeEntry(name, { recursive: true }).catch(() => undefined);
    },
  };
}

function idbStore(): Store {
  const open = () => new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('rapport', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('files');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const run = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = fn(db.transaction('files', mode).objectStore('files'));
        req.onsuccess = () => resolve(req.result as T);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  };
  return {
    kind: 'indexeddb',
    async read(name) {
      const v = await run<ArrayBuffer | undefined>('readonly', (s) => s.get(name)).catch(() => undefined);
      return v ? new Uint8Array(v) : null;
    },
    async write(name, bytes) { await run('readwrite', (s) => s.put(bytes.slice().buffer, name)); },
    async remove(name) { await run('readwrite', (s) => s.delete(name)).catch(() => undefined); },
    async clear() { await run('readwrite', (s) => s.clear()).catch(() => undefined); },
  };
}

let storePromise: Promise<Store> | null = null;
function store(): Promise<Store> {
  storePromise ??= opfsStore().then((s) => s ?? idbStore());
  return storePromise;
}

interface WorkspaceEntry { id: string; label: string; updated: string }
interface Index { current: string | null; workspaces: WorkspaceEntry[] }
const kIndex = 'index.json';
const kLegacyImage = 'workspace.rapport';
const kLegacyMeta = 'workspace.json';
const imageName = (id: string) => `ws-${id}.rapport`;

async function readIndex(): Promise<Index> {
  const s = await store();
  const bytes = await s.read(kIndex);
  if (bytes) {
    try {
      const index = JSON.parse(new TextDecoder().decode(bytes)) as Index;
      if (Array.isArray(index.workspaces)) return index;
    } catch { /* rebuilt below */ }
  }
  // A workspace kept by an older version of the page (one image): adopt it as the first named workspace.
  const legacy = await s.read(kLegacyImage);
  if (legacy) {
    let label = 'Saved workspace';
    try {
      const meta = JSON.parse(new TextDecoder().decode((await s.read(kLegacyMeta)) ?? new Uint8Array()));
      if (typeof meta.label === 'string') label = meta.label;
    } catch { /* the label is optional */ }
    const id = newId();
    await s.write(imageName(id), legacy);
    const index = { current: id, workspaces: [{ id, label, updated: new Date().toISOString() }] };
    await writeIndex(index);
    await s.remove(kLegacyImage);
    await s.remove(kLegacyMeta);
    return index;
  }
  return { current: null, workspaces: [] };
}
async function writeIndex(index: Index): Promise<void> {
  await (await store()).write(kIndex, new TextEncoder().encode(JSON.stringify(index)));
}
function newId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Keeps the current workspace in storage (not the demo, not an empty one). Returns whether it was stored. */
async function persist(): Promise<boolean> {
  if (!engine || state.source === 'demo' || state.source === 'empty') return false;
  try {
    const s = await store();
    const index = await readIndex();
    if (!state.id) state.id = newId();
    const image = engine.serialize(handle);
    if ('error' in image) return false;
    await s.write(imageName(state.id), image.bytes);
    const entry = index.workspaces.find((w) => w.id === state.id);
    const updated = new Date().toISOString();
    if (entry) Object.assign(entry, { label: state.label, updated });
    else index.workspaces.push({ id: state.id, label: state.label, updated });
    index.current = state.id;
    await writeIndex(index);
    return true;
  } catch {
    return false;
  }
}

async function openStored(e: WasmEngine, id: string): Promise<boolean> {
  const index = await readIndex();
  const entry = index.workspaces.find((w) => w.id === id);
  const bytes = entry ? await (await store()).read(imageName(id)) : null;
  if (!entry || !bytes) return false;
  const { handle: h, reply } = e.openImage(bytes);
  if (!reply.ok) return false;
  adopt(h, 'stored', entry.label);
  state.id = id;
  state.persisted = true;
  if (index.current !== id) {
    index.current = id;
    await writeIndex(index);
  }
  return true;
}

async function listWorkspaces(): Promise<ReplyMap['workspaces']> {
  const index = await readIndex();
  return { current: state.id ?? null, workspaces: index.workspaces, storage: (await store()).kind, state };
}

// ---- Requests ---------------------------------------------------------------------------------------

async function init(demoUrl: string, fresh: boolean): Promise<ReplyMap['init']> {
  const e = await loadEngine();
  const index = fresh ? null : await readIndex();
  if (index?.current && await openStored(e, index.current)) return { state };
  if (demoUrl) {
    try {
      const response = await fetch(demoUrl);
      if (response.ok) {
        const { handle: h, reply } = e.openImage(new Uint8Array(await response.arrayBuffer()));
        if (reply.ok) {
          adopt(h, 'demo', 'Demo store');
          return { state };
        }
      }
    } catch { /* no demo: start empty */ }
  }
  adopt(openEmpty(e), 'empty', 'Empty workspace');
  return { state };
}

async function importFile(messageId: number, file: File, options: unknown): Promise<ReplyMap['import']> {
  const e = await loadEngine();
  // The merchant's own files never mix with the demo: they go into a fresh workspace, which replaces the
  // demo only once the import has succeeded.
  const intoNew = state.source === 'demo' || state.source === 'empty' || !handle;
  const target = intoNew ? openEmpty(e) : handle;
  const total = file.size;
  const progress = (stage: ImportStage, bytes: number) =>
    post({ kind: 'progress', messageId, stage, bytes, total });
  cancelRequested = false;
  importing = true;
  try {
    must(e.importBegin(target, file.name, options ?? {}, total, new Date().toISOString()));
    progress('reading', 0);
    for (let offset = 0; offset < total; offset += chunkBytes) {
      if (cancelRequested) {
        e.importCancel(target);
        throw new Failure({ code: 'cancelled', message: `Import of ${file.name} cancelled.` });
      }
      const chunk = new Uint8Array(await file.slice(offset, Math.min(total, offset + chunkBytes)).arrayBuffer());
      const consumed = must(e.importChunk(target, chunk)).bytes_consumed;
      progress('reading', Math.min(total, Math.max(consumed, offset + chunk.length)));
    }
    progress('merging', total);
    const record = must(e.importFinish<ImportRecord>(target));
    if (intoNew) adopt(target, 'imports', file.name);
    else state = { source: 'imports', label: state.source === 'stored' || state.source === 'file' ? state.label : importsLabel(e), persisted: false, id: state.id };
    progress('saving', total);
    state.persisted = await persist();
    return { record, state };
  } catch (error) {
    if (intoNew) e.close(target);
    throw error;
  } finally {
    importing = false;
  }
}

function importsLabel(e: WasmEngine): string {
  const reply = e.call<unknown[]>(handle, { op: 'imports' });
  const count = reply.ok && Array.isArray(reply.result) ? reply.result.length : 0;
  return count > 1 ? `${count} imported files` : state.label;
}

async function openImage(file: Blob, name: string): Promise<ReplyMap['openImage']> {
  const e = await loadEngine();
  const { handle: h, reply } = e.openImage(new Uint8Array(await file.arrayBuffer()));
  must(reply);
  adopt(h, 'file', name.replace(/\.rapport$/, '') === name ? name : name);
  state.persisted = await persist();
  return { state };
}

async function handle_(message: RequestMessage): Promise<{ data: unknown; transfer?: Transferable[] }> {
  switch (message.type) {
    case 'init':
      if (message.chunkBytes && message.chunkBytes > 0) chunkBytes = message.chunkBytes;
      return { data: await init(message.demoUrl, !!message.fresh) };
    case 'import':
      return { data: await importFile(message.messageId, message.file, message.options) };
    case 'cancelImport':
      return { data: { cancelled: importing } };
    case 'call': {
      const e = await loadEngine();
      const result = must(e.call(handle, message.request));
      // Ops that change the workspace: keep the stored copy current.
      if (kMutatingOps.has(message.request.op)) state.persisted = await persist();
      return { data: { result } };
    }
    case 'serialize': {
      const e = await loadEngine();
      const image = e.serialize(handle);
      if ('error' in image) throw new Failure(image.error);
      const bytes = image.bytes.buffer as ArrayBuffer;
      return { data: { bytes }, transfer: [bytes] };
    }
    case 'openImage':
      return { data: await openImage(message.file, message.name) };
    case 'removeImport': {
      const e = await loadEngine();
      must(e.removeImport(handle, message.importId));
      state.persisted = await persist();
      return { data: { state } };
    }
    case 'reset': {
      // A new, empty workspace; the stored ones stay (switch back from Settings).
      const e = await loadEngine();
      adopt(openEmpty(e), 'empty', 'Empty workspace');
      const index = await readIndex();
      index.current = null;
      await writeIndex(index);
      return { data: { state } };
    }
    case 'workspaces':
      return { data: await listWorkspaces() };
    case 'switchWorkspace': {
      const e = await loadEngine();
      if (!(await openStored(e, message.id))) throw new Failure({ code: 'not_found', message: 'That workspace is no longer stored in this browser.' });
      return { data: { state } };
    }
    case 'renameWorkspace': {
      const index = await readIndex();
      const entry = index.workspaces.find((w) => w.id === message.id);
      if (entry) entry.label = message.label;
      await writeIndex(index);
      if (state.id === message.id) state.label = message.label;
      return { data: { state } };
    }
    case 'deleteWorkspace': {
      const index = await readIndex();
      index.workspaces = index.workspaces.filter((w) => w.id !== message.id);
      if (index.current === message.id) index.current = null;
      await (await store()).remove(imageName(message.id));
      await writeIndex(index);
      if (state.id === message.id) {
        const e = await loadEngine();
        adopt(openEmpty(e), 'empty', 'Empty workspace');
      }
      return { data: { state } };
    }
    case 'deleteEverything': {
      // Every stored workspace and index, in OPFS and in IndexedDB; the page clears caches and localStorage.
      const s = await store();
      await s.clear();
      if (s.kind === 'opfs') await idbStore().clear();
      const e = await loadEngine();
      adopt(openEmpty(e), 'empty', 'Empty workspace');
      return { data: { state } };
    }
  }
}

self.addEventListener('message', (event: MessageEvent<RequestMessage>) => {
  const message = event.data;
  if (message.type === 'cancelImport') {
    cancelRequested = importing;
    post({ kind: 'reply', messageId: message.messageId, type: 'cancelImport', data: { cancelled: importing } });
    return;
  }
  queue = queue.then(async () => {
    try {
      const { data, transfer } = await handle_(message);
      post({ kind: 'reply', messageId: message.messageId, type: message.type, data } as WorkerMessage, transfer ?? []);
    } catch (error) {
      const e: EngineError = error instanceof Failure
        ? error.error
        : { code: 'worker_error', message: error instanceof Error ? error.message : String(error) };
      post({ kind: 'error', messageId: message.messageId, error: e });
    }
  });
});
