import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { SlaState } from '../../analytics/satisfaction/index.js';
import { appendAudit } from '../../storage/audit.repo.js';
import {
  appendCaseEvent,
  compensationsOf,
  completeStep,
  eventsOf,
  followUpsOf,
  getCaseRow,
  getFollowUp,
  insertCase,
  insertCompensation,
  insertFollowUp,
  insertSteps,
  listCaseRows,
  stepsOf,
  updateCaseRow,
  updateCompensation,
  updateFollowUp,
  type CaseEventRow,
  type CaseRow,
  type CaseStepRow,
  type CompensationRow,
  type FollowUpRow,
} from '../../storage/cases.repo.js';
import type { Db } from '../../storage/db.js';
import type { CaseChannel, CaseStatus, CompensationKind, CompensationStatus, Database, RecoveryStep } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import { LOYALTY_LEDGER, type CompensationLedger } from './compensation-ledger.js';
import { DEFAULTS } from './defaults.js';
import { resolveProduct, resolveRefs, resolveUser, RefsSchema } from './refs.js';
import { caseSla, getSlaPolicy, targetsFor, type CaseSlaView } from './sla.js';
import type { WriteContext } from './surveys.js';

/**
 * Complaint cases and the six-step service recovery of DOMAIN.md section 6: (1) apologise and
 * acknowledge, (2) listen, (3) offer a fair fix, (4) give value-added compensation, (5) keep the
 * promise, (6) follow up. Each step is a checklist row stamped with when and by whom; every
 * change also lands on the case timeline (case_events).
 */
export const CASE_CHANNELS = ['phone', 'visit', 'email', 'web', 'social', 'survey', 'other'] as const satisfies readonly CaseChannel[];
export const RECOVERY_STEPS = ['apologise', 'listen', 'fair_fix', 'compensation', 'keep_promise', 'follow_up'] as const satisfies readonly RecoveryStep[];
export const COMPENSATION_KINDS = ['points', 'stored_value', 'voucher'] as const satisfies readonly CompensationKind[];

const DAY_MS = 86_400_000;
const Iso = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const CaseCreateSchema = z.strictObject({
  ...RefsSchema,
  channel: z.enum(CASE_CHANNELS),
  category: z.string().trim().min(1).max(60),
  severity: z.string().trim().min(1).max(30).default('normal'),
  productId: z.number().int().positive().optional(),
  productSku: z.string().trim().min(1).max(100).optional(),
  assigneeUserId: z.number().int().positive().optional(),
  assigneeUsername: z.string().trim().min(1).max(100).optional(),
  subject: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).optional(),
  /** When the complaint arrived, if earlier than now (a phone call logged afterwards); the SLA runs from here. */
  openedAt: Iso.optional(),
});
export type CaseCreate = z.output<typeof CaseCreateSchema>;

export const CasePatchSchema = z.strictObject({
  category: z.string().trim().min(1).max(60).optional(),
  severity: z.string().trim().min(1).max(30).optional(),
  venueId: z.number().int().positive().nullable().optional(),
  productId: z.number().int().positive().nullable().optional(),
  assigneeUserId: z.number().int().positive().nullable().optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().max(5000).nullable().optional(),
});
export type CasePatch = z.output<typeof CasePatchSchema>;

export const StepInputSchema = z.strictObject({
  status: z.enum(['done', 'skipped']).default('done'),
  note: z.string().trim().max(2000).optional(),
});

export const NoteSchema = z.strictObject({
  text: z.string().trim().min(1).max(5000),
  /** A message to the customer (call, reply): the first one stops the first-response clock. */
  toCustomer: z.boolean().default(false),
});

export const CompensationSchema = z
  .strictObject({
    kind: z.enum(COMPENSATION_KINDS),
    points: z.number().int().positive().max(100_000_000).optional(),
    amountMinor: z.number().int().positive().max(1_000_000_000_000).optional(),
    voucherCode: z.string().trim().min(1).max(60).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'points' && c.points === undefined) ctx.addIssue({ code: 'custom', path: ['points'], message: 'points compensation needs points' });
    if (c.kind === 'stored_value' && c.amountMinor === undefined) ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: 'stored value compensation needs amountMinor' });
    if (c.kind === 'voucher' && c.voucherCode === undefined) ctx.addIssue({ code: 'custom', path: ['voucherCode'], message: 'a voucher needs its code' });
    if (c.kind !== 'points' && c.points !== undefined) ctx.addIssue({ code: 'custom', path: ['points'], message: `points only go with kind points` });
  });
