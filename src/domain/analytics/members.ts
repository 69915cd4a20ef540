import { ABC_CLASSES } from '../../analytics/abc/index.js';
import type { Lang } from '../../analytics/metrics.js';
import { EIGHT_WAY_SEGMENTS, RFM_NAMED_SEGMENTS } from '../../analytics/rfm/index.js';
import { TIERS } from '../../analytics/tiers/index.js';
import { customerSnapshotRow, segmentMembersPage, type SegmentScheme, type SnapshotMetricRow } from '../../storage/analytics.repo.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { formatMinor } from '../money.js';
import { dayToDate } from '../time.js';
import { csvEscape } from './format.js';
import { customerClv } from './clv.js';
import { segmentName } from './reports.js';
import { loadSnapshot, type SnapshotView } from './snapshot.js';

/** Segment member lists (for campaigns: CSV export, API paging) and one customer's own metrics. */
export const DEFAULTS = Object.freeze({
  pageSize: 500,
  maxPageSize: 5_000,
});

export const SEGMENT_SCHEMES = ['rfm', 'eight-way', 'abc', 'tier', 'decile', 'cell'] as const satisfies readonly SegmentScheme[];

/** Checks a segment id against its scheme's catalogue; returns the value stored in the column. */
export function parseSegment(scheme: SegmentScheme, segment: string): string | number {
  const bad = (known: string) => new PatronError('VALIDATION', `unknown ${scheme} segment "${segment}" (known: ${known})`);
  switch (scheme) {
    case 'rfm':
      if (!RFM_NAMED_SEGMENTS.some((s) => s.id === segment)) throw bad(RFM_NAMED_SEGMENTS.map((s) => s.id).join(', '));
      return segment;
    case 'eight-way':
      if (!EIGHT_WAY_SEGMENTS.some((s) => s.id === segment)) throw bad(EIGHT_WAY_SEGMENTS.map((s) => s.id).join(', '));
      return segment;
    case 'abc':
      if (!(ABC_CLASSES as readonly string[]).includes(segment.toUpperCase())) throw bad(ABC_CLASSES.join(', '));
      return segment.toUpperCase();
    case 'tier':
      if (!TIERS.some((t) => t.id === segment)) throw bad(TIERS.map((t) => t.id).join(', '));
      return segment;
    case 'decile': {
      const d = Number(segment);
      if (!/^\d{1,3}$/.test(segment) || d < 1) throw bad('1, 2, ... 10');
      return d;
    }
    case 'cell':
      if (!/^\d+(-\d+)*$/.test(segment)) throw bad('an RFM cell code such as 545');
      return segment;
  }
}

/**
 * The scheme a segment id belongs to, for `patron report <kind> --segment <id>`: rfm accepts the
 * named and the eight-way ids (they do not overlap) and cell codes.
 */
export function schemeForReport(kind: string, segment: string): SegmentScheme {
  switch (kind) {
    case 'rfm':
      if (EIGHT_WAY_SEGMENTS.some((s) => s.id === segment)) return 'eight-way';
      if (/^\d+(-\d+)*$/.test(segment)) return 'cell';
      return 'rfm';
    case 'abc':
      return 'abc';
    case 'tiers':
      return 'tier';
    case 'deciles':
      return 'decile';
    default:
      throw new PatronError('VALIDATION', `member lists exist for rfm, abc, tiers and deciles, not ${kind}`);
  }
}

export interface MemberView {
  customerId: number;
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consentSms: boolean;
  consentEmail: boolean;
  metrics: MetricsView;
}

export interface MetricsView {
  firstPurchase: string;
  lastPurchase: string;
  recencyDays: number;
  tenureDays: number;
  orders: number;
  purchaseDays: number;
  averageDaysBetweenPurchases: number | null;
  revenueMinor: number;
  returns: number;
  returnsMinor: number;
  costOfGoodsMinor: number;
  marginMinor: number;
  /** Revenue of orders whose cost of goods is unknown (their margin counts as the full amount). */
  unknownCostRevenueMinor: number;
  discountedSpendMinor: number;
  discountShare: number | null;
  costToServeMinor: number;
  acquisitionCostMinor: number;
  profitMinor: number;
  rfm: { r: number; f: number; m: number; cell: string; segment: string | null; eightWay: string };
  abcClass: string;
  tier: string;
  transactionCustomer: boolean;
  monetaryDecile: number;
}

