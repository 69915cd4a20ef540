/**
 * Acquisition cohorts by first-purchase month: retention matrix (share of the cohort active k months
 * after its first month) and revenue matrix. Definitions: docs/analytics/value.md, "Cohorts".
 */
import { type Lang, type ReportTable, ValueInputError, assertInteger, sumMinor } from '../metrics.js';

/** Aggregated row, e.g. from SQL `GROUP BY cohort_month, activity_month`. Months are 'YYYY-MM'. */
export interface CohortActivityRow {
  cohortMonth: string;
  activityMonth: string;
  /** Distinct customers of the cohort with a purchase in activityMonth. */
  activeCustomers: number;
  revenueMinor: number;
}

/** Per-customer activity: one row per customer per month with a purchase (repeats are summed). */
export interface CustomerMonthActivity {
  customerId: string;
  month: string;
  revenueMinor: number;
}

export interface CohortOptions {
  /** Last observed month; later cells are null (not observed), earlier empty cells are 0. Default: latest activity month. */
  asOfMonth?: string;
  /** Cohort sizes; default: the active customers of each cohort in its own first month (age 0). */
  cohortSizes?: ReadonlyMap<string, number>;
  /** Highest age (months since first purchase) to report; default: all observed (DEFAULTS.maxAge = null). */
  maxAge?: number | null;
}

export const DEFAULTS = {
  maxAge: null as number | null,
} as const;

export interface CohortRow {
  cohortMonth: string;
  size: number;
  /** Index k = months since the cohort month (k = 0 is the first month); null = not yet observed. */
  activeCustomers: (number | null)[];
  retention: (number | null)[];
  revenueMinor: (number | null)[];
  /** revenue / cohort size (float, minor units). */
  revenuePerCustomer: (number | null)[];
  /** Running sum of revenue per customer up to age k. */
  cumulativeRevenuePerCustomer: (number | null)[];
}

