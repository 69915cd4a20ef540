import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead.js';
import { cholesky, invertSpd, logScaleStandardErrors, numericHessian } from './hessian.js';
import { hessianFromGradient, lbfgs } from './lbfgs.js';

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum (1, 1) from the classic start (-1.2, 1)', () => {
    const rosen = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const r = nelderMead(rosen, [-1.2, 1]);
    expect(r.converged).toBe(true);
    // Tolerance 1e-6: xTolerance is 1e-8 on the simplex; the valley is flat so the point is looser.
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.value).toBeLessThan(1e-12);
    expect(r.nonFiniteEvaluations).toBe(0);
  });

  it('minimises a 4-d ill-scaled quadratic to its known minimiser', () => {
    const c = [3, -2, 0.5, 10];
    const w = [1, 100, 0.01, 5];
    const f = (x: readonly number[]) => x.reduce((s, v, i) => s + w[i]! * (v - c[i]!) ** 2, 0);
    const r = nelderMead(f, [0, 0, 0, 0]);
    expect(r.converged).toBe(true);
    // 1e-4 absolute: the weakest direction has weight 0.01, so f-tolerance maps to ~1e-5 there.
    r.x.forEach((v, i) => expect(Math.abs(v - c[i]!)).toBeLessThan(1e-4));
  });

  it('walks around NaN regions and counts them instead of stopping', () => {
    // Objective undefined (NaN) for x < 0.5; minimum at x = 1, y = 2 lies in the defined region.
    const f = ([x, y]: readonly number[]) => (x! < 0.5 ? Number.NaN : (x! - 1) ** 2 + (y! - 2) ** 2);
    const r = nelderMead(f, [0.6, 0], { initialStep: -0.5 });
    expect(r.converged).toBe(true);
    expect(r.nonFiniteEvaluations).toBeGreaterThan(0);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(2, 6);
  });

  it('reports a NaN start and an exhausted budget as not converged, with a reason', () => {
    const nanStart = nelderMead(() => Number.NaN, [1, 2]);
    expect(nanStart.converged).toBe(false);
    expect(nanStart.reason).toMatch(/NaN|infinite/);
    const rosen = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const budget = nelderMead(rosen, [-1.2, 1], { maxEvaluations: 30 });
    expect(budget.converged).toBe(false);
    expect(budget.reason).toMatch(/maxEvaluations/);
    expect(Number.isFinite(budget.value)).toBe(true);
  });
});

describe('numeric Hessian and standard errors', () => {
  it('recovers the exact Hessian of a quadratic (central differences are exact for quadratics)', () => {
    const A = [
      [4, 1, 0.5],
      [1, 3, -0.2],
      [0.5, -0.2, 2],
    ];
    const f = (x: readonly number[]) => {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += 0.5 * x[i]! * A[i]![j]! * x[j]!;
      return s;
    };
    const H = numericHessian(f, [0.3, -1, 2])!;
    // 1e-6: rounding error ~ 1e-16 * |f| / h^2 = 1e-10 for h = 1e-3.
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(H[i]![j]! - A[i]![j]!)).toBeLessThan(1e-6);
    const inv = invertSpd(A)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i]![k]! * inv[k]![j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('gives SE(λ̂) = λ̂/√n for an exponential rate fitted on the log scale (textbook result)', () => {
    const xs = [0.5, 1.2, 0.1, 2.2, 0.9, 0.4, 1.7, 0.3, 0.8, 1.1];
    const n = xs.length;
    const sum = xs.reduce((a, b) => a + b, 0);
    const negLL = ([u]: readonly number[]) => -n * u! + Math.exp(u!) * sum;
    const fit = nelderMead(negLL, [0]);
    const lambda = Math.exp(fit.x[0]!);
    expect(lambda).toBeCloseTo(n / sum, 6);
    const se = logScaleStandardErrors(numericHessian(negLL, fit.x)!, [lambda])!;
    expect(se.standardErrors[0]).toBeCloseTo(lambda / Math.sqrt(n), 5);
  });

  it('refuses matrices that are not positive definite and Hessians built on NaN', () => {
    expect(cholesky([[1, 2], [2, 1]])).toBeNull();
    expect(logScaleStandardErrors([[0, 0], [0, 1]], [1, 1])).toBeNull();
    expect(numericHessian((x) => (x[0]! > 1.0005 ? Number.NaN : x[0]! ** 2), [1])).toBeNull();
  });
});

describe('lbfgs', () => {
  const rosen = ([x, y]: readonly number[]) => ({
    value: 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2,
    gradient: [-400 * x! * (y! - x! * x!) - 2 * (1 - x!), 200 * (y! - x! * x!)],
  });

  it('finds the Rosenbrock minimum with far fewer evaluations than Nelder-Mead', () => {
    const r = lbfgs(rosen, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    const nm = nelderMead((x) => rosen(x).value, [-1.2, 1]);
    expect(r.evaluations).toBeLessThan(nm.evaluations / 2);
  });

  it('backs off from NaN regions and reports a NaN start', () => {
    // ln-barrier style objective undefined for x <= 0; minimum at x = 2.
    const f = ([x]: readonly number[]) =>
      x! <= 0 ? { value: Number.NaN, gradient: [Number.NaN] } : { value: x! - 2 * Math.log(x!), gradient: [1 - 2 / x!] };
    const r = lbfgs(f, [0.05]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(2, 7);
    const bad = lbfgs(() => ({ value: Number.NaN, gradient: [0] }), [1]);
    expect(bad.converged).toBe(false);
    expect(bad.reason).toMatch(/NaN|infinite/);
  });

  it('hessianFromGradient is exact for a quadratic', () => {
    const A = [
      [3, 1],
      [1, 2],
    ];
    const f = (x: readonly number[]) => ({
      value: 0.5 * (3 * x[0]! ** 2 + 2 * x[0]! * x[1]! + 2 * x[1]! ** 2),
      gradient: [3 * x[0]! + x[1]!, x[0]! + 2 * x[1]!],
    });
    const H = hessianFromGradient(f, [0.4, -2])!;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(H[i]![j]).toBeCloseTo(A[i]![j]!, 8);
  });
});
