/** Action API shapes (src/server/routes/actions.routes.ts; docs/actions.md). Money in minor units. */

export interface ItemRef {
  key: string;
  label: string;
  productId: number | null;
}

export interface PlanSegment {
  id: string;
  customers: number;
  sales: number;
  customerShare: number;
  salesShare: number;
  budget: number;
  budgetShare: number;
  spendPerCustomer: number | null;
  spendIndex: number | null;
  budgetPerSales: number | null;
  contactsPerQuarter: { min: number | null; max: number | null; planned: number | null };
  clamped: 'min' | 'max' | null;
}

export interface PlanProposal {
  snapshot: { id: number; asOf: string };
  scheme: string;
  rule: 'sales' | 'predicted-value' | 'manual';
  budgetMinor: number;
  periodQuarters: number;
  totals: { customers: number; sales: number; budget: number; averageSpendPerCustomer: number };
  segments: PlanSegment[];
}

export interface PlanHeader {
  id: number;
  name: string;
  status: 'draft' | 'active' | 'archived';
  scheme: string;
  rule: string;
  budgetMinor: number;
  periodQuarters: number;
  totals: { customers: number; sales: number; budget: number };
  createdAt: string;
  createdBy: string;
  logged: { contacts: number; customers: number; costMinor: number };
}

export interface Campaign {
  id: number;
  code: string;
  name: string;
  status: 'draft' | 'sent';
  scheme: string;
  segment: string;
  channel: string;
  controlFraction: number;
  windowDays: number;
  audience: { segmentCustomers: number; reachable: number; excludedNoConsent: number; excludedNoAddress: number; treatment: number; control: number };
  sentAt: string | null;
  createdAt: string;
}

export interface Interval {
  lower: number;
  upper: number;
  level: number;
}

export interface CampaignResult {
  campaign: Campaign;
  window: { from: string; to: string; days: number; complete: boolean };
  groups: Record<'treatment' | 'control', { customers: number; responders: number; responseRate: number; revenueMinor: number; revenuePerCustomer: number }>;
  response: { difference: number; ci: Interval; pValue: number | null; relativeLift: number | null; incrementalResponders: number };
  roi: { incrementalRevenue: number; incrementalMargin: number; roi: number | null; roiCi: Interval | null };
  cost: { contacts: number; totalMinor: number };
}

export interface RulesReport {
  data: { orders: number; baskets: number; items: number };
  total: number;
  rules: { antecedent: ItemRef[]; consequent: ItemRef[]; count: number; support: number; confidence: number; lift: number; conviction: number | null }[];
}

export interface SequencesReport {
  data: { customers: number; events: number };
  total: number;
  patterns: { antecedent: ItemRef; consequent: ItemRef; count: number; confidence: number; lift: number; windowLift: number | null; text: string }[];
}

export interface Suggestions {
  customerId: number;
  sources: { rules: { patterns: number }; sequences: { patterns: number } };
  suggestions: { item: ItemRef; score: number; confidence: number; lift: number; source: 'rule' | 'sequence'; because: ItemRef[] }[];
}
