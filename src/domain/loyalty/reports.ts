import { appendAudit } from '../../storage/audit.repo.js';
import { listVenues } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import {
  accountBalanceDiffs,
  inWriteTransaction,
  ledgerCounts,
  lotHoldingsAsOf,
  lotRemainingDiffs,
  misfiledLotEntries,
  setAccountBalance,
  setLotRemaining,
  settlementSums,
  txnHeaderDiffs,
  txnsOfMember,
  unbalancedTxns,
  type CacheDiff,
} from '../../storage/loyalty-ledger.repo.js';
import { PatronError } from '../errors.js';
import { dayToDate } from '../time.js';
import { resolveTarget, type MemberRef } from './members.js';
import { assertVisible, loadProgramme, type WriteContext } from './programmes.js';
import { ageBucket, DEFAULTS as RULES } from './rules.js';

// ---- member statement ------------------------------------------------------------------------------

export interface StatementLine {
  txnId: number;
  at: string;
  date: string;
  kind: string;
  venueId: number | null;
  reference: string | null;
  reason: string | null;
  actor: string;
  points: number;
  amountMinor: number;
  /** Balances after this line. */
  pointsBalance: number;
  svBalanceMinor: number;
}

export interface Statement {
  memberId: number;
  programme: string;
  from: string | null;
  to: string | null;
  opening: { points: number; svMinor: number };
  closing: { points: number; svMinor: number };
  lines: StatementLine[];
}

/** A member's transactions over a period with running balances (from the ledger, not the caches). */
export async function memberStatement(db: Db, ref: MemberRef, period: { fromDay?: number | null; toDay?: number | null }, scopeVenueId: number | null): Promise<Statement> {
  const t = await resolveTarget(db, ref, scopeVenueId, { requireActiveCard: false });
  const k = db.kysely;
  const from = period.fromDay ?? null;
  const to = period.toDay ?? null;
  const opening = { points: 0, svMinor: 0 };
  if (from !== null) {
    const r = await k
      .selectFrom('loyalty_txns')
      .select([(eb) => eb.fn.sum<number>('points').as('p'), (eb) => eb.fn.sum<number>('amount_minor').as('m')])
      .where('member_id', '=', t.member.id)
      .where('day', '<', from)
      .executeTakeFirst();
    opening.points = Number(r?.p ?? 0);
    opening.svMinor = Number(r?.m ?? 0);
  }
  let pts = opening.points;
  let sv = opening.svMinor;
  const lines: StatementLine[] = [];
  for (const x of await txnsOfMember(k, t.member.id, from, to)) {
    pts += x.points;
    sv += x.amount_minor;
    lines.push({
      txnId: x.id,
      at: x.created_at,
      date: dayToDate(x.day),
      kind: x.kind,
      venueId: x.venue_id,
      reference: x.reference,
      reason: x.reason,
      actor: x.actor,
      points: x.points,
      amountMinor: x.amount_minor,
      pointsBalance: pts,
      svBalanceMinor: sv,
    });
  }
  return {
    memberId: t.member.id,
    programme: t.programme.code,
    from: from === null ? null : dayToDate(from),
    to: to === null ? null : dayToDate(to),
    opening,
    closing: { points: pts, svMinor: sv },
    lines,
  };
}

// ---- partner settlement --------------------------------------------------------------------------

export interface SettlementPair {
  /** The pair, lower venue id first. */
  venueA: { id: number; code: string };
  venueB: { id: number; code: string };
  /** What A owes B: points earned at A redeemed at B, and stored value paid in at A spent at B. */
  aOwesBPointsMinor: number;
  aOwesBStoredValueMinor: number;
  bOwesAPointsMinor: number;
  bOwesAStoredValueMinor: number;
  /** Positive: A pays B this much; negative: B pays A. */
  netAToBMinor: number;
  transactions: number;
}

