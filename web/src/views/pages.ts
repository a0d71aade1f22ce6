// The analysis pages. Each calls one engine op and renders what it returns; an op that replies an error
// (not implemented yet, no data, too little data) gives a friendly empty state instead.
import type { App } from '../app';
import { EngineCallError } from '../engine/client';
import { emptyState, h } from '../dom';
import { renderValue } from './render';
import { dataTable, type Column } from '../table';
import { renderPredictions } from './predictions';
import { kFlowParams, productsParams, renderFlow, renderProducts } from './analyses';
import { helpLink } from './docs';
import { dropHint } from './overview';
import { renderCohorts, renderFunnel, renderRfm } from './analyses';
import { kFirstSegmentsRequests, renderSegments } from './segments';
import { kFirstPlaybooks, renderCampaigns, renderPlaybooks } from './campaigns';
import { renderSettings } from './settings';
import { kFirstWidget, renderWidget } from './widget';

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
  /** The docs/<help>.md page that explains it. */
  help?: string;
}

export const kPages: Page[] = [
  { route: 'customers', help: 'segments', title: 'Customers', op: 'customer_search', params: { q: '', limit: 50 },
    question: 'Who are your customers, and what is each relationship like?' },
  { route: 'cohorts', help: 'metrics', title: 'Cohorts', op: 'cohorts', question: 'Of the customers won each month, how many come back?' },
  { route: 'funnel', help: 'metrics', title: 'Funnel', op: 'funnel', question: 'How many customers are new, repeat, loyal, at risk or lapsed?' },
  { route: 'rfm', help: 'rfm', title: 'RFM', op: 'rfm', question: 'Which customers are champions, and which are slipping away?' },
  { route: 'predictions', help: 'models', title: 'Predictions', op: 'predictions', question: 'Who is still active, when will they order next, what are they worth?' },
  { route: 'products', title: 'Products', op: 'products', question: 'When do customers run out, and what do they buy next?' },
  { route: 'segments', help: 'segments', title: 'Segments', op: 'segments', question: 'Build audiences with rules like `orders >= 2 BUT NOT ordered_since("2025-03-01")`.' },
  { route: 'playbooks', help: 'playbooks', title: 'Playbooks', op: 'playbooks', question: 'The next best action for each customer, and when.' },
  { route: 'campaigns', title: 'Campaigns', op: 'campaigns', question: 'Audiences to download, each with a holdout group, and the lift each campaign really made.' },
  { route: 'widget', title: 'Widget', op: 'widget_model', question: 'Recommendations and review prompts on your storefront, from one script tag.' },
  { route: 'settings', title: 'Settings', op: 'settings_get', question: 'Analysis date, churn window, model time unit and the other defaults.' },
];

function friendly(error: unknown): string {
  const code = error instanceof EngineCallError ? error.code : '';
  if (code === 'insufficient_data') return 'There is not enough data for this analysis yet.';
  if (code === 'not_found') return 'Nothing to show here yet.';
  return 'This analysis is not available for this workspace yet.';
}

function customerColumns(rows: Record<string, unknown>[]): Column[] {
  const preferred: [string, Column['kind'], string][] = [['email', 'text', 'Customer'], ['first_name', 'text', 'First name'],
    ['last_name', 'text', 'Last name'], ['orders', 'int', 'Orders'], ['net_spend', 'money', 'Net spend'],
    ['net_revenue', 'money', 'Net revenue'], ['last_order_date', 'date', 'Last order'], ['stage', 'text', 'Stage'],
    ['rfm_segment', 'text', 'RFM segment'], ['p_alive', 'pct', 'P(alive)'], ['predicted_clv', 'money', 'Predicted CLV']];
  const have = new Set(rows.length ? Object.keys(rows[0]) : []);
  const cols: Column[] = preferred.filter(([k]) => have.has(k)).map(([key, kind, label]) => ({ key, kind, label }));
  // The row's own id (a row fetched later, in an engine-paged list, included).
  if (cols[0]?.key === 'email') {
    cols[0].href = (_r, field) => `#/customer/${field('id')}`;
    cols[0].text = (v, _r, field) => String(v || `#${field('id')}`);
  } else cols.unshift({ key: 'id', label: 'Customer', kind: 'text', href: (_r, field) => `#/customer/${field('id')}`, text: (v) => `#${v}` });
  return cols;
}

// A segment's members are listed a page of rows at a time, fetched from the engine as the table scrolls:
// the first page (about 20 KB) is the page's answer, kept for the next visit (Campaigns downloads them all).
const kListRows = 100;
const kDefaultRule = 'orders >= 2';

