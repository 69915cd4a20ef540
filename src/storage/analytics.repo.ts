import { sql, type Kysely, type RawBuilder } from 'kysely';
import type SQLite from 'better-sqlite3';
import { bulkInsert } from './bulk.js';
import { dialectOf, type DialectName } from './db.js';
import { COUNTED, PURCHASE, REFUNDED, yearOfDay } from './analytics.sql.js';
import { costItems } from './cost-to-serve.sql.js';
import type { Database, SnapshotStatus } from './schema.js';

/**
 * Storage of the customer value analytics: the per-customer aggregation (GROUP BY in the
 * database, one row per customer comes back), snapshots and their metric rows, and the grouped
 * queries behind cohorts and historical CLV. Definitions: docs/analytics/pipeline.md.
 */

// ---- per-customer metrics --------------------------------------------------------------------

/** One customer's aggregates as of a day, straight from SQL. Money in minor units. */
export interface MetricSqlRow {
  customer_id: number;
  external_id: string;
  acquisition_cost_minor: number;
  first_day: number;
  last_day: number;
  orders: number;
  purchase_days: number;
  revenue_minor: number;
  returns: number;
  returns_minor: number;
  cost_of_goods_minor: number;
  unknown_cost_revenue_minor: number;
  discounted_spend_minor: number;
  cost_to_serve_minor: number;
}

/** Number of customers (an upper bound for a snapshot's rows). */
export async function countCustomers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function customerIdBounds(db: Kysely<Database>): Promise<{ min: number; max: number } | null> {
  const r = await db
    .selectFrom('customers')
    .select((eb) => [eb.fn.min('id').as('lo'), eb.fn.max('id').as('hi')])
    .executeTakeFirst();
  if (!r || r.lo === null || r.hi === null) return null;
  return { min: Number(r.lo), max: Number(r.hi) };
}

/**
 * Metrics of the customers with ids in (afterId, upToId] who made at least one purchase (a
 * completed sale) on or before `asOfDay`. One GROUP BY over their orders (using the
 * (customer_id, day) index), one over their cost-to-serve items; ordered by customer id.
 *
 * Discounted spend: the whole paid total of an order bought at a discount (an order-level
 * discount, or any line with a discount; the partial index order_lines_discounted_idx makes the
 * line probe a lookup among discounted lines only). The probe is a scalar subquery with LIMIT 1,
 * not EXISTS: PostgreSQL turns EXISTS here into a hash of every discounted line in the table,
 * rebuilt for each page.
 */
export async function customerMetricsPage(
  db: Kysely<Database>,
  p: { asOfDay: number; afterId: number; upToId: number },
): Promise<MetricSqlRow[]> {
  const q = customerMetricsQuery(p);
  // PostgreSQL would JIT-compile this per page (its cost estimate is high): compiling took longer
  // than running it (1.4 s of 2.1 s per 25,000 customers), so JIT is off for it.
  const r = dialectOf(db) === 'postgres'
    ? await db.transaction().execute(async (trx) => {
        await sql`set local jit = off`.execute(trx);
        return q.execute(trx);
      })
    : await q.execute(db);
  return r.rows.map(numericRow);
}

