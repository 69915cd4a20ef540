/**
 * Parameter recovery: simulate customers from the BG/NBD with known parameters (continuous time, the
 * model's own generative story: simulate.ts), fit, and check every parameter lies within 3 of our own
 * standard errors of the truth; two seeds. Also checks the predictions CLV depends on against the
 * simulated truth: the holdout total and the share of customers still alive at T.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.js';
import { holdoutReport } from '../holdout.js';
import { pAlive } from '../predict.js';
import { simulateBgNbd } from '../simulate.js';
import { fitBgNbd } from './bg-nbd.js';

/** Customers first bought over a half-year, so ages T spread between 26 and 52 weeks. */
const T = (i: number) => 26 + 26 * ((i * 0.6180339887) % 1);

describe('BG/NBD parameter recovery (20,000 simulated customers)', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  for (const seed of [1, 2]) {
    it(`seed ${seed}: every parameter within 3 SE; holdout and P(alive) match the simulated truth`, () => {
      const sims = simulateBgNbd(truth, { customers: 20_000, T, holdoutLength: 26, rng: createRng(seed) });
      const fit = fitBgNbd(sims);
      if (!fit.ok) throw new Error(fit.reason);
      expect(fit.converged).toBe(true);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) {
        // With 4 parameters x 2 seeds at |z| < 3 a correct fitter fails ~2% of seeds; measured |z| <= 1.5.
        expect(Math.abs(fit.params[k] - truth[k]) / fit.standardErrors![k], k).toBeLessThan(3);
      }
      // Holdout total within 6%: sampling noise of ~10k over-dispersed counts plus parameter error (1-3% measured).
      expect(Math.abs(holdoutReport(fit, sims, { holdoutLength: 26 }).totals.relativeError)).toBeLessThan(0.06);
      // Mean P(alive) within 0.02 of the true share alive at T.
      const meanPAlive = sims.reduce((s, c) => s + pAlive(fit, c), 0) / sims.length;
      expect(Math.abs(meanPAlive - sims.filter((c) => c.aliveAtT).length / sims.length)).toBeLessThan(0.02);
    });
  }
});
