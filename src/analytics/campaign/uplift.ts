/**
 * Campaign results against a random control group: incremental response, incremental revenue
 * per customer, and ROI. With random assignment, treatment minus control estimates the effect
 * of the campaign (Radcliffe 2007, "Using control groups to target on predicted lift",
 * Direct Marketing Analytics Journal).
 */
import {
  type Interval,
  type MeanDifference,
  type ProportionDifference,
  type ProportionDifferenceMethod,
  proportionDifference,
  welchInterval,
} from '../satisfaction/intervals.js';
import { CampaignError } from './errors.js';

export const CAMPAIGN_DEFAULTS = {
  level: 0.95,
  /** Interval for the response-rate difference: 'newcombe' hybrid score or 'wald'. */
  responseMethod: 'newcombe' as ProportionDifferenceMethod,
};

export interface ResponseCounts {
  customers: number;
  responders: number;
}

export interface ResponseUplift extends ProportionDifference {
  /** Treatment rate / control rate - 1; NaN when the control rate is 0. */
  relativeLift: number;
  /** difference · treated customers: responders the campaign added. */
  incrementalResponders: number;
}

/** Response rate treatment - control with a two-proportion interval (see proportionDifference). */
export function responseUplift(
  treatment: ResponseCounts,
  control: ResponseCounts,
  options: { level?: number; method?: ProportionDifferenceMethod } = {},
): ResponseUplift {
  const level = options.level ?? CAMPAIGN_DEFAULTS.level;
  const method = options.method ?? CAMPAIGN_DEFAULTS.responseMethod;
  if (treatment.customers === 0 || control.customers === 0) throw new CampaignError('EMPTY_INPUT', 'responseUplift: a group has no customers');
  const d = proportionDifference(treatment.responders, treatment.customers, control.responders, control.customers, { level, method });
  return { ...d, relativeLift: d.p2 === 0 ? NaN : d.p1 / d.p2 - 1, incrementalResponders: d.difference * treatment.customers };
}

export interface RevenueGroup {
  customers: number;
  /** Integer sum of revenue, minor units. */
  revenue: number;
  revenuePerCustomer: number;
  variance: number;
}

export interface RevenueUplift extends MeanDifference {
  treatment: RevenueGroup;
  control: RevenueGroup;
}

function revenueGroup(values: readonly number[], what: string): RevenueGroup {
  if (values.length < 2) throw new CampaignError('TOO_FEW_CUSTOMERS', `revenueUplift: ${what} needs at least 2 customers`);
  let sum = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new CampaignError('INVALID_OUTCOME', `revenueUplift: revenue must be a non-negative integer (minor units), got ${v}`);
    }
    sum += v; // integer sum: exact below 2^53
  }
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { customers: values.length, revenue: sum, revenuePerCustomer: mean, variance: ss / (values.length - 1) };
}

/**
 * Revenue per customer, treatment - control, with Welch's interval (unequal variances:
 * campaign revenue is mostly zeros with a long tail, and the groups differ in spread).
 * Pass one value per customer, including zeros for non-buyers, in integer minor units.
 */
export function revenueUplift(treatment: readonly number[], control: readonly number[], options: { level?: number } = {}): RevenueUplift {
  const t = revenueGroup(treatment, 'treatment');
  const c = revenueGroup(control, 'control');
  const w = welchInterval(
    { n: t.customers, mean: t.revenuePerCustomer, variance: t.variance },
    { n: c.customers, mean: c.revenuePerCustomer, variance: c.variance },
    options.level ?? CAMPAIGN_DEFAULTS.level,
  );
  return { ...w, treatment: t, control: c };
}

export interface CampaignRoi {
  /** (mean_T - mean_C) · treated customers, rounded to minor units. */
  incrementalRevenue: number;
  incrementalRevenueCi: Interval;
  /** incrementalRevenue · marginRate, rounded to minor units. */
  incrementalMargin: number;
  /** (incremental margin - cost) / cost; null when cost is 0. */
  roi: number | null;
  /** ROI at the ends of the revenue interval; null when cost is 0. */
  roiCi: Interval | null;
}