export function customerMetricsQuery(p: { asOfDay: number; afterId: number; upToId: number }): RawBuilder<MetricSqlRow> {
  const costs = costItems({ asOfDay: p.asOfDay, afterCustomerId: p.afterId, upToCustomerId: p.upToId });
  return sql<MetricSqlRow>`
    select m.customer_id, cu.external_id, cu.acquisition_cost_minor,
      m.first_day, m.last_day, m.orders, m.purchase_days, m.revenue_minor, m.returns, m.returns_minor,
      m.cost_of_goods_minor, m.unknown_cost_revenue_minor, m.discounted_spend_minor,
      coalesce(s.cost_minor, 0) as cost_to_serve_minor
    from (
      select o.customer_id,
        min(case when ${PURCHASE} then o.day end) as first_day,
        max(case when ${PURCHASE} then o.day end) as last_day,
        sum(case when ${PURCHASE} then 1 else 0 end) as orders,
        count(distinct case when ${PURCHASE} then o.day end) as purchase_days,
        sum(case when ${COUNTED} then o.total_minor else 0 end) as revenue_minor,
        sum(case when ${REFUNDED} then 1 else 0 end) as returns,
        sum(case when o.kind = 'return' and o.status <> 'cancelled' then -o.total_minor
                 when o.kind = 'sale' and o.status = 'returned' then o.total_minor else 0 end) as returns_minor,
        sum(case when ${COUNTED} then coalesce(o.cost_minor, 0) else 0 end) as cost_of_goods_minor,
        sum(case when ${COUNTED} and o.cost_minor is null then o.total_minor else 0 end) as unknown_cost_revenue_minor,
        sum(case when ${COUNTED} and (o.discount_minor > 0 or (
              select 1 from order_lines l where l.order_id = o.id and l.discount_minor > 0 limit 1) is not null)
            then o.total_minor else 0 end) as discounted_spend_minor
      from orders o
      where o.customer_id > ${p.afterId} and o.customer_id <= ${p.upToId}
        and o.day <= ${p.asOfDay} and o.status <> 'cancelled'
      group by o.customer_id
    ) m
    join customers cu on cu.id = m.customer_id
    left join (
      select c.customer_id, sum(c.cost_minor) as cost_minor from (${costs}) c group by c.customer_id
    ) s on s.customer_id = m.customer_id
    where m.orders > 0
    order by m.customer_id`;
}

// pg parses BIGINT/NUMERIC to numbers (db.ts); SQLite gives numbers. This also guards odd drivers.
function numericRow(row: MetricSqlRow): MetricSqlRow {
  for (const k of Object.keys(row) as (keyof MetricSqlRow)[]) {
    if (k !== 'external_id' && typeof row[k] === 'string') (row as unknown as Record<string, unknown>)[k] = Number(row[k]);
  }
  return row;
}

// ---- snapshots ----------------------------------------------------------------------------------

export interface SnapshotRow {
  id: number;
  as_of: string;
  as_of_day: number;
  status: SnapshotStatus;
  parameters: string;
  summary: string | null;
  customers: number;
  error: string | null;
  actor: string;
  created_at: string;
  finished_at: string | null;
}

export async function insertSnapshot(
  db: Kysely<Database>,
  s: { asOf: string; asOfDay: number; parameters: string; actor: string; createdAt: string },
): Promise<number> {
  const r = await db
    .insertInto('analysis_snapshots')
    .values({ as_of: s.asOf, as_of_day: s.asOfDay, status: 'running', parameters: s.parameters, summary: null, error: null, actor: s.actor, created_at: s.createdAt, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function finishSnapshot(
  db: Kysely<Database>,
  id: number,
  s: { status: 'completed' | 'failed'; summary?: string | null; customers?: number; error?: string | null; finishedAt: string },
): Promise<void> {
  await db
    .updateTable('analysis_snapshots')
    .set({ status: s.status, summary: s.summary ?? null, customers: s.customers ?? 0, error: s.error ?? null, finished_at: s.finishedAt })
    .where('id', '=', id)
    .execute();
}

const SNAPSHOT_LIST_COLUMNS = ['id', 'as_of', 'as_of_day', 'status', 'parameters', 'customers', 'error', 'actor', 'created_at', 'finished_at'] as const;

/** Newest first, without the (larger) summary. */
export async function listSnapshots(db: Kysely<Database>, limit: number): Promise<Omit<SnapshotRow, 'summary'>[]> {
  const rows = await db.selectFrom('analysis_snapshots').select(SNAPSHOT_LIST_COLUMNS).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), customers: Number(r.customers) }));
}

export async function getSnapshot(db: Kysely<Database>, id: number): Promise<SnapshotRow | undefined> {
  const r = await db.selectFrom('analysis_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id), customers: Number(r.customers) } : undefined;
}

/** The newest completed snapshots (newest first). */
export async function latestCompletedSnapshots(db: Kysely<Database>, limit: number): Promise<SnapshotRow[]> {
  const rows = await db.selectFrom('analysis_snapshots').selectAll().where('status', '=', 'completed').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), customers: Number(r.customers) }));
}

