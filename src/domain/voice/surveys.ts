import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, PostPurchaseStage, SurveyItemType, SurveyStatus, SurveyTriggerEvent } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import {
  deleteItems,
  getInvitation,
  getSurveyByCode,
  getSurveyById,
  getTrigger,
  insertInvitation,
  insertItems,
  insertSurvey,
  insertTrigger,
  itemsOf,
  listInvitations,
  listSurveyRows,
  setTriggerActive,
  surveyUsage,
  triggersOf,
  updateInvitation,
  updateSurveyRow,
  type InvitationRow,
  type SurveyItemRow,
  type SurveyRow,
  type SurveyTriggerRow,
} from '../../storage/surveys.repo.js';
import { PatronError } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import { linkPath, linkSecret, signLinkToken, truncateToSecond } from './links.js';
import { resolveRefs, RefsSchema } from './refs.js';
import {
  ItemsSchema,
  itemToRow,
  LOCALES,
  scaleOf,
  isScaleType,
  STAGES,
  type I18nText,
  type ItemConfig,
  type ItemInput,
  type Locale,
  type SurveyCreate,
  type SurveyPatch,
} from './survey-spec.js';

/** Who is writing and when; writes append to the audit log in the same transaction. */
export interface WriteContext {
  actor: string;
  /** ISO-8601 UTC. */
  now: string;
}

const DAY_MS = 86_400_000;

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

// ---- views -------------------------------------------------------------------------------------

export interface SurveyItemView {
  id: number;
  key: string;
  type: SurveyItemType;
  position: number;
  text: I18nText;
  required: boolean;
  /** Answer scale of rating-like and gap items; null for Kano and free text. */
  scale: { min: number; max: number } | null;
  config: ItemConfig;
}

export interface SurveyView {
  id: number;
  code: string;
  title: I18nText;
  intro: I18nText | null;
  status: SurveyStatus;
  stage: PostPurchaseStage | null;
  defaultLocale: Locale;
  linkTtlDays: number;
  autoCaseSeverity: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  items: SurveyItemView[];
}

export function toItemView(r: SurveyItemRow): SurveyItemView {
  const config = parseJson<ItemConfig>(r.config, {});
  const scaled = isScaleType(r.type) || r.type === 'gap';
  const [min, max] = scaleOf(r.type, config);
  return {
    id: r.id,
    key: r.key,
    type: r.type,
    position: r.position,
    text: parseJson<I18nText>(r.text, {}),
    required: r.required === 1,
    scale: scaled ? { min, max } : null,
    config,
  };
}

export function toSurveyView(s: SurveyRow, items: SurveyItemRow[]): SurveyView {
  return {
    id: s.id,
    code: s.code,
    title: parseJson<I18nText>(s.title, {}),
    intro: s.intro === null ? null : parseJson<I18nText>(s.intro, {}),
    status: s.status,
    stage: s.stage,
    defaultLocale: s.default_locale,
    linkTtlDays: s.link_ttl_days,
    autoCaseSeverity: s.auto_case_severity,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    createdBy: s.created_by,
    items: items.map(toItemView),
  };
}

// ---- surveys -----------------------------------------------------------------------------------

/** A survey by numeric id or by code. */
export async function findSurvey(db: Kysely<Database>, idOrCode: number | string): Promise<SurveyRow> {
  // A numeric text is an id first, then a code (codes may be all digits).
  let found: SurveyRow | undefined;
  if (typeof idOrCode === 'number' || /^\d{1,15}$/.test(idOrCode)) found = await getSurveyById(db, Number(idOrCode));
  if (!found && typeof idOrCode === 'string') found = await getSurveyByCode(db, idOrCode);
  if (!found) throw new PatronError('NOT_FOUND', `survey ${idOrCode} not found`);
  return found;
}

export async function getSurvey(db: Kysely<Database>, idOrCode: number | string): Promise<SurveyView> {
  const s = await findSurvey(db, idOrCode);
  return toSurveyView(s, await itemsOf(db, s.id));
}

