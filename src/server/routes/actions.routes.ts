import { z } from 'zod';
import {
  CampaignCreateSchema,
  CampaignMeasureSchema,
  CampaignSendSchema,
  createCampaign,
  exportCampaign,
  getCampaignView,
  getPlan,
  listCampaignViews,
  listPlans,
  LogContactsSchema,
  logPlanContacts,
  measureCampaign,
  mineRules,
  mineSequences,
  PlanProposalSchema,
  PlanSaveSchema,
  proposePlan,
  RulesQuerySchema,
  savePlan,
  sendCampaign,
  SequencesQuerySchema,
  setPlanStatus,
  suggestionsFor,
  SuggestionsQuerySchema,
} from '../../domain/actions/index.js';
import { listPatternSets } from '../../storage/actions.repo.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

/**
 * Acting on value (docs/actions.md): basket rules, sequence patterns, next-best-product
 * suggestions for the customer 360, contact plans and campaigns. Reading and proposing need
 * analytics:read; saving, logging contacts, exporting contact lists and sending need campaigns:write.
 */
const tags = ['actions'];

const ItemRefSchema = z.object({ key: z.string(), label: z.string(), productId: z.number().int().nullable() }).meta({ id: 'ItemRef' });
const IntervalSchema = z.object({ lower: z.number(), upper: z.number(), level: z.number(), method: z.string() });

const RulesReportSchema = z
  .object({
    level: z.enum(['product', 'category']),
    parameters: z.record(z.string(), z.unknown()),
    data: z.object({ orders: z.number().int(), baskets: z.number().int(), items: z.number().int(), minCount: z.number().int() }),
    frequentItemsets: z.number().int(),
    total: z.number().int().describe('rules passing every threshold'),
    rules: z.array(
      z.object({
        antecedent: z.array(ItemRefSchema),
        consequent: z.array(ItemRefSchema),
        count: z.number().int(),
        support: z.number(),
        confidence: z.number(),
        coverage: z.number(),
        lift: z.number(),
        leverage: z.number(),
        conviction: z.number().nullable().describe('null = infinite'),
      }),
    ),
    elapsedMs: z.number(),
    patternSetId: z.number().int().nullable(),
  })
  .meta({ id: 'RulesReport' });

const SequencesReportSchema = z
  .object({
    level: z.enum(['product', 'category']),
    parameters: z.record(z.string(), z.unknown()),
    data: z.object({
      customers: z.number().int(),
      events: z.number().int(),
      items: z.number().int(),
      firstDate: z.string().nullable(),
      lastDate: z.string().nullable(),
      lastAnchorDate: z.string().nullable(),
    }),
    total: z.number().int(),
    patterns: z.array(
      z.object({
        antecedent: ItemRefSchema,
        consequent: ItemRefSchema,
        countAntecedent: z.number().int(),
        count: z.number().int(),
        support: z.number(),
        confidence: z.number(),
        baseRate: z.number(),
        lift: z.number(),
        windowBaseRate: z.number(),
        windowLift: z.number().nullable(),
        text: z.string(),
      }),
    ),
    elapsedMs: z.number(),
    patternSetId: z.number().int().nullable(),
  })
  .meta({ id: 'SequencesReport' });

const SourceInfoSchema = z.object({ patternSetId: z.number().int().nullable(), createdAt: z.string().nullable(), patterns: z.number().int() });
const SuggestionsSchema = z
  .object({
    customerId: z.number().int(),
    level: z.enum(['product', 'category']),
    asOf: z.string(),
    sources: z.object({ rules: SourceInfoSchema, sequences: SourceInfoSchema }),
    historyItems: z.number().int(),
    suggestions: z.array(
      z.object({
        item: ItemRefSchema,
        score: z.number(),
        confidence: z.number(),
        lift: z.number(),
        support: z.number(),
        source: z.enum(['rule', 'sequence']),
        because: z.array(ItemRefSchema),
      }),
    ),
  })
  .meta({ id: 'Suggestions' });

const ContactsPerQuarter = z.object({ min: z.number().nullable(), max: z.number().nullable(), planned: z.number().nullable() });
const PlanTotals = z.object({
  customers: z.number().int(),
  sales: z.number().int(),
  predictedValue: z.number().int().nullable(),
  budget: z.number().int(),
  averageSpendPerCustomer: z.number(),
});

