import type { Kysely } from 'kysely';
import { z } from 'zod';
import { journeySatisfaction, type Interval, type TouchpointRating } from '../../analytics/satisfaction/index.js';
import type { Database, SurveyItemType } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import {
  getJourneyByCode,
  getJourneyById,
  insertJourney,
  listJourneyRows,
  scaleAnswersBetween,
  updateJourneyRow,
  type JourneyRow,
} from '../../storage/surveys.repo.js';
import { PatronError } from '../errors.js';
import { responseQuery, finiteOrNull } from './metrics.js';
import { I18nSchema, satisfiedFrom, type I18nText, type ItemConfig } from './survey-spec.js';
import type { WriteContext } from './surveys.js';

/**
 * Customer journeys: ordered touchpoints (research, purchase, delivery, first bill ...). The
 * report puts per-touchpoint satisfaction next to end-to-end consistency, the share of customers
 * whose whole journey had no bad moment, and next to what the touchpoint rates alone would
 * suggest (their product: DOMAIN.md's 0.95^6 = 74%).
 *
 * Where ratings come from: an answer to a rating or CSAT item whose config names a `touchpoint`
 * rates that touchpoint; a CSAT answer in a response that came from a touchpoint (the listening
 * post of its link) rates the response's touchpoint. Each rating is satisfied when at or above
 * its item's satisfied point (survey-spec `satisfiedFrom`), so items on different scales combine.
 */
const Touchpoint = z.strictObject({
  key: z.string().trim().min(1).max(60),
  label: I18nSchema(100).optional(),
});

export const JourneyCreateSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'lower-case letters, digits, - and _ (at most 60)'),
  name: I18nSchema(200),
  touchpoints: z
    .array(Touchpoint)
    .min(1)
    .max(30)
    .refine((t) => new Set(t.map((x) => x.key)).size === t.length, 'touchpoint keys must be unique'),
});
export type JourneyCreate = z.output<typeof JourneyCreateSchema>;

export const JourneyPatchSchema = JourneyCreateSchema.omit({ code: true }).partial();

export interface JourneyView {
  id: number;
  code: string;
  name: I18nText;
  touchpoints: { key: string; label: I18nText | null }[];
  createdAt: string;
  updatedAt: string;
}

function toJourneyView(j: JourneyRow): JourneyView {
  return {
    id: j.id,
    code: j.code,
    name: JSON.parse(j.name) as I18nText,
    touchpoints: (JSON.parse(j.touchpoints) as { key: string; label?: I18nText }[]).map((t) => ({ key: t.key, label: t.label ?? null })),
    createdAt: j.created_at,
    updatedAt: j.updated_at,
  };
}

async function findJourney(db: Kysely<Database>, idOrCode: number | string): Promise<JourneyRow> {
  let j: JourneyRow | undefined;
  if (typeof idOrCode === 'number' || /^\d{1,15}$/.test(idOrCode)) j = await getJourneyById(db, Number(idOrCode));
  if (!j && typeof idOrCode === 'string') j = await getJourneyByCode(db, idOrCode);
  if (!j) throw new PatronError('NOT_FOUND', `journey ${idOrCode} not found`);
  return j;
}

export async function getJourney(db: Kysely<Database>, idOrCode: number | string): Promise<JourneyView> {
  return toJourneyView(await findJourney(db, idOrCode));
}

export async function listJourneys(db: Kysely<Database>): Promise<JourneyView[]> {
  return (await listJourneyRows(db)).map(toJourneyView);
}

export async function createJourney(db: Kysely<Database>, input: JourneyCreate, w: WriteContext): Promise<JourneyView> {
  return db.transaction().execute(async (trx) => {
    if (await getJourneyByCode(trx, input.code)) throw new PatronError('CONFLICT', `a journey with code ${input.code} already exists`);
    const j = await insertJourney(trx, {
      code: input.code,
      name: JSON.stringify(input.name),
      touchpoints: JSON.stringify(input.touchpoints),
      created_at: w.now,
      updated_at: w.now,
    });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'journey', entityId: j.id, detail: { code: j.code } });
    return toJourneyView(j);
  });
}

