/**
 * Per-customer value metrics: the plain-data contract between storage (which computes them in SQL)
 * and the pure value analytics (abc, rfm, deciles, tiers, clv-history, cohorts, migration).
 * Definitions: docs/analytics/value.md, section "Inputs".
 */

/**
 * One row per customer with at least one purchase, computed over the analysis window.
 * Money is integer minor units (e.g. cents, fen); day numbers are integer days since 1970-01-01 (UTC).
 */
export interface CustomerMetrics {
  /** Stable customer id. Also the final tie-break of every ranking (plain code-unit order). */
  customerId: string;
  /** Day number of the first purchase (see {@link dayNumber}). */
  firstDay: number;
  /** Day number of the most recent purchase; `lastDay >= firstDay`. */
  lastDay: number;
  /** Number of orders (transactions, invoices). */
  orders: number;
  /** Number of distinct days with at least one purchase (same-day orders count once); `<= orders`. */
  purchaseDays: number;
  /** Net sales: what the customer paid for goods, after discounts, minus refunds for returns. */
  revenueMinor: number;
  /** Gross margin: `revenueMinor` minus the cost of the goods kept (returned goods excluded). */
  marginMinor: number;
  /** Refunds for returned goods (already deducted from `revenueMinor`; reported for context). */
  returnsMinor: number;
  /** The part of `revenueMinor` paid on discounted (promotional, couponed, marked-down) lines. */
  discountedSpendMinor: number;
  /** Cost to serve: contacts, service, delivery, complaints handling (discounts are NOT here: revenue is already net of them). */
  costToServeMinor: number;
  /** Cost of acquiring the customer (campaign cost per acquired customer, referral reward, welcome gift). */
  acquisitionCostMinor: number;
  /** Customer profit to date: `marginMinor - costToServeMinor - acquisitionCostMinor` (see {@link profitOf}). */
  profitMinor: number;
}

/** The money measure a ranking uses. */
export type ValueMeasure = 'revenue' | 'margin' | 'profit';

/** Read the chosen measure from a metrics row. */
export function measureValue(
  m: Pick<CustomerMetrics, 'revenueMinor' | 'marginMinor' | 'profitMinor'>,
  measure: ValueMeasure,
): number {
  switch (measure) {
    case 'revenue':
      return m.revenueMinor;
    case 'margin':
      return m.marginMinor;
    case 'profit':
      return m.profitMinor;
  }
}

/**
 * Customer profit as DOMAIN.md section 3 defines it: revenue minus cost of goods (= margin),
 * cost to serve and acquisition cost. Integer in, integer out.
 */
export function profitOf(
  m: Pick<CustomerMetrics, 'marginMinor' | 'costToServeMinor' | 'acquisitionCostMinor'>,
): number {
  return m.marginMinor - m.costToServeMinor - m.acquisitionCostMinor;
}

/** Integer day number (days since 1970-01-01 UTC) of a calendar date. Pure: no clock involved. */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** Day number of an ISO date `YYYY-MM-DD`. */
export function dayNumberFromIso(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new ValueInputError('INVALID_INPUT', `not an ISO date (YYYY-MM-DD): ${iso}`);
  return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Why a value-analytics input was rejected. All are user/data mistakes (4xx, CLI usage error). */
export type ValueInputErrorCode =
  | 'INVALID_INPUT' // malformed value: non-integer money, bad month string, NaN
  | 'INVALID_OPTION' // option out of range (cut-offs, thresholds, bins)
  | 'DUPLICATE_CUSTOMER' // the same customerId twice where one row per customer is required
  | 'AFTER_AS_OF' // a purchase after the as-of day / month
  | 'MULTIPLE_REFERRERS' // a customer referred by two customers
  | 'REFERRAL_CYCLE'; // referral edges form a cycle (incl. self-referral)

export class ValueInputError extends Error {
  override readonly name = 'ValueInputError';
  constructor(
    readonly code: ValueInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Throw unless `v` is a safe integer (money in minor units, counts, day numbers). */
export function assertInteger(v: number, what: string): void {
  if (!Number.isSafeInteger(v)) throw new ValueInputError('INVALID_INPUT', `${what} must be a safe integer, got ${v}`);
}

/** Throw on a repeated customerId. */
export function assertUniqueIds(rows: readonly { customerId: string }[], what = 'rows'): void {
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.customerId)) {
      throw new ValueInputError('DUPLICATE_CUSTOMER', `customer ${r.customerId} appears twice in ${what}`);
    }
    seen.add(r.customerId);
  }
}

/**
 * Ordering used by every ranking: value descending, then customerId ascending in code-unit order
 * (not locale order, so the result is the same on every machine).
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sum of integers, checked: the total must stay a safe integer, or the money figures would silently
 * lose cents.
 */
export function sumMinor(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  if (!Number.isSafeInteger(s)) throw new ValueInputError('INVALID_INPUT', `money total is not a safe integer: ${s}`);
  return s;
}

/** `part / total`, or null when the total is not positive (a share of a zero or negative total means nothing). */
export function shareOf(part: number, total: number): number | null {
  return total > 0 ? part / total : null;
}

/**
 * Exact sign of `x - sum / n` for integers (n > 0), without floating-point rounding:
 * compares `x * n` with `sum` in BigInt. Used where a value is compared with a mean.
 */
export function compareWithMean(x: number, sum: number, n: number): -1 | 0 | 1 {
  const l = BigInt(x) * BigInt(n);
  const r = BigInt(sum);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Language of labels in report tables. */
export type Lang = 'en' | 'zh-CN';

/** A bilingual label. */
export interface Label {
  en: string;
  zh: string;
}

/** How a table column should be formatted by the CLI / UI. */
export type ColumnKind = 'text' | 'count' | 'money' | 'share' | 'number' | 'days';

/**
 * A report table ready for display: money cells are integer minor units, shares are fractions
 * (0.25 = 25 %), null means "not defined" (e.g. a share of a non-positive total). Formatting
 * (currency, percent, thousands separators) is the caller's job.
 */
export interface ReportTable {
  title: string;
  columns: { key: string; label: string; kind: ColumnKind }[];
  rows: (string | number | null)[][];
}

/** Pick the label in a language. */
export function label(l: Label, lang: Lang): string {
  return lang === 'zh-CN' ? l.zh : l.en;
}
