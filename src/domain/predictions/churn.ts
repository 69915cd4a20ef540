import type { Db } from '../../storage/db.js';
import {
  churnInputs,
  churnRiskPage,
  customerChurnHistory,
  getChurnRun,
  insertChurnRun,
  latestChurnRun,
  latestPredictionRun,
  listChurnRuns,
  spendWindows,
  type ChurnRiskRow,
  type ChurnRun,
} from '../../storage/predictions.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { localToUtcMs } from '../time.js';
import { customerVoiceSignals, type CustomerVoiceSignal } from '../voice/signals.js';
import { DEFAULTS, type ChurnThresholds } from './defaults.js';
import { runPredictions, toPredictionRunView, type PredictOptions, type PredictionRunView } from './predict.js';

/**
 * Churn early warning (客户流失预警, DOMAIN.md §5): customers at risk, each with reasons a manager
 * understands, valuable customers first. Reasons (thresholds in DEFAULTS.churn):
 * - p-alive: the repeat model's P(alive) is strictly under the threshold;
 * - overdue: days since the last purchase strictly exceed overdueFactor × the customer's own mean gap
 *   between purchase days (needs minPurchaseDaysForRhythm purchase days);
 * - falling-spend: spend in the recent window strictly below (1 - spendDrop) × the window before;
 * - complaints / low-satisfaction: voice-of-the-customer signals in the voice window.
 * Ranking: priority = risk × predicted CLV with risk = 1 - P(alive). Because CLV = P(alive) × (value if
 * still active), priority = P(alive)(1 - P(alive)) × value-if-active: highest for valuable customers
 * on the fence, where acting can still change the outcome; customers already almost surely gone
 * (P(alive) ≈ 0) have little predicted value left to save and sink, however much they once bought.
 * The value if still active is reported next to it.
 */
export type ChurnReasonCode = 'p-alive' | 'overdue' | 'falling-spend' | 'complaints' | 'low-satisfaction';

/**
 * Why a customer is at risk, as data: stored like this (no text, so a run of half a million rows
 * stays small and the wording can be changed or translated later) and put into words on reading
 * (describeReason).
 */
export interface ChurnReasonData {
  code: ChurnReasonCode;
  /** The measured value and the threshold it crossed: P(alive) | days / mean gap | recent / earlier spend | count. */
  value: number;
  threshold: number;
  /** overdue: days since the last purchase and the mean gap between purchase days. */
  days?: number;
  gapDays?: number;
  /** falling-spend: the two windows (minor units). */
  recentMinor?: number;
  earlierMinor?: number;
  /** complaints. */
  recentCases?: number;
  openCases?: number;
  severeCases?: number;
  /** low-satisfaction: low scores in the window, and the latest NPS answer when it was a detractor's. */
  lowScores?: number;
  detractorNps?: number | null;
}

export interface ChurnReason extends ChurnReasonData {
  /** One sentence for a manager. */
  text: string;
}

/** What the warning knows about one customer as of the run's date. Money in minor units. */
export interface ChurnFacts {
  customerId: number;
  pAlive: number;
  clvMinor: number;
  clvIfActiveMinor: number | null;
  asOfDay: number;
  firstDay: number;
  lastDay: number;
  purchaseDays: number;
  recentMinor: number;
  earlierMinor: number;
  voice: Pick<CustomerVoiceSignal, 'openCases' | 'recentCases' | 'severeRecentCases' | 'lowScores' | 'latestNps' | 'detractor'> | null;
}

export interface ChurnAssessment {
  customerId: number;
  pAlive: number;
  risk: number;
  valueIfActiveMinor: number;
  /** round(risk × predicted CLV): the sort key. */
  priorityMinor: number;
  clvMinor: number;
  daysSinceLast: number;
  meanGapDays: number | null;
  recentSpendMinor: number;
  earlierSpendMinor: number;
  recentCases: number;
  openCases: number;
  lowScores: number;
  reasons: ChurnReasonData[];
}

