import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { normal, createRng, type Rng } from '../src/analytics/random.js';
import { eightWaySegment, namedSegment } from '../src/analytics/rfm/segments.js';
import { customerCsvExport, filterOptions, listCustomers, resolveFilters, type CustomerFilters } from '../src/domain/customers/customer-list.js';
import { nameKey } from '../src/domain/customers/customer-input.js';
import { createApiToken } from '../src/domain/auth/accounts.js';
import { createApp } from '../src/server/app.js';
import { testConfig } from '../src/server/test-helpers.js';
import { bulkInsert } from '../src/storage/bulk.js';
import { compileSearch } from '../src/storage/customers.repo.js';
import { createDb, type Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import type { BenchResult } from './types.js';

/**
 * The customer list over 1,000,000 customers on SQLite: the first page (50 rows, as the web app
 * asks) with no filter, with a name search, with a segment filter and a value range, and with
 * the other filters, plus the filter options and CSV export throughput. The database is written
 * straight into the tables with bulk inserts (as bench/analyze.bench.ts does): customers with
 * Chinese names, tags (through the 0007 triggers, so their cost is measured too) and home venues,
 * ~1.5 orders each at a venue, loyalty members with tiers, one value snapshot (RFM scores drawn
 * uniformly, segments from the real rules, log-normal revenue), one prediction run and one churn
 * run. Each figure is the median of several runs after a warm-up, on a database without
 * statistics (Patron never runs ANALYZE), then again after ANALYZE.
 */
export const title = 'Customer list (search, filters, export)';
export const targets = 'First page of the customer list on 1,000,000 customers in < 300 ms on SQLite (no filter, name search, segment + value range).';

const dir = join(process.cwd(), 'tmp', 'bench');
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const VENUES = 20;
const PER_TX = 20_000;
const RUNS = 7;
const NOW = '2025-01-01T00:00:00.000Z';
const AS_OF_DAY = 20_089; // 2025-01-01

// Surnames by rough frequency (王, 李, 张 are about 7 % each), so a surname search is realistic.
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'];
const SURNAME_WEIGHTS = [7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 2.0, 1.9, 1.5, 1.5, 1.2, 1.1, 1.1, 1.1, 1.0, 1.0, 1.0, 0.9];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '华', '玲'];
const TAGS = ['VIP', '企业客户', '亲子', '茶饮', '咖啡', '烘焙', '素食', '夜宵', '外卖', '会员日'];

function weighted(rng: Rng, xs: readonly string[], w: readonly number[]): string {
  const total = w.reduce((a, b) => a + b, 0);
  let u = rng() * total;
  for (let i = 0; i < xs.length; i++) if ((u -= w[i]!) <= 0) return xs[i]!;
  return xs[xs.length - 1]!;
}

