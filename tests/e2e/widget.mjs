// End-to-end test of the storefront widget in headless Chromium (playwright-core, Debian's /usr/bin/chromium):
//   node tests/e2e/widget.mjs [--dist web/dist] [--keep]
// Serves web/dist (the demo store is web/dist/store/, built by widget/build.mjs) with web/serve.mjs, whose
// Content-Security-Policy has 'wasm-unsafe-eval' and NOT 'unsafe-eval', and checks: recommendations render in a
// Shadow DOM within the time budget; keyboard navigation with a visible focus; no layout shift (CLS from a
// PerformanceObserver); nothing in any storage without consent; a tracked purchase gives a review prompt on a
// visit N days later (page.clock), once, and its dismissal sticks; withdrawing consent erases what was stored;
// a corrupted or truncated model renders nothing with exactly one console warning and the host page intact; no
// request leaves the origin; the size budget; the dashboard's Widget page (download, snippet, preview iframe) when
// web/dist holds the dashboard. Screenshots: tests/e2e/out/widget-*.png.
// Prints one line per check and a final "N passed, N failed"; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

import { kStoreCsp, serve } from '../../web/serve.mjs';

const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argValue = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const kDist = path.resolve(argValue('dist', path.join(kRepo, 'web/dist')));
const kStore = path.join(kDist, 'store');
const kOut = path.join(kRepo, 'tests/e2e/out');
const kDay = 86_400_000;

