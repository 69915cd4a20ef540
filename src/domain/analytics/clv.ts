import {
  clvFormula,
  clvHistoryTable,
  historicalClv,
  type CustomerPeriodValue,
  type HistoricalClv,
  type ValueTotals,
} from '../../analytics/clv-history/index.js';
import type { Lang, ReportTable } from '../../analytics/metrics.js';
import {
  companyYearValues,
  customerRefByExternalId,
  customerRefById,
  customerYearValues,
  referralEdges,
  referralParticipantIds,
  referralTreeIds,
  type CustomerYearRow,
} from '../../storage/analytics.repo.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { translateValueError } from './errors.js';

/**
 * Historical CLV with referral attribution (DOMAIN.md section 4) from the database: SQL groups
 * value per customer per calendar year; the pure `historicalClv` attributes referred customers'
 * value to their referrers, one level and through the whole tree. Definitions:
 * docs/analytics/pipeline.md, "Historical CLV".
 */
export const DEFAULTS = Object.freeze({
  /** Referrers listed in the company report. */
  topReferrers: 50,
});

export interface CompanyYear extends ValueTotals {
  period: number;
  customers: number;
}

/** The DOMAIN.md formula applied to a customer's history to date (a reading aid beside the history). */
export interface ClvFormulaView {
  /** Orders to date (the formula's "number of transactions", observed rather than expected). */
  transactions: number;
  averagePurchaseMinor: number | null;
  acquisitionCostMinor: number;
  /** Profit of the whole referral tree ("net income from referred customers"). */
  referralNetIncomeMinor: number;
  /** transactions x average purchase - acquisition cost + referral net income: the formula as printed (no cost to serve, no cost of goods). */
  formulaMinor: number;
  costToServeMinor: number;
  costOfGoodsMinor: number;
  /** formulaMinor - cost to serve - cost of goods = own profit + referred profit (the history's total). */
  formulaNetMinor: number;
}

export interface CustomerClvView {
  customerId: number;
  externalId: string;
  name: string | null;
  history: HistoricalClv;
  /** Own purchases after the first period (up-sell and cross-sell, in DOMAIN.md's words). */
  ownRevenueAfterFirstPeriodMinor: number;
  formula: ClvFormulaView;
}

export interface ClvReportData {
  asOf: string;
  /** Company totals per year, each customer once. */
  company: CompanyYear[];
  /** Customers who referred someone, by historical CLV with referrals (own + tree profit), best first. */
  referrers: {
    customerId: string;
    own: ValueTotals;
    referredDirect: ValueTotals;
    referredTree: ValueTotals;
    directReferrals: number;
    treeReferrals: number;
    totalProfitMinor: number;
  }[];
  customer: CustomerClvView | null;
}

function toPeriodValues(rows: readonly CustomerYearRow[]): CustomerPeriodValue[] {
  return rows.map((r) => ({
    customerId: r.external_id,
    period: r.period,
    revenueMinor: r.revenue_minor,
    marginMinor: r.margin_minor,
    costToServeMinor: r.cost_to_serve_minor,
    acquisitionCostMinor: r.acquisition_cost_minor,
  }));
}