export interface SettlementStatement {
  programme: string;
  from: string;
  to: string;
  pairs: SettlementPair[];
}

/**
 * Who owes whom between the programme's venues over a period, per pair: summed from the settlement
 * entries the ledger wrote at each redemption, spend, cash-out and refund (reversals net out).
 */
export async function settlementStatement(db: Db, programmeId: number, fromDay: number, toDay: number, scopeVenueId: number | null): Promise<SettlementStatement> {
  const cfg = await loadProgramme(db, programmeId);
  assertVisible(cfg, scopeVenueId);
  if (toDay < fromDay) throw new PatronError('VALIDATION', 'the period ends before it starts');
  const sums = await settlementSums(db.kysely, cfg.id, fromDay, toDay);
  const venues = new Map((await listVenues(db.kysely)).map((v) => [v.id, v.code]));
  const pairs = new Map<string, SettlementPair>();
  for (const s of sums) {
    const a = Math.min(s.creditorVenueId, s.debtorVenueId);
    const b = Math.max(s.creditorVenueId, s.debtorVenueId);
    if (scopeVenueId !== null && a !== scopeVenueId && b !== scopeVenueId) continue;
    const key = `${a}-${b}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        venueA: { id: a, code: venues.get(a) ?? String(a) },
        venueB: { id: b, code: venues.get(b) ?? String(b) },
        aOwesBPointsMinor: 0,
        aOwesBStoredValueMinor: 0,
        bOwesAPointsMinor: 0,
        bOwesAStoredValueMinor: 0,
        netAToBMinor: 0,
        transactions: 0,
      };
      pairs.set(key, p);
    }
    const aOwes = s.debtorVenueId === a;
    const points = s.kind === 'settle_points_receivable';
    if (aOwes && points) p.aOwesBPointsMinor += s.totalMinor;
    else if (aOwes) p.aOwesBStoredValueMinor += s.totalMinor;
    else if (points) p.bOwesAPointsMinor += s.totalMinor;
    else p.bOwesAStoredValueMinor += s.totalMinor;
    p.transactions += s.txns;
  }
  for (const p of pairs.values()) {
    p.netAToBMinor = p.aOwesBPointsMinor + p.aOwesBStoredValueMinor - p.bOwesAPointsMinor - p.bOwesAStoredValueMinor;
  }
  return { programme: cfg.code, from: dayToDate(fromDay), to: dayToDate(toDay), pairs: [...pairs.values()] };
}

// ---- liability -----------------------------------------------------------------------------------

export interface LiabilityRow {
  venueId: number | null;
  venueCode: string | null;
  /** Age of the lots: days from being earned (or paid in) to the as-of day, bucketed. */
  age: string;
  points: number;
  pointsValueMinor: number;
  svPaidMinor: number;
  svBonusMinor: number;
}

export interface LiabilityReport {
  programme: string;
  asOf: string;
  pointValueMinor: number;
  rows: LiabilityRow[];
  totals: { points: number; pointsValueMinor: number; svPaidMinor: number; svBonusMinor: number; totalMinor: number };
}

/**
 * Outstanding points (and their cash value) and stored value (paid-in and bonus) at the end of a
 * day, by the venue where they came from and by age: what finance carries as a liability.
 */
export async function liabilityReport(db: Db, programmeId: number, asOfDay: number, scopeVenueId: number | null): Promise<LiabilityReport> {
  const cfg = await loadProgramme(db, programmeId);
  assertVisible(cfg, scopeVenueId);
  const venues = new Map((await listVenues(db.kysely)).map((v) => [v.id, v.code]));
  const rows = new Map<string, LiabilityRow>();
  const pv = cfg.pointValueMinor;
  for (const h of await lotHoldingsAsOf(db.kysely, cfg.id, asOfDay)) {
    if (scopeVenueId !== null && h.venueId !== scopeVenueId) continue;
    const age = ageBucket(Math.max(0, asOfDay - h.day), RULES.liabilityAgeBuckets);
    const key = `${h.venueId ?? ''}|${age}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { venueId: h.venueId, venueCode: h.venueId === null ? null : (venues.get(h.venueId) ?? null), age, points: 0, pointsValueMinor: 0, svPaidMinor: 0, svBonusMinor: 0 }));
    if (h.kind === 'points') {
      r.points += h.held;
      r.pointsValueMinor += h.held * pv;
    } else if (h.kind === 'sv_paid') r.svPaidMinor += h.held;
    else if (h.kind === 'sv_bonus') r.svBonusMinor += h.held;
  }
  const bucketOrder = (a: string) => parseInt(a, 10);
  const list = [...rows.values()].sort((a, b) => (a.venueId ?? 0) - (b.venueId ?? 0) || bucketOrder(a.age) - bucketOrder(b.age));
  const totals = { points: 0, pointsValueMinor: 0, svPaidMinor: 0, svBonusMinor: 0, totalMinor: 0 };
  for (const r of list) {
    totals.points += r.points;
    totals.pointsValueMinor += r.pointsValueMinor;
    totals.svPaidMinor += r.svPaidMinor;
    totals.svBonusMinor += r.svBonusMinor;
  }
  totals.totalMinor = totals.pointsValueMinor + totals.svPaidMinor + totals.svBonusMinor;
  return { programme: cfg.code, asOf: dayToDate(asOfDay), pointValueMinor: pv, rows: list, totals };
}

