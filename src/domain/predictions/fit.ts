import {
  assessData,
  assessSpendData,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  type FitResult,
  type ModelName,
  type SpendRow,
  type SummaryRow,
} from '../../analytics/clv/index.js';
import type { Db } from '../../storage/db.js';
import { insertModelRun, type ModelRun } from '../../storage/predictions.repo.js';
import { PatronError } from '../errors.js';
import { loadCalibration, type Calibration } from './calibration.js';
import { DEFAULTS, type PredictionPeriod } from './defaults.js';
import { fitRepeatGuarded } from './fit-runner.js';

/** Model names as people type them (CLI, API) to the names used in code and storage. */
const MODEL_ALIASES: Record<string, ModelName> = {
  bgnbd: 'bg-nbd',
  'bg-nbd': 'bg-nbd',
  'bg/nbd': 'bg-nbd',
  'pareto-nbd': 'pareto-nbd',
  paretonbd: 'pareto-nbd',
  pnbd: 'pareto-nbd',
  'pareto/nbd': 'pareto-nbd',
  'gamma-gamma': 'gamma-gamma',
  gammagamma: 'gamma-gamma',
  gg: 'gamma-gamma',
};

export const MODEL_LABEL: Record<ModelName, string> = { 'bg-nbd': 'BG/NBD', 'pareto-nbd': 'Pareto/NBD', 'gamma-gamma': 'Gamma-Gamma' };

export function parseModel(text: string): ModelName {
  const m = MODEL_ALIASES[text.trim().toLowerCase()];
  if (!m) throw new PatronError('VALIDATION', `model: expected bgnbd, pareto-nbd or gamma-gamma, got "${text}"`);
  return m;
}

/** A stored fit as the CLI and API show it. Parameters are per period (Gamma-Gamma: in the spend's unit). */
export interface ModelRunView {
  id: number;
  model: ModelName;
  status: 'fitted' | 'unsupported' | 'failed';
  purpose: 'fit' | 'validate' | 'predict';
  source: 'orders' | 'summary-file';
  sourceName: string | null;
  calibrationEnd: string | null;
  holdoutEnd: string | null;
  period: PredictionPeriod;
  params: Record<string, number> | null;
  standardErrors: Record<string, number> | null;
  logLik: number | null;
  aic: number | null;
  bic: number | null;
  n: number;
  distinctRows: number | null;
  converged: boolean;
  optimizer: string | null;
  iterations: number | null;
  evaluations: number | null;
  warnings: string[];
  reason: string | null;
  profile: Record<string, unknown> | null;
  durationMs: number;
  actor: string;
  createdAt: string;
}

