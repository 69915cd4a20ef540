/**
 * CSAT: share of answers in the top box(es) of a rating scale, with a Wilson score interval.
 */
import { assertOnScale, SatisfactionError } from './errors.js';
import { type Interval, wilsonInterval } from './intervals.js';

export const CSAT_DEFAULTS = {
  /** Lowest point of the rating scale. */
  scaleMin: 1,
  /** Highest point of the rating scale. */
  scaleMax: 5,
  /** How many top points count as satisfied: 2 on 1-5 means 4 and 5 ("top-2-box"). */
  topBoxes: 2,
  level: 0.95,
} as const;

export interface CsatOptions {
  scaleMin?: number;
  scaleMax?: number;
  topBoxes?: number;
  level?: number;
}

export interface CsatResult {
  n: number;
  satisfied: number;
  /** satisfied / n, in [0, 1]. */
  rate: number;
  /** Wilson score interval of the rate (Wilson 1927). */
  ci: Interval;
  /** Lowest rating counted as satisfied (scaleMax - topBoxes + 1). */
  threshold: number;
}

function resolve(options: CsatOptions): Required<CsatOptions> {
  const o = { ...CSAT_DEFAULTS, ...options };
  if (!Number.isInteger(o.scaleMin) || !Number.isInteger(o.scaleMax) || o.scaleMax <= o.scaleMin) {
    throw new SatisfactionError('INVALID_OPTION', `csat: scale [${o.scaleMin}, ${o.scaleMax}] must be integers with min < max`);
  }
  if (!Number.isInteger(o.topBoxes) || o.topBoxes < 1 || o.topBoxes > o.scaleMax - o.scaleMin) {
    throw new SatisfactionError('INVALID_OPTION', `csat: topBoxes must be an integer in [1, ${o.scaleMax - o.scaleMin}]`);
  }
  return o;
}

/** CSAT from satisfied / total counts (for pre-aggregated data). */
export function csatFromCounts(satisfied: number, n: number, options: CsatOptions = {}): CsatResult {
  const o = resolve(options);
  if (n === 0) throw new SatisfactionError('EMPTY_INPUT', 'csat: no ratings');
  return { n, satisfied, rate: satisfied / n, ci: wilsonInterval(satisfied, n, o.level), threshold: o.scaleMax - o.topBoxes + 1 };
}

/**
 * CSAT = #(rating >= scaleMax - topBoxes + 1) / n. Ratings must be whole points on the scale;
 * drop missing answers before calling.
 */
export function csat(ratings: readonly number[], options: CsatOptions = {}): CsatResult {
  const o = resolve(options);
  const threshold = o.scaleMax - o.topBoxes + 1;
  let satisfied = 0;
  for (const r of ratings) {
    assertOnScale(r, o.scaleMin, o.scaleMax, 'csat');
    if (r >= threshold) satisfied++;
  }
  return csatFromCounts(satisfied, ratings.length, o);
}
