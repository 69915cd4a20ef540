import type { Db } from '../../storage/db.js';
import {
  getTxn,
  lotsByIds,
  memberAccounts,
  membersWithExpiredLots,
  openLots,
  txnsReferring,
  type TxnRow,
} from '../../storage/loyalty-ledger.repo.js';
import { PatronError } from '../errors.js';
import {
  requestHash,
  runLedger,
  storedResult,
  type Balance,
  type LedgerSession,
  type Lot,
  type MemberAccountKind,
  type PostedTxn,
  type Posting,
} from './ledger.js';
import { resolveIdentity, resolveTarget, type Identity, type MemberRef } from './members.js';
import { assertParticipating, businessDay, loadProgramme, type ProgrammeConfig, type WriteContext } from './programmes.js';
import { applyBp, earnPoints, isLive, mulDivFloor, prorate, topupBonusMinor, type EarnResult } from './rules.js';

/**
 * Point-of-sale operations on the ledger: accrue, redeem, top up, spend, cash out, refund, adjust,
 * expire (docs/loyalty.md, "Operations"). Each is one idempotent ledger write.
 */

export interface OpContext extends WriteContext {
  /** Venue where the operation happens (required except for adjustments). */
  venueId: number | null;
  /** A principal bound to a venue may only act on programmes of that venue (null: no binding). */
  scopeVenueId: number | null;
}

export interface SaleLine {
  amountMinor: number;
  category?: string | null;
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length < 1 || key.length > 200) throw new PatronError('VALIDATION', 'idempotencyKey: 1-200 characters');
  return key;
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new PatronError('VALIDATION', `${name}: a whole number >= ${min} expected`);
  return v;
}

interface Prepared extends Identity {
  venueId: number;
  day: number;
}

async function prepare(db: Db, ref: MemberRef, c: OpContext): Promise<Prepared> {
  const t = await resolveIdentity(db, ref, c.scopeVenueId);
  if (c.venueId === null) throw new PatronError('VALIDATION', 'name the venue where this happens (venueCode)');
  if (c.scopeVenueId !== null && c.venueId !== c.scopeVenueId) throw new PatronError('FORBIDDEN', 'this token may only act at its own venue');
  assertParticipating(t.programme, c.venueId);
  if (t.programme.status !== 'active') throw new PatronError('CONFLICT', `loyalty programme ${t.programme.code} is closed`);
  return { ...t, venueId: c.venueId, day: await businessDay(db, c.now) };
}

function replay(row: TxnRow): PostedTxn {
  return storedResult(row);
}

// ---- earning --------------------------------------------------------------------------------------

export interface EarnQuote extends EarnResult {
  rateBp: number;
  tierCode: string | null;
}

/** What a sale earns for a member under the programme's and the member's tier's rules. */
export function earnFor(
  cfg: ProgrammeConfig,
  tierId: number | null,
  sale: { lines: readonly SaleLine[]; discountMinor?: number; campaigns?: readonly string[] },
  day: number,
): EarnQuote {
  const tier = cfg.tiers.find((t) => t.id === tierId) ?? null;
  const rateBp = tier ? tier.earnRateBp : cfg.earnRateBp;
  const r = earnPoints({
    lines: sale.lines.map((l) => ({ amountMinor: l.amountMinor, category: l.category ?? null })),
    orderDiscountMinor: sale.discountMinor ?? 0,
    rateBp,
    pointValueMinor: cfg.pointValueMinor,
    multipliers: [...cfg.multipliers, ...(tier?.multipliers ?? [])],
    campaigns: sale.campaigns ?? [],
    day,
  });
  return { ...r, rateBp, tierCode: tier?.code ?? null };
}

function saleLines(input: { amountMinor?: number; lines?: SaleLine[] }): SaleLine[] {
  if (input.lines && input.lines.length > 0) {
    input.lines.forEach((l, i) => {
      if (!Number.isSafeInteger(l.amountMinor)) throw new PatronError('VALIDATION', `lines.${i}.amountMinor: a whole number expected`);
    });
    return input.lines.map((l) => ({ amountMinor: l.amountMinor, category: l.category ?? null }));
  }
  if (input.amountMinor === undefined) throw new PatronError('VALIDATION', 'give amountMinor or lines');
  return [{ amountMinor: checkInt('amountMinor', input.amountMinor, 0), category: null }];
}

export function expiresDayFor(cfg: ProgrammeConfig, day: number): number | null {
  return cfg.pointsExpiryDays === null ? null : day + cfg.pointsExpiryDays;
}

