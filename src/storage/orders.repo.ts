import type { Kysely } from 'kysely';
import type SQLite from 'better-sqlite3';
import { PatronError } from '../domain/errors.js';
import type { OrderInput, SaveOrdersResult } from '../domain/orders/order-input.js';
import { packOrders, type PackedOrders } from '../domain/orders/packed.js';
import { bulkInsert, chunks, FLAT_ROWS, insertFlatSqlite, insertReturningIds, selectByKeys } from './bulk.js';
import { dialectOf } from './db.js';
import type { Database } from './schema.js';

/**
 * Id caches kept across chunks of one import, so each venue, product and customer is looked up
 * once. Bounded: the customer cache is cleared when it grows large (a million-customer file must
 * stay within the import's memory budget).
 */
export interface SaveContext {
  /**
   * True when no stored order can share an external id with these orders: the importer sets it
   * when the orders table was empty as its transaction began (its parser never hands on one key
   * twice), which skips the per-chunk lookup. The unique index still guards.
   */
  noStoredOrders?: boolean;
  venues: Map<string, number>;
  products: Map<string, { id: number; cost: number | null }>;
  customers: Map<string, number>;
}

export function newSaveContext(): SaveContext {
  return { venues: new Map(), products: new Map(), customers: new Map() };
}

const CUSTOMER_CACHE_MAX = 200_000;

const ORDER_COLUMNS = ['external_id', 'customer_id', 'venue_id', 'kind', 'returns_order_id', 'status', 'ordered_at', 'local_date', 'day',
  'channel', 'payment_method', 'subtotal_minor', 'discount_minor', 'total_minor', 'cost_minor', 'item_count', 'content_hash',
  'import_batch_id', 'created_at', 'updated_at'];
const LINE_COLUMNS = ['order_id', 'line_no', 'product_id', 'sku', 'description', 'quantity', 'unit_price', 'line_total_minor',
  'discount_minor', 'unit_cost_minor'];

export { orderContentHash } from '../domain/orders/content-hash.js';

/**
 * Stores orders idempotently by external id: new ones are inserted, changed ones replaced
 * (lines included), identical ones left untouched. Unknown customers, products and venues are
 * created from the hints carried by the orders. Run it inside a transaction when the caller
 * needs all-or-nothing (the importer does). Pass `sqlite` (Db.sqlite) only from inside a
 * transaction, for the fast SQLite insert path. Orders may come packed as columns (the
 * importer's parser thread sends them so; see PackedOrders).
 */
