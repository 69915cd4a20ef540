import {
  predictClv,
  type ClvCustomer,
  type FitSuccess,
  type GammaGammaParams,
  type ModelName,
  type RepeatModel,
} from '../../analytics/clv/index.js';
import type { Db } from '../../storage/db.js';
import {
  customerPrediction,
  getPredictionRun,
  insertPredictionRun,
  latestPredictionRun,
  predictionPage,
  completePredictionRun,
  topPredictions,
  updatePredictionRun,
  type CustomerPredictionRow,
  type PredictionRun,
} from '../../storage/predictions.repo.js';
import { PatronError } from '../errors.js';
import { dayToDate } from '../time.js';
import { loadCalibration, type CalibrationCustomer } from './calibration.js';
import { DEFAULTS, type PredictionPeriod } from './defaults.js';
import { dataProfile, describeCalibration, fitRows, fitRowsGuarded, MODEL_LABEL, storeFit, unsupportedError, type ModelRunView } from './fit.js';
import { expectedWaitIfActive } from './next-purchase.js';

/**
 * `patron predict`: per customer P(alive), expected purchases over the horizon, expected order value
 * (Gamma-Gamma), predicted CLV (discounted, after margin) and the expected wait to the next purchase
 * if still active. The repeat model is fitted on all purchases up to the as-of date (the whole
 * history is the calibration period); each fit is recorded in model_runs, the run in
 * prediction_runs and one row per customer in customer_predictions (latest run only).
 */
export interface PredictOptions {
  /** Business-local date YYYY-MM-DD; default: the last day with a purchase. */
  asOf?: string;
  period?: PredictionPeriod;
  /** Horizon in periods; default one year (DEFAULTS.horizon). */
  horizon?: number;
  annualDiscountRate?: number;
  margin?: number;
  model?: 'auto' | 'bg-nbd' | 'pareto-nbd';
  /** Wall-clock limit of a guarded fit (DEFAULTS.fitTimeoutMs). */
  fitTimeoutMs?: number;
  actor: string;
  now: Date;
}

