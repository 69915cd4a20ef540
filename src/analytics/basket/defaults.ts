/**
 * Configurable values of market-basket mining (frequent itemsets and association rules).
 * Chosen to match R arules' `apriori()` defaults (APparameter: support 0.1, confidence 0.8,
 * minlen 1, maxlen 10; one item in the consequent), so results can be compared with arules.
 */
export const DEFAULTS = Object.freeze({
  /** Minimum support as a fraction of baskets (arules `support`). */
  minSupport: 0.1,
  /** Minimum confidence of a rule (arules `confidence`). */
  minConfidence: 0.8,
  /** Minimum lift of a rule; 0 = no filter (arules has none by default). */
  minLift: 0,
  /** Minimum itemset / rule length, antecedent + consequent (arules `minlen`). 1 allows `{} => {y}`. */
  minLength: 1,
  /** Maximum itemset / rule length (arules `maxlen`). */
  maxLength: 10,
  /** Items in a rule's consequent: 1 as arules' apriori; more as arules' `ruleInduction()`. */
  maxConsequentLength: 1,
  /** Guard against pattern explosion (support set too low): mining stops with an error beyond this. */
  maxItemsets: 5_000_000,
});
