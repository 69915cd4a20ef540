import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { boundedProportionalShares, largestRemainder } from './shares.js';

describe('boundedProportionalShares', () => {
  it('finds the proportional fixed point where a one-pass clamp would not', () => {
    // weights 0.5/0.4/0.1, max 0.45 on the first, min 0.5 on the last. Clamping both violators of the
    // raw shares would give 0.45/0.05/0.5; but with the last at 0.5 the first's proportional share is
    // only 0.5/0.9·0.5 = 0.2778 < 0.45, so its cap does not bind: 0.2778/0.2222/0.5.
    const r = boundedProportionalShares([0.5, 0.4, 0.1], [{ min: 0, max: 0.45 }, { min: 0, max: 1 }, { min: 0.5, max: 1 }]);
    expect(r.shares[0]).toBeCloseTo(0.5 / 1.8, 12);
    expect(r.shares[1]).toBeCloseTo(0.4 / 1.8, 12);
    expect(r.shares[2]).toBeCloseTo(0.5, 12);
    expect(r.clamped).toEqual([null, null, 'min']);
  });

  it('leaves unbounded weights proportional and gives weight-0 segments their minimum', () => {
    const r = boundedProportionalShares([3, 1, 0], [{ min: 0, max: 1 }, { min: 0, max: 1 }, { min: 0.2, max: 1 }]);
    expect(r.shares[0]).toBeCloseTo(0.6, 12);
    expect(r.shares[1]).toBeCloseTo(0.2, 12);
    expect(r.shares[2]).toBe(0.2);
  });
});

describe('largestRemainder', () => {
  it('sums exactly and gives leftovers to the largest remainders', () => {
    // quotas 33.33 / 33.33 / 33.33 of 100: one extra unit, tie -> earliest
    expect(largestRemainder(100, [1 / 3, 1 / 3, 1 / 3])).toEqual([34, 33, 33]);
    // quotas 1.5, 2.7, 5.8 of 10: floors 1, 2, 5 (sum 8); remainders .8 and .7 get a unit
    expect(largestRemainder(10, [0.15, 0.27, 0.58])).toEqual([1, 3, 6]);
  });
  it('always adds up to the total (random shares, seeded)', () => {
    const rnd = createRng(1);
    for (let t = 0; t < 200; t++) {
      const raw = Array.from({ length: 1 + (t % 7) }, rnd);
      const sum = raw.reduce((a, b) => a + b, 0);
      const total = Math.floor(rnd() * 1e9);
      const out = largestRemainder(total, raw.map((r) => r / sum));
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      expect(out.every((v) => v >= 0)).toBe(true);
    }
  });
});
