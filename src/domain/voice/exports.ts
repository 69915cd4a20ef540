import type { Kysely } from 'kysely';
import { kanoCategory, type KanoAnswer } from '../../analytics/satisfaction/index.js';
import type { Database } from '../../storage/schema.js';
import { answersOf, answersOfResponses, itemsOf, responsePage, responsesOf, type AnswerRow, type ResponseWithVenue } from '../../storage/surveys.repo.js';
import { responseQuery } from './metrics.js';
import { findSurvey, toItemView, type SurveyItemView } from './surveys.js';

/** Responses for reading and export (JSON pages, CSV). */
export interface ResponseView {
  id: number;
  surveyId: number;
  invitationId: number | null;
  customerId: number | null;
  orderId: number | null;
  caseId: number | null;
  venueId: number | null;
  venueCode: string | null;
  touchpoint: string | null;
  staff: string | null;
  channel: 'link' | 'entered';
  locale: string;
  submittedAt: string;
  localDate: string;
  /** itemKey -> number | text | { expectation, perception } | { functional, dysfunctional, category }. */
  answers: Record<string, unknown>;
}

function answerValue(it: SurveyItemView, a: AnswerRow): unknown {
  switch (it.type) {
    case 'gap':
      return { expectation: a.value, perception: a.value2 };
    case 'kano':
      return { functional: a.text, dysfunctional: a.text2, category: a.text && a.text2 ? kanoCategory(a.text as KanoAnswer, a.text2 as KanoAnswer) : null };
    case 'text':
      return a.text;
    default:
      return a.value;
  }
}

function toViews(items: SurveyItemView[], responses: ResponseWithVenue[], answers: AnswerRow[]): ResponseView[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const byResponse = new Map<number, Record<string, unknown>>();
  for (const a of answers) {
    const it = byId.get(a.item_id);
    if (!it) continue;
    let m = byResponse.get(a.response_id);
    if (!m) byResponse.set(a.response_id, (m = {}));
    m[it.key] = answerValue(it, a);
  }
  return responses.map((r) => ({
    id: r.id,
    surveyId: r.survey_id,
    invitationId: r.invitation_id,
    customerId: r.customer_id,
    orderId: r.order_id,
    caseId: r.case_id,
    venueId: r.venue_id,
    venueCode: r.venue_code,
    touchpoint: r.touchpoint,
    staff: r.staff,
    channel: r.channel,
    locale: r.locale,
    submittedAt: r.submitted_at,
    localDate: r.local_date,
    answers: byResponse.get(r.id) ?? {},
  }));
}

export async function listResponses(
  db: Kysely<Database>,
  idOrCode: number | string,
  q: { from?: string; to?: string; venueId?: number; before?: number; limit: number },
): Promise<{ items: ResponseView[]; nextBefore: number | null }> {
  const s = await findSurvey(db, idOrCode);
  const items = (await itemsOf(db, s.id)).map(toItemView);
  const page = await responsePage(db, { ...responseQuery(s.id, q), before: q.before, limit: q.limit });
  const answers = await answersOfResponses(db, page.map((r) => r.id));
  return { items: toViews(items, page, answers), nextBefore: page.length === q.limit ? page[page.length - 1]!.id : null };
}

/**
 * A CSV cell. Text that a spreadsheet would run as a formula (leading = + - @, tab or CR) gets a
 * leading apostrophe (OWASP "CSV injection"), since answers are typed by the public.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportResponsesCsv(
  db: Kysely<Database>,
  idOrCode: number | string,
  q: { from?: string; to?: string; venueId?: number },
): Promise<{ filename: string; csv: string }> {
  const s = await findSurvey(db, idOrCode);
  const items = (await itemsOf(db, s.id)).map(toItemView);
  const rq = responseQuery(s.id, q);
  const views = toViews(items, await responsesOf(db, rq), await answersOf(db, rq));
  const header = ['response_id', 'submitted_at', 'local_date', 'channel', 'customer_id', 'order_id', 'case_id', 'venue', 'touchpoint', 'staff', 'locale'];
  for (const it of items) {
    if (it.type === 'gap') header.push(`${it.key}_expectation`, `${it.key}_perception`);
    else if (it.type === 'kano') header.push(`${it.key}_functional`, `${it.key}_dysfunctional`, `${it.key}_category`);
    else header.push(it.key);
  }
  const lines = [header.join(',')];
  for (const r of views) {
    const row: unknown[] = [r.id, r.submittedAt, r.localDate, r.channel, r.customerId, r.orderId, r.caseId, r.venueCode, r.touchpoint, r.staff, r.locale];
    for (const it of items) {
      const a = r.answers[it.key] as Record<string, unknown> | string | number | null | undefined;
      const o = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>;
      if (it.type === 'gap') row.push(o.expectation, o.perception);
      else if (it.type === 'kano') row.push(o.functional, o.dysfunctional, o.category);
      else row.push(a);
    }
    lines.push(row.map(csvCell).join(','));
  }
  // The BOM makes Excel read UTF-8 (Chinese answers) correctly.
  return { filename: `survey-${s.code}.csv`, csv: '\ufeff' + lines.join('\r\n') + '\r\n' };
}