let passed = 0;
let failed = 0;
async function check(name, fn) {
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

if (!fs.existsSync(path.join(kStore, 'index.html')) || !fs.existsSync(path.join(kStore, 'rapport-widget.wasm'))) {
  console.log(`tests/e2e/widget: no demo store in ${kStore} (run: make web)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
fs.mkdirSync(kOut, { recursive: true });
const productPages = fs.readdirSync(path.join(kStore, 'p')).filter((f) => f.endsWith('.html')).sort();
const firstSku = productPages[0].replace(/\.html$/, '');
const secondSku = productPages[Math.min(1, productPages.length - 1)].replace(/\.html$/, '');

const server = await serve(kDist, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--disable-features=OptimizationHints,Translate,MediaRouter',
    '--disable-domain-reliability', '--no-pings', '--metrics-recording-only'],
});

const foreign = [];
const isLocal = (url) => url.startsWith(origin + '/') || url === origin || url.startsWith('data:') || url.startsWith('blob:');

// Runs in every page before its scripts: layout shifts, long tasks and CSP violations, recorded for the test.
const kProbe = () => {
  window.__probe = { cls: 0, shifts: 0, longTasks: 0, csp: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) { window.__probe.cls += entry.value; window.__probe.shifts++; }
    }
  }).observe({ type: 'layout-shift', buffered: true });
  try { new PerformanceObserver((list) => { window.__probe.longTasks += list.getEntries().length; }).observe({ type: 'longtask', buffered: true }); } catch {}
  document.addEventListener('securitypolicyviolation', (e) => window.__probe.csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

/** A fresh browser context (empty storage) with the origin guard, console and error capture. */
async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.on('request', (request) => { if (!isLocal(request.url())) foreign.push(request.url()); });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const log = { warnings: [], errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'warning') log.warnings.push(m.text());
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (error) => log.errors.push(String(error)));
  await page.addInitScript(kProbe);
  if (options.clock) await page.clock.install({ time: options.clock });
  return { context, page, log };
}

const recsCount = (page) => page.evaluate(() => {
  const slot = document.querySelector('[data-rapport-recs]');
  return slot?.shadowRoot ? slot.shadowRoot.querySelectorAll('a[href]').length : -1;
});
async function waitForRecs(page, n = 1) {
  await page.waitForFunction((min) => {
    const slot = document.querySelector('[data-rapport-recs]');
    return (slot?.shadowRoot?.querySelectorAll('a[href]').length ?? 0) >= min;
  }, n, { timeout: 20_000 });
}
const storage = (page) => page.evaluate(async () => ({
  local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie,
  idb: (await indexedDB.databases?.() ?? []).map((d) => d.name),
}));
const storeUrl = (p) => `${origin}/store/${p}`;

try {
  await check('the store is served with a CSP without unsafe-eval', async () => {
    const res = await fetch(storeUrl('index.html'));
    const csp = res.headers.get('content-security-policy') ?? '';
    assert(csp === kStoreCsp, 'unexpected CSP header');
    assert(!csp.includes("'unsafe-eval'") && csp.includes("'wasm-unsafe-eval'"), `CSP: ${csp}`);
    const html = await res.text();
    assert(!/<script>(?!<\/script>)|<style|style="/.test(html), 'inline script or style in the demo page');
  });

  await check('size budget: rapport-widget.js + wasm <= 25 KB gzipped', async () => {
    const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(kStore, f)), { level: 9 }).length;
    const total = gz('rapport-widget.js') + gz('rapport-widget.wasm');
    assert(total <= 25 * 1024, `${total} B`);
    return `${(gz('rapport-widget.js') / 1024).toFixed(1)} KB js + ${(gz('rapport-widget.wasm') / 1024).toFixed(1)} KB wasm gz`;
  });

  {
    const { context, page, log } = await newPage();
    await check('a product page renders 4 recommendations in a Shadow DOM (ranking time reported; its budget is measured by bench/widget_wasm_check.mjs)', async () => {
      await page.goto(storeUrl(`p/${firstSku}.html`));
      await waitForRecs(page, 4);
      const info = await page.evaluate(() => {
        const slot = document.querySelector('[data-rapport-recs]');
        const links = [...slot.shadowRoot.querySelectorAll('a[href]')];
        return { n: links.length, hrefs: links.map((a) => a.getAttribute('href')), light: slot.children.length,
          titles: links.map((a) => a.textContent), rankMs: window.rapport.stats.rankMs, loadMs: window.rapport.stats.loadMs,
          probe: window.__probe };
      });
      assert(info.n === 4, `${info.n} recommendations`);
      assert(info.light === 0, 'the widget wrote into the light DOM');
      assert(info.hrefs.every((h) => h.startsWith('/store/p/') && !h.includes(firstSku)), `links: ${info.hrefs}`);
      assert(Number.isFinite(info.rankMs) && info.rankMs >= 0, `no ranking time: ${info.rankMs}`);
      assert(info.probe.csp.length === 0, `CSP violations: ${info.probe.csp}`);
      assert(log.errors.length === 0 && log.warnings.length === 0, `console: ${[...log.errors, ...log.warnings]}`);
      await page.screenshot({ path: path.join(kOut, 'widget-product.png'), fullPage: true });
      return `ranked in ${info.rankMs.toFixed(2)} ms, loaded in ${info.loadMs.toFixed(0)} ms; ${info.titles.join(' | ')}`;
    });

    await check('no layout shift: CLS ~ 0 while the widget loads and renders', async () => {
      await page.waitForTimeout(300);
      const probe = await page.evaluate(() => window.__probe);
      assert(probe.cls < 0.01, `CLS ${probe.cls} (${probe.shifts} shifts)`);
      return `CLS ${probe.cls.toFixed(4)}, ${probe.shifts} shifts, ${probe.longTasks} long tasks on the page`;
    });

    await check('keyboard: Tab reaches the recommendations with a visible focus ring, Enter follows the link', async () => {
      let found = null;
      for (let i = 0; i < 40 && !found; ++i) {
        await page.keyboard.press('Tab');
        found = await page.evaluate(() => {
          const host = document.activeElement;
          const inner = host?.shadowRoot?.activeElement;
          if (!host?.hasAttribute('data-rapport-recs') || !inner) return null;
          const style = getComputedStyle(inner);
          return { href: inner.getAttribute('href'), outline: style.outlineStyle, width: style.outlineWidth };
        });
      }
      assert(found, 'Tab never reached a recommendation');
      assert(found.outline !== 'none' && found.width !== '0px', `focus ring: ${found.outline} ${found.width}`);
      await page.screenshot({ path: path.join(kOut, 'widget-keyboard.png') });
      await Promise.all([page.waitForURL((u) => u.pathname === found.href), page.keyboard.press('Enter')]);
      await waitForRecs(page, 4);
      return `${found.href}, outline ${found.outline} ${found.width}`;
    });

    await check('without consent nothing is stored anywhere (views and a purchase kept in memory only)', async () => {
      await page.goto(storeUrl(`p/${secondSku}.html`));
      await waitForRecs(page, 4);
      await page.click('#buy');
      await page.goto(storeUrl('index.html'));
      await waitForRecs(page, 4);
      const s = await storage(page);
      const state = await context.storageState();
      assert(s.local.length === 0 && s.session.length === 0 && s.cookie === '' && s.idb.length === 0, JSON.stringify(s));
      assert(state.cookies.length === 0 && state.origins.length === 0, JSON.stringify(state));
      await page.screenshot({ path: path.join(kOut, 'widget-collection.png'), fullPage: false });
    });
    await context.close();
  }

  {
    const t0 = new Date('2026-03-02T10:00:00Z');
    const { context, page, log } = await newPage({ clock: t0 });
    let delay = 14;
    await check('with consent a purchase is stored, and a review prompt appears on a visit N days later', async () => {
      await page.goto(storeUrl(`p/${firstSku}.html`));
      await waitForRecs(page, 4);
      await page.click('#cmp-accept');
      await page.click('#buy');
      const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('rapport')));
      assert(stored?.bought?.[0]?.p === firstSku, `stored: ${JSON.stringify(stored)}`);
      assert(!JSON.stringify(stored).includes('@'), 'stored an identifier');
      // The next day: too early for a prompt.
      await page.clock.setSystemTime(new Date(t0.getTime() + kDay));
      await page.goto(storeUrl(`p/${secondSku}.html`));
      await waitForRecs(page, 4);
      assert(await page.locator('[data-rapport-review]').count() === 0, 'prompt shown a day after the purchase');
      delay = await page.evaluate(() => 14);
      await page.clock.setSystemTime(new Date(t0.getTime() + delay * kDay + 3_600_000));
      await page.goto(storeUrl('index.html'));
      await waitForRecs(page, 4);
      await page.waitForSelector('[data-rapport-review] .review', { timeout: 10_000 });
      const prompt = await page.evaluate(() => {
        const host = document.querySelector('[data-rapport-review]');
        const a = host.shadowRoot.querySelector('a');
        return { product: host.getAttribute('data-rapport-review'), href: a.getAttribute('href'), text: host.shadowRoot.textContent };
      });
      assert(prompt.product === firstSku, `prompt for ${prompt.product}`);
      assert(prompt.href === `/store/review.html?product=${encodeURIComponent(firstSku)}`, prompt.href);
      await page.screenshot({ path: path.join(kOut, 'widget-review.png') });
      return `after ${delay} days: “${prompt.text.trim().slice(0, 60)}”`;
    });

    await check('dismissing the prompt with the keyboard sticks (and it is shown at most once)', async () => {
      await page.evaluate(() => document.querySelector('[data-rapport-review]').shadowRoot.querySelector('button').focus());
      await page.keyboard.press('Enter');
      assert(await page.locator('[data-rapport-review]').count() === 0, 'the prompt is still there');
      const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('rapport')));
      assert(firstSku in stored.dismissed, 'dismissal not stored');
      await page.clock.setSystemTime(new Date(t0.getTime() + (delay + 20) * kDay));
      await page.goto(storeUrl(`p/${secondSku}.html`));
      await waitForRecs(page, 4);
      await page.waitForTimeout(200);
      assert(await page.locator('[data-rapport-review]').count() === 0, 'the prompt came back after dismissal');
    });

    await check('withdrawing consent erases what the widget stored', async () => {
      await page.click('#cmp-open');
      await page.click('#cmp-decline');
      const s = await storage(page);
      const state = await context.storageState();
      assert(!s.local.includes('rapport'), `localStorage: ${s.local}`);
      assert(state.origins.length === 0, JSON.stringify(state.origins));
      await page.reload();
      await waitForRecs(page, 4);
      assert((await storage(page)).local.length === 0, 'stored again after withdrawal');
      assert(log.errors.length === 0, `console errors: ${log.errors}`);
    });
    await context.close();
  }

  {
    const { context, page, log } = await newPage();
    await check("Shopify's Customer Privacy API: stored when it allows analytics, erased on its visitorConsentCollected 'no'", async () => {
      await page.addInitScript(() => {
        window.__allowed = true;
        window.Shopify = { customerPrivacy: { analyticsProcessingAllowed: () => window.__allowed, userCanBeTracked: () => window.__allowed } };
      });
      await page.goto(storeUrl(`p/${firstSku}.html`));
      await waitForRecs(page, 4);
      const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('rapport')));
      assert(stored?.views?.[0]?.p === firstSku, `stored: ${JSON.stringify(stored)}`);
      await page.evaluate(() => {
        window.__allowed = false;
        document.dispatchEvent(new CustomEvent('visitorConsentCollected', { detail: { analyticsAllowed: false } }));
      });
      assert((await storage(page)).local.length === 0, 'not erased');
      await page.addInitScript(() => { window.__allowed = false; });  // runs after the first: Shopify now says no
      await page.reload();
      await waitForRecs(page, 4);
      assert((await storage(page)).local.length === 0, 'stored although Shopify says no');
      assert(log.errors.length === 0 && log.warnings.length === 0, `console: ${[...log.errors, ...log.warnings]}`);
    });
    await context.close();
  }

  for (const [kind, damage] of [
    ['corrupted (one flipped byte)', (b) => { const c = Buffer.from(b); c[Math.floor(c.length / 2)] ^= 0x20; return c; }],
    ['truncated', (b) => b.subarray(0, Math.floor(b.length * 0.6))],
  ]) {
    const { context, page, log } = await newPage();
    await check(`a ${kind} model renders nothing, warns once, and leaves the page intact`, async () => {
      const good = fs.readFileSync(path.join(kStore, 'rapport-model.bin'));
      await page.route('**/store/rapport-model.bin', (route) => route.fulfill({
        status: 200, contentType: 'application/octet-stream', body: damage(good) }));
      await page.goto(storeUrl(`p/${firstSku}.html`));
      await page.waitForFunction(() => window.rapport && !Array.isArray(window.rapport));
      await page.waitForTimeout(1000);
      const n = await recsCount(page);
      assert(n <= 0, `${n} recommendations rendered`);
      const rapportWarnings = log.warnings.filter((w) => w.startsWith('rapport:'));
      assert(rapportWarnings.length === 1 && log.warnings.length === 1, `warnings: ${JSON.stringify(log.warnings)}`);
      assert(log.errors.length === 0, `errors: ${log.errors}`);
      assert(await page.locator('h1').count() === 1 && await page.isVisible('#buy'), 'host page broken');
      await page.click('#buy');
      assert((await page.textContent('#bought')).includes('Thank you'), 'the host page script stopped working');
      await page.evaluate(() => window.rapport.push(['view', { product: 'x' }]));
      if (kind.startsWith('corrupted')) await page.screenshot({ path: path.join(kOut, 'widget-corrupt.png') });
      return rapportWarnings[0];
    });
    await context.close();
  }

  if (fs.existsSync(path.join(kDist, 'index.html')) && fs.existsSync(path.join(kDist, 'rapport_engine.wasm'))) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 1400 }, acceptDownloads: true });
    context.on('request', (request) => { if (!isLocal(request.url())) foreign.push(request.url()); });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await check("the dashboard's Widget page: model download, weights, the store's own quality figures, snippet, live preview", async () => {
      await page.goto(`${origin}/#/widget`);
      await page.waitForSelector('#widget-download', { timeout: 60_000 });
      await page.frameLocator('iframe').locator('[data-rapport-recs]').first().waitFor({ timeout: 20_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#widget-download')]);
      const bytes = fs.readFileSync(await download.path());
      assert(download.suggestedFilename() === 'rapport-model.bin' && bytes.subarray(0, 4).toString() === 'RPMD', 'not a model file');
      assert((await page.textContent('#widget-snippet')).includes('data-rapport-recs'), 'no snippet');
      // The store's own offline quality (op widget_model's "quality", computed in the worker from its orders).
      const quality = await page.textContent('#widget-quality');
      assert(/hit rate@4/.test(quality) && /recall@10/.test(quality) && /\[[+−]\d\.\d{4}, [+−]\d\.\d{4}\]/.test(quality), `no quality figures: ${quality}`);
      assert(/Weights in the file: repeat \d/.test(await page.textContent('#widget-weights')), 'no weights line');
      assert(errors.length === 0, `errors: ${errors}`);
      await page.screenshot({ path: path.join(kOut, 'widget-dashboard.png'), fullPage: true });
      return `${bytes.length} bytes`;
    });
    await context.close();
  }

  await check('no request left the origin', async () => {
    assert(foreign.length === 0, `foreign requests: ${foreign.slice(0, 5).join(', ')}`);
  });
} finally {
  await browser.close();
  server.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
