import { describe, expect, it } from 'vitest';
import type { AssociationRule } from '../basket/index.js';
import { createRecommender, encodeEvents, recommendNext, sequencePatterns } from './index.js';

/** A rule with only the fields the recommender reads filled in meaningfully. */
function rule(antecedent: number[], consequent: number[], confidence: number, lift: number, support = 0.01): AssociationRule {
  return { antecedent, consequent, count: 1, support, confidence, coverage: support / confidence, lift, leverage: 0, conviction: 1 };
}

const rules = [
  rule([0], [2], 0.6, 2),
  rule([0, 1], [3], 0.8, 3),
  rule([4], [2], 0.9, 5), // antecedent not owned below: must not count
  rule([], [5], 0.3, 1),
  rule([1], [6], 0.95, 0.8), // lift < 1: ignored by default
  rule([1], [2], 0.6, 2.5), // same confidence as {0} => {2}: lift decides which is kept
];

describe('recommendNext from rules', () => {
  it('ranks unowned items by confidence of rules whose antecedent the history contains', () => {
    const recs = recommendNext([0, 1], { rules });
    expect(recs.map((r) => r.item)).toEqual([3, 2, 5]);
    expect(recs[0]).toMatchObject({ item: 3, score: 0.8, confidence: 0.8, lift: 3, source: 'rule', because: [0, 1] });
    expect(recs[1]).toMatchObject({ item: 2, lift: 2.5, because: [1] });
  });

  it('ranks by lift when asked, and applies limit, exclude and the lift floor', () => {
    expect(recommendNext([0, 1], { rules }, { rankBy: 'lift' }).map((r) => [r.item, r.score])).toEqual([
      [3, 3],
      [2, 2.5],
      [5, 1],
    ]);
    expect(recommendNext([0, 1], { rules }, { limit: 1 }).map((r) => r.item)).toEqual([3]);
    expect(recommendNext([0, 1], { rules }, { exclude: [3] }).map((r) => r.item)).toEqual([2, 5]);
    expect(recommendNext([0, 1], { rules }, { minLift: 0 }).map((r) => r.item)).toEqual([6, 3, 2, 5]);
  });

  it('never suggests what the customer already bought', () => {
    expect(recommendNext([0, 1, 3, 2], { rules }).map((r) => r.item)).toEqual([5]);
    expect(recommendNext([], { rules }).map((r) => r.item)).toEqual([5]);
  });
});

describe('recommendNext from sequence patterns', () => {
  // 20 customers: 10 bought the TV; 6 of them bought audio 10 days later; 2 bought only audio; 8 only a cable.
  const events = [
    ...Array.from({ length: 8 }, (_, c) => ({ customerId: 12 + c, day: 0, item: 'cable' })),
    ...Array.from({ length: 10 }, (_, c) => ({ customerId: c, day: 0, item: 'tv' })),
    ...Array.from({ length: 6 }, (_, c) => ({ customerId: c, day: 10, item: 'audio' })),
    { customerId: 10, day: 5, item: 'audio' },
    { customerId: 11, day: 5, item: 'audio' },
  ];
  const log = encodeEvents(events);
  const tv = log.labels.indexOf('tv');
  const audio = log.labels.indexOf('audio');
  const sequences = sequencePatterns(log, { windowDays: 30, minSupport: 0 });

  it('suggests B after A with the pattern confidence (6 of 10) and its window lift', () => {
    const recs = recommendNext([tv], { sequences });
    expect(recs).toHaveLength(1);
    expect(recs[0]!.item).toBe(audio);
    expect(recs[0]!.source).toBe('sequence');
    expect(recs[0]!.confidence).toBe(0.6);
    // windowLift: audio follows 6 of the 18 (customer, other item) anchors (10 TV + 8 cable) within 30 days
    expect(recs[0]!.lift).toBeCloseTo(0.6 / (6 / 18), 14);
    expect(sequences.patterns[0]!.lift).toBeCloseTo(0.6 / (8 / 20), 14);
  });

  it('drops the pattern once the window since the anchor purchase has passed', () => {
    const r = createRecommender({ sequences });
    expect(r.recommend([{ item: tv, day: 100 }], 130).map((x) => x.item)).toEqual([audio]); // 30 days: inside
    expect(r.recommend([{ item: tv, day: 100 }], 131)).toEqual([]); // 31 days: outside
    // first-purchase anchor: the earliest TV purchase counts
    expect(r.recommend([{ item: tv, day: 100 }, { item: tv, day: 125 }], 131)).toEqual([]);
    // without a day the timing is unknown and the pattern applies
    expect(r.recommend([tv], 1000).map((x) => x.item)).toEqual([audio]);
  });

  it('combines rules and sequences, keeping the stronger evidence per item', () => {
    const recs = recommendNext([tv], { sequences, rules: [rule([tv], [audio], 0.7, 1.1)] });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ item: audio, source: 'rule', confidence: 0.7 });
  });
});
