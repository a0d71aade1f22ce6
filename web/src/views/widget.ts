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

// Measured offline by bench/widget_quality_bench.cpp (docs/widget.md "Quality"); same data, same code.
const kQuality: Obj[] = [
  { data: 'arules Groceries: basket completion (hide 1 item, 5-fold)', metric: 'hit rate@4', widget: '0.2334', popularity: '0.2255' },
  { data: 'Kaggle Groceries: next basket (hide each member’s last)', metric: 'hit rate@4', widget: '0.4675', popularity: '0.4680' },
  { data: 'Kaggle Groceries: next basket (hide each member’s last)', metric: 'recall@10', widget: '0.3766', popularity: '0.3773' },
];

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; ++i) out[i] = bin.charCodeAt(i);
  return out;
}

export async function renderWidget(app: App, body: HTMLElement): Promise<void> {
  const k = h('input', { type: 'number', id: 'widget-k', min: 1, max: 1000, step: 1, value: 3 });
  const reviewUrl = h('input', { type: 'url', id: 'widget-review-url', class: 'wide', placeholder: 'https://your-store.example/products/{id}#reviews' });
  const result = h('div', { 'aria-live': 'polite' });
  const build = async () => {
    result.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Building the model…'));
    try {
      const params: Obj = { min_pairs: Number(k.value) || 3 };
      if (reviewUrl.value.trim()) params.review_url_template = reviewUrl.value.trim();
      const r = await app.client.call<Obj>('widget_model', params);
      const save = h('button', { type: 'button', class: 'primary', id: 'widget-download' }, `Download rapport-model.bin (${fmtBytes(Number(r.bytes))})`);
      save.addEventListener('click', () => download('rapport-model.bin', bytesOf(String(r.bytes_base64)), 'application/octet-stream'));
      const sample = ((r.sample as Obj[]) ?? []).map((s) => ({
        product: s.title || s.id, 'repurchase (days)': s.repurchase_days || '–',
        'shown with it': ((s.neighbours as Obj[]) ?? []).map((n) => String(n.title || n.id)).join(' · ') || '–',
      }));
      result.replaceChildren(
        h('p', { class: 'meta-line' }, h('span', {}, `${fmtInt(r.products)} products, ${fmtInt(r.products_with_neighbours)} with neighbours`),
          h('span', {}, `${fmtInt(r.neighbours)} neighbour scores`),
          h('span', {}, `learned from ${fmtInt(r.baskets)} orders and ${fmtInt(r.transitions)} next orders`),
          h('span', {}, `pairs kept (seen ≥ ${r.min_pairs}×): ${fmtInt(r.co_pairs_kept)} of ${fmtInt(r.co_pairs_seen)} together, ` +
            `${fmtInt(r.seq_pairs_kept)} of ${fmtInt(r.seq_pairs_seen)} next`)),
        h('p', {}, save, ' ', h('span', { class: 'muted' }, 'No customer data: products, scores and settings only.')),
        sample.length ? table(sample, 'Your best sellers and what the widget shows with them') : emptyState('No orders yet', h('p', {}, 'Import orders to learn recommendations.')));
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  };
  const form = h('form', { class: 'card stack', 'aria-label': 'Model options' },
    h('h2', {}, '1. Export the model'),
    h('p', { class: 'inline' }, h('label', { for: 'widget-k' }, 'Drop pairs seen fewer than'), k, h('span', {}, 'times')),
    h('p', { class: 'inline' }, h('label', { for: 'widget-review-url' }, 'Review page ({id}, {url}, {title} are filled in)'), reviewUrl),
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

  const quality = h('section', { class: 'card' }, h('h2', {}, 'Offline quality'),
    h('p', { class: 'muted' }, 'Same scoring code, measured on public groceries data (docs/widget.md). On the Kaggle data nothing ' +
      'beats popularity, not even each member’s own most bought items; on the arules baskets the neighbours add 3.5%.'),
    table(kQuality, 'Widget ranking vs the popularity baseline'));

  body.append(form, install, preview, quality);
  await build();
}
