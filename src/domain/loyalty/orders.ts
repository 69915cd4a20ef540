import type { Kysely } from 'kysely';
import type { Db } from '../../storage/db.js';
import { findTxnByKey, txnsOfOrder } from '../../storage/loyalty-ledger.repo.js';
import { getMemberByCustomer, membersOfCustomers, programmeIdsOfVenue, type MemberRow } from '../../storage/loyalty.repo.js';
import type { Database, Order } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import { requestHash, runLedger, type LedgerSession, type PostedTxn } from './ledger.js';
import { earnFor, expiresDayFor, reversePoints } from './operations.js';
import { businessDay, loadProgramme, type ProgrammeConfig, type WriteContext } from './programmes.js';
import { attributeReferralTx } from './referrals.js';
import { mulDivFloor } from './rules.js';

/**
 * Points from stored orders (docs/loyalty.md, "Orders and returns"). `accrueForOrder` makes the
 * ledger agree with an order as it is now: a completed sale earns its points; a return against it
 * (a return order pointing at it) or its cancellation takes back what the returned part earned;
 * an edited sale is re-earned. It is idempotent per order state, so the order path can call it
 * after every save, and calling it twice, or concurrently, changes nothing the second time.
 *
 * The first sale of a referred customer also rewards the customer and the referrer (points to
 * both); if that sale is cancelled or returned in full, the rewards are reversed.
 */

export interface OrderAccrualOutcome {
  programme: string;
  memberId: number;
  /** Points the sale should have earned net of returns, and what this call posted. */
  targetPoints: number;
  points: number;
  shortfall: number;
  txnId: number | null;
  replayed: boolean;
  referral: { referee: PostedTxn | null; referrer: PostedTxn | null; reversed: boolean } | null;
}

export interface OrderAccrual {
  orderId: number;
  saleOrderId: number | null;
  outcomes: OrderAccrualOutcome[];
  /** Why nothing was done, when nothing could be. */
  skipped: string | null;
}

interface SaleState {
  sale: Order;
  lines: { amountMinor: number; category: string | null }[];
  returnedMinor: number;
  stateKey: string;
}

async function loadSale(db: Kysely<Database>, sale: Order): Promise<SaleState> {
  const lines = await db
    .selectFrom('order_lines as l')
    .leftJoin('products as p', 'p.id', 'l.product_id')
    .select(['l.line_total_minor', 'p.category'])
    .where('l.order_id', '=', sale.id)
    .orderBy('l.line_no')
    .execute();
  const returns = await db
    .selectFrom('orders')
    .select(['id', 'content_hash', 'status', 'total_minor'])
    .where('returns_order_id', '=', sale.id)
    .where('kind', '=', 'return')
    .orderBy('id')
    .execute();
  let returned = 0;
  for (const r of returns) if (r.status === 'completed') returned += -r.total_minor;
  return {
    sale,
    lines: lines.map((l) => ({ amountMinor: l.line_total_minor, category: l.category ?? null })),
    returnedMinor: Math.max(0, returned),
    stateKey: requestHash([sale.content_hash, sale.status, returns.map((r) => [r.id, r.content_hash, r.status])]),
  };
}

async function isFirstSale(db: Kysely<Database>, sale: Order): Promise<boolean> {
  const earlier = await db
    .selectFrom('orders')
    .select('id')
    .where('customer_id', '=', sale.customer_id)
    .where('kind', '=', 'sale')
    .where((eb) => eb.or([eb('ordered_at', '<', sale.ordered_at), eb.and([eb('ordered_at', '=', sale.ordered_at), eb('id', '<', sale.id)])]))
    .limit(1)
    .executeTakeFirst();
  return !earlier;
}

/**
 * Brings the ledger in line with an order (a sale, or a return pointing at one) for every programme
 * of the order's venue in which its customer is a member. `referralCode` attributes the customer to
 * a referrer first (only possible at their first order).
 */
