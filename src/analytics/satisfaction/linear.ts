/**
 * Small dense linear algebra for driver analysis.
 * Hand-written on purpose: there is no matrix package installed (ml-matrix is not a dependency),
 * and driver models have a handful of items, so p x p systems with p around 5-30 are all we solve.
 */

export interface LinearSolveResult {
  x: number[];
  /** true when a pivot fell below `tolerance` (columns linearly dependent). */
  singular: boolean;
  /** Original index of the column whose pivot was too small, or -1. */
  singularColumn: number;
}

/**
 * Solves A x = b by Gaussian elimination with partial pivoting (Golub & Van Loan 2013,
 * Matrix Computations, 4th ed., algorithm 3.4.1). Does not modify its inputs.
 * `tolerance` is relative to the largest absolute entry of A.
 */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[], tolerance = 1e-12): LinearSolveResult {
  const n = b.length;
  const m = a.map((row, i) => {
    if (row.length !== n) throw new RangeError('solveLinear: A must be square and match b');
    return [...row, b[i]!];
  });
  let scale = 0;
  for (const row of a) for (const v of row) scale = Math.max(scale, Math.abs(v));
  const tol = tolerance * (scale || 1);
  const colOf = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[piv]![k]!)) piv = i;
    if (Math.abs(m[piv]![k]!) <= tol) return { x: new Array<number>(n).fill(NaN), singular: true, singularColumn: colOf[k]! };
    if (piv !== k) [m[k], m[piv]] = [m[piv]!, m[k]!];
    const rowK = m[k]!;
    for (let i = k + 1; i < n; i++) {
      const rowI = m[i]!;
      const f = rowI[k]! / rowK[k]!;
      if (f === 0) continue;
      for (let j = k; j <= n; j++) rowI[j]! -= f * rowK[j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const row = m[i]!;
    let s = row[n]!;
    for (let j = i + 1; j < n; j++) s -= row[j]! * x[j]!;
    x[i] = s / row[i]!;
  }
  return { x, singular: false, singularColumn: -1 };
}

export interface EigenResult {
  /** Eigenvalues (unsorted, matching the columns of `vectors`). */
  values: number[];
  /** vectors[i][k] = component i of the k-th eigenvector (columns are eigenvectors). */
  vectors: number[][];
  sweeps: number;
  converged: boolean;
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method (Golub & Van Loan 2013,
 * algorithm 8.5.3): rotations zero the off-diagonal until its norm is below `tolerance` times the
 * Frobenius norm. Quadratically convergent; fine for the small correlation matrices used here.
 */
export function symmetricEigen(a: readonly (readonly number[])[], maxSweeps = 100, tolerance = 1e-14): EigenResult {
  const n = a.length;
  const m = a.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let frob = 0;
  for (const r of m) for (const x of r) frob += x * x;
  frob = Math.sqrt(frob);
  for (let sweep = 0; sweep <= maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * m[i]![j]! ** 2;
    if (Math.sqrt(off) <= tolerance * (frob || 1)) {
      return { values: m.map((r, i) => r[i]!), vectors: v, sweeps: sweep, converged: true };
    }
    if (sweep === maxSweeps) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (apq === 0) continue;
        // Symmetric Schur 2x2 (Golub & Van Loan algorithm 8.5.1): choose the smaller rotation angle.
        const tau = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((r, i) => r[i]!), vectors: v, sweeps: maxSweeps, converged: false };
}
