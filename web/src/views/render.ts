// Generic rendering of an op's JSON result: tables for rows or columns, definition lists for records.
// Pages whose op has no dedicated view yet use this, so every op's answer is visible as soon as it exists.
import { h } from '../dom';
import { fmtNum, fmtPct, humanize } from '../format';

const kMaxRows = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

export function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length ? v.map(scalarText).join(', ') : '—';
  if (isRecord(v)) {
    // Named things (products, customers, stages) read by their name; other records as "key: value" pairs.
    if (typeof v.title === 'string' && v.title) return v.sku ? `${v.title} (${v.sku})` : v.title;
    for (const key of ['name', 'label', 'email', 'key']) if (typeof v[key] === 'string' && v[key]) return v[key] as string;
    return Object.entries(v).map(([k, x]) => `${humanize(k)}: ${scalarText(x)}`).join(' · ');
  }
  return JSON.stringify(v);
}

/** A cell by its column name: shares and rates as percentages. */
export function cellText(column: string, v: unknown): string {
  if (typeof v === 'number' && /(^share|_share$|share_|rate$|^p_alive|probability)/.test(column)) return fmtPct(v);
  return scalarText(v);
}

/** Rows (objects) as a table; caption names it for screen readers. */
export function table(rows: Record<string, unknown>[], caption: string, columns?: string[]): HTMLElement {
  const cols = columns ?? [...new Set(rows.slice(0, 50).flatMap((r) => Object.keys(r)))];
  const shown = rows.slice(0, kMaxRows);
  const numeric = cols.map((c) => shown.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', {},
      h('caption', {}, caption, rows.length > kMaxRows ? ` (first ${kMaxRows} of ${rows.length})` : ''),
      h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, humanize(c))))),
      h('tbody', {}, shown.map((r) => h('tr', {}, cols.map((c, i) =>
        h('td', { class: numeric[i] ? 'num' : null }, cellText(c, r[c]))))))));
}

/** An object whose values are equal-length arrays (columns) -> rows. */
function columnsToRows(obj: Record<string, unknown>): Record<string, unknown>[] | null {
  const values = Object.values(obj);
  if (values.length < 2 || !values.every((v) => Array.isArray(v))) return null;
  const n = (values[0] as unknown[]).length;
  if (n === 0 || !values.every((v) => (v as unknown[]).length === n && (v as unknown[]).every(isScalar))) return null;
  const keys = Object.keys(obj);
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, (obj[k] as unknown[])[i]])));
}

export function renderValue(value: unknown, title: string, depth = 0): HTMLElement {
  if (Array.isArray(value)) {
    if (value.length === 0) return h('p', { class: 'muted' }, `${title}: none.`);
    if (value.every(isRecord)) return table(value as Record<string, unknown>[], title);
    if (value.every(isScalar)) return h('p', {}, h('strong', {}, `${title}: `), scalarText(value));
    if (value.every((row) => Array.isArray(row))) {
      return table((value as unknown[][]).map((row) => Object.fromEntries(row.map((c, i) => [`#${i + 1}`, c]))), title);
    }
    return h('pre', {}, JSON.stringify(value, null, 2));
  }
  if (isRecord(value)) {
    const rows = columnsToRows(value);
    if (rows) return table(rows, title);
    const scalars = Object.entries(value).filter(([, v]) => isScalar(v) || (Array.isArray(v) && v.every(isScalar) && v.length <= 12));
    const nested = Object.entries(value).filter(([k]) => !scalars.some(([s]) => s === k));
    const heading = depth === 0 ? null : h(depth === 1 ? 'h3' : 'h4', {}, title);
    return h('section', { class: depth === 0 ? 'result' : 'result nested' },
      heading,
      scalars.length ? h('dl', { class: 'facts' }, scalars.map(([k, v]) => h('div', {}, h('dt', {}, humanize(k)), h('dd', {}, cellText(k, v))))) : null,
      nested.map(([k, v]) => renderValue(v, humanize(k), depth + 1)));
  }
  return h('p', {}, scalarText(value));
}
