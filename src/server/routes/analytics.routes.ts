import { z } from 'zod';
import {
  AnalysisOptionsSchema,
  MEMBER_DEFAULTS,
  MIGRATION_SCHEMES,
  REPORT_KINDS,
  SEGMENT_SCHEMES,
  buildReport,
  buildSnapshot,
  customerValue,
  segmentMembers,
  snapshotList,
} from '../../domain/analytics/index.js';
import { getSettings } from '../../storage/settings.repo.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const money = () => z.number().int().describe('Minor units of the business currency');

const ParametersSchema = z.object({
  asOf: z.string(),
  rfm: z.object({ bins: z.number().int(), frequency: z.enum(['purchaseDays', 'orders']), monetary: z.enum(['revenue', 'margin']) }),
  abc: z.object({ measure: z.enum(['revenue', 'margin', 'profit']), cutoffs: z.object({ A: z.number(), B: z.number() }) }),
  deciles: z.object({ groups: z.number().int(), spend: z.enum(['revenue', 'margin']), profit: z.enum(['profit', 'margin']) }),
  tiers: z.object({
    measure: z.enum(['profit', 'margin']),
    cutoffs: z.object({ platinum: z.number(), gold: z.number() }),
    transaction: z.object({ minDiscountShare: z.number(), lowMarginFraction: z.number() }),
  }),
  costToServe: z.array(z.string()).describe('Cost-to-serve sources summed'),
});

const SnapshotSchema = z
  .object({
    id: z.number().int(),
    asOf: z.string().describe('Business-local date; orders and contacts up to and including it count'),
    status: z.enum(['running', 'completed', 'failed']),
    customers: z.number().int().describe('Customers with a purchase by the as-of date'),
    parameters: ParametersSchema,
    actor: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AnalysisSnapshot' });

const TotalsSchema = z.object({
  customers: z.number().int(),
  orders: z.number().int(),
  revenueMinor: money(),
  returnsMinor: money(),
  costOfGoodsMinor: money(),
  marginMinor: money(),
  unknownCostRevenueMinor: money(),
  discountedSpendMinor: money(),
  costToServeMinor: money(),
  acquisitionCostMinor: money(),
  profitMinor: money(),
});

const TableSchema = z
  .object({
    title: z.string(),
    columns: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['text', 'count', 'money', 'share', 'number', 'days']) })),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  })
  .meta({ id: 'ReportTable' });

const SnapshotRefSchema = z.object({ id: z.number().int(), asOf: z.string() });

const ReportSchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    lang: z.enum(['en', 'zh-CN']),
    snapshot: SnapshotRefSchema,
    fromSnapshot: SnapshotRefSchema.optional(),
    tables: z.array(TableSchema).describe('Display tables: money in minor units, shares as fractions, null = undefined'),
    data: z.unknown().describe('The full result of the method (docs/analytics/value.md, pipeline.md)'),
  })
  .meta({ id: 'AnalyticsReport' });

const Label = z.object({ en: z.string(), zh: z.string() });

const MetricsSchema = z
  .object({
    firstPurchase: z.string(),
    lastPurchase: z.string(),
    recencyDays: z.number().int(),
    tenureDays: z.number().int(),
    orders: z.number().int(),
    purchaseDays: z.number().int(),
    averageDaysBetweenPurchases: z.number().nullable(),
    revenueMinor: money(),
    returns: z.number().int(),
    returnsMinor: money(),
    costOfGoodsMinor: money(),
    marginMinor: money(),
    unknownCostRevenueMinor: money().describe('Revenue of orders with unknown cost of goods (their margin is the full amount)'),
    discountedSpendMinor: money(),
    discountShare: z.number().nullable(),
    costToServeMinor: money(),
    acquisitionCostMinor: money(),
    profitMinor: money(),
    rfm: z.object({ r: z.number().int(), f: z.number().int(), m: z.number().int(), cell: z.string(), segment: z.string().nullable(), eightWay: z.string() }),
    abcClass: z.string(),
    tier: z.string(),
    transactionCustomer: z.boolean(),
    monetaryDecile: z.number().int(),
  })
  .meta({ id: 'CustomerValueMetrics' });

const MemberSchema = z.object({
  customerId: z.number().int(),
  externalId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  consentSms: z.boolean(),
  consentEmail: z.boolean(),
  metrics: MetricsSchema,
});

