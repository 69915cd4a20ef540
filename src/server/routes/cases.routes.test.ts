import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { DEFAULTS } from '../../domain/voice/index.js';
import { bearer, TEST_NOW, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

const MIN = 60_000;
const T0 = TEST_NOW.getTime();

describeEachDialect('complaint cases: SLA and the six recovery steps', (dialect) => {
  let db: Db;
  let app: App;
  let manager: { authorization: string; tokenId: number };
  let service: { authorization: string; tokenId: number };
  let now: Date;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    now = TEST_NOW;
    app = testApp(db, { clock: () => now });
    manager = await bearer(db, 'manager');
    service = await bearer(db, 'service');
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const at = (ms: number) => {
    now = new Date(ms);
  };
  const call = (who: { authorization: string }, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: who.authorization }, payload: payload as object | undefined });
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) => call(manager, method, url, payload);

  it('warns and breaches at the exact SLA boundaries (fixed clock, default policy)', async () => {
    at(T0);
    const opened = await api('POST', '/api/cases', { channel: 'phone', category: 'food', severity: 'normal', subject: 'Cold soup' });
    expect(opened.statusCode, opened.body).toBe(201);
    const c = opened.json();
    // DEFAULTS.slaPolicy.normal: first response 480 min, resolution 4320 min; warning in the last 20%.
    const due = T0 + 480 * MIN;
    const warn = T0 + (480 - 96) * MIN;
    expect(c.sla.firstResponse).toMatchObject({ dueAt: new Date(due).toISOString(), warningAt: new Date(warn).toISOString(), state: 'ok', met: null });
    expect(c.sla.resolution.dueAt).toBe(new Date(T0 + 4320 * MIN).toISOString());

    const stateAt = async (ms: number) => {
      at(ms);
      return (await api('GET', `/api/cases/${c.id}`)).json().sla.firstResponse.state;
    };
    expect(await stateAt(warn - 1)).toBe('ok');
    expect(await stateAt(warn)).toBe('warning');
    expect(await stateAt(due)).toBe('warning'); // exactly at the due time is still on time
    expect(await stateAt(due + 1)).toBe('breached');
    at(due + 1);
    const breached = (await api('GET', '/api/cases?sla=breached')).json().items.map((x: { id: number }) => x.id);
    expect(breached).toContain(c.id);
    expect((await api('GET', '/api/cases?sla=warning')).json().items.map((x: { id: number }) => x.id)).not.toContain(c.id);

    // A completed clock: a reply exactly at the due time meets the target, one ms later does not.
    at(T0);
    const b = (await api('POST', '/api/cases', { channel: 'email', category: 'billing', severity: 'normal', subject: 'Charged twice' })).json();
    const late = (await api('POST', '/api/cases', { channel: 'email', category: 'billing', severity: 'normal', subject: 'Charged twice again' })).json();
    at(due);
    const onTime = await api('POST', `/api/cases/${b.id}/notes`, { text: 'Called back, refund on its way', toCustomer: true });
    expect(onTime.json().sla.firstResponse).toMatchObject({ state: 'ok', met: true, remainingMs: 0, completedAt: new Date(due).toISOString() });
    at(due + 1);
    const lateReply = await api('POST', `/api/cases/${late.id}/notes`, { text: 'Sorry for the wait', toCustomer: true });
    expect(lateReply.json().sla.firstResponse).toMatchObject({ state: 'breached', met: false, remainingMs: -1 });
    // An internal note does not stop the clock.
    const internal = (await api('POST', '/api/cases', { channel: 'visit', category: 'staff', severity: 'critical', subject: 'Rude waiter' })).json();
    at(due + 1 + 30 * MIN);
    const noted = await api('POST', `/api/cases/${internal.id}/notes`, { text: 'checking the rota' });
    expect(noted.json().firstResponseAt).toBeNull();
    // Critical: resolution due 1440 min after opening; resolving exactly then is on time.
    at(due + 1 + 1440 * MIN);
    const resolved = await api('POST', `/api/cases/${internal.id}/resolve`, {});
    expect(resolved.json().sla.resolution).toMatchObject({ state: 'ok', met: true, remainingMs: 0 });
    expect(resolved.json().sla.firstResponse).toMatchObject({ state: 'breached', met: false });

    // The policy is an admin setting; cases keep the targets they were opened with.
    expect((await api('PUT', '/api/cases/sla-policy', { normal: { firstResponseMinutes: 10, resolutionMinutes: 20 } })).statusCode).toBe(403);
    const admin = await bearer(db, 'admin');
    const put = await call(admin, 'PUT', '/api/cases/sla-policy', { normal: { firstResponseMinutes: 10, resolutionMinutes: 20 }, vip: { firstResponseMinutes: 5, resolutionMinutes: 60 } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await api('GET', `/api/cases/${c.id}`)).json().sla.firstResponse.dueAt).toBe(new Date(due).toISOString());
    expect((await api('POST', '/api/cases', { channel: 'web', category: 'x', severity: 'critical', subject: 'x' })).statusCode).toBe(400);
    await call(admin, 'PUT', '/api/cases/sla-policy', DEFAULTS.slaPolicy);
    at(T0);
  });

  it('takes a complaint through all six recovery steps, each stamped with time and who, with compensation recorded', async () => {
    const nowIso = TEST_NOW.toISOString();
    const venue = await db.kysely.insertInto('venues').values({ code: 'SH1', name: 'Shanghai 1', kind: 'outlet', city: 'Shanghai', created_at: nowIso }).returning('id').executeTakeFirstOrThrow();
    const cust = await db.kysely
      .insertInto('customers')
      .values({ external_id: 'C-REC', name: 'Li', name_key: 'li', tags: '[]', attributes: '{}', created_at: nowIso, updated_at: nowIso })
      .returning('id')
      .executeTakeFirstOrThrow();
    at(T0);
    const opened = await call(service, 'POST', '/api/cases', {
      channel: 'visit', category: 'room', severity: 'high', subject: 'Noisy room', customerExternalId: 'C-REC', venueCode: 'SH1', description: 'Construction noise all night',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const c = opened.json();
    expect(c).toMatchObject({ customerId: cust.id, venueId: venue.id, status: 'open', stepsCompleted: 0 });
    expect(c.steps.map((s: { step: string }) => s.step)).toEqual(['apologise', 'listen', 'fair_fix', 'compensation', 'keep_promise', 'follow_up']);

    const early = await api('POST', `/api/cases/${c.id}/close`, {});
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.pending).toHaveLength(6);

    at(T0 + 5 * MIN);
    const s1 = await call(service, 'POST', `/api/cases/${c.id}/steps/apologise`, { note: 'Apologised in person' });
    expect(s1.statusCode, s1.body).toBe(200);
    expect(s1.json().firstResponseAt).toBe(new Date(T0 + 5 * MIN).toISOString());
    at(T0 + 10 * MIN);
    await call(service, 'POST', `/api/cases/${c.id}/steps/listen`, { note: 'Guest works night shifts' });
    expect((await call(service, 'POST', `/api/cases/${c.id}/steps/listen`, {})).statusCode).toBe(409);
    at(T0 + 20 * MIN);
    await api('POST', `/api/cases/${c.id}/steps/fair_fix`, { note: 'Moved to a quiet room' });
    // The compensation step cannot be ticked without a compensation.
    expect((await api('POST', `/api/cases/${c.id}/steps/compensation`, {})).statusCode).toBe(400);
    at(T0 + 25 * MIN);
    const comp = await api('POST', `/api/cases/${c.id}/compensations`, { kind: 'points', points: 500, note: 'for the trouble' });
    expect(comp.statusCode, comp.body).toBe(200);
    const voucher = await api('POST', `/api/cases/${c.id}/compensations`, { kind: 'voucher', voucherCode: 'BREAKFAST-2', amountMinor: 8800 });
    expect(voucher.statusCode).toBe(200);
    at(T0 + 60 * MIN);
    await api('POST', `/api/cases/${c.id}/steps/keep_promise`, { note: 'Room change done' });
    const fu = await api('POST', `/api/cases/${c.id}/follow-ups`, { channel: 'phone' });
    const followUp = fu.json().followUps[0];
    expect(followUp.dueAt).toBe(new Date(T0 + 60 * MIN + 3 * 86_400_000).toISOString());
    at(T0 + 3 * 86_400_000);
    const done = await call(service, 'POST', `/api/cases/${c.id}/follow-ups/${followUp.id}/complete`, { outcome: 'Happy with the new room', satisfaction: 5 });
    expect(done.statusCode, done.body).toBe(200);
    const closed = await api('POST', `/api/cases/${c.id}/close`, { note: 'Recovered' });
    expect(closed.statusCode, closed.body).toBe(200);
    const d = closed.json();
    expect(d).toMatchObject({ status: 'closed', stepsCompleted: 6, closedAt: new Date(T0 + 3 * 86_400_000).toISOString() });
    const stamp = Object.fromEntries(d.steps.map((s: { step: string; doneAt: string; doneBy: string; status: string }) => [s.step, [s.status, s.doneAt, s.doneBy]]));
    const svc = `token:${service.tokenId}`;
    const mgr = `token:${manager.tokenId}`;
    expect(stamp).toEqual({
      apologise: ['done', new Date(T0 + 5 * MIN).toISOString(), svc],
      listen: ['done', new Date(T0 + 10 * MIN).toISOString(), svc],
      fair_fix: ['done', new Date(T0 + 20 * MIN).toISOString(), mgr],
      compensation: ['done', new Date(T0 + 25 * MIN).toISOString(), mgr],
      keep_promise: ['done', new Date(T0 + 60 * MIN).toISOString(), mgr],
      follow_up: ['done', new Date(T0 + 3 * 86_400_000).toISOString(), svc],
    });
    // Compensation is kept in the case's own table; without a loyalty ledger it stays 'recorded' and says why.
    const points = d.compensations.find((x: { kind: string }) => x.kind === 'points');
    expect(points).toMatchObject({ points: 500, createdBy: mgr });
    expect(['recorded', 'granted']).toContain(points.status);
    if (points.status === 'recorded') expect(points.error).toMatch(/ledger/);
    expect(d.compensations.find((x: { kind: string }) => x.kind === 'voucher')).toMatchObject({ status: 'issued', voucherCode: 'BREAKFAST-2', amountMinor: 8800 });
    expect(d.followUps[0]).toMatchObject({ satisfaction: 5, outcome: 'Happy with the new room', doneBy: svc });
    expect(d.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['opened', 'step', 'compensation', 'follow-up-scheduled', 'follow-up-done', 'closed']),
    );
    // Closed cases take no more steps; the audit log has the compensation.
    expect((await api('POST', `/api/cases/${c.id}/notes`, { text: 'x' })).statusCode).toBe(409);
    const audit = await db.kysely.selectFrom('audit_log').select('action').where('entity', '=', 'case').where('entity_id', '=', String(c.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'compensate', 'close']));

    // Complaint closed -> the recovery survey is dispatched for this case, once.
    const s = await api('POST', '/api/surveys', { code: 'recovery', status: 'active', title: 'After your complaint', items: [{ key: 'csat', type: 'csat', text: 'Satisfied with how we handled it?' }] });
    expect(s.statusCode).toBe(201);
    await api('POST', '/api/surveys/recovery/triggers', { event: 'case_closed', delayDays: 1 });
    const asOf = new Date(T0 + 4 * 86_400_000 + 1000).toISOString();
    const run = (await api('POST', '/api/surveys/dispatch', { asOf })).json();
    const inv = run.invitations.filter((i: { caseId: number }) => i.caseId === c.id);
    expect(inv).toHaveLength(1);
    expect(inv[0]).toMatchObject({ customerId: cust.id, venueId: venue.id });
    expect((await api('POST', '/api/surveys/dispatch', { asOf })).json().invitations).toHaveLength(0);
    const answered = await app.inject({ method: 'POST', url: inv[0].path, payload: { answers: { csat: 5 } } });
    expect(answered.statusCode, answered.body).toBe(200);

    const outcomes = await api('GET', `/api/cases/outcomes?from=2024-06-01&to=2024-07-31&asOf=${encodeURIComponent(asOf)}`);
    expect(outcomes.statusCode, outcomes.body).toBe(200);
    expect(outcomes.json().satisfactionAfterRecovery.followUp).toMatchObject({ n: 1, satisfied: 1 });
    expect(outcomes.json().satisfactionAfterRecovery.survey).toMatchObject({ n: 1, satisfied: 1 });
    // The window after resolution has not elapsed by asOf: no re-purchase comparison yet, and it says so.
    expect(outcomes.json().repurchase.result).toBeNull();
    expect(outcomes.json().repurchase.excluded.windowNotElapsed).toBeGreaterThanOrEqual(1);

    const signals = await api('GET', `/api/voice/signals?asOf=${encodeURIComponent(asOf)}`);
    const mine = signals.json().find((x: { customerId: number }) => x.customerId === cust.id);
    expect(mine).toMatchObject({ openCases: 0, recentCases: 1, severeRecentCases: 1, scoredAnswers: 1, lowScores: 0 });
  });
});
