import { DEFAULTS as CLV_DEFAULTS } from '../../analytics/clv/index.js';

/**
 * Every configurable value of predicted lifetime value and the churn early warning, in one place
 * (docs/predictions.md points here). The models' own fitting and data-sufficiency thresholds are
 * in src/analytics/clv/defaults.ts.
 */
export const DEFAULTS = Object.freeze({
  /** Model time unit. Weeks are the unit of the published CDNOW results. */
  period: 'week' as 'day' | 'week',
  periodDays: Object.freeze({ day: 1, week: 7 }),
  /** For turning the annual discount rate into a per-period rate (lifetimes uses 52 for weeks too). */
  periodsPerYear: Object.freeze({ day: 365, week: 52 }),
  /** Prediction horizon in periods when none is given: one year. */
  horizon: Object.freeze({ day: 365, week: 52 }),
  annualDiscountRate: CLV_DEFAULTS.clv.annualDiscountRate,
  /** Share of revenue kept as profit; 1 = CLV in revenue terms. */
  margin: CLV_DEFAULTS.clv.margin,
  /** 'auto' fits BG/NBD and Pareto/NBD and predicts with the lower BIC. */
  model: 'auto' as 'auto' | 'bg-nbd' | 'pareto-nbd',
  /** Models fitted in a worker thread with a time limit (see fit-runner.ts: Pareto/NBD can run away). */
  fitInWorker: Object.freeze(['pareto-nbd'] as const),
  /** Wall-clock limit of a guarded fit. At 1,000,000 customers a normal Pareto/NBD fit takes ~3 s. */
  fitTimeoutMs: 60_000,
  /** Rows per page of GET /api/predictions and of printed lists. */
  pageSize: 100,
  maxPageSize: 1000,
  /** Model / churn runs listed by default. */
  runsListed: 20,
  churn: Object.freeze({
    /** At risk when P(alive) is strictly below this. */
    pAliveThreshold: 0.5,
    /** Overdue when days since the last purchase are strictly more than this many times the customer's mean gap. */
    overdueFactor: 2,
    /** Purchase days needed before a customer has a rhythm (3 = at least two gaps). */
    minPurchaseDaysForRhythm: 3,
    /** Spend windows: recent = the last N days up to the as-of date, earlier = the N days before. */
    spendWindowDays: 180,
    /** Falling spend when recent spend is strictly below (1 - spendDrop) x earlier spend. */
    spendDrop: 0.5,
    /** Earlier-window spend (minor units) needed before a fall counts (filters tiny baskets). */
    minEarlierSpendMinor: 1,
    /** Complaints and survey scores from this many days before the as-of date count. */
    voiceWindowDays: 90,
    /** Rows printed / returned by default. */
    limit: 50,
  }),
  holdout: Object.freeze({ maxFrequency: CLV_DEFAULTS.holdout.maxFrequency }),
});

export type PredictionPeriod = 'day' | 'week';
export type ChurnThresholds = {
  pAliveThreshold: number;
  overdueFactor: number;
  minPurchaseDaysForRhythm: number;
  spendWindowDays: number;
  spendDrop: number;
  minEarlierSpendMinor: number;
  voiceWindowDays: number;
};
