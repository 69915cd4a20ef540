import { dayNumber, dayToDate } from '../time.js';

/**
 * Daily demand multipliers for the demo business: month x weekday x holiday, normalised so
 * they average exactly 1 over the generated period. The purchase process is thinned with them
 * (Lewis & Shedler 1979, "Simulation of nonhomogeneous Poisson processes by thinning"), so a
 * customer's purchase rate on day d is lambda * m(d) and lambda keeps its meaning as the average
 * rate over the period.
 */

/** Relative demand by calendar month (Jan..Dec) before holidays and weekdays. */
export const MONTHLY = Object.freeze([0.95, 0.9, 0.85, 0.9, 1.0, 0.95, 1.15, 1.2, 0.95, 1.05, 1.0, 1.05]);
/** Relative demand by weekday, Sunday first (hotels and stores are busiest Friday to Sunday). */
export const WEEKDAY = Object.freeze([1.2, 0.85, 0.85, 0.85, 0.9, 1.1, 1.3]);

export interface Holiday {
  name: string;
  /** First local date of the window, YYYY-MM-DD. */
  from: string;
  /** Last local date of the window (inclusive). */
  to: string;
  multiplier: number;
}

// Spring Festival (春节) dates, from the Chinese calendar (Hong Kong Observatory tables).
const CNY: Record<number, string> = {
  2000: '02-05', 2001: '01-24', 2002: '02-12', 2003: '02-01', 2004: '01-22', 2005: '02-09', 2006: '01-29',
  2007: '02-18', 2008: '02-07', 2009: '01-26', 2010: '02-14', 2011: '02-03', 2012: '01-23', 2013: '02-10',
  2014: '01-31', 2015: '02-19', 2016: '02-08', 2017: '01-28', 2018: '02-16', 2019: '02-05', 2020: '01-25',
  2021: '02-12', 2022: '02-01', 2023: '01-22', 2024: '02-10', 2025: '01-29', 2026: '02-17', 2027: '02-06',
  2028: '01-26', 2029: '02-13', 2030: '02-03', 2031: '01-23', 2032: '02-11', 2033: '01-31', 2034: '02-19',
  2035: '02-08', 2036: '01-28', 2037: '02-15', 2038: '02-04', 2039: '01-24', 2040: '02-12',
};
// Mid-Autumn Festival (中秋节): mooncake season.
const MID_AUTUMN: Record<number, string> = {
  2018: '09-24', 2019: '09-13', 2020: '10-01', 2021: '09-21', 2022: '09-10', 2023: '09-29', 2024: '09-17',
  2025: '10-06', 2026: '09-25', 2027: '09-15', 2028: '10-03', 2029: '09-22', 2030: '09-12',
};

function shift(date: string, days: number): string {
  return dayToDate(dayNumber(date) + days);
}

/** Spring Festival of a year (falls back to 5 Feb outside the table). */
export function springFestival(year: number): string {
  return `${year}-${CNY[year] ?? '02-05'}`;
}

/** Mid-Autumn Festival of a year, or null outside the table. */
export function midAutumn(year: number): string | null {
  const md = MID_AUTUMN[year];
  return md ? `${year}-${md}` : null;
}

/** The holiday windows of one calendar year. */
export function holidaysOf(year: number): Holiday[] {
  const cny = springFestival(year);
  const out: Holiday[] = [
    { name: 'New Year 元旦', from: `${year}-01-01`, to: `${year}-01-01`, multiplier: 1.3 },
    // Travel, family dinners and gift buying peak in the days around the Spring Festival holiday.
    { name: 'Spring Festival 春节', from: shift(cny, -10), to: shift(cny, 7), multiplier: 1.6 },
    { name: 'Labour Day 劳动节', from: `${year}-05-01`, to: `${year}-05-05`, multiplier: 1.5 },
    { name: '618 sale', from: `${year}-06-16`, to: `${year}-06-18`, multiplier: 1.3 },
    { name: 'Golden Week 国庆黄金周', from: `${year}-10-01`, to: `${year}-10-07`, multiplier: 1.8 },
    { name: "Singles' Day 双十一", from: `${year}-11-10`, to: `${year}-11-11`, multiplier: 1.6 },
    { name: 'Christmas', from: `${year}-12-24`, to: `${year}-12-25`, multiplier: 1.3 },
  ];
  const ma = midAutumn(year);
  if (ma) out.push({ name: 'Mid-Autumn 中秋', from: shift(ma, -3), to: ma, multiplier: 1.4 });
  return out;
}

