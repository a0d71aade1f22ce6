// Playbooks and campaigns: the next best action per customer, and audiences to download for an email
// platform (the "audience" op writes the CSV, with a seeded holdout group to measure lift later).
import type { App } from '../app';
import { download, emptyState, h } from '../dom';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format';
import { table } from './render';

type Obj = Record<string, unknown>;
const kFormats = ['klaviyo', 'mailchimp', 'omnisend'];

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'audience';
}

/** Runs the audience op and offers its two CSVs (sent and holdout) as downloads. */
export async function downloadAudience(app: App, source: Obj, format: string, note: HTMLElement, holdout?: number): Promise<void> {
  note.replaceChildren(h('span', { class: 'muted' }, 'Preparing…'));
  try {
    const a = await app.client.call<Obj>('audience', { ...source, format, ...(holdout === undefined ? {} : { holdout }) });
    const base = `${slug(String(a.name))}-${format}-${a.as_of}`;
    download(`${base}.csv`, String(a.csv), 'text/csv;charset=utf-8');
    rememberCampaign(app, { name: String(a.name), sent: new Date().toISOString().slice(0, 10), as_of: String(a.as_of),
      sent_ids: (a.sent_ids as number[]) ?? [], holdout_ids: (a.holdout_ids as number[]) ?? [] });
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

/** Format, holdout share and a Download button for an audience; `source()` gives {rule} / {segment} or null. */
export function audienceControls(app: App, id: string, source: () => Obj | null): HTMLElement {
  const picker = formatPicker(`${id}-format`);
  const holdout = h('input', { type: 'number', id: `${id}-holdout`, min: 0, max: 90, step: 1, value: 10, class: 'narrow' });
  const note = h('p', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary', id: `${id}-download` }, 'Download audience CSV');
  button.addEventListener('click', () => {
    const s = source();
    if (!s) {
      note.replaceChildren(h('span', { class: 'error', role: 'alert' }, 'Write a valid rule first.'));
      return;
    }
    const share = Math.min(90, Math.max(0, Number(holdout.value) || 0)) / 100;
    void downloadAudience(app, s, picker.value, note, share);
  });
  return h('div', { class: 'audience-controls' },
    h('p', { class: 'inline' }, h('label', { for: `${id}-format` }, 'Format '), picker,
      h('label', { for: `${id}-holdout` }, ' Holdout % '), holdout, ' ', button),
    h('p', { class: 'muted small' }, 'The holdout group is drawn at random (seeded, so the same audience gives the same group) and not emailed; a later import of orders measures the lift on the Campaigns page.'),
    note);
}

// Actions listed a page at a time: the page's first answer stays small enough to be kept between visits
// (the worker answers it at once on a returning visit), and further pages come from the engine by offset.
const kActionRows = 50;
/** The Playbooks page's first request (also asked for ahead, views/pages.ts). */
export const kFirstPlaybooks = { limit: kActionRows, due_before: '+7d' };

export async function renderPlaybooks(app: App, body: HTMLElement): Promise<void> {
  // What each playbook does and when (`describe`: at once, no run), then the run's counts and actions (at a
  // million customers the segment columns and each playbook's candidates: seconds), drawn when they come.
  const asked = app.cached<Obj>('playbooks', { describe: true });
  const whole = app.cached<Obj>('playbooks', kFirstPlaybooks);
  whole.catch(() => undefined);  // handled where it is awaited below
  const d = await asked;
  const holder = h('div', { 'aria-busy': 'true' }, h('p', { class: 'meta-line' }, h('span', {}, `As of ${d.as_of}`),
    h('span', { class: 'loading', role: 'status' }, 'Counting the customers of each playbook (in progress)…')),
  h('div', { class: 'playbooks' }, ((d.playbooks as Obj[]) ?? []).map((s) => h('article', { class: 'card' }, h('h3', {}, String(s.title)),
    h('p', { class: 'muted' }, String(s.timing ?? '')), h('p', { class: 'muted' }, 'Counting…'),
    s.rule ? h('p', {}, h('code', {}, String(s.rule))) : null))));
  body.append(holder);
  void whole.then((r) => holder.replaceChildren(...playbooksRun(app, r)),
    (error: unknown) => holder.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message)))
    .finally(() => holder.removeAttribute('aria-busy'));
}

/** The Playbooks page once the run is in: each playbook's counts and audience download, the actions due. */
function playbooksRun(app: App, r: Obj): HTMLElement[] {
  const summaries = (r.playbooks as Obj[]) ?? [];
  const picker = formatPicker('playbook-format');
  const meta = h('p', { class: 'meta-line' }, h('span', {}, `As of ${r.as_of}`), h('span', {}, `${fmtInt(r.actions_total)} actions due by ${r.due_before}`),
    h('span', {}, h('label', { for: 'playbook-format' }, 'Audience format '), picker));
  const cards = h('div', { class: 'playbooks' }, summaries.map((s) => {
    const note = h('p', { 'aria-live': 'polite' });
    const button = h('button', { type: 'button', class: 'secondary', disabled: !Number(s.assigned) },
      `Download audience (${fmtInt(s.assigned)})`);
    button.addEventListener('click', () => void downloadAudience(app, { playbook: s.playbook }, picker.value, note));
    return h('article', { class: 'card' }, h('h3', {}, String(s.title)),
      h('p', { class: 'muted' }, String(s.timing ?? '')),
      h('p', { class: 'due-week' }, h('strong', {}, `${fmtInt(s.due)} due this week`),
        ` · ${fmtInt(s.due_by_as_of)} due now · ${fmtInt(s.assigned)} assigned · ${fmtInt(s.eligible)} eligible`),
      s.rule ? h('p', {}, h('code', {}, String(s.rule))) : null, h('p', {}, button), note);
  }));
  return [meta, cards, actionsTable(app, r, summaries)];
}

/** The actions due this week, one playbook or all, a page at a time (Previous / Next ask the engine). */
function actionsTable(app: App, first: Obj, summaries: Obj[]): HTMLElement {
  const holder = h('div', {});
  const range = h('span', { class: 'muted page-range' });
  const prev = h('button', { type: 'button', class: 'secondary small' }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary small' }, 'Next');
  const which = h('select', { id: 'playbook-actions' }, [h('option', { value: '' }, 'All playbooks'),
    ...summaries.filter((s) => Number(s.due) > 0).map((s) => h('option', { value: String(s.playbook) }, `${String(s.title)} (${fmtInt(s.due)})`))]);
  let offset = 0;
  const show = (p: Obj) => {
    const actions = (p.actions as Obj[]) ?? [];
    const total = Number(p.actions_total ?? 0);
    prev.disabled = offset === 0;
    next.disabled = offset + actions.length >= total;
    range.textContent = total ? `rows ${fmtInt(offset + 1)}–${fmtInt(offset + actions.length)} of ${fmtInt(total)}` : '';
    holder.replaceChildren(actions.length ? table(actions, 'Next best actions due this week, by due date')
        : emptyState('No actions due', h('p', {}, 'No customer needs an action this week.')));
  };
  const go = async (at: number) => {
    holder.setAttribute('aria-busy', 'true');
    try {
      const playbook = which.value ? { playbook: which.value } : {};
      const p = at === 0 && !which.value ? first : await app.cached<Obj>('playbooks', { limit: kActionRows, due_before: '+7d', offset: at, ...playbook });
      offset = at;
      show(p);
    } catch (error) {
      holder.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    } finally {
      holder.removeAttribute('aria-busy');
    }
  };
  prev.addEventListener('click', () => void go(Math.max(0, offset - kActionRows)));
  next.addEventListener('click', () => void go(offset + kActionRows));
  which.addEventListener('change', () => void go(0));
  show(first);
  return h('section', { class: 'actions', 'aria-label': 'Actions due this week' },
    h('p', { class: 'inline' }, h('label', { for: 'playbook-actions' }, 'Show '), which, range, prev, next), holder);
}

// Campaigns sent from this browser: who got the email and who was held out, so a later import of orders
// measures the lift ("lift" op). Kept in localStorage per workspace (ids only, no personal data).
interface Campaign { name: string; sent: string; as_of: string; sent_ids: number[]; holdout_ids: number[] }
const kCampaignsKey = (app: App) => `rapport.campaigns.${app.state.label}`;
function loadCampaigns(app: App): Campaign[] {
  try { return JSON.parse(localStorage.getItem(kCampaignsKey(app)) ?? '[]') as Campaign[]; } catch { return []; }
}
function rememberCampaign(app: App, c: Campaign): void {
  try { localStorage.setItem(kCampaignsKey(app), JSON.stringify([c, ...loadCampaigns(app)].slice(0, 50))); } catch { /* storage full: not kept */ }
}

function liftView(r: Obj, currency: string): HTMLElement {
  const t = (r.treatment ?? {}) as Obj, c = (r.control ?? {}) as Obj;
  const conv = (r.conversion ?? {}) as Obj, rev = (r.revenue_per_customer ?? {}) as Obj;
  const significant = Number(conv.low) > 0 || Number(conv.high) < 0;
  const words = `${fmtPct(t.conversion_rate)} of those emailed ordered within ${r.window_days} days of ${r.send_date}, vs ${fmtPct(c.conversion_rate)} of the holdout: `
    + `${Number(conv.diff) >= 0 ? '+' : ''}${fmtNum(100 * Number(conv.diff))} points (95 % interval ${fmtNum(100 * Number(conv.low))} to ${fmtNum(100 * Number(conv.high))}; p = ${fmtNum(conv.p_value)}).`;
  return h('div', { class: 'lift' },
    h('p', {}, h('strong', {}, significant ? (Number(conv.diff) > 0 ? 'The campaign worked. ' : 'The campaign lost orders. ') : 'No clear effect yet. '), words,
      r.window_complete ? '' : h('span', { class: 'badge warn' }, ' window not over yet')),
    h('dl', { class: 'facts' },
      [['Emailed', fmtInt(t.customers)], ['Held out', fmtInt(c.customers)], ['Converted (emailed)', fmtInt(t.converted)], ['Converted (holdout)', fmtInt(c.converted)],
        ['Relative lift', fmtPct(conv.relative_lift)], ['Revenue / customer, emailed', fmtMoney(t.revenue_per_customer, currency)],
        ['Revenue / customer, holdout', fmtMoney(c.revenue_per_customer, currency)],
        ['Extra revenue / customer', `${fmtMoney(rev.diff, currency)} (${fmtMoney(rev.low, currency)} to ${fmtMoney(rev.high, currency)})`]]
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))));
}

