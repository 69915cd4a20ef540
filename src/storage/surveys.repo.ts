import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  Database,
  JourneysTable,
  SurveyAnswersTable,
  SurveyInvitationsTable,
  SurveyItemsTable,
  SurveyResponsesTable,
  SurveysTable,
  SurveyTriggersTable,
} from './schema.js';

/** Surveys, their items and triggers, invitations (links), responses and answers; journeys. */

export type SurveyRow = Selectable<SurveysTable>;
export type SurveyItemRow = Selectable<SurveyItemsTable>;
export type SurveyTriggerRow = Selectable<SurveyTriggersTable>;
export type InvitationRow = Selectable<SurveyInvitationsTable>;
export type ResponseRow = Selectable<SurveyResponsesTable>;
export type AnswerRow = Selectable<SurveyAnswersTable>;
export type JourneyRow = Selectable<JourneysTable>;

export function insertSurvey(db: Kysely<Database>, row: Insertable<SurveysTable>): Promise<SurveyRow> {
  return db.insertInto('surveys').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getSurveyById(db: Kysely<Database>, id: number): Promise<SurveyRow | undefined> {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getSurveyByCode(db: Kysely<Database>, code: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('surveys').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listSurveyRows(db: Kysely<Database>): Promise<SurveyRow[]> {
  return db.selectFrom('surveys').selectAll().orderBy('id').execute();
}

export async function updateSurveyRow(db: Kysely<Database>, id: number, set: Updateable<SurveysTable>): Promise<void> {
  await db.updateTable('surveys').set(set).where('id', '=', id).execute();
}

export async function insertItems(db: Kysely<Database>, rows: Insertable<SurveyItemsTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('survey_items').values(rows).execute();
}

export async function deleteItems(db: Kysely<Database>, surveyId: number): Promise<void> {
  await db.deleteFrom('survey_items').where('survey_id', '=', surveyId).execute();
}

export function itemsOf(db: Kysely<Database>, surveyId: number): Promise<SurveyItemRow[]> {
  return db.selectFrom('survey_items').selectAll().where('survey_id', '=', surveyId).orderBy('position').execute();
}

export async function surveyUsage(db: Kysely<Database>, surveyId: number): Promise<{ invitations: number; responses: number; responded: number }> {
  const inv = await db
    .selectFrom('survey_invitations')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('responded_at').as('responded')])
    .where('survey_id', '=', surveyId)
    .executeTakeFirstOrThrow();
  const res = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('survey_id', '=', surveyId)
    .executeTakeFirstOrThrow();
  return { invitations: Number(inv.n), responded: Number(inv.responded), responses: Number(res.n) };
}

// ---- triggers ----------------------------------------------------------------------------------

export function insertTrigger(db: Kysely<Database>, row: Insertable<SurveyTriggersTable>): Promise<SurveyTriggerRow> {
  return db.insertInto('survey_triggers').values(row).returningAll().executeTakeFirstOrThrow();
}

export function triggersOf(db: Kysely<Database>, surveyId: number): Promise<SurveyTriggerRow[]> {
  return db.selectFrom('survey_triggers').selectAll().where('survey_id', '=', surveyId).orderBy('id').execute();
}

export function getTrigger(db: Kysely<Database>, id: number): Promise<SurveyTriggerRow | undefined> {
  return db.selectFrom('survey_triggers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setTriggerActive(db: Kysely<Database>, id: number, active: boolean): Promise<void> {
  await db.updateTable('survey_triggers').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
}

/** Active triggers of active surveys, for dispatch. */
export function activeTriggers(db: Kysely<Database>): Promise<(SurveyTriggerRow & { link_ttl_days: number; default_locale: 'zh-CN' | 'en' })[]> {
  return db
    .selectFrom('survey_triggers as t')
    .innerJoin('surveys as s', 's.id', 't.survey_id')
    .selectAll('t')
    .select(['s.link_ttl_days', 's.default_locale'])
    .where('t.active', '=', 1)
    .where('s.status', '=', 'active')
    .orderBy('t.id')
    .execute();
}

// ---- invitations -------------------------------------------------------------------------------

/** Inserts an invitation; with a dedupe key already used for the survey, inserts nothing and returns undefined. */
export function insertInvitation(db: Kysely<Database>, row: Insertable<SurveyInvitationsTable>): Promise<InvitationRow | undefined> {
  return db
    .insertInto('survey_invitations')
    .values(row)
    .onConflict((oc) => oc.columns(['survey_id', 'dedupe_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function getInvitation(db: Kysely<Database>, id: number): Promise<InvitationRow | undefined> {
  return db.selectFrom('survey_invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface InvitationQuery {
  surveyId: number;
  state?: 'pending' | 'responded' | 'expired' | 'revoked';
  now: string;
  before?: number;
  limit: number;
}

export function listInvitations(db: Kysely<Database>, q: InvitationQuery): Promise<InvitationRow[]> {
  let query = db.selectFrom('survey_invitations').selectAll().where('survey_id', '=', q.surveyId);
  if (q.state === 'responded') query = query.where('responded_at', 'is not', null);
  if (q.state === 'revoked') query = query.where('revoked_at', 'is not', null);
  if (q.state === 'pending') {
    query = query.where('responded_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>=', q.now);
  }
  if (q.state === 'expired') query = query.where('responded_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '<', q.now);
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function updateInvitation(db: Kysely<Database>, id: number, set: Updateable<SurveyInvitationsTable>): Promise<void> {
  await db.updateTable('survey_invitations').set(set).where('id', '=', id).execute();
}

/** Marks a link used; false when it already was (the caller lost a race and must not save). */
export async function claimInvitation(db: Kysely<Database>, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('survey_invitations')
    .set({ responded_at: at })
    .where('id', '=', id)
    .where('responded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Customers invited to the survey since `since` (cooldown). */
export async function recentlyInvited(db: Kysely<Database>, surveyId: number, since: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom('survey_invitations')
    .select('customer_id')
    .distinct()
    .where('survey_id', '=', surveyId)
    .where('created_at', '>=', since)
    .where('customer_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => Number(r.customer_id)));
}

// ---- events that trigger surveys ---------------------------------------------------------------

export interface TriggerEvent {
  customerId: number;
  orderId: number | null;
  caseId: number | null;
  venueId: number | null;
  at: string;
}

/** Customers whose first completed sale falls in [fromDay, toDay] (business-local days). */
export async function firstPurchasesBetween(db: Kysely<Database>, fromDay: number, toDay: number): Promise<TriggerEvent[]> {
  const firsts = db
    .selectFrom('orders')
    .select((eb) => ['customer_id', eb.fn.min('ordered_at').as('first_at')])
    .where('kind', '=', 'sale')
    .where('status', '=', 'completed')
    .where('customer_id', 'is not', null)
    .groupBy('customer_id')
    .as('f');
  const rows = await db
    .selectFrom(firsts)
    .innerJoin('orders as o', (j) => j.onRef('o.customer_id', '=', 'f.customer_id').onRef('o.ordered_at', '=', 'f.first_at'))
    .select(['o.id', 'o.customer_id', 'o.venue_id', 'o.ordered_at', 'o.day'])
    .where('o.kind', '=', 'sale')
    .where('o.status', '=', 'completed')
    .where('o.day', '>=', fromDay)
    .where('o.day', '<=', toDay)
    .orderBy('o.id')
    .execute();
  // Two orders at the same first instant: the lower id is the first purchase.
  const seen = new Set<number>();
  const out: TriggerEvent[] = [];
  for (const r of rows) {
    const c = Number(r.customer_id);
    if (seen.has(c)) continue;
    seen.add(c);
    out.push({ customerId: c, orderId: r.id, caseId: null, venueId: r.venue_id, at: r.ordered_at });
  }
  return out;
}

/** Completed sales with a customer on business-local days [fromDay, toDay]. */
export async function salesBetween(db: Kysely<Database>, fromDay: number, toDay: number): Promise<TriggerEvent[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'customer_id', 'venue_id', 'ordered_at'])
    .where('kind', '=', 'sale')
    .where('status', '=', 'completed')
    .where('customer_id', 'is not', null)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('ordered_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ customerId: Number(r.customer_id), orderId: r.id, caseId: null, venueId: r.venue_id, at: r.ordered_at }));
}

/** Cases closed in [from, to] (ISO instants) that have a customer. */
export async function casesClosedBetween(db: Kysely<Database>, from: string, to: string): Promise<TriggerEvent[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'customer_id', 'venue_id', 'order_id', 'closed_at'])
    .where('status', '=', 'closed')
    .where('customer_id', 'is not', null)
    .where('closed_at', '>=', from)
    .where('closed_at', '<=', to)
    .orderBy('closed_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ customerId: Number(r.customer_id), orderId: r.order_id, caseId: r.id, venueId: r.venue_id, at: r.closed_at! }));
}

// ---- responses ---------------------------------------------------------------------------------

export function insertResponse(db: Kysely<Database>, row: Insertable<SurveyResponsesTable>): Promise<ResponseRow> {
  return db.insertInto('survey_responses').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertAnswers(db: Kysely<Database>, rows: Insertable<SurveyAnswersTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('survey_answers').values(rows).execute();
}

export async function setResponseCase(db: Kysely<Database>, responseId: number, caseId: number): Promise<void> {
  await db.updateTable('survey_responses').set({ case_id: caseId }).where('id', '=', responseId).execute();
}

export interface ResponseQuery {
  surveyId: number;
  fromDay?: number;
  toDay?: number;
  venueId?: number;
}

export type ResponseWithVenue = ResponseRow & { venue_code: string | null };

export function responsesOf(db: Kysely<Database>, q: ResponseQuery): Promise<ResponseWithVenue[]> {
  let query = db
    .selectFrom('survey_responses as r')
    .leftJoin('venues as v', 'v.id', 'r.venue_id')
    .selectAll('r')
    .select('v.code as venue_code')
    .where('r.survey_id', '=', q.surveyId);
  if (q.fromDay !== undefined) query = query.where('r.day', '>=', q.fromDay);
  if (q.toDay !== undefined) query = query.where('r.day', '<=', q.toDay);
  if (q.venueId !== undefined) query = query.where('r.venue_id', '=', q.venueId);
  return query.orderBy('r.id').execute();
}

/** Answers of the responses matching the query (joined on the same filter, one round trip). */
export function answersOf(db: Kysely<Database>, q: ResponseQuery): Promise<AnswerRow[]> {
  let query = db
    .selectFrom('survey_answers as a')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .selectAll('a')
    .where('r.survey_id', '=', q.surveyId);
  if (q.fromDay !== undefined) query = query.where('r.day', '>=', q.fromDay);
  if (q.toDay !== undefined) query = query.where('r.day', '<=', q.toDay);
  if (q.venueId !== undefined) query = query.where('r.venue_id', '=', q.venueId);
  return query.orderBy('a.response_id').orderBy('a.item_id').execute();
}

/** Scale answers of customers across every survey, with their item's type and config (journeys, signals). */
export function scaleAnswersBetween(
  db: Kysely<Database>,
  fromDay: number,
  toDay: number,
  types: readonly ('rating' | 'nps' | 'csat' | 'effort')[],
) {
  return db
    .selectFrom('survey_answers as a')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .innerJoin('survey_items as i', 'i.id', 'a.item_id')
    .select(['r.id as response_id', 'r.customer_id', 'r.touchpoint', 'r.submitted_at', 'r.survey_id', 'i.type', 'i.config', 'a.value'])
    .where('r.day', '>=', fromDay)
    .where('r.day', '<=', toDay)
    .where('i.type', 'in', types)
    .where('a.value', 'is not', null)
    .orderBy('r.id')
    .execute();
}

// ---- journeys ----------------------------------------------------------------------------------

export function insertJourney(db: Kysely<Database>, row: Insertable<JourneysTable>): Promise<JourneyRow> {
  return db.insertInto('journeys').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateJourneyRow(db: Kysely<Database>, id: number, set: Updateable<JourneysTable>): Promise<void> {
  await db.updateTable('journeys').set(set).where('id', '=', id).execute();
}

export function getJourneyById(db: Kysely<Database>, id: number): Promise<JourneyRow | undefined> {
  return db.selectFrom('journeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getJourneyByCode(db: Kysely<Database>, code: string): Promise<JourneyRow | undefined> {
  return db.selectFrom('journeys').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listJourneyRows(db: Kysely<Database>): Promise<JourneyRow[]> {
  return db.selectFrom('journeys').selectAll().orderBy('id').execute();
}

/** One page of responses, newest first (keyset on id). */
export function responsePage(db: Kysely<Database>, q: ResponseQuery & { before?: number; limit: number }): Promise<ResponseWithVenue[]> {
  let query = db
    .selectFrom('survey_responses as r')
    .leftJoin('venues as v', 'v.id', 'r.venue_id')
    .selectAll('r')
    .select('v.code as venue_code')
    .where('r.survey_id', '=', q.surveyId);
  if (q.fromDay !== undefined) query = query.where('r.day', '>=', q.fromDay);
  if (q.toDay !== undefined) query = query.where('r.day', '<=', q.toDay);
  if (q.venueId !== undefined) query = query.where('r.venue_id', '=', q.venueId);
  if (q.before !== undefined) query = query.where('r.id', '<', q.before);
  return query.orderBy('r.id', 'desc').limit(q.limit).execute();
}

export async function answersOfResponses(db: Kysely<Database>, responseIds: number[]): Promise<AnswerRow[]> {
  const out: AnswerRow[] = [];
  for (let i = 0; i < responseIds.length; i += 5000) {
    out.push(...(await db.selectFrom('survey_answers').selectAll().where('response_id', 'in', responseIds.slice(i, i + 5000)).execute()));
  }
  return out;
}
