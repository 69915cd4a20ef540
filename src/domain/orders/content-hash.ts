import { hash as oneShotHash } from 'node:crypto';
import type { OrderInput } from './order-input.js';

/** Stable hash of everything that defines an order's stored content (profile hints excluded: imports never overwrite profiles). */
export function orderContentHash(o: OrderInput): string {
  return oneShotHash(
    'sha1',
    JSON.stringify([
      o.customer?.externalId ?? null, o.venueCode, o.kind, o.returnsExternalId, o.status, o.orderedAt,
      o.localDate, o.day, o.channel, o.paymentMethod, o.discountMinor,
      o.lines.map((l) => [l.sku, l.description, l.category, l.quantity, l.unitPrice, l.lineTotalMinor, l.discountMinor, l.unitCostMinor]),
    ]),
    'base64url',
  );
}
