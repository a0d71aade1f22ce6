// bench/browser_import.mjs FILE [--dist web/dist] [--chunk BYTES] [--timeout-min 30] [--pages] [--profile DIR]
// bench/browser_import.mjs --revisit --profile DIR --port N [--pages]
//
// Imports FILE (e.g. the slim 1M-customer export of `rapport demo --scale --slim`) through the dashboard in
// Debian's headless Chromium driven by playwright-core: the page's file picker hands the file to the Web
// Worker, which reads it with File.slice in 4 MiB chunks (the file is never held whole, nor twice) and feeds
// the wasm engine. Prints the time from picking the file to the import report (and to the KPIs of the
// overview), and the peak resident memory of the tab (the renderer processes of this browser, sampled from
// /proc every 100 ms: the worker runs inside the tab's renderer), the CPU time of the browser's processes over
// the import, and what OPFS then holds. With --pages, every page of the navigation is then opened in turn
// (time to its first, fresh and complete content, and any error it shows). Results go to stdout as JSON.
// The browser runs with a profile on disk (--profile DIR, default a new folder under the system's temporary
// folder, deleted at the end): an off-the-record context keeps OPFS in memory with a small quota, which a
// 1 GiB workspace does not fit. --revisit imports nothing: it is the returning visit of a profile kept from an
// earlier run (--profile, and the --port it printed: OPFS belongs to the origin, port included), timed to the first KPIs (kept answers) and to the engine having opened the stored
// workspace from its OPFS file (the first request no kept answer serves), with the tab's memory.
//
// The file stays where it is (generate big files under /tmp and delete them after; never commit them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../web/serve.mjs';

const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const revisit = args.includes('--revisit');
const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
if (revisit && (!option('profile', '') || !option('port', ''))) {
  console.error('--revisit needs the --profile and --port of an earlier run');
  process.exit(2);
}
if (!revisit && (!file || !fs.existsSync(file))) {
  console.error('usage: node bench/browser_import.mjs FILE [--dist web/dist] [--chunk BYTES] [--timeout-min 30]');
  process.exit(2);
}
const dist = path.resolve(option('dist', path.join(kRepo, 'web/dist')));
const chunk = Number(option('chunk', '0'));
const timeoutMs = Number(option('timeout-min', '30')) * 60_000;
const withPages = args.includes('--pages');
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`${dist}: no built dashboard (run: make web)`);
  process.exit(2);
}

// --- memory of this browser's renderers, from /proc ------------------------------------------------------
function procTable() {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const rss = Number((/VmRSS:\s+(\d+)/.exec(status) || [0, 0])[1]) * 1024;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks of 1/100 s
      table.set(Number(entry), { ppid, rss, cpu, renderer: cmd.includes('--type=renderer') });
    } catch { /* the process ended */ }
  }
  return table;
}
// The tab's memory: the largest renderer process among this node process's descendants (the page's renderer,
// its worker included), and the sum over every process of the browser.
function sample() {
  const table = procTable();
  const mine = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = table.get(p)?.ppid ?? 0, ++hops) if (p === process.pid) return true;
    return false;
  };
  let renderer = 0, total = 0, cpu = 0;
  for (const [pid, info] of table) {
    if (pid === process.pid || !mine(pid)) continue;
    total += info.rss;
    cpu += info.cpu;
    if (info.renderer) renderer = Math.max(renderer, info.rss);
  }
  return { renderer, total, cpu };
}

const server = await serve(dist, Number(option('port', '0')));
const origin = `http://127.0.0.1:${server.address().port}`;
const profile = option('profile', '') || fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-import-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1360, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--js-flags=--max-old-space-size=4096'],
});
const browser = { close: async () => { await context.close(); if (!option('profile', '')) fs.rmSync(profile, { recursive: true, force: true }); } };
await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort('blockedbyclient')));
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(timeoutMs);
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });

let peak = { renderer: 0, total: 0 };
const sampler = setInterval(() => {
  const s = sample();
  peak = { renderer: Math.max(peak.renderer, s.renderer), total: Math.max(peak.total, s.total) };
}, 100);

const result = revisit ? { revisit: profile, port: server.address().port, when: new Date().toISOString() }
  : { file: path.basename(file), bytes: fs.statSync(file).size, port: server.address().port, when: new Date().toISOString() };
