import { sql, type Kysely, type Selectable } from 'kysely';
import type SQLite from 'better-sqlite3';
import { bulkInsert, chunks } from './bulk.js';
import { dialectOf } from './db.js';
import type {
  BasketRulesTable,
  CampaignGroup,
  CampaignMembersTable,
  CampaignsTable,
  ContactPlanSegmentsTable,
  ContactPlansTable,
  Database,
  PatternKind,
  PatternLevel,
  PatternSetsTable,
  SequencePatternsTable,
} from './schema.js';

/**
 * SQL for acting on value (docs/actions.md): order lines read as baskets and as purchase events,
 * segments of a value-analytics snapshot, saved pattern sets, contact plans and campaigns.
 * Large reads are paged by primary-key ranges, so memory stays bounded by one page plus what the
 * caller keeps (typed arrays), and neither engine sorts more than a page at a time.
 */

type Db = Kysely<Database>;

// ---- baskets and events ----------------------------------------------------------------------

/** One order line's product: [order id, product id]. */
export type BasketLine = [orderId: number, productId: number];

/** Orders per page when reading baskets (ids are a range on the orders primary key). */
const ORDER_PAGE = 20_000;

// Static SQL of the SQLite fast path (the same queries as the Kysely ones below). Both walk the
// order_lines primary key over a range of order ids, so lines are read in key order, and order by
// ol.order_id (not o.id) so SQLite needs no sort. Categories are not joined here: the caller maps
// product ids to categories in memory (a join costs a B-tree probe per line).
const PURCHASE = "o.kind = 'sale' and o.status <> 'cancelled'";
const RAW_BASKETS = `select ol.order_id, ol.product_id from order_lines ol join orders o on o.id = ol.order_id
  where ol.order_id > ? and ol.order_id <= ? and ${PURCHASE} and ol.product_id is not null order by ol.order_id`;
const RAW_EVENTS = `select o.customer_id, o.day, ol.product_id from order_lines ol join orders o on o.id = ol.order_id
  where ol.order_id > ? and ol.order_id <= ? and ${PURCHASE} and o.customer_id is not null and ol.product_id is not null`;

/** Ranges (lo, hi] of order ids covering the orders table, `size` ids each. */
async function* orderIdRanges(db: Db, size: number): AsyncGenerator<[number, number]> {
  const b = await db
    .selectFrom('orders')
    .select((eb) => [eb.fn.min<number | null>('id').as('lo'), eb.fn.max<number | null>('id').as('hi')])
    .executeTakeFirstOrThrow();
  if (b.lo === null || b.hi === null) return;
  const hi = Number(b.hi);
  for (let from = Number(b.lo) - 1; from < hi; from += size) yield [from, Math.min(hi, from + size)];
}

/**
 * Products of the lines of sale orders that were not cancelled, ordered by order id, one page of
 * order ids at a time; lines without a product are left out. With `raw` (the better-sqlite3
 * handle; call inside a transaction on it, which also gives every page the same view of the data)
 * rows come as arrays from one prepared statement: Kysely's per-row objects cost more than the
 * query itself on a million orders.
 */
export async function* basketLines(db: Db, raw?: SQLite.Database, pageOrders = ORDER_PAGE): AsyncGenerator<BasketLine[]> {
  const stmt = raw ? raw.prepare(RAW_BASKETS).raw(true) : undefined;
  for await (const [from, to] of orderIdRanges(db, pageOrders)) {
    if (stmt) {
      yield stmt.all(from, to) as BasketLine[];
      continue;
    }
    const rows = await db
      .selectFrom('order_lines as ol')
      .innerJoin('orders as o', 'o.id', 'ol.order_id')
      .select(['ol.order_id', 'ol.product_id'])
      .where('ol.order_id', '>', from)
      .where('ol.order_id', '<=', to)
      .where('o.kind', '=', 'sale')
      .where('o.status', '!=', 'cancelled')
      .where('ol.product_id', 'is not', null)
      .orderBy('ol.order_id')
      .execute();
    yield rows.map((r) => [Number(r.order_id), Number(r.product_id)]);
  }
}

