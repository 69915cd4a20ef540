import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import {
  claimInvitation,
  getInvitation,
  insertAnswers,
  insertResponse,
  itemsOf,
  type InvitationRow,
  type ResponseRow,
  type SurveyRow,
} from '../../storage/surveys.repo.js';
import { PatronError } from '../errors.js';
import { instantFromUtcMs } from '../time.js';
import { parseAnswers, type AnswerIssue, type ParsedAnswer, type RawAnswers } from './answers.js';
import { openCaseTx } from './cases.js';
import { linkSecret, verifyLinkToken } from './links.js';
import { resolveRefs, RefsSchema } from './refs.js';
import { getSlaPolicy } from './sla.js';
import { LOCALES, pick, type Locale } from './survey-spec.js';
import { findSurvey, toSurveyView, type SurveyView, type WriteContext } from './surveys.js';

/**
 * Saving responses: through a signed link on the public page (one response per link), or
 * entered by staff (interviews, paper forms). Answers below an item's `caseBelow` open a
 * complaint case at once (channel 'survey'), so a bad score is handled, not just counted.
 */
export type LinkProblem = 'invalid' | 'expired' | 'used' | 'closed';

export type LinkState =
  | { ok: true; invitation: InvitationRow; survey: SurveyView; locale: Locale }
  | { ok: false; problem: LinkProblem; survey: SurveyView | null; locale: Locale | null };

/**
 * Checks a link token. Order matters: the MAC first (a forged or altered token learns nothing,
 * not even whether the invitation exists), then the stored invitation (its expiry must equal the
 * signed one; revoked links are invalid), then used, expired, survey closed.
 */
export async function openLink(db: Kysely<Database>, token: string, now: Date): Promise<LinkState> {
  const v = verifyLinkToken(await linkSecret(db), token);
  if (!v) return { ok: false, problem: 'invalid', survey: null, locale: null };
  const inv = await getInvitation(db, v.invitationId);
  if (!inv || Date.parse(inv.expires_at) !== v.expiresAtMs || inv.revoked_at !== null) return { ok: false, problem: 'invalid', survey: null, locale: null };
  const s = await findSurvey(db, inv.survey_id);
  const survey = toSurveyView(s, await itemsOf(db, s.id));
  if (inv.responded_at !== null) return { ok: false, problem: 'used', survey, locale: inv.locale };
  if (now.getTime() > v.expiresAtMs) return { ok: false, problem: 'expired', survey, locale: inv.locale };
  if (s.status !== 'active') return { ok: false, problem: 'closed', survey, locale: inv.locale };
  return { ok: true, invitation: inv, survey, locale: inv.locale };
}

export type SubmitResult =
  | { ok: true; responseId: number; caseId: number | null; survey: SurveyView; locale: Locale }
  | { ok: false; problem: LinkProblem; survey: SurveyView | null; locale: Locale | null }
  | { ok: false; problem: 'answers'; issues: AnswerIssue[]; survey: SurveyView; locale: Locale; invitation: InvitationRow };

interface ResponseMeta {
  invitationId: number | null;
  customerId: number | null;
  orderId: number | null;
  caseId: number | null;
  venueId: number | null;
  touchpoint: string | null;
  staff: string | null;
  channel: 'link' | 'entered';
  locale: Locale;
  submittedAt: string;
  createdBy: string | null;
}

async function saveResponse(
  trx: Kysely<Database>,
  survey: SurveyView,
  answers: ParsedAnswer[],
  meta: ResponseMeta,
  w: WriteContext,
): Promise<{ response: ResponseRow; caseId: number | null }> {
  const settings = await getSettings(trx);
  const local = instantFromUtcMs(Date.parse(meta.submittedAt), settings.timeZone);
  const response = await insertResponse(trx, {
    survey_id: survey.id,
    invitation_id: meta.invitationId,
    customer_id: meta.customerId,
    order_id: meta.orderId,
    case_id: meta.caseId,
    venue_id: meta.venueId,
    touchpoint: meta.touchpoint,
    staff: meta.staff,
    channel: meta.channel,
    locale: meta.locale,
    submitted_at: meta.submittedAt,
    local_date: local.localDate,
    day: local.day,
    created_by: meta.createdBy,
  });
  await insertAnswers(
    trx,
    answers.map((a) => ({ response_id: response.id, item_id: a.itemId, value: a.value, value2: a.value2, text: a.text, text2: a.text2 })),
  );
  const caseId = await caseFromLowScores(trx, survey, response, answers, w);
  return { response, caseId };
}