export function toModelRunView(r: ModelRun): ModelRunView {
  return {
    id: Number(r.id),
    model: r.model,
    status: r.status,
    purpose: r.purpose,
    source: r.source,
    sourceName: r.source_name,
    calibrationEnd: r.calibration_end,
    holdoutEnd: r.holdout_end,
    period: r.period,
    params: r.params ? (JSON.parse(r.params) as Record<string, number>) : null,
    standardErrors: r.standard_errors ? (JSON.parse(r.standard_errors) as Record<string, number>) : null,
    logLik: r.log_lik,
    aic: r.aic,
    bic: r.bic,
    n: Number(r.n),
    distinctRows: r.distinct_rows === null ? null : Number(r.distinct_rows),
    converged: Number(r.converged) === 1,
    optimizer: r.optimizer,
    iterations: r.iterations,
    evaluations: r.evaluations,
    warnings: JSON.parse(r.warnings) as string[],
    reason: r.reason,
    profile: r.profile ? (JSON.parse(r.profile) as Record<string, unknown>) : null,
    durationMs: Number(r.duration_ms),
    actor: r.actor,
    createdAt: r.created_at,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFit = FitResult<ModelName, any>;

/** Fits one model on summary rows (repeat models) or spend rows (Gamma-Gamma); the pure fits group identical rows first. */
export function fitRows(model: ModelName, rows: readonly (SummaryRow & { mx?: number })[], options: { group?: boolean } = {}): AnyFit {
  if (model === 'bg-nbd') return fitBgNbd(rows, options);
  if (model === 'pareto-nbd') return fitParetoNbd(rows, options);
  return fitGammaGamma(spendRows(rows));
}

/** As fitRows, with repeat models fitted under a time limit where needed (fit-runner.ts). */
export async function fitRowsGuarded(
  model: ModelName,
  rows: readonly (SummaryRow & { mx?: number })[],
  o: { timeoutMs?: number } = {},
): Promise<AnyFit> {
  return model === 'gamma-gamma' ? fitRows(model, rows) : fitRepeatGuarded(model, rows, o);
}

/** Gamma-Gamma input: (x, m_x) of every customer (the fit keeps repeat buyers with positive spend), identical pairs merged. */
export function spendRows(rows: readonly { x: number; mx?: number; weight?: number }[]): SpendRow[] {
  const byX = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const mx = r.mx ?? 0;
    if (!(r.x > 0 && mx > 0)) continue;
    let m = byX.get(r.x);
    if (!m) byX.set(r.x, (m = new Map()));
    m.set(mx, (m.get(mx) ?? 0) + (r.weight ?? 1));
  }
  const out: SpendRow[] = [];
  for (const [x, m] of byX) for (const [mx, weight] of m) out.push({ x, mx, weight });
  return out;
}

/** The data profile behind a fit (or a refusal): what a reader needs to judge it. */
export function dataProfile(model: ModelName, rows: readonly (SummaryRow & { mx?: number })[]): Record<string, unknown> {
  if (model === 'gamma-gamma') {
    const s = assessSpendData(spendRows(rows));
    return { customers: rows.length, repeatBuyersWithSpend: s.repeatBuyers, frequencySpendCorrelation: s.frequencySpendCorrelation };
  }
  const a = assessData(rows);
  return { ...a.profile };
}

export interface StoreFitContext {
  purpose: 'fit' | 'validate' | 'predict';
  source: 'orders' | 'summary-file';
  sourceName?: string | null;
  calibrationEnd?: string | null;
  calibrationEndDay?: number | null;
  holdoutEnd?: string | null;
  period: PredictionPeriod;
  actor: string;
  now: Date;
  durationMs: number;
}

/** Records a fit (or why there is none) in model_runs. */
export async function storeFit(db: Db, fit: AnyFit, profile: Record<string, unknown>, c: StoreFitContext): Promise<ModelRunView> {
  const base = {
    model: fit.model,
    purpose: c.purpose,
    source: c.source,
    source_name: c.sourceName ?? null,
    calibration_end: c.calibrationEnd ?? null,
    calibration_end_day: c.calibrationEndDay ?? null,
    holdout_end: c.holdoutEnd ?? null,
    period: c.period,
    period_days: DEFAULTS.periodDays[c.period],
    profile: JSON.stringify(profile),
    duration_ms: Math.round(c.durationMs),
    actor: c.actor,
    created_at: c.now.toISOString(),
  };
  const row = fit.ok
    ? {
        ...base,
        status: 'fitted' as const,
        params: JSON.stringify(fit.params),
        standard_errors: fit.standardErrors ? JSON.stringify(fit.standardErrors) : null,
        log_lik: fit.logLik,
        aic: fit.aic,
        bic: fit.bic,
        n: Math.round(fit.n),
        distinct_rows: fit.distinctRows,
        converged: fit.converged ? 1 : 0,
        optimizer: fit.optimizer,
        iterations: fit.iterations,
        evaluations: fit.evaluations,
        warnings: JSON.stringify(fit.warnings),
        reason: fit.reason,
      }
    : {
        ...base,
        status: fit.code === 'optimiser-failed' ? ('failed' as const) : ('unsupported' as const),
        n: Math.round(Number(profile.customers ?? 0)),
        converged: 0,
        warnings: '[]',
        reason: fit.reason,
      };
  return toModelRunView(await insertModelRun(db.kysely, row));
}

/** The one-line refusal: which model, what is missing, on which data. */
export function unsupportedError(fit: { model: ModelName; code: string; reason: string }, where: string, run?: ModelRunView): PatronError {
  const head = fit.code === 'optimiser-failed' ? `the ${MODEL_LABEL[fit.model]} fit failed` : `the data cannot support a ${MODEL_LABEL[fit.model]} model`;
  return new PatronError(
    'UNSUPPORTED_DATA',
    `${head} (${where}): ${fit.reason}`,
    { model: fit.model, code: fit.code, runId: run?.id ?? null, profile: run?.profile ?? null },
  );
}

export function describeCalibration(c: Pick<Calibration, 'calibrationEnd' | 'period'>): string {
  return `calibration to ${c.calibrationEnd}, ${c.period === 'week' ? 'weekly' : 'daily'} periods`;
}

export interface FitOnOrdersOptions {
  model: ModelName;
  calibrationEnd?: string;
  period?: PredictionPeriod;
  actor: string;
  now: Date;
  /** Wall-clock limit of a guarded fit (DEFAULTS.fitTimeoutMs). */
  fitTimeoutMs?: number;
}

export interface FitOnOrdersResult {
  run: ModelRunView;
  timings: { sqlMs: number; fitMs: number; customers: number; distinctRows: number };
}

/**
 * `patron model fit`: summaries in SQL, grouped, fitted, stored. When the data cannot support the
 * model the refusal is stored too and UNSUPPORTED_DATA is thrown with what is missing.
 */
export async function fitModelOnOrders(db: Db, o: FitOnOrdersOptions): Promise<FitOnOrdersResult> {
  const cal = await loadCalibration(db, { calibrationEnd: o.calibrationEnd, period: o.period });
  const t0 = performance.now();
  const fit = await fitRowsGuarded(o.model, cal.customers, { timeoutMs: o.fitTimeoutMs });
  const fitMs = performance.now() - t0;
  const run = await storeFit(db, fit, dataProfile(o.model, cal.customers), {
    purpose: 'fit',
    source: 'orders',
    calibrationEnd: cal.calibrationEnd,
    calibrationEndDay: cal.calibrationEndDay,
    period: cal.period,
    actor: o.actor,
    now: o.now,
    durationMs: cal.sqlMs + fitMs,
  });
  if (!fit.ok) throw unsupportedError(fit, `${cal.customers.length} customers, ${describeCalibration(cal)}`, run);
  return { run, timings: { sqlMs: cal.sqlMs, fitMs, customers: cal.customers.length, distinctRows: fit.distinctRows } };
}
