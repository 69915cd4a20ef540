import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../storage/audit.repo.js';
import { getCustomerByExternalId, getCustomerById } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import { ensureAccount, memberAccounts, openLots } from '../../storage/loyalty-ledger.repo.js';
import {
  cardsOfMember,
  customerByReferralCode,
  getCardById,
  getCardByNumber,
  getMemberByCustomer,
  getMemberById,
  getReferralCode,
  insertCard,
  insertMember,
  membersOfCustomers,
  setCardStatus,
  type CardRow,
  type MemberRow,
} from '../../storage/loyalty.repo.js';
import type { Database, LoyaltyCardStatus } from '../../storage/schema.js';
import { normalizePhone } from '../customers/customer-input.js';
import { PatronError } from '../errors.js';
import { accountKey, MEMBER_ACCOUNT_KINDS, MEMBER_UNITS, type Balance } from './ledger.js';
import {
  assertVisible,
  baseTier,
  businessDay,
  loadProgramme,
  type ProgrammeConfig,
  type WriteContext,
} from './programmes.js';
import { attributeReferral } from './referrals.js';
import { DEFAULTS as RULES, isLive, luhnCheckDigit, normalizeCardNumber } from './rules.js';

export interface CardView {
  id: number;
  number: string;
  status: LoyaltyCardStatus;
  replacesCardId: number | null;
  issuedAt: string;
  issuedVenueId: number | null;
  statusChangedAt: string;
  statusReason: string | null;
}

export interface MemberView {
  id: number;
  programme: { id: number; code: string; name: string };
  customer: { id: number; externalId: string; name: string | null; phone: string | null; referredBy: number | null };
  status: 'active' | 'closed';
  tier: { id: number; code: string; name: string; discountBp: number; earnRateBp: number } | null;
  tierSince: string | null;
  enrolledAt: string;
  enrolledVenueId: number | null;
  cards: CardView[];
  balance: Balance;
  /** Points that expire soonest: [{ expiresDay, points }] for the next lots. */
  expiring: { expiresDay: number; points: number }[];
  referralCode: string | null;
}

export function toCardView(c: CardRow): CardView {
  return {
    id: c.id,
    number: c.number,
    status: c.status,
    replacesCardId: c.replaces_card_id,
    issuedAt: c.issued_at,
    issuedVenueId: c.issued_venue_id,
    statusChangedAt: c.status_changed_at,
    statusReason: c.status_reason,
  };
}

/** A member, their cards and balances as the ledger caches them. */
export async function memberView(db: Db, m: MemberRow, now: string = new Date().toISOString()): Promise<MemberView> {
  const k = db.kysely;
  const cfg = await loadProgramme(db, m.programme_id);
  const customer = (await getCustomerById(k, m.customer_id))!;
  const accounts = await memberAccounts(k, [m.id]);
  const bal = (kind: string) => accounts.find((a) => a.kind === kind)?.balance ?? 0;
  const pointsAcc = accounts.find((a) => a.kind === 'points');
  const day = await businessDay(db, now);
  const lots = pointsAcc ? await openLots(k, [pointsAcc.id]) : [];
  const expiring = new Map<number, number>();
  for (const l of lots) {
    if (l.expires_day !== null && isLive({ id: l.id, remaining: l.remaining, day: l.day, expiresDay: l.expires_day }, day)) {
      expiring.set(l.expires_day, (expiring.get(l.expires_day) ?? 0) + l.remaining);
    }
  }
  const tier = cfg.tiers.find((t) => t.id === m.tier_id) ?? null;
  const points = bal('points');
  const paid = bal('sv_paid');
  const bonus = bal('sv_bonus');
  return {
    id: m.id,
    programme: { id: cfg.id, code: cfg.code, name: cfg.name },
    customer: { id: customer.id, externalId: customer.external_id, name: customer.name, phone: customer.phone, referredBy: customer.referred_by },
    status: m.status,
    tier: tier ? { id: tier.id, code: tier.code, name: tier.name, discountBp: tier.discountBp, earnRateBp: tier.earnRateBp } : null,
    tierSince: m.tier_since,
    enrolledAt: m.enrolled_at,
    enrolledVenueId: m.enrolled_venue_id,
    cards: (await cardsOfMember(k, m.id)).map(toCardView),
    balance: { points, pointsValueMinor: points * cfg.pointValueMinor, svPaidMinor: paid, svBonusMinor: bonus, svTotalMinor: paid + bonus },
    expiring: [...expiring].sort((a, b) => a[0] - b[0]).slice(0, 5).map(([expiresDay, p]) => ({ expiresDay, points: p })),
    referralCode: (await getReferralCode(k, customer.id)) ?? null,
  };
}

