// #/overview: the headline KPIs (DESIGN §3), per currency, from the "kpis" op.
import type { App } from '../app';
import { emptyState, h } from '../dom';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format';
import { outcomesPanel } from './report';

type Kind = 'int' | 'money' | 'num' | 'pct' | 'days';
type Kpis = Record<string, unknown>;
interface Card { id: string; label: string; kind: Kind; hint: string; get: (k: Kpis, feedback: Kpis) => unknown }

const at = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Kpis)[key] : undefined);
const field = (key: string) => (k: Kpis) => k[key];
/** Feedback KPIs only when there is feedback of that kind. */
const fromFeedback = (key: string, count: string) => (_: Kpis, f: Kpis) => (Number(f[count]) > 0 ? f[key] : undefined);

// The "kpis" op (core/api/ops/kpis.cpp): {as_of, currency, kpis, by_currency: [...], feedback}.
const kCards: Card[] = [
  { id: 'customers', label: 'Customers', kind: 'int', hint: 'with at least one valid order', get: field('customers') },
  { id: 'orders', label: 'Orders', kind: 'int', hint: 'valid orders, guests included', get: field('orders') },
  { id: 'net_revenue', label: 'Net revenue', kind: 'money', hint: 'total minus refunds', get: field('net_revenue') },
  { id: 'aov', label: 'Average order value', kind: 'money', hint: 'net revenue ÷ orders', get: field('aov') },
  { id: 'purchase_frequency', label: 'Purchase frequency', kind: 'num', hint: 'orders per customer', get: field('purchase_frequency') },
  { id: 'repeat_purchase_rate', label: 'Repeat purchase rate', kind: 'pct', hint: 'customers with 2+ orders', get: field('repeat_purchase_rate') },
  { id: 'median_days_first_to_second', label: 'Median days to 2nd order', kind: 'days', hint: 'from first to second order', get: field('median_days_first_to_second') },
  { id: 'historical_clv', label: 'Historical CLV', kind: 'money', hint: 'net revenue ÷ customers', get: field('historical_clv') },
  { id: 'retention_rate', label: 'Retention rate', kind: 'pct', hint: 'of last period’s buyers, ordered again', get: (k) => at(k.retention, 'rate') },
  { id: 'churn_rate', label: 'Churn rate', kind: 'pct', hint: '1 − retention rate', get: field('churn_rate') },
  { id: 'nps', label: 'NPS', kind: 'num', hint: '% promoters − % detractors', get: fromFeedback('nps', 'surveys') },
  { id: 'csat', label: 'CSAT', kind: 'pct', hint: 'share of 4–5 ratings', get: fromFeedback('csat', 'rated_tickets') },
  { id: 'review_rate', label: 'Review rate', kind: 'pct', hint: 'customers who left a review', get: fromFeedback('review_rate', 'reviews') },
  { id: 'average_rating', label: 'Average rating', kind: 'num', hint: 'out of 5', get: fromFeedback('average_rating', 'reviews') },
];
const kOptional = new Set(['nps', 'csat', 'review_rate', 'average_rating']);

function value(kind: Kind, v: unknown, currency: string): string {
  switch (kind) {
    case 'int': return fmtInt(v);
    case 'money': return fmtMoney(v, currency);
    case 'pct': return fmtPct(v);
    case 'days': return typeof v === 'number' ? `${fmtNum(v)} d` : '—';
    default: return fmtNum(v);
  }
}

/** The KPI block of the chosen (else the headline) currency. */
function forCurrency(result: Kpis, currency: string): { kpis: Kpis | null; currency: string; currencies: string[] } {
  const blocks = (Array.isArray(result.by_currency) ? result.by_currency : []) as Kpis[];
  const chosen = blocks.find((b) => b.currency === currency) ?? (result.kpis as Kpis | null) ?? blocks[0] ?? null;
  return { kpis: chosen, currency: String(chosen?.currency ?? ''), currencies: blocks.map((b) => String(b.currency)) };
}

export function dropHint(app: App): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Choose export files…');
  button.addEventListener('click', () => document.getElementById('file-input')?.click());
  return h('div', { class: 'drop-hint' },
    h('p', {}, 'Drop your store’s exports anywhere on this page — for Shopify: ',
      h('em', {}, 'Orders → Export → All orders → CSV for Excel'),
      '. Customers, products, reviews (Judge.me, Yotpo) and WooCommerce, Magento or BigCommerce orders work too.'),
    h('p', {}, button, ' ', h('span', { class: 'muted' }, 'Files are read in this browser only; nothing is uploaded.')));
}