export async function accrueForOrder(
  db: Db,
  orderId: number,
  opts: { w?: WriteContext; referralCode?: string; scopeVenueId?: number | null } = {},
): Promise<OrderAccrual> {
  const w = opts.w ?? { actor: 'system', now: new Date().toISOString() };
  const k = db.kysely;
  const order = await k.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) throw new PatronError('NOT_FOUND', `order ${orderId} not found`);
  const scope = opts.scopeVenueId ?? null;
  if (scope !== null && order.venue_id !== scope) throw new PatronError('NOT_FOUND', `order ${orderId} not found`);
  const out: OrderAccrual = { orderId, saleOrderId: null, outcomes: [], skipped: null };
  let sale: Order | undefined = order;
  if (order.kind === 'return') {
    sale = order.returns_order_id === null ? undefined : await k.selectFrom('orders').selectAll().where('id', '=', order.returns_order_id).executeTakeFirst();
    if (!sale) return { ...out, skipped: 'a return that names no sale earns and reverses nothing' };
  }
  out.saleOrderId = sale.id;
  if (sale.customer_id === null) return { ...out, skipped: 'anonymous sale' };
  if (sale.venue_id === null) return { ...out, skipped: 'the sale has no venue' };
  if (opts.referralCode) await attributeReferralTx(db, sale.customer_id, opts.referralCode, w);
  const programmeIds = new Set(await programmeIdsOfVenue(k, sale.venue_id));
  const members = (await membersOfCustomers(k, [sale.customer_id])).filter((m) => programmeIds.has(m.programme_id));
  if (members.length === 0) return { ...out, skipped: 'the customer is not a member of a programme at this venue' };
  const state = await loadSale(k, sale);
  const first = await isFirstSale(k, sale);
  const referredBy = (await k.selectFrom('customers').select('referred_by').where('id', '=', sale.customer_id).executeTakeFirstOrThrow()).referred_by;
  const day = await businessDay(db, w.now);
  for (const member of members) {
    const cfg = await loadProgramme(db, member.programme_id);
    const referrer = first && referredBy !== null && (cfg.referrerPoints > 0 || cfg.refereePoints > 0) ? ((await getMemberByCustomer(k, cfg.id, referredBy)) ?? null) : null;
    const key = `order:${sale.id}:${state.stateKey}`;
    out.outcomes.push(
      await runLedger<OrderAccrualOutcome>(db, {
        programme: cfg,
        w,
        day,
        memberIds: referrer ? [member.id, referrer.id] : [member.id],
        idem: {
          key,
          requestHash: key,
          replay: (row) => {
            const r = JSON.parse(row.result) as { points: number; targetPoints: number; shortfall?: number };
            return { programme: cfg.code, memberId: member.id, targetPoints: r.targetPoints, points: r.points, shortfall: r.shortfall ?? 0, txnId: row.id, replayed: true, referral: null };
          },
        },
        body: (s) => settleOrder(s, cfg, member, state, key, first, referredBy !== null, referrer),
      }),
    );
  }
  return out;
}

async function settleOrder(
  s: LedgerSession,
  cfg: ProgrammeConfig,
  member: MemberRow,
  st: SaleState,
  key: string,
  first: boolean,
  referred: boolean,
  referrer: MemberRow | null,
): Promise<OrderAccrualOutcome> {
  const sale = st.sale;
  const venueId = sale.venue_id!;
  const prior = (await txnsOfOrder(s.trx, cfg.id, sale.id)).filter((t) => t.member_id === member.id && (t.kind === 'accrue' || t.kind === 'accrue_reverse'));
  const net = prior.reduce((acc, t) => acc + t.points, 0);
  // What the sale earns in full: as first earned while the sale is unchanged (a tier change since
  // must not change what a return takes back), else under today's rules.
  const earnedBefore = prior
    .filter((t) => t.kind === 'accrue')
    .map((t) => JSON.parse(t.detail) as { earned?: number; contentHash?: string })
    .find((d) => d.contentHash === sale.content_hash && d.earned !== undefined);
  const fresh = earnFor(cfg, s.member(member.id).tierId, { lines: st.lines, discountMinor: sale.discount_minor }, sale.day);
  const earned = earnedBefore?.earned ?? fresh.points;
  const kept = sale.status === 'completed' && sale.total_minor > 0 ? Math.max(0, sale.total_minor - st.returnedMinor) : 0;
  const target = sale.total_minor > 0 ? mulDivFloor(earned, kept, sale.total_minor) : 0;
  const delta = target - net;
  const common = { key, requestHash: key, memberId: member.id, venueId, orderId: sale.id, reference: sale.external_id };
  let posted: PostedTxn | null = null;
  if (delta > 0) {
    posted = await s.post(
      {
        ...common,
        kind: 'accrue',
        detail: { earned, contentHash: sale.content_hash, baseMinor: fresh.baseMinor, rateBp: fresh.rateBp, tier: fresh.tierCode, target, net },
        postings: [
          { account: { member: member.id, kind: 'points' }, amount: delta, lot: { venueId, day: sale.day, expiresDay: expiresDayFor(cfg, sale.day) } },
          { account: { kind: 'points_issued', venueId }, amount: -delta },
        ],
      },
      () => ({ targetPoints: target, orderId: sale.id }),
    );
  } else if (delta < 0) {
    const ownLots = await s.trx
      .selectFrom('loyalty_lots')
      .select('id')
      .where('txn_id', 'in', prior.filter((t) => t.kind === 'accrue').map((t) => t.id))
      .execute();
    posted = await reversePoints(s, {
      ...common,
      kind: 'accrue_reverse',
      due: -delta,
      ownLots: ownLots.map((l) => l.id),
      counter: { kind: 'points_issued', venueId },
      extra: { targetPoints: target, orderId: sale.id, net },
    });
  }

  let referral: OrderAccrualOutcome['referral'] = null;
  if (first && referred) referral = await settleReferral(s, cfg, member, referrer, sale, kept > 0);
  return {
    programme: cfg.code,
    memberId: member.id,
    targetPoints: target,
    points: posted?.result.points ?? 0,
    shortfall: (posted?.result.shortfall as number | undefined) ?? 0,
    txnId: posted?.txnId ?? null,
    replayed: false,
    referral,
  };
}

