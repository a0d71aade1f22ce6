// #/segments[?rule=...]: the segment editor (rule_editor.ts) with the live count and revenue share, a sample
// of the members linking to their customer 360 page, saving and excluding saved segments, membership at
// month ends, and the audience download with a holdout group (campaigns.ts).
import type { App } from '../app';
import { h } from '../dom';
import { fmtInt, fmtMoney, fmtPct } from '../format';
import { chart, daySeconds } from '../chart';
import { dataTable } from '../table';
import { ruleEditor, type RuleEditor, type SegmentReply } from '../rule_editor';
import { audienceControls } from './campaigns';

type Obj = Record<string, unknown>;
const kSample = 20;
const kInitialRule = 'orders >= 2 BUT NOT ordered_since(-90d)';
/**
 * What the page asks for first with no rule in its link (the rule editor's request for its initial rule, the
 * fields it completes, the saved segments): asked for ahead (views/pages.ts); the worker's kept answers then
 * answer them, since the editor calls the engine directly.
 */
export const kFirstSegmentsRequests: [string, Record<string, unknown>][] = [
  ['segment', { rule: kInitialRule, tokens: true, limit: kSample, first: true }], ['segment_fields', {}], ['segments', {}],
];

/** The editor of the open Segments page, stopped when the user navigates away. */
let current: RuleEditor | null = null;
window.addEventListener('hashchange', () => {
  current?.stop();
  current = null;
});