export interface AccrueInput {
  key: string;
  member: MemberRef;
  amountMinor?: number;
  lines?: SaleLine[];
  discountMinor?: number;
  campaigns?: string[];
  reference?: string | null;
}

/** Credits the points a sale earns (a sale not stored as an order; stored orders use accrueForOrder). */
export async function accrue(db: Db, input: AccrueInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const p = await prepare(db, input.member, c);
  const lines = saleLines(input);
  const discount = checkInt('discountMinor', input.discountMinor ?? 0, 0);
  const campaigns = [...(input.campaigns ?? [])].sort();
  const hash = requestHash(['accrue', p.memberId, p.venueId, lines, discount, campaigns, input.reference ?? null]);
  return runLedger(db, {
    programme: p.programme,
    w: c,
    day: p.day,
    memberIds: [p.memberId],
    cardId: p.card?.id ?? null,
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      await s.assertUsable(p.memberId, p.card);
      const e = earnFor(p.programme, s.member(p.memberId).tierId, { lines, discountMinor: discount, campaigns }, p.day);
      return s.post(
        {
          key,
          requestHash: hash,
          kind: 'accrue',
          memberId: p.memberId,
          cardId: p.card?.id ?? null,
          venueId: p.venueId,
          reference: input.reference ?? null,
          detail: { baseMinor: e.baseMinor, rateBp: e.rateBp, tier: e.tierCode, lineMultipliersBp: e.lineMultipliersBp, campaigns },
          postings: [
            { account: { member: p.memberId, kind: 'points' }, amount: e.points, lot: { venueId: p.venueId, day: p.day, expiresDay: expiresDayFor(p.programme, p.day) } },
            { account: { kind: 'points_issued', venueId: p.venueId }, amount: -e.points },
          ],
        },
        () => ({ earned: e.points, baseMinor: e.baseMinor }),
      );
    },
  });
}

// ---- settlement between venues --------------------------------------------------------------------

export interface SettlementLine {
  debtorVenueId: number;
  creditorVenueId: number;
  /** Face value moved between the venues (points at their cash value, or stored value). */
  faceMinor: number;
  /** What the debtor owes for it at the programme's settlement share. */
  valueMinor: number;
}

interface Take {
  lotId: number;
  kind: MemberAccountKind;
  venueId: number | null;
  amount: number;
}

/**
 * Who owes whom for value taken at `here` from lots that came from other venues: the venue where
 * points were earned (or money paid in) owes the venue that gave the goods, at `bp` of face value.
 */
function settlementFor(unit: 'points' | 'sv', takes: readonly Take[], here: number, faceOf: (amount: number) => number, bp: number) {
  const byOrigin = new Map<number, number>();
  for (const t of takes) {
    if (t.venueId === null || t.venueId === here) continue;
    byOrigin.set(t.venueId, (byOrigin.get(t.venueId) ?? 0) + faceOf(t.amount));
  }
  const lines: SettlementLine[] = [];
  const postings: Posting[] = [];
  for (const [origin, face] of [...byOrigin].sort((a, b) => a[0] - b[0])) {
    const value = applyBp(face, bp);
    lines.push({ debtorVenueId: origin, creditorVenueId: here, faceMinor: face, valueMinor: value });
    postings.push(...settlementPostings(unit, origin, here, value));
  }
  return { lines, postings };
}

function settlementPostings(unit: 'points' | 'sv', debtor: number, creditor: number, value: number): Posting[] {
  return [
    { account: { kind: unit === 'points' ? 'settle_points_payable' : 'settle_sv_payable', venueId: debtor, counterVenueId: creditor }, amount: -value },
    { account: { kind: unit === 'points' ? 'settle_points_receivable' : 'settle_sv_receivable', venueId: creditor, counterVenueId: debtor }, amount: value },
  ];
}

async function takesOf(s: LedgerSession, memberId: number, kind: MemberAccountKind, amount: number, prefer: readonly number[] = []): Promise<Take[]> {
  if (amount === 0) return [];
  return (await s.takeFromLots(memberId, kind, amount, prefer)).map(({ lot, take }) => ({ lotId: lot.id, kind, venueId: lot.venueId, amount: take }));
}

function debitPostings(memberId: number, takes: readonly Take[]): Posting[] {
  return takes.map((t) => ({ account: { member: memberId, kind: t.kind }, amount: -t.amount, lot: t.lotId }));
}

