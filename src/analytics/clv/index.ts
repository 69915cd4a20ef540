/**
 * Predicted customer lifetime value from probabilistic repeat-buying models (docs/analytics/clv.md).
 * Pure: plain data in, plain data out.
 */
export { DEFAULTS } from './defaults.js';
export type {
  AssessCode,
  BgNbdParams,
  CustomerSummary,
  FitFailure,
  FitResult,
  FitSuccess,
  GammaGammaParams,
  ModelName,
  ParetoNbdParams,
  RepeatModel,
  SummaryRow,
  WeightedSummary,
} from './types.js';

export {
  groupSummaries,
  summariseTransactions,
  repeatTransactionsPerPeriod,
  type Transaction,
  type SummariseOptions,
  type SummariseResult,
  type CustomerCalibration,
  type PerPeriodOptions,
} from './summaries.js';
export { assessData, invalidRowReason, type Assessment, type AssessOptions, type DataProfile } from './assess.js';
export { compareModels, type FitOptions, type ModelComparisonRow } from './fit-common.js';

export {
  fitBgNbd,
  bgNbdLogLik,
  bgNbdLogLikGradient,
  bgNbdPAlive,
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdActiveExpected,
} from './bg-nbd/bg-nbd.js';
export {
  fitParetoNbd,
  paretoNbdLogLik,
  paretoNbdLogLikGradient,
  paretoNbdPAlive,
  paretoNbdConditionalExpected,
  paretoNbdExpected,
  paretoNbdActiveExpected,
} from './pareto-nbd/pareto-nbd.js';
export {
  fitGammaGamma,
  gammaGammaLogLik,
  gammaGammaLogLikGradient,
  gammaGammaConditionalSpend,
  gammaGammaMeanSpend,
  assessSpendData,
  type SpendRow,
  type SpendAssessment,
} from './gamma-gamma/gamma-gamma.js';

export {
  pAlive,
  conditionalExpected,
  unconditionalExpected,
  activeExpected,
  predictClv,
  type ClvCustomer,
  type ClvOptions,
  type ClvPrediction,
} from './predict.js';
export {
  holdoutReport,
  trackingSeries,
  type HoldoutCustomer,
  type HoldoutOptions,
  type HoldoutReport,
  type FrequencyBucket,
  type TrackingOptions,
  type TrackingPoint,
} from './holdout.js';
export {
  simulateBgNbd,
  simulateParetoNbd,
  simulateGammaGamma,
  type SimulationOptions,
  type SimulatedCustomer,
  type SimulatedSpend,
} from './simulate.js';
