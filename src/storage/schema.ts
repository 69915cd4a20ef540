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
export type CompensationStatus = 'recorded' | 'granted' | 'issued' | 'failed' | 'cancelled';

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