// ---- redeem ---------------------------------------------------------------------------------------

export interface RedeemInput {
  key: string;
  member: MemberRef;
  /** Points to redeem; or give amountMinor (cash value wanted: the whole points it buys are used). */
  points?: number;
  amountMinor?: number;
  reference?: string | null;
}

/** Takes points as cash at the programme's redemption value, oldest points first. */
export async function redeem(db: Db, input: RedeemInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const p = await prepare(db, input.member, c);
  const pv = p.programme.pointValueMinor;
  const points =
    input.points !== undefined
      ? checkInt('points', input.points, 1)
      : input.amountMinor !== undefined
        ? Math.floor(checkInt('amountMinor', input.amountMinor, 1) / pv)
        : 0;
  if (points < 1) throw new PatronError('VALIDATION', 'give points (>= 1) or an amountMinor worth at least one point');
  const hash = requestHash(['redeem', p.memberId, p.venueId, points, input.reference ?? null]);
  return runLedger(db, {
    programme: p.programme,
    w: c,
    day: p.day,
    memberIds: [p.memberId],
    cardId: p.card?.id ?? null,
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      await s.assertUsable(p.memberId, p.card);
      await s.expireDue(p.memberId);
      const available = await s.livePoints(p.memberId);
      if (points > available) throw new PatronError('INSUFFICIENT_FUNDS', `not enough points: ${available} available, ${points} asked`, { available });
      const takes = await takesOf(s, p.memberId, 'points', points);
      const settle = settlementFor('points', takes, p.venueId, (n) => n * pv, p.programme.pointsSettlementBp);
      return s.post(
        {
          key,
          requestHash: hash,
          kind: 'redeem',
          memberId: p.memberId,
          cardId: p.card?.id ?? null,
          venueId: p.venueId,
          reference: input.reference ?? null,
          detail: { takes, settlement: settle.lines, pointValueMinor: pv },
          postings: [...debitPostings(p.memberId, takes), { account: { kind: 'points_redeemed', venueId: p.venueId }, amount: points }, ...settle.postings],
        },
        () => ({ valueMinor: points * pv, settlement: settle.lines }),
      );
    },
  });
}

// ---- stored value -----------------------------------------------------------------------------------

export interface TopUpInput {
  key: string;
  member: MemberRef;
  paidMinor: number;
  reference?: string | null;
}

/** Adds paid-in stored value and the programme's top-up bonus (kept in a separate account). */
export async function topUp(db: Db, input: TopUpInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const paid = checkInt('paidMinor', input.paidMinor, 1);
  const p = await prepare(db, input.member, c);
  const hash = requestHash(['topup', p.memberId, p.venueId, paid, input.reference ?? null]);
  return runLedger(db, {
    programme: p.programme,
    w: c,
    day: p.day,
    memberIds: [p.memberId],
    cardId: p.card?.id ?? null,
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      await s.assertUsable(p.memberId, p.card);
      const bonus = topupBonusMinor(p.programme.topupBonuses, paid);
      const lot = { venueId: p.venueId, day: p.day, expiresDay: null };
      return s.post(
        {
          key,
          requestHash: hash,
          kind: 'topup',
          memberId: p.memberId,
          cardId: p.card?.id ?? null,
          venueId: p.venueId,
          reference: input.reference ?? null,
          detail: { paidMinor: paid, bonusMinor: bonus },
          postings: [
            { account: { member: p.memberId, kind: 'sv_paid' }, amount: paid, lot },
            { account: { kind: 'sv_cash', venueId: p.venueId }, amount: -paid },
            { account: { member: p.memberId, kind: 'sv_bonus' }, amount: bonus, lot },
            { account: { kind: 'sv_bonus_issued', venueId: p.venueId }, amount: -bonus },
          ],
        },
        () => ({ paidMinor: paid, bonusMinor: bonus }),
      );
    },
  });
}

export interface SpendInput {
  key: string;
  member: MemberRef;
  amountMinor: number;
  reference?: string | null;
}

