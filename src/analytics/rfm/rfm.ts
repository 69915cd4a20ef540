/**
 * RFM analysis: recency / frequency / monetary quantile scores (Hughes 1994, "Strategic Database
 * Marketing", quintile scoring), the R x F x M cells, the named segments on the R x FM grid and the
 * Chinese eight-way split by the means of R, F and M. Definitions and tie rule:
 * docs/analytics/value.md, "RFM".
 */
import {
  type CustomerMetrics,
  type Lang,
  type ReportTable,
  ValueInputError,
  assertInteger,
  assertUniqueIds,
  compareWithMean,
  label,
  shareOf,
  sumMinor,
} from '../metrics.js';
import {
  EIGHT_WAY_SEGMENTS,
  type EightWaySegmentId,
  type NamedSegmentId,
  NAMED_SEGMENT_RULES,
  RFM_NAMED_SEGMENTS,
  eightWaySegment,
  fmScore,
  namedSegment,
} from './segments.js';

export type RfmFrequency = 'purchaseDays' | 'orders';
export type RfmMonetary = 'revenue' | 'margin';

export const DEFAULTS = {
  /** Number of score bins: 5 = quintiles (Hughes 1994). Named segments need 5. */
  bins: 5,
  /** Frequency = distinct purchase days (same-day orders merged), or orders. */
  frequency: 'purchaseDays' as RfmFrequency,
  /** Monetary = total net revenue, or total margin. */
  monetary: 'revenue' as RfmMonetary,
} as const;

export type RfmInput = Pick<CustomerMetrics, 'customerId' | 'lastDay' | 'orders' | 'purchaseDays' | 'revenueMinor' | 'marginMinor'>;

export interface RfmOptions {
  bins?: number;
  frequency?: RfmFrequency;
  monetary?: RfmMonetary;
}

export interface RfmCustomer {
  customerId: string;
  /** asOfDay - lastDay (0 = bought on the as-of day). */
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
  revenueMinor: number;
  r: number;
  f: number;
  m: number;
  /** Cell code, e.g. "545" (R, F, M digits; with bins > 9 the scores are joined by '-'). */
  cell: string;
  /** Named segment (bins = 5 only, else null). */
  segment: NamedSegmentId | null;
  rPlus: boolean;
  fPlus: boolean;
  mPlus: boolean;
  eightWay: EightWaySegmentId;
}

export interface ScoreRange {
  score: number;
  customers: number;
  /** Smallest and largest raw value with this score (days for R); null when the score is empty. */
  min: number | null;
  max: number | null;
}

export interface RfmCell {
  r: number;
  f: number;
  m: number;
  cell: string;
  customers: number;
  customerShare: number | null;
  revenueMinor: number;
  revenueShare: number | null;
}

export interface SegmentSummary<Id extends string> {
  id: Id;
  customers: number;
  customerShare: number | null;
  revenueMinor: number;
  revenueShare: number | null;
  /** Means over the members (null when empty): floats, for description only. */
  meanRecencyDays: number | null;
  meanFrequency: number | null;
  meanMonetaryMinor: number | null;
}

export interface RfmGridCell {
  r: number;
  fm: number;
  segment: NamedSegmentId;
  customers: number;
  revenueMinor: number;
}

export interface RfmResult {
  asOfDay: number;
  bins: number;
  frequency: RfmFrequency;
  monetary: RfmMonetary;
  /** In input order. */
  customers: RfmCustomer[];
  scoreRanges: { r: ScoreRange[]; f: ScoreRange[]; m: ScoreRange[] };
  /** All bins^3 cells, empty ones included, ordered by R, F, M descending (555 first). */
  cells: RfmCell[];
  /** Named segments in catalogue order; null when bins != 5. */
  segments: SegmentSummary<NamedSegmentId>[] | null;
  /** The 25 cells of the R x FM grid; null when bins != 5. */
  grid: RfmGridCell[] | null;
  eightWay: {
    /** Means of recency days, frequency and monetary (floats; null for no customers). */
    means: { recencyDays: number | null; frequency: number | null; monetaryMinor: number | null };
    segments: SegmentSummary<EightWaySegmentId>[];
  };
  totals: { customers: number; revenueMinor: number };
}

