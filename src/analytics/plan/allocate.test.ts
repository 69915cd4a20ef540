import { describe, expect, it } from 'vitest';
import { allocateBudget, type PlanSegment, type SegmentAllocation } from './allocate.js';
import { PlanError } from './errors.js';

// DOMAIN.md section 7, women's apparel chain with 54 million customers:
// 14% of customers make 55% of sales, 34% make 35%, 52% make 10%.
const apparel: PlanSegment[] = [
  { id: 'top', customers: 7_560_000, sales: 5_500_000_000, manualShare: 60, contacts: { min: 5, max: 5 } },
  { id: 'middle', customers: 18_360_000, sales: 3_500_000_000, manualShare: 35, contacts: { min: 3 } },
  { id: 'bottom', customers: 28_080_000, sales: 1_000_000_000, manualShare: 5, contacts: { max: 2 } },
];
const BUDGET = 1_000_000_000; // 10 million yuan in fen

describe('allocateBudget: the apparel-chain case (DOMAIN.md section 7)', () => {
  const plan = allocateBudget({ segments: apparel, totalBudget: BUDGET, rule: 'manual' });
  const [top, mid, low] = plan.segments as [SegmentAllocation, SegmentAllocation, SegmentAllocation];

  it('shares of customers and sales', () => {
    // 7.56M / 54M = 0.14 etc.; float division, so compare to 1e-12
    expect(top.customerShare).toBeCloseTo(0.14, 12);
    expect(mid.customerShare).toBeCloseTo(0.34, 12);
    expect(low.customerShare).toBeCloseTo(0.52, 12);
    expect(top.salesShare).toBeCloseTo(0.55, 12);
    expect(mid.salesShare).toBeCloseTo(0.35, 12);
    expect(low.salesShare).toBeCloseTo(0.1, 12);
  });

  it('manual budget 60/35/5 in whole minor units adding up to the total', () => {
    expect(plan.segments.map((s) => s.budget)).toEqual([600_000_000, 350_000_000, 50_000_000]);
    expect(plan.totals.budget).toBe(BUDGET);
    expect(plan.limitsApplied).toBe(false);
  });

  it('spend per customer ≈ 4.3x, 1.0x, 0.1x the average (60/14 = 4.29, 35/34 = 1.03, 5/52 = 0.096)', () => {
    expect(plan.totals.averageSpendPerCustomer).toBeCloseTo(BUDGET / 54_000_000, 10);
    expect(top.spendIndex!).toBeCloseTo(60 / 14, 10);
    expect(mid.spendIndex!).toBeCloseTo(35 / 34, 10);
    expect(low.spendIndex!).toBeCloseTo(5 / 52, 10);
    expect(top.spendIndex!.toFixed(1)).toBe('4.3');
    expect(mid.spendIndex!.toFixed(1)).toBe('1.0');
    expect(low.spendIndex!.toFixed(1)).toBe('0.1');
    // budget per unit of sales: 0.6/0.55 vs 0.05/0.10 of the overall 0.1 yuan per yuan
    expect(top.budgetPerSales).toBeCloseTo(600 / 5500, 12);
    expect(low.budgetPerSales).toBeCloseTo(50 / 1000, 12);
  });

  it('contacts per quarter: 5, at least 3, at most 2', () => {
    expect(top.contactsPerQuarter).toEqual({ min: 5, max: 5, planned: 5 });
    expect(mid.contactsPerQuarter).toEqual({ min: 3, max: null, planned: 3 });
    expect(low.contactsPerQuarter).toEqual({ min: null, max: 2, planned: 2 });
    // one quarter's budget: 600M fen / (7.56M customers · 5 contacts)
    expect(top.spendPerContact).toBeCloseTo(600_000_000 / (7_560_000 * 5), 10);
  });
});

describe('allocateBudget: rules and limits', () => {
  it("'sales' rule follows sales shares", () => {
    const plan = allocateBudget({ segments: apparel, totalBudget: BUDGET, rule: 'sales' });
    expect(plan.segments.map((s) => s.budget)).toEqual([550_000_000, 350_000_000, 100_000_000]);
    expect(plan.segments[0]!.spendIndex).toBeCloseTo(55 / 14, 10);
    expect(plan.segments[2]!.budgetPerSales).toBeCloseTo(0.1, 12);
  });

  it("'predicted-value' rule, and it needs every value", () => {
    const segs = apparel.map((s, i) => ({ ...s, predictedValue: [2_000, 1_500, 500][i]! }));
    const plan = allocateBudget({ segments: segs, totalBudget: 1000, rule: 'predicted-value' });
    expect(plan.segments.map((s) => s.budget)).toEqual([500, 375, 125]);
    expect(plan.segments[0]!.predictedValueShare).toBe(0.5);
    expect(() => allocateBudget({ segments: apparel, totalBudget: 1000, rule: 'predicted-value' })).toThrow(PlanError);
  });

  it('clamps to max and min and redistributes proportionally (hand-computed)', () => {
    // sales shares 0.55 / 0.35 / 0.10; top capped at 0.5, bottom floored at 0.15:
    // λ with 0.5 + 0.35λ + 0.15 = 1 gives λ = 1, so the middle keeps 0.35.
    const segs = apparel.map((s, i) => ({ ...s, maxShare: i === 0 ? 0.5 : undefined, minShare: i === 2 ? 0.15 : undefined }));
    const plan = allocateBudget({ segments: segs, totalBudget: BUDGET, rule: 'sales' });
    expect(plan.segments.map((s) => s.clamped)).toEqual(['max', null, 'min']);
    expect(plan.segments.map((s) => s.budget)).toEqual([500_000_000, 350_000_000, 150_000_000]);
    expect(plan.limitsApplied).toBe(true);

    // only the cap: the freed 0.05 goes 35:10 to the others -> 0.5, 0.3888..., 0.1111...
    const capped = allocateBudget({ segments: apparel.map((s, i) => ({ ...s, maxShare: i === 0 ? 0.5 : undefined })), totalBudget: 9000, rule: 'sales' });
    expect(capped.segments.map((s) => s.budget)).toEqual([4500, 3500, 1000]);
  });

  it('rejects infeasible limits and bad input', () => {
    const mins = apparel.map((s) => ({ ...s, minShare: 0.4 }));
    expect(() => allocateBudget({ segments: mins, totalBudget: 100, rule: 'sales' })).toThrow(/minimum shares/);
    const maxes = apparel.map((s) => ({ ...s, maxShare: 0.3 }));
    expect(() => allocateBudget({ segments: maxes, totalBudget: 100, rule: 'sales' })).toThrow(/maximum shares/);
    expect(() => allocateBudget({ segments: apparel, totalBudget: 10.5, rule: 'sales' })).toThrow(/integer/);
    expect(() => allocateBudget({ segments: [apparel[0]!, apparel[0]!], totalBudget: 1, rule: 'sales' })).toThrow(/twice/);
    expect(() => allocateBudget({ segments: [{ ...apparel[0]!, contacts: { min: 3, max: 2 } }], totalBudget: 1, rule: 'sales' })).toThrow(/min 3 > max 2/);
  });
});
