import type { Kysely } from 'kysely';
import type { Contact, Customer, CustomerUpdate, Database, NewCustomer, OrderLine } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { contactTotals, insertContact, recentContactsOfCustomer } from '../../storage/contacts.repo.js';
import {
  countReferrals,
  customerOrderStats,
  getCustomerByExternalId,
  getCustomerById,
  getOrderByExternalId,
  getVenueById,
  insertCustomer,
  linesOfOrders,
  recentOrdersOfCustomer,
  referralChainContains,
  referralsOf,
  updateCustomerRow,
  type CustomerSearchKeys,
  type OrderWithVenue,
} from '../../storage/customers.repo.js';
import { PatronError } from '../errors.js';
import { instantFromUtcMs } from '../time.js';
import {
  nameKey,
  newCustomerExternalId,
  normalizeEmail,
  normalizePhone,
  type ContactCreate,
  type CustomerCreate,
  type CustomerPatch,
} from './customer-input.js';

/** Who is writing and when; every write appends an audit row in the same transaction. */
export interface WriteContext {
  actor: string;
  /** ISO-8601 UTC. */
  now: string;
}

export const DEFAULTS = Object.freeze({
  searchLimit: 50,
  maxSearchLimit: 500,
  /** How much of the history the customer 360 shows inline. */
  recentOrders: 20,
  recentContacts: 20,
  referrals: 50,
});

// ---- views (the API's shapes) -----------------------------------------------------------------

export interface CustomerView {
  id: number;
  externalId: string;
  name: string | null;
  gender: string | null;
  birthday: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  acquisitionChannel: string | null;
  acquisitionCostMinor: number;
  referredBy: number | null;
  consentSms: boolean;
  consentEmail: boolean;
  homeVenueId: number | null;
  createdAt: string;
  updatedAt: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toCustomerView(c: Customer): CustomerView {
  const tags = parseJson<unknown>(c.tags, []);
  const attributes = parseJson<unknown>(c.attributes, {});
  return {
    id: c.id,
    externalId: c.external_id,
    name: c.name,
    gender: c.gender,
    birthday: c.birthday,
    phone: c.phone,
    email: c.email,
    city: c.city,
    country: c.country,
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
    attributes: attributes && typeof attributes === 'object' && !Array.isArray(attributes) ? (attributes as Record<string, unknown>) : {},
    acquisitionChannel: c.acquisition_channel,
    acquisitionCostMinor: c.acquisition_cost_minor,
    referredBy: c.referred_by,
    consentSms: c.consent_sms === 1,
    consentEmail: c.consent_email === 1,
    homeVenueId: c.home_venue_id,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export interface CustomerRefView {
  id: number;
  externalId: string;
  name: string | null;
}

function toRef(c: Customer): CustomerRefView {
  return { id: c.id, externalId: c.external_id, name: c.name };
}

export interface OrderLineView {
  lineNo: number;
  sku: string | null;
  description: string | null;
  quantity: number;
  unitPrice: string | null;
  lineTotalMinor: number;
  discountMinor: number;
  unitCostMinor: number | null;
}

export interface OrderView {
  id: number;
  externalId: string;
  customerId: number | null;
  customerExternalId: string | null;
  venueId: number | null;
  venueCode: string | null;
  kind: 'sale' | 'return';
  returnsOrderId: number | null;
  status: 'completed' | 'cancelled' | 'returned';
  orderedAt: string;
  localDate: string;
  channel: string | null;
  paymentMethod: string | null;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  costMinor: number | null;
  itemCount: number;
  lines: OrderLineView[];
}

function toOrderView(o: OrderWithVenue, lines: OrderLine[]): OrderView {
  return {
    id: o.id,
    externalId: o.external_id,
    customerId: o.customer_id,
    customerExternalId: o.customer_external_id,
    venueId: o.venue_id,
    venueCode: o.venue_code,
    kind: o.kind,
    returnsOrderId: o.returns_order_id,
    status: o.status,
    orderedAt: o.ordered_at,
    localDate: o.local_date,
    channel: o.channel,
    paymentMethod: o.payment_method,
    subtotalMinor: o.subtotal_minor,
    discountMinor: o.discount_minor,
    totalMinor: o.total_minor,
    costMinor: o.cost_minor,
    itemCount: o.item_count,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      lineTotalMinor: l.line_total_minor,
      discountMinor: l.discount_minor,
      unitCostMinor: l.unit_cost_minor,
    })),
  };
}

export interface ContactView {
  id: number;
  externalId: string | null;
  customerId: number;
  venueId: number | null;
  occurredAt: string;
  localDate: string;
  channel: string;
  direction: 'inbound' | 'outbound';
  purpose: string | null;
  costMinor: number;
  note: string | null;
  createdBy: string | null;
}

function toContactView(c: Contact): ContactView {
  return {
    id: c.id,
    externalId: c.external_id,
    customerId: c.customer_id,
    venueId: c.venue_id,
    occurredAt: c.occurred_at,
    localDate: new Date(c.day * 86_400_000).toISOString().slice(0, 10),
    channel: c.channel,
    direction: c.direction,
    purpose: c.purpose,
    costMinor: c.cost_minor,
    note: c.note,
    createdBy: c.created_by,
  };
}

