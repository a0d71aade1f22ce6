// Rapport's storefront widget (DESIGN §4, docs/widget.md): one script tag, no dependencies, no eval.
//
//   <script src="/rapport-widget.js" data-model="/rapport-model.bin" defer></script>
//   <div data-rapport-recs data-product="SKU-123" data-limit="4"></div>
//
// It fetches the model and rapport-widget.wasm from the page's own origin, instantiates the wasm by hand
// (no Emscripten glue: the page's CSP needs 'wasm-unsafe-eval', never 'unsafe-eval'), and renders every
// [data-rapport-recs] slot into a Shadow DOM. The shopper's views and purchases never leave the browser; they
// are written to localStorage (one key, "rapport") only after consent — Shopify's Customer Privacy API or
// rapport.push(['consent', true]) — and erased when consent is withdrawn. Until then they live in memory only.
// Any failure (corrupt model, missing wasm) renders nothing and logs ONE console.warn; nothing is thrown.

interface Exports {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  rw_alloc(size: number): number;
  rw_free(ptr: number): void;
  rw_load(ptr: number, size: number): number;
  rw_error(): number;
  rw_error_len(): number;
  rw_count(): number;
  rw_find(ptr: number, len: number): number;
  rw_text(product: number, field: number): number;
  rw_text_len(product: number, field: number): number;
  rw_price(product: number): number;
  rw_repurchase_days(product: number): number;
  rw_review(field: number): number;
  rw_recommend(page: number, views: number, viewsN: number, bought: number, boughtDays: number, boughtOrders: number,
    boughtN: number, exclude: number, excludeN: number, limit: number, out: number): number;
}

interface Stored {
  v: 1;
  views: { p: string; t: number }[];            // newest first
  bought: { p: string; t: number }[];           // newest first
  prompted: Record<string, number>;             // product id -> when its review prompt was shown
  dismissed: Record<string, number>;            // product id -> when the shopper dismissed it
}

type Command = [string, unknown];

const kKey = 'rapport';
const kDay = 86_400_000;
const kMaxViews = 20;
const kMaxBought = 50;
const kNone = 0xffffffff;

const kCss = `
:host{display:block;font:inherit;color:inherit}
section{font:inherit}
h2{font:inherit;font-weight:600;font-size:1.05em;margin:0 0 8px;line-height:24px;height:24px;overflow:hidden}
ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(var(--cols),minmax(0,1fr));gap:var(--rapport-gap,12px)}
li{margin:0;min-width:0}
a{display:flex;flex-direction:column;height:var(--rapport-card-height,220px);box-sizing:border-box;padding:8px;border-radius:var(--rapport-radius,8px);
 border:1px solid var(--rapport-border,rgba(127,127,127,.3));color:inherit;text-decoration:none;background:var(--rapport-card-bg,transparent);overflow:hidden}
a:hover{border-color:var(--rapport-accent,#2456d6)}
a:focus-visible{outline:3px solid var(--rapport-accent,#2456d6);outline-offset:2px}
.img{flex:1 1 auto;min-height:0;border-radius:calc(var(--rapport-radius,8px) - 2px);background:var(--rapport-placeholder,rgba(127,127,127,.12));
 display:flex;align-items:center;justify-content:center;font-size:2em;font-weight:600;color:var(--rapport-accent,#2456d6);overflow:hidden}
img{width:100%;height:100%;object-fit:cover}
.t{margin-top:6px;line-height:1.25;height:2.5em;overflow:hidden}
.p{margin-top:2px;font-weight:600;line-height:1.25;height:1.25em}
.due{font-size:.8em;color:var(--rapport-accent,#2456d6)}
.review{position:fixed;z-index:2147483000;right:16px;bottom:16px;max-width:340px;padding:14px 16px;border-radius:var(--rapport-radius,8px);
 background:var(--rapport-card-bg,#fff);color:var(--rapport-text,#111);box-shadow:0 6px 24px rgba(0,0,0,.2);border:1px solid var(--rapport-border,rgba(127,127,127,.3))}
.review p{margin:0 0 10px}
.row{display:flex;gap:8px;flex-wrap:wrap}
.review a{display:inline-block;height:auto;padding:6px 12px;background:var(--rapport-accent,#2456d6);color:var(--rapport-accent-text,#fff);border:0}
button{font:inherit;padding:6px 12px;border-radius:var(--rapport-radius,8px);border:1px solid var(--rapport-border,rgba(127,127,127,.5));background:transparent;color:inherit;cursor:pointer}
button:focus-visible{outline:3px solid var(--rapport-accent,#2456d6);outline-offset:2px}
`;

