import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { insertVenue } from '../../storage/customers.repo.js';
import { bearer, testApp, TEST_NOW } from '../test-helpers.js';
import type { App } from '../types.js';

/**
 * The hotel case of DOMAIN.md section 5, end to end through the HTTP API: one VIP card with stored
 * value (充值: pay 1,000 get 1,100), points (积分: 5 % of every spend back, spendable like cash at
 * every outlet) and a VIP discount; co-branded, so valid in two hotels that share member data,
 * while a shop outside the programme sees nothing. Every expected figure is worked out by hand in
 * the comments (amounts in fen; 1 point = 1 fen).
 */
describeEachDialect('the hotel VIP card (DOMAIN.md section 5)', (dialect) => {
  let db: Db;
  let app: App;
  let admin: string;
  let frontA: string; // Hotel A front desk (rooms)
  let restA: string; // Hotel A restaurant
  let frontB: string; // Hotel B front desk
  let shop: string; // a shop outside the programme
  const v: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    const now = TEST_NOW.toISOString();
    for (const [code, name] of [['HA', 'Hotel A rooms'], ['HA-REST', 'Hotel A restaurant'], ['HB', 'Hotel B rooms'], ['SHOP', 'Street shop']]) {
      v[code] = (await insertVenue(db.kysely, { code, name, kind: 'hotel', city: null, createdAt: now })).id;
    }
    admin = (await bearer(db, 'admin')).authorization;
    frontA = (await bearer(db, 'staff', v.HA!)).authorization;
    restA = (await bearer(db, 'staff', v['HA-REST']!)).authorization;
    frontB = (await bearer(db, 'staff', v.HB!)).authorization;
    shop = (await bearer(db, 'staff', v.SHOP!)).authorization;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, authorization: string, payload?: object, expected = [200, 201]) => {
    const res = await app.inject({ method, url, headers: { authorization }, payload });
    expect(expected, `${method} ${url}: ${res.body}`).toContain(res.statusCode);
    return res.json();
  };

  it('runs a guest through both hotels and settles between them', async () => {
    // The programme: both hotels' outlets, 5 % back, 1 point = 1 fen, pay 1,000 get 1,100; a VIP tier
    // for guests who spent 500 yuan in the last 12 months gets 10 % off.
    await call('POST', '/api/loyalty/programmes', admin, {
      code: 'TWIN',
      name: 'Twin hotels VIP card',
      venueCodes: ['HA', 'HA-REST', 'HB'],
      earnRateBp: 500,
      pointValueMinor: 1,
      pointsExpiryDays: 730,
      topupBonuses: [{ minPaidMinor: 100_000, bonusMinor: 10_000 }],
    });
    await call('PUT', '/api/loyalty/programmes/TWIN/tiers/member', admin, { name: 'Member', rank: 0, qualifyBy: 'spend', threshold: 0, earnRateBp: 500 });
    await call('PUT', '/api/loyalty/programmes/TWIN/tiers/vip', admin, { name: 'VIP', rank: 1, qualifyBy: 'spend', threshold: 50_000, earnRateBp: 500, discountBp: 1_000 });

    // Check-in at Hotel A: the guest becomes a member and tops up 1,000 yuan -> 1,100 on the card.
    const guest = await call('POST', '/api/customers', frontA, { externalId: 'G-1', name: 'Wang Fang', phone: '13912345678' });
    const member = await call('POST', '/api/loyalty/members', frontA, { programme: 'TWIN', customerId: guest.id });
    const card = member.cards[0].number as string;
    expect(member.tier.code).toBe('member');
    const top = await call('POST', '/api/loyalty/topups', frontA, { idempotencyKey: 'A-top-1', card, paidMinor: 100_000 });
    expect(top.balance).toMatchObject({ svPaidMinor: 100_000, svBonusMinor: 10_000 });

    // Two nights, 800 yuan, paid from the card (paid-in money first); the stay earns 5 %: 4,000 points.
    await call('POST', '/api/orders', frontA, { externalId: 'A-ROOM-1', customer: { externalId: 'G-1' }, orderedAt: '2024-06-29T12:00:00Z', lines: [{ sku: 'ROOM', category: 'rooms', quantity: 2, unitPrice: '400.00' }] });
    const paidRoom = await call('POST', '/api/loyalty/spends', frontA, { idempotencyKey: 'A-pay-room-1', card, amountMinor: 80_000, reference: 'A-ROOM-1' });
    expect(paidRoom.balance).toMatchObject({ svPaidMinor: 20_000, svBonusMinor: 10_000 });
    const stay = await call('POST', '/api/loyalty/orders/A-ROOM-1/accrue', frontA);
    expect(stay.outcomes[0]).toMatchObject({ points: 4_000, targetPoints: 4_000 });

    // The nightly tier review: 800 yuan spent in 12 months >= 500, so the guest is VIP now.
    const tiers = await call('POST', '/api/loyalty/programmes/TWIN/tiers/run', admin, { asOf: '2024-06-30' });
    expect(tiers).toMatchObject({ upgraded: 1, downgraded: 0 });

    // Dinner at Hotel A's restaurant, 200 yuan: VIP 10 % off (20 yuan), 3,000 points (30 yuan) as
    // cash, the rest in cash; the 180 yuan bill earns 5 %: 900 points.
    const quote = await call('POST', '/api/loyalty/quote', restA, { card, amountMinor: 20_000 });
    expect(quote).toMatchObject({ tier: 'vip', discountMinor: 2_000, livePoints: 4_000, redeemablePoints: 4_000, spendableMinor: 18_000 });
    await call('POST', '/api/orders', restA, { externalId: 'A-DIN-1', customer: { externalId: 'G-1' }, orderedAt: '2024-06-29T19:00:00Z', discount: '20.00', lines: [{ sku: 'DINNER', category: 'dining', quantity: 1, amount: '200.00' }] });
    const red = await call('POST', '/api/loyalty/redemptions', restA, { idempotencyKey: 'A-din-pts', card, points: 3_000, reference: 'A-DIN-1' });
    expect(red).toMatchObject({ valueMinor: 3_000, balance: { points: 1_000 } });
    const dinner = await call('POST', '/api/loyalty/orders/A-DIN-1/accrue', restA);
    expect(dinner.outcomes[0].points).toBe(900);

    // Hotel B shares member data: the front desk finds the guest by phone, with the same balances.
    const found = await call('GET', '/api/loyalty/lookup?phone=13912345678', frontB);
    expect(found.members).toHaveLength(1);
    expect(found.members[0]).toMatchObject({ id: member.id, customer: { name: 'Wang Fang' }, tier: { code: 'vip' }, balance: { points: 1_900, svTotalMinor: 30_000 } });
    // ... and the shop outside the programme finds nothing and can do nothing.
    expect((await call('GET', '/api/loyalty/lookup?phone=13912345678', shop)).members).toEqual([]);
    await call('POST', '/api/loyalty/redemptions', shop, { idempotencyKey: 'shop-1', card, points: 1 }, [404]);
    await call('GET', '/api/loyalty/programmes/TWIN', shop, undefined, [404]);

    // At Hotel B: 1,500 points as cash (oldest first: 1,000 left of the stay's lot at HA, then 500
    // of the dinner's lot at HA-REST) and 250 yuan from the card (200 paid-in, then 50 bonus).
    const redB = await call('POST', '/api/loyalty/redemptions', frontB, { idempotencyKey: 'B-pts-1', card, points: 1_500 });
    expect(redB.settlement).toEqual([
      { debtorVenueId: v.HA, creditorVenueId: v.HB, faceMinor: 1_000, valueMinor: 1_000 },
      { debtorVenueId: v['HA-REST'], creditorVenueId: v.HB, faceMinor: 500, valueMinor: 500 },
    ]);
    const spendB = await call('POST', '/api/loyalty/spends', frontB, { idempotencyKey: 'B-sv-1', card, amountMinor: 25_000 });
    expect(spendB).toMatchObject({ paidMinor: 20_000, bonusMinor: 5_000, balance: { points: 400, svPaidMinor: 0, svBonusMinor: 5_000 } });
    // Stored value never goes negative.
    await call('POST', '/api/loyalty/spends', frontB, { idempotencyKey: 'B-sv-2', card, amountMinor: 5_001 }, [422]);

    // Settlement for the day: HA owes HB 1,000 (points) + 25,000 (stored value paid in at HA, spent at
    // HB); HA-REST owes HB 500; HA owes HA-REST 3,000 (points earned at the front desk, taken at dinner).
    const st = await call('GET', '/api/loyalty/programmes/TWIN/settlement?from=2024-06-30&to=2024-06-30', admin);
    const pair = (a: string, b: string) => st.pairs.find((p: { venueA: { code: string }; venueB: { code: string } }) => p.venueA.code === a && p.venueB.code === b);
    expect(pair('HA', 'HB')).toMatchObject({ aOwesBPointsMinor: 1_000, aOwesBStoredValueMinor: 25_000, bOwesAPointsMinor: 0, netAToBMinor: 26_000 });
    expect(pair('HA-REST', 'HB')).toMatchObject({ aOwesBPointsMinor: 500, netAToBMinor: 500 });
    expect(pair('HA', 'HA-REST')).toMatchObject({ aOwesBPointsMinor: 3_000, netAToBMinor: 3_000 });
    // Hotel B's own staff see only the pairs that involve Hotel B.
    const stB = await call('GET', '/api/loyalty/programmes/TWIN/settlement?from=2024-06-30&to=2024-06-30', frontB);
    expect(stB.pairs).toHaveLength(2);

    // Finance: 400 points (4 yuan, all from the dinner's lot) and 50 yuan of bonus remain outstanding.
    const liab = await call('GET', '/api/loyalty/programmes/TWIN/liability?asOf=2024-06-30', admin);
    expect(liab.totals).toEqual({ points: 400, pointsValueMinor: 400, svPaidMinor: 0, svBonusMinor: 5_000, totalMinor: 5_400 });
    expect(liab.rows.find((r: { venueCode: string }) => r.venueCode === 'HA-REST')).toMatchObject({ age: '0-30', points: 400 });

    // The statement tells the whole story, ending on the same balances.
    const stmt = await call('GET', `/api/loyalty/members/${member.id}/statement`, frontB);
    expect(stmt.lines.map((l: { kind: string }) => l.kind)).toEqual(['topup', 'spend', 'accrue', 'redeem', 'accrue', 'redeem', 'spend']);
    expect(stmt.closing).toEqual({ points: 400, svMinor: 5_000 });
  });
});
