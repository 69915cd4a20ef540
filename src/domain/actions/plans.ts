import { z } from 'zod';
import { type ContactPlan, type PlanSegment, type SegmentAllocation, allocateBudget, PLAN_DEFAULTS } from '../../analytics/plan/index.js';
import type { Db } from '../../storage/db.js';
import {
  contactPlanSegments,
  getContactPlan,
  getSnapshotRef,
  insertContactPlan,
  insertTouches,
  listContactPlans,
  SEGMENT_COLUMNS,
  segmentAggregates,
  segmentPredictedValues,
  segmentMembers,
  setContactPlanStatus,
  touchTotalsByPurpose,
  type ContactPlanRow,
  type ContactPlanSegmentRow,
  type NewTouch,
  type SegmentScheme,
  type SnapshotRef,
} from '../../storage/actions.repo.js';
import { appendAudit } from '../../storage/audit.repo.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { getPredictionRun, latestPredictionRun } from '../../storage/predictions.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber, instantFromUtcMs, localToUtcMs } from '../time.js';
import { filterReachable, type ReachCounts } from './channels.js';
import { translating } from './errors.js';

/**
 * Contact plans by segment (DOMAIN.md section 7, the apparel chain): the segments of a
 * value-analytics snapshot get a share of the marketing budget, contacts per quarter, channels
 * and a content type. The pure `allocateBudget` proposes the split (by sales, predicted value or
 * manual shares, within limits) and shows spend per customer against the average and budget per
 * unit of sales; a saved plan is a record of that decision. Contacts made under a plan are logged
 * as touchpoints with their cost, so the next snapshot's cost to serve includes them.
 */

export const SCHEMES = Object.keys(SEGMENT_COLUMNS) as SegmentScheme[];
/** Scheme names of the value-analytics reports accepted as aliases. */
const SCHEME_ALIASES: Record<string, SegmentScheme> = { rfm: 'rfm-named', cell: 'rfm-cell', tiers: 'tier', deciles: 'decile' };

export const SchemeSchema = z
  .string()
  .transform((s) => SCHEME_ALIASES[s] ?? s)
  .pipe(z.enum(SCHEMES as [SegmentScheme, ...SegmentScheme[]]));

const ContactsSchema = z
  .strictObject({
    min: z.number().min(0).optional(),
    max: z.number().min(0).optional(),
    planned: z.number().min(0).optional(),
  })
  .describe('contacts per customer per quarter');

export const SegmentSettingsSchema = z.strictObject({
  share: z.number().min(0).optional().describe("weight for the 'manual' rule (60/35/5 and 0.6/0.35/0.05 are the same)"),
  minShare: z.number().min(0).max(1).optional(),
  maxShare: z.number().min(0).max(1).optional(),
  contacts: ContactsSchema.optional(),
  channels: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).optional(),
  contentType: z.string().trim().min(1).max(200).optional(),
  predictedValueMinor: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("segment's predicted future value for the 'predicted-value' rule; default: the summed CLV of its customers in the latest prediction run"),
});
export type SegmentSettings = z.output<typeof SegmentSettingsSchema>;

export const PlanProposalSchema = z.strictObject({
  snapshotId: z.number().int().positive().optional().describe('default: the newest completed snapshot'),
  scheme: SchemeSchema,
  budgetMinor: z.number().int().min(0).describe('marketing budget, minor units'),
  rule: z.enum(['sales', 'predicted-value', 'manual']).default('sales'),
  predictionRunId: z.number().int().positive().optional().describe("prediction run for the 'predicted-value' rule; default: the latest completed"),
  periodQuarters: z.number().positive().max(40).default(PLAN_DEFAULTS.periodQuarters).describe('quarters the budget covers'),
  segments: z.record(z.string(), SegmentSettingsSchema).default({}),
  only: z.array(z.string()).optional().describe('plan only these segments (the rest get nothing)'),
});
export type PlanProposalInput = z.input<typeof PlanProposalSchema>;

export const PlanSaveSchema = PlanProposalSchema.extend({
  name: z.string().trim().min(1).max(200),
  note: z.string().max(2000).optional(),
  status: z.enum(['draft', 'active']).default('draft'),
});
export type PlanSaveInput = z.input<typeof PlanSaveSchema>;

