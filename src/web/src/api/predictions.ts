/** Prediction API shapes (src/server/routes/predictions.routes.ts; docs/predictions.md). Money in minor units. */

export interface ModelRun {
  id: number;
  model: 'bg-nbd' | 'pareto-nbd' | 'gamma-gamma';
  status: 'fitted' | 'unsupported' | 'failed';
  purpose: 'fit' | 'validate' | 'predict';
  calibrationEnd: string | null;
  period: 'day' | 'week';
  params: Record<string, number> | null;
  standardErrors: Record<string, number> | null;
  logLik: number | null;
  aic: number | null;
  bic: number | null;
  n: number;
  converged: boolean;
  optimizer: string | null;
  iterations: number | null;
  warnings: string[];
  reason: string | null;
  createdAt: string;
}

export interface PredictionRun {
  id: number;
  status: 'running' | 'completed' | 'failed';
  asOf: string;
  period: 'day' | 'week';
  horizon: number;
  annualDiscountRate: number;
  margin: number;
  model: 'bg-nbd' | 'pareto-nbd';
  repeatModelRunId: number | null;
  spendModelRunId: number | null;
  spendSource: 'gamma-gamma' | 'customer-mean';
  customers: number;
  totalClvMinor: number;
  expectedPurchases: number;
  warnings: string[];
}

export interface CustomerPrediction {
  customerId: number;
  externalId?: string;
  name?: string | null;
  repeatPurchases: number;
  firstPurchase: string;
  lastPurchase: string;
  pAlive: number;
  expectedPurchases: number;
  expectedOrderValueMinor: number | null;
  clvMinor: number | null;
  clvIfActiveMinor: number | null;
  daysToNextIfActive: number | null;
}

export type ChurnReasonCode = 'p-alive' | 'overdue' | 'falling-spend' | 'complaints' | 'low-satisfaction';
export interface ChurnReason {
  code: ChurnReasonCode;
  text: string;
  value: number;
  threshold: number;
}

export interface ChurnRun {
  id: number;
  asOf: string;
  predictionRunId: number | null;
  model: string;
  customers: number;
  atRisk: number;
  clvAtRiskMinor: number;
  reasonCounts: Record<string, number>;
  voice: boolean;
  createdAt: string;
}

export interface ChurnRisk {
  rank: number;
  customerId: number;
  externalId: string;
  name: string | null;
  pAlive: number;
  risk: number;
  valueIfActiveMinor: number;
  priorityMinor: number;
  clvMinor: number;
  daysSinceLast: number;
  meanGapDays: number | null;
  recentSpendMinor: number;
  earlierSpendMinor: number;
  recentCases: number;
  openCases: number;
  lowScores: number;
  reasons: ChurnReason[];
}

export interface TrackingPoint {
  period: number;
  start: string;
  end: string;
  holdout: boolean;
  actual: number;
  expected: number;
  actualCumulative: number;
  expectedCumulative: number;
}

export interface Validation {
  calibrationEnd: string;
  holdoutEnd: string;
  period: 'day' | 'week';
  holdoutLength: number;
  customers: number;
  models: {
    model: 'bg-nbd' | 'pareto-nbd';
    run: ModelRun;
    totals: { actual: number; predicted: number; relativeError: number };
    byFrequency: { label: string; frequency: number; customers: number; actualMean: number | null; predictedMean: number | null }[];
    tracking: TrackingPoint[];
  }[];
}

export interface CustomerPredictions {
  customerId: number;
  predictionRun: { id: number; asOf: string; model: string; horizon: number; period: string; spendSource: string } | null;
  prediction: CustomerPrediction | null;
  churn: {
    runId: number | null;
    asOf: string | null;
    atRisk: boolean;
    rank: number | null;
    risk: number | null;
    priorityMinor: number | null;
    reasons: ChurnReason[];
    history: { runId: number; asOf: string; rank: number; pAlive: number; priorityMinor: number; reasons: string[] }[];
  };
}

export const MODEL_LABEL: Record<string, string> = { 'bg-nbd': 'BG/NBD', 'pareto-nbd': 'Pareto/NBD', 'gamma-gamma': 'Gamma-Gamma' };
