import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../test-support/databases.js';
import type { Db } from './db.js';
import { inWriteTransaction } from './loyalty-ledger.repo.js';

describeEachDialect('ledger write transactions', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb(dialect);
  });
  afterAll(async () => {
    await db?.close();
  });

  const put = (key: string) => (tx: Parameters<Parameters<typeof inWriteTransaction>[1]>[0]) =>
    tx.k.insertInto('settings').values({ key, value: '1' }).execute();

  it('commits writes queued together, each all-or-nothing: a failing one rolls back alone', async () => {
    // Queued in the same turn, these share one SQLite group commit (PostgreSQL: one transaction each).
    const results = await Promise.allSettled([
      inWriteTransaction(db, put('g-a')),
      inWriteTransaction(db, async (tx) => {
        await put('g-b')(tx);
        throw new Error('refused half-way');
      }),
      inWriteTransaction(db, async (tx) => {
        await put('g-c')(tx);
        const seen = await tx.k.selectFrom('settings').select('key').where('key', '=', 'g-a').executeTakeFirst();
        return seen?.key;
      }),
      inWriteTransaction(db, put('g-a')), // the same key again: a constraint violation fails only one of the two
    ]);
    const status = results.map((r) => r.status);
    expect(status[1]).toBe('rejected');
    expect(status[2]).toBe('fulfilled');
    expect([status[0], status[3]].sort()).toEqual(['fulfilled', 'rejected']);
    if (dialect === 'sqlite') {
      // One writer: the group runs its writes in order, each seeing the ones before it.
      expect(status).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect((results[2] as PromiseFulfilledResult<string>).value).toBe('g-a');
    }
    const keys = await db.kysely.selectFrom('settings').select('key').where('key', 'like', 'g-%').orderBy('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['g-a', 'g-c']);
  });

  it('leaves nothing behind when the transaction fails', async () => {
    await expect(
      inWriteTransaction(db, async (tx) => {
        await put('solo')(tx);
        await sql`select * from no_such_table`.execute(tx.k);
      }),
    ).rejects.toThrow();
    expect(await db.kysely.selectFrom('settings').select('key').where('key', '=', 'solo').executeTakeFirst()).toBeUndefined();
  });
});
