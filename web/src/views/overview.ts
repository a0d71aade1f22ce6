// #/overview: the headline KPIs (DESIGN §3), per currency, from the "kpis" op.
import type { App } from '../app';
import { emptyState, h } from '../dom';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format';
import { outcomesPanel } from './report';

type Kind = 'int' | 'money' | 'num' | 'pct' | 'days';
interface Card { keys: string[]; label: string; kind: Kind; hint: string }

const kCards: Card[] = [
  { keys: ['customers'], label: 'Customers', kind: 'int', hint: 'with at least one valid order' },
  { keys: ['orders'], label: 'Orders', kind: 'int', hint: 'valid orders, guests included' },
  { keys: ['net_revenue'], label: 'Net revenue', kind: 'money', hint: 'total minus refunds' },
  { keys: ['aov', 'average_order_value'], label: 'Average order value', kind: 'money', hint: 'net revenue / orders' },
  { keys: ['purchase_frequency'], label: 'Purchase frequency', kind: 'num', hint: 'orders per customer' },
  { keys: ['repeat_purchase_rate', 'repeat_rate'], label: 'Repeat purchase rate', kind: 'pct', hint: 'customers with 2+ orders' },
  { keys: ['median_days_to_second_order', 'median_days_first_to_second_order'], label: 'Median days to 2nd order', kind: 'days', hint: 'from first to second order' },
  { keys: ['historical_clv', 'clv'], label: 'Historical CLV', kind: 'money', hint: 'net revenue / customers' },
  { keys: ['retention_rate'], label: 'Retention rate', kind: 'pct', hint: 'ordered again within the period' },
  { keys: ['churn_rate'], label: 'Churn rate', kind: 'pct', hint: '1 − retention rate' },
  { keys: ['nps'], label: 'NPS', kind: 'num', hint: '% promoters − % detractors' },
  { keys: ['csat'], label: 'CSAT', kind: 'pct', hint: 'share of 4–5 ratings' },
  { keys: ['review_rate'], label: 'Review rate', kind: 'pct', hint: 'customers who left a review' },
  { keys: ['average_rating'], label: 'Average rating', kind: 'num', hint: 'of 5' },
];
const kOptional = new Set(['nps', 'csat', 'review_rate', 'average_rating']);

type Kpis = Record<string, unknown>;

function pick(k: Kpis, keys: string[]): unknown {
  for (const key of keys) if (key in k) return k[key];
  return undefined;
}

function value(kind: Kind, v: unknown, currency: string): string {
  switch (kind) {
    case 'int': return fmtInt(v);
    case 'money': return fmtMoney(v, currency);
    case 'pct': return fmtPct(v);
    case 'days': return typeof v === 'number' ? `${fmtNum(v)} d` : '—';
    default: return fmtNum(v);
  }
}

/** The KPI record for one currency, from the shapes the op may use. */
function forCurrency(result: Kpis, currency: string): { kpis: Kpis; currency: string; currencies: string[] } {
  const list = result.currencies;
  if (Array.isArray(list) && list.length && typeof list[0] === 'object') {
    const rows = list as Kpis[];
    const row = rows.find((r) => r.currency === currency) ?? rows[0];
    return { kpis: row, currency: String(row.currency ?? ''), currencies: rows.map((r) => String(r.currency)) };
  }
  const currencies = Array.isArray(list) ? list.map(String)
    : Array.isArray(result.available_currencies) ? (result.available_currencies as unknown[]).map(String) : [];
  const cur = String(result.currency ?? currency ?? '');
  return { kpis: result, currency: cur, currencies: currencies.length ? currencies : cur ? [cur] : [] };
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
  main.append(h('h1', {}, 'Overview'), intro ?? '', outcomesPanel(app) ?? '', body);
  let result: Kpis;
  try {
    result = await app.client.call<Kpis>('kpis', app.currency ? { currency: app.currency } : {});
  } catch (error) {
    body.removeAttribute('aria-busy');
    body.append(emptyState('No store data yet', dropHint(app)));
    return;
  }
  const { kpis, currency, currencies } = forCurrency(result, app.currency);
  body.removeAttribute('aria-busy');
  if (!pick(kpis, ['customers']) && !pick(kpis, ['orders'])) {
    body.append(emptyState('No orders in this workspace yet', dropHint(app)));
    return;
  }
  if (currencies.length > 1) {
    const select = h('select', { id: 'currency' }, currencies.map((c) =>
      h('option', { value: c, selected: c === currency }, c)));
    select.addEventListener('change', () => { app.currency = select.value; app.changed(); });
    body.append(h('p', { class: 'currency-picker' }, h('label', { for: 'currency' }, 'Currency '), select));
  }
  const asOf = pick(kpis, ['as_of']) ?? result.as_of;
  if (typeof asOf === 'string') {
    body.append(h('p', { class: 'muted' }, `As of ${asOf}`, currency ? ` · ${currency}` : ''));
  }
  const cards = kCards.filter((c) => {
    const v = pick(kpis, c.keys);
    return !(kOptional.has(c.keys[0]) && (v === undefined || v === null));
  });
  body.append(h('div', { class: 'kpis', role: 'list' }, cards.map((c) => {
    const v = pick(kpis, c.keys);
    return h('div', { class: 'kpi card', role: 'listitem', 'data-kpi': c.keys[0] },
      h('div', { class: 'kpi-label' }, c.label),
      h('div', { class: 'kpi-value' }, value(c.kind, v, currency)),
      h('div', { class: 'kpi-hint' }, c.hint));
  })));
  if (app.state.source === 'demo') body.append(dropHint(app));
}