/** #/customers[?rule=...]: the customers behind a number (a segment rule), a search, and each one's 360 link. */
async function customerSearch(app: App, body: HTMLElement): Promise<void> {
  const ruleParam = app.route.query.get('rule') ?? '';
  const input = h('input', { type: 'search', id: 'customer-q', placeholder: 'email or name', autocomplete: 'off' });
  const ruleInput = h('input', { type: 'text', id: 'customer-rule', class: 'wide', value: ruleParam || kDefaultRule, spellcheck: 'false' });
  const out = h('div', { 'aria-live': 'polite' });
  const run = async () => {
    try {
      if (!input.value.trim()) {
        const rule = ruleInput.value.trim() || 'orders >= 1';
        type Rows = {
          rows?: Record<string, unknown>[]; members?: number; valid?: boolean; columns_pending?: boolean;
          error?: { rendered?: string; message?: string };
        };
        const show = async (sort: { key: string; desc: boolean } | undefined) => {
          // `first`: a rule of the customer facts alone (the default one) is answered once those are built,
          // before the rest of the segment columns (PROTOCOL.md); its rows are the whole columns' rows.
          const order = { ...(sort ? { sort: sort.key, desc: sort.desc } : {}), first: true };
          // Memoised per workspace version (App.cached): going back to the list costs nothing.
          const r = await app.cached<Rows>('segment', { rule, limit: kListRows, ...order });
          if (r.columns_pending) awaitColumns(rule);
          if (r.valid === false) {
            out.replaceChildren(h('pre', { class: 'error', role: 'alert' }, String(r.error?.rendered ?? r.error?.message)));
            return;
          }
          const rows = r.rows ?? [];
          const members = r.members ?? rows.length;
          out.replaceChildren(rows.length
            ? dataTable({ caption: `Customers matching ${rule} (${members})`, rows, totalRows: members, sort,
              columns: customerColumns(rows), fileName: 'customers', currency: app.storeCurrency,
              // Further rows, a page at a time, as they scroll into view.
              fetchRows: (offset, limit) => app.client.call<Rows>('segment', { rule, limit, offset, ...order }).then((p) => p.rows ?? []),
              onSort: (key, desc) => void show({ key, desc }).catch(fail) })
            : h('p', { class: 'muted' }, `No customer matches ${rule}.`));
        };
        await show(undefined);
        return;
      }
      const result = await app.client.call<{ customers?: Record<string, unknown>[] }>('customer_search', { q: input.value, limit: 200 });
      const rows = result.customers ?? [];
      out.replaceChildren(rows.length
        ? dataTable({ caption: 'Matching customers', rows, columns: customerColumns(rows), fileName: 'customer-search', currency: app.storeCurrency })
        : h('p', { class: 'muted' }, `No customer matches “${input.value}”.`));
    } catch (error) {
      fail(error);
    }
  };
  // The rest of the segment columns (the fields other rules may name: country, tags, RFM, stage, products
  // bought...), still being computed when the list came from the facts alone: said under the rule until they are.
  const columns = h('p', { class: 'muted', role: 'status' });
  const awaitColumns = (rule: string) => {
    columns.setAttribute('aria-busy', 'true');
    columns.textContent = 'This list is complete. The other fields a rule may name (country, tags, RFM, stage, products bought…) ' +
      'are still being computed: another rule waits for them.';
    void app.cached('segment', { rule, limit: kListRows }).catch(() => undefined).finally(() => {
      columns.removeAttribute('aria-busy');
      columns.textContent = '';
    });
  };
  const fail = (error: unknown) => out.replaceChildren(emptyState('No customers to show', h('p', {}, friendly(error), ' ',
    h('span', { class: 'muted' }, `(engine: ${(error as Error).message})`))));
  let timer = 0;
  input.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(() => void run(), 200); });
  const ruleForm = h('form', { class: 'inline' }, h('label', { for: 'customer-rule' }, 'Rule'), ruleInput,
    h('button', { type: 'submit', class: 'secondary' }, 'List'), h('a', { href: '#/docs/segments', class: 'help' }, 'Rule syntax'));
  ruleForm.addEventListener('submit', (e) => {
    e.preventDefault();
    input.value = '';
    history.replaceState(null, '', `#/customers?rule=${encodeURIComponent(ruleInput.value.trim())}`);
    void run();
  });
  body.append(h('p', { class: 'inline' }, h('label', { for: 'customer-q' }, 'Search '), input), ruleForm, columns, out);
  await run();
}