/** One customer's history with their referral tree, as of a day. */
export async function customerClv(db: Db, customer: { id: number } | { externalId: string }, asOfDay: number): Promise<CustomerClvView> {
  const ref = 'id' in customer ? await customerRefById(db.kysely, customer.id) : await customerRefByExternalId(db.kysely, customer.externalId);
  if (!ref) throw new PatronError('NOT_FOUND', `customer ${'id' in customer ? customer.id : customer.externalId} not found`);
  const ids = referralTreeIds(ref.id);
  const rows = toPeriodValues(await customerYearValues(db.kysely, asOfDay, ids));
  // Edges inside the tree; the root's own referrer is outside it and left out.
  const edges = (await referralEdges(db.kysely, ids))
    .filter((e) => e.customer_id !== ref.id)
    .map((e) => ({ referrerId: e.referrer_external_id, customerId: e.customer_external_id }));
  let all: HistoricalClv[];
  try {
    all = historicalClv(rows, edges);
  } catch (e) {
    throw translateValueError(e);
  }
  const empty: ValueTotals = { revenueMinor: 0, marginMinor: 0, costToServeMinor: 0, acquisitionCostMinor: 0, profitMinor: 0 };
  const h = all.find((x) => x.customerId === ref.external_id) ?? {
    customerId: ref.external_id, referrerId: null, directReferrals: [], treeReferrals: 0, own: { ...empty },
    referredDirect: { ...empty }, referredTree: { ...empty }, totalProfitMinor: 0, byPeriod: [],
  };
  const firstOwn = h.byPeriod.find((p) => p.own.revenueMinor !== 0 || p.own.acquisitionCostMinor !== 0);
  const ownAfterFirst = firstOwn ? h.own.revenueMinor - firstOwn.own.revenueMinor : 0;
  const transactions = (await ownOrders(db, ref.id, asOfDay));
  const avg = transactions > 0 ? h.own.revenueMinor / transactions : null;
  const formulaMinor = clvFormula({
    expectedTransactions: transactions,
    averagePurchaseMinor: avg ?? 0,
    acquisitionCostMinor: h.own.acquisitionCostMinor,
    referralNetIncomeMinor: h.referredTree.profitMinor,
  });
  const cogs = h.own.revenueMinor - h.own.marginMinor;
  return {
    customerId: ref.id,
    externalId: ref.external_id,
    name: ref.name,
    history: h,
    ownRevenueAfterFirstPeriodMinor: ownAfterFirst,
    formula: {
      transactions,
      averagePurchaseMinor: avg,
      acquisitionCostMinor: h.own.acquisitionCostMinor,
      referralNetIncomeMinor: h.referredTree.profitMinor,
      formulaMinor,
      costToServeMinor: h.own.costToServeMinor,
      costOfGoodsMinor: cogs,
      formulaNetMinor: formulaMinor - h.own.costToServeMinor - cogs,
    },
  };
}

async function ownOrders(db: Db, customerId: number, asOfDay: number): Promise<number> {
  const r = await db.kysely
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'sale')
    .where('status', '=', 'completed')
    .where('day', '<=', asOfDay)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The CLV report: company per year, the best referrers, and optionally one customer's history. */
export async function clvReport(
  db: Db,
  p: { asOf: string; asOfDay: number; customer?: { id: number } | { externalId: string }; limit?: number },
): Promise<ClvReportData> {
  const company = (await companyYearValues(db.kysely, p.asOfDay)).map((r) => ({
    period: r.period,
    customers: r.customers,
    revenueMinor: r.revenue_minor,
    marginMinor: r.margin_minor,
    costToServeMinor: r.cost_to_serve_minor,
    acquisitionCostMinor: r.acquisition_cost_minor,
    profitMinor: r.margin_minor - r.cost_to_serve_minor - r.acquisition_cost_minor,
  }));
  const ids = referralParticipantIds();
  const rows = toPeriodValues(await customerYearValues(db.kysely, p.asOfDay, ids));
  const edges = (await referralEdges(db.kysely, ids)).map((e) => ({ referrerId: e.referrer_external_id, customerId: e.customer_external_id }));
  let all: HistoricalClv[];
  try {
    all = historicalClv(rows, edges);
  } catch (e) {
    throw translateValueError(e);
  }
  const referrers = all
    .filter((h) => h.directReferrals.length > 0)
    .sort((a, b) => b.totalProfitMinor - a.totalProfitMinor || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))
    .slice(0, p.limit ?? DEFAULTS.topReferrers)
    .map((h) => ({
      customerId: h.customerId,
      own: h.own,
      referredDirect: h.referredDirect,
      referredTree: h.referredTree,
      directReferrals: h.directReferrals.length,
      treeReferrals: h.treeReferrals,
      totalProfitMinor: h.totalProfitMinor,
    }));
  const customer = p.customer ? await customerClv(db, p.customer, p.asOfDay) : null;
  return { asOf: p.asOf, company, referrers, customer };
}

