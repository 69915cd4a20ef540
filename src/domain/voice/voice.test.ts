import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { dayNumber } from '../time.js';
import { formToAnswers } from './answers.js';
import { grantCompensation, openCase, postRecordedCompensations, resolveCase } from './cases.js';
import type { CompensationLedger, LedgerCredit } from './compensation-ledger.js';
import { signLinkToken, verifyLinkToken } from './links.js';
import { isoWeekKey } from './metrics.js';
import { recoveryOutcomes } from './outcomes.js';
import { createSurvey } from './surveys.js';
import { recordResponse } from './responses.js';
import { customerVoiceSignals } from './signals.js';
import { SurveyCreateSchema } from './survey-spec.js';
import { csvCell } from './exports.js';
import { escapeHtml } from './render.js';
import { memberStatement } from '../loyalty/reports.js';
import { newMember, setupProgramme } from '../loyalty/test-fixtures.js';

describe('signed links', () => {
  const secret = randomBytes(32);
  it('round-trips and rejects any change', () => {
    const exp = Date.UTC(2024, 6, 7, 12, 0, 0);
    const token = signLinkToken(secret, 42, exp);
    expect(verifyLinkToken(secret, token)).toEqual({ invitationId: 42, expiresAtMs: exp });
    expect(verifyLinkToken(randomBytes(32), token)).toBeNull();
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'a' ? 'b' : 'a';
      const changed = token.slice(0, i) + c + token.slice(i + 1);
      if (changed !== token) expect(verifyLinkToken(secret, changed), changed).toBeNull();
    }
    expect(verifyLinkToken(secret, token + 'x')).toBeNull();
    expect(verifyLinkToken(secret, 'x'.repeat(5000))).toBeNull();
  });

  it('escapes markup and spreadsheet formulas', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(-3)).toBe('-3');
  });

  it('keys ISO weeks by the year of their Thursday', () => {
    // Reference: ISO 8601 calendars (2024-12-30 is Monday of 2025-W01; 2021-01-03 is Sunday of 2020-W53).
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    expect(isoWeekKey('2021-01-03')).toBe('2020-W53');
    expect(isoWeekKey('2021-01-04')).toBe('2021-W01');
    expect(isoWeekKey('2024-06-30')).toBe('2024-W26');
  });

  it('maps form fields to answers without touching prototypes', () => {
    const a = formToAnswers({ q_speed__e: '5', q_speed__p: '3', q_nps: '9', __proto__x: '1', q___proto__: 'x', lang: 'en' } as Record<string, string>);
    expect({ ...a }).toEqual({ speed: { expectation: '5', perception: '3' }, nps: '9' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describeEachDialect('voice domain: ledger bridge, recovery outcomes, churn signals', (dialect) => {
  let db: Db;
  const w = (iso: string) => ({ actor: 'user:1', now: iso });

  beforeAll(async () => {
    db = await createTestDb(dialect);
  });
  afterAll(async () => {
    await db.close();
  });

  async function customer(ext: string): Promise<number> {
    const now = '2024-01-01T00:00:00.000Z';
    return (
      await db.kysely
        .insertInto('customers')
        .values({ external_id: ext, name: ext, name_key: ext.toLowerCase(), tags: '[]', attributes: '{}', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function sale(who: number, day: string) {
    const ext = `O-${who}-${day}`;
    await db.kysely
      .insertInto('orders')
      .values({
        external_id: ext, customer_id: who, venue_id: null, kind: 'sale', returns_order_id: null, status: 'completed',
        ordered_at: `${day}T08:00:00.000Z`, local_date: day, day: dayNumber(day), channel: null, payment_method: null,
        subtotal_minor: 500, discount_minor: 0, total_minor: 500, cost_minor: null, item_count: 1, content_hash: ext,
        import_batch_id: null, created_at: `${day}T08:00:00.000Z`, updated_at: `${day}T08:00:00.000Z`,
      })
      .execute();
  }

  it('credits compensation through the ledger after commit, keeps refusals as recorded, and re-posts idempotently', async () => {
    const cust = await customer('LEDGER');
    const credits: LedgerCredit[] = [];
    let refuse = true;
    const ledger: CompensationLedger = {
      async credit(_db, c) {
        if (refuse) throw new PatronError('NOT_FOUND', 'customer has no loyalty card');
        // A real ledger answers a repeated key with the first result; the fake records calls.
        credits.push(c);
        return { ledgerRef: `txn-${credits.length}` };
      },
    };
    const c = await openCase(db.kysely, { channel: 'phone', category: 'x', severity: 'normal', subject: 'late delivery', customerId: cust }, w('2024-06-01T00:00:00.000Z'));
    const d1 = await grantCompensation(db, c.id, { kind: 'points', points: 300 }, w('2024-06-01T01:00:00.000Z'), ledger);
    expect(d1.compensations[0]).toMatchObject({ status: 'recorded', error: 'loyalty ledger: customer has no loyalty card', ledgerRef: null });
    expect(d1.steps.find((s) => s.step === 'compensation')).toMatchObject({ status: 'done', doneBy: 'user:1' });

    refuse = false;
    const d2 = await grantCompensation(db, c.id, { kind: 'stored_value', amountMinor: 2000 }, w('2024-06-01T02:00:00.000Z'), ledger);
    expect(d2.compensations[1]).toMatchObject({ status: 'granted', ledgerRef: 'txn-1', amountMinor: 2000, grantedAt: '2024-06-01T02:00:00.000Z' });
    expect(credits[0]).toMatchObject({ kind: 'stored_value', customerId: cust, amount: 2000, key: `case-compensation-${d2.compensations[1]!.id}` });

    const posted = await postRecordedCompensations(db, w('2024-06-02T00:00:00.000Z'), ledger);
    expect(posted).toEqual({ posted: 1, failed: 0 });
    expect(credits[1]).toMatchObject({ kind: 'points', amount: 300, key: `case-compensation-${d1.compensations[0]!.id}` });
    const rows = await db.kysely.selectFrom('case_compensations').select(['status']).where('case_id', '=', c.id).execute();
    expect(rows.map((r) => r.status)).toEqual(['granted', 'granted']);
    expect((await postRecordedCompensations(db, w('2024-06-03T00:00:00.000Z'), ledger)).posted).toBe(0);
  });

  it('puts points compensation in the loyalty ledger (real ledger), idempotently', async () => {
    const f = await setupProgramme(db);
    const m = await newMember(db, f);
    const c = await openCase(db.kysely, { channel: 'visit', category: 'room', severity: 'high', subject: 'noise', customerId: m.customer.id, venueId: f.hotelA.id }, w('2024-06-30T12:00:00.000Z'));
    const d = await grantCompensation(db, c.id, { kind: 'points', points: 800, note: 'sorry' }, w('2024-06-30T12:05:00.000Z'));
    const comp = d.compensations[0]!;
    expect(comp).toMatchObject({ status: 'granted', points: 800, error: null });
    expect(comp.ledgerRef).toMatch(/^loyalty-txn:\d+$/);
    const statement = await memberStatement(db, { memberId: m.id }, {}, null);
    const line = statement.lines.find((l) => l.txnId === Number(comp.ledgerRef!.split(':')[1]));
    expect(line).toMatchObject({ points: 800, reason: `case ${c.id}: compensation ${comp.id}` });
    expect(statement.closing.points).toBe(800);
    // Stored value goes in as bonus stored value (no cash came in), on the same statement.
    const sv = await grantCompensation(db, c.id, { kind: 'stored_value', amountMinor: 5000 }, w('2024-06-30T12:06:00.000Z'));
    const svComp = sv.compensations[1]!;
    expect(svComp).toMatchObject({ status: 'granted', error: null });
    const svLine = (await memberStatement(db, { memberId: m.id }, {}, null)).lines.find((l) => l.txnId === Number(svComp.ledgerRef!.split(':')[1]));
    expect(svLine).toMatchObject({ reason: `case ${c.id}: compensation ${svComp.id}` });
    expect((await memberStatement(db, { memberId: m.id }, {}, null)).closing).toEqual({ points: 800, svMinor: 5000 });
    // Posting again never double-credits: the ledger answers the same key with the same transaction
    // (simulate a crash between the ledger write and our 'granted' mark).
    await db.kysely.updateTable('case_compensations').set({ status: 'recorded', ledger_ref: null }).where('id', '=', comp.id).execute();
    expect(await postRecordedCompensations(db, w('2024-07-01T00:00:00.000Z'))).toEqual({ posted: 1, failed: 0 });
    const again = await db.kysely.selectFrom('case_compensations').select(['status', 'ledger_ref']).where('id', '=', comp.id).executeTakeFirstOrThrow();
    expect(again).toEqual({ status: 'granted', ledger_ref: comp.ledgerRef });
    expect((await memberStatement(db, { memberId: m.id }, {}, null)).closing.points).toBe(800);
  });

  it('compares re-purchase of recovered customers with similar never-complained customers', async () => {
    // Cases resolved 2024-03-01; window 90 days (to 2024-05-30), lookback 365 days; asOf 2024-06-30.
    const r1 = await customer('R1');
    const r2 = await customer('R2');
    const r3 = await customer('R3');
    await sale(r1, '2024-02-01');
    await sale(r1, '2024-04-01'); // re-bought
    await sale(r2, '2024-02-10'); // did not
    // r3 never bought before the case: not an active buyer, left out
    for (const who of [r1, r2, r3]) {
      const c = await openCase(db.kysely, { channel: 'web', category: 'x', severity: 'low', subject: 's', customerId: who }, w('2024-02-28T09:00:00.000Z'));
      await resolveCase(db.kysely, c.id, undefined, w('2024-03-01T09:00:00.000Z'));
    }
    const n1 = await customer('N1');
    const n2 = await customer('N2');
    const n3 = await customer('N3');
    await sale(n1, '2024-01-05');
    await sale(n1, '2024-05-01'); // re-bought within 90 days of the anchor
    await sale(n2, '2024-02-01'); // did not
    await sale(n3, '2024-05-01'); // not active before the anchor: left out
    await sale(n1, '2024-06-15'); // after the window: ignored

    const out = await recoveryOutcomes(db.kysely, new Date('2024-06-30T12:00:00.000Z'), { from: '2024-02-01', to: '2024-03-31' });
    expect(out.resolvedCases).toBe(3);
    expect(out.repurchase.recovered).toEqual({ customers: 2, repurchased: 1, rate: 0.5 });
    expect(out.repurchase.excluded).toEqual({ windowNotElapsed: 0, notActiveBefore: 1 });
    expect(out.repurchase.comparisonAnchor).toBe('2024-03-01');
    // Comparison: N1 (re-bought), N2 (not); the LEDGER customer of the previous test complained.
    expect(out.repurchase.comparison).toEqual({ customers: 2, repurchased: 1, rate: 0.5 });
    expect(out.repurchase.result!.difference).toBe(0);
    expect(out.repurchase.result!.ci.lower).toBeLessThan(0);
    expect(out.repurchase.result!.ci.upper).toBeGreaterThan(0);
  });

  it('reports per-customer complaint and low-satisfaction signals as of a date', async () => {
    const parse = (x: unknown) => SurveyCreateSchema.parse(x);
    await createSurvey(
      db.kysely,
      parse({ code: 'pulse', status: 'active', title: 'Pulse', items: [{ key: 'nps', type: 'nps', text: 'Recommend?' }, { key: 'csat', type: 'csat', text: 'Satisfied?' }] }),
      w('2024-06-01T00:00:00.000Z'),
    );
    const x = await customer('SIG');
    await recordResponse(db.kysely, 'pulse', { customerId: x, answers: { nps: 9, csat: 5 }, submittedAt: '2024-05-01T00:00:00.000Z' }, w('2024-06-01T00:00:00.000Z'));
    await recordResponse(db.kysely, 'pulse', { customerId: x, answers: { nps: 3, csat: 2 }, submittedAt: '2024-06-10T00:00:00.000Z' }, w('2024-06-11T00:00:00.000Z'));
    const c = await openCase(db.kysely, { channel: 'social', category: 'x', severity: 'critical', subject: 'angry post', customerId: x }, w('2024-06-12T00:00:00.000Z'));

    const s = (await customerVoiceSignals(db.kysely, new Date('2024-06-20T00:00:00.000Z'))).find((v) => v.customerId === x)!;
    expect(s).toEqual({
      customerId: x,
      openCases: 1,
      recentCases: 1,
      severeRecentCases: 1,
      lastCaseAt: '2024-06-12T00:00:00.000Z',
      scoredAnswers: 4,
      lowScores: 2,
      lastLowScoreAt: '2024-06-10T00:00:00.000Z',
      latestNps: 3,
      detractor: true,
    });
    expect((await customerVoiceSignals(db, new Date('2024-06-20T00:00:00.000Z'))).find((v) => v.customerId === x)).toEqual(s);
    // Replaying an earlier date sees only what was known then.
    const before = (await customerVoiceSignals(db.kysely, new Date('2024-06-05T00:00:00.000Z'))).find((v) => v.customerId === x)!;
    expect(before).toMatchObject({ openCases: 0, recentCases: 0, scoredAnswers: 2, lowScores: 0, latestNps: 9, detractor: false });
    await resolveCase(db.kysely, c.id, undefined, w('2024-06-21T00:00:00.000Z'));
    const still = (await customerVoiceSignals(db.kysely, new Date('2024-06-20T00:00:00.000Z'))).find((v) => v.customerId === x)!;
    expect(still.openCases).toBe(1); // resolved after that date
  });
});