const pct = (v: number) => (v > 0 && v < 0.0005 ? '<0.1%' : `${(v * 100).toFixed(1)}%`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function resolveThresholds(partial: Partial<ChurnThresholds> = {}): ChurnThresholds {
  const d = DEFAULTS.churn;
  const t: ChurnThresholds = {
    pAliveThreshold: partial.pAliveThreshold ?? d.pAliveThreshold,
    overdueFactor: partial.overdueFactor ?? d.overdueFactor,
    minPurchaseDaysForRhythm: partial.minPurchaseDaysForRhythm ?? d.minPurchaseDaysForRhythm,
    spendWindowDays: partial.spendWindowDays ?? d.spendWindowDays,
    spendDrop: partial.spendDrop ?? d.spendDrop,
    minEarlierSpendMinor: partial.minEarlierSpendMinor ?? d.minEarlierSpendMinor,
    voiceWindowDays: partial.voiceWindowDays ?? d.voiceWindowDays,
  };
  const bad = (field: string, rule: string, v: number) => new PatronError('VALIDATION', `${field}: expected ${rule}, got ${v}`);
  if (!(t.pAliveThreshold > 0 && t.pAliveThreshold <= 1)) throw bad('threshold', 'a P(alive) above 0 and at most 1', t.pAliveThreshold);
  if (!(t.overdueFactor > 0)) throw bad('overdue factor', 'a positive number', t.overdueFactor);
  if (!(Number.isInteger(t.minPurchaseDaysForRhythm) && t.minPurchaseDaysForRhythm >= 2)) {
    throw bad('minimum purchase days for a rhythm', 'a whole number of at least 2', t.minPurchaseDaysForRhythm);
  }
  if (!(Number.isInteger(t.spendWindowDays) && t.spendWindowDays >= 1)) throw bad('spend window', 'a whole number of days', t.spendWindowDays);
  if (!(t.spendDrop > 0 && t.spendDrop < 1)) throw bad('spend drop', 'a share above 0 and below 1', t.spendDrop);
  if (!(t.minEarlierSpendMinor >= 1)) throw bad('minimum earlier spend', 'at least 1 minor unit', t.minEarlierSpendMinor);
  if (!(Number.isInteger(t.voiceWindowDays) && t.voiceWindowDays >= 1)) throw bad('voice window', 'a whole number of days', t.voiceWindowDays);
  return t;
}

/**
 * The reasons one customer is at risk (empty: not at risk), as data. Comparisons are strict and
 * done in integers where the inputs are integers, so a value exactly at a threshold is not a reason.
 */
export function churnReasonData(f: ChurnFacts, t: ChurnThresholds): ChurnReasonData[] {
  const reasons: ChurnReasonData[] = [];
  if (f.pAlive < t.pAliveThreshold) reasons.push({ code: 'p-alive', value: f.pAlive, threshold: t.pAliveThreshold });
  if (f.purchaseDays >= t.minPurchaseDaysForRhythm) {
    const daysSince = f.asOfDay - f.lastDay;
    const gaps = f.purchaseDays - 1;
    const span = f.lastDay - f.firstDay;
    // daysSince > factor × span / gaps, without dividing: exact for integer day counts.
    if (daysSince * gaps > t.overdueFactor * span) {
      const gapDays = span / gaps;
      reasons.push({ code: 'overdue', value: daysSince / gapDays, threshold: t.overdueFactor, days: daysSince, gapDays });
    }
  }
  if (f.earlierMinor >= t.minEarlierSpendMinor && f.recentMinor < (1 - t.spendDrop) * f.earlierMinor) {
    reasons.push({ code: 'falling-spend', value: f.recentMinor / f.earlierMinor, threshold: 1 - t.spendDrop, recentMinor: f.recentMinor, earlierMinor: f.earlierMinor });
  }
  const v = f.voice;
  if (v && (v.recentCases > 0 || v.openCases > 0)) {
    reasons.push({
      code: 'complaints',
      value: v.recentCases + v.openCases,
      threshold: 0,
      recentCases: v.recentCases,
      openCases: v.openCases,
      severeCases: v.severeRecentCases,
    });
  }
  if (v && (v.lowScores > 0 || v.detractor)) {
    reasons.push({ code: 'low-satisfaction', value: v.lowScores, threshold: 0, lowScores: v.lowScores, detractorNps: v.detractor ? v.latestNps : null });
  }
  return reasons;
}

/** One sentence for a manager. */
export function describeReason(r: ChurnReasonData, t: ChurnThresholds, money: (minor: number) => string): string {
  switch (r.code) {
    case 'p-alive':
      return `probably no longer buying: P(alive) ${pct(r.value)}, under the ${pct(r.threshold)} threshold`;
    case 'overdue':
      return `overdue: no purchase for ${plural(r.days ?? 0, 'day')}, while they bought every ${(r.gapDays ?? 0).toFixed(1)} days on average (${r.value.toFixed(1)}x their rhythm; threshold ${r.threshold}x)`;
    case 'falling-spend':
      return `spend falling: ${money(r.recentMinor ?? 0)} in the last ${t.spendWindowDays} days against ${money(r.earlierMinor ?? 0)} in the ${t.spendWindowDays} days before (${((r.value - 1) * 100).toFixed(0)}%)`;
    case 'complaints': {
      const parts: string[] = [];
      if ((r.recentCases ?? 0) > 0) {
        parts.push(`${plural(r.recentCases!, 'complaint')} in the last ${t.voiceWindowDays} days${(r.severeCases ?? 0) > 0 ? ` (${r.severeCases} severe)` : ''}`);
      }
      if ((r.openCases ?? 0) > 0) parts.push(`${plural(r.openCases!, 'complaint')} still open`);
      return parts.join('; ');
    }
    case 'low-satisfaction': {
      const parts: string[] = [];
      if ((r.lowScores ?? 0) > 0) parts.push(`${plural(r.lowScores!, 'low satisfaction score')} in the last ${t.voiceWindowDays} days`);
      if (r.detractorNps !== null && r.detractorNps !== undefined) parts.push(`latest NPS answer ${r.detractorNps} (a detractor)`);
      return parts.join('; ');
    }
  }
}

/** The reasons with their sentences. */
export function churnReasons(f: ChurnFacts, t: ChurnThresholds, money: (minor: number) => string): ChurnReason[] {
  return churnReasonData(f, t).map((r) => ({ ...r, text: describeReason(r, t, money) }));
}

/** At-risk customers (any reason), ranked by priority (risk × predicted CLV), then risk, then customer id. */
export function assessChurn(facts: readonly ChurnFacts[], t: ChurnThresholds): ChurnAssessment[] {
  const out: ChurnAssessment[] = [];
  for (const f of facts) {
    const reasons = churnReasonData(f, t);
    if (reasons.length === 0) continue;
    const risk = 1 - f.pAlive;
    const valueIfActive = f.clvIfActiveMinor ?? f.clvMinor;
    const gaps = f.purchaseDays - 1;
    out.push({
      customerId: f.customerId,
      pAlive: f.pAlive,
      risk,
      valueIfActiveMinor: valueIfActive,
      priorityMinor: Math.round(risk * f.clvMinor),
      clvMinor: f.clvMinor,
      daysSinceLast: f.asOfDay - f.lastDay,
      meanGapDays: gaps > 0 ? (f.lastDay - f.firstDay) / gaps : null,
      recentSpendMinor: f.recentMinor,
      earlierSpendMinor: f.earlierMinor,
      recentCases: f.voice?.recentCases ?? 0,
      openCases: f.voice?.openCases ?? 0,
      lowScores: f.voice?.lowScores ?? 0,
      reasons,
    });
  }
  out.sort((p, q) => q.priorityMinor - p.priorityMinor || q.risk - p.risk || p.customerId - q.customerId);
  return out;
}

export interface ChurnRunView {
  id: number;
  asOf: string;
  predictionRunId: number | null;
  model: string;
  thresholds: ChurnThresholds;
  customers: number;
  atRisk: number;
  /** Sum of the predicted CLV of the at-risk customers. */
  clvAtRiskMinor: number;
  reasonCounts: Record<ChurnReasonCode, number>;
  voice: boolean;
  durationMs: number;
  actor: string;
  createdAt: string;
}

export interface ChurnRiskView {
  rank: number;
  customerId: number;
  externalId: string;
  name: string | null;
  pAlive: number;
  risk: number;
  valueIfActiveMinor: number;
  priorityMinor: number;
  clvMinor: number;
  daysSinceLast: number;
  meanGapDays: number | null;
  recentSpendMinor: number;
  earlierSpendMinor: number;
  recentCases: number;
  openCases: number;
  lowScores: number;
  reasons: ChurnReason[];
}

export function toChurnRunView(r: ChurnRun): ChurnRunView {
  return {
    id: Number(r.id),
    asOf: r.as_of,
    predictionRunId: r.prediction_run_id === null ? null : Number(r.prediction_run_id),
    model: r.model,
    thresholds: JSON.parse(r.thresholds) as ChurnThresholds,
    customers: Number(r.customers),
    atRisk: Number(r.at_risk),
    clvAtRiskMinor: Number(r.clv_at_risk_minor),
    reasonCounts: JSON.parse(r.reason_counts) as Record<ChurnReasonCode, number>,
    voice: Number(r.voice) === 1,
    durationMs: Number(r.duration_ms),
    actor: r.actor,
    createdAt: r.created_at,
  };
}

export function toChurnRiskView(
  r: ChurnRiskRow & { external_id: string; name: string | null },
  t: ChurnThresholds,
  money: (minor: number) => string,
): ChurnRiskView {
  return {
    rank: Number(r.rank),
    customerId: Number(r.customer_id),
    externalId: r.external_id,
    name: r.name,
    pAlive: Number(r.p_alive),
    risk: Number(r.risk),
    valueIfActiveMinor: Number(r.value_if_active_minor),
    priorityMinor: Number(r.priority_minor),
    clvMinor: Number(r.clv_minor),
    daysSinceLast: Number(r.days_since_last),
    meanGapDays: r.mean_gap_days === null ? null : Number(r.mean_gap_days),
    recentSpendMinor: Number(r.recent_spend_minor),
    earlierSpendMinor: Number(r.earlier_spend_minor),
    recentCases: Number(r.recent_cases),
    openCases: Number(r.open_cases),
    lowScores: Number(r.low_scores),
    reasons: (JSON.parse(r.reasons) as ChurnReasonData[]).map((x) => ({ ...x, text: describeReason(x, t, money) })),
  };
}

export interface RunChurnOptions {
  /** As-of date for a fresh prediction run; default: reuse the latest run (or make one at the data end). */
  asOf?: string;
  /** Make a new prediction run even if one exists. */
  refresh?: boolean;
  thresholds?: Partial<ChurnThresholds>;
  /** Options of the prediction run made when one is needed. */
  predict?: Omit<Partial<PredictOptions>, 'actor' | 'now' | 'asOf'>;
  /** Rows returned (all at-risk customers are stored). */
  limit?: number;
  actor: string;
  now: Date;
}

export interface ChurnResult {
  run: ChurnRunView;
  predictionRun: PredictionRunView;
  /** True when this call made a new prediction run. */
  predicted: boolean;
  items: ChurnRiskView[];
  /** Milliseconds per phase. */
  timings: { predictMs: number; readMs: number; voiceMs: number; assessMs: number; writeMs: number };
}

/** A money formatter in the business currency ("CNY 1,234.50"); called for every reason, so no regexes. */
export function moneyFormatter(currency: string, decimals: number): (minor: number) => string {
  const scale = 10 ** decimals;
  return (minor) => {
    const m = Math.round(minor);
    const abs = Math.abs(m);
    const intPart = String(Math.floor(abs / scale));
    let grouped = '';
    for (let i = 0; i < intPart.length; i++) {
      if (i > 0 && (intPart.length - i) % 3 === 0) grouped += ',';
      grouped += intPart[i];
    }
    const frac = decimals > 0 ? '.' + String(abs % scale).padStart(decimals, '0') : '';
    return `${m < 0 ? '-' : ''}${currency} ${grouped}${frac}`;
  };
}

/** The business currency's formatter. */
export async function businessMoney(db: Db): Promise<(minor: number) => string> {
  const s = await getSettings(db.kysely);
  return moneyFormatter(s.currency, s.currencyDecimals);
}

/**
 * `patron churn`: assesses every customer of a prediction run (the latest one, or a new one when
 * asked or when none exists), records the run and its at-risk customers, returns the top `limit`.
 */
export async function runChurn(db: Db, o: RunChurnOptions): Promise<ChurnResult> {
  const thresholds = resolveThresholds(o.thresholds);
  const limit = o.limit ?? DEFAULTS.churn.limit;
  if (!Number.isInteger(limit) || limit < 1) throw new PatronError('VALIDATION', `limit: expected a positive whole number, got ${limit}`);
  const t0 = performance.now();
  let latest = await latestPredictionRun(db.kysely);
  let predicted = false;
  const tPredict = performance.now();
  if (o.refresh || !latest || (o.asOf !== undefined && o.asOf !== latest.as_of)) {
    await runPredictions(db, { ...o.predict, asOf: o.asOf, actor: o.actor, now: o.now });
    latest = await latestPredictionRun(db.kysely);
    predicted = true;
  }
  const predictMs = performance.now() - tPredict;
  const tRead = performance.now();
  const prun = toPredictionRunView(latest!);
  const asOfDay = Number(latest!.as_of_day);
  const w = thresholds.spendWindowDays;
  // Purchase history from the prediction rows (same as-of date); only the spend windows are read anew.
  const [windows, predictions, settings] = await Promise.all([
    spendWindows(db.kysely, { asOfDay, recentFromDay: asOfDay - w, earlierFromDay: asOfDay - 2 * w }),
    churnInputs(db.kysely, prun.id),
    getSettings(db.kysely),
  ]);
  const readMs = performance.now() - tRead;
  const tVoice = performance.now();
  // Voice signals as of the end of the as-of day in the business time zone.
  const asOfInstant = new Date(localToUtcMs((asOfDay + 1) * 86_400_000, settings.timeZone) - 1);
  const voice = new Map<number, CustomerVoiceSignal>();
  for (const s of await customerVoiceSignals(db.kysely, asOfInstant, { windowDays: thresholds.voiceWindowDays })) voice.set(s.customerId, s);
  const voiceMs = performance.now() - tVoice;
  const tAssess = performance.now();
  // Both lists are in customer-id order: merge.
  const input: ChurnFacts[] = new Array(predictions.length);
  let j = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    const id = Number(p.customer_id);
    while (j < windows.length && Number(windows[j]!.customer_id) < id) j++;
    const win = j < windows.length && Number(windows[j]!.customer_id) === id ? windows[j]! : null;
    input[i] = {
      customerId: id,
      pAlive: Number(p.p_alive),
      clvMinor: p.clv_minor === null ? 0 : Number(p.clv_minor),
      clvIfActiveMinor: p.clv_if_active_minor === null ? null : Number(p.clv_if_active_minor),
      asOfDay,
      firstDay: Number(p.first_day),
      lastDay: Number(p.last_day),
      purchaseDays: Number(p.x) + 1,
      recentMinor: win ? Number(win.recent_minor) : 0,
      earlierMinor: win ? Number(win.earlier_minor) : 0,
      voice: voice.get(id) ?? null,
    };
  }
  const assessed = assessChurn(input, thresholds);
  const reasonCounts: Record<ChurnReasonCode, number> = { 'p-alive': 0, overdue: 0, 'falling-spend': 0, complaints: 0, 'low-satisfaction': 0 };
  let clvAtRisk = 0;
  const rows = assessed.map((a, i) => {
    for (const r of a.reasons) reasonCounts[r.code]++;
    clvAtRisk += a.clvMinor;
    return [
      a.customerId,
      i + 1,
      a.pAlive,
      a.risk,
      a.valueIfActiveMinor,
      a.priorityMinor,
      a.clvMinor,
      a.daysSinceLast,
      a.meanGapDays,
      a.recentSpendMinor,
      a.earlierSpendMinor,
      a.recentCases,
      a.openCases,
      a.lowScores,
      JSON.stringify(a.reasons),
    ];
  });
  const assessMs = performance.now() - tAssess;
  const tWrite = performance.now();
  const saved = await insertChurnRun(
    db,
    {
      as_of: prun.asOf,
      as_of_day: asOfDay,
      prediction_run_id: prun.id,
      model: prun.model,
      thresholds: JSON.stringify(thresholds),
      customers: input.length,
      at_risk: assessed.length,
      clv_at_risk_minor: clvAtRisk,
      reason_counts: JSON.stringify(reasonCounts),
      voice: 1,
      duration_ms: Math.round(performance.now() - t0),
      actor: o.actor,
      created_at: o.now.toISOString(),
    },
    rows,
  );
  const writeMs = performance.now() - tWrite;
  const run = toChurnRunView(saved);
  const money = moneyFormatter(settings.currency, settings.currencyDecimals);
  const items = (await churnRiskPage(db.kysely, run.id, { limit })).map((row) => toChurnRiskView(row, thresholds, money));
  return { run, predictionRun: prun, predicted, items, timings: { predictMs, readMs, voiceMs, assessMs, writeMs } };
}

