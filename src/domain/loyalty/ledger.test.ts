import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { dayNumber } from '../time.js';
import { getMemberView, lookupMembers, replaceCard, setCardState } from './members.js';
import { accrue, adjust, cashOut, expirePoints, quote, redeem, refund, spend, topUp } from './operations.js';
import { liabilityReport, memberStatement, rebuildLedger, settlementStatement } from './reports.js';
import { at, newMember, setupProgramme, T0, wc, type Fixture } from './test-fixtures.js';
import { isValidCardNumber } from './rules.js';

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof PatronError && e.code === code);
}

describeEachDialect('loyalty ledger', (dialect) => {
  let db: Db;
  let f: Fixture;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    f = await setupProgramme(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('accrues 5 % of spend and redeems points as cash, oldest first', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    expect(isValidCardNumber(card)).toBe(true);
    const a = await accrue(db, { key: 'a1', member: { card }, amountMinor: 12_345 }, at(f.hotelA.id));
    // floor(12345 * 5 %) = 617 points (rounded down: never a point not earned).
    expect(a.result.points).toBe(617);
    expect(a.result.balance!.points).toBe(617);
    const r = await redeem(db, { key: 'r1', member: { card }, points: 600 }, at(f.hotelA.id));
    expect(r.result.points).toBe(-600);
    expect(r.result.valueMinor).toBe(600);
    expect(r.result.balance!.points).toBe(17);
    await expectCode(redeem(db, { key: 'r2', member: { card }, points: 18 }, at(f.hotelA.id)), 'INSUFFICIENT_FUNDS');
    const v = await getMemberView(db, m.id, null);
    expect(v.balance.points).toBe(17);
  });

  it('answers a retry with the original result and refuses a reused key with other content', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    const first = await accrue(db, { key: 'k-1', member: { card }, amountMinor: 10_000 }, at(f.hotelA.id));
    const again = await accrue(db, { key: 'k-1', member: { card }, amountMinor: 10_000 }, at(f.hotelA.id));
    expect(again.replayed).toBe(true);
    expect(again.txnId).toBe(first.txnId);
    expect(again.result).toEqual(first.result);
    await expectCode(accrue(db, { key: 'k-1', member: { card }, amountMinor: 10_001 }, at(f.hotelA.id)), 'CONFLICT');
    expect((await getMemberView(db, m.id, null)).balance.points).toBe(500);
  });

  it('tops up with a bonus kept apart, spends paid money first, never below zero, cashes out', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    const t = await topUp(db, { key: 't1', member: { card }, paidMinor: 100_000 }, at(f.hotelA.id));
    expect(t.result.bonusMinor).toBe(10_000);
    expect(t.result.balance).toMatchObject({ svPaidMinor: 100_000, svBonusMinor: 10_000, svTotalMinor: 110_000 });
    const s = await spend(db, { key: 's1', member: { card }, amountMinor: 105_000 }, at(f.hotelB.id));
    expect(s.result).toMatchObject({ paidMinor: 100_000, bonusMinor: 5_000 });
    // Paid in at A, spent at B: A owes B the face value (settlement share 100 %).
    expect(s.result.settlement).toEqual([{ debtorVenueId: f.hotelA.id, creditorVenueId: f.hotelB.id, faceMinor: 105_000, valueMinor: 105_000 }]);
    await expectCode(spend(db, { key: 's2', member: { card }, amountMinor: 5_001 }, at(f.hotelB.id)), 'INSUFFICIENT_FUNDS');
    // Refund 6,000 of the spend: last taken first, so the 5,000 bonus and then 1,000 paid go back.
    const rf = await refund(db, { key: 'rf1', txnId: s.txnId, amountMinor: 6_000 }, at(f.hotelB.id));
    expect(rf.result.balance).toMatchObject({ svPaidMinor: 1_000, svBonusMinor: 10_000 });
    await expectCode(refund(db, { key: 'rf2', txnId: s.txnId, amountMinor: 100_000 }, at(f.hotelB.id)), 'VALIDATION');
    const co = await cashOut(db, { key: 'co1', member: { card } }, at(f.hotelA.id));
    expect(co.result).toMatchObject({ paidOutMinor: 1_000, forfeitedBonusMinor: 10_000 });
    expect(co.result.balance).toMatchObject({ svPaidMinor: 0, svBonusMinor: 0 });
  });

  it('settles points earned at one hotel and redeemed at the other, and reverses on refund', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    await accrue(db, { key: 'x1', member: { card }, amountMinor: 20_000 }, at(f.hotelA.id)); // 1,000 points at A
    await accrue(db, { key: 'x2', member: { card }, amountMinor: 10_000 }, at(f.hotelB.id)); // 500 points at B
    const r = await redeem(db, { key: 'x3', member: { card }, points: 1_200 }, at(f.hotelB.id));
    // Oldest first: 1,000 from A's lot (A owes B 1,000) and 200 from B's own lot (no settlement).
    expect(r.result.settlement).toEqual([{ debtorVenueId: f.hotelA.id, creditorVenueId: f.hotelB.id, faceMinor: 1_000, valueMinor: 1_000 }]);
    const full = await refund(db, { key: 'x4', txnId: r.txnId }, at(f.hotelB.id));
    expect(full.result.points).toBe(1_200);
    const day = dayNumber(T0.slice(0, 10));
    const st = await settlementStatement(db, f.programme.id, day, day, null);
    expect(st.pairs.every((p) => p.netAToBMinor === p.aOwesBPointsMinor + p.aOwesBStoredValueMinor - p.bOwesAPointsMinor - p.bOwesAStoredValueMinor)).toBe(true);
  });

  it('expires lots oldest first, exactly, and the job is idempotent', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    await accrue(db, { key: 'e1', member: { card }, amountMinor: 10_000 }, at(f.hotelA.id, '2024-01-10T12:00:00.000Z')); // 500, expires 2025-01-09
    await accrue(db, { key: 'e2', member: { card }, amountMinor: 4_000 }, at(f.hotelA.id, '2024-03-01T12:00:00.000Z')); // 200
    await redeem(db, { key: 'e3', member: { card }, points: 100 }, at(f.hotelA.id, '2024-04-01T12:00:00.000Z')); // from the oldest
    const later = '2025-01-10T12:00:00.000Z';
    const asOf = dayNumber('2025-01-10');
    const run = await expirePoints(db, f.programme.id, asOf, wc(later));
    expect(run.points).toBeGreaterThanOrEqual(400);
    const v = await getMemberView(db, m.id, null);
    expect(v.balance.points).toBe(200);
    const again = await expirePoints(db, f.programme.id, asOf, wc(later));
    expect(again.points).toBe(0);
  });

  it('adjusts with a reason, quotes, looks up, freezes and replaces cards keeping the balance', async () => {
    const m = await newMember(db, f, { phone: '13800000001' });
    const card = m.cards[0]!.number;
    await expectCode(adjust(db, { key: 'ad0', member: { card }, points: 50, reason: '' }, at(null)), 'VALIDATION');
    await adjust(db, { key: 'ad1', member: { card }, points: 50, reason: 'goodwill for a late room' }, at(null));
    const q = await quote(db, { member: { card }, amountMinor: 10_000 }, at(f.hotelB.id));
    expect(q).toMatchObject({ points: 500, livePoints: 50, redeemablePoints: 50 });
    expect((await lookupMembers(db, { phone: '13800000001' }, null)).map((x) => x.id)).toEqual([m.id]);
    expect(await lookupMembers(db, { phone: '13800000001' }, f.shop.id)).toEqual([]);
    await setCardState(db, card, 'frozen', 'customer asked', wc(), null);
    await expectCode(accrue(db, { key: 'fz', member: { card }, amountMinor: 100 }, at(f.hotelA.id)), 'CONFLICT');
    const rep = await replaceCard(db, card, f.hotelA.id, 'lost', wc(), null);
    expect(rep.old.status).toBe('replaced');
    const q2 = await quote(db, { member: { card: rep.card.number }, amountMinor: 100 }, at(f.hotelA.id));
    expect(q2.balance.points).toBe(50);
    // A shop outside the programme cannot see or use the card.
    await expectCode(accrue(db, { key: 'out', member: { card: rep.card.number }, amountMinor: 100 }, at(f.shop.id, T0, f.shop.id)), 'NOT_FOUND');
    await expectCode(accrue(db, { key: 'out2', member: { card: rep.card.number }, amountMinor: 100 }, at(f.shop.id)), 'FORBIDDEN');
  });

  it('keeps the ledger append-only, balanced, and its caches equal to the entries', async () => {
    await expect(db.kysely.updateTable('loyalty_entries').set({ amount: 1 }).execute()).rejects.toThrow(/append-only/);
    await expect(db.kysely.deleteFrom('loyalty_txns').execute()).rejects.toThrow(/append-only/);
    await expect(db.kysely.updateTable('loyalty_lots').set({ amount: 1 }).execute()).rejects.toThrow(/append-only/);
    const rep = await rebuildLedger(db, { repair: false }, wc());
    expect(rep.ok).toBe(true);
    expect(rep.counts.entries).toBeGreaterThan(10);
    // A cache that drifts is found and repaired from the entries.
    await sql`update loyalty_accounts set balance = balance + 7 where id = (select min(id) from loyalty_accounts where member_id is not null)`.execute(db.kysely);
    const bad = await rebuildLedger(db, { repair: false }, wc());
    expect(bad.ok).toBe(false);
    expect(bad.accountDiffs).toHaveLength(1);
    const fixed = await rebuildLedger(db, { repair: true }, wc());
    expect(fixed.repaired).toBe(1);
    expect((await rebuildLedger(db, { repair: false }, wc())).ok).toBe(true);
    const liab = await liabilityReport(db, f.programme.id, dayNumber('2030-01-01'), null);
    expect(liab.totals.points).toBeGreaterThanOrEqual(0);
  });

  it('prints a statement with running balances', async () => {
    const m = await newMember(db, f);
    const card = m.cards[0]!.number;
    await accrue(db, { key: 'st1', member: { card }, amountMinor: 2_000 }, at(f.hotelA.id));
    await topUp(db, { key: 'st2', member: { card }, paidMinor: 5_000 }, at(f.hotelA.id));
    const s = await memberStatement(db, { card }, {}, null);
    expect(s.lines.map((l) => [l.kind, l.pointsBalance, l.svBalanceMinor])).toEqual([
      ['accrue', 100, 0],
      ['topup', 100, 5_000],
    ]);
  });
});

describe('loyalty fixtures', () => {
  it('uses the fixed clock', () => {
    expect(wc().now).toBe(T0);
  });
});
