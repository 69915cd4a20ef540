import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  CaseCompensationsTable,
  CaseEventsTable,
  CaseFollowUpsTable,
  CasesTable,
  CaseStatus,
  CaseStepsTable,
  Database,
  RecoveryStep,
} from './schema.js';

/** Complaint cases, their recovery steps, timeline, compensations and follow-ups. */

export type CaseRow = Selectable<CasesTable>;
export type CaseStepRow = Selectable<CaseStepsTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type CompensationRow = Selectable<CaseCompensationsTable>;
export type FollowUpRow = Selectable<CaseFollowUpsTable>;

export function insertCase(db: Kysely<Database>, row: Insertable<CasesTable>): Promise<CaseRow> {
  return db.insertInto('cases').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getCaseRow(db: Kysely<Database>, id: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateCaseRow(db: Kysely<Database>, id: number, set: Updateable<CasesTable>): Promise<void> {
  await db.updateTable('cases').set(set).where('id', '=', id).execute();
}

export interface CaseQuery {
  status?: CaseStatus;
  severity?: string;
  customerId?: number;
  venueId?: number;
  assigneeUserId?: number;
  /** Keyset pagination: ids below this, newest first. */
  before?: number;
  limit: number;
}

export function listCaseRows(db: Kysely<Database>, q: CaseQuery): Promise<CaseRow[]> {
  let query = db.selectFrom('cases').selectAll();
  if (q.status) query = query.where('status', '=', q.status);
  if (q.severity) query = query.where('severity', '=', q.severity);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.venueId) query = query.where('venue_id', '=', q.venueId);
  if (q.assigneeUserId) query = query.where('assignee_user_id', '=', q.assigneeUserId);
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function insertSteps(db: Kysely<Database>, rows: Insertable<CaseStepsTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('case_steps').values(rows).execute();
}

export function stepsOf(db: Kysely<Database>, caseId: number): Promise<CaseStepRow[]> {
  return db.selectFrom('case_steps').selectAll().where('case_id', '=', caseId).orderBy('position').execute();
}

/** Completes a pending step; false when it was not pending (already done or skipped). */
export async function completeStep(
  db: Kysely<Database>,
  caseId: number,
  step: RecoveryStep,
  set: { status: 'done' | 'skipped'; done_at: string; done_by: string; note: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('case_steps')
    .set(set)
    .where('case_id', '=', caseId)
    .where('step', '=', step)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function appendCaseEvent(db: Kysely<Database>, row: Insertable<CaseEventsTable>): Promise<void> {
  await db.insertInto('case_events').values(row).execute();
}

export function eventsOf(db: Kysely<Database>, caseId: number): Promise<CaseEventRow[]> {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export function insertCompensation(db: Kysely<Database>, row: Insertable<CaseCompensationsTable>): Promise<CompensationRow> {
  return db.insertInto('case_compensations').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCompensation(db: Kysely<Database>, id: number, set: Updateable<CaseCompensationsTable>): Promise<void> {
  await db.updateTable('case_compensations').set(set).where('id', '=', id).execute();
}

export function compensationsOf(db: Kysely<Database>, caseId: number): Promise<CompensationRow[]> {
  return db.selectFrom('case_compensations').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export function insertFollowUp(db: Kysely<Database>, row: Insertable<CaseFollowUpsTable>): Promise<FollowUpRow> {
  return db.insertInto('case_follow_ups').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getFollowUp(db: Kysely<Database>, id: number): Promise<FollowUpRow | undefined> {
  return db.selectFrom('case_follow_ups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateFollowUp(db: Kysely<Database>, id: number, set: Updateable<CaseFollowUpsTable>): Promise<boolean> {
  const r = await db.updateTable('case_follow_ups').set(set).where('id', '=', id).where('done_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function followUpsOf(db: Kysely<Database>, caseId: number): Promise<FollowUpRow[]> {
  return db.selectFrom('case_follow_ups').selectAll().where('case_id', '=', caseId).orderBy('due_at').orderBy('id').execute();
}

/** Open follow-ups due by `until`, oldest first. */
export function dueFollowUps(db: Kysely<Database>, until: string, limit: number) {
  return db
    .selectFrom('case_follow_ups as f')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .selectAll('f')
    .select(['c.customer_id', 'c.subject', 'c.assignee_user_id'])
    .where('f.done_at', 'is', null)
    .where('f.due_at', '<=', until)
    .orderBy('f.due_at')
    .limit(limit)
    .execute();
}

/** Cases resolved (resolved or closed) in [from, to] with a customer, for the recovery outcome. */
export function resolvedCasesBetween(db: Kysely<Database>, from: string, to: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'customer_id', 'resolved_at', 'opened_at'])
    .where('customer_id', 'is not', null)
    .where('resolved_at', 'is not', null)
    .where('resolved_at', '>=', from)
    .where('resolved_at', '<=', to)
    .where('status', 'in', ['resolved', 'closed'])
    .orderBy('resolved_at')
    .execute();
}

/** Every customer who ever had a case (the comparison group must never have complained). */
export async function customersWithCases(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db.selectFrom('cases').select('customer_id').distinct().where('customer_id', 'is not', null).execute();
  return new Set(rows.map((r) => Number(r.customer_id)));
}

/** Follow-up satisfaction ratings of cases resolved in [from, to]. */
export function followUpRatingsBetween(db: Kysely<Database>, from: string, to: string) {
  return db
    .selectFrom('case_follow_ups as f')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .select(['f.case_id', 'f.satisfaction'])
    .where('f.satisfaction', 'is not', null)
    .where('c.resolved_at', '>=', from)
    .where('c.resolved_at', '<=', to)
    .execute();
}