const PlanProposalResponse = z
  .object({
    snapshot: z.object({ id: z.number().int(), asOf: z.string() }),
    predictions: z
      .object({ runId: z.number().int(), asOf: z.string(), customersPredicted: z.number().int() })
      .nullable()
      .describe("the prediction run whose CLVs gave the segments' predicted values"),
    scheme: z.string(),
    rule: z.enum(['sales', 'predicted-value', 'manual']),
    budgetMinor: z.number().int(),
    periodQuarters: z.number(),
    totals: PlanTotals,
    limitsApplied: z.boolean(),
    segments: z.array(
      z.object({
        id: z.string(),
        customers: z.number().int(),
        sales: z.number().int(),
        predictedValue: z.number().int().nullable(),
        customerShare: z.number(),
        salesShare: z.number(),
        predictedValueShare: z.number().nullable(),
        ruleShare: z.number(),
        targetShare: z.number(),
        clamped: z.enum(['min', 'max']).nullable(),
        budget: z.number().int(),
        budgetShare: z.number(),
        spendPerCustomer: z.number().nullable(),
        spendIndex: z.number().nullable().describe('spend per customer / average spend per customer'),
        budgetPerSales: z.number().nullable(),
        contactsPerQuarter: ContactsPerQuarter,
        spendPerContact: z.number().nullable(),
        channels: z.array(z.string()),
        contentType: z.string().nullable(),
        manualShare: z.number().nullable(),
        minShare: z.number().nullable(),
        maxShare: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'PlanProposal' });

const LoggedSchema = z.object({ contacts: z.number().int(), customers: z.number().int(), costMinor: z.number().int() });
const PlanHeader = {
  id: z.number().int(),
  name: z.string(),
  status: z.enum(['draft', 'active', 'archived']),
  snapshotId: z.number().int().nullable(),
  scheme: z.string(),
  rule: z.enum(['sales', 'predicted-value', 'manual']),
  budgetMinor: z.number().int(),
  periodQuarters: z.number(),
  totals: PlanTotals,
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  logged: LoggedSchema,
};
const SavedPlanSchema = z
  .object({
    ...PlanHeader,
    segments: z.array(
      z.object({
        segment: z.string(),
        customers: z.number().int(),
        salesMinor: z.number().int(),
        predictedValueMinor: z.number().int().nullable(),
        manualShare: z.number().nullable(),
        minShare: z.number().nullable(),
        maxShare: z.number().nullable(),
        budgetShare: z.number(),
        budgetMinor: z.number().int(),
        spendPerCustomer: z.number().nullable(),
        spendIndex: z.number().nullable(),
        budgetPerSales: z.number().nullable(),
        contactsPerQuarter: ContactsPerQuarter,
        spendPerContact: z.number().nullable(),
        channels: z.array(z.string()),
        contentType: z.string().nullable(),
        logged: LoggedSchema,
      }),
    ),
  })
  .meta({ id: 'ContactPlan' });

const ReachCounts = {
  reachable: z.number().int(),
  excludedNoConsent: z.number().int().describe('left out: no consent for the channel'),
  excludedNoAddress: z.number().int().describe('left out: no phone number / e-mail address'),
};

const LogContactsResponse = z.object({
  planId: z.number().int(),
  segment: z.string(),
  channel: z.string(),
  date: z.string(),
  costPerContactMinor: z.number().int(),
  ...ReachCounts,
  logged: z.number().int(),
  alreadyLogged: z.number().int(),
  costMinor: z.number().int(),
});

const CampaignSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    status: z.enum(['draft', 'sent']),
    snapshotId: z.number().int().nullable(),
    planId: z.number().int().nullable(),
    scheme: z.string(),
    segment: z.string(),
    channel: z.string(),
    contentType: z.string().nullable(),
    controlFraction: z.number(),
    costPerContactMinor: z.number().int(),
    fixedCostMinor: z.number().int(),
    windowDays: z.number().int(),
    audience: z.object({ segmentCustomers: z.number().int(), ...ReachCounts, treatment: z.number().int(), control: z.number().int() }),
    sentAt: z.string().nullable(),
    sentDate: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'Campaign' });

const GroupSchema = z.object({
  customers: z.number().int(),
  responders: z.number().int(),
  responseRate: z.number(),
  revenueMinor: z.number().int(),
  revenuePerCustomer: z.number(),
});
const CampaignResultSchema = z
  .object({
    campaign: CampaignSchema,
    window: z.object({ from: z.string(), to: z.string(), days: z.number().int(), complete: z.boolean() }),
    groups: z.object({ treatment: GroupSchema, control: GroupSchema }),
    response: z.object({
      difference: z.number(),
      ci: IntervalSchema,
      pValue: z.number().nullable(),
      relativeLift: z.number().nullable(),
      incrementalResponders: z.number(),
    }),
    revenue: z.object({ difference: z.number(), ci: IntervalSchema.nullable(), pValue: z.number().nullable(), df: z.number().nullable() }),
    roi: z.object({
      incrementalRevenue: z.number().int(),
      incrementalRevenueCi: IntervalSchema.nullable(),
      incrementalMargin: z.number().int(),
      roi: z.number().nullable(),
      roiCi: IntervalSchema.nullable(),
    }),
    cost: z.object({ contacts: z.number().int(), contactCostMinor: z.number().int(), fixedCostMinor: z.number().int(), totalMinor: z.number().int() }),
    marginRate: z.number(),
    marginSource: z.enum(['given', 'observed', 'assumed']),
  })
  .meta({ id: 'CampaignResult' });

const PatternSetSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['rules', 'sequences']),
  level: z.enum(['product', 'category']),
  parameters: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.unknown()),
  patterns: z.number().int(),
  createdAt: z.string(),
  actor: z.string(),
});

