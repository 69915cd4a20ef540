import { describe, expect, it } from 'vitest';
import { createRng } from '../../analytics/random.js';
import { drawCustomer, expectedRepeats, hyp2f1Series, probNoRepeat, simulateLifetime, type ProcessParams } from './process.js';
import { buildSeason, operationalTime, type Season } from './seasonality.js';
import { dayNumber } from '../time.js';

/** A season with m = 1 every day: the plain (homogeneous) BG/NBD process. */
function flatSeason(days: number): Season {
  const m = new Float64Array(days).fill(1);
  const cum = new Float64Array(days + 1).map((_, i) => i);
  return { startDay: 0, days, m, mMax: 1, cum, holidays: [], promo: new Uint8Array(days), giftSeason: new Uint8Array(days) };
}

function meanAndSe(xs: number[]): { mean: number; se: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

describe('hyp2f1Series', () => {
  it('matches closed forms', () => {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z (Abramowitz & Stegun 15.1.3); 1e-12 relative covers summation error.
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1Series(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
    }
    // 2F1(a, b; b; z) = (1 - z)^-a (A&S 15.1.8).
    expect(hyp2f1Series(0.7, 2.5, 2.5, 0.8)).toBeCloseTo(Math.pow(0.2, -0.7), 10);
  });
});

describe('BG/NBD process', () => {
  const params: ProcessParams = { r: 0.8, alpha: 40, a: 1.5, b: 6 };

  it('expectedRepeats is 0 at t = 0 and tends to the no-dropout mean r t / alpha for small t', () => {
    expect(expectedRepeats(params, 0)).toBe(0);
    // For t -> 0, E[X(t)] ~ E[lambda] t = r t / alpha (dropouts need a purchase first).
    const t = 1e-3;
    expect(expectedRepeats(params, t) / ((params.r * t) / params.alpha)).toBeCloseTo(1, 3);
  });

  it('simulated repeat counts agree with E[X(t)] and P(X(t) = 0) (FHL 2005 eqs. 8-9)', () => {
    const rng = createRng(7);
    const season = flatSeason(400);
    const xs: number[] = [];
    let zeros = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const life = simulateLifetime(rng, drawCustomer(rng, params), 0, season);
      xs.push(life.times.length - 1);
      if (life.times.length === 1) zeros++;
    }
    const { mean, se } = meanAndSe(xs);
    // 4 standard errors: a false alarm about once in 16,000 runs (fixed seed, so never in practice).
    expect(Math.abs(mean - expectedRepeats(params, 400))).toBeLessThan(4 * se);
    const p0 = probNoRepeat(params, 400);
    expect(Math.abs(zeros / n - p0)).toBeLessThan(4 * Math.sqrt((p0 * (1 - p0)) / n));
  });

  it('under seasonal thinning, counts follow the process in operational time', () => {
    const rng = createRng(11);
    const season = buildSeason(dayNumber('2024-07-01'), 730);
    const xs: number[] = [];
    let expected = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const t0 = rng() * 730;
      const life = simulateLifetime(rng, drawCustomer(rng, params), t0, season);
      xs.push(life.times.length - 1);
      expected += expectedRepeats(params, operationalTime(season, t0));
    }
    const { mean, se } = meanAndSe(xs);
    expect(Math.abs(mean - expected / n)).toBeLessThan(4 * se);
  });

  it('draws lambda and p with the stated means', () => {
    const rng = createRng(3);
    const n = 50_000;
    const lam: number[] = [];
    const ps: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = drawCustomer(rng, params);
      lam.push(d.lambda);
      ps.push(d.p);
    }
    const l = meanAndSe(lam);
    const p = meanAndSe(ps);
    expect(Math.abs(l.mean - params.r / params.alpha)).toBeLessThan(4 * l.se);
    expect(Math.abs(p.mean - params.a / (params.a + params.b))).toBeLessThan(4 * p.se);
  });
});