/**
 * Referral rewards on the referred customer's first sale: both get points when it completes; both
 * lose them (as far as their balances allow) if it is later cancelled or returned in full. Keys per
 * customer make each happen once.
 */
async function settleReferral(
  s: LedgerSession,
  cfg: ProgrammeConfig,
  referee: MemberRow,
  referrer: MemberRow | null,
  sale: Order,
  completed: boolean,
): Promise<OrderAccrualOutcome['referral']> {
  const cid = referee.customer_id;
  const venueId = sale.venue_id!;
  const parties: { who: 'referee' | 'referrer'; member: MemberRow; points: number }[] = [{ who: 'referee', member: referee, points: cfg.refereePoints }];
  if (referrer) parties.push({ who: 'referrer', member: referrer, points: cfg.referrerPoints });
  const out: NonNullable<OrderAccrualOutcome['referral']> = { referee: null, referrer: null, reversed: false };
  for (const party of parties) {
    if (party.points <= 0) continue;
    const rewardKey = `referral:c${cid}:${party.who}`;
    const reverseKey = `referral-reverse:c${cid}:${party.who}`;
    const reward = await findTxnByKey(s.trx, cfg.id, rewardKey);
    if (completed && !reward) {
      out[party.who] = await s.post({
        key: rewardKey,
        requestHash: rewardKey,
        kind: 'referral',
        memberId: party.member.id,
        venueId,
        orderId: sale.id,
        reference: sale.external_id,
        detail: { refereeCustomerId: cid, role: party.who },
        postings: [
          { account: { member: party.member.id, kind: 'points' }, amount: party.points, lot: { venueId, day: sale.day, expiresDay: expiresDayFor(cfg, sale.day) } },
          { account: { kind: 'points_referral' }, amount: -party.points },
        ],
      });
    } else if (!completed && reward && !(await findTxnByKey(s.trx, cfg.id, reverseKey))) {
      const lots = await s.trx.selectFrom('loyalty_lots').select('id').where('txn_id', '=', reward.id).execute();
      out[party.who] = await reversePoints(s, {
        key: reverseKey,
        requestHash: reverseKey,
        kind: 'referral_reverse',
        memberId: party.member.id,
        venueId,
        due: reward.points,
        ownLots: lots.map((l) => l.id),
        counter: { kind: 'points_referral' },
        refTxnId: reward.id,
        orderId: sale.id,
        reference: sale.external_id,
      });
      out.reversed = true;
    }
  }
  return out;
}

/**
 * For the order path: after orders are saved (their transaction committed), bring points in line
 * with each of them. Orders that earn nothing are skipped; one order's failure does not stop the
 * others (it is reported, and calling again later is safe).
 */
export async function accrueForOrders(
  db: Db,
  externalIds: readonly string[],
  w: WriteContext,
): Promise<{ accrued: OrderAccrual[]; failed: { externalId: string; error: string }[] }> {
  const accrued: OrderAccrual[] = [];
  const failed: { externalId: string; error: string }[] = [];
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await db.kysely.selectFrom('orders').select(['id', 'external_id']).where('external_id', 'in', externalIds.slice(i, i + 500)).orderBy('id').execute();
    for (const r of rows) {
      try {
        accrued.push(await accrueForOrder(db, r.id, { w }));
      } catch (e) {
        failed.push({ externalId: r.external_id, error: (e as Error).message });
      }
    }
  }
  return { accrued, failed };
}

/** Accrues every order from a day on whose customer is a member (a backfill after an import), in order. */
export async function accrueOrdersFrom(db: Db, fromDay: number, w: WriteContext): Promise<{ orders: number; posted: number; points: number }> {
  const rows = await db.kysely
    .selectFrom('orders as o')
    .innerJoin('loyalty_members as m', 'm.customer_id', 'o.customer_id')
    .innerJoin('loyalty_programme_venues as pv', (j) => j.onRef('pv.programme_id', '=', 'm.programme_id').onRef('pv.venue_id', '=', 'o.venue_id'))
    .select('o.id')
    .distinct()
    .where('o.day', '>=', fromDay)
    .orderBy('o.id')
    .execute();
  let posted = 0;
  let points = 0;
  for (const r of rows) {
    const a = await accrueForOrder(db, r.id, { w });
    for (const o of a.outcomes) {
      if (o.txnId !== null && !o.replayed) posted++;
      points += o.points;
    }
  }
  return { orders: rows.length, posted, points };
}
