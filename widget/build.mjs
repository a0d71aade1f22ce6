// Builds the storefront widget and its demo store (DESIGN §4, docs/widget.md):
//   node widget/build.mjs --wasm build-wasm/widget --demo build/demo --out web/dist/store [--rapport build/rapport]
//                         [--base /store/] [--dev]
// Writes, into --out:
//   rapport-widget.js     the loader (src/rapport-widget.ts bundled and minified by esbuild, no dependencies)
//   rapport-widget.wasm   the slim scoring module (from --wasm)
//   rapport-model.bin     the demo store's model: `rapport model <demo>/demo.rapport` (the CLI from --rapport,
//                         default <demo>/../rapport)
//   index.html, p/<id>.html, review.html, demo.css, demo.js   a small storefront over the model's products
// and prints the sizes (raw and gzip -9) of the widget, which must stay within 25 KB gzipped together.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const wasmDir = path.resolve(arg('wasm', 'build-wasm/widget'));
const demoDir = path.resolve(arg('demo', 'build/demo'));
const outDir = path.resolve(arg('out', 'web/dist/store'));
const rapport = path.resolve(arg('rapport', path.join(demoDir, '..', 'rapport')));
const base = arg('base', '/store/');
const dev = process.argv.includes('--dev');
const fail = (message) => { console.error(`widget/build.mjs: ${message}`); process.exit(1); };

fs.mkdirSync(path.join(outDir, 'p'), { recursive: true });

// 1. The loader.
const built = await esbuild.build({
  entryPoints: [path.join(here, 'src/rapport-widget.ts')], outfile: path.join(outDir, 'rapport-widget.js'),
  bundle: true, format: 'iife', target: ['chrome100', 'firefox100', 'safari15'], minify: !dev, legalComments: 'none',
  logLevel: 'warning',
});
if (built.errors.length) fail('esbuild failed');

// 2. The wasm module.
const wasmFile = path.join(wasmDir, 'rapport-widget.wasm');
if (!fs.existsSync(wasmFile)) fail(`missing ${wasmFile} (build the rapport_widget target under emcmake)`);
fs.copyFileSync(wasmFile, path.join(outDir, 'rapport-widget.wasm'));

// 3. The demo store's model.
const workspace = path.join(demoDir, 'demo.rapport');
const modelFile = path.join(outDir, 'rapport-model.bin');
if (!fs.existsSync(workspace)) fail(`missing ${workspace} (make demo)`);
if (!fs.existsSync(rapport)) fail(`missing the CLI ${rapport} (pass --rapport)`);
execFileSync(rapport, ['model', workspace, '--out', modelFile, '--review-url', `${base}review.html?product={id}`],
  { stdio: ['ignore', 'ignore', 'inherit'] });

// 4. Read the products back through the same wasm module the storefront uses.
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), {
  env: { emscripten_notify_memory_growth: () => {} },
  wasi_snapshot_preview1: { proc_exit: (code) => { throw new Error(`exit ${code}`); } },
});
const e = instance.exports;
e._initialize?.();
const model = fs.readFileSync(modelFile);
const ptr = e.rw_alloc(model.length);
new Uint8Array(e.memory.buffer).set(model, ptr);
if (e.rw_load(ptr, model.length) !== 0) fail(`${modelFile}: the model does not read back`);
const text = (i, f) => {
  const p = e.rw_text(i, f);
  return new TextDecoder().decode(new Uint8Array(e.memory.buffer, p, e.rw_text_len(i, f)));
};
const currency = text(0xffffffff, 0) || 'USD';
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency });
const products = [];
for (let i = 0; i < e.rw_count(); ++i) {
  const id = text(i, 0);
  if (!/^[A-Za-z0-9._-]+$/.test(id)) continue;  // file-name safe ids only (the demo's SKUs all are)
  const cents = e.rw_price(i);
  products.push({ id, title: text(i, 1) || id, price: cents >= 0 ? money.format(cents / 100) : '', days: e.rw_repurchase_days(i) });
}

// 5. The storefront pages: no inline script or style (the CSP forbids both).
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; " +
  "style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
