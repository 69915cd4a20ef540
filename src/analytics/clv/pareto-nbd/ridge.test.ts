/**
 * The Pareto/NBD ridge (issue #4). When customers share one dropout rate the likelihood keeps rising
 * as s, β → ∞ with s/β fixed (and likewise r, α → ∞ when they share one purchase rate): there is no
 * finite maximum. Before the fix such fits never returned: each step up the ridge made the ₂F₁ series
 * longer (its length grows like β/α), and past the series' term cap the dropout term was silently
 * dropped, so the line search saw a wrong likelihood. Now every evaluation has bounded cost and the
 * search is bounded at DEFAULTS.paretoNbd.maxShape, and the fit says so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lnGamma } from '../../special/index.js';
import { createRng } from '../../random.js';
import { fitBgNbd } from '../bg-nbd/bg-nbd.js';
import { DEFAULTS } from '../defaults.js';
import { simulateParetoNbd } from '../simulate.js';
import type { ParetoNbdParams, WeightedSummary } from '../types.js';
import { fitParetoNbd, paretoNbdLogLik } from './pareto-nbd.js';

/**
 * ridge-demo-seed7.csv: the grouped calibration summaries of `patron demo --customers 300 --seed 7
 * --end 2026-06-30`, as `patron model fit --model pareto-nbd` builds them (SQL pipeline, weekly periods,
 * calibration to 2026-06-30): 300 customers in 299 distinct rows, times stored in days (t = days / 7).
 * Before the fix this fit was stopped by the 60 s worker limit (src/domain/predictions/fit-runner.ts).
 */
