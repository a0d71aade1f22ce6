// The dashboard's entry point: the app shell (navigation, toolbar, progress bar, drop target) and the
// hash router. The engine runs in a module Web Worker (worker.ts); this thread only renders.
import { App } from './app';
import { clear, download, h } from './dom';
import type { ProgressMessage } from './engine/protocol';
import { fmtBytes } from './format';
import { renderImports } from './views/imports';
import { renderOverview } from './views/overview';
import { askAhead, kPages, renderCustomer, renderPage } from './views/pages';
import { renderDocs } from './views/docs';
import { dataTable } from './table';
import { applyTheme } from './theme';

const app = new App(new URL('./worker.js', import.meta.url));

const kNav: { route: string; title: string }[] = [
  { route: 'overview', title: 'Overview' },
  { route: 'imports', title: 'Imports' },
  ...kPages.map((p) => ({ route: p.route, title: p.title })),
  { route: 'docs', title: 'Help' },
];

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const label = document.getElementById('ws-label') as HTMLElement;
const fileInput = document.getElementById('file-input') as HTMLInputElement;
const openInput = document.getElementById('open-input') as HTMLInputElement;
const progressBox = document.getElementById('progress') as HTMLElement;
const progressBar = document.getElementById('progress-bar') as HTMLProgressElement;
const progressText = document.getElementById('progress-text') as HTMLElement;
const overlay = document.getElementById('drop-overlay') as HTMLElement;

// Deep links: #/<page>[/<argument>][?query], e.g. #/customer/42 or #/customers?rule=orders%20>=%202.
const kHidden = ['customer'];
function parseRoute(): { name: string; arg: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const [name, ...rest] = path.split('/');
  const known = kNav.some((n) => n.route === name) || kHidden.includes(name);
  return { name: known ? name : 'overview', arg: known ? decodeURIComponent(rest.join('/')) : '', query: new URLSearchParams(query) };
}
function route(): string {
  return parseRoute().name;
}

function renderNav(): void {
  const current = route();
  clear(nav);
  nav.append(h('ul', {}, kNav.map((n) => h('li', {},
    h('a', { href: `#/${n.route}`, 'aria-current': n.route === current ? 'page' : null }, n.title)))));
}

function renderLabel(): void {
  const s = app.state;
  clear(label);
  label.append(h('span', { class: `badge ${s.source === 'demo' ? 'demo' : 'ok'}` }, s.source === 'demo' ? 'Demo' : s.source === 'empty' ? 'Empty' : 'Workspace'),
    ' ', s.label, s.persisted ? h('span', { class: 'muted' }, ' · kept in this browser') : '');
}

// Pages already shown are kept (their DOM, charts and tables included, keyed by the whole deep link) and
// put back at once on the next visit: unchanged when the workspace and settings are as they were, else
// marked stale ("Updating…") while the fresh answer is computed in the worker, then replaced. Pages with
// state of their own (imports, settings, segments, campaigns, widget) are always drawn afresh.
const kKeptPages = new Set(['overview', 'customers', 'cohorts', 'funnel', 'rfm', 'predictions', 'products', 'playbooks', 'customer', 'docs']);
const kMaxKept = 16;
const kept = new Map<string, { page: HTMLElement; inputs: string; workspace: string }>();
const workspaceKey = () => `${app.state.source}:${app.state.id ?? ''}:${app.state.label}`;
// Everything a kept page was drawn from besides the route: the workspace version, the chosen currency and
// the latest import outcomes (shown on the overview).
const pageInputs = () => `${app.version}|${app.currency}|${app.outcomes.map((o) => `${o.fileName}:${o.error?.code ?? 'ok'}`).join(',')}`;

let renderToken = 0;
async function render(): Promise<void> {
  const token = ++renderToken;
  renderNav();
  renderLabel();
  if (!app.ready) return;
  app.route = parseRoute();
  const r = app.route.name;
  app.client.focus(r);  // the worker runs this page's requests before those of pages left behind
  const key = location.hash || '#/overview';
  const started = performance.now();
  const title = `${kNav.find((n) => n.route === r)?.title ?? (r === 'customer' ? 'Customer' : 'Help')} — Rapport`;
  const previous = kKeptPages.has(r) ? kept.get(key) : undefined;
  if (previous && previous.workspace === workspaceKey()) {
    const fresh = previous.inputs === pageInputs();
    if (main.firstElementChild !== previous.page) main.replaceChildren(previous.page);
    main.setAttribute('data-ready', r);
    if (fresh) {
      main.removeAttribute('data-stale');
      performance.measure(`page:${r}`, { start: started, end: performance.now() });
      document.title = title;
      return;
    }
    main.setAttribute('data-stale', '');
    main.setAttribute('aria-busy', 'true');
    performance.measure(`page-stale:${r}`, { start: started, end: performance.now() });
  } else {
    main.removeAttribute('data-stale');
  }
  const fragment = h('div', { class: 'page' });
  const inputs = pageInputs();
  await app.prepare();
  if (token !== renderToken) return;  // the user moved on while the engine was busy: do not start this page's work
  if (r === 'overview') await renderOverview(app, fragment);
  else if (r === 'imports') await renderImports(app, fragment);
  else if (r === 'customer') await renderCustomer(app, fragment, app.route.arg);
  else if (r === 'docs') await renderDocs(app, fragment, app.route.arg);
  else await renderPage(app, kPages.find((p) => p.route === r)!, fragment);
  if (token !== renderToken) return;  // a newer render won
  main.replaceChildren(fragment);
  main.removeAttribute('data-stale');
  main.removeAttribute('aria-busy');
  main.setAttribute('data-ready', r);
  if (kKeptPages.has(r)) {
    kept.delete(key);
    kept.set(key, { page: fragment, inputs, workspace: workspaceKey() });
    if (kept.size > kMaxKept) kept.delete(kept.keys().next().value as string);
  }
  performance.measure(`page:${r}`, { start: started, end: performance.now() });
  document.title = title;
  // Once the page on screen has asked for its answers, the other pages' first ones are asked for ahead.
  if (app.state.source !== 'empty' && aheadVersion !== app.version) {
    aheadVersion = app.version;
    void askAheadWhenIdle(app.version);
  }
}
let aheadVersion = -1;