/** Pays with stored value: paid-in money first, then bonus, oldest first within each. Never below zero. */
export async function spend(db: Db, input: SpendInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const amount = checkInt('amountMinor', input.amountMinor, 1);
  const p = await prepare(db, input.member, c);
  const hash = requestHash(['spend', p.memberId, p.venueId, amount, input.reference ?? null]);
  return runLedger(db, {
    programme: p.programme,
    w: c,
    day: p.day,
    memberIds: [p.memberId],
    cardId: p.card?.id ?? null,
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      await s.assertUsable(p.memberId, p.card);
      const m = s.member(p.memberId);
      const paidBal = m.accounts.sv_paid.balance;
      const available = paidBal + m.accounts.sv_bonus.balance;
      if (amount > available) throw new PatronError('INSUFFICIENT_FUNDS', `not enough stored value: ${available} available, ${amount} asked`, { available });
      const fromPaid = Math.min(amount, paidBal);
      const takes = [...(await takesOf(s, p.memberId, 'sv_paid', fromPaid)), ...(await takesOf(s, p.memberId, 'sv_bonus', amount - fromPaid))];
      const settle = settlementFor('sv', takes, p.venueId, (n) => n, p.programme.svSettlementBp);
      return s.post(
        {
          key,
          requestHash: hash,
          kind: 'spend',
          memberId: p.memberId,
          cardId: p.card?.id ?? null,
          venueId: p.venueId,
          reference: input.reference ?? null,
          detail: { takes, settlement: settle.lines },
          postings: [...debitPostings(p.memberId, takes), { account: { kind: 'sv_spent', venueId: p.venueId }, amount }, ...settle.postings],
        },
        () => ({ paidMinor: fromPaid, bonusMinor: amount - fromPaid, settlement: settle.lines }),
      );
    },
  });
}

export interface CashOutInput {
  key: string;
  member: MemberRef;
  /** Paid-in money to give back; default all of it. */
  amountMinor?: number;
  reference?: string | null;
}

/**
 * Gives paid-in stored value back in cash (a card refund). Bonus is not cash: the share of the bonus
 * that went with the money given back is forfeited, floor(bonus x amount / paid), all of it when all
 * the money goes. The venue paying out is owed by the venues where the money was paid in, at face value.
 */
export async function cashOut(db: Db, input: CashOutInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const p = await prepare(db, input.member, c);
  const asked = input.amountMinor === undefined ? null : checkInt('amountMinor', input.amountMinor, 1);
  const hash = requestHash(['cashout', p.memberId, p.venueId, asked, input.reference ?? null]);
  return runLedger(db, {
    programme: p.programme,
    w: c,
    day: p.day,
    memberIds: [p.memberId],
    cardId: p.card?.id ?? null,
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      await s.assertUsable(p.memberId, p.card);
      const m = s.member(p.memberId);
      const paidBal = m.accounts.sv_paid.balance;
      const bonusBal = m.accounts.sv_bonus.balance;
      const amount = asked ?? paidBal;
      if (amount < 1) throw new PatronError('INSUFFICIENT_FUNDS', 'no paid-in stored value to give back', { available: paidBal });
      if (amount > paidBal) throw new PatronError('INSUFFICIENT_FUNDS', `not enough paid-in stored value: ${paidBal} available, ${amount} asked`, { available: paidBal });
      const forfeit = amount === paidBal ? bonusBal : mulDivFloor(bonusBal, amount, paidBal);
      const paidTakes = await takesOf(s, p.memberId, 'sv_paid', amount);
      const bonusTakes = await takesOf(s, p.memberId, 'sv_bonus', forfeit);
      const settle = settlementFor('sv', paidTakes, p.venueId, (n) => n, 10_000);
      return s.post(
        {
          key,
          requestHash: hash,
          kind: 'cashout',
          memberId: p.memberId,
          cardId: p.card?.id ?? null,
          venueId: p.venueId,
          reference: input.reference ?? null,
          detail: { takes: [...paidTakes, ...bonusTakes], settlement: settle.lines, forfeitedBonusMinor: forfeit },
          postings: [
            ...debitPostings(p.memberId, paidTakes),
            { account: { kind: 'sv_cash', venueId: p.venueId }, amount },
            ...debitPostings(p.memberId, bonusTakes),
            // Forfeited bonus goes back to the venue that granted it.
            ...bonusTakes.map((t) => ({ account: { kind: 'sv_bonus_issued' as const, venueId: t.venueId }, amount: t.amount })),
            ...settle.postings,
          ],
        },
        () => ({ paidOutMinor: amount, forfeitedBonusMinor: forfeit, settlement: settle.lines }),
      );
    },
  });
}

// ---- refunds and returns ------------------------------------------------------------------------------

