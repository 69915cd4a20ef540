import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * The customer list's filters and saved segments (docs/api.md, "Customers").
 *
 * - `customer_tags`: one row per (customer, tag), kept equal to `customers.tags` (a JSON array)
 *   by triggers on both engines, so every writer (API, import, demo) stays as it is and a tag
 *   filter is an index probe instead of parsing a million JSON arrays.
 * - `saved_segments`: a named filter set, private to its owner or shared.
 * - Indexes for the filters' EXISTS probes that 0001-0006 do not already serve.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  // Keyed (customer_id, tag) for the per-customer probe; (tag, customer_id) walks one tag's
  // customers in id order. WITHOUT ROWID on SQLite: the key is the table's own B-tree.
  let tags = db.schema
    .createTable('customer_tags')
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_tags_pk', ['customer_id', 'tag']);
  if (t.name === 'sqlite') tags = tags.modifyEnd(sql`without rowid`);
  await tags.execute();
  await db.schema.createIndex('customer_tags_tag_idx').on('customer_tags').columns(['tag', 'customer_id']).execute();

  if (t.name === 'sqlite') {
    // Text that is not a JSON array (written by hand) gets no tag rows rather than a failed write.
    const elements = (col: string) => sql.raw(
      `json_each(case when json_valid(${col}) then case when json_type(${col}) = 'array' then ${col} else '[]' end else '[]' end)`,
    );
    await sql`create trigger customers_tags_after_insert after insert on customers
      when new.tags <> '[]'
      begin
        insert or ignore into customer_tags (customer_id, tag)
          select new.id, value from ${elements('new.tags')} where type = 'text';
      end`.execute(db);
    await sql`create trigger customers_tags_after_update after update of tags on customers
      when new.tags is not old.tags
      begin
        delete from customer_tags where customer_id = old.id;
        insert or ignore into customer_tags (customer_id, tag)
          select new.id, value from ${elements('new.tags')} where type = 'text';
      end`.execute(db);
    await sql`insert or ignore into customer_tags (customer_id, tag)
      select c.id, j.value from customers c, ${elements('c.tags')} j
      where c.tags <> '[]' and j.type = 'text'`.execute(db);
  } else {
    // Every writer stores JSON.stringify(array); text not starting with '[' gets no tag rows. No
    // EXCEPTION block: it would open a subtransaction per inserted customer during imports.
    await sql`create function patron_customer_tags_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' then
          if new.tags is not distinct from old.tags then return null; end if;
          delete from customer_tags where customer_id = old.id;
        end if;
        if new.tags is null or new.tags = '[]' or left(new.tags, 1) <> '[' then return null; end if;
        insert into customer_tags (customer_id, tag)
          select new.id, e #>> '{}' from jsonb_array_elements(new.tags::jsonb) e
          where jsonb_typeof(e) = 'string'
          on conflict do nothing;
        return null;
      end $$`.execute(db);
    await sql`create trigger customers_tags_sync after insert or update of tags on customers
      for each row execute function patron_customer_tags_sync()`.execute(db);
    await sql`insert into customer_tags (customer_id, tag)
      select c.id, e #>> '{}' from customers c, jsonb_array_elements(c.tags::jsonb) e
      where c.tags <> '[]' and left(c.tags, 1) = '[' and jsonb_typeof(e) = 'string'
      on conflict do nothing`.execute(db);
  }

  await withId(db.schema.createTable('saved_segments'), t)
    .addColumn('name', 'text', (c) => c.notNull())
    // The actor text of the owner ('user:<id>' or 'token:<id>'), as in the audit log.
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0).check(sql`shared in (0, 1)`))
    // JSON: the filter set (docs/api.md, "Customer filters").
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('saved_segments_owner_name_uq', ['owner', 'name'])
    .execute();
  await db.schema.createIndex('saved_segments_shared_idx').on('saved_segments').columns(['shared', 'id']).execute();

  // Loyalty tier filter: members of a tier in customer order.
  await db.schema.createIndex('loyalty_members_tier_idx').on('loyalty_members').columns(['tier_id', 'customer_id']).execute();
  // Venue filter and venue scope: customers whose home venue it is, in id order.
  await db.schema.createIndex('customers_home_venue_idx').on('customers').columns(['home_venue_id', 'id']).execute();
  // Churn filter: "is this customer on run R's at-risk list (with risk >= x)" is one probe, and a
  // run's list can be walked in customer order. The 0005 key is (run_id, rank): without statistics
  // SQLite probed it by run_id alone, reading the whole list for every customer. Covering (risk
  // included), so the probe never chooses that key for the risk column's sake.
  await db.schema.createIndex('churn_risks_run_customer_idx').on('churn_risks').columns(['run_id', 'customer_id', 'risk']).execute();
}

export const customerList: Migration = { name: '0007-customer-list', up };
