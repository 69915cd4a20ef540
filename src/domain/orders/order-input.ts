import type { OrderKind, OrderStatus } from '../../storage/schema.js';

/**
 * An order normalised and validated, ready to store: times already in UTC with the
 * business-local date worked out, money already in integer minor units.
 * Both the file importer and the HTTP API produce these; `saveOrders` stores them.
 */
export interface OrderInput {
  externalId: string;
  /** null: an anonymous sale, kept and counted but not attributed. */
  customer: CustomerRef | null;
  venueCode: string | null;
  kind: OrderKind;
  /** For returns: the external id of the sale it returns, when known. */
  returnsExternalId: string | null;
  status: OrderStatus;
  /** ISO-8601 UTC, e.g. 2024-03-01T02:30:00.000Z */
  orderedAt: string;
  /** Business-local calendar date YYYY-MM-DD. */
  localDate: string;
  /** localDate as days since 1970-01-01. */
  day: number;
  channel: string | null;
  paymentMethod: string | null;
  /** Order-level discount in minor units (>= 0), on top of line discounts. */
  discountMinor: number;
  lines: OrderLineInput[];
}

export interface CustomerRef {
  externalId: string;
  /** Only used when the customer is new: an import never overwrites a profile. */
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  city?: string | null;
  country?: string | null;
}

export interface OrderLineInput {
  sku: string | null;
  description: string | null;
  category: string | null;
  /** Signed: negative on return documents. */
  quantity: number;
  /** Exact decimal text, e.g. "2.55"; null when only the line total is known. */
  unitPrice: string | null;
  /** Signed line amount after line discount, minor units. */
  lineTotalMinor: number;
  /** Line discount in minor units (>= 0). */
  discountMinor: number;
  /** Unit cost in minor units when the source gives it (else the product's cost is used). */
  unitCostMinor: number | null;
}

export interface SaveOrdersResult {
  inserted: number;
  updated: number;
  unchanged: number;
  customersCreated: number;
  productsCreated: number;
  venuesCreated: number;
}