export interface RefundInput {
  key: string;
  /** The transaction to reverse: a direct accrual (a return), a redemption or a stored-value spend. */
  txnId: number;
  /** Accrual: sale amount returned. Spend: stored value to give back (default: all not yet refunded). */
  amountMinor?: number;
  /** Redemption: points to give back (default: all not yet refunded). */
  points?: number;
  reference?: string | null;
}

interface RefundedSoFar {
  total: number;
  byOrigin: Map<number, { face: number }>;
}

function refundedSoFar(prior: readonly TxnRow[], kind: string): RefundedSoFar {
  const out: RefundedSoFar = { total: 0, byOrigin: new Map() };
  for (const t of prior) {
    if (t.kind !== kind) continue;
    const d = JSON.parse(t.detail) as { refunded: number; settlement?: SettlementLine[] };
    out.total += d.refunded;
    for (const l of d.settlement ?? []) {
      const x = out.byOrigin.get(l.debtorVenueId) ?? { face: 0 };
      x.face += l.faceMinor;
      out.byOrigin.set(l.debtorVenueId, x);
    }
  }
  return out;
}

/**
 * The part of the original takes a refund gives back, last taken first: the range
 * [before, before + amount) counted from the end. A full refund restores every lot exactly.
 */
export function lifoSlice<T extends { amount: number }>(takes: readonly T[], before: number, amount: number): { take: T; portion: number }[] {
  const out: { take: T; portion: number }[] = [];
  let skip = before;
  let left = amount;
  for (let i = takes.length - 1; i >= 0 && left > 0; i--) {
    const t = takes[i]!;
    let avail = t.amount;
    const s = Math.min(skip, avail);
    skip -= s;
    avail -= s;
    if (avail <= 0) continue;
    const x = Math.min(avail, left);
    out.push({ take: t, portion: x });
    left -= x;
  }
  return out;
}

/**
 * Reverses part or all of an earlier transaction:
 * - a direct accrual: the sale (or part of it) was returned, so the points it earned go back in
 *   proportion (cumulatively exact: returning the whole sale in parts reverses exactly what it earned),
 *   taken from the sale's own lot first; points already spent cannot be taken, the shortfall is recorded;
 * - a redemption: the points go back into the lots they came from (points whose lot has expired
 *   meanwhile expire at once), and the settlement is reversed in proportion;
 * - a stored-value spend: the money goes back to the lots it came from, settlement reversed.
 * It happens at the venue of the original transaction.
 */
