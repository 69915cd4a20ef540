/**
 * The loyalty programme's arithmetic, as pure functions over integers (docs/loyalty.md, "Rules").
 * No I/O here: the ledger code loads state, calls these, and posts what they return.
 * Points and money are integers; products of rates are worked in BigInt so no intermediate
 * ever loses precision, and every division says how it rounds.
 */

export const DEFAULTS = Object.freeze({
  /** Basis points: 10000 = 100 %. Rates, discounts, multipliers and settlement shares use it. */
  bp: 10_000,
  /** Points earned per spend when neither the programme nor a tier says otherwise (5 %, the hotel case). */
  earnRateBp: 500,
  /** Cash value of a point when redeemed (1 minor unit: 5 % back is 5 fen of value per yuan spent). */
  pointValueMinor: 1,
  /** Rolling window for tier qualification. */
  tierWindowDays: 365,
  /** Age buckets (days since the lot was earned or paid in) of the liability report. */
  liabilityAgeBuckets: [30, 90, 180, 365] as readonly number[],
  /** Digits of a card number, check digit included. */
  cardNumberLength: 16,
});

// ---- card numbers (Luhn, ISO/IEC 7812-1 annex B) ------------------------------------------------

/** The Luhn check digit for a string of digits (the digit to append). */
export function luhnCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new RangeError('luhn: digits only');
  let sum = 0;
  // Walking from the right, every second digit starting with the rightmost payload digit is doubled
  // (it becomes every second digit from the check digit once the check digit is appended).
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the number is all digits and its last digit is the Luhn check digit of the rest. */
export function isValidCardNumber(n: string): boolean {
  if (!/^\d{8,19}$/.test(n)) return false;
  return luhnCheckDigit(n.slice(0, -1)) === n.charCodeAt(n.length - 1) - 48;
}

/** Card numbers as typed: spaces and dashes are ignored. */
export function normalizeCardNumber(text: string): string {
  return text.replace(/[\s-]/g, '');
}

// ---- earning ----------------------------------------------------------------------------------------

export interface Multiplier {
  /** Product category the multiplier applies to (absent: every category). */
  category?: string;
  /** Campaign code the sale must name (absent: no campaign needed). */
  campaign?: string;
  /** 20000 = double points. */
  multiplierBp: number;
  /** Business-local day range (days since 1970-01-01), inclusive. */
  fromDay?: number;
  toDay?: number;
}

export interface EarnLine {
  /** Line amount after line discounts, minor units (negative lines allowed). */
  amountMinor: number;
  category: string | null;
}

export interface EarnInput {
  lines: readonly EarnLine[];
  /** Order-level discount, spread over lines in proportion to their amounts. */
  orderDiscountMinor?: number;
  rateBp: number;
  pointValueMinor: number;
  multipliers: readonly Multiplier[];
  campaigns: readonly string[];
  day: number;
}

export interface EarnResult {
  points: number;
  /** Spend the points were computed on (sum of lines less the order discount). */
  baseMinor: number;
  /** The multiplier applied to each line, in order. */
  lineMultipliersBp: number[];
}

/** The best multiplier that applies to a line (10000 when none does): multipliers do not stack. */
export function lineMultiplierBp(line: EarnLine, rules: readonly Multiplier[], campaigns: readonly string[], day: number): number {
  let best: number = DEFAULTS.bp;
  for (const r of rules) {
    if (r.category !== undefined && r.category !== line.category) continue;
    if (r.campaign !== undefined && !campaigns.includes(r.campaign)) continue;
    if (r.fromDay !== undefined && day < r.fromDay) continue;
    if (r.toDay !== undefined && day > r.toDay) continue;
    if (r.multiplierBp > best) best = r.multiplierBp;
  }
  return best;
}

/**
 * Points earned by a sale:
 *   floor( sum_i amount_i * mult_i * rate * (subtotal - discount) / subtotal / (10^4 * 10^4 * pointValue) )
 * i.e. each line earns rate x multiplier of its share of what was paid, converted to points at the
 * redemption value, summed exactly, and rounded down once (a member never gets a point not earned).
 * Nothing is earned when what was paid is zero or negative.
 */
export function earnPoints(input: EarnInput): EarnResult {
  const discount = input.orderDiscountMinor ?? 0;
  let subtotal = 0;
  for (const l of input.lines) subtotal += l.amountMinor;
  const paid = subtotal - discount;
  const mults = input.lines.map((l) => lineMultiplierBp(l, input.multipliers, input.campaigns, input.day));
  if (paid <= 0 || subtotal <= 0 || input.rateBp <= 0) return { points: 0, baseMinor: Math.max(0, paid), lineMultipliersBp: mults };
  let weighted = 0n;
  input.lines.forEach((l, i) => {
    weighted += BigInt(l.amountMinor) * BigInt(mults[i]!);
  });
  if (weighted <= 0n) return { points: 0, baseMinor: paid, lineMultipliersBp: mults };
  const bp = BigInt(DEFAULTS.bp);
  const num = weighted * BigInt(input.rateBp) * BigInt(paid);
  const den = BigInt(subtotal) * bp * bp * BigInt(input.pointValueMinor);
  return { points: toSafe(num / den), baseMinor: paid, lineMultipliersBp: mults };
}