export type CompensationInput = z.output<typeof CompensationSchema>;

export const FollowUpSchema = z.strictObject({
  dueAt: Iso.optional(),
  channel: z.string().trim().min(1).max(30).optional(),
  note: z.string().trim().max(1000).optional(),
});

export const FollowUpDoneSchema = z.strictObject({
  outcome: z.string().trim().max(2000).optional(),
  /** How satisfied the customer is after the recovery, 1-5. */
  satisfaction: z.number().int().min(1).max(5).optional(),
});

// ---- views -------------------------------------------------------------------------------------

export interface StepView {
  step: RecoveryStep;
  position: number;
  status: 'pending' | 'done' | 'skipped';
  doneAt: string | null;
  doneBy: string | null;
  note: string | null;
}

export interface CompensationView {
  id: number;
  kind: CompensationKind;
  points: number | null;
  amountMinor: number | null;
  voucherCode: string | null;
  note: string | null;
  status: CompensationStatus;
  ledgerRef: string | null;
  error: string | null;
  createdAt: string;
  createdBy: string;
  grantedAt: string | null;
}

export interface FollowUpView {
  id: number;
  dueAt: string;
  channel: string | null;
  note: string | null;
  doneAt: string | null;
  doneBy: string | null;
  outcome: string | null;
  satisfaction: number | null;
  overdue: boolean;
}

export interface CaseEventView {
  id: number;
  at: string;
  actor: string;
  kind: string;
  detail: unknown;
}

export interface CaseView {
  id: number;
  customerId: number | null;
  channel: CaseChannel;
  category: string;
  severity: string;
  venueId: number | null;
  productId: number | null;
  orderId: number | null;
  surveyResponseId: number | null;
  assigneeUserId: number | null;
  subject: string;
  description: string | null;
  status: CaseStatus;
  openedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  createdBy: string;
  updatedAt: string;
  sla: CaseSlaView;
  /** Steps done or skipped, of six. */
  stepsCompleted: number;
}

export interface CaseDetail extends CaseView {
  steps: StepView[];
  compensations: CompensationView[];
  followUps: FollowUpView[];
  events: CaseEventView[];
}

function toStepView(s: CaseStepRow): StepView {
  return { step: s.step, position: s.position, status: s.status, doneAt: s.done_at, doneBy: s.done_by, note: s.note };
}

function toCompensationView(c: CompensationRow): CompensationView {
  return {
    id: c.id,
    kind: c.kind,
    points: c.points,
    amountMinor: c.amount_minor,
    voucherCode: c.voucher_code,
    note: c.note,
    status: c.status,
    ledgerRef: c.ledger_ref,
    error: c.error,
    createdAt: c.created_at,
    createdBy: c.created_by,
    grantedAt: c.granted_at,
  };
}

function toFollowUpView(f: FollowUpRow, now: Date): FollowUpView {
  return {
    id: f.id,
    dueAt: f.due_at,
    channel: f.channel,
    note: f.note,
    doneAt: f.done_at,
    doneBy: f.done_by,
    outcome: f.outcome,
    satisfaction: f.satisfaction,
    overdue: f.done_at === null && f.due_at < now.toISOString(),
  };
}

function toEventView(e: CaseEventRow): CaseEventView {
  let detail: unknown = null;
  if (e.detail !== null) {
    try {
      detail = JSON.parse(e.detail);
    } catch {
      detail = e.detail;
    }
  }
  return { id: e.id, at: e.at, actor: e.actor, kind: e.kind, detail };
}

export function toCaseView(c: CaseRow, now: Date, stepsCompleted: number): CaseView {
  return {
    id: c.id,
    customerId: c.customer_id,
    channel: c.channel,
    category: c.category,
    severity: c.severity,
    venueId: c.venue_id,
    productId: c.product_id,
    orderId: c.order_id,
    surveyResponseId: c.survey_response_id,
    assigneeUserId: c.assignee_user_id,
    subject: c.subject,
    description: c.description,
    status: c.status,
    openedAt: c.opened_at,
    firstResponseAt: c.first_response_at,
    resolvedAt: c.resolved_at,
    closedAt: c.closed_at,
    createdBy: c.created_by,
    updatedAt: c.updated_at,
    sla: caseSla(c, now),
    stepsCompleted,
  };
}

