import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * Loyalty programmes, members, cards, tiers, referral codes and the loyalty ledger
 * (docs/loyalty.md). The ledger is `loyalty_txns` + `loyalty_entries`: append-only, refused
 * UPDATE and DELETE by triggers on both engines. `loyalty_accounts.balance` and
 * `loyalty_lots.remaining` are caches of entry sums (rebuilt and checked by
 * `patron loyalty rebuild`); CHECK constraints keep them from ever going negative.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await withId(db.schema.createTable('loyalty_programmes'), t)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'closed')`))
    .addColumn('point_value_minor', t.bigint, (c) => c.notNull().defaultTo(1).check(sql`point_value_minor > 0`))
    .addColumn('earn_rate_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`earn_rate_bp >= 0`))
    .addColumn('points_expiry_days', 'integer', (c) => c.check(sql`points_expiry_days > 0`))
    .addColumn('points_settlement_bp', 'integer', (c) => c.notNull().defaultTo(10000).check(sql`points_settlement_bp >= 0`))
    .addColumn('sv_settlement_bp', 'integer', (c) => c.notNull().defaultTo(10000).check(sql`sv_settlement_bp >= 0`))
    .addColumn('card_prefix', 'text', (c) => c.notNull())
    .addColumn('tier_window_days', 'integer', (c) => c.notNull().defaultTo(365).check(sql`tier_window_days > 0`))
    .addColumn('referrer_points', t.bigint, (c) => c.notNull().defaultTo(0).check(sql`referrer_points >= 0`))
    .addColumn('referee_points', t.bigint, (c) => c.notNull().defaultTo(0).check(sql`referee_points >= 0`))
    .addColumn('topup_bonuses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('multipliers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_programme_venues')
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('cascade'))
    .addColumn('venue_id', t.bigint, (c) => c.notNull().references('venues.id').onDelete('restrict'))
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('loyalty_programme_venues_pk', ['programme_id', 'venue_id'])
    .execute();
  await db.schema.createIndex('loyalty_programme_venues_venue_idx').on('loyalty_programme_venues').column('venue_id').execute();

  await withId(db.schema.createTable('loyalty_tiers'), t)
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('qualify_by', 'text', (c) => c.notNull().check(sql`qualify_by in ('spend', 'points')`))
    .addColumn('threshold', t.bigint, (c) => c.notNull().check(sql`threshold >= 0`))
    .addColumn('earn_rate_bp', 'integer', (c) => c.notNull().check(sql`earn_rate_bp >= 0`))
    .addColumn('discount_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`discount_bp >= 0 and discount_bp <= 10000`))
    .addColumn('multipliers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('loyalty_tiers_code_uq', ['programme_id', 'code'])
    .addUniqueConstraint('loyalty_tiers_rank_uq', ['programme_id', 'rank'])
    .execute();

  await withId(db.schema.createTable('loyalty_members'), t)
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('restrict'))
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('restrict'))
    .addColumn('tier_id', t.bigint, (c) => c.references('loyalty_tiers.id').onDelete('set null'))
    .addColumn('tier_since', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'closed')`))
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('enrolled_venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addUniqueConstraint('loyalty_members_customer_uq', ['programme_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('loyalty_members_customer_idx').on('loyalty_members').column('customer_id').execute();

  await withId(db.schema.createTable('loyalty_cards'), t)
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('restrict'))
    .addColumn('member_id', t.bigint, (c) => c.notNull().references('loyalty_members.id').onDelete('restrict'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'frozen', 'lost', 'replaced')`))
    .addColumn('replaces_card_id', t.bigint, (c) => c.references('loyalty_cards.id').onDelete('set null'))
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('issued_venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .execute();
  await db.schema.createIndex('loyalty_cards_member_idx').on('loyalty_cards').column('member_id').execute();

  await db.schema
    .createTable('loyalty_referral_codes')
    .addColumn('customer_id', t.bigint, (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Accounts: member accounts carry a cached balance (the row is also the lock a spend takes);
  // programme and venue accounts have none (their balance is summed on demand), so busy venues
  // never contend on one row.
  await withId(db.schema.createTable('loyalty_accounts'), t)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('restrict'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull().check(sql`unit in ('points', 'minor')`))
    .addColumn('member_id', t.bigint, (c) => c.references('loyalty_members.id').onDelete('restrict'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('restrict'))
    .addColumn('counter_venue_id', t.bigint, (c) => c.references('venues.id').onDelete('restrict'))
    .addColumn('balance', t.bigint, (c) => c.check(sql`balance >= 0`))
    .execute();
  await db.schema.createIndex('loyalty_accounts_member_idx').on('loyalty_accounts').column('member_id').execute();

  await withId(db.schema.createTable('loyalty_txns'), t)
    .addColumn('programme_id', t.bigint, (c) => c.notNull().references('loyalty_programmes.id').onDelete('restrict'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('member_id', t.bigint, (c) => c.references('loyalty_members.id').onDelete('restrict'))
    .addColumn('card_id', t.bigint, (c) => c.references('loyalty_cards.id').onDelete('restrict'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('restrict'))
    .addColumn('order_id', t.bigint, (c) => c.references('orders.id').onDelete('restrict'))
    .addColumn('ref_txn_id', t.bigint, (c) => c.references('loyalty_txns.id').onDelete('restrict'))
    .addColumn('reference', 'text')
    .addColumn('points', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('amount_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('result', 'text', (c) => c.notNull())
    .addUniqueConstraint('loyalty_txns_idempotency_uq', ['programme_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('loyalty_txns_member_idx').on('loyalty_txns').columns(['member_id', 'id']).execute();
  // Partial indexes: most transactions have no order and no reference, and skipping those rows
  // keeps the point-of-sale insert cheap.
  await db.schema.createIndex('loyalty_txns_order_idx').on('loyalty_txns').column('order_id').where(sql.ref('order_id'), 'is not', null).execute();
  await db.schema.createIndex('loyalty_txns_ref_idx').on('loyalty_txns').column('ref_txn_id').where(sql.ref('ref_txn_id'), 'is not', null).execute();
  await db.schema.createIndex('loyalty_txns_day_idx').on('loyalty_txns').columns(['programme_id', 'day']).execute();

  await withId(db.schema.createTable('loyalty_lots'), t)
    .addColumn('account_id', t.bigint, (c) => c.notNull().references('loyalty_accounts.id').onDelete('restrict'))
    .addColumn('txn_id', t.bigint, (c) => c.notNull().references('loyalty_txns.id').onDelete('restrict'))
    .addColumn('member_id', t.bigint, (c) => c.notNull().references('loyalty_members.id').onDelete('restrict'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('restrict'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('expires_day', 'integer')
    .addColumn('amount', t.bigint, (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('remaining', t.bigint, (c) => c.notNull().check(sql`remaining >= 0`))
    .execute();
  await db.schema.createIndex('loyalty_lots_account_idx').on('loyalty_lots').columns(['account_id', 'id']).execute();

  await withId(db.schema.createTable('loyalty_entries'), t)
    .addColumn('txn_id', t.bigint, (c) => c.notNull().references('loyalty_txns.id').onDelete('restrict'))
    .addColumn('account_id', t.bigint, (c) => c.notNull().references('loyalty_accounts.id').onDelete('restrict'))
    .addColumn('lot_id', t.bigint, (c) => c.references('loyalty_lots.id').onDelete('restrict'))
    .addColumn('amount', t.bigint, (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_entries_txn_idx').on('loyalty_entries').column('txn_id').execute();
  await db.schema.createIndex('loyalty_entries_account_idx').on('loyalty_entries').column('account_id').execute();
  await db.schema.createIndex('loyalty_entries_lot_idx').on('loyalty_entries').column('lot_id').where(sql.ref('lot_id'), 'is not', null).execute();

  await withId(db.schema.createTable('loyalty_tier_changes'), t)
    .addColumn('member_id', t.bigint, (c) => c.notNull().references('loyalty_members.id').onDelete('restrict'))
    .addColumn('from_tier_id', t.bigint, (c) => c.references('loyalty_tiers.id').onDelete('set null'))
    .addColumn('to_tier_id', t.bigint, (c) => c.references('loyalty_tiers.id').onDelete('set null'))
    .addColumn('as_of_day', 'integer', (c) => c.notNull())
    .addColumn('metric_value', t.bigint, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('loyalty_tier_changes_uq', ['member_id', 'as_of_day'])
    .execute();

  // The ledger is append-only; lots and accounts may only have their cache column changed.
  const appendOnly = ['loyalty_txns', 'loyalty_entries', 'loyalty_tier_changes'];
  const lotIdentity = 'account_id, txn_id, member_id, venue_id, day, expires_day, amount';
  const accountIdentity = 'key, programme_id, kind, unit, member_id, venue_id, counter_venue_id';
  if (t.name === 'sqlite') {
    for (const table of appendOnly) {
      await sql.raw(`create trigger ${table}_no_update before update on ${table}
        begin select raise(abort, '${table} is append-only'); end`).execute(db);
      await sql.raw(`create trigger ${table}_no_delete before delete on ${table}
        begin select raise(abort, '${table} is append-only'); end`).execute(db);
    }
    for (const [table, cols] of [['loyalty_lots', lotIdentity], ['loyalty_accounts', accountIdentity]] as const) {
      await sql.raw(`create trigger ${table}_no_update before update of ${cols} on ${table}
        begin select raise(abort, '${table} is append-only (except its cached balance)'); end`).execute(db);
      await sql.raw(`create trigger ${table}_no_delete before delete on ${table}
        begin select raise(abort, '${table} is append-only'); end`).execute(db);
    }
  } else {
    // patron_append_only() comes from 0001-foundation.
    for (const table of appendOnly) {
      await sql.raw(`create trigger ${table}_append_only before update or delete on ${table}
        for each row execute function patron_append_only()`).execute(db);
    }
    for (const [table, cols] of [['loyalty_lots', lotIdentity], ['loyalty_accounts', accountIdentity]] as const) {
      await sql.raw(`create trigger ${table}_append_only before update of ${cols} or delete on ${table}
        for each row execute function patron_append_only()`).execute(db);
    }
  }
}

export const loyalty: Migration = { name: '0003-loyalty', up };