export async function refund(db: Db, input: RefundInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  const orig = await getTxn(db.kysely, checkInt('txnId', input.txnId, 1));
  if (!orig || orig.member_id === null) throw new PatronError('NOT_FOUND', `loyalty transaction ${input.txnId} not found`);
  const cfg = await loadProgramme(db, orig.programme_id);
  await resolveTarget(db, { memberId: orig.member_id }, c.scopeVenueId, { requireActiveCard: false });
  if (orig.venue_id === null) throw new PatronError('VALIDATION', `transaction ${orig.id} has no venue and cannot be refunded`);
  if ((c.scopeVenueId !== null || c.venueId !== null) && (c.scopeVenueId ?? c.venueId) !== orig.venue_id) {
    throw new PatronError('FORBIDDEN', `transaction ${orig.id} happened at another venue; refund it there`);
  }
  const memberId = orig.member_id;
  const venueId = orig.venue_id;
  const day = await businessDay(db, c.now);
  const amount = input.amountMinor === undefined ? null : checkInt('amountMinor', input.amountMinor, 1);
  const pointsAsked = input.points === undefined ? null : checkInt('points', input.points, 1);
  const hash = requestHash(['refund', orig.id, amount, pointsAsked, input.reference ?? null]);
  const common = { key, requestHash: hash, memberId, venueId, refTxnId: orig.id, reference: input.reference ?? null, cardId: orig.card_id };
  return runLedger(db, {
    programme: cfg,
    w: c,
    day,
    memberIds: [memberId],
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      const prior = await txnsReferring(s.trx, orig.id);
      const detail = JSON.parse(orig.detail) as { takes?: Take[]; settlement?: SettlementLine[]; baseMinor?: number };
      if (orig.kind === 'accrue') {
        if (orig.order_id !== null) throw new PatronError('VALIDATION', 'this accrual came from a stored order: post the return order and accrue it');
        const base = detail.baseMinor ?? 0;
        let returnedBefore = 0;
        for (const t of prior) if (t.kind === 'accrue_reverse') returnedBefore += (JSON.parse(t.detail) as { returnedMinor: number }).returnedMinor;
        const returned = amount ?? base - returnedBefore;
        if (returned < 1 || returnedBefore + returned > base) {
          throw new PatronError('VALIDATION', `the sale was ${base}; ${returnedBefore} already returned, so at most ${base - returnedBefore} can be`);
        }
        const due = prorate(orig.points, base, returnedBefore, returned);
        return reversePoints(s, { ...common, kind: 'accrue_reverse', due, ownLots: await lotsCreatedBy(s, orig), counter: { kind: 'points_issued', venueId }, extra: { returnedMinor: returned } });
      }
      if (orig.kind === 'redeem' || orig.kind === 'spend') {
        const isPoints = orig.kind === 'redeem';
        const refundKind = isPoints ? 'redeem_refund' : 'spend_refund';
        const total = isPoints ? -orig.points : -orig.amount_minor;
        const so = refundedSoFar(prior, refundKind);
        const left = total - so.total;
        const r = (isPoints ? pointsAsked : amount) ?? left;
        if (r < 1 || r > left) throw new PatronError('VALIDATION', `${total} was taken; ${so.total} already refunded, so at most ${left} can be`);
        const takes = detail.takes ?? [];
        const slice = lifoSlice(takes, so.total, r);
        const lots = await lotsByIds(s.trx, slice.map((x) => x.take.lotId));
        await s.loadLots(memberId, lots.map((l) => ({ id: l.id, accountId: l.account_id, kind: slice.find((x) => x.take.lotId === l.id)!.take.kind, memberId, venueId: l.venue_id, day: l.day, expiresDay: l.expires_day, amount: l.amount, remaining: l.remaining })));
        const postings: Posting[] = [];
        const credits: { lotId: number; kind: MemberAccountKind; amount: number; expired: boolean }[] = [];
        let expired = 0;
        const faceByOrigin = new Map<number, number>();
        const pv = cfg.pointValueMinor;
        for (const { take, portion } of slice) {
          const lot = s.member(memberId).lots.get(take.lotId)!;
          const gone = take.kind === 'points' && lot.expiresDay !== null && lot.expiresDay <= day;
          if (gone) expired += portion;
          else postings.push({ account: { member: memberId, kind: take.kind }, amount: portion, lot: take.lotId });
          credits.push({ lotId: take.lotId, kind: take.kind, amount: portion, expired: gone });
          if (take.venueId !== null && take.venueId !== venueId) faceByOrigin.set(take.venueId, (faceByOrigin.get(take.venueId) ?? 0) + (isPoints ? portion * pv : portion));
        }
        if (isPoints) {
          postings.push({ account: { kind: 'points_redeemed', venueId }, amount: -r });
          if (expired > 0) postings.push({ account: { kind: 'points_expired' }, amount: expired });
        } else {
          postings.push({ account: { kind: 'sv_spent', venueId }, amount: -r });
        }
        const settlement: SettlementLine[] = [];
        for (const [origin, face] of [...faceByOrigin].sort((a, b) => a[0] - b[0])) {
          const line = (detail.settlement ?? []).find((l) => l.debtorVenueId === origin);
          if (!line) continue;
          const before = so.byOrigin.get(origin)?.face ?? 0;
          const value = prorate(line.valueMinor, line.faceMinor, before, face);
          settlement.push({ debtorVenueId: origin, creditorVenueId: venueId, faceMinor: face, valueMinor: value });
          postings.push(...settlementPostings(isPoints ? 'points' : 'sv', origin, venueId, -value));
        }
        return s.post(
          { ...common, kind: refundKind, detail: { refunded: r, credits, settlement }, postings },
          () => ({ refunded: r, expiredAtOnce: expired, settlement }),
        );
      }
      throw new PatronError('VALIDATION', `a ${orig.kind} transaction cannot be refunded`);
    },
  });
}

async function lotsCreatedBy(s: LedgerSession, t: TxnRow): Promise<number[]> {
  const rows = await s.trx.selectFrom('loyalty_lots').select('id').where('txn_id', '=', t.id).execute();
  return rows.map((r) => r.id);
}

/**
 * Takes back `due` points (a return, a reversed referral reward): from the given lots first, then
 * oldest first, never more than the member has; what cannot be taken is recorded as the shortfall.
 */