export interface PlanSegmentView extends SegmentAllocation {
  channels: string[];
  contentType: string | null;
  manualShare: number | null;
  minShare: number | null;
  maxShare: number | null;
}

export interface PlanProposal {
  snapshot: { id: number; asOf: string };
  /** The prediction run whose CLVs gave segments their predicted value ('predicted-value' rule), if one was read. */
  predictions: { runId: number; asOf: string; customersPredicted: number } | null;
  scheme: SegmentScheme;
  rule: ContactPlan['rule'];
  budgetMinor: number;
  periodQuarters: number;
  totals: ContactPlan['totals'];
  limitsApplied: boolean;
  segments: PlanSegmentView[];
}

async function snapshotOrFail(db: Kysely<Database>, id: number | undefined): Promise<SnapshotRef> {
  const s = await getSnapshotRef(db, id);
  if (!s) {
    throw id === undefined
      ? new PatronError('UNSUPPORTED_DATA', 'no completed value-analytics snapshot: run `patron analyze` first')
      : new PatronError('NOT_FOUND', `snapshot ${id} not found`);
  }
  if (s.status !== 'completed') throw new PatronError('UNSUPPORTED_DATA', `snapshot ${s.id} is ${s.status}, not completed`);
  return s;
}

/** Proposes a plan from a snapshot's segments (not stored). */
export async function proposePlan(db: Db, input: PlanProposalInput): Promise<PlanProposal> {
  const q = PlanProposalSchema.parse(input);
  const k = db.kysely;
  const snap = await snapshotOrFail(k, q.snapshotId);
  let aggs = await segmentAggregates(k, snap.id, q.scheme);
  const known = new Set(aggs.map((a) => a.segment));
  const unknown = [...Object.keys(q.segments), ...(q.only ?? [])].filter((s) => !known.has(s));
  if (unknown.length) {
    throw new PatronError(
      'VALIDATION',
      `no ${q.scheme} segment ${unknown.map((s) => `"${s}"`).join(', ')} in snapshot ${snap.id} (segments: ${[...known].sort().join(', ')})`,
    );
  }
  if (q.only) {
    const only = new Set(q.only);
    aggs = aggs.filter((a) => only.has(a.segment));
  }
  // 'predicted-value' without values given: the segments' summed CLV from stored predictions.
  let predicted: Map<string, { predictedMinor: number; customersPredicted: number }> | null = null;
  let predictionRun: { id: number; as_of: string; status: string } | undefined;
  if (q.rule === 'predicted-value' && aggs.some((a) => q.segments[a.segment]?.predictedValueMinor === undefined)) {
    predictionRun = q.predictionRunId !== undefined ? await getPredictionRun(k, q.predictionRunId) : await latestPredictionRun(k);
    if (!predictionRun) {
      throw q.predictionRunId !== undefined
        ? new PatronError('NOT_FOUND', `prediction run ${q.predictionRunId} not found`)
        : new PatronError('UNSUPPORTED_DATA', "the 'predicted-value' rule needs predicted values: run `patron predict` first, or give each segment's predictedValueMinor");
    }
    if (predictionRun.status !== 'completed') {
      throw new PatronError('UNSUPPORTED_DATA', `prediction run ${predictionRun.id} has no stored customer predictions (status ${predictionRun.status})`);
    }
    predicted = await segmentPredictedValues(k, snap.id, q.scheme, predictionRun.id);
  }
  // Top segments first: by sales, then by name for a stable order.
  aggs.sort((a, b) => b.salesMinor - a.salesMinor || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0));
  const segments: PlanSegment[] = aggs.map((a) => {
    const s = q.segments[a.segment] ?? {};
    return {
      id: a.segment,
      customers: a.customers,
      // A segment whose returns outweigh its sales has no sales to plan on.
      sales: Math.max(0, a.salesMinor),
      ...(s.predictedValueMinor !== undefined
        ? { predictedValue: s.predictedValueMinor }
        : predicted
          ? { predictedValue: predicted.get(a.segment)?.predictedMinor ?? 0 }
          : {}),
      ...(s.share !== undefined ? { manualShare: s.share } : {}),
      ...(s.minShare !== undefined ? { minShare: s.minShare } : {}),
      ...(s.maxShare !== undefined ? { maxShare: s.maxShare } : {}),
      ...(s.contacts ? { contacts: s.contacts } : {}),
    };
  });
  const plan = translating(() => allocateBudget({ segments, totalBudget: q.budgetMinor, rule: q.rule, periodQuarters: q.periodQuarters }));
  return {
    snapshot: { id: snap.id, asOf: snap.asOf },
    predictions: predictionRun && predicted
      ? { runId: predictionRun.id, asOf: predictionRun.as_of, customersPredicted: [...predicted.values()].reduce((n, v) => n + v.customersPredicted, 0) }
      : null,
    scheme: q.scheme,
    rule: plan.rule,
    budgetMinor: q.budgetMinor,
    periodQuarters: plan.periodQuarters,
    totals: plan.totals,
    limitsApplied: plan.limitsApplied,
    segments: plan.segments.map((a) => {
      const s = q.segments[a.id] ?? {};
      return {
        ...a,
        channels: s.channels ?? [],
        contentType: s.contentType ?? null,
        manualShare: s.share ?? null,
        minShare: s.minShare ?? null,
        maxShare: s.maxShare ?? null,
      };
    }),
  };
}

