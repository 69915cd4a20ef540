import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Db } from './db.js';
import type { Database, LoyaltyAccountsTable, LoyaltyLotsTable, LoyaltyTxnsTable } from './schema.js';

/**
 * The loyalty ledger's storage: accounts, transactions, entries, lots (docs/loyalty.md, "Ledger").
 * Entries and transactions are only ever inserted; the two caches (member account balances and
 * lot remainders) are updated in the same database transaction as the entries they sum.
 */

type K = Kysely<Database>;
export type AccountRow = Selectable<LoyaltyAccountsTable>;
export type LotRow = Selectable<LoyaltyLotsTable>;
export type TxnRow = Selectable<LoyaltyTxnsTable>;

export const LEDGER_DEFAULTS = Object.freeze({
  /** PostgreSQL: attempts for a transaction that hits a deadlock or a serialization failure. */
  pgAttempts: 6,
  /** SQLite: most writes committed together in one group commit. */
  sqliteGroupMax: 64,
});

function isRetryablePg(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '40001' || code === '40P01';
}

/**
 * A write transaction of the ledger: the Kysely handle bound to it, and on SQLite the raw
 * better-sqlite3 handle of the same single connection. The hot statements below are fixed SQL
 * run through prepared statements cached per connection on SQLite (Kysely prepares every statement
 * anew, which was a sixth of the point-of-sale path's CPU) and as precompiled text on PostgreSQL.
 */
export interface LedgerTx {
  readonly k: K;
  /** Only inside a write transaction on SQLite: the transaction owns the one connection. */
  readonly raw: SQLite.Database | null;
}

const pgTexts = new Map<string, string>();
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/** Runs fixed SQL with `?` placeholders (never inside literals) and returns its rows. */
async function q<T>(tx: LedgerTx, text: string, params: readonly unknown[]): Promise<T[]> {
  if (tx.raw) {
    let cache = statements.get(tx.raw);
    if (!cache) statements.set(tx.raw, (cache = new Map()));
    let st = cache.get(text);
    if (!st) cache.set(text, (st = tx.raw.prepare(text)));
    if (st.reader) return st.all(...params) as T[];
    st.run(...params);
    return [];
  }
  let t = pgTexts.get(text);
  if (t === undefined) {
    let i = 0;
    t = text.replace(/\?/g, () => `$${++i}`);
    pgTexts.set(text, t);
  }
  const r = await tx.k.executeQuery<T>(CompiledQuery.raw(t, [...params]));
  return r.rows;
}

interface QueuedWrite {
  fn: (tx: LedgerTx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * SQLite group commit. SQLite has one writer, and most of a small write's cost is its COMMIT, so
 * writes that queue up while one group runs are committed together: one BEGIN IMMEDIATE, each write
 * in its own SAVEPOINT (a failing write rolls back to it and fails alone), one COMMIT, and only then
 * are the callers answered. Each write still runs alone on the connection, start to end, so it sees
 * every earlier write: the same isolation as one transaction per write, at a fraction of the cost.
 * If the COMMIT itself fails, every write of the group fails and none is kept.
 */
class SqliteGroupCommit {
  private queue: QueuedWrite[] = [];
  private running = false;
  constructor(private readonly db: Db) {}

  run<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // A group never yields to the event loop (better-sqlite3 is synchronous), so requests can
        // only join it before it starts: start on the next turn, after this turn's requests queue.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let group: QueuedWrite[] = [];
        const outcomes: { ok: boolean; value: unknown }[] = [];
        try {
          await this.db.kysely.connection().execute(async (conn) => {
            // The group is whatever queued up while we waited for the connection.
            group = this.queue.splice(0, LEDGER_DEFAULTS.sqliteGroupMax);
            const tx: LedgerTx = { k: conn, raw: this.db.sqlite ?? null };
            // Begun through Kysely, so the connection holds SQLite's writer for the whole group (see
            // sqlite-routing.ts); the group's statements then run on the raw writer handle.
            await sql`begin immediate`.execute(conn);
            try {
              for (const w of group) {
                await q(tx, 'savepoint ledger_write', []);
                try {
                  const value = await w.fn(tx);
                  await q(tx, 'release ledger_write', []);
                  outcomes.push({ ok: true, value });
                } catch (e) {
                  await q(tx, 'rollback to ledger_write', []);
                  await q(tx, 'release ledger_write', []);
                  outcomes.push({ ok: false, value: e });
                }
              }
              await q(tx, 'commit', []);
            } catch (e) {
              await q(tx, 'rollback', []).catch(() => undefined);
              throw e;
            }
          });
        } catch (e) {
          for (const w of group) w.reject(e);
          continue;
        }
        group.forEach((w, i) => (outcomes[i]!.ok ? w.resolve(outcomes[i]!.value) : w.reject(outcomes[i]!.value)));
      }
    } finally {
      this.running = false;
    }
  }
}