export const METRIC_COLUMNS = [
  'snapshot_id', 'customer_id', 'first_day', 'last_day', 'recency_days', 'tenure_days', 'orders', 'purchase_days',
  'avg_days_between', 'revenue_minor', 'returns', 'returns_minor', 'cost_of_goods_minor', 'margin_minor',
  'unknown_cost_revenue_minor', 'discounted_spend_minor', 'discount_share', 'cost_to_serve_minor',
  'acquisition_cost_minor', 'profit_minor', 'r_score', 'f_score', 'm_score', 'rfm_cell', 'rfm_segment', 'eight_way',
  'abc_class', 'tier', 'transaction_customer', 'monetary_decile',
] as const;

/** PostgreSQL types of METRIC_COLUMNS, for the array-parameter insert. */
const METRIC_PG_TYPES: Record<(typeof METRIC_COLUMNS)[number], string> = {
  snapshot_id: 'int8', customer_id: 'int8', first_day: 'int4', last_day: 'int4', recency_days: 'int4', tenure_days: 'int4',
  orders: 'int4', purchase_days: 'int4', avg_days_between: 'float8', revenue_minor: 'int8', returns: 'int4', returns_minor: 'int8',
  cost_of_goods_minor: 'int8', margin_minor: 'int8', unknown_cost_revenue_minor: 'int8', discounted_spend_minor: 'int8',
  discount_share: 'float8', cost_to_serve_minor: 'int8', acquisition_cost_minor: 'int8', profit_minor: 'int8', r_score: 'int4',
  f_score: 'int4', m_score: 'int4', rfm_cell: 'text', rfm_segment: 'text', eight_way: 'text', abc_class: 'text', tier: 'text',
  transaction_customer: 'int4', monetary_decile: 'int4',
};

/**
 * Bulk-writes metric rows (arrays in METRIC_COLUMNS order). SQLite: `bulkInsert` through the raw
 * prepared statement (pass `raw` only inside a transaction). PostgreSQL: one statement per chunk
 * with one array parameter per column (`insert ... select * from unnest($1::int8[], ...)`), which
 * measured about 4x faster here than multi-row VALUES (30 columns make VALUES lists long to parse).
 */
export async function insertMetricRows(
  db: Kysely<Database>,
  dialect: DialectName,
  rows: readonly unknown[][],
  raw?: SQLite.Database,
): Promise<void> {
  if (dialect !== 'postgres') {
    await bulkInsert(db, dialect, 'customer_snapshot_metrics', METRIC_COLUMNS, rows, '', raw);
    return;
  }
  if (rows.length === 0) return;
  const columns = METRIC_COLUMNS.map((_, j) => rows.map((r) => r[j]));
  const args = METRIC_COLUMNS.map((c, j) => sql`${columns[j]}::${sql.raw(METRIC_PG_TYPES[c])}[]`);
  await sql`insert into customer_snapshot_metrics (${sql.raw(METRIC_COLUMNS.join(', '))})
    select * from unnest(${sql.join(args)})`.execute(db);
}

// ---- reading snapshot rows -----------------------------------------------------------------------

/** Segment columns a scheme maps to (a fixed list: never a caller's string). */
export const SCHEME_COLUMNS = {
  rfm: 'rfm_segment',
  'eight-way': 'eight_way',
  abc: 'abc_class',
  tier: 'tier',
  decile: 'monetary_decile',
  cell: 'rfm_cell',
} as const;
export type SegmentScheme = keyof typeof SCHEME_COLUMNS;

