// A promise-based client of the engine worker: one pending promise per messageId.
import {
  kIndexFile, kMutatingOps, type EngineError, type ErrorMessage, type ProgressMessage, type ReplyMap, type Request, type RequestMessage,
  type WorkerMessage, type WorkspaceEntry,
} from './protocol';

/** An error reply from the engine, with the engine's code ("parse_error", ...). */
export class EngineCallError extends Error {
  readonly code: string;
  constructor(error: EngineError) {
    super(error.message);
    this.name = 'EngineCallError';
    this.code = error.code;
  }
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: EngineCallError) => void;
  onProgress?: (p: ProgressMessage) => void;
}

// Errors that mean the stored workspace could not be opened: its kept answers no longer describe what is open.
const kWorkspaceFailures = new Set(['corrupt', 'busy', 'io_error']);

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The page on screen (set by focus): every call is tagged with it, and the worker runs its calls first. */
  page = '';
  /** The messageId behind each call's promise, and the page its queued request is tagged with. */
  private readonly callIds = new WeakMap<Promise<unknown>, number>();
  private readonly callPages = new Map<number, string>();
  /**
   * The stored workspace's kept answers (request JSON -> result JSON), from the `init` reply of a returning
   * visit: answered here, on this thread, so a page whose answers are kept never waits for the worker (busy
   * for about a minute opening a million-customer workspace). Dropped at the first request that may change
   * the workspace (the worker drops its own copy then too).
   */
  private kept = new Map<string, string>();
  /** Requests sent that may change the workspace (App.ahead tells answers asked for before one of them). */
  changesSent = 0;
  /** The requests answered from `kept` (tests and benchmarks read it). */
  readonly answeredHere: string[] = [];

  constructor(workerUrl: URL) {
    this.worker = new Worker(workerUrl, { type: 'module', name: 'rapport-engine' });
    this.worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => this.onMessage(event.data));
    this.worker.addEventListener('error', (event) => {
      const error = { code: 'worker_error', message: event.message || 'The engine worker failed to start.' };
      for (const p of this.pending.values()) p.reject(new EngineCallError(error));
      this.pending.clear();
    });
  }

  send<K extends Request['type']>(
    request: Extract<Request, { type: K }>, onProgress?: (p: ProgressMessage) => void,
  ): Promise<ReplyMap[K]> {
    const messageId = this.nextId++;
    const readOnly = request.type === 'workspaces' || request.type === 'serialize' || request.type === 'cancelImport' ||
      request.type === 'focus' || (request.type === 'call' && !kMutatingOps.has((request as { request: { op: string } }).request.op));
    if (!readOnly) {
      this.kept.clear();
      this.changesSent++;
    }
    return new Promise<ReplyMap[K]>((resolve, reject) => {
      this.pending.set(messageId, { resolve: resolve as (d: unknown) => void, reject, onProgress });
      const message = { ...request, messageId } as RequestMessage;
      this.worker.postMessage(message);
    });
  }

  /**
   * Runs a report op; resolves with its "result", rejects with the engine's error. `page`: the page it is for
   * (default: the page on screen; kAheadPage: asked for ahead, run when nothing else waits).
   */
  call<T = unknown>(op: string, params: Record<string, unknown> = {}, page = this.page): Promise<T> {
    // The same key as the worker's kept answers (JSON of the request).
    const key = JSON.stringify({ op, ...params });
    const hit = this.kept.get(key);
    if (hit !== undefined) {
      this.answeredHere.push(key);
      return Promise.resolve(JSON.parse(hit) as T);
    }
    const messageId = this.nextId;
    const promise = this.send({ type: 'call', request: { op, ...params }, page }).then((reply) => reply.result as T);
    this.callIds.set(promise, messageId);
    this.callPages.set(messageId, page);
    return promise;
  }

  /**
   * The merchant now looks at `page`: the worker runs its requests first (PROTOCOL.md, "focus"). `needed`:
   * calls made earlier (for another page) whose answer this page also waits for; still queued, they move up.
   */
  focus(page: string, needed: Promise<unknown>[] = []): void {
    const ids = needed.map((p) => this.callIds.get(p) ?? 0).filter((id) => this.callPages.has(id) && this.callPages.get(id) !== page);
    if (page === this.page && ids.length === 0) return;
    this.page = page;
    for (const id of ids) this.callPages.set(id, page);
    // Answered at once by the worker; nothing waits for the reply.
    this.worker.postMessage({ type: 'focus', page, messageIds: ids, messageId: this.nextId++ } as RequestMessage);
  }

  /**
   * The workspaces stored in OPFS, read by the page from the worker's index (protocol.ts, kIndexFile) without
   * asking the worker; null where there is no such index (IndexedDB, nothing stored yet, an unreadable file):
   * ask the worker then (`workspaces`).
   */
  async storedWorkspaces(): Promise<WorkspaceEntry[] | null> {
    try {
      const root = await navigator.storage.getDirectory();
      const text = await (await (await root.getFileHandle(kIndexFile)).getFile()).text();
      const index = JSON.parse(text) as { workspaces?: unknown };
      return Array.isArray(index.workspaces) ? index.workspaces as WorkspaceEntry[] : null;
    } catch {
      return null;
    }
  }

  /** Requests sent and not answered yet (benchmarks wait for the engine to be idle). */
  pendingCount(): number {
    return this.pending.size;
  }

  private onMessage(message: WorkerMessage): void {
    const p = this.pending.get(message.messageId);
    if (!p) return;
    if (message.kind === 'progress') {
      p.onProgress?.(message);
      return;
    }
    this.pending.delete(message.messageId);
    this.callPages.delete(message.messageId);
    if (message.kind === 'reply') {
      if (message.type === 'init') this.kept = new Map((message.data as ReplyMap['init']).answers ?? []);
      p.resolve(message.data);
      return;
    }
    const { error } = message as ErrorMessage;
    if (kWorkspaceFailures.has(error.code)) this.kept.clear();
    p.reject(new EngineCallError(error));
  }
}
