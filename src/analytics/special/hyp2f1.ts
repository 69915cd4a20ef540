import { gammaSign, lnGamma } from './log-gamma.js';

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and z < 1 (plus z = 1 when it converges).
 *
 * Why hand-written: no maintained JavaScript library implements it, and the repeat-buying models need it
 * in awkward corners. BG/NBD expectations (Fader, Hardie & Lee 2005, eqs. 9-10) use z = t/(α+T+t), which
 * approaches 1 for long horizons; the Pareto/NBD likelihood (Fader & Hardie 2005 note §3, in its α >= β
 * and α < β forms) uses z = |α-β|/(max(α,β)+t), which approaches 1 while the optimiser explores α/β -> 0 or ∞,
 * and the single-formula form used by some implementations gives z < 0 when α < β. So:
 *  - z < 0: Pfaff transformation (Abramowitz & Stegun 15.3.4/15.3.5) to w = z/(z-1) in (0, 1), choosing the
 *    variant with the smaller parameters, so the series has positive terms instead of alternating ones;
 *  - 0 < z < 1: Euler transformation (A&S 15.3.3) when it shrinks the parameters (with large x in the
 *    models, F(r+x, b+x; a+b+x-1; z) has huge terms, but F(c-a, c-b; c; z) does not);
 *  - z > 0.95: the z -> 1-z transformation (A&S 15.3.6) when c-a-b is not close to an integer (the
 *    degenerate logarithmic cases are left to the direct series, which still converges for z < 1, just slowly);
 *  - otherwise the defining series, summed until the geometric tail bound is below the tolerance.
 * Returns NaN (never a silently truncated sum) when the series does not converge within `maxTerms`,
 * when c is a non-positive integer without an earlier terminating numerator, or for z > 1.
 */
export interface Hyp2f1Options {
  /** Relative tolerance for the tail of each series. */
  tolerance?: number;
  /** Hard cap on series terms; exceeded means NaN. */
  maxTerms?: number;
}

const DEFAULT_TOLERANCE = 1e-15;
const DEFAULT_MAX_TERMS = 10_000_000;

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

/** The defining series Σ (a)_k (b)_k / ((c)_k k!) z^k, for |z| < 1 (or terminating). NaN if not converged. */
export function hyp2f1Series(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tol = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  let term = 1;
  let sum = 1;
  const az = Math.abs(z);
  for (let k = 0; k < maxTerms; k++) {
    const ratio = ((a + k) * (b + k)) / ((c + k) * (k + 1));
    term *= ratio * z;
    if (term === 0) return sum; // terminating series (a or b a non-positive integer) or underflow
    sum += term;
    if (!Number.isFinite(sum)) return sum; // genuine overflow (±Infinity) or NaN from bad arguments
    const rho = Math.abs(ratio * z);
    if (rho < 1) {
      // Tail bound: once past the hump, later ratios are at most max(current ratio, |z|) (they tend to |z|).
      const rmax = Math.max(rho, az);
      if (rmax < 1 && Math.abs(term) * (rmax / (1 - rmax)) <= tol * Math.abs(sum)) return sum;
    }
  }
  return Number.NaN;
}

/** 1/Γ(x) written as sign·exp(-lnΓ): returns [sign, lnAbs]; sign 0 at the poles (where 1/Γ = 0). */
function recipGamma(x: number): [number, number] {
  if (isNonPositiveInteger(x)) return [0, 0];
  return [gammaSign(x), -lnGamma(x)];
}

/**
 * A&S 15.3.6, for 0 < z < 1 and d = c-a-b not an integer:
 * F = Γ(c)Γ(d)/(Γ(c-a)Γ(c-b)) F(a,b;1-d;1-z) + (1-z)^d Γ(c)Γ(-d)/(Γ(a)Γ(b)) F(c-a,c-b;1+d;1-z).
 * Returns NaN when the two terms cancel so badly that the direct series is the better choice.
 */