/** Opens one case for a response with any answer below its item's `caseBelow`. */
async function caseFromLowScores(trx: Kysely<Database>, survey: SurveyView, r: ResponseRow, answers: ParsedAnswer[], w: WriteContext): Promise<number | null> {
  const byId = new Map(survey.items.map((i) => [i.id, i]));
  const low: string[] = [];
  const texts: string[] = [];
  for (const a of answers) {
    const it = byId.get(a.itemId)!;
    if (it.config.caseBelow !== undefined && a.value !== null && a.value < it.config.caseBelow) {
      low.push(`${it.key} = ${a.value} (below ${it.config.caseBelow})`);
    }
    if (it.type === 'text' && a.text) texts.push(`${pick(it.text, r.locale as Locale)}: ${a.text}`);
  }
  if (low.length === 0) return null;
  const policy = await getSlaPolicy(trx);
  const severity = Object.prototype.hasOwnProperty.call(policy, survey.autoCaseSeverity)
    ? survey.autoCaseSeverity
    : Object.prototype.hasOwnProperty.call(policy, 'normal')
      ? 'normal'
      : Object.keys(policy)[0]!;
  const c = await openCaseTx(
    trx,
    {
      channel: 'survey',
      category: 'survey-low-score',
      severity,
      customerId: r.customer_id ?? undefined,
      orderId: r.order_id ?? undefined,
      venueId: r.venue_id ?? undefined,
      subject: `Survey ${survey.code}: ${low.join('; ')}`.slice(0, 200),
      description: [`Response ${r.id}.`, ...texts].join('\n').slice(0, 5000),
    },
    w,
    { surveyResponseId: r.id },
  );
  return c.id;
}

/**
 * Saves a response through a link. Answers are validated before the link is claimed, so a form
 * with mistakes can be corrected and sent again; claiming is a conditional update, so of two
 * simultaneous submissions exactly one is saved (the unique invitation_id backs this up).
 */
export async function submitViaLink(db: Kysely<Database>, token: string, raw: RawAnswers, now: Date): Promise<SubmitResult> {
  const state = await openLink(db, token, now);
  if (!state.ok) return state;
  const { invitation: inv, survey, locale } = state;
  const { answers, issues } = parseAnswers(survey.items, raw);
  if (issues.length) return { ok: false, problem: 'answers', issues, survey, locale, invitation: inv };
  const at = now.toISOString();
  const w: WriteContext = { actor: 'system', now: at };
  const saved = await db.transaction().execute(async (trx) => {
    if (!(await claimInvitation(trx, inv.id, at))) return null;
    return saveResponse(
      trx,
      survey,
      answers,
      {
        invitationId: inv.id,
        customerId: inv.customer_id,
        orderId: inv.order_id,
        caseId: inv.case_id,
        venueId: inv.venue_id,
        touchpoint: inv.touchpoint,
        staff: inv.staff,
        channel: 'link',
        locale,
        submittedAt: at,
        createdBy: null,
      },
      w,
    );
  });
  if (!saved) return { ok: false, problem: 'used', survey, locale };
  return { ok: true, responseId: saved.response.id, caseId: saved.caseId, survey, locale };
}

export const EnteredResponseSchema = z.strictObject({
  ...RefsSchema,
  caseId: z.number().int().positive().optional(),
  touchpoint: z.string().trim().min(1).max(60).optional(),
  staff: z.string().trim().min(1).max(100).optional(),
  locale: z.enum(LOCALES).optional(),
  submittedAt: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s).toISOString())
    .optional(),
  answers: z.record(z.string().max(60), z.unknown()).refine((o) => Object.keys(o).length <= 200, 'too many answers'),
});
export type EnteredResponse = z.output<typeof EnteredResponseSchema>;

/** A response entered by staff (interview, paper form, import). */
export async function recordResponse(
  db: Kysely<Database>,
  idOrCode: number | string,
  input: EnteredResponse,
  w: WriteContext,
): Promise<{ responseId: number; caseId: number | null }> {
  const s: SurveyRow = await findSurvey(db, idOrCode);
  if (s.status === 'draft') throw new PatronError('CONFLICT', `survey ${s.code} is a draft; activate it before recording responses`);
  const survey = toSurveyView(s, await itemsOf(db, s.id));
  const { answers, issues } = parseAnswers(survey.items, input.answers);
  if (issues.length) {
    throw new PatronError('VALIDATION', `answers.${issues[0]!.key}: ${issues[0]!.message}`, {
      issues: issues.map((i) => ({ path: `answers.${i.key}`, message: i.message })),
    });
  }
  const submittedAt = input.submittedAt ?? w.now;
  if (submittedAt > w.now) throw new PatronError('VALIDATION', 'submittedAt is in the future', { path: 'submittedAt' });
  return db.transaction().execute(async (trx) => {
    const refs = await resolveRefs(trx, input);
    let caseCustomer: number | null = null;
    if (input.caseId !== undefined) {
      const c = await trx.selectFrom('cases').select(['customer_id']).where('id', '=', input.caseId).executeTakeFirst();
      if (!c) throw new PatronError('VALIDATION', `case ${input.caseId} does not exist`, { path: 'caseId' });
      caseCustomer = c.customer_id;
    }
    const saved = await saveResponse(
      trx,
      survey,
      answers,
      {
        invitationId: null,
        customerId: refs.customerId ?? caseCustomer,
        orderId: refs.orderId,
        caseId: input.caseId ?? null,
        venueId: refs.venueId,
        touchpoint: input.touchpoint ?? null,
        staff: input.staff ?? null,
        channel: 'entered',
        locale: input.locale ?? s.default_locale,
        submittedAt,
        createdBy: w.actor,
      },
      w,
    );
    return { responseId: saved.response.id, caseId: saved.caseId };
  });
}
