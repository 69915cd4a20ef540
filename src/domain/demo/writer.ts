import type { Kysely } from 'kysely';
import type SQLite from 'better-sqlite3';
import { bulkInsert } from '../../storage/bulk.js';
import type { Db } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';

/** Rows per prepared multi-row INSERT on SQLite: large enough to amortise calls, small enough to prepare once. */
const SQLITE_BATCH = 32;

/**
 * Writes the generator's row arrays. On SQLite it reuses prepared statements through the raw
 * handle (`Db.sqlite`): Kysely prepares every statement anew, which costs about as much as
 * running it and keeps each big statement's native memory alive until garbage collection.
 * Elsewhere (PostgreSQL) it uses the shared multi-row `bulkInsert`. Call `write` only inside
 * a Kysely transaction on the same Db, so the raw statements join that transaction.
 */
export class RowWriter {
  private readonly statements = new Map<string, SQLite.Statement>();
  private params: unknown[] = [];

  constructor(private readonly db: Db) {}

  async write(trx: Kysely<Database>, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    const raw = this.db.dialect === 'sqlite' ? this.db.sqlite : undefined;
    if (!raw) {
      await bulkInsert(trx, this.db.dialect, table, columns, rows);
      return;
    }
    const many = this.statement(raw, table, columns, SQLITE_BATCH);
    const one = this.statement(raw, table, columns, 1);
    const width = columns.length;
    if (this.params.length !== SQLITE_BATCH * width) this.params = new Array<unknown>(SQLITE_BATCH * width);
    const params = this.params;
    let i = 0;
    for (; i + SQLITE_BATCH <= rows.length; i += SQLITE_BATCH) {
      let p = 0;
      for (let r = i; r < i + SQLITE_BATCH; r++) {
        const row = rows[r]!;
        for (let c = 0; c < width; c++) params[p++] = row[c];
      }
      many.run(params);
    }
    for (; i < rows.length; i++) one.run(rows[i]);
  }

  private statement(raw: SQLite.Database, table: string, columns: readonly string[], n: number): SQLite.Statement {
    const key = `${table}|${n}`;
    let s = this.statements.get(key);
    if (!s) {
      const row = `(${columns.map(() => '?').join(',')})`;
      s = raw.prepare(`insert into ${table} (${columns.join(',')}) values ${Array.from({ length: n }, () => row).join(',')}`);
      this.statements.set(key, s);
    }
    return s;
  }
}
