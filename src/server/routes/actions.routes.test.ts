import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../domain/analytics/snapshot.js';
import { addDays, addOrders, type TestOrder } from '../../domain/actions/test-helpers.js';
import type { Db } from '../../storage/db.js';
import { createTestDb } from '../../test-support/databases.js';
import { bearer, TEST_NOW, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

/**
 * The actions API over a small shop (SQLite; the domain tests run both engines): 60 customers,
 * 40 of whom buy a TV (30 with a cable) on 2024-01-02 and 12 of those a soundbar 20 days later;
 * 20 buy only a cable. Half have SMS consent.
 */
const D0 = '2024-01-02';
function orders(): TestOrder[] {
  const out: TestOrder[] = [];
  for (let i = 1; i <= 60; i++) {
    const c = `C${String(i).padStart(3, '0')}`;
    if (i <= 40) out.push({ id: `${c}-1`, customer: c, date: D0, lines: i <= 30 ? [{ sku: 'tv', category: 'tv', amountMinor: 300_000 }, { sku: 'cable', category: 'acc', amountMinor: 2_000 }] : [{ sku: 'tv', category: 'tv', amountMinor: 300_000 }] });
    else out.push({ id: `${c}-1`, customer: c, date: D0, lines: [{ sku: 'cable', category: 'acc', amountMinor: 2_000 }] });
    if (i <= 12) out.push({ id: `${c}-2`, customer: c, date: addDays(D0, 20), lines: [{ sku: 'soundbar', category: 'audio', amountMinor: 100_000 }] });
  }
  out.push({ id: 'last', customer: 'C060', date: '2024-06-01', lines: [{ sku: 'cable', category: 'acc', amountMinor: 2_000 }] });
  return out;
}

describe('actions routes [sqlite]', () => {
  let db: Db;
  let app: App;
  let marketing: string;
  let staff: string;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await addOrders(db, orders());
    await db.kysely.updateTable('customers').set({ phone: '+8613800000000', consent_sms: 1 }).where('external_id', '<=', 'C030').execute();
    await buildSnapshot(db, { asOf: '2024-06-30', options: { abc: { cutoffs: { A: 0.5, B: 0.9 } } }, actor: 'test', now: TEST_NOW });
    app = testApp(db);
    marketing = (await bearer(db, 'marketing')).authorization;
    staff = (await bearer(db, 'staff')).authorization;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const get = (url: string, authorization = marketing) => app.inject({ method: 'GET', url, headers: { authorization } });
  const post = (url: string, payload?: unknown, authorization = marketing) =>
    app.inject({ method: 'POST', url, headers: { authorization }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('needs analytics:read to read and campaigns:write to save', async () => {
    expect((await get('/api/actions/rules', staff)).statusCode).toBe(403);
    expect((await post('/api/actions/rules', {}, staff)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/actions/rules' })).statusCode).toBe(401);
  });

  it('GET /api/actions/rules mines rules; bad thresholds are a 400', async () => {
    const res = await get('/api/actions/rules?minSupport=0.1&minConfidence=0.5&minLength=2');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    // cable => tv: 30 of 50 cable baskets; tv => cable: 30 of 40 TV baskets
    expect(r.data).toEqual({ orders: 73, baskets: 73, items: 3, minCount: 8 });
    const tvCable = r.rules.find((x: { antecedent: { key: string }[] }) => x.antecedent[0]!.key === 'tv');
    expect(tvCable.confidence).toBeCloseTo(0.75, 12);
    expect((await get('/api/actions/rules?minSupport=2')).statusCode).toBe(400);
    expect((await get('/api/actions/rules?level=brand')).statusCode).toBe(400);
  });

  it('GET /api/actions/sequences and saving both pattern sets', async () => {
    const res = await get('/api/actions/sequences?within=30&minCount=1&level=category');
    expect(res.statusCode).toBe(200);
    const p = res.json().patterns.find((x: { antecedent: { key: string }; consequent: { key: string } }) => x.antecedent.key === 'tv' && x.consequent.key === 'audio');
    expect(p).toMatchObject({ countAntecedent: 40, count: 12 });
    expect(p.confidence).toBeCloseTo(0.3, 12);
    expect((await post('/api/actions/rules', { minSupport: 0.1, minConfidence: 0.5, minLength: 2 })).statusCode).toBe(201);
    expect((await post('/api/actions/sequences', { within: 30, minCount: 1 })).statusCode).toBe(201);
    const sets = (await get('/api/actions/pattern-sets')).json().items;
    expect(sets.map((s: { kind: string }) => s.kind).sort()).toEqual(['rules', 'sequences']);
  });

  it('GET /api/customers/:id/suggestions for the 360', async () => {
    const c31 = await db.kysely.selectFrom('customers').select('id').where('external_id', '=', 'C031').executeTakeFirstOrThrow();
    const res = await get(`/api/customers/${c31.id}/suggestions?asOf=${addDays(D0, 5)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().suggestions.map((s: { item: { key: string }; source: string }) => [s.item.key, s.source])).toEqual([
      ['cable', 'rule'],
      ['soundbar', 'sequence'],
    ]);
    expect((await get('/api/customers/99999/suggestions')).statusCode).toBe(404);
  });

  it('plans: propose, save, read, log contacts', async () => {
    const body = { scheme: 'abc', budgetMinor: 100_000, rule: 'manual', segments: { A: { share: 60, contacts: { min: 5, max: 5 }, channels: ['sms'] }, B: { share: 35 }, C: { share: 5 } } };
    const proposal = await post('/api/actions/plans/propose', body);
    expect(proposal.statusCode, proposal.body).toBe(200);
    expect(proposal.json().segments.map((s: { budget: number }) => s.budget).reduce((a: number, b: number) => a + b, 0)).toBe(100_000);
    const saved = await post('/api/actions/plans', { ...body, name: 'API plan' });
    expect(saved.statusCode, saved.body).toBe(201);
    const id = saved.json().id;
    expect((await get(`/api/actions/plans/${id}`)).json().name).toBe('API plan');
    expect((await get('/api/actions/plans')).json().items).toHaveLength(1);
    const logged = await post(`/api/actions/plans/${id}/contacts`, { segment: 'A', date: '2024-07-01', costPerContactMinor: 30 });
    expect(logged.statusCode, logged.body).toBe(200);
    expect(logged.json().logged + logged.json().excludedNoConsent + logged.json().excludedNoAddress).toBe(saved.json().segments[0].customers);
    expect((await post('/api/actions/plans/propose', { ...body, scheme: 'colour' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PATCH', url: `/api/actions/plans/${id}`, headers: { authorization: marketing }, payload: { status: 'active' } })).json().status).toBe('active');
  });

  it('campaigns: create, export CSV, send, results', async () => {
    const created = await post('/api/actions/campaigns', { code: 'api-1', name: 'API campaign', scheme: 'abc', segment: 'A', channel: 'sms', controlFraction: 0.2, costPerContactMinor: 10 });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c.audience.treatment + c.audience.control).toBe(c.audience.reachable);
    const csv = await get('/api/actions/campaigns/api-1/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('external_id,name,phone,email,consent_sms,consent_email,channel,campaign,segment,content_type');
    expect(Number(csv.headers['x-patron-rows'])).toBe(c.audience.treatment);
    expect((await get('/api/actions/campaigns/api-1/results')).statusCode).toBe(409);
    const sent = await post(`/api/actions/campaigns/${c.id}/send`, { sentAt: '2024-07-01T09:00:00Z' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().logged).toBe(c.audience.treatment);
    const results = await get('/api/actions/campaigns/api-1/results?asOf=2024-08-15');
    expect(results.statusCode, results.body).toBe(200);
    expect(results.json().cost.contactCostMinor).toBe(10 * c.audience.treatment);
    // nobody bought after the send: no variation, so the undefined statistics are null (not NaN)
    expect(results.json().revenue.difference).toBe(0);
    expect(results.json().revenue.df).toBeNull();
    const second = await post('/api/actions/campaigns', { code: 'api-2', name: 'no body send', scheme: 'abc', segment: 'A', channel: 'sms' });
    expect((await post('/api/actions/campaigns/api-2/send')).statusCode).toBe(200);
    expect((await post('/api/actions/campaigns/api-2/send')).statusCode).toBe(409);
    expect(second.statusCode).toBe(201);
    expect((await get('/api/actions/campaigns')).json().items.map((x: { code: string }) => x.code)).toEqual(['api-2', 'api-1']);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = await get('/docs/json');
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/actions/rules', '/api/actions/plans/propose', '/api/customers/{id}/suggestions', '/api/actions/campaigns/{ref}/results']));
  });
});