/** Category of every product that has one. */
export async function productCategories(db: Db): Promise<Map<number, string>> {
  const rows = await db.selectFrom('products').select(['id', 'category']).where('category', 'is not', null).execute();
  return new Map(rows.map((r) => [Number(r.id), r.category!]));
}

/** Sale orders (not cancelled) and the last day any was made. */
export async function purchaseOrderStats(db: Db): Promise<{ orders: number; customersWithOrders: number; firstDay: number | null; lastDay: number | null }> {
  const r = await db
    .selectFrom('orders')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('customer_id').distinct().as('c'),
      eb.fn.min<number | null>('day').as('first'),
      eb.fn.max<number | null>('day').as('last'),
    ])
    .where('kind', '=', 'sale')
    .where('status', '!=', 'cancelled')
    .executeTakeFirstOrThrow();
  return {
    orders: Number(r.n),
    customersWithOrders: Number(r.c),
    firstDay: r.first === null ? null : Number(r.first),
    lastDay: r.last === null ? null : Number(r.last),
  };
}

/** One customer bought one product on one day: [customer id, day, product id]. */
export type PurchaseRow = [customerId: number, day: number, productId: number];

/**
 * (customer, day, product) of every purchase line by a known customer, in pages of order ids, in
 * no particular order and with repeats (the caller sorts by customer in memory: reading lines in
 * key order is far cheaper than fetching each customer's orders through the customer index).
 * `raw` as for {@link basketLines}.
 */
export async function* purchaseEvents(db: Db, raw?: SQLite.Database, pageOrders = ORDER_PAGE): AsyncGenerator<PurchaseRow[]> {
  const stmt = raw ? raw.prepare(RAW_EVENTS).raw(true) : undefined;
  for await (const [from, to] of orderIdRanges(db, pageOrders)) {
    if (stmt) {
      yield stmt.all(from, to) as PurchaseRow[];
      continue;
    }
    const rows = await db
      .selectFrom('order_lines as ol')
      .innerJoin('orders as o', 'o.id', 'ol.order_id')
      .select(['o.customer_id', 'o.day', 'ol.product_id'])
      .where('ol.order_id', '>', from)
      .where('ol.order_id', '<=', to)
      .where('o.kind', '=', 'sale')
      .where('o.status', '!=', 'cancelled')
      .where('o.customer_id', 'is not', null)
      .where('ol.product_id', 'is not', null)
      .execute();
    yield rows.map((r) => [Number(r.customer_id), Number(r.day), Number(r.product_id)]);
  }
}

/** One customer's purchases (distinct day and item), oldest first. */
export async function customerPurchases(db: Db, customerId: number, level: PatternLevel): Promise<{ day: number; key: string }[]> {
  const base = db
    .selectFrom('orders as o')
    .innerJoin('order_lines as ol', 'ol.order_id', 'o.id')
    .innerJoin('products as p', 'p.id', 'ol.product_id')
    .where('o.customer_id', '=', customerId)
    .where('o.kind', '=', 'sale')
    .where('o.status', '!=', 'cancelled');
  const rows =
    level === 'product'
      ? await base.select(['o.day', 'p.sku as key']).distinct().orderBy('o.day').execute()
      : await base.select(['o.day', 'p.category as key']).distinct().where('p.category', 'is not', null).orderBy('o.day').execute();
  return rows.map((r) => ({ day: Number(r.day), key: r.key! }));
}

export interface ProductRef {
  id: number;
  sku: string;
  name: string | null;
  category: string | null;
}

export async function productsByIds(db: Db, ids: readonly number[]): Promise<Map<number, ProductRef>> {
  const out = new Map<number, ProductRef>();
  for (const part of chunks([...ids])) {
    const rows = await db.selectFrom('products').select(['id', 'sku', 'name', 'category']).where('id', 'in', part).execute();
    for (const r of rows) out.set(Number(r.id), { id: Number(r.id), sku: r.sku, name: r.name, category: r.category });
  }
  return out;
}

export async function productsBySkus(db: Db, skus: readonly string[]): Promise<Map<string, ProductRef>> {
  const out = new Map<string, ProductRef>();
  for (const part of chunks([...skus])) {
    const rows = await db.selectFrom('products').select(['id', 'sku', 'name', 'category']).where('sku', 'in', part).execute();
    for (const r of rows) out.set(r.sku, { id: Number(r.id), sku: r.sku, name: r.name, category: r.category });
  }
  return out;
}

