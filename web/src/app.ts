// The dashboard's shared state: the engine client, what workspace is open, the latest import reports,
// and the actions every view can trigger (import files, open or download a workspace).
import { EngineCallError, EngineClient } from './engine/client';
import { kAheadPage, type ImportOptions, type ImportRecord, type ProgressMessage, type ReplyMap, type WorkspaceState } from './engine/protocol';

export interface ImportOutcome {
  fileName: string;
  record?: ImportRecord;
  error?: { code: string; message: string };
}

type Listener = () => void;

export class App {
  readonly client: EngineClient;
  state: WorkspaceState = { source: 'empty', label: 'Loading…', persisted: false };
  ready = false;
  /** Outcomes of the latest batch of files, newest last. */
  outcomes: ImportOutcome[] = [];
  /** The currency chosen in a selector ("" = the engine's default). */
  currency = '';
  busy = false;
  /** The current deep link: #/<name>/<arg>?<query>. */
  route: { name: string; arg: string; query: URLSearchParams } = { name: 'overview', arg: '', query: new URLSearchParams() };
  /** Op results memoised until the workspace or its settings change (fast page switches). */
  private cache = new Map<string, Promise<unknown>>();
  /** Bumped on every change of the workspace's data or settings. */
  version = 0;
  private listeners: Listener[] = [];
  private progressListeners: ((p: ProgressMessage | null, fileName: string, index: number, count: number) => void)[] = [];

  constructor(workerUrl: URL) {
    this.client = new EngineClient(workerUrl);
  }

  onChange(fn: Listener): void { this.listeners.push(fn); }
  onProgress(fn: (p: ProgressMessage | null, fileName: string, index: number, count: number) => void): void {
    this.progressListeners.push(fn);
  }
  changed(): void { for (const fn of this.listeners) fn(); }

  /** The analysed currency (from "kpis"), for formatting money in tables. */
  storeCurrency = '';
  private currencyVersion = -1;
  async prepare(): Promise<void> {
    if (this.currencyVersion === this.version) return;
    this.currencyVersion = this.version;
    try {
      this.storeCurrency = String((await this.cached<{ currency?: string }>('kpis')).currency ?? '');
    } catch {
      this.storeCurrency = '';
    }
  }

  /** The workspace's data or settings changed: forget memoised results. */
  invalidate(): void {
    this.cache.clear();
    this.aheadAt.clear();
    this.version++;
  }

  /** The workspace version whose pages' first answers were asked for ahead (main.ts; tests read it). */
  askedAhead = -1;
  /** The answers asked for ahead and not taken by a page yet: the changes sent before each was asked. */
  private readonly aheadAt = new Map<string, number>();

