/**
 * Expectation-perception gap per attribute, SERVQUAL style (Parasuraman, Zeithaml & Berry 1988,
 * "SERVQUAL: a multiple-item scale for measuring consumer perceptions of service quality",
 * J. Retailing 64(1)): gap = mean(perception - expectation); negative means the service falls short.
 */
import { SatisfactionError } from './errors.js';
import { type Interval, type MeanIntervalMethod, meanInterval } from './intervals.js';

export const GAP_DEFAULTS = {
  level: 0.95,
  method: 't' as MeanIntervalMethod,
};

/** One respondent's pair of answers for one attribute; a missing side makes the pair unusable. */
export interface GapAnswer {
  attribute: string;
  expectation: number | null | undefined;
  perception: number | null | undefined;
}

export interface AttributeGap {
  attribute: string;
  /** Complete pairs used. */
  n: number;
  /** Answers with one side missing, left out (the gap is paired). */
  incomplete: number;
  meanExpectation: number;
  meanPerception: number;
  /** mean(perception - expectation) = meanPerception - meanExpectation over complete pairs. */
  gap: number;
  /** SD of the paired differences. */
  sdDifference: number;
  /** Paired interval: gap ± t_{n-1}·sd_d/√n; null when n < 2. */
  ci: Interval | null;
}

export interface GapResult {
  attributes: AttributeGap[];
  /** Unweighted mean of the attribute gaps (the SERVQUAL unweighted score). NaN if no attribute has pairs. */
  meanGap: number;
}

/**
 * Paired gap per attribute. The difference is taken within each respondent, so the interval is
 * the one-sample interval of d_i = P_i - E_i (Student 1908), narrower than comparing two means
 * when expectations and perceptions are positively correlated. Attributes keep first-seen order.
 */
export function expectationPerceptionGap(
  answers: readonly GapAnswer[],
  options: { level?: number; method?: MeanIntervalMethod } = {},
): GapResult {
  const o = { ...GAP_DEFAULTS, ...options };
  if (answers.length === 0) throw new SatisfactionError('EMPTY_INPUT', 'expectationPerceptionGap: no answers');
  const byAttr = new Map<string, { e: number[]; p: number[]; d: number[]; incomplete: number }>();
  for (const a of answers) {
    let g = byAttr.get(a.attribute);
    if (!g) byAttr.set(a.attribute, (g = { e: [], p: [], d: [], incomplete: 0 }));
    if (a.expectation == null || a.perception == null) {
      g.incomplete++;
      continue;
    }
    if (!Number.isFinite(a.expectation) || !Number.isFinite(a.perception)) {
      throw new SatisfactionError('OUT_OF_SCALE', `expectationPerceptionGap: non-finite answer for ${a.attribute}`);
    }
    g.e.push(a.expectation);
    g.p.push(a.perception);
    g.d.push(a.perception - a.expectation);
  }
  const attributes: AttributeGap[] = [];
  for (const [attribute, g] of byAttr) {
    if (g.d.length === 0) {
      attributes.push({ attribute, n: 0, incomplete: g.incomplete, meanExpectation: NaN, meanPerception: NaN, gap: NaN, sdDifference: NaN, ci: null });
      continue;
    }
    const diff = meanInterval(g.d, { level: o.level, method: o.method });
    attributes.push({
      attribute,
      n: g.d.length,
      incomplete: g.incomplete,
      meanExpectation: mean(g.e),
      meanPerception: mean(g.p),
      gap: diff.mean,
      sdDifference: diff.sd,
      ci: diff.ci,
    });
  }
  const withPairs = attributes.filter((a) => a.n > 0);
  const meanGap = withPairs.length ? withPairs.reduce((s, a) => s + a.gap, 0) / withPairs.length : NaN;
  return { attributes, meanGap };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