export async function listSurveys(db: Kysely<Database>): Promise<(Omit<SurveyView, 'items'> & { itemCount: number })[]> {
  const rows = await listSurveyRows(db);
  const counts = await db
    .selectFrom('survey_items')
    .select((eb) => ['survey_id', eb.fn.countAll<number>().as('n')])
    .groupBy('survey_id')
    .execute();
  const byId = new Map(counts.map((c) => [Number(c.survey_id), Number(c.n)]));
  return rows.map((r) => {
    const { items: _items, ...v } = toSurveyView(r, []);
    return { ...v, itemCount: byId.get(r.id) ?? 0 };
  });
}

function itemRows(surveyId: number, items: ItemInput[]) {
  return items.map((it, i) => {
    const r = itemToRow(it);
    return {
      survey_id: surveyId,
      position: i + 1,
      key: r.key,
      type: r.type,
      text: JSON.stringify(r.text),
      config: JSON.stringify(r.config),
      required: r.required ? 1 : 0,
    };
  });
}

export async function createSurvey(db: Kysely<Database>, input: SurveyCreate, w: WriteContext): Promise<SurveyView> {
  return db.transaction().execute(async (trx) => {
    if (await getSurveyByCode(trx, input.code)) throw new PatronError('CONFLICT', `a survey with code ${input.code} already exists`);
    const s = await insertSurvey(trx, {
      code: input.code,
      title: JSON.stringify(input.title),
      intro: input.intro ? JSON.stringify(input.intro) : null,
      status: input.status,
      stage: input.stage ?? null,
      default_locale: input.defaultLocale,
      link_ttl_days: input.linkTtlDays,
      auto_case_severity: input.autoCaseSeverity,
      created_at: w.now,
      updated_at: w.now,
      created_by: w.actor,
    });
    await insertItems(trx, itemRows(s.id, input.items));
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'survey', entityId: s.id, detail: { code: s.code, items: input.items.length } });
    return toSurveyView(s, await itemsOf(trx, s.id));
  });
}

const STATUS_MOVES: Record<SurveyStatus, readonly SurveyStatus[]> = {
  draft: ['draft', 'active', 'closed'],
  active: ['active', 'closed'],
  // Reopening a closed survey is allowed: it only lets its unexpired links answer again.
  closed: ['closed', 'active'],
};

export async function updateSurvey(db: Kysely<Database>, idOrCode: number | string, patch: SurveyPatch, w: WriteContext): Promise<SurveyView> {
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    if (patch.status && !STATUS_MOVES[s.status].includes(patch.status)) {
      throw new PatronError('CONFLICT', `a ${s.status} survey cannot become ${patch.status}`);
    }
    await updateSurveyRow(trx, s.id, {
      ...(patch.title !== undefined ? { title: JSON.stringify(patch.title) } : {}),
      ...(patch.intro !== undefined ? { intro: patch.intro === null ? null : JSON.stringify(patch.intro) } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
      ...(patch.defaultLocale !== undefined ? { default_locale: patch.defaultLocale } : {}),
      ...(patch.linkTtlDays !== undefined ? { link_ttl_days: patch.linkTtlDays } : {}),
      ...(patch.autoCaseSeverity !== undefined ? { auto_case_severity: patch.autoCaseSeverity } : {}),
      updated_at: w.now,
    });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'survey', entityId: s.id, detail: patch });
    return getSurvey(trx, s.id);
  });
}

/**
 * Replaces the items of a survey that has sent no link and has no response: once answers exist,
 * changing the questions would make the metrics mix different questionnaires (make a new survey).
 */
export async function replaceItems(db: Kysely<Database>, idOrCode: number | string, items: z.input<typeof ItemsSchema>, w: WriteContext): Promise<SurveyView> {
  const parsed = ItemsSchema.parse(items);
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    const usage = await surveyUsage(trx, s.id);
    if (usage.invitations > 0 || usage.responses > 0) {
      throw new PatronError('CONFLICT', `survey ${s.code} already has links or responses; its questions can no longer change (create a new survey)`);
    }
    await deleteItems(trx, s.id);
    await insertItems(trx, itemRows(s.id, parsed));
    await updateSurveyRow(trx, s.id, { updated_at: w.now });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update-items', entity: 'survey', entityId: s.id, detail: { items: parsed.length } });
    return getSurvey(trx, s.id);
  });
}

