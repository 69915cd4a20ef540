/**
 * ABC / Pareto classification (二八原则) and the Pareto (concentration) curve.
 * Definitions, crossing rule and treatment of zero/negative values: docs/analytics/value.md, "ABC".
 *
 * References: Pareto principle as used in customer ranking (DOMAIN.md section 3); for negative
 * profit the cumulative curve is Kaplan & Cooper's "whale curve" (Cost & Effect, 1998, ch. 10).
 */
import {
  type CustomerMetrics,
  type Lang,
  type ReportTable,
  type ValueMeasure,
  ValueInputError,
  assertInteger,
  assertUniqueIds,
  compareIds,
  label,
  measureValue,
  shareOf,
  sumMinor,
} from '../metrics.js';

export const DEFAULTS = {
  /** What customers are ranked by. */
  measure: 'revenue' as ValueMeasure,
  /**
   * Cumulative shares of the positive total where classes end: A = customers needed to reach 80 %,
   * B = those needed to go on to 95 % (the "next 15 %"), C = the rest.
   */
  cutoffs: { A: 0.8, B: 0.95 } as { readonly A: number; readonly B: number },
  /** Target number of points of the downsampled Pareto curve (plus up to 3 kept break points). */
  curvePoints: 101,
} as const;

/** A, B, C by cumulative share; D = negative value (loss-making customers, only with margin/profit). */
export type AbcClass = 'A' | 'B' | 'C' | 'D';
export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C', 'D'];

export type AbcInput = Pick<CustomerMetrics, 'customerId' | 'revenueMinor' | 'marginMinor' | 'profitMinor'>;

export interface AbcOptions {
  measure?: ValueMeasure;
  cutoffs?: { A: number; B: number };
  curvePoints?: number;
}

export interface AbcCustomer {
  customerId: string;
  /** 1 = highest value; ties broken by customerId. */
  rank: number;
  valueMinor: number;
  /** Running sum of value over ranks 1..rank (integer). */
  cumulativeMinor: number;
  /** Running sum of positive value up to this customer / positive total (null when nobody is positive). */
  cumulativeShare: number | null;
  class: AbcClass;
}

export interface AbcClassSummary {
  class: AbcClass;
  customers: number;
  customerShare: number | null;
  valueMinor: number;
  /** Class value / sum of positive values (the base of the cut-offs). */
  shareOfPositive: number | null;
  /** Class value / net total; can exceed 1 when loss-makers exist; null when the net total is not positive. */
  shareOfNet: number | null;
  minValueMinor: number | null;
  maxValueMinor: number | null;
}

export interface ParetoPoint {
  /** Number of top customers included. */
  customers: number;
  customerShare: number;
  /** Sum of the top `customers` values (integer). */
  cumulativeMinor: number;
  /** cumulativeMinor / positive total: reaches 1 at the last positive customer, then falls if losses follow. */
  shareOfPositive: number | null;
  /** cumulativeMinor / net total (Kaplan's whale curve for profit); null when the net total is not positive. */
  shareOfNet: number | null;
}

export interface AbcResult {
  measure: ValueMeasure;
  cutoffs: { A: number; B: number };
  /** In rank order. */
  customers: AbcCustomer[];
  /** A, B, C, D in that order (empty classes included). */
  classes: AbcClassSummary[];
  totals: { customers: number; positiveMinor: number; negativeMinor: number; netMinor: number };
  /** Downsampled Pareto curve, top customers first, from (0, 0) to (1, net/positive). */
  curve: ParetoPoint[];
  /** Gini coefficient of the values (0 = equal, 1 - 1/n = one customer has all); null if any value is negative or none is positive. */
  gini: number | null;
}

/**
 * Band of a customer in a cumulative ranking ("crossing rule"): the index of the first cut-off that
 * the cumulative value BEFORE this customer has not yet reached, so the customer who crosses a
 * cut-off belongs to the band that ends there. `cutoffs` ascending in (0, 1]; returns
 * 0..cutoffs.length. Compared as the double `before / total < cutoff`: IEEE division is correctly
 * rounded, so a ratio exactly equal to a decimal cut-off compares equal to it.
 */
