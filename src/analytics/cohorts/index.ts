export {
  DEFAULTS,
  monthIndex,
  monthString,
  cohortMatrix,
  cohortRowsFromActivity,
  cohortSizesFromFirstMonths,
  cohortTable,
} from './cohorts.js';
export type { CohortActivityRow, CustomerMonthActivity, CohortOptions, CohortRow, CohortResult } from './cohorts.js';
