import { z } from 'zod';
import {
  addTrigger,
  createInvitations,
  createJourney,
  createSurvey,
  dispatchSurveys,
  exportResponsesCsv,
  EnteredResponseSchema,
  getInvitationView,
  getJourney,
  getSurvey,
  InvitationCreateSchema,
  ItemsSchema,
  JourneyCreateSchema,
  journeyReport,
  JourneyPatchSchema,
  listJourneys,
  listResponses,
  listSurveyInvitations,
  listSurveys,
  listTriggers,
  recordResponse,
  renewInvitation,
  replaceItems,
  revokeInvitation,
  setTrigger,
  SurveyCreateSchema,
  SurveyPatchSchema,
  surveyMetrics,
  surveyTrends,
  TriggerCreateSchema,
  updateJourney,
  updateSurvey,
} from '../../domain/voice/index.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses } from '../schemas.js';
import type { App, AppDeps } from '../types.js';
import { registerCaseRoutes } from './cases.routes.js';
import { registerPublicSurveyRoutes } from './public-survey.routes.js';

/** Voice of the customer: surveys, journeys, cases and the public survey page (docs/voice.md). One line in app.ts. */
export function registerVoiceRoutes(app: App, deps: AppDeps): void {
  registerSurveyRoutes(app, deps);
  registerCaseRoutes(app, deps);
  registerPublicSurveyRoutes(app, deps);
}

// ---- shapes ------------------------------------------------------------------------------------

const I18n = z.object({ en: z.string().optional(), 'zh-CN': z.string().optional() }).meta({ id: 'I18nText' });
const Num = z.number().nullable().describe('null when undefined (e.g. no variance with one answer)');
export const IntervalSchema = z.object({ lower: z.number(), upper: z.number(), level: z.number(), method: z.string() }).meta({ id: 'Interval' });
const Stage = z.enum(['doubt', 'learning', 'acceptance', 'reevaluation']);
const ItemType = z.enum(['rating', 'nps', 'csat', 'effort', 'gap', 'kano', 'text']);

const ItemViewSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  type: ItemType,
  position: z.number().int(),
  text: I18n,
  required: z.boolean(),
  scale: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
  config: z.object({
    scaleMin: z.number().int().optional(),
    scaleMax: z.number().int().optional(),
    touchpoint: z.string().optional(),
    indexItem: z.boolean().optional(),
    overall: z.boolean().optional(),
    satisfiedFrom: z.number().int().optional(),
    caseBelow: z.number().int().optional(),
    attribute: z.string().optional(),
    feature: z.string().optional(),
    functional: I18n.optional(),
    dysfunctional: I18n.optional(),
    maxLength: z.number().int().optional(),
  }),
});

const SurveyBase = {
  id: z.number().int(),
  code: z.string(),
  title: I18n,
  intro: I18n.nullable(),
  status: z.enum(['draft', 'active', 'closed']),
  stage: Stage.nullable(),
  defaultLocale: z.enum(['zh-CN', 'en']),
  linkTtlDays: z.number().int(),
  autoCaseSeverity: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
};
const SurveySchema = z.object({ ...SurveyBase, items: z.array(ItemViewSchema) }).meta({ id: 'Survey' });
const SurveySummarySchema = z.object({ ...SurveyBase, itemCount: z.number().int() });

const InvitationSchema = z
  .object({
    id: z.number().int(),
    surveyId: z.number().int(),
    triggerId: z.number().int().nullable(),
    customerId: z.number().int().nullable(),
    orderId: z.number().int().nullable(),
    caseId: z.number().int().nullable(),
    venueId: z.number().int().nullable(),
    touchpoint: z.string().nullable(),
    staff: z.string().nullable(),
    stage: Stage.nullable(),
    locale: z.enum(['zh-CN', 'en']),
    createdAt: z.string(),
    expiresAt: z.string(),
    respondedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    state: z.enum(['pending', 'responded', 'expired', 'revoked']),
    path: z.string().describe('Public page path /s/<token>; prefix the server origin'),
  })
  .meta({ id: 'SurveyInvitation' });

