/**
 * Service-level agreements for cases (complaints, requests): due times and breach state for the
 * first response and for resolution, per severity. Pure: the caller passes `now` (ms since epoch).
 *
 * Boundaries (inclusive due time): completing or looking exactly at dueAt is on time;
 * dueAt + 1 ms is breached. Warning starts at warningAt (inclusive).
 */
import { SatisfactionError } from './errors.js';

export type SlaState = 'ok' | 'warning' | 'breached';

export interface SlaTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Targets per severity key, e.g. { critical: {...}, normal: {...} }. */
export type SlaPolicy = Readonly<Record<string, SlaTargets>>;

/**
 * Working hours in one fixed UTC offset. A fixed offset keeps this pure and simple; it does not
 * follow daylight-saving changes (pass the offset in force, or use calendar time).
 */
export interface BusinessHours {
  /** Local time = UTC + offset, e.g. 480 for China (UTC+8). */
  utcOffsetMinutes: number;
  /** Working days, 0 = Sunday ... 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing minute of the day, local; 540 = 09:00, 1080 = 18:00. Closing is exclusive of time after it. */
  startMinute: number;
  endMinute: number;
  /** Local dates 'YYYY-MM-DD' with no working hours. */
  holidays?: readonly string[];
}

export const SLA_DEFAULTS = {
  /** Warn when the remaining time is at most this share of the allowed time (0.2 = last 20%). */
  warningFraction: 0.2,
};

export interface SlaTicket {
  severity: string;
  createdAt: number;
  firstRespondedAt?: number | null;
  resolvedAt?: number | null;
}

export interface SlaClock {
  dueAt: number;
  warningAt: number;
  completedAt: number | null;
  state: SlaState;
  /** Completed: true if on time. Open: null. */
  met: boolean | null;
  /** dueAt - (completedAt ?? now): negative once late. Calendar milliseconds. */
  remainingMs: number;
}

export interface SlaStatus {
  severity: string;
  firstResponse: SlaClock;
  resolution: SlaClock;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

function assertMs(t: number, what: string): void {
  if (!Number.isFinite(t)) throw new SatisfactionError('INVALID_OPTION', `sla: ${what} must be a finite ms timestamp, got ${t}`);
}

/**
 * Adds `durationMs` of working time to `startMs`. Time outside working hours, on non-working
 * days and on holidays does not count; a case opened at night starts its clock at the next opening.
 * If the duration runs out exactly at closing, the due time is the closing instant.
 */
export function addBusinessTime(startMs: number, durationMs: number, hours: BusinessHours): number {
  assertMs(startMs, 'start');
  if (!(durationMs >= 0)) throw new SatisfactionError('INVALID_OPTION', `sla: duration must be >= 0, got ${durationMs}`);
  const { startMinute, endMinute } = hours;
  if (!(Number.isInteger(startMinute) && Number.isInteger(endMinute) && startMinute >= 0 && startMinute < endMinute && endMinute <= 1440)) {
    throw new SatisfactionError('INVALID_OPTION', `sla: business hours need 0 <= startMinute < endMinute <= 1440`);
  }
  const days = new Set(hours.days);
  if (![...days].some((d) => Number.isInteger(d) && d >= 0 && d <= 6)) throw new SatisfactionError('INVALID_OPTION', 'sla: business hours have no working day');
  const holidays = new Set(hours.holidays ?? []);
  const offset = hours.utcOffsetMinutes * MINUTE;
  const dailyMs = (endMinute - startMinute) * MINUTE;
  let local = startMs + offset;
  let remaining = durationMs;
  // At least one working day a week, so this many days always suffices.
  const maxDays = 14 + holidays.size + 7 * Math.ceil(remaining / dailyMs);
  for (let i = 0; i < maxDays; i++) {
    const day = Math.floor(local / DAY);
    const dayStart = day * DAY;
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const date = new Date(dayStart).toISOString().slice(0, 10);
    if (days.has(weekday) && !holidays.has(date)) {
      const open = dayStart + startMinute * MINUTE;
      const close = dayStart + endMinute * MINUTE;
      if (local < open) local = open;
      if (local <= close) {
        if (remaining <= close - local) return local + remaining - offset;
        remaining -= close - local;
      }
    }
    local = dayStart + DAY;
  }
  throw new SatisfactionError('INVALID_OPTION', 'sla: could not place the due time (are all days holidays?)');
}

function addTime(startMs: number, durationMs: number, hours: BusinessHours | undefined): number {
  return hours ? addBusinessTime(startMs, durationMs, hours) : startMs + durationMs;
}

/**
 * One SLA clock. allowed = minutes·60000 ms; dueAt = created + allowed (working time if hours given);
 * warningAt = created + (allowed - floor(warningFraction·allowed)).
 * Open: breached if now > dueAt, warning if now >= warningAt, else ok.
 * Completed: ok if completedAt <= dueAt, else breached (warning does not apply once done).
 */
export function slaClock(
  createdAt: number,
  minutes: number,
  completedAt: number | null | undefined,
  now: number,
  options: { warningFraction?: number; businessHours?: BusinessHours } = {},
): SlaClock {
  assertMs(createdAt, 'createdAt');
  assertMs(now, 'now');
  const f = options.warningFraction ?? SLA_DEFAULTS.warningFraction;
  if (!(f >= 0 && f <= 1)) throw new SatisfactionError('INVALID_OPTION', `sla: warningFraction must be in [0, 1], got ${f}`);
  if (!(minutes > 0) || !Number.isFinite(minutes)) throw new SatisfactionError('INVALID_OPTION', `sla: target minutes must be > 0, got ${minutes}`);
  const allowed = Math.round(minutes * MINUTE);
  const dueAt = addTime(createdAt, allowed, options.businessHours);
  const warningAt = addTime(createdAt, allowed - Math.floor(f * allowed), options.businessHours);
  if (completedAt != null) {
    assertMs(completedAt, 'completedAt');
    const met = completedAt <= dueAt;
    return { dueAt, warningAt, completedAt, state: met ? 'ok' : 'breached', met, remainingMs: dueAt - completedAt };
  }
  const state: SlaState = now > dueAt ? 'breached' : now >= warningAt ? 'warning' : 'ok';
  return { dueAt, warningAt, completedAt: null, state, met: null, remainingMs: dueAt - now };
}

/** First-response and resolution clocks of a case under `policy` at time `now`. */
export function slaStatus(
  ticket: SlaTicket,
  policy: SlaPolicy,
  now: number,
  options: { warningFraction?: number; businessHours?: BusinessHours } = {},
): SlaStatus {
  const targets = Object.prototype.hasOwnProperty.call(policy, ticket.severity) ? policy[ticket.severity] : undefined;
  if (!targets) throw new SatisfactionError('UNKNOWN_SEVERITY', `sla: no targets for severity '${ticket.severity}'`);
  return {
    severity: ticket.severity,
    firstResponse: slaClock(ticket.createdAt, targets.firstResponseMinutes, ticket.firstRespondedAt, now, options),
    resolution: slaClock(ticket.createdAt, targets.resolutionMinutes, ticket.resolvedAt, now, options),
  };
}
