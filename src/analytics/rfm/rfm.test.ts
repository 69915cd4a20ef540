import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULTS,
  EIGHT_WAY_SEGMENTS,
  NAMED_SEGMENT_RULES,
  RFM_NAMED_SEGMENTS,
  eightWaySegment,
  fmScore,
  namedSegment,
  quantileScores,
  rfmAnalysis,
  rfmScoreRangeTable,
  rfmSegmentTable,
  type RfmInput,
} from './index.js';

/** Independent tie rule: score = 1 + floor(bins * (#strictly worse) / n). */
function naiveScores(values: number[], bins: number, higherIsBetter: boolean): number[] {
  return values.map((v) => {
    const worse = values.filter((w) => (higherIsBetter ? w < v : w > v)).length;
    return 1 + Math.floor((bins * worse) / values.length);
  });
}

function row(id: string, lastDay: number, purchaseDays: number, revenueMinor: number, extra: Partial<RfmInput> = {}): RfmInput {
  return { customerId: id, lastDay, purchaseDays, orders: purchaseDays, revenueMinor, marginMinor: revenueMinor, ...extra };
}

describe('quantileScores', () => {
  it('without ties puts n/5 customers in each score', () => {
    const s = quantileScores([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5, true);
    expect(s).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('spreads the remainder by the formula (n = 7 -> sizes 2,1,2,1,1 for scores 1..5)', () => {
    // ranks 1..7 -> 1 + floor(5 * (rank-1) / 7) = 1,1,2,3,3,4,5
    expect(quantileScores([1, 2, 3, 4, 5, 6, 7], 5, true)).toEqual([1, 1, 2, 3, 3, 4, 5]);
  });

  it('ties share the score of their first (worst-placed) member, leaving scores empty', () => {
    // six 1s: minRank 1 -> 1; value 2 at rank 7 -> 1 + floor(30/10) = 4; 3 at rank 8 -> 4; 4, 5 -> 5
    expect(quantileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5, true)).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    expect(quantileScores([7, 7, 7], 5, true)).toEqual([1, 1, 1]);
  });

  it('lower is better for recency: fewest days score 5', () => {
    expect(quantileScores([0, 10, 20, 30, 40], 5, false)).toEqual([5, 4, 3, 2, 1]);
    expect(quantileScores([0, 0, 40, 40, 40], 5, false)).toEqual([4, 4, 1, 1, 1]); // 0 days: 3 strictly worse -> 1 + floor(15/5)
  });

  it('single customer scores 1; empty input gives no scores', () => {
    expect(quantileScores([42], 5, true)).toEqual([1]);
    expect(quantileScores([], 5, true)).toEqual([]);
  });

  it('matches the independent "count strictly worse" formula (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 2, max: 10 }),
        fc.boolean(),
        (vals, bins, hib) => {
          expect(quantileScores(vals, bins, hib)).toEqual(naiveScores(vals, bins, hib));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('named segments', () => {
  it('the rule table covers each of the 25 R x FM cells exactly once', () => {
    for (let r = 1; r <= 5; r++)
      for (let fm = 1; fm <= 5; fm++) {
        const hits = NAMED_SEGMENT_RULES.filter((x) => r >= x.r[0] && r <= x.r[1] && fm >= x.fm[0] && fm <= x.fm[1]);
        expect(hits.length, `cell R${r} FM${fm}`).toBe(1);
      }
  });

  it('every segment in the rules is in the catalogue and vice versa', () => {
    expect(new Set(NAMED_SEGMENT_RULES.map((x) => x.segment))).toEqual(new Set(RFM_NAMED_SEGMENTS.map((x) => x.id)));
    expect(RFM_NAMED_SEGMENTS.length).toBe(11);
    for (const s of RFM_NAMED_SEGMENTS) for (const l of [s.name, s.description, s.action]) expect(l.en && l.zh).toBeTruthy();
  });

  it('FM is the average of F and M rounded down', () => {
    expect(fmScore(5, 4)).toBe(4);
    expect(fmScore(1, 2)).toBe(1);
    expect(fmScore(5, 5)).toBe(5);
  });

  it('maps boundary cells as documented', () => {
    expect(namedSegment(5, 4, 4)).toBe('champions');
    expect(namedSegment(5, 5, 2)).toBe('potential-loyalists'); // FM 3
    expect(namedSegment(5, 1, 2)).toBe('new');
    expect(namedSegment(4, 1, 1)).toBe('promising');
    expect(namedSegment(4, 5, 4)).toBe('loyal');
    expect(namedSegment(3, 4, 5)).toBe('loyal');
    expect(namedSegment(3, 3, 4)).toBe('need-attention');
    expect(namedSegment(3, 2, 3)).toBe('about-to-sleep');
    expect(namedSegment(2, 5, 5)).toBe('cant-lose');
    expect(namedSegment(1, 5, 4)).toBe('at-risk'); // FM 4.5 -> 4: not quite "can't lose"
    expect(namedSegment(2, 3, 3)).toBe('at-risk');
    expect(namedSegment(2, 2, 2)).toBe('hibernating');
    expect(namedSegment(1, 2, 2)).toBe('lost');
    expect(() => namedSegment(6, 1, 1)).toThrow(RangeError);
  });
});

describe('eight-way segments', () => {
  it('the catalogue covers the 8 sign combinations once, with zh-CN names from DOMAIN.md', () => {
    const codes = new Set(EIGHT_WAY_SEGMENTS.map((s) => `${+s.rPlus}${+s.fPlus}${+s.mPlus}`));
    expect(codes.size).toBe(8);
    expect(eightWaySegment(true, true, true)).toBe('important-value');
    expect(eightWaySegment(true, false, true)).toBe('important-development');
    expect(eightWaySegment(false, true, true)).toBe('important-retention');
    expect(eightWaySegment(false, false, true)).toBe('important-recall');
    expect(eightWaySegment(true, true, false)).toBe('general-value');
    expect(eightWaySegment(true, false, false)).toBe('general-development');
    expect(eightWaySegment(false, true, false)).toBe('general-retention');
    expect(eightWaySegment(false, false, false)).toBe('general-recall');
    expect(EIGHT_WAY_SEGMENTS.map((s) => s.name.zh)).toEqual([
      '重要价值客户', '重要发展客户', '重要保持客户', '重要挽留客户', '一般价值客户', '一般发展客户', '一般保持客户', '一般挽留客户',
    ]);
    for (const s of EIGHT_WAY_SEGMENTS) expect(s.code).toBe(`R${s.rPlus ? '+' : '-'}F${s.fPlus ? '+' : '-'}M${s.mPlus ? '+' : '-'}`);
  });

  it('a value exactly at the mean is "+" (R: days <= mean; F, M: >= mean)', () => {
    // as of day 100: recency 10, 20, 30 (mean 20); F 1, 2, 3 (mean 2); M 100, 200, 300 (mean 200)
    const r = rfmAnalysis([row('a', 90, 1, 300), row('b', 80, 2, 200), row('c', 70, 3, 100)], 100);
    expect(r.eightWay.means).toEqual({ recencyDays: 20, frequency: 2, monetaryMinor: 200 });
    const b = r.customers[1]!;
    expect([b.rPlus, b.fPlus, b.mPlus]).toEqual([true, true, true]);
    expect(b.eightWay).toBe('important-value');
    expect(r.customers[0]!.eightWay).toBe('important-development'); // recent, F below mean, M above
    expect(r.customers[2]!.eightWay).toBe('general-retention'); // old, F above, M below
  });

  it('just off the mean flips the sign', () => {
    // F mean 7/3 = 2.33: F=2 is '-', F=3 '+'
    const r = rfmAnalysis([row('a', 0, 2, 1), row('b', 0, 2, 1), row('c', 0, 3, 1)], 0);
    expect(r.customers.map((c) => c.fPlus)).toEqual([false, false, true]);
    // everyone equal: all at the mean, all '+'
    expect(r.customers.every((c) => c.rPlus && c.mPlus)).toBe(true);
  });
});

describe('rfmAnalysis', () => {
  const data: RfmInput[] = Array.from({ length: 10 }, (_, i) =>
    row(`c${i}`, 100 - i * 10, i + 1, (i + 1) * 1000, { orders: 20 - i, marginMinor: 10 - i }),
  );

  it('recency = asOfDay - lastDay; 125 cells with all customers and revenue', () => {
    const r = rfmAnalysis(data, 100);
    expect(r.customers.map((c) => c.recencyDays)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(r.customers[0]).toMatchObject({ r: 5, f: 1, m: 1, cell: '511', segment: 'new' });
    expect(r.customers[9]).toMatchObject({ r: 1, f: 5, m: 5, cell: '155', segment: 'cant-lose' });
    expect(r.cells.length).toBe(125);
    expect(r.cells[0]!.cell).toBe('555');
    expect(r.cells[124]!.cell).toBe('111');
    expect(r.cells.reduce((s, c) => s + c.customers, 0)).toBe(10);
    expect(r.cells.reduce((s, c) => s + c.revenueMinor, 0)).toBe(55000);
    expect(r.cells.find((c) => c.cell === '155')).toMatchObject({ customers: 2, revenueMinor: 19000 });
    expect(r.totals).toEqual({ customers: 10, revenueMinor: 55000 });
  });

  it('segment summaries add up and the grid has 25 cells', () => {
    const r = rfmAnalysis(data, 100);
    expect(r.segments!.reduce((s, x) => s + x.customers, 0)).toBe(10);
    expect(r.segments!.reduce((s, x) => s + x.revenueMinor, 0)).toBe(55000);
    expect(r.eightWay.segments.reduce((s, x) => s + x.customers, 0)).toBe(10);
    expect(r.grid!.length).toBe(25);
    expect(r.grid!.reduce((s, x) => s + x.customers, 0)).toBe(10);
    const nw = r.segments!.find((s) => s.id === 'new')!;
    expect(nw).toMatchObject({ customers: 2, revenueMinor: 3000, meanRecencyDays: 5, meanFrequency: 1.5 });
  });

  it('score ranges give the raw bounds of each score', () => {
    const r = rfmAnalysis(data, 100);
    expect(r.scoreRanges.r[0]).toEqual({ score: 5, customers: 2, min: 0, max: 10 });
    expect(r.scoreRanges.m[4]).toEqual({ score: 1, customers: 2, min: 1000, max: 2000 });
  });

  it('options: frequency = orders, monetary = margin, bins = 10', () => {
    const r = rfmAnalysis(data, 100, { frequency: 'orders', monetary: 'margin' });
    expect(r.customers[0]).toMatchObject({ frequency: 20, monetaryMinor: 10, f: 5, m: 5 });
    const t = rfmAnalysis(data, 100, { bins: 10 });
    expect(t.cells.length).toBe(1000);
    expect(t.customers[0]!.cell).toBe('10-1-1');
    expect(t.segments).toBeNull();
    expect(t.grid).toBeNull();
    expect(DEFAULTS).toMatchObject({ bins: 5, frequency: 'purchaseDays', monetary: 'revenue' });
  });

  it('rejects purchases after the as-of day, bad bins and duplicates', () => {
    expect(() => rfmAnalysis([row('a', 101, 1, 1)], 100)).toThrow(expect.objectContaining({ code: 'AFTER_AS_OF' }));
    expect(() => rfmAnalysis([row('a', 1, 1, 1)], 100, { bins: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => rfmAnalysis([row('a', 1, 1, 1), row('a', 1, 1, 1)], 100)).toThrow(expect.objectContaining({ code: 'DUPLICATE_CUSTOMER' }));
    expect(() => rfmAnalysis([row('a', 1, 1, 0.5)], 100)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('empty input', () => {
    const r = rfmAnalysis([], 100);
    expect(r.customers).toEqual([]);
    expect(r.eightWay.means).toEqual({ recencyDays: null, frequency: null, monetaryMinor: null });
    expect(r.cells.every((c) => c.customers === 0 && c.customerShare === null)).toBe(true);
  });

  it('tables: segments in both schemes and languages, score ranges', () => {
    const r = rfmAnalysis(data, 100);
    const named = rfmSegmentTable(r, 'named', 'zh-CN');
    expect(named.rows.length).toBe(11);
    expect(named.rows[0]![0]).toBe('冠军客户');
    const eight = rfmSegmentTable(r, 'eight-way');
    expect(eight.rows.length).toBe(8);
    expect(eight.rows[0]![0]).toBe('Important value (R+F+M+)');
    const ranges = rfmScoreRangeTable(r);
    expect(ranges.rows.length).toBe(5);
    expect(ranges.rows[0]).toEqual([5, 2, 0, 10, 2, 9, 10, 2, 9000, 10000]);
    expect(() => rfmSegmentTable(rfmAnalysis(data, 100, { bins: 4 }), 'named')).toThrow(/bins = 5/);
  });
});
