import { z } from 'zod';
import { assignControlGroup, CAMPAIGN_DEFAULTS, measureCampaign as measureOutcomes } from '../../analytics/campaign/index.js';
import type { Interval } from '../../analytics/satisfaction/intervals.js';
import type { Db } from '../../storage/db.js';
import {
  campaignContactCost,
  campaignMembers,
  getCampaign,
  getCampaignByCode,
  getSnapshotRef,
  insertCampaign,
  insertTouches,
  listCampaigns,
  markCampaignSent,
  memberOutcomes,
  segmentAggregates,
  segmentMembers,
  type CampaignRow,
  type SegmentScheme,
} from '../../storage/actions.repo.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate, instantFromUtcMs } from '../time.js';
import { CONSENT_CHANNELS, csvField, filterReachable, type ReachCounts } from './channels.js';
import { translating } from './errors.js';
import { getPlan, SchemeSchema, type WriteContext } from './plans.js';

/**
 * Campaigns that prove themselves (DOMAIN.md section 7, "measure results and ROI"): a campaign
 * targets one segment of a snapshot, leaves out customers the channel may not reach (no consent,
 * no address: counted), holds out a random control group that is reproducible from the campaign
 * code (the pure `assignControlGroup`), exports the treatment list for a mailer or SMS tool, logs
 * each send as a contact with its cost, and measures response and revenue uplift from later
 * orders, treatment vs control, with confidence intervals and ROI (the pure `measureCampaign`).
 */
export const CAMPAIGN_ACTION_DEFAULTS = Object.freeze({
  /** Share of the reachable audience held out as control. */
  controlFraction: 0.1,
  /** Days after the send in which orders count as responses. */
  windowDays: 30,
  level: CAMPAIGN_DEFAULTS.level,
});

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const CampaignCreateSchema = z.strictObject({
  code: z.string().regex(CODE, 'letters, digits, . _ - (up to 64)').optional().describe('seeds the control group; default generated from the date'),
  name: z.string().trim().min(1).max(200),
  snapshotId: z.number().int().positive().optional().describe("default: the plan's snapshot, else the newest completed one"),
  planId: z.number().int().positive().optional(),
  scheme: SchemeSchema.optional().describe("default: the plan's scheme"),
  segment: z.string().min(1),
  channel: z.enum(CONSENT_CHANNELS).optional().describe("default: the plan segment's first consent channel"),
  contentType: z.string().trim().min(1).max(200).optional(),
  controlFraction: z.number().gt(0).lt(1).default(CAMPAIGN_ACTION_DEFAULTS.controlFraction),
  costPerContactMinor: z.number().int().min(0).optional().describe("default: the plan segment's budget per contact, else 0"),
  fixedCostMinor: z.number().int().min(0).default(0).describe('creative, set-up: counted once in ROI'),
  windowDays: z.number().int().min(1).max(730).default(CAMPAIGN_ACTION_DEFAULTS.windowDays),
});
export type CampaignCreateInput = z.input<typeof CampaignCreateSchema>;

export interface CampaignAudience extends ReachCounts {
  /** Customers in the segment. */
  segmentCustomers: number;
  treatment: number;
  control: number;
}

export interface CampaignView {
  id: number;
  code: string;
  name: string;
  status: CampaignRow['status'];
  snapshotId: number | null;
  planId: number | null;
  scheme: string;
  segment: string;
  channel: string;
  contentType: string | null;
  controlFraction: number;
  costPerContactMinor: number;
  fixedCostMinor: number;
  windowDays: number;
  audience: CampaignAudience;
  sentAt: string | null;
  sentDate: string | null;
  createdAt: string;
  createdBy: string;
}

