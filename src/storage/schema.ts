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
  id: Id;
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