export function cumulativeBand(beforeMinor: number, totalMinor: number, cutoffs: readonly number[]): number {
  const s = beforeMinor / totalMinor;
  for (let i = 0; i < cutoffs.length; i++) if (s < cutoffs[i]!) return i;
  return cutoffs.length;
}

/** Validate cumulative cut-offs: strictly positive, non-decreasing, at most 1. */
export function checkCutoffs(cutoffs: readonly number[], what: string): void {
  let prev = 0;
  for (const c of cutoffs) {
    if (!(c > 0 && c <= 1 && c >= prev)) {
      throw new ValueInputError('INVALID_OPTION', `${what}: cut-offs must satisfy 0 < c1 <= c2 <= 1, got ${cutoffs.join(', ')}`);
    }
    prev = c;
  }
}

/** Sort rows by value descending, then customerId ascending. */
export function rankByValue<T extends { customerId: string }>(rows: readonly T[], value: (r: T) => number): T[] {
  return [...rows].sort((a, b) => value(b) - value(a) || compareIds(a.customerId, b.customerId));
}

/**
 * ABC classification. Customers are ranked by the measure (descending, ties by customerId).
 * With P = sum of positive values, a customer with value > 0 whose preceding cumulative value is
 * below A*P is A (so the customer who crosses 80 % is A), below B*P is B, else C. Value 0 is C,
 * value < 0 is D. Cut-offs are fractions of P, not of the net total, so loss-makers do not
 * inflate the A class; the net shares are reported beside them.
 */
export function abcClassify(rows: readonly AbcInput[], options: AbcOptions = {}): AbcResult {
  const measure = options.measure ?? DEFAULTS.measure;
  const cutoffs = options.cutoffs ?? DEFAULTS.cutoffs;
  const curvePoints = options.curvePoints ?? DEFAULTS.curvePoints;
  checkCutoffs([cutoffs.A, cutoffs.B], 'ABC');
  if (!Number.isInteger(curvePoints) || curvePoints < 2) {
    throw new ValueInputError('INVALID_OPTION', `curvePoints must be an integer >= 2, got ${curvePoints}`);
  }
  assertUniqueIds(rows);
  const valueOf = (r: AbcInput): number => measureValue(r, measure);
  for (const r of rows) assertInteger(valueOf(r), `${measure} of ${r.customerId}`);

  const sorted = rankByValue(rows, valueOf);
  const values = sorted.map(valueOf);
  const positiveMinor = sumMinor(values.filter((v) => v > 0));
  const negativeMinor = sumMinor(values.filter((v) => v < 0));
  const netMinor = positiveMinor + negativeMinor;
  const n = sorted.length;

  const customers: AbcCustomer[] = [];
  let cum = 0;
  let cumPositive = 0;
  let lastA = 0;
  let lastB = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let cls: AbcClass;
    if (v > 0) {
      cls = (['A', 'B', 'C'] as const)[cumulativeBand(cumPositive, positiveMinor, [cutoffs.A, cutoffs.B])]!;
      cumPositive += v;
    } else {
      cls = v === 0 ? 'C' : 'D';
    }
    cum += v;
    if (cls === 'A') lastA = i + 1;
    if (cls === 'A' || cls === 'B') lastB = i + 1;
    customers.push({
      customerId: sorted[i]!.customerId,
      rank: i + 1,
      valueMinor: v,
      cumulativeMinor: cum,
      cumulativeShare: shareOf(cumPositive, positiveMinor),
      class: cls,
    });
  }

  const classes = ABC_CLASSES.map((c): AbcClassSummary => {
    const members = customers.filter((x) => x.class === c);
    const valueMinor = sumMinor(members.map((x) => x.valueMinor));
    return {
      class: c,
      customers: members.length,
      customerShare: shareOf(members.length, n),
      valueMinor,
      shareOfPositive: shareOf(valueMinor, positiveMinor),
      shareOfNet: shareOf(valueMinor, netMinor),
      // Members are in rank order, so the first is the largest.
      minValueMinor: members.length ? members[members.length - 1]!.valueMinor : null,
      maxValueMinor: members.length ? members[0]!.valueMinor : null,
    };
  });

  const lastPositive = values.filter((v) => v > 0).length;
  return {
    measure,
    cutoffs: { A: cutoffs.A, B: cutoffs.B },
    customers,
    classes,
    totals: { customers: n, positiveMinor, negativeMinor, netMinor },
    curve: paretoCurve(values, curvePoints, [lastA, lastB, lastPositive]),
    gini: giniCoefficient(values),
  };
}

