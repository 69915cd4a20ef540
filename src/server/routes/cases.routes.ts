import { z } from 'zod';
import {
  addNote,
  CASE_CHANNELS,
  CaseCreateSchema,
  CasePatchSchema,
  closeCase,
  COMPENSATION_KINDS,
  CompensationSchema,
  completeFollowUp,
  customerVoiceSignals,
  FollowUpDoneSchema,
  FollowUpSchema,
  getCase,
  getSlaPolicy,
  grantCompensation,
  listCases,
  NoteSchema,
  openCase,
  putSlaPolicy,
  RECOVERY_STEPS,
  recordStep,
  recoveryOutcomes,
  reopenCase,
  resolveCase,
  scheduleFollowUp,
  SlaPolicySchema,
  StepInputSchema,
  updateCase,
} from '../../domain/voice/index.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const Interval = z.object({ lower: z.number(), upper: z.number(), level: z.number(), method: z.string() });
const Num = z.number().nullable();
const Csat = z.object({ n: z.number().int(), satisfied: z.number().int(), rate: z.number(), ci: Interval, threshold: z.number() });
const SlaState = z.enum(['ok', 'warning', 'breached']);
const Clock = z.object({
  dueAt: z.string(),
  warningAt: z.string(),
  completedAt: z.string().nullable(),
  state: SlaState,
  met: z.boolean().nullable().describe('Completed: on time or not; open: null'),
  remainingMs: z.number().describe('dueAt - (completedAt ?? now); negative once late'),
});

