// The peer: DuckDB computing the per-customer summary from a Shopify orders export (../shared/PEERS.md §2),
// natively (@duckdb/node-api) and as wasm (@duckdb/duckdb-wasm under Node), in the same run as Rapport.
//   node bench/duckdb_summary.mjs FILE [--runs 5] [--threads 1] [--wasm]
// Prints one JSON line: {engine, file, bytes, runs_ms, median_ms, mb_per_s, cpu_runs_ms, cpu_median_ms, rows,
// peak_rss_mb}. cpu_*: the Node process's CPU time (process.cpuUsage, user + system) over each run, the figure to
// compare on a shared machine (summary_bench reports the same for Rapport; with more than one DuckDB thread it
// adds up the threads).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const file = path.resolve(args[0]);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const runs = Number(opt('--runs', 5));
const threads = Number(opt('--threads', 1));
const wasm = args.includes('--wasm');
const bytes = fs.statSync(file).size;

const sql = (f) => `CREATE OR REPLACE TABLE summary AS
SELECT lower(Email) AS email,
       min(strptime("Created at", '%Y-%m-%d %H:%M:%S %z')) AS first_order,
       max(strptime("Created at", '%Y-%m-%d %H:%M:%S %z')) AS last_order,
       count(*) AS orders, sum(Total) - sum(coalesce("Refunded Amount", 0)) AS net_revenue
FROM read_csv('${f}') WHERE Currency IS NOT NULL AND Currency <> '' GROUP BY lower(Email)`;

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
const timer = setInterval(sample, 20);

async function native() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const startup = performance.now() - t0;
  const times = [];
  let rows = 0;
  const cpu = [];
  for (let i = 0; i < runs; ++i) {
    const t = performance.now();
    const c = cpuNow();
    await con.run(sql(file));
    times.push(performance.now() - t);
    cpu.push(cpuNow() - c);
    sample();
  }
  const r = await con.runAndReadAll('SELECT count(*) AS n, sum(orders) AS o, sum(net_revenue) AS rev FROM summary');
  rows = r.getRowObjects()[0];
  return { engine: `duckdb-native-${threads}t`, startup_ms: startup, times, cpu, rows };
}

async function wasmRun() {
  const require = createRequire(import.meta.url);
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
  const t0 = performance.now();
  const logger = new duckdb.VoidLogger();
  const db = await duckdb.createDuckDB({ mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
    eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: '' } }, logger, duckdb.NODE_RUNTIME);
  await db.instantiate();
  const con = db.connect();
  const startup = performance.now() - t0;
  db.registerFileURL('input.csv', file, duckdb.DuckDBDataProtocol.NODE_FS, false);
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; ++i) {
    const t = performance.now();
    const c = cpuNow();
    con.query(sql('input.csv'));
    times.push(performance.now() - t);
    cpu.push(cpuNow() - c);
    sample();
  }
  const r = con.query('SELECT count(*) AS n, sum(orders) AS o, sum(net_revenue) AS rev FROM summary').toArray()[0];
  return { engine: 'duckdb-wasm-1t', startup_ms: startup, times, cpu, rows: { n: Number(r.n), o: Number(r.o), rev: Number(r.rev) } };
}

const res = wasm ? await wasmRun() : await native();
clearInterval(timer);
const med = median(res.times);
console.log(JSON.stringify({
  engine: res.engine, file: path.basename(file), bytes, startup_ms: Math.round(res.startup_ms),
  runs_ms: res.times.map((t) => Math.round(t)), median_ms: Math.round(med),
  mb_per_s: Math.round(bytes / 1e6 / (med / 1000)), cpu_runs_ms: res.cpu.map((t) => Math.round(t)),
  cpu_median_ms: Math.round(median(res.cpu)), rows: res.rows, peak_rss_mb: Math.round(peak / 1e6),
}, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
process.exit(0);