/**
 * Pareto (concentration) curve: for k top customers, the cumulative share of value. The exact curve
 * has n+1 points; for charts it is downsampled to about `maxPoints` evenly spaced customer counts
 * k = floor(i*n/(maxPoints-1)), plus the counts in `keep` (class boundaries, the peak of a whale
 * curve) so that no break point is lost. `valuesDesc` must be sorted descending.
 */
export function paretoCurve(valuesDesc: readonly number[], maxPoints: number = DEFAULTS.curvePoints, keep: readonly number[] = []): ParetoPoint[] {
  const n = valuesDesc.length;
  const prefix = [0];
  for (const v of valuesDesc) prefix.push(prefix[prefix.length - 1]! + v);
  const positive = sumMinor(valuesDesc.filter((v) => v > 0));
  const net = prefix[n]!;
  const ks = new Set<number>();
  const m = Math.max(1, maxPoints - 1);
  if (n <= m) for (let k = 0; k <= n; k++) ks.add(k);
  else for (let i = 0; i <= m; i++) ks.add(Math.floor((i * n) / m));
  for (const k of keep) if (k >= 0 && k <= n) ks.add(k);
  return [...ks]
    .sort((a, b) => a - b)
    .map((k) => ({
      customers: k,
      customerShare: n === 0 ? 0 : k / n,
      cumulativeMinor: prefix[k]!,
      shareOfPositive: shareOf(prefix[k]!, positive),
      shareOfNet: shareOf(prefix[k]!, net),
    }));
}

/**
 * Gini coefficient from the exact (not downsampled) top-first curve: G = 2*A - 1 where A is the area
 * under the Pareto curve by the trapezoid rule (equivalently 1 - 2 * area under the Lorenz curve;
 * Gini 1912). Null when a value is negative (the index is not defined) or the total is not positive.
 */
export function giniCoefficient(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0 || values.some((v) => v < 0)) return null;
  const total = sumMinor(values);
  if (total <= 0) return null;
  const desc = [...values].sort((a, b) => b - a);
  let area = 0;
  let prev = 0;
  let cum = 0;
  for (const v of desc) {
    cum += v;
    const s = cum / total;
    area += (prev + s) / (2 * n);
    prev = s;
  }
  return 2 * area - 1;
}

const CLASS_LABEL: Record<AbcClass, (c: { A: number; B: number }) => { en: string; zh: string }> = {
  A: (c) => ({ en: `A: customers making the first ${pct(c.A)}`, zh: `A类：贡献前${pct(c.A)}的客户` }),
  B: (c) => ({ en: `B: the next ${pct(c.B - c.A)}`, zh: `B类：其后${pct(c.B - c.A)}` }),
  C: () => ({ en: 'C: the rest (incl. zero value)', zh: 'C类：其余（含零贡献）' }),
  D: () => ({ en: 'D: negative value (loss-making)', zh: 'D类：负贡献（亏损）客户' }),
};

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Per-class summary as a display table. */
export function abcTable(result: AbcResult, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  return {
    title: zh ? `ABC 分类（按${MEASURE_ZH[result.measure]}）` : `ABC classes (by ${result.measure})`,
    columns: [
      { key: 'class', label: zh ? '类别' : 'Class', kind: 'text' },
      { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
      { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
      { key: 'value', label: zh ? '贡献额' : 'Value', kind: 'money' },
      { key: 'shareOfPositive', label: zh ? '占正贡献比' : 'Share of positive value', kind: 'share' },
      { key: 'shareOfNet', label: zh ? '占净额比' : 'Share of net value', kind: 'share' },
    ],
    rows: result.classes.map((c) => [
      label(CLASS_LABEL[c.class](result.cutoffs), lang),
      c.customers,
      c.customerShare,
      c.valueMinor,
      c.shareOfPositive,
      c.shareOfNet,
    ]),
  };
}

const MEASURE_ZH: Record<ValueMeasure, string> = { revenue: '销售额', margin: '毛利', profit: '利润' };
