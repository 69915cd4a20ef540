import { createRng, type Rng } from '../../analytics/random.js';
import { ABC_CLASSES } from '../../analytics/abc/index.js';
import { EIGHT_WAY_SEGMENTS, RFM_NAMED_SEGMENTS } from '../../analytics/rfm/segments.js';
import { TIERS } from '../../analytics/tiers/tiers.js';
import type { Db } from '../../storage/db.js';
import type { CustomerFilters } from './customer-list.js';

/**
 * A small business for the customer-list suites (plain code, no vitest import), written straight
 * into the tables, and the same facts as plain objects so a test can compute by hand which
 * customers each filter must return. Three venues; programme CARD at NORTH and SOUTH (tiers
 * SILVER, GOLD), programme PARTNER at EAST (tier BASIC); two completed value snapshots and a newer
 * running one (whose rows must be ignored); two prediction runs (the older superseded) and two
 * churn runs.
 */
export const T0 = '2024-06-30T12:00:00.000Z';

export const TAGS = ['vip', 'wine', 'tea', '=HYPERLINK("x")', '企业客户'] as const;

export interface PlainCustomer {
  id: number;
  externalId: string;
  name: string;
  tags: string[];
  homeVenueId: number | null;
  /** Venues of non-cancelled orders. */
  orderVenues: number[];
  /** [programmeId, tierId | null, enrolledVenueId | null] per membership. */
  memberships: { programmeId: number; tierId: number | null; enrolledVenueId: number | null }[];
  /** Row in the latest completed snapshot. */
  snap: { rfmSegment: string | null; eightWay: string; abc: string; tier: string; decile: number; revenueMinor: number } | null;
  /** Row in the latest prediction run. */
  prediction: { clvMinor: number | null; pAlive: number } | null;
  /** Row in the latest churn run (at risk). */
  churn: { risk: number } | null;
}

