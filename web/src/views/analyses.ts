// Dedicated views of the analysis ops whose shape is settled: cohorts (a retention heatmap), funnel (stage
// bars), RFM (the 5x5 grid and the named segments). The segment editor is views/segments.ts.
// Each takes the op's result as is; nothing is recomputed here (DESIGN §1).
import type { App } from '../app';
import { emptyState, h } from '../dom';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format';
import { table } from './render';
import { chart } from '../chart';
import { dataTable } from '../table';
import { helpLink } from './docs';

type Obj = Record<string, unknown>;
const kMaxCohortMonths = 24;

/** A link to the customers behind a number: the customers page lists the members of `rule` (DESIGN §3 rules). */
const customersHref = (rule: string) => `#/customers?rule=${encodeURIComponent(rule)}`;

/** Last day of a YYYY-MM month, and the month `k` months after it (store-local calendar). */
function monthRange(month: string, k: number): [string, string] {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + k, 1));
  const last = new Date(Date.UTC(y, m + k, 0));
  return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
}

/** The customers of a cohort (first valid order in `month`) who ordered in its k-th month. */
export function cohortCellRule(month: string, k: number): string {
  const [from, to] = monthRange(month, 0);
  const base = `first_order_date BETWEEN ${from} AND ${to}`;
  if (k === 0) return base;
  const [a, b] = monthRange(month, k);
  return `${base} AND ordered_between(${a}, ${b})`;
}

function heat(v: number): string {
  // Share 0..1 -> a tint of the accent colour; the text stays readable in both themes.
  // At most 45 % accent: the normal text colour stays above 4.5:1 in both themes (checked by axe in the e2e test).
  return `color-mix(in srgb, var(--accent) ${Math.round(Math.min(1, Math.max(0, v)) * 45)}%, var(--surface))`;
}

/** Tints a cell by a share; strong tints switch to the accent's text colour, so contrast holds in both themes. */
function shade(td: HTMLElement, v: number): void {
  if (!(v > 0)) {
    td.classList.add('zero');
    return;
  }
  td.style.background = heat(v);
}

