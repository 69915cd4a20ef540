import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Customer, CustomerUpdate, Database, NewCustomer, Order, OrderLine, Venue } from './schema.js';

/**
 * Customers and the read models around them (customer 360, overview counts). Search and
 * pagination use the indexes of migration 0001 only (external_id unique, name_key, phone,
 * email; keyset by primary key), so they stay fast on a million customers.
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

export interface CustomerSearch {
  /** Any of the keys matches (OR). No keys: all customers. */
  keys: CustomerSearchKeys | null;
  /** Keyset pagination: customers with id greater than this. */
  afterId: number | null;
  limit: number;
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

/** One page of customers in id order; returns up to `limit` rows. */
export function searchCustomers(db: Kysely<Database>, s: CustomerSearch): Promise<Customer[]> {
  let q = db.selectFrom('customers').selectAll();
  if (s.keys) {
    const keys = s.keys;
    q = q.where((eb) => matchKeys(eb, keys));
  }
  if (s.afterId !== null) q = q.where('id', '>', s.afterId);
  return q.orderBy('id').limit(s.limit).execute();
}

/** The SQL of a search, for EXPLAIN in tests and benchmarks. */
export function compileSearch(db: Kysely<Database>, s: CustomerSearch) {
  let q = db.selectFrom('customers').selectAll();
  if (s.keys) {
    const keys = s.keys;
    q = q.where((eb) => matchKeys(eb, keys));
  }
  if (s.afterId !== null) q = q.where('id', '>', s.afterId);
  return q.orderBy('id').limit(s.limit).compile();
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
