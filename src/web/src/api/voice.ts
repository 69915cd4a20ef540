/** Voice-of-the-customer API shapes (src/server/routes/surveys.routes.ts, cases.routes.ts; docs/voice.md). */

export type I18nText = { en?: string; 'zh-CN'?: string };
export interface Interval {
  lower: number;
  upper: number;
  level: number;
  method: string;
}

export interface SurveySummary {
  id: number;
  code: string;
  title: I18nText;
  status: 'draft' | 'active' | 'closed';
  stage: string | null;
  itemCount: number;
  createdAt: string;
}

export interface SurveyItem {
  key: string;
  type: 'rating' | 'nps' | 'csat' | 'effort' | 'gap' | 'kano' | 'text';
  text: I18nText;
}

export interface Survey extends SurveySummary {
  items: SurveyItem[];
}

export interface Nps {
  promoters: number;
  passives: number;
  detractors: number;
  n: number;
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
  score: number;
  ci: Interval;
}

export interface Csat {
  n: number;
  satisfied: number;
  rate: number;
  ci: Interval;
  threshold: number;
}

export interface ItemMetrics {
  key: string;
  type: SurveyItem['type'];
  n: number;
  distribution: Record<string, number> | null;
  mean: { n: number; mean: number; ci: Interval | null } | null;
  satisfied: { from: number; count: number; rate: number; ci: Interval } | null;
  nps: Nps | null;
  csat: Csat | null;
}

export interface SurveyMetrics {
  responses: number;
  items: ItemMetrics[];
  gaps: {
    attributes: { attribute: string; n: number; meanExpectation: number | null; meanPerception: number | null; gap: number | null; ci: Interval | null }[];
    meanGap: number | null;
  } | null;
  kano: { attribute: string; n: number; category: string; better: number | null; worse: number | null }[] | null;
  index: {
    weighting: 'regression' | 'equal';
    index: number;
    n: number;
    ci: Interval | null;
    items: { key: string; mean: number; rescaled: number; weight: number }[];
    drivers: { rSquared: number | null; importance: (number | null)[] } | null;
  } | null;
  indexError: string | null;
}

export interface SurveyTrends {
  groups: { key: string; n: number; nps: Nps | null; csat: Csat | null; index: { index: number; ci: Interval | null } | null }[];
}

export interface Journey {
  id: number;
  code: string;
  name: I18nText;
  touchpoints: { key: string; label: I18nText | null }[];
}

export interface JourneyReport {
  journey: Journey;
  touchpoints: { key: string; label: I18nText | null; n: number; satisfied: number; rate: number | null; ci: Interval | null }[];
  naiveEndToEnd: number | null;
  observed: { customers: number; noBadMoment: number; rate: number | null; ci: Interval | null };
  incomplete: { customers: number; withBadMoment: number };
}

export type SlaState = 'ok' | 'warning' | 'breached';
export interface SlaClock {
  dueAt: string;
  completedAt: string | null;
  state: SlaState;
  met: boolean | null;
  remainingMs: number;
}

export interface Case {
  id: number;
  customerId: number | null;
  channel: string;
  category: string;
  severity: string;
  venueId: number | null;
  subject: string;
  description: string | null;
  status: 'open' | 'resolved' | 'closed';
  openedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  sla: { state: SlaState; firstResponse: SlaClock; resolution: SlaClock };
  stepsCompleted: number;
}

export const RECOVERY_STEPS = ['apologise', 'listen', 'fair_fix', 'compensation', 'keep_promise', 'follow_up'] as const;

export interface CaseDetail extends Case {
  steps: { step: (typeof RECOVERY_STEPS)[number]; position: number; status: 'pending' | 'done' | 'skipped'; doneAt: string | null; doneBy: string | null; note: string | null }[];
  compensations: { id: number; kind: string; points: number | null; amountMinor: number | null; voucherCode: string | null; status: string; createdAt: string }[];
  followUps: { id: number; dueAt: string; doneAt: string | null; outcome: string | null; satisfaction: number | null; overdue: boolean }[];
  events: { id: number; at: string; actor: string; kind: string; detail: unknown }[];
}

export interface RecoveryOutcomes {
  resolvedCases: number;
  satisfactionAfterRecovery: { followUp: Csat | null; survey: Csat | null };
  repurchase: {
    recovered: { customers: number; repurchased: number; rate: number | null };
    comparison: { customers: number; repurchased: number; rate: number | null };
    result: { difference: number; ci: Interval; pValue: number } | null;
    reason: string | null;
  };
}
