import { describe, expect, it } from 'vitest';
import { lnGamma } from '../../special/index.js';
import {
  paretoNbdActiveExpected,
  paretoNbdConditionalExpected,
  paretoNbdExpected,
  paretoNbdLogLik,
  paretoNbdLogLikGradient,
  paretoNbdPAlive,
} from './pareto-nbd.js';

const P = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

/** Composite Simpson on [lo, hi] with n (even) panels. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 20_000): number {
  if (hi <= lo) return 0;
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

/**
 * The likelihood before any hypergeometric function appears (Fader & Hardie 2005 note §3): a customer
 * is either alive at T or died at some τ in (t_x, T]; integrating λ and μ over their gamma mixing
 * distributions gives
 * L = Γ(r+x) α^r β^s / Γ(r) × [ (α+T)^-(r+x) (β+T)^-s + s ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ ].
 * Evaluated here by quadrature: an independent check of the 2F1 route, in both α >= β and α < β.
 */
function quadratureLogLik(p: typeof P, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const lnC = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  // Scale out (α+t_x)^-(r+x) (β+t_x)^-s so that heavy buyers do not underflow the quadrature.
  const lnScale = -(r + x) * Math.log(alpha + tx) - s * Math.log(beta + tx);
  const alive = Math.exp(-(r + x) * Math.log(alpha + T) - s * Math.log(beta + T) - lnScale);
  const integral = simpson((tau) => Math.exp(-(r + x) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau) - lnScale), tx, T);
  return lnC + lnScale + Math.log(alive + s * integral);
}

describe('Pareto/NBD likelihood', () => {
  const customers = [
    { x: 0, tx: 0, T: 38.86 },
    { x: 1, tx: 1.71, T: 38.86 },
    { x: 2, tx: 30.43, T: 38.86 },
    { x: 7, tx: 29.43, T: 38.86 },
    { x: 26, tx: 30.86, T: 31 },
    { x: 3, tx: 38.85, T: 38.86 },
    { x: 2, tx: 10, T: 10 },
  ];
  const paramSets = [
    P, // α < β
    { r: 0.9, alpha: 20, s: 1.4, beta: 3 }, // α > β
    { r: 2.1, alpha: 7, s: 0.3, beta: 7 }, // α = β
    { r: 0.4, alpha: 300, s: 0.8, beta: 0.2 }, // α >> β: z close to 1
    { r: 0.4, alpha: 0.05, s: 0.8, beta: 40 }, // α << β
    // On the ridges (tail.ts quadrature route): where fits of homogeneous customers end (ridge.test.ts).
    { r: 2, alpha: 18.7, s: 1e4, beta: 4.9e5 }, // s, β large with s/β = 0.02
    { r: 1e4, alpha: 6.8e4, s: 0.6, beta: 13 }, // r, α large with r/α = 0.15
  ];
  for (const p of paramSets) {
    it(`matches quadrature of the defining integral at ${JSON.stringify(p)}`, () => {
      for (const c of customers) {
        // 1e-8 absolute on ln L: Simpson with 20k panels on a smooth integrand.
        expect(Math.abs(paretoNbdLogLik(p, [c]) - quadratureLogLik(p, c.x, c.tx, c.T))).toBeLessThan(1e-8);
      }
    });
  }

  for (const p of paramSets) {
    it(`has an analytic gradient matching central differences at ${JSON.stringify(p)}`, () => {
      const { logLik, gradient } = paretoNbdLogLikGradient(p, customers);
      expect(logLik).toBeCloseTo(paretoNbdLogLik(p, customers), 10);
      for (const k of ['r', 'alpha', 's', 'beta'] as const) {
        const h = 1e-6 * p[k];
        const fd = (paretoNbdLogLik({ ...p, [k]: p[k] + h }, customers) - paretoNbdLogLik({ ...p, [k]: p[k] - h }, customers)) / (2 * h);
        // 1e-6 relative: O(h²) truncation plus ~1e-9 rounding in the difference quotient.
        expect(Math.abs(gradient[k] - fd) / Math.max(1, Math.abs(fd)), k).toBeLessThan(1e-6);
      }
    });
  }

  it('is continuous across α = β, where the formula switches branch', () => {
    const c = [{ x: 4, tx: 20, T: 39 }];
    const at = paretoNbdLogLik({ ...P, alpha: 11.669 }, c);
    expect(paretoNbdLogLik({ ...P, alpha: 11.669 * (1 + 1e-10) }, c)).toBeCloseTo(at, 8);
    expect(paretoNbdLogLik({ ...P, alpha: 11.669 * (1 - 1e-10) }, c)).toBeCloseTo(at, 8);
  });
});

