// The analysis pages. Each calls one engine op and renders what it returns; an op that replies an error
// (not implemented yet, no data, too little data) gives a friendly empty state instead.
import type { App } from '../app';
import { EngineCallError } from '../engine/client';
import { emptyState, h } from '../dom';
import { renderValue, table } from './render';
import { dropHint } from './overview';
import { renderCohorts, renderFunnel, renderRfm, renderSegments } from './analyses';
import { renderCampaigns, renderPlaybooks } from './campaigns';
import { renderSettings } from './settings';

const kDedicated: Record<string, (app: App, result: Record<string, unknown>, body: HTMLElement) => void> = {
  cohorts: renderCohorts, funnel: renderFunnel, rfm: renderRfm,
};

export interface Page {
  route: string;
  title: string;
  /** What the page answers, in the merchant's words. */
  question: string;
  op?: string;
  params?: Record<string, unknown>;
}

export const kPages: Page[] = [
  { route: 'customers', title: 'Customers', op: 'customer_search', params: { q: '', limit: 50 },
    question: 'Who are your customers, and what is each relationship like?' },
  { route: 'cohorts', title: 'Cohorts', op: 'cohorts', question: 'Of the customers won each month, how many come back?' },
  { route: 'funnel', title: 'Funnel', op: 'funnel', question: 'How many customers are new, repeat, loyal, at risk or lapsed?' },
  { route: 'rfm', title: 'RFM', op: 'rfm', question: 'Which customers are champions, and which are slipping away?' },
  { route: 'predictions', title: 'Predictions', op: 'predictions', question: 'Who is still active, when will they order next, what are they worth?' },
  { route: 'products', title: 'Products', op: 'products', question: 'When do customers run out, and what do they buy next?' },
  { route: 'segments', title: 'Segments', op: 'segments', question: 'Build audiences with rules like `orders >= 2 BUT NOT ordered_since("2025-03-01")`.' },
  { route: 'playbooks', title: 'Playbooks', op: 'playbooks', question: 'The next best action for each customer, and when.' },
  { route: 'campaigns', title: 'Campaigns', op: 'campaigns', question: 'Audiences to download, each with a holdout group to measure lift.' },
  { route: 'settings', title: 'Settings', op: 'settings_get', question: 'Analysis date, churn window, model time unit and the other defaults.' },
];

function friendly(error: unknown): string {
  const code = error instanceof EngineCallError ? error.code : '';
  if (code === 'insufficient_data') return 'There is not enough data for this analysis yet.';
  if (code === 'not_found') return 'Nothing to show here yet.';
  return 'This analysis is not available for this workspace yet.';
}