// ---- invitations (links) -----------------------------------------------------------------------

export type InvitationState = 'pending' | 'responded' | 'expired' | 'revoked';

export interface InvitationView {
  id: number;
  surveyId: number;
  triggerId: number | null;
  customerId: number | null;
  orderId: number | null;
  caseId: number | null;
  venueId: number | null;
  touchpoint: string | null;
  staff: string | null;
  stage: PostPurchaseStage | null;
  locale: Locale;
  createdAt: string;
  expiresAt: string;
  respondedAt: string | null;
  revokedAt: string | null;
  state: InvitationState;
  /** Path of the public response page (prefix the server's origin). */
  path: string;
}

export function invitationState(r: InvitationRow, now: string): InvitationState {
  if (r.responded_at) return 'responded';
  if (r.revoked_at) return 'revoked';
  return r.expires_at < now ? 'expired' : 'pending';
}

export function toInvitationView(r: InvitationRow, secret: Buffer, now: string): InvitationView {
  return {
    id: r.id,
    surveyId: r.survey_id,
    triggerId: r.trigger_id,
    customerId: r.customer_id,
    orderId: r.order_id,
    caseId: r.case_id,
    venueId: r.venue_id,
    touchpoint: r.touchpoint,
    staff: r.staff,
    stage: r.stage,
    locale: r.locale,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    respondedAt: r.responded_at,
    revokedAt: r.revoked_at,
    state: invitationState(r, now),
    path: linkPath(signLinkToken(secret, r.id, Date.parse(r.expires_at))),
  };
}

export const RecipientSchema = z.strictObject({
  ...RefsSchema,
  caseId: z.number().int().positive().optional(),
  touchpoint: z.string().trim().min(1).max(60).optional(),
  staff: z.string().trim().min(1).max(100).optional(),
  locale: z.enum(LOCALES).optional(),
});
export type Recipient = z.output<typeof RecipientSchema>;

export const InvitationCreateSchema = z.strictObject({
  recipients: z.array(RecipientSchema).min(1).max(1000),
  ttlDays: z.number().int().min(1).max(DEFAULTS.maxLinkTtlDays).optional(),
  stage: z.enum(STAGES).optional(),
});
export type InvitationCreate = z.output<typeof InvitationCreateSchema>;

export interface NewInvitation {
  surveyId: number;
  triggerId?: number | null;
  dedupeKey?: string | null;
  customerId: number | null;
  orderId: number | null;
  caseId: number | null;
  venueId: number | null;
  touchpoint?: string | null;
  staff?: string | null;
  stage: PostPurchaseStage | null;
  locale: Locale;
  ttlDays: number;
}

/** Inserts one invitation; undefined when its dedupe key was already used (dispatch idempotency). */
export async function insertNewInvitation(db: Kysely<Database>, inv: NewInvitation, w: WriteContext): Promise<InvitationRow | undefined> {
  const expires = truncateToSecond(Date.parse(w.now) + inv.ttlDays * DAY_MS);
  return insertInvitation(db, {
    survey_id: inv.surveyId,
    trigger_id: inv.triggerId ?? null,
    dedupe_key: inv.dedupeKey ?? null,
    customer_id: inv.customerId,
    order_id: inv.orderId,
    case_id: inv.caseId,
    venue_id: inv.venueId,
    touchpoint: inv.touchpoint ?? null,
    staff: inv.staff ?? null,
    stage: inv.stage,
    locale: inv.locale,
    created_at: w.now,
    expires_at: new Date(expires).toISOString(),
    revoked_at: null,
    responded_at: null,
    created_by: w.actor,
  });
}

function assertActive(s: SurveyRow): void {
  if (s.status !== 'active') throw new PatronError('CONFLICT', `survey ${s.code} is ${s.status}; activate it before sending links`);
}

