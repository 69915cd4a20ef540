/** Acting on value (DOMAIN.md section 7): basket and sequence patterns, suggestions, contact plans, campaigns. Docs: docs/actions.md. */
export { ACTIONS_DEFAULTS, RulesQuerySchema, SequencesQuerySchema, boolish, type RulesQuery, type SequencesQuery, type RuleSort, type SequenceSort } from './inputs.js';
export { type ItemRef } from './items.js';
export { loadBaskets, mineRules, sortRules, type RuleView, type RulesReport, type MineContext } from './baskets.js';
export { loadEvents, mineSequences, describePattern, type SequenceView, type SequencesReport } from './sequences.js';
export { SUGGESTION_DEFAULTS, SuggestionsQuerySchema, suggestionsFor, buildRecommender, type Suggestion, type Suggestions } from './suggestions.js';
export {
  SCHEMES,
  SchemeSchema,
  SegmentSettingsSchema,
  PlanProposalSchema,
  PlanSaveSchema,
  LogContactsSchema,
  proposePlan,
  savePlan,
  getPlan,
  listPlans,
  setPlanStatus,
  logPlanContacts,
  planPurpose,
  type PlanProposal,
  type PlanProposalInput,
  type PlanSaveInput,
  type PlanSegmentView,
  type SavedPlan,
  type SavedPlanSegment,
  type SegmentSettings,
  type LogContactsInput,
  type LogContactsResult,
  type WriteContext,
} from './plans.js';
export {
  CAMPAIGN_ACTION_DEFAULTS,
  CampaignCreateSchema,
  CampaignSendSchema,
  CampaignMeasureSchema,
  EXPORT_COLUMNS,
  createCampaign,
  exportCampaign,
  sendCampaign,
  measureCampaign,
  getCampaignView,
  listCampaignViews,
  type CampaignView,
  type CampaignAudience,
  type CampaignExport,
  type CampaignSendResult,
  type CampaignResult,
  type CampaignCreateInput,
  type CampaignSendInput,
  type CampaignMeasureInput,
} from './campaigns.js';
export { CONSENT_CHANNELS, filterReachable, reach, csvField } from './channels.js';
export { fromAnalyticsError } from './errors.js';
