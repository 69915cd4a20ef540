import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PatronError } from '../../domain/errors.js';
import type { PostedTxn } from '../../domain/loyalty/ledger.js';
import {
  enrollMember,
  getMemberView,
  issueCard,
  lookupMembers,
  replaceCard,
  resolveTarget,
  setCardState,
  type MemberRef,
} from '../../domain/loyalty/members.js';
import {
  accrue,
  adjust,
  cashOut,
  expirePoints,
  quote,
  redeem,
  refund,
  spend,
  topUp,
  type OpContext,
} from '../../domain/loyalty/operations.js';
import { accrueForOrder } from '../../domain/loyalty/orders.js';
import {
  addVenue,
  businessDay,
  createProgramme,
  listProgrammes,
  MultiplierSchema,
  ProgrammeCreateSchema,
  ProgrammePatchSchema,
  putTier,
  resolveProgramme,
  assertVisible,
  TierInputSchema,
  TopupBonusSchema,
  updateProgramme,
  type ProgrammeConfig,
} from '../../domain/loyalty/programmes.js';
import { attributeReferralTx, referralCodeFor, referralTreeOf } from '../../domain/loyalty/referrals.js';
import { liabilityReport, memberStatement, settlementStatement } from '../../domain/loyalty/reports.js';
import { runTiers } from '../../domain/loyalty/tiers.js';
import { dayNumber } from '../../domain/time.js';
import { getVenueByCode } from '../../storage/customers.repo.js';
import { principal, requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

/**
 * The loyalty API (docs/loyalty.md, "HTTP API"): a point-of-sale looks members up, quotes, accrues,
 * redeems, tops up, spends and refunds; every ledger write takes an idempotencyKey and answers a
 * retry with the first answer (header Idempotent-Replayed: true). A principal bound to a venue
 * acts at that venue only and does not see programmes its venue is not part of.
 */

export const DEFAULTS = Object.freeze({
  /** Header set on the answer to a retried ledger write. */
  replayHeader: 'idempotent-replayed',
});

const Key = z.string().min(1).max(200).describe('Unique per write: a retry with the same key returns the first answer and writes nothing');
const Date_ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Minor = z.number().int().describe('Integer minor units of the business currency');
const VenueCode = z.string().trim().min(1).max(50).optional().describe('Where it happens; defaults to the venue of the token or user');
const Reference = z.string().trim().min(1).max(100).nullable().optional().describe('Receipt or order number at the point of sale');

const MemberRefFields = {
  card: z.string().trim().min(8).max(30).optional().describe('Card number'),
  memberId: z.number().int().positive().optional(),
};

const SaleLineSchema = z.strictObject({ amountMinor: Minor, category: z.string().trim().max(100).nullable().optional() });

const BalanceSchema = z.object({
  points: z.number().int(),
  pointsValueMinor: Minor,
  svPaidMinor: Minor,
  svBonusMinor: Minor,
  svTotalMinor: Minor,
});

const TxnResultSchema = z
  .looseObject({
    txnId: z.number().int(),
    kind: z.string(),
    programme: z.string(),
    memberId: z.number().int().nullable(),
    points: z.number().int().describe("Change of the member's points"),
    amountMinor: Minor.describe("Change of the member's stored value"),
    balance: BalanceSchema.nullable(),
    at: z.string(),
  })
  .meta({ id: 'LoyaltyTxnResult' });

const CardSchema = z.object({
  id: z.number().int(),
  number: z.string(),
  status: z.enum(['active', 'frozen', 'lost', 'replaced']),
  replacesCardId: z.number().int().nullable(),
  issuedAt: z.string(),
  issuedVenueId: z.number().int().nullable(),
  statusChangedAt: z.string(),
  statusReason: z.string().nullable(),
});

/** Also the shape of each membership in GET /api/customers/:id/loyalty. */
export const MemberSchema = z
  .object({
    id: z.number().int(),
    programme: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
    customer: z.object({ id: z.number().int(), externalId: z.string(), name: z.string().nullable(), phone: z.string().nullable(), referredBy: z.number().int().nullable() }),
    status: z.enum(['active', 'closed']),
    tier: z.object({ id: z.number().int(), code: z.string(), name: z.string(), discountBp: z.number().int(), earnRateBp: z.number().int() }).nullable(),
    tierSince: z.string().nullable(),
    enrolledAt: z.string(),
    enrolledVenueId: z.number().int().nullable(),
    cards: z.array(CardSchema),
    balance: BalanceSchema,
    expiring: z.array(z.object({ expiresDay: z.number().int(), points: z.number().int() })),
    referralCode: z.string().nullable(),
  })
  .meta({ id: 'LoyaltyMember' });

const TierSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  rank: z.number().int(),
  qualifyBy: z.enum(['spend', 'points']),
  threshold: z.number().int(),
  earnRateBp: z.number().int(),
  discountBp: z.number().int(),
  multipliers: z.array(MultiplierSchema),
});

const ProgrammeSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    status: z.enum(['active', 'closed']),
    pointValueMinor: Minor,
    earnRateBp: z.number().int(),
    pointsExpiryDays: z.number().int().nullable(),
    pointsSettlementBp: z.number().int(),
    svSettlementBp: z.number().int(),
    cardPrefix: z.string(),
    tierWindowDays: z.number().int(),
    referrerPoints: z.number().int(),
    refereePoints: z.number().int(),
    topupBonuses: z.array(TopupBonusSchema),
    multipliers: z.array(MultiplierSchema),
    venueIds: z.array(z.number().int()),
    tiers: z.array(TierSchema),
    createdAt: z.string(),
  })
  .meta({ id: 'LoyaltyProgramme' });

const TierRunSchema = z.object({
  programme: z.string(),
  asOfDay: z.number().int(),
  windowDays: z.number().int(),
  members: z.number().int(),
  upgraded: z.number().int(),
  downgraded: z.number().int(),
  unchanged: z.number().int(),
  changes: z.array(
    z.object({ memberId: z.number().int(), customerId: z.number().int(), from: z.string().nullable(), to: z.string().nullable(), spendMinor: Minor, points: z.number().int() }),
  ),
});

const VenueRef = z.object({ id: z.number().int(), code: z.string() });
const SettlementSchema = z
  .object({
    programme: z.string(),
    from: z.string(),
    to: z.string(),
    pairs: z.array(
      z.object({
        venueA: VenueRef,
        venueB: VenueRef,
        aOwesBPointsMinor: Minor,
        aOwesBStoredValueMinor: Minor,
        bOwesAPointsMinor: Minor,
        bOwesAStoredValueMinor: Minor,
        netAToBMinor: Minor.describe('Positive: A pays B; negative: B pays A'),
        transactions: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'LoyaltySettlement' });

const LiabilitySchema = z
  .object({
    programme: z.string(),
    asOf: z.string(),
    pointValueMinor: Minor,
    rows: z.array(
      z.object({
        venueId: z.number().int().nullable(),
        venueCode: z.string().nullable(),
        age: z.string().describe('Days since earned or paid in: 0-30, 31-90, 91-180, 181-365, 366+'),
        points: z.number().int(),
        pointsValueMinor: Minor,
        svPaidMinor: Minor,
        svBonusMinor: Minor,
      }),
    ),
    totals: z.object({ points: z.number().int(), pointsValueMinor: Minor, svPaidMinor: Minor, svBonusMinor: Minor, totalMinor: Minor }),
  })
  .meta({ id: 'LoyaltyLiability' });

const StatementSchema = z
  .object({
    memberId: z.number().int(),
    programme: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    opening: z.object({ points: z.number().int(), svMinor: Minor }),
    closing: z.object({ points: z.number().int(), svMinor: Minor }),
    lines: z.array(
      z.object({
        txnId: z.number().int(),
        at: z.string(),
        date: z.string(),
        kind: z.string(),
        venueId: z.number().int().nullable(),
        reference: z.string().nullable(),
        reason: z.string().nullable(),
        actor: z.string(),
        points: z.number().int(),
        amountMinor: Minor,
        pointsBalance: z.number().int(),
        svBalanceMinor: Minor,
      }),
    ),
  })
  .meta({ id: 'LoyaltyStatement' });

const QuoteSchema = z
  .object({
    memberId: z.number().int(),
    programme: z.string(),
    tier: z.string().nullable(),
    points: z.number().int().describe('Points this sale would earn'),
    baseMinor: Minor,
    rateBp: z.number().int(),
    discountBp: z.number().int(),
    discountMinor: Minor,
    balance: BalanceSchema,
    livePoints: z.number().int(),
    redeemablePoints: z.number().int(),
    redeemableMinor: Minor,
    spendableMinor: Minor,
  })
  .meta({ id: 'LoyaltyQuote' });

const PostedSchema = z.object({ txnId: z.number().int(), replayed: z.boolean(), result: z.record(z.string(), z.unknown()) });
const OrderAccrualSchema = z
  .object({
    orderId: z.number().int(),
    saleOrderId: z.number().int().nullable(),
    skipped: z.string().nullable(),
    outcomes: z.array(
      z.object({
        programme: z.string(),
        memberId: z.number().int(),
        targetPoints: z.number().int(),
        points: z.number().int(),
        shortfall: z.number().int(),
        txnId: z.number().int().nullable(),
        replayed: z.boolean(),
        referral: z.object({ referee: PostedSchema.nullable(), referrer: PostedSchema.nullable(), reversed: z.boolean() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'LoyaltyOrderAccrual' });

const ReferralNodeSchema = z.object({
  customerId: z.number().int(),
  externalId: z.string(),
  name: z.string().nullable(),
  referredBy: z.number().int().nullable(),
  depth: z.number().int(),
  valueMinor: Minor,
  orders: z.number().int(),
  referredValueMinor: Minor,
  descendantValueMinor: Minor,
  directReferrals: z.number().int(),
});
const ReferralTreeSchema = z
  .object({ root: ReferralNodeSchema, nodes: z.array(ReferralNodeSchema), referredValueMinor: Minor })
  .meta({ id: 'LoyaltyReferralTree' });

const writeErrors = { ...errorResponses, 409: ErrorSchema, 422: ErrorSchema };

function memberRefOf(b: { card?: string; memberId?: number }): MemberRef {
  if (b.card === undefined && b.memberId === undefined) throw new PatronError('VALIDATION', 'body: give card or memberId');
  return { card: b.card, memberId: b.memberId };
}

export function registerLoyaltyRoutes(app: App, deps: AppDeps): void {
  const db = deps.db;

  /** Where an operation happens (default: the caller's venue), and the venue binding of the caller. */
  async function opContext(request: FastifyRequest, venueCode?: string): Promise<OpContext> {
    const p = principal(request);
    const w = writeContext(request, deps);
    const scope = scopeOf(request);
    if (venueCode === undefined) return { ...w, venueId: p.venueId, scopeVenueId: scope };
    const v = await getVenueByCode(db.kysely, venueCode);
    if (!v) throw new PatronError('VALIDATION', `venue ${venueCode} does not exist`);
    if (scope !== null && v.id !== scope) throw new PatronError('FORBIDDEN', 'this token may only act at its own venue');
    return { ...w, venueId: v.id, scopeVenueId: scope };
  }

  /**
   * The venue a caller is bound to: a token with a venue (a till), or front-line people (staff,
   * service) with a venue. Managers, marketing and admins with a home venue act there by default
   * but see every programme.
   */
  function scopeOf(request: FastifyRequest): number | null {
    const p = principal(request);
    if (p.venueId === null) return null;
    return p.kind === 'token' || p.role === 'staff' || p.role === 'service' ? p.venueId : null;
  }

  async function programmeFor(request: FastifyRequest, code: string): Promise<ProgrammeConfig> {
    const cfg = await resolveProgramme(db, code);
    assertVisible(cfg, scopeOf(request));
    return cfg;
  }

  function sendTxn(reply: FastifyReply, t: PostedTxn) {
    if (t.replayed) reply.header(DEFAULTS.replayHeader, 'true');
    return reply.status(201).send({ txnId: t.txnId, ...t.result });
  }

  // ---- programmes (configuration: admins) -------------------------------------------------------

  app.get(
    '/api/loyalty/programmes',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: 'Loyalty programmes visible to the caller', response: { 200: z.array(ProgrammeSchema), ...errorResponses } },
    },
    async (request) => listProgrammes(db, scopeOf(request)),
  );

  app.get(
    '/api/loyalty/programmes/:code',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: 'One programme with its venues and tiers', params: z.object({ code: z.string() }), response: { 200: ProgrammeSchema, ...errorResponses } },
    },
    async (request) => programmeFor(request, request.params.code),
  );

  app.post(
    '/api/loyalty/programmes',
    {
      onRequest: requirePermission('settings:admin'),
      schema: { tags: ['loyalty'], summary: 'Create a programme (co-branded when it names several venues)', body: ProgrammeCreateSchema, response: { 201: ProgrammeSchema, ...writeErrors } },
    },
    async (request, reply) => reply.status(201).send(await createProgramme(db, request.body, writeContext(request, deps))),
  );

  app.patch(
    '/api/loyalty/programmes/:code',
    {
      onRequest: requirePermission('settings:admin'),
      schema: { tags: ['loyalty'], summary: 'Change programme rules (new rules apply to new transactions)', params: z.object({ code: z.string() }), body: ProgrammePatchSchema, response: { 200: ProgrammeSchema, ...writeErrors } },
    },
    async (request) => {
      const cfg = await resolveProgramme(db, request.params.code);
      return updateProgramme(db, cfg.id, request.body, writeContext(request, deps));
    },
  );

  app.post(
    '/api/loyalty/programmes/:code/venues',
    {
      onRequest: requirePermission('settings:admin'),
      schema: { tags: ['loyalty'], summary: 'Add a venue to a programme', params: z.object({ code: z.string() }), body: z.strictObject({ venueCode: z.string().trim().min(1) }), response: { 200: ProgrammeSchema, ...writeErrors } },
    },
    async (request) => {
      const cfg = await resolveProgramme(db, request.params.code);
      return addVenue(db, cfg.id, request.body.venueCode, writeContext(request, deps));
    },
  );

  app.put(
    '/api/loyalty/programmes/:code/tiers/:tier',
    {
      onRequest: requirePermission('settings:admin'),
      schema: {
        tags: ['loyalty'],
        summary: 'Create or replace a tier (qualification rule and benefits)',
        params: z.object({ code: z.string(), tier: z.string() }),
        body: TierInputSchema.omit({ code: true }),
        response: { 200: TierSchema, ...writeErrors },
      },
    },
    async (request) => {
      const cfg = await resolveProgramme(db, request.params.code);
      return putTier(db, cfg.id, { ...request.body, code: request.params.tier }, writeContext(request, deps));
    },
  );

  app.post(
    '/api/loyalty/programmes/:code/tiers/run',
    {
      onRequest: requirePermission('settings:admin'),
      schema: {
        tags: ['loyalty'],
        summary: 'Review every member’s tier (upgrade and downgrade) as of a day',
        params: z.object({ code: z.string() }),
        body: z.strictObject({ asOf: Date_.optional() }),
        response: { 200: TierRunSchema, ...writeErrors },
      },
    },
    async (request) => {
      const cfg = await resolveProgramme(db, request.params.code);
      return runTiers(db, cfg.id, request.body.asOf ? dayNumber(request.body.asOf) : null, writeContext(request, deps));
    },
  );

  app.post(
    '/api/loyalty/programmes/:code/expire',
    {
      onRequest: requirePermission('settings:admin'),
      schema: {
        tags: ['loyalty'],
        summary: 'Write off expired points lots as of a day',
        params: z.object({ code: z.string() }),
        body: z.strictObject({ asOf: Date_.optional() }),
        response: { 200: z.object({ programme: z.string(), asOfDay: z.number().int(), members: z.number().int(), points: z.number().int() }), ...writeErrors },
      },
    },
    async (request) => {
      const cfg = await resolveProgramme(db, request.params.code);
      const w = writeContext(request, deps);
      return expirePoints(db, cfg.id, request.body.asOf ? dayNumber(request.body.asOf) : await businessDay(db, w.now), w);
    },
  );

  app.get(
    '/api/loyalty/programmes/:code/settlement',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Settlement statement between venues for a period (who owes whom)',
        params: z.object({ code: z.string() }),
        querystring: z.object({ from: Date_, to: Date_ }),
        response: { 200: SettlementSchema, ...errorResponses },
      },
    },
    async (request) => {
      const cfg = await programmeFor(request, request.params.code);
      return settlementStatement(db, cfg.id, dayNumber(request.query.from), dayNumber(request.query.to), scopeOf(request));
    },
  );

  app.get(
    '/api/loyalty/programmes/:code/liability',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Outstanding points (and cash value) and stored value by venue and age',
        params: z.object({ code: z.string() }),
        querystring: z.object({ asOf: Date_.optional() }),
        response: { 200: LiabilitySchema, ...errorResponses },
      },
    },
    async (request) => {
      const cfg = await programmeFor(request, request.params.code);
      const day = request.query.asOf ? dayNumber(request.query.asOf) : await businessDay(db, deps.clock().toISOString());
      return liabilityReport(db, cfg.id, day, scopeOf(request));
    },
  );

  // ---- members and cards -------------------------------------------------------------------------

  app.post(
    '/api/loyalty/members',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Enrol a customer in a programme (and issue a card); enrolling again returns the member',
        body: z.strictObject({
          programme: z.string().trim().min(1),
          customerId: z.number().int().positive().optional(),
          customerExternalId: z.string().trim().min(1).max(100).optional(),
          venueCode: VenueCode,
          issueCard: z.boolean().default(true),
          referralCode: z.string().trim().min(1).max(20).optional().describe("The referrer's code, at sign-up"),
        }),
        response: { 200: MemberSchema, 201: MemberSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const c = await opContext(request, b.venueCode);
      const cfg = await programmeFor(request, b.programme);
      const r = await enrollMember(
        db,
        { programmeId: cfg.id, customerId: b.customerId, customerExternalId: b.customerExternalId, venueId: c.venueId, issueCard: b.issueCard, referralCode: b.referralCode },
        c,
        c.scopeVenueId,
      );
      return reply.status(r.created ? 201 : 200).send(r.member);
    },
  );

  app.get(
    '/api/loyalty/lookup',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Find members by card number, phone or referral code',
        querystring: z.object({ card: z.string().optional(), phone: z.string().optional(), code: z.string().optional() }),
        response: { 200: z.object({ members: z.array(MemberSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ members: await lookupMembers(db, request.query, scopeOf(request), deps.clock().toISOString()) }),
  );

  app.get(
    '/api/loyalty/members/:id',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: 'A member with cards, tier and balances', params: IdParams, response: { 200: MemberSchema, ...errorResponses } },
    },
    async (request) => getMemberView(db, request.params.id, scopeOf(request), deps.clock().toISOString()),
  );

  app.get(
    '/api/loyalty/cards/:number',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: 'The member a card belongs to, with balances', params: z.object({ number: z.string() }), response: { 200: MemberSchema, ...errorResponses } },
    },
    async (request) => {
      const t = await resolveTarget(db, { card: request.params.number }, scopeOf(request), { requireActiveCard: false });
      return getMemberView(db, t.member.id, scopeOf(request), deps.clock().toISOString());
    },
  );

  app.get(
    '/api/loyalty/members/:id/statement',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: "A member's transactions with running balances",
        params: IdParams,
        querystring: z.object({ from: Date_.optional(), to: Date_.optional() }),
        response: { 200: StatementSchema, ...errorResponses },
      },
    },
    async (request) =>
      memberStatement(
        db,
        { memberId: request.params.id },
        { fromDay: request.query.from ? dayNumber(request.query.from) : null, toDay: request.query.to ? dayNumber(request.query.to) : null },
        scopeOf(request),
      ),
  );

  app.post(
    '/api/loyalty/members/:id/cards',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: 'Issue another card to a member (cards share the member’s balances)', params: IdParams, body: z.strictObject({ venueCode: VenueCode }), response: { 201: CardSchema, ...writeErrors } },
    },
    async (request, reply) => {
      const c = await opContext(request, request.body.venueCode);
      return reply.status(201).send(await issueCard(db, request.params.id, c.venueId, c, c.scopeVenueId));
    },
  );

  app.post(
    '/api/loyalty/cards/:number/status',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Freeze, unfreeze or report a card lost',
        params: z.object({ number: z.string() }),
        body: z.strictObject({ status: z.enum(['active', 'frozen', 'lost']), reason: z.string().trim().max(200).optional() }),
        response: { 200: CardSchema, ...writeErrors },
      },
    },
    async (request) => setCardState(db, request.params.number, request.body.status, request.body.reason ?? null, writeContext(request, deps), scopeOf(request)),
  );

  app.post(
    '/api/loyalty/cards/:number/replace',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Replace a card: a new number for the same member, balances carried over',
        params: z.object({ number: z.string() }),
        body: z.strictObject({ reason: z.string().trim().max(200).optional(), venueCode: VenueCode }),
        response: { 201: z.object({ old: CardSchema, card: CardSchema }), ...writeErrors },
      },
    },
    async (request, reply) => {
      const c = await opContext(request, request.body.venueCode);
      return reply.status(201).send(await replaceCard(db, request.params.number, c.venueId, request.body.reason ?? null, c, c.scopeVenueId));
    },
  );

  // ---- point of sale ------------------------------------------------------------------------------

  const SaleFields = {
    ...MemberRefFields,
    amountMinor: Minor.min(0).optional().describe('Sale amount, when no lines are given'),
    lines: z.array(SaleLineSchema).max(1000).optional().describe('Lines with categories, for category multipliers'),
    discountMinor: Minor.min(0).optional(),
    campaigns: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    venueCode: VenueCode,
  };

  app.post(
    '/api/loyalty/quote',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'What a sale would earn, the tier discount, and what may be redeemed or spent on it',
        body: z.strictObject(SaleFields),
        response: { 200: QuoteSchema, ...writeErrors },
      },
    },
    async (request) => {
      const b = request.body;
      return quote(db, { member: memberRefOf(b), amountMinor: b.amountMinor, lines: b.lines, discountMinor: b.discountMinor, campaigns: b.campaigns }, await opContext(request, b.venueCode));
    },
  );

  app.post(
    '/api/loyalty/accruals',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Credit the points a sale earns (for sales not stored as orders; stored orders: POST /api/loyalty/orders/:externalId/accrue)',
        body: z.strictObject({ idempotencyKey: Key, ...SaleFields, reference: Reference }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const t = await accrue(
        db,
        { key: b.idempotencyKey, member: memberRefOf(b), amountMinor: b.amountMinor, lines: b.lines, discountMinor: b.discountMinor, campaigns: b.campaigns, reference: b.reference },
        await opContext(request, b.venueCode),
      );
      return sendTxn(reply, t);
    },
  );

  app.post(
    '/api/loyalty/orders/:externalId/accrue',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Bring points in line with a stored order: a sale earns, a return or cancellation takes back (idempotent per order state)',
        params: z.object({ externalId: z.string().min(1).max(100) }),
        body: z.strictObject({ referralCode: z.string().trim().min(1).max(20).optional().describe("The referrer's code, at the customer's first order") }).nullish(),
        response: { 200: OrderAccrualSchema, ...writeErrors },
      },
    },
    async (request) => {
      const order = await db.kysely.selectFrom('orders').select('id').where('external_id', '=', request.params.externalId).executeTakeFirst();
      if (!order) throw new PatronError('NOT_FOUND', `order ${request.params.externalId} not found`);
      return accrueForOrder(db, order.id, { w: writeContext(request, deps), referralCode: request.body?.referralCode, scopeVenueId: scopeOf(request) });
    },
  );

  app.post(
    '/api/loyalty/redemptions',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Pay with points at their cash value (oldest points first); 422 when the member has too few',
        body: z.strictObject({ idempotencyKey: Key, ...MemberRefFields, points: z.number().int().positive().optional(), amountMinor: Minor.positive().optional(), reference: Reference, venueCode: VenueCode }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendTxn(reply, await redeem(db, { key: b.idempotencyKey, member: memberRefOf(b), points: b.points, amountMinor: b.amountMinor, reference: b.reference }, await opContext(request, b.venueCode)));
    },
  );

  app.post(
    '/api/loyalty/topups',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Add stored value (充值); the programme’s top-up bonus is added and kept apart',
        body: z.strictObject({ idempotencyKey: Key, ...MemberRefFields, paidMinor: Minor.positive(), reference: Reference, venueCode: VenueCode }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendTxn(reply, await topUp(db, { key: b.idempotencyKey, member: memberRefOf(b), paidMinor: b.paidMinor, reference: b.reference }, await opContext(request, b.venueCode)));
    },
  );

  app.post(
    '/api/loyalty/spends',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Pay with stored value; 422 when the balance is too low (it never goes negative)',
        body: z.strictObject({ idempotencyKey: Key, ...MemberRefFields, amountMinor: Minor.positive(), reference: Reference, venueCode: VenueCode }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendTxn(reply, await spend(db, { key: b.idempotencyKey, member: memberRefOf(b), amountMinor: b.amountMinor, reference: b.reference }, await opContext(request, b.venueCode)));
    },
  );

  app.post(
    '/api/loyalty/cashouts',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Give paid-in stored value back in cash (the matching share of bonus is forfeited)',
        body: z.strictObject({ idempotencyKey: Key, ...MemberRefFields, amountMinor: Minor.positive().optional(), reference: Reference, venueCode: VenueCode }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendTxn(reply, await cashOut(db, { key: b.idempotencyKey, member: memberRefOf(b), amountMinor: b.amountMinor, reference: b.reference }, await opContext(request, b.venueCode)));
    },
  );

  app.post(
    '/api/loyalty/refunds',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Reverse (part of) an accrual (a return), a redemption or a stored-value spend, at the venue where it happened',
        body: z.strictObject({ idempotencyKey: Key, txnId: z.number().int().positive(), amountMinor: Minor.positive().optional(), points: z.number().int().positive().optional(), reference: Reference }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const w = writeContext(request, deps);
      return sendTxn(reply, await refund(db, { key: b.idempotencyKey, txnId: b.txnId, amountMinor: b.amountMinor, points: b.points, reference: b.reference }, { ...w, venueId: null, scopeVenueId: scopeOf(request) }));
    },
  );

  app.post(
    '/api/loyalty/adjustments',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Correct a member’s points, or grant or correct bonus stored value, with a reason (a new entry; nothing is edited)',
        body: z.strictObject({
          idempotencyKey: Key,
          ...MemberRefFields,
          points: z.number().int().describe('Points, or minor units when unit is stored_value; negative takes'),
          unit: z.enum(['points', 'stored_value']).default('points').describe('stored_value: credited as bonus (spendable, not paid out in cash)'),
          reason: z.string().trim().min(3).max(500),
          venueCode: VenueCode,
        }),
        response: { 201: TxnResultSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendTxn(reply, await adjust(db, { key: b.idempotencyKey, member: memberRefOf(b), points: b.points, reason: b.reason, unit: b.unit }, await opContext(request, b.venueCode)));
    },
  );

  // ---- referrals ----------------------------------------------------------------------------------

  app.post(
    '/api/loyalty/referral-codes/:id',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: { tags: ['loyalty'], summary: "A customer's referral code (made on first request)", params: IdParams, response: { 200: z.object({ customerId: z.number().int(), code: z.string() }), ...writeErrors } },
    },
    async (request) => ({ customerId: request.params.id, code: await referralCodeFor(db, request.params.id, writeContext(request, deps)) }),
  );

  app.post(
    '/api/loyalty/referrals',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: 'Attribute a new customer to the owner of a referral code (at sign-up or first order)',
        body: z.strictObject({ customerId: z.number().int().positive(), code: z.string().trim().min(1).max(20) }),
        response: { 200: z.object({ referrerId: z.number().int(), attributed: z.boolean() }), ...writeErrors },
      },
    },
    async (request) => attributeReferralTx(db, request.body.customerId, request.body.code, writeContext(request, deps)),
  );

  app.get(
    '/api/loyalty/referrals/:id',
    {
      onRequest: requirePermission('loyalty:operate'),
      schema: {
        tags: ['loyalty'],
        summary: "A customer's referral tree with each referrer's referred value",
        params: IdParams,
        querystring: z.object({ depth: z.coerce.number().int().min(1).max(50).optional() }),
        response: { 200: ReferralTreeSchema, ...errorResponses },
      },
    },
    async (request) => referralTreeOf(db, request.params.id, request.query.depth),
  );
}