export function renderCohorts(app: App, result: Obj, body: HTMLElement): void {
  const group = ((result.groups as Obj[]) ?? [])[0];
  const cohorts = ((group?.cohorts as Obj[]) ?? []);
  if (!cohorts.length) {
    body.append(emptyState('No cohorts yet', h('p', {}, 'Cohorts appear once the workspace holds orders.')));
    return;
  }
  const currency = String(result.currency ?? '');
  let metric: 'retention' | 'cumulative_net_per_customer' = 'retention';
  const holder = h('div');
  const draw = () => {
    const months = Math.min(kMaxCohortMonths, Math.max(...cohorts.map((c) => (c[metric] as number[]).length)));
    // Retention cells of the whole store link to the cohort's customers active that month (the grouped views
    // by first product, channel, code or country have no rule field for the group, so their cells do not).
    const linked = metric === 'retention' && (!result.by || result.by === 'all' || result.by === 'none');
    const cell = (v: number | undefined, c?: Obj, k = 0) => {
      if (v === undefined || v === null) return h('td', { class: 'num blank' }, '');
      const text = metric === 'retention' ? fmtPct(v) : fmtMoney(v, currency);
      const active = (c?.active as number[] | undefined)?.[k];
      return h('td', { class: 'num heat', 'data-v': v }, linked && active
        ? h('a', { href: customersHref(cohortCellRule(String(c?.month), k)), title: `${fmtInt(active)} customers of the ${c?.month} cohort ordered in month ${k}` }, text)
        : text);
    };
    const average = group.average_retention as number[] | undefined;
    const rows = cohorts.map((c) => h('tr', {},
      h('th', { scope: 'row' }, String(c.month)),
      h('td', { class: 'num' }, fmtInt(c.customers)),
      Array.from({ length: months }, (_, i) => cell((c[metric] as number[])[i], c, i))));
    const tableEl = h('table', { class: 'cohorts' },
      h('caption', {}, metric === 'retention'
        ? 'Share of each month’s new customers who ordered again N months later'
        : `Cumulative net revenue per customer (${currency})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Cohort'), h('th', { scope: 'col', class: 'num' }, 'Customers'),
        Array.from({ length: months }, (_, i) => h('th', { scope: 'col', class: 'num' }, `M${i}`)))),
      h('tbody', {}, rows),
      metric === 'retention' && average ? h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'Average'),
        h('td', { class: 'num' }, fmtInt(group.customers)),
        Array.from({ length: months }, (_, i) => cell(average[i])))) : null);
    // Colour the retention cells after building (CSP: no inline style attributes via markup strings).
    if (metric === 'retention') {
      for (const td of tableEl.querySelectorAll<HTMLElement>('td.heat')) shade(td, Number(td.dataset.v));
    }
    holder.replaceChildren(h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Cohort table', tabindex: 0 }, tableEl));
  };
  const select = h('select', { id: 'cohort-metric' },
    h('option', { value: 'retention' }, 'Retention'),
    h('option', { value: 'cumulative_net_per_customer' }, 'Cumulative revenue per customer'));
  select.addEventListener('change', () => { metric = select.value as typeof metric; draw(); });
  body.append(h('p', { class: 'meta-line' }, h('span', {}, `As of ${result.as_of}`), h('span', {}, `${fmtInt(result.customers)} customers`),
    result.last_month_partial ? h('span', {}, 'the last month is partial') : null,
    h('span', {}, h('label', { for: 'cohort-metric' }, 'Show '), select)));
  // Cumulative net revenue per customer by months since the first order: one line per cohort (the latest 12,
  // older ones are in the table), and the average in bold.
  const shown = cohorts.slice(-12);
  const months = Math.min(kMaxCohortMonths, Math.max(...shown.map((c) => (c.cumulative_net_per_customer as number[]).length)));
  const avg = (group.average_cumulative_net_per_customer as number[] | undefined) ?? [];
  const ltv = chart({
    title: `Cumulative net revenue per customer by cohort (${currency})`, fileName: 'cohort-ltv',
    x: Array.from({ length: months }, (_, i) => i), xLabel: 'Months since first order', yLabel: `Per customer (${currency})`,
    yFormat: (v) => fmtMoney(v, currency),
    series: [
      ...shown.map((c) => ({ label: String(c.month), values: Array.from({ length: months }, (_, i) => (c.cumulative_net_per_customer as number[])[i] ?? null), width: 1.5 })),
      ...(avg.length ? [{ label: 'Average', values: Array.from({ length: months }, (_, i) => avg[i] ?? null), color: 'var(--text)', width: 3.5 }] : []),
    ],
    height: 320,
  });
  body.append(h('div', { class: 'split' }, h('div', { class: 'split-main' }, holder), h('div', { class: 'split-side' }, ltv)));
  draw();
}

export function renderFunnel(app: App, result: Obj, body: HTMLElement): void {
  const stages = (result.stages as Obj[]) ?? [];
  const currency = String(result.currency ?? '');
  const max = Math.max(1, ...stages.map((s) => Number(s.customers) || 0));
  body.append(h('p', { class: 'meta-line' }, h('span', {}, `As of ${result.as_of}`), h('span', {}, `${fmtInt(result.customers)} customers`),
    typeof result.store_median_interval_days === 'number' ? h('span', {}, `store’s median gap between orders: ${fmtNum(result.store_median_interval_days)} days`) : null));
  const list = h('ol', { class: 'funnel' }, stages.map((s) => {
    const bar = h('span', { class: `bar stage-${s.stage}` });
    bar.style.width = `${(100 * (Number(s.customers) || 0)) / max}%`;
    return h('li', {},
      h('span', { class: 'stage-name' }, Number(s.customers)
        ? h('a', { href: customersHref(`stage = "${s.stage}"`), title: `List the ${fmtInt(s.customers)} customers in this stage` }, String(s.label ?? s.stage))
        : String(s.label ?? s.stage)),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'num' }, `${fmtInt(s.customers)} · ${fmtPct(s.share_customers)}`),
      h('span', { class: 'num muted' }, `${fmtMoney(s.net_revenue, currency)} · ${fmtPct(s.share_revenue)} of revenue`));
  }));
  body.append(h('section', { class: 'card', 'aria-label': 'Funnel stages' }, list));
}

export function renderRfm(app: App, result: Obj, body: HTMLElement): void {
  const grid = result.grid as { counts: number[][]; segments: string[][] } | undefined;
  const segments = (result.segments as Obj[]) ?? [];
  body.append(h('p', { class: 'meta-line' }, h('span', {}, `As of ${result.as_of}`), h('span', {}, `${fmtInt(result.customers)} customers`)));
  if (grid) {
    const max = Math.max(1, ...grid.counts.flat());
    // Rows are R scores 1..5 (drawn with 5, the most recent, on top); columns the rounded mean of F and M.
    const rows = [4, 3, 2, 1, 0].map((r) => h('tr', {}, h('th', { scope: 'row' }, `R ${r + 1}`),
      [0, 1, 2, 3, 4].map((fm) => {
        const count = grid.counts[r][fm];
        const label = [h('span', { class: 'seg' }, grid.segments[r][fm]), h('span', { class: 'count' }, fmtInt(count))];
        const td = h('td', { class: 'rfm-cell' }, count
          ? h('a', { href: customersHref(`rfm_r = ${r + 1} AND rfm_fm = ${fm + 1}`), title: `List these ${fmtInt(count)} customers (R ${r + 1}, FM ${fm + 1})` }, label)
          : label);
        shade(td, grid.counts[r][fm] / max);
        return td;
      })));
    body.append(h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'RFM grid', tabindex: 0 },
      h('table', { class: 'rfm' }, h('caption', {}, 'Customers by recency score (rows) and the mean of frequency and monetary scores (columns)'),
        h('thead', {}, h('tr', {}, h('th', {}, ''), [1, 2, 3, 4, 5].map((fm) => h('th', { scope: 'col' }, `FM ${fm}`)))),
        h('tbody', {}, rows))));
  }
  // Each named segment lists its customers, and opens in the segment editor for the full audience download.
  const segmentTable = table(segments, 'Named segments',
    ['segment', 'customers', 'share_customers', 'net_revenue', 'share_revenue', 'median_recency_days', 'median_frequency']);
  segmentTable.querySelectorAll('tbody tr').forEach((tr, i) => {
    const s = segments[i];
    const rule = `rfm_segment = "${s.segment}"`;
    const first = tr.querySelector('td');
    if (first && Number(s.customers)) first.replaceChildren(h('a', { href: customersHref(rule) }, String(s.segment)));
    tr.append(h('td', {}, Number(s.customers) ? h('a', { href: `#/segments?rule=${encodeURIComponent(rule)}` }, 'Download…') : ''));
  });
  segmentTable.querySelector('thead tr')?.append(h('th', { scope: 'col' }, 'Audience'));
  body.append(segmentTable);
}

const kStageLabels: Record<string, string> = {
  not_customer: 'Not yet a customer', new: 'New', one_time: 'One-time', repeat: 'Repeat', loyal: 'Loyal',
  advocate: 'Advocate', at_risk: 'At risk', lapsed: 'Lapsed',
};

/** The flow's first request (the default dates; also asked for ahead, views/pages.ts). */
export const kFlowParams: Obj = {};

/** The funnel flow between two dates ("funnel_flow"): a stage-to-stage transition matrix. */
export async function renderFlow(app: App, body: HTMLElement): Promise<void> {
  const from = h('input', { type: 'date', id: 'flow-from' });
  const to = h('input', { type: 'date', id: 'flow-to' });
  const out = h('div', { 'aria-live': 'polite' });
  const draw = async () => {
    out.setAttribute('aria-busy', 'true');
    if (!out.firstChild) out.append(h('p', { class: 'loading', role: 'status' }, 'Computing how customers moved between the two dates…'));
    try {
      const params: Obj = { ...kFlowParams };
      if (from.value) params.from = from.value;
      if (to.value) params.to = to.value;
      const f = await app.cached<Obj>('funnel_flow', params);
      from.value = String(f.from);
      to.value = String(f.to);
      const stages = (f.stages as string[]) ?? [];
      const matrix = (f.matrix as number[][]) ?? [];
      const max = Math.max(1, ...matrix.flat());
      const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0));
      const tableEl = h('table', { class: 'flow' },
        h('caption', {}, `Customers by stage on ${f.from} (rows) and on ${f.to} (columns); ${fmtInt(f.total)} customers`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${f.from} ↓ / ${f.to} →`),
          stages.map((s) => h('th', { scope: 'col', class: 'num' }, kStageLabels[s] ?? s)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
        h('tbody', {}, matrix.map((row, a) => rowTotals[a] === 0 && a !== 0 ? null : h('tr', {},
          h('th', { scope: 'row' }, kStageLabels[stages[a]] ?? stages[a]),
          row.map((v, b) => {
            const rule = b > 0 ? `stage = "${stages[b]}"` : '';
            const td = h('td', { class: 'num heat', title: `${fmtInt(v)} customers went from ${stages[a]} to ${stages[b]}` },
              v ? (rule ? h('a', { href: `#/customers?rule=${encodeURIComponent(rule)}` }, fmtInt(v)) : fmtInt(v)) : '·');
            if (a === b) td.classList.add('diag');
            shade(td, v / max);
            return td;
          }), h('td', { class: 'num' }, fmtInt(rowTotals[a]))))));
      const moves = ((f.flows as Obj[]) ?? []).filter((x) => x.from !== x.to).sort((x, y) => Number(y.customers) - Number(x.customers)).slice(0, 3);
      out.replaceChildren(h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Stage transitions', tabindex: 0 }, tableEl),
        moves.length ? h('p', {}, 'Biggest moves: ', moves.map((m, i) => `${i ? '; ' : ''}${fmtInt(m.customers)} ${kStageLabels[String(m.from)] ?? m.from} → ${kStageLabels[String(m.to)] ?? m.to}`).join(''), '. Links list the customers now in each stage.') : '');
    } catch (error) {
      out.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
    }
    out.removeAttribute('aria-busy');
  };
  const form = h('form', { class: 'inline' }, h('label', { for: 'flow-from' }, 'From'), from, h('label', { for: 'flow-to' }, 'to'), to,
    h('button', { type: 'submit', class: 'secondary' }, 'Show flow'));
  form.addEventListener('submit', (e) => { e.preventDefault(); void draw(); });
  body.append(h('section', { class: 'block', 'aria-label': 'Flow between two dates' }, h('h2', {}, 'How customers moved between two dates'), form, out));
  await draw();
}