function quoteName(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function renderSegments(app: App, body: HTMLElement): Promise<void> {
  current?.stop();
  const initial = app.route.query.get('rule') ?? kInitialRule;
  const status = h('div', { class: 'segment-status', 'aria-live': 'polite' });
  const sample = h('div');
  const history = h('div');
  // The saved segments' member counts need the whole segment columns: the list fills in after the editor's count.
  const saved = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, 'Counting the saved segments…'));
  let lastValid = '';
  let historyRule = '';

  // The page's first content is the initial rule's count (the saved segments' list fills in after it).
  let counted = () => undefined as void;
  const firstCount = new Promise<void>((resolve) => { counted = resolve; });
  const onResult = (r: SegmentReply, rule: string) => {
    counted();
    if (!rule) {
      status.replaceChildren(h('p', { class: 'muted' }, 'Type a rule to see how many customers match.'));
      sample.replaceChildren();
      return;
    }
    if (!r.valid) {
      status.replaceChildren(h('p', { class: 'muted' }, 'Fix the rule to see the count.'));
      return;
    }
    lastValid = rule;
    const currency = String(r.currency ?? app.storeCurrency);
    status.replaceChildren(
      h('p', { class: 'segment-count' },
        h('strong', { 'data-count': String(r.members), 'data-rule': rule }, `${fmtInt(r.members)} customers`),
        ` (${fmtPct(r.share)} of ${fmtInt(r.customers)})`, ' · ',
        h('strong', {}, fmtMoney(r.net_revenue, currency)), ` net revenue (${fmtPct(r.revenue_share)} of all)`),
      r.read_as && r.read_as !== rule ? h('p', { class: 'muted small' }, `Read as ${String(r.read_as)}`) : '');
    if (rule !== historyRule) {
      historyRule = rule;
      history.replaceChildren(historyButton());
    }
    // The sample table waits until typing pauses: the count follows every key, the table need not.
    clearTimeout(sampleTimer);
    sampleTimer = window.setTimeout(() => renderSample(r, currency), 200);
  };
  let sampleTimer = 0;
  const renderSample = (r: SegmentReply, currency: string) => {
    const rows = (r.rows as Obj[]) ?? [];
    const ids = rows.map((row) => row.id);
    sample.replaceChildren(rows.length ? dataTable({
      caption: `Sample: the first ${rows.length} of ${fmtInt(r.members)} members`, rows, fileName: 'segment-sample', currency,
      visibleRows: Math.min(rows.length, 10),
      columns: [
        { key: 'email', label: 'Customer', kind: 'text', href: (i) => `#/customer/${ids[i]}`, text: (v, i) => String(v || `#${ids[i]}`) },
        { key: 'first_name', label: 'First name', kind: 'text' }, { key: 'last_name', label: 'Last name', kind: 'text' },
        { key: 'orders', label: 'Orders', kind: 'int' }, { key: 'net_spend', label: 'Net spend', kind: 'money' },
        { key: 'last_order_date', label: 'Last order', kind: 'date' }],
    }) : h('p', { class: 'muted' }, 'No customer matches this rule.'));
  };
  const editor = ruleEditor(app, {
    // `first`: a rule of the customer facts alone (the initial one) is counted before the rest of the segment
    // columns are built (PROTOCOL.md); any other waits for them.
    id: 'segment-rule', label: 'Rule', initial, params: { limit: kSample, first: true }, onResult,
    onError: (e) => {
      counted();
      status.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    },
  });
  current = editor;

  // Membership at the last 12 month ends (op "segment" with "history").
  const historyButton = () => {
    const button = h('button', { type: 'button', class: 'secondary', id: 'segment-history' }, 'Membership over time');
    button.addEventListener('click', async () => {
      const rule = lastValid;
      history.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Counting at each month end…'));
      try {
        const r = await app.client.call<Obj>('segment', { rule, limit: 0, history: 12 });
        const points = (r.history as Obj[]) ?? [];
        if (r.history_error) {
          history.replaceChildren(h('p', { class: 'muted' }, String((r.history_error as Obj).message)));
          return;
        }
        history.replaceChildren(chart({
          title: `Members of “${rule}” at each month end`, fileName: 'segment-history', time: true,
          x: points.map((p) => daySeconds(String(p.day))),
          series: [{ label: 'Members', values: points.map((p) => Number(p.members)) },
            { label: 'Customers with an order', values: points.map((p) => Number(p.customers)), dash: true }],
          yFormat: (v) => fmtInt(v), height: 220,
        }));
      } catch (e) {
        history.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message));
      }
    });
    return button;
  };

  // Save, and the list of saved segments (edit, exclude from the current rule, download, delete).
  const name = h('input', { type: 'text', id: 'segment-name', placeholder: 'e.g. Repeat buyers', autocomplete: 'off' });
  const saveNote = h('span', { 'aria-live': 'polite' });
  const save = h('form', { class: 'inline' }, h('label', { for: 'segment-name' }, 'Save as'), name,
    h('button', { type: 'submit', class: 'secondary' }, 'Save segment'), saveNote);
  save.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await app.client.call<Obj>('segment_save', { name: name.value.trim(), rule: editor.value(), created: new Date().toISOString().slice(0, 10) });
      saveNote.replaceChildren(h('span', { class: 'badge ok' }, `Saved “${String(r.name)}” (${fmtInt(r.members)})`));
      await loadSaved();
    } catch (error) {
      saveNote.replaceChildren(h('span', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  });
  const loadSaved = async () => {
    try {
      const list = ((await app.client.call<Obj>('segments')).segments as Obj[]) ?? [];
      if (!list.length) {
        saved.replaceChildren(h('p', { class: 'muted' }, 'No saved segments yet. A saved segment can be used in other rules with in_segment("name").'));
        return;
      }
      saved.replaceChildren(h('ul', { class: 'saved-segments' }, list.map((s) => {
        const segName = String(s.name);
        const edit = h('button', { type: 'button', class: 'secondary small' }, 'Edit');
        edit.addEventListener('click', () => { editor.setValue(String(s.rule)); name.value = segName; editor.textarea.focus(); });
        const exclude = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Exclude ${segName} from the rule` }, 'Exclude');
        exclude.addEventListener('click', () => {
          const rule = editor.value();
          editor.setValue(`${rule ? `(${rule}) ` : 'orders >= 1 '}BUT NOT in_segment(${quoteName(segName)})`);
        });
        const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete ${segName}` }, 'Delete');
        remove.addEventListener('click', async () => {
          await app.client.call('segment_save', { name: segName, delete: true });
          await loadSaved();
        });
        return h('li', {}, h('strong', {}, segName), ' ', h('code', {}, String(s.rule)), ' ',
          h('span', { class: 'muted' }, s.members === null ? 'invalid' : `${fmtInt(s.members)} members`), ' ', edit, exclude, remove);
      })));
    } catch (error) {
      saved.replaceChildren(h('p', { class: 'muted' }, (error as Error).message));
    } finally {
      saved.removeAttribute('aria-busy');
    }
  };

  body.append(editor.element, status, sample, history,
    h('h2', {}, 'Save and download'), save,
    audienceControls(app, 'segment', () => (lastValid ? { rule: lastValid, ...(name.value.trim() ? { name: name.value.trim() } : {}) } : null)),
    h('h2', {}, 'Saved segments'), saved);
  if (!initial.trim()) onResult({ valid: true }, '');
  void loadSaved();
  await firstCount;
}