/** Every customer of a snapshot with their segment in a scheme and revenue: one row per customer. */
export async function snapshotAssignments(
  db: Kysely<Database>,
  snapshotId: number,
  scheme: SegmentScheme,
): Promise<{ external_id: string; segment: string; revenue_minor: number }[]> {
  const col = sql.raw(scheme === 'rfm' ? 'coalesce(m.rfm_segment, m.rfm_cell)' : `m.${SCHEME_COLUMNS[scheme]}`);
  const r = await sql<{ external_id: string; segment: string | number; revenue_minor: number }>`
    select cu.external_id, ${col} as segment, m.revenue_minor
    from customer_snapshot_metrics m join customers cu on cu.id = m.customer_id
    where m.snapshot_id = ${snapshotId}`.execute(db);
  return r.rows.map((x) => ({ external_id: x.external_id, segment: String(x.segment), revenue_minor: Number(x.revenue_minor) }));
}

export type SnapshotMetricRow = Database['customer_snapshot_metrics'] & {
  external_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consent_sms: number;
  consent_email: number;
};

/** One page of a segment's members in customer id order (keyset paging: `afterCustomerId`). */
export async function segmentMembersPage(
  db: Kysely<Database>,
  p: { snapshotId: number; scheme: SegmentScheme; segment: string | number; afterCustomerId: number; limit: number },
): Promise<SnapshotMetricRow[]> {
  const col = sql.raw(`m.${SCHEME_COLUMNS[p.scheme]}`);
  const r = await sql<SnapshotMetricRow>`
    select m.*, cu.external_id, cu.name, cu.phone, cu.email, cu.consent_sms, cu.consent_email
    from customer_snapshot_metrics m join customers cu on cu.id = m.customer_id
    where m.snapshot_id = ${p.snapshotId} and ${col} = ${p.segment} and m.customer_id > ${p.afterCustomerId}
    order by m.customer_id
    limit ${p.limit}`.execute(db);
  return r.rows.map(normaliseMetricRow);
}

/** The customer's row in a snapshot, or (without `snapshotId`) in their newest completed snapshot. */
export async function customerSnapshotRow(
  db: Kysely<Database>,
  customerId: number,
  snapshotId?: number,
): Promise<SnapshotMetricRow | undefined> {
  const r = await sql<SnapshotMetricRow>`
    select m.*, cu.external_id, cu.name, cu.phone, cu.email, cu.consent_sms, cu.consent_email
    from customer_snapshot_metrics m
    join analysis_snapshots s on s.id = m.snapshot_id
    join customers cu on cu.id = m.customer_id
    where m.customer_id = ${customerId} and s.status = 'completed'
      ${snapshotId === undefined ? sql`` : sql`and m.snapshot_id = ${snapshotId}`}
    order by m.snapshot_id desc
    limit 1`.execute(db);
  return r.rows[0] ? normaliseMetricRow(r.rows[0]) : undefined;
}

const TEXT_COLUMNS = new Set(['rfm_cell', 'rfm_segment', 'eight_way', 'abc_class', 'tier', 'external_id', 'name', 'phone', 'email']);

function normaliseMetricRow(row: SnapshotMetricRow): SnapshotMetricRow {
  const out: Record<string, unknown> = { ...row };
  for (const [k, v] of Object.entries(out)) if (!TEXT_COLUMNS.has(k) && typeof v === 'string') out[k] = Number(v);
  return out as unknown as SnapshotMetricRow;
}

// ---- cohorts ---------------------------------------------------------------------------------------

/**
 * Cohort activity grouped in SQL: cohort = month of the customer's first purchase; per cohort and
 * calendar month, the customers with a purchase and the net revenue (returns included) of the
 * cohort's customers. Months are 'YYYY-MM' from the business-local date.
 */
