import { afterAll, beforeAll, expect, it } from 'vitest';
import { assignControlGroup } from '../../analytics/campaign/index.js';
import { buildSnapshot } from '../analytics/snapshot.js';
import type { Db } from '../../storage/db.js';
import { campaignMembers } from '../../storage/actions.repo.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { createCampaign, exportCampaign, measureCampaign, sendCampaign } from './campaigns.js';
import { savePlan } from './plans.js';
import { addOrders, type TestOrder } from './test-helpers.js';

/**
 * A seeded campaign where the treated group buys more. 400 customers, each with one purchase
 * before the snapshot (all in ABC class A with cut-offs 1/1). 360 have a phone and SMS consent,
 * 20 a phone but no consent, 20 no phone. Control is 25% of the 360: 90; treatment 270.
 * After the send: every 5th-position treated customer x with x % 5 < 2 (40%) buys 1,000 with cost
 * 600, every 10th control customer (10%) the same. Orders before the send instant, after the
 * window, or cancelled do not count. Expected by hand:
 *   response 108/270 = 0.40 vs 9/90 = 0.10; revenue per customer 400 vs 100;
 *   incremental revenue (400 - 100) x 270 = 81,000; margin observed 1 - 600/1000 = 0.4 -> 32,400;
 *   cost: one customer withdraws consent before the send, so 269 x 50 + fixed 1,000 = 14,450;
 *   ROI = (32,400 - 14,450) / 14,450 = 1.2422...
 */
const NOW = new Date('2024-01-31T00:00:00.000Z');
const W = { actor: 'test', now: NOW.toISOString() };

function customerId(i: number): string {
  return `K${String(i).padStart(4, '0')}`;
}

