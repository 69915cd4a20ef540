/**
 * Customer effort score (Dixon, Freeman & Toman 2010, "Stop trying to delight your customers",
 * HBR 88(7)): the mean answer to "how easy was it to ...", with a confidence interval of the mean.
 */
import { assertOnScale, SatisfactionError } from './errors.js';
import { type MeanIntervalMethod, type MeanSummary, meanInterval } from './intervals.js';

export const EFFORT_DEFAULTS = {
  /** CES 2.0 asks on a 1-7 agreement scale ("the company made it easy for me"), higher = easier. */
  scaleMin: 1,
  scaleMax: 7,
  /** 't' (Student t, n - 1 df) or 'normal'. */
  method: 't' as MeanIntervalMethod,
  level: 0.95,
};

export interface EffortOptions {
  scaleMin?: number;
  scaleMax?: number;
  method?: MeanIntervalMethod;
  level?: number;
}

export interface EffortResult extends MeanSummary {
  scaleMin: number;
  scaleMax: number;
}

/** CES = mean rating; CI from {@link meanInterval} (null when fewer than 2 answers). */
export function customerEffortScore(ratings: readonly number[], options: EffortOptions = {}): EffortResult {
  const o = { ...EFFORT_DEFAULTS, ...options };
  if (ratings.length === 0) throw new SatisfactionError('EMPTY_INPUT', 'customerEffortScore: no ratings');
  for (const r of ratings) assertOnScale(r, o.scaleMin, o.scaleMax, 'customerEffortScore');
  return { ...meanInterval(ratings, { level: o.level, method: o.method }), scaleMin: o.scaleMin, scaleMax: o.scaleMax };
}
