import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../storage/schema.js';
import { PatronError } from '../errors.js';

/**
 * References from responses, invitations and cases to the rest of the model. Callers may name a
 * customer by id or external id, an order by id or external id, a venue by id or code, a
 * product by id or SKU, a user by id or username; they resolve to ids here, once.
 */
export const RefsSchema = {
  customerId: z.number().int().positive().optional(),
  customerExternalId: z.string().trim().min(1).max(100).optional(),
  orderId: z.number().int().positive().optional(),
  orderExternalId: z.string().trim().min(1).max(100).optional(),
  venueId: z.number().int().positive().optional(),
  venueCode: z.string().trim().min(1).max(60).optional(),
};

export interface RefsInput {
  customerId?: number;
  customerExternalId?: string;
  orderId?: number;
  orderExternalId?: string;
  venueId?: number;
  venueCode?: string;
}

export interface Refs {
  customerId: number | null;
  orderId: number | null;
  venueId: number | null;
}

async function one<T>(what: string, path: string, byId: number | undefined, byKey: string | undefined, findId: (id: number) => Promise<T | undefined>, findKey: (k: string) => Promise<T | undefined>, idOf: (t: T) => number): Promise<T | null> {
  let a: T | undefined;
  let b: T | undefined;
  if (byId !== undefined) {
    a = await findId(byId);
    if (!a) throw new PatronError('VALIDATION', `${what} ${byId} does not exist`, { path });
  }
  if (byKey !== undefined) {
    b = await findKey(byKey);
    if (!b) throw new PatronError('VALIDATION', `${what} ${byKey} does not exist`, { path });
  }
  if (a && b && idOf(a) !== idOf(b)) throw new PatronError('VALIDATION', `the two ${what} references name different ${what}s`, { path });
  return a ?? b ?? null;
}

export async function resolveRefs(db: Kysely<Database>, r: RefsInput): Promise<Refs & { orderCustomerId: number | null; orderVenueId: number | null }> {
  const customer = await one(
    'customer',
    'customerId',
    r.customerId,
    r.customerExternalId,
    (id) => db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst(),
    (k) => db.selectFrom('customers').select('id').where('external_id', '=', k).executeTakeFirst(),
    (c) => c.id,
  );
  const order = await one(
    'order',
    'orderId',
    r.orderId,
    r.orderExternalId,
    (id) => db.selectFrom('orders').select(['id', 'customer_id', 'venue_id']).where('id', '=', id).executeTakeFirst(),
    (k) => db.selectFrom('orders').select(['id', 'customer_id', 'venue_id']).where('external_id', '=', k).executeTakeFirst(),
    (o) => o.id,
  );
  const venue = await one(
    'venue',
    'venueId',
    r.venueId,
    r.venueCode,
    (id) => db.selectFrom('venues').select('id').where('id', '=', id).executeTakeFirst(),
    (k) => db.selectFrom('venues').select('id').where('code', '=', k).executeTakeFirst(),
    (v) => v.id,
  );
  if (customer && order?.customer_id != null && order.customer_id !== customer.id) {
    throw new PatronError('VALIDATION', `order ${order.id} belongs to another customer`, { path: 'orderId' });
  }
  // An order implies its customer and venue when they are not given.
  return {
    customerId: customer?.id ?? order?.customer_id ?? null,
    orderId: order?.id ?? null,
    venueId: venue?.id ?? order?.venue_id ?? null,
    orderCustomerId: order?.customer_id ?? null,
    orderVenueId: order?.venue_id ?? null,
  };
}

export async function resolveProduct(db: Kysely<Database>, productId?: number, sku?: string): Promise<number | null> {
  const p = await one(
    'product',
    'productId',
    productId,
    sku,
    (id) => db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst(),
    (k) => db.selectFrom('products').select('id').where('sku', '=', k).executeTakeFirst(),
    (x) => x.id,
  );
  return p?.id ?? null;
}

export async function resolveUser(db: Kysely<Database>, userId?: number | null, username?: string): Promise<number | null> {
  const u = await one(
    'user',
    'assigneeUserId',
    userId ?? undefined,
    username,
    (id) => db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst(),
    (k) => db.selectFrom('users').select('id').where('username', '=', k).executeTakeFirst(),
    (x) => x.id,
  );
  return u?.id ?? null;
}
