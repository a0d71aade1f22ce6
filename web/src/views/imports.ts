// #/imports: stage several files (each recognised before import, with its platform and kind), map the
// columns of files nothing recognises, import them all in a sensible order with one progress bar, then
// the per-file reports and the import history, where any import can be removed with everything it added.
import type { App } from '../app';
import { clear, emptyState, h } from '../dom';
import type { ImportRecord } from '../engine/protocol';
import { fmtBytes, humanize } from '../format';
import { openMappingDialog } from '../mapping';
import { applyDetect, applyMapping, detectFile, importOrder, type StagedFile } from '../staging';
import { errorCard, outcomesPanel, recordCard } from './report';

// The staging list outlives a render (the page is redrawn on every change of the app).
const staged: StagedFile[] = [];
let nextId = 1;
// The running batch, for the overall progress bar: sizes in import order.
let batch: { sizes: number[]; total: number } | null = null;
let progressHooked = false;

const kStatusText: Record<StagedFile['status'], string> = {
  detecting: 'Reading the header…', ready: 'Ready', 'needs-mapping': 'Needs a column mapping',
  unreadable: 'Cannot be read', importing: 'Importing…', imported: 'Imported', failed: 'Not imported',
};

function stage(app: App, files: File[]): void {
  for (const file of files) {
    const entry: StagedFile = { id: nextId++, file, status: 'detecting', platform: '…', kind: '' };
    staged.push(entry);
    detectFile(app.client, file).then((result) => applyDetect(entry, result), (error: Error) => {
      entry.status = 'unreadable';
      entry.platform = '—';
      entry.error = error.message;
    }).finally(() => app.changed());
  }
  app.changed();
}

async function mapColumns(app: App, entry: StagedFile, opener: HTMLElement): Promise<void> {
  if (!entry.detect) return;
  const choice = await openMappingDialog(app.client, entry.file, entry.detect, entry.options);
  if (choice) applyMapping(entry, choice.options, choice.kind, choice.name);
  app.changed();
  // Focus returns to the row's button after the redraw.
  requestAnimationFrame(() => (document.querySelector(`[data-staged="${entry.id}"] .map-button`) as HTMLElement | null ?? opener).focus());
}

async function importAll(app: App): Promise<void> {
  const order = importOrder(staged);
  if (order.length === 0 || app.busy) return;
  batch = { sizes: order.map((f) => f.file.size), total: order.reduce((n, f) => n + f.file.size, 0) };
  for (const f of order) f.status = 'importing';
  await app.importFiles(order.map((f) => f.file), order.map((f) => f.options));
  batch = null;
  order.forEach((f, i) => {
    const outcome = app.outcomes[i];
    if (outcome?.record) {
      staged.splice(staged.indexOf(f), 1);
    } else {
      f.status = 'failed';
      f.error = outcome?.error?.message ?? 'not imported';
    }
  });
  app.changed();
}

/** The overall progress of "Import all": bytes of the files done plus the current file's bytes read. */
function hookProgress(app: App): void {
  if (progressHooked) return;
  progressHooked = true;
  app.onProgress((p, _fileName, index) => {
    const bar = document.getElementById('staging-progress') as HTMLProgressElement | null;
    const text = document.getElementById('staging-progress-text');
    if (!bar || !batch || index < 0) return;
    const before = batch.sizes.slice(0, index).reduce((n, s) => n + s, 0);
    const current = p && p.total > 0 ? (p.stage === 'reading' ? p.bytes : p.total) : 0;
    const pct = batch.total > 0 ? Math.min(100, (100 * (before + current)) / batch.total) : 0;
    bar.value = pct;
    bar.setAttribute('aria-valuetext', `${Math.round(pct)} %`);
    if (text) text.textContent = `File ${index + 1} of ${batch.sizes.length}: ${Math.round(pct)} % of ${fmtBytes(batch.total)}`;
  });
}

