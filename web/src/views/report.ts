// The import report shown after each file: what was read, kept, rejected and merged, with the rejected
// rows downloadable as CSV and a fatal error shown with its file:line:col.
import type { App, ImportOutcome } from '../app';
import { download, h } from '../dom';
import type { ImportRecord } from '../engine/protocol';
import { fmtBytes, fmtInt, humanize } from '../format';

/** The engine's "file:line:col: message" split for display. */
export function splitLocation(message: string): { where: string; line?: number; column?: number; what: string } {
  const m = /^(.*?):(\d+):(\d+):\s*(.*)$/s.exec(message);
  if (!m) return { where: '', what: message };
  return { where: `${m[1]}:${m[2]}:${m[3]}`, line: Number(m[2]), column: Number(m[3]), what: m[4] };
}

async function downloadIssues(app: App, record: ImportRecord, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    // The engine writes the CSV (line, column, field, code, message, raw_row; formulas neutralised).
    const result = await app.client.call<{ csv: string }>('import_issues', { import_id: record.id, format: 'csv', rejected_only: true });
    const base = record.file_name.replace(/\.[^.]*$/, '');
    download(`${base}_rejected_rows.csv`, result.csv, 'text/csv;charset=utf-8');
  } catch (error) {
    button.after(h('p', { class: 'error', role: 'alert' }, `Could not list the rejected rows: ${(error as Error).message}`));
  } finally {
    button.disabled = false;
  }
}

interface IssueRow { line: number; code: string; message: string }

/** Feedback (tickets, surveys, reviews) that matched no customer: the engine keeps them and warns with
 * code "unmatched_customer" (core/workspace/merge.cpp); the count goes in `count`, the lines in `list`. */
async function showUnmatched(app: App, record: ImportRecord, kind: string, count: HTMLElement, list: HTMLElement): Promise<void> {
  try {
    const result = await app.client.call<{ issues: IssueRow[] }>('import_issues', { import_id: record.id });
    const unmatched = result.issues.filter((x) => x.code === 'unmatched_customer');
    count.textContent = fmtInt(unmatched.length);
    if (unmatched.length === 0) return;
    const kShown = 100;
    list.append(h('details', {},
      h('summary', {}, `${fmtInt(unmatched.length)} ${unmatched.length === 1 ? kind.replace(/s$/, '') : kind} matched no customer (kept, not linked)`),
      h('ul', {}, unmatched.slice(0, kShown).map((x) => h('li', {}, `line ${x.line}: ${x.message}`))),
      unmatched.length > kShown ? h('p', { class: 'muted' }, `first ${kShown} shown`) : null));
  } catch (error) {
    count.textContent = '?';
    list.append(h('p', { class: 'error', role: 'alert' }, `Could not list the unmatched ${kind}: ${(error as Error).message}`));
  }
}

export function recordCard(app: App, record: ImportRecord): HTMLElement {
  const range = record.first_day ? `${record.first_day} → ${record.last_day ?? record.first_day}` : '—';
  const facts: [string, string][] = [
    ['Format', humanize(record.format || 'unknown')],
    ['Size', fmtBytes(record.bytes)],
    ['Rows read', fmtInt(record.rows_read)],
    ['Rows accepted', fmtInt(record.rows_accepted)],
    ['Rows rejected', fmtInt(record.rows_rejected)],
    ['Orders added', fmtInt(record.orders_added)],
    ['Duplicate orders skipped', fmtInt(record.orders_skipped_duplicate)],
    ['Customers added', fmtInt(record.customers_added)],
    ['Customers merged', fmtInt(record.customers_merged)],
    ['Date range', range],
    ['Currencies', record.currencies.length ? record.currencies.join(', ') : '—'],
  ];
  // Tickets, surveys and reviews are attached to customers; say how many found none.
  const kind = /_(tickets|surveys|reviews)$/.exec(record.format)?.[1];
  const unmatchedCount = h('dd', {}, '…');
  const unmatchedList = h('div', { class: 'unmatched' });
  if (kind) void showUnmatched(app, record, kind, unmatchedCount, unmatchedList);
  const button = h('button', { type: 'button', class: 'secondary' }, 'Download rejected rows (CSV)');
  button.addEventListener('click', () => void downloadIssues(app, record, button));
  return h('article', { class: 'card import-report', 'data-import-id': record.id },
    h('h3', {}, record.file_name, ' ', h('span', { class: record.rows_rejected ? 'badge warn' : 'badge ok' },
      record.rows_rejected ? `${fmtInt(record.rows_rejected)} rejected` : 'all rows accepted')),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
      kind ? h('div', { class: 'unmatched-count' }, h('dt', {}, `Unmatched ${kind}`), unmatchedCount) : null),
    kind ? unmatchedList : null,
    record.rows_rejected > 0 ? h('p', {}, button) : null);
}

export function errorCard(outcome: ImportOutcome): HTMLElement {
  const { where, line, column, what } = splitLocation(outcome.error?.message ?? '');
  return h('article', { class: 'card import-error', role: 'alert' },
    h('h3', {}, outcome.fileName, ' ', h('span', { class: 'badge bad' }, 'not imported')),
    where ? h('p', {}, h('code', { class: 'where' }, where),
      line !== undefined ? ` (line ${line}, column ${column})` : '') : null,
    h('p', {}, what),
    h('p', { class: 'muted' }, 'Nothing was changed: the workspace is exactly as it was before this file.'));
}

/** The reports of the latest batch of files. */
export function outcomesPanel(app: App): HTMLElement | null {
  if (app.outcomes.length === 0) return null;
  return h('section', { class: 'outcomes', 'aria-label': 'Import results' },
    h('h2', {}, app.outcomes.length === 1 ? 'Import result' : 'Import results'),
    app.outcomes.map((o) => (o.record ? recordCard(app, o.record) : errorCard(o))));
}
