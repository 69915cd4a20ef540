import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { saveOrders } from '../../storage/orders.repo.js';
import { PatronError } from '../errors.js';
import type { OrderInput } from '../orders/order-input.js';
import { dayNumber } from '../time.js';
import { getMemberView } from './members.js';
import { redeem } from './operations.js';
import { accrueForOrder, accrueForOrders } from './orders.js';
import { putTier, updateProgramme } from './programmes.js';
import { attributeReferralTx, referralCodeFor, referralTreeOf } from './referrals.js';
import { rebuildLedger } from './reports.js';
import { at, newMember, setupProgramme, wc, type Fixture } from './test-fixtures.js';
import { runTiers } from './tiers.js';

function order(externalId: string, customer: string, venue: string, amountMinor: number, over: Partial<OrderInput> = {}): OrderInput {
  const localDate = (over.orderedAt ?? '2024-06-01T10:00:00.000Z').slice(0, 10);
  return {
    externalId,
    customer: { externalId: customer },
    venueCode: venue,
    kind: amountMinor < 0 ? 'return' : 'sale',
    returnsExternalId: null,
    status: 'completed',
    orderedAt: '2024-06-01T10:00:00.000Z',
    localDate,
    day: dayNumber(localDate),
    channel: null,
    paymentMethod: null,
    discountMinor: 0,
    lines: [{ sku: 'SKU-ROOM', description: null, category: 'rooms', quantity: 1, unitPrice: null, lineTotalMinor: amountMinor, discountMinor: 0, unitCostMinor: null }],
    ...over,
  };
}

async function orderId(db: Db, externalId: string): Promise<number> {
  return (await db.kysely.selectFrom('orders').select('id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).id;
}

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof PatronError && e.code === code);
}

