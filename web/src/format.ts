// Number formatting for display (the engine's JSON keeps full precision; only the page rounds).
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

export function fmtInt(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? integer.format(v) : '—';
}
const small = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 });
export function fmtNum(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return v !== 0 && Math.abs(v) < 0.01 ? small.format(v) : decimal.format(v);
}
/** A share 0..1 as a percentage. */
export function fmtPct(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? percent.format(v) : '—';
}
export function fmtMoney(v: unknown, currency: string | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 2 }).format(v);
    } catch { /* an unknown code: plain number below */ }
  }
  return decimal.format(v) + (currency ? ` ${currency}` : '');
}
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
/** "shopify_orders" -> "Shopify orders"; "net_revenue" -> "Net revenue". */
export function humanize(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