const groups = new WeakMap<Db, SqliteGroupCommit>();

/**
 * Runs `fn` in one write transaction.
 * - SQLite: on the writer connection, held by the group from its BEGIN IMMEDIATE until the group
 *   ends (storage/sqlite-routing.ts), so a check-then-write cannot interleave with another writer in this process and
 *   another process waits for the write lock at BEGIN instead of failing at its first write; writes
 *   queued meanwhile share the commit (SqliteGroupCommit).
 * - PostgreSQL: READ COMMITTED; callers lock the member's account rows (SELECT ... FOR NO KEY UPDATE)
 *   before reading balances, and deadlocks or serialization failures are retried with backoff.
 */
export async function inWriteTransaction<T>(db: Db, fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
  if (db.dialect === 'sqlite') {
    let g = groups.get(db);
    if (!g) groups.set(db, (g = new SqliteGroupCommit(db)));
    return g.run(fn);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.kysely.transaction().execute((trx) => fn({ k: trx, raw: null }));
    } catch (e) {
      if (!isRetryablePg(e) || attempt >= LEDGER_DEFAULTS.pgAttempts) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

/** True for a unique violation of the idempotency constraint (both engines). */
export function isIdempotencyViolation(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err?.code === '23505') return err.constraint === 'loyalty_txns_idempotency_uq';
  if (err?.code === 'SQLITE_CONSTRAINT_UNIQUE') return /loyalty_txns\.programme_id, loyalty_txns\.idempotency_key/.test(err.message ?? '');
  return false;
}

// ---- accounts ----------------------------------------------------------------------------------------

export interface LockedAccount {
  id: number;
  kind: string;
  balance: number | null;
  member_id: number;
  member_status: 'active' | 'closed';
  tier_id: number | null;
  /** The probed card's status (null when no card was probed). */
  card_status: string | null;
  /** The transaction already holding the probed idempotency key, if any. */
  existing_txn_id: number | null;
}

export interface LockProbe {
  cardId?: number | null;
  programmeId?: number;
  key?: string | null;
}

/**
 * The members' accounts with their member's status and tier, locked for this transaction on
 * PostgreSQL: the lock every write to a member's balances takes first, in id order, so two members
 * never deadlock. (SQLite needs no row lock: the transaction is the only writer.) The same round
 * trip also reads a card's status and looks the idempotency key up. On PostgreSQL that look-up
 * sees the database as of the statement's start, so a request with the same key that committed
 * while this one waited for the lock is missed here; the unique constraint then refuses the
 * second insert and the caller answers from the stored transaction.
 */
export function lockMemberAccounts(tx: LedgerTx, memberIds: readonly number[], probe: LockProbe = {}): Promise<LockedAccount[]> {
  const ph = memberIds.map(() => '?').join(',');
  const text =
    `select a.id, a.kind, a.balance, a.member_id, m.status as member_status, m.tier_id, ` +
    `(select c.status from loyalty_cards c where c.id = ?) as card_status, ` +
    `(select t.id from loyalty_txns t where t.programme_id = ? and t.idempotency_key = ?) as existing_txn_id ` +
    `from loyalty_accounts a join loyalty_members m on m.id = a.member_id where a.member_id in (${ph}) order by a.id` +
    (tx.raw ? '' : ' for no key update of a');
  return q<LockedAccount>(tx, text, [probe.cardId ?? null, probe.programmeId ?? null, probe.key ?? null, ...memberIds]);
}

/** A card's state, read inside the write transaction (a card frozen a moment ago is refused). */
export async function cardStatusTx(tx: LedgerTx, cardId: number): Promise<string | undefined> {
  const r = await q<{ status: string }>(tx, 'select status from loyalty_cards where id = ?', [cardId]);
  return r[0]?.status;
}

export function memberAccounts(db: K, memberIds: readonly number[]): Promise<AccountRow[]> {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('loyalty_accounts').selectAll().where('member_id', 'in', [...memberIds]).orderBy('id').execute();
}

export interface AccountSpec {
  key: string;
  programmeId: number;
  kind: string;
  unit: 'points' | 'minor';
  memberId: number | null;
  venueId: number | null;
  counterVenueId: number | null;
  /** 0 for member accounts (cached), null for programme and venue accounts. */
  balance: number | null;
}

/** Inserts the account unless its key exists; returns its id. */
export async function ensureAccount(db: K, a: AccountSpec): Promise<number> {
  const ins = await db
    .insertInto('loyalty_accounts')
    .values({
      key: a.key,
      programme_id: a.programmeId,
      kind: a.kind,
      unit: a.unit,
      member_id: a.memberId,
      venue_id: a.venueId,
      counter_venue_id: a.counterVenueId,
      balance: a.balance,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (ins) return ins.id;
  const row = await db.selectFrom('loyalty_accounts').select('id').where('key', '=', a.key).executeTakeFirstOrThrow();
  return row.id;
}

/** ensureAccount inside a ledger write. */
export async function ensureAccountTx(tx: LedgerTx, a: AccountSpec): Promise<number> {
  const ins = await q<{ id: number }>(
    tx,
    'insert into loyalty_accounts (key, programme_id, kind, unit, member_id, venue_id, counter_venue_id, balance) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (key) do nothing returning id',
    [a.key, a.programmeId, a.kind, a.unit, a.memberId, a.venueId, a.counterVenueId, a.balance],
  );
  if (ins[0]) return Number(ins[0].id);
  const row = await q<{ id: number }>(tx, 'select id from loyalty_accounts where key = ?', [a.key]);
  return Number(row[0]!.id);
}

export async function addToBalance(tx: LedgerTx, accountId: number, delta: number): Promise<void> {
  await q(tx, 'update loyalty_accounts set balance = balance + ? where id = ?', [delta, accountId]);
}

// ---- lots ---------------------------------------------------------------------------------------------

/** Lots of these accounts that still hold something. */
export function openLots(db: K, accountIds: readonly number[]): Promise<LotRow[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('loyalty_lots')
    .selectAll()
    .where('account_id', 'in', [...accountIds])
    .where('remaining', '>', 0)
    .orderBy('id')
    .execute();
}

export function openLotsTx(tx: LedgerTx, accountIds: readonly number[]): Promise<LotRow[]> {
  const ph = accountIds.map(() => '?').join(',');
  return q<LotRow>(tx, `select * from loyalty_lots where account_id in (${ph}) and remaining > 0 order by id`, accountIds);
}

export function lotsByIds(db: K, ids: readonly number[]): Promise<LotRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('loyalty_lots').selectAll().where('id', 'in', [...ids]).execute();
}

export async function insertLot(tx: LedgerTx, row: Omit<LotRow, 'id'>): Promise<number> {
  const r = await q<{ id: number }>(
    tx,
    'insert into loyalty_lots (account_id, txn_id, member_id, venue_id, day, expires_day, amount, remaining) values (?, ?, ?, ?, ?, ?, ?, ?) returning id',
    [row.account_id, row.txn_id, row.member_id, row.venue_id, row.day, row.expires_day, row.amount, row.remaining],
  );
  return Number(r[0]!.id);
}

export async function addToLot(tx: LedgerTx, lotId: number, delta: number): Promise<void> {
  await q(tx, 'update loyalty_lots set remaining = remaining + ? where id = ?', [delta, lotId]);
}

// ---- transactions and entries ------------------------------------------------------------------------

export async function findTxnByKeyTx(tx: LedgerTx, programmeId: number, key: string): Promise<TxnRow | undefined> {
  const r = await q<TxnRow>(tx, 'select * from loyalty_txns where programme_id = ? and idempotency_key = ?', [programmeId, key]);
  return r[0];
}

export async function getTxnTx(tx: LedgerTx, id: number): Promise<TxnRow | undefined> {
  const r = await q<TxnRow>(tx, 'select * from loyalty_txns where id = ?', [id]);
  return r[0];
}

export function findTxnByKey(db: K, programmeId: number, key: string): Promise<TxnRow | undefined> {
  return db
    .selectFrom('loyalty_txns')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export function getTxn(db: K, id: number): Promise<TxnRow | undefined> {
  return db.selectFrom('loyalty_txns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTxn(tx: LedgerTx, row: Omit<TxnRow, 'id'>): Promise<number> {
  const r = await q<{ id: number }>(
    tx,
    'insert into loyalty_txns (programme_id, idempotency_key, request_hash, kind, member_id, card_id, venue_id, order_id, ref_txn_id, reference, ' +
      'points, amount_minor, reason, actor, created_at, day, detail, result) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
    [row.programme_id, row.idempotency_key, row.request_hash, row.kind, row.member_id, row.card_id, row.venue_id, row.order_id, row.ref_txn_id,
      row.reference, row.points, row.amount_minor, row.reason, row.actor, row.created_at, row.day, row.detail, row.result],
  );
  return Number(r[0]!.id);
}

export interface EntryRow {
  txn_id: number;
  account_id: number;
  lot_id: number | null;
  amount: number;
  actor: string;
  created_at: string;
}

export async function insertEntries(tx: LedgerTx, rows: EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (tx.raw) {
    // One cached statement per row beats a VALUES list that SQLite must parse for every size.
    for (const r of rows) {
      await q(tx, 'insert into loyalty_entries (txn_id, account_id, lot_id, amount, actor, created_at) values (?, ?, ?, ?, ?, ?)', [
        r.txn_id, r.account_id, r.lot_id, r.amount, r.actor, r.created_at,
      ]);
    }
    return;
  }
  const params: unknown[] = [];
  for (const r of rows) params.push(r.txn_id, r.account_id, r.lot_id, r.amount, r.actor, r.created_at);
  await q(tx, `insert into loyalty_entries (txn_id, account_id, lot_id, amount, actor, created_at) values ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, params);
}

/** Everything one ledger transaction writes. */
export interface PostingWrite {
  txn: Omit<TxnRow, 'id'>;
  newLots: { accountId: number; memberId: number; venueId: number | null; day: number; expiresDay: number | null; amount: number }[];
  /** lot: an existing lot, a lot created by this write (index into newLots), or none. */
  entries: { accountId: number; lot: { existing: number } | { newIndex: number } | null; amount: number }[];
  lotDeltas: [number, number][];
  balanceDeltas: [number, number][];
}

/**
 * Writes a ledger transaction: its row, new lots, entries, and the cached lot remainders and
 * member balances. SQLite runs one cached statement per row; PostgreSQL gets it all in one
 * statement of data-modifying CTEs, one round trip instead of five or more (foreign keys are
 * checked at the end of the statement, when the new rows exist).
 */
export async function writePosting(tx: LedgerTx, w: PostingWrite): Promise<{ txnId: number; lotIds: number[] }> {
  const t = w.txn;
  if (tx.raw) {
    const txnId = await insertTxn(tx, t);
    const lotIds: number[] = [];
    for (const l of w.newLots) {
      lotIds.push(
        await insertLot(tx, { account_id: l.accountId, txn_id: txnId, member_id: l.memberId, venue_id: l.venueId, day: l.day, expires_day: l.expiresDay, amount: l.amount, remaining: l.amount }),
      );
    }
    const lotOf = (e: PostingWrite['entries'][number]) => (e.lot === null ? null : 'existing' in e.lot ? e.lot.existing : lotIds[e.lot.newIndex]!);
    await insertEntries(tx, w.entries.map((e) => ({ txn_id: txnId, account_id: e.accountId, lot_id: lotOf(e), amount: e.amount, actor: t.actor, created_at: t.created_at })));
    for (const [id, d] of w.lotDeltas) await addToLot(tx, id, d);
    for (const [id, d] of w.balanceDeltas) await addToBalance(tx, id, d);
    return { txnId, lotIds };
  }
  const params: unknown[] = [];
  const p = (v: unknown, type: string) => {
    params.push(v);
    return `$${params.length}::${type}`;
  };
  const ctes: string[] = [];
  ctes.push(
    `t as (insert into loyalty_txns (programme_id, idempotency_key, request_hash, kind, member_id, card_id, venue_id, order_id, ref_txn_id, reference, ` +
      `points, amount_minor, reason, actor, created_at, day, detail, result) values (${[
        p(t.programme_id, 'bigint'), p(t.idempotency_key, 'text'), p(t.request_hash, 'text'), p(t.kind, 'text'), p(t.member_id, 'bigint'),
        p(t.card_id, 'bigint'), p(t.venue_id, 'bigint'), p(t.order_id, 'bigint'), p(t.ref_txn_id, 'bigint'), p(t.reference, 'text'),
        p(t.points, 'bigint'), p(t.amount_minor, 'bigint'), p(t.reason, 'text'), p(t.actor, 'text'), p(t.created_at, 'text'), p(t.day, 'integer'),
        p(t.detail, 'text'), p(t.result, 'text'),
      ].join(', ')}) returning id)`,
  );
  w.newLots.forEach((l, i) => {
    ctes.push(
      `l${i} as (insert into loyalty_lots (account_id, txn_id, member_id, venue_id, day, expires_day, amount, remaining) select ${p(l.accountId, 'bigint')}, t.id, ` +
        `${p(l.memberId, 'bigint')}, ${p(l.venueId, 'bigint')}, ${p(l.day, 'integer')}, ${p(l.expiresDay, 'integer')}, ${p(l.amount, 'bigint')}, ${p(l.amount, 'bigint')} from t returning id)`,
    );
  });
  if (w.entries.length) {
    const rows = w.entries.map((e) => {
      const lot = e.lot === null ? 'null::bigint' : 'existing' in e.lot ? p(e.lot.existing, 'bigint') : `(select id from l${e.lot.newIndex})`;
      return `(${p(e.accountId, 'bigint')}, ${lot}, ${p(e.amount, 'bigint')})`;
    });
    ctes.push(
      `e as (insert into loyalty_entries (txn_id, account_id, lot_id, amount, actor, created_at) select t.id, x.a, x.l, x.m, ${p(t.actor, 'text')}, ${p(t.created_at, 'text')} ` +
        `from t, (values ${rows.join(', ')}) as x(a, l, m))`,
    );
  }
  w.lotDeltas.forEach(([id, d], i) => ctes.push(`u${i} as (update loyalty_lots set remaining = remaining + ${p(d, 'bigint')} where id = ${p(id, 'bigint')})`));
  w.balanceDeltas.forEach(([id, d], i) => ctes.push(`b${i} as (update loyalty_accounts set balance = balance + ${p(d, 'bigint')} where id = ${p(id, 'bigint')})`));
  const select = ['(select id from t) as txn_id', ...w.newLots.map((_, i) => `(select id from l${i}) as l${i}`)].join(', ');
  const r = await tx.k.executeQuery<Record<string, number>>(CompiledQuery.raw(`with ${ctes.join(', ')} select ${select}`, params));
  const row = r.rows[0]!;
  return { txnId: Number(row.txn_id), lotIds: w.newLots.map((_, i) => Number(row[`l${i}`])) };
}

/** Transactions that point at `refTxnId` (reversals and refunds of it). */
export function txnsReferring(db: K, refTxnId: number): Promise<TxnRow[]> {
  return db.selectFrom('loyalty_txns').selectAll().where('ref_txn_id', '=', refTxnId).orderBy('id').execute();
}

export function txnsOfOrder(db: K, programmeId: number, orderId: number): Promise<TxnRow[]> {
  return db
    .selectFrom('loyalty_txns')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

export async function lastTxnIdOfMember(tx: LedgerTx, memberId: number): Promise<number> {
  const r = await q<{ id: number | null }>(tx, 'select max(id) as id from loyalty_txns where member_id = ?', [memberId]);
  return Number(r[0]?.id ?? 0);
}

export function txnsOfMember(db: K, memberId: number, fromDay: number | null, toDay: number | null): Promise<TxnRow[]> {
  let q = db.selectFrom('loyalty_txns').selectAll().where('member_id', '=', memberId);
  if (fromDay !== null) q = q.where('day', '>=', fromDay);
  if (toDay !== null) q = q.where('day', '<=', toDay);
  return q.orderBy('id').execute();
}

/** Entries of the given transactions with their account's kind and unit. */
export function entriesOfTxns(db: K, txnIds: readonly number[]) {
  if (txnIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('loyalty_entries as e')
    .innerJoin('loyalty_accounts as a', 'a.id', 'e.account_id')
    .select(['e.id', 'e.txn_id', 'e.account_id', 'e.lot_id', 'e.amount', 'e.actor', 'a.kind', 'a.unit', 'a.member_id', 'a.venue_id', 'a.counter_venue_id'])
    .where('e.txn_id', 'in', [...txnIds])
    .orderBy('e.id')
    .execute();
}

/** Sum of a member account's entries up to and including a transaction id (running balances for statements). */
export async function accountSumBefore(db: K, accountIds: readonly number[], beforeTxnId: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('loyalty_entries')
    .select(['account_id', (eb) => eb.fn.sum<number>('amount').as('s')])
    .where('account_id', 'in', [...accountIds])
    .where('txn_id', '<', beforeTxnId)
    .groupBy('account_id')
    .execute();
  for (const r of rows) out.set(r.account_id, Number(r.s));
  return out;
}

// ---- checks and reports ------------------------------------------------------------------------------

export interface CacheDiff {
  id: number;
  cached: number;
  ledger: number;
}

/** Member accounts whose cached balance differs from the sum of their entries. */
export async function accountBalanceDiffs(db: K): Promise<CacheDiff[]> {
  const r = await sql<{ id: number; cached: number; ledger: number }>`
    select a.id, a.balance as cached, coalesce(s.total, 0) as ledger
    from loyalty_accounts a
    left join (select account_id, sum(amount) as total from loyalty_entries group by account_id) s on s.account_id = a.id
    where a.balance is not null and a.balance <> coalesce(s.total, 0)
    order by a.id`.execute(db);
  return r.rows.map((x) => ({ id: Number(x.id), cached: Number(x.cached), ledger: Number(x.ledger) }));
}

export async function lotRemainingDiffs(db: K): Promise<CacheDiff[]> {
  const r = await sql<{ id: number; cached: number; ledger: number }>`
    select l.id, l.remaining as cached, coalesce(s.total, 0) as ledger
    from loyalty_lots l
    left join (select lot_id, sum(amount) as total from loyalty_entries where lot_id is not null group by lot_id) s on s.lot_id = l.id
    where l.remaining <> coalesce(s.total, 0)
    order by l.id`.execute(db);
  return r.rows.map((x) => ({ id: Number(x.id), cached: Number(x.cached), ledger: Number(x.ledger) }));
}

/** Transactions whose entries do not sum to zero in some unit (there must be none). */
export async function unbalancedTxns(db: K): Promise<{ txnId: number; unit: string; sum: number }[]> {
  const r = await sql<{ txn_id: number; unit: string; s: number }>`
    select e.txn_id, a.unit, sum(e.amount) as s
    from loyalty_entries e join loyalty_accounts a on a.id = e.account_id
    group by e.txn_id, a.unit
    having sum(e.amount) <> 0
    order by e.txn_id`.execute(db);
  return r.rows.map((x) => ({ txnId: Number(x.txn_id), unit: x.unit, sum: Number(x.s) }));
}

/** Transactions whose header (points, amount_minor) differs from their entries on member accounts. */
export async function txnHeaderDiffs(db: K): Promise<{ txnId: number; points: number; ledgerPoints: number; amountMinor: number; ledgerMinor: number }[]> {
  const r = await sql<{ id: number; points: number; amount_minor: number; lp: number | null; lm: number | null }>`
    select t.id, t.points, t.amount_minor, s.lp, s.lm
    from loyalty_txns t
    left join (
      select e.txn_id,
        sum(case when a.kind = 'points' then e.amount else 0 end) as lp,
        sum(case when a.kind in ('sv_paid', 'sv_bonus') then e.amount else 0 end) as lm
      from loyalty_entries e join loyalty_accounts a on a.id = e.account_id
      where a.member_id is not null
      group by e.txn_id
    ) s on s.txn_id = t.id
    where t.points <> coalesce(s.lp, 0) or t.amount_minor <> coalesce(s.lm, 0)
    order by t.id`.execute(db);
  return r.rows.map((x) => ({
    txnId: Number(x.id),
    points: Number(x.points),
    ledgerPoints: Number(x.lp ?? 0),
    amountMinor: Number(x.amount_minor),
    ledgerMinor: Number(x.lm ?? 0),
  }));
}

/** Entries whose lot belongs to a different account (there must be none). */
export async function misfiledLotEntries(db: K): Promise<number[]> {
  const r = await sql<{ id: number }>`
    select e.id from loyalty_entries e join loyalty_lots l on l.id = e.lot_id
    where l.account_id <> e.account_id order by e.id`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

export async function ledgerCounts(db: K): Promise<{ txns: number; entries: number; accounts: number; lots: number }> {
  const r = await sql<{ txns: number; entries: number; accounts: number; lots: number }>`
    select (select count(*) from loyalty_txns) as txns, (select count(*) from loyalty_entries) as entries,
      (select count(*) from loyalty_accounts) as accounts, (select count(*) from loyalty_lots) as lots`.execute(db);
  const x = r.rows[0]!;
  return { txns: Number(x.txns), entries: Number(x.entries), accounts: Number(x.accounts), lots: Number(x.lots) };
}

export async function setAccountBalance(db: K, id: number, balance: number): Promise<void> {
  await db.updateTable('loyalty_accounts').set({ balance }).where('id', '=', id).execute();
}

export async function setLotRemaining(db: K, id: number, remaining: number): Promise<void> {
  await db.updateTable('loyalty_lots').set({ remaining }).where('id', '=', id).execute();
}

/**
 * What each lot of a programme held at the end of `asOfDay` (sum of entries of transactions on or
 * before that day), with the lot's account kind, origin venue and day: the liability report's rows.
 */
export async function lotHoldingsAsOf(db: K, programmeId: number, asOfDay: number) {
  const r = await sql<{ kind: string; venue_id: number | null; day: number; held: number }>`
    select a.kind, l.venue_id, l.day, sum(e.amount) as held
    from loyalty_entries e
    join loyalty_txns t on t.id = e.txn_id
    join loyalty_lots l on l.id = e.lot_id
    join loyalty_accounts a on a.id = l.account_id
    where a.programme_id = ${programmeId} and t.day <= ${asOfDay}
    group by l.id, a.kind, l.venue_id, l.day
    having sum(e.amount) <> 0`.execute(db);
  return r.rows.map((x) => ({ kind: x.kind, venueId: x.venue_id === null ? null : Number(x.venue_id), day: Number(x.day), held: Number(x.held) }));
}

/** Settlement entries of a programme in a day range, summed per (kind, creditor venue, debtor venue). */
export async function settlementSums(db: K, programmeId: number, fromDay: number, toDay: number) {
  const r = await sql<{ kind: string; venue_id: number; counter_venue_id: number; total: number; txns: number }>`
    select a.kind, a.venue_id, a.counter_venue_id, sum(e.amount) as total, count(distinct e.txn_id) as txns
    from loyalty_entries e
    join loyalty_txns t on t.id = e.txn_id
    join loyalty_accounts a on a.id = e.account_id
    where a.programme_id = ${programmeId} and a.kind in ('settle_points_receivable', 'settle_sv_receivable')
      and t.day >= ${fromDay} and t.day <= ${toDay}
    group by a.kind, a.venue_id, a.counter_venue_id
    order by a.venue_id, a.counter_venue_id, a.kind`.execute(db);
  return r.rows.map((x) => ({
    kind: x.kind,
    creditorVenueId: Number(x.venue_id),
    debtorVenueId: Number(x.counter_venue_id),
    totalMinor: Number(x.total),
    txns: Number(x.txns),
  }));
}

/** Points earned (accruals, their reversals and referral rewards) per member in a day range. */
export async function earnedPointsByMember(db: K, programmeId: number, fromDay: number, toDay: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('loyalty_txns')
    .select(['member_id', (eb) => eb.fn.sum<number>('points').as('p')])
    .where('programme_id', '=', programmeId)
    .where('kind', 'in', ['accrue', 'accrue_reverse', 'referral', 'referral_reverse'])
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .groupBy('member_id')
    .execute();
  const out = new Map<number, number>();
  for (const r of rows) if (r.member_id !== null) out.set(r.member_id, Number(r.p));
  return out;
}

/** Completed spend (returns included) per customer at the given venues in a day range. */
export async function spendByCustomer(db: K, venueIds: readonly number[], fromDay: number, toDay: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (venueIds.length === 0) return out;
  const rows = await db
    .selectFrom('orders')
    .select(['customer_id', (eb) => eb.fn.sum<number>('total_minor').as('s')])
    .where('venue_id', 'in', [...venueIds])
    .where('status', '=', 'completed')
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .where('customer_id', 'is not', null)
    .groupBy('customer_id')
    .execute();
  for (const r of rows) if (r.customer_id !== null) out.set(r.customer_id, Number(r.s));
  return out;
}

/** Member ids with points lots that have expired by `day` and still hold points. */
export async function membersWithExpiredLots(db: K, programmeId: number, day: number): Promise<number[]> {
  const rows = await db
    .selectFrom('loyalty_lots as l')
    .innerJoin('loyalty_accounts as a', 'a.id', 'l.account_id')
    .select('l.member_id')
    .distinct()
    .where('a.programme_id', '=', programmeId)
    .where('a.kind', '=', 'points')
    .where('l.remaining', '>', 0)
    .where('l.expires_day', '<=', day)
    .orderBy('l.member_id')
    .execute();
  return rows.map((r) => r.member_id);
}
