import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { createDb, type Db } from '../../storage/db.js';
import { migrate } from '../../storage/migrate.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { addContact, updateCustomer } from '../customers/customers.js';
import { importOrdersFile } from '../import/import-orders.js';
import { buildReport } from './reports.js';
import { buildSnapshot } from './snapshot.js';
import type { ClvReportData } from './clv.js';

/**
 * DOMAIN.md section 4, "1 = 12800": software vendor H and design firm A over five years, entered
 * as real data: orders through the CSV importer, referrals and costs as customer data, then the
 * normal pipeline (analyze, then the CLV report). Amounts in yuan; the business currency has 2
 * decimals, so 800 yuan is 80,000 minor units. Year 1 = 2019.
 *
 * Modelled faithfully: A's year-1 cost of 850 is the acquisition cost; the 100 a year after that
 * is cost to serve, entered as one service contact a year. Software licences cost nothing to
 * deliver (unit cost 0). The referred customers have no costs, as in the source.
 */
const Y = (i: number) => 2018 + i; // year i of the case (1..5)

// A's purchases per year (base product, then upgrade + cross-sell): 800, 500+250, 500+200, 250+250, 3000+200.
const A_PURCHASES: [number, number | null][] = [[800, null], [500, 250], [500, 200], [250, 250], [3000, 200]];
// Each referred customer buys like A did, starting in the year they were referred:
// base 800, then 750, 700, 500 (DOMAIN.md's "referred customers' purchases" column).
const REFERRED_PATTERN = [800, 750, 700, 500];
// R1 referred in year 2, R2 in year 3, R3 and R4 in year 4.
const REFERRALS: [string, number][] = [['R1', 2], ['R2', 3], ['R3', 4], ['R4', 4]];

function caseCsv(): string {
  const rows = ['order_id,customer_id,customer_name,date,sku,description,amount,unit_cost'];
  A_PURCHASES.forEach(([a, b], i) => {
    const date = `${Y(i + 1)}-03-01`;
    rows.push(`A-${i + 1},A,Design firm A,${date},${i === 0 ? 'BASE' : 'UPGRADE'},${i === 0 ? 'Base product' : 'Upgrade'},${a}.00,0`);
    if (b !== null) rows.push(`A-${i + 1},A,Design firm A,${date},ADDON,Cross-sell,${b}.00,0`);
  });
  for (const [r, start] of REFERRALS) {
    for (let k = 0; start + k <= 5; k++) {
      rows.push(`${r}-${k + 1},${r},Referred ${r},${Y(start + k)}-06-15,${k === 0 ? 'BASE' : 'UPGRADE'},Licence,${REFERRED_PATTERN[k]}.00,0`);
    }
  }
  return rows.join('\n') + '\n';
}

const NOW = new Date('2024-06-30T12:00:00.000Z');
const yuan = (minor: number) => minor / 100;

/** Referrals, acquisition cost and service costs, entered through the customer use cases. */
async function enterCustomerData(db: Db): Promise<void> {
  const w = { actor: 'test', now: NOW.toISOString() };
  const idOf = async (ext: string) => (await db.kysely.selectFrom('customers').select('id').where('external_id', '=', ext).executeTakeFirstOrThrow()).id;
  const a = await idOf('A');
  await updateCustomer(db.kysely, a, { acquisitionCostMinor: 85_000 }, w);
  for (const [r] of REFERRALS) await updateCustomer(db.kysely, await idOf(r), { referredByExternalId: 'A' }, w);
  for (let i = 2; i <= 5; i++) {
    await addContact(db.kysely, a, { occurredAt: `${Y(i)}-09-01T10:00:00Z`, channel: 'support', direction: 'outbound', purpose: 'annual service', costMinor: 10_000 }, 'UTC', w);
  }
}

function expectTheCase(d: ClvReportData): void {
  const c = d.customer!;
  expect(c.externalId).toBe('A');
  const h = c.history;
  // Per-year profit of A with their referrals: -50, 1,450, 2,150, 3,450, 5,800.
  expect(h.byPeriod.map((p) => p.period)).toEqual([2019, 2020, 2021, 2022, 2023]);
  expect(h.byPeriod.map((p) => yuan(p.totalProfitMinor))).toEqual([-50, 1450, 2150, 3450, 5800]);
  expect(h.byPeriod.map((p) => yuan(p.own.revenueMinor))).toEqual([800, 750, 700, 500, 3200]);
  expect(h.byPeriod.map((p) => yuan(p.referredTree.revenueMinor))).toEqual([0, 800, 1550, 3050, 2700]);
  // Total profit 12,800; A's own purchases after year 1: 5,150; referred purchases: 8,100.
  expect(yuan(h.totalProfitMinor)).toBe(12_800);
  expect(yuan(c.ownRevenueAfterFirstPeriodMinor)).toBe(5150);
  expect(yuan(h.referredTree.revenueMinor)).toBe(8100);
  expect(yuan(h.referredDirect.revenueMinor)).toBe(8100); // one level here: the whole tree is direct
  expect(h.directReferrals).toEqual(['R1', 'R2', 'R3', 'R4']);
  // The formula as printed (no cost to serve): 5 x 1,190 - 850 + 8,100 = 13,200; with A's 4 x 100 service cost, 12,800.
  expect(c.formula.transactions).toBe(5);
  expect(yuan(c.formula.averagePurchaseMinor!)).toBe(1190);
  expect(yuan(c.formula.formulaMinor)).toBe(13_200);
  expect(yuan(c.formula.costToServeMinor)).toBe(400);
  expect(yuan(c.formula.formulaNetMinor)).toBe(12_800);
  // The company, each customer once, has the same per-year profit (only A has costs).
  expect(d.company.map((p) => yuan(p.profitMinor))).toEqual([-50, 1450, 2150, 3450, 5800]);
  expect(d.referrers.map((r) => [r.customerId, yuan(r.totalProfitMinor)])).toEqual([['A', 12_800]]);
}