export async function reversePoints(
  s: LedgerSession,
  o: {
    key: string;
    requestHash: string;
    kind: string;
    memberId: number;
    venueId: number | null;
    due: number;
    ownLots: number[];
    counter: Posting['account'];
    refTxnId?: number | null;
    orderId?: number | null;
    reference?: string | null;
    cardId?: number | null;
    extra?: Record<string, unknown>;
  },
): Promise<PostedTxn> {
  await s.expireDue(o.memberId);
  const taken = Math.min(o.due, await s.livePoints(o.memberId));
  const takes = taken > 0 ? await takesOf(s, o.memberId, 'points', taken, o.ownLots) : [];
  const shortfall = o.due - taken;
  return s.post(
    {
      key: o.key,
      requestHash: o.requestHash,
      kind: o.kind,
      memberId: o.memberId,
      venueId: o.venueId,
      refTxnId: o.refTxnId ?? null,
      orderId: o.orderId ?? null,
      reference: o.reference ?? null,
      cardId: o.cardId ?? null,
      detail: { ...o.extra, due: o.due, reversed: taken, shortfall, takes },
      postings: [...debitPostings(o.memberId, takes), { account: o.counter, amount: taken }],
    },
    () => ({ ...o.extra, due: o.due, reversed: taken, shortfall }),
  );
}

// ---- adjustments -----------------------------------------------------------------------------------

export interface AdjustInput {
  key: string;
  member: MemberRef;
  /** Positive adds, negative takes (never below zero): points, or minor units of stored value. */
  points: number;
  reason: string;
  /**
   * 'points' (default), or 'stored_value': goodwill or compensation credited as bonus stored value
   * (spendable, never paid out in cash); a negative one takes bonus only, since paid-in money
   * leaves only by a cash-out.
   */
  unit?: 'points' | 'stored_value';
}

/** A manual correction of points, with its reason. Corrections are new entries, never edits. */
export async function adjust(db: Db, input: AdjustInput, c: OpContext): Promise<PostedTxn> {
  const key = checkKey(input.key);
  if (!Number.isSafeInteger(input.points) || input.points === 0) throw new PatronError('VALIDATION', 'points: a non-zero whole number expected');
  const reason = (input.reason ?? '').trim();
  if (reason.length < 3) throw new PatronError('VALIDATION', 'reason: say why (at least 3 characters)');
  const t = await resolveTarget(db, input.member, c.scopeVenueId, { requireActiveCard: false });
  if (c.venueId !== null) assertParticipating(t.programme, c.venueId);
  if (c.scopeVenueId !== null && c.venueId !== c.scopeVenueId) throw new PatronError('FORBIDDEN', 'this token may only act at its own venue');
  const day = await businessDay(db, c.now);
  const memberId = t.member.id;
  const unit = input.unit ?? 'points';
  const hash = requestHash(unit === 'points' ? ['adjust', memberId, c.venueId, input.points, reason] : ['adjust', memberId, c.venueId, input.points, reason, unit]);
  return runLedger(db, {
    programme: t.programme,
    w: c,
    day,
    memberIds: [memberId],
    idem: { key, requestHash: hash, replay },
    body: async (s) => {
      const base = { key, requestHash: hash, kind: 'adjust', memberId, venueId: c.venueId, reason, cardId: t.card?.id ?? null };
      if (unit === 'stored_value') {
        if (input.points > 0) {
          return s.post({
            ...base,
            detail: { unit },
            postings: [
              { account: { member: memberId, kind: 'sv_bonus' }, amount: input.points, lot: { venueId: c.venueId, day, expiresDay: null } },
              { account: { kind: 'sv_adjusted' }, amount: -input.points },
            ],
          });
        }
        const want = -input.points;
        const available = s.member(memberId).accounts.sv_bonus.balance;
        if (want > available) throw new PatronError('INSUFFICIENT_FUNDS', `not enough bonus stored value: ${available} available, ${want} asked`, { available });
        const takes = await takesOf(s, memberId, 'sv_bonus', want);
        return s.post({ ...base, detail: { unit, takes }, postings: [...debitPostings(memberId, takes), { account: { kind: 'sv_adjusted' }, amount: want }] });
      }
      if (input.points > 0) {
        return s.post({
          ...base,
          postings: [
            { account: { member: memberId, kind: 'points' }, amount: input.points, lot: { venueId: c.venueId, day, expiresDay: expiresDayFor(t.programme, day) } },
            { account: { kind: 'points_adjusted' }, amount: -input.points },
          ],
        });
      }
      await s.expireDue(memberId);
      const want = -input.points;
      const available = await s.livePoints(memberId);
      if (want > available) throw new PatronError('INSUFFICIENT_FUNDS', `not enough points: ${available} available, ${want} asked`, { available });
      const takes = await takesOf(s, memberId, 'points', want);
      return s.post({ ...base, detail: { takes }, postings: [...debitPostings(memberId, takes), { account: { kind: 'points_adjusted' }, amount: want }] });
    },
  });
}

