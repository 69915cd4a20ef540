import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../random.js';
import { driverImportance } from './drivers.js';
import { simulateDriverSurvey } from './simulate.js';

function corr(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((v, i) => {
    sab += (v - ma) * (b[i]! - mb);
    saa += (v - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

describe('driverImportance', () => {
  it('recovers exact coefficients from noise-free data', () => {
    const rows = [[1, 2, 3], [2, 1, 5], [3, 5, 4], [4, 3, 1], [5, 4, 2], [2, 2, 2], [6, 1, 3]];
    const y = rows.map(([a, b, c]) => 2 + 0.5 * a! + 0.3 * b! + 0.2 * c!);
    const fit = driverImportance(rows, y);
    expect(fit.converged).toBe(true);
    // exact arithmetic would give these; 1e-10 allows for elimination round-off
    expect(fit.params.intercept).toBeCloseTo(2, 10);
    fit.params.coefficients.forEach((b, j) => expect(b).toBeCloseTo([0.5, 0.3, 0.2][j]!, 10));
    expect(fit.rSquared).toBeCloseTo(1, 10);
  });

  it('recovers known weights from simulated data (seeded, n = 5000)', () => {
    const w = [0.5, 0.3, 0.2];
    const { rows, overall } = simulateDriverSurvey(createRng(2024), 5000, w);
    const fit = driverImportance(rows, overall);
    expect(fit.converged).toBe(true);
    // Items share one distribution, so standardised betas are proportional to w; sampling error of
    // each normalised weight is about 0.005 at this n, tolerance 0.03.
    fit.params.importance.forEach((v, j) => expect(Math.abs(v - w[j]!)).toBeLessThan(0.03));
    fit.params.coefficients.forEach((b, j) => expect(Math.abs(b - w[j]!)).toBeLessThan(0.03));
    expect(fit.iterations).toBe(1);
    expect(Number.isFinite(fit.logLik)).toBe(true);
  });

  it('relative weights: equal r² for orthogonal items and sum to R² (Johnson 2000)', () => {
    const x1 = [1, -1, 1, -1, 1, -1, 1, -1];
    const x2 = [1, 1, -1, -1, 1, 1, -1, -1];
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    const fit = driverImportance(x1.map((v, i) => [v, x2[i]!]), y, { method: 'relative-weights' });
    expect(fit.converged).toBe(true);
    const r1 = corr(x1, y) ** 2;
    const r2 = corr(x2, y) ** 2;
    expect(fit.params.relativeWeights![0]).toBeCloseTo(r1, 12);
    expect(fit.params.relativeWeights![1]).toBeCloseTo(r2, 12);
    expect(fit.rSquared).toBeCloseTo(r1 + r2, 12);

    // Correlated items: weights are non-negative and still add up to R².
    const rng = createRng(5);
    const rows: number[][] = [];
    const yy: number[] = [];
    for (let i = 0; i < 500; i++) {
      const a = normal(rng);
      const b = 0.7 * a + 0.7 * normal(rng);
      const c = normal(rng);
      rows.push([a, b, c]);
      yy.push(a + 0.5 * b + 0.2 * c + normal(rng));
    }
    const rw = driverImportance(rows, yy, { method: 'relative-weights' });
    expect(rw.converged).toBe(true);
    expect(rw.params.relativeWeights!.every((e) => e >= 0)).toBe(true);
    expect(rw.params.relativeWeights!.reduce((s, e) => s + e, 0)).toBeCloseTo(rw.rSquared, 10);
    expect(rw.params.importance.reduce((s, e) => s + e, 0)).toBeCloseTo(1, 12);
  });

  it('reports failure instead of throwing or guessing', () => {
    const rows = [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]];
    const fit = driverImportance(rows, [1, 2, 3, 4, 6]);
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/collinear/);
    expect(driverImportance([[1], [2]], [1, 2]).reason).toMatch(/at least/);
    expect(driverImportance([[1], [1], [1], [1]], [1, 2, 3, 4]).reason).toMatch(/no variance/);
  });
});
