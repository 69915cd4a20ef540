import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.js';
import { hyp2f1, lnBeta, lnGamma } from '../../special/index.js';
import { groupSummaries } from '../summaries.js';
import { simulateBgNbd } from '../simulate.js';
import {
  bgNbdActiveExpected,
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdLogLik,
  bgNbdLogLikGradient,
  bgNbdPAlive,
  fitBgNbd,
} from './bg-nbd.js';

const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** FHL 2005 eq. 6 written out literally with Beta functions (an independent transcription). */
function literalLikelihood(p: typeof P, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const g = Math.exp(lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha));
  const first = Math.exp(lnBeta(a, b + x) - lnBeta(a, b)) * g / Math.pow(alpha + T, r + x);
  const second = x > 0 ? Math.exp(lnBeta(a + 1, b + x - 1) - lnBeta(a, b)) * g / Math.pow(alpha + tx, r + x) : 0;
  return first + second;
}

/** FHL eq. 10 numerator exactly as printed, using the general 2F1 (fine away from a = 1). */
function literalActive(p: typeof P, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * f);
}

/**
 * E[X(t)] by quadrature over the dropout probability: given p, E[X(t) | λ, p] = (1 - e^(-λpt))/p
 * (FHL eq. 7), and averaging over λ ~ Gamma(r, α) gives (1 - (α/(α+pt))^r)/p; then p ~ Beta(a, b).
 * tanh-sinh on (0, 1) handles the p^(a-1) end-point singularity.
 */
function quadratureExpected(p: typeof P, t: number): number {
  const { r, alpha, a, b } = p;
  const h = 1 / 128;
  let s = 0;
  for (let k = -6 * 128; k <= 6 * 128; k++) {
    const u = (Math.PI / 2) * Math.sinh(k * h);
    const q = 1 / (1 + Math.exp(-2 * u));
    const oneMinusQ = 1 / (1 + Math.exp(2 * u));
    const ch = Math.cosh(u);
    const w = ((Math.PI / 4) * Math.cosh(k * h)) / (ch * ch);
    if (w === 0 || q === 0 || oneMinusQ === 0) continue;
    const density = Math.exp((a - 1) * Math.log(q) + (b - 1) * Math.log(oneMinusQ) - lnBeta(a, b));
    s += w * density * (-Math.expm1(-r * Math.log1p((q * t) / alpha)) / q);
  }
  return s * h;
}

describe('BG/NBD likelihood (FHL 2005 eq. 6)', () => {
  it('equals the literal formula, summed with weights', () => {
    const rows = [
      { x: 0, tx: 0, T: 38.86, weight: 3 },
      { x: 1, tx: 1.71, T: 38.86, weight: 1 },
      { x: 2, tx: 30.43, T: 38.86, weight: 2 },
      { x: 14, tx: 35.1, T: 36.0, weight: 1 },
    ];
    const literal = rows.reduce((s, c) => s + c.weight * Math.log(literalLikelihood(P, c.x, c.tx, c.T)), 0);
    // 1e-10 relative: both are double-precision evaluations of the same expression.
    expect(bgNbdLogLik(P, rows)).toBeCloseTo(literal, 8);
  });

  it('has an analytic gradient that matches central differences of the log-likelihood', () => {
    const rows = [
      { x: 0, tx: 0, T: 38.86, weight: 3 },
      { x: 1, tx: 1.71, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86, weight: 2 },
      { x: 14, tx: 35.1, T: 36.0 },
      { x: 3, tx: 5, T: 30 },
    ];
    const { logLik, gradient } = bgNbdLogLikGradient(P, rows);
    expect(logLik).toBeCloseTo(bgNbdLogLik(P, rows), 12);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      const h = 1e-6 * P[k];
      const fd = (bgNbdLogLik({ ...P, [k]: P[k] + h }, rows) - bgNbdLogLik({ ...P, [k]: P[k] - h }, rows)) / (2 * h);
      // 1e-6 relative: central differences carry O(h²) truncation and ~1e-10 rounding here.
      expect(Math.abs(gradient[k] - fd) / Math.max(1, Math.abs(fd))).toBeLessThan(1e-6);
    }
  });

  it('is NaN for non-positive parameters (never a silent number)', () => {
    expect(bgNbdLogLik({ ...P, a: 0 }, [{ x: 1, tx: 1, T: 2 }])).toBeNaN();
    expect(bgNbdLogLik({ ...P, r: -1 }, [{ x: 1, tx: 1, T: 2 }])).toBeNaN();
  });
});

