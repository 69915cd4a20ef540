/** Voice of the customer: CSAT, NPS, effort, gaps, Kano, satisfaction index, trends, journeys, recovery, SLA. */
export { CSAT_DEFAULTS, type CsatOptions, type CsatResult, csat, csatFromCounts } from './csat.js';
export { NPS_DEFAULTS, type NpsBootstrapResult, type NpsCounts, type NpsResult, nps, npsBootstrapInterval, npsCounts, npsFromCounts } from './nps.js';
export { EFFORT_DEFAULTS, type EffortOptions, type EffortResult, customerEffortScore } from './effort.js';
export { GAP_DEFAULTS, type AttributeGap, type GapAnswer, type GapResult, expectationPerceptionGap } from './gap.js';
export {
  KANO_ANSWERS,
  KANO_CATEGORIES,
  KANO_DEFAULTS,
  KANO_TABLE,
  type KanoAnswer,
  type KanoAttributeResult,
  type KanoCategory,
  type KanoResponse,
  kanoCategory,
  kanoEvaluation,
} from './kano.js';
export { DRIVER_DEFAULTS, type DriverFit, type DriverMethod, driverImportance } from './drivers.js';
export {
  INDEX_DEFAULTS,
  type IndexItem,
  type IndexItemResult,
  type IndexResponse,
  type IndexWeighting,
  type SatisfactionIndexOptions,
  type SatisfactionIndexResult,
  indexWeights,
  rescaleTo100,
  satisfactionIndex,
} from './satisfaction-index.js';
export { type SurveyResponse, type TrendDimension, type TrendGroup, type TrendOptions, type TrendResult, satisfactionTrends } from './trends.js';
export {
  JOURNEY_DEFAULTS,
  type JourneyOptions,
  type JourneyResult,
  type TouchpointRating,
  type TouchpointResult,
  journeySatisfaction,
  naiveJourneyRate,
} from './journey.js';
export { RECOVERY_DEFAULTS, type GroupOutcome, type RecoveryComparison, recoveryOutcome } from './recovery.js';
export {
  SLA_DEFAULTS,
  type BusinessHours,
  type SlaClock,
  type SlaPolicy,
  type SlaState,
  type SlaStatus,
  type SlaTargets,
  type SlaTicket,
  addBusinessTime,
  slaClock,
  slaStatus,
} from './sla.js';
export {
  type Interval,
  type MeanDifference,
  type MeanIntervalMethod,
  type MeanSummary,
  type ProportionDifference,
  type ProportionDifferenceMethod,
  meanAndVariance,
  meanInterval,
  proportionDifference,
  welchInterval,
  wilsonInterval,
} from './intervals.js';
export {
  normalCdf,
  normalCritical,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTCritical,
  studentTQuantile,
} from './distributions.js';
export { SatisfactionError, type SatisfactionErrorCode } from './errors.js';
export { simulateDriverSurvey } from './simulate.js';
