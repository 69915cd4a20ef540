import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * Customer value analytics (docs/analytics/pipeline.md): dated analysis snapshots and one row of
 * metrics, scores and segments per customer per snapshot. Only references 0001 tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await withId(db.schema.createTable('analysis_snapshots'), t)
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('as_of_day', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'failed')`))
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('customers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  // One row per customer per snapshot, written in key order by one bulk insert. On SQLite the
  // table is WITHOUT ROWID: the key is the table's own B-tree, so each row is one write.
  let metrics = db.schema
    .createTable('customer_snapshot_metrics')
    .addColumn('snapshot_id', t.bigint, (c) => c.notNull().references('analysis_snapshots.id').onDelete('cascade'))
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('first_day', 'integer', (c) => c.notNull())
    .addColumn('last_day', 'integer', (c) => c.notNull())
    .addColumn('recency_days', 'integer', (c) => c.notNull())
    .addColumn('tenure_days', 'integer', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addColumn('purchase_days', 'integer', (c) => c.notNull())
    .addColumn('avg_days_between', t.real)
    .addColumn('revenue_minor', t.bigint, (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('returns_minor', t.bigint, (c) => c.notNull())
    .addColumn('cost_of_goods_minor', t.bigint, (c) => c.notNull())
    .addColumn('margin_minor', t.bigint, (c) => c.notNull())
    .addColumn('unknown_cost_revenue_minor', t.bigint, (c) => c.notNull())
    .addColumn('discounted_spend_minor', t.bigint, (c) => c.notNull())
    .addColumn('discount_share', t.real)
    .addColumn('cost_to_serve_minor', t.bigint, (c) => c.notNull())
    .addColumn('acquisition_cost_minor', t.bigint, (c) => c.notNull())
    .addColumn('profit_minor', t.bigint, (c) => c.notNull())
    .addColumn('r_score', 'integer', (c) => c.notNull())
    .addColumn('f_score', 'integer', (c) => c.notNull())
    .addColumn('m_score', 'integer', (c) => c.notNull())
    .addColumn('rfm_cell', 'text', (c) => c.notNull())
    .addColumn('rfm_segment', 'text')
    .addColumn('eight_way', 'text', (c) => c.notNull())
    .addColumn('abc_class', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('transaction_customer', 'integer', (c) => c.notNull())
    .addColumn('monetary_decile', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_snapshot_metrics_pk', ['snapshot_id', 'customer_id']);
  if (t.name === 'sqlite') metrics = metrics.modifyEnd(sql`without rowid`);
  await metrics.execute();
  // The customer 360 reads a customer's latest snapshot; deleting a customer cascades through it.
  await db.schema
    .createIndex('customer_snapshot_metrics_customer_idx')
    .on('customer_snapshot_metrics')
    .columns(['customer_id', 'snapshot_id'])
    .execute();

  // "Was this order bought at a discount?" probes only the few discounted lines: a partial index
  // holds just them, so the probe is one small index lookup and plain lines cost nothing to insert.
  await db.schema
    .createIndex('order_lines_discounted_idx')
    .on('order_lines')
    .column('order_id')
    .where(sql.ref('discount_minor'), '>', sql.lit(0))
    .execute();
}

export const analytics: Migration = { name: '0002-analytics', up };
