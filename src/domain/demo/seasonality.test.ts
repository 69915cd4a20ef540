import { describe, expect, it } from 'vitest';
import { dayNumber } from '../time.js';
import { buildSeason, holidaysOf, operationalTime, springFestival } from './seasonality.js';

describe('seasonality', () => {
  const start = dayNumber('2024-07-01');
  const season = buildSeason(start, 730);
  const mAt = (date: string) => season.m[dayNumber(date) - start]!;

  it('averages exactly 1 over the period, so lambda keeps its meaning', () => {
    // Float sums of 730 terms: 1e-9 is far above rounding error and far below any real bias.
    expect(season.cum[730]! / 730).toBeCloseTo(1, 9);
    expect(operationalTime(season, 0)).toBeCloseTo(730, 6);
    expect(operationalTime(season, 730)).toBeCloseTo(0, 9);
    expect(Math.max(...season.m)).toBe(season.mMax);
  });

  it('puts the Spring Festival on its calendar date', () => {
    // Dates from the Hong Kong Observatory's Gregorian-lunar calendar tables.
    expect(springFestival(2025)).toBe('2025-01-29');
    expect(springFestival(2026)).toBe('2026-02-17');
    expect(holidaysOf(2025).find((h) => h.name.startsWith('Spring'))!.from).toBe('2025-01-19');
  });

  it('makes holidays busier than ordinary days of the same weekday', () => {
    // 2025-10-02 and 2025-09-18 are both Thursdays.
    expect(mAt('2025-10-02') / mAt('2025-09-18')).toBeGreaterThan(1.5);
    // Saturday busier than Tuesday in the same ordinary week.
    expect(mAt('2025-03-15')).toBeGreaterThan(mAt('2025-03-11'));
  });
});
