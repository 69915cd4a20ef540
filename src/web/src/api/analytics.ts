/**
 * Value analytics API shapes (src/server/routes/analytics.routes.ts; the `data` of each report
 * is the result of the method in src/analytics/*, see docs/analytics/value.md). Money is
 * integer minor units; shares are fractions; null means "not defined".
 */
import type { ReportTable } from './types';

export interface SnapshotRef {
  id: number;
  asOf: string;
}

export interface Snapshot {
  id: number;
  asOf: string;
  status: 'running' | 'completed' | 'failed';
  customers: number;
  parameters: unknown;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export type ReportKind = 'abc' | 'rfm' | 'deciles' | 'tiers' | 'clv' | 'cohorts' | 'migration';
export type SegmentScheme = 'rfm' | 'eight-way' | 'abc' | 'tier' | 'decile' | 'cell';
export type MigrationScheme = 'rfm' | 'eight-way' | 'abc' | 'tier' | 'decile';

export interface Report<D> {
  kind: ReportKind;
  lang: 'en' | 'zh-CN';
  snapshot: SnapshotRef;
  fromSnapshot?: SnapshotRef;
  tables: ReportTable[];
  data: D;
}

export interface SegmentSummary {
  id: string;
  customers: number;
  customerShare: number;
  revenueMinor: number;
  revenueShare: number | null;
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetaryMinor: number;
}

export interface RfmData {
  asOfDay: number;
  bins: number;
  frequency: 'purchaseDays' | 'orders';
  monetary: 'revenue' | 'margin';
  scoreRanges: Record<'r' | 'f' | 'm', { score: number; customers: number; min: number; max: number }[]>;
  cells: { r: number; f: number; m: number; cell: string; customers: number; customerShare: number; revenueMinor: number; revenueShare: number | null }[];
  segments: SegmentSummary[] | null;
  grid: { r: number; fm: number; segment: string; customers: number; revenueMinor: number }[] | null;
  eightWay: { means: { recencyDays: number; frequency: number; monetaryMinor: number }; segments: SegmentSummary[] };
  totals: { customers: number; revenueMinor: number };
}

export interface AbcResult {
  measure: 'revenue' | 'margin' | 'profit';
  cutoffs: { A: number; B: number };
  classes: {
    class: string;
    customers: number;
    customerShare: number;
    valueMinor: number;
    shareOfPositive: number | null;
    shareOfNet: number | null;
    minValueMinor: number | null;
    maxValueMinor: number | null;
  }[];
  totals: { customers: number; positiveMinor: number; negativeMinor: number; netMinor: number };
  curve: { customers: number; customerShare: number; cumulativeMinor: number; shareOfPositive: number | null; shareOfNet: number | null }[];
  gini: number | null;
}

export interface AbcData {
  abc: AbcResult;
  abcProfit: AbcResult | null;
}

export interface DecilesData {
  monetary: {
    deciles: {
      decile: number;
      customers: number;
      salesMinor: number;
      salesShare: number | null;
      profitMinor: number;
      profitShare: number | null;
      cumulativeCustomerShare: number;
      cumulativeSalesShare: number | null;
      cumulativeProfitShare: number | null;
    }[];
  };
  purchase: Record<
    'revenue' | 'profit',
    {
      slices: { slice: number; lowerShare: number; upperShare: number; customers: number; customerShare: number; cumulativeCustomerShare: number }[];
      nonPositive: { customers: number; customerShare: number; valueMinor: number };
    }
  >;
}

export interface TiersData {
  measure: 'profit' | 'margin';
  tiers: {
    tier: 'platinum' | 'gold' | 'iron' | 'lead';
    customers: number;
    customerShare: number;
    revenueMinor: number;
    revenueShare: number | null;
    valueMinor: number;
    valueShareOfPositive: number | null;
    valueShareOfNet: number | null;
    transactionCustomers: number;
  }[];
  transactionCustomers: { customers: number; customerShare: number; revenueMinor: number; marginMinor: number };
}

export interface CohortsData {
  asOfMonth: string;
  ages: number;
  cohorts: {
    cohortMonth: string;
    size: number;
    activeCustomers: (number | null)[];
    retention: (number | null)[];
    revenueMinor: (number | null)[];
    revenuePerCustomer: (number | null)[];
  }[];
  averageRetention: (number | null)[];
}

export interface MigrationData {
  scheme: MigrationScheme;
  fromSnapshot: SnapshotRef;
  toSnapshot: SnapshotRef;
  segments: string[];
  from: string[];
  to: string[];
  counts: number[][];
  cells: { from: string; to: string; customers: number; rowShare: number | null; revenueBeforeMinor: number; revenueAfterMinor: number }[];
  totals: { before: number; after: number; stayed: number; moved: number; new: number; gone: number; revenueBeforeMinor: number; revenueAfterMinor: number };
}

export interface ClvData {
  asOf: string;
  company: { period: number; customers: number; revenueMinor: number; marginMinor: number; costToServeMinor: number; acquisitionCostMinor: number; profitMinor: number }[];
  referrers: unknown[];
  customer: unknown;
}

export interface CustomerValueMetrics {
  firstPurchase: string;
  lastPurchase: string;
  recencyDays: number;
  tenureDays: number;
  orders: number;
  purchaseDays: number;
  averageDaysBetweenPurchases: number | null;
  revenueMinor: number;
  returns: number;
  returnsMinor: number;
  costOfGoodsMinor: number;
  marginMinor: number;
  unknownCostRevenueMinor: number;
  discountedSpendMinor: number;
  discountShare: number | null;
  costToServeMinor: number;
  acquisitionCostMinor: number;
  profitMinor: number;
  rfm: { r: number; f: number; m: number; cell: string; segment: string | null; eightWay: string };
  abcClass: string;
  tier: string;
  transactionCustomer: boolean;
  monetaryDecile: number;
}

export interface Label {
  en: string;
  zh: string;
}

export interface CustomerValue {
  customerId: number;
  snapshot: SnapshotRef | null;
  metrics: CustomerValueMetrics | null;
  segments: {
    rfm: { id: string; name: Label; action: Label } | null;
    eightWay: { id: string; code: string; name: Label; action: Label };
    tier: { id: string; name: Label; action: Label };
    abcClass: string;
    monetaryDecile: number;
    transactionCustomer: boolean;
  } | null;
  referrals: {
    ownProfitMinor: number;
    directReferrals: number;
    treeReferrals: number;
    referredDirectRevenueMinor: number;
    referredDirectProfitMinor: number;
    referredTreeRevenueMinor: number;
    referredTreeProfitMinor: number;
    totalProfitMinor: number;
  } | null;
}

export interface SegmentMember {
  customerId: number;
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consentSms: boolean;
  consentEmail: boolean;
  metrics: CustomerValueMetrics;
}

export interface SegmentMembersPage {
  snapshot: SnapshotRef;
  scheme: SegmentScheme;
  segment: string;
  items: SegmentMember[];
  nextCursor: string | null;
}