const widgetTag = `<script src="${base}rapport-widget.js" data-model="${base}rapport-model.bin" data-product-url="${base}p/{id}.html" defer></script>`;
const page = (title, body) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="referrer" content="no-referrer">
  <link rel="icon" href="data:,">
  <title>${esc(title)} — Rapport demo store</title>
  <link rel="stylesheet" href="${base}demo.css">
  <script src="${base}demo.js" defer></script>
  ${widgetTag}
</head>
<body>
  <header class="bar"><a class="brand" href="${base}index.html">Pawsome Pantry <small>(Rapport demo store)</small></a>
    <span class="consent" id="consent-state" aria-live="polite"></span></header>
  <main id="main">
${body}
  </main>
  <div class="cmp" id="cmp" hidden role="region" aria-label="Privacy choices">
    <p>We can remember what you view and buy <em>in this browser only</em> to improve recommendations and remind you to review.</p>
    <button type="button" id="cmp-accept">Accept</button> <button type="button" id="cmp-decline">Decline</button>
  </div>
  <footer class="foot">A demo: no order is placed and nothing leaves this browser. <button type="button" id="cmp-open" class="link">Privacy choices</button></footer>
</body>
</html>
`;
const card = (p) => `      <li><a class="card" href="${base}p/${p.id}.html"><span class="ph" aria-hidden="true">${esc(p.title.charAt(0))}</span>
        <span class="t">${esc(p.title)}</span><span class="pr">${esc(p.price)}</span></a></li>`;
fs.writeFileSync(path.join(outDir, 'index.html'), page('All products', `    <h1>All products</h1>
    <div data-rapport-recs data-limit="4" data-title="Picked for you"></div>
    <ul class="grid" aria-label="Products">
${products.map(card).join('\n')}
    </ul>`));
for (const p of products) {
  fs.writeFileSync(path.join(outDir, 'p', `${p.id}.html`), page(p.title, `    <nav class="crumbs"><a href="${base}index.html">All products</a></nav>
    <article class="product" data-sku="${esc(p.id)}">
      <div class="ph big" aria-hidden="true">${esc(p.title.charAt(0))}</div>
      <div>
        <h1>${esc(p.title)}</h1>
        <p class="price">${esc(p.price)}</p>
        <p class="muted">SKU ${esc(p.id)}${p.days ? ` · customers reorder about every ${p.days} days` : ''}</p>
        <button type="button" class="buy" id="buy" data-product="${esc(p.id)}">Buy now (demo)</button>
        <p id="bought" class="muted" aria-live="polite"></p>
      </div>
    </article>
    <div data-rapport-recs data-product="${esc(p.id)}" data-limit="4"></div>
    <section class="about"><h2>About this product</h2><p>Made for happy pets. This text stands in for the product description
    so that the page has content below the recommendations, as a real product page does.</p></section>`));
}
fs.writeFileSync(path.join(outDir, 'review.html'), page('Write a review', `    <h1>Write a review</h1>
    <p>The merchant's review page would open here (with the product from the link: <code id="review-product"></code>).</p>
    <p><a href="${base}index.html">Back to the store</a></p>`));
fs.copyFileSync(path.join(here, 'demo/demo.css'), path.join(outDir, 'demo.css'));
fs.copyFileSync(path.join(here, 'demo/demo.js'), path.join(outDir, 'demo.js'));

// 6. Sizes.
const sizeOf = (f) => {
  const b = fs.readFileSync(path.join(outDir, f));
  return { raw: b.length, gz: zlib.gzipSync(b, { level: 9 }).length };
};
const js = sizeOf('rapport-widget.js');
const wasm = sizeOf('rapport-widget.wasm');
const total = js.gz + wasm.gz;
console.log(`widget/build.mjs: ${path.relative(process.cwd(), outDir) || '.'}: rapport-widget.js ${js.raw} B (${js.gz} B gz), ` +
  `rapport-widget.wasm ${wasm.raw} B (${wasm.gz} B gz), together ${(total / 1024).toFixed(1)} KB gz (budget 25 KB); ` +
  `rapport-model.bin ${model.length} B, ${products.length} product pages`);
if (total > 25 * 1024) fail('over the 25 KB gzip budget');
