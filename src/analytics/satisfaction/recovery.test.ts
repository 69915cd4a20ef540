import { describe, expect, it } from 'vitest';
import { recoveryOutcome } from './recovery.js';

describe('recoveryOutcome', () => {
  // DOMAIN.md section 6: well-recovered complainers re-buy 90%, customers without a problem 83%.
  // Example sizes: 180 of 200 recovered complainers, 830 of 1000 comparable non-complainers.
  it('Wald: 0.07 ± 1.95996·√(0.9·0.1/200 + 0.83·0.17/1000) (hand-computed)', () => {
    const r = recoveryOutcome({ customers: 200, repurchased: 180 }, { customers: 1000, repurchased: 830 }, { method: 'wald' });
    expect(r.recovered.rate).toBe(0.9);
    expect(r.comparison.rate).toBe(0.83);
    expect(r.difference).toBeCloseTo(0.07, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(0.00045 + 0.0001411), 12);
    expect(r.ci.lower).toBeCloseTo(0.02234828115469184, 10);
    expect(r.ci.upper).toBeCloseTo(0.11765171884530817, 10);
    expect(r.relativeRate).toBeCloseTo(0.9 / 0.83, 12);
    // pooled z test: p = 2Φ(-0.07 / √(0.841667·0.158333·(1/200 + 1/1000)))
    expect(r.pValue).toBeCloseTo(0.013304287464695136, 10);
  });
  it('Newcombe hybrid score (default): limits from the Wilson limits of each group', () => {
    const r = recoveryOutcome({ customers: 200, repurchased: 180 }, { customers: 1000, repurchased: 830 });
    // Newcombe (1998) method 10 evaluated by hand from Wilson limits (0.85062..., 0.93451...) and (0.80553..., 0.85197...)
    expect(r.ci.method).toBe('newcombe');
    expect(r.ci.lower).toBeCloseTo(0.015913918937735583, 10);
    expect(r.ci.upper).toBeCloseTo(0.11219524188977474, 10);
  });
  it('a small study cannot tell 90% from 83%', () => {
    const r = recoveryOutcome({ customers: 20, repurchased: 18 }, { customers: 100, repurchased: 83 });
    expect(r.ci.lower).toBeLessThan(0);
  });
});
