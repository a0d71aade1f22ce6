// End-to-end test of the dashboard in headless Chromium (playwright-core, Debian's /usr/bin/chromium):
//   node tests/e2e/run.mjs [--dist web/dist] [--keep]
// Serves web/dist with web/serve.mjs on a free 127.0.0.1 port and checks: the CSP header, the demo KPIs,
// importing a real Shopify export (file picker and drag-and-drop) with a moving progress bar and an import
// report, a bad file's error with line and column while the KPIs stay, every page of the navigation,
// download and reopen of the workspace, and that no request ever leaves the served origin.
// Screenshots go to tests/e2e/out/; the overview is copied to docs/screenshot.png.
// Prints one line per check and a final "N passed, N failed"; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromium } from 'playwright-core';

import { serve } from '../../web/serve.mjs';

const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argValue = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const kDist = path.resolve(argValue('dist', path.join(kRepo, 'web/dist')));
const kOut = path.join(kRepo, 'tests/e2e/out');
const kShared = process.env.RAPPORT_SHARED_DATA ?? path.resolve(kRepo, '../shared/data');
const kAlphaPaw = path.join(kShared, 'shopify_alphapaw_orders_export_1.csv');
const kDemoCsv = path.join(kRepo, 'build/demo/shopify_orders_export_demo.csv');
const kTimeout = 60_000;

let passed = 0;
let failed = 0;
// `--only TEXT` runs the checks whose name contains TEXT (after the first two, which open the demo store):
// for working on one check; `make test` runs them all.
const kOnly = argValue('only', '');
let checksSeen = 0;
async function check(name, fn) {
  if (kOnly && checksSeen++ >= 2 && !name.includes(kOnly)) return;
  try {
    const note = await fn();
    passed++;
    console.log(`ok - ${name}${note ? ` (${note})` : ''}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n  ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

if (!fs.existsSync(path.join(kDist, 'index.html')) || !fs.existsSync(path.join(kDist, 'rapport_engine.wasm'))) {
  console.log(`tests/e2e: no built dashboard in ${kDist} (run: make web)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
fs.mkdirSync(kOut, { recursive: true });
const hasDemo = fs.existsSync(path.join(kDist, 'demo.rapport'));
const realFile = fs.existsSync(kAlphaPaw) ? kAlphaPaw : fs.existsSync(kDemoCsv) ? kDemoCsv : null;
// Dropping the same export again must add nothing: every order is a duplicate.
const dropFile = realFile;

const server = await serve(kDist, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--disable-features=OptimizationHints,Translate,MediaRouter',
    '--disable-domain-reliability', '--no-pings', '--metrics-recording-only'],
});

const requests = [];
const foreign = [];
const pageErrors = [];
const isLocal = (url) => url.startsWith(origin + '/') || url === origin || url.startsWith('blob:') || url.startsWith('data:');

const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
context.on('request', (request) => {
  requests.push(request.url());
  if (!isLocal(request.url())) foreign.push(request.url());
});
// Belt and braces: anything not from the served origin is recorded and refused.
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (isLocal(url)) return route.continue();
  foreign.push(url);
  return route.abort('blockedbyclient');
});
const page = await context.newPage();
page.setDefaultTimeout(kTimeout);
page.on('pageerror', (error) => pageErrors.push(String(error)));
page.on('console', (message) => {
  if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
});

