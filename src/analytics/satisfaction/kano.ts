/**
 * Kano evaluation (Kano, Seraku, Takahashi & Tsuji 1984, "Attractive quality and must-be quality",
 * J. Japanese Society for Quality Control 14(2); table and coefficients as in Berger et al. 1993,
 * "Kano's methods for understanding customer-defined quality", Center for Quality Management
 * Journal 2(4), 3-36).
 *
 * Each respondent answers a functional question ("if the product has X, how do you feel?") and a
 * dysfunctional one ("if it does not have X?") with one of five answers; the pair maps to a category.
 */
import { SatisfactionError } from './errors.js';

/** The five answers, in the order of the evaluation table's rows and columns. */
export const KANO_ANSWERS = ['like', 'must-be', 'neutral', 'live-with', 'dislike'] as const;
export type KanoAnswer = (typeof KANO_ANSWERS)[number];

/**
 * A attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable
 * (contradictory answers).
 */
export type KanoCategory = 'A' | 'O' | 'M' | 'I' | 'R' | 'Q';
export const KANO_CATEGORIES: readonly KanoCategory[] = ['A', 'O', 'M', 'I', 'R', 'Q'];

/**
 * The standard Kano evaluation table (Berger et al. 1993, fig. 4): rows = functional answer,
 * columns = dysfunctional answer, both in {@link KANO_ANSWERS} order.
 */
export const KANO_TABLE: Readonly<Record<KanoAnswer, Readonly<Record<KanoAnswer, KanoCategory>>>> = {
  // row = functional answer; keys = dysfunctional answer
  like: { like: 'Q', 'must-be': 'A', neutral: 'A', 'live-with': 'A', dislike: 'O' },
  'must-be': { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  neutral: { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  'live-with': { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  dislike: { like: 'R', 'must-be': 'R', neutral: 'R', 'live-with': 'R', dislike: 'Q' },
};

export const KANO_DEFAULTS = {
  /**
   * Order that breaks ties for the most frequent category: the category with the larger impact
   * on the product wins, M > O > A > I (Berger et al. 1993, "if in doubt, M > O > A > I"),
   * then R and Q.
   */
  tieOrder: ['M', 'O', 'A', 'I', 'R', 'Q'] as readonly KanoCategory[],
};

/** Category of one (functional, dysfunctional) answer pair. */
export function kanoCategory(functional: KanoAnswer, dysfunctional: KanoAnswer): KanoCategory {
  const row = KANO_TABLE[functional];
  const cat = row?.[dysfunctional];
  if (!cat) throw new SatisfactionError('INVALID_ANSWER', `kano: unknown answer pair (${functional}, ${dysfunctional})`);
  return cat;
}

export interface KanoResponse {
  attribute: string;
  functional: KanoAnswer;
  dysfunctional: KanoAnswer;
}

export interface KanoAttributeResult {
  attribute: string;
  n: number;
  counts: Record<KanoCategory, number>;
  /** Most frequent category; ties broken by `tieOrder`. */
  category: KanoCategory;
  /** All categories sharing the top count (length > 1 means the tie rule decided). */
  tiedWith: KanoCategory[];
  /**
   * Better (satisfaction) coefficient CS+ = (A + O) / (A + O + M + I), in [0, 1]
   * (Berger et al. 1993). null when A + O + M + I = 0.
   */
  better: number | null;
  /** Worse (dissatisfaction) coefficient CS- = -(O + M) / (A + O + M + I), in [-1, 0]. */
  worse: number | null;
}

/** Per-attribute Kano category by mode, with Berger's better/worse coefficients. Attributes keep first-seen order. */
export function kanoEvaluation(
  responses: readonly KanoResponse[],
  options: { tieOrder?: readonly KanoCategory[] } = {},
): KanoAttributeResult[] {
  const tieOrder = options.tieOrder ?? KANO_DEFAULTS.tieOrder;
  if (tieOrder.length !== 6 || KANO_CATEGORIES.some((c) => !tieOrder.includes(c))) {
    throw new SatisfactionError('INVALID_OPTION', 'kano: tieOrder must list each of A, O, M, I, R, Q once');
  }
  const byAttr = new Map<string, Record<KanoCategory, number>>();
  for (const r of responses) {
    let counts = byAttr.get(r.attribute);
    if (!counts) byAttr.set(r.attribute, (counts = { A: 0, O: 0, M: 0, I: 0, R: 0, Q: 0 }));
    counts[kanoCategory(r.functional, r.dysfunctional)]++;
  }
  const out: KanoAttributeResult[] = [];
  for (const [attribute, counts] of byAttr) {
    const max = Math.max(...KANO_CATEGORIES.map((c) => counts[c]));
    const tiedWith = tieOrder.filter((c) => counts[c] === max);
    const denom = counts.A + counts.O + counts.M + counts.I;
    out.push({
      attribute,
      n: KANO_CATEGORIES.reduce((s, c) => s + counts[c], 0),
      counts,
      category: tiedWith[0]!,
      tiedWith,
      better: denom === 0 ? null : (counts.A + counts.O) / denom,
      // + 0 turns -0 into 0 when O + M = 0
      worse: denom === 0 ? null : -(counts.O + counts.M) / denom + 0,
    });
  }
  return out;
}