export async function saveOrders(
  db: Kysely<Database>,
  input: readonly OrderInput[] | PackedOrders,
  opts: { batchId?: number | null; now?: string; context?: SaveContext; sqlite?: SQLite.Database } = {},
): Promise<SaveOrdersResult> {
  const result: SaveOrdersResult = { inserted: 0, updated: 0, unchanged: 0, customersCreated: 0, productsCreated: 0, venuesCreated: 0 };
  const p = Array.isArray(input) ? packOrders(input as readonly OrderInput[]) : (input as PackedOrders);
  const n = p.n;
  if (n === 0) return result;
  const ctx = opts.context ?? newSaveContext();
  const now = opts.now ?? new Date().toISOString();
  const dialect = dialectOf(db);
  const seen = new Set<string>();
  for (const id of p.externalId) {
    if (seen.has(id)) throw new PatronError('VALIDATION', `order ${id} appears twice in one batch`);
    seen.add(id);
  }
  const lineCount = p.lineStart[n]!;

  // Venues
  const venueCodes = [...new Set(p.venueCode.filter((c): c is string => !!c && !ctx.venues.has(c)))];
  if (venueCodes.length) {
    const ins = await insertReturningIds(db, dialect, 'venues', ['code', 'name', 'kind', 'created_at'],
      venueCodes.map((c) => [c, c, 'outlet', now]), { keyColumn: 'code', onConflictDoNothing: true, raw: opts.sqlite });
    result.venuesCreated += ins.filter((x) => x !== null).length;
    for (const r of await selectByKeys<{ id: number; code: string }>(db, dialect, 'venues', 'code', ['id', 'code'], venueCodes, opts.sqlite)) {
      ctx.venues.set(r.code, r.id);
    }
  }

  // Products
  const skuHints = new Map<string, { name: string | null; category: string | null }>();
  for (let j = 0; j < lineCount; j++) {
    const sku = p.sku[j];
    if (sku && !ctx.products.has(sku) && !skuHints.has(sku)) skuHints.set(sku, { name: p.description[j] ?? null, category: p.category[j] ?? null });
  }
  if (skuHints.size) {
    const ins = await insertReturningIds(db, dialect, 'products', ['sku', 'name', 'category', 'unit_cost_minor', 'created_at'],
      [...skuHints].map(([sku, h]) => [sku, h.name, h.category, null, now]), { keyColumn: 'sku', onConflictDoNothing: true, raw: opts.sqlite });
    result.productsCreated += ins.filter((x) => x !== null).length;
    const found = await selectByKeys<{ id: number; sku: string; unit_cost_minor: number | null }>(
      db, dialect, 'products', 'sku', ['id', 'sku', 'unit_cost_minor'], [...skuHints.keys()], opts.sqlite);
    for (const r of found) ctx.products.set(r.sku, { id: r.id, cost: r.unit_cost_minor });
  }

  // Customers (the last hint in the batch wins, as before)
  if (ctx.customers.size > CUSTOMER_CACHE_MAX) ctx.customers.clear();
  const custHints = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = p.customerExternalId[i];
    if (c && !ctx.customers.has(c)) custHints.set(c, i);
  }
  if (custHints.size) {
    const rows = [...custHints].map(([ext, i]) => {
      const name = p.customerName[i] ?? null;
      const email = p.customerEmail[i] ?? null;
      return [ext, name, name ? name.toLowerCase() : null, p.customerPhone[i] ?? null, email ? email.toLowerCase() : null,
        p.customerCity[i] ?? null, p.customerCountry[i] ?? null, now, now];
    });
    const ins = await insertReturningIds(db, dialect, 'customers',
      ['external_id', 'name', 'name_key', 'phone', 'email', 'city', 'country', 'created_at', 'updated_at'],
      rows, { keyColumn: 'external_id', onConflictDoNothing: true, raw: opts.sqlite });
    result.customersCreated += ins.filter((x) => x !== null).length;
    const found = await selectByKeys<{ id: number; external_id: string }>(
      db, dialect, 'customers', 'external_id', ['id', 'external_id'], [...custHints.keys()], opts.sqlite);
    for (const r of found) ctx.customers.set(r.external_id, r.id);
  }

  // Existing orders
  const existing = new Map<string, { id: number; hash: string }>();
  const stored = ctx.noStoredOrders ? [] : await selectByKeys<{ id: number; external_id: string; content_hash: string }>(
    db, dialect, 'orders', 'external_id', ['id', 'external_id', 'content_hash'], p.externalId, opts.sqlite);
  for (const r of stored) existing.set(r.external_id, { id: r.id, hash: r.content_hash });

  const fresh: number[] = [];
  const changed: { i: number; id: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ex = existing.get(p.externalId[i]!);
    if (!ex) fresh.push(i);
    else if (ex.hash !== p.hash[i]) changed.push({ i, id: ex.id });
    else result.unchanged++;
  }

  const orderValues = (i: number) => {
    let subtotal = 0;
    let cost: number | null = 0;
    let items = 0;
    for (let j = p.lineStart[i]!; j < p.lineStart[i + 1]!; j++) {
      subtotal += p.lineTotalMinor[j]!;
      items += p.quantity[j]!;
      const given = p.unitCostMinor[j]!;
      const sku = p.sku[j];
      const unitCost = !Number.isNaN(given) ? given : sku ? ctx.products.get(sku)?.cost ?? null : null;
      cost = unitCost === null || cost === null ? null : cost + Math.round(unitCost * p.quantity[j]!);
    }
    const cust = p.customerExternalId[i];
    const venue = p.venueCode[i];
    return {
      customer_id: cust ? ctx.customers.get(cust)! : null,
      venue_id: venue ? ctx.venues.get(venue)! : null,
      kind: p.kind[i]!,
      status: p.status[i]!,
      ordered_at: p.orderedAt[i]!,
      local_date: p.localDate[i]!,
      day: p.day[i]!,
      channel: p.channel[i] ?? null,
      payment_method: p.paymentMethod[i] ?? null,
      subtotal_minor: subtotal,
      discount_minor: p.discountMinor[i]!,
      total_minor: subtotal - p.discountMinor[i]!,
      cost_minor: cost,
      item_count: items,
      content_hash: p.hash[i]!,
      import_batch_id: opts.batchId ?? null,
    };
  };

  const orderIds = new Float64Array(n);
  if (fresh.length) {
    if (opts.sqlite && dialect === 'sqlite') {
      // Bound straight from the columns through cached statements: no per-row arrays or objects
      // on the writer thread, which is the import's critical path.
      // FLAT_ROWS rows per statement; their ids are consecutive (see insertFlatSqlite).
      const raw = opts.sqlite;
      const batchId = opts.batchId ?? null;
      // One array reused for every statement (written by index: emptying and refilling an array
      // reallocates its storage each time).
      const width = ORDER_COLUMNS.length;
      const flat = new Array<unknown>(FLAT_ROWS * width);
      let b = 0;
      let from = 0;
      const flush = () => {
        const rows = b / width;
        const first = insertFlatSqlite(raw, 'orders', ORDER_COLUMNS, rows === FLAT_ROWS ? flat : flat.slice(0, b), rows);
        for (let k = 0; k < rows; k++) orderIds[fresh[from + k]!] = first + k;
        from += rows;
        b = 0;
      };
      for (const i of fresh) {
        const v = orderValues(i);
        flat[b++] = p.externalId[i]; flat[b++] = v.customer_id; flat[b++] = v.venue_id; flat[b++] = v.kind; flat[b++] = null;
        flat[b++] = v.status; flat[b++] = v.ordered_at; flat[b++] = v.local_date; flat[b++] = v.day; flat[b++] = v.channel;
        flat[b++] = v.payment_method; flat[b++] = v.subtotal_minor; flat[b++] = v.discount_minor; flat[b++] = v.total_minor;
        flat[b++] = v.cost_minor; flat[b++] = v.item_count; flat[b++] = v.content_hash; flat[b++] = batchId; flat[b++] = now; flat[b++] = now;
        if (b === flat.length) flush();
      }
      if (b) flush();
      result.inserted += fresh.length;
    } else {
      const rows = fresh.map((i) => {
        const v = orderValues(i);
        return [p.externalId[i], v.customer_id, v.venue_id, v.kind, null, v.status, v.ordered_at, v.local_date, v.day, v.channel,
          v.payment_method, v.subtotal_minor, v.discount_minor, v.total_minor, v.cost_minor, v.item_count, v.content_hash,
          v.import_batch_id, now, now];
      });
      const ids = await insertReturningIds(db, dialect, 'orders', ORDER_COLUMNS, rows, { keyColumn: 'external_id', raw: opts.sqlite });
      fresh.forEach((i, k) => (orderIds[i] = ids[k]!));
      result.inserted += fresh.length;
    }
  }
  for (const { i, id } of changed) {
    await db.updateTable('orders').set({ ...orderValues(i), returns_order_id: null, updated_at: now }).where('id', '=', id).execute();
    orderIds[i] = id;
    result.updated++;
  }
  if (changed.length) {
    for (const part of chunks(changed.map((c) => c.id))) await db.deleteFrom('order_lines').where('order_id', 'in', part).execute();
  }

  const written = changed.length ? [...fresh, ...changed.map((c) => c.i)] : fresh;
  const lineCost = (j: number, product: { cost: number | null } | undefined) => {
    const given = p.unitCostMinor[j]!;
    return Number.isNaN(given) ? product?.cost ?? null : given;
  };
  if (opts.sqlite && dialect === 'sqlite') {
    const raw = opts.sqlite;
    const width = LINE_COLUMNS.length;
    const flat = new Array<unknown>(FLAT_ROWS * width);
    let b = 0;
    for (const i of written) {
      const orderId = orderIds[i]!;
      for (let j = p.lineStart[i]!, no = 1; j < p.lineStart[i + 1]!; j++, no++) {
        const sku = p.sku[j] ?? null;
        const product = sku ? ctx.products.get(sku) : undefined;
        flat[b++] = orderId; flat[b++] = no; flat[b++] = product?.id ?? null; flat[b++] = sku; flat[b++] = p.description[j] ?? null;
        flat[b++] = p.quantity[j]; flat[b++] = p.unitPrice[j] ?? null; flat[b++] = p.lineTotalMinor[j]; flat[b++] = p.lineDiscountMinor[j];
        flat[b++] = lineCost(j, product);
        if (b === flat.length) {
          insertFlatSqlite(raw, 'order_lines', LINE_COLUMNS, flat, FLAT_ROWS);
          b = 0;
        }
      }
    }
    if (b) insertFlatSqlite(raw, 'order_lines', LINE_COLUMNS, flat.slice(0, b), b / width);
  } else {
    const lineRows: unknown[][] = [];
    for (const i of written) {
      const orderId = orderIds[i]!;
      for (let j = p.lineStart[i]!, no = 1; j < p.lineStart[i + 1]!; j++, no++) {
        const sku = p.sku[j] ?? null;
        const product = sku ? ctx.products.get(sku) : undefined;
        lineRows.push([orderId, no, product?.id ?? null, sku, p.description[j] ?? null, p.quantity[j], p.unitPrice[j] ?? null,
          p.lineTotalMinor[j], p.lineDiscountMinor[j], lineCost(j, product)]);
      }
    }
    await bulkInsert(db, dialect, 'order_lines', LINE_COLUMNS, lineRows);
  }

  // Returns may point at sales in this batch or already stored.
  const returnRefs = [...new Set(p.returnsExternalId.filter((x): x is string => !!x))];
  if (returnRefs.length) {
    const refIds = new Map<string, number>();
    for (const r of await selectByKeys<{ id: number; external_id: string }>(db, dialect, 'orders', 'external_id', ['id', 'external_id'], returnRefs, opts.sqlite)) {
      refIds.set(r.external_id, r.id);
    }
    for (const i of written) {
      const refExt = p.returnsExternalId[i];
      const ref = refExt ? refIds.get(refExt) : undefined;
      if (ref !== undefined) await db.updateTable('orders').set({ returns_order_id: ref }).where('id', '=', orderIds[i]!).execute();
    }
  }
  return result;
}