async function caseOrThrow(db: Kysely<Database>, id: number): Promise<CaseRow> {
  const c = await getCaseRow(db, id);
  if (!c) throw new PatronError('NOT_FOUND', `case ${id} not found`);
  return c;
}

function assertNotClosed(c: CaseRow): void {
  if (c.status === 'closed') throw new PatronError('CONFLICT', `case ${c.id} is closed; reopen it first`);
}

export async function getCase(db: Kysely<Database>, id: number, now: Date): Promise<CaseDetail> {
  const c = await caseOrThrow(db, id);
  // Sequential on purpose: four tiny indexed reads, and one pooled connection per request.
  const steps = await stepsOf(db, id);
  const comps = await compensationsOf(db, id);
  const fus = await followUpsOf(db, id);
  const events = await eventsOf(db, id);
  return {
    ...toCaseView(c, now, steps.filter((s) => s.status !== 'pending').length),
    steps: steps.map(toStepView),
    compensations: comps.map(toCompensationView),
    followUps: fus.map((f) => toFollowUpView(f, now)),
    events: events.map(toEventView),
  };
}

export interface CaseListQuery {
  status?: CaseStatus;
  severity?: string;
  customerId?: number;
  venueId?: number;
  assigneeUserId?: number;
  /** Only cases whose SLA is in this state now. */
  sla?: SlaState;
  before?: number;
  limit: number;
}

export async function listCases(db: Kysely<Database>, q: CaseListQuery, now: Date): Promise<{ items: CaseView[]; nextBefore: number | null }> {
  const items: CaseView[] = [];
  let before = q.before;
  // With an SLA filter the state is computed per case, so scan pages until the page is full.
  for (let scanned = 0; items.length < q.limit && scanned < 20_000; ) {
    const rows = await listCaseRows(db, { ...q, before, limit: q.sla ? 500 : q.limit });
    if (rows.length === 0) break;
    scanned += rows.length;
    const counts = await stepCounts(db, rows.map((r) => r.id));
    for (const r of rows) {
      before = r.id;
      const v = toCaseView(r, now, counts.get(r.id) ?? 0);
      if (q.sla && v.sla.state !== q.sla) continue;
      items.push(v);
      if (items.length === q.limit) break;
    }
    if (!q.sla) break;
  }
  return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
}

async function stepCounts(db: Kysely<Database>, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('case_steps')
    .select((eb) => ['case_id', eb.fn.countAll<number>().as('n')])
    .where('case_id', 'in', ids)
    .where('status', '!=', 'pending')
    .groupBy('case_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.case_id), Number(r.n)]));
}

async function event(db: Kysely<Database>, caseId: number, w: WriteContext, kind: string, detail?: unknown): Promise<void> {
  await appendCaseEvent(db, { case_id: caseId, at: w.now, actor: w.actor, kind, detail: detail === undefined ? null : JSON.stringify(detail) });
}

/** Opens a case inside the caller's transaction (used by survey answers below a threshold too). */
export async function openCaseTx(trx: Kysely<Database>, input: CaseCreate, w: WriteContext, extra: { surveyResponseId?: number } = {}): Promise<CaseRow> {
  const policy = await getSlaPolicy(trx);
  const targets = targetsFor(policy, input.severity);
  const refs = await resolveRefs(trx, input);
  const productId = await resolveProduct(trx, input.productId, input.productSku);
  const assignee = await resolveUser(trx, input.assigneeUserId, input.assigneeUsername);
  const openedAt = input.openedAt ?? w.now;
  if (openedAt > w.now) throw new PatronError('VALIDATION', 'openedAt is in the future', { path: 'openedAt' });
  const c = await insertCase(trx, {
    customer_id: refs.customerId,
    channel: input.channel,
    category: input.category,
    severity: input.severity,
    venue_id: refs.venueId,
    product_id: productId,
    order_id: refs.orderId,
    survey_response_id: extra.surveyResponseId ?? null,
    assignee_user_id: assignee,
    subject: input.subject,
    description: input.description ?? null,
    status: 'open',
    sla_first_response_minutes: targets.firstResponseMinutes,
    sla_resolution_minutes: targets.resolutionMinutes,
    opened_at: openedAt,
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
    created_by: w.actor,
    updated_at: w.now,
  });
  await insertSteps(
    trx,
    RECOVERY_STEPS.map((step, i) => ({ case_id: c.id, step, position: i + 1, status: 'pending' as const, done_at: null, done_by: null, note: null })),
  );
  await event(trx, c.id, w, 'opened', { channel: c.channel, severity: c.severity, category: c.category, surveyResponseId: extra.surveyResponseId ?? null });
  await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'case', entityId: c.id, detail: { channel: c.channel, severity: c.severity } });
  return c;
}

