import type { SummaryRow, WeightedSummary } from './types.js';

/**
 * Collapse identical (x, tx, T) rows into one weighted row. The likelihoods are sums over customers,
 * so this is exact: a million customers cost what their distinct summaries cost. On real data, times
 * are on a day grid and the count of distinct rows is far below the customer count.
 * Output is sorted by (x, T, tx) so results do not depend on input order.
 */
export function groupSummaries(rows: readonly SummaryRow[]): WeightedSummary[] {
  const byX = new Map<number, Map<number, Map<number, number>>>();
  for (const row of rows) {
    const w = row.weight ?? 1;
    if (w === 0) continue;
    let byT = byX.get(row.x);
    if (!byT) byX.set(row.x, (byT = new Map()));
    let byTx = byT.get(row.T);
    if (!byTx) byT.set(row.T, (byTx = new Map()));
    byTx.set(row.tx, (byTx.get(row.tx) ?? 0) + w);
  }
  const out: WeightedSummary[] = [];
  for (const x of [...byX.keys()].sort((p, q) => p - q)) {
    const byT = byX.get(x)!;
    for (const T of [...byT.keys()].sort((p, q) => p - q)) {
      const byTx = byT.get(T)!;
      for (const tx of [...byTx.keys()].sort((p, q) => p - q)) out.push({ x, tx, T, weight: byTx.get(tx)! });
    }
  }
  return out;
}

export interface Transaction {
  customerId: string;
  /** Time in period units on a common axis (e.g. days since an epoch / 7 for weeks). */
  t: number;
  /** Optional amount, integer minor units (e.g. cents). */
  amount?: number;
}

export interface SummariseOptions {
  /** Last instant of calibration (inclusive), on the same axis as t. */
  calibrationEnd: number;
  /** Last instant of the holdout window (inclusive); omit for no holdout counts. */
  holdoutEnd?: number;
  /**
   * Transactions in the same tick of this width are one purchase (amounts summed). CDNOW convention:
   * same-day transactions are merged, i.e. 1/7 when t is in weeks. 0 merges only identical times.
   */
  mergeResolution?: number;
}

export interface CustomerCalibration {
  customerId: string;
  x: number;
  tx: number;
  T: number;
  /** Time of the first purchase on the common axis. */
  birth: number;
  /** Merged purchases in (calibrationEnd, holdoutEnd]; 0 without a holdout window. */
  holdoutCount: number;
  /** Sum of calibration amounts including the first purchase (integer, minor units); 0 without amounts. */
  calibrationAmount: number;
  /** Mean amount of the repeat purchases in calibration (the Gamma-Gamma m_x); 0 when x = 0. */
  mx: number;
  /** Sum of holdout amounts (integer, minor units). */
  holdoutAmount: number;
}

export interface SummariseResult {
  /** One row per customer whose first purchase is within calibration, sorted by customerId. */
  customers: CustomerCalibration[];
  /** Customers whose first purchase falls after calibrationEnd (not part of the calibration cohort). */
  excludedCustomers: number;
  /** Transactions after holdoutEnd (or after calibrationEnd without a holdout), ignored. */
  ignoredTransactions: number;
}

/** Tick index for merging: floor(t / res) with a tiny guard so k/7 * 7 does not fall to k - 1. */
function tickOf(t: number, res: number): number {
  return res > 0 ? Math.floor(t / res + 1e-9) : t;
}

interface Purchase {
  t: number;
  amount: number;
}

/** Merge a customer's transactions into purchases (one per tick), sorted by time. */
function mergePurchases(list: readonly Transaction[], res: number): Purchase[] {
  const byTick = new Map<number, Purchase>();
  for (const tr of list) {
    const key = tickOf(tr.t, res);
    const p = byTick.get(key);
    const amount = tr.amount ?? 0;
    if (!p) byTick.set(key, { t: tr.t, amount });
    else {
      p.t = Math.min(p.t, tr.t);
      p.amount += amount;
    }
  }
  return [...byTick.values()].sort((p, q) => p.t - q.t);
}