// ---- card numbers ---------------------------------------------------------------------------------------

/** prefix + random digits + Luhn check digit, DEFAULTS.cardNumberLength digits in all. Random, so numbers cannot be guessed in sequence. */
export function newCardNumber(prefix: string): string {
  let body = prefix;
  while (body.length < RULES.cardNumberLength - 1) body += String(randomInt(10));
  return body + String(luhnCheckDigit(body));
}

async function insertNewCard(
  db: Kysely<Database>,
  cfg: ProgrammeConfig,
  memberId: number,
  venueId: number | null,
  w: WriteContext,
  replacesCardId: number | null = null,
): Promise<CardRow> {
  for (let i = 0; i < 10; i++) {
    const number = newCardNumber(cfg.cardPrefix);
    if (await getCardByNumber(db, number)) continue;
    return insertCard(db, {
      programme_id: cfg.id,
      member_id: memberId,
      number,
      status: 'active',
      replaces_card_id: replacesCardId,
      issued_at: w.now,
      issued_venue_id: venueId,
      status_changed_at: w.now,
      status_reason: null,
    });
  }
  throw new PatronError('UNAVAILABLE', 'could not find a free card number; try again');
}

// ---- enrolment -------------------------------------------------------------------------------------------

export interface EnrollInput {
  programmeId: number;
  customerId?: number;
  customerExternalId?: string;
  /** Venue where the member signs up (must take part in the programme). */
  venueId: number | null;
  issueCard?: boolean;
  /** Another customer's referral code: attributes this customer to them (only at sign-up or first order). */
  referralCode?: string;
}

export interface EnrollResult {
  member: MemberView;
  created: boolean;
}

/** Enrols a customer (idempotent: enrolling a member again returns the member). */
export async function enrollMember(db: Db, input: EnrollInput, w: WriteContext, scopeVenueId: number | null = null): Promise<EnrollResult> {
  const cfg = await loadProgramme(db, input.programmeId);
  assertVisible(cfg, scopeVenueId);
  if (cfg.status !== 'active') throw new PatronError('CONFLICT', `loyalty programme ${cfg.code} is closed`);
  if (input.venueId !== null && !cfg.venueIds.includes(input.venueId)) {
    throw new PatronError('FORBIDDEN', `venue ${input.venueId} does not take part in loyalty programme ${cfg.code}`);
  }
  const r = await db.kysely.transaction().execute(async (trx) => {
    const customer =
      input.customerId !== undefined
        ? await getCustomerById(trx, input.customerId)
        : input.customerExternalId !== undefined
          ? await getCustomerByExternalId(trx, input.customerExternalId)
          : undefined;
    if (!customer) throw new PatronError('NOT_FOUND', `customer ${input.customerId ?? input.customerExternalId ?? ''} not found`);
    if (input.referralCode) await attributeReferral(trx, customer.id, input.referralCode, w);
    const existing = await getMemberByCustomer(trx, cfg.id, customer.id);
    if (existing) {
      if (input.issueCard && (await cardsOfMember(trx, existing.id)).every((c) => c.status !== 'active')) {
        await insertNewCard(trx, cfg, existing.id, input.venueId, w);
      }
      return { id: existing.id, created: false };
    }
    const tier = baseTier(cfg);
    const m = await insertMember(trx, {
      programme_id: cfg.id,
      customer_id: customer.id,
      tier_id: tier?.id ?? null,
      tier_since: tier ? w.now : null,
      status: 'active',
      enrolled_at: w.now,
      enrolled_venue_id: input.venueId,
    });
    for (const kind of MEMBER_ACCOUNT_KINDS) {
      await ensureAccount(trx, {
        key: accountKey(cfg.id, kind, m.id, null, null),
        programmeId: cfg.id,
        kind,
        unit: MEMBER_UNITS[kind],
        memberId: m.id,
        venueId: null,
        counterVenueId: null,
        balance: 0,
      });
    }
    if (input.issueCard ?? true) await insertNewCard(trx, cfg, m.id, input.venueId, w);
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'enroll',
      entity: 'loyalty_member',
      entityId: m.id,
      detail: { programmeId: cfg.id, customerId: customer.id, venueId: input.venueId },
    });
    return { id: m.id, created: true };
  });
  return { member: await memberView(db, (await getMemberById(db.kysely, r.id))!, w.now), created: r.created };
}

