import { describe, expect, it } from 'vitest';
import { assessData } from './assess.js';
import { groupSummaries, repeatTransactionsPerPeriod, summariseTransactions } from './summaries.js';

describe('groupSummaries', () => {
  it('collapses identical (x, tx, T) rows into weights, sorted, dropping zero weights', () => {
    const rows = [
      { x: 1, tx: 2, T: 5 },
      { x: 0, tx: 0, T: 5 },
      { x: 1, tx: 2, T: 5, weight: 2 },
      { x: 0, tx: 0, T: 4 },
      { x: 0, tx: 0, T: 5 },
      { x: 3, tx: 1, T: 5, weight: 0 },
    ];
    expect(groupSummaries(rows)).toEqual([
      { x: 0, tx: 0, T: 4, weight: 1 },
      { x: 0, tx: 0, T: 5, weight: 2 },
      { x: 1, tx: 2, T: 5, weight: 3 },
    ]);
  });
});

describe('summariseTransactions', () => {
  // Times in weeks; one day = 1/7. Calibration ends at t = 4 (inclusive), holdout at t = 8.
  const day = (d: number) => d / 7;
  const tx = [
    { customerId: 'b', t: day(0), amount: 1000 },
    { customerId: 'a', t: day(2), amount: 500 },
    { customerId: 'a', t: day(2), amount: 250 }, // same day as the first purchase: merged
    { customerId: 'a', t: day(9), amount: 300 },
    { customerId: 'a', t: day(9) + 0.05, amount: 100 }, // same day, later hour: merged
    { customerId: 'a', t: day(16), amount: 700 },
    { customerId: 'a', t: day(28), amount: 1000 }, // t = 4: last calibration instant
    { customerId: 'a', t: day(30), amount: 200 }, // holdout
    { customerId: 'a', t: day(60), amount: 999 }, // after holdoutEnd: ignored
    { customerId: 'c', t: day(40), amount: 50 }, // first purchase after calibration: excluded
  ];
  const result = summariseTransactions(tx, { calibrationEnd: 4, holdoutEnd: 8, mergeResolution: 1 / 7 });

  it('computes x, t_x, T with same-day purchases merged, and holdout counts', () => {
    expect(result.excludedCustomers).toBe(1);
    expect(result.ignoredTransactions).toBe(1);
    expect(result.customers.map((c) => c.customerId)).toEqual(['a', 'b']);
    const a = result.customers[0]!;
    expect(a.x).toBe(3);
    // 1e-12: exact day fractions
    expect(a.tx).toBeCloseTo(day(28) - day(2), 12);
    expect(a.T).toBeCloseTo(4 - day(2), 12);
    expect(a.holdoutCount).toBe(1);
    expect(a.calibrationAmount).toBe(750 + 400 + 700 + 1000); // integer minor units
    expect(a.mx).toBeCloseTo((400 + 700 + 1000) / 3, 12);
    expect(a.holdoutAmount).toBe(200);
    const b = result.customers[1]!;
    expect(b).toMatchObject({ x: 0, tx: 0, holdoutCount: 0, mx: 0, calibrationAmount: 1000 });
  });

  it('counts repeat purchases per period across the cohort (first purchases excluded)', () => {
    const perWeek = repeatTransactionsPerPeriod(tx, { origin: 0, periods: 10, mergeResolution: 1 / 7 });
    // a: repeats on days 9 (week 2), 16 (week 3), 28 (week 5), 30 (week 5), 60 (week 9); b, c: none.
    expect(perWeek).toEqual([0, 1, 1, 0, 2, 0, 0, 0, 1, 0]);
  });

  it('rejects non-finite times and an inverted window', () => {
    expect(() => summariseTransactions([{ customerId: 'x', t: Number.NaN }], { calibrationEnd: 1 })).toThrow(RangeError);
    expect(() => summariseTransactions([], { calibrationEnd: 5, holdoutEnd: 4 })).toThrow(RangeError);
  });
});

describe('assessData: when the data cannot support a model', () => {
  const base = Array.from({ length: 200 }, (_, i) => (i < 80 ? { x: 2, tx: 10, T: 39 } : { x: 0, tx: 0, T: 39 }));

  it('accepts a reasonable cohort and profiles it', () => {
    const a = assessData(base);
    expect(a.ok).toBe(true);
    expect(a.profile).toMatchObject({ customers: 200, repeatBuyers: 80, repeatTransactions: 160, medianT: 39, medianInterpurchase: 5 });
  });

  it('gives a plain reason for each failure', () => {
    const cases: [Parameters<typeof assessData>[0], string][] = [
      [[], 'no-customers'],
      [[{ x: 1, tx: 5, T: 4 }], 'invalid-rows'],
      [[{ x: 1.5, tx: 1, T: 4 }], 'invalid-rows'],
      [base.slice(0, 50), 'too-few-customers'],
      [base.map((r, i) => (i < 70 ? { x: 0, tx: 0, T: 39 } : r)), 'too-few-repeat-buyers'],
      [base.map((r) => (r.x > 0 ? { x: 1, tx: 3, T: 4 } : { ...r, T: 4 })), 'calibration-too-short'],
    ];
    for (const [rows, code] of cases) {
      const a = assessData(rows);
      expect(a.ok).toBe(false);
      if (!a.ok) {
        expect(a.code).toBe(code);
        expect(a.reason.length).toBeGreaterThan(10);
      }
    }
  });
});
