// The engine worker: loads rapport_engine.{mjs,wasm}, owns the one open workspace, streams imports in
// File.slice chunks and keeps the workspace image in the Origin Private File System. The page talks to it
// only through the messages of engine/protocol.ts.
import {
  kAheadPage, kIndexFile, kMutatingOps, type EngineError, type ImportRecord, type ImportStage, type ReplyMap, type RequestMessage, type WorkerMessage,
  type WorkspaceEntry, type WorkspaceSource, type WorkspaceState,
} from './engine/protocol';
import { WasmEngine, type BindingReply, type EngineFactory } from './engine/wasm';

const kDefaultChunkBytes = 4 * 1024 * 1024;

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
// A stored workspace being opened after `init` replied (a returning visit); requests wait for it.
let opening: Promise<void> | null = null;
// Requests in the queue that may change the open workspace (kept answers wait for them).
let changesQueued = 0;
// Requests run one at a time (the queue at the end of this file); cancelImport and focus bypass it.
// The worker's own work for when that queue is empty ("Idle work" below), and its steps run since the open
// workspace was opened (tests read them in the `focus` reply).
let idleWork: Record<string, unknown> | null = null;
let idleSteps = 0;

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

function adopt(newHandle: number, source: WorkspaceSource, label: string, newFiles: WorkspaceFiles | null = null): void {
  if (handle && engine) engine.close(handle);
  handle = newHandle;
  // The closed workspace's files are let go only once SQLite has closed them.
  releaseFiles(files);
  files = newFiles;
  // Kept answers belong to one stored workspace (openStored loads the new one's); none is written later.
  clearTimeout(answersTimer);
  answersTimer = 0;
  answers = new Map();
  answersBytes = 0;
  answersFor = '';
  // A new workspace gets a new id when first stored; an import into the open one keeps its id.
  state = { source, label, persisted: false };
  idleWork = null;
  idleSteps = 0;
}

function openEmpty(e: WasmEngine): number {
  const { handle: h, reply } = e.openMemory();
  must(reply);
  return h;
}

// ---- Storage: several named workspaces (one per store) in OPFS, IndexedDB where OPFS is missing ---------
// Layout: index.json {current, workspaces: [{id, label, updated}]} and ws-<id>.rapport per workspace.
// The demo and an empty workspace are never stored.
// In OPFS (with sync access handles) the open workspace IS its file: the worker opens ws-<id>.rapport and its
// rollback journal ws-<id>.rapport-journal as FileSystemSyncAccessHandles, registers them for the engine's
// VFS (wasm-bindings/host_vfs.cpp) and SQLite writes pages there, one transaction per change; the file is
// never read or written whole. In IndexedDB the workspace is an image in the engine's memory, written whole
// after every change.

interface SyncHandle {
  getSize(): number;
  truncate(size: number): void;
  read(buffer: Uint8Array, options?: { at: number }): number;
  write(buffer: Uint8Array, options?: { at: number }): number;
  flush(): void;
  close(): void;
}
type SyncFile = FileSystemFileHandle & {
  createSyncAccessHandle(): Promise<SyncHandle>;
  move?(name: string): Promise<void>;
};
/** The open sync access handles of a workspace file and its journal, as registered for the engine. */
interface WorkspaceFiles { name: string; handles: Map<string, SyncHandle> }
interface Opened { handle: number; reply: BindingReply; files: WorkspaceFiles | null }
interface Store {
  kind: 'opfs' | 'indexeddb';
  read(name: string): Promise<Uint8Array | null>;
  /**
   * Opens a stored workspace: through its file (OPFS; `create` makes a new, empty one) or as an image in the
   * engine's memory (IndexedDB). null when it is not stored.
   */
  openInto(name: string, e: WasmEngine, create?: boolean): Promise<Opened | null>;
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** OPFS: copies a Blob into the file `name` a slice at a time (never whole in memory). */
  writeBlob?(name: string, blob: Blob): Promise<void>;
  /** OPFS: a consistent copy of the open workspace's file, as a File to download. */
  snapshot?(files: WorkspaceFiles): Promise<File>;
  /** OPFS: the names of the stored files. */
  names?(): Promise<string[]>;
  /** OPFS: whether another tab holds the file `name` open (its access handle is exclusive). */
  inUse?(name: string): Promise<boolean>;
  remove(name: string): Promise<void>;
  clear(): Promise<void>;
}

