import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Customer, CustomerUpdate, Database, NewCustomer, Order, OrderLine, Venue } from './schema.js';

/**
 * Customers and the read models around them (customer 360, overview counts). Search and
 * pagination use the indexes of migration 0001 (external_id unique, name_key, phone, email;
 * keyset by primary key); the list's filters probe keys that start with the customer (or the run
 * and the customer), with the indexes of 0007 for tags, loyalty tiers and churn lists, so a page
 * stays fast on a million customers (bench/customers.bench.ts).
 */

export async function insertCustomer(db: Kysely<Database>, row: NewCustomer): Promise<Customer> {
  return db.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getCustomerById(db: Kysely<Database>, id: number): Promise<Customer | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getCustomerByExternalId(db: Kysely<Database>, externalId: string): Promise<Customer | undefined> {
  return db.selectFrom('customers').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

export async function updateCustomerRow(db: Kysely<Database>, id: number, set: CustomerUpdate): Promise<Customer | undefined> {
  if (Object.keys(set).length > 0) await db.updateTable('customers').set(set).where('id', '=', id).execute();
  return getCustomerById(db, id);
}

/**
 * True when `referrerId` is `customerId` or is (transitively) referred by it, i.e. when setting
 * customerId.referred_by = referrerId would close a loop. UNION (not UNION ALL) makes the
 * recursion stop on loops already in the data.
 */
export async function referralChainContains(db: Kysely<Database>, referrerId: number, customerId: number): Promise<boolean> {
  const r = await sql<{ n: number }>`
    with recursive chain(id) as (
      select cast(${referrerId} as bigint)
      union
      select c.referred_by from customers c join chain on c.id = chain.id where c.referred_by is not null
    )
    select count(*) as n from chain where id = ${customerId}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

export function referralsOf(db: Kysely<Database>, customerId: number, limit: number): Promise<Customer[]> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('referred_by', '=', customerId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function countReferrals(db: Kysely<Database>, customerId: number): Promise<number> {
  const r = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('referred_by', '=', customerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- search ------------------------------------------------------------------------------------

export interface CustomerSearchKeys {
  /** Exact external id. */
  externalId?: string;
  /** Exact (normalised) phone. */
  phone?: string;
  /** Exact lower-cased email. */
  email?: string;
  /** Lower-cased name prefix, matched against name_key. */
  namePrefix?: string;
}

/**
 * Filters of the customer list, resolved to what SQL needs: the ids of the runs they read (the
 * latest snapshot, prediction run, churn run) are looked up by the caller. Every list is ANDed;
 * values inside one list are alternatives (OR). Each filter is an EXISTS probe on a key that
 * starts with the customer id (or the run id and customer id), so a page costs a few probes per
 * customer scanned in id order.
 */
export interface CustomerFilterSql {
  /** Conditions on the customer's row in a value snapshot (0002). */
  snapshot?: {
    id: number;
    rfmSegments?: readonly string[];
    eightWay?: readonly string[];
    abc?: readonly string[];
    tiers?: readonly string[];
    deciles?: readonly number[];
    /** Historical value: net revenue to the snapshot's as-of date, minor units, inclusive. */
    revenueMin?: number;
    revenueMax?: number;
  };
  /** Predicted CLV of the customer in a prediction run (0005), minor units, inclusive. */
  prediction?: { runId: number; clvMin?: number; clvMax?: number };
  /** In (or absent from) a churn run's at-risk list (0005); riskMin = least 1 - P(alive). */
  churn?: { runId: number; atRisk: boolean; riskMin?: number };
  /** Member of one of these loyalty tiers (0003). */
  loyaltyTierIds?: readonly number[];
  /** Customers of each of these venues (home venue, a purchase there, or a loyalty enrolment there). */
  venueIds?: readonly number[];
  /** Has any of these tags (customer_tags, 0007). */
  tags?: readonly string[];
}

/**
 * A small filter's own index, walked in customer order instead of every customer. The plain walk
 * costs one probe per customer up to the page's last match, so a rare combination reads the whole
 * table; starting from a filter matching few customers bounds that by the filter's size. The caller
 * picks it (by size); the filter's EXISTS stays in the WHERE clause, so results are the same.
 */
export type CustomerDriver = { kind: 'tag'; tag: string } | { kind: 'loyaltyTier'; tierId: number } | { kind: 'churn'; runId: number };

export interface CustomerSearch {
  /** Any of the keys matches (OR). No keys: all customers. */
  keys: CustomerSearchKeys | null;
  /** Keyset pagination: customers with id greater than this. */
  afterId: number | null;
  limit: number;
  filters?: CustomerFilterSql;
  driver?: CustomerDriver;
}

/** The smallest string greater than every string starting with `prefix` (code point order). */
export function prefixUpperBound(prefix: string): string {
  const cps = Array.from(prefix);
  const last = cps.pop()!;
  return cps.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}

function matchKeys(eb: ExpressionBuilder<Database, 'customers'>, k: CustomerSearchKeys): Expression<SqlBool> {
  const ors: Expression<SqlBool>[] = [];
  if (k.externalId) ors.push(eb('external_id', '=', k.externalId));
  if (k.phone) ors.push(eb('phone', '=', k.phone));
  if (k.email) ors.push(eb('email', '=', k.email));
  if (k.namePrefix) {
    // A range on name_key is what a b-tree index answers; the substr test keeps the match exact
    // under collations that do not order by code point.
    ors.push(
      eb.and([
        eb('name_key', '>=', k.namePrefix),
        eb('name_key', '<', prefixUpperBound(k.namePrefix)),
        eb(eb.fn('substr', ['name_key', eb.val(1), eb.val(Array.from(k.namePrefix).length)]), '=', k.namePrefix),
      ]),
    );
  }
  return ors.length === 0 ? sql<SqlBool>`1 = 0` : eb.or(ors);
}

const nonEmpty = <T>(xs: readonly T[] | undefined): xs is readonly T[] => xs !== undefined && xs.length > 0;

function matchFilters(eb: ExpressionBuilder<Database, 'customers'>, f: CustomerFilterSql): Expression<SqlBool>[] {
  const ands: Expression<SqlBool>[] = [];
  const s = f.snapshot;
  if (s) {
    let m = eb
      .selectFrom('customer_snapshot_metrics as m')
      .select(sql.lit(1).as('one'))
      .where('m.snapshot_id', '=', s.id)
      .whereRef('m.customer_id', '=', 'customers.id');
    if (nonEmpty(s.rfmSegments)) m = m.where('m.rfm_segment', 'in', [...s.rfmSegments]);
    if (nonEmpty(s.eightWay)) m = m.where('m.eight_way', 'in', [...s.eightWay]);
    if (nonEmpty(s.abc)) m = m.where('m.abc_class', 'in', [...s.abc]);
    if (nonEmpty(s.tiers)) m = m.where('m.tier', 'in', [...s.tiers]);
    if (nonEmpty(s.deciles)) m = m.where('m.monetary_decile', 'in', [...s.deciles]);
    if (s.revenueMin !== undefined) m = m.where('m.revenue_minor', '>=', s.revenueMin);
    if (s.revenueMax !== undefined) m = m.where('m.revenue_minor', '<=', s.revenueMax);
    ands.push(eb.exists(m));
  }
  const p = f.prediction;
  if (p) {
    let q = eb
      .selectFrom('customer_predictions as p')
      .select(sql.lit(1).as('one'))
      .where('p.run_id', '=', p.runId)
      .whereRef('p.customer_id', '=', 'customers.id');
    if (p.clvMin !== undefined) q = q.where('p.clv_minor', '>=', p.clvMin);
    if (p.clvMax !== undefined) q = q.where('p.clv_minor', '<=', p.clvMax);
    ands.push(eb.exists(q));
  }
  const c = f.churn;
  if (c) {
    let q = eb
      .selectFrom('churn_risks as r')
      .select(sql.lit(1).as('one'))
      .where('r.run_id', '=', c.runId)
      .whereRef('r.customer_id', '=', 'customers.id');
    if (c.riskMin !== undefined) q = q.where('r.risk', '>=', c.riskMin);
    ands.push(c.atRisk ? eb.exists(q) : eb.not(eb.exists(q)));
  }
  if (nonEmpty(f.loyaltyTierIds)) {
    ands.push(
      eb.exists(
        eb
          .selectFrom('loyalty_members as lm')
          .select(sql.lit(1).as('one'))
          .whereRef('lm.customer_id', '=', 'customers.id')
          .where('lm.tier_id', 'in', [...f.loyaltyTierIds]),
      ),
    );
  }
  for (const v of f.venueIds ?? []) {
    ands.push(
      eb.or([
        eb('customers.home_venue_id', '=', v),
        eb.exists(
          eb
            .selectFrom('orders as o')
            .select(sql.lit(1).as('one'))
            .whereRef('o.customer_id', '=', 'customers.id')
            .where('o.venue_id', '=', v)
            .where('o.status', '<>', 'cancelled'),
        ),
        eb.exists(
          eb
            .selectFrom('loyalty_members as lv')
            .select(sql.lit(1).as('one'))
            .whereRef('lv.customer_id', '=', 'customers.id')
            .where('lv.enrolled_venue_id', '=', v),
        ),
      ]),
    );
  }
  if (nonEmpty(f.tags)) {
    ands.push(
      eb.exists(
        eb
          .selectFrom('customer_tags as t')
          .select(sql.lit(1).as('one'))
          .whereRef('t.customer_id', '=', 'customers.id')
          .where('t.tag', 'in', [...f.tags]),
      ),
    );
  }
  return ands;
}

function searchQuery(db: Kysely<Database>, s: CustomerSearch) {
  // Every shape selects customers.* and orders by the customer id it walks: the customers key, or
  // the driver index's customer column (same values, and the index is already in that order).
  const d = s.driver;
  const base =
    d === undefined
      ? db.selectFrom('customers')
      : d.kind === 'tag'
        ? db.selectFrom('customer_tags as d').innerJoin('customers', 'customers.id', 'd.customer_id').where('d.tag', '=', d.tag)
        : d.kind === 'loyaltyTier'
          ? db.selectFrom('loyalty_members as d').innerJoin('customers', 'customers.id', 'd.customer_id').where('d.tier_id', '=', d.tierId)
          : db.selectFrom('churn_risks as d').innerJoin('customers', 'customers.id', 'd.customer_id').where('d.run_id', '=', d.runId);
  // The driver shapes add table `d` to the scope; the conditions only name `customers`.
  let q = base.selectAll('customers') as unknown as SelectQueryBuilder<Database, 'customers', Customer>;
  const idCol = (d === undefined ? 'customers.id' : 'd.customer_id') as 'customers.id';
  if (s.keys) {
    const keys = s.keys;
    q = q.where((eb) => matchKeys(eb, keys));
  }
  if (s.filters) {
    const filters = s.filters;
    q = q.where((eb) => eb.and(matchFilters(eb, filters)));
  }
  if (s.afterId !== null) q = q.where(idCol, '>', s.afterId);
  return q.orderBy(idCol).limit(s.limit);
}

/** How many customers a driver would walk, counted up to `cap` (an index range count). */
export async function driverSize(db: Kysely<Database>, d: CustomerDriver, cap: number): Promise<number> {
  const inner =
    d.kind === 'tag'
      ? db.selectFrom('customer_tags').select(sql.lit(1).as('one')).where('tag', '=', d.tag).limit(cap)
      : d.kind === 'loyaltyTier'
        ? db.selectFrom('loyalty_members').select(sql.lit(1).as('one')).where('tier_id', '=', d.tierId).limit(cap)
        : db.selectFrom('churn_risks').select(sql.lit(1).as('one')).where('run_id', '=', d.runId).limit(cap);
  const r = await db
    .selectFrom(inner.as('x'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The largest customer id (0 without customers): a free stand-in for the table's size. */
export async function maxCustomerId(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('customers').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** One page of customers in id order; returns up to `limit` rows. */
export function searchCustomers(db: Kysely<Database>, s: CustomerSearch): Promise<Customer[]> {
  return searchQuery(db, s).execute();
}

/** The SQL of a search, for EXPLAIN in tests and benchmarks. */
export function compileSearch(db: Kysely<Database>, s: CustomerSearch) {
  return searchQuery(db, s).compile();
}

// ---- filter sources and options --------------------------------------------------------------------

/** The newest completed value snapshot, prediction run and churn run (each null when there is none). */
export async function latestFilterSources(db: Kysely<Database>): Promise<{
  snapshot: { id: number; asOf: string } | null;
  predictionRun: { id: number; asOf: string } | null;
  churnRun: { id: number; asOf: string } | null;
}> {
  const [s, p, c] = await Promise.all([
    db.selectFrom('analysis_snapshots').select(['id', 'as_of']).where('status', '=', 'completed').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('prediction_runs').select(['id', 'as_of']).where('status', '=', 'completed').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('churn_runs').select(['id', 'as_of']).orderBy('id', 'desc').limit(1).executeTakeFirst(),
  ]);
  const ref = (r: { id: number; as_of: string } | undefined) => (r ? { id: Number(r.id), asOf: r.as_of } : null);
  return { snapshot: ref(s), predictionRun: ref(p), churnRun: ref(c) };
}

/**
 * Distinct tags in code-unit order, at most `limit`. A loose index scan (one index seek per
 * distinct tag) instead of reading every tag row: a million customers have few distinct tags.
 */
export async function distinctTags(db: Kysely<Database>, limit: number): Promise<string[]> {
  const r = await sql<{ tag: string }>`
    with recursive t(tag, n) as (
      select (select min(tag) from customer_tags), 1
      union all
      select (select min(tag) from customer_tags where tag > t.tag), t.n + 1 from t where t.tag is not null and t.n < ${limit}
    )
    select tag from t where tag is not null`.execute(db);
  return r.rows.map((x) => x.tag);
}

export interface LoyaltyTierOption {
  id: number;
  code: string;
  name: string;
  rank: number;
  programmeId: number;
  programmeCode: string;
  programmeName: string;
}

export async function loyaltyTierOptions(db: Kysely<Database>): Promise<LoyaltyTierOption[]> {
  const rows = await db
    .selectFrom('loyalty_tiers as t')
    .innerJoin('loyalty_programmes as p', 'p.id', 't.programme_id')
    .select(['t.id', 't.code', 't.name', 't.rank', 'p.id as programme_id', 'p.code as programme_code', 'p.name as programme_name'])
    .orderBy('p.id')
    .orderBy('t.rank')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    rank: Number(r.rank),
    programmeId: Number(r.programme_id),
    programmeCode: r.programme_code,
    programmeName: r.programme_name,
  }));
}

/** Programme ids a venue takes part in (for venue-scoped principals). */
export async function programmeIdsAtVenue(db: Kysely<Database>, venueId: number): Promise<number[]> {
  const rows = await db.selectFrom('loyalty_programme_venues').select('programme_id').where('venue_id', '=', venueId).execute();
  return rows.map((r) => Number(r.programme_id));
}

// ---- value columns of a page (CSV export) -----------------------------------------------------------

export interface CustomerValueRow {
  customer_id: number;
  rfm_segment: string | null;
  eight_way: string | null;
  abc_class: string | null;
  tier: string | null;
  monetary_decile: number | null;
  revenue_minor: number | null;
  clv_minor: number | null;
  p_alive: number | null;
  churn_risk: number | null;
}

/**
 * Snapshot segments, predicted CLV, P(alive) and churn risk of the given customers: one primary-key
 * probe per customer and source (the ids are one page of the list).
 */
export async function customerValueRows(
  db: Kysely<Database>,
  ids: readonly number[],
  src: { snapshotId: number | null; predictionRunId: number | null; churnRunId: number | null },
): Promise<Map<number, CustomerValueRow>> {
  const out = new Map<number, CustomerValueRow>();
  if (ids.length === 0) return out;
  const list = [...ids];
  const [m, p, r] = await Promise.all([
    src.snapshotId === null
      ? []
      : db
          .selectFrom('customer_snapshot_metrics')
          .select(['customer_id', 'rfm_segment', 'eight_way', 'abc_class', 'tier', 'monetary_decile', 'revenue_minor'])
          .where('snapshot_id', '=', src.snapshotId)
          .where('customer_id', 'in', list)
          .execute(),
    src.predictionRunId === null
      ? []
      : db
          .selectFrom('customer_predictions')
          .select(['customer_id', 'clv_minor', 'p_alive'])
          .where('run_id', '=', src.predictionRunId)
          .where('customer_id', 'in', list)
          .execute(),
    src.churnRunId === null
      ? []
      : db.selectFrom('churn_risks').select(['customer_id', 'risk']).where('run_id', '=', src.churnRunId).where('customer_id', 'in', list).execute(),
  ]);
  const row = (id: number): CustomerValueRow => {
    let x = out.get(id);
    if (!x) {
      x = { customer_id: id, rfm_segment: null, eight_way: null, abc_class: null, tier: null, monetary_decile: null, revenue_minor: null, clv_minor: null, p_alive: null, churn_risk: null };
      out.set(id, x);
    }
    return x;
  };
  for (const x of m) {
    Object.assign(row(Number(x.customer_id)), {
      rfm_segment: x.rfm_segment,
      eight_way: x.eight_way,
      abc_class: x.abc_class,
      tier: x.tier,
      monetary_decile: Number(x.monetary_decile),
      revenue_minor: Number(x.revenue_minor),
    });
  }
  for (const x of p) Object.assign(row(Number(x.customer_id)), { clv_minor: x.clv_minor === null ? null : Number(x.clv_minor), p_alive: Number(x.p_alive) });
  for (const x of r) row(Number(x.customer_id)).churn_risk = Number(x.risk);
  return out;
}

/** Loyalty tier codes of the given customers ('PROGRAMME:TIER'), for the export. */
export async function loyaltyTiersOfCustomers(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('loyalty_members as m')
    .innerJoin('loyalty_programmes as p', 'p.id', 'm.programme_id')
    .leftJoin('loyalty_tiers as t', 't.id', 'm.tier_id')
    .select(['m.customer_id', 'p.code as programme', 't.code as tier'])
    .where('m.customer_id', 'in', [...ids])
    .orderBy('m.customer_id')
    .orderBy('p.id')
    .execute();
  for (const r of rows) {
    const id = Number(r.customer_id);
    let l = out.get(id);
    if (!l) out.set(id, (l = []));
    l.push(r.tier ? `${r.programme}:${r.tier}` : r.programme);
  }
  return out;
}

// ---- referrals made (customer 360) -------------------------------------------------------------------

export interface ReferralMadeRow {
  id: number;
  external_id: string;
  name: string | null;
  created_at: string;
  orders: number;
  value_minor: number;
}

/** Customers this customer referred, oldest first, with their completed sales and net value. */
export async function referralsMade(db: Kysely<Database>, customerId: number, limit: number): Promise<ReferralMadeRow[]> {
  const r = await sql<ReferralMadeRow>`
    select c.id, c.external_id, c.name, c.created_at,
      (select count(*) from orders o where o.customer_id = c.id and o.kind = 'sale' and o.status = 'completed') as orders,
      coalesce((select sum(o.total_minor) from orders o where o.customer_id = c.id and o.status = 'completed'), 0) as value_minor
    from customers c
    where c.referred_by = ${customerId}
    order by c.id
    limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ ...x, id: Number(x.id), orders: Number(x.orders), value_minor: Number(x.value_minor) }));
}

