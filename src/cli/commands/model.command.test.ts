import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sharedDataPath } from '../../test-support/paths.js';
import { main } from '../main.js';

/** Runs the CLI in-process and captures what it prints. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'patron', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('patron model / predict / churn', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patron-predict-'));
    db = join(dir, 'p.db');
    const imp = await run('--db', db, 'import', 'orders', sharedDataPath('cdnow_sample.txt'), '--no-header', '--map', 'customer_id=2', '--map', 'date=3', '--map', 'quantity=4', '--map', 'amount=5', '--json');
    expect(imp.code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('model fit prints parameters with standard errors, log-likelihood, AIC/BIC and n', async () => {
    const r = await run('--db', db, 'model', 'fit', '--model', 'bgnbd', '--calibration-end', '1997-09-30', '--period', 'week');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^BG\/NBD fit #\d+ on orders to 1997-09-30, weekly periods/);
    expect(r.out).toMatch(/\nr\s+0\.2425\d\s+0\.01256\n/); // r = 0.24259 (FHL 2005: 0.243)
    expect(r.out).toMatch(/log-likelihood -9582\.43 {3}AIC 19172\.86 {3}BIC 19195\.92/);
    expect(r.out).toMatch(/n = 2357 customers/);
    const json = await run('--db', db, 'model', 'fit', '--model', 'gamma-gamma', '--summary', sharedDataPath('cdnow_sample_summary_with_spend.csv'), '--json');
    const fit = JSON.parse(json.out).run;
    // Fader, Hardie & Lee (2005, JMR): p = 6.25, q = 3.74, γ = 15.44 (3 significant figures).
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.005);
    expect(Math.abs(fit.params.gamma - 15.44)).toBeLessThan(0.05);
    expect(fit.sourceName).toBe('cdnow_sample_summary_with_spend.csv');
  });

  it('refuses in one line with exit code 5 when the data cannot support the model', async () => {
    const r = await run('--db', db, 'model', 'fit', '--model', 'bgnbd', '--calibration-end', '1997-01-03');
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^patron: the data cannot support a BG\/NBD model \(\d+ customers, calibration to 1997-01-03, weekly periods\): only \d+ customers; at least 100 are needed to estimate the model\n$/);
    const gg = await run('--db', db, 'model', 'fit', '--model', 'gamma-gamma', '--summary', sharedDataPath('cdnow_sample_summary.csv'));
    expect(gg.code).toBe(2);
    expect(gg.err).toMatch(/needs a mean spend column/);
    const bad = await run('--db', db, 'model', 'fit', '--model', 'arima');
    expect(bad.code).toBe(2);
  });

  it('model validate prints the holdout report; --json is chart-ready', async () => {
    const r = await run('--db', db, 'model', 'validate', '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--model', 'bgnbd', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out);
    expect(v.models[0].totals.actual).toBe(1882);
    expect(v.models[0].tracking).toHaveLength(78);
    const text = await run('--db', db, 'model', 'validate', '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--model', 'bgnbd');
    expect(text.out).toMatch(/BG\/NBD\s+-9582\.43\s+19195\.92\s+1882\s+1653\.4\s+-12\.1%/);
    expect(text.out).toMatch(/\n7\+\s+64\s+6\.36\s+6\.16\n/);
  });

  it('predict stores a run and exports every customer as CSV; churn exports the at-risk list', async () => {
    const p = await run('--db', db, 'predict', '--horizon', '26', '--margin', '0.3', '--model', 'bgnbd', '--top', '3');
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/prediction run #\d+ as of 1998-06-30: 2357 customers, BG\/NBD/);
    expect(p.out).toMatch(/horizon 26 weeks, annual discount rate 10\.0%, margin 30\.0%/);
    const csv = await run('--db', db, 'predict', '--format', 'csv', '--model', 'bgnbd');
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toBe('customer_id,external_id,name,repeat_purchases,first_purchase,last_purchase,p_alive,expected_purchases,expected_order_value,clv,clv_if_active,days_to_next_if_active');
    expect(lines).toHaveLength(2358);
    const churn = await run('--db', db, 'churn', '--format', 'csv', '--threshold', '0.2');
    expect(churn.code).toBe(0);
    const rows = churn.out.trim().split('\n');
    expect(rows[0]).toMatch(/^rank,customer_id,/);
    expect(rows[1]).toMatch(/^1,/);
    const runs = await run('--db', db, 'churn', '--runs', '--format', 'json');
    expect(JSON.parse(runs.out)[0].thresholds.pAliveThreshold).toBe(0.2);
    expect(JSON.parse(runs.out)[0].atRisk).toBe(rows.length - 1);
  });
});
