import { hessianFromGradient, lbfgs, logScaleStandardErrors, nelderMead, numericHessian, type MinimizeResult } from '../optimize/index.js';
import { assessData } from './assess.js';
import { DEFAULTS } from './defaults.js';
import { groupSummaries } from './summaries.js';
import type { AssessCode, FitResult, ModelName, SummaryRow } from './types.js';

export interface FitOptions<P> {
  /** Starting parameters (natural scale); a data-based guess otherwise. */
  start?: Partial<P>;
  /** Group identical rows first (exact). Default DEFAULTS.fit.group. */
  group?: boolean;
  restarts?: number;
  maxEvaluations?: number;
  fTolerance?: number;
  xTolerance?: number;
  initialStep?: number;
  hessianStep?: number;
  /** Skip the "can the data support a model" check (assessData). Default false. */
  skipAssessment?: boolean;
  /** 'auto': L-BFGS where an analytic gradient exists, Nelder-Mead otherwise or as fallback. Default DEFAULTS.fit.optimizer. */
  optimizer?: 'auto' | 'nelder-mead';
}

/**
 * Rows as typed arrays with each distinct x, T, t_x, (x, T) pair and (x, t_x) pair indexed once, so a
 * likelihood evaluation computes x-only terms (log-gammas) once per distinct x and time-dependent terms
 * once per distinct pair. On day-grid data these are far fewer than the rows.
 */
export interface PreparedRows {
  length: number;
  x: Float64Array;
  w: Float64Array;
  xIdx: Int32Array;
  xs: Float64Array;
  TIdx: Int32Array;
  Ts: Float64Array;
  txIdx: Int32Array;
  txs: Float64Array;
  /** Index of the row's (x, T) pair; pair p has x = xs[xTx[p]] and T = Ts[xTT[p]]. */
  xTIdx: Int32Array;
  xTX: Int32Array;
  xTT: Int32Array;
  /** Index of the row's (x, t_x) pair; pair p has x = xs[xtxX[p]] and t_x = txs[xtxTx[p]]. */
  xtxIdx: Int32Array;
  xtxX: Int32Array;
  xtxTx: Int32Array;
  totalWeight: number;
}

function indexer(): { index: (v: number) => number; values: number[] } {
  const map = new Map<number, number>();
  const values: number[] = [];
  return {
    index(v: number) {
      let i = map.get(v);
      if (i === undefined) {
        i = values.length;
        map.set(v, i);
        values.push(v);
      }
      return i;
    },
    values,
  };
}

/** Indexes pairs of small non-negative integers (already-indexed values). */
function pairIndexer(): { index: (a: number, b: number) => number; first: number[]; second: number[] } {
  const map = new Map<number, Map<number, number>>();
  const first: number[] = [];
  const second: number[] = [];
  return {
    index(a: number, b: number) {
      let inner = map.get(a);
      if (!inner) map.set(a, (inner = new Map()));
      let i = inner.get(b);
      if (i === undefined) {
        i = first.length;
        inner.set(b, i);
        first.push(a);
        second.push(b);
      }
      return i;
    },
    first,
    second,
  };
}

export function prepareRows(input: readonly SummaryRow[], group: boolean): PreparedRows {
  const rows = group ? groupSummaries(input) : input;
  const n = rows.length;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const xIdx = new Int32Array(n);
  const TIdx = new Int32Array(n);
  const txIdx = new Int32Array(n);
  const xTIdx = new Int32Array(n);
  const xtxIdx = new Int32Array(n);
  const xi = indexer();
  const Ti = indexer();
  const txi = indexer();
  const xTi = pairIndexer();
  const xtxi = pairIndexer();
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    x[i] = row.x;
    w[i] = row.weight ?? 1;
    totalWeight += w[i]!;
    const a = (xIdx[i] = xi.index(row.x));
    const b = (TIdx[i] = Ti.index(row.T));
    const c = (txIdx[i] = txi.index(row.tx));
    xTIdx[i] = xTi.index(a, b);
    xtxIdx[i] = xtxi.index(a, c);
  }
  return {
    length: n,
    x,
    w,
    xIdx,
    xs: Float64Array.from(xi.values),
    TIdx,
    Ts: Float64Array.from(Ti.values),
    txIdx,
    txs: Float64Array.from(txi.values),
    xTIdx,
    xTX: Int32Array.from(xTi.first),
    xTT: Int32Array.from(xTi.second),
    xtxIdx,
    xtxX: Int32Array.from(xtxi.first),
    xtxTx: Int32Array.from(xtxi.second),
    totalWeight,
  };
}

