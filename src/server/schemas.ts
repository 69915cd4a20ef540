import { z } from 'zod';
import { PERMISSIONS } from '../domain/auth/permissions.js';

/** Response shapes shared by several routes. Plain (no transforms): the serializer encodes with them. */

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('VALIDATION, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, RATE_LIMITED, INTERNAL, ...'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Error responses every authenticated route can give. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
} as const;

export const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const PermissionSchema = z.enum(PERMISSIONS);
export const RoleEnum = z.enum(['admin', 'manager', 'marketing', 'service', 'staff']);

export const CustomerSchema = z
  .object({
    id: z.number().int(),
    externalId: z.string(),
    name: z.string().nullable(),
    gender: z.string().nullable(),
    birthday: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    acquisitionChannel: z.string().nullable(),
    acquisitionCostMinor: z.number().int(),
    referredBy: z.number().int().nullable(),
    consentSms: z.boolean(),
    consentEmail: z.boolean(),
    homeVenueId: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });

export const CustomerRefSchema = z.object({ id: z.number().int(), externalId: z.string(), name: z.string().nullable() });

export const OrderLineSchema = z.object({
  lineNo: z.number().int(),
  sku: z.string().nullable(),
  description: z.string().nullable(),
  quantity: z.number(),
  unitPrice: z.string().nullable().describe('Exact decimal text'),
  lineTotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  unitCostMinor: z.number().int().nullable(),
});

export const OrderSchema = z
  .object({
    id: z.number().int(),
    externalId: z.string(),
    customerId: z.number().int().nullable(),
    customerExternalId: z.string().nullable(),
    venueId: z.number().int().nullable(),
    venueCode: z.string().nullable(),
    kind: z.enum(['sale', 'return']),
    returnsOrderId: z.number().int().nullable(),
    status: z.enum(['completed', 'cancelled', 'returned']),
    orderedAt: z.string(),
    localDate: z.string(),
    channel: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    totalMinor: z.number().int(),
    costMinor: z.number().int().nullable(),
    itemCount: z.number(),
    lines: z.array(OrderLineSchema),
  })
  .meta({ id: 'Order' });

export const ContactSchema = z
  .object({
    id: z.number().int(),
    externalId: z.string().nullable(),
    customerId: z.number().int(),
    venueId: z.number().int().nullable(),
    occurredAt: z.string(),
    localDate: z.string(),
    channel: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    purpose: z.string().nullable(),
    costMinor: z.number().int(),
    note: z.string().nullable(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'Contact' });

export const UserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string().nullable(),
    role: RoleEnum,
    venueId: z.number().int().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

export const ApiTokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string(),
    role: RoleEnum,
    venueId: z.number().int().nullable(),
    createdBy: z.number().int().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const VenueSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    kind: z.string(),
    city: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Venue' });

