/**
 * Published results on the CDNOW 1/10 sample (2,357 customers who first bought in Q1 1997; weeks 1-39
 * calibration, 40-78 holdout). Data: /work/shared/data (see its README for provenance).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '../../test-support/paths.js';
import {
  assessSpendData,
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdLogLik,
  compareModels,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalSpend,
  holdoutReport,
  paretoNbdConditionalExpected,
  paretoNbdExpected,
  paretoNbdLogLik,
  paretoNbdPAlive,
  repeatTransactionsPerPeriod,
  summariseTransactions,
  type BgNbdParams,
  type CustomerCalibration,
  type FitSuccess,
  type ParetoNbdParams,
  type Transaction,
} from './index.js';

/**
 * "Agrees to 3 significant figures": within half a unit of the third significant figure of the
 * published value (the published values are themselves rounded).
 */
function expect3sf(actual: number, published: number): void {
  const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(published))) - 2);
  expect(Math.abs(actual - published), `${actual} vs published ${published}`).toBeLessThanOrEqual(halfUnit);
}

function readCsv(file: string): number[][] {
  return readFileSync(sharedDataPath(file), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map(Number));
}

/** Day index from 1997-01-01 of a YYYYMMDD string (calendar arithmetic in UTC; tests may use Date). */
function dayIndex(yyyymmdd: string): number {
  const ms = Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) - Date.UTC(1997, 0, 1);
  return ms / 86_400_000;
}

// cdnow_sample_summary.csv: ID, frequency (x), recency (t_x, weeks), T (weeks)
const summary = readCsv('cdnow_sample_summary.csv').map(([, x, tx, T]) => ({ x: x!, tx: tx!, T: T! }));
// cdnow_sample_summary_with_spend.csv: ID, x, t_x, T, zbar (mean repeat-transaction value, dollars)
const withSpend = readCsv('cdnow_sample_summary_with_spend.csv').map(([id, x, tx, T, zbar]) => ({ id: id!, x: x!, tx: tx!, T: T!, mx: zbar! }));
// cdnow_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars. Time axis: weeks since 1997-01-01.
const transactions: Transaction[] = readFileSync(sharedDataPath('cdnow_sample.txt'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .map((line) => {
    const [, sampleId, date, , dollars] = line.trim().split(/\s+/);
    return { customerId: sampleId!, t: dayIndex(date!) / 7, amount: Math.round(Number(dollars) * 100) };
  });
// Calibration ends on 1997-09-30 (day 272; T = 38.86 weeks for a 1997-01-01 customer), holdout on 1998-06-30.
const calibrationEnd = dayIndex('19970930') / 7;
const holdoutEnd = dayIndex('19980630') / 7;

describe('CDNOW: BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2))', () => {
  let fit: FitSuccess<'bg-nbd', BgNbdParams>;
  beforeAll(() => {
    const f = fitBgNbd(summary);
    if (!f.ok) throw new Error(f.reason);
    fit = f;
  });

  it('reproduces r = 0.243, α = 4.414, a = 0.793, b = 2.426 and LL = -9582.4', () => {
    // Published in FHL 2005 (also the reference values of lifetimes' test_estimation.py).
    expect(fit.converged).toBe(true);
    expect3sf(fit.params.r, 0.243);
    expect3sf(fit.params.alpha, 4.414);
    expect3sf(fit.params.a, 0.793);
    expect3sf(fit.params.b, 2.426);
    expect(Math.abs(fit.logLik - -9582.4)).toBeLessThanOrEqual(0.05); // LL published to one decimal
    expect(fit.n).toBe(2357);
    // The published point is the optimum: evaluating it directly gives the same LL to 0.01.
    expect(bgNbdLogLik({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, summary)).toBeCloseTo(-9582.43, 2);
  });

  it('reaches the same optimum with L-BFGS (analytic gradient) and Nelder-Mead (no gradient)', () => {
    expect(fit.optimizer).toBe('lbfgs');
    const nm = fitBgNbd(summary, { optimizer: 'nelder-mead' });
    if (!nm.ok) throw new Error(nm.reason);
    expect(nm.optimizer).toBe('nelder-mead');
    expect(nm.logLik).toBeCloseTo(fit.logLik, 6);
    // 1e-4 relative: Nelder-Mead stops at xTolerance 1e-6 on the log scale in a flat valley.
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(nm.params[k] / fit.params[k] - 1)).toBeLessThan(1e-4);
    // Standard errors from second differences of lnL vs differences of the gradient: 1e-3 relative.
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(nm.standardErrors![k] / fit.standardErrors![k] - 1)).toBeLessThan(1e-3);
    }
  });

  it("matches Hardie's BG/NBD spreadsheet for E[X(t)] and E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226", () => {
    // Values from Hardie's Excel implementation, as quoted in lifetimes' tests; 4 decimals published, so 1e-3.
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(Math.abs(bgNbdExpected(fit.params, t) - expected[i]!)).toBeLessThan(1e-3));
    expect(Math.abs(bgNbdConditionalExpected(fit.params, { x: 2, tx: 30.43, T: 38.86 }, 39) - 1.226)).toBeLessThan(1e-3);
  });

  it('matches the lifetimes Quickstart: standard errors and next-week expectations of the top customers', () => {
    // CamDavidsonPilon/lifetimes docs/Quickstart.md (bgf.summary and predicted_purchases for t = 1).
    // SEs: 1e-3 relative (numeric Hessians on both sides); expectations: 1e-5 absolute (6 decimals printed).
    const se = fit.standardErrors!;
    const published = { r: 0.012557, alpha: 0.378221, a: 0.185719, b: 0.705345 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(se[k] - published[k]) / published[k]).toBeLessThan(1e-3);
    expect(bgNbdConditionalExpected(fit.params, { x: 26, tx: 30.86, T: 31 }, 1)).toBeCloseTo(0.710623, 5);
    expect(bgNbdConditionalExpected(fit.params, { x: 29, tx: 37.71, T: 38 }, 1)).toBeCloseTo(0.662396, 5);
    expect(bgNbdConditionalExpected(fit.params, { x: 18, tx: 35.14, T: 35.86 }, 1)).toBeCloseTo(0.424877, 5);
  });
});

