import { describe, expect, it } from 'vitest';
import { monetaryDeciles, purchaseDeciles } from './index.js';
import { readFileSync } from 'node:fs';
import { sharedDataPath } from '../../test-support/paths.js';
import type { CustomerMetrics } from '../metrics.js';

/**
 * CDNOW master file (Fader & Hardie; see /work/shared/data/README.md): whitespace-separated, CRLF,
 * header line; customer_id, date YYYYMMDD, number_of_cds, dollar_value. Per-customer metrics with a
 * plain loop. CDNOW has no costs, so margin and profit use a stated synthetic cost model (margin =
 * 25 % of revenue rounded down, cost to serve 1.50 per order) to get some loss-making customers.
 */
function loadCdnow(): CustomerMetrics[] {
  const text = readFileSync(sharedDataPath('cdnow_master.txt'), 'utf8');
  const lines = text.split('\r\n');
  const acc = new Map<string, { first: number; last: number; orders: number; days: Set<number>; cents: number }>();
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 4) continue;
    const id = f[0]!;
    const d = f[1]!;
    const day = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 86_400_000;
    const cents = Math.round(Number(f[3]) * 100);
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { first: day, last: day, orders: 0, days: new Set(), cents: 0 }));
    a.first = Math.min(a.first, day);
    a.last = Math.max(a.last, day);
    a.orders++;
    a.days.add(day);
    a.cents += cents;
  }
  const out: CustomerMetrics[] = [];
  for (const [id, a] of acc) {
    const margin = Math.floor(a.cents / 4);
    const cts = 150 * a.orders;
    out.push({
      customerId: id,
      firstDay: a.first,
      lastDay: a.last,
      orders: a.orders,
      purchaseDays: a.days.size,
      revenueMinor: a.cents,
      marginMinor: margin,
      returnsMinor: 0,
      discountedSpendMinor: 0,
      costToServeMinor: cts,
      acquisitionCostMinor: 0,
      profitMinor: margin - cts,
    });
  }
  return out;
}

const data = loadCdnow();
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
