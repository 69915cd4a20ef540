import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { SatisfactionError } from './errors.js';
import { rescaleTo100, satisfactionIndex } from './satisfaction-index.js';
import { simulateDriverSurvey } from './simulate.js';

describe('satisfactionIndex', () => {
  const items = [
    { name: 'staff', scaleMin: 1, scaleMax: 5 },
    { name: 'value', scaleMin: 1, scaleMax: 10 },
  ];

  it('rescales to 0-100', () => {
    expect(rescaleTo100(8.2, 1, 10)).toBeCloseTo(80, 12);
    expect(rescaleTo100(1, 1, 5)).toBe(0);
    expect(rescaleTo100(5, 1, 5)).toBe(100);
  });

  it('equal weights, complete cases (hand-computed)', () => {
    // complete rows: (5,10), (3,4), (1,1) -> means 3 and 5 -> rescaled 50 and 44.444...; index 47.222...
    const r = satisfactionIndex(items, [{ items: [5, 10] }, { items: [3, 4] }, { items: [1, 1] }, { items: [4, null] }], { weighting: 'equal' });
    expect(r.n).toBe(3);
    expect(r.incomplete).toBe(1);
    expect(r.items[0]!.rescaled).toBeCloseTo(50, 12);
    expect(r.items[1]!.rescaled).toBeCloseTo(400 / 9, 12);
    expect(r.index).toBeCloseTo(425 / 9, 12);
    expect(r.ci).not.toBeNull();
    expect(r.drivers).toBeNull();
  });

  it('explicit weights are normalised', () => {
    const r = satisfactionIndex(items, [{ items: [5, 1] }, { items: [5, 1] }], { weighting: [3, 1] });
    expect(r.index).toBeCloseTo(75, 12);
    expect(r.items.map((i) => i.weight)).toEqual([0.75, 0.25]);
  });

  it('regression weights from simulated data with known weights (seeded)', () => {
    const w = [0.5, 0.3, 0.2];
    const { rows, overall } = simulateDriverSurvey(createRng(99), 4000, w);
    const its = ['a', 'b', 'c'].map((name) => ({ name, scaleMin: 1, scaleMax: 10 }));
    const r = satisfactionIndex(its, rows.map((row, i) => ({ items: row, overall: overall[i]! })));
    r.items.forEach((it, j) => expect(Math.abs(it.weight - w[j]!)).toBeLessThan(0.03));
    // index = Σ w_j·rescaled_j by linearity
    const direct = r.items.reduce((s, it) => s + it.weight * it.rescaled, 0);
    expect(r.index).toBeCloseTo(direct, 10);
    expect(r.ci!.lower).toBeLessThan(r.index);
    expect(r.drivers!.converged).toBe(true);
  });

  it('throws REGRESSION_FAILED rather than inventing weights', () => {
    const res = [1, 2, 3, 4, 5].map((v) => ({ items: [v, 2 * v], overall: v }));
    expect(() => satisfactionIndex(items, res)).toThrow(SatisfactionError);
    expect(() => satisfactionIndex(items, res)).toThrow(/collinear/);
  });
});
