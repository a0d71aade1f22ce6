// The one table component of the dashboard: sortable (click a header), filterable (a text box), virtualised
// (only the rows in view are in the DOM, so a million rows scroll smoothly) and downloadable as CSV.
// Data comes as columns (arrays or typed arrays, straight from an op's "columns") or as row objects.
import { download, h } from './dom';
import { fmtInt, fmtMoney, fmtNum, fmtPct, humanize } from './format';

export type Kind = 'int' | 'num' | 'pct' | 'money' | 'text' | 'date' | 'days';
export interface Column {
  key: string;
  label?: string;
  kind?: Kind;
  /** A link for a cell (e.g. the customer 360 view); `field` reads the row's other fields. */
  href?: (row: number, field: (key: string) => unknown) => string | null;
  /** Display text instead of the kind's formatting. */
  text?: (v: unknown, row: number, field: (key: string) => unknown) => string;
  width?: string;
}
type ArrayLike = ArrayLike_<unknown>;
interface ArrayLike_<T> { readonly length: number; readonly [n: number]: T }

export interface TableOptions {
  caption: string;
  columns: Column[];
  /** Either columns (key -> array) ... */
  data?: Record<string, ArrayLike>;
  /** ... or rows. */
  rows?: Record<string, unknown>[];
  fileName: string;
  currency?: string;
  /** Visible height in rows (default 14). */
  visibleRows?: number;
  /** Initial sort. */
  sort?: { key: string; desc: boolean };
  /** Extra content above the table (e.g. a selector), placed in the toolbar. */
  tools?: Node[];
  /**
   * Sorting done by the engine (a page of a larger table): a header click calls this instead of sorting
   * the rows here, and the table shows `sort` as given.
   */
  onSort?: (key: string, desc: boolean) => void;
  /** The row count to announce when the rows are one page of more (engine-paged tables). */
  totalRows?: number;
  /**
   * A list of `totalRows` rows fetched from the engine a page at a time, `rows` its first page: rows not
   * fetched yet are drawn as "…" and asked for (in pages of `rows.length`) when they scroll into view. Sorting
   * is `onSort`'s (the engine's); the filter box and the CSV download are left out (they would see only the
   * rows fetched so far).
   */
  fetchRows?: (offset: number, limit: number) => Promise<Record<string, unknown>[]>;
}

const kRowHeight = 34;
// Browsers cap element heights (~33.5 M px in Chromium); beyond this the scrollbar is scaled.
const kMaxScrollHeight = 8_000_000;

export function formatCell(kind: Kind | undefined, v: unknown, currency?: string): string {
  if (v === null || v === undefined || v === '') return '—';
  switch (kind) {
    case 'int': return fmtInt(v);
    case 'pct': return fmtPct(v);
    case 'money': return fmtMoney(v, currency);
    case 'num': return fmtNum(v);
    case 'days': return typeof v === 'number' ? `${fmtInt(v)} d` : String(v);
    default:
      if (typeof v === 'number') return fmtNum(v);
      if (typeof v === 'boolean') return v ? 'yes' : 'no';
      if (typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.title === 'string' && o.title) return o.sku ? `${o.title} (${o.sku})` : o.title;
        for (const key of ['name', 'label', 'email', 'key']) if (typeof o[key] === 'string' && o[key]) return o[key] as string;
        return JSON.stringify(v);
      }
      return String(v);
  }
}

