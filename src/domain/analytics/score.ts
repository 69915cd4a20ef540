import { ABC_CLASSES, abcClassify, type AbcResult } from '../../analytics/abc/index.js';
import { monetaryDeciles, purchaseDeciles, type MonetaryDecileResult, type PurchaseDecileResult } from '../../analytics/deciles/index.js';
import { compareIds, measureValue, type CustomerMetrics } from '../../analytics/metrics.js';
import { EIGHT_WAY_SEGMENTS, RFM_NAMED_SEGMENTS, rfmAnalysis, type RfmResult } from '../../analytics/rfm/index.js';
import { TIERS, profitabilityTiers, type TierResult } from '../../analytics/tiers/index.js';
import type { AnalysisParameters } from './options.js';

/**
 * Scoring one row per customer with the pure methods (RFM, ABC, deciles, tiers), keeping only
 * compact per-customer columns and each method's summary (its result without per-customer lists).
 */

/** Each report's result without per-customer lists, stored with the snapshot. */
export interface ScoreSummary {
  rfm: Omit<RfmResult, 'customers'>;
  abc: Omit<AbcResult, 'customers'>;
  monetaryDeciles: Omit<MonetaryDecileResult, 'assignment'>;
  purchaseDeciles: { revenue: PurchaseDecileResult; profit: PurchaseDecileResult };
  tiers: Omit<TierResult, 'customers'>;
}

/** What the pure methods read: one small object per customer (other metrics stay in typed columns). */
export type ScoreRow = Pick<
  CustomerMetrics,
  'customerId' | 'lastDay' | 'orders' | 'purchaseDays' | 'revenueMinor' | 'marginMinor' | 'profitMinor' | 'discountedSpendMinor'
>;

/** Segment ids by code: the per-customer columns hold indexes into these lists (a byte per customer). */
export const SEGMENT_CODES = Object.freeze({
  named: RFM_NAMED_SEGMENTS.map((s) => s.id) as readonly string[],
  eightWay: EIGHT_WAY_SEGMENTS.map((s) => s.id) as readonly string[],
  abc: ABC_CLASSES as readonly string[],
  tier: TIERS.map((t) => t.id) as readonly string[],
});
/** Code of "no named segment" (RFM bins other than 5). */
export const NO_SEGMENT = 255;

/** Per-customer scores and segments as codes, aligned with the input rows. */
export interface ScoreColumns {
  rScore: Uint8Array;
  fScore: Uint8Array;
  mScore: Uint8Array;
  /** Index into SEGMENT_CODES.named, or NO_SEGMENT. */
  named: Uint8Array;
  eight: Uint8Array;
  abcClass: Uint8Array;
  decile: Uint16Array;
  tier: Uint8Array;
  txFlag: Uint8Array;
  /** discountedSpend / revenue; NaN where undefined (revenue <= 0). */
  discountShare: Float64Array;
}

function codeOf(list: readonly string[]): (id: string) => number {
  const m = new Map(list.map((id, i) => [id, i]));
  return (id) => m.get(id)!;
}

type Measure = 'revenue' | 'margin' | 'profit';

/**
 * The rows ranked by a measure (value descending, then customer id in code-unit order: the
 * ranking every value method uses, metrics.ts compareIds). Handing a method rows already in its
 * own order makes its internal sort a linear pass (V8's TimSort on sorted input), and lets
 * results map back to rows by position instead of through a million-entry id map.
 */
class RankedViews {
  private readonly cache = new Map<Measure, { rows: ScoreRow[]; perm: number[] }>();
  private index: Map<string, number> | null = null;
  constructor(private readonly rows: ScoreRow[]) {}

  release(measure: Measure): void {
    this.cache.delete(measure);
  }

  by(measure: Measure): { rows: ScoreRow[]; perm: number[] } {
    let v = this.cache.get(measure);
    if (v) return v;
    const values = this.rows.map((r) => measureValue(r, measure));
    const ids = this.rows.map((r) => r.customerId);
    const perm = Array.from({ length: this.rows.length }, (_, i) => i);
    perm.sort((a, b) => values[b]! - values[a]! || compareIds(ids[a]!, ids[b]!));
    v = { rows: perm.map((i) => this.rows[i]!), perm };
    this.cache.set(measure, v);
    return v;
  }

  /** Calls `fn(rowIndex, result)` for results listed in the view's order (by position, else by id). */
  forEachRanked<T extends { customerId: string }>(results: readonly T[], v: { rows: ScoreRow[]; perm: number[] }, fn: (i: number, x: T) => void): void {
    results.forEach((x, k) => {
      if (v.rows[k]?.customerId === x.customerId) fn(v.perm[k]!, x);
      else {
        if (!this.index) {
          this.index = new Map();
          this.rows.forEach((r, i) => this.index!.set(r.customerId, i));
        }
        fn(this.index.get(x.customerId)!, x);
      }
    });
  }

