import type { Db } from '../../storage/db.js';
import { earnedPointsByMember, spendByCustomer } from '../../storage/loyalty-ledger.repo.js';
import { insertTierChange, membersOfProgramme, setMemberTier } from '../../storage/loyalty.repo.js';
import { PatronError } from '../errors.js';
import { businessDay, loadProgramme, type WriteContext } from './programmes.js';
import { qualifyingTier } from './rules.js';

/**
 * Scheduled tier review (`patron loyalty tiers run [--as-of]`): each member's spend at the
 * programme's venues (completed orders, returns netted) and points earned over the rolling window
 * ending on the as-of day decide their tier; the same rule upgrades and downgrades
 * (rules.ts qualifyingTier). A review is recorded once per member and day, so a re-run of the same
 * day changes nothing.
 */

export interface TierChange {
  memberId: number;
  customerId: number;
  from: string | null;
  to: string | null;
  spendMinor: number;
  points: number;
}

export interface TierRun {
  programme: string;
  asOfDay: number;
  windowDays: number;
  members: number;
  upgraded: number;
  downgraded: number;
  unchanged: number;
  changes: TierChange[];
}

export async function runTiers(db: Db, programmeId: number, asOfDay: number | null, w: WriteContext): Promise<TierRun> {
  const cfg = await loadProgramme(db, programmeId);
  const today = await businessDay(db, w.now);
  const day = asOfDay ?? today;
  if (day > today) throw new PatronError('VALIDATION', 'cannot review tiers as of a day in the future');
  const from = day - cfg.tierWindowDays + 1;
  const k = db.kysely;
  const [members, spend, points] = await Promise.all([
    membersOfProgramme(k, cfg.id),
    spendByCustomer(k, cfg.venueIds, from, day),
    earnedPointsByMember(k, cfg.id, from, day),
  ]);
  const rank = new Map(cfg.tiers.map((t) => [t.id, t.rank]));
  const run: TierRun = { programme: cfg.code, asOfDay: day, windowDays: cfg.tierWindowDays, members: members.length, upgraded: 0, downgraded: 0, unchanged: 0, changes: [] };
  for (const m of members) {
    if (m.status !== 'active') continue;
    const measure = { spend: spend.get(m.customer_id) ?? 0, points: points.get(m.id) ?? 0 };
    const tier = qualifyingTier(cfg.tiers, measure);
    const to = tier?.id ?? null;
    if (to === m.tier_id) {
      run.unchanged++;
      continue;
    }
    const changed = await k.transaction().execute(async (trx) => {
      const value = tier?.qualifyBy === 'points' ? measure.points : measure.spend;
      if (!(await insertTierChange(trx, { memberId: m.id, fromTierId: m.tier_id, toTierId: to, asOfDay: day, metricValue: value, actor: w.actor, at: w.now }))) {
        return false;
      }
      await setMemberTier(trx, m.id, to, w.now);
      return true;
    });
    if (!changed) {
      run.unchanged++;
      continue;
    }
    const up = (to === null ? -1 : rank.get(to)!) > (m.tier_id === null ? -1 : (rank.get(m.tier_id) ?? -1));
    if (up) run.upgraded++;
    else run.downgraded++;
    run.changes.push({
      memberId: m.id,
      customerId: m.customer_id,
      from: cfg.tiers.find((t) => t.id === m.tier_id)?.code ?? null,
      to: tier?.code ?? null,
      spendMinor: measure.spend,
      points: measure.points,
    });
  }
  return run;
}
