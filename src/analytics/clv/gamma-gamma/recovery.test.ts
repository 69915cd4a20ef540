/**
 * Parameter recovery: simulate 20,000 repeat buyers' spend from the Gamma-Gamma model with known
 * parameters (simulate.ts), fit, and check every parameter lies within 3 standard errors; two seeds.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.js';
import { simulateGammaGamma } from '../simulate.js';
import { fitGammaGamma } from './gamma-gamma.js';

describe('Gamma-Gamma parameter recovery (20,000 simulated repeat buyers)', () => {
  const truth = { p: 6, q: 4, gamma: 15 };
  for (const seed of [1, 2]) {
    it(`seed ${seed}: every parameter within 3 SE`, () => {
      const rng = createRng(200 + seed);
      // Frequencies 1..12, skewed towards 1 like real repeat buyers.
      const frequencies = Array.from({ length: 20_000 }, () => 1 + Math.floor(12 * rng() ** 2));
      const fit = fitGammaGamma(simulateGammaGamma(truth, frequencies, rng));
      if (!fit.ok) throw new Error(fit.reason);
      expect(fit.converged).toBe(true);
      for (const k of ['p', 'q', 'gamma'] as const) {
        expect(Math.abs(fit.params[k] - truth[k]) / fit.standardErrors![k], k).toBeLessThan(3);
      }
    });
  }
});
