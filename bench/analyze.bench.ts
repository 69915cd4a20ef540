import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { createRng, type Rng } from '../src/analytics/random.js';
import { buildSnapshot } from '../src/domain/analytics/snapshot.js';
import { bulkInsert } from '../src/storage/bulk.js';
import { createDb, type Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import type { BenchResult } from './types.js';

/**
 * `patron analyze` on a generated business: customers with ~10 order lines each (about 3.3 orders
 * of 3 lines), returns, cancellations, discounts, unknown costs, contacts with costs, referrals.
 * The data is written straight into the tables with bulk inserts (a lean generator: the demo
 * generator models far more than analyze needs, and is slower per row). Each analyze runs in a
 * child process (this file with --child), so its peak RSS is its own.
 */
export const title = 'Customer value analytics (patron analyze)';
export const targets = '1,000,000 customers / 10,000,000 order lines: analyze on SQLite <= 60 s with peak RSS < 1.5 GB; PostgreSQL reported; growth 100k -> 1M recorded.';

const dir = join(process.cwd(), 'tmp', 'bench');
const START_DAY = 19_000; // 2022-01-08
const DAYS = 3 * 365;
const PRODUCTS = 2_000;
const CUSTOMERS_PER_TX = 20_000;

interface Gen {
  rng: Rng;
  orderId: number;
  lines: number;
}

function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Writes `customers` customers and their orders, lines and contacts. Returns the number of lines. */
export async function generate(db: Db, customers: number, seed = 42): Promise<{ orders: number; lines: number }> {
  const k = db.kysely;
  const now = '2025-01-01T00:00:00.000Z';
  const g: Gen = { rng: createRng(seed), orderId: 1, lines: 0 };
  const rng = g.rng;
  const productCost: (number | null)[] = [];
  const productPrice: number[] = [];
  const productRows: unknown[][] = [];
  for (let p = 1; p <= PRODUCTS; p++) {
    const price = 500 + Math.floor(rng() * 30_000);
    const cost = rng() < 0.03 ? null : Math.round(price * (0.3 + rng() * 0.4));
    productPrice.push(price);
    productCost.push(cost);
    productRows.push([p, `SKU${p}`, `Product ${p}`, `cat${p % 20}`, cost, now]);
  }
  await k.transaction().execute(async (trx) => {
    await bulkInsert(trx, db.dialect, 'products', ['id', 'sku', 'name', 'category', 'unit_cost_minor', 'created_at'], productRows, '', db.sqlite);
  });
  for (let first = 1; first <= customers; first += CUSTOMERS_PER_TX) {
    const last = Math.min(customers, first + CUSTOMERS_PER_TX - 1);
    const cust: unknown[][] = [];
    const orders: unknown[][] = [];
    const lines: unknown[][] = [];
    const contacts: unknown[][] = [];
    for (let c = first; c <= last; c++) {
      const referred = c > 10 && rng() < 0.05 ? 1 + Math.floor(rng() * (c - 1)) : null;
      const acq = rng() < 0.4 ? 1_000 + Math.floor(rng() * 7_000) : 0;
      cust.push([c, `B${String(c).padStart(8, '0')}`, `Customer ${c}`, acq, referred, now, now]);
      const firstDay = START_DAY + Math.floor(rng() * DAYS);
      const nOrders = 1 + Math.floor(-Math.log(1 - rng()) * 2.8);
      const priceOnly = rng() < 0.1;
      for (let o = 0; o < nOrders; o++) {
        const day = o === 0 ? firstDay : firstDay + Math.floor(rng() * (START_DAY + DAYS - firstDay));
        const id = g.orderId++;
        const nLines = 1 + Math.floor(rng() * 5);
        let subtotal = 0;
        let cost: number | null = 0;
        let items = 0;
        const saleLines: [number, number, number][] = [];
        for (let l = 1; l <= nLines; l++) {
          const p = Math.floor(rng() * PRODUCTS);
          const qty = 1 + Math.floor(rng() * 3);
          const gross = productPrice[p]! * qty;
          const disc = rng() < (priceOnly ? 0.6 : 0.1) ? Math.round(gross * 0.1) : 0;
          const lineTotal = gross - disc;
          subtotal += lineTotal;
          items += qty;
          const uc = productCost[p]!;
          cost = uc === null || cost === null ? null : cost + uc * qty;
          lines.push([id, l, p + 1, `SKU${p + 1}`, null, qty, (productPrice[p]! / 100).toFixed(2), lineTotal, disc, uc]);
          saleLines.push([p, qty, lineTotal]);
          g.lines++;
        }
        const orderDisc = rng() < 0.15 ? Math.round(subtotal * 0.05) : 0;
        const status = rng() < 0.02 ? 'cancelled' : 'completed';
        const at = `${dateOf(day)}T10:00:00.000Z`;
        orders.push([id, `BO${id}`, c, null, 'sale', null, status, at, dateOf(day), day, 'store', 'wechat_pay', subtotal, orderDisc,
          subtotal - orderDisc, cost, items, `h${id}`, null, now, now]);
        if (status === 'completed' && rng() < 0.03 && day < START_DAY + DAYS - 1) {
          const rid = g.orderId++;
          const [p, qty, lineTotal] = saleLines[0]!;
          const rday = day + 1;
          const uc = productCost[p]!;
          lines.push([rid, 1, p + 1, `SKU${p + 1}`, null, -qty, null, -lineTotal, 0, uc]);
          g.lines++;
          orders.push([rid, `BR${rid}`, c, null, 'return', id, 'completed', `${dateOf(rday)}T11:00:00.000Z`, dateOf(rday), rday, 'store', 'wechat_pay',
            -lineTotal, 0, -lineTotal, uc === null ? null : -uc * qty, -qty, `h${rid}`, null, now, now]);
        }
      }
      const nContacts = Math.floor(rng() * 3);
      for (let x = 0; x < nContacts; x++) {
        const day = firstDay + Math.floor(rng() * (START_DAY + DAYS - firstDay));
        contacts.push([c, `${dateOf(day)}T09:00:00.000Z`, day, 'call', 'outbound', Math.floor(rng() * 500)]);
      }
    }
    await k.transaction().execute(async (trx) => {
      await bulkInsert(trx, db.dialect, 'customers', ['id', 'external_id', 'name', 'acquisition_cost_minor', 'referred_by', 'created_at', 'updated_at'], cust, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'orders', ['id', 'external_id', 'customer_id', 'venue_id', 'kind', 'returns_order_id', 'status', 'ordered_at', 'local_date', 'day',
        'channel', 'payment_method', 'subtotal_minor', 'discount_minor', 'total_minor', 'cost_minor', 'item_count', 'content_hash', 'import_batch_id',
        'created_at', 'updated_at'], orders, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'order_lines', ['order_id', 'line_no', 'product_id', 'sku', 'description', 'quantity', 'unit_price',
        'line_total_minor', 'discount_minor', 'unit_cost_minor'], lines, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'contacts', ['customer_id', 'occurred_at', 'day', 'channel', 'direction', 'cost_minor'], contacts, '', db.sqlite);
    });
  }
  if (db.dialect === 'postgres') {
    // Explicit ids bypass the identity sequences; move them past the data, and refresh statistics.
    for (const t of ['customers', 'orders', 'products']) {
      await sql.raw(`select setval(pg_get_serial_sequence('${t}', 'id'), (select max(id) from ${t}))`).execute(k);
    }
    await sql`analyze`.execute(k);
  } else {
    db.sqlite!.exec('analyze');
  }
  return { orders: g.orderId - 1, lines: g.lines };
}

interface ChildResult {
  seconds: number;
  /** CPU time of all the process's threads: the machine is shared, so wall time alone misleads. */
  cpuSeconds: number;
  customers: number;
  maxRssMb: number;
  timings: Record<string, number>;
}

function runChild(target: string): ChildResult {
  const out = execFileSync('npx', ['tsx', 'bench/analyze.bench.ts', '--child', target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

async function sqliteDb(customers: number): Promise<{ path: string; genSeconds: number | null; lines: number | null }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `analyze-${customers}.db`);
  if (existsSync(path)) return { path, genSeconds: null, lines: null };
  const tmp = `${path}.part`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const db = createDb({ sqlitePath: tmp });
  await migrate(db);
  const t = performance.now();
  const g = await generate(db, customers);
  const genSeconds = (performance.now() - t) / 1000;
  db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  await db.close();
  renameSync(tmp, path);
  return { path, genSeconds, lines: g.lines };
}

export async function run(): Promise<BenchResult[]> {
  const sizes = process.env.BENCH_FULL === '1' ? [100_000, 1_000_000] : [100_000];
  const results: BenchResult[] = [];
  const sqliteSeconds = new Map<number, number>();
  for (const n of sizes) {
    const { path, genSeconds, lines } = await sqliteDb(n);
    if (genSeconds !== null) {
      results.push({ name: `SQLite ${n.toLocaleString('en-US')} customers: generate`, value: genSeconds, unit: 's', note: `${lines!.toLocaleString('en-US')} order lines` });
    }
    const r = runChild(path);
    sqliteSeconds.set(n, r.seconds);
    results.push({
      name: `SQLite ${n.toLocaleString('en-US')} customers: analyze`,
      value: r.seconds,
      unit: 's',
      note: `aggregate ${(r.timings.metrics! / 1000).toFixed(1)} s, score ${(r.timings.scores! / 1000).toFixed(1)} s, write ${(r.timings.write! / 1000).toFixed(1)} s; ${r.customers.toLocaleString('en-US')} scored; load average ${loadavg()[0]!.toFixed(1)}`,
    });
    results.push({ name: `SQLite ${n.toLocaleString('en-US')} customers: analyze CPU time`, value: r.cpuSeconds, unit: 's', note: 'user + system, all threads' });
    results.push({ name: `SQLite ${n.toLocaleString('en-US')} customers: peak RSS`, value: r.maxRssMb, unit: 'MB' });
  }
  if (sizes.length > 1) {
    const a = sqliteSeconds.get(sizes[0]!)!;
    const b = sqliteSeconds.get(sizes[1]!)!;
    results.push({ name: 'SQLite growth 100k -> 1M customers', value: b / a, unit: 'x wall time', note: 'linear would be 10x' });
  }

  const admin = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
    for (const n of sizes) {
      const name = `patron_bench_analyze_${n}`;
      await c.query(`drop database if exists ${name} with (force)`);
      await c.query(`create database ${name}`);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      const db = createDb({ databaseUrl: url.toString() });
      await migrate(db);
      const t = performance.now();
      const g = await generate(db, n);
      results.push({ name: `PostgreSQL ${n.toLocaleString('en-US')} customers: generate`, value: (performance.now() - t) / 1000, unit: 's', note: `${g.lines.toLocaleString('en-US')} order lines` });
      await db.close();
      const r = runChild(url.toString());
      results.push({
        name: `PostgreSQL ${n.toLocaleString('en-US')} customers: analyze`,
        value: r.seconds,
        unit: 's',
        note: `aggregate ${(r.timings.metrics! / 1000).toFixed(1)} s, score ${(r.timings.scores! / 1000).toFixed(1)} s, write ${(r.timings.write! / 1000).toFixed(1)} s; client CPU ${r.cpuSeconds.toFixed(1)} s`,
      });
      results.push({ name: `PostgreSQL ${n.toLocaleString('en-US')} customers: peak RSS (client)`, value: r.maxRssMb, unit: 'MB' });
      await c.query(`drop database if exists ${name} with (force)`);
    }
  } catch (e) {
    results.push({ name: 'PostgreSQL', value: NaN, unit: '', note: `skipped: ${(e as Error).message}` });
  } finally {
    await c.end().catch(() => undefined);
  }
  return results;
}

// Child mode: one analyze on an existing database, printing a JSON line.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const target = process.argv[3]!;
  const db = createDb(target.startsWith('postgres') ? { databaseUrl: target } : { sqlitePath: target });
  await migrate(db);
  // Earlier runs' snapshots are removed first (untimed), so every run starts from the same state.
  await db.kysely.deleteFrom('analysis_snapshots').execute();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const r = await buildSnapshot(db, { asOf: '2024-12-31', actor: 'bench', now: new Date() });
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await db.close();
  process.stdout.write(JSON.stringify({
    seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, customers: r.totals.customers, timings: r.timings, maxRssMb: process.resourceUsage().maxRSS / 1024,
  }) + '\n');
}