const productText = (v: unknown) => {
  const p = (v ?? {}) as Obj;
  return p.title ? String(p.title) : String(p.sku ?? '—');
};

/** The products page's one request (also asked for ahead, views/pages.ts). */
export const productsParams = (app: App): Obj => (app.currency ? { currency: app.currency } : {});

/** #/products: repurchase intervals, first product -> repeat, journeys, frequently bought together. */
export async function renderProducts(app: App, body: HTMLElement): Promise<void> {
  // Three requests, each drawn in its place when it comes, the rest marked in progress until then: first product
  // -> repeat and the journeys (`part` "first_product": one short engine step, each customer's first orders read
  // where they are), the repurchase intervals (`part` "replenishment": every line spread by customer, a few
  // steps), then the whole analysis (the pairs too: the longest). All asked at once: the worker runs a page's
  // requests in the order sent.
  const askedFirst = app.cached<Obj>('products', { ...productsParams(app), part: 'first_product' });
  const askedIntervals = app.cached<Obj>('products', { ...productsParams(app), part: 'replenishment' });
  const whole = app.cached<Obj>('products', productsParams(app));
  askedIntervals.catch(() => undefined);  // handled where each is awaited below
  whole.catch(() => undefined);
  const first = await askedFirst;
  const meta = h('p', { class: 'meta-line' }, h('span', {}, `As of ${first.as_of}`), helpLink('metrics'));
  body.append(meta);
  const firstRows = (first.first_product as Obj[]) ?? [];
  if (!firstRows.length) {
    // Nothing to show before the intervals: the page waits for them (an empty store shows its empty state).
    const rep = (((await askedIntervals).replenishment as Obj[]) ?? []);
    if (!rep.length) {
      body.append(emptyState('No product data yet', h('p', {}, 'Import an orders export with line items (Shopify: “Lineitem name” and “Lineitem sku” columns) to see which products bring customers back.')));
      return;
    }
  }
  const currency = String(first.currency ?? '');
  const busy = (text: string) => h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, text));
  const intervals = busy('Computing the repurchase intervals (in progress)…');
  const pairs = busy('Computing the products bought together (in progress)…');
  const rest = h('div', {}, firstProductTable(firstRows, currency), h('div', { class: 'two-col' }, journeysTable((first.journeys as Obj[]) ?? []), pairs));
  body.append(intervals, rest);
  const failed = (holder: HTMLElement) => (error: unknown) => {
    holder.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
    holder.removeAttribute('aria-busy');
  };
  void askedIntervals.then((part) => {
    intervals.replaceWith(intervalsSplit((part.replenishment as Obj[]) ?? [], currency));
  }, failed(intervals));
  void whole.then((r) => {
    meta.insertBefore(h('span', {}, `${fmtInt(r.baskets)} orders`), meta.lastChild);
    pairs.replaceWith(pairsTable((r.bought_together as Obj[]) ?? []));
  }, failed(pairs));
}