/**
 * Prepare rows for a repeat-buying fit and, unless skipped, check that they can support a model
 * (assessData on the grouped rows, so the check costs what the distinct summaries cost).
 */
export function prepareForFit(
  rows: readonly SummaryRow[],
  options: { group?: boolean; skipAssessment?: boolean },
): { ok: true; data: PreparedRows } | { ok: false; code: AssessCode; reason: string } {
  const data = prepareRows(rows, options.group ?? DEFAULTS.fit.group);
  if (!options.skipAssessment) {
    const summaries: SummaryRow[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) {
      summaries[i] = { x: data.x[i]!, tx: data.txs[data.txIdx[i]!]!, T: data.Ts[data.TIdx[i]!]!, weight: data.w[i]! };
    }
    const check = assessData(summaries);
    if (!check.ok) return { ok: false, code: check.code, reason: check.reason };
  }
  return { ok: true, data };
}

/** Neumaier-compensated sum accumulator: the log-likelihood of a million rows keeps ~1e-15 relative accuracy. */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  add(v: number): void {
    const t = this.s + v;
    if (Math.abs(this.s) >= Math.abs(v)) this.c += this.s - t + v;
    else this.c += v - t + this.s;
    this.s = t;
  }
  value(): number {
    return this.s + this.c;
  }
}

/**
 * Maximum likelihood for positive parameters, optimised on u = ln θ. With an analytic gradient, L-BFGS
 * (converged = gradient or Newton-decrement test passed) and a Hessian from differences of the gradient;
 * otherwise, or if
 * L-BFGS does not converge, Nelder-Mead with restarts and a Hessian from second differences of the
 * log-likelihood. Standard errors by the delta method back to θ.
 */
