import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertVenue } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate } from '../time.js';
import type { PostedTxn } from './ledger.js';
import { accrue, adjust, expirePoints, redeem, refund, spend, topUp, type OpContext } from './operations.js';
import { createProgramme } from './programmes.js';
import { memberStatement, rebuildLedger } from './reports.js';
import { newMember, type Fixture } from './test-fixtures.js';

/**
 * Property: for any sequence of operations (accrue, redeem, top up, spend, refund, adjust, clock
 * advance, expiry job, replays of earlier requests, reuse of a key with other content), the ledger
 * agrees with an independent in-memory model after every step: balances equal the model's, nothing
 * goes negative, a replay returns the first answer and changes nothing, expiry writes off exactly
 * the model's expired points, and at the end every cache equals its ledger sum.
 *
 * The model below re-states the rules from docs/loyalty.md in the simplest form (arrays of lots,
 * FIFO by creation, which equals expiry order because every lot lives the same number of days).
 */

const EXPIRY_DAYS = 120;
const MEMBERS = 3;
const START = '2024-01-01';

type Op =
  | { t: 'accrue'; m: number; v: number; amount: number }
  | { t: 'redeem'; m: number; v: number; points: number }
  | { t: 'topup'; m: number; v: number; paid: number }
  | { t: 'spend'; m: number; v: number; amount: number }
  | { t: 'refund'; h: number; amount: number | null }
  | { t: 'adjust'; m: number; v: number; points: number }
  | { t: 'adjustSv'; m: number; v: number; amount: number }
  | { t: 'advance'; days: number }
  | { t: 'expire' }
  | { t: 'replay'; h: number }
  | { t: 'conflict'; h: number };

