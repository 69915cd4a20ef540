import type { Db } from '../../storage/db.js';
import { membersOfCustomers, programmeVenueIds } from '../../storage/loyalty.repo.js';
import { PatronError } from '../errors.js';
import { adjust } from '../loyalty/operations.js';

/**
 * The seam between service recovery and the loyalty ledger (src/domain/loyalty). The ledger runs
 * its own write transaction, so a compensation is first committed here (status 'recorded'), then
 * credited with an idempotency key derived from the compensation id (`case-compensation-<id>`),
 * then marked 'granted' with the ledger's reference. A failure leaves it 'recorded' with the
 * reason; posting again is safe because the ledger answers a repeated key with the first result.
 */
export interface LedgerCredit {
  kind: 'points' | 'stored_value';
  customerId: number;
  /** Points (kind 'points') or minor units of stored value (kind 'stored_value'). */
  amount: number;
  /** e.g. "case 12: compensation 3"; shown in the member's statement. */
  reason: string;
  /** Idempotency key: `case-compensation-<id>`. */
  key: string;
  /** The case's venue: picks the programme when the customer is a member of several. */
  venueId: number | null;
  actor: string;
  /** ISO-8601 UTC. */
  now: string;
}

export interface CompensationLedger {
  credit(db: Db, c: LedgerCredit): Promise<{ ledgerRef: string }>;
}

/** The customer's active loyalty membership; with several, the one whose programme includes the case's venue. */
async function memberFor(db: Db, customerId: number, venueId: number | null): Promise<number> {
  const members = (await membersOfCustomers(db.kysely, [customerId])).filter((m) => m.status === 'active');
  if (members.length === 0) throw new PatronError('NOT_FOUND', 'the customer is not a loyalty member');
  if (members.length === 1) return members[0]!.id;
  if (venueId !== null) {
    const here = [];
    for (const m of members) if ((await programmeVenueIds(db.kysely, m.programme_id)).includes(venueId)) here.push(m);
    if (here.length === 1) return here[0]!.id;
  }
  throw new PatronError('VALIDATION', 'the customer is a member of several loyalty programmes; set the case venue to pick one');
}

/**
 * The loyalty ledger: points and stored value are credited with its `adjust` operation (a manual
 * credit with its reason). Points are booked against the programme's adjustment account; stored
 * value as bonus stored value (spendable, never paid out in cash, since no money came in), against
 * the stored-value adjustment account.
 */
export const LOYALTY_LEDGER: CompensationLedger | null = {
  async credit(db, c) {
    const memberId = await memberFor(db, c.customerId, c.venueId);
    const r = await adjust(
      db,
      { key: c.key, member: { memberId }, points: c.amount, reason: c.reason, unit: c.kind === 'points' ? 'points' : 'stored_value' },
      { actor: c.actor, now: c.now, venueId: null, scopeVenueId: null },
    );
    return { ledgerRef: `loyalty-txn:${r.txnId}` };
  },
};