const TriggerSchema = z
  .object({
    id: z.number().int(),
    surveyId: z.number().int(),
    event: z.enum(['first_purchase', 'order_followup', 'case_closed']),
    stage: Stage.nullable(),
    delayDays: z.number().int(),
    lookbackDays: z.number().int(),
    cooldownDays: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'SurveyTrigger' });

const MeanSchema = z.object({ n: z.number().int(), mean: z.number(), sd: Num, se: Num, ci: IntervalSchema.nullable() });
const NpsSchema = z.object({
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  n: z.number().int(),
  promoterShare: z.number(),
  passiveShare: z.number(),
  detractorShare: z.number(),
  score: z.number().describe('NPS in points, -100..100'),
  se: z.number(),
  ci: IntervalSchema,
});
export const CsatSchema = z.object({ n: z.number().int(), satisfied: z.number().int(), rate: z.number(), ci: IntervalSchema, threshold: z.number() });

const ItemMetricsSchema = z.object({
  key: z.string(),
  type: ItemType,
  n: z.number().int(),
  distribution: z.record(z.string(), z.number().int()).nullable(),
  mean: MeanSchema.nullable(),
  satisfied: z.object({ from: z.number(), count: z.number().int(), rate: z.number(), ci: IntervalSchema }).nullable(),
  nps: NpsSchema.nullable(),
  npsBootstrap: z.object({ ci: IntervalSchema, se: z.number(), replicates: z.number().int(), seed: z.number().int() }).nullable(),
  csat: CsatSchema.nullable(),
  effort: MeanSchema.extend({ scaleMin: z.number(), scaleMax: z.number() }).nullable(),
});

