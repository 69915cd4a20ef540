import { describe, expect, it } from 'vitest';
import { DEFAULTS, TIERS, profitabilityTiers, tierTable, type TierInput } from './index.js';

function rows(profits: number[], extra: (i: number) => Partial<TierInput> = () => ({})): TierInput[] {
  return profits.map((p, i) => ({
    customerId: `c${i}`,
    revenueMinor: 1000,
    marginMinor: 100 * (i + 1),
    profitMinor: p,
    discountedSpendMinor: 0,
    ...extra(i),
  }));
}

const tiersOf = (r: ReturnType<typeof profitabilityTiers>) => Object.fromEntries(r.customers.map((c) => [c.customerId, c.tier]));

describe('profitabilityTiers: tier rules', () => {
  it('crossing rule on the positive total; profit <= 0 is lead', () => {
    // P = 100; before: 0 (crosses 50 -> platinum), 60 (crosses 80 -> gold), 90 -> iron
    const r = profitabilityTiers(rows([60, 30, 10, 0, -5]));
    expect(tiersOf(r)).toEqual({ c0: 'platinum', c1: 'gold', c2: 'iron', c3: 'lead', c4: 'lead' });
    expect(r.customers.find((c) => c.customerId === 'c3')).toMatchObject({ rank: null, cumulativeShare: null });
    expect(r.customers[0]).toMatchObject({ rank: 1, cumulativeShare: 0.6 });
  });

  it('a top set making exactly 50 % is platinum; the next customer starts gold', () => {
    // before: 0, 50 (= 50 % -> gold), 80 (= 80 % -> iron)
    expect(tiersOf(profitabilityTiers(rows([50, 30, 20])))).toEqual({ c0: 'platinum', c1: 'gold', c2: 'iron' });
    // before: 0, 40 (crosses 50 -> platinum), 70 (crosses 80 -> gold), 90
    expect(tiersOf(profitabilityTiers(rows([40, 10, 30, 20])))).toEqual({ c0: 'platinum', c2: 'platinum', c3: 'gold', c1: 'iron' });
  });

  it('summaries add up; shares of net can exceed 1 when lead customers lose money', () => {
    const r = profitabilityTiers(rows([60, 30, 10, 0, -50]));
    expect(r.totals).toEqual({ customers: 5, revenueMinor: 5000, positiveMinor: 100, netMinor: 50 });
    expect(r.tiers.map((t) => [t.tier, t.customers, t.valueMinor])).toEqual([
      ['platinum', 1, 60],
      ['gold', 1, 30],
      ['iron', 1, 10],
      ['lead', 2, -50],
    ]);
    expect(r.tiers[0]!.valueShareOfNet).toBe(1.2);
    expect(r.tiers[0]!.valueShareOfPositive).toBe(0.6);
  });

  it('measure = margin ranks the margin instead', () => {
    const r = profitabilityTiers(rows([-1, -1, -1]), { measure: 'margin' });
    expect(r.customers[0]!.customerId).toBe('c2'); // margin 300
    expect(r.tiers.find((t) => t.tier === 'lead')!.customers).toBe(0);
  });

  it('custom cut-offs and option checks', () => {
    expect(tiersOf(profitabilityTiers(rows([50, 30, 20]), { cutoffs: { platinum: 0.3, gold: 0.3 } }))).toEqual({ c0: 'platinum', c1: 'iron', c2: 'iron' });
    expect(() => profitabilityTiers(rows([1]), { cutoffs: { platinum: 0.9, gold: 0.5 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => profitabilityTiers(rows([1]), { transaction: { minDiscountShare: 2, lowMarginFraction: 0.5 } })).toThrow(/thresholds/);
    expect(DEFAULTS.cutoffs).toEqual({ platinum: 0.5, gold: 0.8 });
  });
});

describe('profitabilityTiers: transaction customers', () => {
  it('discount share >= threshold (exactly 50 % flags) AND low margin', () => {
    // margins 100, 200, 300, 400 -> strictly lower: 0, 1, 2, 3 of 4 -> low for the first two only
    const disc = [500, 490, 900, 1000];
    const r = profitabilityTiers(rows([1, 1, 1, 1], (i) => ({ discountedSpendMinor: disc[i]! })));
    const byId = Object.fromEntries(r.customers.map((c) => [c.customerId, c]));
    expect(byId.c0).toMatchObject({ discountShare: 0.5, lowMargin: true, transactionCustomer: true });
    expect(byId.c1).toMatchObject({ discountShare: 0.49, lowMargin: true, transactionCustomer: false });
    expect(byId.c2).toMatchObject({ lowMargin: false, transactionCustomer: false }); // exactly half below: not low
    expect(byId.c3).toMatchObject({ lowMargin: false, transactionCustomer: false });
    expect(r.transactionCustomers).toEqual({ customers: 1, customerShare: 0.25, revenueMinor: 1000, marginMinor: 100 });
  });

  it('tied margins share the verdict of their group', () => {
    const r = profitabilityTiers(rows([1, 1, 1, 1], (i) => ({ marginMinor: i < 3 ? 10 : 40, discountedSpendMinor: 1000 })));
    expect(r.customers.filter((c) => c.transactionCustomer).length).toBe(3);
  });

  it('no revenue: discount share null, never flagged', () => {
    const r = profitabilityTiers(rows([0], () => ({ revenueMinor: 0, discountedSpendMinor: 0 })));
    expect(r.customers[0]).toMatchObject({ discountShare: null, transactionCustomer: false });
  });
});

describe('catalogue and table', () => {
  it('four tiers with zh-CN names', () => {
    expect(TIERS.map((t) => t.name.zh)).toEqual(['白金客户', '黄金客户', '黑铁客户', '铅客户']);
  });

  it('table has one row per tier', () => {
    const t = tierTable(profitabilityTiers(rows([60, 30, 10, 0])), 'zh-CN');
    expect(t.rows.length).toBe(4);
    expect(t.rows[0]!.slice(0, 3)).toEqual(['白金客户', 1, 0.25]);
    expect(t.columns.length).toBe(t.rows[0]!.length);
  });

  it('empty input', () => {
    const r = profitabilityTiers([]);
    expect(r.tiers.every((t) => t.customers === 0)).toBe(true);
  });
});
