// #/settings: the analysis settings (core/workspace/settings.h), read with "settings_get" and stored with
// "settings_set". The engine validates every value; its message is shown next to the form.
import type { App } from '../app';
import { h } from '../dom';
import { applyTheme, currentTheme, type Theme } from '../theme';

interface Field { key: string; label: string; help: string; kind: 'date' | 'text' | 'int' | 'num' | 'unit' }

const kFields: Field[] = [
  { key: 'as_of', label: 'Analysis date', help: 'The last day observed. Empty = the day of the latest order.', kind: 'date' },
  { key: 'currency', label: 'Currency', help: 'Analysed when the store sells in several. Empty = the one with the most revenue.', kind: 'text' },
  { key: 'churn_window_days', label: 'Churn window (days)', help: 'Days without an order after which a customer is lapsed.', kind: 'int' },
  { key: 'retention_period_days', label: 'Retention period (days)', help: 'P of the period retention rate.', kind: 'int' },
  { key: 'new_customer_days', label: 'New customer window (days)', help: 'A one-order customer this recent is “new”.', kind: 'int' },
  { key: 'overdue_factor', label: 'Overdue factor', help: 'At risk when the gap exceeds this × their usual interval.', kind: 'num' },
  { key: 'model_unit', label: 'Model time unit', help: 'Time unit of the customer-base models.', kind: 'unit' },
  { key: 'review_request_delay_days', label: 'Review request delay (days)', help: 'After fulfilment, before asking for a review.', kind: 'int' },
  { key: 'holdout_share', label: 'Holdout share', help: 'Share of each audience kept back to measure lift (0.1 = 10 %).', kind: 'num' },
  { key: 'clv_months', label: 'CLV horizon (months)', help: 'Horizon of predicted customer value.', kind: 'int' },
  { key: 'monthly_discount_rate', label: 'Monthly discount rate', help: 'Discounts future value (0.01 = 1 % a month).', kind: 'num' },
  { key: 'seed', label: 'Random seed', help: 'Seeds holdout draws, so the same audience gives the same groups.', kind: 'int' },
];

