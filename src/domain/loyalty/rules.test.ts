import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageBucket,
  applyBp,
  earnPoints,
  isValidCardNumber,
  lineMultiplierBp,
  luhnCheckDigit,
  prorate,
  qualifyingTier,
  takeFifo,
  topupBonusMinor,
} from './rules.js';
import { lifoSlice } from './operations.js';
import { newCardNumber } from './members.js';

describe('card numbers (Luhn)', () => {
  it('matches published check digits', () => {
    // "79927398713" is the worked example of the Luhn algorithm (ISO/IEC 7812-1; Wikipedia, "Luhn algorithm").
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(isValidCardNumber('79927398713')).toBe(true);
    // The Visa test card number 4111 1111 1111 1111 is Luhn-valid.
    expect(isValidCardNumber('4111111111111111')).toBe(true);
    expect(isValidCardNumber('4111111111111112')).toBe(false);
    expect(isValidCardNumber('41111')).toBe(false);
  });

  it('catches every single-digit error and generates valid numbers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15}$/), fc.nat(14), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const n = body + String(luhnCheckDigit(body));
        expect(isValidCardNumber(n)).toBe(true);
        const wrong = n.slice(0, pos) + String((Number(n[pos]) + delta) % 10) + n.slice(pos + 1);
        expect(isValidCardNumber(wrong)).toBe(false);
      }),
    );
    for (let i = 0; i < 50; i++) {
      const n = newCardNumber('8801');
      expect(n).toMatch(/^8801\d{12}$/);
      expect(isValidCardNumber(n)).toBe(true);
    }
  });
});

describe('earning', () => {
  const base = { rateBp: 500, pointValueMinor: 1, multipliers: [], campaigns: [], day: 100 };

  it('gives 5 % of spend, rounded down once', () => {
    // 123.45 yuan x 5 % = 6.1725 yuan = 617.25 fen -> 617 points of 1 fen.
    expect(earnPoints({ ...base, lines: [{ amountMinor: 12_345, category: null }] }).points).toBe(617);
    // At 1 point = 10 fen: 61.725 -> 61.
    expect(earnPoints({ ...base, pointValueMinor: 10, lines: [{ amountMinor: 12_345, category: null }] }).points).toBe(61);
    expect(earnPoints({ ...base, lines: [{ amountMinor: 0, category: null }] }).points).toBe(0);
    expect(earnPoints({ ...base, lines: [{ amountMinor: -500, category: null }] }).points).toBe(0);
  });

  it('spreads an order discount over the lines and applies the best multiplier per line', () => {
    const multipliers = [
      { category: 'spa', multiplierBp: 20_000 },
      { campaign: 'summer', multiplierBp: 15_000 },
      { category: 'spa', campaign: 'summer', multiplierBp: 30_000, fromDay: 90, toDay: 110 },
    ];
    const lines = [
      { amountMinor: 10_000, category: 'spa' },
      { amountMinor: 30_000, category: 'rooms' },
    ];
    expect(lines.map((l) => lineMultiplierBp(l, multipliers, [], 100))).toEqual([20_000, 10_000]);
    expect(lines.map((l) => lineMultiplierBp(l, multipliers, ['summer'], 100))).toEqual([30_000, 15_000]);
    expect(lines.map((l) => lineMultiplierBp(l, multipliers, ['summer'], 200))).toEqual([20_000, 15_000]);
    // Hand-computed: paid 40,000 - 4,000 = 36,000 over a 40,000 subtotal (90 %).
    // spa 10,000 x 2 x 5 % x 0.9 = 900; rooms 30,000 x 1 x 5 % x 0.9 = 1,350; total 2,250.
    const r = earnPoints({ ...base, multipliers, lines, orderDiscountMinor: 4_000 });
    expect(r).toEqual({ points: 2_250, baseMinor: 36_000, lineMultipliersBp: [20_000, 10_000] });
  });

  it('never exceeds the exact rational value and is off by less than one point', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amountMinor: fc.integer({ min: 1, max: 10_000_000 }), category: fc.constantFrom('a', 'b', null) }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 100 }),
        (lines, rateBp, pv) => {
          const sub = lines.reduce((s, l) => s + l.amountMinor, 0);
          const r = earnPoints({ ...base, rateBp, pointValueMinor: pv, lines, multipliers: [{ category: 'a', multiplierBp: 20_000 }] });
          const exact = lines.reduce((s, l) => s + (BigInt(l.amountMinor) * BigInt(l.category === 'a' ? 2 : 1) * BigInt(rateBp)), 0n);
          // points <= exact / (10^4 pv) < points + 1, compared in integers.
          const den = 10_000n * BigInt(pv);
          expect(BigInt(r.points) * den <= exact).toBe(true);
          expect(exact < BigInt(r.points + 1) * den).toBe(true);
          expect(r.baseMinor).toBe(sub);
        },
      ),
    );
  });
});

