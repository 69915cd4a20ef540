import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../analytics/snapshot.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { PatronError } from '../errors.js';
import { getPlan, listPlans, logPlanContacts, proposePlan, savePlan } from './plans.js';
import { addOrders, type TestOrder } from './test-helpers.js';

/**
 * The apparel-chain case of DOMAIN.md section 7, entered as data: 100 customers, of whom 14 make
 * 55% of sales, 34 make 35% and 52 make 10%. Per-customer sales a, b, c solve 14a : 34b : 52c =
 * 55 : 35 : 10 in whole fen with total 309,400: a = 12,155, b = 3,185, c = 595 (sums 170,170 /
 * 108,290 / 30,940). The snapshot's ABC classes reproduce the three groups with cut-offs chosen
 * strictly between the groups' cumulative shares (A: 13a/T = 0.511 < 0.53 <= 14a/T = 0.55;
 * B: (14a + 33b)/T = 0.890 < 0.895 <= 0.90), so no float lands on a boundary.
 */
const GROUPS = [
  { n: 14, amount: 12_155 },
  { n: 34, amount: 3_185 },
  { n: 52, amount: 595 },
];

function apparelOrders(): TestOrder[] {
  const out: TestOrder[] = [];
  let c = 0;
  for (const g of GROUPS) {
    for (let i = 0; i < g.n; i++) {
      c++;
      const id = `A${String(c).padStart(3, '0')}`;
      out.push({ id: `o-${id}`, customer: id, date: '2024-03-01', lines: [{ sku: 'dress', amountMinor: g.amount }] });
    }
  }
  return out;
}

const NOW = new Date('2024-06-30T12:00:00.000Z');
const W = { actor: 'test', now: NOW.toISOString() };