export async function updateJourney(db: Kysely<Database>, idOrCode: number | string, patch: z.output<typeof JourneyPatchSchema>, w: WriteContext): Promise<JourneyView> {
  return db.transaction().execute(async (trx) => {
    const j = await findJourney(trx, idOrCode);
    await updateJourneyRow(trx, j.id, {
      ...(patch.name ? { name: JSON.stringify(patch.name) } : {}),
      ...(patch.touchpoints ? { touchpoints: JSON.stringify(patch.touchpoints) } : {}),
      updated_at: w.now,
    });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'journey', entityId: j.id });
    return toJourneyView((await getJourneyById(trx, j.id))!);
  });
}

export interface JourneyReport {
  journey: JourneyView;
  from: string | null;
  to: string | null;
  touchpoints: { key: string; label: I18nText | null; n: number; satisfied: number; rate: number | null; ci: Interval | null }[];
  /** Π touchpoint rates: the end-to-end rate if bad moments were independent; null when a touchpoint has no ratings. */
  naiveEndToEnd: number | null;
  /** Customers who rated every touchpoint, and the share of them with no bad moment. */
  observed: { customers: number; noBadMoment: number; rate: number | null; ci: Interval | null };
  /** Customers who skipped a touchpoint (and of them, those who already had a bad moment). */
  incomplete: { customers: number; withBadMoment: number };
  /** Bounds of the no-bad-moment rate over every customer, complete or not (docs/analytics/satisfaction.md). */
  bounds: { lower: number; upper: number } | null;
  /** Ratings of touchpoints outside this journey, and ratings without a customer (cannot be chained). */
  ignoredRatings: number;
  anonymousRatings: number;
}

const RATED: readonly ('rating' | 'csat')[] = ['rating', 'csat'];

export async function journeyReport(db: Kysely<Database>, idOrCode: number | string, q: { from?: string; to?: string } = {}): Promise<JourneyReport> {
  const j = await findJourney(db, idOrCode);
  const view = toJourneyView(j);
  const rq = responseQuery(0, q);
  const rows = await scaleAnswersBetween(db, rq.fromDay ?? -1_000_000, rq.toDay ?? 10_000_000, RATED);
  const ratings: TouchpointRating[] = [];
  let anonymous = 0;
  for (const r of rows) {
    const config = JSON.parse(r.config) as ItemConfig;
    const touchpoint = config.touchpoint ?? (r.type === 'csat' ? r.touchpoint : null);
    if (!touchpoint) continue;
    if (r.customer_id === null) {
      anonymous++;
      continue;
    }
    // Satisfied (1) or a bad moment (0), by the item's own satisfied point.
    const ok = r.value! >= satisfiedFrom(r.type as SurveyItemType, config) ? 1 : 0;
    ratings.push({ customerId: String(r.customer_id), touchpoint, rating: ok });
  }
  const keys = view.touchpoints.map((t) => t.key);
  const res = journeySatisfaction(keys, ratings, { scaleMin: 0, scaleMax: 1, threshold: 1 });
  const total = res.observed.customers + res.incomplete.customers;
  return finiteOrNull({
    journey: view,
    from: q.from ?? null,
    to: q.to ?? null,
    touchpoints: res.touchpoints.map((t, i) => ({ key: t.touchpoint, label: view.touchpoints[i]!.label, n: t.n, satisfied: t.satisfied, rate: t.rate, ci: t.ci })),
    naiveEndToEnd: res.naiveEndToEnd,
    observed: res.observed,
    incomplete: res.incomplete,
    bounds: total
      ? {
          lower: res.observed.noBadMoment / total,
          upper: (res.observed.noBadMoment + res.incomplete.customers - res.incomplete.withBadMoment) / total,
        }
      : null,
    ignoredRatings: res.ignoredRatings,
    anonymousRatings: anonymous,
  }) as JourneyReport;
}