/**
 * Build each customer's (x, tx, T) from a transaction log, with holdout counts: x counts merged repeat
 * purchases with t <= calibrationEnd, tx = last - first, T = calibrationEnd - first (Fader, Hardie & Lee
 * 2005). With CDNOW (t = day index / 7, calibrationEnd = day of 1997-09-30, mergeResolution = 1/7)
 * this reproduces the published summary (T = 38.86 weeks for a customer first buying on 1997-01-01).
 */
export function summariseTransactions(transactions: readonly Transaction[], options: SummariseOptions): SummariseResult {
  const { calibrationEnd } = options;
  const holdoutEnd = options.holdoutEnd ?? calibrationEnd;
  const res = options.mergeResolution ?? 0;
  if (!Number.isFinite(calibrationEnd) || !(holdoutEnd >= calibrationEnd)) {
    throw new RangeError('summariseTransactions: calibrationEnd must be finite and holdoutEnd >= calibrationEnd');
  }
  const byCustomer = new Map<string, Transaction[]>();
  let ignored = 0;
  for (const tr of transactions) {
    if (!Number.isFinite(tr.t)) throw new RangeError(`summariseTransactions: non-finite time for customer ${tr.customerId}`);
    if (tr.t > holdoutEnd) {
      ignored++;
      continue;
    }
    let list = byCustomer.get(tr.customerId);
    if (!list) byCustomer.set(tr.customerId, (list = []));
    list.push(tr);
  }
  const customers: CustomerCalibration[] = [];
  let excluded = 0;
  const ids = [...byCustomer.keys()].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
  for (const customerId of ids) {
    const purchases = mergePurchases(byCustomer.get(customerId)!, res);
    const first = purchases[0]!;
    if (first.t > calibrationEnd) {
      excluded++;
      continue;
    }
    let x = 0;
    let last = first.t;
    let calibrationAmount = first.amount;
    let repeatAmount = 0;
    let holdoutCount = 0;
    let holdoutAmount = 0;
    for (let i = 1; i < purchases.length; i++) {
      const p = purchases[i]!;
      if (p.t <= calibrationEnd) {
        x++;
        last = p.t;
        calibrationAmount += p.amount;
        repeatAmount += p.amount;
      } else {
        holdoutCount++;
        holdoutAmount += p.amount;
      }
    }
    customers.push({
      customerId,
      x,
      tx: last - first.t,
      T: calibrationEnd - first.t,
      birth: first.t,
      holdoutCount,
      calibrationAmount,
      mx: x > 0 ? repeatAmount / x : 0,
      holdoutAmount,
    });
  }
  return { customers, excludedCustomers: excluded, ignoredTransactions: ignored };
}

export interface PerPeriodOptions {
  /** Start of period 1 on the common axis. */
  origin: number;
  /** Period length (1 when t is already in periods). */
  periodLength?: number;
  /** Number of periods to report. */
  periods: number;
  mergeResolution?: number;
}

/**
 * Actual repeat purchases per period across the cohort (the "tracking" series of Fader, Hardie & Lee
 * 2005): every merged purchase except each customer's first, counted in period
 * floor((t - origin) / periodLength) + 1.
 */
export function repeatTransactionsPerPeriod(transactions: readonly Transaction[], options: PerPeriodOptions): number[] {
  const len = options.periodLength ?? 1;
  const res = options.mergeResolution ?? 0;
  const counts = new Array<number>(options.periods).fill(0);
  const byCustomer = new Map<string, Transaction[]>();
  for (const tr of transactions) {
    let list = byCustomer.get(tr.customerId);
    if (!list) byCustomer.set(tr.customerId, (list = []));
    list.push(tr);
  }
  for (const list of byCustomer.values()) {
    const purchases = mergePurchases(list, res);
    for (let i = 1; i < purchases.length; i++) {
      const k = Math.floor((purchases[i]!.t - options.origin) / len + 1e-9);
      if (k >= 0 && k < options.periods) counts[k] = counts[k]! + 1;
    }
  }
  return counts;
}