/**
 * Quantile scores 1..bins with the tie rule of docs/analytics/value.md: order the customers from
 * worst to best; the rank of a tie group is the rank of its first (worst-placed) member, minRank;
 * every member scores 1 + floor(bins * (minRank - 1) / n). Without ties this puts n/bins customers
 * in each score (the remainder spread evenly); equal values always share a score.
 */
export function quantileScores(values: readonly number[], bins: number, higherIsBetter: boolean): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => (higherIsBetter ? values[a]! - values[b]! : values[b]! - values[a]!));
  const scores = new Array<number>(n);
  let minRank = 1;
  for (let pos = 0; pos < n; pos++) {
    const i = order[pos]!;
    if (pos > 0 && values[i] !== values[order[pos - 1]!]) minRank = pos + 1;
    // Integer arithmetic: exact for bins * n < 2^53.
    scores[i] = 1 + Math.floor((bins * (minRank - 1)) / n);
  }
  return scores;
}

/**
 * Full RFM analysis as of `asOfDay` (integer day number, see metrics.ts). Recency = asOfDay - lastDay
 * (fewer days = better), frequency and monetary per options (more = better). Eight-way signs compare
 * each customer with the mean exactly (integers vs sum/n, no rounding): R+ when recency days <= mean,
 * F+ when frequency >= mean, M+ when monetary >= mean (a value exactly at the mean is '+').
 */
