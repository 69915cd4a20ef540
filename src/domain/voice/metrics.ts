import type { Kysely } from 'kysely';
import { createRng } from '../../analytics/random.js';
import {
  csat,
  customerEffortScore,
  expectationPerceptionGap,
  kanoEvaluation,
  meanInterval,
  nps,
  npsBootstrapInterval,
  SatisfactionError,
  satisfactionIndex,
  satisfactionTrends,
  wilsonInterval,
  type CsatResult,
  type EffortResult,
  type GapAnswer,
  type IndexItem,
  type IndexResponse,
  type Interval,
  type KanoAnswer,
  type KanoAttributeResult,
  type KanoResponse,
  type MeanSummary,
  type NpsResult,
  type SurveyResponse,
  type TrendDimension,
  type TrendGroup,
} from '../../analytics/satisfaction/index.js';
import type { Database, SurveyItemType } from '../../storage/schema.js';
import { answersOf, itemsOf, responsesOf, type AnswerRow, type ResponseQuery } from '../../storage/surveys.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber } from '../time.js';
import { DEFAULTS } from './defaults.js';
import { satisfiedFrom } from './survey-spec.js';
import { findSurvey, toItemView, type SurveyItemView } from './surveys.js';

/**
 * Survey metrics with their uncertainty, computed by the pure satisfaction analytics on the
 * stored answers: CSAT (Wilson), NPS (normal interval, plus a seeded bootstrap for small
 * samples), rating means (t), effort, expectation-perception gaps (paired t), the Kano table
 * and the 0-100 index with driver importance. Every figure carries its n. Numbers that do not
 * exist (a gap without pairs) are null, never NaN, in the output.
 */
export interface MetricsQuery {
  /** Business-local dates YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  venueId?: number;
  /** Index weighting: 'regression' needs an overall item; default regression when there is one, else equal. */
  weighting?: 'regression' | 'equal';
}

export interface ItemMetrics {
  key: string;
  type: SurveyItemType;
  /** Answers to this item in the selection. */
  n: number;
  distribution: Record<string, number> | null;
  mean: MeanSummary | null;
  /** Share at or above the item's satisfied point (Wilson interval). */
  satisfied: { from: number; count: number; rate: number; ci: Interval } | null;
  nps: NpsResult | null;
  npsBootstrap: { ci: Interval; se: number; replicates: number; seed: number } | null;
  csat: CsatResult | null;
  effort: EffortResult | null;
}

export interface IndexMetrics {
  weighting: 'regression' | 'equal';
  index: number;
  n: number;
  incomplete: number;
  ci: Interval | null;
  items: { key: string; mean: number; rescaled: number; weight: number }[];
  drivers: { rSquared: number; n: number; converged: boolean; reason: string; standardized: number[]; importance: number[] } | null;
}

export interface SurveyMetrics {
  survey: { id: number; code: string };
  from: string | null;
  to: string | null;
  venueId: number | null;
  responses: number;
  items: ItemMetrics[];
  gaps: {
    attributes: { attribute: string; n: number; incomplete: number; meanExpectation: number | null; meanPerception: number | null; gap: number | null; sdDifference: number | null; ci: Interval | null }[];
    meanGap: number | null;
  } | null;
  kano: KanoAttributeResult[] | null;
  index: IndexMetrics | null;
  /** Why there is no index when index items exist (e.g. the driver regression did not converge). */
  indexError: string | null;
}

/** Replaces NaN and ±Infinity by null, deeply (JSON has no NaN; an absent number is null). */
export function finiteOrNull<T>(x: T): T {
  if (typeof x === 'number') return (Number.isFinite(x) ? x : null) as T;
  if (Array.isArray(x)) return x.map((v) => finiteOrNull(v)) as T;
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = finiteOrNull(v);
    return out as T;
  }
  return x;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function responseQuery(surveyId: number, q: { from?: string; to?: string; venueId?: number }): ResponseQuery {
  for (const [k, v] of [['from', q.from], ['to', q.to]] as const) {
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(v)))) throw new PatronError('VALIDATION', `${k}: expected a date YYYY-MM-DD`, { path: k });
  }
  return {
    surveyId,
    fromDay: q.from ? dayNumber(q.from) : undefined,
    toDay: q.to ? dayNumber(q.to) : undefined,
    venueId: q.venueId,
  };
}

function byItem(answers: AnswerRow[]): Map<number, AnswerRow[]> {
  const m = new Map<number, AnswerRow[]>();
  for (const a of answers) {
    let l = m.get(a.item_id);
    if (!l) m.set(a.item_id, (l = []));
    l.push(a);
  }
  return m;
}

