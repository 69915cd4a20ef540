import { describe, expect, it } from 'vitest';
import { dayNumber, dayToDate, parseDateTime, sniffSlashOrder } from './time.js';

describe('parseDateTime', () => {
  it('reads ISO local times in the business zone', () => {
    const p = parseDateTime('2010-12-01 08:26:00', 'auto', 'Asia/Shanghai')!;
    expect(p.utc).toBe('2010-12-01T00:26:00.000Z');
    expect(p.localDate).toBe('2010-12-01');
    expect(p.day).toBe(dayNumber('2010-12-01'));
  });

  it('honours an explicit offset and derives the local date in the business zone', () => {
    const p = parseDateTime('2024-03-01T17:30:00Z', 'auto', 'Asia/Shanghai')!;
    expect(p.utc).toBe('2024-03-01T17:30:00.000Z');
    expect(p.localDate).toBe('2024-03-02'); // 01:30 next day in Shanghai
  });

  it('reads YYYYMMDD, day-first and month-first slashes, and Chinese dates', () => {
    expect(parseDateTime('19970101', 'auto', 'UTC')!.utc).toBe('1997-01-01T00:00:00.000Z');
    expect(parseDateTime('01/12/2010 08:26', 'dmy', 'UTC')!.localDate).toBe('2010-12-01');
    expect(parseDateTime('12/1/2010 8:26', 'mdy', 'UTC')!.utc).toBe('2010-12-01T08:26:00.000Z');
    expect(parseDateTime('2024年3月1日 14:05', 'auto', 'UTC')!.utc).toBe('2024-03-01T14:05:00.000Z');
  });

  it('rejects impossible dates and ambiguous slashes without a stated order', () => {
    expect(parseDateTime('2023-02-29', 'auto', 'UTC')).toBeNull();
    expect(parseDateTime('19971301', 'auto', 'UTC')).toBeNull();
    expect(parseDateTime('01/02/2024', 'auto', 'UTC')).toBeNull();
    expect(parseDateTime('yesterday', 'auto', 'UTC')).toBeNull();
    expect(parseDateTime('2024-01-01 25:00', 'auto', 'UTC')).toBeNull();
  });

  it('handles a daylight-saving zone', () => {
    // New York, 2024-07-01 12:00 is UTC-4; 2024-01-15 12:00 is UTC-5.
    expect(parseDateTime('2024-07-01 12:00', 'auto', 'America/New_York')!.utc).toBe('2024-07-01T16:00:00.000Z');
    expect(parseDateTime('2024-01-15 12:00', 'auto', 'America/New_York')!.utc).toBe('2024-01-15T17:00:00.000Z');
  });

  it('sniffs day-first vs month-first', () => {
    expect(sniffSlashOrder(['01/02/2024', '13/02/2024'])).toBe('dmy');
    expect(sniffSlashOrder(['12/31/2024 8:00'])).toBe('mdy');
    expect(sniffSlashOrder(['01/02/2024'])).toBeNull();
  });

  it('day numbers round-trip', () => {
    expect(dayToDate(dayNumber('1997-09-30'))).toBe('1997-09-30');
    expect(dayNumber('1970-01-02')).toBe(1);
  });
});
