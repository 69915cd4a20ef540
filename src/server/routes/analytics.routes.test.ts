import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrderInput } from '../../domain/orders/order-input.js';
import { dayNumber } from '../../domain/time.js';
import type { Db } from '../../storage/db.js';
import { saveOrders } from '../../storage/orders.repo.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { bearer, signIn, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

function sale(externalId: string, customer: string, date: string, amount: number): OrderInput {
  return {
    externalId, customer: { externalId: customer }, venueCode: null, kind: 'sale', returnsExternalId: null, status: 'completed',
    orderedAt: `${date}T10:00:00.000Z`, localDate: date, day: dayNumber(date), channel: null, paymentMethod: null, discountMinor: 0,
    lines: [{ sku: 'P', description: null, category: null, quantity: 1, unitPrice: null, lineTotalMinor: amount, discountMinor: 0, unitCostMinor: 0 }],
  };
}

describeEachDialect('analytics routes', (dialect) => {
  let db: Db;
  let app: App;
  let manager: { cookie: string };
  let marketing: { authorization: string };
  const id: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    manager = await signIn(app, db, 'manager');
    marketing = await bearer(db, 'marketing');
    // Ten customers: K01 buys most and most recently, K10 least and longest ago.
    const orders: OrderInput[] = [];
    for (let k = 1; k <= 10; k++) {
      const c = `K${String(k).padStart(2, '0')}`;
      for (let j = 0; j <= 10 - k; j++) orders.push(sale(`${c}-${j}`, c, `2024-0${1 + (j % 5)}-${String(10 + k).padStart(2, '0')}`, 1000 * (11 - k)));
    }
    await saveOrders(db.kysely, orders);
    for (const r of await db.kysely.selectFrom('customers').select(['id', 'external_id']).execute()) id[r.external_id] = r.id;
    await db.kysely.updateTable('customers').set({ referred_by: id.K01! }).where('external_id', 'in', ['K02', 'K03']).execute();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const get = (url: string, headers: Record<string, string> = manager) => app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: unknown, headers: Record<string, string> = manager) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('builds snapshots for imports:run and lets analytics:read read them', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/analytics/snapshots' })).statusCode).toBe(401);
    expect((await post('/api/analytics/snapshots', { asOf: '2024-06-30' }, marketing)).statusCode).toBe(403);
    const made = await post('/api/analytics/snapshots', { asOf: '2024-06-30' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ snapshot: { asOf: '2024-06-30', status: 'completed', customers: 10, actor: expect.any(String) }, totals: { customers: 10 } });
    const second = await post('/api/analytics/snapshots', { asOf: '2024-03-31', options: { rfm: { frequency: 'orders' } } });
    expect(second.json().snapshot.parameters.rfm.frequency).toBe('orders');
    const list = await get('/api/analytics/snapshots', marketing);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((s: { asOf: string }) => s.asOf)).toEqual(['2024-03-31', '2024-06-30']);
  });

  it('validates input', async () => {
    expect((await post('/api/analytics/snapshots', { asOf: '2024-02-30' })).statusCode).toBe(400);
    expect((await post('/api/analytics/snapshots', { asOf: '2024-06-30', options: { rfm: { bins: 1 } } })).statusCode).toBe(400);
    expect((await post('/api/analytics/snapshots', { asof: '2024-06-30' })).statusCode).toBe(400);
    expect((await get('/api/analytics/reports/pareto')).statusCode).toBe(400);
    expect((await get('/api/analytics/reports/abc?snapshot=999')).statusCode).toBe(404);
    expect((await get('/api/analytics/segments/rfm/vip/members')).statusCode).toBe(400);
    expect((await get('/api/analytics/segments/colour/red/members')).statusCode).toBe(400);
  });

  it('serves every report kind', async () => {
    for (const kind of ['abc', 'rfm', 'deciles', 'tiers', 'clv', 'cohorts', 'migration']) {
      const r = await get(`/api/analytics/reports/${kind}?lang=zh-CN`, marketing);
      expect(r.statusCode, `${kind}: ${r.body.slice(0, 200)}`).toBe(200);
      const body = r.json();
      expect(body.kind).toBe(kind);
      expect(body.lang).toBe('zh-CN');
      expect(body.tables.length).toBeGreaterThan(0);
    }
    const migration = (await get('/api/analytics/reports/migration?scheme=tier')).json();
    // By default the two newest snapshots, earlier as-of date first (whatever order they were built in).
    expect(migration.fromSnapshot.asOf < migration.snapshot.asOf).toBe(true);
    const total = (migration.data.counts as number[][]).flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(10);
    const clv = (await get('/api/analytics/reports/clv?customer=K01')).json();
    expect(clv.data.customer.history.directReferrals).toEqual(['K02', 'K03']);
    // The newest snapshot (as of 2024-03-31) is read: K02 and K03 each bought 6 times in January to March.
    expect(clv.data.customer.history.referredTree.revenueMinor).toBe(6 * 9000 + 6 * 8000);
  });

  it('pages through a segment', async () => {
    const snap = (await get('/api/analytics/snapshots')).json().items.find((s: { asOf: string }) => s.asOf === '2024-06-30');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/analytics/segments/abc/A/members?snapshot=${snap.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await get(url, marketing)).json();
      seen.push(...page.items.map((m: { externalId: string }) => m.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    const abc = (await get(`/api/analytics/reports/abc?snapshot=${snap.id}`)).json();
    expect(seen.length).toBe(abc.data.classes.find((c: { class: string }) => c.class === 'A').customers);
    expect(seen[0]).toBe('K01');
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("gives a customer's own value for the customer 360", async () => {
    const r = await get(`/api/customers/${id.K01}/metrics`, marketing);
    expect(r.statusCode).toBe(200);
    const v = r.json();
    expect(v.snapshot).toMatchObject({ asOf: '2024-03-31' }); // the newest snapshot, whatever its date
    expect(v.metrics).toMatchObject({ orders: expect.any(Number), rfm: { r: expect.any(Number) } });
    expect(v.segments.tier.name).toEqual({ en: expect.any(String), zh: expect.any(String) });
    expect(v.referrals).toMatchObject({ directReferrals: 2, treeReferrals: 2 });
    expect(v.referrals.totalProfitMinor).toBe(v.referrals.ownProfitMinor + v.referrals.referredTreeProfitMinor);
    expect((await get('/api/customers/999999/metrics')).statusCode).toBe(404);
  });
});