export async function openCase(db: Kysely<Database>, input: CaseCreate, w: WriteContext): Promise<CaseDetail> {
  const c = await db.transaction().execute((trx) => openCaseTx(trx, input, w));
  return getCase(db, c.id, new Date(w.now));
}

export async function updateCase(db: Kysely<Database>, id: number, patch: CasePatch, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    const set: Parameters<typeof updateCaseRow>[2] = { updated_at: w.now };
    if (patch.category !== undefined) set.category = patch.category;
    if (patch.subject !== undefined) set.subject = patch.subject;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.severity !== undefined && patch.severity !== c.severity) {
      // Re-grading takes the new severity's targets; the clocks still run from when the case opened.
      const t = targetsFor(await getSlaPolicy(trx), patch.severity);
      set.severity = patch.severity;
      set.sla_first_response_minutes = t.firstResponseMinutes;
      set.sla_resolution_minutes = t.resolutionMinutes;
    }
    if (patch.venueId !== undefined) set.venue_id = patch.venueId === null ? null : (await resolveRefs(trx, { venueId: patch.venueId })).venueId;
    if (patch.productId !== undefined) set.product_id = patch.productId === null ? null : await resolveProduct(trx, patch.productId);
    if (patch.assigneeUserId !== undefined) set.assignee_user_id = patch.assigneeUserId === null ? null : await resolveUser(trx, patch.assigneeUserId);
    await updateCaseRow(trx, id, set);
    await event(trx, id, w, 'updated', patch);
  });
  return getCase(db, id, new Date(w.now));
}

/** Stamps the first response if there was none yet: a message to the customer or a recovery step done. */
async function firstResponse(trx: Kysely<Database>, c: CaseRow, w: WriteContext): Promise<void> {
  if (c.first_response_at === null) await updateCaseRow(trx, c.id, { first_response_at: w.now });
}

export async function addNote(db: Kysely<Database>, id: number, input: z.output<typeof NoteSchema>, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    if (input.toCustomer) await firstResponse(trx, c, w);
    await updateCaseRow(trx, id, { updated_at: w.now });
    await event(trx, id, w, 'note', { text: input.text, toCustomer: input.toCustomer });
  });
  return getCase(db, id, new Date(w.now));
}

/**
 * Marks a recovery step done or skipped. Skipping needs a reason. "Compensation" is done by
 * granting one and "follow up" by completing a follow-up (so the checklist cannot claim what
 * did not happen); both can be skipped with a reason. A step is stamped once.
 */
export async function recordStep(
  db: Kysely<Database>,
  id: number,
  step: RecoveryStep,
  input: z.output<typeof StepInputSchema>,
  w: WriteContext,
): Promise<CaseDetail> {
  if (!(RECOVERY_STEPS as readonly string[]).includes(step)) throw new PatronError('VALIDATION', `unknown step ${step}; steps are ${RECOVERY_STEPS.join(', ')}`);
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    if (input.status === 'skipped' && !input.note) throw new PatronError('VALIDATION', 'say why the step is skipped (note)', { path: 'note' });
    if (input.status === 'done' && step === 'compensation') {
      const live = (await compensationsOf(trx, id)).filter((x) => x.status !== 'cancelled');
      if (live.length === 0) throw new PatronError('VALIDATION', 'grant a compensation (POST .../compensations), or skip the step with a reason');
    }
    if (input.status === 'done' && step === 'follow_up') {
      const done = (await followUpsOf(trx, id)).filter((f) => f.done_at !== null);
      if (done.length === 0) throw new PatronError('VALIDATION', 'complete a follow-up (POST .../follow-ups/:id/complete), or skip the step with a reason');
    }
    await markStep(trx, c, step, input.status, input.note ?? null, w);
  });
  return getCase(db, id, new Date(w.now));
}