/**
 * Asks for the other pages' first answers once every request sent so far is answered: a merchant clicking
 * through at once keeps the engine busy with the pages they open, and an ahead step under way would only
 * delay them; one who stays on a page leaves the engine idle, and the others' answers are computed then.
 */
async function askAheadWhenIdle(version: number): Promise<void> {
  while (app.client.pendingCount() > 0) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (app.version !== version) return;
  }
  askAhead(app);
  app.askedAhead = version;
}

const kStageNames = { reading: 'Reading', merging: 'Merging', saving: 'Saving' } as const;
const progressLive = document.getElementById('progress-live') as HTMLElement;
let lastAnnounced = '';
app.onProgress((p: ProgressMessage | null, fileName, index, count) => {
  // Screen readers hear each stage once, not every chunk.
  const announce = index < 0 ? (lastAnnounced ? 'Import finished.' : '') : `${p ? kStageNames[p.stage] : 'Starting'} ${fileName}`;
  if (announce !== lastAnnounced) progressLive.textContent = announce;
  lastAnnounced = index < 0 ? '' : announce;
  if (index < 0) {
    progressBox.hidden = true;
    return;
  }
  progressBox.hidden = false;
  const pct = p && p.total > 0 ? (100 * p.bytes) / p.total : 0;
  progressBar.value = p?.stage === 'reading' || !p ? pct : 100;
  progressBar.setAttribute('aria-valuetext', `${Math.round(pct)} %`);
  const stage = p ? kStageNames[p.stage] : 'Starting';
  const files = count > 1 ? ` (file ${index + 1} of ${count})` : '';
  progressText.textContent = `${stage} ${fileName}${files}` + (p ? ` — ${fmtBytes(p.bytes)} of ${fmtBytes(p.total)}` : '');
});

app.onChange(() => void render());
window.addEventListener('hashchange', () => {
  void render().then(() => main.focus({ preventScroll: true }));
});

// Files: the picker, drag-and-drop anywhere on the page, and .rapport workspaces.
function takeFiles(list: FileList | null | undefined): void {
  const files = [...(list ?? [])];
  const workspaces = files.filter((f) => f.name.endsWith('.rapport'));
  const exports = files.filter((f) => !f.name.endsWith('.rapport'));
  if (workspaces.length) void app.openWorkspace(workspaces[0]);
  else if (exports.length && app.stageFiles && app.route.name === 'imports') app.stageFiles(exports);
  else if (exports.length) void app.importFiles(exports);
}
fileInput.addEventListener('change', () => { takeFiles(fileInput.files); fileInput.value = ''; });
openInput.addEventListener('change', () => { takeFiles(openInput.files); openInput.value = ''; });

let dragDepth = 0;
const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
document.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth++;
  overlay.hidden = false;
});
document.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer!.dropEffect = 'copy';
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.hidden = true;
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  takeFiles(e.dataTransfer?.files);
});

document.getElementById('btn-import')!.addEventListener('click', () => fileInput.click());
document.getElementById('btn-open')!.addEventListener('click', () => openInput.click());
document.getElementById('btn-cancel')!.addEventListener('click', () => void app.cancelImport());
document.getElementById('btn-download')!.addEventListener('click', async () => {
  const bytes = await app.downloadWorkspace();
  const name = app.state.source === 'demo' ? 'demo' : 'workspace';
  download(`${name}-${new Date().toISOString().slice(0, 10)}.rapport`, bytes, 'application/octet-stream');
});
document.getElementById('btn-reset')!.addEventListener('click', () => {
  if (confirm('Start a new, empty workspace? Workspaces kept in this browser stay available under Settings → Workspaces.')) {
    void app.reset();
  }
});

applyTheme();
void render();
app.init(new URLSearchParams(location.search)).catch((error: Error) => {
  clear(main);
  main.append(h('div', { class: 'empty', role: 'alert' }, h('h1', {}, 'The engine could not start'),
    h('p', {}, error.message)));
});
// For the end-to-end tests: the app object, read-only use.
(window as unknown as { rapport: App }).rapport = app;
// For the end-to-end test of the table at scale (a million rows).
(window as unknown as { rapportDev: unknown }).rapportDev = { dataTable };