/** The repurchase intervals: their table and the medians of the first 12 as bars. */
function intervalsSplit(rep: Obj[], currency: string): HTMLElement {
  const top = rep.slice(0, 12);
  return h('div', { class: 'split' },
    h('div', { class: 'split-main' }, dataTable({
      caption: 'Repurchase intervals: days between two orders of the same product', rows: rep, fileName: 'repurchase-intervals', currency,
      sort: { key: 'customers', desc: true },
      columns: [{ key: 'product', label: 'Product', text: productText, width: '40%' }, { key: 'median_days', label: 'Median', kind: 'days' },
        { key: 'q1_days', label: 'Q1', kind: 'days' }, { key: 'q3_days', label: 'Q3', kind: 'days' },
        { key: 'customers', label: 'Customers', kind: 'int' }, { key: 'intervals', label: 'Intervals', kind: 'int' }],
      visibleRows: 10,
    })),
    h('div', { class: 'split-side' }, chart({
      title: 'Median days until the same product is bought again', fileName: 'repurchase-median', bars: true,
      x: top.map((_, i) => i), xNames: top.map((t) => String((t.product as Obj)?.sku ?? '')), xLabel: 'Product (SKU)', yLabel: 'Days',
      series: [{ label: 'Median days', values: top.map((t) => t.median_days as number) }],
    })));
}

