import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDataPath } from '../../test-support/paths.js';
import { holdoutReport, trackingSeries } from './holdout.js';
import { fitBgNbd } from './bg-nbd/bg-nbd.js';
import { fitGammaGamma } from './gamma-gamma/gamma-gamma.js';
import { conditionalExpected, predictClv, unconditionalExpected } from './predict.js';
import type { RepeatModel } from './types.js';

const bg: RepeatModel = { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } };
const pn: RepeatModel = { model: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } };
const customers = [
  { x: 0, tx: 0, T: 38.86, mx: 0 },
  { x: 2, tx: 30.43, T: 38.86, mx: 22.35 },
  { x: 7, tx: 29.43, T: 38.86, mx: 73.74 },
  { x: 1, tx: 1.71, T: 38.86, mx: 11.77 },
];

describe('predictClv', () => {
  it('without discounting, CLV = margin × spend × E[Y(H) | x, t_x, T] for both models', () => {
    for (const model of [bg, pn]) {
      const out = predictClv(model, customers, { horizon: 52, annualDiscountRate: 0, spend: 10, margin: 0.5 });
      out.forEach((o, i) => {
        const e = conditionalExpected(model, customers[i]!, 52);
        // 1e-12 relative: the per-period increments telescope to E[Y(52)].
        expect(o.expectedPurchases).toBeCloseTo(e, 10);
        expect(o.discountedPurchases).toBeCloseTo(e, 10);
        expect(o.clv).toBeCloseTo(0.5 * 10 * e, 9);
      });
    }
  });

  it('discounting lowers CLV, and a per-customer spend overrides the spend model', () => {
    const a = predictClv(bg, customers, { annualDiscountRate: 0, spend: 10 });
    const b = predictClv(bg, customers, { annualDiscountRate: 0.2, spend: 10 });
    a.forEach((o, i) => expect(b[i]!.clv).toBeLessThan(o.clv));
    const c = predictClv(bg, [{ ...customers[1]!, spend: 99 }], { spend: 10 });
    expect(c[0]!.expectedSpend).toBe(99);
    expect(predictClv(bg, customers)[0]!.clv).toBeNaN(); // no spend given: NaN, not a made-up number
    expect(() => predictClv(bg, customers, { horizon: 0 })).toThrow(RangeError);
  });

  it("reproduces the lifetimes Quickstart CLV for CDNOW (BG/NBD + Gamma-Gamma, 12 steps of 30 weeks at 1%)", () => {
    // CamDavidsonPilon/lifetimes docs/Quickstart.md: ggf.customer_lifetime_value(bgf, ..., time=12,
    // discount_rate=0.01) with the default freq 'D' = steps of 30 model periods (weeks here), each discounted
    // by 1.01^k. 1e-5 relative: both fits agree to ~1e-6 in the parameters.
    const rows = readFileSync(sharedDataPath('cdnow_sample_summary_with_spend.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => {
        const [, x, tx, T, mx] = line.split(',').map(Number);
        return { x: x!, tx: tx!, T: T!, mx: mx! };
      });
    const bgFit = fitBgNbd(rows);
    const ggFit = fitGammaGamma(rows);
    if (!bgFit.ok || !ggFit.ok) throw new Error('fit failed');
    const clv = predictClv(bgFit, rows.slice(0, 10), {
      horizon: 12,
      periodLength: 30,
      periodsPerYear: 12,
      annualDiscountRate: 1.01 ** 12 - 1,
      spend: ggFit.params,
    });
    const lifetimes = [140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574];
    clv.forEach((c, i) => expect(Math.abs(c.clv - lifetimes[i]!) / lifetimes[i]!).toBeLessThan(1e-5));
  });
});

describe('holdout report', () => {
  it('tracking: a single customer born at 0 expects E[X(k)] - E[X(k-1)] in period k', () => {
    const points = trackingSeries(bg, [{ x: 0, tx: 0, T: 10 }], { origin: 0, calibrationEnd: 10, periods: 20 });
    points.forEach((p) => {
      const k = p.period;
      expect(p.expected).toBeCloseTo(unconditionalExpected(bg, k) - unconditionalExpected(bg, k - 1), 12);
      expect(p.holdout).toBe(k > 10);
      expect(p.actual).toBeNull();
    });
    // A customer born at t = 2.5 contributes nothing before then.
    const late = trackingSeries(bg, [{ x: 0, tx: 0, T: 7.5 }], { origin: 0, calibrationEnd: 10, periods: 4 });
    expect(late[0]!.expected).toBe(0);
    expect(late[1]!.expected).toBe(0);
    expect(late[2]!.expected).toBeCloseTo(unconditionalExpected(bg, 0.5), 12);
  });

  it('buckets conditional expectations by calibration frequency with customer weights', () => {
    const rows = [
      { x: 0, tx: 0, T: 30, holdoutCount: 1, weight: 3 },
      { x: 1, tx: 5, T: 30, holdoutCount: 0 },
      { x: 9, tx: 29, T: 30, holdoutCount: 6 },
    ];
    const r = holdoutReport(pn, rows, { holdoutLength: 20, maxFrequency: 2 });
    expect(r.byFrequency.map((b) => [b.label, b.customers])).toEqual([
      ['0', 3],
      ['1', 1],
      ['2+', 1],
    ]);
    expect(r.totals.actual).toBe(9);
    const expected = 3 * conditionalExpected(pn, rows[0]!, 20) + conditionalExpected(pn, rows[1]!, 20) + conditionalExpected(pn, rows[2]!, 20);
    expect(r.totals.predicted).toBeCloseTo(expected, 10);
    expect(r.byFrequency[0]!.actualMean).toBeCloseTo(1 / 1, 12);
  });
});
