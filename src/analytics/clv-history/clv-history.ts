/**
 * Historical customer lifetime value with referrals (客户持续价值, DOMAIN.md section 4): each
 * customer's own value to date, plus the value of the customers they referred, one level and
 * through the whole referral tree, period by period. Definitions: docs/analytics/value.md, "CLV history".
 */
import { type Lang, type ReportTable, ValueInputError, assertInteger } from '../metrics.js';

/** One row per customer per period (e.g. calendar year), straight from SQL. Money in minor units. */
export interface CustomerPeriodValue {
  customerId: string;
  /** Integer period: a calendar year (2024), or a year index since acquisition (1, 2, ...). */
  period: number;
  revenueMinor: number;
  /** revenue - cost of goods; equal to revenue where goods cost nothing (software licences). */
  marginMinor: number;
  costToServeMinor: number;
  acquisitionCostMinor: number;
}

/** `referrerId` brought in `customerId`. A customer has at most one referrer. */
export interface ReferralEdge {
  referrerId: string;
  customerId: string;
}

export interface ValueTotals {
  revenueMinor: number;
  marginMinor: number;
  costToServeMinor: number;
  acquisitionCostMinor: number;
  /** margin - costToServe - acquisitionCost. */
  profitMinor: number;
}

export interface ClvPeriodRow {
  period: number;
  own: ValueTotals;
  /** Sum over the customers this one referred directly. */
  referredDirect: ValueTotals;
  /** Sum over every customer below this one in the referral tree (direct, their referrals, ...). */
  referredTree: ValueTotals;
  /** own.profit + referredTree.profit. */
  totalProfitMinor: number;
}

export interface HistoricalClv {
  customerId: string;
  referrerId: string | null;
  /** Customers referred directly, sorted by id. */
  directReferrals: string[];
  /** Number of customers in the referral tree below this one. */
  treeReferrals: number;
  own: ValueTotals;
  referredDirect: ValueTotals;
  referredTree: ValueTotals;
  /** Historical CLV with referrals: own profit + profit of the whole referral tree. */
  totalProfitMinor: number;
  /** Every period from the first to the last with any own or tree value (gaps filled with zeros). */
  byPeriod: ClvPeriodRow[];
}

/** Nothing to configure: the history is what it is. Kept for the one-DEFAULTS-per-method convention. */
export const DEFAULTS = {} as const;

/**
 * CLV as the formula in DOMAIN.md section 4 (course notes):
 * CLV = expected transactions in the lifetime x average purchase amount - acquisition cost
 *       + net income from referred customers.
 * Returns minor units as a float (expected transactions may be fractional); round for display.
 * Undiscounted, as in the source; discounting belongs to the predictive CLV models.
 */
export function clvFormula(x: {
  expectedTransactions: number;
  averagePurchaseMinor: number;
  acquisitionCostMinor: number;
  referralNetIncomeMinor: number;
}): number {
  return x.expectedTransactions * x.averagePurchaseMinor - x.acquisitionCostMinor + x.referralNetIncomeMinor;
}

export function zeroTotals(): ValueTotals {
  return { revenueMinor: 0, marginMinor: 0, costToServeMinor: 0, acquisitionCostMinor: 0, profitMinor: 0 };
}

function addInto(t: ValueTotals, x: ValueTotals): void {
  t.revenueMinor += x.revenueMinor;
  t.marginMinor += x.marginMinor;
  t.costToServeMinor += x.costToServeMinor;
  t.acquisitionCostMinor += x.acquisitionCostMinor;
  t.profitMinor += x.profitMinor;
}

type PeriodMap = Map<number, ValueTotals>;

function addMapInto(target: PeriodMap, src: PeriodMap): void {
  for (const [p, t] of src) {
    let x = target.get(p);
    if (!x) target.set(p, (x = zeroTotals()));
    addInto(x, t);
  }
}

function totalOf(m: PeriodMap): ValueTotals {
  const t = zeroTotals();
  for (const x of m.values()) addInto(t, x);
  return t;
}

