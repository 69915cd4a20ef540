import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { nps, npsBootstrapInterval, npsCounts, npsFromCounts } from './nps.js';

describe('nps', () => {
  it('classifies 0-6 / 7-8 / 9-10', () => {
    expect(npsCounts([0, 6, 7, 8, 9, 10])).toEqual({ promoters: 2, passives: 2, detractors: 2 });
  });

  it('hand-computed: 5 promoters, 2 passives, 3 detractors', () => {
    // NPS = 50% - 30% = 20. Var = (0.5 + 0.3 - 0.2²)/10 = 0.076, SE = 0.2756809750418...
    // CI = 0.2 ± 1.959963984540054·SE = [-0.3403247823, 0.7403247823].
    const r = nps([10, 9, 9, 10, 9, 8, 7, 6, 3, 0]);
    expect(r.score).toBeCloseTo(20, 12);
    expect(r.se).toBeCloseTo(100 * Math.sqrt(0.076), 10);
    expect(r.ci.lower).toBeCloseTo(-34.032478230482226, 9);
    expect(r.ci.upper).toBeCloseTo(74.03247823048223, 9);
  });

  it('clips the interval to [-100, 100]', () => {
    const r = npsFromCounts({ promoters: 9, passives: 0, detractors: 1 });
    expect(r.ci.upper).toBe(100);
  });

  it('trinomial variance formula matches simulation (seeded, 4000 samples of n = 200)', () => {
    const rng = createRng(7);
    const pP = 0.45;
    const pD = 0.2;
    const n = 200;
    const vals: number[] = [];
    for (let s = 0; s < 4000; s++) {
      let net = 0;
      for (let i = 0; i < n; i++) {
        const u = rng();
        if (u < pP) net++;
        else if (u < pP + pD) net--;
      }
      vals.push(net / n);
    }
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / (vals.length - 1);
    const theory = (pP + pD - (pP - pD) ** 2) / n; // 0.002937...
    // The sample variance of 4000 draws has relative SE ≈ √(2/3999) ≈ 2.2%; allow 8%.
    expect(Math.abs(v / theory - 1)).toBeLessThan(0.08);
  });

  it('bootstrap percentile interval agrees with the normal one for large n (seeded)', () => {
    const counts = { promoters: 450, passives: 350, detractors: 200 };
    const normal = npsFromCounts(counts);
    const boot = npsBootstrapInterval(counts, createRng(42), { replicates: 2000 });
    // Normal half-width ≈ 5.0 points; Monte Carlo error of 2.5% quantiles with 2000 reps ≈ 0.3 points.
    expect(Math.abs(boot.ci.lower - normal.ci.lower)).toBeLessThan(1);
    expect(Math.abs(boot.ci.upper - normal.ci.upper)).toBeLessThan(1);
    expect(Math.abs(boot.se - normal.se)).toBeLessThan(0.2);
    // Reproducible with the same seed.
    expect(npsBootstrapInterval(counts, createRng(42), { replicates: 2000 })).toEqual(boot);
  });
});
