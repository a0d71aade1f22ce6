// The messages between the page and the engine worker (web/src/worker.ts). Every request carries a
// messageId; the worker answers it with exactly one reply or one error, and may send progress messages
// with the same id before that. wasm-bindings/PROTOCOL.md describes the same contract in prose.

/** Where the open workspace came from. */
export type WorkspaceSource = 'empty' | 'demo' | 'stored' | 'file' | 'imports';

export interface WorkspaceState {
  source: WorkspaceSource;
  /** A short human label: "Demo store", "store.rapport", "3 imported files". */
  label: string;
  /** True when the image is kept in this browser's Origin Private File System. */
  persisted: boolean;
  /** The stored workspace's id (absent for the demo and an unsaved workspace). */
  id?: string;
}

/** A workspace kept in this browser. */
export interface WorkspaceEntry { id: string; label: string; updated: string }

/**
 * The list of stored workspaces in OPFS: {current, workspaces: WorkspaceEntry[]}, written whole (a temporary
 * file renamed over it) by the worker. The page reads it itself (EngineClient.storedWorkspaces), so the list
 * never waits for the worker, busy for about a minute while it opens a million-customer workspace.
 */
export const kIndexFile = 'index.json';

/** Import options (the JSON given to rp_import_begin; see PROTOCOL.md). */
export interface ImportOptions {
  format?: string;
  currency?: string;
  date_format?: 'auto' | 'dmy' | 'mdy' | 'month-name' | 'unix';
  decimal_separator?: string;
  has_header?: boolean;
  mapping?: Record<string, string>;
}

/** The ImportRecord of core/workspace/workspace.h, field for field. */
export interface ImportRecord {
  id: number;
  file_name: string;
  format: string;
  imported_at: string;
  bytes: number;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  orders_added: number;
  orders_skipped_duplicate: number;
  customers_added: number;
  customers_merged: number;
  first_day: string | null;
  last_day: string | null;
  currencies: string[];
}

export interface EngineError {
  /** The engine's StatusCode name ("parse_error", "unknown_format", ...) or "worker_error". */
  code: string;
  message: string;
}

/** The ops that change the workspace (every other `call` only reads it). */
export const kMutatingOps: ReadonlySet<string> = new Set(['settings_set', 'segment_save']);
/**
 * The `page` of a request asked for ahead (App.ahead): what a page will ask for first, computed while no page
 * waits. It runs after every other request; a page that asks for it too takes it over (`focus`), and a change
 * (an import, a settings change...) drops it (error `superseded`): its answer would be for the old workspace.
 */
export const kAheadPage = '(ahead)';

// ---- Requests (page -> worker) ----------------------------------------------------------------------

export interface InitRequest {
  type: 'init';
  /** URL of a demo workspace to open when nothing is stored ("" = start empty). */
  demoUrl: string;
  /** Bytes per File.slice chunk (default 4 MiB; tests use smaller). */
  chunkBytes?: number;
  /** Ignore a stored workspace (tests). */
  fresh?: boolean;
}
export interface ImportRequest {
  type: 'import';
  file: File;
  options?: ImportOptions;
}
export interface CancelImportRequest { type: 'cancelImport'; }
export interface CallRequest {
  type: 'call';
  /** {"op": "kpis", ...}: see core/api/ops.h. */
  request: { op: string; [key: string]: unknown };
  /** The page (route) the answer is for: the worker runs the requests of the page on screen first. */
  page?: string;
}
/**
 * The merchant is now looking at `page` (answered at once, outside the queue). `messageIds`: queued
 * requests another page asked for earlier that this page needs too (they move up with it).
 */
export interface FocusRequest { type: 'focus'; page: string; messageIds?: number[] }
export interface SerializeRequest { type: 'serialize'; }
export interface OpenImageRequest { type: 'openImage'; file: Blob; name: string; }
export interface RemoveImportRequest { type: 'removeImport'; importId: number; }
export interface ResetRequest { type: 'reset'; }
export interface WorkspacesRequest { type: 'workspaces'; page?: string }
export interface SwitchWorkspaceRequest { type: 'switchWorkspace'; id: string; }
export interface RenameWorkspaceRequest { type: 'renameWorkspace'; id: string; label: string; }
export interface DeleteWorkspaceRequest { type: 'deleteWorkspace'; id: string; }
export interface DeleteEverythingRequest { type: 'deleteEverything'; }

export type Request =
  | InitRequest | ImportRequest | CancelImportRequest | FocusRequest | CallRequest | SerializeRequest | OpenImageRequest
  | RemoveImportRequest | ResetRequest | WorkspacesRequest | SwitchWorkspaceRequest | RenameWorkspaceRequest
  | DeleteWorkspaceRequest | DeleteEverythingRequest;

/** What each request's reply carries. */
export interface ReplyMap {
  /**
   * `answers`: on a returning visit, the kept answers of the stored workspace ([request JSON, result JSON]),
   * so the page answers them itself while the worker is busy opening the workspace (EngineClient.call).
   */
  init: { state: WorkspaceState; answers?: [string, string][] };
  import: { record: ImportRecord; state: WorkspaceState };
  cancelImport: { cancelled: boolean };
  /**
   * `queued`: the requests waiting or running; `idleWork`: the worker still has work of its own (opening a
   * returning visit's workspace, then its idle work for when the queue is empty: worker.ts, "Idle work");
   * `idleSteps`: the idle steps run since it was opened;
   * `answersUnsaved`: answers kept for the next visit wait to be written (a second after the first of them).
   */
  focus: { queued: number; idleWork: boolean; idleSteps: number; answersUnsaved: boolean };
  call: { result: unknown };
  /** The .rapport file: the workspace file's copy in OPFS (a File), else the image from the engine's memory. */
  serialize: { bytes: ArrayBuffer | Blob };
  openImage: { state: WorkspaceState };
  removeImport: { state: WorkspaceState };
  reset: { state: WorkspaceState };
  workspaces: { current: string | null; workspaces: WorkspaceEntry[]; storage: 'opfs' | 'indexeddb'; state: WorkspaceState };
  switchWorkspace: { state: WorkspaceState };
  renameWorkspace: { state: WorkspaceState };
  deleteWorkspace: { state: WorkspaceState };
  deleteEverything: { state: WorkspaceState };
}

export type RequestMessage = Request & { messageId: number };

// ---- Messages (worker -> page) ----------------------------------------------------------------------

/** reading: bytes handed to the engine; merging: FinishImport; saving: recording it as stored (IndexedDB: writing the image). */
export type ImportStage = 'reading' | 'merging' | 'saving';

export interface ProgressMessage {
  kind: 'progress';
  messageId: number;
  stage: ImportStage;
  /** Bytes of the file consumed so far. */
  bytes: number;
  /** File size in bytes. */
  total: number;
}
export interface ReplyMessage<K extends keyof ReplyMap = keyof ReplyMap> {
  kind: 'reply';
  messageId: number;
  type: K;
  data: ReplyMap[K];
}
export interface ErrorMessage {
  kind: 'error';
  messageId: number;
  error: EngineError;
}

export type WorkerMessage = ProgressMessage | ReplyMessage | ErrorMessage;
