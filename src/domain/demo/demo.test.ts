import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { PatronError } from '../errors.js';
import { dayNumber, instantFromUtcMs } from '../time.js';
import { generateDemo, type DemoRun, type DemoSummary } from './demo.js';
import { expectedRepeats, probNoRepeat } from './process.js';
import { buildSeason, operationalTime } from './seasonality.js';

const TABLES = ['settings', 'venues', 'products', 'customers', 'orders', 'order_lines', 'contacts'] as const;

/** SHA-256 over every row of the tables the demo writes, in id order. */
async function contentHash(db: Db): Promise<string> {
  const h = createHash('sha256');
  for (const table of TABLES) {
    // order_lines is keyed (order_id, line_no); the other tables by id (settings by key).
    const order = table === 'settings' ? ['key'] : table === 'order_lines' ? ['order_id', 'line_no'] : ['id'];
    let q = db.kysely.selectFrom(table).selectAll();
    for (const c of order) q = q.orderBy(c as never);
    const rows = await q.execute();
    h.update(`${table}:${rows.length}\n`);
    for (const r of rows) h.update(JSON.stringify(Object.values(r)) + '\n');
  }
  return h.digest('hex');
}

async function demoDb(dialect: 'sqlite' | 'postgres', customers: number, seed: number, chunkCustomers?: number): Promise<{ db: Db; run: DemoRun }> {
  const db = await createTestDb(dialect);
  const run = await generateDemo(db, { customers, seed, chunkCustomers });
  return { db, run };
}

