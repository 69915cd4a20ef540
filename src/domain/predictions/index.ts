/** Predicted lifetime value and churn early warning (docs/predictions.md): SQL summaries -> models -> stored runs. */
export { DEFAULTS, type ChurnThresholds, type PredictionPeriod } from './defaults.js';
export { loadCalibration, parseDay, parsePeriod, dataEndDay, type Calibration, type CalibrationCustomer, type CalibrationOptions } from './calibration.js';
export {
  MODEL_LABEL,
  dataProfile,
  fitModelOnOrders,
  fitRows,
  parseModel,
  spendRows,
  storeFit,
  toModelRunView,
  type FitOnOrdersOptions,
  type FitOnOrdersResult,
  type ModelRunView,
} from './fit.js';
export { fitSummaryFile, parseSummaryText, readSummaryFile, type SummaryFile, type SummaryFileRow } from './summary-file.js';
export { validateModels, type FrequencyBucketView, type ModelValidation, type TrackingPointView, type ValidateOptions, type ValidationReport } from './validate.js';
export { expectedWaitIfActive } from './next-purchase.js';
export {
  customerPredictionView,
  predictionsPage,
  requireLatestPredictionRun,
  resolvePredictOptions,
  runPredictions,
  scoreCustomers,
  topCustomersByClv,
  toCustomerPredictionView,
  toPredictionRunView,
  type CustomerPredictionView,
  type PredictOptions,
  type PredictResult,
  type PredictionRunView,
  type PredictionsPage,
  type ResolvedPredictOptions,
  type ScoredCustomer,
} from './predict.js';
export {
  assessChurn,
  churnList,
  businessMoney,
  churnReasonData,
  churnReasons,
  describeReason,
  churnRuns,
  customerChurnTrend,
  moneyFormatter,
  resolveThresholds,
  runChurn,
  toChurnRiskView,
  toChurnRunView,
  type ChurnAssessment,
  type ChurnFacts,
  type ChurnReason,
  type ChurnReasonData,
  type ChurnReasonCode,
  type ChurnResult,
  type ChurnRiskView,
  type ChurnRunView,
  type CustomerChurnPoint,
  type RunChurnOptions,
} from './churn.js';
export { customerPredictions, type CustomerPredictionsView } from './customer.js';
export * as predictionFormat from './format.js';
