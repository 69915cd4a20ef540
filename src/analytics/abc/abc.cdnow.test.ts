import { describe, expect, it } from 'vitest';
import { abcClassify } from './index.js';
import { loadCdnowMetrics } from '../../test-support/cdnow-metrics.js';

const data = loadCdnowMetrics();

/** Naive ABC: sort, walk, compare integers: class A while 10 * before < 8 * P, B while 100 * before < 95 * P. */
function naiveAbc(values: { id: string; v: number }[]) {
  const sorted = [...values].sort((a, b) => (b.v !== a.v ? b.v - a.v : a.id < b.id ? -1 : 1));
  let P = 0;
  for (const x of sorted) if (x.v > 0) P += x.v;
  const count: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
  const sum: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
  let before = 0;
  for (const x of sorted) {
    let c: string;
    if (x.v < 0) c = 'D';
    else if (x.v === 0) c = 'C';
    else {
      c = 10 * before < 8 * P ? 'A' : 100 * before < 95 * P ? 'B' : 'C';
      before += x.v;
    }
    count[c]!++;
    sum[c]! += x.v;
  }
  return { count, sum };
}

describe('ABC on CDNOW (23,570 customers) vs a naive re-implementation', () => {
  it('has the documented number of customers', () => {
    expect(data.length).toBe(23_570);
  });

  for (const measure of ['revenue', 'profit'] as const) {
    it(`class counts and sums agree (by ${measure})`, () => {
      const r = abcClassify(data, { measure });
      const naive = naiveAbc(data.map((m) => ({ id: m.customerId, v: measure === 'revenue' ? m.revenueMinor : m.profitMinor })));
      for (const c of r.classes) {
        expect(c.customers, `${measure} class ${c.class}`).toBe(naive.count[c.class]);
        expect(c.valueMinor, `${measure} class ${c.class}`).toBe(naive.sum[c.class]);
      }
      expect(r.curve.length).toBeLessThanOrEqual(104);
      // Figures quoted in docs/analytics/value.md (equal to the naive loop above).
      if (measure === 'revenue') expect(r.classes.map((c) => c.customers)).toEqual([7_695, 8_044, 7_831, 0]);
      expect(r.curve[r.curve.length - 1]!.customers).toBe(23_570);
    });
  }
});
