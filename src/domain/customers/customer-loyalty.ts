import { countReferrals, getCustomerById, referralsMade, referredValue } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import { getReferralCode, membersOfCustomers } from '../../storage/loyalty.repo.js';
import { PatronError } from '../errors.js';
import { memberView, type MemberView } from '../loyalty/members.js';
import { loadProgramme } from '../loyalty/programmes.js';

export const DEFAULTS = Object.freeze({
  /** Referred customers listed inline (the total is always given). */
  referrals: 50,
});

export interface ReferralMadeView {
  id: number;
  externalId: string;
  name: string | null;
  createdAt: string;
  /** Completed sales of the referred customer. */
  orders: number;
  /** Net value of their completed orders (returns negative), minor units. */
  valueMinor: number;
}

/** The customer 360's loyalty card: memberships with cards, tier and balances, and referrals made. */
export interface CustomerLoyaltyView {
  customerId: number;
  /** One per programme the customer belongs to (and the principal may see), oldest first. */
  memberships: MemberView[];
  referralCode: string | null;
  referrals: {
    /** Every customer this customer referred (customers.referred_by). */
    total: number;
    /** Net completed order value of all of them, minor units (the referral income of DOMAIN.md section 4). */
    valueMinor: number;
    items: ReferralMadeView[];
  };
}

/**
 * Memberships are read from the loyalty tables by customer id (not by phone, which a customer may
 * not have or may share). A principal bound to a venue sees only the programmes that venue takes
 * part in, as on the loyalty routes.
 */
export async function customerLoyalty(db: Db, customerId: number, scopeVenueId: number | null, now: string): Promise<CustomerLoyaltyView> {
  const k = db.kysely;
  if (!(await getCustomerById(k, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const [members, code, total, valueMinor, referred] = await Promise.all([
    membersOfCustomers(k, [customerId]),
    getReferralCode(k, customerId),
    countReferrals(k, customerId),
    referredValue(k, customerId),
    referralsMade(k, customerId, DEFAULTS.referrals),
  ]);
  const memberships: MemberView[] = [];
  for (const m of members) {
    const cfg = await loadProgramme(db, m.programme_id);
    if (scopeVenueId !== null && !cfg.venueIds.includes(scopeVenueId)) continue;
    memberships.push(await memberView(db, m, now));
  }
  return {
    customerId,
    memberships,
    referralCode: code ?? null,
    referrals: {
      total,
      valueMinor,
      items: referred.map((r) => ({ id: r.id, externalId: r.external_id, name: r.name, createdAt: r.created_at, orders: r.orders, valueMinor: r.value_minor })),
    },
  };
}
