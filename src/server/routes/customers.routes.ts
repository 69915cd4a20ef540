import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../domain/auth/principal.js';
import {
  CustomerFiltersSchema,
  customerCsvExport,
  DEFAULTS as LIST_DEFAULTS,
  FILTER_VALUES,
  filterOptions,
  isFiltered,
  listCustomers,
  normalizeFilters,
  usesAnalytics,
  type CustomerFilters,
} from '../../domain/customers/customer-list.js';
import { customerLoyalty } from '../../domain/customers/customer-loyalty.js';
import { PatronError } from '../../domain/errors.js';
import { appendAudit } from '../../storage/audit.repo.js';
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
  updateCustomer,
} from '../../domain/customers/customers.js';
import { getSettings } from '../../storage/settings.repo.js';
import { principal, requirePermission, writeContext } from '../auth.js';
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
import { MemberSchema } from './loyalty.routes.js';

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

// ---- the filtered list --------------------------------------------------------------------------------

const multi = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).optional().describe('Repeat the parameter for several values (any of them matches)');
const money = () => z.coerce.number().int().min(-(2 ** 53) + 1).max(2 ** 53 - 1).optional();

/** The filter set as query parameters (docs/api.md, "Customer filters"). */
const FilterQuery = {
  q: z.string().max(200).optional(),
  rfmSegment: multi(FILTER_VALUES.rfmSegment),
  eightWay: multi(FILTER_VALUES.eightWay),
  abc: multi(FILTER_VALUES.abc),
  valueTier: multi(FILTER_VALUES.valueTier),
  decile: multi(z.coerce.number().int().min(1).max(10)),
  revenueMin: money().describe('Historical value (net revenue to the snapshot date), minor units, inclusive'),
  revenueMax: money(),
  clvMin: money().describe('Predicted CLV of the latest prediction run, minor units, inclusive'),
  clvMax: money(),
  churn: FILTER_VALUES.churn.optional(),
  churnRiskMin: z.coerce.number().min(0).max(1).optional(),
  loyaltyTier: multi(z.coerce.number().int().positive()),
  venue: z.coerce.number().int().positive().optional(),
  tag: multi(FILTER_VALUES.tag),
};

const FILTER_KEYS = Object.keys(FilterQuery) as (keyof typeof FilterQuery)[];

/** Query parameters -> the filter set (single values become lists; checked like a saved segment's). */
function filtersFromQuery(query: Record<string, unknown>): CustomerFilters {
  const raw: Record<string, unknown> = {};
  for (const k of FILTER_KEYS) {
    const v = query[k];
    if (v === undefined) continue;
    const isList = ['rfmSegment', 'eightWay', 'abc', 'valueTier', 'decile', 'loyaltyTier', 'tag'].includes(k);
    raw[k] = isList && !Array.isArray(v) ? [v] : v;
  }
  const r = CustomerFiltersSchema.safeParse(normalizeFilters(raw as CustomerFilters));
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: `querystring.${i.path.join('.')}`, message: i.message }));
    throw new PatronError('VALIDATION', `${issues[0]!.path}: ${issues[0]!.message}`, { issues });
  }
  return r.data;
}

/**
 * The venue a principal is held to, as on the loyalty routes: a token with a venue (a till), or
 * front-line people (staff, service) with a venue. Its customer list is that venue's customers.
 */
export function venueScopeOf(request: FastifyRequest): number | null {
  const p = principal(request);
  if (p.venueId === null) return null;
  return p.kind === 'token' || p.role === 'staff' || p.role === 'service' ? p.venueId : null;
}

function assertMayFilter(request: FastifyRequest, f: CustomerFilters): void {
  if (usesAnalytics(f) && !can(principal(request), 'analytics:read')) {
    throw new PatronError('FORBIDDEN', 'segment, value and churn filters need permission analytics:read');
  }
}

const SourceRefSchema = z.object({ id: z.number().int(), asOf: z.string() });
const BasisSchema = z
  .object({
    snapshot: SourceRefSchema.nullable().optional().describe('Value snapshot the segment and revenue filters read; null: none yet (no customer matches)'),
    predictionRun: SourceRefSchema.nullable().optional().describe('Prediction run the CLV filter read'),
    churnRun: SourceRefSchema.nullable().optional().describe('Churn run the risk filter read'),
  })
  .describe('Which snapshot and runs the filters used; a key is present only when a filter needed it');

const LabelSchema = z.object({ en: z.string(), zh: z.string() });
const FilterOptionsSchema = z
  .object({
    snapshot: SourceRefSchema.nullable(),
    predictionRun: SourceRefSchema.nullable(),
    churnRun: SourceRefSchema.nullable(),
    rfmSegments: z.array(z.object({ id: z.string(), name: LabelSchema })),
    eightWay: z.array(z.object({ id: z.string(), code: z.string(), name: LabelSchema })),
    abc: z.array(z.string()),
    valueTiers: z.array(z.object({ id: z.string(), name: LabelSchema })),
    deciles: z.array(z.number().int()),
    loyaltyTiers: z.array(
      z.object({
        id: z.number().int(),
        code: z.string(),
        name: z.string(),
        rank: z.number().int(),
        programmeId: z.number().int(),
        programmeCode: z.string(),
        programmeName: z.string(),
      }),
    ),
    venues: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
    tags: z.array(z.string()),
    scopeVenueId: z.number().int().nullable().describe('The venue this principal is held to, or null'),
  })
  .meta({ id: 'CustomerFilterOptions' });

