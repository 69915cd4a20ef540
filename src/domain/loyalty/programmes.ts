import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../../storage/audit.repo.js';
import { getVenueByCode, getVenueById } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import {
  addProgrammeVenue,
  getProgrammeByCode,
  getProgrammeById,
  insertProgramme,
  insertTier,
  listProgrammeRows,
  programmeVenueIds,
  tiersOf,
  updateProgrammeRow,
  updateTierRow,
  type ProgrammeRow,
  type TierRow,
} from '../../storage/loyalty.repo.js';
import type { Database } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { instantFromUtcMs } from '../time.js';
import { DEFAULTS as RULES, type Multiplier, type TopupBonus } from './rules.js';

/** Who writes and when; every configuration change is audited in the same transaction. */
export interface WriteContext {
  actor: string;
  /** ISO-8601 UTC. */
  now: string;
}

export const DEFAULTS = Object.freeze({
  /**
   * Programme configuration and the business time zone are cached per database handle for this
   * long, so the point-of-sale path does not reload them on every request. Changes made through
   * this process clear the cache at once; changes made by another process show within this time.
   */
  configCacheMs: 1000,
});

export interface TierConfig {
  id: number;
  code: string;
  name: string;
  rank: number;
  qualifyBy: 'spend' | 'points';
  threshold: number;
  earnRateBp: number;
  discountBp: number;
  multipliers: Multiplier[];
}

export interface ProgrammeConfig {
  id: number;
  code: string;
  name: string;
  status: 'active' | 'closed';
  pointValueMinor: number;
  earnRateBp: number;
  pointsExpiryDays: number | null;
  pointsSettlementBp: number;
  svSettlementBp: number;
  cardPrefix: string;
  tierWindowDays: number;
  referrerPoints: number;
  refereePoints: number;
  topupBonuses: TopupBonus[];
  multipliers: Multiplier[];
  venueIds: number[];
  /** By rank, lowest first. */
  tiers: TierConfig[];
  createdAt: string;
}

// ---- input schemas (shared by the CLI and the HTTP API) -------------------------------------------

const Code = z.string().trim().regex(/^[A-Za-z0-9._-]{1,40}$/, '1-40 letters, digits, . _ -');
const Bp = z.number().int().min(0).max(1_000_000);

export const MultiplierSchema = z
  .strictObject({
    category: z.string().trim().min(1).max(100).optional(),
    campaign: z.string().trim().min(1).max(100).optional(),
    multiplierBp: z.number().int().min(0).max(1_000_000).describe('20000 = double points'),
    fromDay: z.number().int().optional(),
    toDay: z.number().int().optional(),
  })
  .meta({ id: 'LoyaltyMultiplier' });

export const TopupBonusSchema = z.strictObject({
  minPaidMinor: z.number().int().positive(),
  bonusMinor: z.number().int().min(0),
});

export const ProgrammeCreateSchema = z.strictObject({
  code: Code,
  name: z.string().trim().min(1).max(200),
  venueCodes: z.array(z.string().trim().min(1)).default([]),
  pointValueMinor: z.number().int().positive().default(RULES.pointValueMinor),
  earnRateBp: Bp.default(RULES.earnRateBp),
  pointsExpiryDays: z.number().int().positive().nullable().default(null),
  pointsSettlementBp: Bp.default(10_000),
  svSettlementBp: Bp.default(10_000),
  cardPrefix: z.string().regex(/^\d{2,8}$/, '2-8 digits').default('88'),
  tierWindowDays: z.number().int().positive().default(RULES.tierWindowDays),
  referrerPoints: z.number().int().min(0).default(0),
  refereePoints: z.number().int().min(0).default(0),
  topupBonuses: z.array(TopupBonusSchema).default([]),
  multipliers: z.array(MultiplierSchema).default([]),
});
export type ProgrammeCreate = z.input<typeof ProgrammeCreateSchema>;

export const ProgrammePatchSchema = ProgrammeCreateSchema.omit({ code: true, venueCodes: true })
  .partial()
  .extend({ status: z.enum(['active', 'closed']).optional() });
