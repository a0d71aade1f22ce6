// Typed access to the exported C functions of rapport_engine.wasm (wasm-bindings/bindings.cpp). Used only
// inside the worker. Large inputs go through _malloc + HEAPU8.set, never through ccall strings
// (TOOLCHAIN.md, pitfall 6). Every reply is read from the bindings' result buffer right after the call.
// The heap may grow to 4 GiB: an address returned by a C function arrives as a signed 32-bit number, so
// every one goes through `>>> 0` (unsigned) before it indexes HEAPU8.
import type { EngineError } from './protocol';

export interface EngineModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _rp_open_memory(): number;
  _rp_open_image(ptr: number, len: number): number;
  _rp_alloc_image_buffer(len: number): number;
  _rp_free_image_buffer(ptr: number): void;
  _rp_open_owned_image(ptr: number, len: number): number;
  _rp_open_file(name: number): number;
  /** Files the engine's SQLite may open by name (wasm-bindings/host_vfs.js): OPFS sync access handles. */
  rpFiles?: Map<string, HostFile>;
  /** What the latest failing file call threw (host_vfs.js). */
  rpLastIoError?: { name: string; message: string };
  _rp_image_view(handle: number, lenOut: number): number;
  HEAPF64: Float64Array;
  _rp_close(handle: number): void;
  _rp_import_begin(handle: number, name: number, options: number, totalBytes: number, importedAt: number): number;
  _rp_import_chunk(handle: number, ptr: number, len: number): number;
  _rp_import_finish(handle: number): number;
  _rp_import_cancel(handle: number): void;
  _rp_call(handle: number, request: number): number;
  _rp_call_step(handle: number, request: number): number;
  _rp_serialize(handle: number): number;
  _rp_remove_import(handle: number, importId: number): number;
  _rp_result_ptr(): number;
  _rp_result_len(): number;
  _rp_result_clear(): void;
}

/** The methods of a FileSystemSyncAccessHandle that SQLite's file calls use. */
export interface HostFile {
  getSize(): number;
  truncate(size: number): void;
  read(buffer: Uint8Array, options?: { at: number }): number;
  write(buffer: Uint8Array, options?: { at: number }): number;
  flush(): void;
}

export type EngineFactory = (options?: Record<string, unknown>) => Promise<EngineModule>;

