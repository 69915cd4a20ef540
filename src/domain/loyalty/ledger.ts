import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../storage/db.js';
import {
  cardStatusTx,
  ensureAccountTx,
  findTxnByKey,
  findTxnByKeyTx,
  getTxnTx,
  inWriteTransaction,
  isIdempotencyViolation,
  lastTxnIdOfMember,
  lockMemberAccounts,
  openLotsTx,
  writePosting,
  type PostingWrite,
  type LedgerTx,
  type LockedAccount,
  type TxnRow,
} from '../../storage/loyalty-ledger.repo.js';
import type { Database } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import type { ProgrammeConfig, WriteContext } from './programmes.js';
import { isLive, lotOrder, type LotState } from './rules.js';

/**
 * The double-entry loyalty ledger (docs/loyalty.md, "Ledger").
 *
 * Every change to points or stored value is one transaction (`loyalty_txns`) with entries
 * (`loyalty_entries`) that sum to zero per unit (points, minor units) across accounts: a member's
 * points account against a venue's "points issued" account, and so on. Nothing is ever updated or
 * deleted; a correction is a new transaction. Member balances and lot remainders are caches of
 * entry sums, written in the same database transaction and rebuilt by `patron loyalty rebuild`.
 *
 * Each write names an idempotency key, unique per programme: the first request with a key writes
 * and stores its answer; a retry with the same key and the same content gets that answer back and
 * writes nothing; the same key with other content is a CONFLICT.
 */

export type MemberAccountKind = 'points' | 'sv_paid' | 'sv_bonus';
export const MEMBER_ACCOUNT_KINDS: readonly MemberAccountKind[] = ['points', 'sv_paid', 'sv_bonus'];

/** Programme and venue accounts: the other side of every member entry. */
export type SystemAccountKind =
  | 'points_issued' // venue: points earned there (accruals)
  | 'points_redeemed' // venue: points taken there as cash
  | 'points_expired' // programme: breakage
  | 'points_adjusted' // programme: manual adjustments
  | 'points_referral' // programme: referral rewards
  | 'sv_cash' // venue: money paid in (top-ups) or paid out (cash-outs)
  | 'sv_bonus_issued' // venue: top-up bonuses granted there
  | 'sv_spent' // venue: stored value spent there
  | 'sv_adjusted' // programme: stored value granted (goodwill, compensation) or corrected
  | 'settle_points_payable' // venue X owes counter venue Y for points earned at X, redeemed at Y
  | 'settle_points_receivable' // venue Y is owed by counter venue X
  | 'settle_sv_payable'
  | 'settle_sv_receivable';

export interface SystemAccount {
  kind: SystemAccountKind;
  venueId?: number | null;
  counterVenueId?: number | null;
}

const SYSTEM_UNITS: Record<SystemAccountKind, 'points' | 'minor'> = {
  points_issued: 'points',
  points_redeemed: 'points',
  points_expired: 'points',
  points_adjusted: 'points',
  points_referral: 'points',
  sv_cash: 'minor',
  sv_bonus_issued: 'minor',
  sv_spent: 'minor',
  sv_adjusted: 'minor',
  settle_points_payable: 'minor',
  settle_points_receivable: 'minor',
  settle_sv_payable: 'minor',
  settle_sv_receivable: 'minor',
};

export const MEMBER_UNITS: Record<MemberAccountKind, 'points' | 'minor'> = { points: 'points', sv_paid: 'minor', sv_bonus: 'minor' };

export function accountKey(programmeId: number, kind: string, memberId: number | null, venueId: number | null, counterVenueId: number | null): string {
  return `${programmeId}:${kind}:${memberId ?? ''}:${venueId ?? ''}:${counterVenueId ?? ''}`;
}

export interface Lot extends LotState {
  accountId: number;
  kind: MemberAccountKind;
  memberId: number;
  venueId: number | null;
  amount: number;
}

export interface MemberLedger {
  memberId: number;
  /** As read under the lock. */
  status: 'active' | 'closed';
  tierId: number | null;
  accounts: Record<MemberAccountKind, { id: number; balance: number }>;
  /** Open lots (remaining > 0) of all three accounts, plus lots touched in this session; loaded on first need. */
  lots: Map<number, Lot>;
  lotsLoaded: boolean;
}

export interface NewLot {
  venueId: number | null;
  day: number;
  expiresDay: number | null;
}

export interface Posting {
  /** A member account, or a programme/venue account of the session's programme. */
  account: { member: number; kind: MemberAccountKind } | SystemAccount;
  amount: number;
  /** Member postings: the lot they draw on (id) or create (credits only). */
  lot?: number | NewLot;
}