export interface WriteContext {
  actor: string;
  /** ISO-8601 UTC. */
  now: string;
}

export interface ContactsLogged {
  contacts: number;
  customers: number;
  costMinor: number;
}

export interface SavedPlanSegment {
  segment: string;
  customers: number;
  salesMinor: number;
  predictedValueMinor: number | null;
  manualShare: number | null;
  minShare: number | null;
  maxShare: number | null;
  budgetShare: number;
  budgetMinor: number;
  spendPerCustomer: number | null;
  spendIndex: number | null;
  budgetPerSales: number | null;
  contactsPerQuarter: { min: number | null; max: number | null; planned: number | null };
  /** budget / (customers · planned contacts · quarters): the default cost logged per contact. */
  spendPerContact: number | null;
  channels: string[];
  contentType: string | null;
  /** Contacts logged under this plan and segment so far, and what they cost. */
  logged: ContactsLogged;
}

export interface SavedPlan {
  id: number;
  name: string;
  status: ContactPlanRow['status'];
  snapshotId: number | null;
  scheme: string;
  rule: ContactPlanRow['rule'];
  budgetMinor: number;
  periodQuarters: number;
  totals: ContactPlan['totals'];
  note: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  segments: SavedPlanSegment[];
  logged: ContactsLogged;
}

export function planPurpose(planId: number, segment: string): string {
  return `plan:${planId}:${segment}`;
}

function spendPerContact(r: ContactPlanSegmentRow, quarters: number): number | null {
  return r.contacts_planned && r.customers > 0 ? Number(r.budget_minor) / (r.customers * r.contacts_planned * quarters) : null;
}

function toSavedPlan(p: ContactPlanRow, segs: ContactPlanSegmentRow[], logged: Map<string, ContactsLogged>): SavedPlan {
  const none: ContactsLogged = { contacts: 0, customers: 0, costMinor: 0 };
  const segments = segs.map((r) => ({
    segment: r.segment,
    customers: r.customers,
    salesMinor: Number(r.sales_minor),
    predictedValueMinor: r.predicted_value_minor === null ? null : Number(r.predicted_value_minor),
    manualShare: r.manual_share,
    minShare: r.min_share,
    maxShare: r.max_share,
    budgetShare: r.budget_share,
    budgetMinor: Number(r.budget_minor),
    spendPerCustomer: r.spend_per_customer,
    spendIndex: r.spend_index,
    budgetPerSales: r.budget_per_sales,
    contactsPerQuarter: { min: r.contacts_min, max: r.contacts_max, planned: r.contacts_planned },
    spendPerContact: spendPerContact(r, p.period_quarters),
    channels: JSON.parse(r.channels) as string[],
    contentType: r.content_type,
    logged: logged.get(planPurpose(Number(p.id), r.segment)) ?? none,
  }));
  const total = { contacts: 0, customers: 0, costMinor: 0 };
  for (const s of segments) {
    total.contacts += s.logged.contacts;
    total.customers += s.logged.customers;
    total.costMinor += s.logged.costMinor;
  }
  return {
    id: Number(p.id),
    name: p.name,
    status: p.status,
    snapshotId: p.snapshot_id === null ? null : Number(p.snapshot_id),
    scheme: p.scheme,
    rule: p.rule,
    budgetMinor: Number(p.budget_minor),
    periodQuarters: p.period_quarters,
    totals: JSON.parse(p.totals) as ContactPlan['totals'],
    note: p.note,
    createdAt: p.created_at,
    createdBy: p.created_by,
    updatedAt: p.updated_at,
    segments,
    logged: total,
  };
}