const kpiText = (id) => page.locator(`[data-kpi="${id}"] .kpi-value`).innerText();
async function waitForKpis() {
  // Not a kept page shown again while it is recomputed (main.ts marks those data-stale).
  await page.locator('main[data-ready="overview"]:not([data-stale]) [data-kpi="customers"] .kpi-value').waitFor();
  return { customers: await kpiText('customers'), orders: await kpiText('orders'), revenue: await kpiText('net_revenue') };
}
async function shot(name) {
  const file = path.join(kOut, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
// Records every value the progress bar takes (the page sets <progress value>, a reflected attribute).
async function recordProgress() {
  await page.evaluate(() => {
    const bar = document.getElementById('progress-bar');
    window.__progress = [];
    new MutationObserver(() => window.__progress.push(Number(bar.getAttribute('value'))))
      .observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
}
async function waitIdle() {
  await page.waitForFunction(() => window.rapport && !window.rapport.busy && document.getElementById('progress').hidden);
}
/** A browser with a profile on disk in `dir` (what the persistence checks reopen), downloads allowed. */
function launchProfile(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1360, height: 900 }, acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
async function gotoRoute(route) {
  await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
  await page.locator(`main[data-ready="${route}"]:not([data-stale])`).waitFor();
}

/** The files in the page's OPFS root and their sizes. */
async function opfsFiles(p) {
  return p.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const out = {};
    for await (const [name, entry] of root.entries()) if (entry.kind === 'file') out[name] = (await entry.getFile()).size;
    return out;
  });
}

let demoKpis = null;
let perf = null;
let importedKpis = null;

try {
  await check('the served page carries a strict Content-Security-Policy', async () => {
    const response = await page.goto(`${origin}/?fresh=1&chunk=65536`);
    const csp = response.headers()['content-security-policy'] ?? '';
    for (const part of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
      assert(csp.includes(part), `CSP lacks ${part}: ${csp}`);
    }
    assert(!csp.includes('unsafe-inline') && !/'unsafe-eval'/.test(csp), `CSP allows unsafe code: ${csp}`);
    const wasm = await page.request.get(`${origin}/rapport_engine.wasm`);
    assert(wasm.headers()['content-type'] === 'application/wasm', `wasm served as ${wasm.headers()['content-type']}`);
    assert(wasm.headers()['content-security-policy'] === csp, 'the CSP is missing on the wasm response');
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert(meta && meta.includes("default-src 'self'"), 'no CSP meta tag');
  });

  await check('the demo store opens and its KPIs appear', async () => {
    if (!hasDemo) {
      await page.locator('main[data-ready="overview"] .empty').waitFor();
      await shot('overview-empty');
      return 'no demo.rapport in dist: empty state shown instead';
    }
    demoKpis = await waitForKpis();
    assert(/\d/.test(demoKpis.customers) && /\d/.test(demoKpis.orders), `demo KPIs: ${JSON.stringify(demoKpis)}`);
    assert(await page.locator('.banner.demo').isVisible(), 'the demo is not labelled as a demo');
    assert((await page.locator('#ws-label').innerText()).includes('Demo'), 'the workspace label does not say Demo');
    await shot('overview-demo');
    return `customers ${demoKpis.customers}, orders ${demoKpis.orders}, net revenue ${demoKpis.revenue}`;
  });

  await check('a first session asks for the other pages\' first answers ahead: pages opened later ask the engine nothing', async () => {
    if (!hasDemo) return 'no demo.rapport in dist';
    // Once the overview is drawn and its answers are in, the page asks for every page's first requests ahead
    // (views/pages.ts askAhead), run by the worker while no page waits; once all are answered, the pages find
    // them in the page's memo.
    await page.waitForFunction(() => window.rapport.askedAhead === window.rapport.version && window.rapport.client.pendingCount() === 0,
      null, { timeout: kTimeout });
    await page.evaluate(() => {
      const c = window.rapport.client;
      window.engineCalls = [];
      const call = c.call.bind(c);
      c.call = (op, params, ...rest) => { window.engineCalls.push(op); return call(op, params, ...rest); };
    });
    const routes = ['customers', 'cohorts', 'funnel', 'rfm', 'products', 'playbooks', 'widget', 'predictions'];
    for (const route of routes) {
      await gotoRoute(route);
      await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
    }
    const asked = await page.evaluate(() => { const calls = window.engineCalls; delete window.engineCalls; return calls; });
    // The page's memo answered the first requests (only a page's further requests may go out: Predictions asks
    // for its chosen model's predictions and validation once the fit is in).
    for (const op of ['segment', 'cohorts', 'funnel', 'funnel_flow', 'rfm', 'products', 'playbooks', 'widget_model', 'fit']) {
      assert(!asked.includes(op), `"${op}" was asked of the engine when its page opened (asked: ${asked.join(', ')})`);
    }
    await page.evaluate(() => { const c = window.rapport.client; delete c.call; });
    await gotoRoute('overview');
    return `${routes.length} pages opened; asked of the engine then: ${asked.join(', ') || 'nothing'}`;
  });

  await check('a tour of every page on the demo store, each with a screenshot', async () => {
    const routes = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href').slice(2)));
    const times = [];
    for (const route of routes) {
      const started = Date.now();
      await gotoRoute(route);
      times.push(`${route} ${Date.now() - started} ms`);
      assert(await page.locator('main h1').count(), `#/${route} has no heading`);
      if (route === 'predictions') {
        await page.locator('#customer-predictions .vt-wrap').waitFor();
        await page.locator('#holdout canvas').first().waitFor();
        await page.waitForFunction(() => document.querySelectorAll('main figure.chart canvas').length >= 2);
      }
      if (route === 'overview') await page.locator('.overview-grid .mini-funnel').waitFor();
      await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
      await shot(`page-${route}`);
    }
    return `${routes.length} pages: ${times.join(', ')}`;
  });

  await check('predictions: three models compared, two charts, a sortable table linking to the customer 360 view, PNG and CSV downloads', async () => {
    await gotoRoute('predictions');
    // The page shows what the models learn from at once; the comparison when the fit ends.
    assert((await page.locator('#model-data').innerText()).includes('repeat customers'), 'no "what the models learn from"');
    await page.locator('#models > div:not([aria-busy])').waitFor();
    const models = await page.locator('table.models tbody tr').count();
    assert(models === 3 || !hasDemo, `${models} models in the comparison`);
    const table = page.locator('#customer-predictions .vt-wrap');
    await table.waitFor();
    const domRows = await table.locator('tbody tr').count();
    assert(domRows > 5 && domRows < 40, `${domRows} rows in the DOM (virtualised?)`);
    const header = table.locator('th', { hasText: 'P(alive)' });
    await header.locator('button').click();
    assert(['ascending', 'descending'].includes(await header.getAttribute('aria-sort')), 'no aria-sort after clicking a header');
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#holdout figure.chart button', { hasText: 'PNG' }).first().click()]);
    const pngFile = path.join(kOut, png.suggestedFilename());
    await png.saveAs(pngFile);
    assert(fs.readFileSync(pngFile).subarray(1, 4).toString() === 'PNG', 'the chart download is not a PNG');
    const [csv] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Download CSV' }).click()]);
    const csvFile = path.join(kOut, csv.suggestedFilename());
    await csv.saveAs(csvFile);
    const lines = fs.readFileSync(csvFile, 'utf8').trim().split(/\r?\n/);
    assert(lines.length > 100, `the CSV has ${lines.length} lines`);
    const link = table.locator('tbody a').first();
    const who = await link.innerText();
    await link.click();
    await page.locator('main[data-ready="customer"] .customer-360').waitFor();
    assert((await page.locator('main h1').innerText()).length > 0, 'no customer heading');
    await shot('page-customer');
    return `${models} models, ${domRows} DOM rows of ${lines.length - 1}, opened ${who}`;
  });

  // Issue 8 at scale: the per-customer predictions come from the engine one sorted page at a time.
  await check('predictions: the customer table is paged and sorted by the engine (Next, a header, Download all)', async () => {
    if (!hasDemo) return 'skipped: no demo store';
    await gotoRoute('predictions');
    const table = page.locator('#customer-predictions .vt-wrap');
    await table.waitFor();
    const range = () => page.locator('#customer-predictions .page-range').innerText();
    assert((await range()).includes('rows 1–500'), `first page: ${await range()}`);
    const firstWho = await table.locator('tbody a').first().innerText();
    await table.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('#customer-predictions .page-range')?.textContent.includes('rows 501–1,000'));
    const secondWho = await table.locator('tbody a').first().innerText();
    assert(secondWho !== firstWho, 'the second page starts with the same customer');
    await table.locator('th', { hasText: 'Repeat orders' }).locator('button').click();
    await page.waitForFunction(() => document.querySelector('#customer-predictions .page-range')?.textContent.includes('rows 1–500'));
    const xs = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.children[1].textContent.replace(/[^0-9]/g, ''))));
    assert(xs.length > 5 && xs.every((v, i) => i === 0 || xs[i - 1] >= v), `repeat orders not descending: ${xs.join(',')}`);
    const [all] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Download all (CSV)' }).click()]);
    const file = path.join(kOut, all.suggestedFilename());
    await all.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).length - 1;
    const total = Number((await page.locator('#customer-predictions .vt-caption').innerText()).replace(/[^0-9]/g, ''));
    assert(lines === total, `Download all has ${lines} rows, the table ${total}`);
    return `pages of 500 of ${total}; Download all: ${lines} rows`;
  });

  await check('a page seen before comes back at once (the same content, not recomputed)', async () => {
    await gotoRoute('cohorts');
    await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
    await page.evaluate(() => { window.__keptPage = document.querySelector('main > .page'); });
    await gotoRoute('funnel');
    const started = await page.evaluate(() => performance.now());
    await gotoRoute('cohorts');
    const same = await page.evaluate(() => document.querySelector('main > .page') === window.__keptPage);
    const took = await page.evaluate((t) => performance.now() - t, started);
    assert(same, 'the cohorts page was drawn afresh although nothing changed');
    return `back on cohorts in ${Math.round(took)} ms`;
  });

  await check('a table of 1,000,000 rows keeps under 40 rows in the DOM and scrolls smoothly', async () => {
    await gotoRoute('docs');
    const result = await page.evaluate(async () => {
      const n = 1_000_000;
      const id = new Uint32Array(n).map((_, i) => i);
      const value = new Float64Array(n).map((_, i) => (i * 7919) % 1000003);
      const text = Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? `=cmd${i}` : `row ${i}`));
      const t0 = performance.now();
      const el = window.rapportDev.dataTable({ caption: 'A million rows', fileName: 'million', data: { id, value, text },
        columns: [{ key: 'id', kind: 'int' }, { key: 'value', kind: 'num' }, { key: 'text', kind: 'text' }] });
      document.getElementById('main').append(el);
      const build = performance.now() - t0;
      const scroller = el.querySelector('.vt-scroll');
      const frames = [];
      let last = performance.now();
      for (let k = 0; k < 60; k++) {
        scroller.scrollTop = (scroller.scrollHeight * k) / 60;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      scroller.scrollTop = scroller.scrollHeight;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const lastRow = el.querySelector('tbody tr:last-child td')?.textContent;
      const rows = el.querySelectorAll('tbody tr').length;
      frames.sort((a, b) => a - b);
      el.remove();
      return { build, rows, lastRow, median: frames[30], p95: frames[57] };
    });
    assert(result.rows < 40, `${result.rows} rows in the DOM`);
    assert(result.lastRow === '999,999', `the last row shows ${result.lastRow}`);
    assert(result.p95 < 100, `slow frames: p95 ${result.p95} ms`);
    return `built in ${Math.round(result.build)} ms, ${result.rows} DOM rows, frame median ${result.median.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`;
  });

  await check('no serious or critical accessibility violations (axe-core), light and dark', async () => {
    const axeSource = fs.readFileSync(path.join(kRepo, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const found = [];
    for (const [route, scheme] of [['overview', 'light'], ['predictions', 'light'], ['cohorts', 'light'], ['settings', 'light'], ['overview', 'dark'], ['funnel', 'dark']]) {
      await page.emulateMedia({ colorScheme: scheme });
      await gotoRoute(route);
      await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
      if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'], resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      found.push(...violations.map((v) => `#/${route} ${scheme}: ${v}`));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert(found.length === 0, found.join('\n'));
    return '6 page/theme pairs';
  });

  await check('keyboard only: every page reached from the navigation with Tab and Enter, a table sorted with Enter', async () => {
    await gotoRoute('overview');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    const routes = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href').slice(2)));
    for (const route of routes.slice(1)) {
      await page.locator('.skip').focus();
      // From the skip link, Tab through the toolbar to the navigation, then to the wanted link.
      let guard = 0;
      while (guard++ < 60) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((r) => document.activeElement?.getAttribute('href') === `#/${r}`, route)) break;
      }
      assert(guard < 60, `#/${route} not reachable with Tab`);
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert(outline !== 'none', `no visible focus on the #/${route} link`);
      await page.keyboard.press('Enter');
      await page.locator(`main[data-ready="${route}"]`).waitFor();
    }
    await gotoRoute('products');
    const sortButton = page.locator('.vt-wrap th button.sort').first();
    await sortButton.focus();
    await page.keyboard.press('Enter');
    const sorted = await page.locator('.vt-wrap th[aria-sort]').count();
    assert(sorted >= 1, 'Enter on a header did not sort');
    await gotoRoute('overview');
    return `${routes.length} pages`;
  });

  await check('importing a real Shopify export through the file picker moves the progress bar and updates the KPIs', async () => {
    assert(realFile, `neither ${kAlphaPaw} nor ${kDemoCsv} exists`);
    await recordProgress();
    await page.locator('#file-input').setInputFiles(realFile);
    await waitIdle();
    const values = await page.evaluate(() => window.__progress);
    const between = values.filter((v) => v > 0 && v < 100);
    assert(between.length > 0, `no intermediate progress value: ${JSON.stringify(values.slice(0, 20))}`);
    const report = page.locator('.import-report').first();
    await report.waitFor();
    const text = await report.innerText();
    assert(text.includes(path.basename(realFile)), 'the import report does not name the file');
    for (const label of ['Rows read', 'Rows accepted', 'Rows rejected', 'Orders added', 'Customers added', 'Customers merged', 'Date range', 'Currencies']) {
      assert(text.includes(label), `the import report lacks "${label}"`);
    }
    importedKpis = await waitForKpis();
    assert(/\d/.test(importedKpis.customers), `KPIs after import: ${JSON.stringify(importedKpis)}`);
    if (demoKpis) assert(JSON.stringify(importedKpis) !== JSON.stringify(demoKpis), 'the KPIs did not change after the import');
    assert(!(await page.locator('.banner.demo').count()), 'still labelled as demo after importing real data');
    await shot('overview');
    return `${between.length} intermediate progress values; customers ${importedKpis.customers}, orders ${importedKpis.orders}`;
  });

  await check('a bad file shows an error naming line and column, and the KPIs stay', async () => {
    const before = await waitForKpis();
    await page.locator('#file-input').setInputFiles({
      name: 'broken_export.csv', mimeType: 'text/csv',
      buffer: Buffer.from('Name,Email,Created at\n#1001,"unterminated@example.com,2024-03-01\n'),
    });
    await waitIdle();
    const error = page.locator('.import-error').first();
    await error.waitFor();
    const text = await error.innerText();
    assert(/broken_export\.csv:\d+:\d+/.test(text), `no file:line:col in the error: ${text}`);
    assert(/line \d+, column \d+/.test(text), `no "line N, column N" in the error: ${text}`);
    const after = await waitForKpis();
    assert(JSON.stringify(after) === JSON.stringify(before), `KPIs changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    await shot('import-error');
    return text.split('\n').find((l) => /:\d+:\d+/.test(l));
  });

  await check('the same export dropped anywhere on the page is imported again and adds no orders', async () => {
    assert(dropFile, 'no file to drop');
    const bytes = fs.readFileSync(dropFile).toString('base64');
    await page.evaluate(({ name, b64 }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type: 'text/csv' }));
      const target = document.querySelector('main');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
    }, { name: path.basename(dropFile), b64: bytes });
    await page.waitForFunction(() => window.rapport.outcomes.length > 0 && !window.rapport.busy);
    await waitIdle();
    const report = page.locator('.import-report, .import-error').first();
    await report.waitFor();
    const text = await report.innerText();
    assert(text.includes(path.basename(dropFile)), `no report for the dropped file: ${text}`);
    assert(await page.locator('.import-report').count(), `the dropped file was not imported: ${text}`);
    const added = await page.evaluate(() => window.rapport.outcomes[0]?.record?.orders_added);
    const skipped = await page.evaluate(() => window.rapport.outcomes[0]?.record?.orders_skipped_duplicate);
    assert(added === 0 && skipped > 0, `orders added ${added}, duplicates skipped ${skipped}`);
    const kpis = await waitForKpis();
    if (importedKpis) assert(JSON.stringify(kpis) === JSON.stringify(importedKpis), `KPIs changed: ${JSON.stringify(kpis)}`);
    return `${skipped} duplicate orders skipped`;
  });

  await check('the imports page lists every import with its report', async () => {
    await gotoRoute('imports');
    const cards = await page.locator('section[aria-label="Import history"] .import-report').count();
    assert(cards >= 1, 'no import in the history');
    await shot('imports');
    return `${cards} imports`;
  });

  // The import page (web/src/views/imports.ts, staging.ts, mapping.ts): several files staged at once and
  // recognised before import, a mapping dialog for the file nothing recognises (live validation with the
  // first bad cell), "Import all" in customers -> orders -> feedback order with one progress bar, a saved
  // mapping recognised on the next file, and removing an import from the history.
  const kFixtures = path.join(kRepo, 'tests/fixtures/import');
  const kasseCsv = 'Kunde;Datum;Betrag\nann@example.com;01.02.2024;12,50\nbob@example.com;13.02.2024;1.234,00\nann@example.com;20.02.2024;7,05\n';
  const stagedRow = (name) => page.locator('table.staging-list tbody tr', { has: page.locator('th', { hasText: name }) });
  await check('the import page stages several files with platform and kind before importing', async () => {
    const kasseFile = path.join(kOut, 'kasse_feb.csv');  // playwright takes paths or buffers, not both
    fs.writeFileSync(kasseFile, kasseCsv);
    await gotoRoute('imports');
    await page.locator('#staging-input').setInputFiles([
      path.join(kFixtures, 'typeform_nps.csv'),
      path.join(kFixtures, 'generic_orders.csv'),
      kasseFile,
      path.join(kFixtures, 'shopify_customers_2024.csv'),
    ]);
    await page.waitForFunction(() => document.querySelectorAll('table.staging-list tbody tr').length === 4 &&
      !document.querySelector('table.staging-list tr[data-status="detecting"]'));
    const facts = {};
    for (const name of ['typeform_nps.csv', 'generic_orders.csv', 'kasse_feb.csv', 'shopify_customers_2024.csv']) {
      const row = stagedRow(name);
      facts[name] = [await row.locator('td.platform').innerText(), await row.locator('td.kind').innerText(), await row.getAttribute('data-status')];
    }
    assert(facts['typeform_nps.csv'].join('|') === 'Typeform|Surveys|ready', `typeform: ${facts['typeform_nps.csv']}`);
    assert(facts['shopify_customers_2024.csv'].join('|') === 'Shopify|Customers|ready', `customers: ${facts['shopify_customers_2024.csv']}`);
    assert(facts['generic_orders.csv'][1] === 'Transactions', `generic orders: ${facts['generic_orders.csv']}`);
    assert(facts['kasse_feb.csv'][2] === 'needs-mapping', `kasse: ${facts['kasse_feb.csv']}`);
    await shot('imports-staging');
    return Object.entries(facts).map(([k, v]) => `${k}: ${v[0]} ${v[1]}`).join('; ');
  });

  await check('the mapping dialog previews rows, validates live with the first bad cell, and saves the mapping', async () => {
    const row = stagedRow('kasse_feb.csv');
    await row.getByRole('button', { name: /map the columns/i }).click();
    const dialog = page.locator('dialog.mapping-dialog[open]');
    await dialog.waitFor();
    assert(await dialog.locator('table.preview tbody tr').count() === 3, 'the preview should show the 3 data rows');
    const focused = await page.evaluate(() => document.activeElement?.id);
    assert(focused === 'map-role-customer', `focus on open: ${focused}`);
    await page.locator('#map-role-customer').selectOption('Kunde');
    await page.locator('#map-role-date').selectOption('Datum');
    // Amount mapped to the date column first: the check must name line 2, column 2.
    await page.locator('#map-role-amount').selectOption('Datum');
    await page.waitForFunction(() => /First error: line 2, column 2/.test(document.getElementById('map-status')?.textContent ?? ''));
    const wrong = await page.locator('#map-status').innerText();
    assert(await page.locator('#map-use').isDisabled(), 'a mapping with errors must not be usable');
    await page.locator('#map-role-amount').selectOption('Betrag');
    await page.locator('#map-date-format').selectOption('dmy');
    await page.locator('#map-decimal').selectOption(',');
    await page.locator('#map-currency').fill('EUR');
    await page.waitForFunction(() => /3 rows checked, 3 rows ok/.test(document.getElementById('map-status')?.textContent ?? ''));
    await page.locator('#map-save').check();
    await page.locator('#map-name').fill('Kasse');
    await shot('imports-mapping');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('imports-mapping-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#map-use').click();
    await page.locator('dialog.mapping-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('table.staging-list tr[data-status="needs-mapping"]') === null);
    const platform = await stagedRow('kasse_feb.csv').locator('td.platform').innerText();
    assert(/Kasse/.test(platform), `after mapping: ${platform}`);
    const saved = await page.evaluate(() => window.rapport.client.call('mappings'));
    assert(saved.mappings.some((m) => m.name === 'Kasse' && m.options.decimal_separator === ','), JSON.stringify(saved));
    // Escape closes a second opening without changing anything.
    await stagedRow('kasse_feb.csv').getByRole('button', { name: /map the columns/i }).click();
    await page.locator('dialog.mapping-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog.mapping-dialog').waitFor({ state: 'detached' });
    return wrong.split('\n').find((l) => l.startsWith('First error'));
  });

  let importedByPage = [];
  let kpisBeforeImportAll = null;
  await check('"Import all" imports customers, then orders, then feedback, with one progress bar', async () => {
    const order = await page.locator('.staging p.muted', { hasText: 'Imported in this order' }).innerText();
    const pos = (n) => order.indexOf(n);
    assert(pos('shopify_customers_2024.csv') < pos('generic_orders.csv') && pos('generic_orders.csv') < pos('typeform_nps.csv'),
      `order: ${order}`);
    await page.evaluate(() => {
      window.__stagingProgress = [];
      new MutationObserver((records) => {
        for (const r of records) if (r.target.id === 'staging-progress') window.__stagingProgress.push(Number(r.target.getAttribute('value')));
      }).observe(document.body, { attributes: true, attributeFilter: ['value'], subtree: true });
    });
    const historyBefore = await page.locator('section[aria-label="Import history"] .import-report').count();
    kpisBeforeImportAll = await page.evaluate(() => window.rapport.client.call('kpis'));
    await page.locator('#import-all').click();
    await page.waitForFunction(() => window.rapport.outcomes.length === 4 && !window.rapport.busy);
    await page.waitForFunction((n) => document.querySelectorAll('section[aria-label="Import history"] .import-report').length === n + 4, historyBefore);
    importedByPage = await page.evaluate(() => window.rapport.outcomes.map((o) => [o.fileName, o.record?.format ?? o.error?.message]));
    assert(importedByPage.map((o) => o[0]).join(',') === 'shopify_customers_2024.csv,generic_orders.csv,kasse_feb.csv,typeform_nps.csv',
      `import order: ${JSON.stringify(importedByPage)}`);
    assert(importedByPage.every((o) => /_/.test(o[1] ?? '')), `formats: ${JSON.stringify(importedByPage)}`);
    const kasse = await page.evaluate(() => window.rapport.outcomes[2].record);
    assert(kasse.rows_accepted === 3 && kasse.currencies.join() === 'EUR' && kasse.first_day === '2024-02-01' && kasse.last_day === '2024-02-20',
      `kasse report: ${JSON.stringify(kasse)}`);
    const values = await page.evaluate(() => window.__stagingProgress);
    const between = values.filter((v) => v > 0 && v < 100);
    assert(between.length > 0, `no intermediate value of the overall progress bar: ${JSON.stringify(values)}`);
    assert(await page.locator('section.outcomes .import-report').count() === 4, 'four per-file reports');
    // The survey card counts the answers that matched no customer (bo@example.com is nobody's email here)
    // as the engine's unmatched_customer warnings do, and lists their lines.
    const nps = page.locator('section.outcomes .import-report', { has: page.locator('h3', { hasText: 'typeform_nps.csv' }) });
    await nps.locator('.unmatched-count dd').filter({ hasNotText: '…' }).waitFor();
    const shownUnmatched = await nps.locator('.unmatched-count dd').innerText();
    const engineUnmatched = await page.evaluate(async (id) => (await window.rapport.client.call('import_issues', { import_id: id }))
      .issues.filter((x) => x.code === 'unmatched_customer').map((x) => x.line), (await page.evaluate(() => window.rapport.outcomes[3].record.id)));
    assert(engineUnmatched.length > 0 && shownUnmatched === String(engineUnmatched.length),
      `unmatched surveys shown ${shownUnmatched}, engine ${JSON.stringify(engineUnmatched)}`);
    const listed = await nps.locator('.unmatched li').allTextContents();  // inside a closed <details>
    assert(listed.length === engineUnmatched.length && listed.every((t, i) => t.startsWith(`line ${engineUnmatched[i]}:`)),
      `unmatched list: ${JSON.stringify(listed)}`);
    assert(await page.locator('table.staging-list').count() === 0, 'imported files should leave the staging list');
    await shot('imports-after');
    return `${between.length} intermediate progress values: ${between.map((v) => Math.round(v)).join(', ')}`;
  });

  await check('next month\'s file is recognised by the saved mapping; removing the four imports gives back the KPIs from before them', async () => {
    await page.locator('#staging-input').setInputFiles({ name: 'kasse_mar.csv', mimeType: 'text/csv',
      buffer: Buffer.from('Kunde;Datum;Betrag\ncy@example.com;02.03.2024;3,00\n') });
    await page.waitForFunction(() => document.querySelector('table.staging-list tr[data-status="ready"]'));
    const platform = await stagedRow('kasse_mar.csv').locator('td.platform').innerText();
    assert(platform.includes('Kasse'), `kasse_mar.csv: ${platform}`);
    await page.getByRole('button', { name: 'Clear the list' }).click();
    // Remove the four imports of "Import all", newest first: the KPIs must be those from before it.
    const removed = [];
    for (const name of ['typeform_nps.csv', 'kasse_feb.csv', 'generic_orders.csv', 'shopify_customers_2024.csv']) {
      const cards = page.locator('section[aria-label="Import history"] .import-report');
      const before = await cards.count();
      const card = cards.filter({ has: page.locator('h3', { hasText: name }) }).first();
      page.once('dialog', (d) => d.accept());
      await card.getByRole('button', { name: 'Remove this import' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('section[aria-label="Import history"] .import-report').length === n - 1, before);
      removed.push(name);
    }
    const kpisAfter = await page.evaluate(() => window.rapport.client.call('kpis'));
    assert(JSON.stringify(kpisAfter) === JSON.stringify(kpisBeforeImportAll),
      `KPIs after removing the imports differ: ${JSON.stringify(kpisBeforeImportAll).slice(0, 300)} -> ${JSON.stringify(kpisAfter).slice(0, 300)}`);
    await shot('imports-removed');
    return `removed ${removed.join(', ')}; KPIs as before`;
  });

  await check('the segment editor: engine highlighting, autocomplete, error fix, live count, save, exclude, history, download', async () => {
    await gotoRoute('segments');
    const rule = page.locator('#segment-rule');
    const count = page.locator('.segment-count strong[data-count]');
    const countFor = async (text) => {
      await rule.fill(text);
      await page.waitForFunction((t) => document.querySelector('#segment-rule').value === t
        && document.querySelector('.rule-mirror .tok-field, .rule-mirror .tok-function') !== null
        && document.querySelector('.segment-count strong[data-count]')?.dataset.rule === t, text);
      return Number(await count.getAttribute('data-count'));
    };
    const repeat = await countFor('orders >= 2');
    assert(repeat > 0, `orders >= 2 counts ${repeat}`);
    const status = await page.locator('.segment-status').innerText();
    assert(/net revenue \(\d/.test(status), `no revenue share in: ${status}`);
    assert(await page.locator('.rule-mirror .tok-operator').count() === 1, 'the operator is not highlighted');
    await page.locator('main .vt-wrap a[href^="#/customer/"]').first().waitFor();  // the sample links to the customer pages
    // An error: underlined at its position, the suggestion one click away.
    await rule.fill('oders >= 2');
    const fix = page.locator('.rule-fix button');
    await fix.waitFor();
    assert((await page.locator('.rule-fix').innerText()).includes('did you mean `orders`?'), 'no suggestion');
    assert(await page.locator('.rule-mirror .tok-err').innerText() === 'oders', 'the error is not underlined at `oders`');
    await shot('segments-error');
    await fix.click();
    assert(await rule.inputValue() === 'orders >= 2', `the fix gave ${await rule.inputValue()}`);
    await page.locator('.rule-fix button').waitFor({ state: 'detached' });
    // Autocomplete: an ARIA combobox driven by the keyboard.
    await rule.fill('');
    await rule.focus();
    await page.keyboard.type('last_or');
    const list = page.locator('#segment-rule-list');
    await list.locator('[role="option"]').first().waitFor();
    assert(await rule.getAttribute('aria-expanded') === 'true', 'aria-expanded is not true with the list open');
    assert((await rule.getAttribute('aria-activedescendant'))?.startsWith('segment-rule-list-'), 'no active option');
    await page.keyboard.press('Escape');
    assert(await rule.getAttribute('aria-expanded') === 'false', 'Escape does not close the list');
    await page.keyboard.type('d');
    await list.locator('[role="option"]').first().waitFor();
    await page.keyboard.press('Tab');
    assert(await rule.inputValue() === 'last_order_date', `Tab gave ${await rule.inputValue()}`);
    await page.keyboard.type(' < -90d AND stage = "');
    await list.locator('[role="option"]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert(/stage = "one_time"$/.test(await rule.inputValue()), `Enter on the second stage gave ${await rule.inputValue()}`);
    // Save, then exclude the saved segment from its own rule: nobody is left.
    assert(await countFor('orders >= 2') === repeat, 'the count changed');
    await page.locator('#segment-name').fill('Repeat buyers');
    await page.locator('form.inline button[type="submit"]', { hasText: 'Save segment' }).click();
    const saved = page.locator('.saved-segments li', { hasText: 'Repeat buyers' });
    await saved.waitFor();
    await saved.getByRole('button', { name: 'Exclude Repeat buyers from the rule' }).click();
    await page.waitForFunction(() => document.querySelector('#segment-rule').value.includes('BUT NOT in_segment("Repeat buyers")'));
    await page.waitForFunction(() => /BUT NOT in_segment/.test(document.querySelector('.segment-count strong[data-count]')?.dataset.rule ?? ''));
    assert(await count.getAttribute('data-count') === '0', `excluding the saved segment from its own rule leaves ${await count.getAttribute('data-count')}`);
    // Membership at month ends, then the audience download with a 20 % holdout.
    await countFor('orders >= 2');
    await page.locator('#segment-history').click();
    await page.locator('main figure.chart').waitFor();
    await page.locator('#segment-holdout').fill('20');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#segment-download').click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert(/^Email,/i.test(csv), `the Klaviyo CSV starts ${csv.slice(0, 40)}`);
    await page.locator('.audience-controls [aria-live]', { hasText: 'held out (20' }).waitFor();
    await shot('segments');
    // Every keystroke counts, but requests do not pile up, and they stop when the user leaves the page.
    await page.evaluate(() => {
      const post = Worker.prototype.postMessage;
      window.__segmentCalls = 0;
      window.__segmentRequests = [];
      Worker.prototype.postMessage = function (message, transfer) {
        if (message?.request?.op === 'segment') { window.__segmentCalls++; window.__segmentRequests.push(JSON.stringify(message.request) + ' @' + location.hash); }
        return post.call(this, message, transfer);
      };
    });
    await rule.fill('');
    await rule.focus();
    const typed = 'orders >= 1 AND amount_spent > 10 BUT NOT ordered_since(-30d)';
    await page.keyboard.type(typed);
    // hashchange is dispatched as a task after the hash is set: count once the page has heard it (its listener,
    // added last, runs after the editor's own, which stops it).
    const atLeave = await page.evaluate(() => new Promise((resolve) => {
      window.addEventListener('hashchange', () => resolve(window.__segmentCalls), { once: true });
      location.hash = '#/overview';
    }));
    await page.waitForTimeout(800);
    const after = await page.evaluate(() => window.__segmentCalls);
    assert(atLeave >= 1 && atLeave <= typed.length, `${atLeave} segment calls for ${typed.length} keystrokes`);
    assert(after === atLeave, `${after - atLeave} segment calls after leaving the page: ${(await page.evaluate(() => window.__segmentRequests)).slice(atLeave).join('; ')}`);
    await page.locator('main[data-ready="overview"]').waitFor();
    return `orders >= 2: ${repeat}; ${atLeave} calls for ${typed.length} keystrokes, none after leaving`;
  });

  await check('the playbooks page shows what is due this week, its actions a page at a time from the engine', async () => {
    await gotoRoute('playbooks');
    const due = page.locator('.playbooks .due-week').first();
    await due.waitFor();
    assert(/\d+ due this week/.test(await due.innerText()), `no weekly count: ${await due.innerText()}`);
    await shot('playbooks');
    // The page's answer holds one page of actions (50), not all of them; Next asks the engine for the next page.
    const first = await page.evaluate(() => window.rapport.client.call('playbooks', { limit: 50, due_before: '+7d' }));
    assert(first.actions.length === Math.min(50, first.actions_total), `${first.actions.length} actions of ${first.actions_total} in the first page`);
    const rows = await page.locator('main section.actions tbody tr').count();
    assert(rows === first.actions.length, `${rows} rows shown for ${first.actions.length} actions`);
    let paged = 'one page';
    if (first.actions_total > 50) {
      await page.locator('main section.actions button', { hasText: 'Next' }).click();
      await page.locator('main section.actions .page-range', { hasText: 'rows 51–' }).waitFor();
      const second = await page.evaluate(() => window.rapport.client.call('playbooks', { limit: 50, due_before: '+7d', offset: 50 }));
      const shown = await page.locator('main section.actions tbody tr').first().innerText();
      assert(shown.includes(second.actions[0].email || String(second.actions[0].customer)), `page 2 starts with ${shown}, the engine says ${JSON.stringify(second.actions[0])}`);
      paged = `page 2 from offset 50 of ${first.actions_total}`;
    } else {
      assert(await page.locator('main section.actions button', { hasText: 'Next' }).isDisabled(), 'Next is enabled on the only page');
    }
    return `${(await page.locator('.playbooks .due-week strong').allInnerTexts()).join(', ')}; ${paged}`;
  });

  await check('the Playbooks and Widget pages keep small answers for the next visit (no model file, one page of actions)', async () => {
    await gotoRoute('widget');
    await page.locator('#widget-download').waitFor();
    await page.waitForTimeout(1500);  // kept answers are written a second after the last one
    const kept = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const id = window.rapport.state.id;
      const file = await (await root.getFileHandle(`ws-${id}.answers.json`)).getFile();
      return JSON.parse(await file.text()).map(([key, value]) => ({ key: JSON.parse(key), bytes: value.length, file: value.includes('bytes_base64') }));
    });
    const playbooks = kept.find((k) => k.key.op === 'playbooks' && k.key.limit === 50);
    const widget = kept.find((k) => k.key.op === 'widget_model');
    assert(playbooks, `no kept playbooks answer among ${kept.map((k) => k.key.op).join(', ')}`);
    assert(widget && widget.key.file === false && !widget.file, `the widget answer kept: ${JSON.stringify(widget)}`);
    // The file itself still downloads (fetched on the click, from the engine's kept build).
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#widget-download').click()]);
    const size = fs.statSync(await download.path()).size;
    assert(size > 16, `a model file of ${size} bytes`);
    return `playbooks ${playbooks.bytes} B, widget ${widget.bytes} B kept; model file ${size} B on download`;
  });

  await check('the worker runs the requests of the page on screen before those of a page left behind', async () => {
    const order = await page.evaluate(async () => {
      const c = window.rapport.client;
      const before = c.page;
      const done = [];
      const note = (name) => () => done.push(name);
      // Six requests for a page the merchant then leaves (distinct, so none is a kept answer), then one for the
      // page now on screen: it runs as soon as the request already running ends.
      c.focus('left-behind');
      const left = [1, 2, 3, 4, 5, 6].map((i) => c.call('funnel', { as_of: `2024-0${i}-15` }).then(note(`left${i}`), note(`left${i}`)));
      c.focus('on-screen');
      const shown = c.call('kpis', { as_of: '2024-07-15' }).then(note('shown'), note('shown'));
      await Promise.all([...left, shown]);
      c.focus(before);
      return done;
    });
    const at = order.indexOf('shown');
    assert(at >= 0 && at <= 1, `replies in the order ${order.join(', ')}`);
    assert(order.filter((o) => o.startsWith('left')).join() === 'left1,left2,left3,left4,left5,left6', `the page left behind in its own order: ${order.join(', ')}`);
    return order.join(' ');
  });

  await check('the customers page lists repeat customers and opens one customer’s whole relationship', async () => {
    await gotoRoute('customers');
    const open = page.locator('main .vt-wrap tbody a').first();
    await open.waitFor();
    await open.click();
    const detail = page.locator('main[data-ready="customer"] .customer-360');
    await detail.waitFor();
    const text = await detail.innerText();
    assert(text.length > 50, `the customer 360 is empty: ${text}`);
  });

  await check('the customers list comes from the engine a page at a time: all members scroll in, a header sorts in the engine', async () => {
    await page.evaluate(() => { location.hash = '#/customers?rule=orders%20%3E%3D%201'; });
    const wrap = page.locator('main[data-ready="customers"] .vt-wrap');
    await wrap.waitFor();
    const members = Number(await wrap.getAttribute('data-rows'));
    const caption = await wrap.locator('.vt-caption').innerText();
    assert(caption.endsWith(`(${members})`), `caption ${caption}, ${members} rows`);
    assert(members > 100, `only ${members} members: nothing to page`);
    // The end of the list: its rows are fetched (offset/limit) once they scroll into view.
    // The table redraws on the scroll event's next frame, then fetches the rows it lacks: wait for the last
    // row itself, drawn and no longer pending (the assert below says what was drawn if it never comes).
    await wrap.locator('.vt-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction((lastRow) => {
      const rows = document.querySelectorAll('main .vt-wrap tbody tr');
      const last = rows[rows.length - 1];
      return last && !document.querySelector('main .vt-wrap tbody tr.vt-pending') &&
        Number(last.getAttribute('aria-rowindex')) === lastRow;
    }, members + 1, { timeout: 20000 }).catch(() => {});
    const lastIndex = await wrap.locator('tbody tr').last().getAttribute('aria-rowindex');
    assert(Number(lastIndex) === members + 1, `the last row drawn is ${lastIndex}, of ${members} (+1 header)`);
    const lastLink = await wrap.locator('tbody tr').last().locator('a').first().getAttribute('href');
    assert(/^#\/customer\/\d+$/.test(lastLink ?? ''), `the last row links to ${lastLink}`);
    // Sorted by net spend, descending, in the engine: the first rows in that order.
    await wrap.locator('th', { hasText: 'Net spend' }).locator('button').click();
    const sorted = page.locator('main[data-ready="customers"] .vt-wrap th[aria-sort="descending"]', { hasText: 'Net spend' });
    await sorted.waitFor();
    const spend = await page.evaluate(async () => {
      const r = await window.rapport.client.call('segment', { rule: 'orders >= 1', limit: 5, sort: 'net_spend', desc: true });
      return r.rows.map((x) => x.net_spend);
    });
    for (let i = 1; i < spend.length; ++i) assert(spend[i - 1] >= spend[i], `net spend not descending: ${spend.join(', ')}`);
    const shown = await page.locator('main .vt-wrap tbody tr').first().locator('td').nth(4).innerText();
    return `${members} members; the last row fetched at the end of the list; top net spend ${spend[0]} (shown ${shown})`;
  });

  await check('a click on an RFM cell, a named RFM segment, a funnel stage or a cohort cell lists exactly its customers, and one opens the 360 view', async () => {
    // The count in the customers page's caption ("Customers matching RULE (N)" or "(first K of N)") must equal
    // the number that was clicked: the rule behind each link selects the same customers the analysis counted.
    const listed = async () => {
      const caption = page.locator('main[data-ready="customers"] .vt-wrap .vt-caption').first();
      await caption.waitFor();
      const m = /\((?:first \d[\d,]* of )?([\d,]+)\)\s*$/.exec(await caption.innerText());
      assert(m, `no count in the caption: ${await caption.innerText()}`);
      return Number(m[1].replace(/,/g, ''));
    };
    const follow = async (link) => {
      const href = await link.getAttribute('href');
      await link.click();
      await page.waitForFunction((h) => location.hash === h, href);
      return listed();
    };
    const seen = [];
    await gotoRoute('rfm');
    const cell = page.locator('main table.rfm td.rfm-cell a').first();
    const cellCount = Number((await cell.locator('.count').innerText()).replace(/,/g, ''));
    const fromCell = await follow(cell);
    assert(fromCell === cellCount, `RFM cell says ${cellCount}, its list has ${fromCell}`);
    seen.push(`RFM cell ${cellCount}`);
    await gotoRoute('rfm');
    const segRow = page.locator('main table:has(caption:text("Named segments")) tbody tr:has(a)').first();
    const segCount = Number((await segRow.locator('td').nth(1).innerText()).replace(/,/g, ''));
    const fromSegment = await follow(segRow.locator('td').first().locator('a'));
    assert(fromSegment === segCount, `RFM segment says ${segCount}, its list has ${fromSegment}`);
    seen.push(`segment ${segCount}`);
    await gotoRoute('funnel');
    const stage = page.locator('main ol.funnel li').filter({ has: page.locator('.stage-name a') }).first();
    const stageCount = Number((await stage.locator('.num').first().innerText()).split(' ')[0].replace(/,/g, ''));
    const fromStage = await follow(stage.locator('.stage-name a'));
    assert(fromStage === stageCount, `funnel stage says ${stageCount}, its list has ${fromStage}`);
    seen.push(`stage ${stageCount}`);
    await gotoRoute('cohorts');
    await page.selectOption('#cohort-metric', 'retention');  // the retention cells carry the links
    const links = page.locator('main table.cohorts tbody td a');
    await links.first().waitFor({ timeout: 10_000 }).catch(async () => {
      throw new Error(`no linked cohort cell; the page reads: ${(await page.locator('main').innerText()).slice(0, 400)}`);
    });
    const cohortLink = links.nth(Math.min(3, (await links.count()) - 1));
    const title = await cohortLink.getAttribute('title');
    const cohortCount = Number(/^([\d,]+) customers/.exec(title)[1].replace(/,/g, ''));
    const fromCohort = await follow(cohortLink);
    assert(fromCohort === cohortCount, `cohort cell says ${cohortCount} (${title}), its list has ${fromCohort}`);
    seen.push(`cohort cell ${cohortCount}`);
    await page.locator('main .vt-wrap tbody a').first().click();
    await page.locator('main[data-ready="customer"] .customer-360').waitFor();
    await shot('customer-360-from-cohort');
    return seen.join(', ');
  });

  await check('the navigation is keyboard operable with a visible focus', async () => {
    await gotoRoute('overview');
    // After a route change the page moves focus to <main>; wait for that before tabbing.
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.locator('nav a[href="#/overview"]').focus();
    await page.keyboard.press('Tab');  // a keyboard move, so :focus-visible applies
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    assert(focused === '#/imports', `Tab from Overview went to ${focused}`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    await page.keyboard.press('Enter');
    await page.locator('main[data-ready="imports"]').waitFor();
    await gotoRoute('overview');
    assert(outline !== 'none', 'no visible focus outline on navigation links');
  });

  await check('download workspace -> open workspace gives the same KPIs', async () => {
    await gotoRoute('overview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#btn-download').click()]);
    const file = path.join(kOut, 'workspace.rapport');
    await download.saveAs(file);
    const head = fs.readFileSync(file).subarray(0, 15).toString('latin1');
    assert(head === 'SQLite format 3', `not a SQLite image: ${JSON.stringify(head)}`);
    const before = await waitForKpis();
    await page.locator('#open-input').setInputFiles(file);
    await page.waitForFunction(() => document.getElementById('ws-label').textContent.includes('workspace.rapport'));
    const after = await waitForKpis();
    assert(JSON.stringify(after) === JSON.stringify(before), `KPIs differ after reopening: ${JSON.stringify(before)} vs ${JSON.stringify(after)}`);
    return `${fs.statSync(file).size} bytes`;
  });

  await check('the workspace is kept in the browser across a reload; the page answers the kept answers itself, the idle worker builds the customer facts', async () => {
    const before = await waitForKpis();
    // Pages whose answers are kept for the next visit (written a second after the last one).
    await gotoRoute('imports');
    await gotoRoute('customers');
    await gotoRoute('overview');
    // The answers are written a second after the first one not yet written; the worker says when none waits
    // (the pages' requests and those asked for ahead, the Predictions page's fit last, have all run by then).
    const saved = await page.evaluate(async () => {
      const c = window.rapport.client;
      const start = Date.now();
      for (;;) {
        const s = await c.send({ type: 'focus', page: c.page });
        if ((s.queued === 0 && !s.answersUnsaved) || Date.now() > start + 60_000) return { ...s, ms: Date.now() - start };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    assert(saved.queued === 0 && !saved.answersUnsaved, `the kept answers were not written within a minute: ${JSON.stringify(saved)}`);
    await page.goto(`${origin}/`);
    const after = await waitForKpis();
    assert(JSON.stringify(after) === JSON.stringify(before), `KPIs after reload: ${JSON.stringify(after)}`);
    // The returning visit's kept answers come with the worker's `init` reply and are answered on the page's
    // thread (a worker opening a million-customer workspace is busy for about a minute).
    await gotoRoute('imports');
    await gotoRoute('customers');
    const here = await page.evaluate(() => window.rapport.client.answeredHere.map((k) => JSON.parse(k).op));
    for (const op of ['kpis', 'imports', 'segment']) assert(here.includes(op), `"${op}" was not answered by the page (answered there: ${here.join(', ')})`);
    // So the engine built nothing for them; once the workspace is open and the queue empty, the worker runs its
    // idle work, the customer facts (worker.ts, "Idle work"), which the `focus` reply reports.
    const idle = await page.evaluate(async () => {
      const c = window.rapport.client;
      const until = Date.now() + 60_000;
      for (;;) {
        const s = await c.send({ type: 'focus', page: c.page });
        if ((!s.idleWork && s.idleSteps > 0) || Date.now() > until) return s;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    assert(!idle.idleWork && idle.idleSteps >= 1, `the idle work did not run to its end: ${JSON.stringify(idle)}`);
    return `answers written ${saved.ms} ms after the overview; answered by the page: ${here.join(', ')}; then ${idle.idleSteps} idle step(s)`;
  });

  await check('dark theme and a narrow screen render', async () => {
    await gotoRoute('overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await waitForKpis();
    await shot('overview-dark');
    await page.setViewportSize({ width: 420, height: 900 });
    await shot('overview-mobile');
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await check('the theme chosen in Settings overrides the system (dark on a light system, light on a dark one)', async () => {
    await gotoRoute('settings');
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
    const light = await bg();
    await page.locator('#setting-theme').selectOption('dark');
    const dark = await bg();
    assert(dark !== light, `--bg stayed ${light} with the dark theme chosen`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('#setting-theme').selectOption('light');
    assert(await bg() === light, `--bg is ${await bg()} with the light theme chosen on a dark system`);
    await page.locator('#setting-theme').selectOption('system');
    assert(await bg() === dark, 'the system (dark) theme did not come back');
    await page.emulateMedia({ colorScheme: 'light' });
    return `light ${light}, dark ${dark}`;
  });

  await check('rejected rows are reported and download as CSV with line, column and reason', async () => {
    await gotoRoute('overview');
    await page.locator('#file-input').setInputFiles({
      name: 'with_rejects.csv', mimeType: 'text/csv', buffer: Buffer.from(
        'Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n' +
        '#9001,ann@example.com,paid,USD,10.00,12.00,2023-05-30 10:15:00 -0500,1,Tea,10.00,TEA-1\n' +
        '#9002,bob@example.com,paid,USD,20.00,22.00,03/01/24,1,Mug,20.00,MUG-1\n'),
    });
    await waitIdle();
    const report = page.locator('.import-report').first();
    await report.waitFor();
    const text = await report.innerText();
    assert(text.includes('1 rejected'), `the report does not count the rejected row: ${text}`);
    const [download] = await Promise.all([page.waitForEvent('download'),
      report.getByRole('button', { name: /rejected rows/i }).click()]);
    const file = path.join(kOut, download.suggestedFilename());
    await download.saveAs(file);
    const csv = fs.readFileSync(file, 'utf8');
    assert(csv.startsWith('line,column,field,code,message,raw_row'), `unexpected CSV header: ${csv.slice(0, 80)}`);
    assert(/\n3,7,Created at,bad_date,/.test(csv), `the rejected row is not line 3, column 7: ${csv}`);
    return download.suggestedFilename();
  });

  await check('a workspace written by the CLI opens in the browser with identical KPIs', async () => {
    const cliFile = path.join(kRepo, 'build/demo/demo.rapport');
    const cli = path.join(kRepo, 'build/rapport');
    assert(fs.existsSync(cliFile) && fs.existsSync(cli), 'no build/demo/demo.rapport or build/rapport (make demo)');
    const json = JSON.parse(execFileSync(cli, ['kpis', cliFile, '--json'], { encoding: 'utf8' }));
    const k = json.kpis ?? json.result?.kpis ?? json;
    await gotoRoute('overview');
    await page.evaluate(() => document.getElementById('main').removeAttribute('data-ready'));
    await page.locator('#open-input').setInputFiles(cliFile);
    await page.waitForFunction(() => document.getElementById('ws-label').textContent.includes('demo.rapport'));
    const shown = await waitForKpis();
    const digits = (t) => String(t).replace(/[^0-9]/g, '');
    assert(digits(shown.customers) === String(k.customers), `customers ${shown.customers} vs CLI ${k.customers}`);
    assert(digits(shown.orders) === String(k.orders), `orders ${shown.orders} vs CLI ${k.orders}`);
    assert(digits(shown.revenue) === digits(Number(k.net_revenue).toFixed(2)), `net revenue ${shown.revenue} vs CLI ${k.net_revenue}`);
    return `customers ${k.customers}, orders ${k.orders}, net revenue ${k.net_revenue}`;
  });

  await check('settings: a change is stored and recomputed in the worker while the page stays responsive', async () => {
    await gotoRoute('settings');
    await page.locator('#setting-churn_window_days').fill('120');
    const stalls = await page.evaluate(async () => {
      // Count long main-thread stalls while the worker recomputes.
      let worst = 0;
      let last = performance.now();
      let running = true;
      const tick = () => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; if (running) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      document.querySelector('form.settings button[type="submit"]').click();
      while (!document.querySelector('form.settings .badge.ok, form.settings .error')) await new Promise((r) => setTimeout(r, 20));
      running = false;
      return worst;
    });
    const text = await page.locator('form.settings [aria-live]').innerText();
    assert(text.includes('Saved'), `settings not saved: ${text}`);
    const stored = await page.evaluate(() => window.rapport.client.call('settings_get'));
    assert(stored.churn_window_days === 120, `stored churn window ${stored.churn_window_days}`);
    await shot('page-settings-saved');
    return `worst frame gap ${Math.round(stalls)} ms; ${text.replace(/\s+/g, ' ').trim()}`;
  });

  await check('a settings change is written into the stored workspace file itself (no journal beside it) and is there after a reload', async () => {
    const files = await opfsFiles(page);
    const image = Object.entries(files).find(([name]) => /^ws-.*\.rapport$/.test(name));
    assert(image && image[1] > 0, `no stored workspace among ${JSON.stringify(files)}`);
    assert(!Object.keys(files).some((name) => name.endsWith('.journal.json') || name.endsWith('.tmp')), `a journal or temporary file: ${JSON.stringify(files)}`);
    // SQLite's rollback journal is emptied at each commit.
    assert(files[`${image[0]}-journal`] === 0, `rollback journal of ${files[`${image[0]}-journal`]} bytes after the commit`);
    await page.goto(`${origin}/`);
    await waitForKpis();
    const stored = await page.evaluate(() => window.rapport.client.call('settings_get'));
    assert(stored.churn_window_days === 120, `churn window ${stored.churn_window_days} after the reload`);
    return `${image[0]}: ${image[1]} bytes, its journal empty`;
  });

  await check('a settings journal kept by an earlier version beside the workspace is folded into it once, then removed', async () => {
    const settings = await page.evaluate(() => window.rapport.client.call('settings_get'));
    const id = await page.evaluate(() => window.rapport.workspaces().then((w) => w.current));
    assert(id, 'no stored workspace is open');
    // What an earlier version wrote: the latest of each mutating request since the image was last written.
    await page.evaluate(async ([name, text]) => {
      const root = await navigator.storage.getDirectory();
      const writable = await (await root.getFileHandle(name, { create: true })).createWritable();
      await writable.write(text);
      await writable.close();
    }, [`ws-${id}.journal.json`, JSON.stringify([{ op: 'settings_set', settings: { ...settings, churn_window_days: 121 } }])]);
    // Drop the kept answers (after the worker's last write of them, a second after its last answer), so the
    // next visit reads the workspace.
    await page.waitForTimeout(1500);
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      for await (const name of root.keys()) if (name.endsWith('.answers.json')) await root.removeEntry(name);
    });
    await page.goto(`${origin}/`);
    await waitForKpis();
    const folded = await page.evaluate(() => window.rapport.client.call('settings_get'));
    assert(folded.churn_window_days === 121, `churn window ${folded.churn_window_days} after opening with the old journal`);
    const files = await opfsFiles(page);
    assert(!(`ws-${id}.journal.json` in files), `the old journal is still there: ${JSON.stringify(files)}`);
    // And it is in the workspace file now: a second reload reads it from there.
    await page.goto(`${origin}/`);
    await waitForKpis();
    const again = await page.evaluate(() => window.rapport.client.call('settings_get', { fresh_read: Date.now() }));
    assert(again.churn_window_days === 121, `churn window ${again.churn_window_days} after a second reload`);
  });

  await check('workspaces survive a browser restart (same user-data-dir), can be switched, and "delete everything" deletes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-e2e-'));
    const launch = () => launchProfile(dir);
    let ctx = await launch();
    let p = ctx.pages()[0] ?? await ctx.newPage();
    p.setDefaultTimeout(kTimeout);
    await p.goto(`${origin}/`);
    await p.locator('main[data-ready="overview"]').waitFor();
    await p.evaluate(() => document.getElementById('main').removeAttribute('data-ready'));
    await p.locator('#open-input').setInputFiles(path.join(kOut, 'workspace.rapport'));
    await p.waitForFunction(() => document.getElementById('ws-label').textContent.includes('workspace.rapport'));
    await p.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    const first = await p.locator('[data-kpi="customers"] .kpi-value').innerText();
    const cliFile = path.join(kRepo, 'build/demo/demo.rapport');
    await p.locator('#open-input').setInputFiles(cliFile);
    await p.waitForFunction(() => document.getElementById('ws-label').textContent.includes('demo.rapport'));
    await ctx.close();
    // Restart: the last workspace opens, the first is one switch away.
    ctx = await launch();
    p = ctx.pages()[0] ?? await ctx.newPage();
    p.setDefaultTimeout(kTimeout);
    await p.goto(`${origin}/`);
    await p.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    const timing = await p.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      kpis: performance.now(),
    }));
    assert((await p.locator('#ws-label').innerText()).includes('demo.rapport'), 'the last workspace did not reopen after a restart');
    {
      const started = Date.now();
      await p.evaluate(() => { location.hash = '#/settings'; });
      await p.locator('main[data-ready="settings"] ul.workspaces').waitFor();
      timing.switchSettings = Date.now() - started;
    }
    const count = await p.locator('ul.workspaces li').count();
    assert(count === 2, `${count} workspaces listed after the restart`);
    // The page read that list itself (OPFS index.json, never waiting for a busy worker): the worker's own list.
    const lists = await p.evaluate(async () => {
      const ids = (l) => l.map((w) => `${w.id}:${w.label}`).sort().join(',');
      const own = await window.rapport.client.storedWorkspaces();
      const shown = await window.rapport.workspaces();
      const worker = await window.rapport.client.send({ type: 'workspaces' });
      return { own: own ? ids(own) : null, shown: ids(shown.workspaces), worker: ids(worker.workspaces), current: shown.current, workerCurrent: worker.current };
    });
    assert(lists.own !== null && lists.own === lists.worker && lists.shown === lists.worker && lists.current === lists.workerCurrent,
      `the page's own list of workspaces differs from the worker's: ${JSON.stringify(lists)}`);
    await p.evaluate(() => document.getElementById('main').removeAttribute('data-ready'));
    await p.locator('ul.workspaces li[data-label="workspace.rapport"]').getByRole('button', { name: 'Switch to' }).click();
    await p.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    await p.waitForFunction(() => document.getElementById('ws-label').textContent.includes('workspace.rapport'));
    const again = await p.locator('[data-kpi="customers"] .kpi-value').innerText();
    assert(again === first, `customers ${again} after switching back, ${first} before`);
    for (const route of ['cohorts', 'funnel', 'overview']) {
      const started = Date.now();
      await p.evaluate((r) => { location.hash = `#/${r}`; }, route);
      await p.locator(`main[data-ready="${route}"]`).waitFor();
      timing[`switch_${route}`] = Date.now() - started;
    }
    await p.evaluate(() => { location.hash = '#/settings'; });
    await p.locator('main[data-ready="settings"] #btn-delete-everything').waitFor();
    p.once('dialog', (d) => d.accept());
    await p.locator('#btn-delete-everything').click();
    await p.waitForFunction(() => document.getElementById('ws-label').textContent.includes('Empty') || document.getElementById('ws-label').textContent.includes('Demo'));
    const left = await p.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const names = [];
      for await (const k of root.keys()) names.push(k);
      const dbs = (await indexedDB.databases()).map((d) => d.name);
      return { names, dbs, local: localStorage.length };
    });
    assert(left.names.length === 0 && left.dbs.length === 0 && left.local === 0, `left behind: ${JSON.stringify(left)}`);
    await ctx.close();
    ctx = await launch();
    p = ctx.pages()[0] ?? await ctx.newPage();
    await p.goto(`${origin}/`);
    await p.locator('main[data-ready="overview"]').waitFor();
    const label = await p.locator('#ws-label').innerText();
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
    assert(!label.includes('rapport'), `a workspace came back after "delete everything": ${label}`);
    perf = timing;
    return `returning visit: first contentful paint ${Math.round(timing.fcp)} ms, KPIs shown at ${Math.round(timing.kpis)} ms; page switch: ` +
      `cohorts ${timing.switch_cohorts} ms, funnel ${timing.switch_funnel} ms, overview ${timing.switch_overview} ms, settings ${timing.switchSettings} ms`;
  });

  await check('an import interrupted by closing the tab leaves the stored workspace as it was; a full storage quota is reported and loses nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-e2e-'));
    const ctx = await launchProfile(dir);
    try {
      let p = ctx.pages()[0] ?? await ctx.newPage();
      p.setDefaultTimeout(kTimeout);
      const kpis = async () => {
        await p.locator('main[data-ready="overview"]:not([data-stale]) [data-kpi="customers"] .kpi-value').waitFor();
        return JSON.stringify(await p.locator('[data-kpi] .kpi-value').allInnerTexts());
      };
      // A request no kept answer serves (the extra member), so the engine reads the workspace.
      const imports = () => p.evaluate(() => window.rapport.client.call('imports', { fresh_read: Date.now() }).then((r) => r.imports.length));
      // A returning visit. The answers kept between visits would show the old KPIs without reading the
      // workspace: drop them first (from a page of the same origin that does not open the workspace), so the
      // engine answers from the stored file.
      const reopen = async () => {
        await p.goto(`${origin}/not-the-dashboard`);  // a 404 of the same origin
        await p.evaluate(async () => {
          const root = await navigator.storage.getDirectory();
          for await (const name of root.keys()) if (name.endsWith('.answers.json')) await root.removeEntry(name);
        });
        await p.goto(`${origin}/`);
      };
      await p.goto(`${origin}/?chunk=65536`);
      await p.locator('main[data-ready="overview"]').waitFor();
      await p.evaluate(() => document.getElementById('main').removeAttribute('data-ready'));
      await p.locator('#open-input').setInputFiles(path.join(kOut, 'workspace.rapport'));
      await p.waitForFunction(() => document.getElementById('ws-label').textContent.includes('workspace.rapport'));
      const before = await kpis();
      const importsBefore = await imports();
      assert(importsBefore >= 1, `${importsBefore} imports in the opened workspace`);
      const stored = Object.entries(await opfsFiles(p)).find(([name]) => /^ws-.*\.rapport$/.test(name));

      // Close the tab while an export of 190,000 one-line orders is being imported into that workspace: past
      // 25,000 orders the engine writes its first slice (core/api/engine.h, kImportSliceOrders) inside the import's
      // transaction, so SQLite's journal holds pages by then; the tab is closed as soon as it does.
      const rows = ['Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku'];
      for (let n = 0; n < 190000; ++n) {
        const price = (10 + (n % 17)).toFixed(2);
        rows.push(`#S${n},s${n % 20000}@example.com,paid,USD,${price},${price},2025-0${1 + (n % 9)}-1${n % 10} 10:15:00 -0500,1,Item ${n % 40},${price},SKU-${n % 40}`);
      }
      const sliced = path.join(kOut, 'sliced_orders.csv');
      fs.writeFileSync(sliced, rows.join('\n') + '\n');
      await p.locator('#file-input').setInputFiles(sliced);
      const journalName = `${stored[0]}-journal`;
      // Well past the first slices (25,000 orders each, of 190,000), with the journal holding pages.
      let at = 0;
      let journalAtClose = 0;
      for (const started = Date.now(); !(at >= 54 && journalAtClose > 0);) {
        assert(Date.now() - started < kTimeout, `the import never reached its first slice (at ${at} %)`);
        ({ at, journal: journalAtClose } = await p.evaluate(async (name) => {
          const root = await navigator.storage.getDirectory();
          return {
            at: Math.round(Number(document.getElementById('progress-bar').getAttribute('value') ?? 0)),
            journal: (await (await root.getFileHandle(name)).getFile()).size,
          };
        }, journalName));
      }
      await p.close();
      p = await ctx.newPage();
      p.setDefaultTimeout(kTimeout);
      await reopen();
      const after = await kpis();
      assert(after === before, `KPIs after the interrupted import: ${after}, before: ${before}`);
      assert(await imports() === importsBefore, `${await imports()} imports after the interrupted import, ${importsBefore} before`);
      const files = await opfsFiles(p);
      // The journal is emptied by a rollback, or, when the import had not yet written into the database file
      // (its pages were still in SQLite's cache), left as it is: its header then starts with zeros (written
      // before the journal is synced), which SQLite reads as "not hot" and overwrites with the next change.
      const journalHead = await p.evaluate(async (name) => {
        const root = await navigator.storage.getDirectory();
        return [...new Uint8Array(await (await (await root.getFileHandle(name)).getFile()).slice(0, 4).arrayBuffer())];
      }, journalName);
      assert(files[journalName] === 0 || journalHead.every((b) => b === 0), `a hot journal of ${files[journalName]} bytes is left after reopening (${journalHead})`);

      // A quota just above what is stored: the import fails with a clear message and the workspace stays.
      const cdp = await ctx.newCDPSession(p);
      const usage = await p.evaluate(async () => (await navigator.storage.estimate()).usage);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 256 * 1024 });
      await p.locator('#file-input').setInputFiles(kDemoCsv);
      const error = p.locator('.import-error').first();
      await error.waitFor();
      const message = await error.innerText();
      assert(/storage .*full/i.test(message), `no quota message: ${message}`);
      await p.waitForFunction(() => window.rapport && !window.rapport.busy);
      // No room for the download's copy either: the workspace file itself is handed out, whole.
      const [download] = await Promise.all([p.waitForEvent('download'), p.locator('#btn-download').click()]);
      const downloaded = path.join(kOut, 'workspace-quota.rapport');
      await download.saveAs(downloaded);
      const afterDownload = await opfsFiles(p);
      const storedSize = afterDownload[stored[0]];
      assert(!(`${stored[0]}.download` in afterDownload), 'a copy was made for the download although the quota had no room for it');
      assert(fs.readFileSync(downloaded).subarray(0, 15).toString('latin1') === 'SQLite format 3' && fs.statSync(downloaded).size === storedSize,
        `the download under a full quota: ${fs.statSync(downloaded).size} bytes, the stored file ${storedSize}`);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      assert(await imports() === importsBefore, `${await imports()} imports after the failed import`);
      await reopen();
      const reopened = await kpis();
      assert(reopened === before, `KPIs after the quota failure and a reload: ${reopened}`);

      // A second tab while this one holds the workspace: it says so (the access handles are exclusive) and
      // this one keeps working.
      const p2 = await ctx.newPage();
      p2.setDefaultTimeout(kTimeout);
      await p2.goto(`${origin}/`);
      await p2.waitForFunction(() => document.body.innerText.includes('open in another tab'));
      await p2.close();
      assert(await imports() === importsBefore, 'the first tab stopped answering after the second one tried to open the workspace');

      // A new workspace whose first import is cut short by a closed tab leaves no file behind: the next visit
      // removes what the index does not list.
      await p.evaluate(() => window.rapport.reset());
      await p.locator('#file-input').setInputFiles(sliced);
      await p.waitForFunction(() => Number(document.getElementById('progress-bar').getAttribute('value') ?? 0) >= 20);
      const during = Object.keys(await opfsFiles(p));
      const orphan = during.find((name) => /^ws-.*\.rapport$/.test(name) && name !== stored[0]);
      assert(orphan, `no new workspace file during the import: ${during.join(', ')}`);
      await p.close();
      p = await ctx.newPage();
      p.setDefaultTimeout(kTimeout);
      await p.goto(`${origin}/`);
      await p.locator('main[data-ready="overview"]').waitFor();
      const left = Object.keys(await opfsFiles(p));
      assert(!left.some((name) => name.startsWith(orphan)), `the cut-short workspace is still stored: ${left.join(', ')}`);
      return `closed at ${at} % of the import (rollback journal ${journalAtClose} bytes then, ${files[journalName]} after reopening, not hot); a second tab refused; ${orphan} removed after a cut-short first import; quota: ${message.replace(/\s+/g, ' ').slice(0, 90)}`;
    } finally {
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await check('without OPFS sync access handles the workspace is kept in IndexedDB as an image: import, settings, reload, download', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-e2e-'));
    const ctx = await launchProfile(dir);
    try {
      // A browser without createSyncAccessHandle: the worker's script runs with it removed.
      await ctx.route('**/worker.js', async (route) => {
        const response = await route.fetch();
        const body = 'delete FileSystemFileHandle.prototype.createSyncAccessHandle;\n' + await response.text();
        await route.fulfill({ response, body });
      });
      const p = ctx.pages()[0] ?? await ctx.newPage();
      p.setDefaultTimeout(kTimeout);
      const kpis = async () => {
        await p.locator('main[data-ready="overview"]:not([data-stale]) [data-kpi="customers"] .kpi-value').waitFor();
        return JSON.stringify(await p.locator('[data-kpi] .kpi-value').allInnerTexts());
      };
      await p.goto(`${origin}/?fresh=1`);
      await p.locator('main[data-ready="overview"]').waitFor();
      await p.evaluate(() => document.getElementById('main').removeAttribute('data-ready'));
      await p.locator('#file-input').setInputFiles(kDemoCsv);
      await p.locator('.import-report').first().waitFor();
      const storage = await p.evaluate(() => window.rapport.workspaces().then((w) => w.storage));
      assert(storage === 'indexeddb', `storage ${storage}`);
      const settings = await p.evaluate(() => window.rapport.client.call('settings_get'));
      await p.evaluate((s) => window.rapport.client.call('settings_set', { settings: { ...s, churn_window_days: 150 } }), settings);
      await p.goto(`${origin}/not-the-dashboard`);  // a 404 of the same origin: drop the kept answers
      const opfs = await p.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const names = [];
        for await (const name of root.keys()) names.push(name);
        return names;
      });
      assert(opfs.length === 0, `OPFS entries without sync access handles: ${opfs.join(', ')}`);
      await p.goto(`${origin}/`);
      const before = await kpis();
      const stored = await p.evaluate(() => window.rapport.client.call('settings_get'));
      assert(stored.churn_window_days === 150, `churn window ${stored.churn_window_days} after the reload`);
      const [download] = await Promise.all([p.waitForEvent('download'), p.locator('#btn-download').click()]);
      const file = path.join(kOut, 'workspace-indexeddb.rapport');
      await download.saveAs(file);
      assert(fs.readFileSync(file).subarray(0, 15).toString('latin1') === 'SQLite format 3', 'the download is not a SQLite file');
      return `KPIs ${before}; download ${fs.statSync(file).size} bytes`;
    } finally {
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await check('no script errors on the page', async () => {
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });

  await check('no request left the served origin', async () => {
    assert(requests.length > 0, 'no requests recorded');
    assert(foreign.length === 0, `requests to other origins: ${foreign.join(', ')}`);
    return `${requests.length} requests, all to ${origin}`;
  });
} finally {
  await browser.close();
  server.close();
}

// The README screenshot: the demo store's overview (every KPI filled), else the overview after the import.
const chosen = [hasDemo && 'page-overview.png', hasDemo && 'overview-demo.png', 'overview.png', 'overview-empty.png']
  .filter(Boolean).map((f) => path.join(kOut, f)).find((f) => fs.existsSync(f)) ?? null;
if (chosen) {
  fs.mkdirSync(path.join(kRepo, 'docs'), { recursive: true });
  fs.copyFileSync(chosen, path.join(kRepo, 'docs/screenshot.png'));
}
if (perf) fs.writeFileSync(path.join(kOut, 'perf.json'), JSON.stringify(perf, null, 2));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
