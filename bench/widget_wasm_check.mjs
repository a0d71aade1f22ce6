// Does the storefront's wasm module rank exactly as the native code the quality bench measures?
//   build/bench/widget_quality_bench ../shared/data --dump /tmp/rw     (Kaggle model as shipped + 1,500 histories
//                                                                       with their native top-10)
//   node bench/widget_wasm_check.mjs /tmp/rw [build-wasm/widget/rapport-widget.wasm]
// Loads kaggle-model.bin into rapport-widget.wasm with the loader's calls (rw_load, rw_recommend with the page,
// views and purchases) and compares every top-10 with the native one. Also times the ranking (the widget's
// "< 5 ms" budget; Node, not a browser). With DUMP_DIR/store5000-model.bin (widget_size_bench DUMP_DIR/...), also
// its gzipped size and ranking time. Exits 1 on any difference.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2];
const wasmFile = process.argv[3] ?? 'build-wasm/widget/rapport-widget.wasm';
if (!dir || !fs.existsSync(path.join(dir, 'kaggle-cases.json'))) {
  console.error('usage: node bench/widget_wasm_check.mjs DUMP_DIR [rapport-widget.wasm]  (DUMP_DIR from widget_quality_bench --dump)');
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), {
  env: { emscripten_notify_memory_growth: () => {} },
  wasi_snapshot_preview1: { proc_exit: (code) => { throw new Error(`exit ${code}`); } },
});
const e = instance.exports;
e._initialize?.();
const model = fs.readFileSync(path.join(dir, 'kaggle-model.bin'));
let ptr = e.rw_alloc(model.length);
new Uint8Array(e.memory.buffer).set(model, ptr);
if (e.rw_load(ptr, model.length) !== 0) {
  console.error('the model does not load');
  process.exit(1);
}
e.rw_free(ptr);

const cases = JSON.parse(fs.readFileSync(path.join(dir, 'kaggle-cases.json'), 'utf8'));
let same = 0;
const diffs = [];
const times = [];
for (const c of cases) {
  const nv = c.views.length, nb = c.bought.length, limit = 10;
  const base = e.rw_alloc(4 * (nv + 3 * nb + limit) + 16);
  const dv = new DataView(e.memory.buffer);
  const pV = base, pB = pV + 4 * nv, pD = pB + 4 * nb, pO = pD + 4 * nb, pOut = pO + 4 * nb;
  c.views.forEach((p, j) => dv.setUint32(pV + 4 * j, p, true));
  c.bought.forEach(([p, days, order], j) => {
    dv.setUint32(pB + 4 * j, p, true);
    dv.setInt32(pD + 4 * j, days, true);
    dv.setUint32(pO + 4 * j, order, true);
  });
  const t0 = performance.now();
  const n = e.rw_recommend(c.page < 0 ? 0xffffffff : c.page, pV, nv, pB, pD, pO, nb, 0, 0, limit, pOut);
  times.push(performance.now() - t0);
  const got = Array.from(new Uint32Array(e.memory.buffer, pOut, n));
  e.rw_free(base);
  if (got.join(',') === c.native.join(',')) same++;
  else if (diffs.length < 5) diffs.push({ native: c.native, wasm: got });
}
times.sort((a, b) => a - b);
const pct = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
console.log(`${same} of ${cases.length} histories ranked identically by the wasm module and natively` +
  ` (top 10; ${cases.filter((c) => c.page >= 0).length} with a page product, ${cases.filter((c) => c.views.length).length} with views)`);
console.log(`rw_recommend in Node: median ${pct(0.5)} ms, 99th percentile ${pct(0.99)} ms, max ${times[times.length - 1].toFixed(3)} ms`);
// The 5,000-product budget model (bench/widget_size_bench.cpp), when DUMP_DIR has it: gzipped size and the
// ranking time with a full shopper history (page, 20 views, 50 purchases).
const big = path.join(dir, 'store5000-model.bin');
if (fs.existsSync(big)) {
  const bytes = fs.readFileSync(big);
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  ptr = e.rw_alloc(bytes.length);
  new Uint8Array(e.memory.buffer).set(bytes, ptr);
  if (e.rw_load(ptr, bytes.length) !== 0) { console.error(`${big} does not load`); process.exit(1); }
  e.rw_free(ptr);
  const count = e.rw_count();
  const t = [];
  let seed = 1;
  const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % count; };
  for (let k = 0; k < 300; ++k) {
    const base = e.rw_alloc(4 * (20 + 3 * 50 + 12) + 16);
    const dv = new DataView(e.memory.buffer);
    const pV = base, pB = pV + 80, pD = pB + 200, pO = pD + 200, pOut = pO + 200;
    for (let j = 0; j < 20; ++j) dv.setUint32(pV + 4 * j, rnd(), true);
    for (let j = 0; j < 50; ++j) { dv.setUint32(pB + 4 * j, rnd(), true); dv.setInt32(pD + 4 * j, j * 7, true); dv.setUint32(pO + 4 * j, j >> 2, true); }
    const t0 = performance.now();
    e.rw_recommend(rnd(), pV, 20, pB, pD, pO, 50, 0, 0, 12, pOut);
    t.push(performance.now() - t0);
    e.rw_free(base);
  }
  t.sort((a, b) => a - b);
  console.log(`${big}: ${count} products, ${bytes.length} bytes, ${gz} bytes gzipped (-9); rw_recommend with a page, ` +
    `20 views and 50 purchases: median ${t[150].toFixed(3)} ms, max ${t[299].toFixed(3)} ms`);
}
if (diffs.length) {
  console.log('first differences:', JSON.stringify(diffs));
  process.exit(1);
}
