// The column-mapping dialog for a file no format recognises (or whose mapping the user wants to change):
// a preview of the first rows, one column picker per role of the chosen kind, the date format, decimal
// separator and currency, and live validation through the engine's "detect" op (rows checked, rows ok,
// the first bad cell by line and column). The mapping can be saved in the workspace under a name; the
// engine then recognises next month's file of the same layout by itself (docs/formats/generic.md).
import type { EngineClient } from './engine/client';
import type { ImportOptions } from './engine/protocol';
import { clear, h } from './dom';
import { fmtInt } from './format';
import { detectFile, type DetectResult, type MappingCheck } from './staging';

export interface MappingChoice { options: ImportOptions; kind: string; name?: string }

interface RoleSpec { role: string; label: string; required?: boolean }

/** The roles a generic file of each kind can map (core/import/importer.h, ColumnMapping). */
export const kRolesByKind: Record<string, RoleSpec[]> = {
  transactions: [
    { role: 'customer', label: 'Customer (id or email)', required: true }, { role: 'date', label: 'Date', required: true },
    { role: 'amount', label: 'Amount' }, { role: 'order', label: 'Order id' }, { role: 'email', label: 'Email' },
    { role: 'phone', label: 'Phone' }, { role: 'sku', label: 'Product (SKU)' }, { role: 'title', label: 'Product name' },
    { role: 'quantity', label: 'Quantity' }, { role: 'currency', label: 'Currency column' },
  ],
  surveys: [
    { role: 'email', label: 'Email', required: true }, { role: 'customer', label: 'Customer id' },
    { role: 'date', label: 'Date', required: true }, { role: 'score', label: 'Score 0–10', required: true },
    { role: 'comment', label: 'Comment' },
  ],
  tickets: [
    { role: 'email', label: 'Email', required: true }, { role: 'customer', label: 'Customer id' },
    { role: 'date', label: 'Created', required: true }, { role: 'order', label: 'Ticket id' },
    { role: 'status', label: 'Status' }, { role: 'channel', label: 'Channel' }, { role: 'csat', label: 'CSAT 1–5' },
  ],
};
const kKindLabels: Record<string, string> = {
  transactions: 'Orders or transactions', surveys: 'NPS survey answers', tickets: 'Support tickets',
};

/** How a column is named in a mapping: its header text when that is unique, else "#n" (1-based). */
export function columnSpec(header: readonly string[], index: number, hasHeader: boolean): string {
  const name = header[index] ?? '';
  const unique = hasHeader && name !== '' && !name.startsWith('#') &&
    header.filter((n) => n.toLowerCase() === name.toLowerCase()).length === 1;
  return unique ? name : `#${index + 1}`;
}

/** The options the dialog's fields describe (only the roles of `kind`, format pinned to the generic layout). */
export function optionsFromFields(kind: string, roles: Record<string, string>, dateFormat: string,
  decimal: string, currency: string): ImportOptions {
  const mapping: Record<string, string> = {};
  for (const { role } of kRolesByKind[kind] ?? []) if (roles[role]) mapping[role] = roles[role];
  return {
    format: `generic_${kind}`, mapping, date_format: dateFormat as ImportOptions['date_format'],
    decimal_separator: decimal, currency: currency.trim().toUpperCase() || 'USD',
  };
}

/** The validation summary in words. */
export function describeCheck(check: MappingCheck | undefined): { ok: boolean; lines: string[] } {
  if (!check) return { ok: false, lines: ['Map at least the required columns.'] };
  const lines = [`${fmtInt(check.rows_checked)} rows checked, ${fmtInt(check.rows_ok)} rows ok.`];
  if (check.missing.length) lines.push(`Still needed: ${check.missing.join(', ')}.`);
  if (check.unknown_columns.length) lines.push(`Not in this file: ${check.unknown_columns.join(', ')}.`);
  if (check.first_error) {
    lines.push(`First error: line ${check.first_error.line}, column ${check.first_error.column} — ${check.first_error.message}`);
  }
  if (check.date_guess === 'ambiguous' && check.date_format === 'auto') {
    lines.push(`Dates like ${check.date_example} could be day-first or month-first: choose the date format.`);
  }
  return { ok: check.ok, lines };
}