export interface ListFixture {
  venues: { north: number; south: number; east: number };
  programmes: { card: number; partner: number };
  tiers: { silver: number; gold: number; basic: number };
  snapshotId: number;
  predictionRunId: number;
  churnRunId: number;
  customers: PlainCustomer[];
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

async function insertId(db: Db, table: string, row: Record<string, unknown>): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = await (db.kysely as any).insertInto(table).values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

function metricsRow(snapshotId: number, customerId: number, s: NonNullable<PlainCustomer['snap']>) {
  return {
    snapshot_id: snapshotId, customer_id: customerId, first_day: 19_000, last_day: 19_500, recency_days: 30, tenure_days: 500,
    orders: 3, purchase_days: 3, avg_days_between: 250, revenue_minor: s.revenueMinor, returns: 0, returns_minor: 0,
    cost_of_goods_minor: 0, margin_minor: s.revenueMinor, unknown_cost_revenue_minor: 0, discounted_spend_minor: 0, discount_share: 0,
    cost_to_serve_minor: 0, acquisition_cost_minor: 0, profit_minor: s.revenueMinor, r_score: 3, f_score: 3, m_score: 3, rfm_cell: '333',
    rfm_segment: s.rfmSegment, eight_way: s.eightWay, abc_class: s.abc, tier: s.tier, transaction_customer: 0, monetary_decile: s.decile,
  };
}

export async function seedListFixture(db: Db, customers = 240, seed = 7): Promise<ListFixture> {
  const rng = createRng(seed);
  const k = db.kysely;
  const venue = (code: string) => insertId(db, 'venues', { code, name: `Venue ${code}`, kind: 'outlet', city: null, created_at: T0 });
  const venues = { north: await venue('NORTH'), south: await venue('SOUTH'), east: await venue('EAST') };
  const programme = (code: string, prefix: string) =>
    insertId(db, 'loyalty_programmes', {
      code, name: `Programme ${code}`, status: 'active', point_value_minor: 1, earn_rate_bp: 500, points_expiry_days: null,
      points_settlement_bp: 10000, sv_settlement_bp: 10000, card_prefix: prefix, tier_window_days: 365, referrer_points: 0,
      referee_points: 0, topup_bonuses: '[]', multipliers: '[]', created_at: T0, updated_at: T0,
    });
  const programmes = { card: await programme('CARD', '81'), partner: await programme('PARTNER', '82') };
  await k.insertInto('loyalty_programme_venues').values([
    { programme_id: programmes.card, venue_id: venues.north, joined_at: T0 },
    { programme_id: programmes.card, venue_id: venues.south, joined_at: T0 },
    { programme_id: programmes.partner, venue_id: venues.east, joined_at: T0 },
  ]).execute();
  const tier = (programmeId: number, code: string, rank: number) =>
    insertId(db, 'loyalty_tiers', {
      programme_id: programmeId, code, name: `Tier ${code}`, rank, qualify_by: 'spend', threshold: rank * 1000, earn_rate_bp: 500,
      discount_bp: 0, multipliers: '[]', created_at: T0,
    });
  const tiers = { silver: await tier(programmes.card, 'SILVER', 1), gold: await tier(programmes.card, 'GOLD', 2), basic: await tier(programmes.partner, 'BASIC', 1) };

  const snapshot = (status: string, asOf: string) =>
    insertId(db, 'analysis_snapshots', { as_of: asOf, as_of_day: 19_900, status, parameters: '{}', summary: null, customers: 0, error: null, actor: 'test', created_at: T0, finished_at: T0 });
  const oldSnapshot = await snapshot('completed', '2024-01-31');
  const snapshotId = await snapshot('completed', '2024-06-29');
  const running = await snapshot('running', '2024-06-30');

  const predictionRun = (status: string) =>
    insertId(db, 'prediction_runs', {
      status, as_of: '2024-06-29', as_of_day: 19_903, period: 'week', period_days: 7, horizon: 52, annual_discount_rate: 0.1, margin: 1,
      model: 'bg-nbd', repeat_model_run_id: null, spend_model_run_id: null, spend_source: 'customer-mean', customers: 0, total_clv_minor: 0,
      expected_purchases: 0, parameters: '{}', warnings: '[]', error: null, timings: null, actor: 'test', created_at: T0, finished_at: T0,
    });
  await predictionRun('superseded');
  const predictionRunId = await predictionRun('completed');
  const churnRun = (asOf: string) =>
    insertId(db, 'churn_runs', {
      as_of: asOf, as_of_day: 19_903, prediction_run_id: predictionRunId, model: 'bg-nbd', thresholds: '{}', customers: customers, at_risk: 0,
      clv_at_risk_minor: 0, reason_counts: '{}', voice: 0, duration_ms: 1, actor: 'test', created_at: T0,
    });
  const oldChurnRun = await churnRun('2024-05-31');
  const churnRunId = await churnRun('2024-06-29');

  const plain: PlainCustomer[] = [];
  const venueIds = [venues.north, venues.south, venues.east];
  let orderNo = 0;
  let oldRank = 0;
  let rank = 0;
  for (let i = 1; i <= customers; i++) {
    const tags = TAGS.filter(() => rng() < 0.3);
    const homeVenueId = rng() < 0.4 ? null : pick(rng, venueIds);
    const externalId = `L${String(i).padStart(4, '0')}`;
    const id = await insertId(db, 'customers', {
      external_id: externalId, name: `Cust ${i}`, name_key: `cust ${i}`, phone: `1390000${String(i).padStart(4, '0')}`, email: null,
      tags: JSON.stringify(tags), attributes: '{}', home_venue_id: homeVenueId, created_at: T0, updated_at: T0,
    });
    const c: PlainCustomer = { id, externalId, name: `Cust ${i}`, tags: [...tags], homeVenueId, orderVenues: [], memberships: [], snap: null, prediction: null, churn: null };
    const nOrders = Math.floor(rng() * 3);
    for (let o = 0; o < nOrders; o++) {
      orderNo++;
      const v = rng() < 0.2 ? null : pick(rng, venueIds);
      const status = rng() < 0.2 ? 'cancelled' : 'completed';
      await k.insertInto('orders').values({
        external_id: `LO${orderNo}`, customer_id: id, venue_id: v, kind: 'sale', returns_order_id: null, status, ordered_at: '2024-06-01T10:00:00.000Z',
        local_date: '2024-06-01', day: 19_875, channel: null, payment_method: null, subtotal_minor: 1000, discount_minor: 0, total_minor: 1000,
        cost_minor: null, item_count: 1, content_hash: `h${orderNo}`, import_batch_id: null, created_at: T0, updated_at: T0,
      }).execute();
      if (status !== 'cancelled' && v !== null) c.orderVenues.push(v);
    }
    if (rng() < 0.5) {
      const m = { programmeId: programmes.card, tierId: pick(rng, [null, tiers.silver, tiers.gold]), enrolledVenueId: pick(rng, [null, venues.north, venues.south]) };
      c.memberships.push(m);
    }
    if (rng() < 0.2) c.memberships.push({ programmeId: programmes.partner, tierId: pick(rng, [null, tiers.basic]), enrolledVenueId: pick(rng, [null, venues.east]) });
    for (const m of c.memberships) {
      await k.insertInto('loyalty_members').values({
        programme_id: m.programmeId, customer_id: id, tier_id: m.tierId, tier_since: m.tierId === null ? null : T0, status: 'active',
        enrolled_at: T0, enrolled_venue_id: m.enrolledVenueId,
      }).execute();
    }
    // Old snapshot and the running one: every customer in a segment the latest rows never use,
    // so reading the wrong snapshot shows.
    const stale = { rfmSegment: 'lost', eightWay: 'general-recall', abc: 'D', tier: 'lead', decile: 10, revenueMinor: -1 };
    await k.insertInto('customer_snapshot_metrics').values(metricsRow(oldSnapshot, id, stale)).execute();
    await k.insertInto('customer_snapshot_metrics').values(metricsRow(running, id, stale)).execute();
    if (rng() < 0.85) {
      c.snap = {
        rfmSegment: rng() < 0.1 ? null : pick(rng, RFM_NAMED_SEGMENTS.filter((s) => s.id !== 'lost').map((s) => s.id)),
        eightWay: pick(rng, EIGHT_WAY_SEGMENTS.filter((s) => s.id !== 'general-recall').map((s) => s.id)),
        abc: pick(rng, ABC_CLASSES.filter((x) => x !== 'D')),
        tier: pick(rng, TIERS.filter((t) => t.id !== 'lead').map((t) => t.id)),
        decile: 1 + Math.floor(rng() * 9),
        revenueMinor: Math.floor(rng() * 200_000) - 5_000,
      };
      await k.insertInto('customer_snapshot_metrics').values(metricsRow(snapshotId, id, c.snap)).execute();
    }
    if (rng() < 0.75) {
      c.prediction = { clvMinor: rng() < 0.1 ? null : Math.floor(rng() * 100_000), pAlive: Number(rng().toFixed(3)) };
      await k.insertInto('customer_predictions').values({
        run_id: predictionRunId, customer_id: id, x: 2, first_day: 19_000, last_day: 19_800, p_alive: c.prediction.pAlive, expected_purchases: 1.5,
        expected_order_value_minor: 5000, clv_minor: c.prediction.clvMinor, clv_if_active_minor: null, days_to_next_if_active: null,
      }).execute();
    }
    const churnRow = (runId: number, r: number, risk: number) => ({
      run_id: runId, customer_id: id, rank: r, p_alive: 1 - risk, risk, value_if_active_minor: 0, priority_minor: 0, clv_minor: 0, days_since_last: 10,
      mean_gap_days: null, recent_spend_minor: 0, earlier_spend_minor: 0, recent_cases: 0, open_cases: 0, low_scores: 0, reasons: '[]',
    });
    // Everyone was at risk in the old churn run.
    await k.insertInto('churn_risks').values(churnRow(oldChurnRun, ++oldRank, 0.99)).execute();
    if (rng() < 0.3) {
      c.churn = { risk: Number((0.5 + rng() / 2).toFixed(3)) };
      await k.insertInto('churn_risks').values(churnRow(churnRunId, ++rank, c.churn.risk)).execute();
    }
    plain.push(c);
  }
  return { venues, programmes, tiers, snapshotId, predictionRunId, churnRunId, customers: plain };
}

/** Which fixture customers a filter set must return, computed by hand (ids in order). */
export function expectedIds(fx: ListFixture, f: CustomerFilters, scopeVenueId: number | null = null): number[] {
  const any = <T>(xs: readonly T[] | undefined, v: T) => xs === undefined || xs.includes(v);
  const atVenue = (c: PlainCustomer, v: number) =>
    c.homeVenueId === v || c.orderVenues.includes(v) || c.memberships.some((m) => m.enrolledVenueId === v);
  return fx.customers
    .filter((c) => {
      if (f.q !== undefined && f.q !== '') {
        const q = f.q.trim().toLowerCase();
        if (!(c.externalId === f.q.trim() || c.name.toLowerCase().startsWith(q))) return false;
      }
      const needSnap = f.rfmSegment || f.eightWay || f.abc || f.valueTier || f.decile || f.revenueMin !== undefined || f.revenueMax !== undefined;
      if (needSnap) {
        const s = c.snap;
        if (!s) return false;
        if (f.rfmSegment && (s.rfmSegment === null || !f.rfmSegment.includes(s.rfmSegment))) return false;
        if (!any(f.eightWay, s.eightWay) || !any(f.abc, s.abc) || !any(f.valueTier, s.tier) || !any(f.decile, s.decile)) return false;
        if (f.revenueMin !== undefined && s.revenueMinor < f.revenueMin) return false;
        if (f.revenueMax !== undefined && s.revenueMinor > f.revenueMax) return false;
      }
      if (f.clvMin !== undefined || f.clvMax !== undefined) {
        const clv = c.prediction?.clvMinor;
        if (clv === null || clv === undefined) return false;
        if (f.clvMin !== undefined && clv < f.clvMin) return false;
        if (f.clvMax !== undefined && clv > f.clvMax) return false;
      }
      if (f.churn !== undefined || f.churnRiskMin !== undefined) {
        const atRisk = c.churn !== null && (f.churnRiskMin === undefined || c.churn.risk >= f.churnRiskMin);
        if ((f.churn ?? 'at-risk') === 'at-risk' ? !atRisk : c.churn !== null) return false;
      }
      if (f.loyaltyTier && !c.memberships.some((m) => m.tierId !== null && f.loyaltyTier!.includes(m.tierId))) return false;
      if (f.venue !== undefined && !atVenue(c, f.venue)) return false;
      if (scopeVenueId !== null && !atVenue(c, scopeVenueId)) return false;
      if (f.tag && !c.tags.some((t) => f.tag!.includes(t))) return false;
      return true;
    })
    .map((c) => c.id);
}