/** A recorded churn run (default the latest) with its top rows; NOT_FOUND with what to do when there is none. */
export async function churnList(db: Db, o: { runId?: number; limit?: number; afterRank?: number }): Promise<{ run: ChurnRunView; items: ChurnRiskView[]; nextRank: number | null }> {
  const r = o.runId !== undefined ? await getChurnRun(db.kysely, o.runId) : await latestChurnRun(db.kysely);
  if (!r) {
    throw new PatronError('NOT_FOUND', o.runId !== undefined ? `churn run ${o.runId} not found` : 'no churn run yet: run `patron churn` (or POST /api/churn/run) first');
  }
  const limit = o.limit ?? DEFAULTS.churn.limit;
  const rows = await churnRiskPage(db.kysely, Number(r.id), { limit: limit + 1, afterRank: o.afterRank });
  const more = rows.length > limit;
  const run = toChurnRunView(r);
  const money = await businessMoney(db);
  const items = rows.slice(0, limit).map((row) => toChurnRiskView(row, run.thresholds, money));
  return { run, items, nextRank: more ? items[items.length - 1]!.rank : null };
}

export async function churnRuns(db: Db, limit: number = DEFAULTS.runsListed): Promise<ChurnRunView[]> {
  return (await listChurnRuns(db.kysely, limit)).map(toChurnRunView);
}

export interface CustomerChurnPoint {
  runId: number;
  asOf: string;
  rank: number;
  pAlive: number;
  priorityMinor: number;
  reasons: ChurnReasonCode[];
}

/** The customer's appearances in churn runs, newest first (absent from a run = not at risk then). */
export async function customerChurnTrend(db: Db, customerId: number, limit = DEFAULTS.runsListed): Promise<CustomerChurnPoint[]> {
  const rows = await customerChurnHistory(db.kysely, customerId, limit);
  return rows.map((r) => ({
    runId: Number(r.run_id),
    asOf: r.as_of,
    rank: Number(r.rank),
    pAlive: Number(r.p_alive),
    priorityMinor: Number(r.priority_minor),
    reasons: (JSON.parse(r.reasons) as ChurnReasonData[]).map((x) => x.code),
  }));
}