// ---- rebuild -----------------------------------------------------------------------------------------

export interface RebuildReport {
  counts: { txns: number; entries: number; accounts: number; lots: number };
  /** Member balances that differ from the sum of their entries. */
  accountDiffs: CacheDiff[];
  lotDiffs: CacheDiff[];
  /** Transactions whose entries do not sum to zero per unit. */
  unbalanced: { txnId: number; unit: string; sum: number }[];
  headerDiffs: { txnId: number; points: number; ledgerPoints: number; amountMinor: number; ledgerMinor: number }[];
  misfiledEntries: number[];
  /** Caches rewritten from the ledger (only without --check). */
  repaired: number;
  ok: boolean;
}

/**
 * Recomputes every member balance and lot remainder from the entries and compares; checks that
 * every transaction balances and that its header agrees with its entries. With `repair`, rewrites
 * the caches from the ledger (the entries are never touched: they are the truth).
 */
export async function rebuildLedger(db: Db, opts: { repair: boolean }, w: WriteContext): Promise<RebuildReport> {
  const run = async (k: typeof db.kysely) => {
    const report: RebuildReport = {
      counts: await ledgerCounts(k),
      accountDiffs: await accountBalanceDiffs(k),
      lotDiffs: await lotRemainingDiffs(k),
      unbalanced: await unbalancedTxns(k),
      headerDiffs: await txnHeaderDiffs(k),
      misfiledEntries: await misfiledLotEntries(k),
      repaired: 0,
      ok: true,
    };
    report.ok = report.accountDiffs.length + report.lotDiffs.length + report.unbalanced.length + report.headerDiffs.length + report.misfiledEntries.length === 0;
    if (opts.repair && (report.accountDiffs.length || report.lotDiffs.length)) {
      for (const d of report.accountDiffs) await setAccountBalance(k, d.id, d.ledger);
      for (const d of report.lotDiffs) await setLotRemaining(k, d.id, d.ledger);
      report.repaired = report.accountDiffs.length + report.lotDiffs.length;
      await appendAudit(k, { at: w.now, actor: w.actor, action: 'rebuild', entity: 'loyalty_ledger', detail: { accounts: report.accountDiffs.length, lots: report.lotDiffs.length } });
    }
    return report;
  };
  // One write transaction: the checks see one consistent state (no posting can land half-way).
  return inWriteTransaction(db, (tx) => run(tx.k));
}