/** Display tables of the CLV report. */
export function clvTables(d: ClvReportData, lang: Lang): ReportTable[] {
  const zh = lang === 'zh-CN';
  const tables: ReportTable[] = [];
  if (d.customer) {
    tables.push(clvHistoryTable(d.customer.history, lang));
    const f = d.customer.formula;
    tables.push({
      title: zh ? 'CLV 公式（按历史数据）' : 'CLV formula (applied to the history)',
      columns: [
        { key: 'item', label: zh ? '项目' : 'Item', kind: 'text' },
        { key: 'count', label: zh ? '次数' : 'Count', kind: 'count' },
        { key: 'amount', label: zh ? '金额' : 'Amount', kind: 'money' },
      ],
      rows: [
        [zh ? '交易次数' : 'Transactions', f.transactions, null],
        [zh ? '平均购买金额' : 'Average purchase', null, f.averagePurchaseMinor === null ? null : Math.round(f.averagePurchaseMinor)],
        [zh ? '获取成本' : 'Acquisition cost', null, f.acquisitionCostMinor],
        [zh ? '推荐客户净收益' : 'Net income from referred customers', null, f.referralNetIncomeMinor],
        [zh ? 'CLV（公式，未扣服务成本）' : 'CLV (formula, before cost to serve)', null, Math.round(f.formulaMinor)],
        [zh ? '服务成本' : 'Cost to serve', null, f.costToServeMinor],
        [zh ? '商品成本' : 'Cost of goods', null, f.costOfGoodsMinor],
        [zh ? 'CLV（扣除服务与商品成本）' : 'CLV net of cost to serve and goods', null, Math.round(f.formulaNetMinor)],
      ],
    });
  }
  tables.push({
    title: zh ? '推荐人历史价值（含推荐）' : 'Referrers: historical value with referrals',
    columns: [
      { key: 'customer', label: zh ? '客户' : 'Customer', kind: 'text' },
      { key: 'ownRevenue', label: zh ? '本人购买' : 'Own purchases', kind: 'money' },
      { key: 'ownProfit', label: zh ? '本人利润' : 'Own profit', kind: 'money' },
      { key: 'directReferrals', label: zh ? '直接推荐人数' : 'Direct referrals', kind: 'count' },
      { key: 'treeReferrals', label: zh ? '推荐树人数' : 'Referral tree', kind: 'count' },
      { key: 'directRevenue', label: zh ? '直接推荐购买' : 'Direct referrals’ purchases', kind: 'money' },
      { key: 'treeRevenue', label: zh ? '推荐树购买' : 'Tree purchases', kind: 'money' },
      { key: 'treeProfit', label: zh ? '推荐净收益' : 'Net income from referrals', kind: 'money' },
      { key: 'totalProfit', label: zh ? '历史价值（含推荐）' : 'Historical CLV with referrals', kind: 'money' },
    ],
    rows: d.referrers.map((r) => [
      r.customerId, r.own.revenueMinor, r.own.profitMinor, r.directReferrals, r.treeReferrals,
      r.referredDirect.revenueMinor, r.referredTree.revenueMinor, r.referredTree.profitMinor, r.totalProfitMinor,
    ]),
  });
  tables.push({
    title: zh ? '公司逐年价值' : 'Company value by year',
    columns: [
      { key: 'period', label: zh ? '年份' : 'Year', kind: 'text' },
      { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
      { key: 'revenue', label: zh ? '销售额' : 'Revenue', kind: 'money' },
      { key: 'margin', label: zh ? '毛利' : 'Margin', kind: 'money' },
      { key: 'costToServe', label: zh ? '服务成本' : 'Cost to serve', kind: 'money' },
      { key: 'acquisitionCost', label: zh ? '获取成本' : 'Acquisition cost', kind: 'money' },
      { key: 'profit', label: zh ? '利润' : 'Profit', kind: 'money' },
    ],
    rows: d.company.map((c) => [String(c.period), c.customers, c.revenueMinor, c.marginMinor, c.costToServeMinor, c.acquisitionCostMinor, c.profitMinor]),
  });
  return tables;
}
