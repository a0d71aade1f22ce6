// bench/wasm_import.mjs FILE [--workspace OUT.rapport] [--chunk BYTES] [--ops kpis,funnel,...]
// bench/wasm_import.mjs WS.rapport [--ops ...]      (opens a stored workspace instead: the columns alone)
//
// The dashboard's import path without the browser: the wasm engine (build-wasm/engine) under Node imports FILE
// into a workspace kept in a real file through the engine's host VFS (wasm-bindings/host_vfs.cpp), with Node
// file handles standing in for the worker's OPFS sync access handles, in the same 4 MiB slices. Prints, as JSON,
// the wasm heap (the engine's linear memory: what must fit wasm32's 4 GiB) at each stage — opened, every
// 10 % of the file read, after the merge and commit, after each op — with the time and CPU time, so what
// holds the memory can be told stage by stage. The workspace file is left at --workspace (default: a file
// under /tmp, deleted at the end). Never write big files into the repository.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadEngine, kImportedAt } from '../tests/wasm/engine.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
if (!file || !fs.existsSync(file)) {
  console.error('usage: node --no-experimental-fetch bench/wasm_import.mjs FILE [--workspace OUT.rapport] [--chunk BYTES] [--ops kpis,funnel]');
  process.exit(2);
}
const chunkBytes = Number(option('chunk', String(4 << 20)));
const keep = option('workspace', '');
const workspace = keep || path.join(os.tmpdir(), `wasm-import-${process.pid}.rapport`);
const ops = option('ops', 'kpis').split(',').filter(Boolean);

/** The methods of a FileSystemSyncAccessHandle the VFS uses, over a Node file descriptor. */
class NodeHandle {
  constructor(name) { this.fd = fs.openSync(name, fs.existsSync(name) ? 'r+' : 'w+'); }
  getSize() { return fs.fstatSync(this.fd).size; }
  read(view, { at }) { return fs.readSync(this.fd, view, 0, view.length, at); }
  write(view, { at }) { return fs.writeSync(this.fd, view, 0, view.length, at); }
  truncate(size) { fs.ftruncateSync(this.fd, size); }
  flush() { fs.fsyncSync(this.fd); }
  close() { fs.closeSync(this.fd); }
}

const engine = await loadEngine();
const m = engine.m;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const stages = [];
const mib = (bytes) => Math.round(bytes / 1048576);
const stage = (name, extra = {}) => {
  const cpu = process.cpuUsage(cpu0);
  const s = {
    stage: name, wall_s: Number((Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)),
    cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)), wasm_heap_mib: mib(m.HEAPU8.length),
    rss_mib: mib(process.memoryUsage.rss()), ...extra,
  };
  stages.push(s);
  console.error(JSON.stringify(s));
};

const name = path.basename(workspace);
const handles = [new NodeHandle(workspace), new NodeHandle(`${workspace}-journal`)];
m.rpFiles = new Map([[name, handles[0]], [`${name}-journal`, handles[1]]]);
const handle = engine.withString(name, (n) => m._rp_open_file(n));
if (!handle) throw new Error(engine.resultText());
stage('opened');

const openOnly = file.endsWith('.rapport');
const size = fs.statSync(file).size;
if (openOnly) {
  // The columns of a stored workspace, read from its file through the VFS (a returning visit).
  engine.close(handle);
  m.rpFiles = new Map([[path.basename(file), new NodeHandle(file)], [`${path.basename(file)}-journal`, new NodeHandle(`${file}-journal`)]]);
  const opened = engine.withString(path.basename(file), (n) => m._rp_open_file(n));
  if (!opened) throw new Error(engine.resultText());
  stage('stored workspace opened', { workspace_bytes: size });
  for (const op of ops) {
    const r = engine.call(opened, { op });
    stage(`op ${op}`, r.ok ? {} : { error: r.error });
  }
  console.log(JSON.stringify({ file: path.basename(file), bytes: size, stages }));
  process.exit(0);
}
const fd = fs.openSync(file, 'r');
const chunk = new Uint8Array(chunkBytes);
let reply = engine.importBegin(handle, path.basename(file), {}, size);
if (!reply.ok) throw new Error(JSON.stringify(reply));
let nextTenth = 1;
for (let at = 0; at < size;) {
  const n = fs.readSync(fd, chunk, 0, chunk.length, at);
  reply = engine.importChunk(handle, chunk.subarray(0, n));
  if (!reply.ok) throw new Error(JSON.stringify(reply));
  at += n;
  while (at >= (nextTenth * size) / 10 && nextTenth <= 10) stage(`read ${10 * nextTenth++} %`);
}
fs.closeSync(fd);
reply = engine.importFinish(handle);
if (!reply.ok) throw new Error(JSON.stringify(reply));
stage('merged and committed', { orders_added: reply.result.orders_added, customers_added: reply.result.customers_added, workspace_bytes: handles[0].getSize() });
for (const op of ops) {
  const r = engine.call(handle, { op });
  stage(`op ${op}`, r.ok ? {} : { error: r.error });
}
engine.close(handle);
for (const h of handles) h.close();
if (!keep) {
  fs.rmSync(workspace, { force: true });
  fs.rmSync(`${workspace}-journal`, { force: true });
}
console.log(JSON.stringify({ file: path.basename(file), bytes: size, chunk_bytes: chunkBytes, imported_at: kImportedAt, stages }));
