import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupSummaries } from '../../analytics/clv/index.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { sharedDataPath } from '../../test-support/paths.js';
import { importOrdersFile } from '../import/import-orders.js';
import { loadCalibration } from './calibration.js';
import { runChurn } from './churn.js';
import { customerPredictions } from './customer.js';
import { fitModelOnOrders } from './fit.js';
import { predictionsPage, runPredictions } from './predict.js';
import { fitSummaryFile, readSummaryFile } from './summary-file.js';
import { validateModels } from './validate.js';

/**
 * The whole pipeline on CDNOW (the 1/10 sample, 2,357 customers; ../shared/data/README.md):
 * imported with the normal importer, summarised in SQL, fitted, compared with the published
 * estimates of Fader, Hardie & Lee (2005) on both engines.
 */

/** Within half a unit of the third significant figure of the (rounded) published value. */
function expect3sf(actual: number, published: number): void {
  const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(published))) - 2);
  expect(Math.abs(actual - published), `${actual} vs published ${published}`).toBeLessThanOrEqual(halfUnit);
}

const NOW = new Date('2024-06-30T12:00:00.000Z');
const CDNOW_MAP = { customer_id: '2', date: '3', quantity: '4', amount: '5' };

describeEachDialect('predictions on CDNOW through SQL', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    const s = await importOrdersFile(db, sharedDataPath('cdnow_sample.txt'), { header: false, map: CDNOW_MAP });
    expect(s.rejected).toBe(0);
    expect(s.orders).toBe(6919);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it('builds the published calibration summary in SQL (x exactly; t_x and T to its 2 decimals)', async () => {
    const cal = await loadCalibration(db, { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', period: 'week' });
    expect(cal.customers).toHaveLength(2357);
    const file = readSummaryFile(sharedDataPath('cdnow_sample_summary_with_spend.csv'));
    // Customer ids in the database follow first appearance; the summary is keyed by the sample id (external id '0001' = ID 1).
    const byExternal = new Map<number, (typeof file.rows)[number]>(file.rows.map((r) => [Number(r.id), r]));
    const ext = await db.kysely.selectFrom('customers').select(['id', 'external_id']).execute();
    const idToExt = new Map(ext.map((e) => [Number(e.id), Number(e.external_id)])); // '0001' -> 1
    for (const c of cal.customers) {
      const row = byExternal.get(idToExt.get(c.customerId)!)!;
      expect(c.x).toBe(row.x);
      // 0.005 + float slack: the file rounds to 2 decimals.
      expect(Math.abs(c.tx - row.tx)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.T - row.T)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.mx / 100 - row.mx!)).toBeLessThanOrEqual(0.0051);
    }
    // Holdout: 1,882 repeat purchase days in weeks 40-78 (also counted independently in src/analytics/clv/cdnow.test.ts).
    expect(cal.customers.reduce((s, c) => s + c.holdoutCount, 0)).toBe(1882);
    // Sufficient statistics: on weekly data from a day grid, far fewer distinct rows than customers.
    expect(groupSummaries(cal.customers).length).toBeLessThan(1500);
  });

  it('fits BG/NBD to r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (FHL 2005) and stores the run', async () => {
    const { run } = await fitModelOnOrders(db, { model: 'bg-nbd', calibrationEnd: '1997-09-30', period: 'week', actor: 'test', now: NOW });
    expect(run.status).toBe('fitted');
    expect3sf(run.params!.r!, 0.243);
    expect3sf(run.params!.alpha!, 4.414);
    expect3sf(run.params!.a!, 0.793);
    expect3sf(run.params!.b!, 2.426);
    expect(Math.abs(run.logLik! - -9582.4)).toBeLessThanOrEqual(0.05); // published to one decimal
    expect(run.n).toBe(2357);
    // Standard errors as printed by lifetimes (docs/Quickstart.md); 1e-3 relative (numeric Hessians).
    expect(Math.abs(run.standardErrors!.r! / 0.012557 - 1)).toBeLessThan(1e-3);
    expect(run.aic).toBeCloseTo(8 + 2 * 9582.43, 1);
    expect(run.calibrationEnd).toBe('1997-09-30');
  });

  it('fits Pareto/NBD to r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = -9595.0 (FHL 2005)', async () => {
    const { run } = await fitModelOnOrders(db, { model: 'pareto-nbd', calibrationEnd: '1997-09-30', period: 'week', actor: 'test', now: NOW });
    expect3sf(run.params!.r!, 0.553);
    expect3sf(run.params!.alpha!, 10.578);
    expect3sf(run.params!.s!, 0.606);
    expect3sf(run.params!.beta!, 11.669);
    expect(Math.abs(run.logLik! - -9595.0)).toBeLessThanOrEqual(0.05);
  });

  it('fits Gamma-Gamma on repeat spend from the orders: p and q as published, γ in cents (15.44 dollars)', async () => {
    const { run } = await fitModelOnOrders(db, { model: 'gamma-gamma', calibrationEnd: '1997-09-30', period: 'week', actor: 'test', now: NOW });
    expect(run.n).toBe(946);
    expect3sf(run.params!.p!, 6.25);
    expect3sf(run.params!.q!, 3.74);
    expect3sf(run.params!.gamma! / 100, 15.44); // γ scales with the money unit; p and q do not
  });

  it('validates on the holdout: totals, conditional expectations and the tracking series', async () => {
    const v = await validateModels(db, { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', period: 'week', actor: 'test', now: NOW });
    expect(v.origin).toBe('1997-01-01');
    expect(v.holdoutLength).toBe(39);
    expect(v.models.map((m) => m.model)).toEqual(['bg-nbd', 'pareto-nbd']);
    const bg = v.models[0]!;
    expect(bg.totals.actual).toBe(1882);
    // Measured (docs/analytics/clv.md §10): BG/NBD 1,653, Pareto/NBD 1,666; 1 purchase of slack for float sums.
    expect(Math.abs(bg.totals.predicted - 1653)).toBeLessThan(1);
    expect(Math.abs(v.models[1]!.totals.predicted - 1666)).toBeLessThan(1);
    expect(bg.tracking).toHaveLength(78);
    expect(bg.tracking[77]!.actualCumulative).toBe(4339);
    expect(bg.tracking[38]!.holdout).toBe(false);
    expect(bg.tracking[39]).toMatchObject({ holdout: true, start: '1997-10-01', end: '1997-10-07' });
    expect(bg.byFrequency.map((b) => b.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
  });

  it('fits from a summary file too', async () => {
    const run = await fitSummaryFile(db, sharedDataPath('cdnow_sample_summary_with_spend.csv'), { model: 'gamma-gamma', actor: 'test', now: NOW });
    expect3sf(run.params!.p!, 6.25);
    expect3sf(run.params!.q!, 3.74);
    expect3sf(run.params!.gamma!, 15.44);
    expect(run.source).toBe('summary-file');
  });

  it('predicts every customer, stores the latest run and serves it per customer; churn run with reasons', async () => {
    const r = await runPredictions(db, { asOf: '1998-06-30', horizon: 52, annualDiscountRate: 0.1, margin: 1, actor: 'test', now: NOW });
    expect(r.run.status).toBe('completed');
    expect(r.run.customers).toBe(2357);
    expect(r.run.spendSource).toBe('gamma-gamma');
    expect(['bg-nbd', 'pareto-nbd']).toContain(r.run.model);
    const page = await predictionsPage(db, { limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBe(String(page.items[4]!.customerId));
    for (const p of page.items) {
      expect(p.pAlive).toBeGreaterThan(0);
      expect(p.pAlive).toBeLessThanOrEqual(1);
      expect(Number.isInteger(p.clvMinor)).toBe(true);
    }
    const churn = await runChurn(db, { limit: 10, actor: 'test', now: NOW });
    expect(churn.predicted).toBe(false);
    expect(churn.run.customers).toBe(2357);
    expect(churn.run.atRisk).toBeGreaterThan(0);
    expect(churn.items).toHaveLength(10);
    for (let i = 1; i < churn.items.length; i++) expect(churn.items[i - 1]!.priorityMinor).toBeGreaterThanOrEqual(churn.items[i]!.priorityMinor);
    const top = churn.items[0]!;
    expect(top.reasons.length).toBeGreaterThan(0);
    // A second run replaces the customer rows and supersedes the first (the table holds one run).
    const r2 = await runPredictions(db, { asOf: '1998-06-30', horizon: 26, model: 'bg-nbd', actor: 'test', now: NOW });
    const runs = await db.kysely.selectFrom('prediction_runs').select(['id', 'status']).orderBy('id').execute();
    expect(runs.map((x) => x.status)).toEqual(['superseded', 'completed']);
    const held = await db.kysely.selectFrom('customer_predictions').select('run_id').distinct().execute();
    expect(held.map((x) => Number(x.run_id))).toEqual([r2.run.id]);
    const c360 = await customerPredictions(db, top.customerId);
    expect(c360.churn).toMatchObject({ atRisk: true, rank: 1 });
    expect(c360.prediction!.customerId).toBe(top.customerId);
    expect(c360.predictionRun!.id).toBe(r2.run.id);
    expect(c360.churn.history).toHaveLength(1);
  });
});
