import { loadConfig, type Config } from '../config.js';
import { createDb, type Db } from '../storage/db.js';
import { migrate } from '../storage/migrate.js';

/** Global options every command accepts (declared once on the root program in main.ts). */
export interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/**
 * Database choice, in order: --db PATH (SQLite file or postgres:// URL), DATABASE_URL, PATRON_DB,
 * then the default file data/patron.db.
 */
export function resolveDbConfig(opts: GlobalOptions, config: Config = loadConfig()) {
  if (opts.db) {
    return /^postgres(ql)?:\/\//.test(opts.db) ? { databaseUrl: opts.db } : { sqlitePath: opts.db };
  }
  if (config.databaseUrl) return { databaseUrl: config.databaseUrl };
  return { sqlitePath: config.sqlitePath };
}

/** Opens the database and brings its schema up to date (migrations are idempotent). */
export async function openDb(opts: GlobalOptions, config: Config = loadConfig()): Promise<Db> {
  const db = createDb(resolveDbConfig(opts, config));
  await migrate(db);
  return db;
}

/** Runs `fn` with an open database and always closes it. */
export async function withDb<T>(opts: GlobalOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(opts);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
