import { holdoutReport, type ModelName, type RepeatModel } from '../../analytics/clv/index.js';
import type { Db } from '../../storage/db.js';
import { repeatPurchasesPerPeriod } from '../../storage/predictions.repo.js';
import { PatronError } from '../errors.js';
import { dayToDate } from '../time.js';
import { loadCalibration } from './calibration.js';
import { DEFAULTS, type PredictionPeriod } from './defaults.js';
import { dataProfile, describeCalibration, fitRowsGuarded, storeFit, unsupportedError, type ModelRunView } from './fit.js';

/**
 * Calibration / holdout validation (Fader, Hardie & Lee 2005, section 4): fit on purchases up to
 * the calibration end, predict the holdout, and compare with what happened — totals, conditional
 * expectations by calibration frequency, and the tracking plot (per period and cumulative).
 * Chart-ready JSON: every series is an array of points with dates.
 */
export interface TrackingPointView {
  period: number;
  /** First and last business-local date of the period. */
  start: string;
  end: string;
  holdout: boolean;
  actual: number;
  expected: number;
  actualCumulative: number;
  expectedCumulative: number;
}

/** Mean holdout purchases of customers with the same calibration frequency; means are null for an empty bucket. */
export interface FrequencyBucketView {
  label: string;
  frequency: number;
  customers: number;
  actualMean: number | null;
  predictedMean: number | null;
}

export interface ModelValidation {
  model: 'bg-nbd' | 'pareto-nbd';
  run: ModelRunView;
  totals: { actual: number; predicted: number; relativeError: number };
  byFrequency: FrequencyBucketView[];
  tracking: TrackingPointView[];
}

export interface ValidationReport {
  calibrationEnd: string;
  holdoutEnd: string;
  period: PredictionPeriod;
  /** Holdout length in periods (fractional when the window is not a whole number of weeks). */
  holdoutLength: number;
  /** First day of period 1 (the cohort's first purchase day). */
  origin: string;
  /** The cohort: customers whose first purchase is on or before the calibration end. */
  customers: number;
  models: ModelValidation[];
}

export interface ValidateOptions {
  calibrationEnd: string;
  holdoutEnd: string;
  period?: PredictionPeriod;
  /** One model or both (default both: the comparison is the point of a holdout test). */
  models?: ('bg-nbd' | 'pareto-nbd')[];
  /** Wall-clock limit of a guarded fit (DEFAULTS.fitTimeoutMs). */
  fitTimeoutMs?: number;
  actor: string;
  now: Date;
}

export async function validateModels(db: Db, o: ValidateOptions): Promise<ValidationReport> {
  const cal = await loadCalibration(db, { calibrationEnd: o.calibrationEnd, holdoutEnd: o.holdoutEnd, period: o.period });
  const pd = cal.periodDays;
  const holdoutEndDay = cal.holdoutEndDay!;
  if (cal.customers.length === 0) {
    throw new PatronError('UNSUPPORTED_DATA', `no customer made a first purchase by the calibration end ${cal.calibrationEnd}`);
  }
  let originDay = Number.POSITIVE_INFINITY;
  for (const c of cal.customers) if (c.firstDay < originDay) originDay = c.firstDay;
  // Whole periods only: a trailing part-period would compare a part of the actual with a whole expected period.
  const periods = Math.floor((holdoutEndDay + 1 - originDay) / pd);
  const perPeriod = await repeatPurchasesPerPeriod(db.kysely, { calibrationEndDay: cal.calibrationEndDay, holdoutEndDay, originDay, periodDays: pd });
  const actual = Array.from({ length: periods }, (_, k) => perPeriod.get(k) ?? 0);
  const holdoutLength = (holdoutEndDay - cal.calibrationEndDay) / pd;
  const models = o.models ?? ['bg-nbd', 'pareto-nbd'];
  const out: ModelValidation[] = [];
  for (const model of models) {
    const t0 = performance.now();
    const fit = await fitRowsGuarded(model, cal.customers, { timeoutMs: o.fitTimeoutMs });
    const run = await storeFit(db, fit, dataProfile(model, cal.customers), {
      purpose: 'validate',
      source: 'orders',
      calibrationEnd: cal.calibrationEnd,
      calibrationEndDay: cal.calibrationEndDay,
      holdoutEnd: cal.holdoutEnd,
      period: cal.period,
      actor: o.actor,
      now: o.now,
      durationMs: performance.now() - t0,
    });
    if (!fit.ok) throw unsupportedError(fit, `${cal.customers.length} customers, ${describeCalibration(cal)}`, run);
    const repeat = fit as unknown as RepeatModel;
    const report = holdoutReport(repeat, cal.customers, {
      holdoutLength,
      maxFrequency: DEFAULTS.holdout.maxFrequency,
      tracking: { origin: 0, calibrationEnd: (cal.calibrationEndDay - originDay) / pd, periods, actual },
    });
    out.push({
      model: model as ModelName as 'bg-nbd' | 'pareto-nbd',
      run,
      totals: report.totals,
      byFrequency: report.byFrequency.map((b) => ({
        ...b,
        actualMean: Number.isFinite(b.actualMean) ? b.actualMean : null,
        predictedMean: Number.isFinite(b.predictedMean) ? b.predictedMean : null,
      })),
      tracking: report.tracking!.map((p) => ({
        period: p.period,
        start: dayToDate(originDay + (p.period - 1) * pd),
        end: dayToDate(originDay + p.period * pd - 1),
        holdout: p.holdout,
        actual: p.actual ?? 0,
        expected: p.expected,
        actualCumulative: p.actualCumulative ?? 0,
        expectedCumulative: p.expectedCumulative,
      })),
    });
  }
  return {
    calibrationEnd: cal.calibrationEnd,
    holdoutEnd: cal.holdoutEnd!,
    period: cal.period,
    holdoutLength,
    origin: dayToDate(originDay),
    customers: cal.customers.length,
    models: out,
  };
}
