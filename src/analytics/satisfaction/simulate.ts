/**
 * Simulated driver survey with known weights, for tests, benchmarks and demos: every item is drawn
 * from one distribution (whole points 1-10 around 5.5, SD ≈ 2), so standardised regression
 * coefficients are proportional to the true weights; overall = 1 + Σ w_j·x_j + N(0, noiseSd²).
 */
import { type Rng, normal } from '../random.js';

export function simulateDriverSurvey(
  rng: Rng,
  n: number,
  weights: readonly number[],
  noiseSd = 0.7,
): { rows: number[][]; overall: number[] } {
  const rows: number[][] = [];
  const overall: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = weights.map(() => Math.min(10, Math.max(1, Math.round(5.5 + 2 * normal(rng)))));
    rows.push(row);
    overall.push(1 + row.reduce((s, x, j) => s + weights[j]! * x, 0) + noiseSd * normal(rng));
  }
  return { rows, overall };
}
