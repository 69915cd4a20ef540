import { describe, expect, it } from 'vitest';
import { KANO_ANSWERS, type KanoAnswer, type KanoCategory, kanoCategory, kanoEvaluation } from './kano.js';

// The standard evaluation table as printed in Berger et al. (1993), rows = functional answer
// (like, must-be, neutral, live-with, dislike), columns = dysfunctional answer in the same order.
const EXPECTED: KanoCategory[][] = [
  ['Q', 'A', 'A', 'A', 'O'],
  ['R', 'I', 'I', 'I', 'M'],
  ['R', 'I', 'I', 'I', 'M'],
  ['R', 'I', 'I', 'I', 'M'],
  ['R', 'R', 'R', 'R', 'Q'],
];

describe('kanoCategory', () => {
  const cells = KANO_ANSWERS.flatMap((f, i) => KANO_ANSWERS.map((d, j) => [f, d, EXPECTED[i]![j]!] as const));
  it.each(cells)('functional %s x dysfunctional %s -> %s', (f, d, cat) => {
    expect(kanoCategory(f, d)).toBe(cat);
  });
  it('rejects unknown answers', () => {
    expect(() => kanoCategory('love' as KanoAnswer, 'like')).toThrow(/unknown answer/);
  });
});

describe('kanoEvaluation', () => {
  const many = (attribute: string, f: KanoAnswer, d: KanoAnswer, k: number) => Array.from({ length: k }, () => ({ attribute, functional: f, dysfunctional: d }));

  it('category by mode and Berger better/worse (hand-computed)', () => {
    // A=5, O=3, M=2, I=10, R=1, Q=1: better = 8/20 = 0.4, worse = -5/20 = -0.25, category I.
    const r = kanoEvaluation([
      ...many('wifi', 'like', 'neutral', 5),
      ...many('wifi', 'like', 'dislike', 3),
      ...many('wifi', 'neutral', 'dislike', 2),
      ...many('wifi', 'neutral', 'neutral', 10),
      ...many('wifi', 'dislike', 'like', 1),
      ...many('wifi', 'like', 'like', 1),
    ]);
    expect(r).toHaveLength(1);
    const w = r[0]!;
    expect(w.counts).toEqual({ A: 5, O: 3, M: 2, I: 10, R: 1, Q: 1 });
    expect(w.n).toBe(22);
    expect(w.category).toBe('I');
    expect(w.tiedWith).toEqual(['I']);
    expect(w.better).toBeCloseTo(0.4, 12);
    expect(w.worse).toBeCloseTo(-0.25, 12);
  });

  it('breaks ties M > O > A > I', () => {
    const r = kanoEvaluation([
      ...many('clean rooms', 'like', 'dislike', 3), // O
      ...many('clean rooms', 'neutral', 'dislike', 3), // M
      ...many('free upgrade', 'like', 'neutral', 2), // A
      ...many('free upgrade', 'must-be', 'must-be', 2), // I
      ...many('fast checkout', 'like', 'dislike', 4), // O
      ...many('fast checkout', 'like', 'live-with', 4), // A
    ]);
    expect(r.map((a) => [a.attribute, a.category, a.tiedWith])).toEqual([
      ['clean rooms', 'M', ['M', 'O']],
      ['free upgrade', 'A', ['A', 'I']],
      ['fast checkout', 'O', ['O', 'A']],
    ]);
  });

  it('better/worse are null when only R and Q answers exist; tie order is configurable', () => {
    const r = kanoEvaluation([...many('x', 'dislike', 'like', 1), ...many('x', 'like', 'like', 1)], { tieOrder: ['Q', 'R', 'M', 'O', 'A', 'I'] });
    expect(r[0]!.better).toBeNull();
    expect(r[0]!.worse).toBeNull();
    expect(r[0]!.category).toBe('Q');
  });
});
