// Keystroke benchmark of the segment editor in headless Chromium (playwright-core, /usr/bin/chromium):
//   node bench/segment_keystroke.mjs [--dist web/dist] [--open WS.rapport] [--delay 60] [--rules N]
// Opens the dashboard (the demo store, or WS.rapport through "Open workspace"), goes to #/segments and types
// five-clause rules one key at a time (`--delay` ms between keys, default 60: a fast typist), the way a
// merchant does. Every key re-counts through the engine worker (parse + count + tokens). It records, on the
// page's main thread, long tasks (PerformanceObserver 'longtask', > 50 ms) and the gaps between animation
// frames (a gap > 2 frames of 16.7 ms is a dropped frame), and from the "segment" replies the time from the
// key to the count on screen. Prints one summary line per measure; bench/RESULTS.md (Segments) records runs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { serve } from '../web/serve.mjs';

const kRepo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const kDist = path.resolve(arg('dist', path.join(kRepo, 'web/dist')));
const kOpen = arg('open', '');
const kDelay = Number(arg('delay', '60'));
const kRules = [
  'orders >= 2 AND amount_spent > 100 AND last_order_date < -90d BUT NOT tags CONTAINS "vip" OR country IN ("US", "CA")',
  'number_of_orders >= 2 AND aov BETWEEN 20 AND 120 AND rfm_r >= 3 AND accepts_marketing = true AND NOT stage = "lapsed"',
  'bought("DF-CHK-04") OR bought("DF-CHK-12") AND ordered_since(-180d) BUT NOT bought_in("Treats") AND orders >= 2',
].slice(0, Number(arg('rules', '3')));

if (!fs.existsSync(path.join(kDist, 'index.html'))) {
  console.error(`segment_keystroke: no built dashboard in ${kDist} (make web)`);
  process.exit(1);
}
const server = await serve(kDist, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const pct = (values, p) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.setDefaultTimeout(600_000);
  await page.goto(`${origin}/?fresh=1`);
  await page.locator('main[data-ready="overview"]').waitFor();
  if (kOpen) {
    await page.locator('#open-input').setInputFiles(kOpen);
    await page.waitForFunction(() => window.rapport && !window.rapport.busy && window.rapport.state.source !== 'demo');
  }
  await page.evaluate(() => { location.hash = '#/segments'; });
  await page.locator('main[data-ready="segments"]').waitFor();
  const customers = await page.evaluate(async () => (await window.rapport.client.call('segment', { rule: 'orders >= 0 OR NOT orders >= 0', limit: 0 })).customers);
  // Warm up (the segment columns are built once per workspace), then start recording.
  const warm = Date.now();
  await page.evaluate(async () => window.rapport.client.call('segment', { rule: 'orders >= 1', limit: 0 }));
  const warmMs = Date.now() - warm;
  await page.evaluate(() => {
    window.__bench = { longTasks: [], frames: [], replies: [] };
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (t) => { window.__bench.frames.push(t - last); last = t; window.__bench.raf = requestAnimationFrame(tick); };
    window.__bench.raf = requestAnimationFrame(tick);
    const call = window.rapport.client.call.bind(window.rapport.client);
    window.rapport.client.call = async (op, params) => {
      const t0 = performance.now();
      const r = await call(op, params);
      if (op === 'segment') window.__bench.replies.push(performance.now() - t0);
      return r;
    };
  });
  const rule = page.locator('#segment-rule');
  let keys = 0;
  for (const text of kRules) {
    await rule.fill('');
    await rule.focus();
    await page.keyboard.type(text, { delay: kDelay });
    keys += text.length;
    await page.waitForFunction((t) => {
      const m = document.querySelector('.segment-count strong[data-count]');
      return m && m.dataset.rule === t;
    }, text);
    await page.waitForTimeout(300);
  }
  const r = await page.evaluate(() => { cancelAnimationFrame(window.__bench.raf); return window.__bench; });
  const frames = r.frames.slice(1);
  const dropped = frames.filter((f) => f > 2 * 16.7).length;
  console.log(`segment_keystroke: ${customers} customers, ${keys} keys at ${kDelay} ms, ${kRules.length} five-clause rules`);
  console.log(`  first count (segment columns built once): ${warmMs} ms`);
  console.log(`  segment calls ${r.replies.length} (coalesced from ${keys} keys): reply median ${pct(r.replies, 0.5).toFixed(1)} ms, p95 ${pct(r.replies, 0.95).toFixed(1)} ms, max ${Math.max(...r.replies).toFixed(1)} ms`);
  console.log(`  main thread: ${r.longTasks.length} long tasks (> 50 ms)${r.longTasks.length ? `, longest ${Math.max(...r.longTasks).toFixed(0)} ms` : ''}`);
  console.log(`  frames: ${frames.length}, gap median ${pct(frames, 0.5).toFixed(1)} ms, p99 ${pct(frames, 0.99).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms, ${dropped} gaps > 33 ms`);
} finally {
  await browser.close();
  server.close();
}