/** Creates signed links for the recipients (each may name a customer, order, case, venue, touchpoint, staff). */
export async function createInvitations(db: Kysely<Database>, idOrCode: number | string, input: InvitationCreate, w: WriteContext): Promise<InvitationView[]> {
  const secret = await linkSecret(db);
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    assertActive(s);
    const out: InvitationView[] = [];
    for (const [i, r] of input.recipients.entries()) {
      let refs;
      try {
        refs = await resolveRefs(trx, r);
      } catch (e) {
        if (e instanceof PatronError) throw new PatronError(e.code, `recipient ${i + 1}: ${e.message}`, { path: `recipients.${i}` });
        throw e;
      }
      let caseCustomer: number | null = null;
      if (r.caseId !== undefined) {
        const c = await trx.selectFrom('cases').select(['id', 'customer_id']).where('id', '=', r.caseId).executeTakeFirst();
        if (!c) throw new PatronError('VALIDATION', `recipient ${i + 1}: case ${r.caseId} does not exist`, { path: `recipients.${i}.caseId` });
        caseCustomer = c.customer_id;
      }
      const row = await insertNewInvitation(
        trx,
        {
          surveyId: s.id,
          customerId: refs.customerId ?? caseCustomer,
          orderId: refs.orderId,
          caseId: r.caseId ?? null,
          venueId: refs.venueId,
          touchpoint: r.touchpoint,
          staff: r.staff,
          stage: input.stage ?? s.stage,
          locale: r.locale ?? s.default_locale,
          ttlDays: input.ttlDays ?? s.link_ttl_days,
        },
        w,
      );
      out.push(toInvitationView(row!, secret, w.now));
    }
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'invite', entity: 'survey', entityId: s.id, detail: { links: out.length } });
    return out;
  });
}

export async function listSurveyInvitations(
  db: Kysely<Database>,
  idOrCode: number | string,
  q: { state?: InvitationState; before?: number; limit: number },
  now: string,
): Promise<InvitationView[]> {
  const s = await findSurvey(db, idOrCode);
  const secret = await linkSecret(db);
  const rows = await listInvitations(db, { surveyId: s.id, state: q.state, before: q.before, limit: q.limit, now });
  return rows.map((r) => toInvitationView(r, secret, now));
}

async function invitationOf(db: Kysely<Database>, surveyId: number, invitationId: number): Promise<InvitationRow> {
  const r = await getInvitation(db, invitationId);
  if (!r || r.survey_id !== surveyId) throw new PatronError('NOT_FOUND', `invitation ${invitationId} not found in this survey`);
  return r;
}

export async function getInvitationView(db: Kysely<Database>, idOrCode: number | string, invitationId: number, now: string): Promise<InvitationView> {
  const s = await findSurvey(db, idOrCode);
  return toInvitationView(await invitationOf(db, s.id, invitationId), await linkSecret(db), now);
}

/** Revokes a link that has not been answered: it stops working at once. */
export async function revokeInvitation(db: Kysely<Database>, idOrCode: number | string, invitationId: number, w: WriteContext): Promise<InvitationView> {
  const secret = await linkSecret(db);
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    const r = await invitationOf(trx, s.id, invitationId);
    if (r.responded_at) throw new PatronError('CONFLICT', 'this link has already been answered');
    if (!r.revoked_at) await updateInvitation(trx, r.id, { revoked_at: w.now });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'revoke', entity: 'survey_invitation', entityId: r.id });
    return toInvitationView((await getInvitation(trx, r.id))!, secret, w.now);
  });
}

/**
 * Gives an unanswered link a new expiry (and so a new token: the signed expiry must match the
 * stored one, so the old token stops working).
 */