(() => {
  const w = window as unknown as Record<string, unknown> & { Shopify?: { customerPrivacy?: Record<string, unknown> } };
  let warned = false;
  const warn = (message: string): void => {
    if (warned) return;
    warned = true;
    console.warn(`rapport: ${message}`);
  };
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-model]');
  const queued: Command[] = Array.isArray(w.rapport) ? (w.rapport as Command[]).slice() : [];

  let wasm: Exports | null = null;
  let consent = false;
  let memory: Stored = { v: 1, views: [], bought: [], prompted: {}, dismissed: {} };
  let sheet: CSSStyleSheet | null = null;
  const api = { push: (command: Command) => { queued.push(command); }, stats: { rankMs: 0, loadMs: 0 } };
  w.rapport = api;

  const now = (): number => Date.now();
  const sameOrigin = (url: URL): boolean => url.origin === location.origin;

  // --- storage (only with consent) ----------------------------------------------------------------
  function readStored(): Stored | null {
    try {
      const raw = localStorage.getItem(kKey);
      if (!raw) return null;
      const s = JSON.parse(raw) as Stored;
      if (s && s.v === 1 && Array.isArray(s.views) && Array.isArray(s.bought)) {
        s.prompted ??= {};
        s.dismissed ??= {};
        return s;
      }
    } catch { /* unreadable: start afresh */ }
    return null;
  }
  function save(): void {
    if (!consent) return;
    try { localStorage.setItem(kKey, JSON.stringify(memory)); } catch { /* quota or blocked: keep memory */ }
  }
  function setConsent(allowed: boolean): void {
    if (allowed === consent) {
      // A "no" always erases, also what an earlier visit stored with consent since withdrawn elsewhere.
      if (!allowed) { try { localStorage.removeItem(kKey); } catch { /* nothing stored */ } }
      return;
    }
    consent = allowed;
    if (allowed) {
      // Merge what this page saw (memory) with what earlier visits stored.
      const stored = readStored();
      if (stored) {
        memory.views = dedupe([...memory.views, ...stored.views], kMaxViews);
        memory.bought = [...memory.bought, ...stored.bought].slice(0, kMaxBought);
        memory.prompted = { ...stored.prompted, ...memory.prompted };
        memory.dismissed = { ...stored.dismissed, ...memory.dismissed };
      }
      save();
    } else {
      try { localStorage.removeItem(kKey); } catch { /* nothing stored */ }
      memory = { v: 1, views: memory.views.slice(0, 1), bought: [], prompted: {}, dismissed: {} };
    }
  }
  function dedupe(views: { p: string; t: number }[], max: number): { p: string; t: number }[] {
    const seen = new Set<string>();
    return views.filter((v) => !seen.has(v.p) && seen.add(v.p)).slice(0, max);
  }
  function shopifyConsent(): boolean | null {
    const cp = w.Shopify?.customerPrivacy;
    if (!cp) return null;
    try {
      if (typeof cp.analyticsProcessingAllowed === 'function') return Boolean((cp.analyticsProcessingAllowed as () => boolean)());
      if (typeof cp.userCanBeTracked === 'function') return Boolean((cp.userCanBeTracked as () => boolean)());
    } catch { /* treat as unknown */ }
    return null;
  }

  // --- commands -----------------------------------------------------------------------------------
  function run(command: Command): void {
    if (!Array.isArray(command)) return;
    const [name, arg] = command;
    const a = (arg ?? {}) as Record<string, unknown>;
    if (name === 'consent') {
      setConsent(arg === true);
    } else if (name === 'view' && typeof a.product === 'string') {
      memory.views = dedupe([{ p: a.product, t: now() }, ...memory.views], kMaxViews);
      save();
    } else if (name === 'purchase' && Array.isArray(a.items)) {
      const t = now();
      const items = (a.items as unknown[]).filter((x): x is string => typeof x === 'string');
      memory.bought = [...items.map((p) => ({ p, t })), ...memory.bought].slice(0, kMaxBought);
      save();
    }
  }

  // --- wasm ---------------------------------------------------------------------------------------
  const bytes = (): Uint8Array => new Uint8Array(wasm!.memory.buffer);
  function text(product: number, field: number): string {
    const ptr = wasm!.rw_text(product, field);
    const len = wasm!.rw_text_len(product, field);
    return new TextDecoder().decode(bytes().subarray(ptr, ptr + len));
  }
  function find(id: string): number {
    const enc = new TextEncoder().encode(id);
    const ptr = wasm!.rw_alloc(enc.length);
    bytes().set(enc, ptr);
    const i = wasm!.rw_find(ptr, enc.length);
    wasm!.rw_free(ptr);
    return i;
  }
  async function load(modelUrl: URL, wasmUrl: URL): Promise<void> {
    const imports = {
      env: { emscripten_notify_memory_growth: () => {} },
      wasi_snapshot_preview1: { proc_exit: (code: number) => { throw new Error(`wasm exit ${code}`); } },
    };
    const [modelBytes, instance] = await Promise.all([
      fetch(modelUrl, { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw new Error(`${modelUrl.pathname}: HTTP ${r.status}`);
        return r.arrayBuffer();
      }),
      fetch(wasmUrl, { credentials: 'same-origin' }).then(async (r) => {
        if (!r.ok) throw new Error(`${wasmUrl.pathname}: HTTP ${r.status}`);
        return (await WebAssembly.instantiate(await r.arrayBuffer(), imports)).instance;
      }),
    ]);
    const e = instance.exports as unknown as Exports;
    e._initialize?.();
    const ptr = e.rw_alloc(modelBytes.byteLength);
    new Uint8Array(e.memory.buffer).set(new Uint8Array(modelBytes), ptr);
    const status = e.rw_load(ptr, modelBytes.byteLength);
    e.rw_free(ptr);
    if (status !== 0) {
      const p = e.rw_error();
      const message = new TextDecoder().decode(new Uint8Array(e.memory.buffer, p, e.rw_error_len()));
      throw new Error(`${modelUrl.pathname}: ${message}`);
    }
    wasm = e;
  }

  /**
   * Ranks for one slot with the shopper's raw history: the page's product, views and purchases (latest first,
   * days since, one order id per tracked purchase). The weighting is core/recommend/scoring.h's
   * RecommendForShopper, the function the offline evaluation measured: nothing is weighted here.
   */
  function rank(pageProduct: string, limit: number): number[] {
    const e = wasm!;
    const t = now();
    const page = pageProduct ? find(pageProduct) : -1;
    const views = memory.views.map((v) => find(v.p)).filter((i) => i >= 0);
    const bought: [number, number, number][] = [];
    const orders = new Map<number, number>();  // purchase time -> order id (one purchase command = one order)
    for (const b of memory.bought) {
      const i = find(b.p);
      if (i < 0) continue;
      if (!orders.has(b.t)) orders.set(b.t, orders.size);
      bought.push([i, Math.max(0, Math.floor((t - b.t) / kDay)), orders.get(b.t)!]);
    }
    const exclude: number[] = page >= 0 ? [page] : [];
    const nv = views.length, nb = bought.length;
    const base = e.rw_alloc(4 * (nv + 3 * nb + exclude.length + limit) + 16);
    const dv = new DataView(e.memory.buffer);
    const pV = base, pB = pV + 4 * nv, pD = pB + 4 * nb, pO = pD + 4 * nb, pX = pO + 4 * nb, pOut = pX + 4 * exclude.length;
    views.forEach((p, j) => dv.setUint32(pV + 4 * j, p, true));
    bought.forEach(([p, days, order], j) => {
      dv.setUint32(pB + 4 * j, p, true);
      dv.setInt32(pD + 4 * j, days, true);
      dv.setUint32(pO + 4 * j, order, true);
    });
    exclude.forEach((p, j) => dv.setUint32(pX + 4 * j, p, true));
    const count = e.rw_recommend(page >= 0 ? page : kNone, pV, nv, pB, pD, pO, nb, pX, exclude.length, limit, pOut);
    const out = Array.from(new Uint32Array(e.memory.buffer, pOut, count));
    e.rw_free(base);
    return out;
  }

  // --- rendering ----------------------------------------------------------------------------------
  const attr = (el: Element, name: string, fallback: string): string => el.getAttribute(name) ?? fallback;
  function limitOf(slot: Element): number {
    const n = Number.parseInt(attr(slot, 'data-limit', '4'), 10);
    return Number.isFinite(n) ? Math.min(12, Math.max(1, n)) : 4;
  }
  function columns(limit: number): number { return Math.min(limit, 4); }
  /** The height the rendered slot will have: a 32 px heading and ceil(limit / 4) rows of cards. */
  function reserve(slot: HTMLElement): void {
    const limit = limitOf(slot);
    const style = getComputedStyle(slot);
    const card = Number.parseFloat(style.getPropertyValue('--rapport-card-height')) || 220;
    const gap = Number.parseFloat(style.getPropertyValue('--rapport-gap')) || 12;
    const rows = Math.ceil(limit / columns(limit));
    slot.style.minHeight = `${32 + rows * card + (rows - 1) * gap}px`;
  }
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
    node.append(...kids);
    return node;
  }
  function styled(host: Element): ShadowRoot {
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    if (sheet) root.adoptedStyleSheets = [sheet];
    return root;
  }
  function productUrl(i: number, id: string): string {
    const url = text(i, 2);
    if (url) return url;
    const template = script?.getAttribute('data-product-url');
    return template ? template.split('{id}').join(encodeURIComponent(id)) : '';
  }
  let priceFormat: Intl.NumberFormat | null = null;
  function price(i: number): string {
    const cents = wasm!.rw_price(i);
    if (cents < 0) return '';
    try {
      priceFormat ??= new Intl.NumberFormat(document.documentElement.lang || undefined, { style: 'currency', currency: text(kNone, 0) || 'USD' });
      return priceFormat.format(cents / 100);
    } catch {
      return (cents / 100).toFixed(2);
    }
  }
  function renderSlot(slot: HTMLElement): void {
    const limit = limitOf(slot);
    const start = performance.now();
    const ids = rank(attr(slot, 'data-product', ''), limit);
    api.stats.rankMs = performance.now() - start;
    const root = styled(slot);
    if (!ids.length) { root.replaceChildren(); return; }
    const list = el('ul', { role: 'list' });
    list.style.setProperty('--cols', String(columns(limit)));
    for (const i of ids) {
      const id = text(i, 0);
      const title = text(i, 1) || id;
      const image = text(i, 3);
      const figure = el('span', { class: 'img', 'aria-hidden': 'true' });
      if (image && (sameOrigin(new URL(image, location.href)) || slot.hasAttribute('data-allow-remote-images'))) {
        figure.append(el('img', { src: image, alt: '', loading: 'lazy', decoding: 'async' }));
      } else {
        figure.append(title.trim().charAt(0).toUpperCase());
      }
      const href = productUrl(i, id);
      const card = el('a', href ? { href, 'data-id': id } : { role: 'link', 'aria-disabled': 'true', 'data-id': id },
        figure, el('span', { class: 't' }, title), el('span', { class: 'p' }, price(i)));
      list.append(el('li', {}, card));
    }
    const heading = attr(slot, 'data-title', 'You may also like');
    root.replaceChildren(el('section', { 'aria-label': heading }, el('h2', {}, heading), list));
  }
  function renderAll(): void {
    document.querySelectorAll<HTMLElement>('[data-rapport-recs]').forEach((slot) => {
      try { renderSlot(slot); } catch (error) { warn(`could not render a slot: ${String(error)}`); }
    });
  }

  /** The review prompt: N days after a tracked purchase, once per product, capped, dismissal remembered. */
  function maybeReview(): void {
    if (!consent || !wasm) return;
    const delay = wasm.rw_review(0) * kDay;
    const maxPrompts = wasm.rw_review(1);
    const gap = wasm.rw_review(2) * kDay;
    const t = now();
    const shown = Object.values(memory.prompted);
    if (shown.filter((s) => t - s < 30 * kDay).length >= maxPrompts) return;
    if (shown.some((s) => t - s < gap)) return;
    const due = memory.bought.find((b) => t - b.t >= delay && !(b.p in memory.prompted) && !(b.p in memory.dismissed));
    if (!due) return;
    const i = find(due.p);
    if (i < 0) return;
    const title = text(i, 1) || due.p;
    const template = text(kNone, 1);
    const href = template
      ? template.split('{id}').join(encodeURIComponent(due.p)).split('{url}').join(encodeURIComponent(productUrl(i, due.p)))
        .split('{title}').join(encodeURIComponent(title))
      : (productUrl(i, due.p) ? `${productUrl(i, due.p)}#reviews` : '');
    if (!href) return;
    memory.prompted[due.p] = t;
    save();
    const host = el('div', { 'data-rapport-review': due.p });
    const root = styled(host);
    const close = el('button', { type: 'button', class: 'dismiss' }, 'Not now');
    const dismiss = (): void => {
      memory.dismissed[due.p] = now();
      save();
      host.remove();
    };
    close.addEventListener('click', dismiss);
    const link = el('a', { href }, 'Write a review');
    link.addEventListener('click', () => { memory.dismissed[due.p] = now(); save(); });
    const box = el('div', { class: 'review', role: 'dialog', 'aria-label': 'Review your purchase' },
      el('p', {}, `How are you finding your ${title}?`), el('div', { class: 'row' }, link, close));
    box.addEventListener('keydown', (ev) => { if ((ev as KeyboardEvent).key === 'Escape') dismiss(); });
    root.append(box);
    document.body.append(host);
  }

  async function start(): Promise<void> {
    const t0 = performance.now();
    const slots = document.querySelectorAll<HTMLElement>('[data-rapport-recs]');
    slots.forEach(reserve);
    try {
      const model = script?.getAttribute('data-model');
      if (!model) throw new Error('no data-model on the script tag');
      const modelUrl = new URL(model, location.href);
      const wasmUrl = new URL(script?.getAttribute('data-wasm') ?? 'rapport-widget.wasm', script?.src || location.href);
      if (!sameOrigin(modelUrl) || !sameOrigin(wasmUrl)) throw new Error('the model and rapport-widget.wasm must come from this origin');
      try {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(kCss);
      } catch { sheet = null; }
      // The page's own product counts as viewed (in memory; stored only with consent).
      const page = document.querySelector('[data-rapport-recs][data-product]')?.getAttribute('data-product');
      if (page) run(['view', { product: page }]);
      const fromShopify = shopifyConsent();
      if (fromShopify !== null) setConsent(fromShopify);
      document.addEventListener('visitorConsentCollected', (event) => {
        const detail = (event as CustomEvent).detail as { analyticsAllowed?: boolean } | undefined;
        setConsent(shopifyConsent() ?? Boolean(detail?.analyticsAllowed));
      });
      await load(modelUrl, wasmUrl);
      // Commands pushed before the script ran, then live ones.
      for (const command of queued.splice(0)) run(command);
      api.push = (command: Command) => {
        try {
          run(command);
          if (wasm && Array.isArray(command) && command[0] !== 'consent') renderAll();
        } catch (error) { warn(String(error)); }
      };
      renderAll();
      maybeReview();
      api.stats.loadMs = performance.now() - t0;
    } catch (error) {
      slots.forEach((slot) => { slot.style.minHeight = ''; });
      warn(`recommendations disabled: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
  else void start();
})();
