// The Widget page: the storefront widget's model file for this workspace (op "widget_model"), the one-line
// install snippet, a live preview (the demo storefront in an iframe) and the offline quality figures
// (bench/widget_quality_bench.cpp, docs/widget.md). Nothing here leaves the browser: the model is downloaded
// from memory as a Blob.
import type { App } from '../app';
import { download, emptyState, h } from '../dom';
import { fmtBytes, fmtInt } from '../format';
import { table } from './render';

type Obj = Record<string, unknown>;

const kSnippet = `<script src="/rapport-widget.js" data-model="/rapport-model.bin" defer></script>
<div data-rapport-recs data-product="{{ product.selected_or_first_available_variant.sku }}" data-limit="4"></div>
<script>
  window.rapport = window.rapport || [];
  // On the order status page: rapport.push(['purchase', {order: '{{ order.name }}', items: ['SKU-1', 'SKU-2']}]);
</script>`;

// Measured offline by bench/widget_quality_bench.cpp (docs/widget.md "Quality"); same build, same ranking code.
// d: widget minus popularity with its 95 % paired bootstrap interval.
const kQuality: Obj[] = [
  { data: 'arules Groceries: basket completion (hide 1 item, 5-fold)', metric: 'hit rate@4', widget: '0.2315', popularity: '0.2255', difference: '+0.0059 [+0.0042, +0.0078]' },
  { data: 'Kaggle Groceries: next basket (hide each member’s last)', metric: 'hit rate@4', widget: '0.4680', popularity: '0.4680', difference: '0 (falls back to popularity)' },
  { data: 'Kaggle Groceries: next basket (hide each member’s last)', metric: 'recall@10', widget: '0.3773', popularity: '0.3773', difference: '0 (falls back to popularity)' },
  { data: 'Demo store: next order (hide each customer’s last)', metric: 'hit rate@4', widget: '0.5893', popularity: '0.4273', difference: '+0.1619 [+0.1340, +0.1911]' },
];

const fmt4 = (x: unknown): string => Number(x).toFixed(4);
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
const interval = (v: unknown): string => {
  const [lo, hi] = (v as number[]) ?? [0, 0];
  return `[${signed(lo)}, ${signed(hi)}]`;
};
const weightsText = (w: Obj): string =>
  `repeat ${w.w_repeat}, replenish ${w.w_replenish}, neighbours of purchases ${w.w_bought}, popularity half-life ` +
  `${Number(w.popularity_half_life) ? `${w.popularity_half_life} days` : 'off'}`;

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; ++i) out[i] = bin.charCodeAt(i);
  return out;
}

const kDefaultMinPairs = 3;
/** The page's first request with its default inputs (also asked for ahead, views/pages.ts). */
export const kFirstWidget = { min_pairs: kDefaultMinPairs, file: false };

