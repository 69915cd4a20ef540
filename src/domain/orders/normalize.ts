import { z } from 'zod';
import type { BusinessSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { decimalToString, multiply, parseDecimal, roundToMinor } from '../money.js';
import { parseDateTime } from '../time.js';
import type { OrderInput, OrderLineInput } from './order-input.js';

/** Money travels as decimal text ("12.50"), never as a JSON number that a float would hold. */
const Money = z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'a decimal string such as "12.50"');
const Quantity = z.union([z.number().finite(), z.string().regex(/^-?\d{1,9}(\.\d{1,6})?$/)]);
const Text = (max: number) => z.string().trim().min(1).max(max);

export const ApiOrderLineSchema = z.object({
  sku: Text(100).optional(),
  description: Text(500).optional(),
  category: Text(100).optional(),
  quantity: Quantity.default(1),
  unitPrice: Money.optional().describe('price per unit; with quantity gives the line amount'),
  amount: Money.optional().describe('line amount actually paid (after line discount); wins over unitPrice x quantity'),
  discount: Money.optional().describe('line discount granted (>= 0)'),
  unitCost: Money.optional(),
});

export const ApiOrderSchema = z.object({
  externalId: Text(100).describe('the point-of-sale order id: posting the same id again is idempotent'),
  customer: z
    .object({
      externalId: Text(100),
      name: Text(200).optional(),
      phone: Text(40).optional(),
      email: z.string().trim().email().max(200).optional(),
      city: Text(100).optional(),
      country: Text(100).optional(),
    })
    .nullable()
    .optional()
    .describe('omit or null for an anonymous sale'),
  venue: Text(50).optional().describe('venue code'),
  kind: z.enum(['sale', 'return']).optional().describe('default: return when the total is negative'),
  returnsExternalId: Text(100).optional(),
  status: z.enum(['completed', 'cancelled', 'returned']).default('completed'),
  orderedAt: Text(40).describe('ISO-8601; without an offset it is read in the business time zone'),
  channel: Text(50).optional(),
  paymentMethod: Text(50).optional(),
  discount: Money.optional().describe('order-level discount on top of line discounts (>= 0)'),
  lines: z.array(ApiOrderLineSchema).min(1).max(1000),
});

export type ApiOrder = z.infer<typeof ApiOrderSchema>;

function money(text: string | undefined, decimals: number): number | null {
  if (text === undefined) return null;
  return roundToMinor(parseDecimal(text)!, decimals);
}

/** Validates meaning (dates, signs) and converts an API order to the stored form. */
export function normalizeApiOrder(raw: ApiOrder, settings: BusinessSettings): OrderInput {
  const when = parseDateTime(raw.orderedAt, 'iso', settings.timeZone);
  if (!when) throw new PatronError('VALIDATION', `orderedAt: cannot read "${raw.orderedAt}" (ISO-8601 expected)`);
  const dec = settings.currencyDecimals;
  const lines: OrderLineInput[] = raw.lines.map((l, i) => {
    const q = parseDecimal(String(l.quantity));
    if (!q) throw new PatronError('VALIDATION', `lines[${i}].quantity: not a number`);
    const discount = money(l.discount, dec) ?? 0;
    if (discount < 0) throw new PatronError('VALIDATION', `lines[${i}].discount: must not be negative`);
    let total: number;
    if (l.amount !== undefined) total = money(l.amount, dec)!;
    else if (l.unitPrice !== undefined) total = roundToMinor(multiply(parseDecimal(l.unitPrice)!, q), dec) - discount;
    else throw new PatronError('VALIDATION', `lines[${i}]: give amount or unitPrice`);
    return {
      sku: l.sku ?? null,
      description: l.description ?? null,
      category: l.category ?? null,
      quantity: Number(decimalToString(q)),
      unitPrice: l.unitPrice !== undefined ? decimalToString(parseDecimal(l.unitPrice)!) : null,
      lineTotalMinor: total,
      discountMinor: discount,
      unitCostMinor: money(l.unitCost, dec),
    };
  });
  const discount = money(raw.discount, dec) ?? 0;
  if (discount < 0) throw new PatronError('VALIDATION', 'discount: must not be negative');
  const subtotal = lines.reduce((s, l) => s + l.lineTotalMinor, 0);
  const kind = raw.kind ?? (subtotal - discount < 0 ? 'return' : 'sale');
  return {
    externalId: raw.externalId,
    customer: raw.customer ?? null,
    venueCode: raw.venue ?? null,
    kind,
    returnsExternalId: raw.returnsExternalId ?? null,
    status: raw.status,
    orderedAt: when.utc,
    localDate: when.localDate,
    day: when.day,
    channel: raw.channel ?? null,
    paymentMethod: raw.paymentMethod ?? null,
    discountMinor: discount,
    lines,
  };
}