export interface PredictionRunView {
  id: number;
  status: 'running' | 'completed' | 'superseded' | 'failed';
  asOf: string;
  period: PredictionPeriod;
  horizon: number;
  annualDiscountRate: number;
  margin: number;
  model: 'bg-nbd' | 'pareto-nbd';
  repeatModelRunId: number | null;
  spendModelRunId: number | null;
  spendSource: 'gamma-gamma' | 'customer-mean';
  customers: number;
  /** Sum of the customers' rounded CLVs (minor units). */
  totalClvMinor: number;
  expectedPurchases: number;
  warnings: string[];
  timings: Record<string, number> | null;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface CustomerPredictionView {
  customerId: number;
  externalId?: string;
  name?: string | null;
  /** Repeat purchase days up to the as-of date. */
  repeatPurchases: number;
  firstPurchase: string;
  lastPurchase: string;
  pAlive: number;
  expectedPurchases: number;
  expectedOrderValueMinor: number | null;
  clvMinor: number | null;
  clvIfActiveMinor: number | null;
  daysToNextIfActive: number | null;
}

export function toPredictionRunView(r: PredictionRun): PredictionRunView {
  return {
    id: Number(r.id),
    status: r.status,
    asOf: r.as_of,
    period: r.period,
    horizon: Number(r.horizon),
    annualDiscountRate: Number(r.annual_discount_rate),
    margin: Number(r.margin),
    model: r.model,
    repeatModelRunId: r.repeat_model_run_id === null ? null : Number(r.repeat_model_run_id),
    spendModelRunId: r.spend_model_run_id === null ? null : Number(r.spend_model_run_id),
    spendSource: r.spend_source,
    customers: Number(r.customers),
    totalClvMinor: Number(r.total_clv_minor),
    expectedPurchases: Number(r.expected_purchases),
    warnings: JSON.parse(r.warnings) as string[],
    timings: r.timings ? (JSON.parse(r.timings) as Record<string, number>) : null,
    actor: r.actor,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    error: r.error,
  };
}

export function toCustomerPredictionView(r: CustomerPredictionRow & { external_id?: string; name?: string | null }): CustomerPredictionView {
  const v: CustomerPredictionView = {
    customerId: Number(r.customer_id),
    repeatPurchases: Number(r.x),
    firstPurchase: dayToDate(Number(r.first_day)),
    lastPurchase: dayToDate(Number(r.last_day)),
    pAlive: Number(r.p_alive),
    expectedPurchases: Number(r.expected_purchases),
    expectedOrderValueMinor: r.expected_order_value_minor === null ? null : Number(r.expected_order_value_minor),
    clvMinor: r.clv_minor === null ? null : Number(r.clv_minor),
    clvIfActiveMinor: r.clv_if_active_minor === null ? null : Number(r.clv_if_active_minor),
    daysToNextIfActive: r.days_to_next_if_active === null ? null : Number(r.days_to_next_if_active),
  };
  if (r.external_id !== undefined) {
    v.externalId = r.external_id;
    v.name = r.name ?? null;
  }
  return v;
}

export interface ResolvedPredictOptions {
  period: PredictionPeriod;
  horizon: number;
  annualDiscountRate: number;
  margin: number;
  model: 'auto' | 'bg-nbd' | 'pareto-nbd';
}

/** Validates and fills in the options (VALIDATION errors name the field). */
export function resolvePredictOptions(o: Partial<PredictOptions>): ResolvedPredictOptions {
  const period = o.period ?? DEFAULTS.period;
  if (period !== 'day' && period !== 'week') throw new PatronError('VALIDATION', `period: expected day or week, got "${String(period)}"`);
  const horizon = o.horizon ?? DEFAULTS.horizon[period];
  const maxHorizon = 10 * DEFAULTS.periodsPerYear[period];
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > maxHorizon) {
    throw new PatronError('VALIDATION', `horizon: expected a whole number of ${period}s from 1 to ${maxHorizon}, got ${horizon}`);
  }
  const annualDiscountRate = o.annualDiscountRate ?? DEFAULTS.annualDiscountRate;
  if (!(annualDiscountRate >= 0 && annualDiscountRate < 10)) {
    throw new PatronError('VALIDATION', `discount rate: expected an annual rate from 0 (e.g. 0.1 for 10%) below 10, got ${annualDiscountRate}`);
  }
  const margin = o.margin ?? DEFAULTS.margin;
  if (!(margin > 0 && margin <= 1)) throw new PatronError('VALIDATION', `margin: expected a share above 0 and at most 1 (e.g. 0.3), got ${margin}`);
  const model = o.model ?? DEFAULTS.model;
  if (!['auto', 'bg-nbd', 'pareto-nbd'].includes(model)) throw new PatronError('VALIDATION', `model: expected auto, bgnbd or pareto-nbd, got "${model}"`);
  return { period, horizon, annualDiscountRate, margin, model };
}

export interface PredictResult {
  run: PredictionRunView;
  fits: ModelRunView[];
  /** Milliseconds per phase. */
  timings: { sqlMs: number; fitMs: number; spendFitMs: number; scoreMs: number; writeMs: number };
}

export interface ScoredCustomer {
  customerId: number;
  pAlive: number;
  expectedPurchases: number;
  expectedOrderValue: number;
  clv: number;
  clvIfActive: number | null;
  waitIfActive: number | null;
}

/**
 * Scores customers with a fitted repeat model and, when available, Gamma-Gamma spend (else each
 * customer's own mean spend per purchase day). Pure apart from the inputs; used by runPredictions
 * and the benchmark.
 */
export function scoreCustomers(
  model: RepeatModel,
  customers: readonly CalibrationCustomer[],
  spend: GammaGammaParams | null,
  o: ResolvedPredictOptions,
): ScoredCustomer[] {
  const input: readonly ClvCustomer[] = spend
    ? customers
    : customers.map((c) => ({ x: c.x, tx: c.tx, T: c.T, spend: c.purchaseDays > 0 ? c.calibrationMinor / c.purchaseDays : 0 }));
  const scores = predictClv(model, input, {
    horizon: o.horizon,
    periodLength: 1,
    periodsPerYear: DEFAULTS.periodsPerYear[o.period],
    annualDiscountRate: o.annualDiscountRate,
    margin: o.margin,
    spend: spend ?? undefined,
  });
  const out: ScoredCustomer[] = new Array(customers.length);
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    const s = scores[i]!;
    out[i] = {
      customerId: c.customerId,
      pAlive: s.pAlive,
      expectedPurchases: s.expectedPurchases,
      expectedOrderValue: s.expectedSpend,
      clv: s.clv,
      // CLV = P(alive) × (value if active): dividing recovers the value a retention action protects.
      clvIfActive: s.pAlive > 0 && Number.isFinite(s.clv) ? s.clv / s.pAlive : null,
      waitIfActive: expectedWaitIfActive(model, c.x, c.T),
    };
  }
  return out;
}

const roundOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? Math.round(v) : null);

export async function runPredictions(db: Db, opts: PredictOptions): Promise<PredictResult> {
  const o = resolvePredictOptions(opts);
  const tStart = performance.now();
  // Run times are the injected clock plus elapsed time, so tests with a fixed clock stay deterministic.
  const at = () => new Date(opts.now.getTime() + Math.round(performance.now() - tStart)).toISOString();
  const cal = await loadCalibration(db, { calibrationEnd: opts.asOf, period: o.period });
  const where = `${cal.customers.length} customers, ${describeCalibration(cal)}`;
  const warnings: string[] = [];

  // Repeat model(s): 'auto' fits both and keeps the lower BIC (same customers, so comparable).
  const candidates: ModelName[] = o.model === 'auto' ? ['bg-nbd', 'pareto-nbd'] : [o.model];
  const fits: ModelRunView[] = [];
  let chosen: { fit: FitSuccess<'bg-nbd' | 'pareto-nbd', RepeatModel['params']>; run: ModelRunView } | null = null;
  let firstFailure: { model: ModelName; code: string; reason: string; run: ModelRunView } | null = null;
  const tFit = performance.now();
  for (const m of candidates) {
    const t0 = performance.now();
    const fit = await fitRowsGuarded(m, cal.customers, { timeoutMs: opts.fitTimeoutMs });
    const run = await storeFit(db, fit, dataProfile(m, cal.customers), {
      purpose: 'predict',
      source: 'orders',
      calibrationEnd: cal.calibrationEnd,
      calibrationEndDay: cal.calibrationEndDay,
      period: cal.period,
      actor: opts.actor,
      now: opts.now,
      durationMs: performance.now() - t0,
    });
    fits.push(run);
    if (!fit.ok) {
      firstFailure ??= { model: m, code: fit.code, reason: fit.reason, run };
      continue;
    }
    if (!chosen || fit.bic < chosen.fit.bic) chosen = { fit: fit as FitSuccess<'bg-nbd' | 'pareto-nbd', RepeatModel['params']>, run };
  }
  const fitMs = performance.now() - tFit;
  if (!chosen) throw unsupportedError(firstFailure!, where, firstFailure!.run);
  if (firstFailure) warnings.push(`${MODEL_LABEL[firstFailure.model]} could not be fitted (${firstFailure.reason}); used ${MODEL_LABEL[chosen.fit.model]}`);
  for (const w of chosen.fit.warnings) warnings.push(`${MODEL_LABEL[chosen.fit.model]}: ${w}`);

  // Spend: Gamma-Gamma when the data supports it and its population mean exists (q > 1).
  const tSpend = performance.now();
  const gg = fitRows('gamma-gamma', cal.customers);
  const ggRun = await storeFit(db, gg, dataProfile('gamma-gamma', cal.customers), {
    purpose: 'predict',
    source: 'orders',
    calibrationEnd: cal.calibrationEnd,
    calibrationEndDay: cal.calibrationEndDay,
    period: cal.period,
    actor: opts.actor,
    now: opts.now,
    durationMs: performance.now() - tSpend,
  });
  fits.push(ggRun);
  const spendFitMs = performance.now() - tSpend;
  let spend: GammaGammaParams | null = null;
  if (gg.ok && gg.model === 'gamma-gamma' && (gg.params as GammaGammaParams).q > 1) {
    spend = gg.params as GammaGammaParams;
    for (const w of gg.warnings) warnings.push(`Gamma-Gamma: ${w}`);
  } else {
    const why = gg.ok ? 'q <= 1, so the population mean spend does not exist' : gg.reason;
    warnings.push(`Gamma-Gamma spend model not used (${why}); expected order value = the customer's own mean spend per purchase day`);
  }

  const tScore = performance.now();
  const repeat: RepeatModel = { model: chosen.fit.model, params: chosen.fit.params } as RepeatModel;
  const scored = scoreCustomers(repeat, cal.customers, spend, o);
  const pd = cal.periodDays;
  const rows: unknown[][] = new Array(scored.length);
  let totalClv = 0;
  let expectedPurchases = 0;
  const run0 = await insertPredictionRun(db.kysely, {
    status: 'running',
    as_of: cal.calibrationEnd,
    as_of_day: cal.calibrationEndDay,
    period: o.period,
    period_days: pd,
    horizon: o.horizon,
    annual_discount_rate: o.annualDiscountRate,
    margin: o.margin,
    model: chosen.fit.model,
    repeat_model_run_id: chosen.run.id,
    spend_model_run_id: spend ? ggRun.id : null,
    spend_source: spend ? 'gamma-gamma' : 'customer-mean',
    parameters: JSON.stringify({ ...o, asOf: cal.calibrationEnd }),
    warnings: JSON.stringify(warnings),
    customers: 0,
    total_clv_minor: 0,
    expected_purchases: 0,
    actor: opts.actor,
    created_at: opts.now.toISOString(),
  });
  const runId = Number(run0.id);
  for (let i = 0; i < scored.length; i++) {
    const s = scored[i]!;
    const c = cal.customers[i]!;
    const clv = roundOrNull(s.clv);
    if (clv !== null) totalClv += clv;
    expectedPurchases += s.expectedPurchases;
    rows[i] = [
      runId,
      s.customerId,
      c.x,
      c.firstDay,
      c.lastDay,
      s.pAlive,
      s.expectedPurchases,
      roundOrNull(s.expectedOrderValue),
      clv,
      roundOrNull(s.clvIfActive),
      s.waitIfActive === null ? null : s.waitIfActive * pd,
    ];
  }
  const scoreMs = performance.now() - tScore;

  const tWrite = performance.now();
  try {
    await completePredictionRun(db, runId, rows, {
      customers: scored.length,
      total_clv_minor: totalClv,
      expected_purchases: expectedPurchases,
      timings: JSON.stringify({ sqlMs: Math.round(cal.sqlMs), fitMs: Math.round(fitMs), spendFitMs: Math.round(spendFitMs), scoreMs: Math.round(scoreMs) }),
      finished_at: at(),
    });
  } catch (e) {
    await updatePredictionRun(db.kysely, runId, { status: 'failed', error: String((e as Error).message ?? e), finished_at: at() });
    throw e;
  }
  const writeMs = performance.now() - tWrite;
  const timings = { sqlMs: cal.sqlMs, fitMs, spendFitMs, scoreMs, writeMs };
  const saved = await getPredictionRun(db.kysely, runId);
  return { run: toPredictionRunView(saved!), fits, timings };
}