function itemMetrics(it: SurveyItemView, rows: AnswerRow[]): ItemMetrics {
  const out: ItemMetrics = { key: it.key, type: it.type, n: rows.length, distribution: null, mean: null, satisfied: null, nps: null, npsBootstrap: null, csat: null, effort: null };
  if (!it.scale || it.type === 'gap' || rows.length === 0) return out;
  const values = rows.map((r) => r.value).filter((v): v is number => v !== null);
  out.n = values.length;
  if (values.length === 0) return out;
  const dist: Record<string, number> = {};
  for (let p = it.scale.min; p <= it.scale.max; p++) dist[String(p)] = 0;
  for (const v of values) dist[String(v)] = (dist[String(v)] ?? 0) + 1;
  out.distribution = dist;
  out.mean = meanInterval(values);
  const from = satisfiedFrom(it.type, it.config);
  const count = values.filter((v) => v >= from).length;
  out.satisfied = { from, count, rate: count / values.length, ci: wilsonInterval(count, values.length) };
  if (it.type === 'nps') {
    out.nps = nps(values);
    if (values.length <= DEFAULTS.npsBootstrapMaxN) {
      const b = npsBootstrapInterval(out.nps, createRng(DEFAULTS.npsBootstrapSeed));
      out.npsBootstrap = { ...b, seed: DEFAULTS.npsBootstrapSeed };
    }
  }
  if (it.type === 'csat') out.csat = csat(values);
  if (it.type === 'effort') out.effort = customerEffortScore(values);
  return out;
}

/** Index items and the overall item of a survey, if it defines an index. */
function indexSpec(items: readonly SurveyItemView[]): { parts: SurveyItemView[]; overall: SurveyItemView | null } {
  return { parts: items.filter((i) => i.config.indexItem && i.scale), overall: items.find((i) => i.config.overall && i.scale) ?? null };
}

function indexResponses(parts: SurveyItemView[], overall: SurveyItemView | null, answersByResponse: Map<number, Map<number, number | null>>): IndexResponse[] {
  const out: IndexResponse[] = [];
  for (const m of answersByResponse.values()) {
    const items = parts.map((p) => m.get(p.id) ?? null);
    if (items.every((v) => v === null)) continue;
    out.push({ items, overall: overall ? (m.get(overall.id) ?? null) : null });
  }
  return out;
}

export async function surveyMetrics(db: Kysely<Database>, idOrCode: number | string, q: MetricsQuery = {}): Promise<SurveyMetrics> {
  const s = await findSurvey(db, idOrCode);
  const items = (await itemsOf(db, s.id)).map(toItemView);
  const rq = responseQuery(s.id, q);
  const responses = await responsesOf(db, rq);
  const answers = await answersOf(db, rq);
  const grouped = byItem(answers);

  const gapAnswers: GapAnswer[] = [];
  const kanoAnswers: KanoResponse[] = [];
  for (const it of items) {
    for (const a of grouped.get(it.id) ?? []) {
      if (it.type === 'gap') gapAnswers.push({ attribute: it.config.attribute ?? it.key, expectation: a.value, perception: a.value2 });
      if (it.type === 'kano' && a.text && a.text2) {
        kanoAnswers.push({ attribute: it.config.feature ?? it.key, functional: a.text as KanoAnswer, dysfunctional: a.text2 as KanoAnswer });
      }
    }
  }

  const byResponse = new Map<number, Map<number, number | null>>();
  for (const a of answers) {
    let m = byResponse.get(a.response_id);
    if (!m) byResponse.set(a.response_id, (m = new Map()));
    m.set(a.item_id, a.value);
  }
  const { parts, overall } = indexSpec(items);
  let index: IndexMetrics | null = null;
  let indexError: string | null = null;
  if (parts.length > 0) {
    const weighting = q.weighting ?? (overall ? 'regression' : 'equal');
    if (weighting === 'regression' && !overall) {
      indexError = 'regression weighting needs an overall item in the survey';
    } else {
      const ir = indexResponses(parts, overall, byResponse);
      const defs: IndexItem[] = parts.map((p) => ({ name: p.key, scaleMin: p.scale!.min, scaleMax: p.scale!.max }));
      try {
        if (ir.length === 0) throw new SatisfactionError('EMPTY_INPUT', 'no responses to the index items yet');
        const r = satisfactionIndex(defs, ir, { weighting });
        index = {
          weighting,
          index: r.index,
          n: r.n,
          incomplete: r.incomplete,
          ci: r.ci,
          items: r.items.map((x) => ({ key: x.name, mean: x.mean, rescaled: x.rescaled, weight: x.weight })),
          drivers: r.drivers
            ? { rSquared: r.drivers.rSquared, n: r.drivers.n, converged: r.drivers.converged, reason: r.drivers.reason, standardized: r.drivers.params.standardized, importance: r.drivers.params.importance }
            : null,
        };
      } catch (e) {
        if (!(e instanceof SatisfactionError)) throw e;
        indexError = e.message;
      }
    }
  }

  const gaps = gapAnswers.length ? expectationPerceptionGap(gapAnswers) : null;
  return finiteOrNull({
    survey: { id: s.id, code: s.code },
    from: q.from ?? null,
    to: q.to ?? null,
    venueId: q.venueId ?? null,
    responses: responses.length,
    items: items.map((it) => itemMetrics(it, grouped.get(it.id) ?? [])),
    gaps: gaps as SurveyMetrics['gaps'],
    kano: kanoAnswers.length ? kanoEvaluation(kanoAnswers) : null,
    index,
    indexError,
  });
}

