export {
  DEFAULTS,
  ABC_CLASSES,
  abcClassify,
  abcTable,
  paretoCurve,
  giniCoefficient,
  cumulativeBand,
  checkCutoffs,
  rankByValue,
} from './abc.js';
export type { AbcClass, AbcInput, AbcOptions, AbcCustomer, AbcClassSummary, AbcResult, ParetoPoint } from './abc.js';
