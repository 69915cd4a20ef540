import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MigrationResult } from '../../analytics/migration/index.js';
import type { CohortResult } from '../../analytics/cohorts/index.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { sharedDataPath } from '../../test-support/paths.js';
import { importOrdersFile } from '../import/import-orders.js';
import { buildReport } from './reports.js';
import { buildSnapshot, loadSnapshot } from './snapshot.js';

/**
 * CDNOW (23,570 customers, Q1-1997 cohort, to 1998-06-30) imported through the normal importer
 * and analyzed in SQL on each engine, against a deliberately simple implementation written here
 * over the raw file: plain loops and sorts, the tie rules of docs/analytics/value.md restated
 * (RFM: score = 1 + floor(5 * customers strictly worse / n); deciles: top groups take the
 * remainder, equal spend split by customer id; ABC: the customer who crosses 80 % is A).
 */

function cents(dollars: string): number {
  const [i, f = ''] = dollars.split('.');
  return Number(i) * 100 + Number((f + '00').slice(0, 2));
}

function dayOf(yyyymmdd: string): number {
  return Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))) / 86_400_000;
}

interface Simple {
  r: number;
  f: number;
  m: number;
  eightWay: string;
  decile: number;
  abc: string;
}

/** The independent implementation: one pass over the file, then the rules by hand. */
function simpleAnalysis(asOf: string): { byId: Map<string, Simple>; cumulativeCustomers: number[]; cohortSizes: Map<string, number>; totalCents: number } {
  const asOfDay = dayOf(asOf.replace(/-/g, ''));
  const cust = new Map<string, { last: number; first: string; days: Set<number>; cents: number }>();
  for (const lineText of readFileSync(sharedDataPath('cdnow_master.txt'), 'utf8').split(/\r?\n/).slice(1)) {
    const parts = lineText.trim().split(/\s+/);
    if (parts.length < 4) continue;
    const [id, date, , dollars] = parts as [string, string, string, string];
    const day = dayOf(date);
    if (day > asOfDay) continue;
    const c = cust.get(id) ?? { last: -Infinity, first: date, days: new Set<number>(), cents: 0 };
    c.last = Math.max(c.last, day);
    if (date < c.first) c.first = date;
    c.days.add(day);
    c.cents += cents(dollars);
    cust.set(id, c);
  }
  const ids = [...cust.keys()];
  const n = ids.length;
  const recency = ids.map((id) => asOfDay - cust.get(id)!.last);
  const freq = ids.map((id) => cust.get(id)!.days.size);
  const money = ids.map((id) => cust.get(id)!.cents);

  // Customers strictly worse than each value: for R (fewer days is better) those with more days.
  const strictlyWorse = (values: number[], higherIsBetter: boolean): number[] => {
    const sorted = [...values].sort((a, b) => a - b);
    const below = new Map<number, number>();
    for (let i = 0; i < sorted.length; i++) if (!below.has(sorted[i]!)) below.set(sorted[i]!, i);
    return values.map((v) => {
      const lower = below.get(v)!;
      if (higherIsBetter) return lower;
      let equalOrLower = lower;
      while (equalOrLower < n && sorted[equalOrLower] === v) equalOrLower++;
      return n - equalOrLower;
    });
  };
  const score = (worse: number) => 1 + Math.floor((5 * worse) / n);
  const rw = strictlyWorse(recency, false);
  const fw = strictlyWorse(freq, true);
  const mw = strictlyWorse(money, true);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / n; // sums here are small integers: exact in doubles
  const [mr, mf, mm] = [mean(recency), mean(freq), mean(money)];

  const ranked = ids.map((id, i) => ({ id, v: money[i]! })).sort((a, b) => b.v - a.v || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const decile = new Map<string, number>();
  let pos = 0;
  for (let d = 0; d < 10; d++) {
    const size = Math.floor(n / 10) + (d < n % 10 ? 1 : 0);
    for (let k = 0; k < size; k++) decile.set(ranked[pos++]!.id, d + 1);
  }
  const positive = ranked.reduce((s, x) => s + (x.v > 0 ? x.v : 0), 0);
  const abc = new Map<string, string>();
  let before = 0;
  for (const x of ranked) {
    if (x.v <= 0) abc.set(x.id, 'C');
    else abc.set(x.id, before / positive < 0.8 ? 'A' : before / positive < 0.95 ? 'B' : 'C');
    before += Math.max(0, x.v);
  }
  // Purchase deciles: customers needed (top first) to reach k x 10 % of sales.
  const cumulativeCustomers: number[] = [];
  let sum = 0;
  let count = 0;
  for (let k = 1; k <= 10; k++) {
    while (sum * 10 < k * positive) {
      sum += ranked[count]!.v;
      count++;
    }
    cumulativeCustomers.push(count);
  }
  const byId = new Map<string, Simple>();
  ids.forEach((id, i) => {
    const code = `R${recency[i]! <= mr ? '+' : '-'}F${freq[i]! >= mf ? '+' : '-'}M${money[i]! >= mm ? '+' : '-'}`;
    byId.set(id, { r: score(rw[i]!), f: score(fw[i]!), m: score(mw[i]!), eightWay: code, decile: decile.get(id)!, abc: abc.get(id)! });
  });
  const cohortSizes = new Map<string, number>();
  for (const c of cust.values()) {
    const month = `${c.first.slice(0, 4)}-${c.first.slice(4, 6)}`;
    cohortSizes.set(month, (cohortSizes.get(month) ?? 0) + 1);
  }
  return { byId, cumulativeCustomers, cohortSizes, totalCents: money.reduce((a, b) => a + b, 0) };
}

const EIGHT_WAY_CODE: Record<string, string> = {
  'important-value': 'R+F+M+', 'important-development': 'R+F-M+', 'important-retention': 'R-F+M+', 'important-recall': 'R-F-M+',
  'general-value': 'R+F+M-', 'general-development': 'R+F-M-', 'general-retention': 'R-F+M-', 'general-recall': 'R-F-M-',
};

const END = '1998-06-30';
const expected = simpleAnalysis(END);
const NOW = new Date('2024-06-30T12:00:00.000Z');

describeEachDialect('CDNOW through the SQL pipeline vs a simple implementation', (dialect) => {
  let db: Db;
  let endSnapshot: number;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    const s = await importOrdersFile(db, sharedDataPath('cdnow_master.txt'), {});
    expect(s.rejected).toBe(0);
    endSnapshot = (await buildSnapshot(db, { asOf: END, actor: 'test', now: NOW })).snapshot.id;
  });
  afterAll(async () => {
    await db.close();
  });

  it('gives every customer the same RFM scores, eight-way segment, monetary decile and ABC class', async () => {
    const rows = await db.kysely
      .selectFrom('customer_snapshot_metrics as m')
      .innerJoin('customers as c', 'c.id', 'm.customer_id')
      .select(['c.external_id', 'm.r_score', 'm.f_score', 'm.m_score', 'm.eight_way', 'm.monetary_decile', 'm.abc_class'])
      .where('m.snapshot_id', '=', endSnapshot)
      .execute();
    expect(rows).toHaveLength(23_570);
    expect(expected.byId.size).toBe(23_570);
    const mismatches: string[] = [];
    for (const r of rows) {
      const e = expected.byId.get(r.external_id)!;
      const got: Simple = { r: r.r_score, f: r.f_score, m: r.m_score, eightWay: EIGHT_WAY_CODE[r.eight_way]!, decile: r.monetary_decile, abc: r.abc_class };
      if (JSON.stringify(got) !== JSON.stringify(e)) mismatches.push(`${r.external_id}: got ${JSON.stringify(got)}, expected ${JSON.stringify(e)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('stores summaries that agree with the rows and with the simple implementation', async () => {
    const { summary } = await loadSnapshot(db, endSnapshot);
    expect(summary.purchaseDeciles.revenue.slices.map((s) => s.cumulativeCustomers)).toEqual(expected.cumulativeCustomers);
    // Published in docs/analytics/value.md from the pure functions: 102 customers make the first 10 % of sales.
    expect(expected.cumulativeCustomers[0]).toBe(102);
    const counts = await db.kysely
      .selectFrom('customer_snapshot_metrics')
      .select(['abc_class', (eb) => eb.fn.countAll<number>().as('n')])
      .where('snapshot_id', '=', endSnapshot)
      .groupBy('abc_class')
      .orderBy('abc_class')
      .execute();
    expect(counts.map((c) => [c.abc_class, Number(c.n)])).toEqual(summary.abc.classes.filter((c) => c.customers > 0).map((c) => [c.class, c.customers]));
    expect(summary.abc.classes.slice(0, 3).map((c) => c.customers)).toEqual([7695, 8044, 7831]); // docs/analytics/value.md
    expect(summary.totals.revenueMinor).toBe(expected.totalCents);
  });

  it('groups cohorts in SQL: sizes by first-purchase month, everyone active in their first month', async () => {
    const report = await buildReport(db, 'cohorts', { snapshotId: endSnapshot });
    const c = report.data as CohortResult;
    expect(c.cohorts.map((x) => [x.cohortMonth, x.size])).toEqual([...expected.cohortSizes.entries()].sort());
    for (const row of c.cohorts) expect(row.retention[0]).toBe(1);
    expect(c.asOfMonth).toBe('1998-06');
    const revenue = c.cohorts.reduce((s, row) => s + row.revenueMinor.reduce<number>((a, b) => a + (b ?? 0), 0), 0);
    expect(revenue).toBe((await loadSnapshot(db, endSnapshot)).summary.totals.revenueMinor);
  });

  it('migrates segments between two dates with matrix totals equal to the customer counts', async () => {
    const early = (await buildSnapshot(db, { asOf: '1997-02-28', actor: 'test', now: NOW })).snapshot;
    const late = (await buildSnapshot(db, { asOf: '1997-12-31', actor: 'test', now: NOW })).snapshot;
    expect(early.customers).toBeLessThan(late.customers);
    expect(late.customers).toBe(23_570);
    for (const scheme of ['rfm', 'eight-way', 'decile'] as const) {
      const report = await buildReport(db, 'migration', { fromId: early.id, toId: late.id, scheme });
      const m = report.data as MigrationResult;
      const total = m.counts.flat().reduce((a, b) => a + b, 0);
      const rowTotals = m.counts.map((r) => r.reduce((a, b) => a + b, 0));
      const colTotals = m.to.map((_, j) => m.counts.reduce((a, r) => a + r[j]!, 0));
      // Everyone in the later snapshot is somewhere in a column other than (gone); everyone in the earlier one in a row other than (new).
      expect(total).toBe(late.customers + m.totals.gone);
      expect(rowTotals.slice(0, -1).reduce((a, b) => a + b, 0)).toBe(early.customers);
      expect(colTotals.slice(0, -1).reduce((a, b) => a + b, 0)).toBe(late.customers);
      expect(m.totals).toMatchObject({ before: early.customers, after: late.customers, new: late.customers - early.customers, gone: 0 });
      expect(m.totals.stayed + m.totals.moved).toBe(early.customers);
    }
    // Row totals per segment equal the earlier snapshot's own segment counts.
    const rfm = (await buildReport(db, 'migration', { fromId: early.id, toId: late.id, scheme: 'rfm' })).data as MigrationResult;
    const { summary } = await loadSnapshot(db, early.id);
    for (const s of summary.rfm.segments!) {
      const i = rfm.from.indexOf(s.id);
      expect(i >= 0 ? rfm.counts[i]!.reduce((a, b) => a + b, 0) : 0).toBe(s.customers);
    }
    // The default pair is the two newest snapshots.
    const byDefault = await buildReport(db, 'migration', {});
    expect(byDefault).toMatchObject({ fromSnapshot: { id: early.id }, snapshot: { id: late.id } });
  });
});
