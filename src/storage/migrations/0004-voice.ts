import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * Voice of the customer (docs/voice.md): surveys with their items, trigger rules, signed
 * invitations (links), responses and answers; journeys; complaint cases with the six recovery
 * steps, a timeline, compensations and follow-ups. Tables only reference 0001 tables, so this
 * migration does not depend on 0002/0003.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await withId(db.schema.createTable('surveys'), t)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'active', 'closed')`))
    .addColumn('stage', 'text', (c) => c.check(sql`stage in ('doubt', 'learning', 'acceptance', 'reevaluation')`))
    .addColumn('default_locale', 'text', (c) => c.notNull().check(sql`default_locale in ('zh-CN', 'en')`))
    .addColumn('link_ttl_days', 'integer', (c) => c.notNull())
    .addColumn('auto_case_severity', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('survey_items'), t)
    .addColumn('survey_id', t.bigint, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('rating', 'nps', 'csat', 'effort', 'gap', 'kano', 'text')`),
    )
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('survey_items_key_uq', ['survey_id', 'key'])
    .execute();

  await withId(db.schema.createTable('survey_triggers'), t)
    .addColumn('survey_id', t.bigint, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('first_purchase', 'order_followup', 'case_closed')`))
    .addColumn('stage', 'text', (c) => c.check(sql`stage in ('doubt', 'learning', 'acceptance', 'reevaluation')`))
    .addColumn('delay_days', 'integer', (c) => c.notNull())
    .addColumn('lookback_days', 'integer', (c) => c.notNull())
    .addColumn('cooldown_days', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('cases'), t)
    .addColumn('customer_id', t.bigint, (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('channel', 'text', (c) =>
      c.notNull().check(sql`channel in ('phone', 'visit', 'email', 'web', 'social', 'survey', 'other')`),
    )
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('product_id', t.bigint, (c) => c.references('products.id').onDelete('set null'))
    .addColumn('order_id', t.bigint, (c) => c.references('orders.id').onDelete('set null'))
    // No foreign key: survey_responses refers to cases too; the unique index keeps one case per response.
    .addColumn('survey_response_id', t.bigint)
    .addColumn('assignee_user_id', t.bigint, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'resolved', 'closed')`))
    .addColumn('sla_first_response_minutes', 'integer', (c) => c.notNull())
    .addColumn('sla_resolution_minutes', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('first_response_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_customer_idx').on('cases').columns(['customer_id', 'opened_at']).execute();
  await db.schema.createIndex('cases_status_idx').on('cases').columns(['status', 'opened_at']).execute();
  await db.schema.createIndex('cases_closed_idx').on('cases').column('closed_at').execute();
  await db.schema.createIndex('cases_response_uq').on('cases').column('survey_response_id').unique().execute();

  await withId(db.schema.createTable('case_steps'), t)
    .addColumn('case_id', t.bigint, (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) =>
      c.notNull().check(sql`step in ('apologise', 'listen', 'fair_fix', 'compensation', 'keep_promise', 'follow_up')`),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'done', 'skipped')`))
    .addColumn('done_at', 'text')
    .addColumn('done_by', 'text')
    .addColumn('note', 'text')
    .addUniqueConstraint('case_steps_uq', ['case_id', 'step'])
    .execute();

  await withId(db.schema.createTable('case_events'), t)
    .addColumn('case_id', t.bigint, (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'id']).execute();

  await withId(db.schema.createTable('case_compensations'), t)
    .addColumn('case_id', t.bigint, (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('customer_id', t.bigint, (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('points', 'stored_value', 'voucher')`))
    .addColumn('points', t.bigint)
    .addColumn('amount_minor', t.bigint)
    .addColumn('voucher_code', 'text')
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('recorded', 'granted', 'issued', 'cancelled')`),
    )
    .addColumn('ledger_ref', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text')
    .execute();
  await db.schema.createIndex('case_compensations_case_idx').on('case_compensations').column('case_id').execute();

  await withId(db.schema.createTable('case_follow_ups'), t)
    .addColumn('case_id', t.bigint, (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('note', 'text')
    .addColumn('done_at', 'text')
    .addColumn('done_by', 'text')
    .addColumn('outcome', 'text')
    .addColumn('satisfaction', 'integer', (c) => c.check(sql`satisfaction between 1 and 5`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_follow_ups_case_idx').on('case_follow_ups').column('case_id').execute();
  await db.schema.createIndex('case_follow_ups_due_idx').on('case_follow_ups').columns(['done_at', 'due_at']).execute();

  await withId(db.schema.createTable('survey_invitations'), t)
    .addColumn('survey_id', t.bigint, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('trigger_id', t.bigint, (c) => c.references('survey_triggers.id').onDelete('set null'))
    .addColumn('dedupe_key', 'text')
    .addColumn('customer_id', t.bigint, (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('order_id', t.bigint, (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('case_id', t.bigint, (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('touchpoint', 'text')
    .addColumn('staff', 'text')
    .addColumn('stage', 'text', (c) => c.check(sql`stage in ('doubt', 'learning', 'acceptance', 'reevaluation')`))
    .addColumn('locale', 'text', (c) => c.notNull().check(sql`locale in ('zh-CN', 'en')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('responded_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    // The idempotency of `survey dispatch`: a trigger event makes at most one invitation per survey.
    .addUniqueConstraint('survey_invitations_dedupe_uq', ['survey_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('survey_invitations_customer_idx').on('survey_invitations').columns(['customer_id', 'survey_id', 'created_at']).execute();

  await withId(db.schema.createTable('survey_responses'), t)
    .addColumn('survey_id', t.bigint, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    // One response per link, enforced by the database (two concurrent submissions: one wins).
    .addColumn('invitation_id', t.bigint, (c) => c.unique().references('survey_invitations.id').onDelete('set null'))
    .addColumn('customer_id', t.bigint, (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('order_id', t.bigint, (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('case_id', t.bigint, (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('venue_id', t.bigint, (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('touchpoint', 'text')
    .addColumn('staff', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('link', 'entered')`))
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('survey_responses_survey_day_idx').on('survey_responses').columns(['survey_id', 'day']).execute();
  await db.schema.createIndex('survey_responses_customer_idx').on('survey_responses').columns(['customer_id', 'day']).execute();
  await db.schema.createIndex('survey_responses_case_idx').on('survey_responses').column('case_id').execute();

  await withId(db.schema.createTable('survey_answers'), t)
    .addColumn('response_id', t.bigint, (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('item_id', t.bigint, (c) => c.notNull().references('survey_items.id').onDelete('cascade'))
    .addColumn('value', 'integer')
    .addColumn('value2', 'integer')
    .addColumn('text', 'text')
    .addColumn('text2', 'text')
    .addUniqueConstraint('survey_answers_uq', ['response_id', 'item_id'])
    .execute();
  await db.schema.createIndex('survey_answers_item_idx').on('survey_answers').column('item_id').execute();

  await withId(db.schema.createTable('journeys'), t)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('touchpoints', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export const voice: Migration = { name: '0004-voice', up };
