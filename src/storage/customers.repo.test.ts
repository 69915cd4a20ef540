import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../test-support/databases.js';
import { searchKeysFor } from '../domain/customers/customers.js';
import type { Db } from './db.js';
import { compileSearch, prefixUpperBound, referralChainContains, searchCustomers } from './customers.repo.js';

const NOW = '2024-01-01T00:00:00.000Z';

async function seed(db: Db, n: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => ({
    external_id: `E${i}`,
    name: `Name ${i}`,
    name_key: `name ${i}`,
    phone: `1380000${String(i).padStart(4, '0')}`,
    email: `p${i}@example.com`,
    created_at: NOW,
    updated_at: NOW,
    tags: '[]',
    attributes: '{}',
  }));
  for (let i = 0; i < rows.length; i += 200) await db.kysely.insertInto('customers').values(rows.slice(i, i + 200)).execute();
}

describe('prefixUpperBound', () => {
  it('is the next string after every string with the prefix', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('张')).toBe(String.fromCodePoint('张'.codePointAt(0)! + 1));
    expect(prefixUpperBound('a😀')).toBe('a😁');
  });
});

describe('customer search plans [sqlite]', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seed(db, 3000);
    // With statistics SQLite weighs plans as it will in production after ANALYZE.
    await sql`analyze`.execute(db.kysely);
  });
  afterAll(() => db.close());

  async function plan(q: string | null, afterId: number | null = null): Promise<string> {
    const c = compileSearch(db.kysely, { keys: q === null ? null : searchKeysFor(q), afterId, limit: 51 });
    const r = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
    return r.rows.map((x) => x.detail).join('\n');
  }

  it('answers every search key from an index, never a full scan', async () => {
    const name = await plan('name 12');
    expect(name).toMatch(/customers_name_key_idx/);
    const phone = await plan('13800001234');
    expect(phone).toMatch(/customers_phone_idx/);
    const email = await plan('P12@Example.com');
    expect(email).toMatch(/customers_email_idx/);
    expect(email).toMatch(/sqlite_autoindex_customers_1/); // external_id unique index
    for (const p of [name, phone, email]) expect(p).not.toMatch(/^SCAN customers/m);
  });

  it('pages the unfiltered list by primary key', async () => {
    expect(await plan(null, 1200)).toMatch(/SEARCH customers USING INTEGER PRIMARY KEY \(rowid>\?\)/);
  });

  it('finds what the plan promises', async () => {
    const byPhone = await searchCustomers(db.kysely, { keys: searchKeysFor('13800001234'), afterId: null, limit: 10 });
    expect(byPhone.map((c) => c.external_id)).toEqual(['E1234']);
    const byName = await searchCustomers(db.kysely, { keys: searchKeysFor('NAME 123'), afterId: null, limit: 100 });
    // 'name 123' and 'name 1230'..'name 1239' = 11 customers.
    expect(byName).toHaveLength(11);
  });
});

describeEachDialect('referral chains', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    await seed(db, 5);
    const ids = (await db.kysely.selectFrom('customers').select('id').orderBy('id').execute()).map((r) => r.id);
    // 1 <- 2 <- 3 <- 4 (4 was referred by 3, ...); 5 stands alone.
    for (let i = 1; i < 4; i++) await db.kysely.updateTable('customers').set({ referred_by: ids[i - 1]! }).where('id', '=', ids[i]!).execute();
  });
  afterAll(() => db.close());

  it('detects a loop through any depth, and allows what is not a loop', async () => {
    const [c1, c2, , c4, c5] = (await db.kysely.selectFrom('customers').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(await referralChainContains(db.kysely, c4!, c1!)).toBe(true); // 1 referred by 4 closes 1<-2<-3<-4<-1
    expect(await referralChainContains(db.kysely, c2!, c2!)).toBe(true); // self
    expect(await referralChainContains(db.kysely, c1!, c4!)).toBe(false);
    expect(await referralChainContains(db.kysely, c5!, c1!)).toBe(false);
  });
});