export async function renderSettings(app: App, body: HTMLElement): Promise<void> {
  const current = await app.client.call<Record<string, unknown>>('settings_get');
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const status = h('p', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card settings' }, kFields.map((f) => {
    const id = `setting-${f.key}`;
    const value = current[f.key];
    const input = f.kind === 'unit'
      ? h('select', { id }, ['week', 'day'].map((u) => h('option', { value: u, selected: value === u }, u)))
      : h('input', {
        id, type: f.kind === 'date' ? 'date' : f.kind === 'text' ? 'text' : 'number',
        step: f.kind === 'num' ? 'any' : f.kind === 'int' ? '1' : null,
        value: value === null || value === undefined ? '' : String(value), 'aria-describedby': `${id}-help`,
      });
    inputs.set(f.key, input);
    return h('div', { class: 'field' }, h('label', { for: id }, f.label), input, h('small', { id: `${id}-help`, class: 'muted' }, f.help));
  }), h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Save settings')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const settings: Record<string, unknown> = {};
    for (const f of kFields) {
      const raw = inputs.get(f.key)!.value.trim();
      if (f.kind === 'date') settings[f.key] = raw || null;
      else if (f.kind === 'int' || f.kind === 'num') settings[f.key] = raw === '' ? current[f.key] : Number(raw);
      else settings[f.key] = raw;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.replaceChildren(h('span', { class: 'loading', role: 'status' }, 'Saving and recomputing…'));
    try {
      // The worker writes the settings row into the stored workspace (a few SQLite pages, not the whole file)
      // and answers at once; each page recomputes when it is next shown.
      await app.saveSettings(settings);
      Object.assign(current, settings);
      const note = h('span', {}, ' Every page now uses these settings; recomputing the headline numbers…');
      status.replaceChildren(h('span', { class: 'badge ok' }, 'Saved'), note);
      const started = performance.now();
      void app.cached<Record<string, unknown>>('kpis').then((k) => {
        note.textContent = ` Every page now uses these settings (as of ${k.as_of}; headline numbers recomputed in ${Math.round(performance.now() - started)} ms).`;
      }, () => { note.textContent = ' Every page now uses these settings.'; });
    } catch (error) {
      status.replaceChildren(h('span', { class: 'error', role: 'alert' }, (error as Error).message));
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  // The list of stored workspaces comes from the worker, which on a returning visit first opens the workspace
  // (about a minute at a million customers): the form is shown at once, the list fills in.
  const workspaces = h('section', { class: 'card', 'aria-label': 'Workspaces', 'aria-busy': 'true' }, h('h2', {}, 'Workspaces'),
    h('p', { class: 'muted' }, 'Reading the workspaces kept in this browser…'));
  body.append(form, themePanel(), workspaces);
  workspacesPanel(app).then((panel) => workspaces.replaceWith(panel), (error: Error) => {
    workspaces.removeAttribute('aria-busy');
    workspaces.append(h('p', { class: 'error', role: 'alert' }, `The workspaces could not be listed: ${error.message}`));
  });
}

/** Light, dark or the system's choice; kept in localStorage (main.ts applies it on start). */
function themePanel(): HTMLElement {
  const choice = currentTheme();
  const select = h('select', { id: 'setting-theme' }, [['system', 'Same as the system'], ['light', 'Light'], ['dark', 'Dark']]
    .map(([value, text]) => h('option', { value, selected: value === choice }, text)));
  select.addEventListener('change', () => applyTheme(select.value as Theme, true));
  return h('section', { class: 'card', 'aria-label': 'Display' }, h('h2', {}, 'Display'),
    h('div', { class: 'field' }, h('label', { for: 'setting-theme' }, 'Theme'), select,
      h('small', { class: 'muted' }, 'Kept in this browser only.')));
}

/** Several named workspaces (one per store), kept in this browser; switch, rename, delete, delete everything. */
async function workspacesPanel(app: App): Promise<HTMLElement> {
  const list = await app.workspaces();
  const note = h('p', { 'aria-live': 'polite' });
  const rows = list.workspaces.map((w) => {
    const current = w.id === list.current;
    const name = h('input', { type: 'text', value: w.label, 'aria-label': `Name of workspace ${w.label}`, class: 'ws-name' });
    const rename = h('button', { type: 'button', class: 'secondary small' }, 'Rename');
    rename.addEventListener('click', () => void app.renameWorkspace(w.id, name.value.trim() || w.label));
    const open = h('button', { type: 'button', class: 'primary small', disabled: current }, current ? 'Open now' : 'Switch to');
    open.addEventListener('click', () => void app.switchWorkspace(w.id).then(() => { location.hash = '#/overview'; }));
    const del = h('button', { type: 'button', class: 'danger small' }, 'Delete');
    del.addEventListener('click', () => {
      if (confirm(`Delete the workspace “${w.label}” from this browser? Download it first to keep a copy.`)) void app.deleteWorkspace(w.id);
    });
    return h('li', { class: current ? 'ws current' : 'ws', 'data-workspace': w.id, 'data-label': w.label }, name, rename, open, del,
      h('span', { class: 'muted' }, ` saved ${w.updated.slice(0, 16).replace('T', ' ')}`));
  });
  const wipe = h('button', { type: 'button', class: 'danger', id: 'btn-delete-everything' }, 'Delete everything');
  wipe.addEventListener('click', async () => {
    if (!confirm('Delete every workspace, setting and cached file this site keeps in this browser? This cannot be undone.')) return;
    await app.deleteEverything();
    note.textContent = 'Everything was deleted.';
  });
  return h('section', { class: 'card', 'aria-label': 'Workspaces' }, h('h2', {}, 'Workspaces'),
    h('p', { class: 'muted' }, `One per store, kept in this browser (${list.storage === 'opfs' ? 'Origin Private File System' : 'IndexedDB'}). `,
      'Importing files into the demo or an empty workspace starts a new one; “New” in the top bar starts an empty one.'),
    rows.length ? h('ul', { class: 'workspaces' }, rows) : h('p', {}, 'No workspace is kept yet: import your exports or open a .rapport file.'),
    h('p', {}, wipe, ' ', h('span', { class: 'muted' }, 'Removes every stored workspace (OPFS and IndexedDB), caches and saved campaigns.')), note);
}
