/**
 * Satisfaction by group: period (month / week keys), venue or staff member, each with n and intervals,
 * so a dashboard can show trends and league tables without over-reading small groups.
 */
import { type CsatOptions, type CsatResult, csat } from './csat.js';
import { type DriverFit, type DriverMethod } from './drivers.js';
import { SatisfactionError } from './errors.js';
import { type NpsResult, nps } from './nps.js';
import { type IndexItem, type IndexResponse, type IndexWeighting, type SatisfactionIndexResult, indexWeights, satisfactionIndex } from './satisfaction-index.js';

export type TrendDimension = 'period' | 'venue' | 'staff';

/** One survey response; any metric may be missing. */
export interface SurveyResponse {
  /** Period key such as '2024-03' or '2024-W09'; ISO forms sort correctly as strings. */
  period?: string | null;
  venue?: string | null;
  staff?: string | null;
  /** 0-10 likelihood to recommend. */
  nps?: number | null;
  /** Rating on the CSAT scale (see CSAT_DEFAULTS). */
  csat?: number | null;
  /** Index items, in the order of `TrendOptions.index.items`. */
  items?: readonly (number | null | undefined)[];
  overall?: number | null;
}

export interface TrendOptions {
  by: TrendDimension;
  level?: number;
  csat?: Omit<CsatOptions, 'level'>;
  /** Compute the satisfaction index per group with weights fixed across groups. */
  index?: { items: readonly IndexItem[]; weighting?: IndexWeighting; driverMethod?: DriverMethod };
}

export interface TrendGroup {
  key: string;
  /** Responses in the group (each metric's own n may be smaller). */
  n: number;
  nps: NpsResult | null;
  csat: CsatResult | null;
  index: Pick<SatisfactionIndexResult, 'index' | 'n' | 'incomplete' | 'ci'> | null;
}

export interface TrendResult {
  by: TrendDimension;
  /** Sorted by key (string order: '2024-02' < '2024-10'; zero-pad period keys). */
  groups: TrendGroup[];
  /** Responses without a key for `by`, left out. */
  missingKey: number;
  /** Index weights used for every group (estimated once on all responses), or null. */
  indexWeights: number[] | null;
  drivers: DriverFit | null;
}

/**
 * Per-group NPS, CSAT and index. A metric is null for a group with no answers for it.
 * With `index.weighting = 'regression'` the weights come from one regression on all responses:
 * per-group regressions on small groups would be unstable, and a common weighting keeps the
 * groups comparable (ACSI also fixes the model across the firms it compares).
 */
export function satisfactionTrends(responses: readonly SurveyResponse[], options: TrendOptions): TrendResult {
  const { by } = options;
  if (by !== 'period' && by !== 'venue' && by !== 'staff') {
    throw new SatisfactionError('INVALID_OPTION', `satisfactionTrends: unknown dimension ${String(by)}`);
  }
  const level = options.level ?? 0.95;
  const groups = new Map<string, SurveyResponse[]>();
  let missingKey = 0;
  for (const r of responses) {
    const key = r[by];
    if (key == null || key === '') {
      missingKey++;
      continue;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }

  let weights: number[] | null = null;
  let drivers: DriverFit | null = null;
  const idx = options.index;
  const toIndexResponse = (r: SurveyResponse): IndexResponse | null => (r.items ? { items: r.items, overall: r.overall ?? null } : null);
  if (idx) {
    const all = responses.map(toIndexResponse).filter((r): r is IndexResponse => r !== null);
    ({ weights, drivers } = indexWeights(idx.items, all, { weighting: idx.weighting, driverMethod: idx.driverMethod }));
  }

  const out: TrendGroup[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const npsScores = g.map((r) => r.nps).filter((v): v is number => v != null);
    const csatScores = g.map((r) => r.csat).filter((v): v is number => v != null);
    let index: TrendGroup['index'] = null;
    if (idx && weights) {
      const ir = g.map(toIndexResponse).filter((r): r is IndexResponse => r !== null);
      if (ir.some((r) => r.items.every((v) => v != null))) {
        const res = satisfactionIndex(idx.items, ir, { weighting: weights, level });
        index = { index: res.index, n: res.n, incomplete: res.incomplete, ci: res.ci };
      }
    }
    out.push({
      key,
      n: g.length,
      nps: npsScores.length ? nps(npsScores, { level }) : null,
      csat: csatScores.length ? csat(csatScores, { ...options.csat, level }) : null,
      index,
    });
  }
  return { by, groups: out, missingKey, indexWeights: weights, drivers };
}
