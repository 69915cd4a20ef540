import { describe, expect, it } from 'vitest';
import { csat } from './csat.js';
import { SatisfactionError } from './errors.js';

describe('csat', () => {
  it('top-2-box share on 1-5 with a Wilson interval (hand-computed: 6 of 10)', () => {
    const r = csat([5, 4, 3, 5, 2, 4, 4, 1, 5, 3]);
    expect(r.threshold).toBe(4);
    expect(r.satisfied).toBe(6);
    expect(r.rate).toBe(0.6);
    // Wilson limits from the closed form in Newcombe (1998a) eq. 3, evaluated in double precision.
    expect(r.ci.lower).toBeCloseTo(0.31267376973365824, 12);
    expect(r.ci.upper).toBeCloseTo(0.8318196702937638, 12);
  });
  it('is configurable: top-3-box on 1-10 counts 8, 9, 10', () => {
    const r = csat([10, 9, 8, 7, 1], { scaleMin: 1, scaleMax: 10, topBoxes: 3 });
    expect(r.threshold).toBe(8);
    expect(r.satisfied).toBe(3);
  });
  it('rejects ratings off the scale and empty input', () => {
    expect(() => csat([6])).toThrow(SatisfactionError);
    expect(() => csat([4.5])).toThrow(/not an integer/);
    expect(() => csat([])).toThrow(/no ratings/);
  });
});
