import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng } from '../../analytics/random.js';
import { memberStatement, rebuildLedger } from '../../domain/loyalty/reports.js';
import { accrue, topUp } from '../../domain/loyalty/operations.js';
import { at, newMember, setupProgramme, type Fixture } from '../../domain/loyalty/test-fixtures.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { bearer, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

/**
 * Many tills at once against the same few cards, through a real listening server: spends,
 * redemptions, accruals and top-ups in parallel, with retries (the same request sent twice at once,
 * and again after the answer, as a point-of-sale does after a timeout). At the end every balance is
 * exactly the start plus the accepted changes, nothing was applied twice, nothing went negative.
 */

const WORKERS = 40;
const OPS_PER_WORKER = 8;
const CARDS = 4;

interface Sent {
  key: string;
  path: string;
  body: Record<string, unknown>;
  responses: { status: number; body: Record<string, unknown>; replayed: boolean }[];
}

describeEachDialect('loyalty under concurrent HTTP clients', (dialect) => {
  let db: Db;
  let app: App;
  let base: string;
  let f: Fixture;
  let tokens: string[];
  const cards: { number: string; memberId: number; points: number; sv: number }[] = [];

  beforeAll(async () => {
    db = await createTestDb(dialect);
    f = await setupProgramme(db, { topupBonuses: [] });
    for (let i = 0; i < CARDS; i++) {
      const m = await newMember(db, f);
      const number = m.cards[0]!.number;
      await topUp(db, { key: `seed-t-${i}`, member: { card: number }, paidMinor: 50_000 }, at(f.hotelA.id));
      await accrue(db, { key: `seed-a-${i}`, member: { card: number }, amountMinor: 100_000 }, at(f.hotelA.id));
      cards.push({ number, memberId: m.id, points: 5_000, sv: 50_000 });
    }
    tokens = [(await bearer(db, 'staff', f.hotelA.id)).authorization, (await bearer(db, 'staff', f.hotelB.id)).authorization];
    app = testApp(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  // Answers that were server errors. The row lock serialises writers before they read balances, so
  // there must be none; without it the CHECK constraints would still refuse an overdraw, but as a 500.
  let serverErrors = 0;

  async function send(s: Sent, authorization: string): Promise<void> {
    for (let attempt = 0; attempt < 6; attempt++) {
      let res: Response;
      try {
        res = await fetch(base + s.path, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(s.body) });
      } catch {
        continue; // a dropped connection: retry with the same key
      }
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status >= 500) {
        serverErrors++;
        continue;
      }
      s.responses.push({ status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true' });
      return;
    }
    throw new Error(`no answer for ${s.key}`);
  }

  it('ends with exact balances, no duplicate and no lost entries, never negative', async () => {
    const rng = createRng(dialect === 'sqlite' ? 7 : 8);
    const all: Sent[] = [];
    const worker = async (w: number) => {
      const token = tokens[w % 2]!;
      for (let j = 0; j < OPS_PER_WORKER; j++) {
        const card = cards[Math.floor(rng() * CARDS)]!.number;
        const key = `w${w}-${j}`;
        const r = rng();
        const s: Sent =
          r < 0.4
            ? { key, path: '/api/loyalty/spends', body: { idempotencyKey: key, card, amountMinor: 1_000 + Math.floor(rng() * 7_000) }, responses: [] }
            : r < 0.7
              ? { key, path: '/api/loyalty/redemptions', body: { idempotencyKey: key, card, points: 200 + Math.floor(rng() * 1_300) }, responses: [] }
              : r < 0.9
                ? { key, path: '/api/loyalty/accruals', body: { idempotencyKey: key, card, amountMinor: 1_000 + Math.floor(rng() * 19_000) }, responses: [] }
                : { key, path: '/api/loyalty/topups', body: { idempotencyKey: key, card, paidMinor: 1_000 + Math.floor(rng() * 9_000) }, responses: [] };
        all.push(s);
        const mode = rng();
        if (mode < 0.3) await Promise.all([send(s, token), send(s, token)]); // a retry racing the original
        else await send(s, token);
        if (mode > 0.7) await send(s, token); // a retry after a lost answer
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    expect(serverErrors).toBe(0);
    let accepted = 0;
    let declined = 0;
    const expected = new Map(cards.map((c) => [c.memberId, { points: c.points, sv: c.sv }]));
    for (const s of all) {
      const ok = s.responses.filter((r) => r.status === 201);
      for (const r of s.responses) expect([201, 422], JSON.stringify(r.body)).toContain(r.status);
      if (ok.length === 0) {
        declined++;
        continue;
      }
      accepted++;
      // Every success for a key is the same answer: the same transaction, the same body.
      for (const r of ok) expect(r.body).toEqual(ok[0]!.body);
      expect(ok.filter((r) => !r.replayed)).toHaveLength(1);
      const b = ok[0]!.body as { memberId: number; points: number; amountMinor: number };
      const e = expected.get(b.memberId)!;
      e.points += b.points;
      e.sv += b.amountMinor;
    }
    expect(accepted).toBeGreaterThan(WORKERS * OPS_PER_WORKER * 0.4);
    expect(declined).toBeGreaterThan(0); // the cards ran dry: the overdraw guard was exercised

    const keys = all.filter((s) => s.responses.some((r) => r.status === 201)).map((s) => s.key);
    const rows = await db.kysely.selectFrom('loyalty_txns').select(['idempotency_key', 'kind']).where('idempotency_key', 'in', keys).execute();
    expect(rows).toHaveLength(keys.length);
    const expiries = await db.kysely.selectFrom('loyalty_txns').select('id').where('kind', '=', 'expire').execute();
    const total = await db.kysely.selectFrom('loyalty_txns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(2 * CARDS + keys.length + expiries.length);

    for (const c of cards) {
      const st = await memberStatement(db, { memberId: c.memberId }, {}, null);
      expect(st.closing, `member ${c.memberId}`).toEqual({ points: expected.get(c.memberId)!.points, svMinor: expected.get(c.memberId)!.sv });
      for (const l of st.lines) {
        expect(l.pointsBalance).toBeGreaterThanOrEqual(0);
        expect(l.svBalanceMinor).toBeGreaterThanOrEqual(0);
      }
    }
    const check = await rebuildLedger(db, { repair: false }, { actor: 'test', now: new Date().toISOString() });
    expect(check).toMatchObject({ ok: true, accountDiffs: [], lotDiffs: [], unbalanced: [], headerDiffs: [] });
  });
});
