import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type SQLite from 'better-sqlite3';
import { PatronError } from '../domain/errors.js';
import type { OrderInput, SaveOrdersResult } from '../domain/orders/order-input.js';
import { bulkInsert, chunks, insertReturningIds } from './bulk.js';
import { dialectOf } from './db.js';
import type { Database } from './schema.js';

/**
 * Id caches kept across chunks of one import, so each venue, product and customer is looked up
 * once. Bounded: the customer cache is cleared when it grows large (a million-customer file must
 * stay within the import's memory budget).
 */
export interface SaveContext {
  venues: Map<string, number>;
  products: Map<string, { id: number; cost: number | null }>;
  customers: Map<string, number>;
}

export function newSaveContext(): SaveContext {
  return { venues: new Map(), products: new Map(), customers: new Map() };
}

const CUSTOMER_CACHE_MAX = 200_000;

/** Stable hash of everything that defines an order's stored content (profile hints excluded: imports never overwrite profiles). */
export function orderContentHash(o: OrderInput): string {
  const h = createHash('sha1');
  h.update(
    JSON.stringify([
      o.customer?.externalId ?? null, o.venueCode, o.kind, o.returnsExternalId, o.status, o.orderedAt,
      o.localDate, o.day, o.channel, o.paymentMethod, o.discountMinor,
      o.lines.map((l) => [l.sku, l.description, l.category, l.quantity, l.unitPrice, l.lineTotalMinor, l.discountMinor, l.unitCostMinor]),
    ]),
  );
  return h.digest('base64url');
}

/**
 * Stores orders idempotently by external id: new ones are inserted, changed ones replaced
 * (lines included), identical ones left untouched. Unknown customers, products and venues are
 * created from the hints carried by the orders. Run it inside a transaction when the caller
 * needs all-or-nothing (the importer does). Pass `sqlite` (Db.sqlite) only from inside a
 * transaction, for the fast SQLite insert path.
 */