export interface Season {
  /** First local day of the period, days since 1970-01-01. */
  startDay: number;
  /** Number of days in the period. */
  days: number;
  /** m[d] for period day d (0-based), mean exactly 1 over the period. */
  m: Float64Array;
  /** max over d of m[d] (the thinning envelope). */
  mMax: number;
  /** cum[d] = m[0] + ... + m[d-1]; cum[days] = days. */
  cum: Float64Array;
  /** Holiday windows that overlap the period. */
  holidays: Holiday[];
  /** Promotion days (discounts more likely), period-day indices. */
  promo: Uint8Array;
  /** Days before Spring Festival and Mid-Autumn when gift boxes (pastry, tea) sell more. */
  giftSeason: Uint8Array;
}

/** Builds the multipliers for the local days [startDay, startDay + days). */
export function buildSeason(startDay: number, days: number): Season {
  const m = new Float64Array(days);
  const promo = new Uint8Array(days);
  const giftSeason = new Uint8Array(days);
  const firstYear = +dayToDate(startDay).slice(0, 4);
  const lastYear = +dayToDate(startDay + days - 1).slice(0, 4);
  const holidays: Holiday[] = [];
  for (let y = firstYear; y <= lastYear; y++) {
    for (const h of holidaysOf(y)) {
      if (dayNumber(h.to) >= startDay && dayNumber(h.from) < startDay + days) holidays.push(h);
    }
  }
  for (let d = 0; d < days; d++) {
    const abs = startDay + d;
    const date = new Date(abs * 86_400_000);
    m[d] = MONTHLY[date.getUTCMonth()]! * WEEKDAY[date.getUTCDay()]!;
  }
  for (const h of holidays) {
    const a = Math.max(0, dayNumber(h.from) - startDay);
    const b = Math.min(days - 1, dayNumber(h.to) - startDay);
    for (let d = a; d <= b; d++) {
      m[d]! *= h.multiplier;
      if (/618|Singles|Spring/.test(h.name)) promo[d] = 1;
    }
  }
  for (let y = firstYear; y <= lastYear + 1; y++) {
    const gifts = [springFestival(y), midAutumn(y)].filter((x): x is string => x !== null);
    for (const g of gifts) {
      const end = dayNumber(g) - startDay;
      for (let d = Math.max(0, end - 21); d <= Math.min(days - 1, end); d++) giftSeason[d] = 1;
    }
  }
  let sum = 0;
  for (let d = 0; d < days; d++) sum += m[d]!;
  const scale = days / sum;
  let mMax = 0;
  const cum = new Float64Array(days + 1);
  for (let d = 0; d < days; d++) {
    m[d]! *= scale;
    if (m[d]! > mMax) mMax = m[d]!;
    cum[d + 1] = cum[d]! + m[d]!;
  }
  return { startDay, days, m, mMax, cum, holidays, promo, giftSeason };
}

/**
 * Operational time between period time `t0` (days since the period start, fractional) and the
 * end of the period: the integral of m over [t0, days]. In operational time the thinned process
 * is the homogeneous one, so BG/NBD formulas apply with T replaced by this.
 */
export function operationalTime(season: Season, t0: number): number {
  const d = Math.min(season.days - 1, Math.max(0, Math.floor(t0)));
  const before = season.cum[d]! + (t0 - d) * season.m[d]!;
  return season.cum[season.days]! - before;
}