describe('Pareto/NBD expectations', () => {
  it('E[X(t)] matches quadrature of (r/α) ∫0^t (β/(β+τ))^s dτ (the mean of λ(1 - e^(-μt))/μ)', () => {
    for (const p of [P, { ...P, s: 1 }, { ...P, s: 2.5 }]) {
      for (const t of [1, 39, 500]) {
        const q = (p.r / p.alpha) * simpson((tau) => Math.pow(p.beta / (p.beta + tau), p.s), 0, t);
        expect(paretoNbdExpected(p, t)).toBeCloseTo(q, 9);
      }
    }
  });

  it('is exact at s = 1 (removable singularity) and continuous around it', () => {
    const at = paretoNbdActiveExpected({ ...P, s: 1 }, 3, 30, 52);
    expect(paretoNbdActiveExpected({ ...P, s: 1 + 1e-9 }, 3, 30, 52)).toBeCloseTo(at, 7);
    expect(paretoNbdActiveExpected({ ...P, s: 1 - 1e-9 }, 3, 30, 52)).toBeCloseTo(at, 7);
  });

  it('P(alive) lies in [0, 1], is 1 when the last purchase is at T, and falls with silence', () => {
    expect(paretoNbdPAlive(P, { x: 3, tx: 20, T: 20 })).toBe(1);
    let prev = 1;
    for (const T of [21, 30, 60, 120]) {
      const p = paretoNbdPAlive(P, { x: 3, tx: 20, T });
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(prev);
      prev = p;
    }
  });
});

describe('Pareto/NBD numerical stability', () => {
  it("survives the lifetimes overflow cases (params 10.465, 0.00799, 3.0516, 2.820; x up to 500)", () => {
    // From lifetimes' test_overflow_error / test_conditional_probability_alive_overflow_error.
    const p = { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 };
    for (const [x, tx, T] of [
      [400, 5, 6],
      [500, 1, 37],
      [500, 4, 37],
      [40, 5, 6],
      [50, 1, 37],
    ] as const) {
      const ll = paretoNbdLogLik(p, [{ x, tx, T }]);
      expect(Number.isFinite(ll)).toBe(true);
      const pa = paretoNbdPAlive(p, { x, tx, T });
      expect(pa >= 0 && pa <= 1).toBe(true);
    }
  });

  it('conditional expectations of heavy buyers are finite and smooth in x (lifetimes underflow case)', () => {
    // lifetimes' test_conditional_expectation_underflow: 6.2061 and 6.2529 for x = 132, 133.
    const p = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };
    const left = paretoNbdConditionalExpected(p, { x: 132, tx: 200, T: 200 }, 10);
    const right = paretoNbdConditionalExpected(p, { x: 133, tx: 200, T: 200 }, 10);
    expect(left).toBeCloseTo(6.2060517889632418, 6);
    expect(right).toBeCloseTo(6.2528722475748113, 6);
    for (const c of [
      { x: 800, tx: 150, T: 1000 },
      { x: 500, tx: 999, T: 1000 },
    ]) {
      const e = paretoNbdConditionalExpected(p, c, 52);
      expect(Number.isFinite(e) && e >= 0).toBe(true);
    }
  });
});
