import type { Db } from '../../storage/db.js';
import { saveOrders } from '../../storage/orders.repo.js';
import type { OrderInput, OrderLineInput } from '../orders/order-input.js';
import { dayNumber } from '../time.js';

/**
 * Helpers for the actions tests (plain code, no vitest import, like src/server/test-helpers.ts):
 * orders written straight through saveOrders, in UTC (the default business time zone).
 */
export interface TestLine {
  sku: string;
  category?: string | null;
  amountMinor?: number;
  costMinor?: number | null;
}

export interface TestOrder {
  id: string;
  customer: string | null;
  date: string;
  lines: TestLine[];
  status?: OrderInput['status'];
  /** HH:MM:SS UTC, default 12:00:00. */
  time?: string;
}

export function orderInput(o: TestOrder): OrderInput {
  const lines: OrderLineInput[] = o.lines.map((l) => ({
    sku: l.sku,
    description: l.sku,
    category: l.category ?? null,
    quantity: 1,
    unitPrice: null,
    lineTotalMinor: l.amountMinor ?? 100,
    discountMinor: 0,
    unitCostMinor: l.costMinor ?? null,
  }));
  return {
    externalId: o.id,
    customer: o.customer === null ? null : { externalId: o.customer, name: `Customer ${o.customer}` },
    venueCode: null,
    kind: 'sale',
    returnsExternalId: null,
    status: o.status ?? 'completed',
    orderedAt: `${o.date}T${o.time ?? '12:00:00'}.000Z`,
    localDate: o.date,
    day: dayNumber(o.date),
    channel: null,
    paymentMethod: null,
    discountMinor: 0,
    lines,
  };
}

export async function addOrders(db: Db, orders: readonly TestOrder[]): Promise<void> {
  const inputs = orders.map(orderInput);
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < inputs.length; i += 500) await saveOrders(trx, inputs.slice(i, i + 500), { now: '2024-01-01T00:00:00.000Z' });
  });
}

/** The day n days after a YYYY-MM-DD date, as YYYY-MM-DD. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