function firstProductTable(first: Obj[], currency: string): HTMLElement {
  return dataTable({
    caption: 'First product → does the customer come back?', rows: first, fileName: 'first-product', currency,
    sort: { key: 'customers', desc: true },
    columns: [{ key: 'product', label: 'First product', text: productText, width: '36%' }, { key: 'customers', label: 'Customers', kind: 'int' },
      { key: 'repeat_customers', label: 'Came back', kind: 'int' }, { key: 'repeat_rate', label: 'Repeat rate', kind: 'pct' },
      { key: 'avg_net_12m', label: 'Avg net, first 12 months', kind: 'money' }],
    visibleRows: 10,
  });
}

function journeysTable(journeys: Obj[]): HTMLElement {
  return dataTable({
    caption: 'Journeys: first product → the next one', rows: journeys, fileName: 'journeys', sort: { key: 'customers', desc: true },
    columns: [{ key: 'first', label: 'First', text: productText, width: '34%' }, { key: 'next', label: 'Then', text: productText, width: '34%' },
      { key: 'customers', label: 'Customers', kind: 'int' }, { key: 'share_of_first', label: 'Share', kind: 'pct' }],
    visibleRows: 10,
  });
}

function pairsTable(pairs: Obj[]): HTMLElement {
  return dataTable({
    caption: 'Frequently bought together', rows: pairs, fileName: 'bought-together', sort: { key: 'lift', desc: true },
    columns: [{ key: 'a', label: 'Product', text: productText, width: '30%' }, { key: 'b', label: 'With', text: productText, width: '30%' },
      { key: 'count', label: 'Orders', kind: 'int' }, { key: 'confidence_a_to_b', label: 'Confidence', kind: 'pct' },
      { key: 'lift', label: 'Lift', kind: 'num' }],
    visibleRows: 10,
  });
}
