// How long until the wasm engine answers, under Node, beside duckdb-wasm's start-up in the same run (issue 3:
// "the wasm engine ready in well under duckdb-wasm's 1.1 s"). Each sample is a fresh Node process that times,
// from before the engine's glue is imported: compiling and instantiating the wasm, opening an empty in-memory
// workspace, and the first answer (`kpis`). duckdb-wasm's start-up is `bench/duckdb_summary.mjs --wasm`'s
// createDuckDB + instantiate + connect, on the same file, in fresh processes too.
//   node bench/engine_ready.mjs [--runs 5] [--file CSV]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);

if (args.includes('--child')) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const { loadEngine } = await import(path.join(kRepo, 'tests/wasm/engine.mjs'));
  const engine = await loadEngine();
  const instantiated = performance.now();
  const handle = engine.openMemory();
  const opened = performance.now(), c1 = process.cpuUsage(c0);
  const reply = engine.call(handle, { op: 'kpis' });
  if (!reply.ok) throw new Error(reply.text);
  const answered = performance.now();
  console.log(JSON.stringify({ instantiate_ms: instantiated - t0, open_ms: opened - instantiated, first_answer_ms: answered - opened, ready_ms: answered - t0,
    cpu_ms: (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000, cpu_to_open_ms: (c1.user + c1.system) / 1000 }));
  process.exit(0);
}

const runs = Number(arg('runs', 5));
const file = arg('file', path.resolve(kRepo, '../shared/data/shopify_alphapaw_orders_export_1.csv'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = (script, extra) => JSON.parse(execFileSync(process.execPath, ['--no-experimental-fetch', script, ...extra], { encoding: 'utf8' }).trim().split('\n').pop());
const rapport = [], duck = [];
for (let i = 0; i < runs; ++i) {
  rapport.push(node(fileURLToPath(import.meta.url), ['--child']));
  duck.push(node(path.join(kRepo, 'bench/duckdb_summary.mjs'), [file, '--runs', '1', '--wasm']).startup_ms);
}
const r = (k) => Math.round(median(rapport.map((x) => x[k])));
console.log(`engine_ready: ${runs} fresh Node processes each, median ms`);
console.log(`  Rapport wasm: ready ${r('ready_ms')} wall, ${r('cpu_ms')} CPU (${r('cpu_to_open_ms')} CPU to the open workspace) (instantiate ${r('instantiate_ms')}, open ${r('open_ms')}, first answer ${r('first_answer_ms')}); all: ${rapport.map((x) => Math.round(x.ready_ms)).join(', ')}`);
console.log(`  duckdb-wasm: start-up ${Math.round(median(duck))}; all: ${duck.map(Math.round).join(', ')}`);