// ---- trends ------------------------------------------------------------------------------------

/** ISO 8601 week key 'YYYY-Www' of a date 'YYYY-MM-DD' (the week belongs to the year of its Thursday). */
export function isoWeekKey(localDate: string): string {
  const day = dayNumber(localDate);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface TrendsQuery extends MetricsQuery {
  by: TrendDimension;
  /** Period grouping when by = 'period'. */
  period?: 'month' | 'week';
}

export interface SurveyTrends {
  survey: { id: number; code: string };
  by: TrendDimension;
  period: 'month' | 'week' | null;
  /** Items behind the columns (the first NPS and CSAT items; the index items). */
  npsItem: string | null;
  csatItem: string | null;
  groups: TrendGroup[];
  missingKey: number;
  indexWeights: number[] | null;
  indexError: string | null;
}

/**
 * NPS, CSAT and the index per month / ISO week, venue (code) or staff member, each with n and
 * its interval. Index weights are estimated once over all responses (see satisfactionTrends).
 */
export async function surveyTrends(db: Kysely<Database>, idOrCode: number | string, q: TrendsQuery): Promise<SurveyTrends> {
  const s = await findSurvey(db, idOrCode);
  const items = (await itemsOf(db, s.id)).map(toItemView);
  const rq = responseQuery(s.id, q);
  const responses = await responsesOf(db, rq);
  const answers = await answersOf(db, rq);
  const npsItem = items.find((i) => i.type === 'nps') ?? null;
  const csatItem = items.find((i) => i.type === 'csat') ?? null;
  const { parts, overall } = indexSpec(items);
  const byResponse = new Map<number, Map<number, number | null>>();
  for (const a of answers) {
    let m = byResponse.get(a.response_id);
    if (!m) byResponse.set(a.response_id, (m = new Map()));
    m.set(a.item_id, a.value);
  }
  const period = q.period ?? 'month';
  const rows: SurveyResponse[] = responses.map((r) => {
    const m = byResponse.get(r.id) ?? new Map<number, number | null>();
    const its = parts.map((p) => m.get(p.id) ?? null);
    return {
      period: period === 'week' ? isoWeekKey(r.local_date) : r.local_date.slice(0, 7),
      venue: r.venue_code,
      staff: r.staff,
      nps: npsItem ? (m.get(npsItem.id) ?? null) : null,
      csat: csatItem ? (m.get(csatItem.id) ?? null) : null,
      items: parts.length && its.some((v) => v !== null) ? its : undefined,
      overall: overall ? (m.get(overall.id) ?? null) : null,
    };
  });
  const weighting = q.weighting ?? (overall ? 'regression' : 'equal');
  const indexOption = parts.length && rows.some((r) => r.items)
    ? { items: parts.map((p) => ({ name: p.key, scaleMin: p.scale!.min, scaleMax: p.scale!.max })), weighting }
    : undefined;
  let indexError: string | null = null;
  let t;
  try {
    if (indexOption && weighting === 'regression' && !overall) throw new SatisfactionError('REGRESSION_FAILED', 'regression weighting needs an overall item in the survey');
    t = satisfactionTrends(rows, { by: q.by, index: indexOption });
  } catch (e) {
    if (!(e instanceof SatisfactionError)) throw e;
    // The other columns do not depend on the index: report them, and say why the index is missing.
    indexError = e.message;
    t = satisfactionTrends(rows, { by: q.by });
  }
  return finiteOrNull({
    survey: { id: s.id, code: s.code },
    by: t.by,
    period: q.by === 'period' ? period : null,
    npsItem: npsItem?.key ?? null,
    csatItem: csatItem?.key ?? null,
    groups: t.groups,
    missingKey: t.missingKey,
    indexWeights: t.indexWeights,
    indexError,
  });
}
