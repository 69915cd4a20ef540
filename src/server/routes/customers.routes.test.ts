import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { dayNumber } from '../../domain/time.js';
import { bearer, signIn, TEST_NOW, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

describeEachDialect('customer routes', (dialect) => {
  let db: Db;
  let app: App;
  let cookie: string;
  let userId: number;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    ({ cookie, userId } = await signIn(app, db, 'manager'));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });
  const patch = (url: string, payload: unknown) => app.inject({ method: 'PATCH', url, headers: { cookie }, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

  it('creates, reads and updates a customer, normalising keys', async () => {
    const res = await post('/api/customers', {
      name: '  Wang Fang ',
      phone: ' 13800138000 ',
      email: ' Wang.Fang@Example.COM ',
      tags: ['vip', 'vip', 'wine'],
      attributes: { floor: 3, likes: ['tea'] },
      consentSms: true,
      acquisitionCostMinor: 1500,
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      name: 'Wang Fang',
      phone: '13800138000',
      email: 'wang.fang@example.com',
      tags: ['vip', 'wine'],
      attributes: { floor: 3, likes: ['tea'] },
      consentSms: true,
      consentEmail: false,
      acquisitionCostMinor: 1500,
      createdAt: TEST_NOW.toISOString(),
    });
    expect(c.externalId).toMatch(/^C[0-9A-HJKMNP-TV-Z]{10}$/);
    const row = await db.kysely.selectFrom('customers').select(['name_key']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.name_key).toBe('wang fang');

    expect((await get(`/api/customers/${c.id}`)).json()).toEqual(c);
    const up = await patch(`/api/customers/${c.id}`, { name: 'Li Na', email: null, tags: [] });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ name: 'Li Na', email: null, tags: [], phone: '13800138000' });
    const row2 = await db.kysely.selectFrom('customers').select(['name_key']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row2.name_key).toBe('li na');
  });

  it('rejects bad input with field paths, duplicates with 409, missing with 404', async () => {
    const bad = await post('/api/customers', { email: 'not-an-email', birthday: '1990-13-01', tags: 'vip' });
    expect(bad.statusCode).toBe(400);
    const body = bad.json();
    expect(body.error.code).toBe('VALIDATION');
    const paths = body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.birthday', 'body.tags']));

    const unknownField = await post('/api/customers', { nmae: 'typo' });
    expect(unknownField.statusCode).toBe(400);

    expect((await post('/api/customers', { externalId: 'DUP-1' })).statusCode).toBe(201);
    const dup = await post('/api/customers', { externalId: 'DUP-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');

    expect((await get('/api/customers/999999')).statusCode).toBe(404);
    expect((await get('/api/customers/abc')).statusCode).toBe(400);
    expect((await patch('/api/customers/999999', { name: 'x' })).statusCode).toBe(404);
  });

  it('searches by name prefix, phone, email and external id, paginating by id', async () => {
    const made: number[] = [];
    const people = [
      { externalId: 'S-001', name: 'Zhang Wei', phone: '+86 139 0000 0001', email: 'zw@example.com' },
      { externalId: 'S-002', name: 'zhang min', phone: '13900000002' },
      { externalId: 'S-003', name: 'Zhao Lei', email: 'Zhao@Example.com' },
      { externalId: 'S-004', name: '张伟' },
      { externalId: 'S-005', name: '张三丰' },
      { externalId: 'S-006', name: 'Zhang Xiu' },
      { externalId: 'S-007', name: 'Zhangsun Ji' },
    ];
    for (const p of people) {
      const r = await post('/api/customers', p);
      expect(r.statusCode).toBe(201);
      made.push(r.json().id);
    }
    const search = async (q: string, extra = '') =>
      (await get(`/api/customers?q=${encodeURIComponent(q)}${extra}`)).json() as { items: { externalId: string }[]; nextCursor: string | null };
    const ids = (r: { items: { externalId: string }[] }) => r.items.map((i) => i.externalId);

    expect(ids(await search('ZHANG'))).toEqual(['S-001', 'S-002', 'S-006', 'S-007']);
    expect(ids(await search('zhang w'))).toEqual(['S-001']);
    expect(ids(await search(' Zhang X '))).toEqual(['S-006']);
    expect(ids(await search('张'))).toEqual(['S-004', 'S-005']);
    expect(ids(await search('张伟'))).toEqual(['S-004']);
    expect(ids(await search('+86 139 0000 0001'))).toEqual(['S-001']);
    expect(ids(await search('13900000002'))).toEqual(['S-002']);
    expect(ids(await search('ZHAO@example.COM'))).toEqual(['S-003']);
    expect(ids(await search('S-005'))).toEqual(['S-005']);
    expect(ids(await search('nobody'))).toEqual([]);
    // Prefix, not substring: "wei" is not the start of any name.
    expect(ids(await search('wei'))).toEqual([]);

    // Pages of 3 over the 4 Zhang* customers, then over everyone.
    const p1 = await search('zhang', '&limit=3');
    expect(ids(p1)).toEqual(['S-001', 'S-002', 'S-006']);
    expect(p1.nextCursor).toBe(String(made[5]));
    const p2 = await search('zhang', `&limit=3&cursor=${p1.nextCursor}`);
    expect(ids(p2)).toEqual(['S-007']);
    expect(p2.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { externalId: string }[]; nextCursor: string | null } = (
        await get(`/api/customers?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    const total = await db.kysely.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(seen).toHaveLength(Number(total.n));
    expect(new Set(seen).size).toBe(seen.length);

    expect((await get('/api/customers?limit=0')).statusCode).toBe(400);
    expect((await get('/api/customers?cursor=abc')).statusCode).toBe(400);
  });

  it('keeps referrals acyclic and the referrer real', async () => {
    const a = (await post('/api/customers', { externalId: 'R-A', name: 'A' })).json();
    const b = (await post('/api/customers', { externalId: 'R-B', name: 'B', referredBy: a.id })).json();
    const c = (await post('/api/customers', { externalId: 'R-C', name: 'C', referredByExternalId: 'R-B' })).json();
    expect(b.referredBy).toBe(a.id);
    expect(c.referredBy).toBe(b.id);

    const cycle = await patch(`/api/customers/${a.id}`, { referredBy: c.id });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.message).toMatch(/cycle/);
    expect((await patch(`/api/customers/${a.id}`, { referredBy: a.id })).statusCode).toBe(400);
    expect((await post('/api/customers', { referredBy: 987654 })).statusCode).toBe(400);
    expect((await post('/api/customers', { referredByExternalId: 'NOPE' })).statusCode).toBe(400);
    // Re-pointing without a loop is fine, and null clears.
    expect((await patch(`/api/customers/${c.id}`, { referredBy: a.id })).json().referredBy).toBe(a.id);
    expect((await patch(`/api/customers/${c.id}`, { referredBy: null })).json().referredBy).toBeNull();
  });

  it('computes the customer 360 from orders, lines and contacts', async () => {
    const cust = (await post('/api/customers', { externalId: 'K-360', name: 'Kim' })).json();
    const friend = (await post('/api/customers', { externalId: 'K-FRIEND', name: 'Friend', referredBy: cust.id })).json();
    const venue = await db.kysely
      .insertInto('venues')
      .values({ code: 'V1', name: 'Shop 1', kind: 'outlet', city: null, created_at: TEST_NOW.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Hand-made orders: two sales on 2024-05-01, one on 2024-06-10, a return on 2024-06-12, a cancelled sale.
    const orders = [
      { ext: 'O-1', kind: 'sale', status: 'completed', at: '2024-05-01T02:00:00.000Z', total: 10000 },
      { ext: 'O-2', kind: 'sale', status: 'completed', at: '2024-05-01T09:30:00.000Z', total: 5000 },
      { ext: 'O-3', kind: 'sale', status: 'completed', at: '2024-06-10T10:00:00.000Z', total: 3000 },
      { ext: 'O-4', kind: 'return', status: 'completed', at: '2024-06-12T10:00:00.000Z', total: -2000 },
      { ext: 'O-5', kind: 'sale', status: 'cancelled', at: '2024-06-13T10:00:00.000Z', total: 99900 },
    ] as const;
    for (const o of orders) {
      const local = o.at.slice(0, 10);
      const row = await db.kysely
        .insertInto('orders')
        .values({
          external_id: o.ext, customer_id: cust.id, venue_id: venue.id, kind: o.kind, returns_order_id: null, status: o.status,
          ordered_at: o.at, local_date: local, day: dayNumber(local), channel: 'store', payment_method: 'card',
          subtotal_minor: o.total, discount_minor: 0, total_minor: o.total, cost_minor: null, item_count: 1, content_hash: o.ext,
          import_batch_id: null, created_at: o.at, updated_at: o.at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('order_lines')
        .values({ order_id: row.id, line_no: 1, product_id: null, sku: `SKU-${o.ext}`, description: 'thing', quantity: o.kind === 'return' ? -1 : 1,
          unit_price: (Math.abs(o.total) / 100).toFixed(2), line_total_minor: o.total, discount_minor: 0, unit_cost_minor: null })
        .execute();
    }
    expect((await post(`/api/customers/${cust.id}/contacts`, { channel: 'Call', costMinor: 500, purpose: 'welcome', occurredAt: '2024-06-01T08:00:00+08:00' })).statusCode).toBe(201);
    const gift = await post(`/api/customers/${cust.id}/contacts`, { channel: 'gift', costMinor: 250, direction: 'outbound' });
    expect(gift.statusCode).toBe(201);
    expect(gift.json()).toMatchObject({ channel: 'gift', costMinor: 250, occurredAt: TEST_NOW.toISOString(), localDate: '2024-06-30', createdBy: `user:${userId}` });
    expect((await post('/api/customers/999999/contacts', { channel: 'call' })).statusCode).toBe(404);

    const res = await get(`/api/customers/${cust.id}/360`);
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v.customer.externalId).toBe('K-360');
    expect(v.referrer).toBeNull();
    expect(v.referrals).toEqual({ total: 1, items: [{ id: friend.id, externalId: 'K-FRIEND', name: 'Friend' }] });
    // Expected by hand: revenue = 100.00 + 50.00 + 30.00 - 20.00 (cancelled excluded) = 160.00;
    // 3 completed sales; AOV = round(16000 / 3) = 5333; purchase days {05-01, 06-10} = 2.
    expect(v.stats).toEqual({
      orders: 3,
      returns: 1,
      revenueMinor: 16000,
      returnsMinor: -2000,
      averageOrderValueMinor: 5333,
      firstOrderAt: '2024-05-01T02:00:00.000Z',
      lastOrderAt: '2024-06-10T10:00:00.000Z',
      purchaseDays: 2,
      contacts: 2,
      contactCostMinor: 750,
    });
    expect(v.recentOrders.map((o: { externalId: string }) => o.externalId)).toEqual(['O-5', 'O-4', 'O-3', 'O-2', 'O-1']);
    expect(v.recentOrders[1]).toMatchObject({ kind: 'return', totalMinor: -2000, venueCode: 'V1', customerExternalId: 'K-360' });
    expect(v.recentOrders[1].lines).toEqual([
      { lineNo: 1, sku: 'SKU-O-4', description: 'thing', quantity: -1, unitPrice: '20.00', lineTotalMinor: -2000, discountMinor: 0, unitCostMinor: null },
    ]);
    expect(v.recentContacts.map((c: { channel: string }) => c.channel)).toEqual(['gift', 'call']);
    expect(v.recentContacts[1].occurredAt).toBe('2024-06-01T00:00:00.000Z');

    const friend360 = (await get(`/api/customers/${friend.id}/360`)).json();
    expect(friend360.referrer).toEqual({ id: cust.id, externalId: 'K-360', name: 'Kim' });
    expect(friend360.stats).toMatchObject({ orders: 0, revenueMinor: 0, averageOrderValueMinor: null, firstOrderAt: null, purchaseDays: 0 });

    // Overview: the only orders in this database are Kim's. Today is 2024-06-30 (UTC); the 90-day
    // window starts 2024-04-02, so Kim is active; two purchase days make Kim a repeat buyer.
    const ov = await get('/api/overview');
    expect(ov.statusCode).toBe(200);
    expect(ov.json()).toMatchObject({
      asOf: '2024-06-30',
      orders: 3,
      anonymousOrders: 0,
      revenueMinor: 16000,
      activeWindowDays: 90,
      activeCustomers: 1,
      buyers: 1,
      repeatBuyers: 1,
      repeatPurchaseRate: 1,
    });
  });

  it('writes an audit row for every change, naming the actor', async () => {
    const { authorization, tokenId } = await bearer(db, 'staff');
    const made = await app.inject({ method: 'POST', url: '/api/customers', headers: { authorization }, payload: { name: 'Audited', phone: '1' } });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    await patch(`/api/customers/${id}`, { city: 'Hangzhou' });
    const rows = await db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'customer').where('entity_id', '=', String(id)).orderBy('id').execute();
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      [`token:${tokenId}`, 'create'],
      [`user:${userId}`, 'update'],
    ]);
    expect(JSON.parse(rows[1]!.detail!)).toEqual({ fields: ['city'] });
    // Personal data stays out of the append-only log.
    expect(rows[0]!.detail).not.toContain('Audited');
    const api = await get(`/api/audit?entity=customer&entityId=${id}`);
    expect(api.json().items).toHaveLength(2);
  });

  it('lists and creates venues, reads and changes settings', async () => {
    const { cookie: adminCookie } = await signIn(app, db, 'admin', 'venue-admin');
    const v = await post('/api/venues', { code: 'HZ-01', name: 'Hangzhou West Lake', kind: 'hotel', city: 'Hangzhou' });
    expect(v.statusCode).toBe(201);
    expect((await post('/api/venues', { code: 'HZ-01', name: 'again' })).statusCode).toBe(409);
    expect((await post('/api/venues', { code: 'bad code', name: 'x' })).statusCode).toBe(400);
    expect((await get('/api/venues')).json().map((x: { code: string }) => x.code)).toContain('HZ-01');

    expect((await get('/api/settings')).json()).toMatchObject({ currency: 'CNY', currencyDecimals: 2 });
    // A manager may read settings but not change them.
    expect((await app.inject({ method: 'PUT', url: '/api/settings', headers: { cookie }, payload: { name: 'x' } })).statusCode).toBe(403);
    const put = (payload: unknown) => app.inject({ method: 'PUT', url: '/api/settings', headers: { cookie: adminCookie }, payload: payload as object });
    const ok = await put({ name: 'Lakeside Hotels', timeZone: 'Asia/Shanghai', locale: 'en' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Lakeside Hotels', timeZone: 'Asia/Shanghai', locale: 'en' });
    expect((await put({ timeZone: 'Mars/Olympus' })).statusCode).toBe(400);
    // Orders exist (from the 360 test): the currency of stored amounts cannot change.
    expect((await put({ currency: 'USD' })).statusCode).toBe(409);
    await put({ timeZone: 'UTC' });
  });
});
