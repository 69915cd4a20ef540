import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULTS, abcClassify, abcTable, cumulativeBand, giniCoefficient, paretoCurve } from './index.js';
import { ValueInputError } from '../metrics.js';

/** Minimal rows: value goes to all three measures unless given. */
function rows(values: number[], ids?: string[]) {
  return values.map((v, i) => ({
    customerId: ids?.[i] ?? `c${String(i).padStart(4, '0')}`,
    revenueMinor: v,
    marginMinor: v,
    profitMinor: v,
  }));
}

const classesOf = (r: ReturnType<typeof abcClassify>) => r.customers.map((c) => c.class).join('');

describe('abcClassify: crossing rule at the cut-offs', () => {
  it('a top set making exactly 80 % is A; the next customer (starting at 80 %) is B', () => {
    const r = abcClassify(rows([50, 30, 15, 5]));
    expect(classesOf(r)).toBe('AABC');
    expect(r.classes.map((c) => c.valueMinor)).toEqual([80, 15, 5, 0]);
  });

  it('the customer who crosses 80 % is A', () => {
    // cumulative before: 0, 50, 90 -> A, A (crosses 80 to 90), B (90 < 95)
    expect(classesOf(abcClassify(rows([50, 40, 10])))).toBe('AAB');
  });

  it('the customer who crosses 95 % is B; starting exactly at 95 % is C', () => {
    expect(classesOf(abcClassify(rows([70, 20, 8, 2])))).toBe('AABC'); // before: 0, 70, 90 (< 95, crosses to 98), 98
    expect(classesOf(abcClassify(rows([80, 15, 3, 2])))).toBe('ABCC'); // before 95 -> C
  });

  it('one customer with everything is A; the rest C', () => {
    expect(classesOf(abcClassify(rows([100, 0, 0])))).toBe('ACC');
  });

  it('ties are split by customerId (equal value, different class is possible)', () => {
    const r = abcClassify(rows([10, 10, 10, 10, 10], ['e', 'd', 'c', 'b', 'a']));
    expect(r.customers.map((c) => c.customerId).join('')).toBe('abcde');
    expect(classesOf(r)).toBe('AAAAB'); // before e = 40 = 80 % of 50 -> B
  });

  it('custom cut-offs; A = B leaves B empty; B = 1 puts every positive customer in A or B', () => {
    expect(classesOf(abcClassify(rows([50, 30, 20]), { cutoffs: { A: 0.5, B: 0.5 } }))).toBe('ACC');
    expect(classesOf(abcClassify(rows([50, 30, 20, 0]), { cutoffs: { A: 0.5, B: 1 } }))).toBe('ABBC');
  });

  it('cut-offs that are not exact binary fractions still compare exactly (70 of 100 vs 0.7)', () => {
    expect(classesOf(abcClassify(rows([40, 30, 20, 10]), { cutoffs: { A: 0.7, B: 0.9 } }))).toBe('AABC');
  });
});