describe('CDNOW: Pareto/NBD (Fader, Hardie & Lee 2005; Fader & Hardie 2005 note)', () => {
  let fit: FitSuccess<'pareto-nbd', ParetoNbdParams>;
  beforeAll(() => {
    const f = fitParetoNbd(summary);
    if (!f.ok) throw new Error(f.reason);
    fit = f;
  });

  it('reproduces r = 0.553, α = 10.578, s = 0.606, β = 11.669 and LL = -9595.0', () => {
    expect(fit.converged).toBe(true);
    expect3sf(fit.params.r, 0.553);
    expect3sf(fit.params.alpha, 10.578);
    expect3sf(fit.params.s, 0.606);
    expect3sf(fit.params.beta, 11.669);
    expect(Math.abs(fit.logLik - -9595.0)).toBeLessThanOrEqual(0.05);
    expect(paretoNbdLogLik({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, summary)).toBeCloseTo(-9594.97, 2);
  });

  it('reaches the same optimum with L-BFGS (analytic gradient) and Nelder-Mead', () => {
    expect(fit.optimizer).toBe('lbfgs');
    const nm = fitParetoNbd(summary, { optimizer: 'nelder-mead' });
    if (!nm.ok) throw new Error(nm.reason);
    expect(nm.logLik).toBeCloseTo(fit.logLik, 6);
    // 1e-3 relative: β is weakly identified (SE 53% of β), so the likelihood is very flat along it.
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(Math.abs(nm.params[k] / fit.params[k] - 1)).toBeLessThan(1e-3);
  });

  it('matches the BTYD package: E[X(t)] for t = 0..9, E[Y(52) | 26, 30.86, 31] = 25.46, P(alive) = 0.9979', () => {
    // BTYD reference manual (pnbd.Expectation) and walkthrough vignette p. 8, as quoted in lifetimes' tests.
    const btyd = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    // BTYD's estimates differ from ours in the 4th figure (its optimiser stops earlier), hence 0.005.
    btyd.forEach((v, t) => expect(Math.abs(paretoNbdExpected(fit.params, t) - v)).toBeLessThan(0.005));
    expect(Math.abs(paretoNbdConditionalExpected(fit.params, { x: 26, tx: 30.86, T: 31 }, 52) - 25.46)).toBeLessThan(0.01);
    const btydParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    expect(Math.abs(paretoNbdPAlive(btydParams, { x: 26, tx: 30.86, T: 31 }) - 0.9979)).toBeLessThan(1e-4);
  });

  it('compares with BG/NBD by logLik / AIC / BIC: BG/NBD fits CDNOW slightly better (as published)', () => {
    const bg = fitBgNbd(summary);
    if (!bg.ok) throw new Error(bg.reason);
    const table = compareModels([fit, bg]);
    expect(table.map((r) => r.model)).toEqual(['bg-nbd', 'pareto-nbd']);
    expect(table[0]!.aic).toBeCloseTo(2 * 4 + 2 * 9582.43, 1);
    expect(table[0]!.bic).toBeCloseTo(4 * Math.log(2357) + 2 * 9582.43, 1);
  });
});

describe('CDNOW: Gamma-Gamma (Fader, Hardie & Lee 2005, JMR "RFM and CLV"; Fader & Hardie 2013 note)', () => {
  it('reproduces p = 6.25, q = 3.74, γ = 15.44 and the expected spend of the first ten customers', () => {
    const fit = fitGammaGamma(withSpend);
    if (!fit.ok) throw new Error(fit.reason);
    expect(fit.n).toBe(946); // repeat buyers
    expect3sf(fit.params.p, 6.25);
    expect3sf(fit.params.q, 3.74);
    expect3sf(fit.params.gamma, 15.44);
    // lifetimes Quickstart: Pearson corr(frequency, monetary value) = 0.113884 among repeat buyers.
    expect(assessSpendData(withSpend).frequencySpendCorrelation).toBeCloseTo(0.113884, 5);
    expect(fit.warnings).toEqual([]);
    // lifetimes Quickstart (docs/Quickstart.md, conditional_expected_average_profit on its own fit);
    // Hardie's spreadsheet (brucehardie.com/notes/025) gives the same to 2 decimals (24.65, 18.91, 35.17, ...).
    // 2e-3 absolute: the two fits agree to ~1e-4 relative in the parameters.
    const lifetimes = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
    withSpend.slice(0, 10).forEach((c, i) => {
      expect(Math.abs(gammaGammaConditionalSpend(fit.params, c.x, c.mx) - lifetimes[i]!)).toBeLessThan(2e-3);
    });
  });
});

describe('CDNOW: summaries built from the raw transaction log', () => {
  let customers: CustomerCalibration[];
  beforeAll(() => {
    const result = summariseTransactions(transactions, { calibrationEnd, holdoutEnd, mergeResolution: 1 / 7 });
    customers = result.customers;
    expect(result.excludedCustomers).toBe(0);
    expect(result.ignoredTransactions).toBe(0);
  });

  it('equal the published summary file (x exactly; t_x, T and zbar to the file’s 2 decimals)', () => {
    // Convention that reproduces the file: same-day purchases merged; T = (1997-09-30 - first purchase) / 7,
    // i.e. calibration ends at the start of its last day, not at 1997-10-01 (which would give T = 39.00).
    expect(customers.length).toBe(2357);
    for (const c of customers) {
      const row = withSpend[Number(c.customerId) - 1]!;
      expect(c.x).toBe(row.x);
      // 0.005 + float slack: the file rounds to 2 decimals
      expect(Math.abs(c.tx - row.tx)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.T - row.T)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.mx / 100 - row.mx)).toBeLessThanOrEqual(0.0051);
    }
  });

  it('holdout: BG/NBD and Pareto/NBD predict weeks 40-78 alike and within sanity bounds of the actual', () => {
    const bg = fitBgNbd(customers);
    const pn = fitParetoNbd(customers);
    if (!bg.ok || !pn.ok) throw new Error('fit failed');
    const actualPerWeek = repeatTransactionsPerPeriod(transactions, { origin: 0, periods: 78, mergeResolution: 1 / 7 });
    const report = holdoutReport(bg, customers, {
      holdoutLength: 39,
      tracking: { origin: 0, calibrationEnd, periods: 78, actual: actualPerWeek },
    });
    // Actual repeat purchases (same-day merged) in weeks 40-78, counted two independent ways.
    expect(report.totals.actual).toBe(1882);
    expect(actualPerWeek.slice(39).reduce((s, v) => s + v, 0)).toBe(1882);
    // Measured: BG/NBD 1,653, Pareto/NBD 1,666 (both under-forecast by ~12%, driven by the 1- and 2-time
    // buyers). FHL's headline finding is that the two models forecast almost identically: within 2% here.
    const pnTotal = holdoutReport(pn, customers, { holdoutLength: 39 }).totals.predicted;
    expect(Math.abs(report.totals.predicted - pnTotal) / report.totals.actual).toBeLessThan(0.02);
    expect(Math.abs(report.totals.relativeError)).toBeLessThan(0.15); // sanity bound, not a published figure
    // Tracking plot: cumulative expected repeat purchases at week 78 within 5% of actual (4,166 vs 4,339).
    const last = report.tracking![77]!;
    expect(last.actualCumulative).toBe(4339);
    expect(Math.abs(last.expectedCumulative - 4339) / 4339).toBeLessThan(0.05);
    expect(report.tracking![38]!.holdout).toBe(false);
    expect(report.tracking![39]!.holdout).toBe(true);
    // Conditional expectations by calibration frequency: 8 buckets, customers add up, 7+ buyers predicted within 10%.
    expect(report.byFrequency.map((b) => b.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(report.byFrequency.reduce((s, b) => s + b.customers, 0)).toBe(2357);
    const top = report.byFrequency[7]!;
    expect(Math.abs(top.predictedMean - top.actualMean) / top.actualMean).toBeLessThan(0.1);
  });
});