export type ProgrammePatch = z.input<typeof ProgrammePatchSchema>;

export const TierInputSchema = z.strictObject({
  code: Code,
  name: z.string().trim().min(1).max(100),
  rank: z.number().int().min(0).max(1000),
  qualifyBy: z.enum(['spend', 'points']).default('spend'),
  threshold: z.number().int().min(0),
  earnRateBp: Bp,
  discountBp: z.number().int().min(0).max(10_000).default(0),
  multipliers: z.array(MultiplierSchema).default([]),
});
export type TierInput = z.input<typeof TierInputSchema>;

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PatronError('VALIDATION', `${i.path.join('.') || 'input'}: ${i.message}`, { issues: r.error.issues });
  }
  return r.data;
}

// ---- config loading and caching ------------------------------------------------------------------

function toTierConfig(t: TierRow): TierConfig {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    rank: t.rank,
    qualifyBy: t.qualify_by,
    threshold: t.threshold,
    earnRateBp: t.earn_rate_bp,
    discountBp: t.discount_bp,
    multipliers: JSON.parse(t.multipliers) as Multiplier[],
  };
}

function toConfig(p: ProgrammeRow, venueIds: number[], tiers: TierRow[]): ProgrammeConfig {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    status: p.status,
    pointValueMinor: p.point_value_minor,
    earnRateBp: p.earn_rate_bp,
    pointsExpiryDays: p.points_expiry_days,
    pointsSettlementBp: p.points_settlement_bp,
    svSettlementBp: p.sv_settlement_bp,
    cardPrefix: p.card_prefix,
    tierWindowDays: p.tier_window_days,
    referrerPoints: p.referrer_points,
    refereePoints: p.referee_points,
    topupBonuses: JSON.parse(p.topup_bonuses) as TopupBonus[],
    multipliers: JSON.parse(p.multipliers) as Multiplier[],
    venueIds,
    tiers: tiers.map(toTierConfig),
    createdAt: p.created_at,
  };
}

/** Reads a programme's configuration (no cache); inside a transaction pass the transaction. */
export async function readProgramme(db: Kysely<Database>, id: number): Promise<ProgrammeConfig> {
  const p = await getProgrammeById(db, id);
  if (!p) throw new PatronError('NOT_FOUND', `loyalty programme ${id} not found`);
  return toConfig(p, await programmeVenueIds(db, id), await tiersOf(db, id));
}

interface CacheEntry<T> {
  at: number;
  value: Promise<T>;
}
const programmeCache = new WeakMap<Db, Map<number, CacheEntry<ProgrammeConfig>>>();
const zoneCache = new WeakMap<Db, CacheEntry<string>>();

/** A programme's configuration, cached per database handle for DEFAULTS.configCacheMs. */
export function loadProgramme(db: Db, id: number): Promise<ProgrammeConfig> {
  let m = programmeCache.get(db);
  if (!m) programmeCache.set(db, (m = new Map()));
  const hit = m.get(id);
  const now = Date.now();
  if (hit && now - hit.at < DEFAULTS.configCacheMs) return hit.value;
  const value = readProgramme(db.kysely, id);
  value.catch(() => m!.delete(id));
  m.set(id, { at: now, value });
  return value;
}

/** The business time zone (settings), cached like programmes. */
export function businessTimeZone(db: Db): Promise<string> {
  const hit = zoneCache.get(db);
  const now = Date.now();
  if (hit && now - hit.at < DEFAULTS.configCacheMs) return hit.value;
  const value = getSettings(db.kysely).then((s) => s.timeZone);
  zoneCache.set(db, { at: now, value });
  return value;
}

/** The business-local day (days since 1970-01-01) of an instant. */
export async function businessDay(db: Db, iso: string): Promise<number> {
  return instantFromUtcMs(Date.parse(iso), await businessTimeZone(db)).day;
}

export function invalidateProgrammeCache(db: Db): void {
  programmeCache.delete(db);
  zoneCache.delete(db);
}

