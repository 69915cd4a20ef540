import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from './db.js';
import { migrate } from './migrate.js';

/** Settles within a few event-loop turns, or reports that it is still pending. */
async function settledSoon<T>(p: Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
  let out: { done: true; value: T } | { done: false } = { done: false };
  void p.then((value) => (out = { done: true, value }));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return out;
}

const venue = (code: string) => ({ code, name: code, kind: 'outlet' as const, created_at: '2026-01-01T00:00:00.000Z' });

describe('SQLite file database: writer and reader connections', () => {
  let dir: string;
  let db: Db;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patron-routing-'));
    db = createDb({ sqlitePath: join(dir, 'p.db') });
    await migrate(db);
    await db.kysely.insertInto('venues').values(venue('A')).execute();
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers reads with the committed state while a transaction holds the writer; writes wait for it', async () => {
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    let inside: string[] = [];
    const tx = db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('venues').values(venue('B')).execute();
      // The transaction sees its own row...
      inside = (await trx.selectFrom('venues').select('code').orderBy('code').execute()).map((r) => r.code);
      await held;
    });
    await new Promise((r) => setImmediate(r));
    // ...a read outside does not wait for it, and sees only what is committed.
    const read = await settledSoon(db.kysely.selectFrom('venues').select('code').orderBy('code').execute());
    expect(read.done).toBe(true);
    expect(read.done && read.value.map((r) => r.code)).toEqual(['A']);
    // Raw SQL that reads is answered the same way (the analytics queries are raw).
    const rawRead = await settledSoon(sql<{ n: number }>`select count(*) as n from venues`.execute(db.kysely));
    expect(rawRead.done && rawRead.value.rows).toEqual([{ n: 1 }]);
    const withRead = await settledSoon(sql<{ n: number }>`with v as (select code from venues) select count(*) as n from v`.execute(db.kysely));
    expect(withRead.done && withRead.value.rows).toEqual([{ n: 1 }]);
    expect(inside).toEqual(['A', 'B']);
    // A write outside queues behind the transaction instead of joining it, raw SQL too.
    const write = db.kysely.insertInto('venues').values(venue('C')).execute();
    expect((await settledSoon(write)).done).toBe(false);
    const rawWrite = sql`update venues set name = 'A2' where code = 'A'`.execute(db.kysely);
    expect((await settledSoon(rawWrite)).done).toBe(false);
    finish();
    await tx;
    await write;
    await rawWrite;
    expect((await db.kysely.selectFrom('venues').select(['code', 'name']).orderBy('code').execute()).map((r) => `${r.code}:${r.name}`)).toEqual(['A:A2', 'B:B', 'C:C']);
  });

  it('a rolled-back transaction leaves nothing and frees the writer', async () => {
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('venues').values(venue('X')).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.kysely.insertInto('venues').values(venue('Y')).execute();
    expect((await db.kysely.selectFrom('venues').select('code').orderBy('code').execute()).map((r) => r.code)).toEqual(['A', 'Y']);
  });

  it('a connection() block that begins with raw SQL keeps the writer until it ends', async () => {
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const block = db.kysely.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      db.sqlite!.prepare("insert into venues (code, name, kind, created_at) values ('R', 'R', 'outlet', '2026-01-01')").run();
      await held;
      db.sqlite!.prepare('commit').run();
    });
    await new Promise((r) => setImmediate(r));
    const write = db.kysely.insertInto('venues').values(venue('S')).execute();
    expect((await settledSoon(write)).done).toBe(false);
    finish();
    await block;
    await write;
    expect((await db.kysely.selectFrom('venues').select('code').orderBy('code').execute()).map((r) => r.code)).toEqual(['A', 'R', 'S']);
  });
});
