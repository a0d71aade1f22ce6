// The segment rule editor: a textarea over a highlighted copy of the rule, an autocomplete list, the error
// underlined where the engine found it with its suggestion as a one-click fix. It has no grammar of its own:
// token classes come from the engine's lexer ("segment" op with "tokens": true) and the completions from the
// "segment_fields" op, so the browser and the engine can never disagree about the language.
//
// Counting on every keystroke: at most one "segment" request is in flight; while it runs, newer text
// replaces the one waiting, so a fast typist never queues stale requests in the worker. stop() (called when
// the user navigates away) drops the waiting request and ignores the reply of the one in flight.
import type { App } from './app';
import { h } from './dom';

type Obj = Record<string, unknown>;

export interface RuleError { offset: number; length: number; message: string; rendered?: string }
/** The "segment" op's reply (docs/segments.md; core/api/ops/segments.cpp). */
export interface SegmentReply extends Obj {
  valid: boolean;
  error?: RuleError;
  tokens?: [number, number, string][];
}
interface FieldInfo { name: string; aliases: string[]; type: string; doc: string; example: string; values?: string[] }
interface FunctionInfo { name: string; signature: string; doc: string; example: string }
interface FieldsReply { fields: FieldInfo[]; functions: FunctionInfo[]; keywords: string[]; segments: string[] }
interface Completion { label: string; insert: string; detail: string; kind: string }

export interface RuleEditorOptions {
  id: string;
  label: string;
  initial: string;
  /** Extra parameters of each "segment" call (limit, ...). */
  params?: Obj;
  /** Every reply, valid or not, for the current text. */
  onResult: (reply: SegmentReply, rule: string) => void;
  onError?: (error: Error) => void;
}

export interface RuleEditor {
  element: HTMLElement;
  textarea: HTMLTextAreaElement;
  value(): string;
  setValue(rule: string): void;
  /** Stops counting: drops the waiting request; a reply still in flight is ignored. */
  stop(): void;
}

// UTF-16 index of each UTF-8 byte offset of `text` (the engine's spans are byte offsets).
function byteIndex(text: string): (byte: number) => number {
  const starts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const len = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < len; b++) starts.push(i);
    bytes += len;
    if (code >= 0x10000) i++;
  }
  return (byte: number) => (byte >= bytes ? text.length : starts[byte]);
}

