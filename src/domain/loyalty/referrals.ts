import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../storage/audit.repo.js';
import { getCustomerById, referralChainContains, updateCustomerRow } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import { customerByReferralCode, ensureReferralCode, getReferralCode, referralTree, type ReferralNode } from '../../storage/loyalty.repo.js';
import type { Database } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import type { WriteContext } from './programmes.js';

/**
 * Referrals (the third R of DOMAIN.md section 1, and the referral income in "1 = 12800").
 * customers.referred_by is the one record of who referred whom: attribution writes it, the tree
 * and the value-analytics CLV-with-referrals read it. Rewards are ledger transactions (orders.ts).
 */

export const DEFAULTS = Object.freeze({
  /** Depth of the referral tree shown. */
  maxTreeDepth: 10,
  /** A customer may still be attributed to a referrer with at most this many completed sales (the first order). */
  maxOrdersAtAttribution: 1,
});

// Crockford base32 without I, L, O, U: codes survive being read aloud.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReferralCode(): string {
  let s = 'R';
  for (let i = 0; i < 7; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function normalizeReferralCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The customer's referral code, made on first request. */
export async function referralCodeFor(db: Db, customerId: number, w: WriteContext): Promise<string> {
  const k = db.kysely;
  if (!(await getCustomerById(k, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const existing = await getReferralCode(k, customerId);
  if (existing) return existing;
  for (let i = 0; i < 10; i++) {
    const code = newReferralCode();
    if ((await customerByReferralCode(k, code)) !== undefined) continue;
    try {
      return await ensureReferralCode(k, customerId, code, w.now);
    } catch (e) {
      // Another request took this code in the meantime: try another.
      if ((await customerByReferralCode(k, code)) === undefined) throw e;
    }
  }
  throw new PatronError('UNAVAILABLE', 'could not find a free referral code; try again');
}

export interface Attribution {
  referrerId: number;
  /** false when the customer was already attributed to this referrer. */
  attributed: boolean;
}

/**
 * Attributes a customer to the owner of a referral code, at sign-up or first order only: the
 * customer must not have another referrer nor more than one completed sale, and the link must not
 * close a loop. Writes customers.referred_by and an audit row in the caller's transaction.
 */
export async function attributeReferral(trx: Kysely<Database>, customerId: number, code: string, w: WriteContext): Promise<Attribution> {
  const referrerId = await customerByReferralCode(trx, normalizeReferralCode(code));
  if (referrerId === undefined) throw new PatronError('NOT_FOUND', `referral code ${code} not found`);
  if (referrerId === customerId) throw new PatronError('VALIDATION', 'a customer cannot refer themselves');
  const c = await getCustomerById(trx, customerId);
  if (!c) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  if (c.referred_by === referrerId) return { referrerId, attributed: false };
  if (c.referred_by !== null) throw new PatronError('CONFLICT', `customer ${customerId} was already referred by customer ${c.referred_by}`);
  const orders = await trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'sale')
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  if (Number(orders.n) > DEFAULTS.maxOrdersAtAttribution) {
    throw new PatronError('VALIDATION', `customer ${customerId} already has ${orders.n} orders: referrals are attributed at sign-up or first order`);
  }
  if (await referralChainContains(trx, referrerId, customerId)) {
    throw new PatronError('VALIDATION', `customer ${referrerId} cannot refer customer ${customerId}: that would make a referral cycle`);
  }
  await updateCustomerRow(trx, customerId, { referred_by: referrerId, updated_at: w.now });
  await appendAudit(trx, { at: w.now, actor: w.actor, action: 'attribute_referral', entity: 'customer', entityId: customerId, detail: { referrerId } });
  return { referrerId, attributed: true };
}

export async function attributeReferralTx(db: Db, customerId: number, code: string, w: WriteContext): Promise<Attribution> {
  return db.kysely.transaction().execute((trx) => attributeReferral(trx, customerId, code, w));
}

export interface ReferralTreeNode extends ReferralNode {
  /** Own completed order value of the customers this one referred directly. */
  referredValueMinor: number;
  /** Own completed order value of everyone below this one in the tree. */
  descendantValueMinor: number;
  directReferrals: number;
}

export interface ReferralTreeView {
  root: ReferralTreeNode;
  nodes: ReferralTreeNode[];
  /** Completed order value of all referred customers under the root (the referral income of "1 = 12800"). */
  referredValueMinor: number;
}

/** The referral tree under a customer with each node's referred value (money in integers, summed exactly). */
export async function referralTreeOf(db: Db, customerId: number, maxDepth: number = DEFAULTS.maxTreeDepth): Promise<ReferralTreeView> {
  if (!(await getCustomerById(db.kysely, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const raw = await referralTree(db.kysely, customerId, maxDepth);
  const nodes: ReferralTreeNode[] = raw.map((n) => ({ ...n, referredValueMinor: 0, descendantValueMinor: 0, directReferrals: 0 }));
  const byId = new Map(nodes.map((n) => [n.customerId, n]));
  // Deepest first, so each node's descendant value is complete before its parent adds it.
  for (const n of [...nodes].sort((a, b) => b.depth - a.depth)) {
    if (n.customerId === customerId || n.referredBy === null) continue;
    const parent = byId.get(n.referredBy);
    if (!parent) continue;
    parent.directReferrals += 1;
    parent.referredValueMinor += n.valueMinor;
    parent.descendantValueMinor += n.valueMinor + n.descendantValueMinor;
  }
  const root = byId.get(customerId)!;
  return { root, nodes, referredValueMinor: root.descendantValueMinor };
}