  clear(): void {
    this.cache.clear();
    this.index = null;
  }
}

export function scoreCustomers(
  rows: ScoreRow[],
  asOfDay: number,
  params: AnalysisParameters,
  onStep?: (done: number) => void,
): { columns: ScoreColumns; summary: ScoreSummary } {
  const n = rows.length;
  const views = new RankedViews(rows);
  onStep?.(0);
  const rScore = new Uint8Array(n);
  const fScore = new Uint8Array(n);
  const mScore = new Uint8Array(n);
  const named = new Uint8Array(n);
  const eight = new Uint8Array(n);
  const namedCode = codeOf(SEGMENT_CODES.named);
  const eightCode = codeOf(SEGMENT_CODES.eightWay);
  let rfmSummary: ScoreSummary['rfm'];
  {
    const v = views.by(params.rfm.monetary);
    const rfm = rfmAnalysis(v.rows, asOfDay, params.rfm);
    // rfm.customers is in input order: position k is row v.perm[k].
    rfm.customers.forEach((c, k) => {
      const i = v.perm[k]!;
      rScore[i] = c.r;
      fScore[i] = c.f;
      mScore[i] = c.m;
      named[i] = c.segment === null ? NO_SEGMENT : namedCode(c.segment);
      eight[i] = eightCode(c.eightWay);
    });
    const { customers: _drop, ...rest } = rfm;
    rfmSummary = rest;
  }
  onStep?.(1);
  const abcClass = new Uint8Array(n);
  const abcCode = codeOf(SEGMENT_CODES.abc);
  let abcSummary: ScoreSummary['abc'];
  {
    const v = views.by(params.abc.measure);
    const abc = abcClassify(v.rows, params.abc);
    views.forEachRanked(abc.customers, v, (i, c) => (abcClass[i] = abcCode(c.class)));
    const { customers: _drop, ...rest } = abc;
    abcSummary = rest;
  }
  const decile = new Uint16Array(n);
  let monetarySummary: ScoreSummary['monetaryDeciles'];
  {
    const v = views.by(params.deciles.spend);
    const md = monetaryDeciles(v.rows, params.deciles);
    v.rows.forEach((r, k) => (decile[v.perm[k]!] = md.assignment.get(r.customerId)!));
    const { assignment: _drop, ...rest } = md;
    monetarySummary = rest;
  }
  onStep?.(2);
  const purchaseRevenue = purchaseDeciles(views.by('revenue').rows, { groups: params.deciles.groups, measure: 'revenue' });
  // The rest ranks by profit (or margin): the revenue-ranked view is no longer needed.
  views.release('revenue');
  if (params.tiers.measure !== 'margin') views.release('margin');
  const purchase = {
    revenue: purchaseRevenue,
    profit: purchaseDeciles(views.by('profit').rows, { groups: params.deciles.groups, measure: 'profit' }),
  };
  onStep?.(3);
  const tier = new Uint8Array(n);
  const tierCode = codeOf(SEGMENT_CODES.tier);
  const txFlag = new Uint8Array(n);
  const discountShare = new Float64Array(n);
  let tierSummary: ScoreSummary['tiers'];
  {
    const v = views.by(params.tiers.measure);
    const tr = profitabilityTiers(v.rows, params.tiers);
    views.forEachRanked(tr.customers, v, (i, c) => {
      tier[i] = tierCode(c.tier);
      txFlag[i] = c.transactionCustomer ? 1 : 0;
      discountShare[i] = c.discountShare ?? NaN;
    });
    const { customers: _drop, ...rest } = tr;
    tierSummary = rest;
  }
  views.clear();
  onStep?.(4);
  return {
    columns: { rScore, fScore, mScore, named, eight, abcClass, decile, tier, txFlag, discountShare },
    summary: { rfm: rfmSummary, abc: abcSummary, monetaryDeciles: monetarySummary, purchaseDeciles: purchase, tiers: tierSummary },
  };
}

/** The scoring input as columns (what crosses to a worker thread cheaply), `n` customers. */
export interface ScoreInput {
  n: number;
  /** Customer external ids (the ranking tie-break). */
  ids: string[];
  lastDay: Int32Array;
  orders: Int32Array;
  purchaseDays: Int32Array;
  revenue: Float64Array;
  margin: Float64Array;
  discounted: Float64Array;
  profit: Float64Array;
}

export function rowsOf(x: ScoreInput): ScoreRow[] {
  const rows: ScoreRow[] = new Array(x.n);
  for (let i = 0; i < x.n; i++) {
    rows[i] = {
      customerId: x.ids[i]!,
      lastDay: x.lastDay[i]!,
      orders: x.orders[i]!,
      purchaseDays: x.purchaseDays[i]!,
      revenueMinor: x.revenue[i]!,
      marginMinor: x.margin[i]!,
      discountedSpendMinor: x.discounted[i]!,
      profitMinor: x.profit[i]!,
    };
  }
  return rows;
}
