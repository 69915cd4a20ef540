import type { ColumnKind, ReportTable } from '../../analytics/metrics.js';
import { formatMinor } from '../money.js';

/**
 * Report tables as text for a terminal and as CSV. Tables carry raw values (money in minor
 * units, shares as fractions); formatting happens only here, by column kind.
 */

function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : '');
}

/** One cell for people: money with the currency's decimals and thousands separators, shares in %. */
export function formatCell(v: string | number | null, kind: ColumnKind, decimals: number): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'money':
      return groupThousands(formatMinor(Math.round(v), decimals));
    case 'share':
      return `${(v * 100).toFixed(1)}%`;
    case 'count':
      return groupThousands(String(v));
    case 'days':
    case 'number':
      return Number.isInteger(v) ? groupThousands(String(v)) : groupThousands(v.toFixed(2));
    case 'text':
      return String(v);
  }
}

/** One cell for CSV: plain decimals, no separators; money as decimal currency units. */
export function csvValue(v: string | number | null, kind: ColumnKind, decimals: number): string {
  if (v === null) return '';
  if (typeof v === 'string') return csvEscape(v);
  if (kind === 'money') return formatMinor(Math.round(v), decimals);
  return String(v);
}

export function csvEscape(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Terminal width of a string: East Asian wide characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

/** A table aligned for a terminal: text left, numbers right, with the title above. */
export function renderTable(t: ReportTable, decimals: number): string {
  const header = t.columns.map((c) => c.label);
  const body = t.rows.map((r) => r.map((v, j) => formatCell(v, t.columns[j]?.kind ?? 'text', decimals)));
  const widths = header.map((h, j) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[j] ?? ''))));
  const right = t.columns.map((c) => c.kind !== 'text');
  const line = (cells: string[]) => cells.map((c, j) => pad(c, widths[j]!, right[j]!)).join('  ').trimEnd();
  return [t.title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

/** A table as CSV (header of labels, RFC 4180 quoting). */
export function tableToCsv(t: ReportTable, decimals: number): string {
  const lines = [t.columns.map((c) => csvEscape(c.label)).join(',')];
  for (const r of t.rows) lines.push(r.map((v, j) => csvValue(v, t.columns[j]?.kind ?? 'text', decimals)).join(','));
  return lines.join('\n') + '\n';
}
