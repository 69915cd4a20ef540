import { FIELDS, fieldForHeader, looksLikeHeader, type Field } from '../../../domain/import/mapping';

export { FIELDS, type Field };

/**
 * A look at the start of an order file before it is uploaded: encoding, delimiter, header and
 * the first rows, with each column's field guessed by the same header rules the server uses
 * (src/domain/import/mapping.ts), so the preview shows what the import will do.
 */
export interface FilePreview {
  encoding: 'utf-8' | 'gb18030';
  delimiter: ',' | '\t' | ';' | '|' | 'whitespace';
  hasHeader: boolean;
  header: string[] | null;
  rows: string[][];
  columns: number;
  /** Field the server would map each column to (null: ignored). */
  auto: (Field | null)[];
}

const PREVIEW_BYTES = 64 * 1024;
const PREVIEW_ROWS = 8;

function decode(buf: ArrayBuffer): { text: string; encoding: FilePreview['encoding'] } {
  const utf8 = new TextDecoder('utf-8').decode(buf);
  // Many Chinese exports are GBK; a run of replacement characters says the bytes were not UTF-8.
  const bad = (utf8.match(/\uFFFD/g) ?? []).length;
  if (bad > 2) {
    try {
      return { text: new TextDecoder('gb18030').decode(buf), encoding: 'gb18030' };
    } catch {
      // This browser has no GB decoder: show what UTF-8 gives.
    }
  }
  return { text: utf8.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
}

function detectDelimiter(lines: string[]): FilePreview['delimiter'] {
  const sample = lines.slice(0, 5);
  let best: FilePreview['delimiter'] = ',';
  let bestScore = 0;
  for (const d of [',', '\t', ';', '|'] as const) {
    const counts = sample.map((l) => l.split(d).length - 1);
    const min = Math.min(...counts);
    if (min > bestScore) {
      best = d;
      bestScore = min;
    }
  }
  if (bestScore === 0 && sample.some((l) => /\S\s+\S/.test(l.trim()))) return 'whitespace';
  return best;
}

/** Splits one line; double quotes protect delimiters ("a,b"), "" is a quote. */
export function splitLine(line: string, d: FilePreview['delimiter']): string[] {
  if (d === 'whitespace') return line.trim().split(/\s+/);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === d) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

export async function previewFile(file: File): Promise<FilePreview> {
  const buf = await file.slice(0, PREVIEW_BYTES).arrayBuffer();
  const { text, encoding } = decode(buf);
  const all = text.split(/\r\n|\n|\r/);
  // The last line of a partial read may be cut off.
  if (file.size > PREVIEW_BYTES) all.pop();
  const lines = all.filter((l) => l.trim() !== '');
  const delimiter = detectDelimiter(lines);
  const parsed = lines.slice(0, PREVIEW_ROWS + 1).map((l) => splitLine(l, delimiter));
  const hasHeader = parsed.length > 0 && looksLikeHeader(parsed[0]!);
  const header = hasHeader ? parsed[0]! : null;
  const rows = hasHeader ? parsed.slice(1) : parsed.slice(0, PREVIEW_ROWS);
  const columns = Math.max(header?.length ?? 0, ...rows.map((r) => r.length), 0);
  const auto: (Field | null)[] = Array.from({ length: columns }, () => null);
  if (header) {
    const seen = new Set<Field>();
    header.forEach((h, i) => {
      const f = fieldForHeader(h);
      if (f && !seen.has(f)) {
        seen.add(f);
        auto[i] = f;
      }
    });
  }
  return { encoding, delimiter, hasHeader, header, rows, columns, auto };
}

/**
 * The `map` to send: only what differs from the server's own detection, columns named by
 * 1-based position (unambiguous with or without a header); "-" drops a detected field.
 */
export function mappingOverrides(auto: (Field | null)[], chosen: (Field | null)[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const a = auto.indexOf(field);
    const c = chosen.indexOf(field);
    if (a === c) continue;
    out[field] = c < 0 ? '-' : String(c + 1);
  }
  return out;
}