export interface CohortResult {
  asOfMonth: string | null;
  /** Number of age columns (0..ages-1). */
  ages: number;
  /** Cohorts in month order. */
  cohorts: CohortRow[];
  /** Size-weighted retention over the cohorts observed at age k: sum(active_k) / sum(size). */
  averageRetention: (number | null)[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' to a month index (year * 12 + month - 1). */
export function monthIndex(month: string): number {
  const m = MONTH.exec(month);
  if (!m) throw new ValueInputError('INVALID_INPUT', `not a month (YYYY-MM): ${month}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** Month index back to 'YYYY-MM'. */
export function monthString(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** Retention and revenue matrices from aggregated cohort rows. */
export function cohortMatrix(rows: readonly CohortActivityRow[], options: CohortOptions = {}): CohortResult {
  const maxAge = options.maxAge === undefined ? DEFAULTS.maxAge : options.maxAge;
  if (maxAge !== null && !(Number.isInteger(maxAge) && maxAge >= 0)) {
    throw new ValueInputError('INVALID_OPTION', `maxAge must be a non-negative integer, got ${maxAge}`);
  }
  const cells = new Map<number, Map<number, { active: number; revenue: number }>>();
  let lastActivity = -Infinity;
  for (const r of rows) {
    const c = monthIndex(r.cohortMonth);
    const a = monthIndex(r.activityMonth);
    assertInteger(r.activeCustomers, `activeCustomers of ${r.cohortMonth}/${r.activityMonth}`);
    assertInteger(r.revenueMinor, `revenueMinor of ${r.cohortMonth}/${r.activityMonth}`);
    if (r.activeCustomers < 0) throw new ValueInputError('INVALID_INPUT', `negative activeCustomers in ${r.cohortMonth}/${r.activityMonth}`);
    if (a < c) throw new ValueInputError('INVALID_INPUT', `activity ${r.activityMonth} before cohort month ${r.cohortMonth}`);
    let m = cells.get(c);
    if (!m) cells.set(c, (m = new Map()));
    const x = m.get(a - c);
    // Repeated (cohort, month) rows add up: SQL may split them by channel or store.
    if (x) {
      x.active += r.activeCustomers;
      x.revenue += r.revenueMinor;
    } else m.set(a - c, { active: r.activeCustomers, revenue: r.revenueMinor });
    lastActivity = Math.max(lastActivity, a);
  }
  if (options.cohortSizes) for (const k of options.cohortSizes.keys()) if (!cells.has(monthIndex(k))) cells.set(monthIndex(k), new Map());
  const asOf = options.asOfMonth !== undefined ? monthIndex(options.asOfMonth) : lastActivity;
  if (lastActivity > asOf) {
    throw new ValueInputError('AFTER_AS_OF', `activity in ${monthString(lastActivity)} after the as-of month ${options.asOfMonth}`);
  }
  const cohortIdx = [...cells.keys()].sort((a, b) => a - b);
  if (cohortIdx.length && cohortIdx[cohortIdx.length - 1]! > asOf) {
    throw new ValueInputError('AFTER_AS_OF', `cohort ${monthString(cohortIdx[cohortIdx.length - 1]!)} after the as-of month`);
  }
  const observedAges = cohortIdx.length ? asOf - cohortIdx[0]! + 1 : 0;
  const ages = maxAge === null ? observedAges : Math.min(observedAges, maxAge + 1);

  const cohorts: CohortRow[] = cohortIdx.map((c) => {
    const m = cells.get(c)!;
    const month = monthString(c);
    const size = options.cohortSizes?.get(month) ?? m.get(0)?.active;
    if (size === undefined) throw new ValueInputError('INVALID_INPUT', `cohort ${month} has no age-0 row and no size was given`);
    assertInteger(size, `size of cohort ${month}`);
    const row: CohortRow = {
      cohortMonth: month,
      size,
      activeCustomers: [],
      retention: [],
      revenueMinor: [],
      revenuePerCustomer: [],
      cumulativeRevenuePerCustomer: [],
    };
    let cum = 0;
    for (let k = 0; k < ages; k++) {
      if (c + k > asOf) {
        row.activeCustomers.push(null);
        row.retention.push(null);
        row.revenueMinor.push(null);
        row.revenuePerCustomer.push(null);
        row.cumulativeRevenuePerCustomer.push(null);
        continue;
      }
      const x = m.get(k) ?? { active: 0, revenue: 0 };
      if (x.active > size) throw new ValueInputError('INVALID_INPUT', `cohort ${month}: ${x.active} active at age ${k} but size ${size}`);
      cum += x.revenue;
      row.activeCustomers.push(x.active);
      row.retention.push(size > 0 ? x.active / size : null);
      row.revenueMinor.push(x.revenue);
      row.revenuePerCustomer.push(size > 0 ? x.revenue / size : null);
      row.cumulativeRevenuePerCustomer.push(size > 0 ? cum / size : null);
    }
    return row;
  });

  const averageRetention: (number | null)[] = [];
  for (let k = 0; k < ages; k++) {
    const observed = cohorts.filter((r) => r.activeCustomers[k] !== null);
    const size = sumMinor(observed.map((r) => r.size));
    const active = sumMinor(observed.map((r) => r.activeCustomers[k]!));
    averageRetention.push(size > 0 ? active / size : null);
  }
  return { asOfMonth: Number.isFinite(asOf) ? monthString(asOf) : null, ages, cohorts, averageRetention };
}

/**
 * Aggregate per-customer monthly activity into cohort rows. The cohort is the customer's first
 * month: taken from `firstMonths` when given (e.g. a first purchase before the activity window),
 * else the earliest activity month.
 */
export function cohortRowsFromActivity(
  activity: readonly CustomerMonthActivity[],
  firstMonths?: ReadonlyMap<string, string>,
): CohortActivityRow[] {
  const first = new Map<string, number>();
  for (const a of activity) {
    const m = monthIndex(a.month);
    assertInteger(a.revenueMinor, `revenueMinor of ${a.customerId}`);
    const f = first.get(a.customerId);
    if (f === undefined || m < f) first.set(a.customerId, m);
  }
  if (firstMonths) {
    for (const [id, fm] of firstMonths) {
      const given = monthIndex(fm);
      const seen = first.get(id);
      if (seen !== undefined && seen < given) {
        throw new ValueInputError('INVALID_INPUT', `customer ${id} is active in ${monthString(seen)}, before their first month ${fm}`);
      }
      if (seen !== undefined) first.set(id, given);
    }
  }
  // (cohort, activity month) -> distinct customers and revenue.
  const agg = new Map<string, { ids: Set<string>; revenue: number }>();
  for (const a of activity) {
    const key = `${monthString(first.get(a.customerId)!)}|${monthString(monthIndex(a.month))}`;
    let x = agg.get(key);
    if (!x) agg.set(key, (x = { ids: new Set(), revenue: 0 }));
    x.ids.add(a.customerId);
    x.revenue += a.revenueMinor;
  }
  return [...agg.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, x]) => {
      const [cohortMonth, activityMonth] = key.split('|') as [string, string];
      return { cohortMonth, activityMonth, activeCustomers: x.ids.size, revenueMinor: x.revenue };
    });
}

/**
 * Cohort sizes for {@link cohortMatrix} when `firstMonths` places customers in a cohort whose first
 * month is outside the activity rows: every customer in `firstMonths` counts in their cohort.
 */
export function cohortSizesFromFirstMonths(firstMonths: ReadonlyMap<string, string>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const fm of firstMonths.values()) {
    const k = monthString(monthIndex(fm));
    sizes.set(k, (sizes.get(k) ?? 0) + 1);
  }
  return sizes;
}

/** Retention (share active) or revenue matrix as a display table: one row per cohort, one column per age. */
export function cohortTable(result: CohortResult, matrix: 'retention' | 'revenue' | 'active' = 'retention', lang: Lang = 'en'): ReportTable {
  const zh = lang === 'zh-CN';
  const title = {
    retention: zh ? '同期群留存率' : 'Cohort retention',
    revenue: zh ? '同期群销售额' : 'Cohort revenue',
    active: zh ? '同期群活跃客户数' : 'Cohort active customers',
  }[matrix];
  const kind = matrix === 'retention' ? 'share' : matrix === 'revenue' ? 'money' : 'count';
  const ageCols = Array.from({ length: result.ages }, (_, k) => ({ key: `m${k}`, label: zh ? `第${k}月` : `M${k}`, kind }) as const);
  const rows: (string | number | null)[][] = result.cohorts.map((c) => [
    c.cohortMonth,
    c.size,
    ...(matrix === 'retention' ? c.retention : matrix === 'revenue' ? c.revenueMinor : c.activeCustomers),
  ]);
  if (matrix === 'retention') rows.push([zh ? '加权平均' : 'Weighted mean', null, ...result.averageRetention]);
  return {
    title,
    columns: [
      { key: 'cohort', label: zh ? '首购月份' : 'First-purchase month', kind: 'text' },
      { key: 'size', label: zh ? '客户数' : 'Customers', kind: 'count' },
      ...ageCols,
    ],
    rows,
  };
}
