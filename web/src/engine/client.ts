// A promise-based client of the engine worker: one pending promise per messageId.
import type {
  EngineError, ErrorMessage, ProgressMessage, ReplyMap, Request, RequestMessage, WorkerMessage,
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

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

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
    return new Promise<ReplyMap[K]>((resolve, reject) => {
      this.pending.set(messageId, { resolve: resolve as (d: unknown) => void, reject, onProgress });
      const message = { ...request, messageId } as RequestMessage;
      this.worker.postMessage(message);
    });
  }

  /** Runs a report op; resolves with its "result", rejects with the engine's error. */
  async call<T = unknown>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    const reply = await this.send({ type: 'call', request: { op, ...params } });
    return reply.result as T;
  }

  private onMessage(message: WorkerMessage): void {
    const p = this.pending.get(message.messageId);
    if (!p) return;
    if (message.kind === 'progress') {
      p.onProgress?.(message);
      return;
    }
    this.pending.delete(message.messageId);
    if (message.kind === 'reply') p.resolve(message.data);
    else p.reject(new EngineCallError((message as ErrorMessage).error));
  }
}
