import { describe, expect, it } from 'vitest';
import { meanInterval, proportionDifference, welchInterval, wilsonInterval, meanAndVariance } from './intervals.js';

describe('wilsonInterval', () => {
  it('reproduces Newcombe (1998a) example 81/263: 0.2553 to 0.3662', () => {
    const ci = wilsonInterval(81, 263);
    // published to 4 decimals, so tolerance 5e-5
    expect(ci.lower).toBeCloseTo(0.2553, 4);
    expect(ci.upper).toBeCloseTo(0.3662, 4);
  });
  it('hand-computed: 0 of 10 gives [0, z²/(n+z²)]', () => {
    const z2 = 1.959963984540054 ** 2;
    const ci = wilsonInterval(0, 10);
    expect(ci.lower).toBe(0);
    expect(ci.upper).toBeCloseTo(z2 / (10 + z2), 12);
  });
});

describe('proportionDifference', () => {
  // Newcombe (1998b), Stat Med 17:873-890, table II, example (a) 56/70 vs 48/80, published to 4 decimals.
  it('Newcombe method 10 on 56/70 - 48/80: 0.0524 to 0.3339', () => {
    const d = proportionDifference(56, 70, 48, 80);
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect(d.ci.lower).toBeCloseTo(0.0524, 4);
    expect(d.ci.upper).toBeCloseTo(0.3339, 4);
  });
  it('Wald (method 1) on 56/70 - 48/80: 0.0575 to 0.3425', () => {
    const d = proportionDifference(56, 70, 48, 80, { method: 'wald' });
    expect(d.ci.lower).toBeCloseTo(0.0575, 4);
    expect(d.ci.upper).toBeCloseTo(0.3425, 4);
  });
  it('Newcombe example (b) 9/10 - 3/10: method 10 0.1705 to 0.8090, Wald 0.2605 to 0.9395', () => {
    const n = proportionDifference(9, 10, 3, 10);
    expect(n.ci.lower).toBeCloseTo(0.1705, 4);
    expect(n.ci.upper).toBeCloseTo(0.809, 4);
    const w = proportionDifference(9, 10, 3, 10, { method: 'wald' });
    expect(w.ci.lower).toBeCloseTo(0.2605, 4);
    expect(w.ci.upper).toBeCloseTo(0.9395, 4);
  });
});

describe('meanInterval', () => {
  // scipy.stats.t.interval(0.95, 9, loc=4.3, scale=s/√10) = (3.2309462331008976, 5.369053766899102)
  it('t interval matches scipy', () => {
    const m = meanInterval([3, 4, 5, 2, 6, 4, 5, 7, 3, 4]);
    expect(m.mean).toBeCloseTo(4.3, 12);
    expect(m.sd).toBeCloseTo(1.4944341180973262, 12);
    expect(m.ci!.lower).toBeCloseTo(3.2309462331008976, 10);
    expect(m.ci!.upper).toBeCloseTo(5.369053766899102, 10);
  });
  it('normal interval uses z', () => {
    const m = meanInterval([1, 2, 3, 4], { method: 'normal' });
    const se = Math.sqrt(5 / 3) / 2;
    expect(m.ci!.upper - m.mean).toBeCloseTo(1.959963984540054 * se, 12);
  });
  it('has no interval for one value', () => {
    expect(meanInterval([5]).ci).toBeNull();
  });
});

describe('welchInterval', () => {
  // scipy.stats.ttest_ind(a, b, equal_var=False): df 12.998250752688882, p 0.004616396947328283,
  // CI (1.6918030182563695, 7.522482696029346)
  it('matches scipy', () => {
    const a = meanAndVariance([12, 15, 11, 19, 14, 13, 18, 16]);
    const b = meanAndVariance([10, 9, 14, 8, 11, 12, 7]);
    const w = welchInterval(a, b);
    expect(w.df).toBeCloseTo(12.998250752688882, 10);
    expect(w.ci.lower).toBeCloseTo(1.6918030182563695, 10);
    expect(w.ci.upper).toBeCloseTo(7.522482696029346, 10);
    expect(w.pValue).toBeCloseTo(0.004616396947328283, 12);
  });
});
