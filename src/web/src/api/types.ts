/**
 * Shapes of the API responses the app uses, mirroring src/server/schemas.ts and the route
 * files (hand-written so the browser bundle never pulls in server code). Money is integer
 * minor units of the business currency; times are ISO-8601 UTC; `localDate` is the
 * business-local calendar day (YYYY-MM-DD).
 */

export type Role = 'admin' | 'manager' | 'marketing' | 'service' | 'staff';
export const ROLES: Role[] = ['admin', 'manager', 'marketing', 'service', 'staff'];

export type Permission =
  | 'session:self'
  | 'docs:read'
  | 'customers:read'
  | 'customers:write'
  | 'customers:export'
  | 'segments:write'
  | 'segments:share'
  | 'contacts:write'
  | 'orders:read'
  | 'orders:write'
  | 'imports:run'
  | 'imports:read'
  | 'analytics:read'
  | 'campaigns:write'
  | 'loyalty:operate'
  | 'cases:write'
  | 'surveys:write'
  | 'venues:read'
  | 'venues:write'
  | 'settings:read'
  | 'settings:admin'
  | 'users:admin'
  | 'tokens:admin'
  | 'audit:read';

export interface Me {
  kind: 'user' | 'token';
  id: number;
  name: string;
  displayName: string | null;
  role: Role;
  venueId: number | null;
  permissions: Permission[];
}

export interface Settings {
  name: string;
  currency: string;
  currencyDecimals: number;
  timeZone: string;
  locale: 'zh-CN' | 'en';
}

export interface Customer {
  id: number;
  externalId: string;
  name: string | null;
  gender: string | null;
  birthday: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  acquisitionChannel: string | null;
  acquisitionCostMinor: number;
  referredBy: number | null;
  consentSms: boolean;
  consentEmail: boolean;
  homeVenueId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerRef {
  id: number;
  externalId: string;
  name: string | null;
}

export interface OrderLine {
  lineNo: number;
  sku: string | null;
  description: string | null;
  quantity: number;
  unitPrice: string | null;
  lineTotalMinor: number;
  discountMinor: number;
  unitCostMinor: number | null;
}

export interface Order {
  id: number;
  externalId: string;
  customerId: number | null;
  customerExternalId: string | null;
  venueId: number | null;
  venueCode: string | null;
  kind: 'sale' | 'return';
  returnsOrderId: number | null;
  status: 'completed' | 'cancelled' | 'returned';
  orderedAt: string;
  localDate: string;
  channel: string | null;
  paymentMethod: string | null;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  costMinor: number | null;
  itemCount: number;
  lines: OrderLine[];
}

export interface Contact {
  id: number;
  externalId: string | null;
  customerId: number;
  venueId: number | null;
  occurredAt: string;
  localDate: string;
  channel: string;
  direction: 'inbound' | 'outbound';
  purpose: string | null;
  costMinor: number;
  note: string | null;
  createdBy: string | null;
}

export interface Customer360 {
  customer: Customer;
  referrer: CustomerRef | null;
  referrals: { total: number; items: CustomerRef[] };
  stats: {
    orders: number;
    returns: number;
    revenueMinor: number;
    returnsMinor: number;
    averageOrderValueMinor: number | null;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    purchaseDays: number;
    contacts: number;
    contactCostMinor: number;
  };
  recentOrders: Order[];
  recentContacts: Contact[];
}

export interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
}

export interface Overview {
  asOf: string;
  customers: number;
  orders: number;
  anonymousOrders: number;
  revenueMinor: number;
  activeWindowDays: number;
  activeCustomers: number;
  buyers: number;
  repeatBuyers: number;
  repeatPurchaseRate: number | null;
}

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  venueId: number | null;
  active: boolean;
  createdAt: string;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  venueId: number | null;
  createdBy: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Venue {
  id: number;
  code: string;
  name: string;
  kind: string;
  city: string | null;
  createdAt: string;
}

export interface ImportSummary {
  batchId: number;
  source: string;
  read: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  anonymous: number;
  returns: number;
  orders: number;
  lines: number;
  customersCreated: number;
  productsCreated: number;
  venuesCreated: number;
  encoding: string;
  delimiter: string;
  columns: Record<string, number>;
  durationMs: number;
}

export interface ImportBatch {
  id: number;
  kind: string;
  sourceName: string;
  fileSha256: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'failed';
  actor: string;
  summary: Partial<ImportSummary> | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  detail: unknown;
}

/** A report table as the analytics layer builds it (src/analytics/metrics.ts ReportTable). */
export type ColumnKind = 'text' | 'count' | 'money' | 'share' | 'number' | 'days';
export interface ReportTable {
  title: string;
  columns: { key: string; label: string; kind: ColumnKind }[];
  rows: (string | number | null)[][];
}
