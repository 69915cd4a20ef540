import { describe, expect, it } from 'vitest';
import { createRng, gamma } from '../random.js';
import { assignControlGroup } from './assign.js';
import { type CampaignOutcome, campaignRoi, measureCampaign, responseUplift, revenueUplift } from './uplift.js';

describe('responseUplift', () => {
  it('hand-computed Wald: 60/1000 vs 40/1000', () => {
    // d = 0.02, SE = √(0.06·0.94/1000 + 0.04·0.96/1000) = √0.0000948 = 0.0097365...
    const r = responseUplift({ customers: 1000, responders: 60 }, { customers: 1000, responders: 40 }, { method: 'wald' });
    expect(r.difference).toBeCloseTo(0.02, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(0.0000948), 12);
    expect(r.ci.lower).toBeCloseTo(0.02 - 1.959963984540054 * Math.sqrt(0.0000948), 12);
    expect(r.relativeLift).toBeCloseTo(0.5, 12);
    expect(r.incrementalResponders).toBeCloseTo(20, 9);
  });
});

describe('revenueUplift and campaignRoi', () => {
  // Reference: scipy.stats.ttest_ind(t, c, equal_var=False): df 11.503530498225011,
  // CI (-380.4724961533541, 1680.472496153354), p 0.1935307083483238.
  const t = [0, 0, 1500, 0, 2500, 0, 0, 4000, 0, 1000];
  const c = [0, 0, 0, 1200, 0, 0, 0, 800];

  it('Welch interval of revenue per customer', () => {
    const u = revenueUplift(t, c);
    expect(u.treatment.revenue).toBe(9000);
    expect(u.control.revenue).toBe(2000);
    expect(u.difference).toBe(650);
    expect(u.df).toBeCloseTo(11.503530498225011, 9);
    expect(u.ci.lower).toBeCloseTo(-380.4724961533541, 8);
    expect(u.ci.upper).toBeCloseTo(1680.472496153354, 8);
    expect(u.pValue).toBeCloseTo(0.1935307083483238, 10);
  });

  it('incremental revenue and ROI (hand-computed)', () => {
    // 650 per customer · 10 treated = 6500; margin 40% = 2600; ROI = (2600 - 1000)/1000 = 1.6
    const r = campaignRoi(revenueUplift(t, c), { cost: 1000, marginRate: 0.4 });
    expect(r.incrementalRevenue).toBe(6500);
    expect(r.incrementalMargin).toBe(2600);
    expect(r.roi).toBeCloseTo(1.6, 12);
    expect(r.incrementalRevenueCi).toMatchObject({ lower: -3805, upper: 16805 });
    expect(r.roiCi!.lower).toBeCloseTo(-2.5218899846134164, 9);
    expect(r.roiCi!.upper).toBeCloseTo(5.7218899846134175, 9);
    expect(campaignRoi(revenueUplift(t, c), { cost: 0, marginRate: 0.4 }).roi).toBeNull();
  });

  it('rejects non-integer money', () => {
    expect(() => revenueUplift([1.5, 2], [1, 2])).toThrow(/integer/);
  });
});

describe('simulated campaign with a known effect (seeded)', () => {
  it('recovers +2 points of response and +200 revenue per customer', () => {
    const rng = createRng(7);
    const ids = Array.from({ length: 40_000 }, (_, i) => `C${String(i).padStart(6, '0')}`);
    const { control } = assignControlGroup('summer-sale', ids, 0.25);
    const inControl = new Set(control);
    // response 4% in control, 6% when contacted; a responder spends Gamma(2, mean 10000) minor units
    const outcomes: CampaignOutcome[] = ids.map((customerId) => {
      const group = inControl.has(customerId) ? 'control' : 'treatment';
      const responded = rng() < (group === 'control' ? 0.04 : 0.06);
      return { customerId, group, responded, revenue: responded ? Math.round(gamma(rng, 2, 2 / 10_000)) : 0 };
    });
    const m = measureCampaign(outcomes, { cost: 3_000_000, marginRate: 0.5 });
    expect(m.response.control.customers).toBe(10_000);
    // SE of the rate difference ≈ 0.0024 and of revenue per customer ≈ 30; tolerances are ~3 SE
    expect(Math.abs(m.response.difference - 0.02)).toBeLessThan(0.008);
    expect(m.response.ci.lower).toBeLessThan(0.02);
    expect(m.response.ci.upper).toBeGreaterThan(0.02);
    expect(m.response.ci.lower).toBeGreaterThan(0);
    expect(Math.abs(m.revenue.difference - 200)).toBeLessThan(100);
    expect(m.revenue.ci.lower).toBeLessThan(200);
    expect(m.revenue.ci.upper).toBeGreaterThan(200);
    // true incremental revenue 200 · 30000 = 6,000,000; margin 3,000,000 = cost, so true ROI = 0
    expect(m.roi.roiCi!.lower).toBeLessThan(0);
    expect(m.roi.roiCi!.upper).toBeGreaterThan(0);
    expect(m.revenue.treatment.revenue + m.revenue.control.revenue).toBe(outcomes.reduce((s, o) => s + o.revenue, 0));
  });
});
