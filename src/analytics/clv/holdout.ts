/**
 * Holdout validation, as in the empirical analysis of Fader, Hardie & Lee (2005): (1) the tracking
 * plot — actual vs expected repeat purchases per period across the cohort, where each customer's
 * expectation runs from their own first purchase (birth = calibrationEnd - T); (2) conditional
 * expectations — mean holdout purchases by calibration frequency 0, 1, ..., 7+, actual vs model.
 * Chart-ready JSON.
 */
import { DEFAULTS } from './defaults.js';
import { activeExpected, pAlive, unconditionalExpected } from './predict.js';
import type { CustomerSummary, RepeatModel } from './types.js';

export interface HoldoutCustomer extends CustomerSummary {
  /** Repeat purchases observed in the holdout window (calibrationEnd, calibrationEnd + holdoutLength]. */
  holdoutCount: number;
  weight?: number;
}

export interface TrackingOptions {
  /** Start of period 1 on the common time axis. */
  origin: number;
  /** End of calibration on the same axis (births are calibrationEnd - T). */
  calibrationEnd: number;
  /** Number of periods in the plot (calibration + holdout). */
  periods: number;
  periodLength?: number;
  /** Actual repeat purchases per period (e.g. from repeatTransactionsPerPeriod). */
  actual?: readonly number[];
}

export interface HoldoutOptions {
  /** Length of the holdout window in periods. */
  holdoutLength: number;
  /** Last frequency bucket, "maxFrequency+". Default DEFAULTS.holdout.maxFrequency. */
  maxFrequency?: number;
  tracking?: TrackingOptions;
}

export interface FrequencyBucket {
  /** "0", "1", ..., "7+". */
  label: string;
  /** Lowest calibration frequency in the bucket. */
  frequency: number;
  customers: number;
  actualMean: number;
  predictedMean: number;
}

export interface TrackingPoint {
  period: number;
  start: number;
  end: number;
  /** True when the period starts at or after calibrationEnd (calibrationEnd is the last calibration instant). */
  holdout: boolean;
  expected: number;
  expectedCumulative: number;
  actual: number | null;
  actualCumulative: number | null;
}

export interface HoldoutReport {
  customers: number;
  holdoutLength: number;
  /** Σ actual holdout purchases vs Σ E[Y(holdoutLength) | x, t_x, T]. */
  totals: { actual: number; predicted: number; relativeError: number };
  byFrequency: FrequencyBucket[];
  tracking: TrackingPoint[] | null;
}

/** Actual vs predicted holdout purchases (totals, by calibration frequency, and the tracking series). */
export function holdoutReport(model: RepeatModel, customers: readonly HoldoutCustomer[], options: HoldoutOptions): HoldoutReport {
  const maxF = options.maxFrequency ?? DEFAULTS.holdout.maxFrequency;
  const t = options.holdoutLength;
  const buckets = Array.from({ length: maxF + 1 }, () => ({ n: 0, actual: 0, predicted: 0 }));
  // G(x, T, t) does not depend on t_x: one series per distinct (x, T).
  const gCache = new Map<number, Map<number, number>>();
  let n = 0;
  let actualTotal = 0;
  let predictedTotal = 0;
  for (const c of customers) {
    const w = c.weight ?? 1;
    let byT = gCache.get(c.x);
    if (!byT) gCache.set(c.x, (byT = new Map()));
    let g = byT.get(c.T);
    if (g === undefined) byT.set(c.T, (g = activeExpected(model, c.x, c.T, t)));
    const predicted = g * pAlive(model, c);
    const b = buckets[Math.min(c.x, maxF)]!;
    b.n += w;
    b.actual += w * c.holdoutCount;
    b.predicted += w * predicted;
    n += w;
    actualTotal += w * c.holdoutCount;
    predictedTotal += w * predicted;
  }
  const byFrequency: FrequencyBucket[] = buckets.map((b, f) => ({
    label: f === maxF ? `${maxF}+` : String(f),
    frequency: f,
    customers: b.n,
    actualMean: b.n > 0 ? b.actual / b.n : Number.NaN,
    predictedMean: b.n > 0 ? b.predicted / b.n : Number.NaN,
  }));
  return {
    customers: n,
    holdoutLength: t,
    totals: { actual: actualTotal, predicted: predictedTotal, relativeError: (predictedTotal - actualTotal) / actualTotal },
    byFrequency,
    tracking: options.tracking ? trackingSeries(model, customers, options.tracking) : null,
  };
}

/**
 * Expected repeat purchases per period across the cohort: Σ_customers E[X(end - birth)] - E[X(start - birth)],
 * with E[X(s)] = 0 for s <= 0 (FHL 2005 tracking plots). Customers are grouped by birth, so the cost is
 * (distinct T) × periods evaluations of E[X(t)].
 */
export function trackingSeries(
  model: RepeatModel,
  customers: readonly (CustomerSummary & { weight?: number })[],
  o: TrackingOptions,
): TrackingPoint[] {
  const len = o.periodLength ?? 1;
  const births = new Map<number, number>();
  for (const c of customers) {
    const b = o.calibrationEnd - c.T;
    births.set(b, (births.get(b) ?? 0) + (c.weight ?? 1));
  }
  const cumulativeAt = (time: number): number => {
    let s = 0;
    for (const [birth, w] of births) {
      if (time > birth) s += w * unconditionalExpected(model, time - birth);
    }
    return s;
  };
  const points: TrackingPoint[] = [];
  let prev = cumulativeAt(o.origin);
  let expectedCumulative = 0;
  let actualCumulative = 0;
  for (let k = 1; k <= o.periods; k++) {
    const start = o.origin + (k - 1) * len;
    const end = o.origin + k * len;
    const cum = cumulativeAt(end);
    const expected = cum - prev;
    prev = cum;
    expectedCumulative += expected;
    const actual = o.actual ? (o.actual[k - 1] ?? null) : null;
    if (actual !== null) actualCumulative += actual;
    points.push({
      period: k,
      start,
      end,
      holdout: start >= o.calibrationEnd - 1e-9,
      expected,
      expectedCumulative,
      actual,
      actualCumulative: actual === null ? null : actualCumulative,
    });
  }
  return points;
}
