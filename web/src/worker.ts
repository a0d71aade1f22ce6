// The engine worker: loads rapport_engine.{mjs,wasm}, owns the one open workspace, streams imports in
// File.slice chunks and keeps the workspace image in the Origin Private File System. The page talks to it
// only through the messages of engine/protocol.ts.
import type {
  EngineError, ImportRecord, ImportStage, ReplyMap, RequestMessage, WorkerMessage, WorkspaceSource, WorkspaceState,
} from './engine/protocol';
import { WasmEngine, type EngineFactory } from './engine/wasm';

const kDefaultChunkBytes = 4 * 1024 * 1024;
const kStoredImage = 'workspace.rapport';
const kStoredMeta = 'workspace.json';
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
  state = { source, label, persisted: false };
}

function openEmpty(e: WasmEngine): number {
  const { handle: h, reply } = e.openMemory();
  must(reply);
  return h;
}

// ---- OPFS: the workspace image and a small description of it -----------------------------------------

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

interface SyncHandle {
  truncate(size: number): void;
  write(buffer: Uint8Array, options?: { at: number }): number;
  read(buffer: Uint8Array, options?: { at: number }): number;
  getSize(): number;
  flush(): void;
  close(): void;
}

async function writeFile(root: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  const file = await root.getFileHandle(name, { create: true });
  const sync = (await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle());
  try {
    sync.truncate(0);
    sync.write(bytes, { at: 0 });
    sync.flush();
  } finally {
    sync.close();
  }
}

/** Keeps the current workspace in OPFS (not the demo). Returns whether it was stored. */
async function persist(): Promise<boolean> {
  const root = await opfsRoot();
  if (!root || !engine) return false;
  try {
    if (state.source === 'demo' || state.source === 'empty') {
      await root.removeEntry(kStoredImage).catch(() => undefined);
      await root.removeEntry(kStoredMeta).catch(() => undefined);
      return false;
    }
    const image = engine.serialize(handle);
    if ('error' in image) return false;
    await writeFile(root, kStoredImage, image.bytes);
    await writeFile(root, kStoredMeta, new TextEncoder().encode(JSON.stringify({ label: state.label })));
    return true;
  } catch {
    return false;
  }
}

async function readStored(): Promise<{ bytes: Uint8Array; label: string } | null> {
  const root = await opfsRoot();
  if (!root) return null;
  try {
    const image = await (await root.getFileHandle(kStoredImage)).getFile();
    let label = 'Saved workspace';
    try {
      const meta = JSON.parse(await (await (await root.getFileHandle(kStoredMeta)).getFile()).text());
      if (typeof meta.label === 'string') label = meta.label;
    } catch { /* the label is optional */ }
    return { bytes: new Uint8Array(await image.arrayBuffer()), label };
  } catch {
    return null;
  }
}

// ---- Requests ---------------------------------------------------------------------------------------

async function init(demoUrl: string, fresh: boolean): Promise<ReplyMap['init']> {
  const e = await loadEngine();
  const stored = fresh ? null : await readStored();
  if (stored) {
    const { handle: h, reply } = e.openImage(stored.bytes);
    if (reply.ok) {
      adopt(h, 'stored', stored.label);
      state.persisted = true;
      return { state };
    }
  }
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
    else state = { source: 'imports', label: importsLabel(e), persisted: false };
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
  adopt(h, 'file', name);
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
      const e = await loadEngine();
      adopt(openEmpty(e), 'empty', 'Empty workspace');
      await persist();
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
