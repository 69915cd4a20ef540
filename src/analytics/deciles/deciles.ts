/**
 * Monetary decile analysis (货币十分位: 10 equal-count customer groups by spend) and purchase decile
 * analysis (购买十分位: 10 equal slices of total sales or profit, and how many customers make each).
 * Both as described in DOMAIN.md section 3; rules (remainder, boundary customers): docs/analytics/value.md, "Deciles".
 */
import {
  type CustomerMetrics,
  type Lang,
  type ReportTable,
  ValueInputError,
  assertInteger,
  assertUniqueIds,
  shareOf,
  sumMinor,
} from '../metrics.js';
import { rankByValue } from '../abc/abc.js';

export type DecileSpend = 'revenue' | 'margin';
export type DecileProfit = 'profit' | 'margin';

export const DEFAULTS = {
  /** Number of groups / slices (10 = deciles). */
  groups: 10,
  /** Monetary deciles rank by this ("spend"). */
  spend: 'revenue' as DecileSpend,
  /** The profit column of monetary deciles. */
  profit: 'profit' as DecileProfit,
  /** Purchase deciles slice this total (run again with 'profit' for the profit slices). */
  purchaseMeasure: 'revenue' as PurchaseDecileMeasure,
} as const;

export type DecileInput = Pick<CustomerMetrics, 'customerId' | 'revenueMinor' | 'marginMinor' | 'profitMinor'>;

export interface MonetaryDecileOptions {
  groups?: number;
  spend?: DecileSpend;
  profit?: DecileProfit;
}

export interface MonetaryDecile {
  /** 1 = top spenders. */
  decile: number;
  customers: number;
  salesMinor: number;
  salesShare: number | null;
  profitMinor: number;
  /** Null when total profit is not positive (a share of a loss means nothing). */
  profitShare: number | null;
  cumulativeCustomers: number;
  cumulativeCustomerShare: number | null;
  cumulativeSalesMinor: number;
  cumulativeSalesShare: number | null;
  cumulativeProfitMinor: number;
  cumulativeProfitShare: number | null;
  /** Spend range inside the decile; null when empty (fewer customers than groups). */
  minSalesMinor: number | null;
  maxSalesMinor: number | null;
}

export interface MonetaryDecileResult {
  spend: DecileSpend;
  profit: DecileProfit;
  groups: number;
  deciles: MonetaryDecile[];
  totals: { customers: number; salesMinor: number; profitMinor: number };
  /** customerId -> decile, for drill-down and saving. */
  assignment: Map<string, number>;
}

/**
 * Group sizes for n customers in g groups: floor(n/g) each, and the first n mod g groups (the top
 * ones) get one more. E.g. n = 23, g = 10: 3,3,3,2,2,2,2,2,2,2.
 */
export function groupSizes(n: number, groups: number): number[] {
  const q = Math.floor(n / groups);
  const r = n % groups;
  return Array.from({ length: groups }, (_, i) => q + (i < r ? 1 : 0));
}

/**
 * Monetary deciles: customers sorted by spend descending (ties by customerId), cut into `groups`
 * equal-count groups (sizes by {@link groupSizes}); per group sales and profit with shares of the
 * totals and cumulative shares from the top. Customers with equal spend may fall in adjacent
 * groups: equal count wins over keeping ties together (the customerId tie-break keeps it deterministic).
 */
export function monetaryDeciles(rows: readonly DecileInput[], options: MonetaryDecileOptions = {}): MonetaryDecileResult {
  const groups = options.groups ?? DEFAULTS.groups;
  const spend = options.spend ?? DEFAULTS.spend;
  const profit = options.profit ?? DEFAULTS.profit;
  checkGroups(groups);
  assertUniqueIds(rows);
  const spendOf = (r: DecileInput): number => (spend === 'margin' ? r.marginMinor : r.revenueMinor);
  const profitOf = (r: DecileInput): number => (profit === 'margin' ? r.marginMinor : r.profitMinor);
  for (const r of rows) {
    assertInteger(spendOf(r), `${spend} of ${r.customerId}`);
    assertInteger(profitOf(r), `${profit} of ${r.customerId}`);
  }
  const sorted = rankByValue(rows, spendOf);
  const n = sorted.length;
  const totalSales = sumMinor(sorted.map(spendOf));
  const totalProfit = sumMinor(sorted.map(profitOf));
  const sizes = groupSizes(n, groups);
  const assignment = new Map<string, number>();
  const deciles: MonetaryDecile[] = [];
  let pos = 0;
  let cumC = 0;
  let cumS = 0;
  let cumP = 0;
  for (let d = 0; d < groups; d++) {
    const members = sorted.slice(pos, pos + sizes[d]!);
    pos += sizes[d]!;
    const s = sumMinor(members.map(spendOf));
    const p = sumMinor(members.map(profitOf));
    cumC += members.length;
    cumS += s;
    cumP += p;
    for (const m of members) assignment.set(m.customerId, d + 1);
    deciles.push({
      decile: d + 1,
      customers: members.length,
      salesMinor: s,
      salesShare: shareOf(s, totalSales),
      profitMinor: p,
      profitShare: shareOf(p, totalProfit),
      cumulativeCustomers: cumC,
      cumulativeCustomerShare: shareOf(cumC, n),
      cumulativeSalesMinor: cumS,
      cumulativeSalesShare: shareOf(cumS, totalSales),
      cumulativeProfitMinor: cumP,
      cumulativeProfitShare: shareOf(cumP, totalProfit),
      minSalesMinor: members.length ? spendOf(members[members.length - 1]!) : null,
      maxSalesMinor: members.length ? spendOf(members[0]!) : null,
    });
  }
  return { spend, profit, groups, deciles, totals: { customers: n, salesMinor: totalSales, profitMinor: totalProfit }, assignment };
}