export async function renderOverview(app: App, main: HTMLElement): Promise<void> {
  const body = h('div', { class: 'kpi-area', 'aria-busy': 'true' });
  const intro = app.state.source === 'demo'
    ? h('p', { class: 'banner demo', role: 'note' }, h('strong', {}, 'Demo store. '),
      'These numbers come from a generated demo shop. Drop your own exports to replace it — your data stays in this browser.')
    : null;
  const outcomes = outcomesPanel(app);
  main.append(h('h1', {}, 'Overview'), intro ?? '', body, outcomes ?? '');
  let result: Kpis;
  try {
    result = await app.cached<Kpis>('kpis');
  } catch (error) {
    body.removeAttribute('aria-busy');
    body.append(emptyState('No store data yet', dropHint(app)));
    return;
  }
  const { kpis, currency, currencies } = forCurrency(result, app.currency);
  body.removeAttribute('aria-busy');
  if (!kpis || (!kpis.customers && !kpis.orders)) {
    body.append(emptyState('No orders in this workspace yet', dropHint(app)));
    return;
  }
  const feedback = (result.feedback ?? {}) as Kpis;
  const meta = h('p', { class: 'meta-line' },
    typeof result.as_of === 'string' ? h('span', {}, `As of ${result.as_of}`) : null,
    typeof kpis.first_order_day === 'string' ? h('span', {}, `Orders from ${kpis.first_order_day} to ${kpis.last_order_day}`) : null);
  if (currencies.length > 1) {
    const select = h('select', { id: 'currency' }, currencies.map((c) =>
      h('option', { value: c, selected: c === currency }, c)));
    select.addEventListener('change', () => { app.currency = select.value; app.changed(); });
    meta.append(h('span', {}, h('label', { for: 'currency' }, 'Currency '), select));
  } else if (currency) {
    meta.append(h('span', {}, currency));
  }
  body.append(meta);
  const retention = (kpis.retention ?? {}) as Kpis;
  const period = Number(retention.period_days) || 90;
  const noRetention = retention.rate === null || retention.rate === undefined;
  const cards = kCards.filter((c) => {
    const v = c.get(kpis, feedback);
    return !(kOptional.has(c.id) && (v === undefined || v === null));
  });
  // The cards come first; the change against one period earlier (as_of - P), the trends, alerts, funnel
  // and playbooks fill in as the worker answers (the page is useful from the first KPI).
  const asOf = typeof result.as_of === 'string' ? result.as_of : '';
  const before = asOf ? shiftDay(asOf, -period) : '';
  const deltas = new Map<string, HTMLElement>();
  body.append(h('div', { class: 'kpis', role: 'list' }, cards.map((c) => {
    const v = c.get(kpis, feedback);
    const rule = kCardRules[c.id];
    const shown = value(c.kind, v, currency);
    const slot = h('div', { class: 'kpi-delta muted' }, '\u00a0');
    deltas.set(c.id, slot);
    return h('div', { class: 'kpi card', role: 'listitem', 'data-kpi': c.id },
      h('div', { class: 'kpi-label' }, c.label),
      h('div', { class: shown.length > 12 ? 'kpi-value long' : 'kpi-value', title: shown }, rule ? h('a', { href: `#/customers?rule=${encodeURIComponent(rule)}`, title: `The customers behind this number: ${rule}` }, shown) : shown),
      slot,
      h('div', { class: 'kpi-hint' }, noRetention && (c.id === 'retention_rate' || c.id === 'churn_rate')
        ? `needs ${2 * period} days of order history` : c.hint));
  })));
  if (app.state.source === 'demo') body.append(dropHint(app));
  const rest = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, 'Computing trends, alerts, the funnel and playbooks…'));
  body.insertBefore(rest, app.state.source === 'demo' ? body.lastChild : null);
  void (async () => {
    let previous: Kpis | null = null;
    if (before) {
      try {
        previous = forCurrency(await app.cached<Kpis>('kpis', { as_of: before }), currency).kpis;
      } catch { previous = null; }
    }
    for (const c of cards) {
      const d = delta(c, c.get(kpis, feedback), previous ? c.get(previous, {}) : undefined, before, currency);
      if (d) deltas.get(c.id)!.replaceWith(d);
    }
    const more = h('div', {});
    await extras(app, more, kpis, previous, before, currency);
    rest.replaceWith(...more.childNodes);
  })();
}

const kCardRules: Record<string, string> = {
  customers: 'orders >= 1', orders: 'orders >= 1', net_revenue: 'orders >= 1', repeat_purchase_rate: 'orders >= 2',
  historical_clv: 'orders >= 1', churn_rate: 'stage = "lapsed" OR stage = "at_risk"', retention_rate: 'orders >= 2',
};
// For these, a fall is good news.
const kLowerIsBetter = new Set(['churn_rate', 'median_days_first_to_second']);

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400e3).toISOString().slice(0, 10);
}