describe('exact splitting', () => {
  it('prorates cumulatively so partial reversals add up to the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 20 }), (whole, parts) => {
        const total = parts.reduce((s, x) => s + x, 0);
        let before = 0;
        let sum = 0;
        for (const p of parts) {
          const x = prorate(whole, total, before, p);
          expect(x).toBeGreaterThanOrEqual(0);
          sum += x;
          before += p;
        }
        expect(sum).toBe(whole);
      }),
    );
  });

  it('rounds shares half up', () => {
    expect(applyBp(10_005, 5_000)).toBe(5_003); // 5,002.5 -> 5,003
    expect(applyBp(10_004, 5_000)).toBe(5_002);
    expect(applyBp(123, 10_000)).toBe(123);
  });

  it('gives a refund back last-taken first, and a full refund restores every take', () => {
    const takes = [
      { id: 'a', amount: 5 },
      { id: 'b', amount: 3 },
      { id: 'c', amount: 4 },
    ];
    expect(lifoSlice(takes, 0, 6).map((x) => [x.take.id, x.portion])).toEqual([['c', 4], ['b', 2]]);
    expect(lifoSlice(takes, 6, 6).map((x) => [x.take.id, x.portion])).toEqual([['b', 1], ['a', 5]]);
  });
});

describe('lots, tiers, bonuses, ages', () => {
  it('takes oldest-expiring live lots first and refuses when short', () => {
    const lots = [
      { id: 3, remaining: 50, day: 10, expiresDay: 300 },
      { id: 1, remaining: 20, day: 5, expiresDay: 100 },
      { id: 2, remaining: 70, day: 1, expiresDay: null },
      { id: 4, remaining: 999, day: 0, expiresDay: 50 }, // expired on day 60
    ];
    expect(takeFifo(lots, 60, 60)).toEqual([
      { lotId: 1, take: 20 },
      { lotId: 3, take: 40 },
    ]);
    expect(takeFifo(lots, 141, 60)).toBeNull();
  });

  it('picks the highest tier reached, upgrading and downgrading by the same rule', () => {
    const tiers = [
      { id: 1, rank: 0, qualifyBy: 'spend' as const, threshold: 0 },
      { id: 2, rank: 1, qualifyBy: 'spend' as const, threshold: 50_000 },
      { id: 3, rank: 2, qualifyBy: 'points' as const, threshold: 10_000 },
    ];
    expect(qualifyingTier(tiers, { spend: 10, points: 0 })?.id).toBe(1);
    expect(qualifyingTier(tiers, { spend: 50_000, points: 0 })?.id).toBe(2);
    expect(qualifyingTier(tiers, { spend: 0, points: 10_000 })?.id).toBe(3);
    expect(qualifyingTier(tiers.slice(1), { spend: 10, points: 0 })).toBeNull();
  });

  it('chooses the top-up bonus of the largest rule reached', () => {
    const rules = [
      { minPaidMinor: 100_000, bonusMinor: 10_000 },
      { minPaidMinor: 500_000, bonusMinor: 80_000 },
    ];
    expect(topupBonusMinor(rules, 99_999)).toBe(0);
    expect(topupBonusMinor(rules, 100_000)).toBe(10_000);
    expect(topupBonusMinor(rules, 600_000)).toBe(80_000);
  });

  it('buckets ages', () => {
    expect([0, 30, 31, 90, 180, 365, 366, 5000].map((d) => ageBucket(d))).toEqual(['0-30', '0-30', '31-90', '31-90', '91-180', '181-365', '366+', '366+']);
  });
});
