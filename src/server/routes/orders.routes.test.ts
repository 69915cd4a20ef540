import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { bearer, signIn, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

const order = (externalId: string, over: Record<string, unknown> = {}) => ({
  externalId,
  customer: { externalId: 'POS-C1', name: 'Walk In', phone: '13700000000' },
  orderedAt: '2024-06-01T10:00:00+08:00',
  channel: 'store',
  lines: [
    { sku: 'TEA-1', description: 'Green tea', quantity: 2, unitPrice: '12.50' },
    { sku: 'CUP-1', quantity: 1, amount: '30.00' },
  ],
  ...over,
});

describeEachDialect('order routes', (dialect) => {
  let db: Db;
  let app: App;
  let pos: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    pos = (await bearer(db, 'staff')).authorization;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const postOrder = (payload: unknown, authorization = pos) =>
    app.inject({ method: 'POST', url: '/api/orders', headers: { authorization }, payload: payload as object });

  it('stores a posted order idempotently and serves it back', async () => {
    const first = await postOrder(order('POS-1', { venue: 'SHOP1' }));
    expect(first.statusCode).toBe(201);
    expect(first.json().status).toBe('inserted');
    // 2 x 12.50 + 30.00 = 55.00
    expect(first.json().order).toMatchObject({ externalId: 'POS-1', totalMinor: 5500, customerExternalId: 'POS-C1', venueCode: 'SHOP1', localDate: '2024-06-01' });
    expect(first.json().order.lines).toHaveLength(2);

    const again = await postOrder(order('POS-1', { venue: 'SHOP1' }));
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('unchanged');

    const changed = await postOrder(order('POS-1', { venue: 'SHOP1', discount: '5.00' }));
    expect(changed.json().status).toBe('updated');
    expect(changed.json().order.totalMinor).toBe(5000);

    const got = await app.inject({ method: 'GET', url: '/api/orders/POS-1', headers: { authorization: pos } });
    expect(got.statusCode).toBe(200);
    expect(got.json().totalMinor).toBe(5000);
    expect((await app.inject({ method: 'GET', url: '/api/orders/NOPE', headers: { authorization: pos } })).statusCode).toBe(404);

    const n = await db.kysely.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('external_id', '=', 'POS-1').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'order').where('entity_id', '=', 'POS-1').execute();
    expect(audit).toHaveLength(3);
  });

  it('validates orders, with the path of the bad field', async () => {
    const noLines = await postOrder({ ...order('BAD-1'), lines: [] });
    expect(noLines.statusCode).toBe(400);
    expect(noLines.json().error.details.issues[0].path).toBe('body.lines');
    const badDate = await postOrder(order('BAD-2', { orderedAt: 'yesterday' }));
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.message).toMatch(/orderedAt/);
    const floatMoney = await postOrder({ ...order('BAD-3'), lines: [{ sku: 'X', unitPrice: 12.5 }] });
    expect(floatMoney.statusCode).toBe(400);
  });

  it('posts a batch all or nothing', async () => {
    const url = '/api/orders/batch';
    const bad = await app.inject({
      method: 'POST', url, headers: { authorization: pos },
      payload: { orders: [order('B-1'), order('B-2', { orderedAt: 'not a date' })] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('body.orders.1');
    expect(await db.kysely.selectFrom('orders').select('id').where('external_id', '=', 'B-1').executeTakeFirst()).toBeUndefined();

    const ok = await app.inject({ method: 'POST', url, headers: { authorization: pos }, payload: { orders: [order('B-1'), order('B-2'), order('B-3')] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 });
    const again = await app.inject({ method: 'POST', url, headers: { authorization: pos }, payload: { orders: [order('B-1'), order('B-2'), order('B-3')] } });
    expect(again.json()).toMatchObject({ inserted: 0, unchanged: 3 });
  });

  it('holds a venue-scoped token to its venue', async () => {
    const { cookie } = await signIn(app, db, 'admin');
    const v = (n: string) => app.inject({ method: 'POST', url: '/api/venues', headers: { cookie }, payload: { code: n, name: n } });
    const shopA = (await v('SHOP-A')).json();
    await v('SHOP-B');
    const scoped = (await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'till A', role: 'staff', venueId: shopA.id } })).json();
    const auth = `Bearer ${scoped.token}`;

    const own = await postOrder(order('A-1'), auth);
    expect(own.statusCode).toBe(201);
    expect(own.json().order.venueCode).toBe('SHOP-A'); // filled in from the token
    expect((await postOrder(order('A-2', { venue: 'SHOP-A' }), auth)).statusCode).toBe(201);
    const other = await postOrder(order('A-3', { venue: 'SHOP-B' }), auth);
    expect(other.statusCode).toBe(403);
    // Nor may it overwrite an order that belongs elsewhere, or read it.
    expect((await postOrder(order('POS-1'), auth)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/orders/POS-1', headers: { authorization: auth } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/orders/A-1', headers: { authorization: auth } })).statusCode).toBe(200);
  });
});