async function generate(db: Db, n: number, seed = 42): Promise<{ orders: number }> {
  const k = db.kysely;
  const rng = createRng(seed);
  await k.transaction().execute(async (trx) => {
    const venues = Array.from({ length: VENUES }, (_, i) => [i + 1, `V${i + 1}`, `Venue ${i + 1}`, 'outlet', null, NOW]);
    await bulkInsert(trx, db.dialect, 'venues', ['id', 'code', 'name', 'kind', 'city', 'created_at'], venues, '', db.sqlite);
    await bulkInsert(trx, db.dialect, 'loyalty_programmes', ['id', 'code', 'name', 'card_prefix', 'created_at', 'updated_at'], [[1, 'CARD', 'Card', '88', NOW, NOW]], '', db.sqlite);
    await bulkInsert(trx, db.dialect, 'loyalty_tiers', ['id', 'programme_id', 'code', 'name', 'rank', 'qualify_by', 'threshold', 'earn_rate_bp', 'created_at'],
      [[1, 1, 'SILVER', '银卡', 1, 'spend', 0, 500, NOW], [2, 1, 'GOLD', '金卡', 2, 'spend', 500_000, 800, NOW], [3, 1, 'PLATINUM', '白金卡', 3, 'spend', 2_000_000, 1000, NOW]], '', db.sqlite);
    await bulkInsert(trx, db.dialect, 'analysis_snapshots', ['id', 'as_of', 'as_of_day', 'status', 'parameters', 'customers', 'actor', 'created_at', 'finished_at'],
      [[1, '2024-12-31', AS_OF_DAY - 1, 'completed', '{}', n, 'bench', NOW, NOW]], '', db.sqlite);
    await bulkInsert(trx, db.dialect, 'prediction_runs', ['id', 'status', 'as_of', 'as_of_day', 'period', 'period_days', 'horizon', 'annual_discount_rate', 'margin', 'model',
      'spend_source', 'parameters', 'actor', 'created_at'], [[1, 'completed', '2024-12-31', AS_OF_DAY - 1, 'week', 7, 52, 0.1, 1, 'bg-nbd', 'customer-mean', '{}', 'bench', NOW]], '', db.sqlite);
    await bulkInsert(trx, db.dialect, 'churn_runs', ['id', 'as_of', 'as_of_day', 'prediction_run_id', 'model', 'thresholds', 'customers', 'at_risk', 'clv_at_risk_minor',
      'reason_counts', 'duration_ms', 'actor', 'created_at'], [[1, '2024-12-31', AS_OF_DAY - 1, 1, 'bg-nbd', '{}', n, 0, 0, '{}', 0, 'bench', NOW]], '', db.sqlite);
  });
  let orderId = 0;
  let memberId = 0;
  let rank = 0;
  for (let first = 1; first <= n; first += PER_TX) {
    const last = Math.min(n, first + PER_TX - 1);
    const cust: unknown[][] = [];
    const orders: unknown[][] = [];
    const members: unknown[][] = [];
    const metrics: unknown[][] = [];
    const preds: unknown[][] = [];
    const risks: unknown[][] = [];
    for (let c = first; c <= last; c++) {
      const name = weighted(rng, SURNAMES, SURNAME_WEIGHTS) + GIVEN[Math.floor(rng() * GIVEN.length)]! + (rng() < 0.5 ? GIVEN[Math.floor(rng() * GIVEN.length)]! : '');
      const tags = TAGS.filter((_, i) => rng() < (i === 0 ? 0.08 : 0.05));
      const home = rng() < 0.6 ? 1 + Math.floor(rng() * VENUES) : null;
      cust.push([c, `C${String(c).padStart(8, '0')}`, name, nameKey(name), `1${String(3_000_000_000 + c * 7).padStart(10, '0')}`, `c${c}@example.com`,
        JSON.stringify(tags), '{}', home, NOW, NOW]);
      const nOrders = Math.floor(-Math.log(1 - rng()) * 1.5);
      for (let o = 0; o < nOrders; o++) {
        orderId++;
        const day = AS_OF_DAY - 1 - Math.floor(rng() * 700);
        const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
        const v = rng() < 0.7 && home !== null ? home : 1 + Math.floor(rng() * VENUES);
        orders.push([orderId, `O${orderId}`, c, v, 'sale', 'completed', `${date}T10:00:00.000Z`, date, day, 5000, 0, 5000, 1, `h${orderId}`, NOW, NOW]);
      }
      if (rng() < 0.3) {
        memberId++;
        const tier = rng() < 0.6 ? 1 : rng() < 0.8 ? 2 : 3;
        members.push([memberId, 1, c, tier, NOW, 'active', NOW, home]);
      }
      if (rng() < 0.9) {
        const r = 1 + Math.floor(rng() * 5);
        const f = 1 + Math.floor(rng() * 5);
        const m = 1 + Math.floor(rng() * 5);
        const revenue = Math.round(Math.exp(9 + 1.2 * normal(rng)));
        const tier = revenue > 60_000 ? 'platinum' : revenue > 15_000 ? 'gold' : revenue > 3_000 ? 'iron' : 'lead';
        const abc = revenue > 40_000 ? 'A' : revenue > 12_000 ? 'B' : revenue > 4_000 ? 'C' : 'D';
        const decile = Math.max(1, Math.min(10, 11 - Math.ceil(Math.log(revenue) - 6)));
        metrics.push([1, c, day0(r), AS_OF_DAY - r * 60, r * 60, 400, f, f, 30, revenue, 0, 0, 0, revenue, 0, 0, 0, 0, 0, revenue, r, f, m, `${r}${f}${m}`,
          namedSegment(r, f, m), eightWaySegment(r >= 3, f >= 3, m >= 3), abc, tier, 0, decile]);
        const pAlive = rng();
        preds.push([1, c, f - 1, day0(r), AS_OF_DAY - r * 60, pAlive, pAlive * 3, 6000, Math.round(pAlive * revenue * 0.8), Math.round(revenue * 0.8), 40]);
        if (pAlive < 0.2) {
          risks.push([1, c, ++rank, pAlive, 1 - pAlive, revenue, Math.round((1 - pAlive) * revenue), Math.round(pAlive * revenue), r * 60, 30, 0, revenue, 0, 0, 0, '[]']);
        }
      }
    }
    await k.transaction().execute(async (trx) => {
      await bulkInsert(trx, db.dialect, 'customers', ['id', 'external_id', 'name', 'name_key', 'phone', 'email', 'tags', 'attributes', 'home_venue_id', 'created_at', 'updated_at'], cust, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'orders', ['id', 'external_id', 'customer_id', 'venue_id', 'kind', 'status', 'ordered_at', 'local_date', 'day', 'subtotal_minor',
        'discount_minor', 'total_minor', 'item_count', 'content_hash', 'created_at', 'updated_at'], orders, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'loyalty_members', ['id', 'programme_id', 'customer_id', 'tier_id', 'tier_since', 'status', 'enrolled_at', 'enrolled_venue_id'], members, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'customer_snapshot_metrics', ['snapshot_id', 'customer_id', 'first_day', 'last_day', 'recency_days', 'tenure_days', 'orders', 'purchase_days',
        'avg_days_between', 'revenue_minor', 'returns', 'returns_minor', 'cost_of_goods_minor', 'margin_minor', 'unknown_cost_revenue_minor', 'discounted_spend_minor',
        'discount_share', 'cost_to_serve_minor', 'acquisition_cost_minor', 'profit_minor', 'r_score', 'f_score', 'm_score', 'rfm_cell', 'rfm_segment', 'eight_way',
        'abc_class', 'tier', 'transaction_customer', 'monetary_decile'], metrics, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'customer_predictions', ['run_id', 'customer_id', 'x', 'first_day', 'last_day', 'p_alive', 'expected_purchases',
        'expected_order_value_minor', 'clv_minor', 'clv_if_active_minor', 'days_to_next_if_active'], preds, '', db.sqlite);
      await bulkInsert(trx, db.dialect, 'churn_risks', ['run_id', 'customer_id', 'rank', 'p_alive', 'risk', 'value_if_active_minor', 'priority_minor', 'clv_minor',
        'days_since_last', 'mean_gap_days', 'recent_spend_minor', 'earlier_spend_minor', 'recent_cases', 'open_cases', 'low_scores', 'reasons'], risks, '', db.sqlite);
    });
  }
  return { orders: orderId };
}

