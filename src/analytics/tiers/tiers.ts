/**
 * Profitability tiers (the customer pyramid: platinum 白金 / gold 黄金 / iron 黑铁 / lead 铅;
 * Zeithaml, Rust & Lemon 2001, "The Customer Pyramid", California Management Review 43(4)) and the
 * transaction-customer flag (DOMAIN.md section 3). Rules: docs/analytics/value.md, "Tiers".
 */
import {
  type CustomerMetrics,
  type Label,
  type Lang,
  type ReportTable,
  assertInteger,
  assertUniqueIds,
  label,
  shareOf,
  sumMinor,
  ValueInputError,
} from '../metrics.js';
import { checkCutoffs, cumulativeBand, rankByValue } from '../abc/abc.js';

export type Tier = 'platinum' | 'gold' | 'iron' | 'lead';
export type TierMeasure = 'profit' | 'margin';

export const DEFAULTS = {
  /** Tiers rank customer profit (margin - cost to serve - acquisition cost); 'margin' ignores those costs. */
  measure: 'profit' as TierMeasure,
  /**
   * Cumulative shares of POSITIVE profit where tiers end (crossing rule as in ABC): platinum = the
   * customers needed to make the first 50 %, gold = those needed to go on to 80 %, iron = the other
   * profitable customers. Profit <= 0 is always lead.
   */
  cutoffs: { platinum: 0.5, gold: 0.8 } as { readonly platinum: number; readonly gold: number },
  transaction: {
    /** Flag when discountedSpend / revenue >= this ... */
    minDiscountShare: 0.5,
    /**
     * ... AND the customer's cumulative margin is in the bottom part: fewer than this fraction of
     * customers have a strictly lower margin (0.5 = below the median position).
     */
    lowMarginFraction: 0.5,
  } as { readonly minDiscountShare: number; readonly lowMarginFraction: number },
} as const;

export const TIERS: readonly { id: Tier; name: Label; description: Label; action: Label }[] = [
  {
    id: 'platinum',
    name: { en: 'Platinum', zh: '白金客户' },
    description: { en: 'The most profitable customers: the few who make the first half of the profit.', zh: '最有利可图的客户：贡献前一半利润的少数客户。' },
    action: { en: 'Keep and reward; priority service; never take for granted.', zh: '保留并回馈；优先服务；切勿怠慢。' },
  },
  {
    id: 'gold',
    name: { en: 'Gold', zh: '黄金客户' },
    description: { en: 'Profitable customers below platinum.', zh: '有利润、次于白金的客户。' },
    action: { en: 'Grow into platinum: up-sell, cross-sell, loyalty benefits.', zh: '培养为白金客户：向上销售、交叉销售、会员权益。' },
  },
  {
    id: 'iron',
    name: { en: 'Iron', zh: '黑铁客户' },
    description: { en: 'Low profit each, but worthwhile volume together.', zh: '单个利润低，但合计有规模价值。' },
    action: { en: 'Move to gold; serve through low-cost channels.', zh: '提升为黄金客户；以低成本渠道服务。' },
  },
  {
    id: 'lead',
    name: { en: 'Lead', zh: '铅客户' },
    description: { en: 'Unprofitable: cost more than they bring.', zh: '无利可图：成本高于贡献。' },
    action: { en: 'Make profitable (price, cost to serve) or let go.', zh: '通过定价、降低服务成本使其盈利，或放弃。' },
  },
];

export type TierInput = Pick<
  CustomerMetrics,
  'customerId' | 'revenueMinor' | 'marginMinor' | 'profitMinor' | 'discountedSpendMinor'
>;

export interface TierOptions {
  measure?: TierMeasure;
  cutoffs?: { platinum: number; gold: number };
  transaction?: { minDiscountShare: number; lowMarginFraction: number };
}

export interface TierCustomer {
  customerId: string;
  tier: Tier;
  /** The ranked measure (profit or margin). */
  valueMinor: number;
  revenueMinor: number;
  /** 1 = most profitable; null for lead (not ranked). */
  rank: number | null;
  /** Cumulative positive value up to and including this customer / positive total; null for lead. */
  cumulativeShare: number | null;
  /** discountedSpend / revenue; null when revenue <= 0. */
  discountShare: number | null;
  lowMargin: boolean;
  transactionCustomer: boolean;
}

export interface TierSummary {
  tier: Tier;
  customers: number;
  customerShare: number | null;
  revenueMinor: number;
  revenueShare: number | null;
  valueMinor: number;
  /** Tier value / positive total. */
  valueShareOfPositive: number | null;
  /** Tier value / net total (platinum can exceed 1 when lead customers lose money). */
  valueShareOfNet: number | null;
  transactionCustomers: number;
}

export interface TierResult {
  measure: TierMeasure;
  cutoffs: { platinum: number; gold: number };
  transaction: { minDiscountShare: number; lowMarginFraction: number };
  /** Ranked profitable customers first (rank order), then lead customers (value descending). */
  customers: TierCustomer[];
  /** platinum, gold, iron, lead. */
  tiers: TierSummary[];
  totals: { customers: number; revenueMinor: number; positiveMinor: number; netMinor: number };
  transactionCustomers: { customers: number; customerShare: number | null; revenueMinor: number; marginMinor: number };
}

/**
 * Assign tiers: value <= 0 -> lead; profitable customers ranked by value (descending, ties by
 * customerId) and cut by the cumulative share of the positive total with the ABC crossing rule
 * (the customer who crosses the platinum cut-off is platinum). Transaction customers:
 * discount share >= minDiscountShare and (#customers with strictly lower margin) / n < lowMarginFraction.
 */
