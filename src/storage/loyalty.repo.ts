import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  Database,
  LoyaltyCardsTable,
  LoyaltyCardStatus,
  LoyaltyMembersTable,
  LoyaltyProgrammesTable,
  LoyaltyTiersTable,
} from './schema.js';

/** Loyalty programmes, their venues and tiers, members, cards and referral codes (the ledger is in loyalty-ledger.repo.ts). */

export type ProgrammeRow = Selectable<LoyaltyProgrammesTable>;
export type TierRow = Selectable<LoyaltyTiersTable>;
export type MemberRow = Selectable<LoyaltyMembersTable>;
export type CardRow = Selectable<LoyaltyCardsTable>;

type K = Kysely<Database>;

// ---- programmes ------------------------------------------------------------------------------------

export async function insertProgramme(db: K, row: Omit<ProgrammeRow, 'id'>): Promise<ProgrammeRow> {
  return db.insertInto('loyalty_programmes').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateProgrammeRow(db: K, id: number, set: Partial<Omit<ProgrammeRow, 'id' | 'code' | 'created_at'>>): Promise<void> {
  await db.updateTable('loyalty_programmes').set(set).where('id', '=', id).execute();
}

export function getProgrammeById(db: K, id: number): Promise<ProgrammeRow | undefined> {
  return db.selectFrom('loyalty_programmes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getProgrammeByCode(db: K, code: string): Promise<ProgrammeRow | undefined> {
  return db.selectFrom('loyalty_programmes').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listProgrammeRows(db: K): Promise<ProgrammeRow[]> {
  return db.selectFrom('loyalty_programmes').selectAll().orderBy('id').execute();
}

export async function programmeVenueIds(db: K, programmeId: number): Promise<number[]> {
  const rows = await db.selectFrom('loyalty_programme_venues').select('venue_id').where('programme_id', '=', programmeId).orderBy('venue_id').execute();
  return rows.map((r) => r.venue_id);
}

export async function programmeIdsOfVenue(db: K, venueId: number): Promise<number[]> {
  const rows = await db.selectFrom('loyalty_programme_venues').select('programme_id').where('venue_id', '=', venueId).execute();
  return rows.map((r) => r.programme_id);
}

export async function addProgrammeVenue(db: K, programmeId: number, venueId: number, at: string): Promise<boolean> {
  const r = await db
    .insertInto('loyalty_programme_venues')
    .values({ programme_id: programmeId, venue_id: venueId, joined_at: at })
    .onConflict((oc) => oc.columns(['programme_id', 'venue_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

// ---- tiers -------------------------------------------------------------------------------------------

export function tiersOf(db: K, programmeId: number): Promise<TierRow[]> {
  return db.selectFrom('loyalty_tiers').selectAll().where('programme_id', '=', programmeId).orderBy('rank').execute();
}

export async function insertTier(db: K, row: Omit<TierRow, 'id'>): Promise<TierRow> {
  return db.insertInto('loyalty_tiers').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateTierRow(db: K, id: number, set: Partial<Omit<TierRow, 'id' | 'programme_id' | 'created_at'>>): Promise<void> {
  await db.updateTable('loyalty_tiers').set(set).where('id', '=', id).execute();
}

// ---- members ------------------------------------------------------------------------------------------

export async function insertMember(db: K, row: Omit<MemberRow, 'id'>): Promise<MemberRow> {
  return db.insertInto('loyalty_members').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getMemberById(db: K, id: number): Promise<MemberRow | undefined> {
  return db.selectFrom('loyalty_members').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getMemberByCustomer(db: K, programmeId: number, customerId: number): Promise<MemberRow | undefined> {
  return db
    .selectFrom('loyalty_members')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

export function membersOfCustomers(db: K, customerIds: number[]): Promise<MemberRow[]> {
  if (customerIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('loyalty_members').selectAll().where('customer_id', 'in', customerIds).orderBy('id').execute();
}

export function membersOfProgramme(db: K, programmeId: number): Promise<MemberRow[]> {
  return db.selectFrom('loyalty_members').selectAll().where('programme_id', '=', programmeId).orderBy('id').execute();
}

export async function setMemberTier(db: K, memberId: number, tierId: number | null, since: string): Promise<void> {
  await db.updateTable('loyalty_members').set({ tier_id: tierId, tier_since: since }).where('id', '=', memberId).execute();
}

export async function insertTierChange(
  db: K,
  row: { memberId: number; fromTierId: number | null; toTierId: number | null; asOfDay: number; metricValue: number; actor: string; at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('loyalty_tier_changes')
    .values({
      member_id: row.memberId,
      from_tier_id: row.fromTierId,
      to_tier_id: row.toTierId,
      as_of_day: row.asOfDay,
      metric_value: row.metricValue,
      actor: row.actor,
      created_at: row.at,
    })
    .onConflict((oc) => oc.columns(['member_id', 'as_of_day']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function tierChangesOf(db: K, memberId: number) {
  return db.selectFrom('loyalty_tier_changes').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
}

// ---- cards ----------------------------------------------------------------------------------------

export async function insertCard(db: K, row: Omit<CardRow, 'id'>): Promise<CardRow> {
  return db.insertInto('loyalty_cards').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getCardByNumber(db: K, number: string): Promise<CardRow | undefined> {
  return db.selectFrom('loyalty_cards').selectAll().where('number', '=', number).executeTakeFirst();
}

export function getCardById(db: K, id: number): Promise<CardRow | undefined> {
  return db.selectFrom('loyalty_cards').selectAll().where('id', '=', id).executeTakeFirst();
}

export function cardsOfMember(db: K, memberId: number): Promise<CardRow[]> {
  return db.selectFrom('loyalty_cards').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
}

export async function setCardStatus(db: K, id: number, status: LoyaltyCardStatus, at: string, reason: string | null): Promise<void> {
  await db.updateTable('loyalty_cards').set({ status, status_changed_at: at, status_reason: reason }).where('id', '=', id).execute();
}

// ---- referral codes ---------------------------------------------------------------------------------

export async function getReferralCode(db: K, customerId: number): Promise<string | undefined> {
  const r = await db.selectFrom('loyalty_referral_codes').select('code').where('customer_id', '=', customerId).executeTakeFirst();
  return r?.code;
}

export async function customerByReferralCode(db: K, code: string): Promise<number | undefined> {
  const r = await db.selectFrom('loyalty_referral_codes').select('customer_id').where('code', '=', code).executeTakeFirst();
  return r?.customer_id;
}

/** Inserts the code unless the customer has one; returns the customer's code either way. */
export async function ensureReferralCode(db: K, customerId: number, code: string, at: string): Promise<string> {
  await db
    .insertInto('loyalty_referral_codes')
    .values({ customer_id: customerId, code, created_at: at })
    .onConflict((oc) => oc.column('customer_id').doNothing())
    .execute();
  return (await getReferralCode(db, customerId))!;
}

export interface ReferralNode {
  customerId: number;
  externalId: string;
  name: string | null;
  referredBy: number | null;
  depth: number;
  /** Completed orders (returns included, negative) of this customer, minor units. */
  valueMinor: number;
  orders: number;
}

/**
 * The referral tree under a customer from customers.referred_by (the one source of truth, also
 * read by CLV-with-referrals), with each customer's own completed order value. UNION stops on
 * loops; depth is bounded.
 */
export async function referralTree(db: K, rootId: number, maxDepth: number): Promise<ReferralNode[]> {
  const r = await sql<{ id: number; external_id: string; name: string | null; referred_by: number | null; depth: number; value: number | null; orders: number | null }>`
    with recursive tree(id, depth) as (
      select cast(${rootId} as bigint), 0
      union
      select c.id, tree.depth + 1 from customers c join tree on c.referred_by = tree.id where tree.depth < ${maxDepth}
    )
    select c.id, c.external_id, c.name, c.referred_by, min(tree.depth) as depth,
      (select sum(o.total_minor) from orders o where o.customer_id = c.id and o.status = 'completed') as value,
      (select count(*) from orders o where o.customer_id = c.id and o.status = 'completed' and o.kind = 'sale') as orders
    from tree join customers c on c.id = tree.id
    group by c.id, c.external_id, c.name, c.referred_by
    order by depth, c.id`.execute(db);
  return r.rows.map((x) => ({
    customerId: Number(x.id),
    externalId: x.external_id,
    name: x.name,
    referredBy: x.referred_by === null ? null : Number(x.referred_by),
    depth: Number(x.depth),
    valueMinor: Number(x.value ?? 0),
    orders: Number(x.orders ?? 0),
  }));
}
