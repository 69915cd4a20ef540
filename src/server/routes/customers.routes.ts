import { z } from 'zod';
import {
  ContactCreateSchema,
  CustomerCreateSchema,
  CustomerPatchSchema,
} from '../../domain/customers/customer-input.js';
import {
  addContact,
  createCustomer,
  DEFAULTS,
  getCustomer,
  getCustomer360,
  searchCustomers,
  updateCustomer,
} from '../../domain/customers/customers.js';
import { getSettings } from '../../storage/settings.repo.js';
import { requirePermission, writeContext } from '../auth.js';
import {
  ContactSchema,
  CustomerRefSchema,
  CustomerSchema,
  ErrorSchema,
  errorResponses,
  IdParams,
  OrderSchema,
} from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const Customer360Schema = z
  .object({
    customer: CustomerSchema,
    referrer: CustomerRefSchema.nullable(),
    referrals: z.object({ total: z.number().int(), items: z.array(CustomerRefSchema) }),
    stats: z.object({
      orders: z.number().int().describe('Completed sales'),
      returns: z.number().int().describe('Return documents (not cancelled)'),
      revenueMinor: z.number().int().describe('Sum of total_minor over completed orders, returns included (negative)'),
      returnsMinor: z.number().int(),
      averageOrderValueMinor: z.number().int().nullable().describe('revenueMinor / orders, rounded'),
      firstOrderAt: z.string().nullable(),
      lastOrderAt: z.string().nullable(),
      purchaseDays: z.number().int().describe('Distinct business-local days with a completed sale'),
      contacts: z.number().int(),
      contactCostMinor: z.number().int(),
    }),
    recentOrders: z.array(OrderSchema),
    recentContacts: z.array(ContactSchema),
  })
  .meta({ id: 'Customer360' });

export function registerCustomerRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/customers',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers'],
        summary: 'Search customers',
        description:
          '`q` matches an exact external id, an exact phone, an exact (lower-cased) email, or the start of a name ' +
          '(case-insensitive). Without `q`, all customers. Results are in id order; pass `nextCursor` as `cursor` for the next page.',
        querystring: z.object({
          q: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(DEFAULTS.maxSearchLimit).default(DEFAULTS.searchLimit),
          cursor: z.string().regex(/^\d+$/, 'cursor is the nextCursor of the previous page').optional(),
        }),
        response: { 200: z.object({ items: z.array(CustomerSchema), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => searchCustomers(db, request.query),
  );

  app.post(
    '/api/customers',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        tags: ['customers'],
        summary: 'Create a customer',
        body: CustomerCreateSchema,
        response: { 201: CustomerSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const c = await createCustomer(db, request.body, writeContext(request, deps));
      return reply.status(201).send(c);
    },
  );

  app.get(
    '/api/customers/:id',
    {
      onRequest: requirePermission('customers:read'),
      schema: { tags: ['customers'], summary: 'One customer', params: IdParams, response: { 200: CustomerSchema, ...errorResponses } },
    },
    async (request) => getCustomer(db, request.params.id),
  );

  app.patch(
    '/api/customers/:id',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        tags: ['customers'],
        summary: 'Change a customer (only the fields given; null clears)',
        params: IdParams,
        body: CustomerPatchSchema,
        response: { 200: CustomerSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => updateCustomer(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.get(
    '/api/customers/:id/360',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers'],
        summary: 'Customer 360: profile, referrer and referrals, recent orders with lines, contacts, stats',
        params: IdParams,
        response: { 200: Customer360Schema, ...errorResponses },
      },
    },
    async (request) => getCustomer360(db, request.params.id),
  );

  app.post(
    '/api/customers/:id/contacts',
    {
      onRequest: requirePermission('contacts:write'),
      schema: {
        tags: ['customers'],
        summary: 'Record a contact (touchpoint) with its cost',
        params: IdParams,
        body: ContactCreateSchema,
        response: { 201: ContactSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const settings = await getSettings(db);
      const c = await addContact(db, request.params.id, request.body, settings.timeZone, writeContext(request, deps));
      return reply.status(201).send(c);
    },
  );
}
