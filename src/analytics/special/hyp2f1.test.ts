import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1Series } from './hyp2f1.js';
import { lnGamma } from './log-gamma.js';

/** Relative closeness; tolerances are stated per test. */
function rel(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

/**
 * Independent reference: Euler's integral (A&S 15.3.1), valid for c > b > 0,
 * F = Γ(c)/(Γ(b)Γ(c-b)) ∫0^1 t^(b-1) (1-t)^(c-b-1) (1-zt)^(-a) dt,
 * by tanh-sinh quadrature (Takahasi & Mori 1974), which copes with the algebraic end-point
 * singularities; t and 1-t are both formed without cancellation so the t -> 1 end stays accurate.
 */
function eulerIntegral(a: number, b: number, c: number, z: number): number {
  const h = 1 / 256;
  let sum = 0;
  for (let k = -6 * 256; k <= 6 * 256; k++) {
    const s = k * h;
    const u = (Math.PI / 2) * Math.sinh(s);
    const t = 1 / (1 + Math.exp(-2 * u));
    const oneMinusT = 1 / (1 + Math.exp(2 * u));
    const ch = Math.cosh(u);
    const w = ((Math.PI / 4) * Math.cosh(s)) / (ch * ch);
    if (w === 0 || t === 0 || oneMinusT === 0) continue;
    const f =
      Math.exp((b - 1) * Math.log(t) + (c - b - 1) * Math.log(oneMinusT)) *
      Math.pow(1 - z + z * oneMinusT, -a);
    sum += w * f;
  }
  return Math.exp(lnGamma(c) - lnGamma(b) - lnGamma(c - b)) * sum * h;
}

describe('hyp2f1: closed forms', () => {
  // 2F1(1,1;2;z) = -ln(1-z)/z (A&S 15.1.3). Tolerance 1e-12 relative: a sum of positive terms loses
  // ~1 ulp per few thousand terms. c-a-b = 0 is the degenerate (integer) case, so z = 0.9999 takes the
  // slow direct series (~400k terms) instead of the 1-z transformation: this checks that path too.
  for (const z of [-50, -5, -0.9, -0.3, 1e-8, 0.1, 0.5, 0.9, 0.99, 0.9999]) {
    it(`2F1(1,1;2;${z}) = -ln(1-z)/z`, () => {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-12);
    });
  }

  // 2F1(a,b;b;z) = (1-z)^-a (A&S 15.1.8), including z near 1 and negative z.
  const cases: [number, number, number][] = [
    [0.243, 2.426, 0.5],
    [3.7, 0.4, -7],
    [0.553, 11.669, 0.97],
    [12.5, 1.3, 0.99],
    [-0.3, 5, 0.999],
  ];
  for (const [a, b, z] of cases) {
    it(`2F1(${a},${b};${b};${z}) = (1-z)^-a`, () => {
      expect(rel(hyp2f1(a, b, b, z), Math.pow(1 - z, -a))).toBeLessThan(1e-12);
    });
  }

  it('2F1(1/2,1/2;3/2;x^2) = asin(x)/x and 2F1(1/2,1;3/2;-x^2) = atan(x)/x (A&S 15.1.6, 15.1.5)', () => {
    for (const x of [0.1, 0.7, 0.95, 0.999]) {
      expect(rel(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-12);
    }
    for (const x of [0.1, 1, 3, 30]) {
      expect(rel(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x)).toBeLessThan(1e-12);
    }
  });

  it('terminating series: 2F1(-2,b;c;z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)) for any z', () => {
    const b = 1.7;
    const c = 2.9;
    for (const z of [-3, 0.4, 0.99, 5]) {
      const expected = 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
      expect(rel(hyp2f1(-2, b, c, z), expected)).toBeLessThan(1e-14);
    }
  });

  it("Gauss's theorem at z = 1 (A&S 15.1.20) and divergence when c-a-b <= 0", () => {
    const [a, b, c] = [0.3, 0.8, 2.5];
    const expected = Math.exp(lnGamma(c) + lnGamma(c - a - b) - lnGamma(c - a) - lnGamma(c - b));
    expect(rel(hyp2f1(a, b, c, 1), expected)).toBeLessThan(1e-13);
    // and continuity into z -> 1 from below (through the 1-z transformation)
    expect(rel(hyp2f1(a, b, c, 1 - 1e-12), expected)).toBeLessThan(1e-6);
    expect(hyp2f1(1, 1, 2, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('returns NaN rather than a wrong number where undefined or unconverged', () => {
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN(); // pole in c
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN(); // z > 1 not supported
    expect(hyp2f1Series(1, 1, 2, 0.9999, { maxTerms: 100 })).toBeNaN();
    expect(hyp2f1(Number.NaN, 1, 2, 0.5)).toBeNaN();
  });
});

describe('hyp2f1: against the Euler integral (independent quadrature)', () => {
  // Parameter shapes from the models: BG/NBD (r+x, b+x; a+b+x-1), Pareto/NBD (r+s+x, s+1; r+s+x+1), negative z.
  // Tolerance 1e-10 relative: the quadrature is good to ~1e-13 on these smooth-but-singular integrands.
  const cases: [number, number, number, number][] = [
    [0.243, 2.426, 2.219 + 1, 0.3],
    [2.243, 4.426, 5.219, 0.8],
    [1.159, 1.606, 3.159, 0.6],
    [27.159, 1.606, 28.159, 0.95],
    [1.5, 2.0, 4.7, 0.97],
    [1.5, 2.0, 4.7, -20],
    [3.2, 1.1, 3.3, -0.99],
    [0.7, 1.4, 6.1, 0.995],
  ];
  for (const [a, b, c, z] of cases) {
    it(`2F1(${a},${b};${c};${z})`, () => {
      expect(rel(hyp2f1(a, b, c, z), eulerIntegral(a, b, c, z))).toBeLessThan(1e-10);
    });
  }

  it('the 1-z transformation and the direct series agree near z = 1', () => {
    // Same value by two routes: A&S 15.3.6 (taken for z > 0.95) vs the plain series (forced).
    for (const [a, b, c, z] of [
      [0.55, 1.3, 2.7, 0.97],
      [1, 11.6, 13.2, 0.99],
      [2.3, 0.6, 1.4, 0.999],
    ] as const) {
      expect(rel(hyp2f1(a, b, c, z), hyp2f1Series(a, b, c, z))).toBeLessThan(1e-11);
    }
  });
});
