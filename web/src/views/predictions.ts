// #/predictions (issue 4): which customer-base model fits (BG/NBD, Pareto/NBD, MBG/NBD by log-likelihood and
// BIC, parameters with standard errors; "fit"), how well it predicted a holdout period ("validation": holdout
// repeat purchases by calibration frequency, and the weekly cumulative tracking curve), and the per-customer
// table ("predictions", columns format: typed arrays straight into the table), each row opening the customer.
import type { App } from '../app';
import { chart, daySeconds } from '../chart';
import { download, emptyState, h } from '../dom';
import { fmtInt, fmtNum, fmtPct } from '../format';
import { csvField, dataTable, type Column } from '../table';

type Obj = Record<string, unknown>;
const kModelNames: Record<string, string> = { bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', gg: 'Gamma-Gamma' };
export const modelName = (m: unknown) => kModelNames[String(m)] ?? String(m);

function section(title: string, id: string): { el: HTMLElement; body: HTMLElement } {
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, `Computing ${title.toLowerCase()}…`));
  return { el: h('section', { class: 'block', id, 'aria-label': title }, h('h2', {}, title), body), body };
}

function failed(body: HTMLElement, error: unknown): void {
  body.replaceChildren(emptyState('Not available', h('p', {}, (error as Error).message)));
  body.removeAttribute('aria-busy');
}

function paramsText(fit: Obj): HTMLElement {
  const params = (fit.params ?? {}) as Record<string, number>;
  const se = (fit.se ?? {}) as Record<string, number>;
  const names = (fit.param_names as string[]) ?? Object.keys(params);
  return h('span', { class: 'params' }, names.map((n, i) => h('span', {}, i ? ' · ' : '', h('var', {}, n), ` = ${fmtNum(params[n])}`,
    se[n] !== undefined && se[n] !== null ? h('span', { class: 'muted' }, ` ± ${fmtNum(se[n])}`) : '')));
}