export function toMetricsView(r: SnapshotMetricRow): MetricsView {
  return {
    firstPurchase: dayToDate(r.first_day),
    lastPurchase: dayToDate(r.last_day),
    recencyDays: r.recency_days,
    tenureDays: r.tenure_days,
    orders: r.orders,
    purchaseDays: r.purchase_days,
    averageDaysBetweenPurchases: r.avg_days_between,
    revenueMinor: r.revenue_minor,
    returns: r.returns,
    returnsMinor: r.returns_minor,
    costOfGoodsMinor: r.cost_of_goods_minor,
    marginMinor: r.margin_minor,
    unknownCostRevenueMinor: r.unknown_cost_revenue_minor,
    discountedSpendMinor: r.discounted_spend_minor,
    discountShare: r.discount_share,
    costToServeMinor: r.cost_to_serve_minor,
    acquisitionCostMinor: r.acquisition_cost_minor,
    profitMinor: r.profit_minor,
    rfm: { r: r.r_score, f: r.f_score, m: r.m_score, cell: r.rfm_cell, segment: r.rfm_segment, eightWay: r.eight_way },
    abcClass: r.abc_class,
    tier: r.tier,
    transactionCustomer: r.transaction_customer === 1,
    monetaryDecile: r.monetary_decile,
  };
}

function toMember(r: SnapshotMetricRow): MemberView {
  return {
    customerId: r.customer_id,
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    consentSms: r.consent_sms === 1,
    consentEmail: r.consent_email === 1,
    metrics: toMetricsView(r),
  };
}

