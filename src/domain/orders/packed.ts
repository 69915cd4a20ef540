import type { OrderKind, OrderStatus } from '../../storage/schema.js';
import { orderContentHash } from './content-hash.js';
import type { OrderInput } from './order-input.js';

/**
 * Orders as columns: one array per field, lines flattened with per-order offsets. The import
 * parser builds these in a worker thread and posts them to the writer; arrays of strings and
 * typed arrays cross a thread several times cheaper than as many small objects (each object's
 * keys are serialised again), and the writer binds SQL parameters straight from the columns.
 * Minor-unit amounts are integers held in Float64Array (exact below 2^53); NaN means null.
 */
export interface PackedOrders {
  n: number;
  externalId: string[];
  /** orderContentHash of each order. */
  hash: string[];
  customerExternalId: (string | null)[];
  customerName: (string | null)[];
  customerPhone: (string | null)[];
  customerEmail: (string | null)[];
  customerCity: (string | null)[];
  customerCountry: (string | null)[];
  venueCode: (string | null)[];
  kind: OrderKind[];
  returnsExternalId: (string | null)[];
  status: OrderStatus[];
  orderedAt: string[];
  localDate: string[];
  day: Float64Array;
  channel: (string | null)[];
  paymentMethod: (string | null)[];
  discountMinor: Float64Array;
  /** Lines of order i are lineStart[i] .. lineStart[i + 1] - 1. */
  lineStart: Int32Array;
  sku: (string | null)[];
  description: (string | null)[];
  category: (string | null)[];
  quantity: Float64Array;
  unitPrice: (string | null)[];
  lineTotalMinor: Float64Array;
  lineDiscountMinor: Float64Array;
  /** NaN: not given by the source. */
  unitCostMinor: Float64Array;
}

/** Packs orders; `hashes` (aligned) skips recomputing content hashes. */
export function packOrders(orders: readonly OrderInput[], hashes?: readonly string[]): PackedOrders {
  const n = orders.length;
  let lines = 0;
  for (const o of orders) lines += o.lines.length;
  const p: PackedOrders = {
    n,
    externalId: new Array(n), hash: new Array(n),
    customerExternalId: new Array(n), customerName: new Array(n), customerPhone: new Array(n), customerEmail: new Array(n),
    customerCity: new Array(n), customerCountry: new Array(n),
    venueCode: new Array(n), kind: new Array(n), returnsExternalId: new Array(n), status: new Array(n),
    orderedAt: new Array(n), localDate: new Array(n), day: new Float64Array(n), channel: new Array(n), paymentMethod: new Array(n),
    discountMinor: new Float64Array(n), lineStart: new Int32Array(n + 1),
    sku: new Array(lines), description: new Array(lines), category: new Array(lines), quantity: new Float64Array(lines),
    unitPrice: new Array(lines), lineTotalMinor: new Float64Array(lines), lineDiscountMinor: new Float64Array(lines),
    unitCostMinor: new Float64Array(lines),
  };
  let j = 0;
  for (let i = 0; i < n; i++) {
    const o = orders[i]!;
    p.externalId[i] = o.externalId;
    p.hash[i] = hashes?.[i] ?? orderContentHash(o);
    const c = o.customer;
    p.customerExternalId[i] = c ? c.externalId : null;
    p.customerName[i] = c?.name ?? null;
    p.customerPhone[i] = c?.phone ?? null;
    p.customerEmail[i] = c?.email ?? null;
    p.customerCity[i] = c?.city ?? null;
    p.customerCountry[i] = c?.country ?? null;
    p.venueCode[i] = o.venueCode;
    p.kind[i] = o.kind;
    p.returnsExternalId[i] = o.returnsExternalId;
    p.status[i] = o.status;
    p.orderedAt[i] = o.orderedAt;
    p.localDate[i] = o.localDate;
    p.day[i] = o.day;
    p.channel[i] = o.channel;
    p.paymentMethod[i] = o.paymentMethod;
    p.discountMinor[i] = o.discountMinor;
    p.lineStart[i] = j;
    for (const l of o.lines) {
      p.sku[j] = l.sku;
      p.description[j] = l.description;
      p.category[j] = l.category;
      p.quantity[j] = l.quantity;
      p.unitPrice[j] = l.unitPrice;
      p.lineTotalMinor[j] = l.lineTotalMinor;
      p.lineDiscountMinor[j] = l.discountMinor;
      p.unitCostMinor[j] = l.unitCostMinor ?? NaN;
      j++;
    }
  }
  p.lineStart[n] = j;
  return p;
}

/** Buffers of the typed-array columns, for a zero-copy postMessage transfer list. */
export function packedTransferList(p: PackedOrders): ArrayBuffer[] {
  return [p.day, p.discountMinor, p.lineStart, p.quantity, p.lineTotalMinor, p.lineDiscountMinor, p.unitCostMinor].map((a) => a.buffer as ArrayBuffer);
}
