// Joins the `ROW|input|model|customers|patterns|wall|cpu|lifetimes|LL` lines of a native and a wasm run of
// bench/model_bench into one Markdown table: CPU seconds (median of the runs), wasm / native, and Rapport
// against lifetimes (PEERS.md §1; wall time there, on an unloaded-enough machine, so it is compared with
// Rapport's CPU time, the steadier figure on a shared machine).
//   node bench/model_ratios.mjs NATIVE.txt WASM.txt
import { readFileSync } from 'node:fs';

function rows(path) {
  const out = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('ROW|')) continue;
    const [, input, model, customers, patterns, wall, cpu, lifetimes, ll] = line.split('|');
    out.set(`${input}|${model}`, { input, model, customers: +customers, patterns: +patterns, wall: +wall, cpu: +cpu,
      lifetimes: +lifetimes, ll: +ll });
  }
  return out;
}

const [nativePath, wasmPath] = process.argv.slice(2);
if (!nativePath || !wasmPath) {
  console.error('usage: node bench/model_ratios.mjs NATIVE.txt WASM.txt');
  process.exit(2);
}
const native = rows(nativePath), wasm = rows(wasmPath);
const ms = (s) => (s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms` : `${s.toFixed(2)} s`);
const models = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD', pnbd: 'Pareto/NBD', gg: 'Gamma-Gamma' };
console.log('| input | model | customers (patterns) | native CPU (wall) | wasm CPU (wall) | wasm / native | lifetimes | native vs lifetimes | wasm vs lifetimes |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [key, n] of native) {
  const w = wasm.get(key);
  if (!w) continue;
  if (Math.abs(w.ll - n.ll) > 1e-6 * Math.abs(n.ll)) console.error(`${key}: LL differs, native ${n.ll} wasm ${w.ll}`);
  const life = n.lifetimes > 0 ? ms(n.lifetimes) : '—';
  const vs = (r) => (n.lifetimes > 0 ? `${Math.round(n.lifetimes / r.cpu)}×` : '—');
  console.log(`| ${n.input} | ${models[n.model] ?? n.model} | ${n.customers.toLocaleString('en')} (${n.patterns.toLocaleString('en')}) | ` +
    `${ms(n.cpu)} (${ms(n.wall)}) | ${ms(w.cpu)} (${ms(w.wall)}) | ${(w.cpu / n.cpu).toFixed(2)} | ${life} | ${vs(n)} | ${vs(w)} |`);
}
