/**
 * Market-basket analysis (DOMAIN.md section 7, "association"): frequent itemsets by FP-growth and
 * association rules with arules-compatible measures. Pure: plain data in, plain data out.
 * Docs: docs/analytics/basket.md.
 */
export { DEFAULTS } from './defaults.js';
export { BasketError, type BasketErrorCode } from './errors.js';
export {
  type TransactionDb,
  parseBasketText,
  encodeBaskets,
  transactionsFromIds,
  transactionsFromCsr,
  itemCounts,
  minCountFor,
  itemLabels,
} from './transactions.js';
export {
  type Itemset,
  type FrequentItemsets,
  type FrequentItemsetOptions,
  mineFrequentItemsets,
  compareItemsets,
} from './fp-growth.js';
export {
  type AssociationRule,
  type RuleOptions,
  associationRules,
  mineAssociationRules,
  formatRule,
} from './rules.js';
