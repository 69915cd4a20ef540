import { describe, expect, it } from 'vitest';
import { type BusinessHours, addBusinessTime, slaClock, slaStatus } from './sla.js';

const MIN = 60_000;
const policy = {
  high: { firstResponseMinutes: 60, resolutionMinutes: 480 },
  low: { firstResponseMinutes: 1440, resolutionMinutes: 4320 },
};
const created = Date.UTC(2024, 0, 8, 1, 0); // Monday 2024-01-08 01:00 UTC = 09:00 in UTC+8

describe('slaStatus (calendar time)', () => {
  const due = created + 60 * MIN;
  const warnAt = due - 12 * MIN; // 20% of 60 min

  it('due time, warning start and the exact boundaries', () => {
    const at = (now: number) => slaStatus({ severity: 'high', createdAt: created }, policy, now).firstResponse;
    expect(at(created).dueAt).toBe(due);
    expect(at(created).warningAt).toBe(warnAt);
    expect(at(warnAt - 1).state).toBe('ok');
    expect(at(warnAt).state).toBe('warning');
    expect(at(due).state).toBe('warning'); // the due time itself is on time
    expect(at(due + 1).state).toBe('breached'); // one ms later is breached
    expect(at(due + 1).remainingMs).toBe(-1);
  });

  it('completed clocks: on time up to and including dueAt', () => {
    const s = (t: number) => slaStatus({ severity: 'high', createdAt: created, firstRespondedAt: t }, policy, due + 10 * MIN).firstResponse;
    expect(s(due)).toMatchObject({ state: 'ok', met: true, remainingMs: 0 });
    expect(s(due + 1)).toMatchObject({ state: 'breached', met: false });
    expect(s(warnAt + 1).state).toBe('ok'); // no warning once done
  });

  it('resolution clock runs separately', () => {
    const st = slaStatus({ severity: 'high', createdAt: created, firstRespondedAt: created + MIN }, policy, created + 2 * 60 * MIN);
    expect(st.firstResponse.state).toBe('ok');
    expect(st.resolution).toMatchObject({ state: 'ok', dueAt: created + 480 * MIN, met: null });
  });

  it('warningFraction 0 means no warning before the due time; unknown severity throws', () => {
    expect(slaClock(created, 60, null, created + 60 * MIN, { warningFraction: 0 }).state).toBe('warning');
    expect(slaClock(created, 60, null, created + 60 * MIN - 1, { warningFraction: 0 }).state).toBe('ok');
    expect(() => slaStatus({ severity: 'urgent', createdAt: created }, policy, created)).toThrow(/no targets/);
    expect(() => slaStatus({ severity: 'toString', createdAt: created }, policy, created)).toThrow(/no targets/);
  });
});

describe('business hours (fixed UTC+8, Mon-Fri 09:00-18:00)', () => {
  const hours: BusinessHours = { utcOffsetMinutes: 480, days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1080 };
  const local = (y: number, m: number, d: number, h: number, min = 0) => Date.UTC(y, m - 1, d, h, min) - 480 * MIN;

  it('carries over the weekend', () => {
    // Friday 2024-01-12 17:30 + 60 working minutes = 30 min Friday + 30 min Monday -> Monday 09:30
    expect(addBusinessTime(local(2024, 1, 12, 17, 30), 60 * MIN, hours)).toBe(local(2024, 1, 15, 9, 30));
  });
  it('starts the clock at the next opening', () => {
    expect(addBusinessTime(local(2024, 1, 13, 11), 60 * MIN, hours)).toBe(local(2024, 1, 15, 10)); // Saturday
    expect(addBusinessTime(local(2024, 1, 15, 7), 60 * MIN, hours)).toBe(local(2024, 1, 15, 10)); // Monday before opening
    expect(addBusinessTime(local(2024, 1, 15, 19), 60 * MIN, hours)).toBe(local(2024, 1, 16, 10)); // Monday after closing
  });
  it('ends exactly at closing when the time runs out there', () => {
    expect(addBusinessTime(local(2024, 1, 12, 17), 60 * MIN, hours)).toBe(local(2024, 1, 12, 18));
  });
  it('skips holidays and spans several days', () => {
    const h = { ...hours, holidays: ['2024-01-15'] };
    expect(addBusinessTime(local(2024, 1, 12, 17, 30), 60 * MIN, h)).toBe(local(2024, 1, 16, 9, 30));
    // 3 working days = 27 h from Monday 09:00 -> Wednesday 18:00
    expect(addBusinessTime(local(2024, 1, 15, 9), 27 * 60 * MIN, hours)).toBe(local(2024, 1, 17, 18));
  });
  it('slaStatus uses working time for due and warning', () => {
    const st = slaStatus({ severity: 'high', createdAt: local(2024, 1, 12, 17, 30) }, policy, local(2024, 1, 15, 9, 18), { businessHours: hours });
    expect(st.firstResponse.dueAt).toBe(local(2024, 1, 15, 9, 30));
    expect(st.firstResponse.warningAt).toBe(local(2024, 1, 15, 9, 18)); // 48 working minutes in
    expect(st.firstResponse.state).toBe('warning');
  });
});
