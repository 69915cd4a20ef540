import { sql } from 'kysely';
import type { Db } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { dialectTypes, type Migration } from './migrations/types.js';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies pending migrations in order, each in its own transaction together with its
 * bookkeeping row. Both engines have transactional DDL, so a failing migration leaves the
 * schema as it was (Kysely's own Migrator does not wrap SQLite migrations in a transaction,
 * which is why this small runner exists).
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const k = db.kysely;
  await k.schema
    .createTable('patron_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const t = dialectTypes(db.dialect);
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    const applied = await k.transaction().execute(async (trx) => {
      if (db.dialect === 'postgres') {
        // Two processes migrating at once: the second waits here, then sees the row.
        await sql`select pg_advisory_xact_lock(4242001)`.execute(trx);
      }
      const done = await trx.selectFrom('patron_migrations').select('name').where('name', '=', m.name).executeTakeFirst();
      if (done) return false;
      await m.up(trx, t);
      await trx.insertInto('patron_migrations').values({ name: m.name, applied_at: new Date().toISOString() }).execute();
      return true;
    });
    (applied ? result.applied : result.alreadyApplied).push(m.name);
  }
  return result;
}