const CustomerValueSchema = z
  .object({
    customerId: z.number().int(),
    snapshot: SnapshotRefSchema.nullable(),
    metrics: MetricsSchema.nullable(),
    segments: z
      .object({
        rfm: z.object({ id: z.string(), name: Label, action: Label }).nullable(),
        eightWay: z.object({ id: z.string(), code: z.string(), name: Label, action: Label }),
        tier: z.object({ id: z.string(), name: Label, action: Label }),
        abcClass: z.string(),
        monetaryDecile: z.number().int(),
        transactionCustomer: z.boolean(),
      })
      .nullable(),
    referrals: z
      .object({
        ownProfitMinor: money(),
        directReferrals: z.number().int(),
        treeReferrals: z.number().int(),
        referredDirectRevenueMinor: money(),
        referredDirectProfitMinor: money(),
        referredTreeRevenueMinor: money(),
        referredTreeProfitMinor: money(),
        totalProfitMinor: money().describe('Historical CLV with referrals: own profit + the whole referral tree'),
      })
      .nullable(),
  })
  .meta({ id: 'CustomerValue' });

const snapshotParam = z.coerce.number().int().positive().optional();

export function registerAnalyticsRoutes(app: App, deps: AppDeps): void {
  const db = deps.db;

  app.post(
    '/api/analytics/snapshots',
    {
      onRequest: requirePermission('imports:run'),
      schema: {
        tags: ['analytics'],
        summary: 'Build a customer value snapshot',
        description:
          'Aggregates every customer\'s orders and costs as of `asOf` (default: today in the business time zone) in the database, ' +
          'scores RFM, ABC, deciles and tiers, and stores the result. Runs to completion before answering ' +
          '(seconds per 100,000 customers; for very large databases prefer `patron analyze`).',
        body: z.strictObject({ asOf: z.iso.date().optional(), options: AnalysisOptionsSchema.optional() }).optional(),
        response: { 201: z.object({ snapshot: SnapshotSchema, totals: TotalsSchema }), ...errorResponses, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      const w = writeContext(request, deps);
      const r = await buildSnapshot(db, { asOf: request.body?.asOf, options: request.body?.options, actor: w.actor, now: deps.clock() });
      return reply.status(201).send({ snapshot: r.snapshot, totals: r.totals });
    },
  );

  app.get(
    '/api/analytics/snapshots',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['analytics'],
        summary: 'Snapshots, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(SnapshotSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await snapshotList(db, request.query.limit) }),
  );

  app.get(
    '/api/analytics/reports/:kind',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['analytics'],
        summary: 'A value report: abc, rfm, deciles, tiers, clv, cohorts or migration',
        description:
          '`snapshot` defaults to the newest completed snapshot. Migration compares `from` and `to` (default: the two newest) in `scheme`. ' +
          'CLV with `customer` (external id) adds that customer\'s year-by-year history with their referral tree.',
        params: z.object({ kind: z.enum(REPORT_KINDS) }),
        querystring: z.object({
          snapshot: snapshotParam,
          from: snapshotParam,
          to: snapshotParam,
          scheme: z.enum(MIGRATION_SCHEMES).optional(),
          customer: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          lang: z.enum(['en', 'zh-CN']).optional(),
        }),
        response: { 200: ReportSchema, ...errorResponses, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const lang = q.lang ?? (await getSettings(db.kysely)).locale;
      return buildReport(db, request.params.kind, {
        snapshotId: q.snapshot, fromId: q.from, toId: q.to, scheme: q.scheme, customer: q.customer, limit: q.limit, lang,
      });
    },
  );

  app.get(
    '/api/analytics/segments/:scheme/:segment/members',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['analytics'],
        summary: 'Members of a segment, paged',
        description:
          'Schemes: rfm (champions, loyal, ...), eight-way (important-value, ...), abc (A-D), tier (platinum, gold, iron, lead), ' +
          'decile (1-10), cell (e.g. 545). In customer id order; pass `nextCursor` as `cursor` for the next page.',
        params: z.object({ scheme: z.enum(SEGMENT_SCHEMES), segment: z.string().min(1).max(60) }),
        querystring: z.object({
          snapshot: snapshotParam,
          cursor: z.string().regex(/^\d+$/, 'cursor is the nextCursor of the previous page').optional(),
          limit: z.coerce.number().int().min(1).max(MEMBER_DEFAULTS.maxPageSize).default(MEMBER_DEFAULTS.pageSize),
        }),
        response: {
          200: z.object({
            snapshot: SnapshotRefSchema,
            scheme: z.enum(SEGMENT_SCHEMES),
            segment: z.string(),
            items: z.array(MemberSchema),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
          409: ErrorSchema,
        },
      },
    },
    async (request) =>
      segmentMembers(db, {
        snapshotId: request.query.snapshot,
        scheme: request.params.scheme,
        segment: request.params.segment,
        cursor: request.query.cursor,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/api/customers/:id/metrics',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['analytics'],
        summary: "A customer's value: latest snapshot metrics, segments, and own vs referred value",
        params: IdParams,
        response: { 200: CustomerValueSchema, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request) => customerValue(db, request.params.id),
  );
}
