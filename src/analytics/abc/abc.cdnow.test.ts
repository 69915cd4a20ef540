import { describe, expect, it } from 'vitest';
import { abcClassify } from './index.js';
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