/** #/customer/<id or key>: one customer's whole relationship (the "customer" op). */
export async function renderCustomer(app: App, main: HTMLElement, id: string): Promise<void> {
  main.append(h('p', {}, h('a', { href: '#/customers' }, '← Customers')));
  try {
    const key = /^\d+$/.test(id) ? { id: Number(id) }
      : { key: id.includes('@') && !id.includes(':') ? `email:${id.toLowerCase()}` : id };
    const c = await app.client.call<Record<string, unknown>>('customer', key);
    const who = (c.customer ?? {}) as Record<string, unknown>;
    const title = String(who.email || who.name || who.key || `Customer ${id}`);
    main.append(h('h1', {}, title), h('section', { class: 'card customer-360', 'aria-label': title }, renderValue(c, title)));
  } catch (error) {
    main.append(h('h1', {}, 'Customer'), emptyState('Customer not found', h('p', {}, (error as Error).message)));
  }
}

/** The request of a page drawn from one op (renderPage's generic pages). */
const pageParams = (app: App, page: Page) =>
  ({ ...(page.params ?? {}), ...(app.currency && page.route !== 'settings' ? { currency: app.currency } : {}) });

/**
 * Asks for each page's first requests ahead (App.ahead), in the order of the navigation: the worker computes
 * them, a step at a time, while no page waits, so a page opened later in a first session (nothing kept yet)
 * finds its answer ready, and one opened meanwhile takes over its requests and waits at most for one step of
 * the others'. Asked once per workspace version (main.ts), once the engine has answered what was sent before.
 * Not the Predictions page's model fits: on some stores a Pareto/NBD likelihood pass takes minutes (a 2F1 series
 * near z = 1, bench/RESULTS.md), and a step that long would hold every page; they run when the page is opened.
 */
export function askAhead(app: App): void {
  const ask = (op: string, params: Record<string, unknown> = {}) => void app.ahead(op, params).catch(() => undefined);
  ask('imports');
  ask('segment', { rule: kDefaultRule, limit: kListRows, first: true });
  ask('segment', { rule: kDefaultRule, limit: kListRows });
  for (const route of ['cohorts', 'funnel', 'rfm']) ask(route, pageParams(app, kPages.find((p) => p.route === route)!));
  ask('funnel_flow', kFlowParams);
  // The Products page's first tables (one short step: each customer's first orders read where they are).
  ask('products', { ...productsParams(app), part: 'first_product' });
  for (const [op, params] of kFirstSegmentsRequests) ask(op, params);
  ask('playbooks', { describe: true });
  ask('playbooks', kFirstPlaybooks);
  ask('widget_model', kFirstWidget);
  // Then: one step of a second or more in WebAssembly at a million customers (one analysis call), which a page
  // opened while it runs waits for.
  ask('products', { ...productsParams(app), part: 'replenishment' });
  ask('products', productsParams(app));
  // Last, the longest in all: the Predictions page's first request, the three count models fitted (a few
  // optimiser iterations a step; the Pareto/NBD's search bounded, docs/models.md "Errors").
  ask('fit', { model: 'auto' });
}

export async function renderPage(app: App, page: Page, main: HTMLElement): Promise<void> {
  const body = h('div', { 'aria-busy': 'true' });
  main.append(h('h1', {}, page.title), h('p', { class: 'lede' }, page.question, page.help ? [' ', helpLink(page.help)] : null), body);
  const custom: Record<string, (app: App, body: HTMLElement) => Promise<void>> = {
    customers: customerSearch, segments: renderSegments, playbooks: renderPlaybooks, campaigns: renderCampaigns,
    settings: renderSettings, predictions: renderPredictions, products: renderProducts, widget: renderWidget,
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
    const result = await app.cached(page.op ?? page.route, pageParams(app, page));
    const dedicated = kDedicated[page.route];
    if (dedicated && result && typeof result === 'object') dedicated(app, result as Record<string, unknown>, body);
    else body.append(renderValue(result, page.title));
    // The flow between two dates fills in after the funnel (its own request, marked busy until then).
    if (page.route === 'funnel') void renderFlow(app, body);
  } catch (error) {
    body.append(emptyState(friendly(error),
      app.state.source === 'empty' ? dropHint(app) : h('p', {}, 'Import orders to see this page fill in. ',
        h('span', { class: 'muted' }, `(engine: ${(error as Error).message})`))));
  } finally {
    body.removeAttribute('aria-busy');
  }
}
