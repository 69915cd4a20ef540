import { createHash, hash as oneShotHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import type { BusinessSettings } from '../../storage/settings.repo.js';
import { packOrders, type PackedOrders } from '../orders/packed.js';
import { PatronError } from '../errors.js';
import {
  canonicalSmallText, decimalToString, multiply, multiplyRoundSmall, parseDecimal, parseSmallDecimal, roundToMinor, type Decimal, type DecimalFormat,
  type SmallDecimal,
} from '../money.js';
import type { OrderInput, OrderLineInput } from '../orders/order-input.js';
import { looksSlashed, parseDateTime, sniffSlashOrder, type DateFormat } from '../time.js';
import { FingerprintSet } from './fingerprint-set.js';
import { buildColumnMap, looksLikeHeader, parseStatus, type ColumnMap, type Field } from './mapping.js';
import type { Delimiter } from './sniff.js';

/**
 * File -> orders, with no database: decoding, CSV parsing, column mapping, grouping lines into
 * orders, validation and content hashes. Kept apart from the writer so large files can be parsed
 * in a worker thread while the main thread writes (see parse-worker.ts), and so both run the
 * very same code.
 */

/** What parsing needs to know (plain data: it crosses to a worker thread). */
export interface ParseOptions {
  /** Name recorded with the batch (file name). */
  sourceName: string;
  /** 'orders': one row per order or per order line. 'baskets': one line per basket, items separated by the delimiter. */
  layout?: 'orders' | 'baskets';
  /** field=column overrides (column: header name or 1-based position). */
  map?: Partial<Record<Field, string>>;
  /** true/false forces; undefined detects. */
  header?: boolean;
  delimiter?: Delimiter;
  dateFormat?: DateFormat;
  decimalSeparator?: '.' | ',';
  /** Date used when the file has no date column (YYYY-MM-DD or a full date-time). */
  defaultDate?: string;
  /** Order ids starting with this prefix are returns/cancellations (UCI Online Retail uses "C"). */
  returnPrefix?: string;
  /** Prefix for generated order ids (baskets, files without an order id column). */
  idPrefix?: string;
  /** Orders per chunk handed to the writer (default DEFAULT_CHUNK_ORDERS). */
  chunkOrders?: number;
}

/**
 * Orders per chunk handed to the writer, and Papa Parse's read size. Small units keep the
 * parser's live set small, so few objects survive young-generation collections: on the
 * 1,000,000-line benchmark, 500 orders and 64 KiB took ~15 % less CPU than 2,000 and 1 MiB
 * (fewer promotions, fewer full collections). Rows of one order may be apart in the file only
 * within one chunk.
 */
export const DEFAULT_CHUNK_ORDERS = 500;
const PAPA_CHUNK_BYTES = 64 * 1024;
/** Text read but not yet parsed, at most (about sixteen reads). */
export const READ_AHEAD_CHARS = 1024 * 1024;

export interface Reject {
  line: number;
  reason: string;
  raw: string;
}

/** One unit of work for the writer. */
export interface ParsedChunk {
  /** The chunk's valid orders, as columns with content hashes. */
  orders: PackedOrders;
  rejects: Reject[];
  /** Data rows read so far (header excluded). */
  read: number;
  /** Bytes read so far. */
  bytes: number;
  /** Column positions, once known. */
  columns: Partial<Record<Field, number>> | null;
  /** SHA-256 of the whole file, on the last chunk. */
  sha256: string | null;
  last: boolean;
}

interface PendingOrder {
  key: string;
  firstLine: number;
  rows: Rec[];
}

function hasReplacementChar(cells: string[]): boolean {
  for (let i = 0; i < cells.length; i++) if (cells[i]!.includes('\uFFFD')) return true;
  return false;
}

export interface ParseInput {
  encoding: string;
  delimiter: Delimiter;
  options: ParseOptions;
  settings: BusinessSettings;
}

/**
 * Parses a byte stream into chunks of built orders. Rows of one order must be adjacent in the
 * file: a key seen again after its order was handed on is rejected with a "sort the file" reason.
 */
export async function* parseOrders(raw: Readable, input: ParseInput): AsyncGenerator<ParsedChunk> {
  const { encoding, delimiter, options, settings } = input;
  const layout = options.layout ?? 'orders';
  let bytes = 0;
  const sha = createHash('sha256');
  raw.on('data', (c: Buffer | string) => {
    bytes += c.length;
    sha.update(c);
  });
  const records = recordStream(raw, encoding, delimiter);

  let header: string[] | null = null;
  let map: ColumnMap | null = null;
  let dateFormat: DateFormat = options.dateFormat ?? 'auto';
  const decFmt: DecimalFormat = { decimalSeparator: options.decimalSeparator ?? '.' };
  const idPrefix = options.idPrefix ?? options.sourceName;
  // Fixed seeds: generated ids must come out the same on every import of the file. Only rows seen
  // more than once take room in the map.
  const autoIdSeen = new FingerprintSet([0x2545f491, 0x6c8e9cf5]);
  const autoIdRepeats = new Map<string, number>();
  // Every order id handed on, to notice an order whose rows come back later (see FingerprintSet).
  const flushed = new FingerprintSet();
  const chunkOrders = options.chunkOrders ?? DEFAULT_CHUNK_ORDERS;
  let pending = new Map<string, PendingOrder>();
  let current: PendingOrder | null = null;
  let read = 0;
  let rejects: Reject[] = [];
  let first = true;

  const build = (last: boolean): ParsedChunk => {
    const orders: OrderInput[] = [];
    for (const p of pending.values()) {
      const built = buildOrder(p, map!, settings, dateFormat, decFmt, options, layout);
      if ('errors' in built) {
        for (const e of built.errors) rejects.push(e);
        continue;
      }
      orders.push(built.order);
    }
    for (const k of pending.keys()) flushed.add(k);
    pending = new Map();
    const chunk: ParsedChunk = { orders: packOrders(orders), rejects, read, bytes, columns: map, sha256: last ? sha.digest('hex') : null, last };
    rejects = [];
    return chunk;
  };

  for await (const batch of records) for (const rec of batch) {
    const { cells, line } = rec;
    // Only rejects need the row's text: rebuilt on demand (joining every row was a large share of the parser's garbage).
    const rawText = () => rec.rawText ?? cells.join(delimiter === 'whitespace' ? ' ' : delimiter);
    if (first) {
      first = false;
      const isHeader = options.header ?? (layout === 'orders' && looksLikeHeader(cells));
      if (isHeader) header = cells.map((c) => c.trim());
      map = layout === 'baskets' ? {} : buildColumnMap(header, options.map ?? {});
      if (layout === 'orders') checkMap(map, options);
      if (isHeader) continue;
    }
    read++;
    if (hasReplacementChar(cells)) {
      rejects.push({ line, reason: `invalid characters: the row is not valid ${encoding} (wrong encoding? pass --encoding)`, raw: rawText() });
      continue;
    }
    if (layout === 'orders' && dateFormat === 'auto' && map!.date !== undefined) {
      const d = cells[map!.date];
      if (d && looksSlashed(d)) {
        const sniffed = sniffSlashOrder([d]);
        if (sniffed) dateFormat = sniffed;
      }
    }
    let key: string;
    if (layout === 'baskets') key = `${idPrefix}:${line}`;
    else if (map!.order_id !== undefined) {
      key = (cells[map!.order_id] ?? '').trim();
      if (!key) {
        rejects.push({ line, reason: 'missing order_id', raw: rawText() });
        continue;
      }
    } else {
      // No order id in the file: every row is one order, keyed by its content (plus an
      // occurrence number for identical rows), so a re-import finds the same keys.
      const h = oneShotHash('sha1', cells.join('\u0001'), 'base64url').slice(0, 16);
      let n = 1;
      if (autoIdSeen.has(h)) {
        n = (autoIdRepeats.get(h) ?? 1) + 1;
        autoIdRepeats.set(h, n);
      } else autoIdSeen.add(h);
      key = `auto:${h}${n > 1 ? `#${n}` : ''}`;
    }
    if (current && current.key === key) {
      current.rows.push(rec);
    } else {
      if (flushed.has(key)) {
        rejects.push({ line, reason: `order ${key}: its lines are not together in the file and part of it was already imported; sort the file by order id and import again`, raw: rawText() });
        continue;
      }
      const existing = pending.get(key);
      if (existing) {
        existing.rows.push(rec);
        current = existing;
      } else {
        if (pending.size >= chunkOrders) yield build(false);
        current = { key, firstLine: line, rows: [rec] };
        pending.set(key, current);
      }
    }
  }
  if (map === null) throw new PatronError('VALIDATION', `${options.sourceName}: the file is empty`);
  yield build(true);
}

function checkMap(map: ColumnMap, options: ParseOptions): void {
  const missing: string[] = [];
  if (map.date === undefined && !options.defaultDate) missing.push('date (or --default-date)');
  if (map.amount === undefined && map.unit_price === undefined) missing.push('amount or unit_price');
  if (missing.length) {
    throw new PatronError('VALIDATION', `cannot find required column(s): ${missing.join(', ')}. Map them with --map field=column (e.g. --map date=3), or check the header row.`);
  }
}

interface Rec {
  cells: string[];
  line: number;
  /** The line as read, when cheaply known; otherwise rebuilt from the cells for reject reports. */
  rawText?: string;
}

/**
 * Decoded records with their 1-based line numbers, in batches (one await per batch, not per
 * row: per-row async iteration was a large share of import time). CSV/TSV go through Papa Parse,
 * which measured ~3x faster than csv-parse here; whitespace-separated text through readline.
 */
async function* recordStream(raw: Readable, encoding: string, delimiter: Delimiter): AsyncGenerator<Rec[]> {
  const text: Readable = encoding === 'utf-8' || encoding === 'utf8' || encoding === 'ascii'
    ? raw.setEncoding('utf8')
    : (raw.pipe(iconv.decodeStream(encoding)) as unknown as Readable);
  if (delimiter === 'whitespace') {
    const rl = createInterface({ input: text, crlfDelay: Infinity });
    let line = 0;
    let batch: Rec[] = [];
    for await (const l of rl) {
      line++;
      const s = line === 1 ? l.replace(/^\uFEFF/, '') : l;
      const t = s.trim();
      if (!t) continue;
      batch.push({ cells: t.split(/\s+/), line, rawText: s });
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    return;
  }
  yield* papaBatches(text, delimiter);
}

async function* papaBatches(text: Readable, delimiter: string): AsyncGenerator<Rec[]> {
  const queue: string[][][] = [];
  let done = false;
  let failure: unknown = null;
  let parserRef: Papa.Parser | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  text.on('error', (e) => {
    failure = e;
    poke();
  });
  // Papa Parse never pauses the stream it reads: left alone, the file is read ahead of the parser
  // as fast as the disk allows and held in memory (a 180 MB file took ~500 MB). So the source is
  // paused as soon as more than READ_AHEAD_CHARS wait unparsed, and resumed once the parser catches
  // up (and whenever the parser has nothing left, so it can never stall).
  let receivedChars = 0;
  let parsedTo = 0;
  text.on('data', (c: string | Buffer) => {
    receivedChars += c.length;
    if (receivedChars - parsedTo > READ_AHEAD_CHARS) text.pause();
  });
  // Resumed once the backlog is down to a quarter, so the file is read in bursts rather than
  // paused and resumed on every read (alternating runs with and without pausing took the same time).
  const caughtUp = () => receivedChars - parsedTo <= READ_AHEAD_CHARS / 4;
  // Papa's Node stream support is typed for browsers' File; the runtime accepts a Readable.
  Papa.parse(text as unknown as typeof Papa.NODE_STREAM_INPUT, {
    delimiter,
    chunkSize: PAPA_CHUNK_BYTES,
    chunk: (res: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      queue.push(res.data);
      parsedTo = res.meta.cursor;
      parserRef = parser;
      parser.pause();
      poke();
    },
    complete: () => {
      done = true;
      poke();
    },
    error: (e: unknown) => {
      failure = e;
      poke();
    },
  } as unknown as Papa.ParseConfig<string[]>);
  // Papa reports rows, not lines: a row takes one line plus any line breaks inside quoted cells.
  let line = 1;
  let first = true;
  for (;;) {
    const rows = queue.shift();
    if (rows) {
      const batch: Rec[] = [];
      for (const cells of rows) {
        const at = line;
        line++;
        for (const c of cells) if (c.includes('\n')) line += c.split('\n').length - 1;
        if (first) {
          first = false;
          if (cells.length && cells[0]!.charCodeAt(0) === 0xfeff) cells[0] = cells[0]!.slice(1);
        }
        if (cells.length === 1 && cells[0]!.trim() === '') continue; // blank line
        const last = cells.length - 1;
        if (cells[last]!.endsWith('\r')) cells[last] = cells[last]!.slice(0, -1);
        batch.push({ cells, line: at });
      }
      if (batch.length) yield batch;
      if (text.isPaused() && caughtUp()) text.resume();
      (parserRef as Papa.Parser | null)?.resume();
      continue;
    }
    if (failure) throw failure;
    if (done) return;
    text.resume();
    await new Promise<void>((r) => {
      wake = r;
    });
  }
}

type Built = { order: OrderInput } | { errors: Reject[] };

function cell(cells: string[], idx: number | undefined): string | undefined {
  if (idx === undefined) return undefined;
  const v = cells[idx];
  return v === undefined ? undefined : v.trim();
}

/** "17850.0" (ids written out as floats by pandas) -> "17850". */
function normaliseId(s: string): string {
  return /^\d+\.0+$/.test(s) ? s.slice(0, s.indexOf('.')) : s;
}

const ONE: SmallDecimal = { m: 1, s: 0 };

const maxIndexCache = new WeakMap<ColumnMap, number>();

/** The highest column index the map uses (a row needs at least that many fields). */
function maxIndexOf(map: ColumnMap): number {
  let m = maxIndexCache.get(map);
  if (m === undefined) maxIndexCache.set(map, (m = Math.max(-1, ...(Object.values(map) as number[]))));
  return m;
}

function buildOrder(
  p: PendingOrder,
  map: ColumnMap,
  settings: BusinessSettings,
  dateFormat: DateFormat,
  decFmt: DecimalFormat,
  options: ParseOptions,
  layout: 'orders' | 'baskets',
): Built {
  const errors: Reject[] = [];
  const dec = settings.currencyDecimals;
  const plainDots = decFmt.decimalSeparator !== ',';
  const tz = settings.timeZone;
  const rawOf = (cells: string[]) => cells.join(options.delimiter === '\t' ? '\t' : ',');

  if (layout === 'baskets') {
    const { line, cells } = p.rows[0]!;
    const when = parseDateTime(options.defaultDate ?? '', 'auto', tz);
    if (!when) return { errors: [{ line, reason: 'baskets need --default-date YYYY-MM-DD', raw: rawOf(cells) }] };
    const items = cells.map((c) => c.replace(/\r$/, '')).filter((c) => c !== '');
    if (!items.length) return { errors: [{ line, reason: 'empty basket', raw: rawOf(cells) }] };
    const seen = new Set<string>();
    const lines: OrderLineInput[] = [];
    for (const it of items) {
      if (seen.has(it)) continue;
      seen.add(it);
      lines.push({ sku: it, description: it, category: null, quantity: 1, unitPrice: null, lineTotalMinor: 0, discountMinor: 0, unitCostMinor: null });
    }
    return {
      order: { externalId: p.key, customer: null, venueCode: null, kind: 'sale', returnsExternalId: null, status: 'completed',
        orderedAt: when.utc, localDate: when.localDate, day: when.day, channel: null, paymentMethod: null, discountMinor: 0, lines },
    };
  }

  const first = p.rows[0]!;
  const maxIdx = maxIndexOf(map);
  const lines: OrderLineInput[] = [];
  let when: ReturnType<typeof parseDateTime> = null;
  let customerId: string | undefined;
  let quantitySum = 0;
  let status: OrderInput['status'] | undefined;
  for (const { line, cells } of p.rows) {
    const fail = (reason: string) => {
      errors.push({ line, reason, raw: rawOf(cells) });
    };
    if (cells.length <= maxIdx) {
      const missingFields = (Object.entries(map) as [Field, number][]).filter(([, i]) => i >= cells.length).map(([f]) => f);
      fail(`missing column(s): ${missingFields.join(', ')} (row has ${cells.length} fields, expected at least ${maxIdx + 1})`);
      continue;
    }
    const dateText = cell(cells, map.date) ?? options.defaultDate ?? '';
    const w = parseDateTime(dateText, dateFormat, tz);
    if (!w) {
      fail(dateText === '' ? 'date: empty' : `date: cannot read "${dateText}"${looksSlashed(dateText) && dateFormat === 'auto' ? ' (day-first or month-first? pass --date-format dmy|mdy)' : ''}`);
      continue;
    }
    if (!when || w.utc < when.utc) when = w;
    const qText = cell(cells, map.quantity);
    let qty = 1;
    let qDec: Decimal | null = null;
    let qSmall: SmallDecimal | null = ONE;
    if (qText !== undefined && qText !== '') {
      qSmall = plainDots ? parseSmallDecimal(qText) : null;
      if (qSmall) qty = +qText + 0;
      else {
        const q = parseDecimal(qText, decFmt);
        if (!q) {
          fail(`quantity: not a number: "${qText}"`);
          continue;
        }
        qDec = q;
        qty = Number(decimalToString(q));
      }
    }
    let discount = 0;
    const dText = cell(cells, map.discount);
    if (dText) {
      const d = parseDecimal(dText, decFmt);
      if (!d) {
        fail(`discount: not a number: "${dText}"`);
        continue;
      }
      discount = Math.abs(roundToMinor(d, dec));
    }
    const aText = cell(cells, map.amount);
    const pText = cell(cells, map.unit_price);
    let unitPrice: string | null = null;
    let total: number = NaN;
    if (pText !== undefined && pText !== '') {
      // Plain numbers take the number-only path (exact, see multiplyRoundSmall); the rest the BigInt one.
      const pSmall = qSmall && plainDots ? parseSmallDecimal(pText) : null;
      const fast = pSmall ? multiplyRoundSmall(pSmall, qSmall!, dec) : null;
      if (fast !== null) {
        unitPrice = canonicalSmallText(pText);
        total = fast - discount;
      } else {
        const pr = parseDecimal(pText, decFmt);
        if (!pr) {
          fail(`unit_price: not a number: "${pText}"`);
          continue;
        }
        unitPrice = decimalToString(pr);
        total = roundToMinor(multiply(pr, qDec ?? parseDecimal(qText || '1', decFmt)!), dec) - discount;
      }
    }
    if (aText !== undefined && aText !== '') {
      const a = parseDecimal(aText, decFmt);
      if (!a) {
        fail(`amount: not a number: "${aText}"`);
        continue;
      }
      total = roundToMinor(a, dec);
    }
    if (Number.isNaN(total)) {
      fail('amount: empty (and no unit price)');
      continue;
    }
    let unitCost: number | null = null;
    const cText = cell(cells, map.unit_cost);
    if (cText) {
      const c = parseDecimal(cText, decFmt);
      if (!c) {
        fail(`unit_cost: not a number: "${cText}"`);
        continue;
      }
      unitCost = roundToMinor(c, dec);
    }
    const sText = cell(cells, map.status);
    if (sText) {
      const st = parseStatus(sText);
      if (!st) {
        fail(`status: unknown "${sText}" (use completed, cancelled or returned)`);
        continue;
      }
      status = st;
    }
    const cid = cell(cells, map.customer_id);
    if (cid) customerId = normaliseId(cid);
    quantitySum += qty;
    lines.push({
      sku: cell(cells, map.sku) || null,
      description: cell(cells, map.description) || null,
      category: cell(cells, map.category) || null,
      quantity: qty,
      unitPrice,
      lineTotalMinor: total,
      discountMinor: discount,
      unitCostMinor: unitCost,
    });
  }
  if (errors.length) {
    // One bad line spoils the order: importing the rest would store a wrong total silently.
    const bad = new Set(errors.map((e) => e.line));
    for (const { line, cells } of p.rows) {
      if (!bad.has(line)) errors.push({ line, reason: `order ${p.key}: another line of this order was rejected (line ${errors[0]!.line})`, raw: rawOf(cells) });
    }
    return { errors };
  }
  const cells = first.cells;
  const subtotal = lines.reduce((s, l) => s + l.lineTotalMinor, 0);
  const isReturn = (options.returnPrefix && p.key.startsWith(options.returnPrefix)) || subtotal < 0 || (subtotal === 0 && quantitySum < 0);
  const returnsRef = cell(cells, map.returns_order_id);
  return {
    order: {
      externalId: p.key,
      customer: customerId
        ? { externalId: customerId, name: cell(cells, map.customer_name) || null, phone: cell(cells, map.phone) || null,
            email: cell(cells, map.email) || null, city: cell(cells, map.city) || null, country: cell(cells, map.country) || null }
        : null,
      venueCode: cell(cells, map.venue) || null,
      kind: isReturn ? 'return' : 'sale',
      returnsExternalId: returnsRef || null,
      status: status ?? 'completed',
      orderedAt: when!.utc,
      localDate: when!.localDate,
      day: when!.day,
      channel: cell(cells, map.channel) || null,
      paymentMethod: cell(cells, map.payment_method) || null,
      discountMinor: 0,
      lines,
    },
  };
}