const CaseBase = {
  id: z.number().int(),
  customerId: z.number().int().nullable(),
  channel: z.enum(CASE_CHANNELS),
  category: z.string(),
  severity: z.string(),
  venueId: z.number().int().nullable(),
  productId: z.number().int().nullable(),
  orderId: z.number().int().nullable(),
  surveyResponseId: z.number().int().nullable(),
  assigneeUserId: z.number().int().nullable(),
  subject: z.string(),
  description: z.string().nullable(),
  status: z.enum(['open', 'resolved', 'closed']),
  openedAt: z.string(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdBy: z.string(),
  updatedAt: z.string(),
  sla: z.object({ state: SlaState, firstResponse: Clock, resolution: Clock }),
  stepsCompleted: z.number().int().describe('Recovery steps done or skipped, of six'),
};
const CaseSchema = z.object(CaseBase).meta({ id: 'Case' });
const CaseDetailSchema = z
  .object({
    ...CaseBase,
    steps: z.array(
      z.object({
        step: z.enum(RECOVERY_STEPS),
        position: z.number().int(),
        status: z.enum(['pending', 'done', 'skipped']),
        doneAt: z.string().nullable(),
        doneBy: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    compensations: z.array(
      z.object({
        id: z.number().int(),
        kind: z.enum(COMPENSATION_KINDS),
        points: z.number().int().nullable(),
        amountMinor: z.number().int().nullable(),
        voucherCode: z.string().nullable(),
        note: z.string().nullable(),
        status: z.enum(['recorded', 'granted', 'issued', 'cancelled']).describe('recorded: not (yet) in the loyalty ledger; granted: in the ledger; issued: voucher'),
        ledgerRef: z.string().nullable(),
        error: z.string().nullable(),
        createdAt: z.string(),
        createdBy: z.string(),
        grantedAt: z.string().nullable(),
      }),
    ),
    followUps: z.array(
      z.object({
        id: z.number().int(),
        dueAt: z.string(),
        channel: z.string().nullable(),
        note: z.string().nullable(),
        doneAt: z.string().nullable(),
        doneBy: z.string().nullable(),
        outcome: z.string().nullable(),
        satisfaction: z.number().int().nullable(),
        overdue: z.boolean(),
      }),
    ),
    events: z.array(z.object({ id: z.number().int(), at: z.string(), actor: z.string(), kind: z.string(), detail: z.unknown() })),
  })
  .meta({ id: 'CaseDetail' });

const Targets = z.object({ firstResponseMinutes: z.number().int(), resolutionMinutes: z.number().int() });
const Group = z.object({ customers: z.number().int(), repurchased: z.number().int(), rate: Num });
const OutcomesSchema = z
  .object({
    asOf: z.string(),
    from: z.string(),
    to: z.string(),
    windowDays: z.number().int(),
    lookbackDays: z.number().int(),
    resolvedCases: z.number().int(),
    satisfactionAfterRecovery: z.object({ followUp: Csat.nullable(), survey: Csat.nullable() }),
    repurchase: z.object({
      recovered: Group,
      comparison: Group,
      comparisonAnchor: z.string().nullable(),
      excluded: z.object({ windowNotElapsed: z.number().int(), notActiveBefore: z.number().int() }),
      result: z
        .object({
          p1: z.number(),
          p2: z.number(),
          difference: z.number(),
          se: z.number(),
          ci: Interval,
          pValue: z.number(),
          relativeRate: Num,
        })
        .nullable(),
      reason: z.string().nullable(),
    }),
  })
  .meta({ id: 'RecoveryOutcomes' });

const SignalSchema = z.object({
  customerId: z.number().int(),
  openCases: z.number().int(),
  recentCases: z.number().int(),
  severeRecentCases: z.number().int(),
  lastCaseAt: z.string().nullable(),
  scoredAnswers: z.number().int(),
  lowScores: z.number().int(),
  lastLowScoreAt: z.string().nullable(),
  latestNps: z.number().int().nullable(),
  detractor: z.boolean(),
});

const DateQ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const NoteBody = z.strictObject({ note: z.string().trim().max(2000).optional() }).optional();

export function registerCaseRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;
  const tags = ['cases'];
  const now = () => deps.clock();

  app.get(
    '/api/cases',
    {
      onRequest: requirePermission('cases:write'),
      schema: {
        tags,
        summary: 'Complaint cases, newest first, with SLA state (filter sla=warning|breached for the breach list)',
        querystring: z.object({
          status: z.enum(['open', 'resolved', 'closed']).optional(),
          severity: z.string().max(30).optional(),
          customerId: z.coerce.number().int().positive().optional(),
          venueId: z.coerce.number().int().positive().optional(),
          assigneeUserId: z.coerce.number().int().positive().optional(),
          sla: SlaState.optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(CaseSchema), nextBefore: z.number().int().nullable() }), ...errorResponses },
      },
    },
    async (request) => listCases(db, request.query, now()),
  );

  app.post(
    '/api/cases',
    {
      onRequest: requirePermission('cases:write'),
      schema: {
        tags,
        summary: 'Open a case from any channel (phone, visit, email, web form, social, survey); SLA targets come from the severity',
        body: CaseCreateSchema,
        response: { 201: CaseDetailSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await openCase(db, request.body, writeContext(request, deps))),
  );

  app.get(
    '/api/cases/sla-policy',
    { onRequest: requirePermission('cases:write'), schema: { tags, summary: 'SLA targets per severity (minutes)', response: { 200: z.record(z.string(), Targets), ...errorResponses } } },
    async () => getSlaPolicy(db),
  );

  app.put(
    '/api/cases/sla-policy',
    {
      onRequest: requirePermission('settings:admin'),
      schema: {
        tags,
        summary: 'Set SLA targets per severity; cases keep the targets they were opened with',
        body: SlaPolicySchema,
        response: { 200: z.record(z.string(), Targets), ...errorResponses },
      },
    },
    async (request) => putSlaPolicy(db, request.body, writeContext(request, deps)),
  );

  app.get(
    '/api/cases/outcomes',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Recovery outcomes: satisfaction after recovery, re-purchase of recovered customers vs similar never-complained customers',
        querystring: z.object({
          from: DateQ.optional(),
          to: DateQ.optional(),
          windowDays: z.coerce.number().int().min(1).max(730).optional(),
          lookbackDays: z.coerce.number().int().min(1).max(3650).optional(),
          asOf: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: OutcomesSchema, ...errorResponses },
      },
    },
    async (request) => recoveryOutcomes(db, request.query.asOf ? new Date(request.query.asOf) : now(), request.query),
  );

  app.get(
    '/api/voice/signals',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Per-customer complaint and low-satisfaction signals for the churn early warning',
        querystring: z.object({
          asOf: z.iso.datetime({ offset: true }).optional(),
          windowDays: z.coerce.number().int().min(1).max(3650).optional(),
        }),
        response: { 200: z.array(SignalSchema), ...errorResponses },
      },
    },
    async (request) => customerVoiceSignals(db, request.query.asOf ? new Date(request.query.asOf) : now(), { windowDays: request.query.windowDays }),
  );

  app.get(
    '/api/cases/:id',
    { onRequest: requirePermission('cases:write'), schema: { tags, summary: 'A case with its recovery checklist, compensations, follow-ups and timeline', params: IdParams, response: { 200: CaseDetailSchema, ...errorResponses } } },
    async (request) => getCase(db, request.params.id, now()),
  );

  app.patch(
    '/api/cases/:id',
    {
      onRequest: requirePermission('cases:write'),
      schema: { tags, summary: 'Change category, severity (re-reads SLA targets), venue, product, assignee, subject', params: IdParams, body: CasePatchSchema, response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema } },
    },
    async (request) => updateCase(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.post(
    '/api/cases/:id/notes',
    {
      onRequest: requirePermission('cases:write'),
      schema: { tags, summary: 'Add a note; toCustomer = true records a response to the customer (stops the first-response clock)', params: IdParams, body: NoteSchema, response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema } },
    },
    async (request) => addNote(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.post(
    '/api/cases/:id/steps/:step',
    {
      onRequest: requirePermission('cases:write'),
      schema: {
        tags,
        summary: 'Record a recovery step as done (or skipped, with a reason); stamped with time and who',
        params: IdParams.extend({ step: z.enum(RECOVERY_STEPS) }),
        body: StepInputSchema.optional(),
        response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => recordStep(db, request.params.id, request.params.step, request.body ?? { status: 'done' }, writeContext(request, deps)),
  );

  app.post(
    '/api/cases/:id/compensations',
    {
      onRequest: requirePermission('cases:write'),
      schema: {
        tags,
        summary: 'Grant compensation (points, stored value in minor units, or a voucher); points and stored value go to the loyalty ledger when available',
        params: IdParams,
        body: CompensationSchema,
        response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => grantCompensation(deps.db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.post(
    '/api/cases/:id/follow-ups',
    {
      onRequest: requirePermission('cases:write'),
      schema: { tags, summary: 'Schedule a follow-up (default: 3 days from now)', params: IdParams, body: FollowUpSchema, response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema } },
    },
    async (request) => scheduleFollowUp(db, request.params.id, request.body, writeContext(request, deps)),
  );

  app.post(
    '/api/cases/:id/follow-ups/:followUpId/complete',
    {
      onRequest: requirePermission('cases:write'),
      schema: {
        tags,
        summary: 'Record the follow-up and the satisfaction after recovery (1-5); stamps step 6',
        params: IdParams.extend({ followUpId: z.coerce.number().int().positive() }),
        body: FollowUpDoneSchema,
        response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => completeFollowUp(db, request.params.id, request.params.followUpId, request.body, writeContext(request, deps)),
  );

  for (const [action, fn, summary] of [
    ['resolve', resolveCase, 'Mark resolved (stops the resolution clock)'],
    ['close', closeCase, 'Close: every recovery step must be done or skipped with a reason'],
    ['reopen', reopenCase, 'Reopen a resolved or closed case'],
  ] as const) {
    app.post(
      `/api/cases/:id/${action}`,
      {
        onRequest: requirePermission('cases:write'),
        schema: { tags, summary, params: IdParams, body: NoteBody, response: { 200: CaseDetailSchema, ...errorResponses, 409: ErrorSchema } },
      },
      async (request) => fn(db, request.params.id, request.body?.note, writeContext(request, deps)),
    );
  }
}