async function customerSearch(app: App, body: HTMLElement): Promise<void> {
  const input = h('input', { type: 'search', id: 'customer-q', placeholder: 'email or name', autocomplete: 'off' });
  const out = h('div', { 'aria-live': 'polite' });
  const detail = h('div');
  const showRows = (rows: Record<string, unknown>[], caption: string) => {
    const preferred = ['id', 'email', 'name', 'first_name', 'last_name', 'orders', 'net_revenue', 'net_spend', 'last_order_date'];
    const columns = rows.length ? [...preferred.filter((c) => c in rows[0]),
      ...Object.keys(rows[0]).filter((c) => !preferred.includes(c) && c !== 'key')] : [];
    const tableEl = table(rows, caption, columns);
    // Each row opens the customer's whole relationship (the "customer" op).
    tableEl.querySelector('thead tr')?.append(h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Open')));
    tableEl.querySelectorAll('tbody tr').forEach((tr, i) => {
      const open = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Open customer ${String(rows[i].email ?? rows[i].id)}` }, 'Open');
      open.addEventListener('click', () => void lookup(String(rows[i].id)));
      tr.append(h('td', {}, open));
    });
    out.append(tableEl);
  };
  const run = async () => {
    out.replaceChildren();
    try {
      if (!input.value.trim()) {
        // No query yet: the repeat customers, the relationships worth a look first.
        const r = await app.client.call<{ rows?: Record<string, unknown>[]; members?: number }>('segment', { rule: 'orders >= 2', limit: 50 });
        const rows = r.rows ?? [];
        if (rows.length) showRows(rows, `Repeat customers (first ${rows.length} of ${r.members ?? rows.length})`);
        else out.append(h('p', { class: 'muted' }, 'Type part of an email or a name.'));
        return;
      }
      const result = await app.client.call<{ customers?: Record<string, unknown>[] }>('customer_search', { q: input.value, limit: 50 });
      const rows = result.customers ?? [];
      if (!rows.length) {
        out.append(h('p', { class: 'muted' }, `No customer matches “${input.value}”.`));
        return;
      }
      showRows(rows, 'Matching customers');
    } catch (error) {
      out.append(emptyState('No customers to show', h('p', {}, friendly(error))));
    }
  };
  const lookup = async (id: string) => {
    detail.replaceChildren();
    try {
      const key = /^\d+$/.test(id) ? { id: Number(id) }
        : { key: id.includes('@') && !id.includes(':') ? `email:${id.toLowerCase()}` : id };
      const c = await app.client.call<Record<string, unknown>>('customer', key);
      const who = (c.customer ?? {}) as Record<string, unknown>;
      const title = String(who.email || who.name || who.key || `Customer ${id}`);
      detail.append(h('section', { class: 'card customer-360', 'aria-label': title },
        h('h2', {}, title), renderValue(c, title)));
      detail.scrollIntoView({ block: 'start' });
    } catch (error) {
      detail.append(emptyState('Customer not found', h('p', {}, (error as Error).message)));
    }
  };
  const idInput = h('input', { type: 'text', id: 'customer-id', placeholder: 'customer id or email:…', autocomplete: 'off' });
  let timer = 0;
  input.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(() => void run(), 200); });
  const form = h('form', { class: 'inline' }, h('label', { for: 'customer-id' }, 'Open a customer '), idInput,
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  form.addEventListener('submit', (e) => { e.preventDefault(); void lookup(idInput.value.trim()); });
  body.append(h('p', { class: 'inline' }, h('label', { for: 'customer-q' }, 'Search '), input), form, detail, out);
  await run();
}

export async function renderPage(app: App, page: Page, main: HTMLElement): Promise<void> {
  const body = h('div', { 'aria-busy': 'true' });
  main.append(h('h1', {}, page.title), h('p', { class: 'lede' }, page.question), body);
  const custom: Record<string, (app: App, body: HTMLElement) => Promise<void>> = {
    customers: customerSearch, segments: renderSegments, playbooks: renderPlaybooks, campaigns: renderCampaigns,
    settings: renderSettings,
  };
  if (custom[page.route]) {
    try {
      await custom[page.route](app, body);
    } catch (error) {
      body.replaceChildren(emptyState(friendly(error), app.state.source === 'empty' ? dropHint(app)
        : h('p', { class: 'muted' }, `(engine: ${(error as Error).message})`)));
    }
    body.removeAttribute('aria-busy');
    return;
  }
  try {
    const params = { ...(page.params ?? {}), ...(app.currency && page.route !== 'settings' ? { currency: app.currency } : {}) };
    const result = await app.client.call(page.op ?? page.route, params);
    const dedicated = kDedicated[page.route];
    if (dedicated && result && typeof result === 'object') dedicated(app, result as Record<string, unknown>, body);
    else body.append(renderValue(result, page.title));
  } catch (error) {
    body.append(emptyState(friendly(error),
      app.state.source === 'empty' ? dropHint(app) : h('p', {}, 'Import orders to see this page fill in. ',
        h('span', { class: 'muted' }, `(engine: ${(error as Error).message})`))));
  } finally {
    body.removeAttribute('aria-busy');
  }
}
