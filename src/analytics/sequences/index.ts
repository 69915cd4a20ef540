/**
 * Sequence discovery (DOMAIN.md section 7): "of customers who bought A, p% bought B within N days",
 * and next-best-product suggestions from those patterns and from basket rules. Pure.
 * Docs: docs/analytics/basket.md.
 */
export { SequenceError, type SequenceErrorCode } from './errors.js';
export { type PurchaseEvent, type EventLog, encodeEvents, eventLogFromArrays } from './events.js';
export {
  DEFAULTS,
  type SequenceAnchor,
  type SequencePattern,
  type SequencePatterns,
  type SequencePatternOptions,
  sequencePatterns,
} from './sequence-patterns.js';
export {
  RECOMMEND_DEFAULTS,
  type RankBy,
  type HistoryEntry,
  type RecommendationSources,
  type RecommendOptions,
  type Recommendation,
  type Recommender,
  createRecommender,
  recommendNext,
} from './recommend.js';
