import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { expectedIds, seedListFixture, type ListFixture } from '../../domain/customers/test-fixtures.js';
import type { Db } from '../../storage/db.js';
import { bearer, signIn, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

describeEachDialect('customer list, export and loyalty routes', (dialect) => {
  let db: Db;
  let app: App;
  let fx: ListFixture;
  let marketing: string;
  let staff: string;
  let service: string;
  let tillNorth: string;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    fx = await seedListFixture(db, 120, 5);
    marketing = (await signIn(app, db, 'marketing', 'mia')).cookie;
    staff = (await bearer(db, 'staff')).authorization;
    service = (await bearer(db, 'service')).authorization;
    tillNorth = (await bearer(db, 'staff', fx.venues.north)).authorization;
    admin = (await bearer(db, 'admin')).authorization;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const get = (url: string, auth: string) => app.inject({ method: 'GET', url, headers: auth.startsWith('Bearer') ? { authorization: auth } : { cookie: auth } });

  async function ids(url: string, auth: string): Promise<number[]> {
    const out: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`${url}${url.includes('?') ? '&' : '?'}limit=9${cursor ? `&cursor=${cursor}` : ''}`, auth);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: { id: number }[]; nextCursor: string | null };
      out.push(...body.items.map((c) => c.id));
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  }

  it('filters by query parameters, repeated for alternatives', async () => {
    expect(await ids('/api/customers?rfmSegment=champions&rfmSegment=loyal', marketing)).toEqual(expectedIds(fx, { rfmSegment: ['champions', 'loyal'] }));
    expect(await ids('/api/customers?tag=vip', marketing)).toEqual(expectedIds(fx, { tag: ['vip'] }));
    expect(await ids(`/api/customers?tag=${encodeURIComponent('企业客户')}&abc=A&abc=B`, marketing)).toEqual(expectedIds(fx, { tag: ['企业客户'], abc: ['A', 'B'] }));
    expect(await ids('/api/customers?revenueMin=20000&revenueMax=150000&churn=not-at-risk', marketing)).toEqual(
      expectedIds(fx, { revenueMin: 20_000, revenueMax: 150_000, churn: 'not-at-risk' }),
    );
    expect(await ids(`/api/customers?loyaltyTier=${fx.tiers.gold}&venue=${fx.venues.south}&decile=1&decile=2&decile=3&decile=4&decile=5`, marketing)).toEqual(
      expectedIds(fx, { loyaltyTier: [fx.tiers.gold], venue: fx.venues.south, decile: [1, 2, 3, 4, 5] }),
    );
    expect(await ids('/api/customers?clvMin=10000&q=cust', marketing)).toEqual(expectedIds(fx, { clvMin: 10_000, q: 'cust' }));
    const page = (await get('/api/customers?valueTier=gold&limit=3', marketing)).json();
    expect(page.basis).toEqual({ snapshot: { id: fx.snapshotId, asOf: '2024-06-29' } });
    expect(page.items).toHaveLength(3);
  });

  it('answers 400 to unknown values and bad ranges', async () => {
    for (const url of ['/api/customers?rfmSegment=nope', '/api/customers?decile=11', '/api/customers?churn=maybe', '/api/customers?revenueMin=5&revenueMax=1', '/api/customers?churnRiskMin=2']) {
      const res = await get(url, marketing);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
  });

  it('keeps value filters for analytics:read, and a venue-bound principal to its venue', async () => {
    const seg = await get('/api/customers?rfmSegment=champions', staff);
    expect(seg.statusCode).toBe(403);
    expect(seg.json().error.message).toMatch(/analytics:read/);
    expect(await ids('/api/customers?tag=wine', staff)).toEqual(expectedIds(fx, { tag: ['wine'] }));
    // A till at NORTH lists NORTH's customers, even without a filter, and may not ask for another venue.
    expect(await ids('/api/customers', tillNorth)).toEqual(expectedIds(fx, {}, fx.venues.north));
    expect(await ids('/api/customers?tag=vip', tillNorth)).toEqual(expectedIds(fx, { tag: ['vip'] }, fx.venues.north));
    expect((await get(`/api/customers?venue=${fx.venues.east}`, tillNorth)).statusCode).toBe(403);
    const opts = (await get('/api/customers/filter-options', tillNorth)).json();
    expect(opts.venues.map((v: { code: string }) => v.code)).toEqual(['NORTH']);
    expect(opts.scopeVenueId).toBe(fx.venues.north);
    expect((await get('/api/customers/filter-options', marketing)).json().loyaltyTiers).toHaveLength(3);
  });

  it('exports the filtered list as a CSV download, for customers:export only, and audits it', async () => {
    const res = await get('/api/customers/export?tag=tea&q=cust', marketing);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customers-\d{8}\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['id', 'external_id', 'name']);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(expectedIds(fx, { tag: ['tea'], q: 'cust' }));
    expect(lines[0]).toContain('predicted_clv');

    const capped = await get('/api/customers/export?limit=4', marketing);
    expect(capped.body.split('\r\n').filter(Boolean)).toHaveLength(5);
    expect(capped.headers['x-patron-export-limit']).toBe('4');

    for (const who of [staff, service]) expect((await get('/api/customers/export', who)).statusCode).toBe(403);
    expect((await get('/api/customers/export?rfmSegment=nope', marketing)).statusCode).toBe(400);

    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'export').where('entity', '=', 'customer').orderBy('id').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    const detail = JSON.parse(audit[0]!.detail!);
    expect(detail.filters).toEqual(['q', 'tag']);
    // Names of filters, never their values (a search may be a phone number).
    expect(audit[0]!.detail).not.toContain('cust');
  });

  it("shows a customer's memberships, cards, balances and referrals made", async () => {
    const call = (method: 'POST' | 'PUT', url: string, payload: object) => app.inject({ method, url, headers: { authorization: admin }, payload });
    expect((await call('POST', '/api/loyalty/programmes', { code: 'HOTEL', name: 'Hotel card', venueCodes: ['NORTH'], earnRateBp: 500, pointValueMinor: 1 })).statusCode).toBe(201);
    const owner = (await call('POST', '/api/customers', { name: 'Owner', externalId: 'LOY-OWNER' })).json();
    const m = await call('POST', '/api/loyalty/members', { programme: 'HOTEL', customerId: owner.id, venueCode: 'NORTH' });
    expect(m.statusCode, m.body).toBe(201);
    const memberId = m.json().id;
    expect((await call('POST', '/api/loyalty/accruals', { idempotencyKey: 'rt-a1', memberId, amountMinor: 20_000, venueCode: 'NORTH' })).statusCode).toBe(201);
    expect((await call('POST', '/api/loyalty/topups', { idempotencyKey: 'rt-t1', memberId, paidMinor: 50_000, venueCode: 'NORTH' })).statusCode).toBe(201);
    const friend = (await call('POST', '/api/customers', { name: 'Friend', referredBy: owner.id })).json();
    await call('POST', '/api/customers', { name: 'Friend 2', referredBy: owner.id });
    const order = await call('POST', '/api/orders', {
      externalId: 'REF-O1',
      customer: { externalId: friend.externalId },
      orderedAt: '2024-06-01T10:00:00+08:00',
      lines: [{ description: 'Tea', quantity: 1, unitPrice: '88.00' }],
    });
    expect(order.statusCode, order.body).toBe(201);

    const res = await get(`/api/customers/${owner.id}/loyalty`, marketing);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.memberships).toHaveLength(1);
    const ms = body.memberships[0];
    expect(ms.programme.code).toBe('HOTEL');
    expect(ms.cards).toHaveLength(1);
    expect(ms.cards[0].status).toBe('active');
    // 5 % of 200.00 = 1,000 points; 500.00 paid in.
    expect(ms.balance).toMatchObject({ points: 1000, svPaidMinor: 50_000, svTotalMinor: 50_000 });
    expect(body.referrals.total).toBe(2);
    expect(body.referrals.items.map((r: { name: string }) => r.name)).toEqual(['Friend', 'Friend 2']);
    expect(body.referrals.valueMinor).toBe(8800);
    expect(body.referrals.items[0]).toMatchObject({ orders: 1, valueMinor: 8800 });

    // A till at a venue outside the programme sees no membership; an unknown customer is 404.
    const east = (await bearer(db, 'staff', fx.venues.east)).authorization;
    expect((await get(`/api/customers/${owner.id}/loyalty`, east)).json().memberships).toEqual([]);
    expect((await get(`/api/customers/${owner.id}/loyalty`, tillNorth)).json().memberships).toHaveLength(1);
    expect((await get('/api/customers/999999/loyalty', marketing)).statusCode).toBe(404);
    // A customer without memberships: an honest empty answer.
    const none = (await get(`/api/customers/${friend.id}/loyalty`, marketing)).json();
    expect(none).toMatchObject({ memberships: [], referralCode: null, referrals: { total: 0, valueMinor: 0, items: [] } });
  });
});