export async function renderWidget(app: App, body: HTMLElement): Promise<void> {
  const k = h('input', { type: 'number', id: 'widget-k', min: 1, max: 1000, step: 1, value: kDefaultMinPairs });
  const reviewUrl = h('input', { type: 'url', id: 'widget-review-url', class: 'wide', placeholder: 'https://your-store.example/products/{id}#reviews' });
  // The personal weights: empty = learned from this store's orders (the default, as `rapport model`).
  const weight = (id: string, max: number, step: string) => h('input', { type: 'number', id, min: 0, max, step, placeholder: 'learned' });
  const wRepeat = weight('widget-w-repeat', 100, '0.001');
  const wReplenish = weight('widget-w-replenish', 100, '0.001');
  const wBought = weight('widget-w-bought', 100, '0.001');
  const halfLife = weight('widget-half-life', 36500, '1');
  const result = h('div', { 'aria-live': 'polite' });
  const build = async () => {
    result.setAttribute('aria-busy', 'true');
    result.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Building the model…'));
    try {
      const params: Obj = { min_pairs: Number(k.value) || kDefaultMinPairs };
      if (reviewUrl.value.trim()) params.review_url_template = reviewUrl.value.trim();
      for (const [input, name] of [[wRepeat, 'w_repeat'], [wReplenish, 'w_replenish'], [wBought, 'w_bought'], [halfLife, 'popularity_half_life']] as const) {
        if (input.value.trim() !== '') params[name] = Number(input.value);
      }
      // The figures first, without the file (a small answer, kept between visits); the file itself on Download,
      // from the same build (the engine keeps it).
      const r = await app.cached<Obj>('widget_model', { ...params, file: false });
      const save = h('button', { type: 'button', class: 'primary', id: 'widget-download' }, `Download rapport-model.bin (${fmtBytes(Number(r.bytes))})`);
      const saving = h('span', { 'aria-live': 'polite', class: 'muted' });
      save.addEventListener('click', async () => {
        saving.textContent = 'Preparing…';
        try {
          const f = await app.client.call<Obj>('widget_model', { ...params, file: true });
          download('rapport-model.bin', bytesOf(String(f.bytes_base64)), 'application/octet-stream');
          saving.textContent = '';
        } catch (error) {
          saving.textContent = (error as Error).message;
        }
      });
      const sample = ((r.sample as Obj[]) ?? []).map((s) => ({
        product: s.title || s.id, 'repurchase (days)': s.repurchase_days || '–',
        'shown with it': ((s.neighbours as Obj[]) ?? []).map((n) => String(n.title || n.id)).join(' · ') || '–',
      }));
      const q = r.quality as Obj | undefined;
      const v = r.validation as Obj;
      const learned = v.ran
        ? `Personal weights searched on ${fmtInt(v.select_cases)} customers’ last orders and checked on ${fmtInt(v.confirm_cases)} more: ` +
          (v.accepted ? 'they beat popularity there on both measures, so the model uses them.'
            : 'they did not beat popularity on both measures, so the model ranks shoppers’ histories by popularity.')
        : 'Too few customers with two or more orders to learn personal weights (or all fixed above): they are not used.';
      const qualityCard = q && Number(q.cases) > 0
        ? h('div', { id: 'widget-quality' },
          h('p', { class: 'muted' }, `Your store: ${fmtInt(q.cases)} repeat customers’ last orders hidden (not the ones the weights were ` +
            'searched on), the model built from everything else with these options, and the widget’s ranking of their earlier orders ' +
            'compared with your best sellers (95 % paired bootstrap intervals).'),
          table([
            { metric: 'hit rate@4 (a top-4 product was bought)', widget: fmt4(q.hit4), 'best sellers': fmt4(q.pop_hit4),
              difference: `${signed(Number(q.hit4) - Number(q.pop_hit4))} ${interval(q.d_hit4)}` },
            { metric: 'recall@10 (share of the order in the top 10)', widget: fmt4(q.recall10), 'best sellers': fmt4(q.pop_recall10),
              difference: `${signed(Number(q.recall10) - Number(q.pop_recall10))} ${interval(q.d_recall10)}` },
          ], 'Offline quality on your own orders'))
        : h('p', { class: 'muted', id: 'widget-quality' }, 'No customer has two orders yet: the offline quality needs repeat customers.');
      result.replaceChildren(
        h('p', { class: 'meta-line' }, h('span', {}, `${fmtInt(r.products)} products, ${fmtInt(r.products_with_neighbours)} with neighbours`),
          h('span', {}, `${fmtInt(r.neighbours)} neighbour scores`),
          h('span', {}, `learned from ${fmtInt(r.baskets)} orders and ${fmtInt(r.transitions)} next orders`),
          h('span', {}, `pairs kept (seen ≥ ${r.min_pairs}×): ${fmtInt(r.co_pairs_kept)} of ${fmtInt(r.co_pairs_seen)} together, ` +
            `${fmtInt(r.seq_pairs_kept)} of ${fmtInt(r.seq_pairs_seen)} next`)),
        h('p', {}, save, ' ', saving, ' ', h('span', { class: 'muted' }, 'No customer data: products, scores and settings only.')),
        h('p', { id: 'widget-weights' }, `Weights in the file: ${weightsText(r.weights as Obj)}. ${learned}`),
        qualityCard,
        sample.length ? table(sample, 'Your best sellers and what the widget shows with them') : emptyState('No orders yet', h('p', {}, 'Import orders to learn recommendations.')));
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    } finally {
      result.removeAttribute('aria-busy');
    }
  };
  const form = h('form', { class: 'card stack', 'aria-label': 'Model options' },
    h('h2', {}, '1. Export the model'),
    h('p', { class: 'inline' }, h('label', { for: 'widget-k' }, 'Drop pairs seen fewer than'), k, h('span', {}, 'times')),
    h('p', { class: 'inline' }, h('label', { for: 'widget-review-url' }, 'Review page ({id}, {url}, {title} are filled in)'), reviewUrl),
    h('p', { class: 'inline' }, h('span', {}, 'Personal weights (empty: learned from your orders):'),
      h('label', { for: 'widget-w-repeat' }, 'repeat'), wRepeat, h('label', { for: 'widget-w-replenish' }, 'replenish'), wReplenish,
      h('label', { for: 'widget-w-bought' }, 'neighbours of purchases'), wBought,
      h('label', { for: 'widget-half-life' }, 'popularity half-life (days)'), halfLife),
    h('p', {}, h('button', { type: 'submit', class: 'secondary' }, 'Build model')), result);
  form.addEventListener('submit', (e) => { e.preventDefault(); void build(); });

  const code = h('pre', { id: 'widget-snippet', tabindex: 0 }, h('code', {}, kSnippet));
  const note = h('span', { 'aria-live': 'polite', class: 'muted' });
  const copy = h('button', { type: 'button', class: 'secondary', id: 'widget-copy' }, 'Copy snippet');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(kSnippet);
      note.textContent = 'Copied.';
    } catch {
      getSelection()?.selectAllChildren(code);
      note.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected snippet.';
    }
  });
  const install = h('section', { class: 'card' }, h('h2', {}, '2. Install'),
    h('p', {}, 'Upload rapport-model.bin, ', h('a', { href: 'store/rapport-widget.js', download: 'rapport-widget.js' }, 'rapport-widget.js'),
      ' and ', h('a', { href: 'store/rapport-widget.wasm', download: 'rapport-widget.wasm' }, 'rapport-widget.wasm'),
      ' to your store’s own domain, then add to the product template:'),
    code, h('p', { class: 'inline' }, copy, note),
    h('p', { class: 'muted' }, 'Shoppers’ views and purchases stay in their browser, and are stored only after consent ' +
      '(Shopify’s Customer Privacy API, or rapport.push([\'consent\', true]) from your banner).'));

  const preview = h('section', { class: 'card' }, h('h2', {}, '3. Live preview'),
    h('p', { class: 'muted' }, 'The demo storefront, with the model of the demo store. Accept its privacy banner, buy something, and browse.'),
    h('iframe', { src: 'store/index.html', title: 'Demo storefront with the Rapport widget', width: '100%', height: '640', loading: 'lazy' }));

  const quality = h('section', { class: 'card' }, h('h2', {}, 'Offline quality on public data'),
    h('p', { class: 'muted' }, 'The same build and ranking code on public groceries data and the demo store (docs/widget.md). ' +
      'On the Kaggle data a shopper’s history says nothing about their next basket that another shopper’s history of the same ' +
      'month does not (shuffle test), so the build keeps popularity there; the neighbours help basket completion (arules) and ' +
      'repeat buying dominates where it exists (demo store).'),
    table(kQuality, 'Widget ranking vs the popularity baseline'));

  body.append(form, install, preview, quality);
  // The page is useful at once (install snippet, preview, offline quality); the model's figures fill in when
  // the engine has built it (a kept answer on a returning visit: at once).
  const built = build();
  await Promise.race([built, new Promise((resolve) => setTimeout(resolve, 100))]);
}
