import { beta, exponential, gamma, type Rng } from '../../analytics/random.js';
import type { Season } from './seasonality.js';

/**
 * The repeat-buying process behind every demo customer: BG/NBD (Fader, Hardie & Lee 2005,
 * "Counting your customers the easy way", Marketing Science 24(2), §2):
 * - while active, a customer buys as a Poisson process with rate lambda (per day here);
 * - lambda ~ Gamma(r, alpha) across customers (shape r, rate alpha);
 * - after each repeat purchase the customer drops out for good with probability p;
 * - p ~ Beta(a, b) across customers.
 * The first purchase (time 0 of the customer) is the acquisition; it carries no dropout chance.
 * Seasonality multiplies lambda by m(d) (see seasonality.ts), applied by thinning.
 */
export interface ProcessParams {
  r: number;
  /** Rate of the Gamma mixing distribution, in days (lambda is per day). */
  alpha: number;
  a: number;
  b: number;
}

export interface CustomerDraw {
  lambda: number;
  p: number;
}

export function drawCustomer(rng: Rng, params: ProcessParams): CustomerDraw {
  return { lambda: gamma(rng, params.r, params.alpha), p: beta(rng, params.a, params.b) };
}

export interface Lifetime {
  /** Purchase times in period days (fractional), ascending; [0] is the first purchase t0. */
  times: number[];
  /** Time of the dropout (= the last purchase) or null if still active at the period end. */
  droppedAt: number | null;
}

/**
 * One customer's purchases from t0 to the end of the season's period. Candidates arrive at rate
 * lambda * mMax and are kept with probability m(d) / mMax (thinning); after each kept repeat
 * purchase the customer leaves with probability p.
 */
export function simulateLifetime(rng: Rng, draw: CustomerDraw, t0: number, season: Season): Lifetime {
  const times = [t0];
  const end = season.days;
  const envelope = draw.lambda * season.mMax;
  if (!(envelope > 0)) return { times, droppedAt: null };
  let t = t0;
  for (;;) {
    t += exponential(rng, envelope);
    if (t >= end) return { times, droppedAt: null };
    if (rng() * season.mMax >= season.m[Math.floor(t)]!) continue;
    times.push(t);
    if (rng() < draw.p) return { times, droppedAt: t };
  }
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 <= z < 1 (the only case the
 * BG/NBD moments need). Terms are summed until they no longer change the sum.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError('hyp2f1Series needs 0 <= z < 1');
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 200_000; k++) {
    term *= ((a + k) * (b + k)) / ((c + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  throw new Error('hyp2f1Series did not converge');
}

/**
 * Expected number of repeat purchases in (0, t] for a customer picked at random:
 * E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))]
 * (Fader, Hardie & Lee 2005, eq. 9; needs a > 1). t is operational time (see operationalTime).
 */
export function expectedRepeats(params: ProcessParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (!(a > 1)) throw new RangeError('E[X(t)] is finite in closed form only for a > 1');
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1Series(r, b, a + b - 1, z));
}

/** P(X(t) = 0) = (alpha/(alpha+t))^r: no repeat purchase by t (FHL 2005, eq. 8 with x = 0). */
export function probNoRepeat(params: ProcessParams, t: number): number {
  return Math.pow(params.alpha / (params.alpha + t), params.r);
}