export interface MembersPage {
  snapshot: { id: number; asOf: string };
  scheme: SegmentScheme;
  segment: string;
  items: MemberView[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** One page of a segment's members, in customer id order. */
export async function segmentMembers(
  db: Db,
  p: { snapshotId?: number; scheme: SegmentScheme; segment: string; cursor?: string; limit?: number },
): Promise<MembersPage> {
  const snap = await loadSnapshot(db, p.snapshotId);
  const value = parseSegment(p.scheme, p.segment);
  const limit = Math.min(p.limit ?? DEFAULTS.pageSize, DEFAULTS.maxPageSize);
  const after = p.cursor === undefined ? 0 : Number(p.cursor);
  if (!Number.isSafeInteger(after) || after < 0) throw new PatronError('VALIDATION', 'cursor is the nextCursor of the previous page');
  const rows = await segmentMembersPage(db.kysely, { snapshotId: snap.view.id, scheme: p.scheme, segment: value, afterCustomerId: after, limit });
  return {
    snapshot: { id: snap.view.id, asOf: snap.view.asOf },
    scheme: p.scheme,
    segment: String(value),
    items: rows.map(toMember),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.customer_id) : null,
  };
}

const MEMBER_CSV_COLUMNS = [
  'customer_id', 'external_id', 'name', 'phone', 'email', 'consent_sms', 'consent_email', 'segment',
  'first_purchase', 'last_purchase', 'recency_days', 'orders', 'purchase_days', 'revenue', 'margin', 'profit',
  'r', 'f', 'm', 'rfm_cell', 'rfm_segment', 'eight_way', 'abc_class', 'tier', 'transaction_customer', 'monetary_decile',
] as const;

/**
 * Streams a segment's members as CSV lines (header first), page by page, so a list of a million
 * customers never sits in memory. Money as decimal currency units.
 */
export async function* segmentMembersCsv(
  db: Db,
  p: { snapshotId?: number; scheme: SegmentScheme; segment: string; decimals: number; lang: Lang },
): AsyncGenerator<string> {
  yield MEMBER_CSV_COLUMNS.join(',') + '\n';
  let cursor: string | undefined;
  for (;;) {
    const page = await segmentMembers(db, { snapshotId: p.snapshotId, scheme: p.scheme, segment: p.segment, cursor, limit: DEFAULTS.maxPageSize });
    let out = '';
    for (const m of page.items) {
      const x = m.metrics;
      const cells: (string | number | null)[] = [
        m.customerId, m.externalId, m.name, m.phone, m.email, m.consentSms ? 1 : 0, m.consentEmail ? 1 : 0, segmentName(p.scheme, page.segment, p.lang),
        x.firstPurchase, x.lastPurchase, x.recencyDays, x.orders, x.purchaseDays,
        formatMinor(x.revenueMinor, p.decimals), formatMinor(x.marginMinor, p.decimals), formatMinor(x.profitMinor, p.decimals),
        x.rfm.r, x.rfm.f, x.rfm.m, x.rfm.cell, x.rfm.segment, x.rfm.eightWay, x.abcClass, x.tier, x.transactionCustomer ? 1 : 0, x.monetaryDecile,
      ];
      out += cells.map((c) => (c === null ? '' : csvEscape(String(c)))).join(',') + '\n';
    }
    if (out) yield out;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

// ---- one customer ---------------------------------------------------------------------------------

export interface CustomerValueView {
  customerId: number;
  /** The snapshot the metrics come from (the newest completed one that includes the customer). */
  snapshot: { id: number; asOf: string } | null;
  metrics: MetricsView | null;
  /** Segment names and recommended actions in both languages. */
  segments: {
    rfm: { id: string; name: { en: string; zh: string }; action: { en: string; zh: string } } | null;
    eightWay: { id: string; code: string; name: { en: string; zh: string }; action: { en: string; zh: string } };
    tier: { id: string; name: { en: string; zh: string }; action: { en: string; zh: string } };
    abcClass: string;
    monetaryDecile: number;
    transactionCustomer: boolean;
  } | null;
  /** Own value and referred value as of the snapshot's date (DOMAIN.md section 4). */
  referrals: {
    ownProfitMinor: number;
    directReferrals: number;
    treeReferrals: number;
    referredDirectRevenueMinor: number;
    referredDirectProfitMinor: number;
    referredTreeRevenueMinor: number;
    referredTreeProfitMinor: number;
    totalProfitMinor: number;
  } | null;
}

/** A customer's latest metrics and segments, for the customer 360 page. */
export async function customerValue(db: Db, customerId: number): Promise<CustomerValueView> {
  const exists = await db.kysely.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!exists) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const row = await customerSnapshotRow(db.kysely, customerId);
  if (!row) return { customerId, snapshot: null, metrics: null, segments: null, referrals: null };
  const snap = await loadSnapshot(db, row.snapshot_id);
  const named = row.rfm_segment ? RFM_NAMED_SEGMENTS.find((s) => s.id === row.rfm_segment) ?? null : null;
  const eight = EIGHT_WAY_SEGMENTS.find((s) => s.id === row.eight_way)!;
  const tier = TIERS.find((t) => t.id === row.tier)!;
  const clv = await customerClv(db, { id: customerId }, snap.asOfDay);
  const h = clv.history;
  return {
    customerId,
    snapshot: snapRef(snap.view),
    metrics: toMetricsView(row),
    segments: {
      rfm: named ? { id: named.id, name: named.name, action: named.action } : null,
      eightWay: { id: eight.id, code: eight.code, name: eight.name, action: eight.action },
      tier: { id: tier.id, name: tier.name, action: tier.action },
      abcClass: row.abc_class,
      monetaryDecile: row.monetary_decile,
      transactionCustomer: row.transaction_customer === 1,
    },
    referrals: {
      ownProfitMinor: h.own.profitMinor,
      directReferrals: h.directReferrals.length,
      treeReferrals: h.treeReferrals,
      referredDirectRevenueMinor: h.referredDirect.revenueMinor,
      referredDirectProfitMinor: h.referredDirect.profitMinor,
      referredTreeRevenueMinor: h.referredTree.revenueMinor,
      referredTreeProfitMinor: h.referredTree.profitMinor,
      totalProfitMinor: h.totalProfitMinor,
    },
  };
}

function snapRef(v: SnapshotView) {
  return { id: v.id, asOf: v.asOf };
}
