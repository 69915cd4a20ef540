import type { Kysely } from 'kysely';
import type { Db } from '../../storage/db.js';
import type { Database, SurveyItemType } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { scaleAnswersBetween } from '../../storage/surveys.repo.js';
import { caseSignalRows } from '../../storage/voice.repo.js';
import { instantFromUtcMs } from '../time.js';
import { DEFAULTS } from './defaults.js';
import { satisfiedFrom, type ItemConfig } from './survey-spec.js';

/**
 * Complaint and satisfaction signals for the churn early warning (DOMAIN.md sections 5 and 6):
 * per customer, what they told us recently. Complaints are a gift (the customer is still
 * attached) but unresolved ones and low scores are warnings. The early-warning model decides
 * the weights; this only reports facts as of a date, so it can replay history.
 */
export interface CustomerVoiceSignal {
  customerId: number;
  /** Cases opened by asOf and not resolved at asOf (any age). */
  openCases: number;
  /** Cases opened in the window. */
  recentCases: number;
  /** Of those, severity 'high' or 'critical'. */
  severeRecentCases: number;
  lastCaseAt: string | null;
  /** Scale answers (rating, NPS, CSAT, effort) in the window, and those below the item's satisfied point. */
  scoredAnswers: number;
  lowScores: number;
  lastLowScoreAt: string | null;
  /** The customer's latest NPS answer in the window, and whether it was a detractor's (0-6). */
  latestNps: number | null;
  detractor: boolean;
}

export interface VoiceSignalOptions {
  windowDays?: number;
}

const SEVERE = new Set(['high', 'critical']);

/** Customers with any complaint or survey answer in the window (or an unresolved case), sorted by id. */
export async function customerVoiceSignals(database: Kysely<Database> | Db, asOf: Date, options: VoiceSignalOptions = {}): Promise<CustomerVoiceSignal[]> {
  // Either handle works: the churn model may hold the Db or its Kysely instance.
  const db: Kysely<Database> = 'kysely' in database && 'dialect' in database ? database.kysely : (database as Kysely<Database>);
  const windowDays = options.windowDays ?? DEFAULTS.signalWindowDays;
  const asOfIso = asOf.toISOString();
  const since = new Date(asOf.getTime() - windowDays * 86_400_000).toISOString();
  const out = new Map<number, CustomerVoiceSignal>();
  const get = (id: number) => {
    let s = out.get(id);
    if (!s) {
      s = { customerId: id, openCases: 0, recentCases: 0, severeRecentCases: 0, lastCaseAt: null, scoredAnswers: 0, lowScores: 0, lastLowScoreAt: null, latestNps: null, detractor: false };
      out.set(id, s);
    }
    return s;
  };

  for (const c of await caseSignalRows(db, since, asOfIso)) {
    const s = get(c.customer_id);
    if (c.resolved_at === null || c.resolved_at > asOfIso) s.openCases++;
    if (c.opened_at >= since) {
      s.recentCases++;
      if (SEVERE.has(c.severity)) s.severeRecentCases++;
    }
    if (s.lastCaseAt === null || c.opened_at > s.lastCaseAt) s.lastCaseAt = c.opened_at;
  }

  const { timeZone } = await getSettings(db);
  const fromDay = instantFromUtcMs(Date.parse(since), timeZone).day;
  const toDay = instantFromUtcMs(asOf.getTime(), timeZone).day;
  const latestNpsAt = new Map<number, string>();
  for (const a of await scaleAnswersBetween(db, fromDay, toDay, ['rating', 'nps', 'csat', 'effort'])) {
    // Days are whole local days; trim to the exact instants of the window.
    if (a.customer_id === null || a.submitted_at < since || a.submitted_at > asOfIso) continue;
    const s = get(Number(a.customer_id));
    s.scoredAnswers++;
    const config = JSON.parse(a.config) as ItemConfig;
    if (a.value! < satisfiedFrom(a.type as SurveyItemType, config)) {
      s.lowScores++;
      if (s.lastLowScoreAt === null || a.submitted_at > s.lastLowScoreAt) s.lastLowScoreAt = a.submitted_at;
    }
    if (a.type === 'nps') {
      const prev = latestNpsAt.get(s.customerId);
      if (prev === undefined || a.submitted_at >= prev) {
        latestNpsAt.set(s.customerId, a.submitted_at);
        s.latestNps = a.value;
        s.detractor = a.value! <= 6;
      }
    }
  }
  return [...out.values()].sort((a, b) => a.customerId - b.customerId);
}