/**
 * Historical CLV for every customer appearing in `rows` or `edges`. Referred value counts the
 * referred customers' PROFIT (their margin minus their own cost to serve and acquisition cost, e.g.
 * a referral reward), i.e. the "net income from referred customers" of the formula. Tree totals
 * nest: do not add totalProfitMinor across customers (use {@link profitByPeriod} for the company).
 * Throws MULTIPLE_REFERRERS when a customer has two referrers and REFERRAL_CYCLE on a cycle
 * (including self-referral): referral data with cycles is wrong, and summing it would loop forever
 * or double count.
 */
export function historicalClv(rows: readonly CustomerPeriodValue[], edges: readonly ReferralEdge[]): HistoricalClv[] {
  const own = new Map<string, PeriodMap>();
  const ids = new Set<string>();
  for (const r of rows) {
    for (const [k, v] of [
      ['period', r.period],
      ['revenueMinor', r.revenueMinor],
      ['marginMinor', r.marginMinor],
      ['costToServeMinor', r.costToServeMinor],
      ['acquisitionCostMinor', r.acquisitionCostMinor],
    ] as const) {
      assertInteger(v, `${k} of ${r.customerId}`);
    }
    ids.add(r.customerId);
    let m = own.get(r.customerId);
    if (!m) own.set(r.customerId, (m = new Map()));
    let t = m.get(r.period);
    if (!t) m.set(r.period, (t = zeroTotals()));
    addInto(t, {
      revenueMinor: r.revenueMinor,
      marginMinor: r.marginMinor,
      costToServeMinor: r.costToServeMinor,
      acquisitionCostMinor: r.acquisitionCostMinor,
      profitMinor: r.marginMinor - r.costToServeMinor - r.acquisitionCostMinor,
    });
  }

  const parent = new Map<string, string>();
  const children = new Map<string, string[]>();
  for (const e of edges) {
    if (e.referrerId === e.customerId) {
      throw new ValueInputError('REFERRAL_CYCLE', `customer ${e.customerId} refers itself`);
    }
    const prev = parent.get(e.customerId);
    if (prev !== undefined) {
      if (prev === e.referrerId) continue; // the same edge twice
      throw new ValueInputError('MULTIPLE_REFERRERS', `customer ${e.customerId} is referred by both ${prev} and ${e.referrerId}`);
    }
    parent.set(e.customerId, e.referrerId);
    ids.add(e.customerId);
    ids.add(e.referrerId);
    let c = children.get(e.referrerId);
    if (!c) children.set(e.referrerId, (c = []));
    c.push(e.customerId);
  }

  // Breadth-first from the roots; with one referrer each, nodes not reached lie on a cycle.
  const order: string[] = [...ids].filter((id) => !parent.has(id));
  for (let i = 0; i < order.length; i++) for (const c of children.get(order[i]!) ?? []) order.push(c);
  if (order.length < ids.size) {
    const reached = new Set(order);
    const stuck = [...ids].filter((id) => !reached.has(id)).sort();
    throw new ValueInputError('REFERRAL_CYCLE', `referral edges form a cycle among: ${stuck.slice(0, 20).join(', ')}${stuck.length > 20 ? ', ...' : ''}`);
  }

  const direct = new Map<string, PeriodMap>();
  const tree = new Map<string, PeriodMap>();
  const treeCount = new Map<string, number>();
  for (const id of ids) {
    direct.set(id, new Map());
    tree.set(id, new Map());
    treeCount.set(id, 0);
  }
  // Children before parents: each node pushes (own + its tree) into its referrer's tree once.
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i]!;
    const p = parent.get(id);
    if (p === undefined) continue;
    const mine = own.get(id) ?? new Map<number, ValueTotals>();
    addMapInto(direct.get(p)!, mine);
    addMapInto(tree.get(p)!, mine);
    addMapInto(tree.get(p)!, tree.get(id)!);
    treeCount.set(p, treeCount.get(p)! + 1 + treeCount.get(id)!);
  }

  const out: HistoricalClv[] = [];
  for (const id of [...ids].sort()) {
    const o = own.get(id) ?? new Map<number, ValueTotals>();
    const d = direct.get(id)!;
    const t = tree.get(id)!;
    const periods = [...o.keys(), ...t.keys()];
    const byPeriod: ClvPeriodRow[] = [];
    if (periods.length) {
      const lo = Math.min(...periods);
      const hi = Math.max(...periods);
      for (let p = lo; p <= hi; p++) {
        const ow = o.get(p) ?? zeroTotals();
        const tr = t.get(p) ?? zeroTotals();
        byPeriod.push({
          period: p,
          own: { ...ow },
          referredDirect: { ...(d.get(p) ?? zeroTotals()) },
          referredTree: { ...tr },
          totalProfitMinor: ow.profitMinor + tr.profitMinor,
        });
      }
    }
    const ownT = totalOf(o);
    const treeT = totalOf(t);
    for (const v of [...Object.values(ownT), ...Object.values(treeT)]) assertInteger(v, `CLV total of ${id}`);
    out.push({
      customerId: id,
      referrerId: parent.get(id) ?? null,
      directReferrals: [...(children.get(id) ?? [])].sort(),
      treeReferrals: treeCount.get(id)!,
      own: ownT,
      referredDirect: totalOf(d),
      referredTree: treeT,
      totalProfitMinor: ownT.profitMinor + treeT.profitMinor,
      byPeriod,
    });
  }
  return out;
}

