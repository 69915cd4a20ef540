import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../../domain/auth/principal.js';
import { getOrder } from '../../domain/customers/customers.js';
import { PatronError } from '../../domain/errors.js';
import { ApiOrderSchema, normalizeApiOrder, type ApiOrder } from '../../domain/orders/normalize.js';
import type { OrderInput } from '../../domain/orders/order-input.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getVenueById } from '../../storage/customers.repo.js';
import { saveOrders } from '../../storage/orders.repo.js';
import type { Database } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { principal, requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, OrderSchema } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

export const DEFAULTS = Object.freeze({
  /** Orders per POST /api/orders/batch. */
  maxBatch: 1000,
});

const SaveResultSchema = z.object({
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  customersCreated: z.number().int(),
  productsCreated: z.number().int(),
  venuesCreated: z.number().int(),
});

/**
 * A principal with a venue (a point-of-sale token at one outlet) may only write orders of that
 * venue: the venue is filled in when the order has none, a different one is refused, and so is
 * re-posting an order id that already belongs to another venue.
 */
async function applyVenueScope(db: Kysely<Database>, p: Principal, orders: OrderInput[]): Promise<void> {
  if (p.kind !== 'token' || p.venueId === null) return;
  const venue = await getVenueById(db, p.venueId);
  if (!venue) throw new PatronError('FORBIDDEN', 'this token is scoped to a venue that no longer exists');
  for (const o of orders) {
    if (o.venueCode === null) o.venueCode = venue.code;
    else if (o.venueCode !== venue.code) {
      throw new PatronError('FORBIDDEN', `this token may only post orders for venue ${venue.code} (order ${o.externalId} names ${o.venueCode})`);
    }
  }
  const ids = orders.map((o) => o.externalId);
  for (let i = 0; i < ids.length; i += 500) {
    const clash = await db
      .selectFrom('orders')
      .select('external_id')
      .where('external_id', 'in', ids.slice(i, i + 500))
      .where((eb) => eb.or([eb('venue_id', 'is', null), eb('venue_id', '!=', p.venueId)]))
      .executeTakeFirst();
    if (clash) throw new PatronError('FORBIDDEN', `order ${clash.external_id} belongs to another venue`);
  }
}

function normalizeAll(raw: ApiOrder[], settings: Awaited<ReturnType<typeof getSettings>>, pathOf: (i: number) => string): OrderInput[] {
  const issues: { path: string; message: string }[] = [];
  const out: OrderInput[] = [];
  raw.forEach((r, i) => {
    try {
      out.push(normalizeApiOrder(r, settings));
    } catch (e) {
      if (!(e instanceof PatronError)) throw e;
      issues.push({ path: pathOf(i), message: e.message });
    }
  });
  if (issues.length) {
    throw new PatronError('VALIDATION', `${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { issues });
  }
  return out;
}

export function registerOrderRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  async function store(request: { principal: Principal | null }, raw: ApiOrder[], pathOf: (i: number) => string, w: { actor: string; now: string }) {
    const p = request.principal!;
    const settings = await getSettings(db);
    const orders = normalizeAll(raw, settings, pathOf);
    const result = await db.transaction().execute(async (trx) => {
      await applyVenueScope(trx, p, orders);
      const result = await saveOrders(trx, orders, { now: w.now });
      await appendAudit(trx, {
        at: w.now,
        actor: w.actor,
        action: 'save',
        entity: orders.length === 1 ? 'order' : 'order_batch',
        entityId: orders.length === 1 ? orders[0]!.externalId : null,
        detail: { ...result, externalIds: orders.length === 1 ? undefined : orders.map((o) => o.externalId) },
      });
      return result;
    });
    return result;
  }

  app.post(
    '/api/orders',
    {
      onRequest: requirePermission('orders:write'),
      schema: {
        tags: ['orders'],
        summary: 'Post one order (idempotent by externalId: the same order again changes nothing, a changed one replaces it)',
        description: 'Money is decimal text ("12.50") in the business currency. 201 when new, 200 when updated or unchanged.',
        body: ApiOrderSchema,
        response: {
          200: z.object({ status: z.enum(['inserted', 'updated', 'unchanged']), order: OrderSchema }),
          201: z.object({ status: z.enum(['inserted', 'updated', 'unchanged']), order: OrderSchema }),
          ...errorResponses,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      principal(request);
      const r = await store(request, [request.body], () => 'body', writeContext(request, deps));
      const status = r.inserted ? ('inserted' as const) : r.updated ? ('updated' as const) : ('unchanged' as const);
      const order = await getOrder(db, request.body.externalId);
      return reply.status(status === 'inserted' ? 201 : 200).send({ status, order });
    },
  );

  app.post(
    '/api/orders/batch',
    {
      onRequest: requirePermission('orders:write'),
      schema: {
        tags: ['orders'],
        summary: `Post up to ${DEFAULTS.maxBatch} orders at once, all or nothing (idempotent by externalId)`,
        body: z.object({ orders: z.array(ApiOrderSchema).min(1).max(DEFAULTS.maxBatch) }),
        response: { 200: SaveResultSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => {
      principal(request);
      return store(request, request.body.orders, (i) => `body.orders.${i}`, writeContext(request, deps));
    },
  );

  app.get(
    '/api/orders/:externalId',
    {
      onRequest: requirePermission('orders:read'),
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines, by its external id',
        params: z.object({ externalId: z.string().min(1).max(100) }),
        response: { 200: OrderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principal(request);
      const order = await getOrder(db, request.params.externalId);
      // A venue-scoped token sees its own venue's orders only; others look absent.
      if (p.kind === 'token' && p.venueId !== null && order.venueId !== p.venueId) {
        throw new PatronError('NOT_FOUND', `order ${request.params.externalId} not found`);
      }
      return order;
    },
  );
}
