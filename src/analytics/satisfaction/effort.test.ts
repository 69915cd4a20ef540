import { describe, expect, it } from 'vitest';
import { customerEffortScore } from './effort.js';

describe('customerEffortScore', () => {
  it('mean with a t interval (reference: scipy.stats.t.interval, df 7)', () => {
    const r = customerEffortScore([2, 3, 1, 4, 2, 2, 5, 3]);
    expect(r.mean).toBeCloseTo(2.75, 12); // Welford's running mean, not exact in binary
    expect(r.ci!.lower).toBeCloseTo(1.6784386367727695, 10);
    expect(r.ci!.upper).toBeCloseTo(3.8215613632272305, 10);
    expect(r.ci!.method).toBe('t');
  });
  it('normal interval is narrower than t for small n', () => {
    const t = customerEffortScore([2, 3, 1, 4, 2, 2, 5, 3]);
    const z = customerEffortScore([2, 3, 1, 4, 2, 2, 5, 3], { method: 'normal' });
    expect(z.ci!.upper - z.ci!.lower).toBeLessThan(t.ci!.upper - t.ci!.lower);
  });
});
