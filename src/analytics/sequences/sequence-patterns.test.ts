import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SequenceError,
  type PurchaseEvent,
  type SequencePatternOptions,
  encodeEvents,
  eventLogFromArrays,
  sequencePatterns,
} from './index.js';

const TV = 'tv';
const AUDIO = 'audio';

/** Hand-built histories (day numbers); the comment says what each customer tests. */
const events: PurchaseEvent[] = [
  // c1: audio exactly 90 days after the TV: inside a 90-day window (inclusive)
  { customerId: 'c1', day: 10, item: TV },
  { customerId: 'c1', day: 100, item: AUDIO },
  // c2: 91 days after: outside
  { customerId: 'c2', day: 10, item: TV },
  { customerId: 'c2', day: 101, item: AUDIO },
  // c3: same day: outside with minGapDays 1, inside with 0
  { customerId: 'c3', day: 10, item: AUDIO },
  { customerId: 'c3', day: 10, item: TV },
  // c4: audio before the TV: not a TV -> audio sequence (but audio -> TV after 5 days)
  { customerId: 'c4', day: 5, item: AUDIO },
  { customerId: 'c4', day: 10, item: TV },
  // c5: second TV 200 days after the first, audio 50 days after the second: anchor 'any' only
  { customerId: 'c5', day: 250, item: AUDIO },
  { customerId: 'c5', day: 200, item: TV },
  { customerId: 'c5', day: 0, item: TV },
  // c6: audio only; c7: TV only, late
  { customerId: 'c6', day: 3, item: AUDIO },
  { customerId: 'c7', day: 300, item: TV },
];
const log = encodeEvents(events);
const tv = log.labels.indexOf(TV);
const audio = log.labels.indexOf(AUDIO);

function pair(opts: SequencePatternOptions, a = tv, b = audio) {
  const r = sequencePatterns(log, { minSupport: 0, ...opts });
  return { result: r, p: r.patterns.find((x) => x.antecedent === a && x.consequent === b) };
}

describe('encodeEvents', () => {
  it('sorts each customer by day, then item, whatever the input order', () => {
    expect(log.nCustomers).toBe(7);
    expect(log.nEvents).toBe(events.length);
    const c5 = log.customerIds.indexOf('c5');
    const s = log.offsets[c5]!;
    expect(Array.from(log.days.subarray(s, s + 3))).toEqual([0, 200, 250]);
    const c3 = log.customerIds.indexOf('c3');
    const items = Array.from(log.items.subarray(log.offsets[c3]!, log.offsets[c3 + 1]!));
    expect(items).toEqual([...items].sort((a, b) => a - b));
  });
  it('rejects non-integer days and out-of-range ids', () => {
    expect(() => encodeEvents([{ customerId: 1, day: 1.5, item: 'x' }])).toThrow(SequenceError);
    expect(() => eventLogFromArrays({ customer: [2], day: [0], item: [0], nCustomers: 2, nItems: 1 })).toThrow(SequenceError);
    expect(() => eventLogFromArrays({ customer: [0], day: [0], item: [1], nCustomers: 1, nItems: 1 })).toThrow(SequenceError);
  });
});

describe('sequencePatterns on the TV -> audio example', () => {
  it('counts day N inside and day N + 1 outside the window, and not the same day by default', () => {
    const { result, p } = pair({ windowDays: 90 });
    // TV buyers: c1 c2 c3 c4 c5 c7 = 6; audio buyers: c1..c6 = 6 of 7 customers; TV then audio: c1
    expect(result.anchorCustomers[tv]).toBe(6);
    expect(result.itemCustomers[audio]).toBe(6);
    expect(p!.countAntecedent).toBe(6);
    expect(p!.count).toBe(1);
    expect(p!.support).toBe(1 / 7);
    expect(p!.confidence).toBe(1 / 6);
    expect(p!.baseRate).toBe(6 / 7);
    // lift = (1/6) / (6/7) = 7/36; one division each side, so equal within 1 ulp-scale tolerance
    expect(p!.lift).toBeCloseTo(7 / 36, 14);
    // window base rate of audio: anchors of items other than audio are the 6 TV buyers, 1 followed
    expect(p!.windowBaseRate).toBe(1 / 6);
    expect(p!.windowLift).toBe(1);
    expect(pair({ windowDays: 91 }).p!.count).toBe(2); // + c2
    expect(pair({ windowDays: 89 }).p).toBeUndefined();
  });

  it('counts the same day with minGapDays 0', () => {
    expect(pair({ windowDays: 90, minGapDays: 0 }).p!.count).toBe(2); // c1 + c3
  });

  it("anchor 'any' also uses later purchases of A", () => {
    expect(pair({ windowDays: 90, anchor: 'any' }).p!.count).toBe(2); // c1 + c5
  });

  it('observationEnd drops anchors without a full window', () => {
    // first anchor: c7's TV (day 300) has no full window before day 200; c5's first TV (day 0) does
    const { result, p } = pair({ windowDays: 90, observationEnd: 200 });
    expect(result.anchorCustomers[tv]).toBe(5);
    expect(p!.confidence).toBe(1 / 5);
    // anchor 'any': c5's second TV (day 200) needs observationEnd >= 290 to count
    expect(pair({ windowDays: 90, anchor: 'any', observationEnd: 289 }).p!.count).toBe(1);
    expect(pair({ windowDays: 90, anchor: 'any', observationEnd: 290 }).p!.count).toBe(2);
  });

  it('reads the reverse direction separately', () => {
    const { p } = pair({ windowDays: 90 }, audio, tv);
    expect(p!.count).toBe(1); // c4: audio day 5, TV day 10
    expect(p!.countAntecedent).toBe(6);
  });

  it('applies minCount, minSupport and minConfidence', () => {
    expect(pair({ windowDays: 91, minCount: 3 }).p).toBeUndefined();
    expect(pair({ windowDays: 91, minSupport: 3 / 7 }).p).toBeUndefined();
    expect(pair({ windowDays: 91, minSupport: 2 / 7 }).p!.count).toBe(2);
    expect(pair({ windowDays: 91, minConfidence: 0.5 }).p).toBeUndefined();
  });

  it('reports repeat purchases only when asked, and only on a later day', () => {
    const rep = encodeEvents([
      { customerId: 1, day: 1, item: 'x' },
      { customerId: 1, day: 31, item: 'x' },
      { customerId: 2, day: 1, item: 'x' },
      { customerId: 2, day: 1, item: 'x' },
    ]);
    expect(sequencePatterns(rep, { windowDays: 30 }).patterns).toEqual([]);
    const r = sequencePatterns(rep, { windowDays: 30, includeSelf: true });
    expect(r.patterns.map((x) => [x.antecedent, x.consequent, x.count, x.countAntecedent])).toEqual([[0, 0, 1, 2]]);
    expect(() => sequencePatterns(rep, { includeSelf: true, minGapDays: 0 })).toThrow(SequenceError);
  });

  it('rejects bad options', () => {
    expect(() => sequencePatterns(log, { windowDays: 1.5 })).toThrow(SequenceError);
    expect(() => sequencePatterns(log, { windowDays: 3, minGapDays: 4 })).toThrow(SequenceError);
    expect(() => sequencePatterns(log, { minGapDays: -1 })).toThrow(SequenceError);
  });
});

