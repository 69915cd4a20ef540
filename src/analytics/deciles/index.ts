export {
  DEFAULTS,
  groupSizes,
  monetaryDeciles,
  purchaseDeciles,
  monetaryDecileTable,
  purchaseDecileTable,
} from './deciles.js';
export type {
  DecileSpend,
  DecileProfit,
  DecileInput,
  MonetaryDecileOptions,
  MonetaryDecile,
  MonetaryDecileResult,
  PurchaseDecileMeasure,
  PurchaseDecileOptions,
  PurchaseSlice,
  PurchaseDecileResult,
} from './deciles.js';