describeEachDialect('contact plans: the apparel-chain case as data', (dialect) => {
  let db: Db;
  let snapshotId: number;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    await addOrders(db, apparelOrders());
    const r = await buildSnapshot(db, { asOf: '2024-06-30', options: { abc: { cutoffs: { A: 0.53, B: 0.895 } } }, actor: 'test', now: NOW });
    snapshotId = r.snapshot.id;
  });
  afterAll(async () => db?.close());

  const apparelSettings = {
    A: { share: 60, contacts: { min: 5, max: 5 }, channels: ['sms'], contentType: 'private-sale notices, previews, personal gifts' },
    B: { share: 35, contacts: { min: 3 }, channels: ['sms', 'email'] },
    C: { share: 5, contacts: { max: 2 }, channels: ['email'], contentType: 'clearance, coupons' },
  };

  it('manual 60/35/5 gives spend per customer 4.3x, 1.0x and 0.1x the average', async () => {
    const p = await proposePlan(db, { scheme: 'abc', budgetMinor: 1_000_000, rule: 'manual', segments: apparelSettings });
    expect(p.snapshot.id).toBe(snapshotId);
    expect(p.segments.map((s) => [s.id, s.customers, s.sales])).toEqual([
      ['A', 14, 170_170],
      ['B', 34, 108_290],
      ['C', 52, 30_940],
    ]);
    // shares are integer ratios computed in floats: 1e-12
    expect(p.segments.map((s) => s.salesShare)).toEqual([0.55, 0.35, 0.1].map((x) => expect.closeTo(x, 12)));
    expect(p.segments.map((s) => s.budget)).toEqual([600_000, 350_000, 50_000]);
    expect(p.totals.averageSpendPerCustomer).toBe(10_000);
    // 60/14 = 4.2857, 35/34 = 1.0294, 5/52 = 0.0962 (DOMAIN.md: about 4.3x, 1.0x, 0.1x)
    expect(p.segments.map((s) => s.spendIndex!.toFixed(1))).toEqual(['4.3', '1.0', '0.1']);
    expect(p.segments[0]!.spendIndex).toBeCloseTo(60 / 14, 12);
    expect(p.segments[2]!.spendIndex).toBeCloseTo(5 / 52, 12);
    // budget per unit of sales: 600,000 / 170,170 and 50,000 / 30,940
    expect(p.segments[0]!.budgetPerSales).toBeCloseTo(600_000 / 170_170, 12);
    expect(p.segments[2]!.budgetPerSales).toBeCloseTo(50_000 / 30_940, 12);
    expect(p.segments.map((s) => s.contactsPerQuarter)).toEqual([
      { min: 5, max: 5, planned: 5 },
      { min: 3, max: null, planned: 3 },
      { min: null, max: 2, planned: 2 },
    ]);
    expect(p.segments[0]!.channels).toEqual(['sms']);
  });

  it("the 'sales' rule follows sales shares, within limits", async () => {
    const p = await proposePlan(db, { scheme: 'abc', budgetMinor: 1_000_000, rule: 'sales' });
    expect(p.segments.map((s) => s.budget)).toEqual([550_000, 350_000, 100_000]);
    const capped = await proposePlan(db, { scheme: 'abc', budgetMinor: 1_000_000, rule: 'sales', segments: { A: { maxShare: 0.5 }, C: { minShare: 0.15 } } });
    expect(capped.segments.map((s) => s.budget)).toEqual([500_000, 350_000, 150_000]);
    expect(capped.limitsApplied).toBe(true);
  });

  it("the 'predicted-value' rule reads each segment's summed CLV from the latest prediction run", async () => {
    await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 100, rule: 'predicted-value' })).rejects.toThrow(/run `patron predict` first/);
    // A prediction run written directly (the models are tested elsewhere): A customers 1,000 each,
    // B 500, C 100, except one C customer with no prediction possible (null) and one with no row.
    const run = await db.kysely.insertInto('prediction_runs').values({
      status: 'completed', as_of: '2024-06-30T00:00:00.000Z', as_of_day: 19904, period: 'week', period_days: 7, horizon: 52,
      annual_discount_rate: 0.1, margin: 1, model: 'bg-nbd', repeat_model_run_id: null, spend_model_run_id: null,
      spend_source: 'customer-mean', customers: 99, total_clv_minor: 0, expected_purchases: 0, parameters: '{}', warnings: '[]',
      error: null, timings: null, actor: 'test', created_at: NOW.toISOString(),
    } as never).returning('id').executeTakeFirstOrThrow();
    const customers = await db.kysely.selectFrom('customers').select(['id', 'external_id']).orderBy('external_id').execute();
    const clvOf = (n: number) => (n <= 14 ? 1000 : n <= 48 ? 500 : n === 99 ? null : 100);
    const rows = customers.filter((c) => c.external_id !== 'A100').map((c) => {
      const n = Number(c.external_id.slice(1));
      return { run_id: Number(run.id), customer_id: c.id, x: 1, first_day: 19783, last_day: 19783, p_alive: 0.5, expected_purchases: 1,
        expected_order_value_minor: null, clv_minor: clvOf(n), clv_if_active_minor: null, days_to_next_if_active: null };
    });
    await db.kysely.insertInto('customer_predictions').values(rows).execute();
    const p = await proposePlan(db, { scheme: 'abc', budgetMinor: 1_000_000, rule: 'predicted-value' });
    // A 14 x 1,000; B 34 x 500; C 50 x 100 (A099 null, A100 without a row)
    expect(p.segments.map((s) => [s.id, s.predictedValue])).toEqual([['A', 14_000], ['B', 17_000], ['C', 5_000]]);
    expect(p.segments.map((s) => s.budget)).toEqual([388_889, 472_222, 138_889]);
    expect(p.predictions).toEqual({ runId: Number(run.id), asOf: '2024-06-30T00:00:00.000Z', customersPredicted: 98 });
    // A value given by the user wins over the stored one.
    const given = await proposePlan(db, { scheme: 'abc', budgetMinor: 1_000_000, rule: 'predicted-value', segments: { C: { predictedValueMinor: 0 } } });
    expect(given.segments.map((s) => s.predictedValue)).toEqual([14_000, 17_000, 0]);
    await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 1, rule: 'predicted-value', predictionRunId: 9999 })).rejects.toThrow(/not found/);
    await db.kysely.deleteFrom('customer_predictions').execute();
    await db.kysely.deleteFrom('prediction_runs').execute();
  });

  it('rejects unknown segments and missing inputs', async () => {
    await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 100, rule: 'manual', segments: { Z: { share: 1 } } })).rejects.toThrow(/no abc segment "Z"/);
    await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 100, rule: 'predicted-value' })).rejects.toThrow(PatronError);
    await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 100, snapshotId: 999 })).rejects.toThrow(/not found/);
  });

  it('saves a plan, logs contacts with cost (consent respected), and the next snapshot counts them as cost to serve', async () => {
    const saved = await savePlan(db, { name: 'Q3 apparel', scheme: 'abc', budgetMinor: 1_000_000, rule: 'manual', segments: apparelSettings }, W);
    expect(saved.segments.map((s) => s.budgetMinor)).toEqual([600_000, 350_000, 50_000]);
    expect(saved.segments[0]!.spendIndex!.toFixed(1)).toBe('4.3');
    // 600,000 fen over 14 customers x 5 contacts
    expect(saved.segments[0]!.spendPerContact).toBeCloseTo(600_000 / 70, 9);
    expect((await listPlans(db)).map((p) => p.name)).toContain('Q3 apparel');

    // 10 of the 14 top customers have a phone and SMS consent; 2 have a phone but no consent; 2 no phone.
    const top = await db.kysely.selectFrom('customers').select('id').where('external_id', '<=', 'A014').orderBy('external_id').execute();
    for (const [i, c] of top.entries()) {
      await db.kysely
        .updateTable('customers')
        .set({ phone: i < 12 ? `+86138000000${String(i).padStart(2, '0')}` : null, consent_sms: i < 10 ? 1 : 0 })
        .where('id', '=', c.id)
        .execute();
    }
    const r = await logPlanContacts(db, saved.id, { segment: 'A', date: '2024-07-01' }, W);
    expect(r).toMatchObject({ channel: 'sms', reachable: 10, excludedNoConsent: 2, excludedNoAddress: 2, logged: 10, alreadyLogged: 0 });
    expect(r.costPerContactMinor).toBe(Math.round(600_000 / 70)); // 8,571 fen
    expect(r.costMinor).toBe(10 * 8_571);
    const again = await logPlanContacts(db, saved.id, { segment: 'A', date: '2024-07-01' }, W);
    expect(again).toMatchObject({ logged: 0, alreadyLogged: 10 });
    const plan = await getPlan(db, saved.id);
    expect(plan.segments[0]!.logged).toEqual({ contacts: 10, customers: 10, costMinor: 85_710 });
    expect(plan.logged.costMinor).toBe(85_710);

    const next = await buildSnapshot(db, { asOf: '2024-07-31', actor: 'test', now: NOW });
    const cts = await db.kysely
      .selectFrom('customer_snapshot_metrics')
      .select((eb) => eb.fn.sum<number>('cost_to_serve_minor').as('c'))
      .where('snapshot_id', '=', next.snapshot.id)
      .executeTakeFirstOrThrow();
    expect(Number(cts.c)).toBe(85_710);
  });
});

describe('contact plans without a snapshot', () => {
  it('says to run the analysis first', async () => {
    const db = await createTestDb('sqlite');
    try {
      await expect(proposePlan(db, { scheme: 'abc', budgetMinor: 100 })).rejects.toThrow(/patron analyze/);
    } finally {
      await db.close();
    }
  });
});