export interface TxnDraft {
  key: string;
  requestHash: string;
  kind: string;
  memberId: number | null;
  cardId?: number | null;
  venueId?: number | null;
  orderId?: number | null;
  refTxnId?: number | null;
  reference?: string | null;
  reason?: string | null;
  detail?: Record<string, unknown>;
  postings: Posting[];
}

export interface Balance {
  points: number;
  /** Cash value of the points at the programme's redemption value. */
  pointsValueMinor: number;
  svPaidMinor: number;
  svBonusMinor: number;
  svTotalMinor: number;
}

/** What a ledger write answers; stored with the transaction and given again on a retry. */
export interface TxnResult {
  kind: string;
  programme: string;
  memberId: number | null;
  /** Change of the member's points. */
  points: number;
  /** Change of the member's stored value (paid + bonus), minor units. */
  amountMinor: number;
  balance: Balance | null;
  at: string;
  [extra: string]: unknown;
}

export interface PostedTxn {
  txnId: number;
  replayed: boolean;
  result: TxnResult;
}

export function requestHash(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

// System account ids never change once made, so they are cached per database handle. Ids made
// inside a transaction join the cache only after it commits.
const accountCache = new WeakMap<Db, Map<string, number>>();

function isMemberAccount(a: Posting['account']): a is { member: number; kind: MemberAccountKind } {
  return (a as { member?: number }).member !== undefined;
}

export function balanceOf(m: MemberLedger, pointValueMinor: number): Balance {
  const points = m.accounts.points.balance;
  const paid = m.accounts.sv_paid.balance;
  const bonus = m.accounts.sv_bonus.balance;
  return { points, pointsValueMinor: points * pointValueMinor, svPaidMinor: paid, svBonusMinor: bonus, svTotalMinor: paid + bonus };
}

/**
 * One database transaction of ledger work for one programme: holds the locked members' state in
 * memory, posts transactions, keeps caches in step.
 */
export class LedgerSession {
  readonly members = new Map<number, MemberLedger>();
  private readonly newAccounts: [string, number][] = [];

  constructor(
    readonly db: Db,
    readonly tx: LedgerTx,
    readonly programme: ProgrammeConfig,
    readonly w: WriteContext,
    /** Business-local day the transactions take effect. */
    readonly day: number,
  ) {}

  /** The transaction as a Kysely handle, for the rarer reads. */
  get trx(): Kysely<Database> {
    return this.tx.k;
  }

  /** Card states read with the lock (assertUsable uses them instead of reading again). */
  private readonly cardStatus = new Map<number, string | null>();

  /**
   * Locks the members' accounts (PostgreSQL: row locks in id order) and loads their balances; in the
   * same round trip reads the card's status and looks the idempotency key up (returned, if used).
   */
  async lockMembers(memberIds: readonly number[], probe: { cardId?: number | null; key?: string | null } = {}): Promise<{ existingTxnId: number | null }> {
    const ids = [...new Set(memberIds)].filter((id) => !this.members.has(id)).sort((a, b) => a - b);
    if (ids.length === 0) return { existingTxnId: null };
    const rows = await lockMemberAccounts(this.tx, ids, { cardId: probe.cardId ?? null, programmeId: this.programme.id, key: probe.key ?? null });
    if (probe.cardId != null) this.cardStatus.set(probe.cardId, rows[0]?.card_status ?? null);
    const existing = rows[0]?.existing_txn_id;
    const byMember = new Map<number, LockedAccount[]>();
    for (const r of rows) byMember.set(Number(r.member_id), [...(byMember.get(Number(r.member_id)) ?? []), r]);
    for (const id of ids) {
      const accs = byMember.get(id) ?? [];
      const get = (k: MemberAccountKind) => {
        const a = accs.find((x) => x.kind === k);
        if (!a) throw new PatronError('NOT_FOUND', `loyalty member ${id} has no ${k} account`);
        return { id: Number(a.id), balance: Number(a.balance ?? 0) };
      };
      const first = accs[0];
      this.members.set(id, {
        memberId: id,
        status: first?.member_status ?? 'closed',
        tierId: first?.tier_id === null || first?.tier_id === undefined ? null : Number(first.tier_id),
        accounts: { points: get('points'), sv_paid: get('sv_paid'), sv_bonus: get('sv_bonus') },
        lots: new Map(),
        lotsLoaded: false,
      });
    }
    return { existingTxnId: existing === null || existing === undefined ? null : Number(existing) };
  }

  /**
   * Loads the member's open lots (once per session). Only debits and expiry need them, so an
   * accrual never reads a member's history.
   */
  async loadOpenLots(memberId: number): Promise<MemberLedger> {
    const m = this.member(memberId);
    if (m.lotsLoaded) return m;
    const kindOf = new Map<number, MemberAccountKind>(MEMBER_ACCOUNT_KINDS.map((k) => [m.accounts[k].id, k]));
    for (const l of await openLotsTx(this.tx, [...kindOf.keys()])) {
      if (m.lots.has(l.id)) continue;
      m.lots.set(l.id, {
        id: l.id,
        accountId: l.account_id,
        kind: kindOf.get(l.account_id)!,
        memberId: l.member_id,
        venueId: l.venue_id,
        day: l.day,
        expiresDay: l.expires_day,
        amount: l.amount,
        remaining: l.remaining,
      });
    }
    m.lotsLoaded = true;
    return m;
  }

  member(id: number): MemberLedger {
    const m = this.members.get(id);
    if (!m) throw new Error(`member ${id} is not locked in this session`);
    return m;
  }

  /**
   * Refuses a closed member or a card that is not active, as they are now (read under the lock,
   * so a card frozen a moment ago cannot still be used).
   */
  async assertUsable(memberId: number, card: { id: number; number: string } | null): Promise<void> {
    if (this.member(memberId).status !== 'active') throw new PatronError('CONFLICT', `loyalty member ${memberId} is closed`);
    if (card) {
      const status = this.cardStatus.has(card.id) ? this.cardStatus.get(card.id) : await cardStatusTx(this.tx, card.id);
      if (status !== 'active') throw new PatronError('CONFLICT', `card ${card.number} is ${status}`);
    }
  }

  /** Open lots of one of a member's accounts, oldest first. */
  async lotsOf(memberId: number, kind: MemberAccountKind): Promise<Lot[]> {
    const m = await this.loadOpenLots(memberId);
    return [...m.lots.values()].filter((l) => l.kind === kind && l.remaining > 0).sort(lotOrder);
  }

  /** Points that can be spent today (expired lots not yet written off do not count). */
  async livePoints(memberId: number): Promise<number> {
    let s = 0;
    for (const l of await this.lotsOf(memberId, 'points')) if (isLive(l, this.day)) s += l.remaining;
    return s;
  }

  balance(memberId: number): Balance {
    return balanceOf(this.member(memberId), this.programme.pointValueMinor);
  }

  private async accountId(a: Posting['account']): Promise<{ id: number; unit: 'points' | 'minor'; member?: MemberAccountKind }> {
    if (isMemberAccount(a)) return { id: this.member(a.member).accounts[a.kind].id, unit: MEMBER_UNITS[a.kind], member: a.kind };
    const unit = SYSTEM_UNITS[a.kind];
    const key = accountKey(this.programme.id, a.kind, null, a.venueId ?? null, a.counterVenueId ?? null);
    let cache = accountCache.get(this.db);
    if (!cache) accountCache.set(this.db, (cache = new Map()));
    let id = cache.get(key);
    if (id === undefined) {
      id = await ensureAccountTx(this.tx, {
        key,
        programmeId: this.programme.id,
        kind: a.kind,
        unit,
        memberId: null,
        venueId: a.venueId ?? null,
        counterVenueId: a.counterVenueId ?? null,
        balance: null,
      });
      this.newAccounts.push([key, id]);
    }
    return { id, unit };
  }

  /** Called after commit: system accounts made in this transaction now exist for good. */
  committed(): void {
    let cache = accountCache.get(this.db);
    if (!cache) accountCache.set(this.db, (cache = new Map()));
    for (const [k, id] of this.newAccounts) cache.set(k, id);
  }

  /**
   * Posts one transaction: checks it balances per unit and leaves no member balance or lot below
   * zero, then inserts the transaction, its new lots and entries, and updates the caches.
   * `answer` builds the caller's answer from the state after the posting.
   */
  async post(draft: TxnDraft, answer: (s: LedgerSession) => Record<string, unknown> = () => ({})): Promise<PostedTxn> {
    const postings = draft.postings.filter((p) => p.amount !== 0);
    const resolved: { p: Posting; acc: { id: number; unit: 'points' | 'minor'; member?: MemberAccountKind } }[] = [];
    const sums = { points: 0, minor: 0 };
    let points = 0;
    let amountMinor = 0;
    for (const p of postings) {
      if (!Number.isSafeInteger(p.amount)) throw new PatronError('VALIDATION', `amount ${p.amount} is not a whole number`);
      const acc = await this.accountId(p.account);
      sums[acc.unit] += p.amount;
      if (acc.member) {
        if (acc.member === 'points') points += p.amount;
        else amountMinor += p.amount;
        if (p.lot === undefined) throw new Error('member postings need a lot');
        if (typeof p.lot === 'object' && p.amount < 0) throw new Error('a new lot needs a credit');
      }
      resolved.push({ p, acc });
    }
    if (sums.points !== 0 || sums.minor !== 0) {
      throw new Error(`unbalanced loyalty transaction ${draft.kind}: points ${sums.points}, minor ${sums.minor}`);
    }

    // Apply to the in-memory state first: this is where "never negative" is enforced.
    for (const { p } of resolved) {
      if (isMemberAccount(p.account) && typeof p.lot === 'number') await this.loadOpenLots(p.account.member);
    }
    for (const { p } of resolved) {
      if (!isMemberAccount(p.account)) continue;
      const m = this.member(p.account.member);
      m.accounts[p.account.kind].balance += p.amount;
      if (m.accounts[p.account.kind].balance < 0) {
        throw new PatronError('INSUFFICIENT_FUNDS', `not enough ${p.account.kind === 'points' ? 'points' : 'stored value'}`);
      }
      if (typeof p.lot === 'number') {
        const lot = m.lots.get(p.lot);
        if (!lot) throw new Error(`lot ${p.lot} is not loaded`);
        lot.remaining += p.amount;
        if (lot.remaining < 0) throw new PatronError('INSUFFICIENT_FUNDS', `lot ${lot.id} would go below zero`);
      }
    }

    const now = this.w.now;
    const result: TxnResult = {
      kind: draft.kind,
      programme: this.programme.code,
      memberId: draft.memberId,
      points,
      amountMinor,
      balance: draft.memberId !== null && this.members.has(draft.memberId) ? this.balance(draft.memberId) : null,
      at: now,
      ...answer(this),
    };
    const entries: PostingWrite['entries'] = [];
    const newLots: PostingWrite['newLots'] = [];
    const lotDeltas = new Map<number, number>();
    const balanceDeltas = new Map<number, number>();
    for (const { p, acc } of resolved) {
      let lot: PostingWrite['entries'][number]['lot'] = null;
      if (isMemberAccount(p.account)) {
        balanceDeltas.set(acc.id, (balanceDeltas.get(acc.id) ?? 0) + p.amount);
        if (typeof p.lot === 'number') {
          lot = { existing: p.lot };
          lotDeltas.set(p.lot, (lotDeltas.get(p.lot) ?? 0) + p.amount);
        } else if (p.lot) {
          lot = { newIndex: newLots.length };
          newLots.push({ accountId: acc.id, memberId: p.account.member, venueId: p.lot.venueId, day: p.lot.day, expiresDay: p.lot.expiresDay, amount: p.amount });
        }
      }
      entries.push({ accountId: acc.id, lot, amount: p.amount });
    }
    const written = await writePosting(this.tx, {
      txn: {
        programme_id: this.programme.id,
        idempotency_key: draft.key,
        request_hash: draft.requestHash,
        kind: draft.kind,
        member_id: draft.memberId,
        card_id: draft.cardId ?? null,
        venue_id: draft.venueId ?? null,
        order_id: draft.orderId ?? null,
        ref_txn_id: draft.refTxnId ?? null,
        reference: draft.reference ?? null,
        points,
        amount_minor: amountMinor,
        reason: draft.reason ?? null,
        actor: this.w.actor,
        created_at: now,
        day: this.day,
        detail: JSON.stringify(draft.detail ?? {}),
        result: JSON.stringify(result),
      },
      newLots,
      entries,
      lotDeltas: [...lotDeltas].filter(([, d]) => d !== 0),
      balanceDeltas: [...balanceDeltas].filter(([, d]) => d !== 0),
    });
    newLots.forEach((nl, i) => {
      const id = written.lotIds[i]!;
      const kind = resolved.find((r) => r.acc.id === nl.accountId)!.acc.member!;
      this.member(nl.memberId).lots.set(id, { id, accountId: nl.accountId, kind, memberId: nl.memberId, venueId: nl.venueId, day: nl.day, expiresDay: nl.expiresDay, amount: nl.amount, remaining: nl.amount });
    });
    const txnId = written.txnId;
    return { txnId, replayed: false, result };
  }

  /**
   * Writes off the member's points lots that have expired by the session's day (oldest first), as
   * one 'expire' transaction. Runs before any debit, so an expired point is never spent.
   */
  async expireDue(memberId: number): Promise<PostedTxn | null> {
    const due = (await this.lotsOf(memberId, 'points')).filter((l) => l.expiresDay !== null && l.expiresDay <= this.day);
    if (due.length === 0) return null;
    // State decides what expires; the key only has to be unique, and the member's latest
    // transaction id makes it so (it changes with every write to the member).
    const last = await lastTxnIdOfMember(this.tx, memberId);
    const total = due.reduce((s, l) => s + l.remaining, 0);
    return this.post({
      key: `expire:m${memberId}:t${last}`,
      requestHash: requestHash(due.map((l) => [l.id, l.remaining])),
      kind: 'expire',
      memberId,
      detail: { lots: due.map((l) => ({ lotId: l.id, points: l.remaining, expiresDay: l.expiresDay })) },
      postings: [
        ...due.map((l) => ({ account: { member: memberId, kind: 'points' as const }, amount: -l.remaining, lot: l.id })),
        { account: { kind: 'points_expired' as const }, amount: total },
      ],
    });
  }

  /**
   * Postings that take `amount` from a member account's live lots, oldest first (the caller has
   * checked there is enough). Returns them with the origin venue of each part.
   */
  async takeFromLots(memberId: number, kind: MemberAccountKind, amount: number, preferLotIds: readonly number[] = []): Promise<{ lot: Lot; take: number }[]> {
    const lots = (await this.lotsOf(memberId, kind)).filter((l) => isLive(l, this.day));
    const preferred = preferLotIds.map((id) => lots.find((l) => l.id === id)).filter((l): l is Lot => !!l);
    const ordered = [...preferred, ...lots.filter((l) => !preferLotIds.includes(l.id))];
    const out: { lot: Lot; take: number }[] = [];
    let left = amount;
    for (const lot of ordered) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      if (take > 0) out.push({ lot, take });
      left -= take;
    }
    if (left > 0) throw new PatronError('INSUFFICIENT_FUNDS', `not enough ${kind === 'points' ? 'points' : 'stored value'}`);
    return out;
  }

  /** Loads specific lots (e.g. those a refund credits back) into the member's state, even if empty. */
  async loadLots(memberId: number, lots: Lot[]): Promise<void> {
    const m = await this.loadOpenLots(memberId);
    for (const l of lots) if (!m.lots.has(l.id)) m.lots.set(l.id, { ...l });
  }
}

