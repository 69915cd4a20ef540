import { afterAll, beforeAll, expect, it } from 'vitest';
import { importOrdersFile } from '../../domain/import/import-orders.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { sharedDataPath } from '../../test-support/paths.js';
import { bearer, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

/** The prediction and churn API over CDNOW (the 1/10 sample, 2,357 customers). */
describeEachDialect('prediction routes', (dialect) => {
  let db: Db;
  let app: App;
  let manager: { authorization: string };
  let staff: { authorization: string };

  beforeAll(async () => {
    db = await createTestDb(dialect);
    await importOrdersFile(db, sharedDataPath('cdnow_sample.txt'), { header: false, map: { customer_id: '2', date: '3', quantity: '4', amount: '5' } });
    app = testApp(db);
    manager = await bearer(db, 'manager');
    staff = await bearer(db, 'staff');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const get = (url: string, headers: Record<string, string> = manager) => app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: unknown, headers: Record<string, string> = manager) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('fits a model, records it, and refuses plainly when the data cannot support one', async () => {
    expect((await post('/api/models/fit', { model: 'bgnbd' }, staff)).statusCode).toBe(403);
    const fit = await post('/api/models/fit', { model: 'bgnbd', calibrationEnd: '1997-09-30', period: 'week' });
    expect(fit.statusCode).toBe(201);
    const run = fit.json();
    // FHL 2005: r = 0.243 (3 significant figures).
    expect(Math.abs(run.params.r - 0.243)).toBeLessThanOrEqual(0.0005);
    expect(run).toMatchObject({ model: 'bg-nbd', status: 'fitted', n: 2357, calibrationEnd: '1997-09-30' });
    expect(Object.keys(run.standardErrors)).toEqual(['r', 'alpha', 'a', 'b']);

    // By 1997-01-03 only the first days' customers exist, and none has bought again yet.
    const tiny = await post('/api/models/fit', { model: 'pareto-nbd', calibrationEnd: '1997-01-03' });
    expect(tiny.statusCode).toBe(422);
    expect(tiny.json().error.code).toBe('UNSUPPORTED_DATA');
    expect(tiny.json().error.message).toMatch(/^the data cannot support a Pareto\/NBD model \(\d+ customers, calibration to 1997-01-03, weekly periods\): only \d+ customers; at least 100 are needed/);

    const bad = await post('/api/models/fit', { model: 'arima' });
    expect(bad.statusCode).toBe(400);

    const runs = await get('/api/models/runs?limit=5');
    expect(runs.statusCode).toBe(200);
    expect(runs.json().items.map((r: { status: string }) => r.status)).toEqual(['unsupported', 'fitted']);
  });

  it('serves the holdout validation as chart-ready JSON', async () => {
    const v = await get('/api/models/validate?calibrationEnd=1997-09-30&holdoutEnd=1998-06-30&model=bgnbd');
    expect(v.statusCode).toBe(200);
    const body = v.json();
    expect(body.models).toHaveLength(1);
    expect(body.models[0].totals.actual).toBe(1882);
    expect(body.models[0].tracking).toHaveLength(78);
    expect(body.models[0].tracking[0]).toMatchObject({ period: 1, start: '1997-01-01', end: '1997-01-07', holdout: false });
    expect((await get('/api/models/validate?calibrationEnd=1997-09-30&holdoutEnd=1997-09-01')).statusCode).toBe(400);
  });

  it('runs predictions, pages them and shows one customer', async () => {
    expect((await get('/api/predictions')).statusCode).toBe(404);
    const made = await post('/api/predictions/run', { horizon: 52, margin: 0.3, discountRate: 0.1, model: 'bgnbd' });
    expect(made.statusCode).toBe(201);
    expect(made.json().run).toMatchObject({ status: 'completed', customers: 2357, model: 'bg-nbd', horizon: 52, margin: 0.3, spendSource: 'gamma-gamma' });
    expect(made.json().fits.map((f: { model: string }) => f.model)).toEqual(['bg-nbd', 'gamma-gamma']);

    const p1 = await get('/api/predictions?limit=2');
    expect(p1.statusCode).toBe(200);
    expect(p1.json().items).toHaveLength(2);
    const p2 = await get(`/api/predictions?limit=2&cursor=${p1.json().nextCursor}`);
    expect(p2.json().items[0].customerId).toBeGreaterThan(p1.json().items[1].customerId);

    const id = p1.json().items[0].customerId as number;
    const one = await get(`/api/customers/${id}/predictions`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ customerId: id, prediction: { customerId: id }, churn: { runId: null, atRisk: false, history: [] } });
    expect((await get('/api/customers/999999/predictions')).statusCode).toBe(404);
  });

  it('runs the churn warning, lists it (JSON and CSV) and shows it per customer', async () => {
    expect((await get('/api/churn')).statusCode).toBe(404);
    const made = await post('/api/churn/run', { limit: 5, pAliveThreshold: 0.3 });
    expect(made.statusCode).toBe(201);
    const r = made.json();
    expect(r.predicted).toBe(false);
    expect(r.run.thresholds.pAliveThreshold).toBe(0.3);
    expect(r.items).toHaveLength(5);
    expect(r.items.map((i: { rank: number }) => i.rank)).toEqual([1, 2, 3, 4, 5]);

    const list = await get('/api/churn?limit=3');
    expect(list.json().items).toHaveLength(3);
    expect(list.json().nextRank).toBe(3);
    const csv = await get('/api/churn?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^rank,customer_id,external_id,name,p_alive,risk,/);
    expect(lines).toHaveLength(r.run.atRisk + 1);

    const runs = await get('/api/churn/runs');
    expect(runs.json().items).toHaveLength(1);
    const top = r.items[0];
    const c = await get(`/api/customers/${top.customerId}/predictions`);
    expect(c.json().churn).toMatchObject({ atRisk: true, rank: 1, runId: r.run.id });
    expect(c.json().churn.reasons.length).toBeGreaterThan(0);
  });
});