/** "did you mean `orders`?" or "did you mean "loyal"?" -> the replacement text for the error's span. */
export function suggestionOf(message: string): string | null {
  const m = /did you mean (`([^`]+)`|"([^"]+)")\?/.exec(message);
  if (!m) return null;
  return m[2] !== undefined ? m[2] : `"${m[3]}"`;
}

export function ruleEditor(app: App, o: RuleEditorOptions): RuleEditor {
  const listId = `${o.id}-list`;
  const textarea = h('textarea', {
    id: o.id, rows: 3, spellcheck: 'false', autocomplete: 'off', class: 'rule-input', role: 'combobox',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': `${o.id}-help`,
  });
  const mirror = h('pre', { class: 'rule-mirror', 'aria-hidden': 'true' });
  const list = h('ul', { id: listId, role: 'listbox', class: 'rule-complete', 'aria-label': 'Completions', hidden: true });
  const fix = h('div', { class: 'rule-fix', 'aria-live': 'polite' });
  const element = h('div', { class: 'rule-editor' },
    h('label', { for: o.id }, o.label),
    h('div', { class: 'rule-box' }, mirror, textarea, list),
    h('p', { id: `${o.id}-help`, class: 'muted small' },
      'Tab or Enter takes a suggestion, Escape closes the list. ', h('a', { href: '#/docs/segments' }, 'Every field and function')),
    fix);

  // ---- Highlighting: the last tokens the engine sent, kept while they still describe the text -------
  let tokens: [number, number, string][] = [];
  let tokensFor = '';
  let error: RuleError | null = null;
  const paint = () => {
    const text = textarea.value;
    const parts: Node[] = [];
    if (tokensFor === text) {
      const at = byteIndex(text);
      let pos = 0;
      const errStart = error ? at(error.offset) : -1;
      const errEnd = error ? at(error.offset + Math.max(1, error.length)) : -1;
      // Cut points: token edges and the error span's edges.
      const marks: { start: number; end: number; cls: string }[] = tokens.map(([off, len, cls]) => ({ start: at(off), end: at(off + len), cls }));
      for (const m of marks) {
        if (m.start > pos) parts.push(document.createTextNode(text.slice(pos, m.start)));
        const span = h('span', { class: `tok-${m.cls}` }, text.slice(m.start, m.end));
        if (error && m.start < errEnd && m.end > errStart) span.classList.add('tok-err');
        parts.push(span);
        pos = m.end;
      }
      if (pos < text.length) parts.push(document.createTextNode(text.slice(pos)));
      if (error && errStart >= text.trimEnd().length) parts.push(h('span', { class: 'tok-err tok-eol' }, ' '));
    } else {
      parts.push(document.createTextNode(text));
    }
    parts.push(document.createTextNode('\n'));  // a trailing newline keeps the mirror as tall as the textarea
    mirror.replaceChildren(...parts);
    mirror.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('scroll', () => { mirror.scrollTop = textarea.scrollTop; });

  const showFix = (rule: string, e: RuleError | null) => {
    if (!e) { fix.replaceChildren(); return; }
    const at = byteIndex(rule);
    const start = at(e.offset), end = at(e.offset + e.length);
    const suggestion = suggestionOf(e.message);
    const col = start + 1;
    const button = suggestion && e.length > 0 ? h('button', { type: 'button', class: 'secondary small' },
      `Replace ${rule.slice(start, end)} with ${suggestion}`) : null;
    button?.addEventListener('click', () => {
      textarea.value = rule.slice(0, start) + suggestion + rule.slice(end);
      textarea.focus();
      textarea.setSelectionRange(start + suggestion!.length, start + suggestion!.length);
      changed();
    });
    fix.replaceChildren(h('p', { class: 'rule-error', role: 'alert' }, h('strong', {}, `Column ${col}: `), e.message, ' ', button));
  };

  // ---- Counting: one request in flight, the latest text waiting ------------------------------------
  let inFlight = false;
  let waiting: string | null = null;
  let stopped = false;
  const send = async (rule: string) => {
    inFlight = true;
    try {
      const reply = await app.client.call<SegmentReply>('segment', { rule, tokens: true, ...(o.params ?? {}) });
      if (stopped) return;
      if (rule === textarea.value.trim() || rule === textarea.value) {
        tokens = (reply.tokens ?? []).map(([off, len, cls]) => [off + leading(textarea.value, rule), len, cls]);
        tokensFor = textarea.value;
        error = reply.valid ? null : reply.error ?? null;
        paint();
        showFix(textarea.value, error && { ...error, offset: error.offset + leading(textarea.value, rule) });
      }
      o.onResult(reply, rule);
    } catch (e) {
      if (!stopped) o.onError?.(e as Error);
    } finally {
      inFlight = false;
      if (!stopped && waiting !== null) {
        const next = waiting;
        waiting = null;
        void send(next);
      }
    }
  };
  // The engine sees the trimmed rule; spans move by the bytes of leading white space cut off.
  const leading = (text: string, rule: string) => (rule ? new TextEncoder().encode(text.slice(0, text.indexOf(rule))).length : 0);
  const changed = () => {
    paint();
    const rule = textarea.value.trim();
    if (stopped) return;
    if (inFlight) waiting = rule;
    else void send(rule);
  };

  // ---- Autocomplete (WAI-ARIA combobox with a listbox popup) ----------------------------------------
  let catalog: Completion[] = [];
  let fieldsReply: FieldsReply | null = null;
  const loadCatalog = async () => {
    try {
      fieldsReply = await app.client.call<FieldsReply>('segment_fields');
    } catch {
      return;
    }
    const r = fieldsReply;
    catalog = [
      ...r.fields.flatMap((f) => [f.name, ...f.aliases].map((name) => ({ label: name, insert: name, detail: name === f.name ? f.doc : `= ${f.name}`, kind: f.type }))),
      ...r.functions.map((f) => ({ label: f.signature, insert: `${f.name}(`, detail: f.doc, kind: 'function' })),
      ...r.keywords.map((k) => ({ label: k, insert: k, detail: 'keyword', kind: 'keyword' })),
    ];
  };
  let options: Completion[] = [];
  let active = -1;
  let replaceFrom = 0;
  const close = () => {
    list.hidden = true;
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
    options = [];
    active = -1;
  };
  const highlightActive = () => {
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
    if (active >= 0) {
      textarea.setAttribute('aria-activedescendant', `${listId}-${active}`);
      (list.children[active] as HTMLElement).scrollIntoView?.({ block: 'nearest' });
    } else textarea.removeAttribute('aria-activedescendant');
  };
  const accept = (i: number) => {
    const c = options[i];
    if (!c) return;
    const caret = textarea.selectionStart;
    const text = textarea.value;
    textarea.value = text.slice(0, replaceFrom) + c.insert + text.slice(caret);
    const pos = replaceFrom + c.insert.length;
    textarea.setSelectionRange(pos, pos);
    close();
    changed();
  };
  const complete = () => {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    const before = textarea.value.slice(0, caret);
    let matches: Completion[] = [];
    // Inside a quoted value: the values of an enum field, or the saved segments after in_segment(.
    const quoted = /([A-Za-z_]\w*)\s*(?:=|!=|<>|IN\s*\((?:\s*"[^"]*"\s*,)*|\()\s*"([^"]*)$/i.exec(before);
    if (quoted && fieldsReply) {
      const name = quoted[1].toLowerCase();
      const prefix = quoted[2].toLowerCase();
      const field = fieldsReply.fields.find((f) => f.name === name || f.aliases.includes(name));
      const values = name === 'in_segment' ? fieldsReply.segments : field?.values ?? [];
      replaceFrom = caret - quoted[2].length;
      matches = values.filter((v) => v.toLowerCase().startsWith(prefix))
        .map((v) => ({ label: v, insert: `${v}"`, detail: name === 'in_segment' ? 'saved segment' : field!.name, kind: 'value' }));
    } else {
      const word = /[A-Za-z_]\w*$/.exec(before);
      if (!word || /["'][^"']*$/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return close();
      const prefix = word[0].toLowerCase();
      replaceFrom = caret - word[0].length;
      matches = catalog.filter((c) => c.insert.toLowerCase().startsWith(prefix) && c.insert.toLowerCase() !== prefix);
    }
    options = matches.slice(0, 12);
    if (!options.length) return close();
    active = 0;
    list.replaceChildren(...options.map((c, i) => {
      const li = h('li', { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', class: `kind-${c.kind}` },
        h('span', { class: 'c-label' }, c.label), h('span', { class: 'c-detail' }, c.detail));
      li.addEventListener('mousedown', (e) => { e.preventDefault(); accept(i); });
      return li;
    }));
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    highlightActive();
  };
  textarea.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      highlightActive();
    } else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  textarea.addEventListener('input', () => { complete(); changed(); });
  textarea.addEventListener('blur', () => close());
  textarea.addEventListener('click', () => close());

  textarea.value = o.initial;
  paint();
  void loadCatalog();
  if (o.initial.trim()) changed();
  return {
    element, textarea,
    value: () => textarea.value.trim(),
    setValue: (rule: string) => { textarea.value = rule; close(); changed(); },
    stop: () => { stopped = true; waiting = null; },
  };
}
