/**
 * Driver importance: how much each item (staff, cleanliness, price ...) drives the overall rating.
 * Fitted on standardised data so coefficients are comparable across items.
 */
import { solveLinear, symmetricEigen } from './linear.js';

export type DriverMethod = 'ols' | 'relative-weights';

export const DRIVER_DEFAULTS = {
  /**
   * 'ols': standardised OLS coefficients, negative ones set to 0, normalised to sum 1.
   * 'relative-weights': Johnson (2000) relative weights (shares of R²), robust to correlated items.
   */
  method: 'ols' as DriverMethod,
  /** Relative pivot / eigenvalue size below which the items count as collinear. */
  singularTolerance: 1e-10,
  maxJacobiSweeps: 100,
};

export interface DriverFit {
  params: {
    /** Unstandardised model: overall ≈ intercept + Σ coefficients[j]·item[j]. */
    intercept: number;
    coefficients: number[];
    /** Standardised (beta) coefficients: β_j = b_j·sd(x_j)/sd(y). */
    standardized: number[];
    /** Johnson's raw relative weights ε_j (sum to R²); null for method 'ols'. */
    relativeWeights: number[] | null;
    /** Weights for the index: non-negative, sum to 1. */
    importance: number[];
  };
  rSquared: number;
  n: number;
  /** Gaussian log-likelihood at the OLS fit, σ² = RSS/n (the ML estimate). */
  logLik: number;
  /** 1 for the closed-form OLS; Jacobi sweeps for relative weights. */
  iterations: number;
  converged: boolean;
  reason: string;
}

function failed(n: number, p: number, reason: string, iterations = 0): DriverFit {
  const nan = new Array<number>(p).fill(NaN);
  return {
    params: { intercept: NaN, coefficients: nan, standardized: [...nan], relativeWeights: null, importance: [...nan] },
    rSquared: NaN,
    n,
    logLik: NaN,
    iterations,
    converged: false,
    reason,
  };
}

/**
 * Regresses the overall rating y on item ratings X (rows = respondents).
 * OLS via the normal equations in correlation form, R_xx β = r_xy (Cohen et al. 2003, Applied
 * Multiple Regression, eq. 3.5.1); R² = β·r_xy. Standardising first keeps the system well scaled.
 * Relative weights: Johnson 2000, "A heuristic method for estimating the relative weight of
 * predictor variables in multiple regression", Multivariate Behavioral Research 35(1):
 * Λ = R_xx^{1/2} = QD^{1/2}Q', β* = Λ⁻¹r_xy, ε_j = Σ_k Λ_jk²·β*_k² (Σ ε = R²).
 * Never throws on bad data: returns converged = false with the reason.
 */
export function driverImportance(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: { method?: DriverMethod; singularTolerance?: number; maxJacobiSweeps?: number } = {},
): DriverFit {
  const o = { ...DRIVER_DEFAULTS, ...options };
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (x.length !== n) throw new RangeError('driverImportance: X and y must have the same number of rows');
  if (p === 0) return failed(n, p, 'no items');
  if (x.some((row) => row.length !== p)) throw new RangeError('driverImportance: every row needs the same number of items');
  if (n < p + 2) return failed(n, p, `need at least items + 2 = ${p + 2} complete respondents, got ${n}`);

  const mx = new Array<number>(p).fill(0);
  let my = 0;
  for (let i = 0; i < n; i++) {
    my += y[i]!;
    for (let j = 0; j < p; j++) mx[j]! += x[i]![j]!;
  }
  my /= n;
  for (let j = 0; j < p; j++) mx[j]! /= n;
  // Centred cross-products: S_xx, s_xy, s_yy (sums, not yet divided by n - 1).
  const sxx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const sxy = new Array<number>(p).fill(0);
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - my;
    syy += dy * dy;
    for (let j = 0; j < p; j++) {
      const dj = x[i]![j]! - mx[j]!;
      sxy[j]! += dj * dy;
      for (let k = j; k < p; k++) sxx[j]![k]! += dj * (x[i]![k]! - mx[k]!);
    }
  }
  if (!(syy > 0)) return failed(n, p, 'the overall rating has no variance');
  const sd = sxx.map((row, j) => Math.sqrt(row[j]!));
  const zeroVar = sd.findIndex((s) => !(s > 0));
  if (zeroVar >= 0) return failed(n, p, `item ${zeroVar} has no variance`);
  const sy = Math.sqrt(syy);
  const rxx = Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, k) => (j <= k ? sxx[j]![k]! : sxx[k]![j]!) / (sd[j]! * sd[k]!)));
  const rxy = sxy.map((s, j) => s / (sd[j]! * sy));

  const sol = solveLinear(rxx, rxy, o.singularTolerance);
  if (sol.singular) return failed(n, p, `items are collinear (item ${sol.singularColumn} is a combination of others)`);
  const beta = sol.x;
  const rSquared = beta.reduce((s, b, j) => s + b * rxy[j]!, 0);
  // sd ratios cancel the (n - 1) divisors, so the sums of squares can be used directly.
  const coefficients = beta.map((b, j) => (b * sy) / sd[j]!);
  const intercept = my - coefficients.reduce((s, b, j) => s + b * mx[j]!, 0);
  const rss = Math.max(0, (1 - rSquared) * syy);
  const sigma2 = rss / n;
  const logLik = sigma2 > 0 ? (-n / 2) * (Math.log(2 * Math.PI * sigma2) + 1) : Infinity;

  let relativeWeights: number[] | null = null;
  let raw: number[];
  let iterations = 1;
  if (o.method === 'relative-weights') {
    const eig = symmetricEigen(rxx, o.maxJacobiSweeps);
    iterations = eig.sweeps;
    if (!eig.converged) return failed(n, p, `Jacobi eigen-decomposition did not converge in ${o.maxJacobiSweeps} sweeps`, iterations);
    if (eig.values.some((l) => !(l > o.singularTolerance))) return failed(n, p, 'items are collinear (a zero eigenvalue)', iterations);
    const q = eig.vectors;
    const sqrtL = eig.values.map(Math.sqrt);
    const lam = Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, k) => q[j]!.reduce((s, qjm, m) => s + qjm * sqrtL[m]! * q[k]![m]!, 0)));
    // β* = Q D^{-1/2} Q' r_xy
    const qtr = Array.from({ length: p }, (_, m) => q.reduce((s, row, j) => s + row[m]! * rxy[j]!, 0));
    const betaStar = Array.from({ length: p }, (_, k) => q[k]!.reduce((s, qkm, m) => s + (qkm * qtr[m]!) / sqrtL[m]!, 0));
    relativeWeights = Array.from({ length: p }, (_, j) => lam[j]!.reduce((s, ljk, k) => s + ljk * ljk * betaStar[k]! ** 2, 0));
    raw = relativeWeights;
  } else {
    // Negative betas usually come from collinearity or suppression, not from an item that hurts
    // satisfaction when it improves; an index needs non-negative weights (ACSI loadings are positive too).
    raw = beta.map((b) => Math.max(0, b));
  }
  const total = raw.reduce((s, v) => s + v, 0);
  const base = { intercept, coefficients, standardized: beta, relativeWeights };
  if (!(total > 0)) {
    return {
      params: { ...base, importance: raw.map(() => NaN) },
      rSquared,
      n,
      logLik,
      iterations,
      converged: false,
      reason: 'no item has a positive effect on the overall rating',
    };
  }
  return { params: { ...base, importance: raw.map((v) => v / total) }, rSquared, n, logLik, iterations, converged: true, reason: 'ok' };
}