function toView(c: CampaignRow): CampaignView {
  return {
    id: Number(c.id),
    code: c.code,
    name: c.name,
    status: c.status,
    snapshotId: c.snapshot_id === null ? null : Number(c.snapshot_id),
    planId: c.plan_id === null ? null : Number(c.plan_id),
    scheme: c.scheme,
    segment: c.segment,
    channel: c.channel,
    contentType: c.content_type,
    controlFraction: c.control_fraction,
    costPerContactMinor: Number(c.cost_per_contact_minor),
    fixedCostMinor: Number(c.fixed_cost_minor),
    windowDays: c.window_days,
    audience: JSON.parse(c.audience) as CampaignAudience,
    sentAt: c.sent_at,
    sentDate: c.sent_day === null ? null : dayToDate(c.sent_day),
    createdAt: c.created_at,
    createdBy: c.created_by,
  };
}

/** By numeric id, or by code. */
async function campaignOrFail(db: Db, ref: number | string): Promise<CampaignRow> {
  const c = typeof ref === 'number' ? await getCampaign(db.kysely, ref) : await getCampaignByCode(db.kysely, ref);
  if (!c) throw new PatronError('NOT_FOUND', `campaign ${ref} not found`);
  return c;
}

export async function getCampaignView(db: Db, ref: number | string): Promise<CampaignView> {
  return toView(await campaignOrFail(db, ref));
}

export async function listCampaignViews(db: Db, limit = 100): Promise<CampaignView[]> {
  return (await listCampaigns(db.kysely, limit)).map(toView);
}