/** Computes the plan from the data now and stores it with its segments. */
export async function savePlan(db: Db, input: PlanSaveInput, w: WriteContext): Promise<SavedPlan> {
  const q = PlanSaveSchema.parse(input);
  const { snapshotId, scheme, budgetMinor, rule, periodQuarters, segments, only } = q;
  const proposal = await proposePlan(db, { snapshotId, scheme, budgetMinor, rule, periodQuarters, segments, only });
  const id = await db.kysely.transaction().execute(async (trx) => {
    const saved = await insertContactPlan(
      trx,
      {
        name: q.name,
        snapshot_id: proposal.snapshot.id,
        scheme: proposal.scheme,
        rule: proposal.rule,
        budget_minor: proposal.budgetMinor,
        period_quarters: proposal.periodQuarters,
        status: q.status,
        totals: JSON.stringify(proposal.totals),
        note: q.note ?? null,
        created_at: w.now,
        created_by: w.actor,
        updated_at: w.now,
      },
      proposal.segments.map((s, position) => ({
        position,
        segment: s.id,
        customers: s.customers,
        sales_minor: s.sales,
        predicted_value_minor: s.predictedValue,
        manual_share: s.manualShare,
        min_share: s.minShare,
        max_share: s.maxShare,
        budget_share: s.budgetShare,
        budget_minor: s.budget,
        spend_per_customer: s.spendPerCustomer,
        spend_index: s.spendIndex,
        budget_per_sales: s.budgetPerSales,
        contacts_min: s.contactsPerQuarter.min,
        contacts_max: s.contactsPerQuarter.max,
        contacts_planned: s.contactsPerQuarter.planned,
        channels: JSON.stringify(s.channels),
        content_type: s.contentType,
      })),
    );
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'create',
      entity: 'contact_plan',
      entityId: saved.id,
      detail: { name: q.name, scheme: proposal.scheme, rule: proposal.rule, budgetMinor: proposal.budgetMinor, snapshotId: proposal.snapshot.id },
    });
    return Number(saved.id);
  });
  return getPlan(db, id);
}

export async function getPlan(db: Db, id: number): Promise<SavedPlan> {
  const k = db.kysely;
  const p = await getContactPlan(k, id);
  if (!p) throw new PatronError('NOT_FOUND', `contact plan ${id} not found`);
  const segs = await contactPlanSegments(k, id);
  return toSavedPlan(p, segs, await touchTotalsByPurpose(k, `plan:${id}:`));
}

export async function listPlans(db: Db, limit = 100): Promise<Omit<SavedPlan, 'segments'>[]> {
  const out: Omit<SavedPlan, 'segments'>[] = [];
  for (const p of await listContactPlans(db.kysely, limit)) {
    // Segment totals without the segment rows: the plan's own sum of what was logged.
    const { segments, ...header } = toSavedPlan(p, [], new Map());
    const logged = { contacts: 0, customers: 0, costMinor: 0 };
    for (const v of (await touchTotalsByPurpose(db.kysely, `plan:${p.id}:`)).values()) {
      logged.contacts += v.contacts;
      logged.customers += v.customers;
      logged.costMinor += v.costMinor;
    }
    void segments;
    out.push({ ...header, logged });
  }
  return out;
}

export async function setPlanStatus(db: Db, id: number, status: 'draft' | 'active' | 'archived', w: WriteContext): Promise<SavedPlan> {
  await db.kysely.transaction().execute(async (trx) => {
    if (!(await setContactPlanStatus(trx, id, status, w.now))) throw new PatronError('NOT_FOUND', `contact plan ${id} not found`);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'contact_plan', entityId: id, detail: { status } });
  });
  return getPlan(db, id);
}