// ---- resolution and lookup ---------------------------------------------------------------------------

export interface MemberRef {
  card?: string;
  memberId?: number;
}

export interface Target {
  member: MemberRow;
  card: CardRow | null;
  programme: ProgrammeConfig;
}

/**
 * The member an operation is for, by card number or member id. A card must be active to be used
 * (frozen, lost and replaced cards are refused; the replacement card carries the balance). A
 * principal bound to a venue outside the programme finds nothing.
 */
export async function resolveTarget(db: Db, ref: MemberRef, scopeVenueId: number | null, opts: { requireActiveCard?: boolean } = {}): Promise<Target> {
  const k = db.kysely;
  let card: CardRow | null = null;
  let member: MemberRow | undefined;
  if (ref.card !== undefined) {
    const number = normalizeCardNumber(ref.card);
    card = (await getCardByNumber(k, number)) ?? null;
    if (!card) throw new PatronError('NOT_FOUND', `card ${number} not found`);
    member = await getMemberById(k, card.member_id);
    if (ref.memberId !== undefined && ref.memberId !== card.member_id) throw new PatronError('VALIDATION', 'card and memberId name different members');
  } else if (ref.memberId !== undefined) {
    member = await getMemberById(k, ref.memberId);
  } else {
    throw new PatronError('VALIDATION', 'name the member by card or memberId');
  }
  if (!member) throw new PatronError('NOT_FOUND', `loyalty member not found`);
  const programme = await loadProgramme(db, member.programme_id);
  assertVisible(programme, scopeVenueId, card ? `card ${card.number}` : `loyalty member ${member.id}`);
  if ((opts.requireActiveCard ?? true) && card && card.status !== 'active') {
    throw new PatronError('CONFLICT', `card ${card.number} is ${card.status}`);
  }
  if ((opts.requireActiveCard ?? true) && member.status !== 'active') throw new PatronError('CONFLICT', `loyalty member ${member.id} is closed`);
  return { member, card, programme };
}

export interface Identity {
  memberId: number;
  card: { id: number; number: string } | null;
  programme: ProgrammeConfig;
}

interface CachedIdentity {
  memberId: number;
  cardId: number | null;
  programmeId: number;
}

// Which member a card belongs to, and which programme a member is in, never change: the
// point-of-sale path caches them. Everything that can change (card and member status, tier,
// balances) is read inside the write transaction.
const identityCache = new WeakMap<Db, Map<string, CachedIdentity>>();
const IDENTITY_CACHE_MAX = 100_000;

/**
 * The member a point-of-sale operation is for, by card number or member id, from a cache of
 * facts that never change. The caller checks state (LedgerSession.assertUsable) under its lock.
 */
export async function resolveIdentity(db: Db, ref: MemberRef, scopeVenueId: number | null): Promise<Identity> {
  let cache = identityCache.get(db);
  if (!cache) identityCache.set(db, (cache = new Map()));
  const key = ref.card !== undefined ? `c:${normalizeCardNumber(ref.card)}` : ref.memberId !== undefined ? `m:${ref.memberId}` : null;
  if (key === null) throw new PatronError('VALIDATION', 'name the member by card or memberId');
  let hit = cache.get(key);
  if (!hit) {
    const t = await resolveTarget(db, ref, null, { requireActiveCard: false });
    hit = { memberId: t.member.id, cardId: t.card?.id ?? null, programmeId: t.member.programme_id };
    if (cache.size >= IDENTITY_CACHE_MAX) cache.clear();
    cache.set(key, hit);
  }
  if (ref.card !== undefined && ref.memberId !== undefined && ref.memberId !== hit.memberId) {
    throw new PatronError('VALIDATION', 'card and memberId name different members');
  }
  const programme = await loadProgramme(db, hit.programmeId);
  const number = ref.card !== undefined ? normalizeCardNumber(ref.card) : null;
  assertVisible(programme, scopeVenueId, number ? `card ${number}` : `loyalty member ${hit.memberId}`);
  return { memberId: hit.memberId, card: hit.cardId !== null && number ? { id: hit.cardId, number } : null, programme };
}

export interface LookupQuery {
  card?: string;
  phone?: string;
  code?: string;
}