function delta(c: Card, now: unknown, then: unknown, before: string, currency: string): HTMLElement | null {
  if (typeof now !== 'number' || typeof then !== 'number' || !Number.isFinite(then)) return h('div', { class: 'kpi-delta muted' }, ' ');
  const diff = Math.abs(now - then) < 1e-9 * Math.max(1, Math.abs(then)) || (c.kind !== 'pct' && then !== 0 && Math.abs((now - then) / then) < 0.0005) ? 0 : now - then;
  const up = diff > 0;
  const good = diff === 0 ? null : up !== kLowerIsBetter.has(c.id);
  const text = c.kind === 'pct' ? `${up ? '+' : diff < 0 ? '−' : '±'}${fmtNum(Math.abs(diff) * 100)} pts`
    : then !== 0 ? `${up ? '+' : diff < 0 ? '−' : '±'}${fmtPct(Math.abs(diff / then))}` : '';
  return h('div', { class: `kpi-delta ${good === null ? 'muted' : good ? 'good' : 'bad'}` },
    h('span', { 'aria-hidden': 'true' }, up ? '▲ ' : diff < 0 ? '▼ ' : ''), text,
    h('span', { class: 'muted' }, ` vs ${before} (${value(c.kind, then, currency)})`));
}

type Obj = Record<string, unknown>;