export function rfmAnalysis(rows: readonly RfmInput[], asOfDay: number, options: RfmOptions = {}): RfmResult {
  const bins = options.bins ?? DEFAULTS.bins;
  const frequency = options.frequency ?? DEFAULTS.frequency;
  const monetary = options.monetary ?? DEFAULTS.monetary;
  if (!Number.isInteger(bins) || bins < 2 || bins > 100) {
    throw new ValueInputError('INVALID_OPTION', `bins must be an integer in 2..100, got ${bins}`);
  }
  assertInteger(asOfDay, 'asOfDay');
  assertUniqueIds(rows);
  const n = rows.length;
  const rec: number[] = [];
  const freq: number[] = [];
  const mon: number[] = [];
  for (const row of rows) {
    assertInteger(row.lastDay, `lastDay of ${row.customerId}`);
    if (row.lastDay > asOfDay) {
      throw new ValueInputError('AFTER_AS_OF', `customer ${row.customerId} last bought on day ${row.lastDay}, after the as-of day ${asOfDay}`);
    }
    const fv = frequency === 'orders' ? row.orders : row.purchaseDays;
    const mv = monetary === 'margin' ? row.marginMinor : row.revenueMinor;
    assertInteger(fv, `${frequency} of ${row.customerId}`);
    assertInteger(mv, `${monetary} of ${row.customerId}`);
    assertInteger(row.revenueMinor, `revenueMinor of ${row.customerId}`);
    rec.push(asOfDay - row.lastDay);
    freq.push(fv);
    mon.push(mv);
  }
  const rs = quantileScores(rec, bins, false);
  const fs = quantileScores(freq, bins, true);
  const ms = quantileScores(mon, bins, true);
  const sumRec = sumMinor(rec);
  const sumFreq = sumMinor(freq);
  const sumMon = sumMinor(mon);
  const named = bins === 5;
  const code = (r: number, f: number, m: number): string => (bins <= 9 ? `${r}${f}${m}` : `${r}-${f}-${m}`);

  const customers: RfmCustomer[] = rows.map((row, i) => {
    const rPlus = compareWithMean(rec[i]!, sumRec, n) <= 0;
    const fPlus = compareWithMean(freq[i]!, sumFreq, n) >= 0;
    const mPlus = compareWithMean(mon[i]!, sumMon, n) >= 0;
    return {
      customerId: row.customerId,
      recencyDays: rec[i]!,
      frequency: freq[i]!,
      monetaryMinor: mon[i]!,
      revenueMinor: row.revenueMinor,
      r: rs[i]!,
      f: fs[i]!,
      m: ms[i]!,
      cell: code(rs[i]!, fs[i]!, ms[i]!),
      segment: named ? namedSegment(rs[i]!, fs[i]!, ms[i]!) : null,
      rPlus,
      fPlus,
      mPlus,
      eightWay: eightWaySegment(rPlus, fPlus, mPlus),
    };
  });

  const totalRevenue = sumMinor(customers.map((c) => c.revenueMinor));

  // Cells: dense array indexed by (r-1, f-1, m-1).
  const cellCount = new Array<number>(bins ** 3).fill(0);
  const cellRevenue = new Array<number>(bins ** 3).fill(0);
  for (const c of customers) {
    const k = ((c.r - 1) * bins + (c.f - 1)) * bins + (c.m - 1);
    cellCount[k]!++;
    cellRevenue[k]! += c.revenueMinor;
  }
  const cells: RfmCell[] = [];
  for (let r = bins; r >= 1; r--)
    for (let f = bins; f >= 1; f--)
      for (let m = bins; m >= 1; m--) {
        const k = ((r - 1) * bins + (f - 1)) * bins + (m - 1);
        cells.push({
          r,
          f,
          m,
          cell: code(r, f, m),
          customers: cellCount[k]!,
          customerShare: shareOf(cellCount[k]!, n),
          revenueMinor: cellRevenue[k]!,
          revenueShare: shareOf(cellRevenue[k]!, totalRevenue),
        });
      }

  let grid: RfmGridCell[] | null = null;
  if (named) {
    grid = [];
    for (let r = 5; r >= 1; r--)
      for (let fm = 5; fm >= 1; fm--) {
        const members = customers.filter((c) => c.r === r && fmScore(c.f, c.m) === fm);
        const rule = NAMED_SEGMENT_RULES.find((x) => r >= x.r[0] && r <= x.r[1] && fm >= x.fm[0] && fm <= x.fm[1])!;
        grid.push({ r, fm, segment: rule.segment, customers: members.length, revenueMinor: sumMinor(members.map((c) => c.revenueMinor)) });
      }
  }

  const summarise = <Id extends string>(id: Id, members: RfmCustomer[]): SegmentSummary<Id> => {
    const revenueMinor = sumMinor(members.map((c) => c.revenueMinor));
    const k = members.length;
    return {
      id,
      customers: k,
      customerShare: shareOf(k, n),
      revenueMinor,
      revenueShare: shareOf(revenueMinor, totalRevenue),
      meanRecencyDays: k ? sumMinor(members.map((c) => c.recencyDays)) / k : null,
      meanFrequency: k ? sumMinor(members.map((c) => c.frequency)) / k : null,
      meanMonetaryMinor: k ? sumMinor(members.map((c) => c.monetaryMinor)) / k : null,
    };
  };

  return {
    asOfDay,
    bins,
    frequency,
    monetary,
    customers,
    scoreRanges: {
      r: scoreRanges(rec, rs, bins),
      f: scoreRanges(freq, fs, bins),
      m: scoreRanges(mon, ms, bins),
    },
    cells,
    segments: named ? RFM_NAMED_SEGMENTS.map((s) => summarise(s.id, customers.filter((c) => c.segment === s.id))) : null,
    grid,
    eightWay: {
      means: {
        recencyDays: n ? sumRec / n : null,
        frequency: n ? sumFreq / n : null,
        monetaryMinor: n ? sumMon / n : null,
      },
      segments: EIGHT_WAY_SEGMENTS.map((s) => summarise(s.id, customers.filter((c) => c.eightWay === s.id))),
    },
    totals: { customers: n, revenueMinor: totalRevenue },
  };
}

function scoreRanges(values: readonly number[], scores: readonly number[], bins: number): ScoreRange[] {
  const out: ScoreRange[] = [];
  for (let s = bins; s >= 1; s--) out.push({ score: s, customers: 0, min: null, max: null });
  for (let i = 0; i < values.length; i++) {
    const o = out[bins - scores[i]!]!;
    const v = values[i]!;
    o.customers++;
    o.min = o.min === null ? v : Math.min(o.min, v);
    o.max = o.max === null ? v : Math.max(o.max, v);
  }
  return out;
}

