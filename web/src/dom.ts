// Small DOM helpers: no framework, no innerHTML with data (everything goes through textContent).

type Child = Node | string | number | null | undefined | false;
export type Children = Child | readonly Children[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h('button', {class: 'primary', onclick: fn}, 'Save') */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Children[]): void {
  for (const child of (children as unknown[]).flat(Infinity) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Offers bytes or text as a file download (Blob + object URL; nothing leaves the browser). */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An accessible empty state: what to do next, in words. */
export function emptyState(title: string, ...body: Children[]): HTMLElement {
  return h('div', { class: 'empty', role: 'note' }, h('h3', {}, title), ...body);
}

export function spinner(label = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, label);
}
