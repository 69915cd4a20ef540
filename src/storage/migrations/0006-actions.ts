import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * Acting on value (docs/actions.md): saved basket rules and sequence patterns (the source of
 * next-best-product suggestions), contact plans by segment, and campaigns with their members
 * (treatment or control). Contacts made by plans and campaigns are rows of the 0001 `contacts`
 * table, so cost to serve includes them. Plans and campaigns name a snapshot (0002) but do not
 * need it to survive: deleting a snapshot leaves them with snapshot_id null.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await withId(db.schema.createTable('pattern_sets'), t)
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('rules', 'sequences')`))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('product', 'category')`))
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('patterns', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pattern_sets_kind_idx').on('pattern_sets').columns(['kind', 'level', 'id']).execute();

  // Item keys are text: a product's sku, or a category. Itemsets are JSON arrays of keys.
  let rules = db.schema
    .createTable('basket_rules')
    .addColumn('set_id', t.bigint, (c) => c.notNull().references('pattern_sets.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('antecedent', 'text', (c) => c.notNull())
    .addColumn('consequent', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('support', t.real, (c) => c.notNull())
    .addColumn('confidence', t.real, (c) => c.notNull())
    .addColumn('coverage', t.real, (c) => c.notNull())
    .addColumn('lift', t.real, (c) => c.notNull())
    .addColumn('leverage', t.real, (c) => c.notNull())
    // null = infinite (confidence 1)
    .addColumn('conviction', t.real)
    .addPrimaryKeyConstraint('basket_rules_pk', ['set_id', 'position']);
  if (t.name === 'sqlite') rules = rules.modifyEnd(sql`without rowid`);
  await rules.execute();

  let seqs = db.schema
    .createTable('sequence_patterns')
    .addColumn('set_id', t.bigint, (c) => c.notNull().references('pattern_sets.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('antecedent', 'text', (c) => c.notNull())
    .addColumn('consequent', 'text', (c) => c.notNull())
    .addColumn('count_antecedent', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('support', t.real, (c) => c.notNull())
    .addColumn('confidence', t.real, (c) => c.notNull())
    .addColumn('base_rate', t.real, (c) => c.notNull())
    .addColumn('lift', t.real, (c) => c.notNull())
    .addColumn('window_base_rate', t.real, (c) => c.notNull())
    // null = infinite
    .addColumn('window_lift', t.real)
    .addPrimaryKeyConstraint('sequence_patterns_pk', ['set_id', 'position']);
  if (t.name === 'sqlite') seqs = seqs.modifyEnd(sql`without rowid`);
  await seqs.execute();

  await withId(db.schema.createTable('contact_plans'), t)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', t.bigint, (c) => c.references('analysis_snapshots.id').onDelete('set null'))
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull().check(sql`rule in ('sales', 'predicted-value', 'manual')`))
    .addColumn('budget_minor', t.bigint, (c) => c.notNull())
    .addColumn('period_quarters', t.real, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'active', 'archived')`))
    .addColumn('totals', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contact_plan_segments')
    .addColumn('plan_id', t.bigint, (c) => c.notNull().references('contact_plans.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('sales_minor', t.bigint, (c) => c.notNull())
    .addColumn('predicted_value_minor', t.bigint)
    .addColumn('manual_share', t.real)
    .addColumn('min_share', t.real)
    .addColumn('max_share', t.real)
    .addColumn('budget_share', t.real, (c) => c.notNull())
    .addColumn('budget_minor', t.bigint, (c) => c.notNull())
    .addColumn('spend_per_customer', t.real)
    .addColumn('spend_index', t.real)
    .addColumn('budget_per_sales', t.real)
    .addColumn('contacts_min', t.real)
    .addColumn('contacts_max', t.real)
    .addColumn('contacts_planned', t.real)
    // JSON array of channel names
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addPrimaryKeyConstraint('contact_plan_segments_pk', ['plan_id', 'position'])
    .addUniqueConstraint('contact_plan_segments_segment_uq', ['plan_id', 'segment'])
    .execute();

  await withId(db.schema.createTable('campaigns'), t)
    // The control group is drawn from the code: the same code and audience always give the same split.
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', t.bigint, (c) => c.references('analysis_snapshots.id').onDelete('set null'))
    .addColumn('plan_id', t.bigint, (c) => c.references('contact_plans.id').onDelete('set null'))
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addColumn('control_fraction', t.real, (c) => c.notNull())
    .addColumn('cost_per_contact_minor', t.bigint, (c) => c.notNull())
    .addColumn('fixed_cost_minor', t.bigint, (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'sent')`))
    // JSON: audience counts (segment size, excluded without consent or contact details, groups)
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('sent_day', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  let members = db.schema
    .createTable('campaign_members')
    .addColumn('campaign_id', t.bigint, (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('grp', 'text', (c) => c.notNull().check(sql`grp in ('treatment', 'control')`))
    .addColumn('contact_id', t.bigint, (c) => c.references('contacts.id').onDelete('set null'))
    .addPrimaryKeyConstraint('campaign_members_pk', ['campaign_id', 'customer_id']);
  if (t.name === 'sqlite') members = members.modifyEnd(sql`without rowid`);
  await members.execute();
}

export const actions: Migration = { name: '0006-actions', up };