/** Segment summary (named or eight-way) as a display table. */
export function rfmSegmentTable(result: RfmResult, scheme: 'named' | 'eight-way' = 'named', lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const columns: ReportTable['columns'] = [
    { key: 'segment', label: zh ? '客户群' : 'Segment', kind: 'text' },
    { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
    { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
    { key: 'revenue', label: zh ? '销售额' : 'Revenue', kind: 'money' },
    { key: 'revenueShare', label: zh ? '销售额占比' : 'Share of revenue', kind: 'share' },
    { key: 'meanRecencyDays', label: zh ? '平均未购天数' : 'Mean days since last purchase', kind: 'days' },
    { key: 'meanFrequency', label: zh ? '平均频率' : 'Mean frequency', kind: 'number' },
    { key: 'meanMonetary', label: zh ? '平均金额' : 'Mean monetary', kind: 'money' },
    { key: 'action', label: zh ? '建议行动' : 'Recommended action', kind: 'text' },
  ];
  const row = (name: string, action: string, s: SegmentSummary<string>): (string | number | null)[] => [
    name,
    s.customers,
    s.customerShare,
    s.revenueMinor,
    s.revenueShare,
    s.meanRecencyDays,
    s.meanFrequency,
    s.meanMonetaryMinor === null ? null : Math.round(s.meanMonetaryMinor),
    action,
  ];
  if (scheme === 'named') {
    if (!result.segments) throw new ValueInputError('INVALID_OPTION', 'named RFM segments need bins = 5');
    return {
      title: zh ? 'RFM 客户分群' : 'RFM segments',
      columns,
      rows: result.segments.map((s) => {
        const info = RFM_NAMED_SEGMENTS.find((x) => x.id === s.id)!;
        return row(label(info.name, lang), label(info.action, lang), s);
      }),
    };
  }
  return {
    title: zh ? 'RFM 八类客户（按均值划分）' : 'RFM eight-way segments (split at the means)',
    columns,
    rows: result.eightWay.segments.map((s) => {
      const info = EIGHT_WAY_SEGMENTS.find((x) => x.id === s.id)!;
      return row(`${label(info.name, lang)} (${info.code})`, label(info.action, lang), s);
    }),
  };
}

/** What each score means in raw units ("R = 5: 0-30 days"), one row per score, as a display table. */
export function rfmScoreRangeTable(result: RfmResult, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const { r, f, m } = result.scoreRanges;
  return {
    title: zh ? 'RFM 分值区间' : 'RFM score ranges',
    columns: [
      { key: 'score', label: zh ? '分值' : 'Score', kind: 'number' },
      { key: 'rCustomers', label: zh ? 'R 客户数' : 'R customers', kind: 'count' },
      { key: 'rMinDays', label: zh ? 'R 最少未购天数' : 'R min days', kind: 'days' },
      { key: 'rMaxDays', label: zh ? 'R 最多未购天数' : 'R max days', kind: 'days' },
      { key: 'fCustomers', label: zh ? 'F 客户数' : 'F customers', kind: 'count' },
      { key: 'fMin', label: zh ? 'F 最小值' : 'F min', kind: 'number' },
      { key: 'fMax', label: zh ? 'F 最大值' : 'F max', kind: 'number' },
      { key: 'mCustomers', label: zh ? 'M 客户数' : 'M customers', kind: 'count' },
      { key: 'mMin', label: zh ? 'M 最小值' : 'M min', kind: 'money' },
      { key: 'mMax', label: zh ? 'M 最大值' : 'M max', kind: 'money' },
    ],
    rows: r.map((rr, i) => [rr.score, rr.customers, rr.min, rr.max, f[i]!.customers, f[i]!.min, f[i]!.max, m[i]!.customers, m[i]!.min, m[i]!.max]),
  };
}
