import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import iconv from 'iconv-lite';
import type { Db } from '../../storage/db.js';
import { bulkInsert, dropSecondaryIndexesSqlite } from '../../storage/bulk.js';
import { newSaveContext, saveOrders } from '../../storage/orders.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError, type ErrorCode } from '../errors.js';
import type { Field } from './mapping.js';
import { parseOrders, type ParsedChunk, type ParseInput, type ParseOptions, type Reject } from './parse-orders.js';
import { sniffDelimiter, sniffEncoding, type Delimiter } from './sniff.js';

export interface ImportOptions extends ParseOptions {
  encoding?: string;
  /** Where to write rejected rows as CSV (line, reason, raw). */
  rejectsPath?: string;
  actor?: string;
  /** Parse in a worker thread while this thread writes; default: files of WORKER_MIN_BYTES or more. */
  parseInWorker?: boolean;
  /** SQLite: drop the order tables' secondary indexes during the load and rebuild them at the end; default: decided from the file size against the stored lines. */
  deferIndexes?: boolean;
}

export interface ImportSummary {
  batchId: number;
  source: string;
  /** Data rows read (header excluded). */
  read: number;
  /** Orders newly stored. */
  imported: number;
  /** Orders whose content changed and were replaced. */
  updated: number;
  /** Orders already stored with identical content. */
  unchanged: number;
  /** Rows rejected (see rejects). */
  rejected: number;
  /** Accepted orders without a customer. */
  anonymous: number;
  /** Accepted return / cancellation documents. */
  returns: number;
  orders: number;
  lines: number;
  customersCreated: number;
  productsCreated: number;
  venuesCreated: number;
  rejectsFile: string | null;
  encoding: string;
  delimiter: Delimiter;
  columns: Partial<Record<Field, number>>;
  durationMs: number;
}

export interface ImportHooks {
  onProgress?(p: { bytes: number; totalBytes: number | null; rows: number }): void;
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * Files at least this large are parsed in a worker thread: starting one costs tens of
 * milliseconds (more from TypeScript source), which only pays off on larger files.
 */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** Imports orders from a file path. */
export async function importOrdersFile(db: Db, path: string, options: Partial<ImportOptions> = {}, hooks: ImportHooks = {}): Promise<ImportSummary> {
  let total: number;
  try {
    total = statSync(path).size;
  } catch {
    throw new PatronError('NOT_FOUND', `no such file: ${path}`);
  }
  const fh = await open(path, 'r');
  const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, total));
  await fh.read(sample, 0, sample.length, 0);
  await fh.close();
  const inWorker = options.parseInWorker ?? total >= WORKER_MIN_BYTES;
  return importOrders(db, () => createReadStream(path), sample, { sourceName: basename(path), ...options }, hooks, total, inWorker ? path : null);
}

/**
 * Streams a delimited file into orders. The whole file is one transaction: a crash leaves
 * nothing half-written, and because orders are keyed by external id (generated ids are
 * derived from row content), re-running the same file changes nothing. With `workerPath`
 * the file at that path is parsed in a worker thread while this thread writes.
 */