describeEachDialect('campaigns with a control group', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    const before: TestOrder[] = [];
    for (let i = 1; i <= 400; i++) before.push({ id: `pre-${i}`, customer: customerId(i), date: '2024-01-10', lines: [{ sku: 'coat', amountMinor: 20_000 }] });
    await addOrders(db, before);
    for (let i = 1; i <= 400; i++) {
      const phone = i <= 380 ? `+8613900${String(i).padStart(5, '0')}` : null;
      await db.kysely.updateTable('customers').set({ phone, consent_sms: i <= 360 ? 1 : 0 }).where('external_id', '=', customerId(i)).execute();
    }
    await buildSnapshot(db, { asOf: '2024-01-31', options: { abc: { cutoffs: { A: 1, B: 1 } } }, actor: 'test', now: NOW });
  });
  afterAll(async () => db?.close());

  it('targets the segment, excludes and counts customers without consent, holds out a reproducible control group', async () => {
    const c = await createCampaign(
      db,
      { code: 'spring-sms', name: 'Spring preview', scheme: 'abc', segment: 'A', channel: 'sms', controlFraction: 0.25, costPerContactMinor: 50, fixedCostMinor: 1_000 },
      W,
    );
    expect(c.audience).toEqual({ segmentCustomers: 400, reachable: 360, excludedNoConsent: 20, excludedNoAddress: 20, treatment: 270, control: 90 });
    const control = (await campaignMembers(db.kysely, c.id, 'control')).map((m) => m.externalId).sort();
    const eligible = Array.from({ length: 360 }, (_, i) => customerId(i + 1));
    // the same code and audience give the same split, whatever the order
    expect(control).toEqual([...assignControlGroup('spring-sms', eligible.reverse(), 0.25).control].sort());
    await expect(createCampaign(db, { code: 'spring-sms', name: 'again', scheme: 'abc', segment: 'A', channel: 'sms' }, W)).rejects.toThrow(/taken/);
    await expect(createCampaign(db, { name: 'x', scheme: 'abc', segment: 'Z', channel: 'sms' }, W)).rejects.toThrow(/no customers/);
  });

  it('exports the treatment list for the SMS tool, checking consent again', async () => {
    const treated = await campaignMembers(db.kysely, (await db.kysely.selectFrom('campaigns').select('id').where('code', '=', 'spring-sms').executeTakeFirstOrThrow()).id, 'treatment');
    // one treated customer withdraws SMS consent after the campaign was set up
    await db.kysely.updateTable('customers').set({ consent_sms: 0 }).where('id', '=', treated[0]!.customerId).execute();
    const e = await exportCampaign(db, 'spring-sms');
    expect(e).toMatchObject({ rows: 269, reachable: 269, excludedNoConsent: 1, excludedNoAddress: 0 });
    const lines = e.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('external_id,name,phone,email,consent_sms,consent_email,channel,campaign,segment,content_type');
    expect(lines).toHaveLength(270);
    expect(lines[1]).toMatch(/^K\d{4},Customer K\d{4},\+8613900\d{5},,1,0,sms,spring-sms,A,$/);
  });

  it('records the send as contacts with cost, and measures uplift and ROI from later orders', async () => {
    const s = await sendCampaign(db, 'spring-sms', { sentAt: '2024-02-01T09:00:00.000Z' }, W);
    expect(s).toMatchObject({ logged: 269, costMinor: 269 * 50, excludedNoConsent: 1 });
    await expect(sendCampaign(db, 'spring-sms', {}, W)).rejects.toThrow(/already sent/);
    const contacts = await db.kysely.selectFrom('contacts').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('cost_minor').as('c')]).where('purpose', '=', 'campaign:spring-sms').executeTakeFirstOrThrow();
    expect([Number(contacts.n), Number(contacts.c)]).toEqual([269, 13_450]);

    const id = Number((await db.kysely.selectFrom('campaigns').select('id').where('code', '=', 'spring-sms').executeTakeFirstOrThrow()).id);
    const t = await campaignMembers(db.kysely, id, 'treatment');
    const c = await campaignMembers(db.kysely, id, 'control');
    const after: TestOrder[] = [];
    const buy = { sku: 'dress', amountMinor: 1_000, costMinor: 600 };
    t.forEach((m, x) => {
      if (x % 5 < 2) after.push({ id: `t-${m.externalId}`, customer: m.externalId, date: '2024-02-10', lines: [buy] });
    });
    c.forEach((m, x) => {
      if (x % 10 === 0) after.push({ id: `c-${m.externalId}`, customer: m.externalId, date: '2024-02-10', lines: [buy] });
      // none of these count: before the send instant, after the window, cancelled
      if (x % 10 === 1) after.push({ id: `c-early-${m.externalId}`, customer: m.externalId, date: '2024-02-01', time: '08:00:00', lines: [buy] });
      if (x % 10 === 2) after.push({ id: `c-late-${m.externalId}`, customer: m.externalId, date: '2024-03-03', lines: [buy] });
      if (x % 10 === 3) after.push({ id: `c-cancel-${m.externalId}`, customer: m.externalId, date: '2024-02-10', lines: [buy], status: 'cancelled' });
    });
    await addOrders(db, after);

    const r = await measureCampaign(db, 'spring-sms', { asOf: '2024-03-15' }, NOW);
    expect(r.window).toEqual({ from: '2024-02-01T09:00:00.000Z', to: '2024-03-02', days: 30, complete: true });
    expect(r.groups.treatment).toMatchObject({ customers: 270, responders: 108, revenueMinor: 108_000 });
    expect(r.groups.control).toMatchObject({ customers: 90, responders: 9, revenueMinor: 9_000 });
    // integer ratios in floats: 1e-12
    expect(r.response.difference).toBeCloseTo(0.3, 12);
    expect(r.response.ci.lower).toBeGreaterThan(0);
    expect(r.response.relativeLift).toBeCloseTo(3, 12);
    expect(r.revenue.difference).toBeCloseTo(300, 9);
    expect(r.revenue.ci!.lower).toBeGreaterThan(0);
    expect(r.marginSource).toBe('observed');
    expect(r.marginRate).toBeCloseTo(0.4, 12);
    expect(r.cost).toEqual({ contacts: 269, contactCostMinor: 13_450, fixedCostMinor: 1_000, totalMinor: 14_450 });
    expect(r.roi.incrementalRevenue).toBe(81_000);
    expect(r.roi.incrementalMargin).toBe(32_400);
    expect(r.roi.roi).toBeCloseTo((32_400 - 14_450) / 14_450, 9);

    const partial = await measureCampaign(db, 'spring-sms', { asOf: '2024-02-15', marginRate: 0.5 }, NOW);
    expect(partial.window.complete).toBe(false);
    expect(partial.marginSource).toBe('given');
  });

  it('takes scheme, channel and cost per contact from a contact plan', async () => {
    // 36,000 over 400 customers x 2 contacts a quarter = 45 per contact
    const plan = await savePlan(db, { name: 'all A', scheme: 'abc', budgetMinor: 36_000, segments: { A: { contacts: { min: 2 }, channels: ['email', 'sms'] } } }, W);
    // the plan's first consent channel is e-mail, and nobody has an address
    await expect(createCampaign(db, { code: 'from-plan', name: 'From plan', planId: plan.id, segment: 'A' }, W)).rejects.toThrow(/400 without an e-mail address/);
    const c = await createCampaign(db, { code: 'from-plan', name: 'From plan', planId: plan.id, segment: 'A', channel: 'sms' }, W);
    expect(c).toMatchObject({ scheme: 'abc', channel: 'sms', costPerContactMinor: 45, planId: plan.id, snapshotId: plan.snapshotId });
    // 359 still consent (one withdrew above)
    expect(c.audience).toMatchObject({ reachable: 359, excludedNoConsent: 21, excludedNoAddress: 20 });
  });
});
