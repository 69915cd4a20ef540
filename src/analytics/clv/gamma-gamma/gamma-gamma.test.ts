import { describe, expect, it } from 'vitest';
import { lnGamma } from '../../special/index.js';
import {
  assessSpendData,
  fitGammaGamma,
  gammaGammaConditionalSpend,
  gammaGammaLogLik,
  gammaGammaLogLikGradient,
  gammaGammaMeanSpend,
} from './gamma-gamma.js';

const P = { p: 6.25, q: 3.74, gamma: 15.44 };

/**
 * Density of the mean m_x of x values ~ Gamma(p, ν), i.e. m_x ~ Gamma(px, xν), integrated over
 * ν ~ Gamma(q, γ) by Simpson on a log-spaced grid — the model's definition, without the closed form.
 */
function quadratureDensity(p: number, q: number, g: number, x: number, m: number): number {
  const lnGammaDensity = (v: number, shape: number, rate: number) =>
    shape * Math.log(rate) + (shape - 1) * Math.log(v) - rate * v - lnGamma(shape);
  const lo = Math.log(1e-6);
  const hi = Math.log(100);
  const n = 20_000;
  const h = (hi - lo) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const u = lo + i * h;
    const nu = Math.exp(u);
    const f = Math.exp(lnGammaDensity(m, p * x, x * nu) + lnGammaDensity(nu, q, g)) * nu; // dν = ν du
    s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * f;
  }
  return (s * h) / 3;
}

describe('Gamma-Gamma likelihood (Fader & Hardie 2013 note; FHL 2005 JMR)', () => {
  it('equals the mixture density computed by quadrature', () => {
    for (const [x, m] of [
      [1, 11.77],
      [2, 22.35],
      [7, 73.74],
      [30, 40],
    ] as const) {
      const closed = gammaGammaLogLik(P, [{ x, mx: m }]);
      // 1e-7 absolute on the log density: the quadrature integrand is smooth on the log grid.
      expect(Math.abs(closed - Math.log(quadratureDensity(P.p, P.q, P.gamma, x, m)))).toBeLessThan(1e-7);
    }
  });

  it('has an analytic gradient that matches central differences', () => {
    const rows = [
      { x: 1, mx: 11.77, weight: 2 },
      { x: 2, mx: 22.35 },
      { x: 7, mx: 73.74 },
      { x: 30, mx: 40 },
    ];
    const { logLik, gradient } = gammaGammaLogLikGradient(P, rows);
    expect(logLik).toBeCloseTo(gammaGammaLogLik(P, rows), 12);
    for (const k of ['p', 'q', 'gamma'] as const) {
      const h = 1e-6 * P[k];
      const fd = (gammaGammaLogLik({ ...P, [k]: P[k] + h }, rows) - gammaGammaLogLik({ ...P, [k]: P[k] - h }, rows)) / (2 * h);
      expect(Math.abs(gradient[k] - fd) / Math.max(1, Math.abs(fd))).toBeLessThan(1e-6);
    }
  });

  it('skips customers without repeat purchases and weights rows', () => {
    const one = gammaGammaLogLik(P, [{ x: 2, mx: 20 }]);
    expect(gammaGammaLogLik(P, [{ x: 2, mx: 20, weight: 3 }, { x: 0, mx: 0 }])).toBeCloseTo(3 * one, 10);
  });
});

describe('Gamma-Gamma expected spend', () => {
  it('is a weighted average of the population mean and the customer mean (Fader & Hardie 2013 note; FHL 2005 JMR)', () => {
    const x = 4;
    const m = 50;
    const pop = gammaGammaMeanSpend(P);
    const w = (P.q - 1) / (P.p * x + P.q - 1);
    expect(gammaGammaConditionalSpend(P, x, m)).toBeCloseTo(w * pop + (1 - w) * m, 10);
    expect(gammaGammaConditionalSpend(P, 0, 0)).toBeCloseTo(pop, 12);
  });

  it('has no population mean when q <= 1', () => {
    expect(gammaGammaMeanSpend({ ...P, q: 0.9 })).toBeNaN();
    expect(gammaGammaConditionalSpend({ ...P, q: 0.9 }, 0, 0)).toBeNaN();
    expect(Number.isFinite(gammaGammaConditionalSpend({ ...P, q: 0.9 }, 3, 20))).toBe(true);
  });
});

describe('Gamma-Gamma data checks', () => {
  it('refuses too few repeat buyers and reports the frequency-spend correlation', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ x: 1 + (i % 3), mx: 10 + i }));
    const a = assessSpendData(rows);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.code).toBe('too-few-repeat-buyers');
    const fit = fitGammaGamma(rows);
    expect(fit.ok).toBe(false);
    expect(Number.isFinite(a.frequencySpendCorrelation)).toBe(true);
    expect(assessSpendData([{ x: -1, mx: 3 }]).ok).toBe(false);
  });
});
