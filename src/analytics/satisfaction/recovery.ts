/**
 * Service-recovery outcome: do complainers whose problem was solved re-buy more than comparable
 * customers who never had a problem? DOMAIN.md section 6 quotes 90% vs 83% (the "recovery
 * paradox"; Hart, Heskett & Sasser 1990, "The profitable art of service recovery", HBR 68(4)).
 */
import { SatisfactionError } from './errors.js';
import { type ProportionDifference, type ProportionDifferenceMethod, proportionDifference } from './intervals.js';

export const RECOVERY_DEFAULTS = {
  /** 'newcombe' hybrid score (default, good at small n) or 'wald'. */
  method: 'newcombe' as ProportionDifferenceMethod,
  level: 0.95,
};

export interface GroupOutcome {
  customers: number;
  repurchased: number;
}

export interface RecoveryComparison extends ProportionDifference {
  recovered: GroupOutcome & { rate: number };
  comparison: GroupOutcome & { rate: number };
  /** Ratio of re-purchase rates, recovered / comparison (NaN when the comparison rate is 0). */
  relativeRate: number;
}

/**
 * Re-purchase rate of recovered complainers minus that of comparable non-complainers,
 * p1 - p2 with a two-proportion interval (see {@link proportionDifference}). "Comparable" is the
 * caller's job (same segment, period, and purchase history); the comparison is observational,
 * so a positive difference is an association, not proof that recovery causes re-purchase.
 */
export function recoveryOutcome(
  recovered: GroupOutcome,
  comparison: GroupOutcome,
  options: { method?: ProportionDifferenceMethod; level?: number } = {},
): RecoveryComparison {
  const o = { ...RECOVERY_DEFAULTS, ...options };
  if (recovered.customers === 0 || comparison.customers === 0) throw new SatisfactionError('EMPTY_INPUT', 'recoveryOutcome: a group has no customers');
  const d = proportionDifference(recovered.repurchased, recovered.customers, comparison.repurchased, comparison.customers, o);
  return {
    ...d,
    recovered: { ...recovered, rate: d.p1 },
    comparison: { ...comparison, rate: d.p2 },
    relativeRate: d.p2 === 0 ? NaN : d.p1 / d.p2,
  };
}
