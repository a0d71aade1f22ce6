// Playbooks and campaigns: the next best action per customer, and audiences to download for an email
// platform (the "audience" op writes the CSV, with a seeded holdout group to measure lift later).
import type { App } from '../app';
import { download, emptyState, h } from '../dom';
import { fmtInt, fmtPct } from '../format';
import { table } from './render';

type Obj = Record<string, unknown>;
const kFormats = ['klaviyo', 'mailchimp', 'omnisend'];

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'audience';
}

/** Runs the audience op and offers its two CSVs (sent and holdout) as downloads. */
export async function downloadAudience(app: App, source: Obj, format: string, note: HTMLElement): Promise<void> {
  note.replaceChildren(h('span', { class: 'muted' }, 'Preparing…'));
  try {
    const a = await app.client.call<Obj>('audience', { ...source, format });
    const base = `${slug(String(a.name))}-${format}-${a.as_of}`;
    download(`${base}.csv`, String(a.csv), 'text/csv;charset=utf-8');
    if (Number(a.held_out) > 0) download(`${base}-holdout.csv`, String(a.holdout_csv), 'text/csv;charset=utf-8');
    note.replaceChildren(h('span', {}, `${fmtInt(a.sent)} to send, ${fmtInt(a.held_out)} held out (${fmtPct(a.holdout_share)}), `,
      `${fmtInt(a.skipped_no_email)} without email skipped.`));
  } catch (error) {
    note.replaceChildren(h('span', { class: 'error', role: 'alert' }, (error as Error).message));
  }
}

function formatPicker(id: string): HTMLSelectElement {
  return h('select', { id }, kFormats.map((f) => h('option', { value: f }, f.charAt(0).toUpperCase() + f.slice(1))));
}

export async function renderPlaybooks(app: App, body: HTMLElement): Promise<void> {
  const r = await app.client.call<Obj>('playbooks', { limit: 200 });
  const summaries = (r.playbooks as Obj[]) ?? [];
  const picker = formatPicker('playbook-format');
  body.append(h('p', { class: 'meta-line' }, h('span', {}, `As of ${r.as_of}`), h('span', {}, `${fmtInt(r.actions_total)} actions`),
    h('span', {}, h('label', { for: 'playbook-format' }, 'Audience format '), picker)));
  const cards = h('div', { class: 'playbooks' }, summaries.map((s) => {
    const note = h('p', { 'aria-live': 'polite' });
    const button = h('button', { type: 'button', class: 'secondary', disabled: !Number(s.assigned) },
      `Download audience (${fmtInt(s.assigned)})`);
    button.addEventListener('click', () => void downloadAudience(app, { playbook: s.playbook }, picker.value, note));
    return h('article', { class: 'card' }, h('h3', {}, String(s.title)),
      h('p', { class: 'muted' }, String(s.timing ?? '')),
      h('p', {}, `${fmtInt(s.assigned)} customers assigned · ${fmtInt(s.due_by_as_of)} due now · ${fmtInt(s.eligible)} eligible`),
      s.rule ? h('p', {}, h('code', {}, String(s.rule))) : null, h('p', {}, button), note);
  }));
  body.append(cards);
  const actions = (r.actions as Obj[]) ?? [];
  body.append(actions.length ? table(actions, 'Next best actions, by due date') : emptyState('No actions due', h('p', {}, 'No customer needs an action as of this date.')));
}

export async function renderCampaigns(app: App, body: HTMLElement): Promise<void> {
  const rule = h('input', { type: 'text', id: 'campaign-rule', class: 'wide', value: 'orders >= 2', spellcheck: 'false' });
  const picker = formatPicker('campaign-format');
  const holdout = h('input', { type: 'number', id: 'campaign-holdout', min: 0, max: 90, step: 1, value: 10 });
  const note = h('p', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card stack' },
    h('p', {}, 'Choose who to contact with a segment rule. The file is ready for your email platform; a random holdout group ',
      '(drawn with the workspace’s seed) is kept out, so a later import shows the campaign’s real lift.'),
    h('p', { class: 'inline' }, h('label', { for: 'campaign-rule' }, 'Rule'), rule),
    h('p', { class: 'inline' }, h('label', { for: 'campaign-format' }, 'Format'), picker,
      h('label', { for: 'campaign-holdout' }, 'Holdout %'), holdout),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Download audience')), note);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void downloadAudience(app, { rule: rule.value, holdout: Number(holdout.value) / 100 }, picker.value, note);
  });
  body.append(form);
  try {
    const saved = ((await app.client.call<Obj>('segments')).segments as Obj[]) ?? [];
    if (saved.length) body.append(table(saved, 'Saved segments (use their rules above)'));
  } catch { /* saved segments are optional */ }
}
