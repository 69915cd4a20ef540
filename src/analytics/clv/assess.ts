import { DEFAULTS } from './defaults.js';
import type { AssessCode, SummaryRow } from './types.js';

export interface DataProfile {
  /** Customers (sum of weights). */
  customers: number;
  distinctRows: number;
  repeatBuyers: number;
  repeatTransactions: number;
  meanT: number;
  medianT: number;
  maxT: number;
  /** Median tx / x over repeat buyers (NaN without repeat buyers). */
  medianInterpurchase: number;
}

export type Assessment =
  | { ok: true; profile: DataProfile }
  | { ok: false; code: AssessCode; reason: string; profile: DataProfile };

export type AssessOptions = Partial<typeof DEFAULTS.assess>;

/** Weighted median of values (weights > 0). */
function weightedMedian(pairs: [number, number][]): number {
  if (pairs.length === 0) return Number.NaN;
  pairs.sort((p, q) => p[0] - q[0]);
  const total = pairs.reduce((s, p) => s + p[1], 0);
  let acc = 0;
  for (const [v, w] of pairs) {
    acc += w;
    if (acc >= total / 2) return v;
  }
  return pairs[pairs.length - 1]![0];
}

/** Why a row is not a valid (x, tx, T) summary, or null if it is. */
export function invalidRowReason(row: SummaryRow): string | null {
  const { x, tx, T } = row;
  const w = row.weight ?? 1;
  if (![x, tx, T, w].every(Number.isFinite)) return 'non-finite value';
  if (!Number.isInteger(x) || x < 0) return 'x must be a non-negative integer';
  if (tx < 0 || T < 0) return 'tx and T must be non-negative';
  if (tx > T) return 'tx exceeds T';
  if (x === 0 && tx !== 0) return 'tx must be 0 when x = 0';
  if (w < 0) return 'weight must be non-negative';
  return null;
}

/**
 * Can these calibration summaries support a BG/NBD or Pareto/NBD fit? Returns the profile either way
 * and, when not, a code and one plain sentence. Thresholds: DEFAULTS.assess.
 */
export function assessData(rows: readonly SummaryRow[], options: AssessOptions = {}): Assessment {
  const o = { ...DEFAULTS.assess, ...options };
  let customers = 0;
  let repeatBuyers = 0;
  let repeatTransactions = 0;
  let sumT = 0;
  let maxT = 0;
  const Ts: [number, number][] = [];
  const gaps: [number, number][] = [];
  let invalid: { index: number; reason: string } | null = null;
  rows.forEach((row, index) => {
    const why = invalidRowReason(row);
    if (why) {
      invalid ??= { index, reason: why };
      return;
    }
    const w = row.weight ?? 1;
    if (w === 0) return;
    customers += w;
    sumT += w * row.T;
    maxT = Math.max(maxT, row.T);
    Ts.push([row.T, w]);
    if (row.x > 0) {
      repeatBuyers += w;
      repeatTransactions += w * row.x;
      gaps.push([row.tx / row.x, w]);
    }
  });
  const profile: DataProfile = {
    customers,
    distinctRows: rows.length,
    repeatBuyers,
    repeatTransactions,
    meanT: customers > 0 ? sumT / customers : Number.NaN,
    medianT: weightedMedian(Ts),
    maxT,
    medianInterpurchase: weightedMedian(gaps),
  };
  const fail = (code: AssessCode, reason: string): Assessment => ({ ok: false, code, reason, profile });
  const bad = invalid as { index: number; reason: string } | null;
  if (bad) return fail('invalid-rows', `row ${bad.index} is not a valid summary: ${bad.reason}`);
  if (customers === 0) return fail('no-customers', 'there are no customers to model');
  if (customers < o.minCustomers) {
    return fail('too-few-customers', `only ${customers} customers; at least ${o.minCustomers} are needed to estimate the model`);
  }
  if (repeatBuyers < o.minRepeatBuyers) {
    return fail(
      'too-few-repeat-buyers',
      `only ${repeatBuyers} customers bought again; at least ${o.minRepeatBuyers} repeat buyers are needed to learn how often customers return and when they stop`,
    );
  }
  if (profile.medianT < o.minAgeToInterpurchase * profile.medianInterpurchase) {
    return fail(
      'calibration-too-short',
      `the calibration period is too short: the median customer has been observed for ${profile.medianT.toPrecision(3)} periods, less than ${o.minAgeToInterpurchase} x the median time between purchases (${profile.medianInterpurchase.toPrecision(3)})`,
    );
  }
  return { ok: true, profile };
}
