import { describe, expect, it } from 'vitest';
import { monetaryDeciles, purchaseDeciles } from './index.js';
import { loadCdnowMetrics } from '../../test-support/cdnow-metrics.js';

const data = loadCdnowMetrics();
const n = data.length;
const bySpend = [...data].sort((a, b) => b.revenueMinor - a.revenueMinor || (a.customerId < b.customerId ? -1 : 1));

describe('monetary deciles on CDNOW vs a naive re-implementation', () => {
  it('counts, sales and profit per decile agree', () => {
    // Naive: hand out customers one by one; decile d gets floor(n/10) + (d < n % 10 ? 1 : 0).
    const count = Array(10).fill(0);
    const sales = Array(10).fill(0);
    const profit = Array(10).fill(0);
    let d = 0;
    for (const c of bySpend) {
      while (count[d] === Math.floor(n / 10) + (d < n % 10 ? 1 : 0)) d++;
      count[d]++;
      sales[d] += c.revenueMinor;
      profit[d] += c.profitMinor;
    }
    const r = monetaryDeciles(data);
    expect(r.deciles.map((x) => x.customers)).toEqual(count);
    expect(r.deciles.map((x) => x.salesMinor)).toEqual(sales);
    expect(r.deciles.map((x) => x.profitMinor)).toEqual(profit);
    expect(count).toEqual([2357, 2357, 2357, 2357, 2357, 2357, 2357, 2357, 2357, 2357]); // 23,570 divides evenly
  });
});

describe('purchase deciles on CDNOW vs a naive re-implementation', () => {
  for (const measure of ['revenue', 'profit'] as const) {
    it(`customers needed per tenth of total ${measure}`, () => {
      const v = (m: (typeof data)[number]) => (measure === 'revenue' ? m.revenueMinor : m.profitMinor);
      const pos = data.map(v).filter((x) => x > 0).sort((a, b) => b - a);
      const T = pos.reduce((s, x) => s + x, 0);
      const needed: number[] = [];
      let m = 0;
      let c = 0;
      for (let k = 1; k <= 10; k++) {
        while (10 * c < k * T) c += pos[m++]!;
        needed.push(m);
      }
      const r = purchaseDeciles(data, { measure });
      expect(r.slices.map((s) => s.cumulativeCustomers)).toEqual(needed);
      expect(r.nonPositive.customers).toBe(n - pos.length);
      // Figures quoted in docs/analytics/value.md (equal to the naive loop above).
      if (measure === 'revenue') expect(needed.slice(0, 2)).toEqual([102, 362]);
      // The fractional counts spread the same customers: they add up to the positive customers (float sum, 1e-6).
      expect(Math.abs(r.slices.reduce((s, x) => s + x.customerEquivalents, 0) - pos.length)).toBeLessThan(1e-6);
    });
  }
});