// ---- reads -------------------------------------------------------------------------------------------

export async function getCustomer(db: Kysely<Database>, id: number): Promise<CustomerView> {
  const c = await getCustomerById(db, id);
  if (!c) throw new PatronError('NOT_FOUND', `customer ${id} not found`);
  return toCustomerView(c);
}

/**
 * What a free-text query can mean: an external id, a phone, an email (when it has an @), or the
 * start of a name. Every key is an exact or prefix match on an indexed column.
 */
export function searchKeysFor(q: string): CustomerSearchKeys | null {
  const t = q.trim();
  if (t === '') return null;
  const keys: CustomerSearchKeys = { externalId: t, namePrefix: nameKey(t)! };
  if (/^[+\d][\d\s().-]*$/.test(t)) keys.phone = normalizePhone(t)!;
  if (t.includes('@')) keys.email = normalizeEmail(t)!;
  return keys;
}

export interface Customer360 {
  customer: CustomerView;
  referrer: CustomerRefView | null;
  referrals: { total: number; items: CustomerRefView[] };
  stats: {
    orders: number;
    returns: number;
    revenueMinor: number;
    returnsMinor: number;
    /** revenueMinor / orders rounded to a whole minor unit; null without orders. */
    averageOrderValueMinor: number | null;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    purchaseDays: number;
    contacts: number;
    /** Sum of contact costs: part of the cost to serve. */
    contactCostMinor: number;
  };
  recentOrders: OrderView[];
  recentContacts: ContactView[];
}

export async function getCustomer360(db: Kysely<Database>, id: number): Promise<Customer360> {
  const c = await getCustomerById(db, id);
  if (!c) throw new PatronError('NOT_FOUND', `customer ${id} not found`);
  const [referrer, referrals, referralCount, stats, orders, contacts, contactSum] = await Promise.all([
    c.referred_by === null ? undefined : getCustomerById(db, c.referred_by),
    referralsOf(db, id, DEFAULTS.referrals),
    countReferrals(db, id),
    customerOrderStats(db, id),
    recentOrdersOfCustomer(db, id, DEFAULTS.recentOrders),
    recentContactsOfCustomer(db, id, DEFAULTS.recentContacts),
    contactTotals(db, id),
  ]);
  const lines = await linesOfOrders(db, orders.map((o) => o.id));
  return {
    customer: toCustomerView(c),
    referrer: referrer ? toRef(referrer) : null,
    referrals: { total: referralCount, items: referrals.map(toRef) },
    stats: {
      ...stats,
      averageOrderValueMinor: stats.orders > 0 ? Math.round(stats.revenueMinor / stats.orders) : null,
      contacts: contactSum.contacts,
      contactCostMinor: contactSum.costMinor,
    },
    recentOrders: orders.map((o) => toOrderView(o, lines.get(o.id) ?? [])),
    recentContacts: contacts.map(toContactView),
  };
}

export async function getOrder(db: Kysely<Database>, externalId: string): Promise<OrderView> {
  const o = await getOrderByExternalId(db, externalId);
  if (!o) throw new PatronError('NOT_FOUND', `order ${externalId} not found`);
  const lines = await linesOfOrders(db, [o.id]);
  return toOrderView(o, lines.get(o.id) ?? []);
}

// ---- writes ------------------------------------------------------------------------------------------

async function resolveReferrer(
  db: Kysely<Database>,
  input: { referredBy?: number | null; referredByExternalId?: string },
): Promise<number | null | undefined> {
  if (input.referredByExternalId !== undefined) {
    const r = await getCustomerByExternalId(db, input.referredByExternalId);
    if (!r) throw new PatronError('VALIDATION', `referrer ${input.referredByExternalId} does not exist`, { path: 'referredByExternalId' });
    if (input.referredBy !== undefined && input.referredBy !== r.id) {
      throw new PatronError('VALIDATION', 'referredBy and referredByExternalId name different customers');
    }
    return r.id;
  }
  if (input.referredBy === undefined || input.referredBy === null) return input.referredBy;
  const r = await getCustomerById(db, input.referredBy);
  if (!r) throw new PatronError('VALIDATION', `referrer ${input.referredBy} does not exist`, { path: 'referredBy' });
  return r.id;
}

async function checkVenue(db: Kysely<Database>, venueId: number | null | undefined): Promise<void> {
  if (venueId === undefined || venueId === null) return;
  if (!(await getVenueById(db, venueId))) throw new PatronError('VALIDATION', `venue ${venueId} does not exist`);
}

async function uniqueExternalId(db: Kysely<Database>): Promise<string> {
  for (let i = 0; i < 5; i++) {
    const id = newCustomerExternalId();
    if (!(await getCustomerByExternalId(db, id))) return id;
  }
  throw new Error('could not generate a unique customer external id');
}

