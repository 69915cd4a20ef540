/** Campaigns: reproducible control groups and uplift / ROI measurement. */
export { type ControlAssignment, assignControlGroup, assignmentKey, campaignSeed, fmix32, fnv1a32 } from './assign.js';
export {
  CAMPAIGN_DEFAULTS,
  type CampaignMeasurement,
  type CampaignOutcome,
  type CampaignRoi,
  type ResponseCounts,
  type ResponseUplift,
  type RevenueGroup,
  type RevenueUplift,
  campaignRoi,
  measureCampaign,
  responseUplift,
  revenueUplift,
} from './uplift.js';
export { CampaignError, type CampaignErrorCode } from './errors.js';
