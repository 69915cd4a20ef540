import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../test-support/databases.js';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

describeEachDialect('migrations', (dialect) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('applies every migration once and is a no-op the second time', async () => {
    db = await createTestDb(dialect, { migrated: false });
    const first = await migrate(db);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.name));
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(MIGRATIONS.map((m) => m.name));
    const tables = await db.kysely.introspection.getTables();
    const names = tables.map((t) => t.name);
    for (const t of ['customers', 'orders', 'order_lines', 'products', 'venues', 'contacts', 'users', 'api_tokens', 'audit_log']) {
      expect(names).toContain(t);
    }
  });

  it('leaves the schema unchanged when a migration fails half-way', async () => {
    db = await createTestDb(dialect, { migrated: false });
    const broken = {
      name: '9999-broken',
      up: async (k: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => {
        await k.schema.createTable('half_made').addColumn('a', 'integer').execute();
        await sql`this is not sql`.execute(k);
      },
    };
    await expect(migrate(db, [broken])).rejects.toThrow();
    const names = (await db.kysely.introspection.getTables()).map((t) => t.name);
    expect(names).not.toContain('half_made');
    const rows = await db.kysely.selectFrom('patron_migrations').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('refuses edits and deletes on the audit log', async () => {
    db = await createTestDb(dialect);
    await db.kysely
      .insertInto('audit_log')
      .values({ at: new Date().toISOString(), actor: 'test', action: 'create', entity: 'x', entity_id: '1', detail: null })
      .execute();
    await expect(db.kysely.updateTable('audit_log').set({ actor: 'evil' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.kysely.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});
