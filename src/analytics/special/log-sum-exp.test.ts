import { describe, expect, it } from 'vitest';
import { expm1OverX, log1pExp, logAddExp, logSubExp, logSumExp } from './log-sum-exp.js';

// Tolerances: ~1e-14 absolute on O(1) logs is a few ulps; these identities are exact in real arithmetic.
describe('log-domain helpers', () => {
  it('logAddExp matches ln(e^a + e^b) where that is computable, and survives where it is not', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(-1000, -1000)).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logAddExp(1000, 0)).toBe(1000);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
    expect(logAddExp(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('logSubExp matches ln(e^a - e^b), is exact at a = b, and refuses b > a', () => {
    expect(logSubExp(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 14);
    expect(logSubExp(-2000, -2000.5)).toBeCloseTo(-2000 + Math.log(1 - Math.exp(-0.5)), 12);
    expect(logSubExp(0, -1e-10)).toBeCloseTo(Math.log(1e-10), 8);
    expect(logSubExp(3, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(logSubExp(3, 4)).toBeNaN();
  });

  it('logSumExp handles weights, huge and empty inputs', () => {
    expect(logSumExp([1, 2, 3])).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + Math.E ** 3), 13);
    expect(logSumExp([800, 800], [1, 3])).toBeCloseTo(800 + Math.log(4), 12);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
    expect(logSumExp([1, Number.NaN])).toBeNaN();
  });

  it('log1pExp and expm1OverX at the extremes', () => {
    expect(log1pExp(0)).toBeCloseTo(Math.LN2, 15);
    expect(log1pExp(800)).toBe(800);
    expect(log1pExp(-800)).toBe(0);
    expect(expm1OverX(0, -2.5)).toBe(-2.5);
    expect(expm1OverX(1e-12, -2.5)).toBeCloseTo(-2.5, 10);
    expect(expm1OverX(0.5, Math.log(4))).toBeCloseTo((2 - 1) / 0.5, 14);
  });
});
