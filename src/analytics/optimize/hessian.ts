import type { Objective } from './nelder-mead.js';

/**
 * Hessian of f at x by central differences (Abramowitz & Stegun 25.3.23 / 25.3.26):
 * H_ii = (f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h², H_ij = (f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j).
 * Truncation error O(h²); rounding error ~ ε|f|/h². With f a log-likelihood of size up to ~1e7 and
 * x on a log scale, h = 1e-3 balances the two (~1e-6 relative on curvatures of size ≥ 1e2).
 * Returns null if any evaluation is not finite (a Hessian built on a NaN would be garbage).
 */
export function numericHessian(f: Objective, x: readonly number[], step: number | readonly number[] = 1e-3): number[][] | null {
  const n = x.length;
  const h = typeof step === 'number' ? new Array<number>(n).fill(step) : [...step];
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const p = [...x];
    if (di >= 0) p[di] = p[di]! + si * h[di]!;
    if (dj >= 0) p[dj] = p[dj]! + sj * h[dj]!;
    return f(p);
  };
  const f0 = f(x);
  if (!Number.isFinite(f0)) return null;
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const fp = at(i, 1, -1, 0);
    const fm = at(i, -1, -1, 0);
    if (!Number.isFinite(fp) || !Number.isFinite(fm)) return null;
    H[i]![i] = (fp - 2 * f0 + fm) / (h[i]! * h[i]!);
    for (let j = 0; j < i; j++) {
      const fpp = at(i, 1, j, 1);
      const fpm = at(i, 1, j, -1);
      const fmp = at(i, -1, j, 1);
      const fmm = at(i, -1, j, -1);
      if (![fpp, fpm, fmp, fmm].every(Number.isFinite)) return null;
      const v = (fpp - fpm - fmp + fmm) / (4 * h[i]! * h[j]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or null if it is not positive definite. */
export function cholesky(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  return L;
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; null if not positive definite. */
export function invertSpd(A: readonly (readonly number[])[]): number[][] | null {
  const L = cholesky(A);
  if (!L) return null;
  const n = A.length;
  // Solve L Y = I, then Lᵀ X = Y.
  const inv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
      y[i] = s / L[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= L[k]![i]! * inv[k]![col]!;
      inv[i]![col] = s / L[i]![i]!;
    }
  }
  return inv;
}

export interface StandardErrors {
  /** Covariance of the parameters on their natural scale (inverse observed information). */
  covariance: number[][];
  /** sqrt of the covariance diagonal, natural scale. */
  standardErrors: number[];
}

/**
 * Standard errors for positive parameters θ = exp(u) from the Hessian of the negative log-likelihood
 * in u: Cov(u) = H⁻¹ (the observed information; e.g. Pawitan 2001, "In All Likelihood"), and by the delta method
 * Cov(θ) = diag(θ) Cov(u) diag(θ). Returns null when H is not positive definite (not at a strict
 * minimum, or a parameter is not identified by the data).
 */
export function logScaleStandardErrors(hessianInLogs: readonly (readonly number[])[], theta: readonly number[]): StandardErrors | null {
  const inv = invertSpd(hessianInLogs);
  if (!inv) return null;
  const n = theta.length;
  const covariance = inv.map((row, i) => row.map((v, j) => v * theta[i]! * theta[j]!));
  const standardErrors = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = covariance[i]![i]!;
    if (!(v > 0) || !Number.isFinite(v)) return null;
    standardErrors[i] = Math.sqrt(v);
  }
  return { covariance, standardErrors };
}