/** Net completed order value of every customer this customer referred (all of them, not a page). */
export async function referredValue(db: Kysely<Database>, customerId: number): Promise<number> {
  const r = await sql<{ v: number | null }>`
    select sum(o.total_minor) as v
    from customers c join orders o on o.customer_id = c.id
    where c.referred_by = ${customerId} and o.status = 'completed'`.execute(db);
  return Number(r.rows[0]?.v ?? 0);
}

// ---- customer 360 --------------------------------------------------------------------------------

export interface CustomerOrderStats {
  /** Completed sales. */
  orders: number;
  /** Return documents (not cancelled). */
  returns: number;
  /** Sum of total_minor over completed orders, sales and (negative) returns. */
  revenueMinor: number;
  /** Sum of total_minor over completed returns (zero or negative). */
  returnsMinor: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Distinct business-local days with a completed sale. */
  purchaseDays: number;
}

export async function customerOrderStats(db: Kysely<Database>, customerId: number): Promise<CustomerOrderStats> {
  const r = await sql<{
    orders: number | null;
    returns: number | null;
    revenue_minor: number | null;
    returns_minor: number | null;
    first_order_at: string | null;
    last_order_at: string | null;
    purchase_days: number | null;
  }>`
    select
      count(case when kind = 'sale' and status = 'completed' then 1 end) as orders,
      count(case when kind = 'return' and status <> 'cancelled' then 1 end) as returns,
      sum(case when status = 'completed' then total_minor else 0 end) as revenue_minor,
      sum(case when kind = 'return' and status = 'completed' then total_minor else 0 end) as returns_minor,
      min(case when kind = 'sale' and status = 'completed' then ordered_at end) as first_order_at,
      max(case when kind = 'sale' and status = 'completed' then ordered_at end) as last_order_at,
      count(distinct case when kind = 'sale' and status = 'completed' then day end) as purchase_days
    from orders
    where customer_id = ${customerId}`.execute(db);
  const row = r.rows[0];
  return {
    orders: Number(row?.orders ?? 0),
    returns: Number(row?.returns ?? 0),
    revenueMinor: Number(row?.revenue_minor ?? 0),
    returnsMinor: Number(row?.returns_minor ?? 0),
    firstOrderAt: row?.first_order_at ?? null,
    lastOrderAt: row?.last_order_at ?? null,
    purchaseDays: Number(row?.purchase_days ?? 0),
  };
}

