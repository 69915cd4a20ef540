import { describe, expect, it } from 'vitest';
import { digamma, gammaSign, lnBeta, lnGamma } from './log-gamma.js';

// Tolerances: a few ulps on O(1) values; reference values are exact or from A&S ch. 6.
describe('log-gamma helpers', () => {
  it('lnGamma and gammaSign reproduce Γ at known points (Γ(1/2) = √π, Γ(-1/2) = -2√π, Γ(-3/2) = 4√π/3)', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 14);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(gammaSign(-0.5) * Math.exp(lnGamma(-0.5))).toBeCloseTo(-2 * Math.sqrt(Math.PI), 13);
    expect(gammaSign(-1.5) * Math.exp(lnGamma(-1.5))).toBeCloseTo((4 * Math.sqrt(Math.PI)) / 3, 13);
    expect(gammaSign(-2)).toBeNaN();
  });

  it('lnBeta agrees with lnGamma, and digamma with a difference quotient of lnGamma', () => {
    expect(lnBeta(2.5, 3.25)).toBeCloseTo(lnGamma(2.5) + lnGamma(3.25) - lnGamma(5.75), 13);
    // ψ(1) = -γ (Euler-Mascheroni constant, A&S 6.3.2); central difference with h = 1e-5 is good to ~1e-9.
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    expect(digamma(3.7)).toBeCloseTo((lnGamma(3.7 + 1e-5) - lnGamma(3.7 - 1e-5)) / 2e-5, 8);
  });
});