/** Company-level per-period totals of own value (each customer counted once; no referral nesting). */
export function profitByPeriod(rows: readonly CustomerPeriodValue[]): (ValueTotals & { period: number; customers: number })[] {
  const m = new Map<number, { t: ValueTotals; ids: Set<string> }>();
  for (const r of rows) {
    assertInteger(r.period, `period of ${r.customerId}`);
    let x = m.get(r.period);
    if (!x) m.set(r.period, (x = { t: zeroTotals(), ids: new Set() }));
    x.ids.add(r.customerId);
    addInto(x.t, {
      revenueMinor: r.revenueMinor,
      marginMinor: r.marginMinor,
      costToServeMinor: r.costToServeMinor,
      acquisitionCostMinor: r.acquisitionCostMinor,
      profitMinor: r.marginMinor - r.costToServeMinor - r.acquisitionCostMinor,
    });
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([period, x]) => ({ period, customers: x.ids.size, ...x.t }));
}

/**
 * One customer's per-period profit table, laid out like the "1 = 12800" case in DOMAIN.md:
 * own purchases, referred customers' purchases, own costs, profit, cumulative profit; plus a total row.
 */
export function clvHistoryTable(h: HistoricalClv, lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  let cum = 0;
  const rows: (string | number | null)[][] = h.byPeriod.map((p) => {
    cum += p.totalProfitMinor;
    return [
      String(p.period),
      p.own.revenueMinor,
      p.referredTree.revenueMinor,
      p.own.costToServeMinor + p.own.acquisitionCostMinor + (p.own.revenueMinor - p.own.marginMinor),
      p.own.profitMinor,
      p.referredTree.profitMinor,
      p.totalProfitMinor,
      cum,
    ];
  });
  rows.push([
    zh ? '合计' : 'Total',
    h.own.revenueMinor,
    h.referredTree.revenueMinor,
    h.own.costToServeMinor + h.own.acquisitionCostMinor + (h.own.revenueMinor - h.own.marginMinor),
    h.own.profitMinor,
    h.referredTree.profitMinor,
    h.totalProfitMinor,
    null,
  ]);
  return {
    title: zh ? `客户 ${h.customerId} 的历史价值（含推荐）` : `Historical value of customer ${h.customerId} (with referrals)`,
    columns: [
      { key: 'period', label: zh ? '期间' : 'Period', kind: 'text' },
      { key: 'ownRevenue', label: zh ? '本人购买' : 'Own purchases', kind: 'money' },
      { key: 'referredRevenue', label: zh ? '被推荐客户购买' : "Referred customers' purchases", kind: 'money' },
      { key: 'ownCost', label: zh ? '本人成本（商品、获取、服务）' : 'Own costs (goods, acquisition, service)', kind: 'money' },
      { key: 'ownProfit', label: zh ? '本人利润' : 'Own profit', kind: 'money' },
      { key: 'referredProfit', label: zh ? '推荐净收益' : 'Net income from referrals', kind: 'money' },
      { key: 'totalProfit', label: zh ? '利润' : 'Profit', kind: 'money' },
      { key: 'cumulativeProfit', label: zh ? '累计利润' : 'Cumulative profit', kind: 'money' },
    ],
    rows,
  };
}