/** Members found by card number, phone or referral code, in the programmes the principal can see. */
export async function lookupMembers(db: Db, q: LookupQuery, scopeVenueId: number | null, now?: string): Promise<MemberView[]> {
  const k = db.kysely;
  let members: MemberRow[] = [];
  if (q.card) {
    const card = await getCardByNumber(k, normalizeCardNumber(q.card));
    const m = card ? await getMemberById(k, card.member_id) : undefined;
    members = m ? [m] : [];
  } else if (q.phone) {
    const phone = normalizePhone(q.phone);
    const rows = phone ? await k.selectFrom('customers').select('id').where('phone', '=', phone).limit(20).execute() : [];
    members = await membersOfCustomers(k, rows.map((r) => r.id));
  } else if (q.code) {
    const customerId = await customerByReferralCode(k, q.code.trim().toUpperCase());
    members = customerId !== undefined ? await membersOfCustomers(k, [customerId]) : [];
  } else {
    throw new PatronError('VALIDATION', 'look up by card, phone or code');
  }
  const out: MemberView[] = [];
  for (const m of members) {
    const cfg = await loadProgramme(db, m.programme_id);
    if (scopeVenueId !== null && !cfg.venueIds.includes(scopeVenueId)) continue;
    out.push(await memberView(db, m, now));
  }
  return out;
}

export async function getMemberView(db: Db, memberId: number, scopeVenueId: number | null, now?: string): Promise<MemberView> {
  const t = await resolveTarget(db, { memberId }, scopeVenueId, { requireActiveCard: false });
  return memberView(db, t.member, now);
}

// ---- cards ---------------------------------------------------------------------------------------------

export async function issueCard(db: Db, memberId: number, venueId: number | null, w: WriteContext, scopeVenueId: number | null): Promise<CardView> {
  const t = await resolveTarget(db, { memberId }, scopeVenueId);
  const card = await db.kysely.transaction().execute(async (trx) => {
    const c = await insertNewCard(trx, t.programme, memberId, venueId, w);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'issue', entity: 'loyalty_card', entityId: c.id, detail: { memberId } });
    return c;
  });
  return toCardView(card);
}

const TRANSITIONS: Record<LoyaltyCardStatus, readonly LoyaltyCardStatus[]> = {
  active: ['frozen', 'lost'],
  frozen: ['active', 'lost'],
  lost: [],
  replaced: [],
};

/** Freezes, unfreezes or reports a card lost. Lost and replaced are final (a lost card is replaced). */
export async function setCardState(
  db: Db,
  number: string,
  status: 'active' | 'frozen' | 'lost',
  reason: string | null,
  w: WriteContext,
  scopeVenueId: number | null,
): Promise<CardView> {
  const t = await resolveTarget(db, { card: number }, scopeVenueId, { requireActiveCard: false });
  const card = t.card!;
  if (card.status === status) return toCardView(card);
  if (!TRANSITIONS[card.status].includes(status)) throw new PatronError('CONFLICT', `card ${card.number} is ${card.status}; it cannot become ${status}`);
  await db.kysely.transaction().execute(async (trx) => {
    await setCardStatus(trx, card.id, status, w.now, reason);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: status, entity: 'loyalty_card', entityId: card.id, detail: { from: card.status, reason } });
  });
  return toCardView((await getCardById(db.kysely, card.id))!);
}

/**
 * Replaces a card (lost, damaged, upgraded): the old card becomes 'replaced' and a new number is
 * issued to the same member. Balances belong to the member, not the card, so they carry over
 * whole, with nothing to move in the ledger.
 */
export async function replaceCard(db: Db, number: string, venueId: number | null, reason: string | null, w: WriteContext, scopeVenueId: number | null): Promise<{ old: CardView; card: CardView }> {
  const t = await resolveTarget(db, { card: number }, scopeVenueId, { requireActiveCard: false });
  const old = t.card!;
  if (old.status === 'replaced') throw new PatronError('CONFLICT', `card ${old.number} was already replaced`);
  const card = await db.kysely.transaction().execute(async (trx) => {
    await setCardStatus(trx, old.id, 'replaced', w.now, reason);
    const c = await insertNewCard(trx, t.programme, old.member_id, venueId, w, old.id);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'replace', entity: 'loyalty_card', entityId: old.id, detail: { newCardId: c.id, reason } });
    return c;
  });
  return { old: toCardView((await getCardById(db.kysely, old.id))!), card: toCardView(card) };
}

export { customerByReferralCode };
