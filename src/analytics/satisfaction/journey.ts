/**
 * Customer journeys: touchpoint satisfaction versus getting through the whole journey without a
 * bad moment. DOMAIN.md section 6: six touchpoints each satisfying 95% leave only
 * 0.95^6 = 74% with no bad moment (Rawson, Duncan & Jones 2013, "The truth about customer
 * experience", HBR 91(9)).
 */
import { SatisfactionError } from './errors.js';
import { type Interval, wilsonInterval } from './intervals.js';

export const JOURNEY_DEFAULTS = {
  scaleMin: 1,
  scaleMax: 5,
  /** A rating >= threshold is satisfied; anything lower is a bad moment. */
  threshold: 4,
  level: 0.95,
};

export interface TouchpointRating {
  customerId: string;
  touchpoint: string;
  rating: number;
}

export interface JourneyOptions {
  scaleMin?: number;
  scaleMax?: number;
  threshold?: number;
  level?: number;
}

export interface TouchpointResult {
  touchpoint: string;
  /** Customers who rated this touchpoint. */
  n: number;
  satisfied: number;
  rate: number;
  /** Wilson interval; null when nobody rated the touchpoint. */
  ci: Interval | null;
}

export interface JourneyResult {
  touchpoints: TouchpointResult[];
  /** Π touchpoint rates: the end-to-end rate if bad moments were independent. NaN if a touchpoint has no ratings. */
  naiveEndToEnd: number;
  /** Customers who rated every touchpoint, and among them the share with no bad moment. */
  observed: { customers: number; noBadMoment: number; rate: number; ci: Interval | null };
  /** Customers who skipped a touchpoint (left out of `observed`); those already with a bad moment are counted too. */
  incomplete: { customers: number; withBadMoment: number };
  /** Ratings for touchpoints not in the journey, ignored. */
  ignoredRatings: number;
}

/**
 * Naive end-to-end satisfaction Π p_i, assuming independent touchpoints.
 * naiveJourneyRate([0.95 x 6]) = 0.735091890625.
 */
export function naiveJourneyRate(rates: readonly number[]): number {
  let prod = 1;
  for (const r of rates) {
    if (!(r >= 0 && r <= 1)) throw new SatisfactionError('INVALID_OPTION', `naiveJourneyRate: rate ${r} not in [0, 1]`);
    prod *= r;
  }
  return prod;
}

/**
 * Per-touchpoint satisfaction rates, the naive product, and the observed share of customers
 * whose whole journey had no bad moment.
 * Missing touchpoints: the observed rate uses only customers who rated every touchpoint
 * (complete cases); their ratings still count in the touchpoint rates. Incomplete customers who
 * already had a bad moment are reported, since they certainly did not have a clean journey.
 * Repeated ratings of one touchpoint by one customer: the worst one counts (a bad moment happened).
 */
export function journeySatisfaction(
  journey: readonly string[],
  ratings: readonly TouchpointRating[],
  options: JourneyOptions = {},
): JourneyResult {
  const o = { ...JOURNEY_DEFAULTS, ...options };
  if (journey.length === 0) throw new SatisfactionError('INVALID_OPTION', 'journeySatisfaction: the journey has no touchpoints');
  if (new Set(journey).size !== journey.length) throw new SatisfactionError('INVALID_OPTION', 'journeySatisfaction: duplicate touchpoint in the journey');
  if (!(o.threshold > o.scaleMin && o.threshold <= o.scaleMax)) {
    throw new SatisfactionError('INVALID_OPTION', `journeySatisfaction: threshold ${o.threshold} must be in (${o.scaleMin}, ${o.scaleMax}]`);
  }
  const position = new Map(journey.map((t, i) => [t, i]));
  // customer -> worst rating per touchpoint (NaN = not rated)
  const worst = new Map<string, Float64Array>();
  let ignoredRatings = 0;
  for (const r of ratings) {
    if (!Number.isFinite(r.rating) || r.rating < o.scaleMin || r.rating > o.scaleMax) {
      throw new SatisfactionError('OUT_OF_SCALE', `journeySatisfaction: rating ${r.rating} outside [${o.scaleMin}, ${o.scaleMax}]`);
    }
    const i = position.get(r.touchpoint);
    if (i === undefined) {
      ignoredRatings++;
      continue;
    }
    let row = worst.get(r.customerId);
    if (!row) worst.set(r.customerId, (row = new Float64Array(journey.length).fill(NaN)));
    if (Number.isNaN(row[i]!) || r.rating < row[i]!) row[i] = r.rating;
  }

  const n = new Array<number>(journey.length).fill(0);
  const sat = new Array<number>(journey.length).fill(0);
  let complete = 0;
  let clean = 0;
  let incomplete = 0;
  let incompleteBad = 0;
  for (const row of worst.values()) {
    let rated = 0;
    let bad = false;
    row.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      rated++;
      n[i]!++;
      if (v >= o.threshold) sat[i]!++;
      else bad = true;
    });
    if (rated === journey.length) {
      complete++;
      if (!bad) clean++;
    } else {
      incomplete++;
      if (bad) incompleteBad++;
    }
  }
  const touchpoints = journey.map((touchpoint, i) => ({
    touchpoint,
    n: n[i]!,
    satisfied: sat[i]!,
    rate: n[i]! ? sat[i]! / n[i]! : NaN,
    ci: n[i]! ? wilsonInterval(sat[i]!, n[i]!, o.level) : null,
  }));
  return {
    touchpoints,
    naiveEndToEnd: touchpoints.some((t) => t.n === 0) ? NaN : naiveJourneyRate(touchpoints.map((t) => t.rate)),
    observed: { customers: complete, noBadMoment: clean, rate: complete ? clean / complete : NaN, ci: complete ? wilsonInterval(clean, complete, o.level) : null },
    incomplete: { customers: incomplete, withBadMoment: incompleteBad },
    ignoredRatings,
  };
}
