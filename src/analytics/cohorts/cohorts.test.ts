import { describe, expect, it } from 'vitest';
import {
  cohortMatrix,
  cohortRowsFromActivity,
  cohortSizesFromFirstMonths,
  cohortTable,
  monthIndex,
  monthString,
  type CohortActivityRow,
} from './index.js';

const r = (cohortMonth: string, activityMonth: string, activeCustomers: number, revenueMinor: number): CohortActivityRow => ({
  cohortMonth,
  activityMonth,
  activeCustomers,
  revenueMinor,
});

const ROWS = [
  r('2023-12', '2023-12', 100, 10_000),
  r('2023-12', '2024-01', 40, 5_000),
  r('2023-12', '2024-02', 30, 4_000),
  r('2024-01', '2024-01', 50, 6_000),
  r('2024-01', '2024-02', 20, 1_000),
  r('2024-02', '2024-02', 10, 900),
];

describe('month helpers', () => {
  it('month index across a year boundary and back', () => {
    expect(monthIndex('2024-01') - monthIndex('2023-12')).toBe(1);
    expect(monthString(monthIndex('2023-12'))).toBe('2023-12');
    expect(() => monthIndex('2024-13')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => monthIndex('2024-1')).toThrow(/YYYY-MM/);
  });
});

describe('cohortMatrix', () => {
  it('retention and revenue triangles; unobserved cells are null', () => {
    const m = cohortMatrix(ROWS);
    expect(m.asOfMonth).toBe('2024-02');
    expect(m.ages).toBe(3);
    expect(m.cohorts.map((c) => [c.cohortMonth, c.size])).toEqual([
      ['2023-12', 100],
      ['2024-01', 50],
      ['2024-02', 10],
    ]);
    expect(m.cohorts.map((c) => c.retention)).toEqual([
      [1, 0.4, 0.3],
      [1, 0.4, null],
      [1, null, null],
    ]);
    expect(m.cohorts[0]!.revenueMinor).toEqual([10_000, 5_000, 4_000]);
    expect(m.cohorts[0]!.revenuePerCustomer).toEqual([100, 50, 40]);
    expect(m.cohorts[0]!.cumulativeRevenuePerCustomer).toEqual([100, 150, 190]);
    expect(m.cohorts[1]!.revenueMinor).toEqual([6_000, 1_000, null]);
    // size-weighted: k=1 -> (40 + 20) / (100 + 50)
    expect(m.averageRetention).toEqual([1, 0.4, 0.3]);
  });

  it('a later as-of month turns silent observed months into 0, not null', () => {
    const m = cohortMatrix(ROWS, { asOfMonth: '2024-03' });
    expect(m.ages).toBe(4);
    expect(m.cohorts[0]!.retention).toEqual([1, 0.4, 0.3, 0]);
    expect(m.cohorts[2]!.activeCustomers).toEqual([10, 0, null, null]);
  });

  it('maxAge truncates the columns', () => {
    const m = cohortMatrix(ROWS, { maxAge: 1 });
    expect(m.ages).toBe(2);
    expect(m.cohorts[0]!.retention).toEqual([1, 0.4]);
  });

  it('explicit sizes (first purchases outside the rows) and repeated rows add up', () => {
    const m = cohortMatrix([r('2024-01', '2024-01', 30, 1), r('2024-01', '2024-01', 10, 1), r('2024-01', '2024-02', 20, 1)], {
      cohortSizes: new Map([['2024-01', 80]]),
    });
    expect(m.cohorts[0]!.retention).toEqual([0.5, 0.25]);
    expect(m.cohorts[0]!.revenueMinor).toEqual([2, 1]);
  });

  it('rejects inconsistent data', () => {
    expect(() => cohortMatrix([r('2024-02', '2024-01', 1, 0)])).toThrow(/before cohort month/);
    expect(() => cohortMatrix([r('2024-01', '2024-02', 1, 0)])).toThrow(/no age-0 row/);
    expect(() => cohortMatrix([r('2024-01', '2024-01', 1, 0), r('2024-01', '2024-02', 2, 0)])).toThrow(/2 active at age 1 but size 1/);
    expect(() => cohortMatrix(ROWS, { asOfMonth: '2024-01' })).toThrow(expect.objectContaining({ code: 'AFTER_AS_OF' }));
    expect(() => cohortMatrix(ROWS, { maxAge: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => cohortMatrix([r('2024-01', '2024-01', 1, 0.5)])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('empty input', () => {
    expect(cohortMatrix([])).toEqual({ asOfMonth: null, ages: 0, cohorts: [], averageRetention: [] });
  });
});

describe('cohortRowsFromActivity', () => {
  const activity = [
    { customerId: 'a', month: '2024-01', revenueMinor: 100 },
    { customerId: 'a', month: '2024-01', revenueMinor: 50 }, // second order, same month: one active customer
    { customerId: 'a', month: '2024-03', revenueMinor: 70 },
    { customerId: 'b', month: '2024-01', revenueMinor: 10 },
    { customerId: 'c', month: '2024-02', revenueMinor: 20 },
    { customerId: 'c', month: '2024-03', revenueMinor: 30 },
  ];

  it('first month = earliest activity; distinct customers per cell', () => {
    expect(cohortRowsFromActivity(activity)).toEqual([
      r('2024-01', '2024-01', 2, 160),
      r('2024-01', '2024-03', 1, 70),
      r('2024-02', '2024-02', 1, 20),
      r('2024-02', '2024-03', 1, 30),
    ]);
    const m = cohortMatrix(cohortRowsFromActivity(activity));
    expect(m.cohorts[0]!.retention).toEqual([1, 0, 0.5]);
    expect(m.cohorts[1]!.retention).toEqual([1, 1, null]);
  });

  it('given first months move customers to earlier cohorts; sizes from the first months', () => {
    const first = new Map([
      ['a', '2024-01'],
      ['b', '2024-01'],
      ['c', '2024-01'],
      ['d', '2024-01'], // never active in the window
    ]);
    const rows = cohortRowsFromActivity(activity, first);
    const m = cohortMatrix(rows, { cohortSizes: cohortSizesFromFirstMonths(first) });
    expect(m.cohorts.length).toBe(1);
    expect(m.cohorts[0]!.size).toBe(4);
    expect(m.cohorts[0]!.activeCustomers).toEqual([2, 1, 2]);
    expect(() => cohortRowsFromActivity(activity, new Map([['a', '2024-02']]))).toThrow(/before their first month/);
  });
});

describe('cohortTable', () => {
  it('one row per cohort plus the weighted mean for retention', () => {
    const m = cohortMatrix(ROWS);
    const t = cohortTable(m, 'retention', 'zh-CN');
    expect(t.columns.map((c) => c.label)).toEqual(['首购月份', '客户数', '第0月', '第1月', '第2月']);
    expect(t.rows.length).toBe(4);
    expect(t.rows[1]).toEqual(['2024-01', 50, 1, 0.4, null]);
    expect(cohortTable(m, 'revenue').rows.length).toBe(3);
    expect(cohortTable(m, 'revenue').columns[2]!.kind).toBe('money');
  });
});