/** The definition, written directly: per customer, per item A, per item B. */
function naive(ev: { c: number; d: number; i: number }[], nItems: number, o: Required<Omit<SequencePatternOptions, 'observationEnd'>> & { observationEnd?: number }) {
  const byCustomer = new Map<number, { d: number; i: number }[]>();
  for (const e of ev) {
    if (!byCustomer.has(e.c)) byCustomer.set(e.c, []);
    byCustomer.get(e.c)!.push(e);
  }
  const countA = new Array(nItems).fill(0);
  const pairs = new Map<string, number>();
  for (const list of byCustomer.values()) {
    for (let a = 0; a < nItems; a++) {
      let anchors = list.filter((e) => e.i === a).map((e) => e.d);
      if (anchors.length === 0) continue;
      if (o.anchor === 'first') anchors = [Math.min(...anchors)];
      if (o.observationEnd !== undefined) anchors = anchors.filter((d) => d + o.windowDays <= o.observationEnd!);
      if (anchors.length === 0) continue;
      countA[a]++;
      for (let b = 0; b < nItems; b++) {
        if (b === a && !o.includeSelf) continue;
        const hit = list.some((e) => e.i === b && anchors.some((d) => e.d - d >= o.minGapDays && e.d - d <= o.windowDays));
        if (hit) pairs.set(`${a}>${b}`, (pairs.get(`${a}>${b}`) ?? 0) + 1);
      }
    }
  }
  return { countA, pairs };
}

describe('sequencePatterns (property: equals the definition written directly)', () => {
  const arbEvent = (nItems: number) =>
    fc.record({ c: fc.integer({ min: 0, max: 7 }), d: fc.integer({ min: -5, max: 40 }), i: fc.integer({ min: 0, max: nItems - 1 }) });
  it('for random logs, both anchors, gaps, windows and censoring', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((nItems) => fc.tuple(fc.constant(nItems), fc.array(arbEvent(nItems), { maxLength: 60 }))),
        fc.constantFrom<'first' | 'any'>('first', 'any'),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 15 }),
        fc.option(fc.integer({ min: 0, max: 45 }), { nil: undefined }),
        fc.boolean(),
        // a large item space forces the Map-based pair counts (dense only up to 2048 items)
        fc.boolean(),
        ([nItems, ev], anchor, minGapDays, extra, observationEnd, self, sparse) => {
          const windowDays = minGapDays + extra;
          const includeSelf = self && minGapDays >= 1;
          const space = sparse ? 3000 : nItems;
          const lg = eventLogFromArrays({
            customer: ev.map((e) => e.c),
            day: ev.map((e) => e.d),
            item: ev.map((e) => (sparse ? e.i * 700 : e.i)),
            nCustomers: 8,
            nItems: space,
          });
          const opts = { windowDays, minGapDays, anchor, includeSelf, minCount: 1, minSupport: 0, minConfidence: 0 };
          const got = sequencePatterns(lg, { ...opts, ...(observationEnd !== undefined ? { observationEnd } : {}) });
          const want = naive(ev, nItems, { ...opts, ...(observationEnd !== undefined ? { observationEnd } : {}) });
          const scale = sparse ? 700 : 1;
          const gotPairs = new Map(got.patterns.map((p) => [`${p.antecedent / scale}>${p.consequent / scale}`, p.count]));
          expect(gotPairs).toEqual(want.pairs);
          for (let a = 0; a < nItems; a++) expect(got.anchorCustomers[a * scale]).toBe(want.countA[a]);
          for (const p of got.patterns) {
            const b = p.consequent / scale;
            let num = 0;
            let den = 0;
            for (let x = 0; x < nItems; x++) {
              if (x === b) continue;
              num += want.pairs.get(`${x}>${b}`) ?? 0;
              den += want.countA[x];
            }
            expect(p.windowBaseRate).toBeCloseTo(den > 0 ? num / den : 0, 12);
            expect(p.countAntecedent).toBe(want.countA[p.antecedent / scale]);
            expect(p.confidence).toBe(p.count / p.countAntecedent);
            expect(p.support).toBe(p.count / 8);
          }
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  });
});
