/**
 * Contact plans by segment (DOMAIN.md section 7): split a marketing budget across customer
 * segments and show what each segment gets per customer, relative to the average, and per unit
 * of sales. Apparel-chain case: 60% of spend on the 14% of customers making 55% of sales
 * (5 contacts a quarter), 35% on the 34% making 35% (>= 3), 5% on the 52% making 10% (<= 2).
 */
import { PlanError } from './errors.js';
import { boundedProportionalShares, largestRemainder } from './shares.js';

/** 'sales': in proportion to sales; 'predicted-value': to predicted future value; 'manual': given shares. */
export type AllocationRule = 'sales' | 'predicted-value' | 'manual';

export const PLAN_DEFAULTS = {
  /** Quarters the budget covers, used for spend per contact (1 = a quarterly budget). */
  periodQuarters: 1,
};

export interface ContactLimits {
  /** At least this many contacts a quarter. */
  min?: number;
  /** At most this many contacts a quarter. */
  max?: number;
  /** Planned contacts a quarter; defaults to min, else max. */
  planned?: number;
}

export interface PlanSegment {
  id: string;
  /** Customers in the segment (integer). */
  customers: number;
  /** Sales in integer minor units. */
  sales: number;
  /** Predicted future value (e.g. summed CLV) in integer minor units; needed for 'predicted-value'. */
  predictedValue?: number;
  /** Share weight for the 'manual' rule; weights are normalised, so 60/35/5 and 0.6/0.35/0.05 agree. */
  manualShare?: number;
  /** Budget share limits in [0, 1]. */
  minShare?: number;
  maxShare?: number;
  contacts?: ContactLimits;
}

export interface PlanInput {
  segments: readonly PlanSegment[];
  /** Total budget in integer minor units. */
  totalBudget: number;
  rule: AllocationRule;
  periodQuarters?: number;
}

export interface SegmentAllocation {
  id: string;
  customers: number;
  sales: number;
  predictedValue: number | null;
  customerShare: number;
  salesShare: number;
  /** null unless every segment has a predicted value. */
  predictedValueShare: number | null;
  /** Share from the rule before limits (normalised weight). */
  ruleShare: number;
  /** Share after min/max limits (exact, before rounding to minor units). */
  targetShare: number;
  /** Which limit binds, if any. */
  clamped: 'min' | 'max' | null;
  /** Integer minor units; budgets add up to the total exactly. */
  budget: number;
  /** budget / totalBudget (after rounding). */
  budgetShare: number;
  /** budget / customers, minor units (float); null for an empty segment. */
  spendPerCustomer: number | null;
  /** spendPerCustomer / (totalBudget / totalCustomers) = budgetShare / customerShare. */
  spendIndex: number | null;
  /** budget / sales: budget spent per unit of sales; null when the segment has no sales. */
  budgetPerSales: number | null;
  contactsPerQuarter: { min: number | null; max: number | null; planned: number | null };
  /** budget / (customers · planned · periodQuarters), minor units; null without a planned count. */
  spendPerContact: number | null;
}

export interface ContactPlan {
  rule: AllocationRule;
  segments: SegmentAllocation[];
  totals: {
    customers: number;
    /** Integer sum of sales. */
    sales: number;
    predictedValue: number | null;
    /** Integer sum of budgets (= totalBudget). */
    budget: number;
    /** totalBudget / totalCustomers, minor units. */
    averageSpendPerCustomer: number;
  };
  /** True when a min/max share limit changed the rule's shares. */
  limitsApplied: boolean;
  periodQuarters: number;
}

function assertNonNegInt(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new PlanError('INVALID_SEGMENT', `${what} must be a non-negative integer, got ${v}`);
}

function contactLimits(seg: PlanSegment): SegmentAllocation['contactsPerQuarter'] {
  const c = seg.contacts ?? {};
  const min = c.min ?? null;
  const max = c.max ?? null;
  const planned = c.planned ?? min ?? max;
  for (const v of [min, max, planned]) if (v !== null && !(v >= 0)) throw new PlanError('INVALID_SEGMENT', `${seg.id}: contacts must be >= 0`);
  if (min !== null && max !== null && min > max) throw new PlanError('INVALID_SEGMENT', `${seg.id}: contacts min ${min} > max ${max}`);
  if (planned !== null && ((min !== null && planned < min) || (max !== null && planned > max))) {
    throw new PlanError('INVALID_SEGMENT', `${seg.id}: planned contacts ${planned} outside [${min ?? 0}, ${max ?? '∞'}]`);
  }
  return { min, max, planned };
}

/**
 * Allocates `totalBudget` across segments.
 * 1. Rule weights: sales, predicted value, or manual shares; normalised to shares.
 * 2. Limits: shares outside [minShare, maxShare] are clamped and the rest is redistributed among
 *    the unclamped segments in proportion to their weights, to the fixed point
 *    (see {@link boundedProportionalShares}).
 * 3. Rounding: integer budgets by the largest remainder method, summing exactly to the total.
 *    Limits apply to exact shares, so a rounded budget can pass a limit by under one minor unit.
 */