describeEachDialect('"1 = 12800" (DOMAIN.md section 4) through import, analyze and the CLV report', (dialect) => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    dir = mkdtempSync(join(tmpdir(), 'patron-12800-'));
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes out of the normal pipeline as 12,800', async () => {
    const csv = join(dir, 'h-vendor-orders.csv');
    writeFileSync(csv, caseCsv());
    const imp = await importOrdersFile(db, csv, {});
    expect(imp).toMatchObject({ rejected: 0, orders: 5 + 4 + 3 + 2 + 2, customersCreated: 5 });
    await enterCustomerData(db);

    const snap = await buildSnapshot(db, { asOf: '2023-12-31', actor: 'test', now: NOW });
    // A: 5,950 bought - 850 acquisition - 400 service = 4,700; R1..R4: 8,100 with no costs.
    expect(yuan(snap.totals.profitMinor)).toBe(12_800);
    expect(yuan(snap.totals.revenueMinor)).toBe(5950 + 8100);
    expect(yuan(snap.totals.costToServeMinor)).toBe(400);
    expect(yuan(snap.totals.acquisitionCostMinor)).toBe(850);

    const report = await buildReport(db, 'clv', { snapshotId: snap.snapshot.id, customer: 'A', lang: 'en' });
    expectTheCase(report.data as ClvReportData);
    // The printed table follows DOMAIN.md's layout, with a cumulative column ending at 12,800.
    const table = report.tables[0]!;
    expect(table.rows.map((r) => r[6])).toEqual([-5000, 145000, 215000, 345000, 580000, 1280000]);
    expect(table.rows.at(-2)![7]).toBe(1_280_000);
  });

  it('counts only what happened by the as-of date', async () => {
    const snap = await buildSnapshot(db, { asOf: '2020-12-31', actor: 'test', now: NOW });
    const d = (await buildReport(db, 'clv', { snapshotId: snap.snapshot.id, customer: 'A' })).data as ClvReportData;
    expect(d.customer!.history.byPeriod.map((p) => yuan(p.totalProfitMinor))).toEqual([-50, 1450]);
    expect(d.customer!.history.treeReferrals).toBe(4); // referred later, with nothing bought yet
  });
});

/** Runs the CLI in-process and captures what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(['node', 'patron', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('"1 = 12800" through the patron CLI (SQLite file)', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patron-12800-cli-'));
    file = join(dir, 'p.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports, analyzes and reports with exact JSON', async () => {
    const csv = join(dir, 'orders.csv');
    writeFileSync(csv, caseCsv());
    expect((await cli('--db', file, 'import', 'orders', csv, '--json')).code).toBe(0);
    const db = createDb({ sqlitePath: file });
    await migrate(db);
    await enterCustomerData(db);
    await db.close();

    const an = await cli('--db', file, 'analyze', '--as-of', '2023-12-31', '--json');
    expect(an.code).toBe(0);
    const snap = JSON.parse(an.out) as { snapshot: { id: number; asOf: string }; totals: { profitMinor: number } };
    expect(snap.snapshot.asOf).toBe('2023-12-31');
    expect(snap.totals.profitMinor).toBe(1_280_000);

    const clv = await cli('--db', file, 'report', 'clv', '--customer', 'A', '--json');
    expect(clv.code).toBe(0);
    expectTheCase((JSON.parse(clv.out) as { data: ClvReportData }).data);

    const table = await cli('--db', file, 'report', 'clv', '--customer', 'A', '--lang', 'zh-CN');
    expect(table.out).toMatch(/客户 A 的历史价值/);
    expect(table.out).toMatch(/12,800\.00/);

    // Member lists export as CSV: the tier pyramid puts A (4,700) among the most profitable.
    const members = await cli('--db', file, 'report', 'tiers', '--segment', 'platinum', '--format', 'csv', '--lang', 'en');
    expect(members.code).toBe(0);
    const lines = members.out.trim().split('\n');
    expect(lines[0]).toMatch(/^customer_id,external_id,name,/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toContain('A');

    const bad = await cli('--db', file, 'report', 'pareto');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown report "pareto"/);
  });
});