/**
 * Incremental revenue = difference in revenue per customer × treated customers; ROI =
 * (incremental revenue · margin rate - cost) / cost, the return on marketing investment (ROMI) of
 * Farris, Bendle, Pfeifer & Reibstein 2010, Marketing Metrics, 2nd ed., ch. 10. ROI is linear in the difference, so its interval is the image of the Welch
 * interval; it treats cost and margin rate as known. Money is rounded to whole minor units;
 * ROI uses the unrounded values.
 */
export function campaignRoi(uplift: RevenueUplift, options: { cost: number; marginRate: number }): CampaignRoi {
  const { cost, marginRate } = options;
  if (!Number.isSafeInteger(cost) || cost < 0) {
    throw new CampaignError('INVALID_OPTION', `campaignRoi: cost must be a non-negative integer (minor units), got ${cost}`);
  }
  if (!(marginRate >= 0 && marginRate <= 1)) {
    throw new CampaignError('INVALID_OPTION', `campaignRoi: marginRate must be in [0, 1], got ${marginRate}`);
  }
  const nT = uplift.treatment.customers;
  const inc = uplift.difference * nT;
  const lo = uplift.ci.lower * nT;
  const hi = uplift.ci.upper * nT;
  const roiOf = (revenue: number) => (revenue * marginRate - cost) / cost;
  return {
    incrementalRevenue: Math.round(inc),
    incrementalRevenueCi: { lower: Math.round(lo), upper: Math.round(hi), level: uplift.ci.level, method: uplift.ci.method },
    incrementalMargin: Math.round(inc * marginRate),
    roi: cost > 0 ? roiOf(inc) : null,
    roiCi: cost > 0 ? { lower: roiOf(lo), upper: roiOf(hi), level: uplift.ci.level, method: uplift.ci.method } : null,
  };
}

export interface CampaignOutcome {
  customerId: string;
  group: 'treatment' | 'control';
  responded: boolean;
  /** Revenue in the measurement window, integer minor units (0 if none). */
  revenue: number;
}

export interface CampaignMeasurement {
  response: ResponseUplift & { treatment: ResponseCounts; control: ResponseCounts };
  revenue: RevenueUplift;
  roi: CampaignRoi;
}

/** All of the above from per-customer outcomes. */
export function measureCampaign(
  outcomes: readonly CampaignOutcome[],
  options: { cost: number; marginRate: number; level?: number; responseMethod?: ProportionDifferenceMethod },
): CampaignMeasurement {
  if (outcomes.length === 0) throw new CampaignError('EMPTY_INPUT', 'measureCampaign: no outcomes');
  const seen = new Set<string>();
  const rev = { treatment: [] as number[], control: [] as number[] };
  const resp = { treatment: { customers: 0, responders: 0 }, control: { customers: 0, responders: 0 } };
  for (const o of outcomes) {
    if (seen.has(o.customerId)) throw new CampaignError('DUPLICATE_CUSTOMER', `measureCampaign: customer '${o.customerId}' appears twice`);
    seen.add(o.customerId);
    if (o.group !== 'treatment' && o.group !== 'control') {
      throw new CampaignError('INVALID_OUTCOME', `measureCampaign: unknown group ${String(o.group)}`);
    }
    rev[o.group].push(o.revenue);
    resp[o.group].customers++;
    if (o.responded) resp[o.group].responders++;
  }
  const level = options.level ?? CAMPAIGN_DEFAULTS.level;
  const response = responseUplift(resp.treatment, resp.control, { level, method: options.responseMethod });
  const revenue = revenueUplift(rev.treatment, rev.control, { level });
  return {
    response: { ...response, treatment: resp.treatment, control: resp.control },
    revenue,
    roi: campaignRoi(revenue, options),
  };
}