export async function resolveProgramme(db: Db, codeOrId: string | number): Promise<ProgrammeConfig> {
  if (typeof codeOrId === 'number') return loadProgramme(db, codeOrId);
  const p = await getProgrammeByCode(db.kysely, codeOrId);
  if (!p) throw new PatronError('NOT_FOUND', `loyalty programme ${codeOrId} not found`);
  return loadProgramme(db, p.id);
}

export async function listProgrammes(db: Db, visibleToVenueId: number | null = null): Promise<ProgrammeConfig[]> {
  const rows = await listProgrammeRows(db.kysely);
  const out: ProgrammeConfig[] = [];
  for (const r of rows) {
    const cfg = await readProgramme(db.kysely, r.id);
    if (visibleToVenueId === null || cfg.venueIds.includes(visibleToVenueId)) out.push(cfg);
  }
  return out;
}

/**
 * A principal bound to a venue sees a programme only when that venue takes part in it; to
 * everyone else outside the programme it does not exist (NOT_FOUND, never FORBIDDEN).
 */
export function assertVisible(cfg: ProgrammeConfig, principalVenueId: number | null, what = `loyalty programme ${cfg.code}`): void {
  if (principalVenueId !== null && !cfg.venueIds.includes(principalVenueId)) throw new PatronError('NOT_FOUND', `${what} not found`);
}

/** The venue where an operation happens must take part in the programme. */
export function assertParticipating(cfg: ProgrammeConfig, venueId: number): void {
  if (!cfg.venueIds.includes(venueId)) {
    throw new PatronError('FORBIDDEN', `venue ${venueId} does not take part in loyalty programme ${cfg.code}`);
  }
}

// ---- writes ---------------------------------------------------------------------------------------

async function venueIdsOf(db: Kysely<Database>, codes: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const code of codes) {
    const v = await getVenueByCode(db, code);
    if (!v) throw new PatronError('VALIDATION', `venue ${code} does not exist`);
    ids.push(v.id);
  }
  return ids;
}

export async function createProgramme(db: Db, input: ProgrammeCreate, w: WriteContext): Promise<ProgrammeConfig> {
  const p = parseOrThrow(ProgrammeCreateSchema, input);
  const id = await db.kysely.transaction().execute(async (trx) => {
    if (await getProgrammeByCode(trx, p.code)) throw new PatronError('CONFLICT', `loyalty programme ${p.code} already exists`);
    const venueIds = await venueIdsOf(trx, p.venueCodes);
    const row = await insertProgramme(trx, {
      code: p.code,
      name: p.name,
      status: 'active',
      point_value_minor: p.pointValueMinor,
      earn_rate_bp: p.earnRateBp,
      points_expiry_days: p.pointsExpiryDays,
      points_settlement_bp: p.pointsSettlementBp,
      sv_settlement_bp: p.svSettlementBp,
      card_prefix: p.cardPrefix,
      tier_window_days: p.tierWindowDays,
      referrer_points: p.referrerPoints,
      referee_points: p.refereePoints,
      topup_bonuses: JSON.stringify(p.topupBonuses),
      multipliers: JSON.stringify(p.multipliers),
      created_at: w.now,
      updated_at: w.now,
    });
    for (const v of venueIds) await addProgrammeVenue(trx, row.id, v, w.now);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'loyalty_programme', entityId: row.id, detail: { code: p.code, venueIds } });
    return row.id;
  });
  invalidateProgrammeCache(db);
  return readProgramme(db.kysely, id);
}