describeEachDialect('loyalty from orders, referrals and tiers', (dialect) => {
  let db: Db;
  let f: Fixture;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    f = await setupProgramme(db, { referrerPoints: 300, refereePoints: 200 });
  });
  afterAll(async () => {
    await db?.close();
  });

  const save = (o: OrderInput) => saveOrders(db.kysely, [o]);
  const pointsOf = async (memberId: number) => (await getMemberView(db, memberId, null)).balance.points;

  it('earns from a sale, re-earns an edited one, takes back returns in proportion, and is idempotent', async () => {
    const m = await newMember(db, f);
    const cust = m.customer.externalId;
    await save(order('S-1', cust, 'HA', 100_000));
    const id = await orderId(db, 'S-1');
    const first = await accrueForOrder(db, id, { w: wc() });
    expect(first.outcomes[0]).toMatchObject({ points: 5_000, targetPoints: 5_000, replayed: false });
    expect((await accrueForOrder(db, id, { w: wc() })).outcomes[0]).toMatchObject({ points: 5_000, replayed: true });
    // The sale is corrected to 1,200.00: 1,000 more points.
    await save(order('S-1', cust, 'HA', 120_000));
    expect((await accrueForOrder(db, id, { w: wc() })).outcomes[0]).toMatchObject({ points: 1_000, targetPoints: 6_000 });
    // A third is returned: a third of 6,000 goes back.
    await save(order('S-1-R', cust, 'HA', -40_000, { returnsExternalId: 'S-1' }));
    const ret = await accrueForOrder(db, await orderId(db, 'S-1-R'), { w: wc() });
    expect(ret.outcomes[0]).toMatchObject({ points: -2_000, targetPoints: 4_000 });
    expect(await pointsOf(m.id)).toBe(4_000);
    // Cancelling the whole sale takes back the rest.
    await save(order('S-1', cust, 'HA', 120_000, { status: 'cancelled' }));
    expect((await accrueForOrder(db, id, { w: wc() })).outcomes[0]).toMatchObject({ points: -4_000, targetPoints: 0 });
    expect(await pointsOf(m.id)).toBe(0);
  });

  it('cannot take back points already spent: the shortfall is recorded, the balance stays at zero', async () => {
    const m = await newMember(db, f);
    const cust = m.customer.externalId;
    await save(order('S-2', cust, 'HA', 20_000));
    await accrueForOrder(db, await orderId(db, 'S-2'), { w: wc() }); // 1,000 points
    await redeem(db, { key: 'spent-1', member: { memberId: m.id }, points: 800 }, at(f.hotelB.id));
    await save(order('S-2', cust, 'HA', 20_000, { status: 'returned' }));
    const r = await accrueForOrder(db, await orderId(db, 'S-2'), { w: wc() });
    expect(r.outcomes[0]).toMatchObject({ points: -200, shortfall: 800 });
    expect(await pointsOf(m.id)).toBe(0);
  });

  it('accrues a batch of saved orders for the order path', async () => {
    const m = await newMember(db, f);
    await saveOrders(db.kysely, [order('B-1', m.customer.externalId, 'HA', 2_000), order('B-2', m.customer.externalId, 'HB', 4_000)]);
    const r = await accrueForOrders(db, ['B-1', 'B-2', 'NO-SUCH'], wc());
    expect(r.failed).toEqual([]);
    expect(r.accrued.map((a) => a.outcomes[0]!.points)).toEqual([100, 200]);
    expect((await accrueForOrders(db, ['B-1', 'B-2'], wc())).accrued.every((a) => a.outcomes[0]!.replayed)).toBe(true);
  });

  it('skips what it cannot attribute', async () => {
    await saveOrders(db.kysely, [{ ...order('ANON-1', 'x', 'HA', 1_000), customer: null }]);
    expect((await accrueForOrder(db, await orderId(db, 'ANON-1'))).skipped).toBe('anonymous sale');
    const m = await newMember(db, f);
    await save(order('SHOP-1', m.customer.externalId, 'SC', 1_000));
    expect((await accrueForOrder(db, await orderId(db, 'SHOP-1'))).skipped).toMatch(/not a member of a programme at this venue/);
    await expectCode(accrueForOrder(db, await orderId(db, 'SHOP-1'), { scopeVenueId: f.hotelA.id }), 'NOT_FOUND');
  });

  it('applies tier category multipliers to order lines', async () => {
    await putTier(db, f.programme.id, { code: 'base', name: 'Base', rank: 0, qualifyBy: 'spend', threshold: 0, earnRateBp: 500, multipliers: [{ category: 'spa', multiplierBp: 30_000 }] }, wc());
    const m = await newMember(db, f);
    const o = order('SPA-1', m.customer.externalId, 'HA', 0, {
      lines: [
        { sku: 'SPA-60', description: null, category: 'spa', quantity: 1, unitPrice: null, lineTotalMinor: 10_000, discountMinor: 0, unitCostMinor: null },
        { sku: 'TEA', description: null, category: 'drinks', quantity: 1, unitPrice: null, lineTotalMinor: 2_000, discountMinor: 0, unitCostMinor: null },
      ],
    });
    await save({ ...o, kind: 'sale' });
    // spa 10,000 x 3 x 5 % = 1,500; drinks 2,000 x 5 % = 100.
    expect((await accrueForOrder(db, await orderId(db, 'SPA-1'), { w: wc() })).outcomes[0]!.points).toBe(1_600);
  });

  it('rewards referrer and referee on the first order, once, and reverses if it is returned', async () => {
    const referrer = await newMember(db, f);
    const code = await referralCodeFor(db, referrer.customer.id, wc());
    const friend = await newMember(db, f);
    await expectCode(attributeReferralTx(db, referrer.customer.id, code, wc()), 'VALIDATION'); // themselves
    expect(await attributeReferralTx(db, friend.customer.id, code, wc())).toEqual({ referrerId: referrer.customer.id, attributed: true });
    expect(await attributeReferralTx(db, friend.customer.id, code, wc())).toEqual({ referrerId: referrer.customer.id, attributed: false });
    // A loop is refused: the friend's code cannot refer the referrer.
    const friendCode = await referralCodeFor(db, friend.customer.id, wc());
    await expectCode(attributeReferralTx(db, referrer.customer.id, friendCode, wc()), 'VALIDATION');

    await save(order('F-1', friend.customer.externalId, 'HB', 10_000, { orderedAt: '2024-06-02T10:00:00.000Z' }));
    const a = await accrueForOrder(db, await orderId(db, 'F-1'), { w: wc() });
    expect(a.outcomes[0]!.referral).toMatchObject({ referee: { result: { points: 200 } }, referrer: { result: { points: 300 } }, reversed: false });
    expect(await pointsOf(friend.id)).toBe(500 + 200);
    expect(await pointsOf(referrer.id)).toBe(300);
    // A second order earns points but no second reward.
    await save(order('F-2', friend.customer.externalId, 'HB', 10_000, { orderedAt: '2024-06-03T10:00:00.000Z' }));
    expect((await accrueForOrder(db, await orderId(db, 'F-2'), { w: wc() })).outcomes[0]!.referral).toBeNull();
    // Too late to attribute a customer with two orders to someone else.
    const other = await newMember(db, f);
    const otherCode = await referralCodeFor(db, other.customer.id, wc());
    await expectCode(attributeReferralTx(db, friend.customer.id, otherCode, wc()), 'CONFLICT');
    const regular = await newMember(db, f);
    await save(order('REG-1', regular.customer.externalId, 'HA', 1_000));
    await save(order('REG-2', regular.customer.externalId, 'HA', 1_000));
    await expect(attributeReferralTx(db, regular.customer.id, otherCode, wc())).rejects.toThrow(/referrals are attributed at sign-up or first order/);

    // The first order comes back in full: its points and both rewards are reversed.
    await save(order('F-1', friend.customer.externalId, 'HB', 10_000, { orderedAt: '2024-06-02T10:00:00.000Z', status: 'returned' }));
    const r = await accrueForOrder(db, await orderId(db, 'F-1'), { w: wc() });
    expect(r.outcomes[0]).toMatchObject({ points: -500, referral: { reversed: true } });
    expect(await pointsOf(friend.id)).toBe(500); // F-2's points remain
    expect(await pointsOf(referrer.id)).toBe(0);
    // Running it again changes nothing.
    await accrueForOrder(db, await orderId(db, 'F-1'), { w: wc() });
    expect(await pointsOf(referrer.id)).toBe(0);

    const tree = await referralTreeOf(db, referrer.customer.id);
    // F-1 returned (status returned: not completed), F-2 completed 100.00.
    expect(tree.referredValueMinor).toBe(10_000);
    expect(tree.root).toMatchObject({ directReferrals: 1, referredValueMinor: 10_000 });
    expect((await rebuildLedger(db, { repair: false }, wc())).ok).toBe(true);
  });

  it('reviews tiers on a rolling window: upgrades, downgrades, and is idempotent per day', async () => {
    const p = await updateProgramme(db, f.programme.id, { tierWindowDays: 365 }, wc());
    await putTier(db, p.id, { code: 'gold', name: 'Gold', rank: 1, qualifyBy: 'spend', threshold: 500_000, earnRateBp: 800 }, wc());
    const m = await newMember(db, f);
    await save(order('BIG-1', m.customer.externalId, 'HA', 600_000, { orderedAt: '2024-03-01T10:00:00.000Z' }));
    const now = '2024-06-30T12:00:00.000Z';
    const up = await runTiers(db, p.id, dayNumber('2024-06-30'), wc(now));
    expect(up.changes.find((c) => c.memberId === m.id)).toMatchObject({ from: 'base', to: 'gold', spendMinor: 600_000 });
    const again = await runTiers(db, p.id, dayNumber('2024-06-30'), wc(now));
    expect(again.changes.find((c) => c.memberId === m.id)).toBeUndefined();
    expect((await getMemberView(db, m.id, null)).tier?.code).toBe('gold');
    // A year after the sale it has left the window: back to base.
    const later = '2025-03-05T12:00:00.000Z';
    const down = await runTiers(db, p.id, dayNumber('2025-03-05'), wc(later));
    expect(down.changes.find((c) => c.memberId === m.id)).toMatchObject({ from: 'gold', to: 'base' });
    expect(down.downgraded).toBeGreaterThanOrEqual(1);
    await expectCode(runTiers(db, p.id, dayNumber('2030-01-01'), wc(later)), 'VALIDATION');
  });
});