/** Changes whenever orders are added, replaced or removed: keys the in-process pattern cache. */
export async function ordersFingerprint(db: Db): Promise<string> {
  const r = await db
    .selectFrom('orders')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max<number | null>('id').as('id'), eb.fn.max<string | null>('updated_at').as('u')])
    .executeTakeFirstOrThrow();
  return `${Number(r.n)}|${r.id ?? ''}|${r.u ?? ''}`;
}

// ---- pattern sets --------------------------------------------------------------------------

export type PatternSet = Selectable<PatternSetsTable>;

export async function insertPatternSet(
  db: Db,
  set: { kind: PatternKind; level: PatternLevel; parameters: unknown; summary: unknown; createdAt: string; actor: string },
  rows: { rules?: Omit<BasketRulesTable, 'set_id'>[]; sequences?: Omit<SequencePatternsTable, 'set_id'>[] },
): Promise<PatternSet> {
  const n = set.kind === 'rules' ? (rows.rules?.length ?? 0) : (rows.sequences?.length ?? 0);
  const saved = await db
    .insertInto('pattern_sets')
    .values({
      kind: set.kind,
      level: set.level,
      parameters: JSON.stringify(set.parameters),
      summary: JSON.stringify(set.summary),
      patterns: n,
      created_at: set.createdAt,
      actor: set.actor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const dialect = dialectOf(db);
  if (rows.rules?.length) {
    const cols = ['set_id', 'position', 'antecedent', 'consequent', 'count', 'support', 'confidence', 'coverage', 'lift', 'leverage', 'conviction'] as const;
    await bulkInsert(db, dialect, 'basket_rules', cols, rows.rules.map((r) => cols.map((c) => (c === 'set_id' ? saved.id : r[c]))));
  }
  if (rows.sequences?.length) {
    const cols = [
      'set_id', 'position', 'antecedent', 'consequent', 'count_antecedent', 'count', 'support', 'confidence', 'base_rate', 'lift',
      'window_base_rate', 'window_lift',
    ] as const;
    await bulkInsert(db, dialect, 'sequence_patterns', cols, rows.sequences.map((r) => cols.map((c) => (c === 'set_id' ? saved.id : r[c]))));
  }
  return saved;
}

export function latestPatternSet(db: Db, kind: PatternKind, level: PatternLevel): Promise<PatternSet | undefined> {
  return db.selectFrom('pattern_sets').selectAll().where('kind', '=', kind).where('level', '=', level).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function getPatternSet(db: Db, id: number): Promise<PatternSet | undefined> {
  return db.selectFrom('pattern_sets').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPatternSets(db: Db, limit: number): Promise<PatternSet[]> {
  return db.selectFrom('pattern_sets').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export function basketRulesOf(db: Db, setId: number): Promise<Selectable<BasketRulesTable>[]> {
  return db.selectFrom('basket_rules').selectAll().where('set_id', '=', setId).orderBy('position').execute();
}

export function sequencePatternsOf(db: Db, setId: number): Promise<Selectable<SequencePatternsTable>[]> {
  return db.selectFrom('sequence_patterns').selectAll().where('set_id', '=', setId).orderBy('position').execute();
}

// ---- snapshots and segments ----------------------------------------------------------------

export interface SnapshotRef {
  id: number;
  asOf: string;
  asOfDay: number;
  status: string;
}

export async function getSnapshotRef(db: Db, id: number | undefined): Promise<SnapshotRef | undefined> {
  let q = db.selectFrom('analysis_snapshots').select(['id', 'as_of', 'as_of_day', 'status']);
  q = id === undefined ? q.where('status', '=', 'completed').orderBy('id', 'desc').limit(1) : q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return r && { id: Number(r.id), asOf: r.as_of, asOfDay: Number(r.as_of_day), status: r.status };
}

/**
 * Snapshot columns that hold a segment, by scheme name. 'rfm-named' is the named RFM segment,
 * or the RFM cell where no name applies (as the value-analytics reports show it).
 */
export const SEGMENT_COLUMNS = Object.freeze({
  'rfm-named': 'coalesce(m.rfm_segment, m.rfm_cell)',
  'rfm-cell': 'm.rfm_cell',
  'eight-way': 'm.eight_way',
  abc: 'm.abc_class',
  tier: 'm.tier',
  decile: 'm.monetary_decile',
} as const);
export type SegmentScheme = keyof typeof SEGMENT_COLUMNS;

// Static SQL written here (never user input), so it is spliced rather than bound.
function segmentExpr(scheme: SegmentScheme) {
  return sql.raw(SEGMENT_COLUMNS[scheme]);
}

export interface SegmentAggregate {
  segment: string;
  customers: number;
  /** Net revenue (sales minus returns) of the segment's customers up to the snapshot's as-of date. */
  salesMinor: number;
}

/** Customers and sales per segment of one scheme in one snapshot. */
export async function segmentAggregates(db: Db, snapshotId: number, scheme: SegmentScheme): Promise<SegmentAggregate[]> {
  const col = segmentExpr(scheme);
  const r = await sql<{ segment: string | number; customers: number; sales: number | null }>`
    select ${col} as segment, count(*) as customers, sum(m.revenue_minor) as sales
    from customer_snapshot_metrics m
    where m.snapshot_id = ${snapshotId}
    group by ${col}`.execute(db);
  return r.rows.map((x) => ({ segment: String(x.segment), customers: Number(x.customers), salesMinor: Number(x.sales ?? 0) }));
}

/**
 * Per segment of a snapshot: predicted CLV summed over the segment's customers in a prediction
 * run (customers without a prediction, or with none possible, add nothing) and how many had one.
 */
export async function segmentPredictedValues(
  db: Db,
  snapshotId: number,
  scheme: SegmentScheme,
  predictionRunId: number,
): Promise<Map<string, { predictedMinor: number; customersPredicted: number }>> {
  const col = segmentExpr(scheme);
  const r = await sql<{ segment: string | number; clv: number | null; predicted: number }>`
    select ${col} as segment, sum(p.clv_minor) as clv, count(p.clv_minor) as predicted
    from customer_snapshot_metrics m
    join customer_predictions p on p.customer_id = m.customer_id and p.run_id = ${predictionRunId}
    where m.snapshot_id = ${snapshotId}
    group by ${col}`.execute(db);
  return new Map(r.rows.map((x) => [String(x.segment), { predictedMinor: Math.round(Number(x.clv ?? 0)), customersPredicted: Number(x.predicted) }]));
}

export interface SegmentMember {
  customerId: number;
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consentSms: boolean;
  consentEmail: boolean;
}

interface MemberSqlRow {
  id: number;
  external_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consent_sms: number;
  consent_email: number;
}

function toMember(r: MemberSqlRow): SegmentMember {
  return {
    customerId: Number(r.id),
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    consentSms: Number(r.consent_sms) === 1,
    consentEmail: Number(r.consent_email) === 1,
  };
}

/** The customers of one segment in a snapshot, by customer id, with what a mailer needs. */
export async function segmentMembers(db: Db, snapshotId: number, scheme: SegmentScheme, segment: string): Promise<SegmentMember[]> {
  // compare as text: decile numbers and segment names alike
  const r = await sql<MemberSqlRow>`
    select c.id, c.external_id, c.name, c.phone, c.email, c.consent_sms, c.consent_email
    from customer_snapshot_metrics m join customers c on c.id = m.customer_id
    where m.snapshot_id = ${snapshotId} and cast(${segmentExpr(scheme)} as text) = ${segment}
    order by c.id`.execute(db);
  return r.rows.map(toMember);
}

// ---- contacts logged by plans and campaigns -----------------------------------------------

export interface NewTouch {
  externalId: string;
  customerId: number;
  occurredAt: string;
  day: number;
  channel: string;
  purpose: string;
  costMinor: number;
  note: string | null;
  createdBy: string;
}

/**
 * Logs contacts; one already logged under the same external id is left alone (idempotent
 * re-runs). Returns the contact id per input (null where it already existed).
 */
export async function insertTouches(db: Db, touches: readonly NewTouch[]): Promise<(number | null)[]> {
  if (touches.length === 0) return [];
  const dialect = dialectOf(db);
  const cols = ['external_id', 'customer_id', 'occurred_at', 'day', 'channel', 'direction', 'purpose', 'cost_minor', 'note', 'created_by'];
  const rows = touches.map((t) => [t.externalId, t.customerId, t.occurredAt, t.day, t.channel, 'outbound', t.purpose, t.costMinor, t.note, t.createdBy]);
  const back = await bulkInsert(db, dialect, 'contacts', cols, rows, 'on conflict (external_id) do nothing returning id, external_id');
  const byKey = new Map(back.map((r) => [String(r.external_id), Number(r.id)]));
  return touches.map((t) => byKey.get(t.externalId) ?? null);
}

// ---- contact plans -------------------------------------------------------------------------

export type ContactPlanRow = Selectable<ContactPlansTable>;
export type ContactPlanSegmentRow = Selectable<ContactPlanSegmentsTable>;

export async function insertContactPlan(
  db: Db,
  plan: Omit<ContactPlansTable, 'id'>,
  segments: Omit<ContactPlanSegmentsTable, 'plan_id'>[],
): Promise<ContactPlanRow> {
  const saved = await db.insertInto('contact_plans').values(plan).returningAll().executeTakeFirstOrThrow();
  if (segments.length) {
    await db
      .insertInto('contact_plan_segments')
      .values(segments.map((s) => ({ ...s, plan_id: saved.id })))
      .execute();
  }
  return saved;
}

export function getContactPlan(db: Db, id: number): Promise<ContactPlanRow | undefined> {
  return db.selectFrom('contact_plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export function contactPlanSegments(db: Db, planId: number): Promise<ContactPlanSegmentRow[]> {
  return db.selectFrom('contact_plan_segments').selectAll().where('plan_id', '=', planId).orderBy('position').execute();
}

export function listContactPlans(db: Db, limit: number): Promise<ContactPlanRow[]> {
  return db.selectFrom('contact_plans').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function setContactPlanStatus(db: Db, id: number, status: ContactPlansTable['status'], now: string): Promise<boolean> {
  const r = await db.updateTable('contact_plans').set({ status, updated_at: now }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Contacts and their cost per purpose, for purposes starting with `prefix` (such as 'plan:12:';
 * the prefix is ours, digits and colons only, so LIKE needs no escaping).
 */
export async function touchTotalsByPurpose(db: Db, prefix: string): Promise<Map<string, { contacts: number; customers: number; costMinor: number }>> {
  const rows = await db
    .selectFrom('contacts')
    .select((eb) => [
      'purpose',
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('customer_id').distinct().as('c'),
      eb.fn.sum<number | null>('cost_minor').as('cost'),
    ])
    .where('purpose', 'like', `${prefix}%`)
    .groupBy('purpose')
    .execute();
  return new Map(rows.map((r) => [r.purpose ?? '', { contacts: Number(r.n), customers: Number(r.c), costMinor: Number(r.cost ?? 0) }]));
}

// ---- campaigns ---------------------------------------------------------------------------

export type CampaignRow = Selectable<CampaignsTable>;

export async function insertCampaign(
  db: Db,
  campaign: Omit<CampaignsTable, 'id'>,
  members: { customerId: number; group: CampaignGroup }[],
): Promise<CampaignRow> {
  const saved = await db.insertInto('campaigns').values(campaign).returningAll().executeTakeFirstOrThrow();
  const rows = members.map((m) => [saved.id, m.customerId, m.group, null]);
  await bulkInsert(db, dialectOf(db), 'campaign_members', ['campaign_id', 'customer_id', 'grp', 'contact_id'], rows);
  return saved;
}

export function getCampaign(db: Db, id: number): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getCampaignByCode(db: Db, code: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listCampaigns(db: Db, limit: number): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export interface CampaignMemberRow extends SegmentMember {
  group: CampaignGroup;
  contactId: number | null;
}

export async function campaignMembers(db: Db, campaignId: number, group?: CampaignGroup): Promise<CampaignMemberRow[]> {
  let q = db
    .selectFrom('campaign_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['c.id', 'c.external_id', 'c.name', 'c.phone', 'c.email', 'c.consent_sms', 'c.consent_email', 'm.grp', 'm.contact_id'])
    .where('m.campaign_id', '=', campaignId);
  if (group) q = q.where('m.grp', '=', group);
  const rows = await q.orderBy('c.id').execute();
  return rows.map((r) => ({
    customerId: Number(r.id),
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    consentSms: r.consent_sms === 1,
    consentEmail: r.consent_email === 1,
    group: r.grp,
    contactId: r.contact_id === null ? null : Number(r.contact_id),
  }));
}

export async function markCampaignSent(
  db: Db,
  campaignId: number,
  sent: { at: string; day: number },
  contactIds: { customerId: number; contactId: number }[],
): Promise<void> {
  await db.updateTable('campaigns').set({ status: 'sent', sent_at: sent.at, sent_day: sent.day }).where('id', '=', campaignId).execute();
  for (const part of chunks(contactIds, 500)) {
    // one statement per chunk: update ... from (values ...) differs by engine, a CASE does not
    // (the cast types PostgreSQL's parameter; in SQLite 'bigint' has integer affinity)
    const ids = part.map((p) => p.customerId);
    const cases = sql.join(part.map((p) => sql`when ${p.customerId} then cast(${p.contactId} as bigint)`), sql` `);
    await db
      .updateTable('campaign_members')
      .set({ contact_id: sql<number>`case customer_id ${cases} end` })
      .where('campaign_id', '=', campaignId)
      .where('customer_id', 'in', ids)
      .execute();
  }
}

/** Contact cost actually logged for a campaign's members. */
export async function campaignContactCost(db: Db, campaignId: number): Promise<{ contacts: number; costMinor: number }> {
  const r = await db
    .selectFrom('campaign_members as m')
    .innerJoin('contacts as k', 'k.id', 'm.contact_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number | null>('k.cost_minor').as('cost')])
    .where('m.campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return { contacts: Number(r.n), costMinor: Number(r.cost ?? 0) };
}

export interface MemberOutcomeRow {
  customerId: number;
  externalId: string;
  group: CampaignGroup;
  orders: number;
  revenueMinor: number;
  /** Cost of goods of the orders whose cost is known, and their revenue. */
  costKnownRevenueMinor: number;
  costMinor: number;
}

/**
 * Per member: completed sales ordered at or after `fromInstant` (ISO UTC text, which sorts as
 * time on both engines) and on or before business-local day `toDay`. Members without such orders
 * come back with zeros.
 */
export async function memberOutcomes(db: Db, campaignId: number, fromInstant: string, toDay: number): Promise<MemberOutcomeRow[]> {
  const rows = await db
    .selectFrom('campaign_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .leftJoin('orders as o', (j) =>
      j
        .onRef('o.customer_id', '=', 'm.customer_id')
        .on('o.kind', '=', 'sale')
        .on('o.status', '=', 'completed')
        .on('o.ordered_at', '>=', fromInstant)
        .on('o.day', '<=', toDay),
    )
    .select((eb) => [
      'm.customer_id',
      'c.external_id',
      'm.grp',
      eb.fn.count<number>('o.id').as('orders'),
      eb.fn.coalesce(eb.fn.sum<number | null>('o.total_minor'), sql<number>`0`).as('revenue'),
      eb.fn
        .coalesce(eb.fn.sum<number | null>(eb.case().when('o.cost_minor', 'is not', null).then(eb.ref('o.total_minor')).else(sql<number>`0`).end()), sql<number>`0`)
        .as('known_revenue'),
      eb.fn.coalesce(eb.fn.sum<number | null>('o.cost_minor'), sql<number>`0`).as('cost'),
    ])
    .where('m.campaign_id', '=', campaignId)
    .groupBy(['m.customer_id', 'c.external_id', 'm.grp'])
    .orderBy('m.customer_id')
    .execute();
  return rows.map((r) => ({
    customerId: Number(r.customer_id),
    externalId: r.external_id,
    group: r.grp,
    orders: Number(r.orders),
    revenueMinor: Number(r.revenue),
    costKnownRevenueMinor: Number(r.known_revenue),
    costMinor: Number(r.cost),
  }));
}

export type { CampaignMembersTable };