export async function updateProgramme(db: Db, id: number, patch: ProgrammePatch, w: WriteContext): Promise<ProgrammeConfig> {
  const p = parseOrThrow(ProgrammePatchSchema, patch);
  await db.kysely.transaction().execute(async (trx) => {
    if (!(await getProgrammeById(trx, id))) throw new PatronError('NOT_FOUND', `loyalty programme ${id} not found`);
    const set: Parameters<typeof updateProgrammeRow>[2] = { updated_at: w.now };
    if (p.name !== undefined) set.name = p.name;
    if (p.status !== undefined) set.status = p.status;
    if (p.pointValueMinor !== undefined) set.point_value_minor = p.pointValueMinor;
    if (p.earnRateBp !== undefined) set.earn_rate_bp = p.earnRateBp;
    if (p.pointsExpiryDays !== undefined) set.points_expiry_days = p.pointsExpiryDays;
    if (p.pointsSettlementBp !== undefined) set.points_settlement_bp = p.pointsSettlementBp;
    if (p.svSettlementBp !== undefined) set.sv_settlement_bp = p.svSettlementBp;
    if (p.cardPrefix !== undefined) set.card_prefix = p.cardPrefix;
    if (p.tierWindowDays !== undefined) set.tier_window_days = p.tierWindowDays;
    if (p.referrerPoints !== undefined) set.referrer_points = p.referrerPoints;
    if (p.refereePoints !== undefined) set.referee_points = p.refereePoints;
    if (p.topupBonuses !== undefined) set.topup_bonuses = JSON.stringify(p.topupBonuses);
    if (p.multipliers !== undefined) set.multipliers = JSON.stringify(p.multipliers);
    await updateProgrammeRow(trx, id, set);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'loyalty_programme', entityId: id, detail: { fields: Object.keys(p).sort() } });
  });
  invalidateProgrammeCache(db);
  return readProgramme(db.kysely, id);
}

/** Adds a venue to a programme (a co-branded card becomes valid there; member data is shared with it). */
export async function addVenue(db: Db, programmeId: number, venueCode: string, w: WriteContext): Promise<ProgrammeConfig> {
  await db.kysely.transaction().execute(async (trx) => {
    if (!(await getProgrammeById(trx, programmeId))) throw new PatronError('NOT_FOUND', `loyalty programme ${programmeId} not found`);
    const [venueId] = await venueIdsOf(trx, [venueCode]);
    if (await addProgrammeVenue(trx, programmeId, venueId!, w.now)) {
      await appendAudit(trx, { at: w.now, actor: w.actor, action: 'add_venue', entity: 'loyalty_programme', entityId: programmeId, detail: { venueId } });
    }
  });
  invalidateProgrammeCache(db);
  return readProgramme(db.kysely, programmeId);
}

/** Creates a tier, or replaces the rules of the tier with the same code. */
export async function putTier(db: Db, programmeId: number, input: TierInput, w: WriteContext): Promise<TierConfig> {
  const t = parseOrThrow(TierInputSchema, input);
  const tierId = await db.kysely.transaction().execute(async (trx) => {
    if (!(await getProgrammeById(trx, programmeId))) throw new PatronError('NOT_FOUND', `loyalty programme ${programmeId} not found`);
    const tiers = await tiersOf(trx, programmeId);
    const same = tiers.find((x) => x.code === t.code);
    const rankClash = tiers.find((x) => x.rank === t.rank && x.code !== t.code);
    if (rankClash) throw new PatronError('CONFLICT', `tier ${rankClash.code} already has rank ${t.rank}`);
    const values = {
      name: t.name,
      rank: t.rank,
      qualify_by: t.qualifyBy,
      threshold: t.threshold,
      earn_rate_bp: t.earnRateBp,
      discount_bp: t.discountBp,
      multipliers: JSON.stringify(t.multipliers),
    };
    let id: number;
    if (same) {
      await updateTierRow(trx, same.id, values);
      id = same.id;
    } else {
      id = (await insertTier(trx, { ...values, programme_id: programmeId, code: t.code, created_at: w.now })).id;
    }
    await appendAudit(trx, { at: w.now, actor: w.actor, action: same ? 'update' : 'create', entity: 'loyalty_tier', entityId: id, detail: { programmeId, code: t.code } });
    return id;
  });
  invalidateProgrammeCache(db);
  const cfg = await readProgramme(db.kysely, programmeId);
  return cfg.tiers.find((x) => x.id === tierId)!;
}

/** The tier a new member starts in: the lowest-ranked tier with threshold 0, if any. */
export function baseTier(cfg: ProgrammeConfig): TierConfig | null {
  return cfg.tiers.find((t) => t.threshold === 0) ?? null;
}

export async function venueCodeOf(db: Kysely<Database>, venueId: number | null): Promise<string | null> {
  if (venueId === null) return null;
  return (await getVenueById(db, venueId))?.code ?? null;
}