/** A CSV field: quoted when needed; text starting with = + - @ (or tab/CR) is neutralised with a quote. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = typeof v === 'object' ? formatCell('text', v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function sortKey(v: unknown): number | string {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return formatCell('text', v).toLowerCase();
}

let tableSeq = 0;

export function dataTable(o: TableOptions): HTMLElement {
  const id = `t${++tableSeq}`;
  const paged = o.fetchRows && o.rows && o.totalRows !== undefined ? { fetch: o.fetchRows, size: Math.max(1, o.rows.length) } : null;
  const n = paged ? o.totalRows! : o.data ? (Object.values(o.data)[0]?.length ?? 0) : (o.rows?.length ?? 0);
  // Engine-paged: the rows fetched so far (sparse), and the pages asked for.
  const fetched: (Record<string, unknown> | undefined)[] = paged ? o.rows!.slice() : [];
  const asked = new Set<number>([0]);
  const get = paged
    ? (row: number, key: string): unknown => fetched[row]?.[key]
    : o.data
      ? (row: number, key: string): unknown => o.data![key]?.[row]
      : (row: number, key: string): unknown => o.rows![row][key];
  /** Asks for the pages of rows first..last not fetched yet; draws again when each arrives. */
  const fetchPages = (first: number, last: number) => {
    if (!paged) return;
    for (let page = Math.floor(first / paged.size); page * paged.size < last; ++page) {
      if (asked.has(page)) continue;
      asked.add(page);
      paged.fetch(page * paged.size, paged.size).then((rows) => {
        rows.forEach((r, i) => { fetched[page * paged.size + i] = r; });
        draw();
      }, () => asked.delete(page));
    }
  };
  const cols = o.columns;
  const numeric = cols.map((c) => c.kind && c.kind !== 'text' && c.kind !== 'date');
  // The view: indices of the rows shown, in display order; null while that is every row in its own order (no
  // filter, no sort here), so an engine-paged list of a million rows needs no index array (building one with
  // Uint32Array.from took ~0.25 s, twice, on every Customers visit).
  let view: Uint32Array | null = null;
  const shown = () => (view ? view.length : n);
  const rowAt = (k: number) => (view ? view[k] : k);
  let sort = o.sort ?? null;
  let filter = '';

  const visible = Math.max(3, Math.min(o.visibleRows ?? 14, n || 3));
  const scroller = h('div', {
    class: 'vt-scroll', tabindex: 0, role: 'region', 'aria-label': `${o.caption} (scroll with the arrow keys)`,
  });
  scroller.style.height = `${(visible + 1) * kRowHeight + 2}px`;
  const sizer = h('div', { class: 'vt-sizer', 'aria-hidden': 'true' });
  const tbody = h('tbody');
  const headCells = cols.map((c, i) => {
    const button = h('button', { type: 'button', class: 'sort' }, c.label ?? humanize(c.key));
    button.addEventListener('click', () => {
      sort = sort && sort.key === c.key ? { key: c.key, desc: !sort.desc } : { key: c.key, desc: !!numeric[i] };
      if (o.onSort) {
        markSort();
        o.onSort(sort.key, sort.desc);
      } else {
        applyView();
      }
    });
    const th = h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, button);
    if (c.width) th.style.width = c.width;
    return th;
  });
  const headRow = h('tr', { 'aria-rowindex': 1 }, headCells);
  const table = h('table', { class: 'vt', 'aria-rowcount': n + 1, id }, h('thead', {}, headRow), tbody);
  scroller.append(sizer, table);
  const status = h('span', { class: 'muted vt-count', 'aria-live': 'polite' });

  const markSort = () => headCells.forEach((th, i) => {
    const s = sort && sort.key === cols[i].key ? (sort.desc ? 'descending' : 'ascending') : null;
    if (s) th.setAttribute('aria-sort', s); else th.removeAttribute('aria-sort');
  });

  let scale = 1;
  const layout = () => {
    const full = shown() * kRowHeight;
    const height = Math.min(full, kMaxScrollHeight);
    scale = full > kMaxScrollHeight ? (shown() - visible) / Math.max(1, (height - visible * kRowHeight) / kRowHeight) : 1;
    sizer.style.height = `${height + kRowHeight}px`;
  };
  const draw = () => {
    const top = scroller.scrollTop;
    const count = shown();
    const first = Math.max(0, Math.min(count - 1, Math.floor((top / kRowHeight) * scale)));
    const offset = scale === 1 ? top % kRowHeight : 0;
    const last = Math.min(count, first + visible + 2);
    const frag = document.createDocumentFragment();
    fetchPages(first, last);
    for (let k = first; k < last; k++) {
      const row = rowAt(k);
      if (paged && !fetched[row]) {
        frag.append(h('tr', { 'aria-rowindex': String(k + 2), class: 'vt-pending' }, cols.map((_, i) => h('td', { class: numeric[i] ? 'num muted' : 'muted' }, '…'))));
        continue;
      }
      const tr = document.createElement('tr');
      tr.setAttribute('aria-rowindex', String(k + 2));
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i];
        const v = get(row, c.key);
        const td = document.createElement('td');
        if (numeric[i]) td.className = 'num';
        const field = (key: string) => get(row, key);
        const text = c.text ? c.text(v, row, field) : formatCell(c.kind, v, o.currency);
        const href = c.href?.(row, field);
        if (href) td.append(h('a', { href }, text));
        else td.textContent = text;
        tr.append(td);
      }
      frag.append(tr);
    }
    tbody.replaceChildren(frag);
    table.style.transform = `translateY(${top - offset}px)`;
    headRow.style.transform = `translateY(${offset}px)`;
    if (!count) tbody.append(h('tr', {}, h('td', { colspan: cols.length, class: 'muted' }, filter ? 'No row matches the filter.' : 'No rows.')));
  };
  const applyView = () => {
    let idx: Uint32Array | null = null;
    if (filter) {
      const needle = filter.toLowerCase();
      const out: number[] = [];
      for (let r = 0; r < n; r++) {
        for (const c of cols) {
          const v = get(r, c.key);
          if (v !== null && v !== undefined && formatCell(c.kind === 'text' || !c.kind ? 'text' : c.kind, v, o.currency).toLowerCase().includes(needle)) {
            out.push(r);
            break;
          }
        }
      }
      idx = Uint32Array.from(out);
    }
    if (sort && !o.onSort) {
      if (!idx) {
        idx = new Uint32Array(n);
        for (let r = 0; r < n; r++) idx[r] = r;
      }
      const all = idx;
      const key = sort.key;
      const dir = sort.desc ? -1 : 1;
      const keys = Array.from(all, (r) => sortKey(get(r, key)));
      const order = new Uint32Array(all.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      // Missing values last whatever the direction; numbers before text.
      order.sort((a, b) => {
        const x = keys[a], y = keys[b];
        const xn = typeof x === 'number' && Number.isNaN(x), yn = typeof y === 'number' && Number.isNaN(y);
        if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
        if (x < y) return -dir;
        if (x > y) return dir;
        return a - b;
      });
      idx = Uint32Array.from(order, (i) => all[i]);
    }
    view = idx;
    markSort();
    const count = shown();
    status.textContent = o.totalRows !== undefined && o.totalRows !== n
      ? `${fmtInt(count)} rows shown of ${fmtInt(o.totalRows)}`
      : `${fmtInt(count)}${count !== n ? ` of ${fmtInt(n)}` : ''} rows`;
    layout();
    scroller.scrollTop = 0;
    draw();
  };

  let frame = 0;
  scroller.addEventListener('scroll', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; draw(); });
  });
  const search = h('input', { type: 'search', class: 'vt-filter', placeholder: 'Filter rows', 'aria-label': `Filter ${o.caption}`, 'aria-controls': id });
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => { filter = search.value.trim(); applyView(); }, 200);
  });
  const csv = h('button', { type: 'button', class: 'secondary small' }, 'Download CSV');
  csv.addEventListener('click', () => {
    const lines = [cols.map((c) => csvField(c.label ?? humanize(c.key))).join(',')];
    for (let k = 0; k < shown(); k++) lines.push(cols.map((c) => csvField(get(rowAt(k), c.key))).join(','));
    download(`${o.fileName}.csv`, '\ufeff' + lines.join('\r\n') + '\r\n', 'text/csv;charset=utf-8');
  });
  const wrap = h('section', { class: 'vt-wrap', 'aria-label': o.caption, 'data-rows': n },
    h('div', { class: 'vt-tools' }, h('strong', { class: 'vt-caption' }, o.caption), status, ...(o.tools ?? []), ...(paged ? [] : [search, csv])),
    scroller);
  applyView();
  return wrap;
}
