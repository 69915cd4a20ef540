import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrderInput, OrderLineInput } from '../orders/order-input.js';
import { saveOrders } from '../../storage/orders.repo.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { dayNumber } from '../time.js';
import { PatronError } from '../errors.js';
import { buildSnapshot, loadSnapshot } from './snapshot.js';
import { customerValue } from './members.js';

/**
 * Boundaries of the per-customer SQL aggregation (docs/analytics/pipeline.md, "Which orders
 * count"): every expected figure below is worked out by hand from the orders written here.
 */

function line(o: Partial<OrderLineInput> & { lineTotalMinor: number }): OrderLineInput {
  return { sku: 'SKU-A', description: null, category: null, quantity: 1, unitPrice: null, discountMinor: 0, unitCostMinor: null, ...o };
}

function order(externalId: string, customer: string | null, date: string, lines: OrderLineInput[], o: Partial<OrderInput> = {}): OrderInput {
  return {
    externalId,
    customer: customer === null ? null : { externalId: customer },
    venueCode: null,
    kind: 'sale',
    returnsExternalId: null,
    status: 'completed',
    orderedAt: `${date}T10:00:00.000Z`,
    localDate: date,
    day: dayNumber(date),
    channel: null,
    paymentMethod: null,
    discountMinor: 0,
    lines,
    ...o,
  };
}

const AS_OF = '2024-03-31';
const NOW = new Date('2024-06-30T12:00:00.000Z');