function oneMinusZTransform(a: number, b: number, c: number, z: number, options: Hyp2f1Options): number {
  const d = c - a - b;
  const w = 1 - z;
  const sc = gammaSign(c);
  const lc = lnGamma(c);
  const [s1a, l1a] = recipGamma(c - a);
  const [s1b, l1b] = recipGamma(c - b);
  let t1 = 0;
  if (s1a !== 0 && s1b !== 0) {
    const f1 = hyp2f1Series(a, b, 1 - d, w, options);
    t1 = sc * gammaSign(d) * s1a * s1b * Math.exp(lc + lnGamma(d) + l1a + l1b) * f1;
  }
  const [s2a, l2a] = recipGamma(a);
  const [s2b, l2b] = recipGamma(b);
  let t2 = 0;
  if (s2a !== 0 && s2b !== 0) {
    const f2 = hyp2f1Series(c - a, c - b, 1 + d, w, options);
    t2 = sc * gammaSign(-d) * s2a * s2b * Math.exp(lc + lnGamma(-d) + l2a + l2b + d * Math.log(w)) * f2;
  }
  const result = t1 + t2;
  if (!Number.isFinite(result)) return Number.NaN;
  if (Math.abs(result) < 1e-6 * Math.max(Math.abs(t1), Math.abs(t2))) return Number.NaN;
  return result;
}

/** 2F1(a, b; c; z); see the module comment for the method and its limits. */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  if (![a, b, c, z].every(Number.isFinite)) return Number.NaN;
  if (z === 0 || a === 0 || b === 0) return 1;
  if (isNonPositiveInteger(c)) {
    // Defined only if the numerator terminates before the denominator vanishes.
    const aTerm = isNonPositiveInteger(a) && a > c;
    const bTerm = isNonPositiveInteger(b) && b > c;
    if (!aTerm && !bTerm) return Number.NaN;
    return hyp2f1Series(a, b, c, z, options);
  }
  // Polynomials: the series is exact for any z.
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) return hyp2f1Series(a, b, c, z, options);
  if (z > 1) return Number.NaN; // the real-line continuation is complex/branch-dependent: not needed here.
  if (z === 1) {
    // Gauss's summation theorem (A&S 15.1.20), convergent only when c-a-b > 0.
    const d = c - a - b;
    if (d <= 0) return Number.POSITIVE_INFINITY;
    const [sa, la] = recipGamma(c - a);
    const [sb, lb] = recipGamma(c - b);
    if (sa === 0 || sb === 0) return 0;
    return gammaSign(c) * gammaSign(d) * sa * sb * Math.exp(lnGamma(c) + lnGamma(d) + la + lb);
  }
  if (z < 0) {
    // Pfaff (A&S 15.3.4 / 15.3.5): maps z in (-∞, 0) to w in (0, 1).
    const w = z / (z - 1);
    const lnOneMinusZ = Math.log1p(-z);
    if (Math.abs(a) * Math.abs(c - b) <= Math.abs(c - a) * Math.abs(b)) {
      return Math.exp(-a * lnOneMinusZ) * hyp2f1(a, c - b, c, w, options);
    }
    return Math.exp(-b * lnOneMinusZ) * hyp2f1(c - a, b, c, w, options);
  }
  // 0 < z < 1. Euler (A&S 15.3.3) when it makes the parameters smaller (and so the terms tamer).
  if (Math.abs(c - a) * Math.abs(c - b) < Math.abs(a) * Math.abs(b)) {
    const lnPre = (c - a - b) * Math.log1p(-z);
    const inner = positiveBranch(c - a, c - b, c, z, options);
    return Math.exp(lnPre) * inner;
  }
  return positiveBranch(a, b, c, z, options);
}

function positiveBranch(a: number, b: number, c: number, z: number, options: Hyp2f1Options): number {
  if (a === 0 || b === 0) return 1;
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) return hyp2f1Series(a, b, c, z, options);
  if (z > 0.95) {
    const d = c - a - b;
    const distance = Math.abs(d - Math.round(d));
    if (distance > 1e-4 && Math.abs(d) < 40) {
      const v = oneMinusZTransform(a, b, c, z, options);
      if (Number.isFinite(v)) return v;
    }
  }
  return hyp2f1Series(a, b, c, z, options);
}
