/**
 * Normal and Student-t distribution functions for confidence intervals.
 *
 * Hand-written because no statistics package is installed; the only dependencies are
 * stdlib's log-gamma and log-beta, which the continued fractions below need for their prefactors.
 */
import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';

// Constants of Wichura (1988), "Algorithm AS 241: The percentage points of the normal distribution",
// Applied Statistics 37(3), 477-484: routine PPND16, accurate to about 1e-16.
const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function poly(coef: readonly number[], x: number): number {
  let s = 0;
  for (let i = coef.length - 1; i >= 0; i--) s = s * x + coef[i]!;
  return s;
}

/**
 * Standard normal quantile Φ⁻¹(p), Wichura (1988) AS 241 (PPND16): three rational
 * approximations (central region |p - 0.5| <= 0.425, then two tail regions in sqrt(-ln p)).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/**
 * Regularised lower incomplete gamma P(a, x): series for x < a + 1, Lentz continued fraction
 * otherwise (Press et al., Numerical Recipes, 3rd ed., section 6.2, eqs. 6.2.5 and 6.2.7).
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaP: need a > 0, x >= 0 (a=${a}, x=${x})`);
  if (x === 0) return 0;
  const lnPrefix = a * Math.log(x) - x - gammaln(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) return sum * Math.exp(lnPrefix);
    }
    throw new Error(`regularizedGammaP: series did not converge (a=${a}, x=${x})`);
  }
  return 1 - gammaQContinuedFraction(a, x, lnPrefix);
}

function gammaQContinuedFraction(a: number, x: number, lnPrefix: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return Math.exp(lnPrefix) * h;
  }
  throw new Error(`regularizedGammaQ: continued fraction did not converge (a=${a}, x=${x})`);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x) (same source as {@link regularizedGammaP}). */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaQ: need a > 0, x >= 0 (a=${a}, x=${x})`);
  if (x < a + 1) return 1 - regularizedGammaP(a, x);
  return gammaQContinuedFraction(a, x, a * Math.log(x) - x - gammaln(a));
}

/**
 * Standard normal CDF Φ(x) = erfc(-x/√2)/2, with erfc(z) = Q(1/2, z²) for z >= 0
 * (Abramowitz & Stegun 7.1.2 and 6.5.17). The tail is computed directly, so it keeps
 * relative accuracy far out (no 1 - P cancellation).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const upper = 0.5 * regularizedGammaQ(0.5, (x * x) / 2); // P(Z > |x|)
  return x < 0 ? upper : 1 - upper;
}

/**
 * Regularised incomplete beta I_x(a, b) by Lentz's continued fraction, using the symmetry
 * I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges slowly
 * (Numerical Recipes, 3rd ed., section 6.4, eqs. 6.4.5-6.4.6).
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`regularizedBeta: need a, b > 0 (a=${a}, b=${b})`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnPrefix = a * Math.log(x) + b * Math.log1p(-x) - betaln(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnPrefix) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnPrefix) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`regularizedBeta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

// Above this many degrees of freedom the t and normal quantiles agree to ~1e-9 at 95%,
// and the continued fraction would need many iterations.
const T_AS_NORMAL_DF = 1e8;

/**
 * Upper tail P(T > |t|) of Student's t with `df` degrees of freedom:
 * ½ I_{ν/(ν+t²)}(ν/2, ½) (Abramowitz & Stegun 26.7.1 with 26.5.27).
 */
function tUpperTail(t: number, df: number): number {
  return 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student-t CDF; `df` may be fractional (Welch) or Infinity (normal). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (df >= T_AS_NORMAL_DF) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = tUpperTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

function studentTPdf(t: number, df: number): number {
  const lnC = gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student-t quantile: solves P(T > t) = min(p, 1-p) for t > 0 by Newton's method on the
 * tail (derivative = -pdf), safeguarded by bisection inside a bracket, starting at the normal quantile.
 * Relative tolerance 1e-13 on t.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (df >= T_AS_NORMAL_DF) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const target = Math.min(p, 1 - p);
  // Bracket [lo, hi] with tail(lo) > target >= tail(hi); the tail falls as t grows.
  let lo = 0;
  let hi = Math.max(1, -normalQuantile(target));
  while (tUpperTail(hi, df) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) throw new Error(`studentTQuantile: could not bracket p=${p}, df=${df}`);
  }
  let t = Math.min(Math.max(-normalQuantile(target), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = tUpperTail(t, df) - target;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / studentTPdf(t, df); // Newton: d(tail)/dt = -pdf
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-13 * Math.max(1, Math.abs(next))) {
      t = next;
      return p < 0.5 ? -t : t;
    }
    t = next;
  }
  throw new Error(`studentTQuantile: did not converge (p=${p}, df=${df})`);
}

/** Two-sided critical value z_{1-α/2} for a confidence level such as 0.95. */
export function normalCritical(level: number): number {
  assertLevel(level);
  return normalQuantile(1 - (1 - level) / 2);
}

/** Two-sided critical value t_{1-α/2, df} for a confidence level such as 0.95. */
export function studentTCritical(level: number, df: number): number {
  assertLevel(level);
  return studentTQuantile(1 - (1 - level) / 2, df);
}

export function assertLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}