  /** An op's result, memoised per workspace version (a failed call is not kept). */
  cached<T = unknown>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.memo<T>(op, params, this.client.page);
  }

  /**
   * The same, asked for ahead of the page that will want it (kAheadPage): the worker computes it when no
   * page waits, and the page finds it here (cached) ready or under way, taking it over then.
   */
  ahead<T = unknown>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.memo<T>(op, params, kAheadPage);
  }

  private memo<T>(op: string, params: Record<string, unknown>, page: string): Promise<T> {
    const key = JSON.stringify([op, params]);
    let hit = this.cache.get(key);
    // An answer asked for ahead and taken by its page: asked again if a change the page's memo outlives (a saved
    // segment) was sent since, so that the worker computes it for what it now holds and keeps it for the next visit.
    const askedAt = page === kAheadPage ? undefined : this.aheadAt.get(key);
    if (askedAt !== undefined) {
      this.aheadAt.delete(key);
      if (askedAt !== this.client.changesSent) hit = undefined;
    }
    // Asked for earlier by another page (or ahead) and still queued: it is this page's now (runs first).
    if (hit && page !== kAheadPage) this.client.focus(page, [hit]);
    if (!hit) {
      if (page === kAheadPage) this.aheadAt.set(key, this.client.changesSent);
      hit = this.client.call<T>(op, params, page);
      this.cache.set(key, hit);
      hit.catch(() => { if (this.cache.get(key) === hit) this.cache.delete(key); });
    }
    return hit as Promise<T>;
  }

  async init(params: URLSearchParams): Promise<void> {
    const chunk = Number(params.get('chunk') ?? '');
    const demoFile = document.documentElement.dataset.demo ?? '';
    const demo = params.get('demo') === '0' || !demoFile ? '' : new URL(demoFile, location.href).href;
    const reply = await this.client.send({
      type: 'init', demoUrl: demo, chunkBytes: Number.isFinite(chunk) && chunk > 0 ? chunk : undefined,
      fresh: params.get('fresh') === '1',
    });
    this.state = reply.state;
    this.invalidate();
    this.ready = true;
    this.changed();
  }

  /** Set by the import page while it is shown: files dropped or picked there are staged, not imported. */
  stageFiles: ((files: File[]) => void) | null = null;

  /** Imports files one after the other (options[i] for files[i], if given); each gets a report or an error. */
  async importFiles(files: File[], options?: (ImportOptions | undefined)[]): Promise<void> {
    if (this.busy || files.length === 0) return;
    this.busy = true;
    this.outcomes = [];
    this.changed();
    try {
      for (const [index, file] of files.entries()) {
        const report = (p: ProgressMessage | null) => {
          for (const fn of this.progressListeners) fn(p, file.name, index, files.length);
        };
        report(null);
        try {
          const reply = await this.client.send({ type: 'import', file, options: options?.[index] }, report);
          this.state = reply.state;
          this.invalidate();
          this.currency = '';
          this.outcomes.push({ fileName: file.name, record: reply.record });
        } catch (error) {
          const e = error instanceof EngineCallError ? error : new EngineCallError({ code: 'worker_error', message: String(error) });
          this.outcomes.push({ fileName: file.name, error: { code: e.code, message: e.message } });
        }
        this.changed();
      }
    } finally {
      this.busy = false;
      for (const fn of this.progressListeners) fn(null, '', -1, 0);
      this.changed();
    }
  }

  async cancelImport(): Promise<void> {
    await this.client.send({ type: 'cancelImport' });
  }

  async openWorkspace(file: File): Promise<void> {
    this.busy = true;
    try {
      const reply = await this.client.send({ type: 'openImage', file, name: file.name });
      this.state = reply.state;
      this.invalidate();
      this.outcomes = [];
      this.currency = '';
    } catch (error) {
      const e = error as EngineCallError;
      this.outcomes = [{ fileName: file.name, error: { code: e.code ?? 'worker_error', message: e.message } }];
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  async downloadWorkspace(): Promise<ArrayBuffer | Blob> {
    return (await this.client.send({ type: 'serialize' })).bytes;
  }

  async removeImport(importId: number): Promise<void> {
    this.state = (await this.client.send({ type: 'removeImport', importId })).state;
    this.invalidate();
    this.changed();
  }

  /**
   * The stored workspaces. In OPFS the page reads their list itself (the worker may be busy opening a large
   * workspace for a minute); `current` is the open one, as the worker's reply would say.
   */
  async workspaces(): Promise<ReplyMap['workspaces']> {
    const stored = await this.client.storedWorkspaces();
    if (stored) return { current: this.state.id ?? null, workspaces: stored, storage: 'opfs', state: this.state };
    return this.client.send({ type: 'workspaces', page: this.client.page });
  }

  async switchWorkspace(id: string): Promise<void> {
    this.state = (await this.client.send({ type: 'switchWorkspace', id })).state;
    this.afterSwitch();
  }

  async renameWorkspace(id: string, label: string): Promise<void> {
    this.state = (await this.client.send({ type: 'renameWorkspace', id, label })).state;
    this.changed();
  }

  async deleteWorkspace(id: string): Promise<void> {
    this.state = (await this.client.send({ type: 'deleteWorkspace', id })).state;
    this.afterSwitch();
  }

  /** Deletes everything this site keeps: stored workspaces (OPFS and IndexedDB), caches and localStorage. */
  async deleteEverything(): Promise<void> {
    this.state = (await this.client.send({ type: 'deleteEverything' })).state;
    try {
      for (const db of (await indexedDB.databases?.()) ?? []) if (db.name) indexedDB.deleteDatabase(db.name);
    } catch { /* not supported: the worker cleared its own database */ }
    try {
      for (const key of await caches.keys()) await caches.delete(key);
    } catch { /* no Cache Storage */ }
    try { localStorage.clear(); sessionStorage.clear(); } catch { /* storage disabled */ }
    this.afterSwitch();
  }

  private afterSwitch(): void {
    this.invalidate();
    this.outcomes = [];
    this.currency = '';
    this.changed();
  }

  /** Stores new settings; every analysis is recomputed (in the worker) on the next request. */
  async saveSettings(settings: Record<string, unknown>): Promise<void> {
    await this.client.call('settings_set', { settings });
    this.invalidate();
  }

  async reset(): Promise<void> {
    this.state = (await this.client.send({ type: 'reset' })).state;
    this.invalidate();
    this.outcomes = [];
    this.currency = '';
    this.changed();
  }
}
