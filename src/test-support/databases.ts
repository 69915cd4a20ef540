import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { createDb, type Db, type DialectName } from '../storage/db.js';
import { migrate } from '../storage/migrate.js';

/**
 * Storage tests run once per engine: SQLite always, PostgreSQL when reachable.
 * PATRON_TEST_PG names the server's admin database (default: the local `test` database);
 * PATRON_TEST_PG=off skips PostgreSQL. In CI (CI=true) an unreachable server is a failure,
 * never a silent skip.
 */
const PG_ADMIN_URL = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgAvailable: Promise<boolean> | undefined;
async function postgresAvailable(): Promise<boolean> {
  if (PG_ADMIN_URL === 'off') return false;
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (e) {
      if (process.env.CI) throw new Error(`PostgreSQL not reachable at ${PG_ADMIN_URL} in CI: ${String(e)}`);
      console.warn(`[tests] PostgreSQL not reachable at ${PG_ADMIN_URL}; PostgreSQL storage tests skipped`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

let counter = 0;

/** A fresh, empty database. With `migrated` (default) the schema is in place. */
export async function createTestDb(dialect: DialectName, opts: { migrated?: boolean } = {}): Promise<Db> {
  let db: Db;
  if (dialect === 'sqlite') {
    // A file, as in production: it runs the two-connection driver (writer + reader, WAL).
    const dir = mkdtempSync(join(tmpdir(), 'patron-test-db-'));
    const inner = createDb({ sqlitePath: join(dir, 'test.db') });
    db = {
      ...inner,
      close: async () => {
        await inner.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } else {
    const name = `patron_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const inner = createDb({ databaseUrl: url.toString(), poolSize: 8 });
    db = {
      ...inner,
      close: async () => {
        await inner.close();
        const a = new pg.Client({ connectionString: PG_ADMIN_URL });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  if (opts.migrated ?? true) await migrate(db);
  return db;
}

/**
 * Declares the same suite for each engine, like Kysely's `for (const dialect of DIALECTS)`.
 * The PostgreSQL copy is skipped (with a warning) only outside CI when no server answers.
 */
export function describeEachDialect(title: string, body: (dialect: DialectName) => void): void {
  for (const dialect of DIALECTS) {
    const available = dialect === 'sqlite' ? true : postgresAvailableSync();
    describe.skipIf(!available)(`${title} [${dialect}]`, () => body(dialect));
  }
}

// Vitest collects suites synchronously, so the reachability probe runs once in globalSetup
// (src/test-support/global-setup.ts) and is handed over through this variable.
function postgresAvailableSync(): boolean {
  return process.env.PATRON_TEST_PG_AVAILABLE === '1';
}

export { postgresAvailable };
