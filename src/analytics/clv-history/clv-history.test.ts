import { describe, expect, it } from 'vitest';
import {
  clvFormula,
  clvHistoryTable,
  historicalClv,
  profitByPeriod,
  type CustomerPeriodValue,
  type ReferralEdge,
} from './index.js';

/**
 * The "1 = 12800" case of DOMAIN.md section 4 (software vendor H, design firm A, five years, yuan),
 * in fen (x100). A's costs are the table's "acquisition / service cost" column; the source does not
 * split year 1's 850, so we book it all as acquisition cost (profit is the same either way).
 * Referred customers: R1 joins in year 2, R2 in year 3, R3 and R4 in year 4; each buys the base
 * product (800) then 750, 700, 500 as in the table. The source counts their purchases as net
 * income with no costs, so their margin = revenue and their costs are 0.
 */
const Y = 100; // fen per yuan
function pv(customerId: string, period: number, revenue: number, costToServe = 0, acquisition = 0): CustomerPeriodValue {
  return { customerId, period, revenueMinor: revenue * Y, marginMinor: revenue * Y, costToServeMinor: costToServe * Y, acquisitionCostMinor: acquisition * Y };
}
const CASE_ROWS: CustomerPeriodValue[] = [
  pv('A', 1, 800, 0, 850),
  pv('A', 2, 500 + 250, 100),
  pv('A', 3, 500 + 200, 100),
  pv('A', 4, 250 + 250, 100),
  pv('A', 5, 3000 + 200, 100),
  pv('R1', 2, 800), pv('R1', 3, 750), pv('R1', 4, 700), pv('R1', 5, 500),
  pv('R2', 3, 800), pv('R2', 4, 750), pv('R2', 5, 700),
  pv('R3', 4, 800), pv('R3', 5, 750),
  pv('R4', 4, 800), pv('R4', 5, 750),
];
const ALL_FROM_A: ReferralEdge[] = ['R1', 'R2', 'R3', 'R4'].map((c) => ({ referrerId: 'A', customerId: c }));

describe('historicalClv: the "1 = 12800" case (DOMAIN.md section 4)', () => {
  const a = historicalClv(CASE_ROWS, ALL_FROM_A).find((h) => h.customerId === 'A')!;

  it('total profit 12,800', () => {
    expect(a.totalProfitMinor).toBe(12_800 * Y);
  });

  it("A's own purchases after year 1: 5,150; referred purchases: 8,100", () => {
    expect(a.byPeriod.filter((p) => p.period > 1).reduce((s, p) => s + p.own.revenueMinor, 0)).toBe(5_150 * Y);
    expect(a.referredTree.revenueMinor).toBe(8_100 * Y);
    expect(a.referredDirect.revenueMinor).toBe(8_100 * Y);
    expect(a.own.revenueMinor + a.referredTree.revenueMinor - 800 * Y).toBe(13_250 * Y); // DOMAIN.md: the source's "13,200" is a typo
  });

  it('per-year profit -50, 1,450, 2,150, 3,450, 5,800', () => {
    expect(a.byPeriod.map((p) => p.period)).toEqual([1, 2, 3, 4, 5]);
    expect(a.byPeriod.map((p) => p.totalProfitMinor)).toEqual([-50, 1_450, 2_150, 3_450, 5_800].map((x) => x * Y));
    expect(a.byPeriod.map((p) => p.referredTree.revenueMinor)).toEqual([0, 800, 1_550, 3_050, 2_700].map((x) => x * Y));
  });

  it('own value and referral counts', () => {
    expect(a.own).toEqual({
      revenueMinor: 5_950 * Y,
      marginMinor: 5_950 * Y,
      costToServeMinor: 400 * Y,
      acquisitionCostMinor: 850 * Y,
      profitMinor: 4_700 * Y,
    });
    expect(a.directReferrals).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(a.treeReferrals).toBe(4);
    expect(a.referrerId).toBeNull();
  });

  it('the company per-year profit equals the case table (each customer counted once)', () => {
    expect(profitByPeriod(CASE_ROWS).map((p) => [p.period, p.profitMinor, p.customers])).toEqual([
      [1, -50 * Y, 1],
      [2, 1_450 * Y, 2],
      [3, 2_150 * Y, 3],
      [4, 3_450 * Y, 5],
      [5, 5_800 * Y, 5],
    ]);
  });

  it('display table: five years, total row, cumulative profit 12,800', () => {
    const t = clvHistoryTable(a, 'zh-CN');
    expect(t.rows.length).toBe(6);
    expect(t.rows[0]).toEqual(['1', 800 * Y, 0, 850 * Y, -50 * Y, 0, -50 * Y, -50 * Y]);
    expect(t.rows[4]![7]).toBe(12_800 * Y);
    expect(t.rows[5]![6]).toBe(12_800 * Y);
    expect(t.columns.length).toBe(8);
  });
});