export async function createCustomer(db: Kysely<Database>, input: CustomerCreate, w: WriteContext): Promise<CustomerView> {
  return db.transaction().execute(async (trx) => {
    const externalId = input.externalId ?? (await uniqueExternalId(trx));
    if (await getCustomerByExternalId(trx, externalId)) {
      throw new PatronError('CONFLICT', `a customer with external id ${externalId} already exists`);
    }
    const referredBy = (await resolveReferrer(trx, input)) ?? null;
    await checkVenue(trx, input.homeVenueId);
    const row: NewCustomer = {
      external_id: externalId,
      name: input.name ?? null,
      name_key: nameKey(input.name),
      gender: input.gender ?? null,
      birthday: input.birthday ?? null,
      phone: normalizePhone(input.phone),
      email: normalizeEmail(input.email),
      city: input.city ?? null,
      country: input.country ?? null,
      tags: JSON.stringify(input.tags ?? []),
      attributes: JSON.stringify(input.attributes ?? {}),
      acquisition_channel: input.acquisitionChannel ?? null,
      acquisition_cost_minor: input.acquisitionCostMinor ?? 0,
      referred_by: referredBy,
      consent_sms: input.consentSms ? 1 : 0,
      consent_email: input.consentEmail ? 1 : 0,
      home_venue_id: input.homeVenueId ?? null,
      created_at: w.now,
      updated_at: w.now,
    };
    const c = await insertCustomer(trx, row);
    // Field names only: the audit log cannot be erased, so it must not hold personal data.
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'create',
      entity: 'customer',
      entityId: c.id,
      detail: { externalId, fields: Object.keys(input).sort() },
    });
    return toCustomerView(c);
  });
}

export async function updateCustomer(db: Kysely<Database>, id: number, patch: CustomerPatch, w: WriteContext): Promise<CustomerView> {
  return db.transaction().execute(async (trx) => {
    const before = await getCustomerById(trx, id);
    if (!before) throw new PatronError('NOT_FOUND', `customer ${id} not found`);
    const set: CustomerUpdate = {};
    if (patch.externalId !== undefined && patch.externalId !== before.external_id) {
      if (await getCustomerByExternalId(trx, patch.externalId)) {
        throw new PatronError('CONFLICT', `a customer with external id ${patch.externalId} already exists`);
      }
      set.external_id = patch.externalId;
    }
    if (patch.name !== undefined) {
      set.name = patch.name;
      set.name_key = nameKey(patch.name);
    }
    if (patch.gender !== undefined) set.gender = patch.gender;
    if (patch.birthday !== undefined) set.birthday = patch.birthday;
    if (patch.phone !== undefined) set.phone = normalizePhone(patch.phone);
    if (patch.email !== undefined) set.email = normalizeEmail(patch.email);
    if (patch.city !== undefined) set.city = patch.city;
    if (patch.country !== undefined) set.country = patch.country;
    if (patch.tags !== undefined) set.tags = JSON.stringify(patch.tags);
    if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
    if (patch.acquisitionChannel !== undefined) set.acquisition_channel = patch.acquisitionChannel;
    if (patch.acquisitionCostMinor !== undefined) set.acquisition_cost_minor = patch.acquisitionCostMinor;
    if (patch.consentSms !== undefined) set.consent_sms = patch.consentSms ? 1 : 0;
    if (patch.consentEmail !== undefined) set.consent_email = patch.consentEmail ? 1 : 0;
    if (patch.homeVenueId !== undefined) {
      await checkVenue(trx, patch.homeVenueId);
      set.home_venue_id = patch.homeVenueId;
    }
    const referredBy = await resolveReferrer(trx, patch);
    if (referredBy !== undefined) {
      if (referredBy !== null && (await referralChainContains(trx, referredBy, id))) {
        throw new PatronError('VALIDATION', `customer ${referredBy} cannot refer customer ${id}: that would make a referral cycle`, {
          path: 'referredBy',
        });
      }
      set.referred_by = referredBy;
    }
    const fields = Object.keys(set);
    if (fields.length === 0) return toCustomerView(before);
    set.updated_at = w.now;
    const after = await updateCustomerRow(trx, id, set);
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'update',
      entity: 'customer',
      entityId: id,
      detail: { fields: fields.sort() },
    });
    return toCustomerView(after!);
  });
}

export async function addContact(
  db: Kysely<Database>,
  customerId: number,
  input: ContactCreate,
  timeZone: string,
  w: WriteContext,
): Promise<ContactView> {
  return db.transaction().execute(async (trx) => {
    if (!(await getCustomerById(trx, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
    await checkVenue(trx, input.venueId);
    const at = input.occurredAt ? new Date(input.occurredAt) : new Date(w.now);
    const when = instantFromUtcMs(at.getTime(), timeZone);
    const row = await insertContact(trx, {
      external_id: input.externalId ?? null,
      customer_id: customerId,
      venue_id: input.venueId ?? null,
      occurred_at: when.utc,
      day: when.day,
      channel: input.channel,
      direction: input.direction,
      purpose: input.purpose ?? null,
      cost_minor: input.costMinor,
      note: input.note ?? null,
      created_by: w.actor,
    });
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'create',
      entity: 'contact',
      entityId: row.id,
      detail: { customerId, channel: row.channel, costMinor: row.cost_minor },
    });
    return toContactView(row);
  });
}
