/**
 * FP-growth and rule generation against exhaustive enumeration on small random baskets
 * (every subset of a universe of at most 8 items is counted by a plain scan).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BasketError, associationRules, mineFrequentItemsets, transactionsFromIds } from './index.js';

const arbBaskets = fc.integer({ min: 1, max: 8 }).chain((nItems) =>
  fc.record({
    nItems: fc.constant(nItems),
    baskets: fc.array(fc.array(fc.integer({ min: 0, max: nItems - 1 }), { maxLength: 9 }), { maxLength: 40 }),
  }),
);

/** Every non-empty subset of 0..nItems-1 (as a bit mask) with its plain-scan count. */
function exhaustive(baskets: number[][], nItems: number): Map<string, number> {
  const masks = baskets.map((b) => b.reduce((m, i) => m | (1 << i), 0));
  const out = new Map<string, number>();
  for (let s = 1; s < 1 << nItems; s++) {
    let c = 0;
    for (const m of masks) if ((m & s) === s) c++;
    const items: number[] = [];
    for (let i = 0; i < nItems; i++) if (s & (1 << i)) items.push(i);
    out.set(items.join(','), c);
  }
  return out;
}

describe('mineFrequentItemsets (property: equals exhaustive count)', () => {
  it('for any baskets, min count and max length', () => {
    fc.assert(
      fc.property(arbBaskets, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), ({ nItems, baskets }, minCount, maxLength) => {
        const all = exhaustive(baskets, nItems);
        const expected = new Map([...all].filter(([k, c]) => c >= minCount && k.split(',').length <= maxLength));
        const got = mineFrequentItemsets(transactionsFromIds(baskets, nItems), { minCount, maxLength });
        expect(new Map(got.itemsets.map((s) => [s.items.join(','), s.count]))).toEqual(expected);
        const sorted = [...got.itemsets].sort((a, b) => a.items.length - b.items.length || (a.items.join(',') < b.items.join(',') ? -1 : 1));
        expect(got.itemsets.map((s) => s.items.length)).toEqual(sorted.map((s) => s.items.length));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('honours minLength and accepts plain arrays', () => {
    const baskets = [
      [0, 1, 2],
      [0, 1],
      [1, 2],
      [0, 1, 2, 3],
    ];
    const got = mineFrequentItemsets(baskets, { minCount: 2, minLength: 2 });
    expect(got.itemsets.map((s) => [s.items, s.count])).toEqual([
      [[0, 1], 3],
      [[0, 2], 2],
      [[1, 2], 3],
      [[0, 1, 2], 2],
    ]);
    expect(Array.from(got.itemCounts)).toEqual([3, 4, 3, 1]);
  });

  it('handles empty input and no frequent items', () => {
    expect(mineFrequentItemsets([], { minCount: 1 }).itemsets).toEqual([]);
    expect(mineFrequentItemsets([[0], [1]], { minCount: 2 }).itemsets).toEqual([]);
  });

  it('stops with an error instead of exhausting memory', () => {
    const baskets = Array.from({ length: 5 }, () => Array.from({ length: 12 }, (_, i) => i));
    expect(() => mineFrequentItemsets(baskets, { minCount: 1, maxLength: 12, maxItemsets: 1000 })).toThrow(/more than 1000/);
    try {
      mineFrequentItemsets(baskets, { minCount: 1, maxItemsets: 10 });
    } catch (e) {
      expect(e).toBeInstanceOf(BasketError);
      expect((e as BasketError).code).toBe('TOO_MANY_ITEMSETS');
    }
  });

  it('rejects bad options', () => {
    expect(() => mineFrequentItemsets([[0]], { minCount: 0 })).toThrow(BasketError);
    expect(() => mineFrequentItemsets([[0]], { minSupport: 2 })).toThrow(BasketError);
    expect(() => mineFrequentItemsets([[0]], { minLength: 3, maxLength: 2 })).toThrow(BasketError);
  });
});

describe('associationRules (property: equals brute-force rules)', () => {
  it('single- and multi-item consequents, with confidence and lift filters', () => {
    fc.assert(
      fc.property(
        arbBaskets.filter((b) => b.baskets.length > 0),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1, 1.5),
        ({ nItems, baskets }, minCount, minConfidence, maxCons, minLift) => {
          const n = baskets.length;
          const counts = exhaustive(baskets, nItems);
          const cnt = (ids: number[]): number => (ids.length === 0 ? n : counts.get(ids.join(','))!);
          const expected = new Map<string, number[]>();
          for (const [key, cZ] of counts) {
            if (cZ < minCount) continue;
            const z = key.split(',').map(Number);
            const k = z.length;
            if (k === 1) {
              if (cZ / n >= minConfidence && 1 >= minLift) expected.set(`=>${key}`, [cZ, cZ / n, 1]);
              continue;
            }
            for (let m = 1; m < (1 << k) - 1; m++) {
              const y = z.filter((_, i) => m & (1 << i));
              const x = z.filter((_, i) => !(m & (1 << i)));
              if (y.length > maxCons) continue;
              const conf = cZ / cnt(x);
              const lift = (cZ * n) / (cnt(x) * cnt(y));
              if (conf >= minConfidence && lift >= minLift) expected.set(`${x.join(',')}=>${y.join(',')}`, [cZ, conf, lift]);
            }
          }
          const rules = associationRules(mineFrequentItemsets(transactionsFromIds(baskets, nItems), { minCount }), {
            minConfidence,
            minLift,
            maxConsequentLength: maxCons,
          });
          const got = new Map(rules.map((r) => [`${r.antecedent.join(',')}=>${r.consequent.join(',')}`, [r.count, r.confidence, r.lift]]));
          expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [k, v] of expected) {
            const g = got.get(k)!;
            expect(g[0]).toBe(v[0]);
            // same arithmetic, so equal up to rounding of a differently ordered product
            expect(Math.abs(g[1]! - v[1]!)).toBeLessThanOrEqual(1e-12);
            expect(Math.abs(g[2]! - v[2]!)).toBeLessThanOrEqual(1e-12 * v[2]!);
          }
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('computes every measure on a hand-worked example', () => {
    // 5 baskets; X = {0}, Y = {1}: supp(X) = 4/5, supp(Y) = 3/5, supp(XY) = 2/5.
    const f = mineFrequentItemsets([[0, 1], [0, 1], [0], [0, 2], [1]], { minCount: 1 });
    const r = associationRules(f, { minConfidence: 0 }).find((x) => x.antecedent.join() === '0' && x.consequent.join() === '1')!;
    expect(r.count).toBe(2);
    expect(r.support).toBeCloseTo(0.4, 15);
    expect(r.coverage).toBeCloseTo(0.8, 15);
    expect(r.confidence).toBeCloseTo(0.5, 15); // 0.4 / 0.8
    expect(r.lift).toBeCloseTo(0.5 / 0.6, 15);
    expect(r.leverage).toBeCloseTo(0.4 - 0.8 * 0.6, 15);
    expect(r.conviction).toBeCloseTo((1 - 0.6) / (1 - 0.5), 15);
  });

  it('needs the complete lattice (itemsets mined with minLength 1)', () => {
    const f = mineFrequentItemsets([[0, 1], [0, 1]], { minCount: 1, minLength: 2 });
    expect(() => associationRules(f, { minConfidence: 0 })).toThrow(/minLength 1/);
    expect(() => associationRules(f, { minConfidence: 2 })).toThrow(BasketError);
  });
});