/** A tiny inline SVG line (no library): the shape of a monthly series. */
function sparkline(values: number[], label: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const w = 160, hgt = 40;
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const max = Math.max(1e-9, ...values), min = Math.min(0, ...values);
  const pts = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * (w - 4) + 2},${hgt - 3 - ((v - min) / (max - min)) * (hgt - 6)}`);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.join(' '));
  svg.append(line);
  return svg;
}

/** Monthly series from the cohorts op: new customers, active customers and net revenue by calendar month. */
function monthly(cohorts: Obj[]): { months: string[]; newCustomers: number[]; active: number[]; revenue: number[] } {
  const index = (m: string) => { const [y, mo] = m.split('-').map(Number); return y * 12 + mo - 1; };
  const start = Math.min(...cohorts.map((c) => index(String(c.month))));
  const end = Math.max(...cohorts.map((c) => index(String(c.month)) + (c.retention as number[]).length - 1));
  const n = end - start + 1;
  const newCustomers = new Array(n).fill(0), active = new Array(n).fill(0), revenue = new Array(n).fill(0);
  for (const c of cohorts) {
    const k = index(String(c.month)) - start;
    newCustomers[k] += Number(c.customers) || 0;
    ((c.active as number[]) ?? []).forEach((v, i) => { active[k + i] += v || 0; });
    ((c.net_revenue as number[]) ?? []).forEach((v, i) => { revenue[k + i] += v || 0; });
  }
  const months = Array.from({ length: n }, (_, i) => `${Math.floor((start + i) / 12)}-${String(((start + i) % 12) + 1).padStart(2, '0')}`);
  return { months, newCustomers, active, revenue };
}

/** Alerts in words: a cohort whose early repeat rate fell well below the cohorts before it. */
function cohortAlerts(cohorts: Obj[], lastPartial: boolean): string[] {
  const out: string[] = [];
  for (const m of [1, 3]) {
    // Cohorts old enough to have a complete month m.
    const mature = cohorts.filter((c) => (c.retention as number[]).length > m + (lastPartial ? 1 : 0));
    if (mature.length < 4) continue;
    const last = mature[mature.length - 1];
    const prior = mature.slice(-7, -1);
    const rate = (c: Obj) => (c.retention as number[])[m];
    const base = prior.reduce((s, c) => s + rate(c), 0) / prior.length;
    const now = rate(last);
    if (base > 0 && now < base * 0.8) out.push(`Month-${m} repeat rate fell from ${fmtPct(base)} (average of the ${prior.length} cohorts before) to ${fmtPct(now)} in the ${last.month} cohort.`);
    else if (base > 0 && now > base * 1.25) out.push(`Month-${m} repeat rate rose from ${fmtPct(base)} to ${fmtPct(now)} in the ${last.month} cohort.`);
  }
  return out;
}

async function extras(app: App, body: HTMLElement, kpis: Kpis, previous: Kpis | null, before: string, currency: string): Promise<void> {
  const alerts: string[] = [];
  if (previous) {
    const r0 = Number(previous.repeat_purchase_rate), r1 = Number(kpis.repeat_purchase_rate);
    if (r0 > 0 && Math.abs(r1 - r0) >= 0.02) alerts.push(`Repeat purchase rate ${r1 < r0 ? 'fell' : 'rose'} from ${fmtPct(r0)} on ${before} to ${fmtPct(r1)}.`);
    const ret0 = Number((previous.retention as Obj | undefined)?.rate), ret1 = Number((kpis.retention as Obj | undefined)?.rate);
    if (ret0 > 0 && Math.abs(ret1 - ret0) >= 0.03) alerts.push(`Retention ${ret1 < ret0 ? 'fell' : 'rose'} from ${fmtPct(ret0)} to ${fmtPct(ret1)} over the last period.`);
  }
  const grid = h('div', { class: 'overview-grid' });
  body.append(grid);
  // Trends (from cohorts) and alerts.
  try {
    const co = await app.cached<Obj>('cohorts');
    const cohorts = ((((co.groups as Obj[]) ?? [])[0]?.cohorts as Obj[]) ?? []);
    if (cohorts.length) {
      const m = monthly(cohorts);
      if (co.last_month_partial && m.months.length > 2) {  // the partial month would read as a fall
        for (const a of [m.months, m.newCustomers, m.active, m.revenue] as unknown[][]) a.pop();
      }
      const last = (a: number[]) => a[a.length - 1];
      const trend = (title: string, values: number[], text: string, href: string) => h('a', { class: 'trend', href },
        h('span', { class: 'kpi-label' }, title), sparkline(values, `${title}, ${m.months[0]} to ${last(m.months as unknown as number[])}`),
        h('span', { class: 'trend-last' }, `${text} in ${m.months[m.months.length - 1]}`));
      grid.append(h('section', { class: 'card', 'aria-label': 'Monthly trends' }, h('h2', {}, 'Monthly trends'),
        h('div', { class: 'trends' },
          trend('Net revenue', m.revenue, fmtMoney(last(m.revenue), currency), '#/cohorts'),
          trend('New customers', m.newCustomers, fmtInt(last(m.newCustomers)), '#/cohorts'),
          trend('Active customers', m.active, fmtInt(last(m.active)), '#/cohorts'))));
      alerts.push(...cohortAlerts(cohorts, !!co.last_month_partial));
    }
  } catch { /* trends are optional */ }
  grid.append(h('section', { class: 'card alerts', 'aria-label': 'Alerts' }, h('h2', {}, 'What changed'),
    alerts.length ? h('ul', {}, alerts.map((a) => h('li', {}, a))) : h('p', { class: 'muted' }, 'Nothing unusual: no KPI or cohort moved sharply.')));
  // The funnel, each stage linking to its customers.
  try {
    const f = await app.cached<Obj>('funnel');
    const stages = (f.stages as Obj[]) ?? [];
    const max = Math.max(1, ...stages.map((s) => Number(s.customers) || 0));
    grid.append(h('section', { class: 'card', 'aria-label': 'Funnel' }, h('h2', {}, h('a', { href: '#/funnel' }, 'Funnel')),
      h('ul', { class: 'mini-funnel' }, stages.map((s) => {
        const bar = h('span', { class: `bar stage-${s.stage}` });
        bar.style.width = `${(100 * (Number(s.customers) || 0)) / max}%`;
        return h('li', {}, h('a', { href: `#/customers?rule=${encodeURIComponent(`stage = "${s.stage}"`)}` }, String(s.label ?? s.stage)),
          h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar), h('span', { class: 'num' }, fmtInt(s.customers)));
      }))));
  } catch { /* optional */ }
  // Customers due this week, per playbook.
  try {
    const p = await app.cached<Obj>('playbooks', { limit: 0, due_before: '+7d' });
    const dueThisWeek: Record<string, number> = {};
    for (const b of (p.playbooks as Obj[]) ?? []) dueThisWeek[String(b.playbook)] = Number(b.due ?? 0);
    const list = ((p.playbooks as Obj[]) ?? []).filter((b) => Number(b.assigned) > 0);
    grid.append(h('section', { class: 'card', 'aria-label': 'Due this week' }, h('h2', {}, h('a', { href: '#/playbooks' }, 'Due this week')),
      list.length ? h('ul', { class: 'due' }, list.map((b) => h('li', {},
        h('a', { href: b.rule ? `#/customers?rule=${encodeURIComponent(String(b.rule))}` : '#/playbooks' }, h('strong', {}, fmtInt(dueThisWeek[String(b.playbook)] ?? 0)), ` ${String(b.title)}`),
        h('span', { class: 'muted' }, ` of ${fmtInt(b.assigned)} assigned`)))) : h('p', { class: 'muted' }, 'No playbook has customers due.')));
  } catch { /* optional */ }
}