async function markStep(trx: Kysely<Database>, c: CaseRow, step: RecoveryStep, status: 'done' | 'skipped', note: string | null, w: WriteContext, auto = false): Promise<boolean> {
  const ok = await completeStep(trx, c.id, step, { status, done_at: w.now, done_by: w.actor, note });
  if (!ok) {
    if (auto) return false;
    throw new PatronError('CONFLICT', `step ${step} of case ${c.id} is already recorded`);
  }
  if (status === 'done') await firstResponse(trx, c, w);
  await updateCaseRow(trx, c.id, { updated_at: w.now });
  await event(trx, c.id, w, 'step', { step, status, note });
  return true;
}

/**
 * Grants a compensation for the trouble and stamps the "compensation" step. A voucher is
 * 'issued' with its code. Points and stored value are committed here as 'recorded', then
 * credited to the loyalty ledger (see compensation-ledger.ts) and marked 'granted' with the
 * ledger's reference; if the ledger refuses (no loyalty membership, no ledger in this build) the
 * compensation stays 'recorded' with the reason in `error`, and can be posted again later.
 */
export async function grantCompensation(
  db: Db,
  id: number,
  input: CompensationInput,
  w: WriteContext,
  ledger: CompensationLedger | null = LOYALTY_LEDGER,
): Promise<CaseDetail> {
  const row = await db.kysely.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    if (input.kind !== 'voucher' && c.customer_id === null) {
      throw new PatronError('VALIDATION', 'points and stored value need a customer on the case (set the customer first)');
    }
    const row = await insertCompensation(trx, {
      case_id: id,
      customer_id: c.customer_id,
      kind: input.kind,
      points: input.kind === 'points' ? input.points! : null,
      amount_minor: input.amountMinor ?? null,
      voucher_code: input.voucherCode ?? null,
      note: input.note ?? null,
      status: input.kind === 'voucher' ? 'issued' : 'recorded',
      ledger_ref: null,
      error: null,
      created_at: w.now,
      created_by: w.actor,
      granted_at: input.kind === 'voucher' ? w.now : null,
    });
    await markStep(trx, c, 'compensation', 'done', `compensation ${row.id}`, w, true);
    await event(trx, id, w, 'compensation', { id: row.id, kind: row.kind, points: row.points, amountMinor: row.amount_minor, voucherCode: row.voucher_code });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'compensate', entity: 'case', entityId: id, detail: { compensationId: row.id, kind: row.kind, points: row.points, amountMinor: row.amount_minor } });
    return { ...row, venue_id: c.venue_id };
  });
  if (row.kind !== 'voucher') await postToLedger(db, row, row.venue_id, w, ledger);
  return getCase(db.kysely, id, new Date(w.now));
}

/** Credits one recorded compensation; true when the ledger took it. Never throws for a ledger refusal. */
async function postToLedger(db: Db, row: CompensationRow, venueId: number | null, w: WriteContext, ledger: CompensationLedger | null): Promise<boolean> {
  if (!ledger) {
    await updateCompensation(db.kysely, row.id, { error: 'no loyalty ledger in this build; kept as recorded' });
    return false;
  }
  try {
    const r = await ledger.credit(db, {
      kind: row.kind === 'points' ? 'points' : 'stored_value',
      customerId: row.customer_id!,
      amount: row.kind === 'points' ? row.points! : row.amount_minor!,
      reason: `case ${row.case_id}: compensation ${row.id}`,
      key: `case-compensation-${row.id}`,
      venueId,
      actor: w.actor,
      now: w.now,
    });
    await db.kysely.transaction().execute(async (trx) => {
      await updateCompensation(trx, row.id, { status: 'granted', ledger_ref: r.ledgerRef, granted_at: w.now, error: null });
      await event(trx, row.case_id, w, 'compensation-granted', { id: row.id, ledgerRef: r.ledgerRef });
    });
    return true;
  } catch (e) {
    if (!(e instanceof PatronError)) throw e;
    await updateCompensation(db.kysely, row.id, { error: `loyalty ledger: ${e.message}`.slice(0, 500) });
    return false;
  }
}

/** Posts compensations still 'recorded' to the ledger (idempotent per compensation); returns how many it took. */
export async function postRecordedCompensations(db: Db, w: WriteContext, ledger: CompensationLedger | null = LOYALTY_LEDGER): Promise<{ posted: number; failed: number }> {
  if (!ledger) throw new PatronError('UNAVAILABLE', 'no loyalty ledger in this build');
  const rows = await db.kysely
    .selectFrom('case_compensations as x')
    .innerJoin('cases as c', 'c.id', 'x.case_id')
    .selectAll('x')
    .select('c.venue_id')
    .where('x.status', '=', 'recorded')
    .orderBy('x.id')
    .execute();
  let posted = 0;
  for (const row of rows) if (await postToLedger(db, row, row.venue_id, w, ledger)) posted++;
  return { posted, failed: rows.length - posted };
}

