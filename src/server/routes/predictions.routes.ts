import { z } from 'zod';
import {
  DEFAULTS,
  churnList,
  churnRuns,
  customerPredictions,
  fitModelOnOrders,
  parseModel,
  predictionFormat,
  predictionsPage,
  runChurn,
  runPredictions,
  toModelRunView,
  validateModels,
} from '../../domain/predictions/index.js';
import { PatronError } from '../../domain/errors.js';
import { listModelRuns } from '../../storage/predictions.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import type { FastifyRequest } from 'fastify';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

/**
 * Predicted lifetime value and churn early warning (docs/predictions.md): model fits and holdout
 * validation, prediction runs with per-customer results (also for the customer 360), churn runs.
 * Money is integer minor units; model parameters are per period (Gamma-Gamma: minor units).
 */

const money = () => z.number().int().describe('Minor units of the business currency');
const date = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const tags = ['predictions'];
const unsupported = { 422: ErrorSchema.describe('UNSUPPORTED_DATA: the data cannot support the model; the message says what is missing') };

const ModelField = z.string().describe('bgnbd | pareto-nbd | gamma-gamma');
const RepeatModelField = z.enum(['auto', 'bgnbd', 'bg-nbd', 'pareto-nbd']);

const ModelRunSchema = z
  .object({
    id: z.number().int(),
    model: z.enum(['bg-nbd', 'pareto-nbd', 'gamma-gamma']),
    status: z.enum(['fitted', 'unsupported', 'failed']),
    purpose: z.enum(['fit', 'validate', 'predict']),
    source: z.enum(['orders', 'summary-file']),
    sourceName: z.string().nullable(),
    calibrationEnd: z.string().nullable(),
    holdoutEnd: z.string().nullable(),
    period: z.enum(['day', 'week']),
    params: z.record(z.string(), z.number()).nullable().describe('BG/NBD r, alpha, a, b; Pareto/NBD r, alpha, s, beta; Gamma-Gamma p, q, gamma'),
    standardErrors: z.record(z.string(), z.number()).nullable(),
    logLik: z.number().nullable(),
    aic: z.number().nullable(),
    bic: z.number().nullable(),
    n: z.number().int(),
    distinctRows: z.number().int().nullable(),
    converged: z.boolean(),
    optimizer: z.string().nullable(),
    iterations: z.number().int().nullable(),
    evaluations: z.number().int().nullable(),
    warnings: z.array(z.string()),
    reason: z.string().nullable(),
    profile: z.record(z.string(), z.unknown()).nullable(),
    durationMs: z.number().int(),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'ModelRun' });

const TrackingPointSchema = z.object({
  period: z.number().int(),
  start: z.string(),
  end: z.string(),
  holdout: z.boolean(),
  actual: z.number().int(),
  expected: z.number(),
  actualCumulative: z.number().int(),
  expectedCumulative: z.number(),
});

const ValidationSchema = z
  .object({
    calibrationEnd: z.string(),
    holdoutEnd: z.string(),
    period: z.enum(['day', 'week']),
    holdoutLength: z.number(),
    origin: z.string(),
    customers: z.number().int(),
    models: z.array(
      z.object({
        model: z.enum(['bg-nbd', 'pareto-nbd']),
        run: ModelRunSchema,
        totals: z.object({ actual: z.number(), predicted: z.number(), relativeError: z.number() }),
        byFrequency: z.array(
          z.object({
            label: z.string(),
            frequency: z.number().int(),
            customers: z.number().int(),
            actualMean: z.number().nullable(),
            predictedMean: z.number().nullable(),
          }),
        ),
        tracking: z.array(TrackingPointSchema),
      }),
    ),
  })
  .meta({ id: 'HoldoutValidation' });

const PredictionRunSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(['running', 'completed', 'superseded', 'failed']),
    asOf: z.string(),
    period: z.enum(['day', 'week']),
    horizon: z.number().int(),
    annualDiscountRate: z.number(),
    margin: z.number(),
    model: z.enum(['bg-nbd', 'pareto-nbd']),
    repeatModelRunId: z.number().int().nullable(),
    spendModelRunId: z.number().int().nullable(),
    spendSource: z.enum(['gamma-gamma', 'customer-mean']),
    customers: z.number().int(),
    totalClvMinor: money(),
    expectedPurchases: z.number(),
    warnings: z.array(z.string()),
    timings: z.record(z.string(), z.number()).nullable(),
    actor: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'PredictionRun' });

const CustomerPredictionSchema = z
  .object({
    customerId: z.number().int(),
    externalId: z.string().optional(),
    name: z.string().nullable().optional(),
    repeatPurchases: z.number().int(),
    firstPurchase: z.string(),
    lastPurchase: z.string(),
    pAlive: z.number(),
    expectedPurchases: z.number().describe('Expected purchases over the run horizon'),
    expectedOrderValueMinor: money().nullable(),
    clvMinor: money().nullable().describe('Predicted CLV over the horizon, discounted, after margin'),
    clvIfActiveMinor: money().nullable().describe('Predicted CLV if the customer is still active (CLV / P(alive))'),
    daysToNextIfActive: z.number().nullable().describe('Expected days to the next purchase if still active; null when infinite'),
  })
  .meta({ id: 'CustomerPrediction' });

const ChurnReasonSchema = z.object({
  code: z.enum(['p-alive', 'overdue', 'falling-spend', 'complaints', 'low-satisfaction']),
  text: z.string().describe('One sentence for a manager'),
  value: z.number().describe('P(alive) | days since last / mean gap | recent / earlier spend | count'),
  threshold: z.number(),
  days: z.number().int().optional(),
  gapDays: z.number().optional(),
  recentMinor: money().optional(),
  earlierMinor: money().optional(),
  recentCases: z.number().int().optional(),
  openCases: z.number().int().optional(),
  severeCases: z.number().int().optional(),
  lowScores: z.number().int().optional(),
  detractorNps: z.number().nullable().optional(),
});

const ThresholdsSchema = z.object({
  pAliveThreshold: z.number(),
  overdueFactor: z.number(),
  minPurchaseDaysForRhythm: z.number().int(),
  spendWindowDays: z.number().int(),
  spendDrop: z.number(),
  minEarlierSpendMinor: z.number(),
  voiceWindowDays: z.number().int(),
});

const ChurnRunSchema = z
  .object({
    id: z.number().int(),
    asOf: z.string(),
    predictionRunId: z.number().int().nullable(),
    model: z.string(),
    thresholds: ThresholdsSchema,
    customers: z.number().int(),
    atRisk: z.number().int(),
    clvAtRiskMinor: money().describe('Sum of the predicted CLV of the at-risk customers'),
    reasonCounts: z.record(z.string(), z.number().int()),
    voice: z.boolean(),
    durationMs: z.number().int(),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'ChurnRun' });

const ChurnRiskSchema = z
  .object({
    rank: z.number().int(),
    customerId: z.number().int(),
    externalId: z.string(),
    name: z.string().nullable(),
    pAlive: z.number(),
    risk: z.number().describe('1 - P(alive)'),
    valueIfActiveMinor: money(),
    priorityMinor: money().describe('risk x predicted CLV: the sort key'),
    clvMinor: money(),
    daysSinceLast: z.number().int(),
    meanGapDays: z.number().nullable(),
    recentSpendMinor: money(),
    earlierSpendMinor: money(),
    recentCases: z.number().int(),
    openCases: z.number().int(),
    lowScores: z.number().int(),
    reasons: z.array(ChurnReasonSchema),
  })
  .meta({ id: 'ChurnRisk' });