/** The latest completed run, or NOT_FOUND with what to do. */
export async function requireLatestPredictionRun(db: Db): Promise<PredictionRunView> {
  const r = await latestPredictionRun(db.kysely);
  if (!r) throw new PatronError('NOT_FOUND', 'no predictions yet: run `patron predict` (or POST /api/predictions/run) first');
  return toPredictionRunView(r);
}

export interface PredictionsPage {
  run: PredictionRunView;
  items: CustomerPredictionView[];
  nextCursor: string | null;
}

/** One page of the latest run's predictions in customer-id order; the cursor is the last customer id. */
export async function predictionsPage(db: Db, o: { cursor?: string; limit?: number }): Promise<PredictionsPage> {
  const run = await requireLatestPredictionRun(db);
  const limit = o.limit ?? DEFAULTS.pageSize;
  let after: number | undefined;
  if (o.cursor !== undefined) {
    if (!/^\d+$/.test(o.cursor)) throw new PatronError('VALIDATION', 'cursor: expected the nextCursor of the previous page');
    after = Number(o.cursor);
  }
  const rows = await predictionPage(db.kysely, run.id, { afterCustomerId: after, limit: limit + 1 });
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map(toCustomerPredictionView);
  return { run, items, nextCursor: more ? String(items[items.length - 1]!.customerId) : null };
}

/** A customer's prediction in the latest run (null when the customer had no purchase by its as-of date). */
export async function customerPredictionView(db: Db, runId: number, customerId: number): Promise<CustomerPredictionView | null> {
  const r = await customerPrediction(db.kysely, runId, customerId);
  return r ? toCustomerPredictionView(r) : null;
}

/** The run's customers with the highest predicted CLV. */
export async function topCustomersByClv(db: Db, runId: number, limit: number): Promise<CustomerPredictionView[]> {
  return (await topPredictions(db.kysely, runId, limit)).map(toCustomerPredictionView);
}