try {
  if (revisit) {
    const t0 = Date.now();
    await page.goto(`${origin}/#/overview`);
    await page.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    result.kpis_s = (Date.now() - t0) / 1000;
    result.customers = await page.locator('[data-kpi="customers"] .kpi-value').innerText();
    // A request no kept answer serves waits for the stored workspace to open (columns read from the file).
    const probe = await page.evaluate(() => window.rapport.client.call('imports', { revisit_probe: 1 })
      .then((r) => JSON.stringify(r).slice(0, 120), (e) => String(e.message ?? e)));
    result.opened_s = (Date.now() - t0) / 1000;
    result.probe = probe.slice(0, 200);
    result.open_peak_renderer_mb = Math.round(peak.renderer / 1048576);
    result.cpu_s = Number(sample().cpu.toFixed(1));
    // Small changes into the big workspace: a settings change and a saved segment (pages written in place).
    for (const [name, request] of [
      ['settings_set', async () => {
        const s = await window.rapport.client.call('settings_get');
        await window.rapport.client.call('settings_set', { settings: { ...s, churn_window_days: s.churn_window_days === 180 ? 181 : 180 } });
      }],
      ['segment_save', () => window.rapport.client.call('segment_save', { name: 'bench: repeat', rule: 'orders >= 2', created: '2026-12-06T00:00:00Z' })],
    ]) {
      const t = Date.now();
      const error = await page.evaluate(`(${request.toString()})()`).then(() => '', (e) => String(e).slice(0, 200));
      result[`${name}_s`] = (Date.now() - t) / 1000;
      if (error) result[`${name}_error`] = error;
    }
    result.ok = true;
  } else {
    await page.goto(`${origin}/${chunk > 0 ? `?chunk=${chunk}` : ''}#/overview`);
    await page.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    const idle = sample();
    result.idle_renderer_mb = Math.round(idle.renderer / 1048576);
    peak = { renderer: 0, total: 0 };
    const cpu0 = idle.cpu;
    const t0 = Date.now();
    await page.locator('#file-input').setInputFiles(file);
    // The progress every 30 s (stderr): how far the import is, and the tab's memory then.
    const progress = setInterval(() => {
      page.evaluate(() => document.getElementById('progress-text')?.textContent ?? '').then((text) =>
        console.error(`${Math.round((Date.now() - t0) / 1000)} s: ${text.replace(/\s+/g, ' ').slice(0, 120)}; renderer ${Math.round(sample().renderer / 1048576)} MB`),
      () => undefined);
    }, 30_000);
    page.once('close', () => clearInterval(progress));
    const report = page.locator('.import-report, .import-error').first();
    await report.waitFor({ timeout: timeoutMs });
    result.report_s = (Date.now() - t0) / 1000;
    clearInterval(progress);
    result.report = (await report.innerText()).replace(/\s+/g, ' ').slice(0, 400);
    result.ok = await page.locator('.import-report').count() > 0;
    await page.waitForFunction(() => window.rapport && !window.rapport.busy && document.getElementById('progress').hidden,
      null, { timeout: timeoutMs });
    result.idle_after_s = (Date.now() - t0) / 1000;
    await page.evaluate(() => { location.hash = '#/overview'; });
    await page.locator('main[data-ready="overview"] [data-kpi="customers"] .kpi-value').waitFor();
    result.kpis_s = (Date.now() - t0) / 1000;
    result.customers = await page.locator('[data-kpi="customers"] .kpi-value').innerText();
    result.orders = await page.locator('[data-kpi="orders"] .kpi-value').innerText();
    result.cpu_s = Number((sample().cpu - cpu0).toFixed(1));
    result.import_peak_renderer_mb = Math.round(peak.renderer / 1048576);
    result.opfs = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const files = {};
      for await (const [name, entry] of root.entries()) if (entry.kind === 'file') files[name] = (await entry.getFile()).size;
      return { usage: (await navigator.storage.estimate()).usage, files };
    });
  }
  if (withPages) {
    // Every page of the navigation, in turn: first content, fresh content (not a kept page marked stale),
    // complete content (nothing aria-busy left), and the text of any error the page shows.
    result.pages = {};
    const routes = await page.evaluate(() => [...document.querySelectorAll('#nav a')].map((a) => a.getAttribute('href').replace('#/', '')));
    for (const route of routes) {
      const t = Date.now();
      const entry = {};
      try {
        await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
        await page.locator(`main[data-ready="${route}"]`).waitFor({ timeout: timeoutMs });
        entry.first_ms = Date.now() - t;
        await page.locator(`main[data-ready="${route}"]:not([data-stale])`).waitFor({ timeout: timeoutMs });
        entry.fresh_ms = Date.now() - t;
        await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'), null, { timeout: timeoutMs });
        entry.complete_ms = Date.now() - t;
        const errors = await page.locator('main .error, main [role="alert"]').allInnerTexts();
        if (errors.length) entry.errors = errors.map((e) => e.replace(/\s+/g, ' ').slice(0, 200));
      } catch (error) {
        entry.failed = String(error).slice(0, 300);
      }
      entry.renderer_mb = Math.round(sample().renderer / 1048576);
      result.pages[route] = entry;
      console.error(`page ${route}: ${JSON.stringify(entry)}`);
    }
  }
} catch (error) {
  result.ok = false;
  result.error = String(error).slice(0, 400);
} finally {
  clearInterval(sampler);
  result.peak_renderer_mb = Math.round(peak.renderer / 1048576);
  result.peak_browser_mb = Math.round(peak.total / 1048576);
  result.page_errors = errors.slice(0, 5);
  console.log(JSON.stringify(result));
  await browser.close();
  server.close();
}
process.exit(result.ok ? 0 : 1);