export type PurchaseDecileMeasure = 'revenue' | 'margin' | 'profit';

export interface PurchaseDecileOptions {
  groups?: number;
  /** What is sliced: sales (revenue, default) or profit / margin. */
  measure?: PurchaseDecileMeasure;
}

export interface PurchaseSlice {
  /** 1 = the top slice (the first 10 % of the total, made by the biggest customers). */
  slice: number;
  /** Slice covers cumulative share (lowerShare, upperShare] of the positive total. */
  lowerShare: number;
  upperShare: number;
  /** Customers counted in this slice by the start rule (each customer in exactly one slice). */
  customers: number;
  customerShare: number | null;
  /** Customers needed to reach upperShare of the total (= sum of `customers` up to here). */
  cumulativeCustomers: number;
  cumulativeCustomerShare: number | null;
  /** Fractional count: each customer contributes (part of their value inside the slice) / (their value). */
  customerEquivalents: number;
  /** Value range of the customers counted here; null when none. */
  minValueMinor: number | null;
  maxValueMinor: number | null;
}

export interface PurchaseDecileResult {
  measure: PurchaseDecileMeasure;
  groups: number;
  slices: PurchaseSlice[];
  /** Customers with value <= 0 are outside the slices: reported here, not hidden. */
  nonPositive: { customers: number; customerShare: number | null; valueMinor: number };
  totals: { customers: number; positiveCustomers: number; positiveMinor: number; netMinor: number };
}

/**
 * Purchase deciles: the positive total T of the measure is cut into `groups` equal slices
 * ((k-1)T/g, kT/g], top customers first (value descending, ties by customerId). A customer whose
 * cumulative value runs from C_before to C_after is counted in the slice where their contribution
 * STARTS, k = floor(g * C_before / T) + 1 (integer arithmetic), so the customer who crosses a slice
 * boundary belongs to the slice they complete, and the running count equals "customers needed to
 * reach k/g of the total" - the same crossing rule as ABC. A very large customer spanning several
 * slices leaves the later ones with 0 customers. The fractional `customerEquivalents` spreads each
 * customer over the slices by overlap. Customers with value <= 0 are reported apart.
 */
export function purchaseDeciles(rows: readonly DecileInput[], options: PurchaseDecileOptions = {}): PurchaseDecileResult {
  const groups = options.groups ?? DEFAULTS.groups;
  const measure = options.measure ?? DEFAULTS.purchaseMeasure;
  checkGroups(groups);
  assertUniqueIds(rows);
  const valueOf = (r: DecileInput): number =>
    measure === 'profit' ? r.profitMinor : measure === 'margin' ? r.marginMinor : r.revenueMinor;
  for (const r of rows) assertInteger(valueOf(r), `${measure} of ${r.customerId}`);
  const n = rows.length;
  const sorted = rankByValue(rows, valueOf);
  const positives = sorted.filter((r) => valueOf(r) > 0);
  const nonPos = sorted.filter((r) => valueOf(r) <= 0);
  const T = sumMinor(positives.map(valueOf));
  const nonPositiveMinor = sumMinor(nonPos.map(valueOf));
  const slices: PurchaseSlice[] = Array.from({ length: groups }, (_, k) => ({
    slice: k + 1,
    lowerShare: k / groups,
    upperShare: (k + 1) / groups,
    customers: 0,
    customerShare: null,
    cumulativeCustomers: 0,
    cumulativeCustomerShare: null,
    customerEquivalents: 0,
    minValueMinor: null,
    maxValueMinor: null,
  }));
  const bigT = BigInt(T);
  const bigG = BigInt(groups);
  let before = 0;
  for (const r of positives) {
    const v = valueOf(r);
    const after = before + v;
    // BigInt: g * C can exceed 2^53 for large totals.
    const k = Number((bigG * BigInt(before)) / bigT);
    const s = slices[k]!;
    s.customers++;
    s.minValueMinor = v; // descending order: the last one seen is the smallest
    if (s.maxValueMinor === null) s.maxValueMinor = v;
    // Fractional overlap with every slice the customer spans: [before, after] against [jT/g, (j+1)T/g].
    const kEnd = Math.min(groups - 1, Number((bigG * BigInt(after) - 1n) / bigT));
    for (let j = k; j <= kEnd; j++) {
      const lo = Math.max(before, (j * T) / groups);
      const hi = Math.min(after, ((j + 1) * T) / groups);
      if (hi > lo) slices[j]!.customerEquivalents += (hi - lo) / v;
    }
    before = after;
  }
  let cum = 0;
  for (const s of slices) {
    cum += s.customers;
    s.customerShare = shareOf(s.customers, n);
    s.cumulativeCustomers = cum;
    s.cumulativeCustomerShare = shareOf(cum, n);
  }
  return {
    measure,
    groups,
    slices,
    nonPositive: { customers: nonPos.length, customerShare: shareOf(nonPos.length, n), valueMinor: nonPositiveMinor },
    totals: { customers: n, positiveCustomers: positives.length, positiveMinor: T, netMinor: T + nonPositiveMinor },
  };
}

