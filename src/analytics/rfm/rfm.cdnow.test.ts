import { describe, expect, it } from 'vitest';
import { rfmAnalysis } from './index.js';
import { loadCdnowMetrics } from '../../test-support/cdnow-metrics.js';

const data = loadCdnowMetrics();
// As of the last day of the data, 1998-06-30.
const AS_OF = Date.UTC(1998, 5, 30) / 86_400_000;

/** Naive score: 1 + floor(5 * (#customers strictly worse) / n), counted by binary search in a sorted copy. */
function naiveScores(values: number[], higherIsBetter: boolean): number[] {
  const asc = [...values].sort((a, b) => a - b);
  const n = values.length;
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (asc[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (asc[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return values.map((v) => {
    const worse = higherIsBetter ? lowerBound(v) : n - upperBound(v);
    return 1 + Math.floor((5 * worse) / n);
  });
}

// The R x FM grid of docs/analytics/value.md, written out as a literal: GRID[5 - fm][r - 1].
const GRID = [
  ['cant-lose', 'cant-lose', 'loyal', 'loyal', 'champions'],
  ['at-risk', 'at-risk', 'loyal', 'loyal', 'champions'],
  ['at-risk', 'at-risk', 'need-attention', 'potential-loyalists', 'potential-loyalists'],
  ['lost', 'hibernating', 'about-to-sleep', 'potential-loyalists', 'potential-loyalists'],
  ['lost', 'hibernating', 'about-to-sleep', 'promising', 'new'],
];

function countBy(xs: (string | number)[]): Map<string | number, number> {
  const m = new Map<string | number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

describe('RFM on CDNOW vs a naive re-implementation', () => {
  const r = rfmAnalysis(data, AS_OF);
  const rec = data.map((m) => AS_OF - m.lastDay);
  const fr = data.map((m) => m.purchaseDays);
  const mo = data.map((m) => m.revenueMinor);
  const R = naiveScores(rec, false);
  const F = naiveScores(fr, true);
  const M = naiveScores(mo, true);

  it('scores agree customer by customer', () => {
    expect(r.customers.map((c) => c.r)).toEqual(R);
    expect(r.customers.map((c) => c.f)).toEqual(F);
    expect(r.customers.map((c) => c.m)).toEqual(M);
  });

  it('counts per score agree', () => {
    for (const [dim, naive] of [['r', R], ['f', F], ['m', M]] as const) {
      const counts = countBy(naive);
      for (const s of r.scoreRanges[dim]) expect(s.customers, `${dim}=${s.score}`).toBe(counts.get(s.score) ?? 0);
    }
  });

  it('counts and revenue of the 125 cells agree', () => {
    const cnt = countBy(data.map((_, i) => `${R[i]}${F[i]}${M[i]}`));
    const rev = new Map<string, number>();
    data.forEach((m, i) => rev.set(`${R[i]}${F[i]}${M[i]}`, (rev.get(`${R[i]}${F[i]}${M[i]}`) ?? 0) + m.revenueMinor));
    for (const c of r.cells) {
      expect(c.customers, c.cell).toBe(cnt.get(c.cell) ?? 0);
      expect(c.revenueMinor, c.cell).toBe(rev.get(c.cell) ?? 0);
    }
  });

  it('named segment counts agree with the literal grid', () => {
    const seg = countBy(data.map((_, i) => GRID[5 - Math.floor((F[i]! + M[i]!) / 2)]![R[i]! - 1]!));
    for (const s of r.segments!) expect(s.customers, s.id).toBe(seg.get(s.id) ?? 0);
  });

  it('eight-way counts agree (integer comparison with the mean: x * n vs sum)', () => {
    const n = data.length;
    const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
    const [sr, sf, sm] = [sum(rec), sum(fr), sum(mo)];
    const names: Record<string, string> = {
      '+++': 'important-value', '+-+': 'important-development', '-++': 'important-retention', '--+': 'important-recall',
      '++-': 'general-value', '+--': 'general-development', '-+-': 'general-retention', '---': 'general-recall',
    };
    const seg = countBy(
      data.map((_, i) => {
        // products stay below 2^53 here: recency < 600, frequency < 300, revenue < 2e6 cents, n < 30,000
        const code = (rec[i]! * n <= sr ? '+' : '-') + (fr[i]! * n >= sf ? '+' : '-') + (mo[i]! * n >= sm ? '+' : '-');
        return names[code]!;
      }),
    );
    for (const s of r.eightWay.segments) expect(s.customers, s.id).toBe(seg.get(s.id) ?? 0);
  });
});