function comparison(fit: Obj): HTMLElement {
  const rows = ((fit.comparison as Obj[]) ?? []).slice().sort((a, b) => Number(a.bic) - Number(b.bic));
  const best = String(fit.best ?? (fit.fit as Obj)?.model ?? '');
  const spend = fit.spend as Obj | undefined;
  const tableEl = h('table', { class: 'models' },
    h('caption', {}, `Count models fitted to ${fmtInt(fit.customers)} customers (time unit: ${fit.unit}); lower BIC is better`),
    h('thead', {}, h('tr', {}, ['Model', 'Log-likelihood', 'AIC', 'BIC', 'Parameters (± standard error)', 'Converged']
      .map((t, i) => h('th', { scope: 'col', class: i > 0 && i < 4 ? 'num' : null }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', { class: r.model === best ? 'best' : null },
      h('th', { scope: 'row' }, modelName(r.model), r.model === best ? h('span', { class: 'badge best' }, 'best') : ''),
      h('td', { class: 'num' }, fmtNum(r.log_likelihood)), h('td', { class: 'num' }, fmtNum(r.aic)),
      h('td', { class: 'num' }, fmtNum(r.bic)), h('td', {}, paramsText(r)),
      h('td', {}, r.converged ? 'yes' : h('span', { class: 'error' }, `no ${String(r.message ?? '')}`))))));
  const failures = (fit.failures as Obj[]) ?? [];
  return h('div', {},
    h('div', { class: 'table-wrap' }, tableEl),
    failures.length ? h('p', { class: 'muted' }, 'Not fitted: ', failures.map((f) => `${modelName(f.model)} (${String((f.error as Obj)?.message ?? '')})`).join('; ')) : null,
    spend && !spend.error ? h('p', {}, h('strong', {}, 'Spend model (Gamma-Gamma): '), paramsText(spend),
      h('span', { class: 'muted' }, ` — ${fmtInt(spend.customers)} repeat customers; correlation of spend and frequency ${fmtNum((fit.spend_frequency_correlation as Obj)?.pearson)} (near 0 is what the model assumes)`)) : null);
}

function validation(v: Obj): HTMLElement {
  const rows = (v.by_frequency as Obj[]) ?? [];
  const names = rows.map((r) => String(r.frequency));
  const tracking = (v.tracking ?? {}) as { week_end?: string[]; actual?: number[]; predicted?: number[] };
  const weeks = tracking.week_end ?? [];
  const calibrationEnd = daySeconds(String(v.calibration_end));
  const summary = h('p', {}, `Calibrated on orders up to ${v.calibration_end}, then predicted the ${fmtNum(v.holdout_length)} ${v.unit}s to ${v.holdout_end}: `,
    h('strong', {}, `${fmtInt(v.predicted)} predicted vs ${fmtInt(v.actual)} actual repeat purchases`),
    ` (${fmtPct(Number(v.predicted) / Math.max(1, Number(v.actual)) - 1)} off) by ${fmtInt(v.customers)} customers; `,
    `${fmtPct(v.predicted_buyers_share)} predicted to buy again vs ${fmtPct(v.actual_buyers_share)} who did. Model: ${modelName((v.model as Obj)?.model)}.`);
  return h('div', {}, summary, h('div', { class: 'chart-grid' },
    chart({
      title: 'Holdout repeat purchases per customer, by calibration-period repeat purchases', fileName: 'calibration-holdout',
      x: names.map((_, i) => i), xNames: names, xLabel: 'Repeat purchases in the calibration period',
      yLabel: 'Mean holdout purchases',
      series: [
        { label: 'Actual', values: rows.map((r) => r.actual_mean as number | null), color: 'var(--chart-1)' },
        { label: 'Predicted', values: rows.map((r) => r.predicted_mean as number | null), color: 'var(--chart-2)', dash: true },
      ],
    }),
    chart({
      title: `Cumulative repeat purchases, week by week (holdout from ${v.calibration_end})`, fileName: 'tracking-curve',
      x: Float64Array.from(weeks, daySeconds), time: true, xLabel: 'Week ending', yLabel: 'Cumulative repeat purchases',
      series: [
        { label: 'Actual', values: Float64Array.from(tracking.actual ?? []), color: 'var(--chart-1)' },
        { label: 'Predicted', values: Float64Array.from(tracking.predicted ?? []), color: 'var(--chart-2)', dash: true },
        { label: 'Holdout starts', values: weeks.map((w, i) => (Math.abs(daySeconds(w) - calibrationEnd) < 3.5 * 86400 ? (tracking.actual ?? [])[i] : null)), color: 'var(--muted)', points: true },
      ],
    })));
}

// The per-customer table, one page at a time from the engine (sorted there): at a million customers no
// reply and no array here holds every row.
const kPageRows = 500;
const kCsvRows = 50000;

function pageData(p: Obj): Record<string, ArrayLike<unknown>> {
  const cols = (p.columns ?? {}) as Record<string, ArrayLike<unknown>>;
  // Typed arrays for the numeric columns: scrolling stays fast.
  return {
    id: cols.id, email: cols.email, x: Float64Array.from(cols.x as number[]),
    p_alive: Float64Array.from(cols.p_alive as number[]), expected_purchases: Float64Array.from(cols.expected_purchases as number[]),
    p_purchase: Float64Array.from(cols.p_purchase as number[]), next_order_date: cols.next_order_date,
    clv: Float64Array.from(cols.clv as (number | null)[], (v) => (v === null ? NaN : v)), risk: cols.risk,
  };
}

function customerTable(app: App, first: Obj, params: Obj): HTMLElement {
  const currency = String((first.currency as string) ?? app.storeCurrency);
  const total = Number(first.customers);
  const counts = (first.risk_counts ?? {}) as Record<string, number>;
  const thresholds = (first.risk_thresholds ?? {}) as Obj;
  let sort = { key: String(first.sort ?? 'clv'), desc: first.desc !== false };
  let offset = 0;
  const holder = h('div', {});
  const columns = (ids: ArrayLike<number>): Column[] => [
    { key: 'email', label: 'Customer', kind: 'text', href: (r) => `#/customer/${ids[r]}`, text: (v, r) => String(v || `#${ids[r]}`), width: '26%' },
    { key: 'x', label: 'Repeat orders', kind: 'int' },
    { key: 'p_alive', label: 'P(alive)', kind: 'pct' },
    { key: 'expected_purchases', label: 'Expected orders', kind: 'num' },
    { key: 'p_purchase', label: 'P(order)', kind: 'pct' },
    { key: 'next_order_date', label: 'Next order', kind: 'date' },
    { key: 'clv', label: 'CLV', kind: 'money' },
    { key: 'risk', label: 'Risk', kind: 'text' },
  ];
  const fetchPage = (at: number, limit = kPageRows) =>
    app.cached<Obj>('predictions', { ...params, offset: at, limit, sort: sort.key, desc: sort.desc });
  const show = (p: Obj) => {
    const data = pageData(p);
    const rows = Number(p.page_rows ?? 0);
    const prev = h('button', { type: 'button', class: 'secondary small', disabled: offset === 0 ? '' : null }, 'Previous');
    const next = h('button', { type: 'button', class: 'secondary small', disabled: offset + rows >= total ? '' : null }, 'Next');
    prev.addEventListener('click', () => void go(Math.max(0, offset - kPageRows)));
    next.addEventListener('click', () => void go(offset + kPageRows));
    const all = h('button', { type: 'button', class: 'secondary small' }, 'Download all (CSV)');
    all.addEventListener('click', () => void downloadAll(all));
    holder.replaceChildren(dataTable({
      caption: `Predictions for ${fmtInt(total)} customers`, fileName: `predictions-${p.as_of}-rows-${offset + 1}-${offset + rows}`,
      data, currency, sort, totalRows: total,
      onSort: (key, desc) => { sort = { key, desc }; void go(0); },
      tools: [h('span', { class: 'muted page-range' }, `rows ${fmtInt(rows ? offset + 1 : 0)}–${fmtInt(offset + rows)}`), prev, next, all],
      columns: columns(data.id as ArrayLike<number>),
    }));
  };
  const go = async (at: number) => {
    holder.setAttribute('aria-busy', 'true');
    try {
      const p = await fetchPage(at);
      offset = at;
      show(p);
    } finally {
      holder.removeAttribute('aria-busy');
    }
  };
  // Every row, fetched in pages of 50,000 and written as one CSV file.
  const downloadAll = async (button: HTMLElement) => {
    const cols = columns([]);
    const lines = [cols.map((c) => csvField(c.label ?? c.key)).join(',')];
    for (let at = 0; at < total; at += kCsvRows) {
      button.textContent = `Preparing… ${fmtPct(at / total)}`;
      const p = await app.client.call<Obj>('predictions', { ...params, offset: at, limit: kCsvRows, sort: sort.key, desc: sort.desc });
      const data = (p.columns ?? {}) as Record<string, ArrayLike<unknown>>;
      for (let r = 0; r < Number(p.page_rows); r++) lines.push(cols.map((c) => csvField(data[c.key][r])).join(','));
    }
    button.textContent = 'Download all (CSV)';
    download(`predictions-${first.as_of}.csv`, '\ufeff' + lines.join('\r\n') + '\r\n', 'text/csv;charset=utf-8');
  };
  show(first);
  return h('div', {},
    h('p', {}, `Risk bands: `, ['high', 'medium', 'low', 'unrated'].filter((b) => counts[b]).map((b, i) =>
      h('span', {}, i ? ' · ' : '', h('a', { href: `#/customers?rule=${encodeURIComponent(`risk = "${b}"`)}`, class: `risk risk-${b}` }, `${fmtInt(counts[b])} ${b}`))),
    h('span', { class: 'muted' }, ` (high: P(alive) < ${fmtPct(thresholds.medium)}, medium: < ${fmtPct(thresholds.low)}; unrated: no repeat order yet). Expected purchases over the next ${fmtNum(first.horizon_days)} days; CLV over ${fmtNum(first.clv_months)} months. Sorted by the engine; ${fmtInt(kPageRows)} rows a page.`)),
    holder);
}

// What the models learn from, from the overview's KPIs (kept, or among the first answers of a session): shown
// at once, while the fit (seconds at a million customers) is under way.
function fittedOn(kpis: Obj): HTMLElement {
  const k = (kpis.kpis ?? {}) as Obj;
  const customers = Number(k.customers ?? 0), repeat = Number(k.repeat_customers ?? 0);
  return h('p', {},
    `The models learn from the purchase histories of ${fmtInt(customers)} customers with an order, `,
    `${fmtInt(repeat)} of them (${fmtPct(customers ? repeat / customers : 0)}) repeat customers, `,
    `from ${String(k.first_order_day ?? '—')} to ${String(kpis.as_of ?? '—')} (the analysis date): for each, how many `,
    'repeat purchase days, when the last one was, and how long ago the first.');
}

export async function renderPredictions(app: App, body: HTMLElement): Promise<void> {
  const data = section('What the models learn from', 'model-data');
  const models = section('Model comparison', 'models');
  const holdout = section('Calibration and holdout', 'holdout');
  const table = section('Every customer', 'customer-predictions');
  body.append(data.el, models.el, holdout.el, table.el);
  const currency = app.currency ? { currency: app.currency } : {};
  models.body.replaceChildren(h('p', { class: 'loading', role: 'status' },
    'Fitting BG/NBD, Pareto/NBD and MBG/NBD (in progress: seconds for a large store); the comparison, the holdout check and each customer\'s predictions appear when the fit ends.'));
  // "fit" fits the three count models once; the others reuse the best by name (one more fit each). Not waited
  // for: the page shows what the models learn from first, and fills in as the answers arrive.
  const fitted = app.cached<Obj>('fit', { model: 'auto' }).then((fit) => {
    models.body.replaceChildren(comparison(fit));
    models.body.removeAttribute('aria-busy');
    return String(fit.best ?? 'auto');
  }, (error) => {
    failed(models.body, error);
    return 'auto';
  });
  const later = fitted.then((best) => Promise.all([
    app.cached<Obj>('predictions', { model: best, ...currency, offset: 0, limit: kPageRows, sort: 'clv', desc: true }).then((p) => {
      table.body.replaceChildren(customerTable(app, p, { model: best, ...currency }));
      table.body.removeAttribute('aria-busy');
    }, (e) => failed(table.body, e)),
    app.cached<Obj>('validation', { model: best }).then((v) => {
      holdout.body.replaceChildren(validation(v));
      holdout.body.removeAttribute('aria-busy');
    }, (e) => failed(holdout.body, e)),
  ]));
  void later.then(() => body.setAttribute('data-complete', 'true'));
  // The page's first content: what the models learn from (or, without the KPIs, the comparison itself).
  try {
    data.body.replaceChildren(fittedOn(await app.cached<Obj>('kpis')));
    data.body.removeAttribute('aria-busy');
  } catch (error) {
    failed(data.body, error);
    await fitted;
  }
}
