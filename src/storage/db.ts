import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { RoutingSqliteDialect } from './sqlite-routing.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  /** Human-readable location for messages (never includes a password). */
  readonly location: string;
  /**
   * The raw better-sqlite3 handle, for the few bulk paths that need prepared-statement reuse
   * (Kysely prepares every statement anew): the writer connection. Only use it inside a Kysely
   * transaction on this Db (which holds the writer, so raw statements join it), or in a
   * `connection()` block whose first statement went through Kysely and was not a SELECT.
   */
  readonly sqlite?: SQLite.Database;
  close(): Promise<void>;
}

export interface DbConfig {
  /** postgres://... selects PostgreSQL. */
  databaseUrl?: string;
  /** SQLite file path, or ':memory:'. Used when databaseUrl is absent. */
  sqlitePath?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

/** The one place that picks SQLite or PostgreSQL. */
export function createDb(config: DbConfig): Db {
  if (config.databaseUrl) return createPostgres(config.databaseUrl, config.poolSize ?? 10);
  return createSqlite(config.sqlitePath ?? ':memory:');
}

function createSqlite(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new SQLite(path);
  // WAL lets readers proceed while a transaction writes; foreign keys are off by default in SQLite.
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 10000');
  database.pragma('cache_size = -65536');
  let kysely: Kysely<Database>;
  if (path === ':memory:') {
    // An in-memory database exists only on its one connection.
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  } else {
    // A second, query-only connection serves plain reads while the writer is busy (see RoutingSqliteDialect).
    const reader = new SQLite(path);
    reader.pragma('busy_timeout = 10000');
    reader.pragma('cache_size = -65536');
    reader.pragma('query_only = ON');
    kysely = new Kysely<Database>({ dialect: new RoutingSqliteDialect(database, reader) });
  }
  return {
    kysely,
    dialect: 'sqlite',
    location: path,
    sqlite: database,
    close: () => kysely.destroy(),
  };
}

// BIGINT (20) and NUMERIC (1700, what SUM(bigint) returns) arrive as strings from pg.
// Parse them to numbers so both engines return the same shapes; every value we store in
// them is an integer count or minor-unit amount well inside 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  },
};

function createPostgres(url: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes as pg.CustomTypesConfig });
  // An idle client can be cut off by the server (restart, admin terminate). pg emits that on the
  // pool; unhandled, it would crash the process. The next query simply gets a new connection.
  pool.on('error', (e) => {
    process.emitWarning(`PostgreSQL idle connection lost: ${e.message}`);
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    kysely,
    dialect: 'postgres',
    location: `${u.protocol}//${u.host}${u.pathname}`,
    close: () => kysely.destroy(),
  };
}

/** Which engine a Kysely instance (or transaction) talks to. */
export function dialectOf(k: Kysely<any>): DialectName { // eslint-disable-line @typescript-eslint/no-explicit-any
  return k.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