describe('abcClassify: zero and negative values', () => {
  it('zero value is C and negative is D, ranked last; cut-offs use the positive total', () => {
    const r = abcClassify(rows([-30, 100, 0, 50], ['neg', 'big', 'zero', 'mid']), { measure: 'profit' });
    expect(r.customers.map((c) => `${c.customerId}:${c.class}`)).toEqual(['big:A', 'mid:A', 'zero:C', 'neg:D']);
    expect(r.totals).toEqual({ customers: 4, positiveMinor: 150, negativeMinor: -30, netMinor: 120 });
    const a = r.classes[0]!;
    expect(a.valueMinor).toBe(150);
    expect(a.shareOfPositive).toBe(1);
    expect(a.shareOfNet).toBe(1.25); // A makes 125 % of net profit: the loss-makers eat a fifth of it
    expect(r.classes[3]).toMatchObject({ class: 'D', customers: 1, valueMinor: -30, minValueMinor: -30, maxValueMinor: -30 });
  });

  it('nobody positive: zeros are C, negatives D, shares null', () => {
    const r = abcClassify(rows([0, -5, 0]), { measure: 'profit' });
    expect(classesOf(r)).toBe('CCD');
    expect(r.classes[0]!.shareOfPositive).toBeNull();
    expect(r.customers[0]!.cumulativeShare).toBeNull();
    expect(r.gini).toBeNull();
  });

  it('the measure option picks the field', () => {
    const input = [
      { customerId: 'x', revenueMinor: 100, marginMinor: 1, profitMinor: -1 },
      { customerId: 'y', revenueMinor: 1, marginMinor: 100, profitMinor: 5 },
    ];
    expect(abcClassify(input).customers[0]!.customerId).toBe('x');
    expect(abcClassify(input, { measure: 'margin' }).customers[0]!.customerId).toBe('y');
    expect(classesOf(abcClassify(input, { measure: 'profit' }))).toBe('AD');
  });

  it('empty input gives empty classes and the single curve point (0, 0)', () => {
    const r = abcClassify([]);
    expect(r.classes.every((c) => c.customers === 0 && c.valueMinor === 0 && c.minValueMinor === null)).toBe(true);
    expect(r.curve).toEqual([{ customers: 0, customerShare: 0, cumulativeMinor: 0, shareOfPositive: null, shareOfNet: null }]);
  });
});

