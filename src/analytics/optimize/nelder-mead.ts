/**
 * Nelder-Mead simplex minimiser with restarts.
 *
 * Method: Nelder & Mead (1965), with the standard coefficients (reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2) and the tie-breaking of Lagarias et al. (1998). A converged simplex is
 * restarted from its best vertex with a fresh simplex, because Nelder-Mead can stall on a
 * non-stationary point (McKinnon 1998); the run ends when a restart no longer improves the value.
 *
 * Non-finite values: a NaN or ±Infinity from the objective is treated as +Infinity (the point is
 * rejected, the simplex moves away), counted in `nonFiniteEvaluations`, and if the starting point
 * itself is not finite the run stops at once with `converged: false` and a reason. The loop never
 * stops quietly on a NaN and returns whatever it had.
 */
export const NELDER_MEAD_DEFAULTS = Object.freeze({
  /** Initial simplex edge along each coordinate (on the optimiser's scale, e.g. log-parameters). */
  initialStep: 0.5,
  /** Stop when (f_max - f_min) <= fTolerance * (|f_min| + 1e-8) ... */
  fTolerance: 1e-12,
  /** ... and every vertex is within xTolerance (max-norm) of the best one. */
  xTolerance: 1e-8,
  maxIterations: 20_000,
  maxEvaluations: 40_000,
  /** Fresh simplices started from the best point after convergence. */
  restarts: 4,
});

export type Objective = (x: readonly number[]) => number;

export interface NelderMeadOptions {
  initialStep?: number | readonly number[];
  fTolerance?: number;
  xTolerance?: number;
  maxIterations?: number;
  maxEvaluations?: number;
  restarts?: number;
}

export interface MinimizeResult {
  /** Best point found (on the optimiser's scale). */
  x: number[];
  /** Objective at `x`. */
  value: number;
  /** Simplex iterations over all restarts. */
  iterations: number;
  evaluations: number;
  /** True only when the last restart met both tolerances and did not improve the value. */
  converged: boolean;
  /** Why it stopped, in words. */
  reason: string;
  restartsUsed: number;
  /** Evaluations that returned NaN or ±Infinity (treated as +Infinity). */
  nonFiniteEvaluations: number;
}

interface Run {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
  reason: string;
}

export function nelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const o = { ...NELDER_MEAD_DEFAULTS, ...options };
  const n = x0.length;
  let evaluations = 0;
  let nonFinite = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    if (!Number.isFinite(v)) {
      nonFinite++;
      return Number.POSITIVE_INFINITY;
    }
    return v;
  };
  const result = (run: Run, restartsUsed: number): MinimizeResult => ({
    x: run.x,
    value: run.value,
    iterations: totalIterations,
    evaluations,
    converged: run.converged,
    reason: run.reason,
    restartsUsed,
    nonFiniteEvaluations: nonFinite,
  });

  let totalIterations = 0;
  if (n === 0) {
    return result({ x: [], value: evaluate([]), iterations: 0, converged: true, reason: 'no parameters' }, 0);
  }
  if (!x0.every(Number.isFinite)) {
    return result({ x: [...x0], value: Number.NaN, iterations: 0, converged: false, reason: 'starting point has non-finite coordinates' }, 0);
  }
  const f0 = evaluate(x0);
  if (!Number.isFinite(f0)) {
    return result(
      { x: [...x0], value: Number.NaN, iterations: 0, converged: false, reason: 'objective is NaN or infinite at the starting point' },
      0,
    );
  }

  const steps = typeof o.initialStep === 'number' ? new Array<number>(n).fill(o.initialStep) : [...o.initialStep];
  let best: Run = { x: [...x0], value: f0, iterations: 0, converged: false, reason: '' };
  for (let attempt = 0; attempt <= o.restarts; attempt++) {
    const run = simplexRun(best.x, best.value, steps, o, evaluate, () => evaluations);
    totalIterations += run.iterations;
    const improvement = best.value - run.value;
    best = run.value < best.value ? run : { ...best, converged: run.converged, reason: run.reason };
    if (!run.converged) {
      // Budget exhausted or the simplex collapsed onto non-finite values: report, do not pretend.
      return result({ ...best, converged: false, reason: run.reason }, attempt);
    }
    if (attempt > 0 && improvement <= o.fTolerance * (Math.abs(best.value) + 1e-8)) {
      return result({ ...best, converged: true, reason: `converged (restart ${attempt} did not improve the value)` }, attempt);
    }
  }
  return result(
    { ...best, converged: false, reason: `still improving after ${o.restarts} restarts (raise 'restarts' or check the objective's scale)` },
    o.restarts,
  );
}