function stagingPanel(app: App): HTMLElement {
  const input = h('input', { type: 'file', id: 'staging-input', multiple: true, accept: '.csv,.txt,.tsv,text/csv', class: 'sr-only' });
  input.addEventListener('change', () => { stage(app, [...(input.files ?? [])]); input.value = ''; });
  const add = h('button', { type: 'button', class: staged.length ? 'secondary' : 'primary', id: 'staging-add' }, 'Add export files…');
  add.addEventListener('click', () => input.click());
  const section = h('section', { class: 'card staging', 'aria-labelledby': 'staging-title' },
    h('h2', { id: 'staging-title' }, 'Files to import'),
    h('p', {}, 'Drop several exports at once — orders, customers, products, reviews, tickets, NPS surveys, any CSV. ',
      'Each is recognised from its header before anything is imported. ', h('span', { class: 'muted' }, 'Nothing leaves this browser.')),
    h('p', {}, add, input));
  if (staged.length === 0) return section;

  const rows = staged.map((f) => {
    const map = h('button', { type: 'button', class: f.status === 'needs-mapping' ? 'primary map-button' : 'secondary map-button',
      disabled: !f.detect || app.busy, 'aria-label': `Map the columns of ${f.file.name}` }, f.status === 'needs-mapping' ? 'Map columns…' : 'Change mapping…');
    map.addEventListener('click', () => void mapColumns(app, f, map));
    const remove = h('button', { type: 'button', class: 'secondary', disabled: app.busy, 'aria-label': `Remove ${f.file.name} from the list` }, 'Remove');
    remove.addEventListener('click', () => { staged.splice(staged.indexOf(f), 1); app.changed(); });
    const statusClass = f.status === 'ready' ? 'badge ok' : f.status === 'needs-mapping' ? 'badge warn'
      : f.status === 'failed' || f.status === 'unreadable' ? 'badge bad' : 'badge';
    return h('tr', { 'data-staged': f.id, 'data-status': f.status },
      h('th', { scope: 'row' }, f.file.name),
      h('td', { class: 'num' }, fmtBytes(f.file.size)),
      h('td', { class: 'platform' }, f.platform),
      h('td', { class: 'kind' }, f.kind ? humanize(f.kind) : '—'),
      h('td', {}, h('span', { class: statusClass }, kStatusText[f.status]), f.error ? h('p', { class: 'error' }, f.error) : ''),
      h('td', { class: 'actions' }, f.detect && f.status !== 'importing' ? map : '', ' ', f.status !== 'importing' ? remove : ''));
  });
  const ready = importOrder(staged);
  const waiting = staged.filter((f) => f.status === 'needs-mapping' || f.status === 'detecting').length;
  const importButton = h('button', { type: 'button', class: 'primary', id: 'import-all', disabled: ready.length === 0 || app.busy },
    ready.length > 1 ? `Import all (${ready.length} files)` : 'Import');
  importButton.addEventListener('click', () => void importAll(app));
  const clearButton = h('button', { type: 'button', class: 'secondary', disabled: app.busy }, 'Clear the list');
  clearButton.addEventListener('click', () => { staged.length = 0; app.changed(); });
  const progress = h('div', { class: 'staging-progress', hidden: !batch },
    h('label', { for: 'staging-progress' }, 'Import progress'), ' ',
    h('progress', { id: 'staging-progress', max: 100, value: 0 }), ' ',
    h('span', { id: 'staging-progress-text', class: 'muted', 'aria-live': 'polite' }, ''));
  section.append(
    h('div', { class: 'table-wrap' }, h('table', { class: 'data staging-list' },
      h('caption', { class: 'sr-only' }, 'Files waiting to be imported'),
      h('thead', {}, h('tr', {}, ['File', 'Size', 'Recognised as', 'Kind', 'Status', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows))),
    h('p', { class: 'muted' }, ready.length > 1
      ? `Imported in this order: ${ready.map((f) => f.file.name).join(' → ')} (customers first, then orders, products, and feedback last, so each file finds the customers it names).`
      : waiting ? `${waiting} file(s) still need a column mapping or are being read.` : ''),
    h('p', {}, importButton, ' ', clearButton),
    progress);
  return section;
}

export async function renderImports(app: App, main: HTMLElement): Promise<void> {
  app.stageFiles = (files) => stage(app, files);
  hookProgress(app);
  const history = h('section', { 'aria-label': 'Import history', 'aria-busy': 'true' });
  // Reports of the latest batch (successful ones are in the history as well); then the history.
  const failures = app.outcomes.filter((o) => o.error);
  const results = outcomesPanel(app);
  main.append(h('h1', {}, 'Imports'), stagingPanel(app),
    results ?? (failures.length ? h('section', { 'aria-label': 'Files not imported' }, failures.map(errorCard)) : ''),
    h('h2', {}, 'History'), history);
  let records: ImportRecord[] = [];
  try {
    const result = await app.cached<unknown>('imports');
    records = (Array.isArray(result) ? result : (result as { imports?: ImportRecord[] })?.imports ?? []) as ImportRecord[];
  } catch {
    records = [];
  }
  history.removeAttribute('aria-busy');
  clear(history);
  if (records.length === 0) {
    history.append(emptyState('No files imported yet',
      h('p', {}, app.state.source === 'demo'
        ? 'The demo store was built from a generated Shopify export. Your own files replace it.'
        : 'Each file you import is listed here with what it added and which rows were rejected.')));
    return;
  }
  for (const record of [...records].reverse()) {
    const card = recordCard(app, record);
    const remove = h('button', { type: 'button', class: 'danger' }, 'Remove this import');
    remove.addEventListener('click', async () => {
      if (!confirm(`Remove ${record.file_name} and every row it added?`)) return;
      remove.disabled = true;
      try {
        await app.removeImport(record.id);
      } catch (error) {
        remove.after(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
        remove.disabled = false;
      }
    });
    card.append(h('p', { class: 'muted' }, `Imported ${record.imported_at}`), h('p', {}, remove));
    history.append(card);
  }
}
