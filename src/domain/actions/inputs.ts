import { z } from 'zod';
import { DEFAULTS as BASKET_DEFAULTS } from '../../analytics/basket/index.js';
import { DEFAULTS as SEQUENCE_DEFAULTS } from '../../analytics/sequences/index.js';

/**
 * Inputs of the basket, sequence and suggestion reports, validated where they enter (CLI flags
 * and HTTP query strings are both text, hence the coercions). Defaults: ACTIONS_DEFAULTS, and the
 * analytics' own DEFAULTS for the mining thresholds.
 */
export const ACTIONS_DEFAULTS = Object.freeze({
  level: 'product' as 'product' | 'category',
  /** Rules / patterns listed (all are counted; `limit` 0 lists all). */
  limit: 100,
  ruleSort: 'lift' as RuleSort,
  sequenceSort: 'confidence' as SequenceSort,
  /** Sequence patterns need at least this many customers with A then B. */
  sequenceMinCount: 5,
});

const fraction = z.coerce.number().min(0).max(1);
const level = z.enum(['product', 'category']);
/** true/false from JSON, or 'true' | 'false' | '1' | '0' from a query string (z.coerce.boolean would read 'false' as true). */
export const boolish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

export type RuleSort = 'lift' | 'confidence' | 'support' | 'count' | 'leverage' | 'conviction';
export type SequenceSort = 'confidence' | 'count' | 'lift' | 'window-lift' | 'support';

export const RulesQuerySchema = z.strictObject({
  minSupport: fraction.default(BASKET_DEFAULTS.minSupport).describe('minimum support, fraction of baskets'),
  minConfidence: fraction.default(BASKET_DEFAULTS.minConfidence),
  minLift: z.coerce.number().min(0).default(BASKET_DEFAULTS.minLift),
  minLength: z.coerce.number().int().min(1).max(64).default(BASKET_DEFAULTS.minLength).describe('items in a rule, antecedent + consequent (arules minlen)'),
  maxLength: z.coerce.number().int().min(1).max(64).default(BASKET_DEFAULTS.maxLength),
  level: level.default(ACTIONS_DEFAULTS.level),
  sort: z.enum(['lift', 'confidence', 'support', 'count', 'leverage', 'conviction']).default(ACTIONS_DEFAULTS.ruleSort),
  limit: z.coerce.number().int().min(0).default(ACTIONS_DEFAULTS.limit).describe('rules listed; 0 = all'),
});
export type RulesQuery = z.output<typeof RulesQuerySchema>;

export const SequencesQuerySchema = z.strictObject({
  within: z.coerce.number().int().min(0).max(3650).default(SEQUENCE_DEFAULTS.windowDays).describe('B at most this many days after A'),
  minGap: z.coerce.number().int().min(0).default(SEQUENCE_DEFAULTS.minGapDays).describe('B at least this many days after A (1 = a later day)'),
  anchor: z.enum(['first', 'any']).default(SEQUENCE_DEFAULTS.anchor),
  level: level.default(ACTIONS_DEFAULTS.level),
  minCount: z.coerce.number().int().min(1).default(ACTIONS_DEFAULTS.sequenceMinCount),
  minSupport: fraction.default(SEQUENCE_DEFAULTS.minSupport),
  minConfidence: fraction.default(SEQUENCE_DEFAULTS.minConfidence),
  /** Right-censoring: only anchors whose whole window lies within the data count. */
  censor: boolish.default(true),
  sort: z.enum(['confidence', 'count', 'lift', 'window-lift', 'support']).default(ACTIONS_DEFAULTS.sequenceSort),
  limit: z.coerce.number().int().min(0).default(ACTIONS_DEFAULTS.limit),
});
export type SequencesQuery = z.output<typeof SequencesQuerySchema>;
