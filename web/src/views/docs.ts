// #/docs/<name>: the project's docs/*.md (copied into dist/docs/ by build.mjs), rendered by a tiny Markdown
// reader: headings, paragraphs, lists, code blocks, tables, links, `code`, **bold**, *italic*. Everything goes
// through text nodes (no innerHTML), so a doc can never inject markup.
import type { App } from '../app';
import { emptyState, h } from '../dom';

export const kDocs: { name: string; title: string }[] = [
  { name: 'dashboard', title: 'The dashboard' },
  { name: 'metrics', title: 'Metrics (KPIs, cohorts, funnel)' },
  { name: 'models', title: 'Predictions and models' },
  { name: 'rfm', title: 'RFM segments' },
  { name: 'segments', title: 'Segment rules' },
  { name: 'playbooks', title: 'Playbooks' },
  { name: 'workspace', title: 'The workspace file' },
  { name: 'demo-store', title: 'The demo store' },
];

/** A "Help" link to a doc page. */
export function helpLink(name: string, text = 'How this is computed'): HTMLElement {
  return h('a', { class: 'help', href: `#/docs/${name}` }, text);
}

function inline(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const re = /(`[^`]+`)|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|!?\[([^\]]*)\]\(([^)\s]+)\)|<(https?:\/\/[^>]+)>/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) out.push(h('code', {}, m[1].slice(1, -1)));
    else if (m[2]) out.push(h('strong', {}, ...inline(m[2])));
    else if (m[3]) out.push(h('em', {}, ...inline(m[3])));
    else if (m[5] !== undefined) {
      const target = m[5];
      if (m[0].startsWith('!')) {
        out.push(/^[\w./-]+\.png$/.test(target) ? h('img', { src: `docs/${target}`, alt: m[4], class: 'doc-img' }) : m[4]);
      } else {
        const md = /^([\w-]+)\.md(#.*)?$/.exec(target);
        const href = md ? `#/docs/${md[1]}` : /^https?:/.test(target) ? target : null;
        out.push(href ? h('a', { href, rel: /^https?:/.test(target) ? 'noreferrer' : null }, ...inline(m[4])) : h('span', {}, ...inline(m[4])));
      }
    } else if (m[6]) out.push(h('a', { href: m[6], rel: 'noreferrer' }, m[6]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderMarkdown(md: string): HTMLElement {
  const root = h('article', { class: 'doc' });
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      root.append(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (/^#{1,6} /.test(line)) {
      const level = Math.min(4, line.indexOf(' ') + 0);
      root.append(h(`h${Math.max(1, level)}` as 'h1', {}, ...inline(line.replace(/^#+ /, ''))));
      i++;
    } else if (/^\s*\|/.test(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1])) {
      const head = cells(line);
      const body: string[][] = [];
      for (i += 2; i < lines.length && /^\s*\|/.test(lines[i]); i++) body.push(cells(lines[i]));
      root.append(h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, ...inline(c))))),
        h('tbody', {}, body.map((r) => h('tr', {}, r.map((c) => h('td', {}, ...inline(c)))))))));
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = h(ordered ? 'ol' : 'ul', {});
      while (i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i])) {
        let item = lines[i].replace(/^\s*([-*]|\d+\.) /, '');
        for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*]|\d+\.) /.test(lines[i]); i++) item += ' ' + lines[i].trim();
        list.append(h('li', {}, ...inline(item)));
      }
      root.append(list);
    } else if (/^>\s?/.test(line)) {
      const quote: string[] = [];
      for (; i < lines.length && /^>\s?/.test(lines[i]); i++) quote.push(lines[i].replace(/^>\s?/, ''));
      root.append(h('blockquote', {}, ...inline(quote.join(' '))));
    } else if (!line.trim()) {
      i++;
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i].trim() && !/^(#{1,6} |```|\s*\||\s*([-*]|\d+\.) |>)/.test(lines[i]); i++) para.push(lines[i].trim());
      if (!para.length) { para.push(line); i++; }
      root.append(h('p', {}, ...inline(para.join(' '))));
    }
  }
  return root;
}

export async function renderDocs(_app: App, main: HTMLElement, name: string): Promise<void> {
  const doc = kDocs.find((d) => d.name === name);
  const nav = h('nav', { class: 'doc-nav', 'aria-label': 'Help pages' }, h('ul', {}, kDocs.map((d) =>
    h('li', {}, h('a', { href: `#/docs/${d.name}`, 'aria-current': d.name === name ? 'page' : null }, d.title)))));
  if (!doc) {
    main.append(h('h1', {}, 'Help'), h('p', { class: 'lede' }, 'How Rapport reads your exports and computes each number.'), nav);
    return;
  }
  try {
    const response = await fetch(`docs/${doc.name}.md`);
    if (!response.ok) throw new Error(`docs/${doc.name}.md: ${response.status}`);
    const article = renderMarkdown(await response.text());
    if (!article.querySelector('h1')) article.prepend(h('h1', {}, doc.title));
    main.append(article, h('h2', {}, 'More help'), nav);
  } catch (error) {
    main.append(h('h1', {}, doc.title), emptyState('This help page is not in this build', h('p', {}, (error as Error).message)), nav);
  }
}
