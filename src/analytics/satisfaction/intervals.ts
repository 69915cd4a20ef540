/**
 * Confidence intervals shared by the satisfaction and campaign analytics:
 * one proportion (Wilson), difference of two proportions (Newcombe hybrid score or Wald),
 * one mean (t or normal) and difference of two means (Welch).
 */
import { assertLevel, normalCritical, normalCdf, studentTCdf, studentTCritical } from './distributions.js';

export interface Interval {
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** How the interval was computed, e.g. 'wilson', 'newcombe', 'wald', 't', 'normal', 'welch'. */
  method: string;
}

export type ProportionDifferenceMethod = 'newcombe' | 'wald';
export type MeanIntervalMethod = 't' | 'normal';

function assertCount(successes: number, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`${what}: successes must be an integer in [0, n], got ${successes} of ${n}`);
  }
}

/**
 * Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, "Two-sided confidence
 * intervals for the single proportion", Stat Med 17:857-872, method 3, no continuity correction):
 * (p̂ + z²/2n ± z·√(p̂q̂/n + z²/4n²)) / (1 + z²/n). Stays inside [0, 1] and behaves at p̂ = 0 or 1.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  assertCount(successes, n, 'wilsonInterval');
  const z = normalCritical(level);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n successes the exact limit is 0 or 1; set it so rounding residue does not show.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === n ? 1 : Math.min(1, centre + half);
  return { lower, upper, level, method: 'wilson' };
}

export interface ProportionDifference {
  p1: number;
  p2: number;
  /** p1 - p2. */
  difference: number;
  /** Unpooled standard error √(p1q1/n1 + p2q2/n2). */
  se: number;
  ci: Interval;
  /** Two-sided p-value of the pooled z test of p1 = p2 (Agresti 2013, Categorical Data Analysis, 3.1.4). */
  pValue: number;
}

/**
 * Difference of two independent proportions p1 - p2 with a confidence interval.
 * - 'newcombe' (default): hybrid score interval, Newcombe 1998 "Interval estimation for the
 *   difference between independent proportions", Stat Med 17:873-890, method 10:
 *   L = d - √((p1-l1)² + (u2-p2)²), U = d + √((u1-p1)² + (p2-l2)²), with (l_i, u_i) Wilson limits.
 *   Good coverage at small n and near 0 or 1.
 * - 'wald': d ± z·√(p1q1/n1 + p2q2/n2) (Newcombe 1998 method 1); simple, poor when counts are small.
 */
export function proportionDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  options: { level?: number; method?: ProportionDifferenceMethod } = {},
): ProportionDifference {
  const level = options.level ?? 0.95;
  const method = options.method ?? 'newcombe';
  assertCount(x1, n1, 'proportionDifference (group 1)');
  assertCount(x2, n2, 'proportionDifference (group 2)');
  assertLevel(level);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  let ci: Interval;
  if (method === 'wald') {
    const z = normalCritical(level);
    ci = { lower: d - z * se, upper: d + z * se, level, method: 'wald' };
  } else {
    const w1 = wilsonInterval(x1, n1, level);
    const w2 = wilsonInterval(x2, n2, level);
    ci = {
      lower: d - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2),
      upper: d + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2),
      level,
      method: 'newcombe',
    };
  }
  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const pValue = sePooled === 0 ? (d === 0 ? 1 : 0) : 2 * normalCdf(-Math.abs(d) / sePooled);
  return { p1, p2, difference: d, se, ci, pValue };
}

export interface MeanSummary {
  n: number;
  mean: number;
  /** Sample standard deviation with Bessel's correction (n - 1); NaN when n < 2. */
  sd: number;
  /** sd / √n; NaN when n < 2. */
  se: number;
  /** null when n < 2: one observation says nothing about spread. */
  ci: Interval | null;
}

/** Sample mean and variance by Welford's one-pass update (numerically stable; Welford 1962). */
export function meanAndVariance(values: readonly number[]): { n: number; mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`meanAndVariance: non-finite value ${v}`);
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  // this is Bessel's correction: the sample variance divides by n - 1
  return { n, mean: n > 0 ? mean : NaN, variance: n > 1 ? m2 / (n - 1) : NaN };
}

/**
 * Mean with a confidence interval: x̄ ± t_{1-α/2, n-1}·s/√n ('t', the default; exact under
 * normality, robust for moderate n by the CLT) or x̄ ± z·s/√n ('normal', large samples).
 */
export function meanInterval(
  values: readonly number[],
  options: { level?: number; method?: MeanIntervalMethod } = {},
): MeanSummary {
  const level = options.level ?? 0.95;
  const method = options.method ?? 't';
  assertLevel(level);
  const { n, mean, variance } = meanAndVariance(values);
  if (n === 0) throw new RangeError('meanInterval: no values');
  const sd = Math.sqrt(variance);
  const se = sd / Math.sqrt(n);
  if (n < 2) return { n, mean, sd, se, ci: null };
  const crit = method === 't' ? studentTCritical(level, n - 1) : normalCritical(level);
  return { n, mean, sd, se, ci: { lower: mean - crit * se, upper: mean + crit * se, level, method } };
}

export interface MeanDifference {
  mean1: number;
  mean2: number;
  /** mean1 - mean2. */
  difference: number;
  se: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  ci: Interval;
  /** Two-sided p-value of Welch's t test. */
  pValue: number;
}

/**
 * Welch's interval for a difference of two means with unequal variances (Welch 1947,
 * Biometrika 34:28-35): d ± t_{1-α/2, ν}·√(s1²/n1 + s2²/n2), with the Welch-Satterthwaite
 * ν = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1-1) + (s2²/n2)²/(n2-1)).
 * Takes summaries so callers can feed integer-summed money totals.
 */
export function welchInterval(
  g1: { n: number; mean: number; variance: number },
  g2: { n: number; mean: number; variance: number },
  level = 0.95,
): MeanDifference {
  assertLevel(level);
  if (g1.n < 2 || g2.n < 2) throw new RangeError('welchInterval: each group needs at least 2 observations');
  const v1 = g1.variance / g1.n;
  const v2 = g2.variance / g2.n;
  const se = Math.sqrt(v1 + v2);
  const d = g1.mean - g2.mean;
  if (se === 0) {
    // Both groups constant: the difference is known exactly.
    const ci = { lower: d, upper: d, level, method: 'welch' };
    return { mean1: g1.mean, mean2: g2.mean, difference: d, se, df: Infinity, ci, pValue: d === 0 ? 1 : 0 };
  }
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (g1.n - 1) + v2 ** 2 / (g2.n - 1));
  const t = studentTCritical(level, df);
  const pValue = 2 * studentTCdf(-Math.abs(d) / se, df);
  return { mean1: g1.mean, mean2: g2.mean, difference: d, se, df, ci: { lower: d - t * se, upper: d + t * se, level, method: 'welch' }, pValue };
}