const Minor = z.number().int();
const CustomerLoyaltySchema = z
  .object({
    customerId: z.number().int(),
    memberships: z.array(MemberSchema).describe('Same shape as GET /api/loyalty/members/:id'),
    referralCode: z.string().nullable(),
    referrals: z.object({
      total: z.number().int(),
      valueMinor: Minor.describe('Net completed order value of every referred customer'),
      items: z.array(
        z.object({ id: z.number().int(), externalId: z.string(), name: z.string().nullable(), createdAt: z.string(), orders: z.number().int(), valueMinor: Minor }),
      ),
    }),
  })
  .meta({ id: 'CustomerLoyalty' });

export function registerCustomerRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/customers',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers'],
        summary: 'Search and filter customers',
        description:
          '`q` matches an exact external id, an exact phone, an exact (lower-cased) email, or the start of a name ' +
          '(case-insensitive). Filters (segment, tier, venue, tag, churn risk, value) combine with it and with each other; ' +
          'repeat a list parameter for alternatives. Segment, value and churn filters read the newest completed snapshot or run ' +
          '(named in `basis`) and need `analytics:read`. A principal bound to a venue lists that venue\'s customers only. ' +
          'Results are in id order; pass `nextCursor` as `cursor` for the next page.',
        querystring: z.object({
          ...FilterQuery,
          limit: z.coerce.number().int().min(1).max(DEFAULTS.maxSearchLimit).default(DEFAULTS.searchLimit),
          cursor: z.string().regex(/^\d+$/, 'cursor is the nextCursor of the previous page').optional(),
        }),
        response: {
          200: z.object({ items: z.array(CustomerSchema), nextCursor: z.string().nullable(), basis: BasisSchema }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const f = filtersFromQuery(request.query);
      assertMayFilter(request, f);
      return listCustomers(db, f, { limit: request.query.limit, cursor: request.query.cursor }, venueScopeOf(request));
    },
  );

  app.get(
    '/api/customers/filter-options',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers'],
        summary: 'What the customer filters offer: segment catalogues, loyalty tiers, venues, tags, and the snapshot and runs they read',
        response: { 200: FilterOptionsSchema, ...errorResponses },
      },
    },
    async (request) => filterOptions(db, venueScopeOf(request)),
  );

  app.get(
    '/api/customers/export',
    {
      onRequest: requirePermission('customers:export'),
      schema: {
        tags: ['customers'],
        summary: 'The filtered customer list as CSV (streamed)',
        description:
          'Takes the filters of GET /api/customers. Writes every matching customer in id order, at most `limit` rows ' +
          `(default and most: ${LIST_DEFAULTS.exportMaxRows.toLocaleString('en-US')}), streamed page by page. UTF-8 with a byte-order mark, CRLF lines, ` +
          'money as decimal text. Text cells starting with = + - @ get a leading apostrophe (CSV formula injection). ' +
          'With `analytics:read` the latest snapshot segments, revenue, predicted CLV, P(alive) and churn risk are added. ' +
          'The export is recorded in the audit log (filter names, never their values).',
        querystring: z.object({
          ...FilterQuery,
          limit: z.coerce.number().int().min(1).max(LIST_DEFAULTS.exportMaxRows).default(LIST_DEFAULTS.exportMaxRows),
        }),
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const f = filtersFromQuery(request.query);
      assertMayFilter(request, f);
      const includeValue = can(principal(request), 'analytics:read');
      const { currencyDecimals } = await getSettings(db);
      const chunks = await customerCsvExport(db, f, {
        maxRows: request.query.limit,
        currencyDecimals,
        includeValue,
        scopeVenueId: venueScopeOf(request),
      });
      const w = writeContext(request, deps);
      // A bulk copy of personal data: who took it and with which filters (names only: q may be a phone number).
      await appendAudit(db, {
        at: w.now,
        actor: w.actor,
        action: 'export',
        entity: 'customer',
        detail: { filters: Object.keys(f).sort(), filtered: isFiltered(f), limit: request.query.limit, valueColumns: includeValue },
      });
      const stamp = w.now.slice(0, 10).replace(/-/g, '');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="customers-${stamp}.csv"`)
        .header('x-patron-export-limit', String(request.query.limit))
        .header('cache-control', 'no-store')
        // A stream is sent as is (the response schemas apply to JSON objects only).
        .send(Readable.from(chunks) as never);
    },
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

  app.get(
    '/api/customers/:id/loyalty',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers', 'loyalty'],
        summary: "Customer 360: loyalty memberships (programme, tier, cards, points and stored-value balances) and referrals made",
        description:
          'Memberships are found by customer id. A principal bound to a venue sees only the programmes that venue takes part in. ' +
          'Referrals are the customers whose referrer is this customer, with the net value of their completed orders.',
        params: IdParams,
        response: { 200: CustomerLoyaltySchema, ...errorResponses },
      },
    },
    async (request) => customerLoyalty(deps.db, request.params.id, venueScopeOf(request), deps.clock().toISOString()),
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
