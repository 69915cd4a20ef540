import type { Kysely } from 'kysely';
import { csat, recoveryOutcome, type CsatResult, type RecoveryComparison } from '../../analytics/satisfaction/index.js';
import { customersWithCases, followUpRatingsBetween, resolvedCasesBetween } from '../../storage/cases.repo.js';
import type { Database } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { activityAround, caseSurveyCsat, saleDaysOf } from '../../storage/voice.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate, instantFromUtcMs, localToUtcMs } from '../time.js';
import { DEFAULTS } from './defaults.js';
import { finiteOrNull } from './metrics.js';

/**
 * Outcomes of service recovery: satisfaction after recovery (follow-up ratings and CSAT answers
 * of surveys about the case), and whether recovered customers re-bought compared with similar
 * customers who never complained (DOMAIN.md: 90% vs 83%), through `recoveryOutcome`.
 *
 * "Similar" here means: active buyers. A recovered customer counts if they bought in the
 * `lookbackDays` before their case was resolved (the anchor) and the re-purchase window after
 * it has fully elapsed by `asOf`; they re-bought if they bought within `windowDays` after it.
 * The comparison group is every customer who never had a case and bought in the same lookback
 * before one common anchor (the median anchor of the recovered), with the same window after.
 * Observational: a difference is an association, not proof that recovery causes loyalty.
 */
export interface RecoveryOutcomesQuery {
  /** Cases resolved on these business-local dates (inclusive). Default: the year ending windowDays before asOf. */
  from?: string;
  to?: string;
  windowDays?: number;
  lookbackDays?: number;
}

export interface GroupView {
  customers: number;
  repurchased: number;
  rate: number | null;
}

export interface RecoveryOutcomes {
  asOf: string;
  from: string;
  to: string;
  windowDays: number;
  lookbackDays: number;
  resolvedCases: number;
  satisfactionAfterRecovery: { followUp: CsatResult | null; survey: CsatResult | null };
  repurchase: {
    recovered: GroupView;
    comparison: GroupView;
    /** The common anchor date of the comparison group. */
    comparisonAnchor: string | null;
    /** Recovered customers left out: window not over yet, or no purchase in the lookback. */
    excluded: { windowNotElapsed: number; notActiveBefore: number };
    result: RecoveryComparison | null;
    /** Why there is no comparison, when there is none. */
    reason: string | null;
  };
}

const DAY_MS = 86_400_000;

function startOfLocalDay(date: string, tz: string): string {
  return new Date(localToUtcMs(dayNumber(date) * DAY_MS, tz)).toISOString();
}

function endOfLocalDay(date: string, tz: string): string {
  return new Date(localToUtcMs((dayNumber(date) + 1) * DAY_MS, tz) - 1).toISOString();
}

export async function recoveryOutcomes(db: Kysely<Database>, asOf: Date, q: RecoveryOutcomesQuery = {}): Promise<RecoveryOutcomes> {
  const { timeZone } = await getSettings(db);
  const windowDays = q.windowDays ?? DEFAULTS.recoveryWindowDays;
  const lookbackDays = q.lookbackDays ?? DEFAULTS.recoveryLookbackDays;
  const asOfDay = instantFromUtcMs(asOf.getTime(), timeZone).day;
  const to = q.to ?? dayToDate(asOfDay - windowDays);
  const from = q.from ?? dayToDate(dayNumber(to) - 364);
  for (const [k, v] of [['from', from], ['to', to]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new PatronError('VALIDATION', `${k}: expected a date YYYY-MM-DD`, { path: k });
  }
  if (from > to) throw new PatronError('VALIDATION', 'from is after to', { path: 'from' });
  const fromIso = startOfLocalDay(from, timeZone);
  const toIso = endOfLocalDay(to, timeZone);

  const resolved = (await resolvedCasesBetween(db, fromIso, toIso)).filter((c) => c.resolved_at! <= asOf.toISOString());
  // One anchor per customer: their first resolution in the range.
  const anchors = new Map<number, number>();
  for (const c of resolved) {
    const cust = Number(c.customer_id);
    if (!anchors.has(cust)) anchors.set(cust, instantFromUtcMs(Date.parse(c.resolved_at!), timeZone).day);
  }

  const excluded = { windowNotElapsed: 0, notActiveBefore: 0 };
  const eligible: [number, number][] = [];
  for (const [cust, day] of anchors) {
    if (day + windowDays > asOfDay) excluded.windowNotElapsed++;
    else eligible.push([cust, day]);
  }
  const recovered = { customers: 0, repurchased: 0 };
  if (eligible.length) {
    const days = eligible.map(([, d]) => d);
    const sales = await saleDaysOf(db, eligible.map(([c]) => c), Math.min(...days) - lookbackDays, Math.max(...days) + windowDays);
    for (const [cust, anchor] of eligible) {
      const s = sales.get(cust) ?? [];
      if (!s.some((d) => d >= anchor - lookbackDays && d <= anchor)) {
        excluded.notActiveBefore++;
        continue;
      }
      recovered.customers++;
      if (s.some((d) => d > anchor && d <= anchor + windowDays)) recovered.repurchased++;
    }
  }

  const comparison = { customers: 0, repurchased: 0 };
  let comparisonAnchor: number | null = null;
  if (recovered.customers > 0) {
    const sorted = eligible.map(([, d]) => d).sort((a, b) => a - b);
    comparisonAnchor = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const complained = await customersWithCases(db);
    for (const r of await activityAround(db, comparisonAnchor, lookbackDays, windowDays)) {
      if (complained.has(r.customer_id) || r.before !== 1) continue;
      comparison.customers++;
      if (r.after === 1) comparison.repurchased++;
    }
  }

  let result: RecoveryComparison | null = null;
  let reason: string | null = null;
  if (recovered.customers === 0) reason = 'no recovered customer with a purchase before and a full window after';
  else if (comparison.customers === 0) reason = 'no comparable customer without complaints';
  else result = recoveryOutcome(recovered, comparison);

  const followUps = (await followUpRatingsBetween(db, fromIso, toIso)).map((r) => r.satisfaction!);
  const surveyed = (await caseSurveyCsat(db, fromIso, toIso)).map((r) => r.value!);
  const rate = (g: { customers: number; repurchased: number }) => (g.customers ? g.repurchased / g.customers : null);
  return finiteOrNull({
    asOf: asOf.toISOString(),
    from,
    to,
    windowDays,
    lookbackDays,
    resolvedCases: resolved.length,
    satisfactionAfterRecovery: { followUp: followUps.length ? csat(followUps) : null, survey: surveyed.length ? csat(surveyed) : null },
    repurchase: {
      recovered: { ...recovered, rate: rate(recovered) },
      comparison: { ...comparison, rate: rate(comparison) },
      comparisonAnchor: comparisonAnchor === null ? null : dayToDate(comparisonAnchor),
      excluded,
      result,
      reason,
    },
  });
}