/** Opens the dialog for `file`; resolves with the chosen options, or null when cancelled. */
export function openMappingDialog(client: EngineClient, file: File, detect: DetectResult,
  initial?: ImportOptions): Promise<MappingChoice | null> {
  const header = detect.header;
  const start = initial?.mapping ?? detect.saved_mapping?.options.mapping ?? detect.suggested_mapping ?? {};
  let kind = initial?.format?.replace(/^generic_/, '') ?? detect.suggested_kind ?? 'transactions';
  if (!kRolesByKind[kind]) kind = 'transactions';
  const roles: Record<string, string> = { ...start };

  const dialog = h('dialog', { class: 'mapping-dialog', 'aria-labelledby': 'mapping-title' });
  const form = h('form', { method: 'dialog' });
  const preview = h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'First rows of the file' },
    h('table', { class: 'data preview' },
      h('caption', {}, `First rows of ${file.name}`),
      h('thead', {}, h('tr', {}, header.map((name, i) => h('th', { scope: 'col' }, h('span', { class: 'muted' }, `#${i + 1} `), name)))),
      h('tbody', {}, detect.rows.map((row) => h('tr', {}, header.map((_, i) => h('td', {}, row[i] ?? '')))))));

  const kindSelect = h('select', { id: 'map-kind' },
    Object.keys(kRolesByKind).map((k) => h('option', { value: k, selected: k === kind }, kKindLabels[k])));
  const rolesBox = h('div', { class: 'mapping-roles' });
  const dateSelect = h('select', { id: 'map-date-format' },
    [['auto', 'Automatic'], ['dmy', 'Day first (31.12.2024)'], ['mdy', 'Month first (12/31/2024)'],
      ['month-name', 'Month name (Dec 31, 2024)'], ['unix', 'Unix seconds']].map(([v, l]) =>
      h('option', { value: v, selected: v === (initial?.date_format ?? 'auto') }, l)));
  const decimalSelect = h('select', { id: 'map-decimal' },
    [['.', 'Point (1,234.50)'], [',', 'Comma (1.234,50)']].map(([v, l]) =>
      h('option', { value: v, selected: v === (initial?.decimal_separator ?? '.') }, l)));
  const currencyInput = h('input', { id: 'map-currency', value: initial?.currency ?? 'USD', size: 4, maxlength: 3,
    autocomplete: 'off', 'aria-describedby': 'map-currency-hint' });
  const saveBox = h('input', { type: 'checkbox', id: 'map-save' });
  const nameInput = h('input', { id: 'map-name', value: file.name.replace(/\.[^.]*$/, ''), maxlength: 100, disabled: true });
  const status = h('div', { class: 'mapping-status', role: 'status', 'aria-live': 'polite', id: 'map-status' });
  const useButton = h('button', { type: 'submit', class: 'primary', value: 'use', id: 'map-use' }, 'Use this mapping');
  const cancelButton = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');

  function renderRoles(): void {
    clear(rolesBox);
    for (const spec of kRolesByKind[kind]) {
      const id = `map-role-${spec.role}`;
      const select = h('select', { id, 'data-role': spec.role },
        h('option', { value: '' }, '— not in this file —'),
        header.map((name, i) => {
          const value = columnSpec(header, i, detect.has_header);
          return h('option', { value, selected: roles[spec.role] === value || roles[spec.role] === name }, `#${i + 1} ${name}`);
        }));
      select.addEventListener('change', () => { roles[spec.role] = select.value; schedule(); });
      rolesBox.append(h('div', { class: 'field' },
        h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'muted' }, ' (required)') : ''), select));
    }
  }

  const current = () => optionsFromFields(kind, roles, dateSelect.value, decimalSelect.value, currencyInput.value);
  let timer = 0;
  let generation = 0;
  let lastOk = false;
  async function validate(): Promise<void> {
    const mine = ++generation;
    status.setAttribute('aria-busy', 'true');
    try {
      const result = await detectFile(client, file, current());
      if (mine !== generation) return;
      const { ok, lines } = describeCheck(result.mapping_check);
      lastOk = ok && (result.mapping_check?.rows_ok ?? 0) > 0;
      clear(status);
      status.append(...lines.map((line, i) => h('p', { class: i === 0 ? (lastOk ? 'ok' : 'warn') : 'warn' }, line)));
    } catch (error) {
      if (mine !== generation) return;
      lastOk = false;
      clear(status);
      status.append(h('p', { class: 'error' }, (error as Error).message));
    } finally {
      if (mine === generation) status.removeAttribute('aria-busy');
      useButton.disabled = !lastOk;
    }
  }
  function schedule(): void {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void validate(), 120);
  }

  kindSelect.addEventListener('change', () => { kind = kindSelect.value; renderRoles(); schedule(); });
  for (const el of [dateSelect, decimalSelect]) el.addEventListener('change', schedule);
  currencyInput.addEventListener('input', schedule);
  saveBox.addEventListener('change', () => { nameInput.disabled = !saveBox.checked; if (saveBox.checked) nameInput.focus(); });

  form.append(
    h('h2', { id: 'mapping-title' }, `Columns of ${file.name}`),
    h('p', { class: 'muted' }, 'Rapport did not recognise this file. Say which column holds what; the check below reads the first rows as the import will.'),
    preview,
    h('div', { class: 'field' }, h('label', { for: 'map-kind' }, 'The file holds'), kindSelect),
    h('fieldset', {}, h('legend', {}, 'Columns'), rolesBox),
    h('fieldset', {}, h('legend', {}, 'Values'),
      h('div', { class: 'field' }, h('label', { for: 'map-date-format' }, 'Dates'), dateSelect),
      h('div', { class: 'field' }, h('label', { for: 'map-decimal' }, 'Decimal separator'), decimalSelect),
      h('div', { class: 'field' }, h('label', { for: 'map-currency' }, 'Currency'), currencyInput,
        h('span', { id: 'map-currency-hint', class: 'muted' }, ' when the file does not say (ISO code, e.g. EUR)'))),
    status,
    h('div', { class: 'save-row' }, saveBox, h('label', { for: 'map-save' }, 'Save this mapping as'),
      h('label', { for: 'map-name', class: 'sr-only' }, 'Mapping name'), nameInput),
    h('p', { class: 'actions' }, useButton, ' ', cancelButton));
  dialog.append(form);
  renderRoles();
  document.body.append(dialog);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (choice: MappingChoice | null) => {
      if (settled) return;
      settled = true;
      window.clearTimeout(timer);
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(choice);
    };
    cancelButton.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', () => finish(null));  // Escape
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!lastOk) return;
      const options = current();
      let name: string | undefined;
      if (saveBox.checked && nameInput.value.trim()) {
        name = nameInput.value.trim();
        try {
          await client.call('mapping_save', { name, options, created: new Date().toISOString().slice(0, 10) });
        } catch (error) {
          status.append(h('p', { class: 'error', role: 'alert' }, `Could not save the mapping: ${(error as Error).message}`));
          return;
        }
      }
      finish({ options, kind, name });
    });
    dialog.showModal();
    (rolesBox.querySelector('select') as HTMLSelectElement | null)?.focus();
    void validate();
  });
}
