import { describe, expect, it } from 'vitest';
import {
  ValueInputError,
  assertUniqueIds,
  compareIds,
  compareWithMean,
  dayNumber,
  dayNumberFromIso,
  measureValue,
  profitOf,
  shareOf,
  sumMinor,
} from './metrics.js';

describe('value metrics helpers', () => {
  it('day numbers count days since 1970-01-01 UTC', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(dayNumber(1997, 1, 1)).toBe(9862); // 27 years incl. 7 leap days: 27 * 365 + 7
    expect(dayNumberFromIso('1998-06-30') - dayNumberFromIso('1997-01-01')).toBe(545);
    expect(dayNumber(1969, 12, 31)).toBe(-1);
    expect(() => dayNumberFromIso('1998-6-30')).toThrow(ValueInputError);
  });

  it('profit = margin - cost to serve - acquisition cost', () => {
    expect(profitOf({ marginMinor: 1000, costToServeMinor: 150, acquisitionCostMinor: 900 })).toBe(-50);
    const m = { revenueMinor: 3, marginMinor: 2, profitMinor: 1 };
    expect([measureValue(m, 'revenue'), measureValue(m, 'margin'), measureValue(m, 'profit')]).toEqual([3, 2, 1]);
  });

  it('compareWithMean is exact where floats are not', () => {
    expect(compareWithMean(2, 6, 3)).toBe(0);
    expect(compareWithMean(2, 7, 3)).toBe(-1);
    expect(compareWithMean(3, 7, 3)).toBe(1);
    // mean = 3e15 + 1/3: the integers on either side compare correctly
    expect(compareWithMean(3_000_000_000_000_001, 9_000_000_000_000_001, 3)).toBe(1);
    expect(compareWithMean(3_000_000_000_000_000, 9_000_000_000_000_001, 3)).toBe(-1);
    // x * n far beyond 2^53 (a big customer among many) is still exact
    expect(compareWithMean(9_000_000_000_000, 9_000_000_000_000, 1_000_000)).toBe(1);
  });

  it('sums stay safe integers, shares need a positive total', () => {
    expect(sumMinor([1, 2, 3])).toBe(6);
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(/safe integer/);
    expect(shareOf(1, 4)).toBe(0.25);
    expect(shareOf(1, 0)).toBeNull();
    expect(shareOf(1, -4)).toBeNull();
  });

  it('ids compare in code-unit order; duplicates are rejected with a code', () => {
    expect(['b', 'B', 'a', '10', '9'].sort(compareIds)).toEqual(['10', '9', 'B', 'a', 'b']);
    expect(() => assertUniqueIds([{ customerId: 'x' }, { customerId: 'x' }])).toThrow(expect.objectContaining({ code: 'DUPLICATE_CUSTOMER' }));
  });
});