function day0(r: number): number {
  return AS_OF_DAY - 400 - r;
}

async function sqliteDb(n: number): Promise<{ path: string; genSeconds: number | null; orders: number | null }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `customers-${n}.db`);
  if (existsSync(path)) return { path, genSeconds: null, orders: null };
  const tmp = `${path}.part`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const db = createDb({ sqlitePath: tmp });
  await migrate(db);
  const t = performance.now();
  const g = await generate(db, n);
  const genSeconds = (performance.now() - t) / 1000;
  db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  await db.close();
  renameSync(tmp, path);
  return { path, genSeconds, orders: g.orders };
}

async function median(fn: () => Promise<unknown>, runs = RUNS): Promise<number> {
  await fn(); // warm the page cache and statement cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

const CASES: { name: string; f: CustomerFilters; target?: boolean }[] = [
  { name: 'no filter', f: {}, target: true },
  { name: 'name search "王" (~7 % of customers)', f: { q: '王' }, target: true },
  { name: 'name search "王芳"', f: { q: '王芳' }, target: true },
  { name: 'phone search', f: { q: '13000000700' } },
  { name: 'segment champions + revenue 200.00-2,000.00', f: { rfmSegment: ['champions'], revenueMin: 20_000, revenueMax: 200_000 }, target: true },
  { name: 'eight-way important-value + ABC A', f: { eightWay: ['important-value'], abc: ['A'] } },
  { name: 'tag VIP', f: { tag: ['VIP'] } },
  { name: 'venue V7 (home, purchase or enrolment)', f: { venue: 7 } },
  { name: 'loyalty tier PLATINUM', f: { loyaltyTier: [3] } },
  { name: 'churn at risk, risk >= 0.9', f: { churn: 'at-risk', churnRiskMin: 0.9 } },
  { name: 'predicted CLV >= 500.00', f: { clvMin: 50_000 } },
  { name: 'segment + tag + tier + venue', f: { rfmSegment: ['champions', 'loyal'], tag: ['VIP'], loyaltyTier: [2, 3], venue: 3 } },
  { name: 'rare: cant-lose + tag 会员日 + PLATINUM + venue V20 + CLV >= 5,000.00', f: { rfmSegment: ['cant-lose'], tag: ['会员日'], loyaltyTier: [3], venue: 20, clvMin: 500_000 } },
];

async function measure(db: Db, label: string, results: BenchResult[], cases = CASES): Promise<void> {
  for (const c of cases) {
    let rows = 0;
    const ms = await median(async () => {
      rows = (await listCustomers(db.kysely, c.f, { limit: 50 }, null)).items.length;
    }, c.name.startsWith('rare') ? 3 : RUNS);
    results.push({
      name: `${label}: first page, ${c.name}`,
      value: ms,
      unit: 'ms',
      note: `${rows} rows${c.target ? (ms < 300 ? '; target < 300 ms met' : '; target < 300 ms MISSED') : ''}`,
    });
  }
  const scoped = await median(() => listCustomers(db.kysely, {}, { limit: 50 }, 5));
  results.push({ name: `${label}: first page, venue-bound principal (V5), no filter`, value: scoped, unit: 'ms' });
  const tenth = await median(async () => {
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) cursor = (await listCustomers(db.kysely, { tag: ['VIP'] }, { limit: 50, cursor }, null)).nextCursor;
  }, 3);
  results.push({ name: `${label}: ten pages by cursor, tag VIP`, value: tenth, unit: 'ms', note: 'keyset paging: page 10 costs what page 1 does' });
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const { path, genSeconds, orders } = await sqliteDb(CUSTOMERS);
  if (genSeconds !== null) {
    results.push({ name: `SQLite ${CUSTOMERS.toLocaleString('en-US')} customers: generate`, value: genSeconds, unit: 's', note: `${orders!.toLocaleString('en-US')} orders; tags written through the 0007 triggers` });
  }
  const db = createDb({ sqlitePath: path });
  try {
    await migrate(db);
    // Earlier runs may have left statistics behind: measure first as Patron runs (none).
    db.sqlite!.exec('drop table if exists sqlite_stat1; drop table if exists sqlite_stat4;');
    await sql`select 1`.execute(db.kysely);
    await measure(db, 'no statistics', results);
    // The same through HTTP (authentication, query validation, JSON), as the web app asks.
    const app = createApp({ db, config: testConfig(), webRoot: '/nonexistent' });
    const { token } = await createApiToken(db.kysely, { name: 'bench', role: 'marketing', venueId: null, createdBy: null }, { actor: 'bench', now: NOW });
    for (const [name, url] of [
      ['no filter', '/api/customers?limit=50'],
      ['segment champions + revenue 200.00-2,000.00', '/api/customers?limit=50&rfmSegment=champions&revenueMin=20000&revenueMax=200000'],
      ['name search "王"', `/api/customers?limit=50&q=${encodeURIComponent('王')}`],
    ] as const) {
      const ms = await median(async () => {
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      });
      results.push({ name: `no statistics: GET ${name} over HTTP (inject)`, value: ms, unit: 'ms', note: ms < 300 ? 'target < 300 ms met' : 'target < 300 ms MISSED' });
    }
    await app.close();
    await db.kysely.deleteFrom('api_tokens').where('name', '=', 'bench').execute();
    const opts = await median(() => filterOptions(db.kysely, null), 5);
    results.push({ name: 'filter options (catalogues, tiers, venues, distinct tags)', value: opts, unit: 'ms' });

    const exportRows = 100_000;
    const t = performance.now();
    let bytes = 0;
    for await (const chunk of await customerCsvExport(db.kysely, {}, { maxRows: exportRows, currencyDecimals: 2, includeValue: true, scopeVenueId: null })) bytes += chunk.length;
    const s = (performance.now() - t) / 1000;
    results.push({ name: 'CSV export, no filter, with value columns', value: exportRows / s, unit: 'rows/s', note: `${exportRows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB of text in ${s.toFixed(1)} s` });

    const tA = performance.now();
    db.sqlite!.exec('analyze');
    results.push({ name: 'ANALYZE (one-off)', value: (performance.now() - tA) / 1000, unit: 's' });
    await measure(db, 'after ANALYZE', results);
    const r = await resolveFilters(db.kysely, CASES[4]!.f, null);
    const c = compileSearch(db.kysely, { keys: null, filters: r.sql, afterId: null, limit: 51 });
    const plan = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
    results.push({ name: 'after ANALYZE: plan of segment + value range', value: NaN, unit: '', note: plan.rows.map((x) => x.detail).join(' / ') });
    db.sqlite!.exec('drop table if exists sqlite_stat1; drop table if exists sqlite_stat4;');
  } finally {
    await db.close();
  }
  await postgres(results);
  results.push({ name: 'load average during the run', value: loadavg()[0]!, unit: '', note: 'the machine is shared' });
  return results;
}

/** The same first pages on PostgreSQL (reported, no target), on a database generated the same way. */
async function postgres(results: BenchResult[]): Promise<void> {
  const n = Number(process.env.BENCH_PG_CUSTOMERS ?? CUSTOMERS);
  if (n <= 0) return;
  const admin = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `patron_bench_customers_${n}`;
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const db = createDb({ databaseUrl: url.toString() });
    try {
      await migrate(db);
      const t = performance.now();
      await generate(db, n);
      await sql`analyze`.execute(db.kysely);
      results.push({ name: `PostgreSQL ${n.toLocaleString('en-US')} customers: generate`, value: (performance.now() - t) / 1000, unit: 's', note: 'then ANALYZE (autovacuum would)' });
      await measure(db, 'PostgreSQL', results, CASES.filter((x) => !x.name.startsWith('phone')));
    } finally {
      await db.close();
    }
  } catch (e) {
    results.push({ name: 'PostgreSQL', value: NaN, unit: '', note: `skipped: ${(e as Error).message}` });
  } finally {
    await c.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await c.end().catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) process.stdout.write(`${r.name}: ${Number.isFinite(r.value) ? r.value.toFixed(1) : ''} ${r.unit} ${r.note ?? ''}\n`);
}
