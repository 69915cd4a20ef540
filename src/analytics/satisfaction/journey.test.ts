import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { journeySatisfaction, naiveJourneyRate, type TouchpointRating } from './journey.js';

describe('naiveJourneyRate', () => {
  it('DOMAIN.md section 6: six touchpoints at 95% -> 0.95^6 = 0.7351 -> 74%, one in four has a bad moment', () => {
    const r = naiveJourneyRate(new Array(6).fill(0.95));
    // 0.95^6 = 0.735091890625 exactly in decimal; binary products differ in the last bits only.
    expect(r).toBeCloseTo(0.735091890625, 14);
    expect(Math.round(r * 10000) / 10000).toBe(0.7351);
    expect(Math.round(r * 100)).toBe(74);
    expect(Math.round((1 - r) * 4)).toBe(1); // ≈ one in four (26.5%)
  });
});

describe('journeySatisfaction', () => {
  const journey = ['book', 'arrive', 'stay', 'pay'];

  it('per-touchpoint rates, naive product, observed clean journeys, missing handling (hand-computed)', () => {
    const rows: TouchpointRating[] = [];
    const add = (c: string, ratings: (number | null)[]) => ratings.forEach((r, i) => r !== null && rows.push({ customerId: c, touchpoint: journey[i]!, rating: r }));
    add('a', [5, 5, 4, 5]); // clean
    add('b', [5, 2, 5, 5]); // bad at arrive
    add('c', [4, 4, 4, 4]); // clean
    add('d', [5, 5, 3, 2]); // bad twice
    add('e', [2, null, 5, null]); // incomplete, bad
    add('f', [5, 5, null, 5]); // incomplete, clean so far
    rows.push({ customerId: 'a', touchpoint: 'stay', rating: 1 }); // a repeat rating: worst counts -> a is not clean
    rows.push({ customerId: 'a', touchpoint: 'parking', rating: 1 }); // not in the journey
    const r = journeySatisfaction(journey, rows);
    expect(r.touchpoints.map((t) => [t.touchpoint, t.n, t.satisfied])).toEqual([
      ['book', 6, 5],
      ['arrive', 5, 4],
      ['stay', 5, 3], // a's worst (1) and d's 3 are bad; b, c, e satisfied
      ['pay', 5, 4],
    ]);
    expect(r.naiveEndToEnd).toBeCloseTo((5 / 6) * (4 / 5) * (3 / 5) * (4 / 5), 14);
    expect(r.observed).toMatchObject({ customers: 4, noBadMoment: 1, rate: 0.25 });
    expect(r.incomplete).toEqual({ customers: 2, withBadMoment: 1 });
    expect(r.ignoredRatings).toBe(1);
  });

  it('independent touchpoints: observed ≈ naive; correlated bad moments: observed > naive (seeded)', () => {
    const rng = createRng(11);
    const tps = ['t1', 't2', 't3', 't4', 't5', 't6'];
    const indep: TouchpointRating[] = [];
    const corr: TouchpointRating[] = [];
    for (let c = 0; c < 20000; c++) {
      const unlucky = rng() < 0.05; // correlated case: the same 5% have every bad moment
      for (const t of tps) {
        indep.push({ customerId: `c${c}`, touchpoint: t, rating: rng() < 0.95 ? 5 : 2 });
        corr.push({ customerId: `c${c}`, touchpoint: t, rating: unlucky ? 2 : 5 });
      }
    }
    const a = journeySatisfaction(tps, indep);
    // SE of the observed rate ≈ √(0.735·0.265/20000) ≈ 0.003; tolerance 0.015
    expect(Math.abs(a.observed.rate - a.naiveEndToEnd)).toBeLessThan(0.015);
    expect(Math.abs(a.naiveEndToEnd - 0.7351)).toBeLessThan(0.02);
    const b = journeySatisfaction(tps, corr);
    expect(b.observed.rate).toBeGreaterThan(b.naiveEndToEnd + 0.15);
  });
});
