import type { MinimizeResult } from './nelder-mead.js';

/**
 * Limited-memory BFGS (Nocedal 1980; Nocedal & Wright 2006, "Numerical Optimization", Alg. 7.4 two-loop
 * recursion) with a backtracking Armijo line search (N&W Alg. 3.1). Needs an analytic gradient; with one,
 * a smooth 4-parameter likelihood converges in a few dozen evaluations instead of Nelder-Mead's hundreds.
 *
 * Safeguards: the curvature pair is skipped when sᵀy is not clearly positive (keeps the inverse-Hessian
 * approximation positive definite without a Wolfe search); a non-finite value or gradient at a trial
 * point shrinks the step like a failed Armijo test; a non-finite start stops at once with a reason.
 * Convergence: the gradient test, or the Newton decrement gᵀH⁻¹g (the predicted remaining decrease x 2,
 * from the L-BFGS inverse-Hessian estimate) below `decrementTolerance`. For a negative log-likelihood the
 * decrement is scale-free: its square root is the distance to the optimum in standard-error units, so
 * 1e-10 means "within 1e-5 standard errors" — reachable even when the value's rounding noise (~1e-16|f|
 * for |f| ~ 1e5..1e7) hides the last improvements from the line search. Off by default (generic objectives
 * have no standard errors); the likelihood fits switch it on.
 */
export const LBFGS_DEFAULTS = Object.freeze({
  memory: 8,
  maxIterations: 1000,
  maxEvaluations: 5000,
  /** Converged when max|g_i| <= gradientTolerance * max(1, |f|). */
  gradientTolerance: 1e-9,
  /**
   * ... or when gᵀH⁻¹g <= decrementTolerance (after at least n iterations, so H⁻¹ has curvature
   * information). Off (0) by default; likelihood fits use 1e-10 (see clv DEFAULTS.fit).
   */
  decrementTolerance: 0,
  /** Armijo sufficient-decrease constant. */
  c1: 1e-4,
});

export type ValueAndGradient = (x: readonly number[]) => { value: number; gradient: number[] };

export interface LbfgsOptions {
  memory?: number;
  maxIterations?: number;
  maxEvaluations?: number;
  gradientTolerance?: number;
  decrementTolerance?: number;
}

const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxAbs = (a: readonly number[]): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const finite = (v: number, g: readonly number[]): boolean => Number.isFinite(v) && g.every(Number.isFinite);

export function lbfgs(fg: ValueAndGradient, x0: readonly number[], options: LbfgsOptions = {}): MinimizeResult {
  const o = { ...LBFGS_DEFAULTS, ...options };
  const n = x0.length;
  let evaluations = 0;
  let nonFinite = 0;
  const evaluate = (x: readonly number[]) => {
    evaluations++;
    const r = fg(x);
    if (!finite(r.value, r.gradient)) nonFinite++;
    return r;
  };
  const done = (x: number[], value: number, iterations: number, converged: boolean, reason: string): MinimizeResult => ({
    x,
    value,
    iterations,
    evaluations,
    converged,
    reason,
    restartsUsed: 0,
    nonFiniteEvaluations: nonFinite,
  });

  let x = [...x0];
  let { value: f, gradient: g } = evaluate(x);
  if (!finite(f, g)) return done(x, Number.NaN, 0, false, 'objective or gradient is NaN or infinite at the starting point');
  const S: number[][] = [];
  const Y: number[][] = [];
  const RHO: number[] = [];
  for (let it = 0; it < o.maxIterations; it++) {
    if (maxAbs(g) <= o.gradientTolerance * Math.max(1, Math.abs(f))) {
      return done(x, f, it, true, 'converged (gradient below tolerance)');
    }
    // Two-loop recursion: d = -H g.
    const q = [...g];
    const alphas: number[] = new Array(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alphas[k] = RHO[k]! * dot(S[k]!, q);
      for (let i = 0; i < n; i++) q[i] = q[i]! - alphas[k]! * Y[k]![i]!;
    }
    // Initial scaling γ = sᵀy / yᵀy (N&W eq. 7.20); first step bounded to a unit move in the largest coordinate.
    const scale = S.length > 0 ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < n; i++) q[i] = q[i]! * scale;
    for (let k = 0; k < S.length; k++) {
      const beta = RHO[k]! * dot(Y[k]!, q);
      for (let i = 0; i < n; i++) q[i] = q[i]! + S[k]![i]! * (alphas[k]! - beta);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d);
    if (slope < 0 && S.length >= Math.min(n, o.memory) && -slope <= o.decrementTolerance) {
      return done(x, f, it, true, `converged (Newton decrement ${(-slope).toExponential(1)} below tolerance)`);
    }
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      RHO.length = 0;
      d = g.map((v) => -v / Math.max(1, maxAbs(g)));
      slope = dot(g, d);
    }
    // Backtracking Armijo search.
    let step = 1;
    let accepted: { x: number[]; value: number; gradient: number[] } | null = null;
    for (let ls = 0; ls < 60; ls++) {
      if (evaluations >= o.maxEvaluations) return done(x, f, it, false, `stopped at maxEvaluations (${o.maxEvaluations})`);
      const xt = x.map((v, i) => v + step * d[i]!);
      const r = evaluate(xt);
      if (finite(r.value, r.gradient) && r.value <= f + o.c1 * step * slope) {
        accepted = { x: xt, value: r.value, gradient: r.gradient };
        break;
      }
      step *= finite(r.value, r.gradient) ? 0.5 : 0.1;
    }
    if (!accepted) {
      // The decrease is below the value's rounding noise. Accept if the decrement says we are within ~1e-3 SE.
      const close = -slope <= 1e-6 || maxAbs(g) <= 1e3 * o.gradientTolerance * Math.max(1, Math.abs(f));
      return done(
        x,
        f,
        it,
        close,
        close ? 'converged (no further decrease measurable at machine precision)' : 'line search failed to decrease the objective',
      );
    }
    const s = accepted.x.map((v, i) => v - x[i]!);
    const y = accepted.gradient.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      RHO.push(1 / sy);
      if (S.length > o.memory) {
        S.shift();
        Y.shift();
        RHO.shift();
      }
    }
    x = accepted.x;
    f = accepted.value;
    g = accepted.gradient;
  }
  return done(x, f, o.maxIterations, false, `stopped at maxIterations (${o.maxIterations})`);
}

/**
 * Hessian by central differences of an analytic gradient: H_ij = (g_i(x + h e_j) - g_i(x - h e_j)) / 2h,
 * symmetrised. Error O(h²) with rounding ~ ε|g|/h, far better than second differences of f.
 * Returns null if any gradient is not finite.
 */
export function hessianFromGradient(fg: ValueAndGradient, x: readonly number[], step = 1e-5): number[][] | null {
  const n = x.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const xp = [...x];
    const xm = [...x];
    xp[j] = xp[j]! + step;
    xm[j] = xm[j]! - step;
    const gp = fg(xp);
    const gm = fg(xm);
    if (!finite(gp.value, gp.gradient) || !finite(gm.value, gm.gradient)) return null;
    cols.push(gp.gradient.map((v, i) => (v - gm.gradient[i]!) / (2 * step)));
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 0.5 * (cols[j]![i]! + cols[i]![j]!)));
}
