// Builds the dashboard's static files:
//   node web/build.mjs --engine build-wasm/engine --demo build/demo --out web/dist [--dev]
// Copies rapport_engine.{mjs,wasm} and demo.rapport (when present) into --out, bundles src/main.ts and
// src/worker.ts with esbuild, and copies index.html and app.css. A missing demo is not an error: the
// page then starts with an empty workspace and says what to drop.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const engineDir = path.resolve(arg('engine', 'build-wasm/engine'));
const demoDir = path.resolve(arg('demo', 'build/demo'));
const outDir = path.resolve(arg('out', path.join(here, 'dist')));
const dev = process.argv.includes('--dev');

fs.mkdirSync(outDir, { recursive: true });

function copy(from, to, required) {
  if (!fs.existsSync(from)) {
    if (required) {
      console.error(`web/build.mjs: missing ${from}`);
      process.exit(1);
    }
    fs.rmSync(to, { force: true });
    return false;
  }
  fs.copyFileSync(from, to);
  return true;
}

for (const name of ['rapport_engine.mjs', 'rapport_engine.wasm']) {
  copy(path.join(engineDir, name), path.join(outDir, name), true);
}
const hasDemo = copy(path.join(demoDir, 'demo.rapport'), path.join(outDir, 'demo.rapport'), false);
if (!hasDemo) console.warn(`web/build.mjs: no demo workspace in ${demoDir}; the page starts empty`);
// The page fetches the demo only when there is one (no 404 in the console otherwise).
const html = fs.readFileSync(path.join(here, 'index.html'), 'utf8');
fs.writeFileSync(path.join(outDir, 'index.html'), hasDemo ? html : html.replace('data-demo="demo.rapport"', 'data-demo=""'));
// One stylesheet: uPlot's (bundled locally, never a CDN) then the app's.
const uplotCss = path.join(here, '../node_modules/uplot/dist/uPlot.min.css');
fs.writeFileSync(path.join(outDir, 'app.css'),
  (fs.existsSync(uplotCss) ? fs.readFileSync(uplotCss, 'utf8') + '\n' : '') + fs.readFileSync(path.join(here, 'app.css'), 'utf8'));
// The help pages: docs/*.md (and the images they show), rendered in the page by views/docs.ts.
const docsDir = path.join(here, '../docs');
fs.mkdirSync(path.join(outDir, 'docs'), { recursive: true });
for (const name of fs.existsSync(docsDir) ? fs.readdirSync(docsDir) : []) {
  if (/\.(md|png)$/.test(name)) fs.copyFileSync(path.join(docsDir, name), path.join(outDir, 'docs', name));
}

const result = await esbuild.build({
  entryPoints: { main: path.join(here, 'src/main.ts'), worker: path.join(here, 'src/worker.ts') },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const sizes = Object.entries(result.metafile.outputs)
  .map(([file, info]) => `${path.basename(file)} ${(info.bytes / 1024).toFixed(1)} KB`).join(', ');
console.log(`web/build.mjs: ${path.relative(process.cwd(), outDir) || '.'}: ${sizes}${hasDemo ? ', demo.rapport' : ''}`);
