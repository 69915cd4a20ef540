import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The one Kysely database interface for SQLite and PostgreSQL.
 * Representation is identical on both engines (docs/data-model.md):
 * - ids are integers (INTEGER in SQLite, BIGINT identity in PostgreSQL, parsed to number);
 * - money is integer minor units (`*_minor`), never a float;
 * - timestamps are ISO-8601 UTC text `YYYY-MM-DDTHH:mm:ss.sssZ` (sorts as text);
 *   `local_date` is the business-local calendar date `YYYY-MM-DD` and `day` the same date
 *   as days since 1970-01-01, so day arithmetic is plain integer SQL on both engines;
 * - booleans are 0/1 integers; JSON is text.
 */
type Id = Generated<number>;
type Bool = number;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface VenuesTable {
  id: Id;
  code: string;
  name: string;
  kind: string;
  city: string | null;
  created_at: string;
}

export interface CustomersTable {
  id: Id;
  external_id: string;
  name: string | null;
  name_key: string | null;
  gender: string | null;
  birthday: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  tags: string;
  attributes: string;
  acquisition_channel: string | null;
  acquisition_cost_minor: ColumnType<number, number | undefined, number>;
  referred_by: number | null;
  consent_sms: ColumnType<Bool, Bool | undefined, Bool>;
  consent_email: ColumnType<Bool, Bool | undefined, Bool>;
  home_venue_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProductsTable {
  id: Id;
  sku: string;
  name: string | null;
  category: string | null;
  unit_cost_minor: number | null;
  created_at: string;
}

export type OrderKind = 'sale' | 'return';
export type OrderStatus = 'completed' | 'cancelled' | 'returned';

export interface OrdersTable {
  id: Id;
  external_id: string;
  customer_id: number | null;
  venue_id: number | null;
  kind: OrderKind;
  returns_order_id: number | null;
  status: OrderStatus;
  ordered_at: string;
  local_date: string;
  day: number;
  channel: string | null;
  payment_method: string | null;
  /** Sum of line totals before the order-level discount (signed: negative on returns). */
  subtotal_minor: number;
  discount_minor: number;
  /** What the customer paid: subtotal - discount (signed). */
  total_minor: number;
  /** Cost of goods from product unit costs at the time of sale; null when any line's cost is unknown. */
  cost_minor: number | null;
  item_count: number;
  content_hash: string;
  import_batch_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface OrderLinesTable {
  /** (order_id, line_no) is the primary key. */
  order_id: number;
  line_no: number;
  product_id: number | null;
  sku: string | null;
  description: string | null;
  quantity: number;
  /** Exact decimal text as given (e.g. "2.55"); totals are computed from it without floats. */
  unit_price: string | null;
  line_total_minor: number;
  discount_minor: number;
  unit_cost_minor: number | null;
}

export interface ContactsTable {
  id: Id;
  external_id: string | null;
  customer_id: number;
  venue_id: number | null;
  occurred_at: string;
  day: number;
  channel: string;
  direction: 'inbound' | 'outbound';
  purpose: string | null;
  cost_minor: ColumnType<number, number | undefined, number>;
  note: string | null;
  created_by: string | null;
}

export type Role = 'admin' | 'manager' | 'marketing' | 'service' | 'staff';

export interface UsersTable {
  id: Id;
  username: string;
  display_name: string | null;
  password_hash: string;
  role: Role;
  venue_id: number | null;
  active: ColumnType<Bool, Bool | undefined, Bool>;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Id;
  name: string;
  token_hash: string;
  prefix: string;
  role: Role;
  venue_id: number | null;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Id;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: string | null;
}

export interface ImportBatchesTable {
  id: Id;
  kind: string;
  source_name: string;
  file_sha256: string | null;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'completed' | 'failed';
  summary: string | null;
  actor: string;
}

export interface ImportRejectsTable {
  id: Id;
  batch_id: number;
  line: number;
  reason: string;
  raw: string | null;
}

export interface PatronMigrationsTable {
  name: string;
  applied_at: string;
}

// ---- voice of the customer (migration 0004-voice; docs/voice.md) --------------------------------

export type SurveyStatus = 'draft' | 'active' | 'closed';
export type SurveyItemType = 'rating' | 'nps' | 'csat' | 'effort' | 'gap' | 'kano' | 'text';
export type SurveyTriggerEvent = 'first_purchase' | 'order_followup' | 'case_closed';
/** The four post-purchase stages of DOMAIN.md section 6. */
export type PostPurchaseStage = 'doubt' | 'learning' | 'acceptance' | 'reevaluation';

export interface SurveysTable {
  id: Id;
  code: string;
  /** JSON {"en": "...", "zh-CN": "..."}. */
  title: string;
  intro: string | null;
  status: SurveyStatus;
  stage: PostPurchaseStage | null;
  default_locale: 'zh-CN' | 'en';
  link_ttl_days: number;
  /** Severity of cases opened automatically from low answers. */
  auto_case_severity: string;
  created_at: string;
  updated_at: string;
  created_by: string;
}

export interface SurveyItemsTable {
  id: Id;
  survey_id: number;
  position: number;
  key: string;
  type: SurveyItemType;
  /** JSON i18n text. */
  text: string;
  /** JSON: scale, attribute, feature, touchpoint, index role, caseBelow ... (docs/voice.md). */
  config: string;
  required: Bool;
}

export interface SurveyTriggersTable {
  id: Id;
  survey_id: number;
  event: SurveyTriggerEvent;
  stage: PostPurchaseStage | null;
  delay_days: number;
  lookback_days: number;
  cooldown_days: number;
  active: ColumnType<Bool, Bool | undefined, Bool>;
  created_at: string;
  created_by: string;
}

export interface SurveyInvitationsTable {
  id: Id;
  survey_id: number;
  trigger_id: number | null;
  /** Idempotency key of a triggered invitation ('order:12'); unique per survey. */
  dedupe_key: string | null;
  customer_id: number | null;
  order_id: number | null;
  case_id: number | null;
  venue_id: number | null;
  touchpoint: string | null;
  staff: string | null;
  stage: PostPurchaseStage | null;
  locale: 'zh-CN' | 'en';
  created_at: string;
  /** Part of the signed link: a link whose expiry differs from this one is not valid. */
  expires_at: string;
  revoked_at: string | null;
  responded_at: string | null;
  created_by: string;
}

export interface SurveyResponsesTable {
  id: Id;
  survey_id: number;
  /** Unique: one response per link. Null for responses entered by staff. */
  invitation_id: number | null;
  customer_id: number | null;
  order_id: number | null;
  case_id: number | null;
  venue_id: number | null;
  touchpoint: string | null;
  staff: string | null;
  channel: 'link' | 'entered';
  locale: 'zh-CN' | 'en';
  submitted_at: string;
  local_date: string;
  day: number;
  created_by: string | null;
}

export interface SurveyAnswersTable {
  id: Id;
  response_id: number;
  item_id: number;
  /** Rating, NPS, CSAT, effort, or a gap's expectation. */
  value: number | null;
  /** A gap's perception. */
  value2: number | null;
  /** Free text, or a Kano pair's functional answer. */
  text: string | null;
  /** A Kano pair's dysfunctional answer. */
  text2: string | null;
}

export interface JourneysTable {
  id: Id;
  code: string;
  /** JSON i18n text. */
  name: string;
  /** JSON [{ key, label: i18n }] in journey order. */
  touchpoints: string;
  created_at: string;
  updated_at: string;
}

export type CaseChannel = 'phone' | 'visit' | 'email' | 'web' | 'social' | 'survey' | 'other';
export type CaseStatus = 'open' | 'resolved' | 'closed';
export type RecoveryStep = 'apologise' | 'listen' | 'fair_fix' | 'compensation' | 'keep_promise' | 'follow_up';

export interface CasesTable {
  id: Id;
  customer_id: number | null;
  channel: CaseChannel;
  category: string;
  severity: string;
  venue_id: number | null;
  product_id: number | null;
  order_id: number | null;
  /** The survey response that opened the case automatically (unique). */
  survey_response_id: number | null;
  assignee_user_id: number | null;
  subject: string;
  description: string | null;
  status: CaseStatus;
  /** SLA targets copied from the policy when the severity was set, so policy edits do not rewrite history. */
  sla_first_response_minutes: number;
  sla_resolution_minutes: number;
  opened_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  created_by: string;
  updated_at: string;
}

export interface CaseStepsTable {
  id: Id;
  case_id: number;
  step: RecoveryStep;
  position: number;
  status: 'pending' | 'done' | 'skipped';
  done_at: string | null;
  done_by: string | null;
  note: string | null;
}

export interface CaseEventsTable {
  id: Id;
  case_id: number;
  at: string;
  actor: string;
  kind: string;
  detail: string | null;
}

export type CompensationKind = 'points' | 'stored_value' | 'voucher';
/** recorded: kept here, not (yet) in the loyalty ledger; granted: in the ledger; issued: a voucher handed out. */
export type CompensationStatus = 'recorded' | 'granted' | 'issued' | 'cancelled';

export interface CaseCompensationsTable {
  id: Id;
  case_id: number;
  customer_id: number | null;
  kind: CompensationKind;
  points: number | null;
  amount_minor: number | null;
  voucher_code: string | null;
  note: string | null;
  status: CompensationStatus;
  /** Reference of the loyalty ledger entry, when the ledger took it. */
  ledger_ref: string | null;
  /** Why the compensation is only recorded (e.g. no loyalty ledger in this build). */
  error: string | null;
  created_at: string;
  created_by: string;
  granted_at: string | null;
}

export interface CaseFollowUpsTable {
  id: Id;
  case_id: number;
  due_at: string;
  channel: string | null;
  note: string | null;
  done_at: string | null;
  done_by: string | null;
  outcome: string | null;
  /** Satisfaction after recovery, 1-5, as the customer said in the follow-up. */
  satisfaction: number | null;
  created_at: string;
  created_by: string;
}

// ---- customer value analytics (migration 0002-analytics; docs/analytics/pipeline.md) -------------

export type SnapshotStatus = 'running' | 'completed' | 'failed';

export interface AnalysisSnapshotsTable {
  id: Id;
  /** Business-local as-of date YYYY-MM-DD: only orders and contacts on or before it count. */
  as_of: string;
  as_of_day: number;
  status: SnapshotStatus;
  /** JSON: the options the snapshot was computed with (docs/analytics/pipeline.md). */
  parameters: string;
  /** JSON: report summaries (ABC, RFM, deciles, tiers) without the per-customer lists; null until completed. */
  summary: string | null;
  customers: ColumnType<number, number | undefined, number>;
  error: string | null;
  actor: string;
  created_at: string;
  finished_at: string | null;
}

/** One row per customer (with a completed sale by the as-of date) per snapshot. Money in minor units. */
export interface CustomerSnapshotMetricsTable {
  snapshot_id: number;
  customer_id: number;
  first_day: number;
  last_day: number;
  recency_days: number;
  tenure_days: number;
  orders: number;
  purchase_days: number;
  avg_days_between: number | null;
  revenue_minor: number;
  returns: number;
  returns_minor: number;
  cost_of_goods_minor: number;
  margin_minor: number;
  unknown_cost_revenue_minor: number;
  discounted_spend_minor: number;
  discount_share: number | null;
  cost_to_serve_minor: number;
  acquisition_cost_minor: number;
  profit_minor: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_cell: string;
  rfm_segment: string | null;
  eight_way: string;
  abc_class: string;
  tier: string;
  transaction_customer: Bool;
  monetary_decile: number;
}

// ---- loyalty (migration 0003, docs/loyalty.md) ----------------------------------------------------

export interface LoyaltyProgrammesTable {
  id: Id;
  code: string;
  name: string;
  status: 'active' | 'closed';
  /** Cash value of one point when redeemed, in minor units. */
  point_value_minor: number;
  /** Points earned per spend when the member has no tier, in basis points of spend value (500 = 5 %). */
  earn_rate_bp: number;
  points_expiry_days: number | null;
  /** Settlement value between venues as basis points of face value (10000 = 100 %). */
  points_settlement_bp: number;
  sv_settlement_bp: number;
  card_prefix: string;
  tier_window_days: number;
  referrer_points: number;
  referee_points: number;
  /** JSON [{ minPaidMinor, bonusMinor }]. */
  topup_bonuses: string;
  /** JSON [{ category?, campaign?, multiplierBp, fromDay?, toDay? }] for every member. */
  multipliers: string;
  created_at: string;
  updated_at: string;
}

export interface LoyaltyProgrammeVenuesTable {
  programme_id: number;
  venue_id: number;
  joined_at: string;
}

export interface LoyaltyTiersTable {
  id: Id;
  programme_id: number;
  code: string;
  name: string;
  rank: number;
  qualify_by: 'spend' | 'points';
  threshold: number;
  earn_rate_bp: number;
  discount_bp: number;
  /** JSON [{ category?, campaign?, multiplierBp }]. */
  multipliers: string;
  created_at: string;
}

export interface LoyaltyMembersTable {
  id: Id;
  programme_id: number;
  customer_id: number;
  tier_id: number | null;
  tier_since: string | null;
  status: 'active' | 'closed';
  enrolled_at: string;
  enrolled_venue_id: number | null;
}

export type LoyaltyCardStatus = 'active' | 'frozen' | 'lost' | 'replaced';

export interface LoyaltyCardsTable {
  id: Id;
  programme_id: number;
  member_id: number;
  number: string;
  status: LoyaltyCardStatus;
  replaces_card_id: number | null;
  issued_at: string;
  issued_venue_id: number | null;
  status_changed_at: string;
  status_reason: string | null;
}

export interface LoyaltyReferralCodesTable {
  customer_id: number;
  code: string;
  created_at: string;
}

export interface LoyaltyAccountsTable {
  id: Id;
  key: string;
  programme_id: number;
  kind: string;
  unit: 'points' | 'minor';
  member_id: number | null;
  venue_id: number | null;
  counter_venue_id: number | null;
  /** Cached sum of the account's entries (member accounts only; null for programme and venue accounts). */
  balance: number | null;
}

export interface LoyaltyTxnsTable {
  id: Id;
  programme_id: number;
  idempotency_key: string;
  request_hash: string;
  kind: string;
  member_id: number | null;
  card_id: number | null;
  venue_id: number | null;
  order_id: number | null;
  ref_txn_id: number | null;
  reference: string | null;
  /** Net change of the member's points. */
  points: ColumnType<number, number | undefined, never>;
  /** Net change of the member's stored value (paid + bonus), minor units. */
  amount_minor: ColumnType<number, number | undefined, never>;
  reason: string | null;
  actor: string;
  created_at: string;
  day: number;
  detail: string;
  /** JSON of the answer given to the caller, returned again on a retry with the same key. */
  result: string;
}

export interface LoyaltyEntriesTable {
  id: Id;
  txn_id: number;
  account_id: number;
  lot_id: number | null;
  amount: number;
  actor: string;
  created_at: string;
}

export interface LoyaltyLotsTable {
  id: Id;
  account_id: number;
  txn_id: number;
  member_id: number;
  /** Venue where the points were earned or the stored value paid in (settlement origin). */
  venue_id: number | null;
  day: number;
  expires_day: number | null;
  amount: number;
  /** Cached sum of the lot's entries. */
  remaining: number;
}

export interface LoyaltyTierChangesTable {
  id: Id;
  member_id: number;
  from_tier_id: number | null;
  to_tier_id: number | null;
  as_of_day: number;
  metric_value: number;
  actor: string;
  created_at: string;
}

// ---- acting on value (migration 0006-actions; docs/actions.md) ----------------------------------

export type PatternKind = 'rules' | 'sequences';
export type PatternLevel = 'product' | 'category';

/** A saved run of basket-rule or sequence mining: the source of next-best-product suggestions. */
export interface PatternSetsTable {
  id: Id;
  kind: PatternKind;
  level: PatternLevel;
  /** JSON: the mining options. */
  parameters: string;
  /** JSON: baskets / customers counted, thresholds used, data range. */
  summary: string;
  patterns: number;
  created_at: string;
  actor: string;
}

/** Item keys are a product's sku or a category; itemsets are JSON arrays of keys. */
export interface BasketRulesTable {
  set_id: number;
  position: number;
  antecedent: string;
  consequent: string;
  count: number;
  support: number;
  confidence: number;
  coverage: number;
  lift: number;
  leverage: number;
  /** null = infinite (confidence 1). */
  conviction: number | null;
}

export interface SequencePatternsTable {
  set_id: number;
  position: number;
  antecedent: string;
  consequent: string;
  count_antecedent: number;
  count: number;
  support: number;
  confidence: number;
  base_rate: number;
  lift: number;
  window_base_rate: number;
  /** null = infinite. */
  window_lift: number | null;
}

export type PlanRule = 'sales' | 'predicted-value' | 'manual';
export type PlanStatus = 'draft' | 'active' | 'archived';

export interface ContactPlansTable {
  id: Id;
  name: string;
  snapshot_id: number | null;
  /** Segmentation scheme of the snapshot: rfm-named, eight-way, abc, tier, decile, rfm-cell. */
  scheme: string;
  rule: PlanRule;
  budget_minor: number;
  period_quarters: number;
  status: PlanStatus;
  /** JSON: the allocator's totals (customers, sales, average spend per customer ...). */
  totals: string;
  note: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface ContactPlanSegmentsTable {
  plan_id: number;
  position: number;
  segment: string;
  customers: number;
  sales_minor: number;
  predicted_value_minor: number | null;
  manual_share: number | null;
  min_share: number | null;
  max_share: number | null;
  budget_share: number;
  budget_minor: number;
  spend_per_customer: number | null;
  spend_index: number | null;
  budget_per_sales: number | null;
  contacts_min: number | null;
  contacts_max: number | null;
  contacts_planned: number | null;
  /** JSON array of channels. */
  channels: string;
  content_type: string | null;
}

export type CampaignStatus = 'draft' | 'sent';
export type CampaignGroup = 'treatment' | 'control';

export interface CampaignsTable {
  id: Id;
  /** Seeds the control group: same code and audience, same split. */
  code: string;
  name: string;
  snapshot_id: number | null;
  plan_id: number | null;
  scheme: string;
  segment: string;
  channel: string;
  content_type: string | null;
  control_fraction: number;
  cost_per_contact_minor: number;
  fixed_cost_minor: number;
  /** Days after the send in which orders count as responses. */
  window_days: number;
  status: CampaignStatus;
  /** JSON: audience counts (segment, excluded for consent / missing details, treatment, control). */
  audience: string;
  sent_at: string | null;
  sent_day: number | null;
  created_at: string;
  created_by: string;
}

export interface CampaignMembersTable {
  campaign_id: number;
  customer_id: number;
  grp: CampaignGroup;
  /** The contact logged when the campaign was sent (treatment only). */
  contact_id: number | null;
}

// ---- predicted lifetime value and churn early warning (migration 0005-predictions; docs/predictions.md)

export type PredictionModel = 'bg-nbd' | 'pareto-nbd' | 'gamma-gamma';
export type PredictionPeriod = 'day' | 'week';

/** One model fit (successful or not), with everything needed to read it again. */
export interface ModelRunsTable {
  id: Id;
  model: PredictionModel;
  /** fitted; unsupported: the data cannot support the model (reason says what is missing); failed: the optimiser failed. */
  status: 'fitted' | 'unsupported' | 'failed';
  purpose: 'fit' | 'validate' | 'predict';
  source: 'orders' | 'summary-file';
  source_name: string | null;
  /** Business-local date YYYY-MM-DD: purchases on or before it are calibration; T is measured to this day. */
  calibration_end: string | null;
  calibration_end_day: number | null;
  holdout_end: string | null;
  period: PredictionPeriod;
  period_days: number;
  /** JSON: parameters in the model's own names (r, alpha, a, b / r, alpha, s, beta / p, q, gamma). */
  params: string | null;
  standard_errors: string | null;
  log_lik: number | null;
  aic: number | null;
  bic: number | null;
  /** Customers the fit used (Gamma-Gamma: repeat buyers with positive spend). */
  n: number;
  distinct_rows: number | null;
  converged: Bool;
  optimizer: string | null;
  iterations: number | null;
  evaluations: number | null;
  /** JSON array of plain-language cautions. */
  warnings: string;
  reason: string | null;
  /** JSON: the data profile (customers, repeat buyers, median T ...). */
  profile: string | null;
  duration_ms: number;
  actor: string;
  created_at: string;
}

export interface PredictionRunsTable {
  id: Id;
  /** superseded: completed, but a later run's customer rows replaced its own (only one run keeps rows). */
  status: 'running' | 'completed' | 'superseded' | 'failed';
  as_of: string;
  as_of_day: number;
  period: PredictionPeriod;
  period_days: number;
  horizon: number;
  annual_discount_rate: number;
  margin: number;
  model: 'bg-nbd' | 'pareto-nbd';
  repeat_model_run_id: number | null;
  spend_model_run_id: number | null;
  /** gamma-gamma: expected order value from the fitted spend model; customer-mean: the customer's own mean (spend model not supported). */
  spend_source: 'gamma-gamma' | 'customer-mean';
  customers: number;
  total_clv_minor: number;
  expected_purchases: number;
  /** JSON: the options of the run. */
  parameters: string;
  warnings: string;
  error: string | null;
  /** JSON: milliseconds per phase. */
  timings: string | null;
  actor: string;
  created_at: string;
  finished_at: string | null;
}

/** Per-customer predictions of the latest completed run. Money in minor units. */
export interface CustomerPredictionsTable {
  run_id: number;
  customer_id: number;
  /** Repeat purchase days by the as-of date. */
  x: number;
  first_day: number;
  last_day: number;
  p_alive: number;
  /** Expected purchases over the run's horizon. */
  expected_purchases: number;
  expected_order_value_minor: number | null;
  /** Discounted, after margin. */
  clv_minor: number | null;
  /** CLV if the customer is still active (CLV / P(alive)): the value a retention action protects. */
  clv_if_active_minor: number | null;
  /** Expected days to the next purchase if the customer stays active; null when the posterior mean is infinite. */
  days_to_next_if_active: number | null;
}

export interface ChurnRunsTable {
  id: Id;
  as_of: string;
  as_of_day: number;
  prediction_run_id: number | null;
  model: string;
  /** JSON: the thresholds used (docs/predictions.md). */
  thresholds: string;
  customers: number;
  at_risk: number;
  /** Sum of the predicted CLV of the at-risk customers. */
  clv_at_risk_minor: number;
  /** JSON { code: customers }. */
  reason_counts: string;
  /** 1 when voice-of-the-customer signals were read. */
  voice: Bool;
  duration_ms: number;
  actor: string;
  created_at: string;
}

/** One at-risk customer of a churn run, ranked by priority = risk × predicted CLV. */
export interface ChurnRisksTable {
  run_id: number;
  customer_id: number;
  rank: number;
  p_alive: number;
  risk: number;
  /** Predicted CLV if the customer is still active. */
  value_if_active_minor: number;
  /** round((1 - P(alive)) × predicted CLV): the sort key. */
  priority_minor: number;
  clv_minor: number;
  days_since_last: number;
  mean_gap_days: number | null;
  recent_spend_minor: number;
  earlier_spend_minor: number;
  recent_cases: number;
  open_cases: number;
  low_scores: number;
  /** JSON array of { code, text, ... }. */
  reasons: string;
}

// ---- customer list (migration 0007-customer-list) ---------------------------------------------------

/** One row per tag of a customer, kept equal to customers.tags by triggers (never written by code). */
export interface CustomerTagsTable {
  customer_id: number;
  tag: string;
}

/** A named filter set of the customer list (docs/api.md, "Saved segments"). */
export interface SavedSegmentsTable {
  id: Id;
  name: string;
  /** Actor text of the owner: 'user:<id>' or 'token:<id>'. */
  owner: string;
  shared: Bool;
  /** JSON: the filters (CustomerFilters). */
  filters: string;
  created_at: string;
  updated_at: string;
}

export interface Database {
  settings: SettingsTable;
  venues: VenuesTable;
  customers: CustomersTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  contacts: ContactsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  import_batches: ImportBatchesTable;
  import_rejects: ImportRejectsTable;
  patron_migrations: PatronMigrationsTable;
  analysis_snapshots: AnalysisSnapshotsTable;
  customer_snapshot_metrics: CustomerSnapshotMetricsTable;
  pattern_sets: PatternSetsTable;
  basket_rules: BasketRulesTable;
  sequence_patterns: SequencePatternsTable;
  contact_plans: ContactPlansTable;
  contact_plan_segments: ContactPlanSegmentsTable;
  campaigns: CampaignsTable;
  campaign_members: CampaignMembersTable;
  surveys: SurveysTable;
  survey_items: SurveyItemsTable;
  survey_triggers: SurveyTriggersTable;
  survey_invitations: SurveyInvitationsTable;
  survey_responses: SurveyResponsesTable;
  survey_answers: SurveyAnswersTable;
  journeys: JourneysTable;
  cases: CasesTable;
  case_steps: CaseStepsTable;
  case_events: CaseEventsTable;
  case_compensations: CaseCompensationsTable;
  case_follow_ups: CaseFollowUpsTable;
  loyalty_programmes: LoyaltyProgrammesTable;
  loyalty_programme_venues: LoyaltyProgrammeVenuesTable;
  loyalty_tiers: LoyaltyTiersTable;
  loyalty_members: LoyaltyMembersTable;
  loyalty_cards: LoyaltyCardsTable;
  loyalty_referral_codes: LoyaltyReferralCodesTable;
  loyalty_accounts: LoyaltyAccountsTable;
  loyalty_txns: LoyaltyTxnsTable;
  loyalty_entries: LoyaltyEntriesTable;
  loyalty_lots: LoyaltyLotsTable;
  loyalty_tier_changes: LoyaltyTierChangesTable;
  model_runs: ModelRunsTable;
  prediction_runs: PredictionRunsTable;
  customer_predictions: CustomerPredictionsTable;
  churn_runs: ChurnRunsTable;
  churn_risks: ChurnRisksTable;
  customer_tags: CustomerTagsTable;
  saved_segments: SavedSegmentsTable;
}

export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type Order = Selectable<OrdersTable>;
export type OrderLine = Selectable<OrderLinesTable>;
export type Venue = Selectable<VenuesTable>;
export type Product = Selectable<ProductsTable>;
export type Contact = Selectable<ContactsTable>;
export type User = Selectable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