const demoRows: WeightedSummary[] = readFileSync(new URL('./ridge-demo-seed7.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => line.split(',').map(Number))
  .map(([x, txDays, TDays, weight]) => ({ x: x!, tx: txDays! / 7, T: TDays! / 7, weight: weight! }));

const cap = DEFAULTS.paretoNbd.maxShape;

/** Along a ridge at a given shape: same r/α and s/β. */
const alongS = (p: ParetoNbdParams, s: number): ParetoNbdParams => ({ ...p, s, beta: (p.beta * s) / p.s });

/** Composite Simpson on [lo, hi] with n (even) panels. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 20_000): number {
  if (hi <= lo) return 0;
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

/**
 * The model's limit as s, β → ∞ with s/β = μ: lifetimes Exp(μ) for everyone, so (FH note §3 with a point
 * mass for μ) L = Γ(r+x) α^r / Γ(r) × [ (α+T)^-(r+x) e^(-μT) + μ ∫_{t_x}^T (α+τ)^-(r+x) e^(-μτ) dτ ],
 * integrated here by Simpson: an independent check of the large-s evaluation.
 */
function exponentialDropoutLogLik(r: number, alpha: number, mu: number, c: { x: number; tx: number; T: number }): number {
  const a = r + c.x;
  const lnScale = -a * Math.log(alpha + c.tx) - mu * c.tx; // the integrand's value at t_x, scaled out
  const f = (tau: number) => Math.exp(-a * Math.log(alpha + tau) - mu * tau - lnScale);
  const inner = Math.exp(-a * Math.log(alpha + c.T) - mu * c.T - lnScale) + mu * simpson(f, c.tx, c.T);
  return lnGamma(a) - lnGamma(r) + r * Math.log(alpha) + lnScale + Math.log(inner);
}

describe('Pareto/NBD on the s, β ridge (demo business, seed 7)', () => {
  const fit = fitParetoNbd(demoRows);

  it('ends, at the bound, with converged = false and a reason that names the ridge and the common rate', () => {
    if (!fit.ok) throw new Error(fit.reason);
    // Measured: 60 evaluations, all L-BFGS. The bound is far below L-BFGS's own 1000-evaluation cap.
    expect(fit.evaluations).toBeLessThan(200);
    expect(fit.optimizer).toBe('lbfgs');
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/^no finite maximum: the likelihood keeps rising as s and β grow together with s\/β = 0\.020\d+ per period/);
    expect(fit.reason).toMatch(/Reported at the bound s = 10000 \(DEFAULTS\.paretoNbd\.maxShape\)/);
    expect(fit.params.s).toBe(cap);
    // Measured s/β = 0.020337, r = 2.0031, α = 18.726; 1%: the optimiser's tolerance in the
    // directions that are identified (they are, to ~10% standard error, at this n).
    expect(Math.abs(fit.params.s / fit.params.beta / 0.020337 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.r / 2.0031 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.alpha / 18.726 - 1)).toBeLessThan(0.01);
    expect(fit.standardErrors).toBeNull();
    expect(fit.warnings.some((w) => w.startsWith('s at the bound 10000'))).toBe(true);
    expect(fit.warnings.some((w) => w.startsWith('standard errors not reported'))).toBe(true);
  });

  it('reports the likelihood of the reported parameters, a hair below the supremum along the ridge', () => {
    if (!fit.ok) throw new Error(fit.reason);
    // Same function, same point: only rounding differs.
    expect(Math.abs(fit.logLik - paretoNbdLogLik(fit.params, demoRows))).toBeLessThan(1e-9);
    // Rising, and flattening, along the ray: measured gain 7.6e-5 from s = 1e4 to 1e12.
    const far = paretoNbdLogLik(alongS(fit.params, 1e12), demoRows);
    expect(far).toBeGreaterThan(fit.logLik);
    expect(far - fit.logLik).toBeLessThan(1e-3);
    expect(paretoNbdLogLik(alongS(fit.params, 1e5), demoRows)).toBeGreaterThan(fit.logLik);
  });

  it('evaluates the likelihood exactly far up the ridge: the exponential-dropout limit', () => {
    if (!fit.ok) throw new Error(fit.reason);
    const p = alongS(fit.params, 1e12);
    const mu = p.s / p.beta;
    for (const c of demoRows.filter((_, i) => i % 23 === 0)) {
      // 1e-8 absolute: Simpson's error on a smooth integrand, plus the model's O(1/s) = 1e-12 distance to the limit.
      const one = { x: c.x, tx: c.tx, T: c.T }; // weight 1
      expect(Math.abs(paretoNbdLogLik(p, [one]) - exponentialDropoutLogLik(p.r, p.alpha, mu, one)), JSON.stringify(one)).toBeLessThan(1e-8);
    }
  });

  it('BG/NBD on the same data is an ordinary fit', () => {
    const bg = fitBgNbd(demoRows);
    expect(bg.ok && bg.converged).toBe(true);
  });
});

describe('Pareto/NBD on the r, α ridge (every customer buys at the same rate)', () => {
  it('ends at the bound r = maxShape and says that purchase rates look the same', () => {
    // λ ~ Gamma(10^6, 10^6/0.15): a point mass at 0.15 per week to within 0.1%. 300 customers, ages 26-52 weeks.
    const T = (i: number) => 26 + 26 * ((i * 0.6180339887) % 1);
    const sims = simulateParetoNbd({ r: 1e6, alpha: 1e6 / 0.15, s: 0.6, beta: 11.7 }, { customers: 300, T, rng: createRng(3) });
    const fit = fitParetoNbd(sims);
    if (!fit.ok) throw new Error(fit.reason);
    // Measured: 26 evaluations (the fit did not return before the fix).
    expect(fit.evaluations).toBeLessThan(200);
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/r and α grow together with r\/α = 0\.1\d+ purchases per period/);
    expect(fit.params.r).toBe(cap);
    // Measured 0.1467 against the true 0.15: within 5%, the sampling error of a rate from ~1,300 purchases.
    expect(Math.abs(fit.params.r / fit.params.alpha / 0.15 - 1)).toBeLessThan(0.05);
    expect(fit.params.s).toBeLessThan(cap); // the dropout side is an ordinary estimate
  });
});
