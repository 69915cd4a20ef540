export { DEFAULTS, TIERS, profitabilityTiers, tierTable } from './tiers.js';
export type { Tier, TierMeasure, TierInput, TierOptions, TierCustomer, TierSummary, TierResult } from './tiers.js';