function checkGroups(groups: number): void {
  if (!Number.isInteger(groups) || groups < 1 || groups > 1000) {
    throw new ValueInputError('INVALID_OPTION', `groups must be an integer in 1..1000, got ${groups}`);
  }
}

/** Monetary deciles as a display table (one row per decile plus a total row). */
export function monetaryDecileTable(result: MonetaryDecileResult, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const t = result.totals;
  return {
    title: zh ? '货币十分位分析' : 'Monetary decile analysis',
    columns: [
      { key: 'decile', label: zh ? '十分位' : 'Decile', kind: 'text' },
      { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
      { key: 'sales', label: zh ? '销售额' : 'Sales', kind: 'money' },
      { key: 'salesShare', label: zh ? '销售额占比' : 'Share of sales', kind: 'share' },
      { key: 'cumulativeSalesShare', label: zh ? '累计销售额占比' : 'Cumulative share of sales', kind: 'share' },
      { key: 'profit', label: zh ? (result.profit === 'margin' ? '毛利' : '利润') : result.profit === 'margin' ? 'Margin' : 'Profit', kind: 'money' },
      { key: 'profitShare', label: zh ? '利润占比' : 'Share of profit', kind: 'share' },
      { key: 'cumulativeProfitShare', label: zh ? '累计利润占比' : 'Cumulative share of profit', kind: 'share' },
      { key: 'cumulativeCustomerShare', label: zh ? '累计客户占比' : 'Cumulative share of customers', kind: 'share' },
    ],
    rows: [
      ...result.deciles.map((d) => [
        String(d.decile),
        d.customers,
        d.salesMinor,
        d.salesShare,
        d.cumulativeSalesShare,
        d.profitMinor,
        d.profitShare,
        d.cumulativeProfitShare,
        d.cumulativeCustomerShare,
      ]),
      [zh ? '合计' : 'Total', t.customers, t.salesMinor, shareOf(t.salesMinor, t.salesMinor), null, t.profitMinor, shareOf(t.profitMinor, t.profitMinor), null, null],
    ],
  };
}

/** Purchase deciles as a display table (one row per slice plus the non-positive customers). */
export function purchaseDecileTable(result: PurchaseDecileResult, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const what = { revenue: zh ? '销售额' : 'sales', margin: zh ? '毛利' : 'margin', profit: zh ? '利润' : 'profit' }[result.measure];
  const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
  return {
    title: zh ? `购买十分位分析（${what}）` : `Purchase decile analysis (${what})`,
    columns: [
      { key: 'slice', label: zh ? `${what}区间` : `Slice of ${what}`, kind: 'text' },
      { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
      { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
      { key: 'cumulativeCustomers', label: zh ? '累计所需客户数' : 'Customers needed (cumulative)', kind: 'count' },
      { key: 'cumulativeCustomerShare', label: zh ? '累计客户占比' : 'Cumulative share of customers', kind: 'share' },
      { key: 'customerEquivalents', label: zh ? '折算客户数' : 'Customer equivalents', kind: 'number' },
    ],
    rows: [
      ...result.slices.map((s) => [
        `${pct(s.lowerShare)}-${pct(s.upperShare)}`,
        s.customers,
        s.customerShare,
        s.cumulativeCustomers,
        s.cumulativeCustomerShare,
        s.customerEquivalents,
      ]),
      [zh ? '零或负贡献' : 'Zero or negative', result.nonPositive.customers, result.nonPositive.customerShare, null, null, null],
    ],
  };
}