function toSafe(x: bigint): number {
  const n = Number(x);
  if (!Number.isSafeInteger(n)) throw new RangeError('amount too large');
  return n;
}

/** floor(a * b / c) exactly, for non-negative integers. */
export function mulDivFloor(a: number, b: number, c: number): number {
  if (c <= 0) throw new RangeError('mulDivFloor: divisor must be positive');
  return toSafe((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** Round-half-up of a * bp / 10000 for non-negative a: a share such as a discount or a settlement value. */
export function applyBp(amount: number, bp: number): number {
  const n = BigInt(amount) * BigInt(bp);
  const d = BigInt(DEFAULTS.bp);
  return toSafe((2n * n + d) / (2n * d));
}

/**
 * The part of `whole` that belongs to `part` out of `total`, worked cumulatively so that a sequence
 * of partial reversals adds up to exactly `whole` when they reach `total`:
 *   floor(whole * (before + part) / total) - floor(whole * before / total).
 */
export function prorate(whole: number, total: number, before: number, part: number): number {
  if (total <= 0) return 0;
  return mulDivFloor(whole, before + part, total) - mulDivFloor(whole, before, total);
}

// ---- stored value --------------------------------------------------------------------------------

export interface TopupBonus {
  /** Smallest payment that gets this bonus. */
  minPaidMinor: number;
  bonusMinor: number;
}

/** The bonus for a top-up: the largest bonus among the rules whose minimum the payment reaches (pay 1,000 get 1,100). */
export function topupBonusMinor(rules: readonly TopupBonus[], paidMinor: number): number {
  let best = 0;
  for (const r of rules) if (paidMinor >= r.minPaidMinor && r.bonusMinor > best) best = r.bonusMinor;
  return best;
}

// ---- lots ------------------------------------------------------------------------------------------

export interface LotState {
  id: number;
  remaining: number;
  /** Day earned or paid in. */
  day: number;
  expiresDay: number | null;
}

/**
 * Oldest first: lots that expire sooner go first (never-expiring ones last), then by day and id.
 * Consuming the soonest-to-expire points first is what members expect and what keeps expiry fair.
 */
export function lotOrder(a: LotState, b: LotState): number {
  const ea = a.expiresDay ?? Number.MAX_SAFE_INTEGER;
  const eb = b.expiresDay ?? Number.MAX_SAFE_INTEGER;
  return ea - eb || a.day - b.day || a.id - b.id;
}

/** Lots that can be spent on `day`: not yet expired (a lot expiring on day D is gone from D on). */
export function isLive(l: LotState, day: number): boolean {
  return l.remaining > 0 && (l.expiresDay === null || l.expiresDay > day);
}

/** Takes `amount` from the live lots, oldest first. Returns null when they hold less. */
export function takeFifo(lots: readonly LotState[], amount: number, day: number): { lotId: number; take: number }[] | null {
  const out: { lotId: number; take: number }[] = [];
  let left = amount;
  for (const l of [...lots].filter((x) => isLive(x, day)).sort(lotOrder)) {
    if (left === 0) break;
    const take = Math.min(l.remaining, left);
    out.push({ lotId: l.id, take });
    left -= take;
  }
  return left === 0 ? out : null;
}

// ---- tiers ------------------------------------------------------------------------------------------

export interface TierRule {
  id: number;
  rank: number;
  qualifyBy: 'spend' | 'points';
  threshold: number;
}

/**
 * The tier a member qualifies for: the highest-ranked tier whose threshold the member's measure
 * (spend or points over the rolling window) reaches; null when none (no base tier configured).
 * The same rule upgrades and downgrades.
 */
export function qualifyingTier<T extends TierRule>(tiers: readonly T[], measure: { spend: number; points: number }): T | null {
  let best: T | null = null;
  for (const t of tiers) {
    const v = t.qualifyBy === 'spend' ? measure.spend : measure.points;
    if (v >= t.threshold && (best === null || t.rank > best.rank)) best = t;
  }
  return best;
}

// ---- liability ---------------------------------------------------------------------------------

/** Label of the age bucket for an age in days: "0-30", "31-90", ..., "366+". */
export function ageBucket(ageDays: number, bounds: readonly number[] = DEFAULTS.liabilityAgeBuckets): string {
  let lo = 0;
  for (const b of bounds) {
    if (ageDays <= b) return `${lo}-${b}`;
    lo = b + 1;
  }
  return `${lo}+`;
}