export async function importOrders(
  db: Db,
  openStream: () => Readable,
  sample: Buffer,
  options: ImportOptions,
  hooks: ImportHooks = {},
  totalBytes: number | null = null,
  workerPath: string | null = null,
): Promise<ImportSummary> {
  const started = Date.now();
  const settings = await getSettings(db.kysely);
  const layout = options.layout ?? 'orders';
  const encoding = options.encoding ?? sniffEncoding(sample);
  if (!iconv.encodingExists(encoding)) throw new PatronError('VALIDATION', `unknown encoding "${encoding}"`);
  const sampleText = iconv.decode(sample, encoding);
  const delimiter = options.delimiter ?? sniffDelimiter(sampleText);
  const actor = options.actor ?? 'cli';
  const rejectsPath = options.rejectsPath ?? null;

  const batch = await db.kysely
    .insertInto('import_batches')
    .values({ kind: `orders:${layout}`, source_name: options.sourceName, file_sha256: null, started_at: new Date().toISOString(), status: 'running', summary: null, actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  const batchId = Number(batch.id);

  const summary: ImportSummary = {
    batchId, source: options.sourceName, read: 0, imported: 0, updated: 0, unchanged: 0, rejected: 0, anonymous: 0, returns: 0,
    orders: 0, lines: 0, customersCreated: 0, productsCreated: 0, venuesCreated: 0, rejectsFile: null, encoding, delimiter,
    columns: {}, durationMs: 0,
  };
  let fileSha256: string | null = null;

  // The rejects file is only created when there is something to put in it.
  let rejectsOut: ReturnType<typeof createWriteStream> | null = null;
  const writeReject = (r: Reject) => {
    if (!rejectsPath) return;
    if (!rejectsOut) {
      rejectsOut = createWriteStream(rejectsPath);
      rejectsOut.write('line,reason,raw\n');
    }
    rejectsOut.write(`${r.line},${csvCell(r.reason)},${csvCell(r.raw)}\n`);
  };

  const input: ParseInput = { encoding, delimiter, options: parseOptionsOf(options), settings };
  const restoreCache = smallerCacheSqlite(db);
  try {
    await db.kysely.transaction().execute(async (trx) => {
      const ctx = newSaveContext();
      ctx.noStoredOrders = !(await trx.selectFrom('orders').select('id').limit(1).executeTakeFirst());
      const restoreIndexes = await maybeDeferIndexes(db, sample, totalBytes, options.deferIndexes);
      const chunks = workerPath ? parseInWorker(workerPath, input) : parseOrders(openStream(), input);
      for await (const chunk of chunks) {
        summary.read = chunk.read;
        if (chunk.columns) summary.columns = chunk.columns;
        if (chunk.sha256) fileSha256 = chunk.sha256;
        const packed = chunk.orders;
        summary.orders += packed.n;
        summary.lines += packed.lineStart[packed.n]!;
        for (let i = 0; i < packed.n; i++) {
          if (packed.customerExternalId[i] === null) summary.anonymous++;
          if (packed.kind[i] === 'return') summary.returns++;
        }
        const r = await saveOrders(trx, packed, { batchId, context: ctx, sqlite: db.sqlite });
        summary.imported += r.inserted;
        summary.updated += r.updated;
        summary.unchanged += r.unchanged;
        summary.customersCreated += r.customersCreated;
        summary.productsCreated += r.productsCreated;
        summary.venuesCreated += r.venuesCreated;
        if (chunk.rejects.length) {
          summary.rejected += chunk.rejects.length;
          for (const rj of chunk.rejects) writeReject(rj);
          await bulkInsert(trx, db.dialect, 'import_rejects', ['batch_id', 'line', 'reason', 'raw'],
            chunk.rejects.map((rj) => [batchId, rj.line, rj.reason.slice(0, 500), rj.raw.slice(0, 2000)]), '', db.sqlite);
        }
        hooks.onProgress?.({ bytes: chunk.bytes, totalBytes, rows: chunk.read });
      }
      await restoreIndexes?.();
    });
  } catch (e) {
    await db.kysely.updateTable('import_batches').set({ status: 'failed', finished_at: new Date().toISOString(), summary: JSON.stringify({ error: String((e as Error).message ?? e) }) }).where('id', '=', batchId).execute();
    (rejectsOut as ReturnType<typeof createWriteStream> | null)?.end();
    throw e;
  } finally {
    restoreCache();
  }
  const out = rejectsOut as ReturnType<typeof createWriteStream> | null;
  if (out) {
    await new Promise<void>((res) => out.end(res));
    summary.rejectsFile = rejectsPath;
  }
  summary.durationMs = Date.now() - started;
  await db.kysely.updateTable('import_batches')
    .set({ status: 'completed', finished_at: new Date().toISOString(), file_sha256: fileSha256, summary: JSON.stringify(summary) })
    .where('id', '=', batchId).execute();
  return summary;
}

function parseOptionsOf(o: ImportOptions): ParseOptions {
  return {
    sourceName: o.sourceName, layout: o.layout, map: o.map, header: o.header, delimiter: o.delimiter, dateFormat: o.dateFormat,
    decimalSeparator: o.decimalSeparator, defaultDate: o.defaultDate, returnPrefix: o.returnPrefix, idPrefix: o.idPrefix, chunkOrders: o.chunkOrders,
  };
}

/** Chunks parsed by a worker thread (parse-worker.ts), acknowledged one by one for backpressure. */
async function* parseInWorker(path: string, input: ParseInput): AsyncGenerator<ParsedChunk> {
  // From source (tsx, vitest) the worker needs the TypeScript loader registered; built code loads the .js entry.
  const entry = import.meta.url.endsWith('.ts') ? './parse-worker.dev.mjs' : './parse-worker.js';
  // A bounded young generation: parsing makes short-lived strings, and V8's default (sized from the
  // machine's memory) let the parser's heap grow ~50 MB more before collecting (peak RSS 477 -> 426-431 MB
  // on the 1M-line benchmark with 8-24 MB, same CPU time).
  const worker = new Worker(new URL(entry, import.meta.url), { workerData: { path, input }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  const queue: ParsedChunk[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: { type: 'chunk'; chunk: ParsedChunk } | { type: 'error'; code: ErrorCode | null; message: string }) => {
    if (m.type === 'chunk') queue.push(m.chunk);
    else failure = m.code ? new PatronError(m.code, m.message) : new Error(m.message);
    poke();
  });
  worker.on('error', (e) => {
    failure = e;
    poke();
  });
  worker.on('exit', () => {
    exited = true;
    poke();
  });
  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        yield c;
        if (c.last) return;
        worker.postMessage('ack');
        continue;
      }
      if (failure) throw failure;
      if (exited) throw new Error('the import parser thread stopped before the end of the file');
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * SQLite page cache while an import runs, in KiB. The load appends to B-trees, which needs few
 * cached pages; the connection's usual 64 MiB cache (and the index sorter, sized from it) only
 * added memory: on the 1,000,000-line benchmark 16 MiB loaded as fast with ~90 MB less peak RSS.
 */
const IMPORT_CACHE_KIB = 16 * 1024;

function smallerCacheSqlite(db: Db): () => void {
  if (db.dialect !== 'sqlite' || !db.sqlite) return () => undefined;
  const raw = db.sqlite;
  const before = raw.pragma('cache_size', { simple: true }) as number;
  if (before < 0 ? -before <= IMPORT_CACHE_KIB : false) return () => undefined;
  raw.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  return () => {
    raw.pragma(`cache_size = ${Math.trunc(before)}`);
  };
}

/** Files at least this many lines (estimated) may load with deferred index builds. */
const DEFER_INDEXES_MIN_LINES = 100_000;

/**
 * On SQLite, a file that is large next to the stored order lines loads faster with the order
 * tables' secondary indexes dropped and rebuilt once at the end (see dropSecondaryIndexesSqlite).
 * Rebuilding covers existing rows too, so it only pays when they are not many more than the new
 * ones. Customers' lookup indexes (name, phone, email, ...) are deferred the same way when few
 * customers are stored: they hold mostly NULLs on import, yet each insert walks five B-trees
 * (measured ~10 µs per new customer with them, ~1 µs without). PostgreSQL is left alone: DROP
 * INDEX there locks the table against readers.
 */
async function maybeDeferIndexes(db: Db, sample: Buffer, totalBytes: number | null, force: boolean | undefined): Promise<(() => Promise<void>) | null> {
  if (db.dialect !== 'sqlite' || !db.sqlite || force === false) return null;
  if (force) return dropSecondaryIndexesSqlite(db.sqlite, ['orders', 'order_lines', 'customers']);
  if (!totalBytes || sample.length === 0) return null;
  let newlines = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 10) newlines++;
  const estimatedLines = totalBytes / (sample.length / Math.max(1, newlines));
  if (estimatedLines < DEFER_INDEXES_MIN_LINES) return null;
  const count = (table: string) => (db.sqlite!.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  if (count('order_lines') > 2 * estimatedLines) return null;
  const tables = ['orders', 'order_lines'];
  if (count('customers') <= estimatedLines / 10) tables.push('customers');
  return dropSecondaryIndexesSqlite(db.sqlite, tables);
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