const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const venue = fc.integer({ min: 0, max: 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('accrue' as const), m: member, v: venue, amount: fc.integer({ min: 0, max: 60_000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('redeem' as const), m: member, v: venue, points: fc.integer({ min: 1, max: 3_000 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('topup' as const), m: member, v: venue, paid: fc.integer({ min: 1, max: 150_000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('spend' as const), m: member, v: venue, amount: fc.integer({ min: 1, max: 60_000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('refund' as const), h: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('adjust' as const), m: member, v: venue, points: fc.integer({ min: -2_000, max: 2_000 }).filter((x) => x !== 0) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'expire' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), h: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('conflict' as const), h: fc.nat() }) },
);

// ---- the model -----------------------------------------------------------------------------------

interface MLot {
  seq: number;
  expiresDay: number;
  remaining: number;
}
interface MMember {
  lots: MLot[]; // creation order = expiry order
  paid: number;
  bonus: number;
}
interface MTxn {
  kind: 'accrue' | 'redeem' | 'spend';
  m: number;
  v: number;
  total: number; // accrue: base amount; redeem: points; spend: minor
  points: number; // accrue: points earned
  lot: MLot | null; // accrue: its lot
  takes: { lot: MLot; n: number }[]; // redeem
  paidTaken: number; // spend
  bonusTaken: number;
  refunded: number;
}

class Model {
  members: MMember[] = Array.from({ length: MEMBERS }, () => ({ lots: [], paid: 0, bonus: 0 }));
  seq = 0;
  constructor(public day: number) {}
  points(m: number) {
    return this.members[m]!.lots.reduce((s, l) => s + l.remaining, 0);
  }
  live(m: number) {
    return this.members[m]!.lots.filter((l) => l.expiresDay > this.day).reduce((s, l) => s + l.remaining, 0);
  }
  /** Lazy expiry, as every debit does first. Returns an undo for when the debit then fails (the DB rolls it back). */
  expireDue(m: number): { expired: number; undo: () => void } {
    const hit = this.members[m]!.lots.filter((l) => l.expiresDay <= this.day && l.remaining > 0).map((l) => [l, l.remaining] as const);
    for (const [l] of hit) l.remaining = 0;
    return { expired: hit.reduce((s, [, r]) => s + r, 0), undo: () => hit.forEach(([l, r]) => (l.remaining = r)) };
  }
  newLot(m: number, n: number): MLot | null {
    if (n <= 0) return null;
    const l = { seq: this.seq++, expiresDay: this.day + EXPIRY_DAYS, remaining: n };
    this.members[m]!.lots.push(l);
    return l;
  }
  takeFifo(m: number, n: number, prefer: MLot | null = null): { lot: MLot; n: number }[] {
    const live = this.members[m]!.lots.filter((l) => l.expiresDay > this.day && l.remaining > 0);
    const order = prefer && live.includes(prefer) ? [prefer, ...live.filter((l) => l !== prefer)] : live;
    const out: { lot: MLot; n: number }[] = [];
    let left = n;
    for (const l of order) {
      if (left === 0) break;
      const x = Math.min(left, l.remaining);
      l.remaining -= x;
      left -= x;
      out.push({ lot: l, n: x });
    }
    if (left !== 0) throw new Error('model: takeFifo short');
    return out;
  }
}

/** floor(whole * (before + part) / total) - floor(whole * before / total), as rules.prorate. */
function prorate(whole: number, total: number, before: number, part: number): number {
  if (total <= 0) return 0;
  return Math.floor((whole * (before + part)) / total) - Math.floor((whole * before) / total);
}

// ---- the property ---------------------------------------------------------------------------------

describeEachDialect('loyalty ledger properties', (dialect) => {
  let db: Db;
  let venues: number[];
  let run = 0;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    const now = `${START}T00:00:00.000Z`;
    venues = [
      (await insertVenue(db.kysely, { code: 'PA', name: 'A', kind: 'hotel', city: null, createdAt: now })).id,
      (await insertVenue(db.kysely, { code: 'PB', name: 'B', kind: 'hotel', city: null, createdAt: now })).id,
    ];
  });
  afterAll(async () => {
    await db?.close();
  });

  async function check(ops: Op[]): Promise<void> {
    run++;
    const now0 = `${START}T12:00:00.000Z`;
    const programme = await createProgramme(
      db,
      {
        code: `P${run}`,
        name: `property run ${run}`,
        venueCodes: ['PA', 'PB'],
        earnRateBp: 500,
        pointValueMinor: 1,
        pointsExpiryDays: EXPIRY_DAYS,
        topupBonuses: [{ minPaidMinor: 100_000, bonusMinor: 10_000 }],
      },
      { actor: 'test', now: now0 },
    );
    const f = { programme, hotelA: { id: venues[0]! }, hotelB: { id: venues[1]! } } as unknown as Fixture;
    const memberIds: number[] = [];
    for (let i = 0; i < MEMBERS; i++) memberIds.push((await newMember(db, f, { venueId: venues[0] })).id);

    const model = new Model(dayNumber(START));
    const now = () => `${dayToDate(model.day)}T12:00:00.000Z`;
    const ctx = (v: number): OpContext => ({ actor: 'prop', now: now(), venueId: venues[v]!, scopeVenueId: null });
    const history: { call: (alter: boolean) => Promise<PostedTxn>; result: PostedTxn }[] = [];
    const txns = new Map<number, MTxn>(); // by ledger txn id
    let k = 0;

    const attempt = async (call: (alter: boolean) => Promise<PostedTxn>, expectFail: boolean): Promise<PostedTxn | null> => {
      try {
        const r = await call(false);
        expect(expectFail, 'the model expected this to be refused').toBe(false);
        history.push({ call, result: r });
        return r;
      } catch (e) {
        if (!(e instanceof PatronError) || (e.code !== 'INSUFFICIENT_FUNDS' && e.code !== 'VALIDATION')) throw e;
        expect(expectFail, `the model expected success, got ${e.code}: ${e.message}`).toBe(true);
        return null;
      }
    };

    for (const op of ops) {
      const key = `k${k++}`;
      switch (op.t) {
        case 'accrue': {
          const card = { memberId: memberIds[op.m]! };
          const r = await attempt(() => accrue(db, { key, member: card, amountMinor: op.amount }, ctx(op.v)), false);
          const pts = Math.floor(op.amount / 20); // 5 % at 1 minor unit per point
          const lot = model.newLot(op.m, pts);
          expect(r!.result.points).toBe(pts);
          txns.set(r!.txnId, { kind: 'accrue', m: op.m, v: op.v, total: op.amount, points: pts, lot, takes: [], paidTaken: 0, bonusTaken: 0, refunded: 0 });
          break;
        }
        case 'redeem': {
          const { undo } = model.expireDue(op.m);
          const ok = op.points <= model.live(op.m);
          if (!ok) undo();
          const r = await attempt(() => redeem(db, { key, member: { memberId: memberIds[op.m]! }, points: op.points }, ctx(op.v)), !ok);
          if (r) txns.set(r.txnId, { kind: 'redeem', m: op.m, v: op.v, total: op.points, points: 0, lot: null, takes: model.takeFifo(op.m, op.points), paidTaken: 0, bonusTaken: 0, refunded: 0 });
          break;
        }
        case 'topup': {
          await attempt(() => topUp(db, { key, member: { memberId: memberIds[op.m]! }, paidMinor: op.paid }, ctx(op.v)), false);
          model.members[op.m]!.paid += op.paid;
          model.members[op.m]!.bonus += op.paid >= 100_000 ? 10_000 : 0;
          break;
        }
        case 'spend': {
          const mm = model.members[op.m]!;
          const ok = op.amount <= mm.paid + mm.bonus;
          const r = await attempt(() => spend(db, { key, member: { memberId: memberIds[op.m]! }, amountMinor: op.amount }, ctx(op.v)), !ok);
          if (r) {
            const paidTaken = Math.min(op.amount, mm.paid);
            mm.paid -= paidTaken;
            mm.bonus -= op.amount - paidTaken;
            txns.set(r.txnId, { kind: 'spend', m: op.m, v: op.v, total: op.amount, points: 0, lot: null, takes: [], paidTaken, bonusTaken: op.amount - paidTaken, refunded: 0 });
          }
          break;
        }
        case 'refund': {
          const ids = [...txns.keys()];
          if (ids.length === 0) break;
          const txnId = ids[op.h % ids.length]!;
          const t = txns.get(txnId)!;
          const left = t.total - t.refunded;
          const r0 = op.amount ?? left;
          const ok = r0 >= 1 && r0 <= left;
          const call = () =>
            refund(db, { key, txnId, amountMinor: t.kind === 'redeem' ? undefined : (op.amount ?? undefined), points: t.kind === 'redeem' ? (op.amount ?? undefined) : undefined }, ctx(t.v));
          if (!ok) {
            await attempt(call, true);
            break;
          }
          if (t.kind === 'accrue') {
            model.expireDue(t.m);
            const due = prorate(t.points, t.total, t.refunded, r0);
            const taken = Math.min(due, model.live(t.m));
            model.takeFifo(t.m, taken, t.lot);
            const r = await attempt(call, false);
            expect(r!.result).toMatchObject({ due, reversed: taken, shortfall: due - taken });
          } else if (t.kind === 'redeem') {
            // Last taken first; into an expired lot it expires at once.
            let skip = t.refunded;
            let left2 = r0;
            for (let i = t.takes.length - 1; i >= 0 && left2 > 0; i--) {
              let avail = t.takes[i]!.n;
              const s = Math.min(skip, avail);
              skip -= s;
              avail -= s;
              if (avail <= 0) continue;
              const x = Math.min(avail, left2);
              left2 -= x;
              if (t.takes[i]!.lot.expiresDay > model.day) t.takes[i]!.lot.remaining += x;
            }
            await attempt(call, false);
          } else {
            const bonusBack = Math.min(r0, Math.max(0, t.bonusTaken - t.refunded));
            model.members[t.m]!.bonus += bonusBack;
            model.members[t.m]!.paid += r0 - bonusBack;
            await attempt(call, false);
          }
          t.refunded += r0;
          break;
        }
        case 'adjust': {
          const call = () => adjust(db, { key, member: { memberId: memberIds[op.m]! }, points: op.points, reason: 'property test' }, ctx(op.v));
          if (op.points > 0) {
            model.newLot(op.m, op.points);
            await attempt(call, false);
          } else {
            const { undo } = model.expireDue(op.m);
            const ok = -op.points <= model.live(op.m);
            if (!ok) undo();
            else model.takeFifo(op.m, -op.points);
            await attempt(call, !ok);
          }
          break;
        }
        case 'adjustSv': {
          // Goodwill stored value is bonus: spendable, never paid out in cash; taking some back takes bonus only.
          const mm = model.members[op.m]!;
          const ok = op.amount > 0 || -op.amount <= mm.bonus;
          await attempt(() => adjust(db, { key, member: { memberId: memberIds[op.m]! }, points: op.amount, reason: 'goodwill', unit: 'stored_value' }, ctx(op.v)), !ok);
          if (ok) mm.bonus += op.amount;
          break;
        }
        case 'advance':
          model.day += op.days;
          break;
        case 'expire': {
          let expected = 0;
          for (let m = 0; m < MEMBERS; m++) expected += model.expireDue(m).expired;
          const r = await expirePoints(db, programme.id, model.day, { actor: 'prop', now: now() });
          // Expiry is exact: precisely the model's expired remainders are written off.
          expect(r.points).toBe(expected);
          break;
        }
        case 'replay': {
          if (history.length === 0) break;
          const h = history[op.h % history.length]!;
          const again = await h.call(false);
          expect(again.replayed).toBe(true);
          expect(again.txnId).toBe(h.result.txnId);
          expect(again.result).toEqual(h.result.result);
          break;
        }
        case 'conflict': {
          // The same key with other content: reuse an earlier accrual's key for another amount.
          const prev = [...txns.entries()].filter(([, t]) => t.kind === 'accrue');
          if (prev.length === 0) break;
          const [txnId, t] = prev[op.h % prev.length]!;
          const row = await db.kysely.selectFrom('loyalty_txns').select('idempotency_key').where('id', '=', txnId).executeTakeFirstOrThrow();
          await expect(accrue(db, { key: row.idempotency_key, member: { memberId: memberIds[t.m]! }, amountMinor: t.total + 1 }, ctx(t.v))).rejects.toSatisfy(
            (e: unknown) => e instanceof PatronError && e.code === 'CONFLICT',
          );
          break;
        }
      }
      // After every step: the ledger's balances are the model's, lot by lot, and never negative.
      const accounts = await db.kysely.selectFrom('loyalty_accounts').select(['id', 'member_id', 'kind', 'balance']).where('member_id', 'in', memberIds).execute();
      const lots = await db.kysely
        .selectFrom('loyalty_lots')
        .select(['account_id', 'remaining'])
        .where('account_id', 'in', accounts.filter((a) => a.kind === 'points').map((a) => a.id))
        .orderBy('id')
        .execute();
      for (let m = 0; m < MEMBERS; m++) {
        const acc = (kind: string) => accounts.find((a) => a.member_id === memberIds[m] && a.kind === kind)!;
        const where = `member ${m} after ${JSON.stringify(op)}`;
        expect({ points: acc('points').balance, paid: acc('sv_paid').balance, bonus: acc('sv_bonus').balance }, where).toEqual({
          points: model.points(m),
          paid: model.members[m]!.paid,
          bonus: model.members[m]!.bonus,
        });
        const dbLots = lots.filter((l) => l.account_id === acc('points').id).map((l) => l.remaining);
        expect(dbLots, where).toEqual(model.members[m]!.lots.map((l) => l.remaining));
      }
    }
    for (const id of memberIds) {
      const st = await memberStatement(db, { memberId: id }, {}, null);
      for (const l of st.lines) expect(l.pointsBalance >= 0 && l.svBalanceMinor >= 0).toBe(true);
    }
    const rb = await rebuildLedger(db, { repair: false }, { actor: 'prop', now: now() });
    expect(rb).toMatchObject({ ok: true, accountDiffs: [], lotDiffs: [], unbalanced: [], headerDiffs: [], misfiledEntries: [] });
  }

  it('agrees with the model on random operation sequences', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 50 }), check), {
      numRuns: dialect === 'sqlite' ? 60 : 15,
      seed: 20240630,
    });
  });
});
