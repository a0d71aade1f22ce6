// Loads build-wasm/engine/rapport_engine.mjs under Node and wraps its C ABI (wasm-bindings/PROTOCOL.md)
// the way web/src/engine/wasm.ts does in the worker. The browser build (ENVIRONMENT=web,worker) runs in
// Node when given the wasm bytes (TOOLCHAIN.md, pitfalls 2 and 3).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const kEngineDir = process.env.RAPPORT_WASM_ENGINE ?? path.join(kRepo, 'build-wasm/engine');
export const kSharedData = process.env.RAPPORT_SHARED_DATA ?? path.resolve(kRepo, '../shared/data');
export const kImportedAt = '2026-11-23T10:00:00Z';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function loadEngine() {
  const glue = path.join(kEngineDir, 'rapport_engine.mjs');
  const { default: create } = await import(pathToFileURL(glue).href);
  const module = await create({ wasmBinary: fs.readFileSync(path.join(kEngineDir, 'rapport_engine.wasm')) });
  return new NodeEngine(module);
}

export class NodeEngine {
  constructor(module) {
    this.m = module;
  }

  resultText() {
    const ptr = this.m._rp_result_ptr();
    return decoder.decode(this.m.HEAPU8.subarray(ptr, ptr + this.m._rp_result_len()));
  }
  resultBytes() {
    const ptr = this.m._rp_result_ptr();
    return this.m.HEAPU8.slice(ptr, ptr + this.m._rp_result_len());
  }
  reply() {
    return JSON.parse(this.resultText());
  }
  withBytes(bytes, fn) {
    const ptr = this.m._malloc(Math.max(1, bytes.length));
    try {
      this.m.HEAPU8.set(bytes, ptr);
      return fn(ptr, bytes.length);
    } finally {
      this.m._free(ptr);
    }
  }
  withString(text, fn) {
    const utf8 = encoder.encode(text);
    const z = new Uint8Array(utf8.length + 1);
    z.set(utf8);
    return this.withBytes(z, (ptr) => fn(ptr));
  }

  openMemory() {
    const handle = this.m._rp_open_memory();
    if (!handle) throw new Error(this.resultText());
    return handle;
  }
  openImage(bytes) {
    const handle = this.withBytes(bytes, (p, n) => this.m._rp_open_image(p, n));
    return { handle, reply: this.reply() };
  }
  close(handle) {
    this.m._rp_close(handle);
  }
  /** {ok, result|error}, plus the raw reply text. */
  call(handle, request) {
    this.withString(typeof request === 'string' ? request : JSON.stringify(request), (r) => this.m._rp_call(handle, r));
    const text = this.resultText();
    return { text, ...JSON.parse(text) };
  }
  /** One step of a read-only op (rp_call_step): {pending: true} while it has more to build, else call's reply. */
  callStep(handle, request) {
    this.withString(typeof request === 'string' ? request : JSON.stringify(request), (r) => this.m._rp_call_step(handle, r));
    const text = this.resultText();
    return { text, ...JSON.parse(text) };
  }
  /** The bytes of the "result" member of a successful reply, exactly as the engine wrote them. */
  callResultText(handle, request) {
    const reply = this.call(handle, request);
    if (!reply.ok) throw new Error(`${request.op}: ${JSON.stringify(reply.error)}`);
    const prefix = '{"ok":true,"result":';
    if (!reply.text.startsWith(prefix) || !reply.text.endsWith('}')) throw new Error(`unexpected reply framing: ${reply.text.slice(0, 80)}`);
    return reply.text.slice(prefix.length, -1);
  }
  importBegin(handle, name, options, total) {
    this.withString(name, (n) => this.withString(JSON.stringify(options ?? {}), (o) =>
      this.withString(kImportedAt, (at) => this.m._rp_import_begin(handle, n, o, total, at))));
    return this.reply();
  }
  importChunk(handle, bytes) {
    this.withBytes(bytes, (p, n) => this.m._rp_import_chunk(handle, p, n));
    return this.reply();
  }
  importFinish(handle) {
    this.m._rp_import_finish(handle);
    return this.reply();
  }
  /** Streams `bytes` in `chunk`-byte pieces; returns the first error reply or the finish reply. */
  importBytes(handle, name, bytes, chunk = 4 << 20, options = {}) {
    let reply = this.importBegin(handle, name, options, bytes.length);
    if (!reply.ok) return reply;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      reply = this.importChunk(handle, bytes.subarray(offset, Math.min(bytes.length, offset + chunk)));
      if (!reply.ok) {
        this.m._rp_import_cancel(handle);
        return reply;
      }
    }
    return this.importFinish(handle);
  }
  serialize(handle) {
    if (!this.m._rp_serialize(handle)) throw new Error(this.resultText());
    const bytes = this.resultBytes();
    this.m._rp_result_clear();
    return bytes;
  }
  removeImport(handle, id) {
    this.m._rp_remove_import(handle, id);
    return this.reply();
  }
}

/** The data file a golden file names (tests/golden/kpis/<base>.json -> ../shared/data/<base>.csv|.txt). */
export function dataFileFor(base) {
  for (const ext of ['.csv', '.txt', '']) {
    const file = path.join(kSharedData, base + ext);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return null;
}

/**
 * Re-indents compact JSON text the way nlohmann's dump(2) writes it (the CLI's `--json`), without parsing
 * numbers, so the bytes of every value stay exactly as the engine wrote them.
 */
export function indentLikeCli(text, indent = 2) {
  let out = '';
  let depth = 0;
  const pad = () => '\n' + ' '.repeat(depth * indent);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + pad();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += pad() + c;
    } else if (c === ',') {
      out += ',' + pad();
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}