describeEachDialect('value snapshot: SQL aggregation boundaries', (dialect) => {
  let db: Db;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDb(dialect);
    await saveOrders(db.kysely, [
      // C1: two sales on one day (one with a discounted line, one of unknown cost) ...
      order('S1', 'C1', '2024-01-10', [
        line({ sku: 'P1', lineTotalMinor: 1000, unitCostMinor: 400 }),
        line({ sku: 'P2', lineTotalMinor: 500, discountMinor: 100, unitCostMinor: 200 }),
      ]),
      order('S2', 'C1', '2024-01-10', [line({ sku: 'NOCOST', lineTotalMinor: 300 })]),
      // ... a cancelled sale (never counts) ...
      order('S3', 'C1', '2024-02-01', [line({ sku: 'P1', lineTotalMinor: 9999, unitCostMinor: 1 })], { status: 'cancelled' }),
      // ... a return of the discounted line (refund 500, goods back at cost 200) ...
      order('R1', 'C1', '2024-02-05', [line({ sku: 'P2', quantity: -1, lineTotalMinor: -500, discountMinor: 100, unitCostMinor: 200 })], { kind: 'return', returnsExternalId: 'S1' }),
      // ... a sale with an order-level discount only ...
      order('S4', 'C1', '2024-03-01', [line({ sku: 'P1', lineTotalMinor: 1000, unitCostMinor: 300 })], { discountMinor: 50 }),
      // ... a sale reversed in full (status returned: no revenue, counted as a refund) ...
      order('S5', 'C1', '2024-03-05', [line({ sku: 'P1', lineTotalMinor: 700, unitCostMinor: 300 })], { status: 'returned' }),
      // ... and a sale the day after the as-of date.
      order('S6', 'C1', '2024-04-01', [line({ sku: 'P1', lineTotalMinor: 5000, unitCostMinor: 300 })]),
      // C2 only has a refund (of a purchase from before the data): no purchase, not in the snapshot.
      order('R2', 'C2', '2024-02-10', [line({ sku: 'P1', quantity: -1, lineTotalMinor: -800, unitCostMinor: 300 })], { kind: 'return' }),
      // C3 buys once, on the as-of day itself.
      order('S7', 'C3', AS_OF, [line({ sku: 'P1', lineTotalMinor: 2000, unitCostMinor: 300 })]),
      // C4: only a cancelled sale. C5: first purchase after the as-of date. Anonymous: never attributed.
      order('S8', 'C4', '2024-01-15', [line({ sku: 'P1', lineTotalMinor: 400, unitCostMinor: 300 })], { status: 'cancelled' }),
      order('S9', 'C5', '2024-04-01', [line({ sku: 'P1', lineTotalMinor: 400, unitCostMinor: 300 })]),
      order('S10', null, '2024-01-20', [line({ sku: 'P1', lineTotalMinor: 400, unitCostMinor: 300 })]),
    ]);
    for (const r of await db.kysely.selectFrom('customers').select(['id', 'external_id']).execute()) id[r.external_id] = r.id;
    await db.kysely.updateTable('customers').set({ acquisition_cost_minor: 1000 }).where('external_id', '=', 'C1').execute();
    const contact = (customer: string, date: string, cost: number) => ({
      customer_id: id[customer]!, occurred_at: `${date}T08:00:00.000Z`, day: dayNumber(date), channel: 'call', direction: 'outbound' as const, cost_minor: cost,
    });
    await db.kysely
      .insertInto('contacts')
      .values([contact('C1', '2024-02-01', 120), contact('C1', '2024-04-01', 999), contact('C2', '2024-02-01', 50), contact('C3', AS_OF, 7)])
      .execute();
  });
  afterAll(async () => {
    await db.close();
  });

  const rowsOf = async (snapshotId: number) =>
    db.kysely.selectFrom('customer_snapshot_metrics').selectAll().where('snapshot_id', '=', snapshotId).orderBy('customer_id').execute();

  it('aggregates each rule at its boundary', async () => {
    const r = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW });
    expect(r.snapshot).toMatchObject({ asOf: AS_OF, status: 'completed', customers: 2 });
    const rows = await rowsOf(r.snapshot.id);
    expect(rows.map((x) => Number(x.customer_id))).toEqual([id.C1, id.C3]);
    const c1 = rows[0]!;
    expect({ ...c1, avg_days_between: Number(c1.avg_days_between), discount_share: Number(c1.discount_share) }).toMatchObject({
      first_day: dayNumber('2024-01-10'),
      last_day: dayNumber('2024-03-01'),
      recency_days: 30,
      tenure_days: 81,
      orders: 3, // S1, S2, S4: S3 cancelled, S5 reversed, S6 after the as-of date
      purchase_days: 2, // S1 and S2 on one day
      avg_days_between: 51, // (Mar 1 - Jan 10) / (2 - 1)
      revenue_minor: 1500 + 300 - 500 + 950,
      returns: 2, // R1 and the reversed S5
      returns_minor: 500 + 700,
      cost_of_goods_minor: 600 + 0 - 200 + 300, // S2's unknown cost counts as zero ...
      unknown_cost_revenue_minor: 300, // ... and is reported
      margin_minor: 2250 - 700,
      discounted_spend_minor: 1500 - 500 + 950, // S1 (line discount), R1 (refund of a discounted line), S4 (order discount)
      discount_share: 1950 / 2250,
      cost_to_serve_minor: 120, // the Apr 1 contact is after the as-of date
      acquisition_cost_minor: 1000,
      profit_minor: 1550 - 120 - 1000,
    });
    const c3 = rows[1]!;
    expect(c3).toMatchObject({ recency_days: 0, tenure_days: 0, orders: 1, purchase_days: 1, avg_days_between: null, cost_to_serve_minor: 7, profit_minor: 2000 - 300 - 7 });
    expect(r.totals).toMatchObject({ customers: 2, orders: 4, revenueMinor: 2250 + 2000, profitMinor: 430 + 1693, unknownCostRevenueMinor: 300 });
  });

  it('gives the same rows whatever the page size', async () => {
    const base = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW });
    const want = (await rowsOf(base.snapshot.id)).map(({ snapshot_id: _s, ...x }) => x);
    for (const pageCustomers of [1, 2, 3]) {
      const r = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW, pageCustomers });
      expect((await rowsOf(r.snapshot.id)).map(({ snapshot_id: _s, ...x }) => x)).toEqual(want);
    }
  });

  it('scores the same in a worker thread (used for large snapshots)', async () => {
    const inThread = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW, scoreInWorker: false });
    const inWorker = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW, scoreInWorker: true });
    const strip = async (sid: number) => (await rowsOf(sid)).map(({ snapshot_id: _s, ...x }) => x);
    expect(await strip(inWorker.snapshot.id)).toEqual(await strip(inThread.snapshot.id));
    expect((await loadSnapshot(db, inWorker.snapshot.id)).summary).toEqual((await loadSnapshot(db, inThread.snapshot.id)).summary);
  });

  it('counts the whole as-of day and nothing after it', async () => {
    const before = await buildSnapshot(db, { asOf: '2024-03-30', actor: 'test', now: NOW });
    expect(before.totals.customers).toBe(1); // C3 bought on the 31st
    const after = await buildSnapshot(db, { asOf: '2024-04-01', actor: 'test', now: NOW });
    expect(after.totals.customers).toBe(3); // C5's first purchase, on the day
    const rows = await rowsOf(after.snapshot.id);
    expect(rows.find((x) => Number(x.customer_id) === id.C1)).toMatchObject({ revenue_minor: 2250 + 5000, cost_to_serve_minor: 120 + 999, recency_days: 0 });
  });

  it('defaults the as-of date to today in the business time zone and rejects impossible dates', async () => {
    const r = await buildSnapshot(db, { actor: 'test', now: NOW });
    expect(r.snapshot.asOf).toBe('2024-06-30');
    await expect(buildSnapshot(db, { asOf: '2024-02-30', actor: 'test', now: NOW })).rejects.toThrow(PatronError);
    await expect(buildSnapshot(db, { asOf: '31/03/2024', actor: 'test', now: NOW })).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('stores the resolved parameters and honours options', async () => {
    const r = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW, options: { abc: { measure: 'profit' }, rfm: { frequency: 'orders' } } });
    expect(r.snapshot.parameters).toMatchObject({
      asOf: AS_OF,
      abc: { measure: 'profit', cutoffs: { A: 0.8, B: 0.95 } },
      rfm: { bins: 5, frequency: 'orders', monetary: 'revenue' },
      costToServe: ['contacts'],
    });
    const s = await loadSnapshot(db, r.snapshot.id);
    expect(s.summary.abc.measure).toBe('profit');
    expect(s.summary.abc.classes.find((c) => c.class === 'D')).toBeDefined();
    await expect(buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW, options: { abc: { cutoffs: { A: 0.9, B: 0.8 } } } })).rejects.toThrow(/A <= B/);
  });

  it('leaves a failed snapshot and no rows when writing fails', async () => {
    const err = await buildSnapshot(db, { asOf: AS_OF, actor: 'test', now: NOW }, {
      onProgress: (p) => {
        if (p.phase === 'write') throw new Error('disk full (simulated)');
      },
    }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/simulated/);
    const last = await db.kysely.selectFrom('analysis_snapshots').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ status: 'failed', error: 'disk full (simulated)' });
    expect(await rowsOf(Number(last.id))).toHaveLength(0);
    // Reports skip it: the newest completed snapshot is read instead.
    expect((await loadSnapshot(db)).view.id).toBeLessThan(Number(last.id));
    await expect(loadSnapshot(db, Number(last.id))).rejects.toThrow(/failed/);
  });

  it("shows a customer's newest metrics, or nothing before their first purchase", async () => {
    const v = await customerValue(db, id.C1!);
    expect(v.snapshot).not.toBeNull();
    expect(v.metrics).toMatchObject({ firstPurchase: '2024-01-10' });
    expect(v.referrals).toMatchObject({ directReferrals: 0, treeReferrals: 0, referredTreeProfitMinor: 0 });
    const none = await customerValue(db, id.C2!);
    expect(none).toEqual({ customerId: id.C2, snapshot: null, metrics: null, segments: null, referrals: null });
    await expect(customerValue(db, 999_999)).rejects.toThrow(/not found/);
  });
});