const CustomerPredictionsSchema = z
  .object({
    customerId: z.number().int(),
    predictionRun: z
      .object({ id: z.number().int(), asOf: z.string(), model: z.string(), horizon: z.number().int(), period: z.string(), spendSource: z.string() })
      .nullable(),
    prediction: CustomerPredictionSchema.nullable(),
    churn: z.object({
      runId: z.number().int().nullable(),
      asOf: z.string().nullable(),
      atRisk: z.boolean(),
      rank: z.number().int().nullable(),
      risk: z.number().nullable(),
      priorityMinor: money().nullable(),
      reasons: z.array(ChurnReasonSchema),
      history: z.array(
        z.object({
          runId: z.number().int(),
          asOf: z.string(),
          rank: z.number().int(),
          pAlive: z.number(),
          priorityMinor: money(),
          reasons: z.array(z.string()),
        }),
      ),
    }),
  })
  .meta({ id: 'CustomerPredictions' });

function repeatModel(m: string | undefined): 'auto' | 'bg-nbd' | 'pareto-nbd' | undefined {
  if (m === undefined || m === 'auto') return m;
  const parsed = parseModel(m);
  if (parsed === 'gamma-gamma') throw new PatronError('VALIDATION', 'model: expected auto, bgnbd or pareto-nbd');
  return parsed;
}