export function allocateBudget(input: PlanInput): ContactPlan {
  const { segments, totalBudget, rule } = input;
  const periodQuarters = input.periodQuarters ?? PLAN_DEFAULTS.periodQuarters;
  if (segments.length === 0) throw new PlanError('NO_SEGMENTS', 'allocateBudget: no segments');
  if (!Number.isSafeInteger(totalBudget) || totalBudget < 0) {
    throw new PlanError('INVALID_BUDGET', `allocateBudget: totalBudget must be a non-negative integer (minor units), got ${totalBudget}`);
  }
  if (!(periodQuarters > 0)) throw new PlanError('INVALID_BUDGET', `allocateBudget: periodQuarters must be > 0`);
  const ids = new Set<string>();
  for (const s of segments) {
    if (ids.has(s.id)) throw new PlanError('DUPLICATE_SEGMENT', `allocateBudget: segment '${s.id}' appears twice`);
    ids.add(s.id);
    assertNonNegInt(s.customers, `${s.id}: customers`);
    assertNonNegInt(s.sales, `${s.id}: sales`);
    if (s.predictedValue !== undefined) assertNonNegInt(s.predictedValue, `${s.id}: predictedValue`);
  }
  const totalCustomers = segments.reduce((a, s) => a + s.customers, 0);
  const totalSales = segments.reduce((a, s) => a + s.sales, 0);
  if (totalCustomers === 0) throw new PlanError('INVALID_SEGMENT', 'allocateBudget: segments have no customers');
  const allPredicted = segments.every((s) => s.predictedValue !== undefined);
  const totalPredicted = allPredicted ? segments.reduce((a, s) => a + s.predictedValue!, 0) : null;

  let weights: number[];
  if (rule === 'sales') {
    if (totalSales === 0) throw new PlanError('MISSING_INPUT', "allocateBudget: rule 'sales' needs some sales");
    weights = segments.map((s) => s.sales);
  } else if (rule === 'predicted-value') {
    if (!allPredicted) throw new PlanError('MISSING_INPUT', "allocateBudget: rule 'predicted-value' needs predictedValue on every segment");
    if (totalPredicted === 0) throw new PlanError('MISSING_INPUT', 'allocateBudget: predicted values are all 0');
    weights = segments.map((s) => s.predictedValue!);
  } else if (rule === 'manual') {
    weights = segments.map((s) => {
      const w = s.manualShare;
      if (w === undefined || !(w >= 0) || !Number.isFinite(w)) {
        throw new PlanError('MISSING_INPUT', `allocateBudget: rule 'manual' needs manualShare >= 0 on '${s.id}'`);
      }
      return w;
    });
  } else {
    throw new PlanError('MISSING_INPUT', `allocateBudget: unknown rule ${String(rule)}`);
  }
  const weightSum = weights.reduce((a, w) => a + w, 0);
  if (!(weightSum > 0)) throw new PlanError('MISSING_INPUT', 'allocateBudget: the rule gives every segment weight 0');
  const ruleShares = weights.map((w) => w / weightSum);

  const bounds = segments.map((s) => ({ min: s.minShare ?? 0, max: s.maxShare ?? 1 }));
  const { shares, clamped } = boundedProportionalShares(ruleShares, bounds);
  const budgets = largestRemainder(totalBudget, shares);
  const average = totalBudget / totalCustomers;

  const out: SegmentAllocation[] = segments.map((s, i) => {
    const budget = budgets[i]!;
    const contactsPerQuarter = contactLimits(s);
    const spendPerCustomer = s.customers > 0 ? budget / s.customers : null;
    const planned = contactsPerQuarter.planned;
    return {
      id: s.id,
      customers: s.customers,
      sales: s.sales,
      predictedValue: s.predictedValue ?? null,
      customerShare: s.customers / totalCustomers,
      salesShare: totalSales > 0 ? s.sales / totalSales : 0,
      predictedValueShare: totalPredicted ? s.predictedValue! / totalPredicted : null,
      ruleShare: ruleShares[i]!,
      targetShare: shares[i]!,
      clamped: clamped[i]!,
      budget,
      budgetShare: totalBudget > 0 ? budget / totalBudget : 0,
      spendPerCustomer,
      spendIndex: spendPerCustomer !== null && average > 0 ? spendPerCustomer / average : null,
      budgetPerSales: s.sales > 0 ? budget / s.sales : null,
      contactsPerQuarter,
      spendPerContact: planned && s.customers > 0 ? budget / (s.customers * planned * periodQuarters) : null,
    };
  });
  return {
    rule,
    segments: out,
    totals: {
      customers: totalCustomers,
      sales: totalSales,
      predictedValue: totalPredicted,
      budget: budgets.reduce((a, b) => a + b, 0),
      averageSpendPerCustomer: average,
    },
    limitsApplied: clamped.some((c) => c !== null),
    periodQuarters,
  };
}