describe('historicalClv: referral tree', () => {
  // Same data, but R3 and R4 were referred by R1 (two levels).
  const edges: ReferralEdge[] = [
    { referrerId: 'A', customerId: 'R1' },
    { referrerId: 'A', customerId: 'R2' },
    { referrerId: 'R1', customerId: 'R3' },
    { referrerId: 'R1', customerId: 'R4' },
  ];
  const byId = new Map(historicalClv(CASE_ROWS, edges).map((h) => [h.customerId, h]));

  it('one level vs the whole tree', () => {
    const a = byId.get('A')!;
    expect(a.referredDirect.revenueMinor).toBe((2_750 + 2_250) * Y); // R1 + R2
    expect(a.referredTree.revenueMinor).toBe(8_100 * Y);
    expect(a.totalProfitMinor).toBe(12_800 * Y);
    expect(a.treeReferrals).toBe(4);
    const r1 = byId.get('R1')!;
    expect(r1.referrerId).toBe('A');
    expect(r1.referredTree.revenueMinor).toBe(2 * (800 + 750) * Y);
    expect(r1.totalProfitMinor).toBe((2_750 + 3_100) * Y);
    // R1's own value starts in year 2; its table runs to year 5
    expect(r1.byPeriod.map((p) => p.period)).toEqual([2, 3, 4, 5]);
  });

  it("referred customers' costs are netted (net income from referrals)", () => {
    const rows = [pv('A', 1, 100), pv('B', 1, 1000, 200, 50)]; // B: referral reward 50, service 200
    const a = historicalClv(rows, [{ referrerId: 'A', customerId: 'B' }]).find((h) => h.customerId === 'A')!;
    expect(a.referredTree.profitMinor).toBe(750 * Y);
    expect(a.totalProfitMinor).toBe(850 * Y);
  });

  it('customers only in edges appear with zero own value; gaps between periods are filled', () => {
    const out = historicalClv([pv('A', 2020, 10), pv('A', 2023, 5)], [{ referrerId: 'A', customerId: 'Z' }]);
    const z = out.find((h) => h.customerId === 'Z')!;
    expect(z.own.revenueMinor).toBe(0);
    expect(z.byPeriod).toEqual([]);
    const a = out.find((h) => h.customerId === 'A')!;
    expect(a.byPeriod.map((p) => [p.period, p.own.revenueMinor])).toEqual([[2020, 1000], [2021, 0], [2022, 0], [2023, 500]]);
  });

  it('repeated rows for a customer and period add up; a repeated edge is tolerated', () => {
    const out = historicalClv([pv('A', 1, 10), pv('A', 1, 5)], [
      { referrerId: 'A', customerId: 'B' },
      { referrerId: 'A', customerId: 'B' },
    ]);
    expect(out.find((h) => h.customerId === 'A')!.own.revenueMinor).toBe(1_500);
  });
});

describe('historicalClv: bad referral data', () => {
  it('self-referral and cycles are rejected', () => {
    expect(() => historicalClv([], [{ referrerId: 'A', customerId: 'A' }])).toThrow(expect.objectContaining({ code: 'REFERRAL_CYCLE' }));
    expect(() =>
      historicalClv([], [
        { referrerId: 'A', customerId: 'B' },
        { referrerId: 'B', customerId: 'A' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'REFERRAL_CYCLE' }));
    // A cycle detached from a healthy tree: the message names the cycle members only.
    expect(() =>
      historicalClv([], [
        { referrerId: 'D', customerId: 'E' },
        { referrerId: 'A', customerId: 'B' },
        { referrerId: 'B', customerId: 'C' },
        { referrerId: 'C', customerId: 'A' },
      ]),
    ).toThrow(/cycle among: A, B, C$/);
  });

  it('two referrers for one customer are rejected', () => {
    expect(() =>
      historicalClv([], [
        { referrerId: 'A', customerId: 'C' },
        { referrerId: 'B', customerId: 'C' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'MULTIPLE_REFERRERS' }));
  });

  it('non-integer money is rejected', () => {
    expect(() => historicalClv([{ ...pv('A', 1, 1), revenueMinor: 0.5 }], [])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('clvFormula', () => {
  it('expected transactions x average purchase - acquisition cost + referral net income', () => {
    // The case read through the formula: 5 purchases averaging 1,190, acquisition 850, referrals 8,100.
    // The formula has no cost-to-serve term, so it gives 13,200; less A's 4 x 100 service cost = 12,800.
    expect(clvFormula({ expectedTransactions: 5, averagePurchaseMinor: 1_190 * Y, acquisitionCostMinor: 850 * Y, referralNetIncomeMinor: 8_100 * Y })).toBe(13_200 * Y);
    expect(clvFormula({ expectedTransactions: 2.5, averagePurchaseMinor: 100, acquisitionCostMinor: 0, referralNetIncomeMinor: 0 })).toBe(250);
  });
});
