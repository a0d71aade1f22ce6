// The staging list of the import page: files dropped together are recognised first (the engine's
// "detect" op on each file's first 64 KiB), listed with their platform and kind, and imported only when
// the user says so, in the order that lets each file find what it refers to: customers, then orders and
// transactions, then products, then reviews, tickets and surveys (the CLI uses the same order).
import type { EngineClient } from './engine/client';
import type { ImportOptions } from './engine/protocol';

/** The parts of the "detect" reply the page uses (core/api/ops/detect.cpp). */
export interface DetectFormat { format: string; platform: string; kind: string; label: string; score?: number }
export interface MappingCheckColumn {
  role: string; column: string; found: boolean; index?: number; label?: string;
  samples?: string[]; parsed?: string[]; checked?: number; errors?: number; first_error?: string;
}
export interface MappingCheck {
  kind: string; ok: boolean; missing: string[]; unknown_columns: string[]; columns: MappingCheckColumn[];
  date_format: string; date_guess: string; date_example: string; rows_checked: number; rows_ok: number;
  first_error?: { line: number; column: number; message: string };
}
export interface DetectResult {
  file_name: string; encoding: string; has_header: boolean; header: string[]; rows: string[][];
  sample_rows: number; format: DetectFormat | null; candidates: DetectFormat[]; generic: boolean;
  suggested_mapping?: Record<string, string>; suggested_kind?: string;
  saved_mapping?: { name: string; options: ImportOptions; format?: DetectFormat };
  mapping_check?: MappingCheck;
}

export type StagedStatus = 'detecting' | 'ready' | 'needs-mapping' | 'unreadable' | 'importing' | 'imported' | 'failed';

export interface StagedFile {
  id: number;
  file: File;
  status: StagedStatus;
  detect?: DetectResult;
  /** Options the import will use (a mapping from the dialog or a saved one); undefined = detect on import. */
  options?: ImportOptions;
  /** The saved mapping in use, by name. */
  mappingName?: string;
  /** What the page shows: "Shopify", "orders" (from the format, or from the mapping's kind). */
  platform: string;
  kind: string;
  error?: string;
}

/** The first bytes read for detection: enough for a header and dozens of rows. */
export const kDetectBytes = 64 * 1024;

/** Import order by kind; unknown kinds go with orders. */
export const kKindRank: Record<string, number> = {
  customers: 0, orders: 1, transactions: 1, products: 2, reviews: 3, tickets: 3, surveys: 3,
};

export function kindRank(kind: string): number {
  return kKindRank[kind] ?? 1;
}

/** The files that can be imported now, in import order (stable: same kind keeps the drop order). */
export function importOrder(files: readonly StagedFile[]): StagedFile[] {
  return files.filter((f) => f.status === 'ready')
    .map((f, i) => ({ f, i }))
    .sort((a, b) => kindRank(a.f.kind) - kindRank(b.f.kind) || a.i - b.i)
    .map(({ f }) => f);
}

/** Bytes as base64 (the detect op takes the first bytes as they are, any encoding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The first kDetectBytes of a file, and whether that is all of it. */
export async function headOf(file: File): Promise<{ base64: string; complete: boolean }> {
  const bytes = new Uint8Array(await file.slice(0, kDetectBytes).arrayBuffer());
  return { base64: toBase64(bytes), complete: file.size <= kDetectBytes };
}

/** Runs "detect" on a file's first bytes, with options (the mapping dialog) or without (recognition). */
export async function detectFile(client: EngineClient, file: File, options?: ImportOptions): Promise<DetectResult> {
  const head = await headOf(file);
  const request: Record<string, unknown> = { bytes_base64: head.base64, file_name: file.name, complete: head.complete };
  if (options) request.options = options;
  return client.call<DetectResult>('detect', request);
}

/** Applies a detect reply to a staged file: a platform format or a saved mapping makes it ready. */
export function applyDetect(staged: StagedFile, result: DetectResult): void {
  staged.detect = result;
  if (result.saved_mapping) {
    staged.options = result.saved_mapping.options;
    staged.mappingName = result.saved_mapping.name;
    staged.platform = `Saved mapping “${result.saved_mapping.name}”`;
    staged.kind = result.saved_mapping.format?.kind ?? result.mapping_check?.kind ?? 'transactions';
    staged.status = 'ready';
  } else if (result.format && !result.generic) {
    staged.platform = result.format.platform;
    staged.kind = result.format.kind;
    staged.status = 'ready';
  } else if (result.format) {
    // Recognised by a generic layout from its column names: importable as it is, a mapping may refine it.
    staged.platform = 'Generic';
    staged.kind = result.format.kind;
    staged.status = 'ready';
  } else {
    staged.platform = 'Not recognised';
    staged.kind = '';
    staged.status = 'needs-mapping';
  }
}

/** A mapping chosen in the dialog (and maybe saved under a name). */
export function applyMapping(staged: StagedFile, options: ImportOptions, kind: string, name?: string): void {
  staged.options = options;
  staged.mappingName = name;
  staged.platform = name ? `Mapping “${name}”` : 'Column mapping';
  staged.kind = kind;
  staged.status = 'ready';
}