// ---- quote -----------------------------------------------------------------------------------------

export interface QuoteInput {
  member: MemberRef;
  amountMinor?: number;
  lines?: SaleLine[];
  discountMinor?: number;
  campaigns?: string[];
}

export interface Quote {
  memberId: number;
  programme: string;
  tier: string | null;
  /** Points this sale would earn. */
  points: number;
  baseMinor: number;
  rateBp: number;
  /** The tier's discount on the sale amount, rounded half up. */
  discountBp: number;
  discountMinor: number;
  balance: Balance;
  /** Points that can be spent today and what they are worth. */
  livePoints: number;
  /** Most points this sale could take as cash, and their value. */
  redeemablePoints: number;
  redeemableMinor: number;
  /** Most stored value this sale could take. */
  spendableMinor: number;
}

/** What a sale would earn and what the member may redeem or spend on it. Reads only. */
export async function quote(db: Db, input: QuoteInput, c: OpContext): Promise<Quote> {
  const p = await prepare(db, input.member, c);
  const t = await resolveTarget(db, input.member, c.scopeVenueId);
  const lines = saleLines(input);
  const e = earnFor(p.programme, t.member.tier_id, { lines, discountMinor: input.discountMinor ?? 0, campaigns: input.campaigns ?? [] }, p.day);
  const accounts = await memberAccounts(db.kysely, [p.memberId]);
  const bal = (k: string) => accounts.find((a) => a.kind === k)?.balance ?? 0;
  const pointsAcc = accounts.find((a) => a.kind === 'points')!;
  let live = 0;
  for (const l of await openLots(db.kysely, [pointsAcc.id])) {
    if (isLive({ id: l.id, remaining: l.remaining, day: l.day, expiresDay: l.expires_day }, p.day)) live += l.remaining;
  }
  const pv = p.programme.pointValueMinor;
  const tier = p.programme.tiers.find((x) => x.id === t.member.tier_id) ?? null;
  const discountBp = tier?.discountBp ?? 0;
  const saleMinor = Math.max(0, lines.reduce((s, l) => s + l.amountMinor, 0) - (input.discountMinor ?? 0));
  const discountMinor = applyBp(saleMinor, discountBp);
  const payable = saleMinor - discountMinor;
  const redeemablePoints = Math.min(live, Math.floor(payable / pv));
  const points = bal('points');
  const paid = bal('sv_paid');
  const bonus = bal('sv_bonus');
  return {
    memberId: p.memberId,
    programme: p.programme.code,
    tier: tier?.code ?? null,
    points: e.points,
    baseMinor: e.baseMinor,
    rateBp: e.rateBp,
    discountBp,
    discountMinor,
    balance: { points, pointsValueMinor: points * pv, svPaidMinor: paid, svBonusMinor: bonus, svTotalMinor: paid + bonus },
    livePoints: live,
    redeemablePoints,
    redeemableMinor: redeemablePoints * pv,
    spendableMinor: Math.min(paid + bonus, payable),
  };
}

// ---- expiry job ---------------------------------------------------------------------------------------

export interface ExpiryRun {
  programme: string;
  asOfDay: number;
  members: number;
  points: number;
}

/**
 * Writes off every expired points lot of a programme as of a day (lots expiring on that day
 * included), one 'expire' transaction per member. Running it again changes nothing.
 */
export async function expirePoints(db: Db, programmeId: number, asOfDay: number, w: WriteContext): Promise<ExpiryRun> {
  const cfg = await loadProgramme(db, programmeId);
  if (asOfDay > (await businessDay(db, w.now))) throw new PatronError('VALIDATION', 'cannot expire points as of a day in the future');
  const ids = await membersWithExpiredLots(db.kysely, cfg.id, asOfDay);
  let points = 0;
  let members = 0;
  for (const id of ids) {
    const r = await runLedger(db, { programme: cfg, w, day: asOfDay, memberIds: [id], body: (s) => s.expireDue(id) });
    if (r) {
      members++;
      points += -r.result.points;
    }
  }
  return { programme: cfg.code, asOfDay, members, points };
}

export type { Lot };
