/**
 * A 0-100 satisfaction index from several survey items, in the style of the national indices
 * (ACSI: Fornell, Johnson, Anderson, Cha & Bryant 1996, "The American Customer Satisfaction Index:
 * nature, purpose, and findings", J. Marketing 60(4); C-CSI; Swedish SCSB, Fornell 1992).
 *
 * ACSI estimates the index as a latent variable with partial least squares (PLS) path modelling and
 * reports it as Σ w_j·x̄_j rescaled to 0-100. We approximate that: each item mean is rescaled to
 * 0-100 and weighted by driver importance from a regression of the overall rating on the items
 * (see drivers.ts), or by equal or user weights. This is an approximation of the PLS weights,
 * not a reproduction of ACSI scores.
 */
import { type DriverFit, type DriverMethod, driverImportance } from './drivers.js';
import { SatisfactionError } from './errors.js';
import { type Interval, type MeanIntervalMethod, meanInterval } from './intervals.js';

export interface IndexItem {
  name: string;
  scaleMin: number;
  scaleMax: number;
}

/** One respondent: item answers in `IndexItem` order (null = not answered) and the overall rating. */
export interface IndexResponse {
  items: readonly (number | null | undefined)[];
  overall?: number | null;
}

/** 'regression' (driver importance), 'equal', or explicit non-negative weights (normalised to sum 1). */
export type IndexWeighting = 'regression' | 'equal' | readonly number[];

export const INDEX_DEFAULTS = {
  weighting: 'regression' as IndexWeighting,
  driverMethod: 'ols' as DriverMethod,
  level: 0.95,
  method: 't' as MeanIntervalMethod,
};

export interface SatisfactionIndexOptions {
  weighting?: IndexWeighting;
  driverMethod?: DriverMethod;
  level?: number;
  method?: MeanIntervalMethod;
}

export interface IndexItemResult {
  name: string;
  mean: number;
  /** (mean - scaleMin) / (scaleMax - scaleMin) · 100. */
  rescaled: number;
  /** Weight in the index (sum 1). */
  weight: number;
}

export interface SatisfactionIndexResult {
  /** Index 0-100 = Σ weight_j · rescaled_j over complete respondents. */
  index: number;
  /** Complete respondents (all items answered) behind the index. */
  n: number;
  /** Respondents left out because an item was missing. */
  incomplete: number;
  /** Interval of the mean respondent index, weights taken as fixed; null when n < 2. */
  ci: Interval | null;
  items: IndexItemResult[];
  /** The driver regression when weighting = 'regression', else null. */
  drivers: DriverFit | null;
}

/** Linear rescale of a value on [min, max] to 0-100: (value - min)/(max - min)·100 (ACSI reporting scale). */
export function rescaleTo100(value: number, min: number, max: number): number {
  if (!(max > min)) throw new SatisfactionError('INVALID_OPTION', `rescaleTo100: need max > min, got [${min}, ${max}]`);
  return ((value - min) / (max - min)) * 100;
}

function completeRows(items: readonly IndexItem[], responses: readonly IndexResponse[]): { rows: number[][]; overall: (number | null)[]; incomplete: number } {
  const rows: number[][] = [];
  const overall: (number | null)[] = [];
  let incomplete = 0;
  for (const r of responses) {
    if (r.items.length !== items.length) {
      throw new SatisfactionError('INVALID_OPTION', `satisfactionIndex: a response has ${r.items.length} items, expected ${items.length}`);
    }
    if (r.items.some((v) => v == null)) {
      incomplete++;
      continue;
    }
    const row = r.items as readonly number[];
    row.forEach((v, j) => {
      const it = items[j]!;
      if (!Number.isFinite(v) || v < it.scaleMin || v > it.scaleMax) {
        throw new SatisfactionError('OUT_OF_SCALE', `satisfactionIndex: ${it.name} = ${v} is outside [${it.scaleMin}, ${it.scaleMax}]`);
      }
    });
    rows.push([...row]);
    overall.push(r.overall ?? null);
  }
  return { rows, overall, incomplete };
}

/**
 * Index weights for the given weighting. 'regression' fits the overall rating on the items over
 * complete respondents who also gave an overall rating, and throws REGRESSION_FAILED (with the
 * fit's reason) rather than falling back silently.
 */
export function indexWeights(
  items: readonly IndexItem[],
  responses: readonly IndexResponse[],
  options: { weighting?: IndexWeighting; driverMethod?: DriverMethod } = {},
): { weights: number[]; drivers: DriverFit | null } {
  const weighting = options.weighting ?? INDEX_DEFAULTS.weighting;
  const p = items.length;
  if (p === 0) throw new SatisfactionError('INVALID_OPTION', 'satisfactionIndex: no items');
  if (weighting === 'equal') return { weights: new Array<number>(p).fill(1 / p), drivers: null };
  if (weighting === 'regression') {
    const { rows, overall } = completeRows(items, responses);
    const x: number[][] = [];
    const y: number[] = [];
    rows.forEach((row, i) => {
      const o = overall[i];
      if (o != null) {
        x.push(row);
        y.push(o);
      }
    });
    const drivers = driverImportance(x, y, { method: options.driverMethod ?? INDEX_DEFAULTS.driverMethod });
    if (!drivers.converged) throw new SatisfactionError('REGRESSION_FAILED', `satisfactionIndex: driver regression failed: ${drivers.reason}`);
    return { weights: drivers.params.importance, drivers };
  }
  if (weighting.length !== p || weighting.some((w) => !(w >= 0))) {
    throw new SatisfactionError('INVALID_OPTION', `satisfactionIndex: need ${p} non-negative weights`);
  }
  const total = weighting.reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new SatisfactionError('INVALID_OPTION', 'satisfactionIndex: weights sum to 0');
  return { weights: weighting.map((w) => w / total), drivers: null };
}

/**
 * Satisfaction index over complete respondents (complete-case analysis: a respondent missing
 * any item is left out, so item means and the index describe the same people).
 * Respondent i's index is Σ_j w_j·rescale(x_ij); the reported index is their mean, which by
 * linearity equals Σ_j w_j·rescale(x̄_j). The interval treats the weights as known (it ignores
 * the uncertainty of estimated weights).
 */
export function satisfactionIndex(
  items: readonly IndexItem[],
  responses: readonly IndexResponse[],
  options: SatisfactionIndexOptions = {},
): SatisfactionIndexResult {
  const o = { ...INDEX_DEFAULTS, ...options };
  for (const it of items) rescaleTo100(it.scaleMin, it.scaleMin, it.scaleMax); // validates the scale
  const { weights, drivers } = indexWeights(items, responses, o);
  const { rows, incomplete } = completeRows(items, responses);
  if (rows.length === 0) throw new SatisfactionError('EMPTY_INPUT', 'satisfactionIndex: no complete respondents');
  const perRespondent = rows.map((row) => row.reduce((s, v, j) => s + weights[j]! * rescaleTo100(v, items[j]!.scaleMin, items[j]!.scaleMax), 0));
  const summary = meanInterval(perRespondent, { level: o.level, method: o.method });
  const itemResults = items.map((it, j) => {
    const mean = rows.reduce((s, row) => s + row[j]!, 0) / rows.length;
    return { name: it.name, mean, rescaled: rescaleTo100(mean, it.scaleMin, it.scaleMax), weight: weights[j]! };
  });
  return { index: summary.mean, n: rows.length, incomplete, ci: summary.ci, items: itemResults, drivers };
}
