import { profitOf, sumMinor } from '../../analytics/metrics.js';
import {
  countCustomers,
  customerIdBounds,
  customerMetricsPage,
  finishSnapshot,
  getSnapshot,
  insertMetricRows,
  insertSnapshot,
  latestCompletedSnapshots,
  listSnapshots,
  METRIC_COLUMNS,
  type MetricSqlRow,
  type SnapshotRow,
} from '../../storage/analytics.repo.js';
import type { Db } from '../../storage/db.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { translateValueError } from './errors.js';
import { resolveAsOf, resolveParameters, type AnalysisOptions, type AnalysisParameters } from './options.js';
import { runScoring } from './run-scoring.js';
import { NO_SEGMENT, SEGMENT_CODES, type ScoreInput, type ScoreSummary } from './score.js';

/**
 * Building a snapshot (docs/analytics/pipeline.md): the database aggregates orders and costs per
 * customer (pages of customer ids, one row per customer back); the pure methods score those rows;
 * one bulk insert writes the metrics, scores and segments. Nothing here loops over orders or lines.
 */
export const DEFAULTS = Object.freeze({
  /** Customer ids per aggregation query (bounds each query's memory; drives the progress bar). */
  pageCustomers: 25_000,
  /** Rows per write batch. */
  writeChunk: 10_000,
});

export interface SnapshotTotals {
  customers: number;
  orders: number;
  revenueMinor: number;
  returnsMinor: number;
  costOfGoodsMinor: number;
  marginMinor: number;
  unknownCostRevenueMinor: number;
  discountedSpendMinor: number;
  costToServeMinor: number;
  acquisitionCostMinor: number;
  profitMinor: number;
}

/** What a completed snapshot stores besides its rows: each report's result without per-customer lists. */
export interface SnapshotSummary extends ScoreSummary {
  totals: SnapshotTotals;
}

export interface SnapshotView {
  id: number;
  asOf: string;
  status: 'running' | 'completed' | 'failed';
  customers: number;
  parameters: AnalysisParameters;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export type AnalyzePhase = 'metrics' | 'scores' | 'write';

export interface AnalyzeHooks {
  onProgress?(p: { phase: AnalyzePhase; done: number; total: number }): void;
}

export interface AnalyzeResult {
  snapshot: SnapshotView;
  totals: SnapshotTotals;
  /** Milliseconds per phase. */
  timings: Record<AnalyzePhase, number>;
}

export function toSnapshotView(r: Omit<SnapshotRow, 'summary'>): SnapshotView {
  return {
    id: r.id,
    asOf: r.as_of,
    status: r.status,
    customers: r.customers,
    parameters: JSON.parse(r.parameters) as AnalysisParameters,
    actor: r.actor,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    error: r.error,
  };
}

/**
 * One snapshot's per-customer figures as typed arrays (plus the external ids): a million
 * customers take tens of megabytes here, off the JS heap, instead of hundreds as objects. Grows
 * if customers arrive while the snapshot is read.
 */
class MetricColumns {
  n = 0;
  ids: string[] = [];
  customerId = new Float64Array(0);
  firstDay = new Int32Array(0);
  lastDay = new Int32Array(0);
  orders = new Int32Array(0);
  purchaseDays = new Int32Array(0);
  returns = new Int32Array(0);
  revenue = new Float64Array(0);
  returnsMinor = new Float64Array(0);
  cogs = new Float64Array(0);
  margin = new Float64Array(0);
  unknownCost = new Float64Array(0);
  discounted = new Float64Array(0);
  costToServe = new Float64Array(0);
  acquisition = new Float64Array(0);
  profit = new Float64Array(0);

  constructor(capacity: number) {
    this.resize(Math.max(16, capacity));
  }

  push(r: MetricSqlRow): void {
    if (this.n === this.revenue.length) this.resize(this.revenue.length * 2);
    const i = this.n++;
    const margin = r.revenue_minor - r.cost_of_goods_minor;
    this.ids.push(r.external_id);
    this.customerId[i] = r.customer_id;
    this.firstDay[i] = r.first_day;
    this.lastDay[i] = r.last_day;
    this.orders[i] = r.orders;
    this.purchaseDays[i] = r.purchase_days;
    this.returns[i] = r.returns;
    this.revenue[i] = r.revenue_minor;
    this.returnsMinor[i] = r.returns_minor;
    this.cogs[i] = r.cost_of_goods_minor;
    this.margin[i] = margin;
    this.unknownCost[i] = r.unknown_cost_revenue_minor;
    this.discounted[i] = r.discounted_spend_minor;
    this.costToServe[i] = r.cost_to_serve_minor;
    this.acquisition[i] = r.acquisition_cost_minor;
    this.profit[i] = profitOf({ marginMinor: margin, costToServeMinor: r.cost_to_serve_minor, acquisitionCostMinor: r.acquisition_cost_minor });
  }

