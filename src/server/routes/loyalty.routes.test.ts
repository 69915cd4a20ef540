import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { insertVenue } from '../../storage/customers.repo.js';
import { bearer, testApp, TEST_NOW } from '../test-helpers.js';
import type { App } from '../types.js';

describeEachDialect('loyalty routes', (dialect) => {
  let db: Db;
  let app: App;
  let admin: string;
  let posA: string;
  let posB: string;
  let posShop: string;
  let venueA: number;
  let venueB: number;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    const now = TEST_NOW.toISOString();
    venueA = (await insertVenue(db.kysely, { code: 'HA', name: 'Hotel A', kind: 'hotel', city: null, createdAt: now })).id;
    venueB = (await insertVenue(db.kysely, { code: 'HB', name: 'Hotel B', kind: 'hotel', city: null, createdAt: now })).id;
    const shop = (await insertVenue(db.kysely, { code: 'SC', name: 'Shop', kind: 'outlet', city: null, createdAt: now })).id;
    admin = (await bearer(db, 'admin')).authorization;
    posA = (await bearer(db, 'staff', venueA)).authorization;
    posB = (await bearer(db, 'staff', venueB)).authorization;
    posShop = (await bearer(db, 'staff', shop)).authorization;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, authorization: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization }, payload });

  it('runs a point-of-sale day: enrol, accrue, quote, redeem, top up, spend, refund, with replays', async () => {
    const created = await call('POST', '/api/loyalty/programmes', admin, {
      code: 'VIP',
      name: 'Co-branded VIP',
      venueCodes: ['HA', 'HB'],
      earnRateBp: 500,
      pointsExpiryDays: 365,
      topupBonuses: [{ minPaidMinor: 100_000, bonusMinor: 10_000 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const tier = await call('PUT', '/api/loyalty/programmes/VIP/tiers/gold', admin, { name: 'Gold', rank: 1, qualifyBy: 'spend', threshold: 500_000, earnRateBp: 800, discountBp: 1000 });
    expect(tier.statusCode, tier.body).toBe(200);

    const cust = await call('POST', '/api/customers', admin, { name: 'Li Lei', phone: '13900000000' });
    expect(cust.statusCode, cust.body).toBe(201);
    const enrol = await call('POST', '/api/loyalty/members', posA, { programme: 'VIP', customerId: cust.json().id });
    expect(enrol.statusCode, enrol.body).toBe(201);
    const card = enrol.json().cards[0].number as string;

    const found = await call('GET', '/api/loyalty/lookup?phone=13900000000', posB);
    expect(found.json().members.map((m: { id: number }) => m.id)).toEqual([enrol.json().id]);
    // Staff of a venue outside the programme see nothing of it.
    expect((await call('GET', '/api/loyalty/lookup?phone=13900000000', posShop)).json().members).toEqual([]);
    expect((await call('GET', `/api/loyalty/cards/${card}`, posShop)).statusCode).toBe(404);
    expect((await call('POST', '/api/loyalty/accruals', posShop, { idempotencyKey: 'shop-1', card, amountMinor: 100 })).statusCode).toBe(404);
    // A venue-bound token cannot act at another venue.
    expect((await call('POST', '/api/loyalty/accruals', posA, { idempotencyKey: 'a-x', card, amountMinor: 100, venueCode: 'HB' })).statusCode).toBe(403);

    const acc = await call('POST', '/api/loyalty/accruals', posA, { idempotencyKey: 'a-1', card, amountMinor: 200_000, reference: 'R-1' });
    expect(acc.statusCode, acc.body).toBe(201);
    expect(acc.json()).toMatchObject({ kind: 'accrue', points: 10_000, balance: { points: 10_000 } });
    const retry = await call('POST', '/api/loyalty/accruals', posA, { idempotencyKey: 'a-1', card, amountMinor: 200_000, reference: 'R-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(acc.json());
    const clash = await call('POST', '/api/loyalty/accruals', posA, { idempotencyKey: 'a-1', card, amountMinor: 1, reference: 'R-1' });
    expect(clash.statusCode).toBe(409);

    const q = await call('POST', '/api/loyalty/quote', posB, { card, amountMinor: 5_000 });
    expect(q.statusCode, q.body).toBe(200);
    expect(q.json()).toMatchObject({ points: 250, redeemablePoints: 5_000, livePoints: 10_000 });

    const red = await call('POST', '/api/loyalty/redemptions', posB, { idempotencyKey: 'r-1', card, points: 4_000 });
    expect(red.statusCode, red.body).toBe(201);
    expect(red.json()).toMatchObject({ valueMinor: 4_000, balance: { points: 6_000 } });
    const tooMuch = await call('POST', '/api/loyalty/redemptions', posB, { idempotencyKey: 'r-2', card, points: 6_001 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('INSUFFICIENT_FUNDS');

    const top = await call('POST', '/api/loyalty/topups', posA, { idempotencyKey: 't-1', card, paidMinor: 100_000 });
    expect(top.json()).toMatchObject({ bonusMinor: 10_000, balance: { svTotalMinor: 110_000 } });
    const sp = await call('POST', '/api/loyalty/spends', posB, { idempotencyKey: 's-1', card, amountMinor: 30_000 });
    expect(sp.statusCode, sp.body).toBe(201);
    // Refunding happens where the spend happened.
    expect((await call('POST', '/api/loyalty/refunds', posA, { idempotencyKey: 'rf-1', txnId: sp.json().txnId })).statusCode).toBe(403);
    const rf = await call('POST', '/api/loyalty/refunds', posB, { idempotencyKey: 'rf-1', txnId: sp.json().txnId, amountMinor: 10_000 });
    expect(rf.statusCode, rf.body).toBe(201);
    expect(rf.json().balance.svTotalMinor).toBe(90_000);

    const adj = await call('POST', '/api/loyalty/adjustments', posA, { idempotencyKey: 'adj-1', card, points: -1_000, reason: 'duplicate accrual at check-in' });
    expect(adj.json().balance.points).toBe(5_000);

    const st = await call('GET', `/api/loyalty/members/${enrol.json().id}/statement`, posA);
    expect(st.statusCode, st.body).toBe(200);
    expect(st.json().closing).toEqual({ points: 5_000, svMinor: 90_000 });

    const day = TEST_NOW.toISOString().slice(0, 10);
    const set = await call('GET', `/api/loyalty/programmes/VIP/settlement?from=${day}&to=${day}`, admin);
    expect(set.statusCode, set.body).toBe(200);
    // Points: 4,000 earned at A redeemed at B; stored value: 30,000 - 10,000 paid in at A spent at B.
    expect(set.json().pairs).toEqual([
      expect.objectContaining({ venueA: { id: venueA, code: 'HA' }, venueB: { id: venueB, code: 'HB' }, aOwesBPointsMinor: 4_000, aOwesBStoredValueMinor: 20_000, netAToBMinor: 24_000 }),
    ]);
    const liab = await call('GET', `/api/loyalty/programmes/VIP/liability?asOf=${day}`, admin);
    expect(liab.json().totals).toMatchObject({ points: 5_000, svPaidMinor: 80_000, svBonusMinor: 10_000 });
  });

  it('accrues stored orders through the order path, reverses returns, and rewards referrals', async () => {
    const referrer = await call('POST', '/api/customers', admin, { externalId: 'REF-1', name: 'Han Meimei' });
    await call('POST', '/api/loyalty/members', posA, { programme: 'VIP', customerId: referrer.json().id });
    const code = (await call('POST', `/api/loyalty/referral-codes/${referrer.json().id}`, posA)).json().code as string;
    await call('PATCH', '/api/loyalty/programmes/VIP', admin, { referrerPoints: 300, refereePoints: 200 });

    const friend = await call('POST', '/api/customers', admin, { externalId: 'FRIEND-1', name: 'Lin Tao' });
    const m = await call('POST', '/api/loyalty/members', posA, { programme: 'VIP', customerId: friend.json().id, referralCode: code });
    expect(m.json().customer.referredBy).toBe(referrer.json().id);

    const order = await call('POST', '/api/orders', posA, {
      externalId: 'O-100',
      customer: { externalId: 'FRIEND-1' },
      orderedAt: '2024-06-30T10:00:00Z',
      lines: [{ sku: 'ROOM', quantity: 1, amount: '1000.00' }],
    });
    expect(order.statusCode, order.body).toBe(201);
    const a = await call('POST', '/api/loyalty/orders/O-100/accrue', posA);
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().outcomes[0]).toMatchObject({ points: 5_000, targetPoints: 5_000 });
    expect(a.json().outcomes[0].referral.referee.result.points).toBe(200);
    expect(a.json().outcomes[0].referral.referrer.result.points).toBe(300);
    const again = await call('POST', '/api/loyalty/orders/O-100/accrue', posA);
    expect(again.json().outcomes[0]).toMatchObject({ replayed: true, points: 5_000 });

    // Half the room returned: half the points go back.
    const ret = await call('POST', '/api/orders', posA, {
      externalId: 'O-100-R',
      customer: { externalId: 'FRIEND-1' },
      kind: 'return',
      returnsExternalId: 'O-100',
      orderedAt: '2024-06-30T11:00:00Z',
      lines: [{ sku: 'ROOM', quantity: -1, amount: '-500.00' }],
    });
    expect(ret.statusCode, ret.body).toBe(201);
    const r = await call('POST', '/api/loyalty/orders/O-100-R/accrue', posA);
    expect(r.json().outcomes[0]).toMatchObject({ points: -2_500, targetPoints: 2_500 });
    const view = await call('GET', `/api/loyalty/members/${m.json().id}`, posA);
    expect(view.json().balance.points).toBe(2_500 + 200);

    const tree = await call('GET', `/api/loyalty/referrals/${referrer.json().id}`, posA);
    expect(tree.statusCode, tree.body).toBe(200);
    // The referred customer's completed orders: 1,000.00 sale - 500.00 return.
    expect(tree.json().referredValueMinor).toBe(50_000);
  });
});