/** A campaign by numeric id or by code. */
const CampaignParams = z.object({ ref: z.string().min(1).max(64) });
const refOf = (p: { ref: string }): number | string => (/^\d+$/.test(p.ref) ? Number(p.ref) : p.ref);

export function registerActionsRoutes(app: App, deps: AppDeps): void {
  const db = deps.db;
  const save = (request: Parameters<typeof writeContext>[0]) => {
    const w = writeContext(request, deps);
    return { save: { actor: w.actor, now: w.now } };
  };

  app.get(
    '/api/actions/rules',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Association rules from sale orders (FP-growth): support, confidence, lift, leverage, conviction',
        querystring: RulesQuerySchema,
        response: { 200: RulesReportSchema, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request) => mineRules(db, request.query),
  );

  app.post(
    '/api/actions/rules',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'Mine rules and save them as a pattern set (the source of next-best-product suggestions)',
        body: RulesQuerySchema,
        response: { 201: RulesReportSchema, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await mineRules(db, request.body, save(request))),
  );

  app.get(
    '/api/actions/sequences',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Sequence patterns: of customers who bought A, the share who bought B within N days',
        querystring: SequencesQuerySchema,
        response: { 200: SequencesReportSchema, ...errorResponses },
      },
    },
    async (request) => mineSequences(db, request.query),
  );

  app.post(
    '/api/actions/sequences',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: { tags, summary: 'Mine sequence patterns and save them as a pattern set', body: SequencesQuerySchema, response: { 201: SequencesReportSchema, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await mineSequences(db, request.body, save(request))),
  );

  app.get(
    '/api/actions/pattern-sets',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'Saved pattern sets, newest first', response: { 200: z.object({ items: z.array(PatternSetSchema) }), ...errorResponses } },
    },
    async () => ({
      items: (await listPatternSets(db.kysely, 100)).map((s) => ({
        id: Number(s.id),
        kind: s.kind,
        level: s.level,
        parameters: JSON.parse(s.parameters) as Record<string, unknown>,
        summary: JSON.parse(s.summary) as Record<string, unknown>,
        patterns: s.patterns,
        createdAt: s.created_at,
        actor: s.actor,
      })),
    }),
  );

  app.get(
    '/api/customers/:id/suggestions',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['customers', ...tags],
        summary: 'Next-best products for the customer 360, from basket rules and sequence patterns',
        description: 'Uses the newest saved pattern sets at the level (POST /api/actions/rules, /api/actions/sequences); without them, patterns are mined with default thresholds and kept in memory until orders change.',
        params: IdParams,
        querystring: SuggestionsQuerySchema,
        response: { 200: SuggestionsSchema, ...errorResponses },
      },
    },
    async (request) => suggestionsFor(db, request.params.id, request.query, deps.clock()),
  );

  app.post(
    '/api/actions/plans/propose',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Propose a contact plan from a snapshot: budget, spend per customer vs the average, budget per unit of sales (nothing stored)',
        body: PlanProposalSchema,
        response: { 200: PlanProposalResponse, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request) => proposePlan(db, request.body),
  );

  app.post(
    '/api/actions/plans',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: { tags, summary: 'Compute a contact plan from a snapshot and store it', body: PlanSaveSchema, response: { 201: SavedPlanSchema, ...errorResponses, 422: ErrorSchema } },
    },
    async (request, reply) => reply.status(201).send(await savePlan(db, request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/actions/plans',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'Stored contact plans, newest first', response: { 200: z.object({ items: z.array(z.object(PlanHeader)) }), ...errorResponses } },
    },
    async () => ({ items: await listPlans(db) }),
  );

  app.get(
    '/api/actions/plans/:id',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'A contact plan with its segments and the contacts logged under it', params: IdParams, response: { 200: SavedPlanSchema, ...errorResponses } },
    },
    async (request) => getPlan(db, request.params.id),
  );

  app.patch(
    '/api/actions/plans/:id',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'Mark a plan draft, active or archived',
        params: IdParams,
        body: z.strictObject({ status: z.enum(['draft', 'active', 'archived']) }),
        response: { 200: SavedPlanSchema, ...errorResponses },
      },
    },
    async (request) => setPlanStatus(db, request.params.id, request.body.status, writeContext(request, deps)),
  );

  app.post(
    '/api/actions/plans/:id/contacts',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'Log one contact (with cost) for each customer of a plan segment the channel may reach (SMS / e-mail respect consent)',
        params: IdParams,
        body: LogContactsSchema,
        response: { 200: LogContactsResponse, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request) => logPlanContacts(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.post(
    '/api/actions/campaigns',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'Create a campaign: target a segment (no consent = left out and counted), hold out a reproducible control group',
        body: CampaignCreateSchema,
        response: { 201: CampaignSchema, ...errorResponses, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createCampaign(db, request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/actions/campaigns',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'Campaigns, newest first', response: { 200: z.object({ items: z.array(CampaignSchema) }), ...errorResponses } },
    },
    async () => ({ items: await listCampaignViews(db) }),
  );

  app.get(
    '/api/actions/campaigns/:ref',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'A campaign (by id or code)', params: CampaignParams, response: { 200: CampaignSchema, ...errorResponses } },
    },
    async (request) => getCampaignView(db, refOf(request.params)),
  );

  app.get(
    '/api/actions/campaigns/:ref/export.csv',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'The treatment list as CSV for a mailer / SMS tool; consent is checked again',
        description: 'Columns: external_id, name, phone, email, consent_sms, consent_email, channel, campaign, segment, content_type. Headers X-Patron-Excluded-No-Consent and X-Patron-Excluded-No-Address count who was left out.',
        params: CampaignParams,
      },
    },
    async (request, reply) => {
      const e = await exportCampaign(db, refOf(request.params));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="campaign-${e.campaign}.csv"`)
        .header('x-patron-rows', String(e.rows))
        .header('x-patron-excluded-no-consent', String(e.excludedNoConsent))
        .header('x-patron-excluded-no-address', String(e.excludedNoAddress))
        .send(e.csv);
    },
  );

  app.post(
    '/api/actions/campaigns/:ref/send',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        tags,
        summary: 'Record the send: one contact with its cost per treated customer (counts in cost to serve)',
        params: CampaignParams,
        body: CampaignSendSchema.nullish(),
        response: {
          200: z.object({ campaign: z.string(), sentAt: z.string(), ...ReachCounts, logged: z.number().int(), costMinor: z.number().int() }),
          ...errorResponses,
          409: ErrorSchema,
        },
      },
    },
    async (request) => sendCampaign(db, refOf(request.params), request.body ?? {}, writeContext(request, deps)),
  );

  app.get(
    '/api/actions/campaigns/:ref/results',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Response and revenue uplift (treatment vs control, with confidence intervals) and ROI',
        params: CampaignParams,
        querystring: CampaignMeasureSchema,
        response: { 200: CampaignResultSchema, ...errorResponses, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => measureCampaign(db, refOf(request.params), request.query, deps.clock()),
  );
}
