import { describe, expect, it } from 'vitest';
import { solveLinear, symmetricEigen } from './linear.js';

describe('linear helpers', () => {
  it('solveLinear solves a pivoting-needed system and flags singular ones', () => {
    // zero in the first pivot position forces a row swap; exact solution (1, 2, 3)
    const r = solveLinear([[0, 2, 1], [1, 1, 1], [2, 1, 0]], [7, 6, 4]);
    r.x.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i]!, 12));
    expect(r.singular).toBe(false);
    expect(solveLinear([[1, 2], [2, 4]], [1, 2]).singular).toBe(true);
  });
  it('symmetricEigen satisfies A v = λ v', () => {
    const a = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]];
    const e = symmetricEigen(a);
    expect(e.converged).toBe(true);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        const av = a[i]!.reduce((s, aij, j) => s + aij * e.vectors[j]![k]!, 0);
        expect(av).toBeCloseTo(e.values[k]! * e.vectors[i]![k]!, 12);
      }
    }
  });
});
