import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ModelName } from '../../analytics/clv/index.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import type { PredictionPeriod } from './defaults.js';
import { dataProfile, fitRowsGuarded, storeFit, unsupportedError, type ModelRunView } from './fit.js';

/**
 * Fitting straight from a calibration summary file, one customer per row, as published with the
 * CDNOW data sets (lifetimes' cdnow_customers_summary.csv: ID,frequency,recency,T; the
 * "with transactions" file: ID,x,t_x,T,zbar). Columns are found by header name, any order.
 */
const HEADERS = {
  id: ['id', 'customer_id', 'customer', 'cust'],
  x: ['x', 'frequency', 'freq'],
  tx: ['t_x', 'tx', 'recency'],
  T: ['t', 'age'],
  mx: ['zbar', 'monetary', 'monetary_value', 'mx', 'm_x', 'spend'],
} as const;

export interface SummaryFileRow {
  id: string | null;
  x: number;
  tx: number;
  T: number;
  mx?: number;
}

export interface SummaryFile {
  name: string;
  rows: SummaryFileRow[];
  /** The header names matched to each field. */
  columns: { x: string; tx: string; T: string; id: string | null; mx: string | null };
}

function splitLine(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** Parses a summary CSV (comma, semicolon or tab). Header required; unknown extra columns are ignored. */
export function parseSummaryText(text: string, name = 'summary'): SummaryFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new PatronError('VALIDATION', `${name}: expected a header line and at least one row`);
  const head = lines[0]!;
  const delimiter = head.includes(',') ? ',' : head.includes(';') ? ';' : '\t';
  const header = splitLine(head, delimiter);
  const lower = header.map((h) => h.toLowerCase());
  const find = (names: readonly string[]) => {
    const i = lower.findIndex((h) => names.includes(h));
    return i >= 0 ? i : null;
  };
  // "T" is matched case-sensitively first: a file may have both t_x and T.
  const iT = header.indexOf('T') >= 0 ? header.indexOf('T') : find(HEADERS.T);
  const ix = find(HEADERS.x);
  const itx = find(HEADERS.tx);
  const iid = find(HEADERS.id);
  const imx = find(HEADERS.mx);
  const missing = [ix === null ? 'x (or frequency)' : null, itx === null ? 't_x (or recency)' : null, iT === null ? 'T' : null].filter(Boolean);
  if (missing.length) {
    throw new PatronError('VALIDATION', `${name}: no column for ${missing.join(', ')}; header is: ${header.join(delimiter)}`);
  }
  const rows: SummaryFileRow[] = [];
  for (let li = 1; li < lines.length; li++) {
    const cells = splitLine(lines[li]!, delimiter);
    const num = (i: number, field: string) => {
      const v = Number(cells[i]);
      if (cells[i] === undefined || cells[i] === '' || !Number.isFinite(v)) {
        throw new PatronError('VALIDATION', `${name} line ${li + 1}: ${field} is not a number ("${cells[i] ?? ''}")`);
      }
      return v;
    };
    const row: SummaryFileRow = { id: iid === null ? null : (cells[iid] ?? null), x: num(ix!, header[ix!]!), tx: num(itx!, header[itx!]!), T: num(iT!, header[iT!]!) };
    if (imx !== null) row.mx = num(imx, header[imx]!);
    rows.push(row);
  }
  return {
    name,
    rows,
    columns: {
      x: header[ix!]!,
      tx: header[itx!]!,
      T: header[iT!]!,
      id: iid === null ? null : header[iid]!,
      mx: imx === null ? null : header[imx]!,
    },
  };
}

export function readSummaryFile(path: string): SummaryFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PatronError('NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseSummaryText(text, basename(path));
}

/**
 * `patron model fit --summary FILE`: fits the model on the file's rows (the fits group identical rows)
 * and records the run. Gamma-Gamma needs a spend column (zbar / monetary_value).
 */
export async function fitSummaryFile(
  db: Db,
  path: string,
  o: { model: ModelName; period?: PredictionPeriod; actor: string; now: Date },
): Promise<ModelRunView> {
  const file = readSummaryFile(path);
  if (o.model === 'gamma-gamma' && file.columns.mx === null) {
    throw new PatronError('VALIDATION', `${file.name}: Gamma-Gamma needs a mean spend column (zbar, monetary_value or mx)`);
  }
  const t0 = performance.now();
  const fit = await fitRowsGuarded(o.model, file.rows);
  const durationMs = performance.now() - t0;
  const run = await storeFit(db, fit, dataProfile(o.model, file.rows), {
    purpose: 'fit',
    source: 'summary-file',
    sourceName: file.name,
    period: o.period ?? 'week',
    actor: o.actor,
    now: o.now,
    durationMs,
  });
  if (!fit.ok) throw unsupportedError(fit, `${file.rows.length} rows of ${file.name}`, run);
  return run;
}