export function profitabilityTiers(rows: readonly TierInput[], options: TierOptions = {}): TierResult {
  const measure = options.measure ?? DEFAULTS.measure;
  const cutoffs = options.cutoffs ?? DEFAULTS.cutoffs;
  const tx = options.transaction ?? DEFAULTS.transaction;
  checkCutoffs([cutoffs.platinum, cutoffs.gold], 'tiers');
  if (!(tx.minDiscountShare >= 0 && tx.minDiscountShare <= 1 && tx.lowMarginFraction >= 0 && tx.lowMarginFraction <= 1)) {
    throw new ValueInputError('INVALID_OPTION', 'transaction thresholds must be in [0, 1]');
  }
  assertUniqueIds(rows);
  const valueOf = (r: TierInput): number => (measure === 'margin' ? r.marginMinor : r.profitMinor);
  for (const r of rows) {
    assertInteger(valueOf(r), `${measure} of ${r.customerId}`);
    assertInteger(r.revenueMinor, `revenueMinor of ${r.customerId}`);
    assertInteger(r.marginMinor, `marginMinor of ${r.customerId}`);
    assertInteger(r.discountedSpendMinor, `discountedSpendMinor of ${r.customerId}`);
  }
  const n = rows.length;

  // Low margin: fewer than lowMarginFraction * n customers have a strictly lower margin.
  const margins = rows.map((r) => r.marginMinor).sort((a, b) => a - b);
  const strictlyLower = (m: number): number => {
    let lo = 0;
    let hi = margins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (margins[mid]! < m) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const sorted = rankByValue(rows, valueOf);
  const positiveMinor = sumMinor(sorted.map(valueOf).filter((v) => v > 0));
  const netMinor = sumMinor(sorted.map(valueOf));
  const tierOrder: Tier[] = ['platinum', 'gold', 'iron'];
  const customers: TierCustomer[] = [];
  let cum = 0;
  let rank = 0;
  for (const r of sorted) {
    const v = valueOf(r);
    let tier: Tier = 'lead';
    let cumulativeShare: number | null = null;
    let myRank: number | null = null;
    if (v > 0) {
      tier = tierOrder[cumulativeBand(cum, positiveMinor, [cutoffs.platinum, cutoffs.gold])]!;
      cum += v;
      cumulativeShare = cum / positiveMinor;
      myRank = ++rank;
    }
    const discountShare = r.revenueMinor > 0 ? r.discountedSpendMinor / r.revenueMinor : null;
    const lowMargin = strictlyLower(r.marginMinor) / n < tx.lowMarginFraction;
    customers.push({
      customerId: r.customerId,
      tier,
      valueMinor: v,
      revenueMinor: r.revenueMinor,
      rank: myRank,
      cumulativeShare,
      discountShare,
      lowMargin,
      transactionCustomer: discountShare !== null && discountShare >= tx.minDiscountShare && lowMargin,
    });
  }
  const totalRevenue = sumMinor(customers.map((c) => c.revenueMinor));
  const tiers = TIERS.map(({ id }): TierSummary => {
    const members = customers.filter((c) => c.tier === id);
    const value = sumMinor(members.map((c) => c.valueMinor));
    const revenue = sumMinor(members.map((c) => c.revenueMinor));
    return {
      tier: id,
      customers: members.length,
      customerShare: shareOf(members.length, n),
      revenueMinor: revenue,
      revenueShare: shareOf(revenue, totalRevenue),
      valueMinor: value,
      valueShareOfPositive: shareOf(value, positiveMinor),
      valueShareOfNet: shareOf(value, netMinor),
      transactionCustomers: members.filter((c) => c.transactionCustomer).length,
    };
  });
  const txIds = new Set(customers.filter((c) => c.transactionCustomer).map((c) => c.customerId));
  const txRows = rows.filter((r) => txIds.has(r.customerId));
  return {
    measure,
    cutoffs: { platinum: cutoffs.platinum, gold: cutoffs.gold },
    transaction: { minDiscountShare: tx.minDiscountShare, lowMarginFraction: tx.lowMarginFraction },
    customers,
    tiers,
    totals: { customers: n, revenueMinor: totalRevenue, positiveMinor, netMinor },
    transactionCustomers: {
      customers: txRows.length,
      customerShare: shareOf(txRows.length, n),
      revenueMinor: sumMinor(txRows.map((r) => r.revenueMinor)),
      marginMinor: sumMinor(txRows.map((r) => r.marginMinor)),
    },
  };
}

/** Tier summary (the pyramid) as a display table. */
export function tierTable(result: TierResult, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const v = result.measure === 'margin' ? (zh ? '毛利' : 'Margin') : zh ? '利润' : 'Profit';
  return {
    title: zh ? '客户盈利金字塔' : 'Customer profitability tiers',
    columns: [
      { key: 'tier', label: zh ? '层级' : 'Tier', kind: 'text' },
      { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
      { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
      { key: 'revenue', label: zh ? '销售额' : 'Revenue', kind: 'money' },
      { key: 'revenueShare', label: zh ? '销售额占比' : 'Share of revenue', kind: 'share' },
      { key: 'value', label: v, kind: 'money' },
      { key: 'valueShareOfNet', label: zh ? `占净${v}比` : `Share of net ${v.toLowerCase()}`, kind: 'share' },
      { key: 'transactionCustomers', label: zh ? '交易型客户数' : 'Transaction customers', kind: 'count' },
      { key: 'action', label: zh ? '建议行动' : 'Recommended action', kind: 'text' },
    ],
    rows: result.tiers.map((t) => {
      const info = TIERS.find((x) => x.id === t.tier)!;
      return [
        label(info.name, lang),
        t.customers,
        t.customerShare,
        t.revenueMinor,
        t.revenueShare,
        t.valueMinor,
        t.valueShareOfNet,
        t.transactionCustomers,
        label(info.action, lang),
      ];
    }),
  };
}