export type OrderWithVenue = Order & { venue_code: string | null; customer_external_id: string | null };

function ordersWithVenue(db: Kysely<Database>) {
  return db
    .selectFrom('orders')
    .leftJoin('venues', 'venues.id', 'orders.venue_id')
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .selectAll('orders')
    .select(['venues.code as venue_code', 'customers.external_id as customer_external_id']);
}

/** Newest orders first (uses orders_customer_day_idx). */
export function recentOrdersOfCustomer(db: Kysely<Database>, customerId: number, limit: number): Promise<OrderWithVenue[]> {
  return ordersWithVenue(db)
    .where('orders.customer_id', '=', customerId)
    .orderBy('orders.day', 'desc')
    .orderBy('orders.id', 'desc')
    .limit(limit)
    .execute();
}

export function getOrderByExternalId(db: Kysely<Database>, externalId: string): Promise<OrderWithVenue | undefined> {
  return ordersWithVenue(db).where('orders.external_id', '=', externalId).executeTakeFirst();
}

/** Lines of the given orders, grouped by order id, in line order. */
export async function linesOfOrders(db: Kysely<Database>, orderIds: number[]): Promise<Map<number, OrderLine[]>> {
  const out = new Map<number, OrderLine[]>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_no')
    .execute();
  for (const r of rows) {
    let list = out.get(r.order_id);
    if (!list) out.set(r.order_id, (list = []));
    list.push(r);
  }
  return out;
}