export interface LedgerRun<T> {
  programme: ProgrammeConfig;
  w: WriteContext;
  day: number;
  memberIds: readonly number[];
  /** The request's key; omitted for system jobs whose transactions carry derived keys. */
  idem?: { key: string; requestHash: string; replay: (row: TxnRow) => T };
  /** The card the request names, so its state is read with the lock. */
  cardId?: number | null;
  body: (s: LedgerSession) => Promise<T>;
}

function replayOf<T>(row: TxnRow, hash: string, replay: (row: TxnRow) => T): T {
  if (row.request_hash !== hash) {
    throw new PatronError('CONFLICT', `idempotency key ${row.idempotency_key} was already used for a different request`);
  }
  return replay(row);
}

/**
 * Runs ledger work in one write transaction: locks the members, answers a repeated key from the
 * stored transaction, otherwise runs `body`. A concurrent request with the same key that got in
 * first (the unique constraint catches it) is answered the same way.
 */
export async function runLedger<T>(db: Db, run: LedgerRun<T>): Promise<T> {
  let session: LedgerSession | undefined;
  try {
    const out = await inWriteTransaction(db, async (tx) => {
      session = new LedgerSession(db, tx, run.programme, run.w, run.day);
      const probe = await session.lockMembers(run.memberIds, { cardId: run.cardId ?? null, key: run.idem?.key ?? null });
      if (run.idem) {
        // No members to lock (cannot happen for member operations) falls back to a plain look-up.
        const existing =
          probe.existingTxnId !== null
            ? await getTxnTx(tx, probe.existingTxnId)
            : run.memberIds.length === 0
              ? await findTxnByKeyTx(tx, run.programme.id, run.idem.key)
              : undefined;
        if (existing) return replayOf(existing, run.idem.requestHash, run.idem.replay);
      }
      return run.body(session);
    });
    session?.committed();
    return out;
  } catch (e) {
    if (run.idem && isIdempotencyViolation(e)) {
      const existing = await findTxnByKey(db.kysely, run.programme.id, run.idem.key);
      if (existing) return replayOf(existing, run.idem.requestHash, run.idem.replay);
    }
    throw e;
  }
}

/** The stored answer of a transaction, as first given. */
export function storedResult(row: TxnRow): PostedTxn {
  return { txnId: row.id, replayed: true, result: JSON.parse(row.result) as TxnResult };
}
