import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DialectTypes, Migration } from './types.js';

/**
 * Adds the engine's auto-increment integer primary key named `id`. In SQLite a plain
 * INTEGER PRIMARY KEY is the rowid and numbers itself; AUTOINCREMENT would only add a
 * bookkeeping write per insert (it forbids reusing the id of a deleted last row, which we
 * do not rely on).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withId<T extends string>(b: CreateTableBuilder<T, any>, t: DialectTypes) {
  return b.addColumn('id', t.id, (c) =>
    t.name === 'sqlite' ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity(),
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('venues'), t)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('outlet'))
    .addColumn('city', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('customers'), t)
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('name_key', 'text')
    .addColumn('gender', 'text')
    .addColumn('birthday', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('city', 'text')
    .addColumn('country', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('acquisition_channel', 'text')
    .addColumn('acquisition_cost_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('referred_by', t.bigint, (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('consent_sms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_email', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('home_venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_name_key_idx').on('customers').column('name_key').execute();
  await db.schema.createIndex('customers_phone_idx').on('customers').column('phone').execute();
  await db.schema.createIndex('customers_email_idx').on('customers').column('email').execute();
  await db.schema.createIndex('customers_referred_by_idx').on('customers').column('referred_by').execute();

  await withId(db.schema.createTable('products'), t)
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('category', 'text')
    .addColumn('unit_cost_minor', t.bigint)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('import_batches'), t)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('import_rejects'), t)
    .addColumn('batch_id', t.bigint, (c) => c.notNull().references('import_batches.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text')
    .execute();
  await db.schema.createIndex('import_rejects_batch_idx').on('import_rejects').columns(['batch_id', 'line']).execute();

  await withId(db.schema.createTable('orders'), t)
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', t.bigint, (c) => c.references('customers.id').onDelete('restrict'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('restrict'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('sale', 'return')`))
    .addColumn('returns_order_id', t.bigint, (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('completed', 'cancelled', 'returned')`))
    .addColumn('ordered_at', 'text', (c) => c.notNull())
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('payment_method', 'text')
    .addColumn('subtotal_minor', t.bigint, (c) => c.notNull())
    .addColumn('discount_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('total_minor', t.bigint, (c) => c.notNull())
    .addColumn('cost_minor', t.bigint)
    .addColumn('item_count', t.real, (c) => c.notNull().defaultTo(0))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_batch_id', t.bigint, (c) => c.references('import_batches.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // (customer_id, day) serves the per-customer aggregations and the customer 360 timeline.
  await db.schema.createIndex('orders_customer_day_idx').on('orders').columns(['customer_id', 'day']).execute();
  await db.schema.createIndex('orders_day_idx').on('orders').column('day').execute();
  // Most orders are not returns: a partial index costs nothing on their insert.
  await db.schema.createIndex('orders_returns_idx').on('orders').column('returns_order_id').where(sql.ref('returns_order_id'), 'is not', null).execute();

  // Lines are keyed by (order_id, line_no); on SQLite the table is WITHOUT ROWID, so the key is
  // the table's own B-tree (one write per line instead of a rowid table plus a unique index).
  let lines = db.schema
    .createTable('order_lines')
    .addColumn('order_id', t.bigint, (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('product_id', t.bigint, (c) => c.references('products.id').onDelete('restrict'))
    .addColumn('sku', 'text')
    .addColumn('description', 'text')
    .addColumn('quantity', t.real, (c) => c.notNull())
    .addColumn('unit_price', 'text')
    .addColumn('line_total_minor', t.bigint, (c) => c.notNull())
    .addColumn('discount_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('unit_cost_minor', t.bigint)
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_no']);
  if (t.name === 'sqlite') lines = lines.modifyEnd(sql`without rowid`);
  await lines.execute();
  await db.schema.createIndex('order_lines_product_idx').on('order_lines').column('product_id').execute();

  await withId(db.schema.createTable('contacts'), t)
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('inbound', 'outbound')`))
    .addColumn('purpose', 'text')
    .addColumn('cost_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('contacts_customer_idx').on('contacts').columns(['customer_id', 'day']).execute();

  await withId(db.schema.createTable('users'), t)
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('admin', 'manager', 'marketing', 'service', 'staff')`),
    )
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('api_tokens'), t)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('admin', 'manager', 'marketing', 'service', 'staff')`),
    )
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('created_by', t.bigint, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await withId(db.schema.createTable('audit_log'), t)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'entity_id']).execute();

  // The audit log is append-only: the database itself refuses edits and deletes.
  if (t.name === 'sqlite') {
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  } else {
    await sql`create function patron_append_only() returns trigger language plpgsql as $$
      begin raise exception '% is append-only', tg_table_name; end $$`.execute(db);
    await sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function patron_append_only()`.execute(db);
  }
}

export const foundation: Migration = { name: '0001-foundation', up };