function simplexRun(
  start: readonly number[],
  fStart: number,
  steps: readonly number[],
  o: Required<Omit<NelderMeadOptions, 'initialStep'>>,
  evaluate: (x: readonly number[]) => number,
  evaluationsSoFar: () => number,
): Run {
  const n = start.length;
  const pts: number[][] = [[...start]];
  const vals: number[] = [fStart];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] = p[i]! + (steps[i] ?? 0.5);
    pts.push(p);
    vals.push(evaluate(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Array<number>(n).fill(0);
  const along = (coef: number): number[] => {
    const worst = pts[order[n]!]!;
    const out = new Array<number>(n);
    for (let j = 0; j < n; j++) out[j] = centroid[j]! + coef * (worst[j]! - centroid[j]!);
    return out;
  };

  let it = 0;
  for (; it < o.maxIterations; it++) {
    order.sort((i, j) => vals[i]! - vals[j]! || i - j);
    const bestI = order[0]!;
    const worstI = order[n]!;
    const fBest = vals[bestI]!;
    const fWorst = vals[worstI]!;
    if (!Number.isFinite(fBest)) {
      return { x: pts[bestI]!, value: Number.NaN, iterations: it, converged: false, reason: 'every simplex vertex is NaN or infinite' };
    }
    // Convergence: function spread and simplex size both small.
    let size = 0;
    for (let k = 1; k <= n; k++) {
      const p = pts[order[k]!]!;
      for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(p[j]! - pts[bestI]![j]!));
    }
    if (fWorst - fBest <= o.fTolerance * (Math.abs(fBest) + 1e-8) && size <= o.xTolerance) {
      return { x: [...pts[bestI]!], value: fBest, iterations: it, converged: true, reason: 'converged' };
    }
    if (evaluationsSoFar() >= o.maxEvaluations) {
      return { x: [...pts[bestI]!], value: fBest, iterations: it, converged: false, reason: `stopped at maxEvaluations (${o.maxEvaluations})` };
    }

    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const p = pts[order[k]!]!;
      for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + p[j]! / n;
    }
    const fSecond = vals[order[n - 1]!]!;
    const xr = along(-1);
    const fr = evaluate(xr);
    if (fr < fBest) {
      const xe = along(-2);
      const fe = evaluate(xe);
      if (fe < fr) {
        pts[worstI] = xe;
        vals[worstI] = fe;
      } else {
        pts[worstI] = xr;
        vals[worstI] = fr;
      }
      continue;
    }
    if (fr < fSecond) {
      pts[worstI] = xr;
      vals[worstI] = fr;
      continue;
    }
    // Contraction: outside if the reflected point beats the worst, inside otherwise.
    if (fr < fWorst) {
      const xc = along(-0.5);
      const fc = evaluate(xc);
      if (fc <= fr) {
        pts[worstI] = xc;
        vals[worstI] = fc;
        continue;
      }
    } else {
      const xc = along(0.5);
      const fc = evaluate(xc);
      if (fc < fWorst) {
        pts[worstI] = xc;
        vals[worstI] = fc;
        continue;
      }
    }
    // Shrink towards the best vertex.
    const b = pts[bestI]!;
    for (let k = 1; k <= n; k++) {
      const idx = order[k]!;
      const p = pts[idx]!;
      for (let j = 0; j < n; j++) p[j] = b[j]! + 0.5 * (p[j]! - b[j]!);
      vals[idx] = evaluate(p);
    }
  }
  order.sort((i, j) => vals[i]! - vals[j]! || i - j);
  return {
    x: [...pts[order[0]!]!],
    value: vals[order[0]!]!,
    iterations: it,
    converged: false,
    reason: `stopped at maxIterations (${o.maxIterations})`,
  };
}