describe('abcClassify: input checks', () => {
  it('rejects bad cut-offs, duplicates and non-integer money', () => {
    expect(() => abcClassify(rows([1]), { cutoffs: { A: 0.9, B: 0.8 } })).toThrow(ValueInputError);
    expect(() => abcClassify(rows([1]), { cutoffs: { A: 0, B: 0.8 } })).toThrow(/cut-offs/);
    expect(() => abcClassify(rows([1]), { cutoffs: { A: 0.8, B: 1.01 } })).toThrow(/cut-offs/);
    expect(() => abcClassify(rows([1, 2], ['a', 'a']))).toThrow(expect.objectContaining({ code: 'DUPLICATE_CUSTOMER' }));
    expect(() => abcClassify(rows([1.5]))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => abcClassify(rows([1]), { curvePoints: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('DEFAULTS are 80 / 95 by revenue', () => {
    expect(DEFAULTS.cutoffs).toEqual({ A: 0.8, B: 0.95 });
    expect(DEFAULTS.measure).toBe('revenue');
  });
});

describe('abcClassify: properties (fast-check)', () => {
  it('A is the smallest top set reaching A-cut-off of the positive total; classes follow rank', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 100000 }), { minLength: 1, maxLength: 200 }), (vals) => {
        const r = abcClassify(rows(vals), { measure: 'profit' });
        const P = vals.filter((v) => v > 0).reduce((s, v) => s + v, 0);
        const a = r.customers.filter((c) => c.class === 'A');
        const sumA = a.reduce((s, c) => s + c.valueMinor, 0);
        if (P > 0) {
          // Integer form of sumA >= 0.8 P and (sumA - last) < 0.8 P.
          expect(sumA * 10 >= 8 * P).toBe(true);
          expect((sumA - a[a.length - 1]!.valueMinor) * 10 < 8 * P).toBe(true);
        } else {
          expect(a.length).toBe(0);
        }
        const order = 'ABCD';
        for (let i = 1; i < r.customers.length; i++) {
          expect(order.indexOf(r.customers[i]!.class)).toBeGreaterThanOrEqual(order.indexOf(r.customers[i - 1]!.class));
        }
        expect(r.classes.reduce((s, c) => s + c.valueMinor, 0)).toBe(r.totals.netMinor);
        expect(r.classes.reduce((s, c) => s + c.customers, 0)).toBe(vals.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cumulativeBand', () => {
  it('returns the first cut-off not yet reached by the value before the customer', () => {
    expect(cumulativeBand(0, 100, [0.8, 0.95])).toBe(0);
    expect(cumulativeBand(79, 100, [0.8, 0.95])).toBe(0);
    expect(cumulativeBand(80, 100, [0.8, 0.95])).toBe(1);
    expect(cumulativeBand(95, 100, [0.8, 0.95])).toBe(2);
  });
});

describe('paretoCurve', () => {
  it('keeps every point when n < maxPoints', () => {
    const c = paretoCurve([5, 3, 2], 101);
    expect(c.map((p) => p.cumulativeMinor)).toEqual([0, 5, 8, 10]);
    expect(c[3]).toMatchObject({ customerShare: 1, shareOfPositive: 1, shareOfNet: 1 });
  });

  it('downsamples to maxPoints evenly spaced counts plus kept break points', () => {
    const vals = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const c = paretoCurve(vals, 101, [333]);
    expect(c.length).toBe(102);
    expect(c[0]).toMatchObject({ customers: 0, cumulativeMinor: 0 });
    expect(c[c.length - 1]).toMatchObject({ customers: 1000, shareOfPositive: 1 });
    expect(c.some((p) => p.customers === 333)).toBe(true);
    // Exact prefix sums: sum of (1000 - i) for i < k = k*1000 - k(k-1)/2.
    for (const p of c) expect(p.cumulativeMinor).toBe(p.customers * 1000 - (p.customers * (p.customers - 1)) / 2);
    for (let i = 1; i < c.length; i++) expect(c[i]!.customers).toBeGreaterThan(c[i - 1]!.customers);
  });

  it('whale curve: with losses the share of net peaks above 1 and ends at 1', () => {
    const r = abcClassify(rows([100, 50, 0, -30]), { measure: 'profit' });
    const net = r.curve.map((p) => p.shareOfNet);
    expect(net).toEqual([0, 100 / 120, 150 / 120, 150 / 120, 1]);
    expect(r.curve.map((p) => p.shareOfPositive)).toEqual([0, 100 / 150, 1, 1, 120 / 150]);
  });
});

describe('giniCoefficient', () => {
  it('0 for equal values, 1 - 1/n when one customer has everything, null with negatives', () => {
    // Tolerance 1e-12: the trapezoid sum adds n floats.
    expect(giniCoefficient([5, 5, 5, 5])).toBeCloseTo(0, 12);
    expect(giniCoefficient([0, 0, 0, 10])).toBeCloseTo(0.75, 12);
    expect(giniCoefficient([1, -1])).toBeNull();
    expect(giniCoefficient([])).toBeNull();
  });

  it('equals the mean-absolute-difference form sum|xi - xj| / (2 n^2 mean)', () => {
    // Plain definition G = sum_i sum_j |xi - xj| / (2 n^2 mean) (Gini 1912), which equals the
    // trapezoid Lorenz area form used here; tolerance 1e-12 for float summation.
    const xs = [1, 2, 3, 10, 0, 7];
    const n = xs.length;
    const mean = xs.reduce((s, v) => s + v, 0) / n;
    let d = 0;
    for (const a of xs) for (const b of xs) d += Math.abs(a - b);
    expect(giniCoefficient(xs)).toBeCloseTo(d / (2 * n * n * mean), 12);
  });
});

describe('abcTable', () => {
  it('has one row per class with bilingual labels', () => {
    const r = abcClassify(rows([50, 30, 15, 5]));
    const en = abcTable(r);
    const zh = abcTable(r, 'zh-CN');
    expect(en.rows.length).toBe(4);
    expect(en.rows[0]![0]).toBe('A: customers making the first 80%');
    expect(zh.rows[1]![0]).toBe('B类：其后15%');
    expect(en.rows[0]!.slice(1)).toEqual([2, 0.5, 80, 0.8, 0.8]);
    expect(en.columns.length).toBe(en.rows[0]!.length);
  });
});
