/**
 * Log-domain arithmetic: the likelihoods here are sums of terms like (α+T)^-(r+x) that underflow
 * long before their logarithms lose precision.
 */

/** ln(e^a + e^b) without overflow or underflow; -Infinity when both are -Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * ln(e^a - e^b) for a >= b. Returns -Infinity when a === b and NaN when b > a.
 * Uses log1p(-e^(b-a)) when the terms are far apart and log(-expm1(b-a)) when they are close,
 * which is accurate in both regimes (Mächler 2012, "Accurately computing log(1 - exp(-|a|))").
 */
export function logSubExp(a: number, b: number): number {
  if (b > a) return Number.NaN;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const d = b - a; // <= 0
  if (d === 0) return Number.NEGATIVE_INFINITY;
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/** ln Σ e^(v_i), optionally weighted: ln Σ w_i e^(v_i) for w_i >= 0. -Infinity for an empty list. */
export function logSumExp(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return Number.NaN;
    if (v > max) max = v;
  }
  if (max === Number.NEGATIVE_INFINITY) return max;
  if (max === Number.POSITIVE_INFINITY) return max;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    s += (weights ? weights[i]! : 1) * Math.exp(values[i]! - max);
  }
  return max + Math.log(s);
}

/** ln(1 + e^x), accurate for large |x|. */
export function log1pExp(x: number): number {
  if (x > 36) return x + Math.exp(-x);
  return Math.log1p(Math.exp(x));
}

/** (e^(εL) - 1) / ε, which tends to L as ε -> 0: the removable singularity in (1 - y^ε)/ε-type formulas. */
export function expm1OverX(eps: number, L: number): number {
  const u = eps * L;
  if (u === 0) return L;
  return Math.expm1(u) / eps;
}
