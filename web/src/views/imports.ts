// #/imports: add files, the latest import reports, and the import history with its rejected rows.
import type { App } from '../app';
import { emptyState, h } from '../dom';
import type { ImportRecord } from '../engine/protocol';
import { dropHint } from './overview';
import { errorCard, recordCard } from './report';

export async function renderImports(app: App, main: HTMLElement): Promise<void> {
  const history = h('section', { 'aria-label': 'Import history', 'aria-busy': 'true' });
  // Successful imports are in the history below; only the latest batch's failures are listed above it.
  const failures = app.outcomes.filter((o) => o.error);
  main.append(h('h1', {}, 'Imports'), h('div', { class: 'card dropzone' }, dropHint(app)),
    failures.length ? h('section', { 'aria-label': 'Files not imported' }, failures.map(errorCard)) : '',
    h('h2', {}, 'History'), history);
  let records: ImportRecord[] = [];
  try {
    const result = await app.client.call<unknown>('imports');
    records = (Array.isArray(result) ? result : (result as { imports?: ImportRecord[] })?.imports ?? []) as ImportRecord[];
  } catch {
    records = [];
  }
  history.removeAttribute('aria-busy');
  if (records.length === 0) {
    history.append(emptyState('No files imported yet',
      h('p', {}, app.state.source === 'demo'
        ? 'The demo store was built from a generated Shopify export. Your own files replace it.'
        : 'Each file you import is listed here with what it added and which rows were rejected.')));
    return;
  }
  for (const record of [...records].reverse()) {
    const card = recordCard(app, record);
    const remove = h('button', { type: 'button', class: 'danger' }, 'Remove this import');
    remove.addEventListener('click', async () => {
      if (!confirm(`Remove ${record.file_name} and every row it added?`)) return;
      remove.disabled = true;
      try {
        await app.removeImport(record.id);
      } catch (error) {
        remove.after(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
        remove.disabled = false;
      }
    });
    card.append(h('p', { class: 'muted' }, `Imported ${record.imported_at}`), h('p', {}, remove));
    history.append(card);
  }
}