export async function saveOrders(
  db: Kysely<Database>,
  orders: OrderInput[],
  opts: { batchId?: number | null; now?: string; context?: SaveContext; sqlite?: SQLite.Database } = {},
): Promise<SaveOrdersResult> {
  const result: SaveOrdersResult = { inserted: 0, updated: 0, unchanged: 0, customersCreated: 0, productsCreated: 0, venuesCreated: 0 };
  if (orders.length === 0) return result;
  const ctx = opts.context ?? newSaveContext();
  const now = opts.now ?? new Date().toISOString();
  const dialect = dialectOf(db);
  const seen = new Set<string>();
  for (const o of orders) {
    if (seen.has(o.externalId)) throw new PatronError('VALIDATION', `order ${o.externalId} appears twice in one batch`);
    seen.add(o.externalId);
  }

  // Venues
  const venueCodes = [...new Set(orders.map((o) => o.venueCode).filter((c): c is string => !!c && !ctx.venues.has(c)))];
  if (venueCodes.length) {
    const ins = await insertReturningIds(db, dialect, 'venues', ['code', 'name', 'kind', 'created_at'],
      venueCodes.map((c) => [c, c, 'outlet', now]), { keyColumn: 'code', onConflictDoNothing: true, raw: opts.sqlite });
    result.venuesCreated += ins.filter((x) => x !== null).length;
    for (const part of chunks(venueCodes)) {
      const rows = await db.selectFrom('venues').select(['id', 'code']).where('code', 'in', part).execute();
      for (const r of rows) ctx.venues.set(r.code, r.id);
    }
  }

  // Products
  const skuHints = new Map<string, { name: string | null; category: string | null }>();
  for (const o of orders) for (const l of o.lines) {
    if (l.sku && !ctx.products.has(l.sku) && !skuHints.has(l.sku)) skuHints.set(l.sku, { name: l.description, category: l.category });
  }
  if (skuHints.size) {
    const ins = await insertReturningIds(db, dialect, 'products', ['sku', 'name', 'category', 'unit_cost_minor', 'created_at'],
      [...skuHints].map(([sku, h]) => [sku, h.name, h.category, null, now]), { keyColumn: 'sku', onConflictDoNothing: true, raw: opts.sqlite });
    result.productsCreated += ins.filter((x) => x !== null).length;
    for (const part of chunks([...skuHints.keys()])) {
      const rows = await db.selectFrom('products').select(['id', 'sku', 'unit_cost_minor']).where('sku', 'in', part).execute();
      for (const r of rows) ctx.products.set(r.sku, { id: r.id, cost: r.unit_cost_minor });
    }
  }

  // Customers
  if (ctx.customers.size > CUSTOMER_CACHE_MAX) ctx.customers.clear();
  const custHints = new Map<string, OrderInput['customer']>();
  for (const o of orders) if (o.customer && !ctx.customers.has(o.customer.externalId)) custHints.set(o.customer.externalId, o.customer);
  if (custHints.size) {
    const rows = [...custHints.values()].map((c) => [
      c!.externalId, c!.name ?? null, c!.name ? c!.name.toLowerCase() : null, c!.phone ?? null,
      c!.email ? c!.email.toLowerCase() : null, c!.city ?? null, c!.country ?? null, now, now,
    ]);
    const ins = await insertReturningIds(db, dialect, 'customers',
      ['external_id', 'name', 'name_key', 'phone', 'email', 'city', 'country', 'created_at', 'updated_at'],
      rows, { keyColumn: 'external_id', onConflictDoNothing: true, raw: opts.sqlite });
    result.customersCreated += ins.filter((x) => x !== null).length;
    for (const part of chunks([...custHints.keys()])) {
      const found = await db.selectFrom('customers').select(['id', 'external_id']).where('external_id', 'in', part).execute();
      for (const r of found) ctx.customers.set(r.external_id, r.id);
    }
  }

  // Existing orders
  const existing = new Map<string, { id: number; hash: string }>();
  for (const part of chunks(orders.map((o) => o.externalId))) {
    const rows = await db.selectFrom('orders').select(['id', 'external_id', 'content_hash']).where('external_id', 'in', part).execute();
    for (const r of rows) existing.set(r.external_id, { id: r.id, hash: r.content_hash });
  }

  // Returns may point at sales in this batch or already stored.
  const returnRefs = [...new Set(orders.map((o) => o.returnsExternalId).filter((x): x is string => !!x))];

  const fresh: { o: OrderInput; hash: string }[] = [];
  const changed: { o: OrderInput; hash: string; id: number }[] = [];
  for (const o of orders) {
    const hash = orderContentHash(o);
    const ex = existing.get(o.externalId);
    if (!ex) fresh.push({ o, hash });
    else if (ex.hash !== hash) changed.push({ o, hash, id: ex.id });
    else result.unchanged++;
  }

  const orderValues = (o: OrderInput, hash: string) => {
    let subtotal = 0;
    let cost: number | null = 0;
    let items = 0;
    for (const l of o.lines) {
      subtotal += l.lineTotalMinor;
      items += l.quantity;
      const unitCost = l.unitCostMinor ?? (l.sku ? ctx.products.get(l.sku)?.cost ?? null : null);
      cost = unitCost === null || cost === null ? null : cost + Math.round(unitCost * l.quantity);
    }
    return {
      customer_id: o.customer ? ctx.customers.get(o.customer.externalId)! : null,
      venue_id: o.venueCode ? ctx.venues.get(o.venueCode)! : null,
      kind: o.kind,
      status: o.status,
      ordered_at: o.orderedAt,
      local_date: o.localDate,
      day: o.day,
      channel: o.channel,
      payment_method: o.paymentMethod,
      subtotal_minor: subtotal,
      discount_minor: o.discountMinor,
      total_minor: subtotal - o.discountMinor,
      cost_minor: cost,
      item_count: items,
      content_hash: hash,
      import_batch_id: opts.batchId ?? null,
    };
  };

  const orderIds = new Map<string, number>();
  if (fresh.length) {
    const cols = ['external_id', 'customer_id', 'venue_id', 'kind', 'returns_order_id', 'status', 'ordered_at', 'local_date', 'day',
      'channel', 'payment_method', 'subtotal_minor', 'discount_minor', 'total_minor', 'cost_minor', 'item_count', 'content_hash',
      'import_batch_id', 'created_at', 'updated_at'];
    const rows = fresh.map(({ o, hash }) => {
      const v = orderValues(o, hash);
      return [o.externalId, v.customer_id, v.venue_id, v.kind, null, v.status, v.ordered_at, v.local_date, v.day, v.channel,
        v.payment_method, v.subtotal_minor, v.discount_minor, v.total_minor, v.cost_minor, v.item_count, v.content_hash,
        v.import_batch_id, now, now];
    });
    const ids = await insertReturningIds(db, dialect, 'orders', cols, rows, { keyColumn: 'external_id', raw: opts.sqlite });
    fresh.forEach(({ o }, i) => orderIds.set(o.externalId, ids[i]!));
    result.inserted += fresh.length;
  }
  for (const { o, hash, id } of changed) {
    await db.updateTable('orders').set({ ...orderValues(o, hash), returns_order_id: null, updated_at: now }).where('id', '=', id).execute();
    orderIds.set(o.externalId, id);
    result.updated++;
  }
  if (changed.length) {
    for (const part of chunks(changed.map((c) => c.id))) await db.deleteFrom('order_lines').where('order_id', 'in', part).execute();
  }

  const lineRows: unknown[][] = [];
  for (const { o } of [...fresh, ...changed]) {
    const orderId = orderIds.get(o.externalId)!;
    o.lines.forEach((l, i) => {
      const product = l.sku ? ctx.products.get(l.sku) : undefined;
      lineRows.push([orderId, i + 1, product?.id ?? null, l.sku, l.description, l.quantity, l.unitPrice, l.lineTotalMinor,
        l.discountMinor, l.unitCostMinor ?? product?.cost ?? null]);
    });
  }
  await bulkInsert(db, dialect, 'order_lines',
    ['order_id', 'line_no', 'product_id', 'sku', 'description', 'quantity', 'unit_price', 'line_total_minor', 'discount_minor', 'unit_cost_minor'],
    lineRows, '', opts.sqlite);

  if (returnRefs.length) {
    const refIds = new Map<string, number>();
    for (const part of chunks(returnRefs)) {
      const rows = await db.selectFrom('orders').select(['id', 'external_id']).where('external_id', 'in', part).execute();
      for (const r of rows) refIds.set(r.external_id, r.id);
    }
    for (const { o } of [...fresh, ...changed]) {
      const ref = o.returnsExternalId ? refIds.get(o.returnsExternalId) : undefined;
      if (ref !== undefined) {
        await db.updateTable('orders').set({ returns_order_id: ref }).where('id', '=', orderIds.get(o.externalId)!).execute();
      }
    }
  }
  return result;
}
