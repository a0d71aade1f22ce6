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
    result = await app.client.call<Kpis>('kpis');
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
  body.append(h('div', { class: 'kpis', role: 'list' }, cards.map((c) => {
    const v = c.get(kpis, feedback);
    return h('div', { class: 'kpi card', role: 'listitem', 'data-kpi': c.id },
      h('div', { class: 'kpi-label' }, c.label),
      h('div', { class: 'kpi-value' }, value(c.kind, v, currency)),
      h('div', { class: 'kpi-hint' }, noRetention && (c.id === 'retention_rate' || c.id === 'churn_rate')
        ? `needs ${2 * period} days of order history` : c.hint));
  })));
  if (app.state.source === 'demo') body.append(dropHint(app));
}