describeEachDialect('demo business', (dialect) => {
  let db: Db;
  let run: DemoRun;
  const N = 1500;

  beforeAll(async () => {
    ({ db, run } = await demoDb(dialect, N, 5));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('is deterministic: same seed, same content; another seed, other content', async () => {
    const a = await demoDb(dialect, 200, 9);
    // Chunking must not matter: another chunk size, same rows.
    const b = await demoDb(dialect, 200, 9, 70);
    const c = await demoDb(dialect, 200, 10);
    try {
      const [ha, hb, hc] = await Promise.all([contentHash(a.db), contentHash(b.db), contentHash(c.db)]);
      expect(ha).toBe(hb);
      expect(hc).not.toBe(ha);
      expect(a.run.counts).toEqual(b.run.counts);
    } finally {
      await Promise.all([a.db.close(), b.db.close(), c.db.close()]);
    }
  });

  it('refuses a database that already holds business data', async () => {
    const err = await generateDemo(db, { customers: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PatronError);
    expect((err as PatronError).code).toBe('CONFLICT');
  });

  it('stores counts that match its summary, and the truth in the demo setting', async () => {
    const k = db.kysely;
    const count = async (table: (typeof TABLES)[number]) =>
      Number((await k.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('customers')).toBe(N);
    expect(await count('orders')).toBe(run.counts.orders);
    expect(await count('order_lines')).toBe(run.counts.orderLines);
    expect(await count('contacts')).toBe(run.counts.contacts);
    expect(await count('venues')).toBeGreaterThanOrEqual(4);
    expect(await count('products')).toBeGreaterThanOrEqual(60);
    const setting = await k.selectFrom('settings').select('value').where('key', '=', 'demo').executeTakeFirstOrThrow();
    const stored = JSON.parse(setting.value) as DemoSummary & { status: string };
    expect(stored.status).toBe('completed');
    expect(stored.truth.params).toEqual(run.truth.params);
    const tz = await k.selectFrom('settings').select('value').where('key', '=', 'timeZone').executeTakeFirstOrThrow();
    expect(JSON.parse(tz.value)).toBe('Asia/Shanghai');
    const sums = await k.selectFrom('orders')
      .select((eb) => eb.fn.sum<number>('total_minor').as('t'))
      .where('kind', '=', 'sale').where('status', '=', 'completed').executeTakeFirstOrThrow();
    expect(Number(sums.t)).toBe(run.counts.salesMinor);
    // Ids were assigned by the generator; ordinary inserts afterwards continue after them.
    const now = '2026-07-01T00:00:00.000Z';
    const added = await k.insertInto('customers')
      .values({ external_id: 'after-demo', tags: '[]', attributes: '{}', created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    expect(added.id).toBe(N + 1);
    await k.deleteFrom('customers').where('id', '=', added.id).execute();
  });

  it('keeps referrals, returns, lines and contacts consistent', async () => {
    const k = db.kysely;
    // Referrals: the referrer exists, came earlier, and chains end (no cycles).
    const customers = await k.selectFrom('customers').select(['id', 'referred_by', 'created_at', 'acquisition_channel']).execute();
    const byId = new Map(customers.map((c) => [c.id, c]));
    let maxDepth = 0;
    let referred = 0;
    for (const c of customers) {
      if (c.referred_by === null) continue;
      referred++;
      expect(c.acquisition_channel).toBe('referral');
      const r = byId.get(c.referred_by);
      expect(r).toBeDefined();
      expect(r!.id).toBeLessThan(c.id);
      expect(r!.created_at < c.created_at).toBe(true);
      let depth = 0;
      const seen = new Set<number>();
      for (let cur = c; cur.referred_by !== null; cur = byId.get(cur.referred_by)!) {
        expect(seen.has(cur.id)).toBe(false);
        seen.add(cur.id);
        depth++;
      }
      maxDepth = Math.max(maxDepth, depth);
    }
    // ~10% referred (binomial sd at N = 1500 is 0.8 points); trees several levels deep.
    expect(referred / N).toBeGreaterThan(0.07);
    expect(referred / N).toBeLessThan(0.13);
    expect(maxDepth).toBeGreaterThanOrEqual(3);

    // Returns reference an earlier completed sale of the same customer and refund no more than it cost.
    const returns = await k.selectFrom('orders as r')
      .leftJoin('orders as s', 's.id', 'r.returns_order_id')
      .select(['r.id', 'r.customer_id', 'r.day', 'r.total_minor', 'r.item_count', 's.id as sale_id', 's.kind as sale_kind',
        's.status as sale_status', 's.customer_id as sale_customer', 's.day as sale_day', 's.total_minor as sale_total'])
      .where('r.kind', '=', 'return')
      .execute();
    expect(returns.length).toBeGreaterThan(0);
    for (const r of returns) {
      expect(r.sale_id).not.toBeNull();
      expect(r.sale_kind).toBe('sale');
      expect(r.sale_status).toBe('completed');
      expect(r.sale_customer).toBe(r.customer_id);
      expect(r.day).toBeGreaterThan(r.sale_day!);
      expect(r.total_minor).toBeLessThan(0);
      expect(-r.total_minor).toBeLessThanOrEqual(r.sale_total!);
      expect(r.item_count).toBeLessThan(0);
    }

    // Order totals add up from their lines (integer minor units, exact).
    const orders = await k.selectFrom('orders')
      .select(['id', 'subtotal_minor', 'discount_minor', 'total_minor', 'cost_minor', 'item_count', 'ordered_at', 'local_date', 'day'])
      .orderBy('id').execute();
    const lineSums = await k.selectFrom('order_lines')
      .select((eb) => [
        'order_id',
        eb.fn.sum<number>('line_total_minor').as('total'),
        eb.fn.sum<number>(sql<number>`quantity * unit_cost_minor`).as('cost'),
        eb.fn.sum<number>('quantity').as('items'),
        eb.fn.countAll<number>().as('n'),
        eb.fn.max<number>('line_no').as('maxLine'),
      ])
      .groupBy('order_id').execute();
    const sums = new Map(lineSums.map((s) => [Number(s.order_id), s]));
    for (const o of orders) {
      const s = sums.get(o.id);
      expect(s, `order ${o.id} has lines`).toBeDefined();
      expect(Number(s!.n)).toBeGreaterThanOrEqual(1);
      expect(Number(s!.n)).toBeLessThanOrEqual(5);
      expect(Number(s!.maxLine)).toBe(Number(s!.n));
      expect(Number(s!.total)).toBe(o.subtotal_minor);
      expect(o.total_minor).toBe(o.subtotal_minor - o.discount_minor);
      expect(o.discount_minor).toBeGreaterThanOrEqual(0);
      expect(Number(s!.cost)).toBe(o.cost_minor);
      expect(Number(s!.items)).toBe(o.item_count);
      // Times: UTC text, local date and day number agree in the business zone.
      const local = instantFromUtcMs(Date.parse(o.ordered_at), 'Asia/Shanghai');
      expect(o.ordered_at).toBe(local.utc);
      expect(o.local_date).toBe(local.localDate);
      expect(o.day).toBe(local.day);
    }
    expect(orders[0]!.local_date >= run.period.start).toBe(true);
    expect(orders.every((o) => o.local_date <= run.period.end)).toBe(true);

    const orphans = await k.selectFrom('contacts as c').leftJoin('customers as u', 'u.id', 'c.customer_id')
      .select('c.id').where('u.id', 'is', null).execute();
    expect(orphans).toEqual([]);
    if (dialect === 'sqlite') {
      // Foreign keys were paused during the load: the engine's own check must find nothing.
      const bad = await sql`pragma foreign_key_check`.execute(k);
      expect(bad.rows).toEqual([]);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(k);
      expect(fk.rows[0]!.foreign_keys).toBe(1);
    }
  });

  it('has a realistic shape: anonymous, returns, cancellations, repeat buyers, discounts, seasonality', async () => {
    const k = db.kysely;
    const orders = await k.selectFrom('orders').select(['customer_id', 'kind', 'status', 'local_date', 'discount_minor']).execute();
    const sales = orders.filter((o) => o.kind === 'sale' && o.status === 'completed');
    const anonymous = sales.filter((o) => o.customer_id === null).length;
    const returns = orders.filter((o) => o.kind === 'return').length;
    const cancelled = orders.filter((o) => o.status === 'cancelled').length;
    // With ~6,000 sales the binomial sd of each share is about 0.3 points or less; bounds are ~5 sd wide.
    expect(anonymous / sales.length).toBeGreaterThan(0.035);
    expect(anonymous / sales.length).toBeLessThan(0.065);
    expect(returns / sales.length).toBeGreaterThan(0.018);
    expect(returns / sales.length).toBeLessThan(0.04);
    expect(cancelled / orders.length).toBeGreaterThan(0.004);
    expect(cancelled / orders.length).toBeLessThan(0.02);

    const perCustomer = new Map<number, number>();
    for (const o of sales) if (o.customer_id !== null) perCustomer.set(o.customer_id, (perCustomer.get(o.customer_id) ?? 0) + 1);
    expect(perCustomer.size).toBe(N);
    const repeaters = [...perCustomer.values()].filter((n) => n >= 2).length;
    expect(repeaters / N).toBeGreaterThan(0.5);
    expect(repeaters / N).toBeLessThan(0.85);

    // Price-only customers buy mostly on discount; the others rarely.
    const attrs = await k.selectFrom('customers').select(['id', 'attributes']).execute();
    const priceOnly = new Set(attrs.filter((c) => JSON.parse(c.attributes).demo.price_only).map((c) => c.id));
    const share = (pick: (id: number) => boolean) => {
      const mine = sales.filter((o) => o.customer_id !== null && pick(o.customer_id));
      return mine.filter((o) => o.discount_minor > 0).length / mine.length;
    };
    expect(priceOnly.size).toBeGreaterThan(0);
    expect(share((id) => priceOnly.has(id))).toBeGreaterThan(0.6);
    expect(share((id) => !priceOnly.has(id))).toBeLessThan(0.3);

    // Golden Week (1-7 Oct) is busier per day than the two weeks before it, in both years.
    const perDay = (from: string, to: string) =>
      sales.filter((o) => o.local_date >= from && o.local_date <= to).length / (dayNumber(to) - dayNumber(from) + 1);
    const golden = perDay('2024-10-01', '2024-10-07') + perDay('2025-10-01', '2025-10-07');
    const before = perDay('2024-09-17', '2024-09-30') + perDay('2025-09-17', '2025-09-30');
    expect(golden / before).toBeGreaterThan(1.3);
  });

  it('repeat purchases agree with the BG/NBD parameters it reports (FHL 2005 eqs. 8-9)', async () => {
    const k = db.kysely;
    const setting = await k.selectFrom('settings').select('value').where('key', '=', 'demo').executeTakeFirstOrThrow();
    const truth = (JSON.parse(setting.value) as DemoSummary).truth;
    const params = truth.params;
    const startDay = dayNumber(run.period.start);
    const season = buildSeason(startDay, run.period.days);
    const rows = await k.selectFrom('orders')
      .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n'), eb.fn.min<number>('day').as('first')])
      .where('kind', '=', 'sale').where('status', '!=', 'cancelled').where('customer_id', 'is not', null)
      .groupBy('customer_id').execute();
    expect(rows.length).toBe(N);
    let sumX = 0;
    let sumX2 = 0;
    let expected = 0;
    let zeros = 0;
    let expectedZeros = 0;
    let zeroVar = 0;
    for (const r of rows) {
      const x = Number(r.n) - 1;
      sumX += x;
      sumX2 += x * x;
      if (x === 0) zeros++;
      // The first purchase's time of day is not stored at process precision: take mid-day (<= 0.5 day error).
      const tau = operationalTime(season, Number(r.first) - startDay + 0.5);
      expected += expectedRepeats(params, tau);
      const p0 = probNoRepeat(params, tau);
      expectedZeros += p0;
      zeroVar += p0 * (1 - p0);
    }
    const mean = sumX / N;
    const se = Math.sqrt((sumX2 / N - mean * mean) / (N - 1));
    // 4 standard errors: the seed is fixed, and a wrong process (e.g. no dropout, or thinning
    // without renormalising) shifts the mean by far more than that.
    expect(Math.abs(mean - expected / N)).toBeLessThan(4 * se);
    expect(Math.abs(zeros - expectedZeros)).toBeLessThan(4 * Math.sqrt(zeroVar));
    expect(run.check.expectedMeanRepeatPurchases).not.toBeNull();
    expect(Math.abs(run.check.meanRepeatPurchases - mean)).toBeLessThan(1e-9);

    // The per-customer truth in attributes.demo follows the mixing distributions.
    const attrs = await k.selectFrom('customers').select('attributes').execute();
    const lambdas = attrs.map((a) => JSON.parse(a.attributes).demo.lambda as number);
    const lm = lambdas.reduce((s, x) => s + x, 0) / N;
    const lsd = Math.sqrt(lambdas.reduce((s, x) => s + (x - lm) ** 2, 0) / (N - 1));
    expect(Math.abs(lm - params.r / params.alpha)).toBeLessThan((4 * lsd) / Math.sqrt(N));
  });
});

describe.skipIf(process.env.PATRON_TEST_PG_AVAILABLE !== '1')('demo business across engines', () => {
  it('writes identical content on SQLite and PostgreSQL', async () => {
    const a = await demoDb('sqlite', 200, 3);
    const b = await demoDb('postgres', 200, 3);
    try {
      expect(await contentHash(a.db)).toBe(await contentHash(b.db));
    } finally {
      await Promise.all([a.db.close(), b.db.close()]);
    }
  });
});
