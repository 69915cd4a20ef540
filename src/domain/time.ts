/**
 * Date-time parsing for imports and the API, and business-local days.
 * Local times (no offset in the text) are in the business time zone; we convert them to UTC
 * with the zone's offset from Intl, cached per hour because Intl is slow and imports call
 * this once per row.
 */
export type DateFormat = 'auto' | 'iso' | 'ymd' | 'dmy' | 'mdy';

export interface ParsedInstant {
  /** ISO-8601 UTC with milliseconds. */
  utc: string;
  /** Business-local date YYYY-MM-DD. */
  localDate: string;
  /** localDate as days since 1970-01-01. */
  day: number;
}

const MS_DAY = 86_400_000;

const offsetCache = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws a RangeError for an unknown IANA zone name. */
export function assertTimeZone(tz: string): void {
  formatter(tz);
}

/** Offset (local - UTC) in ms of zone `tz` at UTC instant `ms`. */
export function zoneOffsetMs(ms: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  let byHour = offsetCache.get(tz);
  if (!byHour) offsetCache.set(tz, (byHour = new Map()));
  // Zone offsets change on whole quarter hours; caching by quarter-hour bucket is exact.
  const bucket = Math.floor(ms / 900_000);
  const hit = byHour.get(bucket);
  if (hit !== undefined) return hit;
  const parts = formatter(tz).formatToParts(new Date(bucket * 900_000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const off = asUtc - bucket * 900_000;
  if (byHour.size > 200_000) byHour.clear();
  byHour.set(bucket, off);
  return off;
}

/** UTC ms of a wall-clock time in zone tz (for a time skipped by DST, the later offset is used). */
export function localToUtcMs(wallMs: number, tz: string): number {
  const first = wallMs - zoneOffsetMs(wallMs, tz);
  const second = wallMs - zoneOffsetMs(first, tz);
  return second;
}

export function dayNumber(localDate: string): number {
  return Date.UTC(+localDate.slice(0, 4), +localDate.slice(5, 7) - 1, +localDate.slice(8, 10)) / MS_DAY;
}

export function dayToDate(day: number): string {
  return new Date(day * MS_DAY).toISOString().slice(0, 10);
}

/** The business-local date of a UTC instant. */
export function instantFromUtcMs(ms: number, tz: string): ParsedInstant {
  const localMs = ms + zoneOffsetMs(ms, tz);
  const day = Math.floor(localMs / MS_DAY);
  return { utc: new Date(ms).toISOString(), localDate: dayToDate(day), day };
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2200) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const SLASH = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const YMD = /^(\d{4})(\d{2})(\d{2})$/;
const CN = /^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:时](\d{2})(?:[:分](\d{2}))?秒?)?$/;

/**
 * Parses one date-time. Returns null when the text is not a valid date in the given format.
 * Formats: ISO (2010-12-01 08:26[:00][Z|+08:00]), ymd (19970101), dmy (01/12/2010 08:26),
 * mdy (12/1/2010 8:26, Excel US style), and Chinese 2024年3月1日 [14:05]. 'auto' accepts
 * ISO, ymd and Chinese; slashed dates need dmy or mdy, because 01/02/2024 is ambiguous.
 */
export function parseDateTime(text: string, format: DateFormat, tz: string): ParsedInstant | null {
  // Lines of one order share their time, and imports parse one per line: the last answer is
  // checked first (no key to build), then a map of recent ones.
  if (text === last.text && format === last.format && tz === last.tz) return last.result;
  const key = `${format}|${tz}|${text}`;
  let r = recent.get(key);
  if (r === undefined) {
    r = parseDateTimeUncached(text, format, tz);
    if (recent.size >= 1024) recent.clear();
    recent.set(key, r);
  }
  last = { text, format, tz, result: r };
  return r;
}

const recent = new Map<string, ParsedInstant | null>();
let last: { text: string; format: DateFormat; tz: string; result: ParsedInstant | null } = { text: '', format: 'auto', tz: '', result: null };

function parseDateTimeUncached(text: string, format: DateFormat, tz: string): ParsedInstant | null {
  const s = text.trim();
  let y: number, mo: number, d: number, h = 0, mi = 0, se = 0, ms = 0;
  let offset: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = ISO.exec(s)) && (format === 'auto' || format === 'iso')) {
    y = +m[1]!; mo = +m[2]!; d = +m[3]!;
    if (m[4] !== undefined) { h = +m[4]; mi = +m[5]!; se = m[6] ? +m[6] : 0; ms = m[7] ? Math.floor(+(m[7] + '000').slice(0, 3)) : 0; }
    offset = m[8];
  } else if ((m = YMD.exec(s)) && (format === 'auto' || format === 'ymd')) {
    y = +m[1]!; mo = +m[2]!; d = +m[3]!;
  } else if ((m = CN.exec(s)) && (format === 'auto' || format === 'iso')) {
    y = +m[1]!; mo = +m[2]!; d = +m[3]!;
    if (m[4] !== undefined) { h = +m[4]; mi = +m[5]!; se = m[6] ? +m[6] : 0; }
  } else if ((m = SLASH.exec(s)) && (format === 'dmy' || format === 'mdy' || format === 'ymd')) {
    const a = +m[1]!, b = +m[2]!, c = +m[3]!;
    if (m[1]!.length === 4) { y = a; mo = b; d = c; }
    else if (format === 'dmy') { d = a; mo = b; y = c; }
    else { mo = a; d = b; y = c; }
    if (y < 100) y += y < 70 ? 2000 : 1900;
    if (m[4] !== undefined) { h = +m[4]; mi = +m[5]!; se = m[6] ? +m[6] : 0; }
  } else {
    return null;
  }
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || se > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  if (offset) {
    let off = 0;
    if (offset.toUpperCase() !== 'Z') {
      const sign = offset[0] === '-' ? -1 : 1;
      const digits = offset.slice(1).replace(':', '');
      off = sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
    }
    return instantFromUtcMs(wall - off, tz);
  }
  const localDate = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { utc: new Date(localToUtcMs(wall, tz)).toISOString(), localDate, day: wall >= 0 ? Math.floor(wall / MS_DAY) : Math.floor(wall / MS_DAY) };
}

/** For 'auto' on slashed dates: decides dmy or mdy from samples, or null if still ambiguous. */
export function sniffSlashOrder(samples: string[]): 'dmy' | 'mdy' | null {
  let dmy = false, mdy = false;
  for (const s of samples) {
    const m = SLASH.exec(s.trim());
    if (!m || m[1]!.length === 4) continue;
    const a = +m[1]!, b = +m[2]!;
    if (a > 12 && b <= 12) dmy = true;
    if (b > 12 && a <= 12) mdy = true;
  }
  if (dmy && !mdy) return 'dmy';
  if (mdy && !dmy) return 'mdy';
  return null;
}

export function looksSlashed(s: string): boolean {
  const m = SLASH.exec(s.trim());
  return !!m && m[1]!.length !== 4;
}