export const LogContactsSchema = z.strictObject({
  segment: z.string().min(1),
  channel: z.string().trim().toLowerCase().min(1).max(40).optional().describe("default: the segment's first planned channel"),
  costPerContactMinor: z.number().int().min(0).optional().describe("default: the plan's budget per contact, rounded"),
  date: z.iso.date().optional().describe('business-local date of the contacts (default today)'),
  ref: z.string().trim().regex(/^[A-Za-z0-9._-]{1,40}$/).optional().describe('tells apart several contacts on one day (re-running with the same date and ref logs nothing new)'),
  purpose: z.string().trim().max(200).optional(),
});
export type LogContactsInput = z.input<typeof LogContactsSchema>;

export interface LogContactsResult extends ReachCounts {
  planId: number;
  segment: string;
  channel: string;
  date: string;
  costPerContactMinor: number;
  /** Newly logged contacts (an earlier run with the same date and ref is not logged twice). */
  logged: number;
  alreadyLogged: number;
  costMinor: number;
}

/**
 * Logs one contact (with its cost) for every customer of a plan segment that the channel may
 * reach. Customers come from the plan's snapshot; SMS and e-mail respect consent.
 */
export async function logPlanContacts(db: Db, planId: number, input: LogContactsInput, w: WriteContext): Promise<LogContactsResult> {
  const q = LogContactsSchema.parse(input);
  const k = db.kysely;
  const plan = await getPlan(db, planId);
  const seg = plan.segments.find((s) => s.segment === q.segment);
  if (!seg) throw new PatronError('VALIDATION', `plan ${planId} has no segment "${q.segment}" (segments: ${plan.segments.map((s) => s.segment).join(', ')})`);
  if (plan.snapshotId === null) throw new PatronError('UNSUPPORTED_DATA', `the snapshot of plan ${planId} was deleted: its segment members are unknown`);
  const channel = q.channel ?? seg.channels[0];
  if (!channel) throw new PatronError('VALIDATION', `segment "${q.segment}" has no planned channel: give one`);
  const cost = q.costPerContactMinor ?? (seg.spendPerContact === null ? null : Math.round(seg.spendPerContact));
  if (cost === null) throw new PatronError('VALIDATION', `segment "${q.segment}" has no planned contacts per quarter: give the cost per contact`);
  const tz = (await getSettings(k)).timeZone;
  let when: { utc: string; localDate: string; day: number };
  if (q.date) {
    // Contacts on a past or future date: noon local time stands for "that day".
    const day = dayNumber(q.date);
    when = { utc: new Date(localToUtcMs(day * 86_400_000 + 12 * 3_600_000, tz)).toISOString(), localDate: q.date, day };
  } else {
    when = instantFromUtcMs(Date.parse(w.now), tz);
  }
  const members = await segmentMembers(k, plan.snapshotId, plan.scheme as SegmentScheme, q.segment);
  const { ok, counts } = filterReachable(members, channel);
  const purpose = planPurpose(planId, q.segment);
  const ref = q.ref ? `:${q.ref}` : '';
  const touches: NewTouch[] = ok.map((m) => ({
    externalId: `${purpose}:${when.localDate}${ref}:${m.customerId}`,
    customerId: m.customerId,
    occurredAt: when.utc,
    day: when.day,
    channel,
    purpose,
    costMinor: cost,
    note: q.purpose ?? seg.contentType,
    createdBy: w.actor,
  }));
  const ids = await k.transaction().execute(async (trx) => {
    const r = await insertTouches(trx, touches);
    const logged = r.filter((x) => x !== null).length;
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'log_contacts',
      entity: 'contact_plan',
      entityId: planId,
      detail: { segment: q.segment, channel, date: when.localDate, logged, costPerContactMinor: cost, ...counts },
    });
    return r;
  });
  const logged = ids.filter((x) => x !== null).length;
  return {
    planId,
    segment: q.segment,
    channel,
    date: when.localDate,
    costPerContactMinor: cost,
    ...counts,
    logged,
    alreadyLogged: touches.length - logged,
    costMinor: logged * cost,
  };
}
