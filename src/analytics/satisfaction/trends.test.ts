import { describe, expect, it } from 'vitest';
import { csat } from './csat.js';
import { nps } from './nps.js';
import { type SurveyResponse, satisfactionTrends } from './trends.js';

const responses: SurveyResponse[] = [
  { period: '2024-02', venue: 'north', staff: 'li', nps: 10, csat: 5, items: [5, 9], overall: 9 },
  { period: '2024-02', venue: 'north', staff: 'li', nps: 6, csat: 3, items: [3, 5], overall: 5 },
  { period: '2024-01', venue: 'south', staff: 'wang', nps: 9, csat: 4, items: [4, 8], overall: 8 },
  { period: '2024-01', venue: 'south', staff: 'li', nps: 8, csat: null, items: [4, null], overall: 7 },
  { period: '2024-10', venue: 'north', staff: 'wang', nps: null, csat: 2, items: [2, 3], overall: 3 },
  { period: null, venue: 'south', nps: 0, csat: 1 },
];

describe('satisfactionTrends', () => {
  it('groups by period, sorted by key, with per-group metrics and n', () => {
    const t = satisfactionTrends(responses, { by: 'period' });
    expect(t.groups.map((g) => g.key)).toEqual(['2024-01', '2024-02', '2024-10']);
    expect(t.missingKey).toBe(1);
    const jan = t.groups[0]!;
    expect(jan.n).toBe(2);
    expect(jan.nps).toEqual(nps([9, 8]));
    expect(jan.csat).toEqual(csat([4]));
    expect(jan.index).toBeNull();
    expect(t.groups[2]!.nps).toBeNull();
  });

  it('groups by venue and staff', () => {
    expect(satisfactionTrends(responses, { by: 'venue' }).groups.map((g) => [g.key, g.n])).toEqual([['north', 3], ['south', 3]]);
    expect(satisfactionTrends(responses, { by: 'staff' }).groups.map((g) => [g.key, g.n])).toEqual([['li', 3], ['wang', 2]]);
  });

  it('computes the index per group with common weights', () => {
    const items = [
      { name: 'staff', scaleMin: 1, scaleMax: 5 },
      { name: 'value', scaleMin: 1, scaleMax: 10 },
    ];
    const t = satisfactionTrends(responses, { by: 'venue', index: { items, weighting: [1, 1] } });
    expect(t.indexWeights).toEqual([0.5, 0.5]);
    // north: complete rows (5,9), (3,5), (2,3): means 10/3 and 17/3 -> rescaled 58.33 and 51.85
    const north = t.groups[0]!.index!;
    expect(north.n).toBe(3);
    expect(north.index).toBeCloseTo(0.5 * ((10 / 3 - 1) / 4) * 100 + 0.5 * ((17 / 3 - 1) / 9) * 100, 10);
    // south: one complete row (4,8), one incomplete
    expect(t.groups[1]!.index!.n).toBe(1);
    expect(t.groups[1]!.index!.incomplete).toBe(1);
    expect(t.groups[1]!.index!.ci).toBeNull();
  });
});