/** A reply of the bindings: {"ok":true,"result":..} or {"ok":false,"error":{code,message}}. */
export type BindingReply<T = unknown> = { ok: true; result: T } | { ok: false; error: EngineError };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class WasmEngine {
  constructor(readonly module: EngineModule) {}

  /** The result buffer as bytes (a copy). */
  resultBytes(): Uint8Array {
    const ptr = this.module._rp_result_ptr() >>> 0;
    const len = this.module._rp_result_len();
    return this.module.HEAPU8.slice(ptr, ptr + len);
  }

  /** The result buffer parsed as a JSON reply. */
  reply<T = unknown>(): BindingReply<T> {
    const ptr = this.module._rp_result_ptr() >>> 0;
    const len = this.module._rp_result_len();
    return JSON.parse(decoder.decode(this.module.HEAPU8.subarray(ptr, ptr + len))) as BindingReply<T>;
  }

  /** Copies bytes into wasm memory for the duration of fn. */
  withBytes<R>(bytes: Uint8Array, fn: (ptr: number, len: number) => R): R {
    const ptr = this.module._malloc(Math.max(1, bytes.length)) >>> 0;
    if (!ptr) throw new Error(`out of memory: cannot hold ${bytes.length} bytes in the engine`);
    try {
      this.module.HEAPU8.set(bytes, ptr);
      return fn(ptr, bytes.length);
    } finally {
      this.module._free(ptr);
    }
  }

  /** Copies a string as NUL-terminated UTF-8 into wasm memory for the duration of fn. */
  withString<R>(text: string, fn: (ptr: number) => R): R {
    const utf8 = encoder.encode(text);
    const withNul = new Uint8Array(utf8.length + 1);
    withNul.set(utf8);
    return this.withBytes(withNul, (ptr) => fn(ptr));
  }

  openMemory(): { handle: number; reply: BindingReply } {
    const handle = this.module._rp_open_memory();
    return { handle, reply: this.reply() };
  }

  /** A workspace from bytes already in JavaScript memory (copied once, into the buffer SQLite keeps). */
  openImage(bytes: Uint8Array): Promise<{ handle: number; reply: BindingReply }> {
    return this.openImageFrom(bytes.length, (dst) => dst.set(bytes));
  }

  /**
   * Opens a workspace of `size` bytes that `fill` writes straight into the engine's memory (from OPFS, a
   * file, a download): the image is held once, by SQLite, with no second copy while opening.
   */
  async openImageFrom(size: number, fill: (dst: Uint8Array) => void | Promise<void>): Promise<{ handle: number; reply: BindingReply }> {
    const ptr = this.module._rp_alloc_image_buffer(size) >>> 0;
    if (!ptr) return { handle: 0, reply: { ok: false, error: { code: 'io_error', message: `out of memory: cannot hold a workspace of ${size} bytes in this tab` } } };
    try {
      // HEAPU8 is read after the allocation: growing the heap replaces it.
      await fill(this.module.HEAPU8.subarray(ptr, ptr + size));
    } catch (error) {
      this.module._rp_free_image_buffer(ptr);
      throw error;
    }
    const handle = this.module._rp_open_owned_image(ptr, size);
    return { handle, reply: this.reply() };
  }

  /**
   * Opens the workspace kept in the file `name` through the engine's host VFS: `files` holds the open handles
   * of that file and of its rollback journal (`<name>-journal`), registered by name for SQLite. The caller
   * closes them after closing the workspace (and takes them out of module.rpFiles).
   */
  openFile(name: string, files: Map<string, HostFile>): { handle: number; reply: BindingReply } {
    this.module.rpFiles ??= new Map();
    for (const [fileName, file] of files) this.module.rpFiles.set(fileName, file);
    const handle = this.withString(name, (n) => this.module._rp_open_file(n));
    return { handle, reply: this.reply() };
  }

  /** The workspace image as a view of the engine's memory (no copy), valid until the next engine call. */
  imageView(handle: number): Uint8Array | null {
    const lenPtr = this.module._malloc(8) >>> 0;
    try {
      const ptr = this.module._rp_image_view(handle, lenPtr) >>> 0;
      const len = this.module.HEAPF64[lenPtr / 8];
      return ptr && len > 0 ? this.module.HEAPU8.subarray(ptr, ptr + len) : null;
    } finally {
      this.module._free(lenPtr);
    }
  }

  close(handle: number): void {
    this.module._rp_close(handle);
  }

  importBegin(handle: number, name: string, options: unknown, totalBytes: number, importedAt: string): BindingReply {
    this.withString(name, (n) => this.withString(JSON.stringify(options ?? {}), (o) =>
      this.withString(importedAt, (at) => this.module._rp_import_begin(handle, n, o, totalBytes, at))));
    return this.reply();
  }

  importChunk(handle: number, bytes: Uint8Array): BindingReply<{ bytes_consumed: number }> {
    this.withBytes(bytes, (ptr, len) => this.module._rp_import_chunk(handle, ptr, len));
    return this.reply();
  }

  importFinish<T>(handle: number): BindingReply<T> {
    this.module._rp_import_finish(handle);
    return this.reply();
  }

  importCancel(handle: number): void {
    this.module._rp_import_cancel(handle);
  }

  call<T = unknown>(handle: number, request: unknown): BindingReply<T> {
    this.withString(JSON.stringify(request), (r) => this.module._rp_call(handle, r));
    return this.reply();
  }

  /**
   * One step of a read-only op (Engine::CallStep): `pending` while the op has more of its structures to build
   * (call again; other calls may run in between), else the op's reply, the same as call's.
   */
  callStep<T = unknown>(handle: number, request: unknown): BindingReply<T> | { ok: true; pending: true } {
    this.withString(JSON.stringify(request), (r) => this.module._rp_call_step(handle, r));
    return this.reply() as BindingReply<T> | { ok: true; pending: true };
  }

  /** The .rapport image bytes, or the error. */
  serialize(handle: number): { bytes: Uint8Array } | { error: EngineError } {
    const ok = this.module._rp_serialize(handle);
    if (!ok) return { error: (this.reply() as { error: EngineError }).error };
    const bytes = this.resultBytes();
    this.module._rp_result_clear();
    return { bytes };
  }

  removeImport(handle: number, importId: number): BindingReply {
    this.module._rp_remove_import(handle, importId);
    return this.reply();
  }
}