export async function scheduleFollowUp(db: Kysely<Database>, id: number, input: z.output<typeof FollowUpSchema>, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    const due = input.dueAt ?? new Date(Date.parse(w.now) + DEFAULTS.followUpAfterDays * DAY_MS).toISOString();
    const f = await insertFollowUp(trx, {
      case_id: id,
      due_at: due,
      channel: input.channel ?? null,
      note: input.note ?? null,
      done_at: null,
      done_by: null,
      outcome: null,
      satisfaction: null,
      created_at: w.now,
      created_by: w.actor,
    });
    await updateCaseRow(trx, id, { updated_at: w.now });
    await event(trx, id, w, 'follow-up-scheduled', { id: f.id, dueAt: due, channel: f.channel });
  });
  return getCase(db, id, new Date(w.now));
}

/** Records the follow-up conversation (and the customer's satisfaction after recovery); stamps step 6. */
export async function completeFollowUp(
  db: Kysely<Database>,
  id: number,
  followUpId: number,
  input: z.output<typeof FollowUpDoneSchema>,
  w: WriteContext,
): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    const f = await getFollowUp(trx, followUpId);
    if (!f || f.case_id !== id) throw new PatronError('NOT_FOUND', `follow-up ${followUpId} not found on case ${id}`);
    // A follow-up may be recorded on a closed case too (closing does not wait for the call).
    const ok = await updateFollowUp(trx, f.id, { done_at: w.now, done_by: w.actor, outcome: input.outcome ?? null, satisfaction: input.satisfaction ?? null });
    if (!ok) throw new PatronError('CONFLICT', `follow-up ${followUpId} is already recorded`);
    await markStep(trx, c, 'follow_up', 'done', `follow-up ${f.id}`, w, true);
    await event(trx, id, w, 'follow-up-done', { id: f.id, satisfaction: input.satisfaction ?? null, outcome: input.outcome ?? null });
  });
  return getCase(db, id, new Date(w.now));
}

export async function resolveCase(db: Kysely<Database>, id: number, note: string | undefined, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    if (c.status !== 'open') throw new PatronError('CONFLICT', `case ${id} is ${c.status}`);
    // Telling the customer the fix is a response too.
    await updateCaseRow(trx, id, { status: 'resolved', resolved_at: w.now, first_response_at: c.first_response_at ?? w.now, updated_at: w.now });
    await event(trx, id, w, 'resolved', note ? { note } : undefined);
  });
  return getCase(db, id, new Date(w.now));
}

/**
 * Closes a case once every recovery step is done or skipped with a reason. Closing an open case
 * resolves it at the same instant. Closed cases are what the "complaint closed" survey trigger
 * looks for.
 */
export async function closeCase(db: Kysely<Database>, id: number, note: string | undefined, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    assertNotClosed(c);
    const pending = (await stepsOf(trx, id)).filter((s) => s.status === 'pending').map((s) => s.step);
    if (pending.length) {
      throw new PatronError('VALIDATION', `recovery steps still pending: ${pending.join(', ')} (do them, or skip with a reason)`, { pending });
    }
    await updateCaseRow(trx, id, {
      status: 'closed',
      closed_at: w.now,
      resolved_at: c.resolved_at ?? w.now,
      first_response_at: c.first_response_at ?? w.now,
      updated_at: w.now,
    });
    await event(trx, id, w, 'closed', note ? { note } : undefined);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'close', entity: 'case', entityId: id });
  });
  return getCase(db, id, new Date(w.now));
}

/** Reopens a resolved or closed case: the resolution clock runs again from the original opening. */
export async function reopenCase(db: Kysely<Database>, id: number, note: string | undefined, w: WriteContext): Promise<CaseDetail> {
  await db.transaction().execute(async (trx) => {
    const c = await caseOrThrow(trx, id);
    if (c.status === 'open') throw new PatronError('CONFLICT', `case ${id} is already open`);
    await updateCaseRow(trx, id, { status: 'open', resolved_at: null, closed_at: null, updated_at: w.now });
    await event(trx, id, w, 'reopened', note ? { note } : undefined);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'reopen', entity: 'case', entityId: id });
  });
  return getCase(db, id, new Date(w.now));
}
