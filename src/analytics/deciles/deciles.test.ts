import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULTS, groupSizes, monetaryDecileTable, monetaryDeciles, purchaseDecileTable, purchaseDeciles } from './index.js';

function rows(values: number[], profits?: number[]) {
  return values.map((v, i) => ({
    customerId: `c${String(i).padStart(4, '0')}`,
    revenueMinor: v,
    marginMinor: v,
    profitMinor: profits?.[i] ?? v,
  }));
}

describe('groupSizes', () => {
  it('gives the remainder n mod 10 to the top groups, one each', () => {
    expect(groupSizes(23, 10)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    expect(groupSizes(100, 10)).toEqual(Array(10).fill(10));
    expect(groupSizes(5, 10)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(groupSizes(0, 10)).toEqual(Array(10).fill(0));
    expect(groupSizes(19, 10)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
  });
});

describe('monetaryDeciles', () => {
  it('23 customers: top deciles get 3, sums, shares and cumulative shares', () => {
    const vals = Array.from({ length: 23 }, (_, i) => (i + 1) * 100); // 100 .. 2300
    const r = monetaryDeciles(rows(vals));
    expect(r.deciles.map((d) => d.customers)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    expect(r.deciles[0]).toMatchObject({ salesMinor: 2300 + 2200 + 2100, minSalesMinor: 2100, maxSalesMinor: 2300 });
    expect(r.deciles[9]).toMatchObject({ salesMinor: 100 + 200, minSalesMinor: 100, maxSalesMinor: 200 });
    const total = vals.reduce((s, v) => s + v, 0);
    expect(r.totals).toEqual({ customers: 23, salesMinor: total, profitMinor: total });
    expect(r.deciles.reduce((s, d) => s + d.salesMinor, 0)).toBe(total);
    expect(r.deciles[0]!.salesShare).toBe(6600 / total);
    expect(r.deciles[9]!.cumulativeSalesShare).toBe(1);
    expect(r.deciles[9]!.cumulativeCustomerShare).toBe(1);
    expect(r.deciles[2]!.cumulativeCustomers).toBe(9);
    expect(r.assignment.get('c0022')).toBe(1);
    expect(r.assignment.get('c0000')).toBe(10);
  });

  it('equal spend across a decile boundary is split by customerId', () => {
    const r = monetaryDeciles(rows(Array(11).fill(5)));
    expect(r.deciles[0]!.customers).toBe(2);
    expect(r.assignment.get('c0000')).toBe(1);
    expect(r.assignment.get('c0001')).toBe(1);
    expect(r.assignment.get('c0002')).toBe(2);
  });

  it('profit column with losses: shares relative to total profit; null when total profit <= 0', () => {
    const r = monetaryDeciles(rows([100, 50, 10], [80, 30, -20]));
    expect(r.deciles.slice(0, 3).map((d) => d.profitShare)).toEqual([80 / 90, 30 / 90, -20 / 90]);
    expect(r.deciles[1]!.cumulativeProfitShare).toBe(110 / 90);
    const loss = monetaryDeciles(rows([100, 50], [-80, 30]));
    expect(loss.deciles[0]!.profitShare).toBeNull();
    expect(monetaryDeciles(rows([100, 50], [1, 2]), { profit: 'margin' }).deciles[0]!.profitMinor).toBe(100);
  });

  it('fewer customers than deciles: empty deciles have null ranges', () => {
    const r = monetaryDeciles(rows([3, 2, 1]));
    expect(r.deciles.map((d) => d.customers)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.deciles[5]).toMatchObject({ salesMinor: 0, minSalesMinor: null, cumulativeSalesShare: 1 });
  });

  it('empty input and bad options', () => {
    const r = monetaryDeciles([]);
    expect(r.deciles.every((d) => d.customers === 0 && d.salesShare === null)).toBe(true);
    expect(() => monetaryDeciles(rows([1]), { groups: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(DEFAULTS.groups).toBe(10);
  });

  it('table: 10 rows plus total, zh-CN labels', () => {
    const t = monetaryDecileTable(monetaryDeciles(rows([5, 4, 3])), 'zh-CN');
    expect(t.rows.length).toBe(11);
    expect(t.title).toBe('货币十分位分析');
    expect(t.rows[10]![0]).toBe('合计');
    expect(t.columns.length).toBe(t.rows[0]!.length);
  });
});

describe('purchaseDeciles', () => {
  it('start rule: a customer is counted in the slice where their value starts', () => {
    // T = 100; cumulative before each customer: 0, 60, 80, 90, 95
    const r = purchaseDeciles(rows([60, 20, 10, 5, 5]));
    expect(r.slices.map((s) => s.customers)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 1, 2]);
    expect(r.slices.map((s) => s.cumulativeCustomers)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 3, 5]);
    // Fractional: the 60 spans slices 1-6 (1/6 each), the 20 spans 7-8 (1/2 each). Tolerance 1e-12: float division.
    const eq = r.slices.map((s) => s.customerEquivalents);
    for (let k = 0; k < 6; k++) expect(eq[k]).toBeCloseTo(1 / 6, 12);
    expect(eq.slice(6)).toEqual([0.5, 0.5, 1, 2]);
    expect(r.slices[0]).toMatchObject({ lowerShare: 0, upperShare: 0.1, customerShare: 0.2, minValueMinor: 60, maxValueMinor: 60 });
  });

  it('a customer ending exactly on a boundary stays in that slice; the next one starts the next slice', () => {
    const r = purchaseDeciles(rows([90, 10]));
    expect(r.slices.map((s) => s.customers)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(r.slices[9]!.customerEquivalents).toBe(1);
    const h = purchaseDeciles(rows([50, 50]));
    expect(h.slices[4]!.cumulativeCustomers).toBe(1); // 1 customer makes the first 50 %
    expect(h.slices[5]!.cumulativeCustomers).toBe(2);
  });

  it('profit slices: loss-makers and zeros are reported apart', () => {
    const r = purchaseDeciles(rows([100, 50, 10, 0], [70, 30, -20, 0]), { measure: 'profit' });
    expect(r.totals).toEqual({ customers: 4, positiveCustomers: 2, positiveMinor: 100, netMinor: 80 });
    expect(r.nonPositive).toEqual({ customers: 2, customerShare: 0.5, valueMinor: -20 });
    expect(r.slices[0]!.customers).toBe(1);
    expect(r.slices[7]!.customers).toBe(1); // 30 starts at 70 % -> slice 8
    expect(r.slices[0]!.customerShare).toBe(0.25); // shares are of all customers
  });

  it('no positive value: empty slices', () => {
    const r = purchaseDeciles(rows([0, -1]), { measure: 'profit' });
    expect(r.slices.every((s) => s.customers === 0)).toBe(true);
    expect(r.nonPositive.customers).toBe(2);
  });

  it('cumulative customers = customers needed to reach k/10 of the total (independent check, fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 5000 }), { minLength: 1, maxLength: 150 }), (vals) => {
        const r = purchaseDeciles(rows(vals));
        const pos = vals.filter((v) => v > 0).sort((a, b) => b - a);
        const T = pos.reduce((s, v) => s + v, 0);
        for (let k = 1; k <= 10; k++) {
          // Smallest m with 10 * C_m >= k * T (integers).
          let m = 0;
          let c = 0;
          while (10 * c < k * T) c += pos[m++]!;
          expect(r.slices[k - 1]!.cumulativeCustomers).toBe(m);
        }
        const eq = r.slices.reduce((s, x) => s + x.customerEquivalents, 0);
        expect(Math.abs(eq - pos.length)).toBeLessThan(1e-9); // float sum of fractions
      }),
      { numRuns: 300 },
    );
  });

  it('table: 10 slices plus the non-positive row', () => {
    const t = purchaseDecileTable(purchaseDeciles(rows([60, 20, 10, 5, 5])));
    expect(t.rows.length).toBe(11);
    expect(t.rows[0]![0]).toBe('0%-10%');
    expect(t.rows[6]!.slice(0, 4)).toEqual(['60%-70%', 1, 0.2, 2]);
    expect(purchaseDecileTable(purchaseDeciles(rows([1]), { measure: 'profit' }), 'zh-CN').title).toBe('购买十分位分析（利润）');
  });
});
