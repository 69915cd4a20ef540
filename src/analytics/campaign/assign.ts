/**
 * Reproducible control groups: the same campaign id and customer list always give the same
 * control group, whatever order the list arrives in, on any machine, with no stored state.
 */
import { CampaignError } from './errors.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text` (Fowler, Noll & Vo; IETF draft-eastlake-fnv),
 * optionally from a different offset basis. UTF-8 so other languages (SQL, Python) can reproduce it.
 */
export function fnv1a32(text: string, basis = FNV_OFFSET): number {
  let h = basis >>> 0;
  for (const byte of utf8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/** MurmurHash3's fmix32 finaliser (Appleby 2011): full avalanche, which FNV alone lacks for short, similar ids. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The campaign's 32-bit seed: FNV-1a of its id. */
export function campaignSeed(campaignId: string): number {
  return fnv1a32(campaignId);
}

/** Sort key of a customer within a campaign: fmix32(FNV-1a(customerId) started from basis FNV_OFFSET xor seed). */
export function assignmentKey(seed: number, customerId: string): number {
  return fmix32(fnv1a32(customerId, (FNV_OFFSET ^ seed) >>> 0));
}

export interface ControlAssignment {
  campaignId: string;
  seed: number;
  /** round(controlFraction · n), half up. */
  controlSize: number;
  /** Control customer ids, in key order. */
  control: string[];
  /** Treatment (contacted) customer ids, in key order. */
  treatment: string[];
}

/**
 * Splits customers into control and treatment: sort by (assignmentKey(seed, id), id) and take the
 * first round(fraction · n) as control. The key depends only on (campaign, customer), so input
 * order does not matter; 32-bit key collisions are broken by the id itself. Across campaigns the
 * keys are unrelated, so the same customers are not always held out.
 * Duplicate ids are an error (each customer can be in one group only).
 */
export function assignControlGroup(campaignId: string, customerIds: readonly string[], controlFraction: number): ControlAssignment {
  if (!(controlFraction >= 0 && controlFraction <= 1)) {
    throw new CampaignError('INVALID_FRACTION', `assignControlGroup: controlFraction must be in [0, 1], got ${controlFraction}`);
  }
  const seed = campaignSeed(campaignId);
  const seen = new Set<string>();
  const keyed = customerIds.map((id) => {
    if (seen.has(id)) throw new CampaignError('DUPLICATE_CUSTOMER', `assignControlGroup: customer '${id}' appears twice`);
    seen.add(id);
    return { id, key: assignmentKey(seed, id) };
  });
  // Compare ids by code unit, not locale, so every runtime sorts the same way.
  keyed.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const controlSize = Math.floor(controlFraction * keyed.length + 0.5);
  return {
    campaignId,
    seed,
    controlSize,
    control: keyed.slice(0, controlSize).map((k) => k.id),
    treatment: keyed.slice(controlSize).map((k) => k.id),
  };
}
