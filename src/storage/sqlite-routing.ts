import type SQLite from 'better-sqlite3';
import {
  CompiledQuery, SelectQueryNode, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from 'kysely';

/**
 * A Kysely dialect for a SQLite file with two connections: the writer, which every write and
 * every transaction goes through one at a time (SQLite has one writer), and a read-only reader
 * for plain SELECTs outside transactions. In WAL mode the reader sees the last committed state
 * while a long transaction (an import, a snapshot build) holds the writer, so the API keeps
 * answering reads instead of queueing behind it. Kysely's own SQLite driver has one connection
 * behind a mutex, which made every request wait for the whole import.
 *
 * Routing is conservative: queries Kysely built as SELECT, and raw SELECT/WITH statements that
 * SQLite reports read-only, go to the reader; everything else, and anything inside a
 * transaction, uses the writer. Reads outside a transaction therefore never see another
 * transaction's uncommitted rows (they could not before either: they waited).
 */
export class RoutingSqliteDialect implements Dialect {
  constructor(private readonly writer: SQLite.Database, private readonly reader: SQLite.Database) {}
  createDriver(): Driver {
    return new RoutingDriver(this.writer, this.reader);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
    return new SqliteIntrospector(db);
  }
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  /** Resolves with the unlock function once every earlier holder has unlocked. */
  lock(): Promise<() => void> {
    let unlock!: () => void;
    const next = new Promise<void>((r) => (unlock = r));
    const ready = this.#tail.then(() => unlock);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

function run(db: SQLite.Database, q: CompiledQuery, prepared?: SQLite.Statement): QueryResult<unknown> {
  const stmt = prepared ?? db.prepare(q.sql);
  const params = q.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(params) };
  const { changes, lastInsertRowid } = stmt.run(params);
  return {
    numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
    insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
    rows: [],
  };
}

class RoutingDriver implements Driver {
  readonly writerLock = new Mutex();
  constructor(readonly writer: SQLite.Database, readonly reader: SQLite.Database) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    // No lock here: a connection takes the writer lock per statement, or for a whole transaction.
    return new RoutedConnection(this);
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async savepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`savepoint "${name.replace(/"/g, '""')}"`));
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`rollback to "${name.replace(/"/g, '""')}"`));
  }
  async releaseSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`release "${name.replace(/"/g, '""')}"`));
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    (c as RoutedConnection).release();
  }
  async destroy(): Promise<void> {
    this.reader.close();
    this.writer.close();
  }
}

/**
 * One use of the database by Kysely: a single query, a transaction, or a `connection()` block.
 * Its first statement that is not a read (see executeQuery) takes the writer lock, and the lock is
 * kept until Kysely releases the connection, so a transaction (or a block that began one with
 * raw SQL, as the loyalty ledger's group commit does) has the writer to itself.
 */
const READ_TEXT = /^\s*(select|with)\b/i;

class RoutedConnection implements DatabaseConnection {
  #unlock: (() => void) | null = null;
  constructor(private readonly driver: RoutingDriver) {}

  release(): void {
    const u = this.#unlock;
    this.#unlock = null;
    u?.();
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#unlock) {
      if (SelectQueryNode.is(q.query)) return run(this.driver.reader, q) as QueryResult<R>;
      // Raw SQL that reads (the analytics queries are written so): SQLite itself says whether the
      // statement writes. Only SELECT/WITH texts are asked, because BEGIN, PRAGMA and the like
      // count as read-only there yet must run on the writer.
      if (READ_TEXT.test(q.sql)) {
        let stmt: SQLite.Statement | null = null;
        try {
          stmt = this.driver.reader.prepare(q.sql);
        } catch {
          // Left to the writer, which reports the error (or knows better).
        }
        if (stmt?.readonly) return run(this.driver.reader, q, stmt) as QueryResult<R>;
      }
      this.#unlock = await this.driver.writerLock.lock();
    }
    return run(this.driver.writer, q) as QueryResult<R>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // Streaming would keep a statement open on a shared connection between awaits; nothing here
    // streams (exports page with keysets), so it is refused rather than half supported.
    throw new Error('streaming queries are not supported on SQLite here; page with a keyset instead');
  }
}
