import type { Db } from '../../storage/db.js';
import { purchaseDayRange, purchaseSummaries } from '../../storage/predictions.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate } from '../time.js';
import { DEFAULTS, type PredictionPeriod } from './defaults.js';

/**
 * Calibration summaries from the orders table: per customer (x, t_x, T) in the chosen period unit,
 * holdout counts and the mean repeat spend m_x, all aggregated in SQL (storage/predictions.repo.ts).
 *
 * Conventions (docs/predictions.md), those that reproduce the published CDNOW summary exactly:
 * - a purchase is a completed sale; same-day purchases of a customer are one purchase (amounts summed);
 * - the calibration end is a business-local date, inclusive: purchases on that day are calibration;
 * - T = (calibration end day - first purchase day) / period days, t_x = (last - first) / period days,
 *   x = purchase days in calibration - 1 (FHL 2005; CDNOW: T = 38.86 weeks for a 1997-01-01 customer);
 * - holdout purchases are purchase days in (calibration end, holdout end];
 * - m_x = (calibration spend - first-day spend) / x, in minor units (0 when x = 0).
 */
export interface CalibrationCustomer {
  customerId: number;
  x: number;
  tx: number;
  T: number;
  firstDay: number;
  lastDay: number;
  purchaseDays: number;
  holdoutCount: number;
  /** Mean spend per repeat purchase day (minor units, not rounded: a model input). */
  mx: number;
  calibrationMinor: number;
  holdoutMinor: number;
  recentMinor: number;
  earlierMinor: number;
}

export interface Calibration {
  calibrationEnd: string;
  calibrationEndDay: number;
  holdoutEnd: string | null;
  holdoutEndDay: number | null;
  period: PredictionPeriod;
  periodDays: number;
  customers: CalibrationCustomer[];
  /** Milliseconds spent in the database. */
  sqlMs: number;
}

export interface CalibrationOptions {
  /** YYYY-MM-DD; default: the last day with a purchase. */
  calibrationEnd?: string;
  holdoutEnd?: string;
  period?: PredictionPeriod;
  /** Spend windows for the churn warning (days); omitted: not computed. */
  spendWindowDays?: number;
}

/** Parses a YYYY-MM-DD business-local date to its day number; `what` names the flag or field in the message. */
export function parseDay(text: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || dayToDate(dayNumber(text)) !== text) {
    throw new PatronError('VALIDATION', `${what}: expected a date YYYY-MM-DD, got "${text}"`);
  }
  return dayNumber(text);
}

export function parsePeriod(text: string | undefined): PredictionPeriod {
  const p = text ?? DEFAULTS.period;
  if (p !== 'day' && p !== 'week') throw new PatronError('VALIDATION', `period: expected day or week, got "${p}"`);
  return p;
}

/** The last day with a purchase; UNSUPPORTED_DATA when there is none. */
export async function dataEndDay(db: Db): Promise<number> {
  const range = await purchaseDayRange(db.kysely);
  if (!range) {
    throw new PatronError('UNSUPPORTED_DATA', 'there are no completed sales with a known customer to model: import orders first (patron import orders)');
  }
  return range.lastDay;
}

export async function loadCalibration(db: Db, o: CalibrationOptions = {}): Promise<Calibration> {
  const period = parsePeriod(o.period);
  const periodDays = DEFAULTS.periodDays[period];
  const calibrationEndDay = o.calibrationEnd !== undefined ? parseDay(o.calibrationEnd, 'calibration end') : await dataEndDay(db);
  let holdoutEndDay: number | null = null;
  if (o.holdoutEnd !== undefined) {
    holdoutEndDay = parseDay(o.holdoutEnd, 'holdout end');
    if (holdoutEndDay <= calibrationEndDay) {
      throw new PatronError('VALIDATION', `the holdout end (${o.holdoutEnd}) must be after the calibration end (${dayToDate(calibrationEndDay)})`);
    }
  }
  const w = o.spendWindowDays;
  const t0 = performance.now();
  const rows = await purchaseSummaries(db.kysely, {
    calibrationEndDay,
    holdoutEndDay: holdoutEndDay ?? undefined,
    recentFromDay: w !== undefined ? calibrationEndDay - w : undefined,
    earlierFromDay: w !== undefined ? calibrationEndDay - 2 * w : undefined,
  });
  const sqlMs = performance.now() - t0;
  const customers: CalibrationCustomer[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    // pg returns integers from sum()/count() as strings parsed by the pool; day columns are numbers already.
    const firstDay = Number(r.first_day);
    const lastDay = Number(r.last_day);
    const purchaseDays = Number(r.purchase_days);
    const calibrationMinor = Number(r.calibration_minor);
    const x = purchaseDays - 1;
    customers[i] = {
      customerId: Number(r.customer_id),
      x,
      tx: (lastDay - firstDay) / periodDays,
      T: (calibrationEndDay - firstDay) / periodDays,
      firstDay,
      lastDay,
      purchaseDays,
      holdoutCount: Number(r.holdout_days),
      mx: x > 0 ? (calibrationMinor - Number(r.first_minor)) / x : 0,
      calibrationMinor,
      holdoutMinor: Number(r.holdout_minor),
      recentMinor: Number(r.recent_minor),
      earlierMinor: Number(r.earlier_minor),
    };
  }
  return {
    calibrationEnd: dayToDate(calibrationEndDay),
    calibrationEndDay,
    holdoutEnd: holdoutEndDay === null ? null : dayToDate(holdoutEndDay),
    holdoutEndDay,
    period,
    periodDays,
    customers,
    sqlMs,
  };
}