describe('BG/NBD expectations (FHL 2005 eqs. 9-10)', () => {
  it('the stable form equals the printed eq. 10 numerator, for a < 1 and a > 1', () => {
    for (const p of [P, { r: 1.3, alpha: 2.5, a: 3.2, b: 7.5 }, { r: 0.5, alpha: 10, a: 0.4, b: 0.3 }]) {
      for (const [x, T, t] of [
        [0, 0, 5],
        [0, 30, 52],
        [3, 20, 10],
        [12, 38, 78],
      ] as const) {
        // 1e-9 relative: two algebraically equal double-precision evaluations.
        const v = bgNbdActiveExpected(p, x, T, t);
        expect(Math.abs(v - literalActive(p, x, T, t)) / v).toBeLessThan(1e-9);
      }
    }
  });

  it('E[X(t)] agrees with direct quadrature over p (an independent derivation)', () => {
    for (const p of [P, { r: 2, alpha: 3, a: 1.5, b: 4 }]) {
      for (const t of [0.5, 10, 78, 500]) {
        // 1e-9 relative: tanh-sinh converges to ~1e-13 here.
        expect(Math.abs(bgNbdExpected(p, t) - quadratureExpected(p, t)) / quadratureExpected(p, t)).toBeLessThan(1e-9);
      }
    }
  });

  it('is continuous through a = 1, where eq. 10 is 0/0, and through a + b = 1', () => {
    const at1 = bgNbdActiveExpected({ ...P, a: 1 }, 2, 30, 39);
    expect(Number.isFinite(at1)).toBe(true);
    for (const eps of [1e-9, -1e-9, 1e-6]) {
      expect(bgNbdActiveExpected({ ...P, a: 1 + eps }, 2, 30, 39)).toBeCloseTo(at1, 5);
    }
    // a + b - 1 = 0 makes the 2F1 of eq. 9 have c = 0; the expectation itself is smooth there.
    const c0 = bgNbdExpected({ r: 0.5, alpha: 3, a: 0.4, b: 0.6 }, 20);
    expect(bgNbdExpected({ r: 0.5, alpha: 3, a: 0.4, b: 0.6 + 1e-8 }, 20)).toBeCloseTo(c0, 6);
    expect(quadratureExpected({ r: 0.5, alpha: 3, a: 0.4, b: 0.6 }, 20)).toBeCloseTo(c0, 8);
  });

  it('P(alive) is 1 without repeat purchases, in (0, 1] otherwise, and falls as the silence grows', () => {
    expect(bgNbdPAlive(P, { x: 0, tx: 0, T: 50 })).toBe(1);
    let prev = 1;
    for (const T of [10, 20, 40, 80]) {
      const p = bgNbdPAlive(P, { x: 3, tx: 10, T });
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
  });
});

describe('BG/NBD numerical stability', () => {
  it('customers with hundreds of purchases and long histories give finite results', () => {
    const heavy = [
      { x: 500, tx: 200, T: 200 },
      { x: 500, tx: 1, T: 300 },
      { x: 800, tx: 150, T: 1000 },
      { x: 300, tx: 999.9, T: 1000 },
    ];
    for (const c of heavy) {
      const pa = bgNbdPAlive(P, c);
      const e = bgNbdConditionalExpected(P, c, 52);
      expect(Number.isFinite(pa) && pa >= 0 && pa <= 1).toBe(true);
      expect(Number.isFinite(e) && e >= 0).toBe(true);
      expect(Number.isFinite(bgNbdLogLik(P, [c]))).toBe(true);
    }
    // A customer buying ~2.5 times a week who just bought is expected to keep buying at about that rate.
    const e = bgNbdConditionalExpected(P, { x: 500, tx: 200, T: 200 }, 10);
    expect(e).toBeGreaterThan(15);
    expect(e).toBeLessThan(30);
    expect(bgNbdPAlive(P, { x: 500, tx: 1, T: 300 })).toBeLessThan(1e-100);
    expect(Number.isFinite(bgNbdExpected(P, 1e5))).toBe(true);
  });

  it('fits data that include such customers without NaN', () => {
    const rng = createRng(11);
    const rows = [
      ...simulateBgNbd(P, { customers: 3000, T: 39, rng }),
      { x: 400, tx: 38.9, T: 39 },
      { x: 250, tx: 2, T: 39 },
    ];
    const fit = fitBgNbd(rows);
    expect(fit.ok).toBe(true);
    if (fit.ok) {
      expect(Number.isFinite(fit.logLik)).toBe(true);
      expect(Object.values(fit.params).every(Number.isFinite)).toBe(true);
    }
  });
});

describe('BG/NBD fitting', () => {
  it('grouped and ungrouped rows give the same fit (the likelihood is a weighted sum)', () => {
    const rng = createRng(5);
    // Times on a day grid (weeks / 7) so that many customers share a summary.
    const rows = simulateBgNbd(P, { customers: 4000, T: (i) => (273 - (i % 84)) / 7, rng, resolution: 1 / 7 });
    const grouped = groupSummaries(rows);
    expect(grouped.length).toBeLessThan(rows.length / 2);
    const a = fitBgNbd(rows, { group: false });
    const b = fitBgNbd(grouped, { group: false });
    if (!a.ok || !b.ok) throw new Error('fit failed');
    expect(b.n).toBe(a.n);
    expect(b.logLik).toBeCloseTo(a.logLik, 6); // same sum, different order: ~1e-12 relative
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      // 1e-5 relative: both runs stop at the optimiser's xTolerance (1e-6 on the log scale) around the same optimum.
      expect(Math.abs(b.params[k] - a.params[k]) / a.params[k]).toBeLessThan(1e-5);
    }
  });

  it('refuses data that cannot support the model, with a plain reason', () => {
    const few = fitBgNbd([{ x: 1, tx: 1, T: 5 }, { x: 0, tx: 0, T: 5 }]);
    expect(few.ok).toBe(false);
    if (!few.ok) {
      expect(few.code).toBe('too-few-customers');
      expect(few.reason).toMatch(/customers/);
    }
  });
});
