import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertCustomer, insertVenue } from '../../storage/customers.repo.js';
import { createDb } from '../../storage/db.js';
import { migrate } from '../../storage/migrate.js';
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

describe('patron loyalty', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patron-loyalty-cli-'));
    file = join(dir, 'p.db');
    const db = createDb({ sqlitePath: file });
    await migrate(db);
    const now = new Date().toISOString();
    for (const code of ['HA', 'HB']) await insertVenue(db.kysely, { code, name: `Hotel ${code}`, kind: 'hotel', city: null, createdAt: now });
    for (const id of ['C1', 'C2']) {
      await insertCustomer(db.kysely, {
        external_id: id, name: `Guest ${id}`, name_key: null, phone: null, email: null, gender: null, birthday: null, city: null, country: null,
        tags: '[]', attributes: '{}', acquisition_channel: null, referred_by: null, home_venue_id: null, created_at: now, updated_at: now,
      });
    }
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up a co-branded programme with tiers, enrols, adjusts, and prints statements and reports', async () => {
    const created = await run('--db', file, 'loyalty', 'programme', 'create', 'VIP', '--name', 'Two hotels', '--venues', 'HA,HB', '--earn-rate', '5%', '--topup-bonus', '1000=100', '--expiry-days', '365', '--referrer-points', '300');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/earn +5% of spend; 1 point = 0\.01; expiry 365 days/);
    expect(created.out).toMatch(/pay 1000\.00 get \+100\.00/);
    const tier = await run('--db', file, 'loyalty', 'tiers', 'set', 'VIP', 'gold', '--name', 'Gold', '--rank', '1', '--threshold', '5000', '--earn-rate', '8%', '--discount', '10%');
    expect(tier.code, tier.err).toBe(0);
    const bad = await run('--db', file, 'loyalty', 'tiers', 'set', 'VIP', 'x', '--name', 'X', '--rank', '2', '--threshold', '1', '--earn-rate', 'five');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--earn-rate: expected a rate like 5% or 500bp/);

    const enrol = await run('--db', file, 'loyalty', 'member', 'enroll', 'VIP', 'C1', '--venue', 'HA', '--json');
    expect(enrol.code, enrol.err).toBe(0);
    const card = JSON.parse(enrol.out).member.cards[0].number as string;

    const adj = await run('--db', file, 'loyalty', 'adjust', card, '250', '--reason', 'welcome gift', '--key', 'welcome-C1');
    expect(adj.out).toMatch(/\+250 points, balance 250/);
    const again = await run('--db', file, 'loyalty', 'adjust', card, '250', '--reason', 'welcome gift', '--key', 'welcome-C1');
    expect(again.out).toMatch(/already done/);

    const sv = await run('--db', file, 'loyalty', 'adjust', card, '50.00', '--stored-value', '--reason', 'late check-in, sorry', '--key', 'comp-C1');
    expect(sv.out).toMatch(/50\.00 stored value, balance 50\.00/);
    const st = await run('--db', file, 'loyalty', 'statement', card);
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/adjust\s+250\s+250/);
    expect(st.out).toMatch(/welcome gift/);

    const liab = await run('--db', file, 'loyalty', 'liability', 'VIP', '--json');
    expect(JSON.parse(liab.out).totals).toMatchObject({ points: 250, svBonusMinor: 5_000 });
    const set = await run('--db', file, 'loyalty', 'settlement', 'VIP', '--from', '2000-01-01', '--to', '2100-01-01');
    expect(set.out).toMatch(/nothing to settle/);
    const tiers = await run('--db', file, 'loyalty', 'tiers', 'run', '--as-of', new Date().toISOString().slice(0, 10));
    expect(tiers.code, tiers.err).toBe(0);
    expect(tiers.out).toMatch(/VIP as of .*: 0 up, 0 down, 1 unchanged/);
    const exp = await run('--db', file, 'loyalty', 'expire');
    expect(exp.out).toMatch(/0 points expired/);

    const code = await run('--db', file, 'loyalty', 'referral-code', 'C1');
    expect(code.out.trim()).toMatch(/^R[0-9A-Z]{7}$/);
    const e2 = await run('--db', file, 'loyalty', 'member', 'enroll', 'VIP', 'C2', '--referral-code', code.out.trim());
    expect(e2.code, e2.err).toBe(0);
    const tree = await run('--db', file, 'loyalty', 'referrals', 'C1');
    expect(tree.out).toMatch(/C1 Guest C1: own 0\.00, referred 1/);

    const frozen = await run('--db', file, 'loyalty', 'card', 'freeze', card, '--reason', 'asked by guest');
    expect(frozen.out).toMatch(/is frozen/);
    const repl = await run('--db', file, 'loyalty', 'card', 'replace', card);
    expect(repl.out).toMatch(/replaced by \d{16}/);
    const bal = await run('--db', file, 'loyalty', 'balance', repl.out.trim().split(' ').pop()!);
    expect(bal.out).toMatch(/points +250/);
  });

  it('checks the ledger, reports a drifted cache with exit 3, and rebuilds it', async () => {
    const ok = await run('--db', file, 'loyalty', 'rebuild', '--check');
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/ok: every balance equals the sum of its entries/);
    const db = createDb({ sqlitePath: file });
    await sql`update loyalty_accounts set balance = balance + 1 where kind = 'points' and member_id is not null`.execute(db.kysely);
    await db.close();
    const bad = await run('--db', file, 'loyalty', 'rebuild', '--check');
    expect(bad.code).toBe(3);
    expect(bad.out).toMatch(/balances differing from their entries +2/);
    const fix = await run('--db', file, 'loyalty', 'rebuild');
    expect(fix.code, fix.err).toBe(0);
    expect(fix.out).toMatch(/repaired 2 cached balances/);
    expect((await run('--db', file, 'loyalty', 'rebuild', '--check')).code).toBe(0);
  });
});