async function measure(app: App, out: HTMLElement, ids: { sent: number[]; holdout: number[] }, sendDate: string, windowDays: number): Promise<void> {
  out.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Measuring…'));
  try {
    const r = await app.client.call<Obj>('lift', {
      customers: [...ids.sent, ...ids.holdout], holdout: [...ids.sent.map(() => 0), ...ids.holdout.map(() => 1)],
      send_date: sendDate, window_days: windowDays,
    });
    out.replaceChildren(liftView(r, app.storeCurrency));
  } catch (error) {
    out.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
  }
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
  // Past campaigns from this browser, each measured against its holdout.
  const past = loadCampaigns(app);
  body.append(h('h2', {}, 'Measured lift'));
  if (past.length) {
    for (const c of past.slice(0, 10)) {
      const out = h('div', { 'aria-live': 'polite' });
      const button = h('button', { type: 'button', class: 'secondary' }, 'Measure lift');
      button.addEventListener('click', () => void measure(app, out, { sent: c.sent_ids, holdout: c.holdout_ids }, c.sent, 30));
      body.append(h('article', { class: 'card' }, h('h3', {}, c.name), h('p', { class: 'muted' },
        `Downloaded ${c.sent} (data as of ${c.as_of}): ${fmtInt(c.sent_ids.length)} to email, ${fmtInt(c.holdout_ids.length)} held out. Import newer orders, then measure.`), button, out));
    }
  } else {
    body.append(h('p', { class: 'muted' }, 'No campaign downloaded from this browser yet. Each one you download appears here, ready to be measured once newer orders are imported.'));
  }
  // A past send, replayed: who matched the rule on that date, the holdout drawn the same way, and what they did next.
  const asOf = String((await app.cached<Obj>('kpis')).as_of ?? '');
  const back = asOf ? new Date(Date.parse(`${asOf}T00:00:00Z`) - 60 * 86400e3).toISOString().slice(0, 10) : '';
  const replayRule = h('input', { type: 'text', id: 'replay-rule', class: 'wide', value: 'stage = "at_risk"', spellcheck: 'false' });
  const replayDate = h('input', { type: 'date', id: 'replay-date', value: back });
  const replayWindow = h('input', { type: 'number', id: 'replay-window', min: 1, max: 365, value: 30 });
  const replayOut = h('div', { 'aria-live': 'polite' });
  const replay = h('form', { class: 'card stack', id: 'replay' },
    h('h3', {}, 'Replay a campaign on past data'),
    h('p', { class: 'muted' }, 'Picks who matched the rule on the send date, holds out the same random share, and compares what both groups ordered afterwards. ',
      'The holdout was not really left out of any email here, so read it as a check of the method, not of a real send.'),
    h('p', { class: 'inline' }, h('label', { for: 'replay-rule' }, 'Rule'), replayRule),
    h('p', { class: 'inline' }, h('label', { for: 'replay-date' }, 'Sent on'), replayDate, h('label', { for: 'replay-window' }, 'Window (days)'), replayWindow,
      h('button', { type: 'submit', class: 'primary' }, 'Measure')), replayOut);
  replay.addEventListener('submit', async (e) => {
    e.preventDefault();
    replayOut.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Drawing the audience…'));
    try {
      const a = await app.client.call<Obj>('audience', { rule: replayRule.value, as_of: replayDate.value, format: 'klaviyo' });
      await measure(app, replayOut, { sent: (a.sent_ids as number[]) ?? [], holdout: (a.holdout_ids as number[]) ?? [] }, replayDate.value, Number(replayWindow.value) || 30);
    } catch (error) {
      replayOut.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  });
  body.append(replay);
  // The saved segments' member counts need the whole segment columns: the table follows when they come.
  const saved = h('div', { 'aria-busy': 'true' });
  body.append(saved);
  app.client.call<Obj>('segments').then((r) => {
    const list = (r.segments as Obj[]) ?? [];
    if (list.length) saved.replaceWith(table(list, 'Saved segments (use their rules above)'));
    else saved.remove();
  }, () => saved.remove() /* saved segments are optional */);
}