/** Defines the campaign and draws its groups from the segment's reachable customers. */
export async function createCampaign(db: Db, input: CampaignCreateInput, w: WriteContext): Promise<CampaignView> {
  const q = CampaignCreateSchema.parse(input);
  const k = db.kysely;
  const plan = q.planId === undefined ? null : await getPlan(db, q.planId);
  const scheme = (q.scheme ?? plan?.scheme) as SegmentScheme | undefined;
  if (!scheme) throw new PatronError('VALIDATION', 'give the segment scheme (or a plan to take it from)');
  if (plan && plan.scheme !== scheme) throw new PatronError('VALIDATION', `plan ${plan.id} segments by ${plan.scheme}, not ${scheme}`);
  if (plan && plan.snapshotId === null && q.snapshotId === undefined) {
    throw new PatronError('UNSUPPORTED_DATA', `the snapshot of plan ${plan.id} was deleted: give --snapshot`);
  }
  const snapshotId = q.snapshotId ?? plan?.snapshotId ?? undefined;
  const snap = await getSnapshotRef(k, snapshotId);
  if (!snap) {
    throw snapshotId === undefined
      ? new PatronError('UNSUPPORTED_DATA', 'no completed value-analytics snapshot: run `patron analyze` first')
      : new PatronError('NOT_FOUND', `snapshot ${snapshotId} not found`);
  }
  if (snap.status !== 'completed') throw new PatronError('UNSUPPORTED_DATA', `snapshot ${snap.id} is ${snap.status}, not completed`);
  const planSeg = plan?.segments.find((s) => s.segment === q.segment);
  if (plan && !planSeg) throw new PatronError('VALIDATION', `plan ${plan.id} has no segment "${q.segment}"`);
  const channel = q.channel ?? planSeg?.channels.find((c): c is (typeof CONSENT_CHANNELS)[number] => (CONSENT_CHANNELS as readonly string[]).includes(c));
  if (!channel) throw new PatronError('VALIDATION', `give the channel (${CONSENT_CHANNELS.join(' or ')})`);
  const costPerContact = q.costPerContactMinor ?? (planSeg?.spendPerContact != null ? Math.round(planSeg.spendPerContact) : 0);

  const members = await segmentMembers(k, snap.id, scheme, q.segment);
  if (members.length === 0) {
    const segs = (await segmentAggregates(k, snap.id, scheme)).map((s) => s.segment).sort();
    throw new PatronError('VALIDATION', `no customers in ${scheme} segment "${q.segment}" of snapshot ${snap.id} (segments: ${segs.join(', ')})`);
  }
  const { ok, counts } = filterReachable(members, channel);
  if (ok.length === 0) {
    throw new PatronError(
      'UNSUPPORTED_DATA',
      `no customer of ${scheme} segment "${q.segment}" can be reached by ${channel}: ${counts.excludedNoConsent} without consent, ${counts.excludedNoAddress} without ${channel === 'sms' ? 'a phone number' : 'an e-mail address'}`,
    );
  }
  const code = q.code ?? `cmp-${w.now.slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
  if (await getCampaignByCode(k, code)) throw new PatronError('CONFLICT', `campaign code ${code} is taken`);
  // Assign by external id: stable across re-imports and reproducible outside Patron (docs/analytics/actions.md).
  const split = translating(() => assignControlGroup(code, ok.map((m) => m.externalId), q.controlFraction));
  const byExternal = new Map(ok.map((m) => [m.externalId, m.customerId]));
  const control = new Set(split.control);
  const audience: CampaignAudience = { segmentCustomers: members.length, ...counts, treatment: split.treatment.length, control: split.control.length };
  const id = await k.transaction().execute(async (trx) => {
    const saved = await insertCampaign(
      trx,
      {
        code,
        name: q.name,
        snapshot_id: snap.id,
        plan_id: plan?.id ?? null,
        scheme,
        segment: q.segment,
        channel,
        content_type: q.contentType ?? planSeg?.contentType ?? null,
        control_fraction: q.controlFraction,
        cost_per_contact_minor: costPerContact,
        fixed_cost_minor: q.fixedCostMinor,
        window_days: q.windowDays,
        status: 'draft',
        audience: JSON.stringify(audience),
        sent_at: null,
        sent_day: null,
        created_at: w.now,
        created_by: w.actor,
      },
      ok.map((m) => ({ customerId: byExternal.get(m.externalId)!, group: control.has(m.externalId) ? 'control' : 'treatment' })),
    );
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'campaign', entityId: saved.id, detail: { code, scheme, segment: q.segment, channel, ...audience } });
    return Number(saved.id);
  });
  return getCampaignView(db, id);
}

export const EXPORT_COLUMNS = ['external_id', 'name', 'phone', 'email', 'consent_sms', 'consent_email', 'channel', 'campaign', 'segment', 'content_type'] as const;

export interface CampaignExport extends ReachCounts {
  campaign: string;
  /** CSV (UTF-8, header row, CRLF line ends as RFC 4180). */
  csv: string;
  rows: number;
}

/**
 * The treatment list for the mailer / SMS tool. Consent is checked again: a customer who withdrew
 * it since the campaign was created is left out and counted (and stays in the treatment group
 * for measurement: intention to treat).
 */
export async function exportCampaign(db: Db, ref: number | string): Promise<CampaignExport> {
  const c = await campaignOrFail(db, ref);
  const members = await campaignMembers(db.kysely, Number(c.id), 'treatment');
  const { ok, counts } = filterReachable(members, c.channel);
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const m of ok) {
    lines.push(
      [
        csvField(m.externalId),
        csvField(m.name, true),
        csvField(m.phone),
        csvField(m.email),
        csvField(m.consentSms),
        csvField(m.consentEmail),
        csvField(c.channel),
        csvField(c.code),
        csvField(c.segment),
        csvField(c.content_type, true),
      ].join(','),
    );
  }
  return { campaign: c.code, csv: lines.join('\r\n') + '\r\n', rows: ok.length, ...counts };
}

export const CampaignSendSchema = z.strictObject({
  sentAt: z.iso.datetime({ offset: true }).optional().describe('when it went out (default now)'),
  costPerContactMinor: z.number().int().min(0).optional().describe("default: the campaign's"),
});
export type CampaignSendInput = z.input<typeof CampaignSendSchema>;

export interface CampaignSendResult extends ReachCounts {
  campaign: string;
  sentAt: string;
  /** Contacts logged now (each with its cost). */
  logged: number;
  costMinor: number;
}

/** Records the send: one contact (touchpoint, with cost) per reachable treatment customer. */
export async function sendCampaign(db: Db, ref: number | string, input: CampaignSendInput, w: WriteContext): Promise<CampaignSendResult> {
  const q = CampaignSendSchema.parse(input);
  const c = await campaignOrFail(db, ref);
  if (c.status !== 'draft') throw new PatronError('CONFLICT', `campaign ${c.code} was already sent (${c.sent_at})`);
  const k = db.kysely;
  const tz = (await getSettings(k)).timeZone;
  const when = instantFromUtcMs(Date.parse(q.sentAt ?? w.now), tz);
  const cost = q.costPerContactMinor ?? Number(c.cost_per_contact_minor);
  const members = await campaignMembers(k, Number(c.id), 'treatment');
  const { ok, counts } = filterReachable(members, c.channel);
  const purpose = `campaign:${c.code}`;
  const logged = await k.transaction().execute(async (trx) => {
    const ids = await insertTouches(
      trx,
      ok.map((m) => ({
        externalId: `${purpose}:${m.customerId}`,
        customerId: m.customerId,
        occurredAt: when.utc,
        day: when.day,
        channel: c.channel,
        purpose,
        costMinor: cost,
        note: c.content_type,
        createdBy: w.actor,
      })),
    );
    const linked = ok.flatMap((m, i) => (ids[i] === null ? [] : [{ customerId: m.customerId, contactId: ids[i]! }]));
    await markCampaignSent(trx, Number(c.id), { at: when.utc, day: when.day }, linked);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'send', entity: 'campaign', entityId: c.id, detail: { code: c.code, logged: linked.length, costPerContactMinor: cost, ...counts } });
    return linked.length;
  });
  return { campaign: c.code, sentAt: when.utc, ...counts, logged, costMinor: logged * cost };
}

export const CampaignMeasureSchema = z.strictObject({
  asOf: z.iso.date().optional().describe('measure with orders up to this business-local date (default today)'),
  windowDays: z.coerce.number().int().min(1).max(730).optional().describe("default: the campaign's"),
  marginRate: z.coerce.number().min(0).max(1).optional().describe('margin on incremental revenue; default: observed on the window orders with known cost'),
  level: z.coerce.number().gt(0).lt(1).default(CAMPAIGN_ACTION_DEFAULTS.level),
});
export type CampaignMeasureInput = z.input<typeof CampaignMeasureSchema>;

export interface GroupResult {
  customers: number;
  responders: number;
  responseRate: number;
  revenueMinor: number;
  revenuePerCustomer: number;
}

export interface CampaignResult {
  campaign: CampaignView;
  window: {
    /** Orders at or after the send instant count... */
    from: string;
    /** ...up to and including this business-local date. */
    to: string;
    days: number;
    /** False while the window has not ended (as-of date before its last day). */
    complete: boolean;
  };
  groups: { treatment: GroupResult; control: GroupResult };
  /**
   * Statistics that are undefined in degenerate data (no one bought in either group: zero
   * variance) are null rather than NaN.
   */
  response: {
    difference: number;
    ci: Interval;
    pValue: number | null;
    /** Treatment rate / control rate - 1; null when the control rate is 0. */
    relativeLift: number | null;
    incrementalResponders: number;
  };
  revenue: { difference: number; ci: Interval | null; pValue: number | null; df: number | null };
  roi: {
    incrementalRevenue: number;
    incrementalRevenueCi: Interval | null;
    incrementalMargin: number;
    roi: number | null;
    roiCi: Interval | null;
  };
  cost: { contacts: number; contactCostMinor: number; fixedCostMinor: number; totalMinor: number };
  marginRate: number;
  /** 'given', 'observed' (window orders with known cost), or 'assumed' (no cost known: ROI on revenue). */
  marginSource: 'given' | 'observed' | 'assumed';
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function interval(i: Interval): Interval | null {
  return Number.isFinite(i.lower) && Number.isFinite(i.upper) ? i : null;
}

/**
 * Response (any completed sale in the window) and revenue per customer, treatment vs control,
 * from orders placed at or after the send and up to window end. Treatment counts every customer
 * assigned to it, reached or not (intention to treat), so the comparison stays randomised.
 */
export async function measureCampaign(db: Db, ref: number | string, input: CampaignMeasureInput, now: Date): Promise<CampaignResult> {
  const q = CampaignMeasureSchema.parse(input);
  const c = await campaignOrFail(db, ref);
  if (c.status !== 'sent' || c.sent_at === null || c.sent_day === null) {
    throw new PatronError('CONFLICT', `campaign ${c.code} has not been sent: record the send first`);
  }
  const k = db.kysely;
  const tz = (await getSettings(k)).timeZone;
  const asOfDay = q.asOf ? dayNumber(q.asOf) : instantFromUtcMs(now.getTime(), tz).day;
  if (asOfDay < c.sent_day) throw new PatronError('VALIDATION', `as-of date ${dayToDate(asOfDay)} is before the send (${dayToDate(c.sent_day)})`);
  const windowDays = q.windowDays ?? c.window_days;
  const lastDay = c.sent_day + windowDays;
  const toDay = Math.min(lastDay, asOfDay);
  const rows = await memberOutcomes(k, Number(c.id), c.sent_at, toDay);
  const outcomes = rows.map((r) => ({ customerId: r.externalId, group: r.group, responded: r.orders > 0, revenue: Math.max(0, r.revenueMinor) }));
  const contactCost = await campaignContactCost(k, Number(c.id));
  const fixed = Number(c.fixed_cost_minor);
  const totalCost = contactCost.costMinor + fixed;
  let marginRate: number;
  let marginSource: CampaignResult['marginSource'];
  const known = rows.reduce((a, r) => a + r.costKnownRevenueMinor, 0);
  if (q.marginRate !== undefined) {
    marginRate = q.marginRate;
    marginSource = 'given';
  } else if (known > 0) {
    const cogs = rows.reduce((a, r) => a + r.costMinor, 0);
    marginRate = Math.min(1, Math.max(0, 1 - cogs / known));
    marginSource = 'observed';
  } else {
    marginRate = 1;
    marginSource = 'assumed';
  }
  const m = translating(() => measureOutcomes(outcomes, { cost: totalCost, marginRate, level: q.level }));
  const group = (g: 'treatment' | 'control'): GroupResult => {
    const counts = m.response[g];
    const rev = m.revenue[g];
    return {
      customers: counts.customers,
      responders: counts.responders,
      responseRate: counts.responders / counts.customers,
      revenueMinor: rev.revenue,
      revenuePerCustomer: rev.revenuePerCustomer,
    };
  };
  return {
    campaign: toView(c),
    window: { from: c.sent_at, to: dayToDate(toDay), days: windowDays, complete: asOfDay >= lastDay },
    groups: { treatment: group('treatment'), control: group('control') },
    response: {
      difference: m.response.difference,
      ci: m.response.ci,
      pValue: finite(m.response.pValue),
      relativeLift: finite(m.response.relativeLift),
      incrementalResponders: m.response.incrementalResponders,
    },
    revenue: { difference: m.revenue.difference, ci: interval(m.revenue.ci), pValue: finite(m.revenue.pValue), df: finite(m.revenue.df) },
    roi: {
      incrementalRevenue: m.roi.incrementalRevenue,
      incrementalRevenueCi: interval(m.roi.incrementalRevenueCi),
      incrementalMargin: m.roi.incrementalMargin,
      roi: m.roi.roi === null ? null : finite(m.roi.roi),
      roiCi: m.roi.roiCi === null ? null : interval(m.roi.roiCi),
    },
    cost: { contacts: contactCost.contacts, contactCostMinor: contactCost.costMinor, fixedCostMinor: fixed, totalMinor: totalCost },
    marginRate,
    marginSource,
  };
}