export async function renewInvitation(
  db: Kysely<Database>,
  idOrCode: number | string,
  invitationId: number,
  ttlDays: number | undefined,
  w: WriteContext,
): Promise<InvitationView> {
  const secret = await linkSecret(db);
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    assertActive(s);
    const r = await invitationOf(trx, s.id, invitationId);
    if (r.responded_at) throw new PatronError('CONFLICT', 'this link has already been answered');
    if (r.revoked_at) throw new PatronError('CONFLICT', 'this link was revoked; revoked links stay revoked (make a new one)');
    let expires = truncateToSecond(Date.parse(w.now) + (ttlDays ?? s.link_ttl_days) * DAY_MS);
    // Same second as the old expiry would give the same token: move one second on.
    if (new Date(expires).toISOString() === r.expires_at) expires += 1000;
    await updateInvitation(trx, r.id, { expires_at: new Date(expires).toISOString() });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'renew', entity: 'survey_invitation', entityId: r.id });
    return toInvitationView((await getInvitation(trx, r.id))!, secret, w.now);
  });
}

// ---- triggers ----------------------------------------------------------------------------------

export const TriggerCreateSchema = z.strictObject({
  event: z.enum(['first_purchase', 'order_followup', 'case_closed']),
  stage: z.enum(STAGES).optional(),
  delayDays: z.number().int().min(0).max(730).optional(),
  lookbackDays: z.number().int().min(0).max(365).optional(),
  cooldownDays: z.number().int().min(0).max(730).optional(),
});
export type TriggerCreate = z.output<typeof TriggerCreateSchema>;

export interface TriggerView {
  id: number;
  surveyId: number;
  event: SurveyTriggerEvent;
  stage: PostPurchaseStage | null;
  delayDays: number;
  lookbackDays: number;
  cooldownDays: number;
  active: boolean;
  createdAt: string;
  createdBy: string;
}

export function toTriggerView(t: SurveyTriggerRow): TriggerView {
  return {
    id: t.id,
    surveyId: t.survey_id,
    event: t.event,
    stage: t.stage,
    delayDays: t.delay_days,
    lookbackDays: t.lookback_days,
    cooldownDays: t.cooldown_days,
    active: t.active === 1,
    createdAt: t.created_at,
    createdBy: t.created_by,
  };
}

/**
 * Adds a trigger. The post-purchase stage sets the default delay (DEFAULTS.stageDelayDays):
 * first purchase defaults to the doubt stage (reassure at once), an order follow-up to the
 * survey's stage or learning, a closed complaint to 1 day after closing.
 */
export async function addTrigger(db: Kysely<Database>, idOrCode: number | string, input: TriggerCreate, w: WriteContext): Promise<TriggerView> {
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    const stage: PostPurchaseStage | null =
      input.stage ?? (input.event === 'first_purchase' ? 'doubt' : input.event === 'order_followup' ? (s.stage ?? 'learning') : null);
    const delay = input.delayDays ?? (stage ? DEFAULTS.stageDelayDays[stage] : 1);
    const t = await insertTrigger(trx, {
      survey_id: s.id,
      event: input.event,
      stage,
      delay_days: delay,
      lookback_days: input.lookbackDays ?? DEFAULTS.triggerLookbackDays,
      cooldown_days: input.cooldownDays ?? DEFAULTS.triggerCooldownDays,
      active: 1,
      created_at: w.now,
      created_by: w.actor,
    });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'survey_trigger', entityId: t.id, detail: input });
    return toTriggerView(t);
  });
}

export async function listTriggers(db: Kysely<Database>, idOrCode: number | string): Promise<TriggerView[]> {
  const s = await findSurvey(db, idOrCode);
  return (await triggersOf(db, s.id)).map(toTriggerView);
}

export async function setTrigger(db: Kysely<Database>, idOrCode: number | string, triggerId: number, active: boolean, w: WriteContext): Promise<TriggerView> {
  return db.transaction().execute(async (trx) => {
    const s = await findSurvey(trx, idOrCode);
    const t = await getTrigger(trx, triggerId);
    if (!t || t.survey_id !== s.id) throw new PatronError('NOT_FOUND', `trigger ${triggerId} not found in this survey`);
    await setTriggerActive(trx, t.id, active);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: active ? 'activate' : 'deactivate', entity: 'survey_trigger', entityId: t.id });
    return toTriggerView((await getTrigger(trx, t.id))!);
  });
}
