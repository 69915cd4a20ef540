import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AssociationRule } from '../../analytics/basket/index.js';
import { type Recommender, type SequencePatterns, createRecommender, RECOMMEND_DEFAULTS } from '../../analytics/sequences/index.js';
import type { Db } from '../../storage/db.js';
import {
  basketRulesOf,
  customerPurchases,
  latestPatternSet,
  ordersFingerprint,
  sequencePatternsOf,
  type PatternSet,
} from '../../storage/actions.repo.js';
import { getCustomerById } from '../../storage/customers.repo.js';
import type { Database, PatternLevel } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate, instantFromUtcMs } from '../time.js';
import { mineRules } from './baskets.js';
import { ACTIONS_DEFAULTS } from './inputs.js';
import { type ItemRef, ItemDictionary, resolveKeys } from './items.js';
import { mineSequences } from './sequences.js';

/**
 * Next-best-product suggestions for the customer 360: items the customer has not bought, from
 * the basket rules and sequence patterns whose antecedents their history contains (the pure
 * `createRecommender`). Patterns come from the latest saved pattern sets at the level
 * (`patron rules --save`, `patron sequences --save`); without one, they are mined with
 * SUGGESTION_DEFAULTS and kept in memory until the orders change.
 */
export const SUGGESTION_DEFAULTS = Object.freeze({
  limit: RECOMMEND_DEFAULTS.limit,
  /** Thresholds of the patterns mined when none are saved. */
  rules: { minSupport: 0.005, minConfidence: 0.1, maxLength: 4 },
  sequences: { within: 90, minCount: 5, minConfidence: 0.05 },
  /** Recommenders kept in memory per database (saved sets and live mining). */
  cacheEntries: 8,
});

export const SuggestionsQuerySchema = z.strictObject({
  level: z.enum(['product', 'category']).default(ACTIONS_DEFAULTS.level),
  limit: z.coerce.number().int().min(1).max(100).default(SUGGESTION_DEFAULTS.limit),
  asOf: z.iso.date().optional().describe('Business-local date the suggestions are for (default today): a sequence A -> B applies while A is within its window'),
});
export type SuggestionsQuery = z.output<typeof SuggestionsQuerySchema>;

interface StoredRule {
  antecedent: string[];
  consequent: string[];
  count: number;
  support: number;
  confidence: number;
  coverage: number;
  lift: number;
  leverage: number;
  conviction: number | null;
}

interface StoredSequence {
  antecedent: string;
  consequent: string;
  countAntecedent: number;
  count: number;
  support: number;
  confidence: number;
  baseRate: number;
  lift: number;
  windowBaseRate: number;
  windowLift: number | null;
}

export interface PatternSourceInfo {
  /** The saved pattern set used, or null when mined live. */
  patternSetId: number | null;
  createdAt: string | null;
  patterns: number;
}

interface Built {
  vocab: ItemDictionary<string>;
  recommender: Recommender;
  rules: PatternSourceInfo;
  sequences: PatternSourceInfo;
}

/** Builds the pure recommender over item keys (sku or category) mapped to dense ids. */
export function buildRecommender(rules: readonly StoredRule[], sequences: readonly StoredSequence[], seq: { windowDays: number; anchor: 'first' | 'any' }, limit: number) {
  const vocab = new ItemDictionary<string>();
  const ids = (keys: readonly string[]) => keys.map((k) => vocab.idOf(k)).sort((a, b) => a - b);
  const assoc: AssociationRule[] = rules.map((r) => ({
    antecedent: ids(r.antecedent),
    consequent: ids(r.consequent),
    count: r.count,
    support: r.support,
    confidence: r.confidence,
    coverage: r.coverage,
    lift: r.lift,
    leverage: r.leverage,
    conviction: r.conviction ?? Infinity,
  }));
  const patterns = sequences.map((p) => ({
    antecedent: vocab.idOf(p.antecedent),
    consequent: vocab.idOf(p.consequent),
    countAntecedent: p.countAntecedent,
    count: p.count,
    support: p.support,
    confidence: p.confidence,
    baseRate: p.baseRate,
    lift: p.lift,
    windowBaseRate: p.windowBaseRate,
    windowLift: p.windowLift ?? Infinity,
  }));
  // The recommender reads only windowDays, anchor and the patterns; counts per item are not needed.
  const sp: SequencePatterns = {
    nCustomers: 0,
    windowDays: seq.windowDays,
    minGapDays: 1,
    anchor: seq.anchor,
    observationEnd: undefined,
    itemCustomers: new Int32Array(0),
    anchorCustomers: new Int32Array(0),
    patterns,
  };
  return { vocab, recommender: createRecommender({ rules: assoc, sequences: sp }, { limit }) };
}

const caches = new WeakMap<Kysely<Database>, Map<string, Built>>();

function remember(k: Kysely<Database>, key: string, built: Built): Built {
  let c = caches.get(k);
  if (!c) caches.set(k, (c = new Map()));
  if (c.size >= SUGGESTION_DEFAULTS.cacheEntries) c.delete(c.keys().next().value!);
  c.set(key, built);
  return built;
}