export function registerPredictionRoutes(app: App, deps: AppDeps): void {
  const { db } = deps;
  const actor = (request: FastifyRequest) => writeContext(request, deps).actor;

  app.post(
    '/api/models/fit',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Fit BG/NBD, Pareto/NBD or Gamma-Gamma on the orders (calibration summaries in SQL); the fit is recorded',
        body: z.object({
          model: ModelField,
          calibrationEnd: date().optional().describe('Last calibration day, inclusive (default: the last day with a purchase)'),
          period: z.enum(['day', 'week']).default(DEFAULTS.period),
        }),
        response: { 201: ModelRunSchema, ...errorResponses, ...unsupported },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { run } = await fitModelOnOrders(db, { model: parseModel(b.model), calibrationEnd: b.calibrationEnd, period: b.period, actor: actor(request), now: deps.clock() });
      return reply.status(201).send(run);
    },
  );

  app.get(
    '/api/models/runs',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Recorded model fits, newest first (page back with ?before=<id>)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(DEFAULTS.runsListed),
          before: z.coerce.number().int().positive().optional(),
          model: z.enum(['bg-nbd', 'pareto-nbd', 'gamma-gamma']).optional(),
        }),
        response: { 200: z.object({ items: z.array(ModelRunSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listModelRuns(db.kysely, { limit: q.limit, beforeId: q.before, model: q.model });
      return { items: rows.map(toModelRunView) };
    },
  );

  app.get(
    '/api/models/validate',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Calibration / holdout validation: totals, conditional expectations by frequency, tracking series (chart-ready)',
        querystring: z.object({
          calibrationEnd: date(),
          holdoutEnd: date(),
          period: z.enum(['day', 'week']).default(DEFAULTS.period),
          model: z.enum(['both', 'bgnbd', 'bg-nbd', 'pareto-nbd']).default('both'),
        }),
        response: { 200: ValidationSchema, ...errorResponses, ...unsupported },
      },
    },
    async (request) => {
      const q = request.query;
      const models = q.model === 'both' ? undefined : [repeatModel(q.model) as 'bg-nbd' | 'pareto-nbd'];
      return validateModels(db, { calibrationEnd: q.calibrationEnd, holdoutEnd: q.holdoutEnd, period: q.period, models, actor: actor(request), now: deps.clock() });
    },
  );

  app.post(
    '/api/predictions/run',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Predict every customer (P(alive), expected purchases, order value, CLV) and store the run',
        body: z.object({
          asOf: date().optional(),
          period: z.enum(['day', 'week']).optional(),
          horizon: z.number().int().positive().optional().describe('Periods (default one year)'),
          discountRate: z.number().min(0).optional().describe('Annual, e.g. 0.1'),
          margin: z.number().positive().max(1).optional(),
          model: RepeatModelField.optional(),
        }),
        response: { 201: z.object({ run: PredictionRunSchema, fits: z.array(ModelRunSchema) }), ...errorResponses, ...unsupported },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await runPredictions(db, {
        asOf: b.asOf,
        period: b.period,
        horizon: b.horizon,
        annualDiscountRate: b.discountRate,
        margin: b.margin,
        model: repeatModel(b.model),
        actor: actor(request),
        now: deps.clock(),
      });
      return reply.status(201).send({ run: r.run, fits: r.fits });
    },
  );

  app.get(
    '/api/predictions',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: "The latest prediction run's customers in id order; pass nextCursor as cursor for the next page",
        querystring: z.object({
          cursor: z.string().regex(/^\d+$/, 'cursor is the nextCursor of the previous page').optional(),
          limit: z.coerce.number().int().min(1).max(DEFAULTS.maxPageSize).default(DEFAULTS.pageSize),
        }),
        response: {
          200: z.object({ run: PredictionRunSchema, items: z.array(CustomerPredictionSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => predictionsPage(db, request.query),
  );

  app.get(
    '/api/customers/:id/predictions',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags: ['predictions', 'customers'],
        summary: "A customer's predicted value and churn risk with reasons (for the customer 360)",
        params: IdParams,
        response: { 200: CustomerPredictionsSchema, ...errorResponses },
      },
    },
    async (request) => customerPredictions(db, request.params.id),
  );

  app.get(
    '/api/churn',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'At-risk customers of the latest churn run (or ?run=), highest priority first; ?format=csv exports',
        description: 'With format=csv the body is text/csv (every at-risk customer unless limit is given). Run a new assessment with POST /api/churn/run.',
        querystring: z.object({
          run: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
          after: z.coerce.number().int().min(0).optional().describe('Rank to continue after (nextRank of the previous page)'),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: {
          200: z.object({ run: ChurnRunSchema, items: z.array(ChurnRiskSchema), nextRank: z.number().int().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.format === 'csv') {
        const head = await churnList(db, { runId: q.run, limit: 1 });
        const all = await churnList(db, { runId: head.run.id, limit: q.limit ?? Math.max(1, head.run.atRisk), afterRank: q.after });
        const { currencyDecimals } = await getSettings(db.kysely);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="churn-${all.run.id}.csv"`)
          .header('x-patron-rows', String(all.items.length))
          // A string body is sent as is (the JSON response schema applies to objects only).
          .send(predictionFormat.churnCsv(all.items, currencyDecimals) as never);
      }
      return churnList(db, { runId: q.run, limit: q.limit ?? DEFAULTS.churn.limit, afterRank: q.after });
    },
  );

  app.post(
    '/api/churn/run',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Assess churn risk for every customer of the latest prediction run (a new one when asked or none exists) and record it',
        body: z.object({
          asOf: date().optional(),
          refresh: z.boolean().optional(),
          model: RepeatModelField.optional(),
          limit: z.number().int().min(1).max(DEFAULTS.maxPageSize).optional(),
          pAliveThreshold: z.number().optional(),
          overdueFactor: z.number().optional(),
          spendWindowDays: z.number().int().optional(),
          spendDrop: z.number().optional(),
          voiceWindowDays: z.number().int().optional(),
        }),
        response: {
          201: z.object({
            run: ChurnRunSchema,
            predictionRun: PredictionRunSchema,
            predicted: z.boolean(),
            items: z.array(ChurnRiskSchema),
            timings: z.record(z.string(), z.number()).describe('Milliseconds per phase'),
          }),
          ...errorResponses,
          ...unsupported,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const model = repeatModel(b.model);
      const r = await runChurn(db, {
        asOf: b.asOf,
        refresh: b.refresh,
        predict: model ? { model } : undefined,
        limit: b.limit,
        thresholds: {
          pAliveThreshold: b.pAliveThreshold,
          overdueFactor: b.overdueFactor,
          spendWindowDays: b.spendWindowDays,
          spendDrop: b.spendDrop,
          voiceWindowDays: b.voiceWindowDays,
        },
        actor: actor(request),
        now: deps.clock(),
      });
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/api/churn/runs',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        tags,
        summary: 'Recorded churn runs, newest first (at-risk counts and reasons over time)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(DEFAULTS.runsListed) }),
        response: { 200: z.object({ items: z.array(ChurnRunSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await churnRuns(db, request.query.limit) }),
  );
}
