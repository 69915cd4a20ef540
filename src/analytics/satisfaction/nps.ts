/**
 * Net Promoter Score (Reichheld 2003, "The one number you need to grow", HBR 81(12)):
 * on a 0-10 "how likely to recommend" scale, promoters answer 9-10, passives 7-8, detractors 0-6;
 * NPS = 100 · (share of promoters - share of detractors), in [-100, 100].
 */
import { type Rng } from '../random.js';
import { normalCritical } from './distributions.js';
import { assertOnScale, SatisfactionError } from './errors.js';
import { type Interval } from './intervals.js';

export const NPS_DEFAULTS = {
  level: 0.95,
  /** Bootstrap replicates for {@link npsBootstrapInterval}. */
  bootstrapReplicates: 2000,
} as const;

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsResult extends NpsCounts {
  n: number;
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
  /** NPS in points, -100..100. */
  score: number;
  /** Standard error of the score, in points. */
  se: number;
  /** Normal-approximation interval in points, clipped to [-100, 100]. */
  ci: Interval;
}

/** Tallies 0-10 answers into promoters (9-10), passives (7-8) and detractors (0-6). */
export function npsCounts(scores: readonly number[]): NpsCounts {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    assertOnScale(s, 0, 10, 'nps');
    if (s >= 9) promoters++;
    else if (s >= 7) passives++;
    else detractors++;
  }
  return { promoters, passives, detractors };
}

/**
 * NPS with a normal-approximation confidence interval.
 * The counts (P, passives, D) are trinomial, so the estimator p̂_P - p̂_D has
 * Var = [p_P + p_D - (p_P - p_D)²] / n (multinomial moments: Var(p̂_i) = p_i(1-p_i)/n,
 * Cov(p̂_P, p̂_D) = -p_P·p_D/n), estimated by plugging in the sample shares
 * (see e.g. Rocks 2016, "Interval estimation for the net promoter score", The American Statistician 70(4)).
 * The interval is score ± z·SE, clipped to [-100, 100]. When every answer falls in one
 * category the plug-in variance is 0 and the interval collapses to a point: use
 * {@link npsBootstrapInterval} or more answers; the docs discuss small samples.
 */
export function npsFromCounts(counts: NpsCounts, options: { level?: number } = {}): NpsResult {
  const level = options.level ?? NPS_DEFAULTS.level;
  const { promoters, passives, detractors } = counts;
  for (const c of [promoters, passives, detractors]) {
    if (!Number.isInteger(c) || c < 0) throw new SatisfactionError('INVALID_OPTION', `nps: counts must be non-negative integers`);
  }
  const n = promoters + passives + detractors;
  if (n === 0) throw new SatisfactionError('EMPTY_INPUT', 'nps: no answers');
  const pP = promoters / n;
  const pD = detractors / n;
  const est = pP - pD;
  const variance = Math.max(0, (pP + pD - est * est) / n);
  const se = Math.sqrt(variance);
  const z = normalCritical(level);
  return {
    ...counts,
    n,
    promoterShare: pP,
    passiveShare: passives / n,
    detractorShare: pD,
    score: 100 * est,
    se: 100 * se,
    ci: { lower: 100 * Math.max(-1, est - z * se), upper: 100 * Math.min(1, est + z * se), level, method: 'normal' },
  };
}

/** NPS from raw 0-10 answers; see {@link npsFromCounts} for the interval. */
export function nps(scores: readonly number[], options: { level?: number } = {}): NpsResult {
  return npsFromCounts(npsCounts(scores), options);
}

export interface NpsBootstrapResult {
  /** Percentile interval in points. */
  ci: Interval;
  /** Standard deviation of the replicate scores, in points. */
  se: number;
  replicates: number;
}

/**
 * Percentile bootstrap interval for NPS (Efron & Tibshirani 1993, An Introduction to the Bootstrap,
 * ch. 13). Each replicate redraws n answers from the observed category shares (equivalent to
 * resampling respondents with replacement); limits are the α/2 and 1-α/2 quantiles of the
 * replicate scores, linearly interpolated (Hyndman & Fan 1996 type 7). Reproducible via `rng`.
 */
export function npsBootstrapInterval(
  counts: NpsCounts,
  rng: Rng,
  options: { level?: number; replicates?: number } = {},
): NpsBootstrapResult {
  const level = options.level ?? NPS_DEFAULTS.level;
  const replicates = options.replicates ?? NPS_DEFAULTS.bootstrapReplicates;
  if (!Number.isInteger(replicates) || replicates < 2) {
    throw new SatisfactionError('INVALID_OPTION', 'npsBootstrapInterval: replicates must be an integer >= 2');
  }
  const base = npsFromCounts(counts, { level });
  const { n, promoterShare: pP, detractorShare: pD } = base;
  const values = new Float64Array(replicates);
  let sum = 0;
  for (let b = 0; b < replicates; b++) {
    let net = 0;
    for (let i = 0; i < n; i++) {
      const u = rng();
      if (u < pP) net++;
      else if (u < pP + pD) net--;
    }
    values[b] = (100 * net) / n;
    sum += values[b]!;
  }
  values.sort();
  const mean = sum / replicates;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const alpha = 1 - level;
  return {
    ci: { lower: quantileSorted(values, alpha / 2), upper: quantileSorted(values, 1 - alpha / 2), level, method: 'bootstrap-percentile' },
    se: Math.sqrt(ss / (replicates - 1)),
    replicates,
  };
}

/** Hyndman & Fan (1996) type-7 quantile of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
