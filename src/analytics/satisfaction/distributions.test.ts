import { describe, expect, it } from 'vitest';
import {
  normalCdf,
  normalCritical,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTQuantile,
} from './distributions.js';

// Reference values from scipy 1.17 (scipy.stats.norm / scipy.stats.t / scipy.special), computed once by hand.
// Tolerance 1e-12 relative: AS 241 is good to ~1e-16, the t quantile solver stops at 1e-13.
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('normalQuantile (Wichura AS 241)', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.6, 0.2533471031357997],
    [0.9, 1.2815515655446004],
    [0.3, -0.5244005127080409],
    [0.025, -1.9599639845400545],
    [0.999, 3.090232306167813],
    [1e-10, -6.361340902404056],
    [1e-300, -37.0470962993612],
  ])('Φ⁻¹(%s) = %s', (p, q) => {
    expect(rel(normalQuantile(p), q)).toBeLessThan(1e-14);
  });
  it('is the inverse of normalCdf', () => {
    for (const p of [1e-8, 0.001, 0.2, 0.5, 0.77, 0.99999]) expect(rel(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-12);
  });
  it('handles the ends and rejects p outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
  it('critical value for 95%', () => {
    expect(rel(normalCritical(0.95), 1.959963984540054)).toBeLessThan(1e-14);
  });
});

describe('normalCdf', () => {
  it.each([
    [1.96, 0.9750021048517795],
    [-3, 0.0013498980316300933],
    [0.5, 0.6914624612740131],
    [0, 0.5],
  ])('Φ(%s) = %s', (x, p) => {
    expect(rel(normalCdf(x), p)).toBeLessThan(1e-13);
  });
  it('keeps relative accuracy in the far tail', () => {
    expect(Math.abs(normalCdf(-10) / 7.61985302416047e-24 - 1)).toBeLessThan(1e-12);
  });
});

describe('incomplete gamma and beta', () => {
  it('match scipy', () => {
    expect(rel(regularizedGammaP(3, 2.5), 0.45618688411667035)).toBeLessThan(1e-13);
    expect(Math.abs(regularizedGammaQ(0.5, 8) / 6.334248366623988e-5 - 1)).toBeLessThan(1e-12);
    expect(rel(regularizedBeta(0.3, 2, 5), 0.5798250000000003)).toBeLessThan(1e-13);
    expect(rel(regularizedBeta(0.9, 0.5, 0.5), 0.7951672353008665)).toBeLessThan(1e-13);
    expect(rel(regularizedBeta(0.41, 200, 300), 0.677628164772179)).toBeLessThan(1e-11);
  });
});

describe('Student t', () => {
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 10, 2.228138851986274],
    [0.975, 30, 2.0422724563012378],
    [0.995, 2.5, 7.163728138948783],
    [0.9, 1000, 1.2823987214609247],
    [0.025, 4, -2.7764451051977943],
    [0.9995, 1, 636.6192487687897],
    [0.975, 1e6, 1.959966356814107],
  ])('quantile(%s, df=%s) = %s', (p, df, q) => {
    expect(rel(studentTQuantile(p, df), q)).toBeLessThan(1e-11);
  });
  it.each([
    [2.0, 5, 0.9490302605850708],
    [-1.5, 12.3, 0.07941942338275546],
    [40, 3, 0.9999828096596054],
  ])('cdf(%s, df=%s) = %s', (t, df, p) => {
    expect(rel(studentTCdf(t, df), p)).toBeLessThan(1e-12);
  });
});