export function fitOnLogScale<M extends ModelName, P extends object>(args: {
  model: M;
  names: (keyof P & string)[];
  start: number[];
  /** Log-likelihood at natural-scale parameters (in `names` order); NaN/-Infinity allowed (rejected). */
  logLik: (theta: readonly number[]) => number;
  /** Optional: log-likelihood that also writes ∂lnL/∂θ into `gradient`. */
  logLikGradient?: (theta: readonly number[], gradient: number[]) => number;
  n: number;
  distinctRows: number;
  options: FitOptions<P>;
}): FitResult<M, P> {
  const o = { ...DEFAULTS.fit, ...definedOnly(args.options) };
  const toTheta = (u: readonly number[]): number[] | null => {
    const theta = u.map(Math.exp);
    for (const t of theta) if (!(t > 0) || !Number.isFinite(t)) return null;
    return theta;
  };
  const negLL = (u: readonly number[]): number => {
    const theta = toTheta(u);
    return theta ? -args.logLik(theta) : Number.NaN;
  };
  const grad = args.logLikGradient;
  const negLLGrad = grad
    ? (u: readonly number[]) => {
        const theta = toTheta(u);
        const g = new Array<number>(u.length).fill(Number.NaN);
        if (!theta) return { value: Number.NaN, gradient: g };
        const value = -grad(theta, g);
        // chain rule for θ = e^u: ∂(-lnL)/∂u_i = -θ_i ∂lnL/∂θ_i
        return { value, gradient: g.map((v, i) => -v * theta[i]!) };
      }
    : null;

  const u0 = args.start.map(Math.log);
  const warnings: string[] = [];
  let run: MinimizeResult | null = null;
  let optimizer = 'nelder-mead';
  let spentBefore = 0;
  if (negLLGrad && o.optimizer === 'auto') {
    // L-BFGS needs tens of evaluations when it works; do not let a failing run eat the fallback's budget.
    const quasiNewton = lbfgs(negLLGrad, u0, { maxEvaluations: Math.min(o.maxEvaluations, 1000), decrementTolerance: o.decrementTolerance });
    if (quasiNewton.converged) {
      run = quasiNewton;
      optimizer = 'lbfgs';
    } else if (Number.isFinite(quasiNewton.value)) {
      warnings.push(`L-BFGS did not converge (${quasiNewton.reason}); continued with Nelder-Mead`);
      u0.splice(0, u0.length, ...quasiNewton.x);
      optimizer = 'lbfgs+nelder-mead';
      spentBefore = quasiNewton.evaluations;
    }
  }
  if (!run) {
    run = nelderMead(negLL, u0, {
      restarts: o.restarts,
      maxEvaluations: o.maxEvaluations,
      fTolerance: o.fTolerance,
      xTolerance: o.xTolerance,
      initialStep: o.initialStep,
    });
  }
  if (!Number.isFinite(run.value)) {
    return { ok: false, model: args.model, code: 'optimiser-failed', reason: `optimiser failed: ${run.reason}` };
  }
  const theta = run.x.map(Math.exp);
  if (!run.converged) warnings.push(`optimiser did not converge: ${run.reason}`);
  if (run.nonFiniteEvaluations > 0) {
    warnings.push(`${run.nonFiniteEvaluations} of ${run.evaluations} likelihood evaluations were not finite (points rejected)`);
  }
  theta.forEach((t, i) => {
    const ratio = t / args.start[i]!;
    if (ratio > o.extremeRatio || ratio < 1 / o.extremeRatio) {
      warnings.push(`parameter ${args.names[i]} = ${t.toPrecision(4)} is at an extreme: the data may not identify it`);
    }
  });
  const H = negLLGrad ? hessianFromGradient(negLLGrad, run.x, o.gradientHessianStep) : numericHessian(negLL, run.x, o.hessianStep);
  const se = H ? logScaleStandardErrors(H, theta) : null;
  if (!se) warnings.push('standard errors unavailable: the information matrix is not positive definite at the optimum');
  const params = Object.fromEntries(args.names.map((k, i) => [k, theta[i]!])) as P;
  const standardErrors = se ? (Object.fromEntries(args.names.map((k, i) => [k, se.standardErrors[i]!])) as P) : null;
  const logLik = -run.value;
  const k = args.names.length;
  return {
    ok: true,
    model: args.model,
    params,
    standardErrors,
    covariance: se ? se.covariance : null,
    paramNames: args.names,
    logLik,
    k,
    n: args.n,
    distinctRows: args.distinctRows,
    aic: 2 * k - 2 * logLik,
    bic: k * Math.log(args.n) - 2 * logLik,
    optimizer,
    iterations: run.iterations,
    evaluations: run.evaluations + spentBefore,
    converged: run.converged,
    reason: run.reason,
    warnings,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ModelComparisonRow {
  model: ModelName;
  logLik: number;
  k: number;
  n: number;
  aic: number;
  bic: number;
  converged: boolean;
}

/** Log-likelihood, AIC and BIC side by side, best (lowest) BIC first. Only compare fits on the same customers. */
export function compareModels(
  fits: readonly { model: ModelName; logLik: number; k: number; n: number; aic: number; bic: number; converged: boolean }[],
): ModelComparisonRow[] {
  return fits
    .map(({ model, logLik, k, n, aic, bic, converged }) => ({ model, logLik, k, n, aic, bic, converged }))
    .sort((p, q) => p.bic - q.bic);
}