const KanoCat = z.enum(['A', 'O', 'M', 'I', 'R', 'Q']);
const MetricsSchema = z
  .object({
    survey: z.object({ id: z.number().int(), code: z.string() }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    venueId: z.number().int().nullable(),
    responses: z.number().int(),
    items: z.array(ItemMetricsSchema),
    gaps: z
      .object({
        attributes: z.array(
          z.object({
            attribute: z.string(),
            n: z.number().int(),
            incomplete: z.number().int(),
            meanExpectation: Num,
            meanPerception: Num,
            gap: Num.describe('mean(perception - expectation); negative = falls short'),
            sdDifference: Num,
            ci: IntervalSchema.nullable(),
          }),
        ),
        meanGap: Num,
      })
      .nullable(),
    kano: z
      .array(
        z.object({
          attribute: z.string(),
          n: z.number().int(),
          counts: z.record(KanoCat, z.number().int()),
          category: KanoCat,
          tiedWith: z.array(KanoCat),
          better: Num,
          worse: Num,
        }),
      )
      .nullable(),
    index: z
      .object({
        weighting: z.enum(['regression', 'equal']),
        index: z.number().describe('0-100'),
        n: z.number().int(),
        incomplete: z.number().int(),
        ci: IntervalSchema.nullable(),
        items: z.array(z.object({ key: z.string(), mean: z.number(), rescaled: z.number(), weight: z.number() })),
        drivers: z
          .object({
            rSquared: Num,
            n: z.number().int(),
            converged: z.boolean(),
            reason: z.string(),
            standardized: z.array(Num),
            importance: z.array(Num),
          })
          .nullable(),
      })
      .nullable(),
    indexError: z.string().nullable(),
  })
  .meta({ id: 'SurveyMetrics' });

const TrendsSchema = z
  .object({
    survey: z.object({ id: z.number().int(), code: z.string() }),
    by: z.enum(['period', 'venue', 'staff']),
    period: z.enum(['month', 'week']).nullable(),
    npsItem: z.string().nullable(),
    csatItem: z.string().nullable(),
    groups: z.array(
      z.object({
        key: z.string(),
        n: z.number().int(),
        nps: NpsSchema.nullable(),
        csat: CsatSchema.nullable(),
        index: z.object({ index: z.number(), n: z.number().int(), incomplete: z.number().int(), ci: IntervalSchema.nullable() }).nullable(),
      }),
    ),
    missingKey: z.number().int(),
    indexWeights: z.array(Num).nullable(),
    indexError: z.string().nullable(),
  })
  .meta({ id: 'SurveyTrends' });

const JourneySchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: I18n,
    touchpoints: z.array(z.object({ key: z.string(), label: I18n.nullable() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Journey' });

const JourneyReportSchema = z
  .object({
    journey: JourneySchema,
    from: z.string().nullable(),
    to: z.string().nullable(),
    touchpoints: z.array(
      z.object({ key: z.string(), label: I18n.nullable(), n: z.number().int(), satisfied: z.number().int(), rate: Num, ci: IntervalSchema.nullable() }),
    ),
    naiveEndToEnd: Num.describe('Product of the touchpoint rates (independence); 0.95^6 = 0.735'),
    observed: z.object({ customers: z.number().int(), noBadMoment: z.number().int(), rate: Num, ci: IntervalSchema.nullable() }),
    incomplete: z.object({ customers: z.number().int(), withBadMoment: z.number().int() }),
    bounds: z.object({ lower: z.number(), upper: z.number() }).nullable(),
    ignoredRatings: z.number().int(),
    anonymousRatings: z.number().int(),
  })
  .meta({ id: 'JourneyReport' });

const ResponseRowSchema = z.object({
  id: z.number().int(),
  surveyId: z.number().int(),
  invitationId: z.number().int().nullable(),
  customerId: z.number().int().nullable(),
  orderId: z.number().int().nullable(),
  caseId: z.number().int().nullable(),
  venueId: z.number().int().nullable(),
  venueCode: z.string().nullable(),
  touchpoint: z.string().nullable(),
  staff: z.string().nullable(),
  channel: z.enum(['link', 'entered']),
  locale: z.string(),
  submittedAt: z.string(),
  localDate: z.string(),
  answers: z.record(z.string(), z.unknown()),
});

const SurveyParams = z.object({ id: z.string().min(1).max(60).describe('Survey id or code') });
const InvitationParams = SurveyParams.extend({ invitationId: z.coerce.number().int().positive() });
const DateQ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const RangeQuery = z.object({
  from: DateQ.optional().describe('Business-local date, inclusive'),
  to: DateQ.optional(),
  venueId: z.coerce.number().int().positive().optional(),
});
const idOf = (p: { id: string }) => p.id;

export function registerSurveyRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;
  const tags = ['surveys'];

  app.get(
    '/api/surveys',
    { onRequest: requirePermission('analytics:read'), schema: { tags, summary: 'List surveys', response: { 200: z.array(SurveySummarySchema), ...errorResponses } } },
    async () => listSurveys(db),
  );

  app.post(
    '/api/surveys',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Create a survey with its items (rating 1-5 / 0-10, NPS, CSAT, effort, gap pairs, Kano pairs, free text; texts in zh-CN and en)',
        body: SurveyCreateSchema,
        response: { 201: SurveySchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createSurvey(db, request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/surveys/:id',
    { onRequest: requirePermission('analytics:read'), schema: { tags, summary: 'One survey with its items', params: SurveyParams, response: { 200: SurveySchema, ...errorResponses } } },
    async (request) => getSurvey(db, idOf(request.params)),
  );

  app.patch(
    '/api/surveys/:id',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Change title, status (draft -> active -> closed), stage, locale, link lifetime',
        params: SurveyParams,
        body: SurveyPatchSchema,
        response: { 200: SurveySchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => updateSurvey(db, idOf(request.params), request.body, writeContext(request, deps)),
  );

  app.put(
    '/api/surveys/:id/items',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Replace the items (only before any link or response exists)',
        params: SurveyParams,
        body: z.strictObject({ items: ItemsSchema }),
        response: { 200: SurveySchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => replaceItems(db, idOf(request.params), request.body.items, writeContext(request, deps)),
  );

  app.get(
    '/api/surveys/:id/metrics',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Metrics with intervals: CSAT, NPS (normal and bootstrap CI), rating means, effort, gaps, Kano table, index 0-100 with drivers',
        params: SurveyParams,
        querystring: RangeQuery.extend({ weighting: z.enum(['regression', 'equal']).optional() }),
        response: { 200: MetricsSchema, ...errorResponses },
      },
    },
    async (request) => surveyMetrics(db, idOf(request.params), request.query),
  );

  app.get(
    '/api/surveys/:id/trends',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'NPS, CSAT and index by month / ISO week, venue or staff, each with n and interval',
        params: SurveyParams,
        querystring: RangeQuery.extend({
          by: z.enum(['period', 'venue', 'staff']).default('period'),
          period: z.enum(['month', 'week']).default('month'),
          weighting: z.enum(['regression', 'equal']).optional(),
        }),
        response: { 200: TrendsSchema, ...errorResponses },
      },
    },
    async (request) => surveyTrends(db, idOf(request.params), request.query),
  );

  app.get(
    '/api/surveys/:id/responses',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Responses with their answers, newest first (keyset pages: pass nextBefore as before)',
        params: SurveyParams,
        querystring: RangeQuery.extend({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(ResponseRowSchema), nextBefore: z.number().int().nullable() }), ...errorResponses },
      },
    },
    async (request) => listResponses(db, idOf(request.params), request.query),
  );

  app.get(
    '/api/surveys/:id/responses.csv',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags, summary: 'Export responses as CSV (UTF-8 with BOM, one column per answer)', params: SurveyParams, querystring: RangeQuery },
    },
    async (request, reply) => {
      const { filename, csv } = await exportResponsesCsv(db, idOf(request.params), request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(csv);
    },
  );

  app.post(
    '/api/surveys/:id/responses',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Record a response taken by staff (interview, paper form)',
        description:
          'answers: { itemKey: number | text | { expectation, perception } | { functional, dysfunctional } }. ' +
          'An answer below an item\'s caseBelow opens a complaint case (caseId in the reply).',
        params: SurveyParams,
        body: EnteredResponseSchema,
        response: { 201: z.object({ responseId: z.number().int(), caseId: z.number().int().nullable() }), ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await recordResponse(db, idOf(request.params), request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/surveys/:id/invitations',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Links of a survey with their state, newest first',
        params: SurveyParams,
        querystring: z.object({
          state: z.enum(['pending', 'responded', 'expired', 'revoked']).optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.array(InvitationSchema), ...errorResponses },
      },
    },
    async (request) => listSurveyInvitations(db, idOf(request.params), request.query, deps.clock().toISOString()),
  );

  app.post(
    '/api/surveys/:id/invitations',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Create signed, expiring links (one response each) for recipients',
        params: SurveyParams,
        body: InvitationCreateSchema,
        response: { 201: z.array(InvitationSchema), ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createInvitations(db, idOf(request.params), request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/surveys/:id/invitations/:invitationId',
    {
      onRequest: requirePermission('surveys:write'),
      schema: { tags, summary: 'One link (its path can be shown again at any time)', params: InvitationParams, response: { 200: InvitationSchema, ...errorResponses } },
    },
    async (request) => getInvitationView(db, idOf(request.params), request.params.invitationId, deps.clock().toISOString()),
  );

  app.post(
    '/api/surveys/:id/invitations/:invitationId/revoke',
    {
      onRequest: requirePermission('surveys:write'),
      schema: { tags, summary: 'Revoke an unanswered link', params: InvitationParams, response: { 200: InvitationSchema, ...errorResponses, 409: ErrorSchema } },
    },
    async (request) => revokeInvitation(db, idOf(request.params), request.params.invitationId, writeContext(request, deps)),
  );

  app.post(
    '/api/surveys/:id/invitations/:invitationId/renew',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Give an unanswered link a new expiry (the old token stops working)',
        params: InvitationParams,
        body: z.strictObject({ ttlDays: z.number().int().min(1).max(365).optional() }).optional(),
        response: { 200: InvitationSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => renewInvitation(db, idOf(request.params), request.params.invitationId, request.body?.ttlDays, writeContext(request, deps)),
  );

  app.get(
    '/api/surveys/:id/triggers',
    { onRequest: requirePermission('surveys:write'), schema: { tags, summary: 'Event triggers of a survey', params: SurveyParams, response: { 200: z.array(TriggerSchema), ...errorResponses } } },
    async (request) => listTriggers(db, idOf(request.params)),
  );

  app.post(
    '/api/surveys/:id/triggers',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Add a trigger: first purchase, N days after an order, or complaint closed (post-purchase stage sets the default delay)',
        params: SurveyParams,
        body: TriggerCreateSchema,
        response: { 201: TriggerSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await addTrigger(db, idOf(request.params), request.body, writeContext(request, deps))),
  );

  app.patch(
    '/api/surveys/:id/triggers/:triggerId',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Switch a trigger on or off',
        params: SurveyParams.extend({ triggerId: z.coerce.number().int().positive() }),
        body: z.strictObject({ active: z.boolean() }),
        response: { 200: TriggerSchema, ...errorResponses },
      },
    },
    async (request) => setTrigger(db, idOf(request.params), request.params.triggerId, request.body.active, writeContext(request, deps)),
  );

  app.post(
    '/api/surveys/dispatch',
    {
      onRequest: requirePermission('surveys:write'),
      schema: {
        tags,
        summary: 'Run the triggers: create links for events that are due (idempotent)',
        body: z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() }).optional(),
        response: {
          200: z.object({
            asOf: z.string(),
            triggers: z.array(
              z.object({
                triggerId: z.number().int(),
                surveyId: z.number().int(),
                event: z.enum(['first_purchase', 'order_followup', 'case_closed']),
                stage: Stage.nullable(),
                window: z.object({ from: z.string(), to: z.string() }),
                candidates: z.number().int(),
                created: z.number().int(),
                alreadyInvited: z.number().int(),
                cooledDown: z.number().int(),
              }),
            ),
            invitations: z.array(InvitationSchema),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const w = writeContext(request, deps);
      return dispatchSurveys(db, request.body?.asOf ? new Date(request.body.asOf) : deps.clock(), w);
    },
  );

  // ---- journeys --------------------------------------------------------------------------------
  const jtags = ['journeys'];
  const JourneyParams = z.object({ id: z.string().min(1).max(60).describe('Journey id or code') });

  app.get(
    '/api/journeys',
    { onRequest: requirePermission('analytics:read'), schema: { tags: jtags, summary: 'Journeys (ordered touchpoints)', response: { 200: z.array(JourneySchema), ...errorResponses } } },
    async () => listJourneys(db),
  );

  app.post(
    '/api/journeys',
    {
      onRequest: requirePermission('surveys:write'),
      schema: { tags: jtags, summary: 'Define a journey as ordered touchpoints', body: JourneyCreateSchema, response: { 201: JourneySchema, ...errorResponses, 409: ErrorSchema } },
    },
    async (request, reply) => reply.status(201).send(await createJourney(db, request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/journeys/:id',
    { onRequest: requirePermission('analytics:read'), schema: { tags: jtags, summary: 'One journey', params: JourneyParams, response: { 200: JourneySchema, ...errorResponses } } },
    async (request) => getJourney(db, request.params.id),
  );

  app.patch(
    '/api/journeys/:id',
    {
      onRequest: requirePermission('surveys:write'),
      schema: { tags: jtags, summary: 'Rename a journey or change its touchpoints', params: JourneyParams, body: JourneyPatchSchema, response: { 200: JourneySchema, ...errorResponses } },
    },
    async (request) => updateJourney(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.get(
    '/api/journeys/:id/report',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: jtags,
        summary: 'Per-touchpoint satisfaction vs end-to-end consistency (share with no bad moment) vs the product of touchpoint rates',
        params: JourneyParams,
        querystring: RangeQuery.omit({ venueId: true }),
        response: { 200: JourneyReportSchema, ...errorResponses },
      },
    },
    async (request) => journeyReport(db, request.params.id, request.query),
  );
}