// ---- overview --------------------------------------------------------------------------------------

export interface OverviewCounts {
  customers: number;
  /** Completed sales. */
  orders: number;
  /** Completed sales without a customer. */
  anonymousOrders: number;
  /** Sum of total_minor over completed orders (sales and negative returns). */
  revenueMinor: number;
  /** Customers with a completed sale on a day >= sinceDay. */
  activeCustomers: number;
  /** Customers with at least one completed sale. */
  buyers: number;
  /** Customers with completed sales on at least two distinct days. */
  repeatBuyers: number;
}

export async function overviewCounts(db: Kysely<Database>, activeSinceDay: number): Promise<OverviewCounts> {
  const c = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const o = await sql<{ orders: number | null; anonymous: number | null; revenue: number | null; active: number | null }>`
    select
      count(case when kind = 'sale' and status = 'completed' then 1 end) as orders,
      count(case when kind = 'sale' and status = 'completed' and customer_id is null then 1 end) as anonymous,
      sum(case when status = 'completed' then total_minor else 0 end) as revenue,
      count(distinct case when kind = 'sale' and status = 'completed' and day >= ${activeSinceDay} then customer_id end) as active
    from orders`.execute(db);
  const b = await sql<{ buyers: number | null; repeaters: number | null }>`
    select count(*) as buyers, sum(case when days >= 2 then 1 else 0 end) as repeaters
    from (
      select customer_id, count(distinct day) as days
      from orders
      where customer_id is not null and kind = 'sale' and status = 'completed'
      group by customer_id
    ) per_customer`.execute(db);
  const orow = o.rows[0];
  const brow = b.rows[0];
  return {
    customers: Number(c.n),
    orders: Number(orow?.orders ?? 0),
    anonymousOrders: Number(orow?.anonymous ?? 0),
    revenueMinor: Number(orow?.revenue ?? 0),
    activeCustomers: Number(orow?.active ?? 0),
    buyers: Number(brow?.buyers ?? 0),
    repeatBuyers: Number(brow?.repeaters ?? 0),
  };
}

// ---- venues ------------------------------------------------------------------------------------------
// Venues are referenced by customers (home venue), users and API tokens (scope); their few queries
// live here until venues grow a repository of their own.

export function listVenues(db: Kysely<Database>): Promise<Venue[]> {
  return db.selectFrom('venues').selectAll().orderBy('id').execute();
}

export function getVenueByCode(db: Kysely<Database>, code: string): Promise<Venue | undefined> {
  return db.selectFrom('venues').selectAll().where('code', '=', code).executeTakeFirst();
}

export function getVenueById(db: Kysely<Database>, id: number): Promise<Venue | undefined> {
  return db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertVenue(
  db: Kysely<Database>,
  v: { code: string; name: string; kind: string; city: string | null; createdAt: string },
): Promise<Venue> {
  return db
    .insertInto('venues')
    .values({ code: v.code, name: v.name, kind: v.kind, city: v.city, created_at: v.createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}