  /** What scoring reads. */
  scoreInput(): ScoreInput {
    const n = this.n;
    return {
      n, ids: this.ids, lastDay: this.lastDay.subarray(0, n), orders: this.orders.subarray(0, n), purchaseDays: this.purchaseDays.subarray(0, n),
      revenue: this.revenue.subarray(0, n), margin: this.margin.subarray(0, n), discounted: this.discounted.subarray(0, n), profit: this.profit.subarray(0, n),
    };
  }

  private resize(capacity: number): void {
    for (const key of ['customerId', 'revenue', 'returnsMinor', 'cogs', 'margin', 'unknownCost', 'discounted', 'costToServe', 'acquisition', 'profit'] as const) {
      const next = new Float64Array(capacity);
      next.set(this[key]);
      this[key] = next;
    }
    for (const key of ['firstDay', 'lastDay', 'orders', 'purchaseDays', 'returns'] as const) {
      const next = new Int32Array(capacity);
      next.set(this[key]);
      this[key] = next;
    }
  }
}

/** Lets a progress bar redraw between synchronous chunks (SQLite writes block the event loop). */
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Builds and stores a snapshot as of a business-local date (default: today in the business time
 * zone). The snapshot row is written first with status 'running'; metrics and the final status
 * are written in one transaction, so a failure leaves a 'failed' snapshot and no rows.
 */
export async function buildSnapshot(
  db: Db,
  input: {
    asOf?: string;
    options?: AnalysisOptions;
    actor: string;
    now: Date;
    /** Tuning and tests: customer ids per aggregation query. */
    pageCustomers?: number;
    /** Tuning and tests: force scoring in (true) or out of (false) a worker thread; default by size. */
    scoreInWorker?: boolean;
  },
  hooks: AnalyzeHooks = {},
): Promise<AnalyzeResult> {
  const settings = await getSettings(db.kysely);
  const { asOf, asOfDay } = resolveAsOf(input.asOf, input.now, settings.timeZone);
  const params = resolveParameters(asOf, input.options);
  const k = db.kysely;
  const id = await insertSnapshot(k, { asOf, asOfDay, parameters: JSON.stringify(params), actor: input.actor, createdAt: input.now.toISOString() });
  const timings: Record<AnalyzePhase, number> = { metrics: 0, scores: 0, write: 0 };
  try {
    // 1. Aggregate in the database, one page of customer ids at a time, into typed columns.
    let t = performance.now();
    const c = new MetricColumns(await countCustomers(k));
    const bounds = await customerIdBounds(k);
    if (bounds) {
      const step = input.pageCustomers ?? DEFAULTS.pageCustomers;
      const pages = Math.ceil((bounds.max - bounds.min + 1) / step);
      for (let p = 0; p < pages; p++) {
        const afterId = bounds.min - 1 + p * step;
        const page = await customerMetricsPage(k, { asOfDay, afterId, upToId: afterId + step });
        for (const r of page) c.push(r);
        hooks.onProgress?.({ phase: 'metrics', done: p + 1, total: pages });
      }
    }
    timings.metrics = performance.now() - t;

    // 2. Score with the pure methods, keeping codes per customer and each method's summary.
    t = performance.now();
    const n = c.n;
    const scored = await runScoring(c.scoreInput(), asOfDay, params, {
      worker: input.scoreInWorker,
      onStep: (done) => hooks.onProgress?.({ phase: 'scores', done, total: 5 }),
    });
    const { rScore, fScore, mScore, named, eight, abcClass, decile, tier, txFlag, discountShare } = scored.columns;
    const sum = (a: Float64Array | Int32Array) => sumMinor(a.subarray(0, n));
    const totals: SnapshotTotals = {
      customers: n,
      orders: sum(c.orders),
      revenueMinor: sum(c.revenue),
      returnsMinor: sum(c.returnsMinor),
      costOfGoodsMinor: sum(c.cogs),
      marginMinor: sum(c.margin),
      unknownCostRevenueMinor: sum(c.unknownCost),
      discountedSpendMinor: sum(c.discounted),
      costToServeMinor: sum(c.costToServe),
      acquisitionCostMinor: sum(c.acquisition),
      profitMinor: sum(c.profit),
    };
    const summary: SnapshotSummary = { totals, ...scored.summary };
    hooks.onProgress?.({ phase: 'scores', done: 5, total: 5 });
    timings.scores = performance.now() - t;

    // 3. One transaction: every row (in customer id order, the table's key order), then the status.
    t = performance.now();
    const chunk = DEFAULTS.writeChunk;
    const cellOf = params.rfm.bins <= 9
      ? (i: number) => `${rScore[i]}${fScore[i]}${mScore[i]}`
      : (i: number) => `${rScore[i]}-${fScore[i]}-${mScore[i]}`;
    await k.transaction().execute(async (trx) => {
      for (let start = 0; start < n; start += chunk) {
        const out: unknown[][] = [];
        const end = Math.min(n, start + chunk);
        for (let i = start; i < end; i++) {
          const first = c.firstDay[i]!;
          const last = c.lastDay[i]!;
          const days = c.purchaseDays[i]!;
          out.push([
            id, c.customerId[i], first, last, asOfDay - last, asOfDay - first, c.orders[i], days,
            days >= 2 ? (last - first) / (days - 1) : null,
            c.revenue[i], c.returns[i], c.returnsMinor[i], c.cogs[i], c.margin[i], c.unknownCost[i],
            c.discounted[i], Number.isNaN(discountShare[i]) ? null : discountShare[i], c.costToServe[i], c.acquisition[i], c.profit[i],
            rScore[i], fScore[i], mScore[i], cellOf(i), named[i] === NO_SEGMENT ? null : SEGMENT_CODES.named[named[i]!],
            SEGMENT_CODES.eightWay[eight[i]!], SEGMENT_CODES.abc[abcClass[i]!], SEGMENT_CODES.tier[tier[i]!], txFlag[i], decile[i],
          ]);
        }
        if (out[0]!.length !== METRIC_COLUMNS.length) throw new Error('metric row does not match METRIC_COLUMNS');
        await insertMetricRows(trx, db.dialect, out, db.sqlite);
        hooks.onProgress?.({ phase: 'write', done: end, total: n });
        await tick();
      }
      await finishSnapshot(trx, id, { status: 'completed', summary: JSON.stringify(summary), customers: n, finishedAt: new Date().toISOString() });
    });
    if (n === 0) hooks.onProgress?.({ phase: 'write', done: 0, total: 0 });
    timings.write = performance.now() - t;
    const row = await getSnapshot(k, id);
    return { snapshot: toSnapshotView(row!), totals, timings };
  } catch (e) {
    const err = translateValueError(e);
    await finishSnapshot(k, id, { status: 'failed', error: String((err as Error)?.message ?? err), finishedAt: new Date().toISOString() }).catch(() => undefined);
    throw err;
  }
}

export async function snapshotList(db: Db, limit = 50): Promise<SnapshotView[]> {
  return (await listSnapshots(db.kysely, limit)).map(toSnapshotView);
}

/** A completed snapshot with its summary: the given id, or the newest completed one. */
export async function loadSnapshot(db: Db, id?: number): Promise<{ view: SnapshotView; asOfDay: number; summary: SnapshotSummary }> {
  let row: SnapshotRow | undefined;
  if (id === undefined) {
    row = (await latestCompletedSnapshots(db.kysely, 1))[0];
    if (!row) throw new PatronError('NOT_FOUND', 'no completed analysis snapshot yet: run `patron analyze` first');
  } else {
    row = await getSnapshot(db.kysely, id);
    if (!row) throw new PatronError('NOT_FOUND', `snapshot ${id} not found`);
    if (row.status !== 'completed') throw new PatronError('CONFLICT', `snapshot ${id} is ${row.status}, not completed`);
  }
  return { view: toSnapshotView(row), asOfDay: row.as_of_day, summary: JSON.parse(row.summary!) as SnapshotSummary };
}

/**
 * The default pair for a migration report: the two newest completed snapshots, ordered by their
 * as-of dates (earlier first), whatever order they were built in.
 */
export async function latestPair(db: Db): Promise<[number, number]> {
  const rows = await latestCompletedSnapshots(db.kysely, 2);
  if (rows.length < 2) throw new PatronError('NOT_FOUND', 'a migration report needs two completed snapshots: run `patron analyze --as-of` for two dates');
  const [a, b] = [rows[1]!, rows[0]!].sort((x, y) => x.as_of_day - y.as_of_day || x.id - y.id) as [SnapshotRow, SnapshotRow];
  return [a.id, b.id];
}