export async function cohortActivity(
  db: Kysely<Database>,
  asOfDay: number,
): Promise<{ cohortMonth: string; activityMonth: string; activeCustomers: number; revenueMinor: number }[]> {
  const r = await sql<{ cohort_month: string; activity_month: string; active_customers: number; revenue_minor: number }>`
    select f.cohort_month, substr(o.local_date, 1, 7) as activity_month,
      count(distinct case when ${PURCHASE} then o.customer_id end) as active_customers,
      sum(o.total_minor) as revenue_minor
    from orders o
    join (
      select o.customer_id, min(o.local_date) as first_date, substr(min(o.local_date), 1, 7) as cohort_month
      from orders o
      where o.customer_id is not null and ${PURCHASE} and o.day <= ${asOfDay}
      group by o.customer_id
    ) f on f.customer_id = o.customer_id
    where ${COUNTED} and o.day <= ${asOfDay} and o.local_date >= f.first_date
    group by f.cohort_month, substr(o.local_date, 1, 7)
    order by f.cohort_month, substr(o.local_date, 1, 7)`.execute(db);
  return r.rows.map((x) => ({
    cohortMonth: x.cohort_month,
    activityMonth: x.activity_month,
    activeCustomers: Number(x.active_customers),
    revenueMinor: Number(x.revenue_minor),
  }));
}

// ---- historical CLV ------------------------------------------------------------------------------

export interface CustomerYearRow {
  customer_id: number;
  external_id: string;
  period: number;
  revenue_minor: number;
  margin_minor: number;
  cost_to_serve_minor: number;
  acquisition_cost_minor: number;
}

/**
 * Per customer per calendar year (business-local), grouped in SQL: net revenue, margin, cost to
 * serve, and the acquisition cost booked in the year of the first purchase. Only customers with
 * a purchase by the as-of day (the snapshot population); `customerIds` restricts further.
 */
export async function customerYearValues(
  db: Kysely<Database>,
  asOfDay: number,
  customerIds?: RawBuilder<unknown>,
): Promise<CustomerYearRow[]> {
  const dialect = dialectOf(db);
  const restrict = customerIds ? sql`and o.customer_id in (${customerIds})` : sql``;
  const costs = costItems({ asOfDay, customerIds });
  const r = await sql<CustomerYearRow>`
    with buyers as (
      select o.customer_id, min(o.day) as first_day
      from orders o
      where o.customer_id is not null and ${PURCHASE} and o.day <= ${asOfDay} ${restrict}
      group by o.customer_id
    )
    select x.customer_id, cu.external_id, x.period,
      sum(x.revenue_minor) as revenue_minor, sum(x.margin_minor) as margin_minor,
      sum(x.cost_to_serve_minor) as cost_to_serve_minor, sum(x.acquisition_cost_minor) as acquisition_cost_minor
    from (
      select o.customer_id, cast(substr(o.local_date, 1, 4) as integer) as period,
        o.total_minor as revenue_minor, o.total_minor - coalesce(o.cost_minor, 0) as margin_minor,
        0 as cost_to_serve_minor, 0 as acquisition_cost_minor
      from orders o join buyers b on b.customer_id = o.customer_id
      where ${COUNTED} and o.day <= ${asOfDay}
      union all
      select c.customer_id, ${yearOfDay(dialect, sql`c.day`)}, 0, 0, c.cost_minor, 0
      from (${costs}) c join buyers b on b.customer_id = c.customer_id
      union all
      select b.customer_id, ${yearOfDay(dialect, sql`b.first_day`)}, 0, 0, 0, cu.acquisition_cost_minor
      from buyers b join customers cu on cu.id = b.customer_id
    ) x
    join customers cu on cu.id = x.customer_id
    group by x.customer_id, cu.external_id, x.period
    order by x.customer_id, x.period`.execute(db);
  return r.rows.map((x) => ({
    customer_id: Number(x.customer_id),
    external_id: x.external_id,
    period: Number(x.period),
    revenue_minor: Number(x.revenue_minor),
    margin_minor: Number(x.margin_minor),
    cost_to_serve_minor: Number(x.cost_to_serve_minor),
    acquisition_cost_minor: Number(x.acquisition_cost_minor),
  }));
}

/**
 * Company totals per calendar year with the same definitions as customerYearValues, grouped in
 * SQL over all buyers (each customer once: no referral nesting).
 */