function info(set: PatternSet | undefined, n: number): PatternSourceInfo {
  return { patternSetId: set?.id ?? null, createdAt: set?.created_at ?? null, patterns: n };
}

async function recommenderFor(db: Db, level: PatternLevel, limit: number): Promise<Built> {
  const k = db.kysely;
  const rulesSet = await latestPatternSet(k, 'rules', level);
  const seqSet = await latestPatternSet(k, 'sequences', level);
  const live = !rulesSet || !seqSet ? await ordersFingerprint(k) : '';
  const key = `${level}|${limit}|${rulesSet?.id ?? `live:${live}`}|${seqSet?.id ?? `live:${live}`}`;
  const hit = caches.get(k)?.get(key);
  if (hit) return hit;

  let rules: StoredRule[];
  if (rulesSet) {
    rules = (await basketRulesOf(k, rulesSet.id)).map((r) => ({
      ...r,
      antecedent: JSON.parse(r.antecedent) as string[],
      consequent: JSON.parse(r.consequent) as string[],
    }));
  } else {
    const mined = await mineRules(db, { ...SUGGESTION_DEFAULTS.rules, level, minLength: 2, limit: 0 });
    rules = mined.rules.map((r) => ({ ...r, antecedent: r.antecedent.map((i) => i.key), consequent: r.consequent.map((i) => i.key) }));
  }
  let sequences: StoredSequence[];
  let window: { windowDays: number; anchor: 'first' | 'any' };
  if (seqSet) {
    const summary = JSON.parse(seqSet.summary) as { windowDays: number; anchor: 'first' | 'any' };
    window = { windowDays: summary.windowDays, anchor: summary.anchor };
    sequences = (await sequencePatternsOf(k, seqSet.id)).map((p) => ({
      antecedent: p.antecedent,
      consequent: p.consequent,
      countAntecedent: p.count_antecedent,
      count: p.count,
      support: p.support,
      confidence: p.confidence,
      baseRate: p.base_rate,
      lift: p.lift,
      windowBaseRate: p.window_base_rate,
      windowLift: p.window_lift,
    }));
  } else {
    const mined = await mineSequences(db, { ...SUGGESTION_DEFAULTS.sequences, level, limit: 0 });
    window = { windowDays: mined.parameters.within, anchor: mined.parameters.anchor };
    sequences = mined.patterns.map((p) => ({ ...p, antecedent: p.antecedent.key, consequent: p.consequent.key }));
  }
  const { vocab, recommender } = buildRecommender(rules, sequences, window, limit);
  return remember(k, key, { vocab, recommender, rules: info(rulesSet, rules.length), sequences: info(seqSet, sequences.length) });
}

export interface Suggestion {
  item: ItemRef;
  /** The ranking measure (confidence of the best evidence). */
  score: number;
  confidence: number;
  lift: number;
  support: number;
  source: 'rule' | 'sequence';
  /** The items of the customer's history that the evidence starts from. */
  because: ItemRef[];
}

export interface Suggestions {
  customerId: number;
  level: PatternLevel;
  asOf: string;
  sources: { rules: PatternSourceInfo; sequences: PatternSourceInfo };
  /** Distinct items in the customer's history. */
  historyItems: number;
  suggestions: Suggestion[];
}

/** GET /api/customers/:id/suggestions. */
export async function suggestionsFor(db: Db, customerId: number, input: Partial<SuggestionsQuery>, now: Date): Promise<Suggestions> {
  const q = SuggestionsQuerySchema.parse(input);
  const k = db.kysely;
  if (!(await getCustomerById(k, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const asOfDay = q.asOf ? dayNumber(q.asOf) : instantFromUtcMs(now.getTime(), (await getSettings(k)).timeZone).day;
  const built = await recommenderFor(db, q.level, q.limit);
  const history = await customerPurchases(k, customerId, q.level);
  const entries: { item: number; day: number }[] = [];
  const keys = new Set<string>();
  for (const h of history) {
    keys.add(h.key);
    if (h.day > asOfDay) continue; // a history "as of" a past date ignores later purchases
    const item = built.vocab.find(h.key);
    // an item in no pattern is neither evidence nor a candidate
    if (item !== undefined) entries.push({ item, day: h.day });
  }
  const recs = built.recommender.recommend(entries, asOfDay);
  const refs = await resolveKeys(k, q.level, recs.flatMap((r) => [r.item, ...r.because].map((i) => built.vocab.values[i]!)));
  return {
    customerId,
    level: q.level,
    asOf: dayToDate(asOfDay),
    sources: { rules: built.rules, sequences: built.sequences },
    historyItems: keys.size,
    suggestions: recs.map((r) => ({
      item: refs.get(built.vocab.values[r.item]!)!,
      score: r.score,
      confidence: r.confidence,
      lift: r.lift,
      support: r.support,
      source: r.source,
      because: r.because.map((i) => refs.get(built.vocab.values[i]!)!),
    })),
  };
}
