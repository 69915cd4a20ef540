import { sql, type Kysely } from 'kysely';
import { withId } from './0001-foundation.js';
import type { DialectTypes, Migration } from './types.js';

/**
 * Predicted lifetime value and churn early warning (docs/predictions.md): every model fit, every
 * prediction run with one row per customer (only the latest run keeps its rows), and every churn
 * run with its at-risk customers (kept, so trends can be seen). Only references 0001 tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function up(db: Kysely<any>, t: DialectTypes): Promise<void> {
  await withId(db.schema.createTable('model_runs'), t)
    .addColumn('model', 'text', (c) => c.notNull().check(sql`model in ('bg-nbd', 'pareto-nbd', 'gamma-gamma')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('fitted', 'unsupported', 'failed')`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('fit', 'validate', 'predict')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('orders', 'summary-file')`))
    .addColumn('source_name', 'text')
    .addColumn('calibration_end', 'text')
    .addColumn('calibration_end_day', 'integer')
    .addColumn('holdout_end', 'text')
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('day', 'week')`))
    .addColumn('period_days', 'integer', (c) => c.notNull())
    .addColumn('params', 'text')
    .addColumn('standard_errors', 'text')
    .addColumn('log_lik', t.real)
    .addColumn('aic', t.real)
    .addColumn('bic', t.real)
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('distinct_rows', 'integer')
    .addColumn('converged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('optimizer', 'text')
    .addColumn('iterations', 'integer')
    .addColumn('evaluations', 'integer')
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reason', 'text')
    .addColumn('profile', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // superseded: completed, but a later run's customer rows replaced its own.
  await withId(db.schema.createTable('prediction_runs'), t)
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'superseded', 'failed')`))
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('as_of_day', 'integer', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('day', 'week')`))
    .addColumn('period_days', 'integer', (c) => c.notNull())
    .addColumn('horizon', 'integer', (c) => c.notNull())
    .addColumn('annual_discount_rate', t.real, (c) => c.notNull())
    .addColumn('margin', t.real, (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull().check(sql`model in ('bg-nbd', 'pareto-nbd')`))
    .addColumn('repeat_model_run_id', t.bigint, (c) => c.references('model_runs.id').onDelete('set null'))
    .addColumn('spend_model_run_id', t.bigint, (c) => c.references('model_runs.id').onDelete('set null'))
    .addColumn('spend_source', 'text', (c) => c.notNull().check(sql`spend_source in ('gamma-gamma', 'customer-mean')`))
    .addColumn('customers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_clv_minor', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('expected_purchases', t.real, (c) => c.notNull().defaultTo(0))
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error', 'text')
    .addColumn('timings', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  // One row per customer of the latest completed run (older runs' rows are deleted when a run
  // completes). On SQLite WITHOUT ROWID: the key is the table's B-tree, one write per row.
  let predictions = db.schema
    .createTable('customer_predictions')
    .addColumn('run_id', t.bigint, (c) => c.notNull().references('prediction_runs.id').onDelete('cascade'))
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('x', 'integer', (c) => c.notNull())
    .addColumn('first_day', 'integer', (c) => c.notNull())
    .addColumn('last_day', 'integer', (c) => c.notNull())
    .addColumn('p_alive', t.real, (c) => c.notNull())
    .addColumn('expected_purchases', t.real, (c) => c.notNull())
    .addColumn('expected_order_value_minor', t.bigint)
    .addColumn('clv_minor', t.bigint)
    .addColumn('clv_if_active_minor', t.bigint)
    .addColumn('days_to_next_if_active', t.real)
    .addPrimaryKeyConstraint('customer_predictions_pk', ['run_id', 'customer_id']);
  if (t.name === 'sqlite') predictions = predictions.modifyEnd(sql`without rowid`);
  await predictions.execute();
  await db.schema.createIndex('customer_predictions_customer_idx').on('customer_predictions').column('customer_id').execute();

  await withId(db.schema.createTable('churn_runs'), t)
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('as_of_day', 'integer', (c) => c.notNull())
    .addColumn('prediction_run_id', t.bigint, (c) => c.references('prediction_runs.id').onDelete('set null'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('at_risk', 'integer', (c) => c.notNull())
    .addColumn('clv_at_risk_minor', t.bigint, (c) => c.notNull())
    .addColumn('reason_counts', 'text', (c) => c.notNull())
    .addColumn('voice', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  let risks = db.schema
    .createTable('churn_risks')
    .addColumn('run_id', t.bigint, (c) => c.notNull().references('churn_runs.id').onDelete('cascade'))
    .addColumn('customer_id', t.bigint, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('p_alive', t.real, (c) => c.notNull())
    .addColumn('risk', t.real, (c) => c.notNull())
    .addColumn('value_if_active_minor', t.bigint, (c) => c.notNull())
    .addColumn('priority_minor', t.bigint, (c) => c.notNull())
    .addColumn('clv_minor', t.bigint, (c) => c.notNull())
    .addColumn('days_since_last', 'integer', (c) => c.notNull())
    .addColumn('mean_gap_days', t.real)
    .addColumn('recent_spend_minor', t.bigint, (c) => c.notNull())
    .addColumn('earlier_spend_minor', t.bigint, (c) => c.notNull())
    .addColumn('recent_cases', 'integer', (c) => c.notNull())
    .addColumn('open_cases', 'integer', (c) => c.notNull())
    .addColumn('low_scores', 'integer', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    // Keyed by rank: rows are written in rank order (appends) and read by rank; a run holds each
    // customer once by construction. The customer index serves the 360 view and history.
    .addPrimaryKeyConstraint('churn_risks_pk', ['run_id', 'rank']);
  if (t.name === 'sqlite') risks = risks.modifyEnd(sql`without rowid`);
  await risks.execute();
  await db.schema.createIndex('churn_risks_customer_idx').on('churn_risks').columns(['customer_id', 'run_id']).execute();
}

export const predictions: Migration = { name: '0005-predictions', up };
