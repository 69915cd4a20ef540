/**
 * Next-best-product suggestions for one customer from association rules and sequence patterns:
 * items the customer has not bought, ranked by the confidence (or lift) of the best rule or pattern
 * whose antecedent the customer's history contains. Definitions: docs/analytics/basket.md,
 * "Next-best product".
 */
import type { AssociationRule } from '../basket/rules.js';
import type { SequencePatterns } from './sequence-patterns.js';

export type RankBy = 'confidence' | 'lift';

export const RECOMMEND_DEFAULTS = Object.freeze({
  /** Suggestions returned per customer. */
  limit: 5,
  /**
   * Primary ranking measure; the other one breaks ties, then support, then item id. For sequence
   * patterns "lift" is their windowLift (vs a typical purchase in the same window).
   */
  rankBy: 'confidence' as RankBy,
  minConfidence: 0,
  /** Evidence with lift below this is ignored: a rule with lift < 1 says the item is *less* likely. */
  minLift: 1,
});

/** A purchased item, optionally with its day number (needed for the timing of sequence patterns). */
export type HistoryEntry = number | { readonly item: number; readonly day: number };

export interface RecommendationSources {
  readonly rules?: readonly AssociationRule[];
  readonly sequences?: SequencePatterns;
}

export interface RecommendOptions {
  limit?: number;
  rankBy?: RankBy;
  minConfidence?: number;
  minLift?: number;
  /** Items never to suggest (e.g. out of stock). */
  exclude?: readonly number[];
}

export interface Recommendation {
  readonly item: number;
  /** The `rankBy` measure of the best evidence. */
  readonly score: number;
  readonly confidence: number;
  readonly lift: number;
  readonly support: number;
  /** Where the best evidence came from. */
  readonly source: 'rule' | 'sequence';
  /** The antecedent items of that evidence (all in the customer's history). */
  readonly because: readonly number[];
}

export interface Recommender {
  /**
   * Suggestions for one customer. With `asOfDay`, a sequence pattern A -> B applies only while the
   * customer's anchor purchase of A (first or latest, per the patterns' anchor) is at most windowDays
   * before asOfDay; history entries without a day are assumed in time.
   */
  recommend(history: readonly HistoryEntry[], asOfDay?: number): Recommendation[];
}

interface Evidence {
  confidence: number;
  lift: number;
  support: number;
  source: 'rule' | 'sequence';
  because: readonly number[];
}

/** Index rules and patterns once (by antecedent item), then score customers cheaply. */
export function createRecommender(sources: RecommendationSources, options: RecommendOptions = {}): Recommender {
  const limit = options.limit ?? RECOMMEND_DEFAULTS.limit;
  const rankBy = options.rankBy ?? RECOMMEND_DEFAULTS.rankBy;
  const minConfidence = options.minConfidence ?? RECOMMEND_DEFAULTS.minConfidence;
  const minLift = options.minLift ?? RECOMMEND_DEFAULTS.minLift;
  const exclude = new Set(options.exclude ?? []);
  const keep = (e: { confidence: number; lift: number }): boolean => e.confidence >= minConfidence && e.lift >= minLift;

  // Rules are filed under the largest antecedent item; a customer only checks the files of items they own.
  const rulesByItem = new Map<number, AssociationRule[]>();
  const alwaysRules: AssociationRule[] = [];
  for (const r of sources.rules ?? []) {
    if (!keep(r)) continue;
    if (r.antecedent.length === 0) {
      alwaysRules.push(r);
      continue;
    }
    const key = r.antecedent[r.antecedent.length - 1]!;
    let list = rulesByItem.get(key);
    if (list === undefined) rulesByItem.set(key, (list = []));
    list.push(r);
  }
  const seq = sources.sequences;
  const seqByItem = new Map<number, SequencePatterns['patterns'][number][]>();
  for (const p of seq?.patterns ?? []) {
    if (!keep({ confidence: p.confidence, lift: p.windowLift })) continue;
    let list = seqByItem.get(p.antecedent);
    if (list === undefined) seqByItem.set(p.antecedent, (list = []));
    list.push(p);
  }

  const primary = (e: Evidence): number => (rankBy === 'confidence' ? e.confidence : e.lift);
  const secondary = (e: Evidence): number => (rankBy === 'confidence' ? e.lift : e.confidence);
  const better = (a: Evidence, b: Evidence): boolean =>
    primary(a) !== primary(b)
      ? primary(a) > primary(b)
      : secondary(a) !== secondary(b)
        ? secondary(a) > secondary(b)
        : a.support > b.support;

  return {
    recommend(history: readonly HistoryEntry[], asOfDay?: number): Recommendation[] {
      // owned item -> anchor day for sequences (first or latest purchase; undefined = unknown)
      const owned = new Map<number, number | undefined>();
      const latest = seq?.anchor === 'any';
      for (const h of history) {
        const item = typeof h === 'number' ? h : h.item;
        const day = typeof h === 'number' ? undefined : h.day;
        if (!owned.has(item)) owned.set(item, day);
        else {
          const prev = owned.get(item);
          if (prev !== undefined && day !== undefined) owned.set(item, latest ? Math.max(prev, day) : Math.min(prev, day));
        }
      }
      const best = new Map<number, Evidence>();
      const offer = (item: number, e: Evidence): void => {
        if (owned.has(item) || exclude.has(item)) return;
        const cur = best.get(item);
        if (cur === undefined || better(e, cur)) best.set(item, e);
      };
      const fromRule = (r: AssociationRule): void => {
        for (const a of r.antecedent) if (!owned.has(a)) return;
        const e: Evidence = { confidence: r.confidence, lift: r.lift, support: r.support, source: 'rule', because: r.antecedent };
        for (const y of r.consequent) offer(y, e);
      };
      for (const r of alwaysRules) fromRule(r);
      for (const [item, day] of owned) {
        for (const r of rulesByItem.get(item) ?? []) fromRule(r);
        const pats = seqByItem.get(item);
        if (pats === undefined) continue;
        if (asOfDay !== undefined && day !== undefined && asOfDay - day > seq!.windowDays) continue;
        for (const p of pats) {
          offer(p.consequent, {
            confidence: p.confidence,
            lift: p.windowLift,
            support: p.support,
            source: 'sequence',
            because: [p.antecedent],
          });
        }
      }
      const ranked = [...best.entries()].sort(([ia, a], [ib, b]) => (better(a, b) ? -1 : better(b, a) ? 1 : ia - ib));
      return ranked.slice(0, limit).map(([item, e]) => ({
        item,
        score: primary(e),
        confidence: e.confidence,
        lift: e.lift,
        support: e.support,
        source: e.source,
        because: e.because,
      }));
    },
  };
}

/** One-off suggestions for one customer; for many customers build a {@link createRecommender} once. */
export function recommendNext(
  history: readonly HistoryEntry[],
  sources: RecommendationSources,
  options: RecommendOptions & { asOfDay?: number } = {},
): Recommendation[] {
  return createRecommender(sources, options).recommend(history, options.asOfDay);
}