export async function companyYearValues(
  db: Kysely<Database>,
  asOfDay: number,
): Promise<{ period: number; customers: number; revenue_minor: number; margin_minor: number; cost_to_serve_minor: number; acquisition_cost_minor: number }[]> {
  const dialect = dialectOf(db);
  const costs = costItems({ asOfDay });
  const r = await sql<{ period: number; customers: number; revenue_minor: number; margin_minor: number; cost_to_serve_minor: number; acquisition_cost_minor: number }>`
    with buyers as (
      select o.customer_id, min(o.day) as first_day
      from orders o
      where o.customer_id is not null and ${PURCHASE} and o.day <= ${asOfDay}
      group by o.customer_id
    )
    select x.period, count(distinct x.customer_id) as customers,
      sum(x.revenue_minor) as revenue_minor, sum(x.margin_minor) as margin_minor,
      sum(x.cost_to_serve_minor) as cost_to_serve_minor, sum(x.acquisition_cost_minor) as acquisition_cost_minor
    from (
      select o.customer_id, cast(substr(o.local_date, 1, 4) as integer) as period,
        o.total_minor as revenue_minor, o.total_minor - coalesce(o.cost_minor, 0) as margin_minor,
        0 as cost_to_serve_minor, 0 as acquisition_cost_minor
      from orders o join buyers b on b.customer_id = o.customer_id
      where ${COUNTED} and o.day <= ${asOfDay}
      union all
      select c.customer_id, ${yearOfDay(dialect, sql`c.day`)}, 0, 0, c.cost_minor, 0
      from (${costs}) c join buyers b on b.customer_id = c.customer_id
      union all
      select b.customer_id, ${yearOfDay(dialect, sql`b.first_day`)}, 0, 0, 0, cu.acquisition_cost_minor
      from buyers b join customers cu on cu.id = b.customer_id
    ) x
    group by x.period
    order by x.period`.execute(db);
  return r.rows.map((x) => ({
    period: Number(x.period),
    customers: Number(x.customers),
    revenue_minor: Number(x.revenue_minor),
    margin_minor: Number(x.margin_minor),
    cost_to_serve_minor: Number(x.cost_to_serve_minor),
    acquisition_cost_minor: Number(x.acquisition_cost_minor),
  }));
}

/** Ids of a customer and everyone below them in the referral tree (UNION, so bad cyclic data still ends). */
export function referralTreeIds(rootId: number): RawBuilder<unknown> {
  return sql`select id from (
    with recursive tree(id) as (
      select cast(${rootId} as bigint)
      union
      select c.id from customers c join tree t on c.referred_by = t.id
    ) select id from tree) t_ids`;
}

/** Ids of customers on either end of a referral. */
export function referralParticipantIds(): RawBuilder<unknown> {
  return sql`select id from customers where referred_by is not null
    union select referred_by from customers where referred_by is not null`;
}

/** Referral edges (external ids) whose referred customer is in the set. */
export async function referralEdges(
  db: Kysely<Database>,
  customerIds: RawBuilder<unknown>,
): Promise<{ referrer_id: number; referrer_external_id: string; customer_id: number; customer_external_id: string }[]> {
  const r = await sql<{ referrer_id: number; referrer_external_id: string; customer_id: number; customer_external_id: string }>`
    select p.id as referrer_id, p.external_id as referrer_external_id, c.id as customer_id, c.external_id as customer_external_id
    from customers c join customers p on p.id = c.referred_by
    where c.id in (${customerIds})
    order by c.id`.execute(db);
  return r.rows.map((x) => ({ ...x, referrer_id: Number(x.referrer_id), customer_id: Number(x.customer_id) }));
}

export async function customerRefById(db: Kysely<Database>, id: number): Promise<{ id: number; external_id: string; name: string | null } | undefined> {
  const r = await db.selectFrom('customers').select(['id', 'external_id', 'name']).where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

export async function customerRefByExternalId(db: Kysely<Database>, externalId: string): Promise<{ id: number; external_id: string; name: string | null } | undefined> {
  const r = await db.selectFrom('customers').select(['id', 'external_id', 'name']).where('external_id', '=', externalId).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}
