export { DEFAULTS, clvFormula, historicalClv, profitByPeriod, clvHistoryTable, zeroTotals } from './clv-history.js';
export type { CustomerPeriodValue, ReferralEdge, ValueTotals, ClvPeriodRow, HistoricalClv } from './clv-history.js';