const journalFileName = (name: string) => `${name}-journal`;
const snapshotName = (name: string) => `${name}.download`;
const kCopyBytes = 16 << 20;

/** The open workspace's files (null when it is in memory: the demo, an empty one, IndexedDB). */
let files: WorkspaceFiles | null = null;

function releaseFiles(f: WorkspaceFiles | null): void {
  if (!f) return;
  for (const [name, sync] of f.handles) {
    engine?.module.rpFiles?.delete(name);
    try { sync.close(); } catch { /* already closed */ }
  }
}

async function opfsStore(): Promise<Store | null> {
  let root: FileSystemDirectoryHandle;
  try {
    root = await navigator.storage.getDirectory();
    // Pages are written synchronously from inside the engine: without sync access handles, use IndexedDB.
    if (typeof (FileSystemFileHandle.prototype as Partial<SyncFile>).createSyncAccessHandle !== 'function') return null;
  } catch {
    return null;
  }
  const syncHandle = async (name: string, create: boolean): Promise<SyncHandle> => {
    const file = (await root.getFileHandle(name, { create })) as SyncFile;
    try {
      return await file.createSyncAccessHandle();
    } catch (error) {
      if ((error as Error).name === 'NoModificationAllowedError') {
        throw new Failure({ code: 'busy', message: 'This workspace is open in another tab or window of this browser: close it there, then reload this page.' });
      }
      throw error;
    }
  };
  const writeFile = async (name: string, bytes: Uint8Array) => {
    const sync = await syncHandle(name, true);
    try {
      sync.truncate(0);
      // A view of the engine's memory may exceed what one write takes: write in 256 MiB steps.
      for (let at = 0; at < bytes.length; at += 256 << 20) sync.write(bytes.subarray(at, Math.min(bytes.length, at + (256 << 20))), { at });
      sync.flush();
    } finally {
      sync.close();
    }
  };
  return {
    kind: 'opfs',
    async read(name) {
      try {
        return new Uint8Array(await (await (await root.getFileHandle(name)).getFile()).arrayBuffer());
      } catch {
        return null;
      }
    },
    async openInto(name, e, create = false) {
      try {
        await root.getFileHandle(name, { create });
      } catch {
        return null;
      }
      const handles = new Map<string, SyncHandle>();
      try {
        handles.set(name, await syncHandle(name, false));
        handles.set(journalFileName(name), await syncHandle(journalFileName(name), true));
      } catch (error) {
        for (const sync of handles.values()) sync.close();
        throw error;
      }
      const opened = { ...e.openFile(name, handles), files: { name, handles } };
      if (!opened.reply.ok) releaseFiles(opened.files);
      return opened;
    },
    async write(name, bytes) {
      // Write a temporary file, then rename it over the old one: a crash mid-write never leaves a torn file.
      const tmpName = `${name}.tmp`;
      await writeFile(tmpName, bytes);
      const tmp = (await root.getFileHandle(tmpName)) as SyncFile;
      if (typeof tmp.move === 'function') {
        try {
          await tmp.move(name);  // replaces the old file in one step
          return;
        } catch { /* rename not supported here: write the file itself below */ }
      }
      await writeFile(name, bytes);
      await root.removeEntry(tmpName).catch(() => undefined);
    },
    async writeBlob(name, blob) {
      const sync = await syncHandle(name, true);
      try {
        sync.truncate(0);
        for (let at = 0; at < blob.size; at += kCopyBytes) {
          const slice = new Uint8Array(await blob.slice(at, Math.min(blob.size, at + kCopyBytes)).arrayBuffer());
          if (sync.write(slice, { at }) !== slice.length) throw new DOMException(`${name}: the storage quota is full`, 'QuotaExceededError');
        }
        sync.flush();
      } finally {
        sync.close();
      }
    },
    async snapshot(f) {
      // The database file changes with every later write, and a File from getFile() reads the file as it is
      // then: copy it (between two engine calls, so no transaction is open) and hand out the copy.
      // Where the quota leaves no room for the copy, the file itself is handed out: it is whole now, and stays
      // so unless the workspace is changed while the browser is still saving the download.
      const source = f.handles.get(f.name)!;
      const name = snapshotName(f.name);
      const copy = await syncHandle(name, true);
      try {
        copy.truncate(0);
        const size = source.getSize();
        const buffer = new Uint8Array(Math.min(kCopyBytes, Math.max(1, size)));
        for (let at = 0; at < size;) {
          const n = source.read(buffer.subarray(0, Math.min(buffer.length, size - at)), { at });
          if (n <= 0) throw new Error(`${f.name}: the file ended early (${at} of ${size} bytes)`);
          if (copy.write(buffer.subarray(0, n), { at }) !== n) throw new DOMException(`${name}: the storage quota is full`, 'QuotaExceededError');
          at += n;
        }
        copy.flush();
      } catch (error) {
        if ((error as Error).name !== 'QuotaExceededError') throw error;
        copy.close();
        await root.removeEntry(name).catch(() => undefined);
        return (await root.getFileHandle(f.name)).getFile();
      } finally {
        try { copy.close(); } catch { /* closed above */ }
      }
      return (await root.getFileHandle(name)).getFile();
    },
    async remove(name) {
      await root.removeEntry(name).catch(() => undefined);
    },
    async inUse(name) {
      try {
        (await syncHandle(name, false)).close();
        return false;
      } catch (error) {
        return error instanceof Failure && error.error.code === 'busy';
      }
    },
    async names() {
      const names: string[] = [];
      for await (const key of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
      return names;
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
    async openInto(name, e, create = false) {
      const bytes = await this.read(name);
      if (!bytes && !create) return null;
      const opened = bytes ? await e.openImage(bytes) : e.openMemory();
      return { ...opened, files: null };
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

interface Index { current: string | null; workspaces: WorkspaceEntry[] }
const kLegacyImage = 'workspace.rapport';
const kLegacyMeta = 'workspace.json';
const imageName = (id: string) => `ws-${id}.rapport`;

async function readIndex(): Promise<Index> {
  const s = await store();
  const bytes = await s.read(kIndexFile);
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
  await (await store()).write(kIndexFile, new TextEncoder().encode(JSON.stringify(index)));
}
function newId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Removes the files of workspaces the index does not list (a new workspace whose first import was cut short
 * by a closed tab), and the copies made for downloads in an earlier visit. A file another tab holds open (its
 * own import in progress) cannot be removed and stays.
 */
async function removeOrphans(): Promise<void> {
  const s = await store();
  if (!s.names) return;
  // Only against an index that was read as written (never against the empty one readIndex falls back to).
  const bytes = await s.read(kIndexFile);
  if (!bytes) return;
  const index = JSON.parse(new TextDecoder().decode(bytes)) as Index;
  if (!Array.isArray(index.workspaces)) return;
  const listed = new Set(index.workspaces.map((w) => w.id));
  for (const name of await s.names()) {
    const id = /^ws-([a-z0-9]+)\./.exec(name)?.[1];
    if (id && (!listed.has(id) || name.endsWith('.download'))) await s.remove(name);
  }
}

/** Every file a stored workspace may have. */
async function removeWorkspaceFiles(id: string): Promise<void> {
  const s = await store();
  for (const name of [imageName(id), journalFileName(imageName(id)), snapshotName(imageName(id)), legacyJournalName(id), answersName(id)]) {
    await s.remove(name);
  }
}

/**
 * Records that the current workspace changed (not the demo, not an empty one). A workspace in its OPFS file
 * already holds the change (SQLite committed it there): only the index is updated. A workspace in memory
 * (IndexedDB) is written whole, from the engine's memory. Returns whether it is stored.
 */
async function persist(): Promise<boolean> {
  if (!engine || state.source === 'demo' || state.source === 'empty') return false;
  try {
    const s = await store();
    const index = await readIndex();
    if (!state.id) state.id = newId();
    if (!files) {
      let bytes = engine.imageView(handle);
      if (!bytes) {
        const image = engine.serialize(handle);
        if ('error' in image) return false;
        bytes = image.bytes;
      }
      await s.write(imageName(state.id), bytes);
    }
    await dropAnswers(state.id);
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

// ---- Migration: the journal of earlier versions ------------------------------------------------------
// Earlier versions kept the workspace as a whole image and wrote settings changes and saved segments to a
// small journal beside it (ws-<id>.journal.json), replayed on open. Now every change is written into the
// workspace itself; a journal still stored is replayed once, folded into the workspace and removed.
const legacyJournalName = (id: string) => `ws-${id}.journal.json`;

async function foldLegacyJournal(e: WasmEngine, h: number, id: string): Promise<boolean> {
  const s = await store();
  const bytes = await s.read(legacyJournalName(id));
  if (!bytes) return false;
  try {
    const entries = JSON.parse(new TextDecoder().decode(bytes)) as { op: string }[];
    if (Array.isArray(entries)) for (const request of entries) e.call(h, request);
  } catch { /* unreadable: nothing to replay */ }
  return true;
}

async function openStored(e: WasmEngine, id: string): Promise<boolean> {
  // Already open here (its files are held by this worker): nothing to do.
  if (files && state.id === id && state.persisted) return true;
  const index = await readIndex();
  const entry = index.workspaces.find((w) => w.id === id);
  const opened = entry ? await (await store()).openInto(imageName(id), e) : null;
  if (!entry || !opened || !opened.reply.ok) return false;
  const folded = await foldLegacyJournal(e, opened.handle, id);
  const kept = answersFor === id && !folded ? { map: answers, bytes: answersBytes } : null;
  adopt(opened.handle, 'stored', entry.label, opened.files);
  state.id = id;
  state.persisted = true;
  if (folded) {
    state.persisted = await persist();
    await (await store()).remove(legacyJournalName(id));
  }
  if (kept) {
    answers = kept.map;
    answersBytes = kept.bytes;
    answersFor = id;
  } else {
    await loadAnswers(id);
  }
  if (index.current !== id) {
    index.current = id;
    await writeIndex(index);
  }
  idleWork = { op: 'kpis' };
  return true;
}

async function listWorkspaces(): Promise<ReplyMap['workspaces']> {
  const index = await readIndex();
  return { current: state.id ?? null, workspaces: index.workspaces, storage: (await store()).kind, state };
}

// ---- Answers kept between visits ------------------------------------------------------------------
// The replies of the report ops for a stored workspace, kept beside it (ws-<id>.answers.json) for exactly
// the stored revision: any change (import, removal, settings, saved segment) drops them. On a returning
// visit they answer at once, before the engine has even read the image; the image opens right after, and
// every op not kept is computed by the engine as usual. Only small replies are kept.
const kAnswerMaxBytes = 512 * 1024;
const kAnswersMaxBytes = 8 * 1024 * 1024;
let answers = new Map<string, string>();  // request JSON -> result JSON
let answersFor = '';                       // the workspace id they belong to ('' = none)
let answersBytes = 0;
let answersTimer = 0;                      // set while answers wait to be written
let answersWriting: Promise<void> = Promise.resolve();
let answersWrites = 0;                     // writes scheduled and not yet done
const answersName = (id: string) => `ws-${id}.answers.json`;

async function loadAnswers(id: string): Promise<void> {
  answers = new Map();
  answersBytes = 0;
  answersFor = id;
  const bytes = await (await store()).read(answersName(id));
  if (!bytes) return;
  try {
    for (const [key, value] of JSON.parse(new TextDecoder().decode(bytes)) as [string, string][]) {
      answers.set(key, value);
      answersBytes += key.length + value.length;
    }
  } catch { /* unreadable: start again */ }
}

/** The stored revision changed: its kept answers no longer hold. */
async function dropAnswers(id: string | undefined): Promise<void> {
  clearTimeout(answersTimer);
  answersTimer = 0;
  answers = new Map();
  answersBytes = 0;
  answersFor = id ?? '';
  if (id) await (await store()).remove(answersName(id));
}

function keepAnswer(request: unknown, result: unknown): void {
  if (!state.id || !state.persisted || answersFor !== state.id) return;
  const value = JSON.stringify(result);
  const key = JSON.stringify(request);
  if (value.length > kAnswerMaxBytes || answersBytes + value.length > kAnswersMaxBytes || answers.has(key)) return;
  answers.set(key, value);
  answersBytes += key.length + value.length;
  // Written a second after the first answer not yet written, not after the last one: asked-for-ahead requests
  // answer one after another for seconds (the Predictions page's fit last), and a merchant who reloads then
  // should find the answers of the pages they saw.
  if (answersTimer) return;
  const id = state.id;
  answersTimer = setTimeout(() => {
    answersTimer = 0;
    ++answersWrites;
    // One write at a time: at a million customers an engine call runs for seconds between a write's steps,
    // and two writes of the same file at once would fail (a sync access handle is exclusive) and lose answers.
    answersWriting = answersWriting.then(async () => {
      if (answersFor !== id) return;
      const text = JSON.stringify([...answers.entries()]);
      await (await store()).write(answersName(id), new TextEncoder().encode(text));
    }).catch(() => undefined).finally(() => { --answersWrites; });
  }, 1000) as unknown as number;
}

/** Whether kept answers wait to be written (the `focus` reply says so: a reload now would not find them all). */
const answersUnsaved = () => answersTimer !== 0 || answersWrites > 0;

/** What the worker has still to do (the `focus` reply). */
function focusReply(): ReplyMap['focus'] {
  return { queued: jobs.length + (running ? 1 : 0), idleWork: !!idleWork || !!opening, idleSteps, answersUnsaved: answersUnsaved() };
}

// ---- Requests ---------------------------------------------------------------------------------------

/**
 * Whether the workspace file is held by another worker: after a reload, the previous page's worker may still hold
 * its files for a moment (it is ended with its page, and may be in the middle of a step then), so a file found
 * busy is tried again for up to 3 s before it counts as open in another tab.
 */
async function stillInUse(name: string): Promise<boolean> {
  const s = await store();
  if (!s.inUse) return false;
  for (let tries = 0; ; ++tries) {
    if (!await s.inUse(name)) return false;
    if (tries >= 12) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function init(demoUrl: string, fresh: boolean): Promise<ReplyMap['init']> {
  const starting = loadEngine();
  starting.catch(() => undefined);
  const index = fresh ? null : await readIndex();
  if (index) await removeOrphans().catch(() => undefined);
  const entry = index?.current ? index.workspaces.find((w) => w.id === index.current) : undefined;
  if (entry && await stillInUse(imageName(entry.id))) {
    // Another tab of this browser has the workspace open: this one starts empty and says why.
    adopt(openEmpty(await starting), 'empty', `(“${entry.label}” is open in another tab of this browser)`);
    return { state };
  }
  if (entry) {
    // A returning visit: reply with the stored workspace at once (its kept answers serve the first page,
    // even before the engine has compiled) and open the image next, before any other request.
    await loadAnswers(entry.id);
    state = { source: 'stored', label: entry.label, persisted: true, id: entry.id };
    opening = starting.then((e) => openStored(e, entry.id).catch((error: unknown) => error).then(async (ok) => {
      if (ok === true) return;
      await dropAnswers(undefined);
      adopt(openEmpty(e), 'empty', 'Empty workspace');
      if (ok instanceof Failure) throw ok;
      throw new Failure({ code: 'corrupt', message: `The workspace “${entry.label}” kept in this browser could not be opened. Open a downloaded copy, or start again.` });
    }));
    opening.catch(() => undefined);
    // Nothing may be asked of the worker for a while (the page answers from kept answers): its idle work
    // starts once the workspace is open.
    const opened = opening;
    opened.then(() => {
      if (opening === opened) opening = null;
      setTimeout(() => void drain(), 0);
    }, () => undefined);
    // The page answers these itself from now on: opening a large workspace keeps this worker busy (a million
    // customers: about a minute), and a message sent meanwhile would wait for it.
    return { state, answers: [...answers.entries()] };
  }
  const e = await starting;
  if (demoUrl) {
    try {
      const response = await fetch(demoUrl);
      if (response.ok) {
        const { handle: h, reply } = await e.openImage(new Uint8Array(await response.arrayBuffer()));
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
  // A new workspace is created in its own file where OPFS allows (the import then writes pages there).
  const s = await store();
  const newId_ = intoNew ? newId() : '';
  const created = intoNew ? await s.openInto(imageName(newId_), e, true) : null;
  if (created && !created.reply.ok) {
    await removeWorkspaceFiles(newId_);
    must(created.reply);
  }
  const target = created ? created.handle : handle;
  const total = file.size;
  const progress = (stage: ImportStage, bytes: number) =>
    post({ kind: 'progress', messageId, stage, bytes, total });
  cancelRequested = false;
  importing = true;
  if (e.module.rpLastIoError) e.module.rpLastIoError = undefined;
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
    if (created) {
      adopt(target, 'imports', file.name, created.files);
      state.id = newId_;
    } else state = { source: 'imports', label: state.source === 'stored' || state.source === 'file' ? state.label : importsLabel(e), persisted: false, id: state.id };
    progress('saving', total);
    state.persisted = await persist();
    return { record, state };
  } catch (error) {
    if (created) {
      e.close(target);
      releaseFiles(created.files);
      await removeWorkspaceFiles(newId_);
    }
    throw quotaFailure(e, error, file.name);
  } finally {
    importing = false;
  }
}

/**
 * A write that failed because the browser's storage quota is full (host_vfs.js keeps what the handle threw):
 * SQLite rolled the transaction back from its journal, so the stored workspace is as it was before.
 */
function quotaFailure(e: WasmEngine, error: unknown, fileName: string): unknown {
  const io = e.module.rpLastIoError;
  const quota = io?.name === 'QuotaExceededError' || (error instanceof DOMException && error.name === 'QuotaExceededError');
  if (!quota) return error;
  return new Failure({
    code: 'quota_exceeded',
    message: `The browser's storage for this page is full: ${fileName} was not saved, and the workspace is as it was before. ` +
      'Delete workspaces you no longer need (Settings → Workspaces) or download this one, then try again.',
  });
}

function importsLabel(e: WasmEngine): string {
  const reply = e.call<unknown[]>(handle, { op: 'imports' });
  const count = reply.ok && Array.isArray(reply.result) ? reply.result.length : 0;
  return count > 1 ? `${count} imported files` : state.label;
}

async function openImage(file: Blob, name: string): Promise<ReplyMap['openImage']> {
  const e = await loadEngine();
  const s = await store();
  if (s.writeBlob) {
    // OPFS: the file is copied into a new workspace file in slices, then opened there (never whole in memory).
    const id = newId();
    let opened: Opened | null = null;
    try {
      await s.writeBlob(imageName(id), file);
      opened = await s.openInto(imageName(id), e);
      if (!opened) throw new Failure({ code: 'io_error', message: `${name}: could not be stored in this browser` });
      must(opened.reply);
    } catch (error) {
      releaseFiles(opened?.files ?? null);
      await removeWorkspaceFiles(id);
      throw quotaFailure(e, error, name);
    }
    adopt(opened.handle, 'file', name, opened.files);
    state.id = id;
    state.persisted = await persist();
    return { state };
  }
  // IndexedDB: read in slices straight into the engine's memory (never whole in JavaScript), then stored.
  const { handle: h, reply } = await e.openImageFrom(file.size, async (dst) => {
    for (let at = 0; at < dst.length; at += chunkBytes) {
      const end = Math.min(dst.length, at + chunkBytes);
      dst.set(new Uint8Array(await file.slice(at, end).arrayBuffer()), at);
    }
  });
  must(reply);
  adopt(h, 'file', name);
  state.persisted = await persist();
  return { state };
}

/** `pending`: a step of a long op ran; the request goes back into the queue for its next step. */
async function handle_(message: RequestMessage): Promise<{ data: unknown; transfer?: Transferable[]; pending?: boolean }> {
  switch (message.type) {
    case 'init':
      if (message.chunkBytes && message.chunkBytes > 0) chunkBytes = message.chunkBytes;
      return { data: await init(message.demoUrl, !!message.fresh) };
    case 'import':
      return { data: await importFile(message.messageId, message.file, message.options) };
    case 'cancelImport':
      return { data: { cancelled: importing } };
    case 'focus':
      return { data: focusReply() };
    case 'call': {
      const e = await loadEngine();
      if (!kMutatingOps.has(message.request.op)) {
        // A step at a time (PROTOCOL.md, rp_call_step): between steps the queue runs other requests first.
        const step = e.callStep(handle, message.request);
        if (step.ok && 'pending' in step) return { data: null, pending: true };
        const result = must(step);
        keepAnswer(message.request, result);
        return { data: { result } };
      }
      const result = must(e.call(handle, message.request));
      // Ops that change the workspace: in its OPFS file the change is already stored (see persist).
      state.persisted = await persist();
      return { data: { result } };
    }
    case 'serialize': {
      const e = await loadEngine();
      // A workspace in its OPFS file: a copy of that file, as a File (no byte of it in the engine's memory).
      const s = await store();
      if (files && s.snapshot) return { data: { bytes: await s.snapshot(files) } };
      // One copy out of the engine's memory (the image itself when SQLite holds it as one, see persist).
      const view = e.imageView(handle);
      const image = view ? { bytes: view.slice() } : e.serialize(handle);
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
      // The open workspace is closed first: its files cannot be removed while they are open.
      if (state.id === message.id) {
        const e = await loadEngine();
        adopt(openEmpty(e), 'empty', 'Empty workspace');
      }
      await removeWorkspaceFiles(message.id);
      await writeIndex(index);
      return { data: { state } };
    }
    case 'deleteEverything': {
      // Every stored workspace and index, in OPFS and in IndexedDB; the page clears caches and localStorage.
      // The open workspace is closed first: its files cannot be removed while they are open.
      const e = await loadEngine();
      adopt(openEmpty(e), 'empty', 'Empty workspace');
      const s = await store();
      await s.clear();
      if (s.kind === 'opfs') await idbStore().clear();
      return { data: { state } };
    }
  }
}

// ---- The queue: the page the merchant is looking at comes first -----------------------------------------
// One engine runs one request at a time, so the order decides what the merchant waits for. Read-only calls
// (report ops, the workspace list) carry the page they are for (`page`); `focus` says which page is on
// screen. The next request run is the oldest one for the page on screen, else the oldest one for no page in
// particular, else the oldest one for a page the merchant has left (they still run: their answers are kept
// for the next visit). Anything else (an import, a settings change, opening a workspace...) is a barrier:
// it runs after every request that came before it and before every one that came after, so the order of
// changes and the reads around them is as sent.
interface Job { message: RequestMessage; page: string; barrier: boolean; changes: boolean }
const jobs: Job[] = [];
let focusPage = '';
let draining = false;
let running: Job | null = null;  // the job whose request (or step) runs now

const rank = (job: Job) => (job.page === focusPage && focusPage ? 0 : job.page === kAheadPage ? 3 : job.page ? 2 : 1);

/** A change came: the requests asked for ahead are dropped (the page asks again for the changed workspace). */
function dropAhead(): void {
  for (let i = jobs.length - 1; i >= 0; --i) {
    const job = jobs[i];
    if (job.page !== kAheadPage) continue;
    jobs.splice(i, 1);
    post({ kind: 'error', messageId: job.message.messageId, error: { code: 'superseded', message: 'The workspace changed before this answer was computed.' } });
  }
}

/** The next job to run (removed from the queue), or undefined when the queue is empty. */
function nextJob(): Job | undefined {
  let best = -1;
  for (let i = 0; i < jobs.length; ++i) {
    if (jobs[i].barrier) {
      if (i === 0) best = 0;
      break;
    }
    if (best < 0 || rank(jobs[i]) < rank(jobs[best])) best = i;
  }
  return best < 0 ? undefined : jobs.splice(best, 1)[0];
}

/** A kept answer of the open workspace for a read-only call, unless a change is waiting in the queue. */
function keptAnswer(message: RequestMessage): string | undefined {
  if (message.type !== 'call' || changesQueued > 0 || !state.id || answersFor !== state.id || kMutatingOps.has(message.request.op)) return undefined;
  return answers.get(JSON.stringify(message.request));
}

async function run(job: Job): Promise<void> {
  const { message } = job;
  try {
    // The stored workspace of a returning visit opens before anything else runs.
    if (opening && message.type !== 'init') {
      const pending = opening;
      opening = null;
      await pending;
    }
    // An identical request that ran while this one waited may have left its answer.
    const hit = keptAnswer(message);
    if (hit !== undefined) {
      post({ kind: 'reply', messageId: message.messageId, type: 'call', data: { result: JSON.parse(hit) } } as WorkerMessage);
      return;
    }
    const { data, transfer, pending } = await handle_(message);
    if (pending) {
      // Back at the head of the queue: it goes on after the requests of the page on screen, if it is not for it.
      jobs.unshift(job);
      return;
    }
    post({ kind: 'reply', messageId: message.messageId, type: message.type, data } as WorkerMessage, transfer ?? []);
  } catch (error) {
    const e: EngineError = error instanceof Failure
      ? error.error
      : { code: 'worker_error', message: error instanceof Error ? error.message : String(error) };
    post({ kind: 'error', messageId: message.messageId, error: e });
  } finally {
    if (job.changes) changesQueued--;
  }
}

// A request runs to its end inside one task (the engine is synchronous), so the messages the page sent
// meanwhile are still undelivered when it ends. Yielding through a MessageChannel lets them in (same task
// source, so they come first) before the next job is chosen.
const yieldChannel = new MessageChannel();
let yielded: (() => void) | null = null;
yieldChannel.port1.onmessage = () => { const resume = yielded; yielded = null; resume?.(); };
const letMessagesIn = () => new Promise<void>((resolve) => { yielded = resolve; yieldChannel.port2.postMessage(0); });

// ---- Idle work: the customer facts of a stored workspace just opened -----------------------------------
// A returning visit's pages are answered from kept answers, so once its workspace is open the engine has built
// nothing yet, and the first change (a setting) would then wait for the customer facts before its fresh KPIs
// (about a second in wasm at a million customers). The facts outlive a settings change (core/api/cache.h,
// settings_free), so when the queue is empty the worker builds them: the overview's `kpis`, a step at a time
// like any long op (its reply, the kept one, is let go). A request that comes meanwhile waits for one step.

/** One step of the idle work; false when there is none (or the workspace is still being opened). */
function idleStep(): boolean {
  if (!idleWork || opening || !engine || !handle) return false;
  const step = engine.callStep(handle, idleWork);
  ++idleSteps;
  if (!(step.ok && 'pending' in step)) idleWork = null;  // done (a failure leaves nothing to build either)
  return true;
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (;;) {
      const job = nextJob();
      if (job) {
        running = job;
        await run(job);
        running = null;
      } else if (!idleStep()) break;
      await letMessagesIn();
    }
  } finally {
    draining = false;
  }
}

self.addEventListener('message', (event: MessageEvent<RequestMessage>) => {
  const message = event.data;
  if (message.type === 'cancelImport') {
    cancelRequested = importing;
    post({ kind: 'reply', messageId: message.messageId, type: 'cancelImport', data: { cancelled: importing } });
    return;
  }
  if (message.type === 'focus') {
    // The page on screen changed; queued requests it names (asked for earlier by another page) are its too.
    focusPage = message.page;
    // The job under way is one of them too (a step of it may be running: it goes back to the queue after).
    for (const job of running ? [...jobs, running] : jobs) if (message.messageIds?.includes(job.message.messageId)) job.page = message.page;
    post({ kind: 'reply', messageId: message.messageId, type: 'focus', data: focusReply() });
    return;
  }
  // A kept answer of the open workspace replies at once.
  const hit = keptAnswer(message);
  if (hit !== undefined) {
    post({ kind: 'reply', messageId: message.messageId, type: 'call', data: { result: JSON.parse(hit) } } as WorkerMessage);
    return;
  }
  const readOnly = message.type === 'workspaces' || (message.type === 'call' && !kMutatingOps.has(message.request.op));
  const changes = message.type !== 'workspaces' && message.type !== 'serialize' && !readOnly;
  if (changes) changesQueued++;
  if (changes) dropAhead();
  jobs.push({ message, page: readOnly ? message.page ?? '' : '', barrier: !readOnly, changes });
  void drain();
});
