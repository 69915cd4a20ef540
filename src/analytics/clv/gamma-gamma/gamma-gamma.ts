/**
 * Gamma-Gamma model of monetary value: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves
 * for customer base analysis", Journal of Marketing Research 42(4), 415-430 (FHL-RFM), and Fader & Hardie
 * (2013), "The Gamma-Gamma model of monetary value", brucehardie.com/notes/025 (FH-GG).
 * Each transaction value z ~ Gamma(p, ν) (shape p, rate ν); ν ~ Gamma(q, γ) across customers.
 * Fitted on repeat buyers only (x > 0) using their mean repeat-transaction value m_x, and assumes spend
 * is independent of purchase frequency — assessSpendData reports the correlation so the user can judge.
 */
import { digamma, lnGamma } from '../../special/index.js';
import { DEFAULTS } from '../defaults.js';
import { CompensatedSum, fitOnLogScale, type FitOptions } from '../fit-common.js';
import type { FitResult, GammaGammaParams } from '../types.js';

/** Spend summary of one customer: x repeat transactions with mean value mx (weight = identical customers). */
export interface SpendRow {
  x: number;
  mx: number;
  weight?: number;
}

const NAMES: (keyof GammaGammaParams & string)[] = ['p', 'q', 'gamma'];

/** Usable rows (x > 0, m_x > 0) as arrays, with each distinct x indexed once. */
interface PreparedSpend {
  w: Float64Array;
  x: Float64Array;
  mx: Float64Array;
  lnMx: Float64Array;
  xIdx: Int32Array;
  xs: Float64Array;
}

function prepareSpend(rows: readonly SpendRow[]): PreparedSpend {
  const usable = rows.filter((r) => r.x > 0 && r.mx > 0 && (r.weight ?? 1) > 0);
  const index = new Map<number, number>();
  const xs: number[] = [];
  const xIdx = Int32Array.from(usable, (r) => {
    let i = index.get(r.x);
    if (i === undefined) index.set(r.x, (i = xs.push(r.x) - 1));
    return i;
  });
  return {
    w: Float64Array.from(usable, (r) => r.weight ?? 1),
    x: Float64Array.from(usable, (r) => r.x),
    mx: Float64Array.from(usable, (r) => r.mx),
    lnMx: Float64Array.from(usable, (r) => Math.log(r.mx)),
    xIdx,
    xs: Float64Array.from(xs),
  };
}

/**
 * Σ w ln f(m_x | p, q, γ; x) (the marginal density of m_x; FH-GG, FHL-RFM), per customer
 * ln[Γ(px+q)/(Γ(px)Γ(q)) γ^q m_x^(px-1) x^(px) / (γ + m_x x)^(px+q)],
 * with the log-gamma terms computed once per distinct x.
 */
function preparedLogLik(params: GammaGammaParams, d: PreparedSpend, gradient: number[] | null = null): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
  const base = -lnGamma(q) + q * Math.log(gamma);
  const byX = d.xs.map((x) => base + lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x));
  const sum = new CompensatedSum();
  if (!gradient) {
    for (let i = 0; i < d.x.length; i++) {
      const px = p * d.x[i]!;
      sum.add(d.w[i]! * (byX[d.xIdx[i]!]! + (px - 1) * d.lnMx[i]! - (px + q) * Math.log(gamma + d.mx[i]! * d.x[i]!)));
    }
    return sum.value();
  }
  // ∂/∂p = x[ψ(px+q) - ψ(px) + ln m + ln x - ln(γ+mx)], ∂/∂q = ψ(px+q) - ψ(q) + ln γ - ln(γ+mx),
  // ∂/∂γ = q/γ - (px+q)/(γ+mx).
  const psiQ = digamma(q);
  const dpX = d.xs.map((x) => x * (digamma(p * x + q) - digamma(p * x) + Math.log(x)));
  const dqX = d.xs.map((x) => digamma(p * x + q) - psiQ + Math.log(gamma));
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const w = d.w[i]!;
    const px = p * x;
    const xi = d.xIdx[i]!;
    const lnDen = Math.log(gamma + d.mx[i]! * x);
    sum.add(w * (byX[xi]! + (px - 1) * d.lnMx[i]! - (px + q) * lnDen));
    gp += w * (dpX[xi]! + x * (d.lnMx[i]! - lnDen));
    gq += w * (dqX[xi]! - lnDen);
    gg += w * (q / gamma - (px + q) / (gamma + d.mx[i]! * x));
  }
  gradient[0] = gp;
  gradient[1] = gq;
  gradient[2] = gg;
  return sum.value();
}

/** Gamma-Gamma log-likelihood over repeat buyers (rows with x = 0 or m_x <= 0 are skipped, as in FH-GG). */
export function gammaGammaLogLik(params: GammaGammaParams, rows: readonly SpendRow[]): number {
  return preparedLogLik(params, prepareSpend(rows));
}

export type SpendAssessment =
  | { ok: true; repeatBuyers: number; frequencySpendCorrelation: number }
  | { ok: false; code: 'too-few-repeat-buyers' | 'invalid-rows'; reason: string; repeatBuyers: number; frequencySpendCorrelation: number };

/** Weighted Pearson correlation of x and m_x among repeat buyers (NaN if undefined). */
function correlation(rows: readonly SpendRow[]): number {
  let sw = 0;
  let sx = 0;
  let sm = 0;
  for (const r of rows) {
    const w = r.weight ?? 1;
    sw += w;
    sx += w * r.x;
    sm += w * r.mx;
  }
  if (sw === 0) return Number.NaN;
  const mxBar = sx / sw;
  const mmBar = sm / sw;
  let cxx = 0;
  let cmm = 0;
  let cxm = 0;
  for (const r of rows) {
    const w = r.weight ?? 1;
    cxx += w * (r.x - mxBar) ** 2;
    cmm += w * (r.mx - mmBar) ** 2;
    cxm += w * (r.x - mxBar) * (r.mx - mmBar);
  }
  return cxm / Math.sqrt(cxx * cmm);
}

/** Log-likelihood and its analytic gradient ∂lnL/∂(p, q, γ), weighted. */
export function gammaGammaLogLikGradient(params: GammaGammaParams, rows: readonly SpendRow[]): { logLik: number; gradient: GammaGammaParams } {
  const g = [Number.NaN, Number.NaN, Number.NaN];
  const logLik = preparedLogLik(params, prepareSpend(rows), g);
  return { logLik, gradient: { p: g[0]!, q: g[1]!, gamma: g[2]! } };
}

/** Can these spend rows support a Gamma-Gamma fit? Thresholds: DEFAULTS.spend. */
export function assessSpendData(rows: readonly SpendRow[], options: Partial<typeof DEFAULTS.spend> = {}): SpendAssessment {
  const o = { ...DEFAULTS.spend, ...options };
  const usable = rows.filter((r) => r.x > 0 && r.mx > 0 && (r.weight ?? 1) > 0);
  const repeatBuyers = usable.reduce((s, r) => s + (r.weight ?? 1), 0);
  const frequencySpendCorrelation = correlation(usable);
  const bad = rows.findIndex((r) => ![r.x, r.mx, r.weight ?? 1].every(Number.isFinite) || r.x < 0 || r.mx < 0);
  if (bad >= 0) {
    return { ok: false, code: 'invalid-rows', reason: `row ${bad} has a negative or non-finite x, mx or weight`, repeatBuyers, frequencySpendCorrelation };
  }
  if (repeatBuyers < o.minRepeatBuyers) {
    return {
      ok: false,
      code: 'too-few-repeat-buyers',
      reason: `only ${repeatBuyers} repeat buyers with a positive mean spend; at least ${o.minRepeatBuyers} are needed to estimate spend`,
      repeatBuyers,
      frequencySpendCorrelation,
    };
  }
  return { ok: true, repeatBuyers, frequencySpendCorrelation };
}

/** Maximum-likelihood Gamma-Gamma fit on repeat buyers; `{ ok: false, reason }` when the data cannot support it. */
export function fitGammaGamma(
  rows: readonly SpendRow[],
  options: FitOptions<GammaGammaParams> = {},
): FitResult<'gamma-gamma', GammaGammaParams> {
  const check = assessSpendData(rows);
  if (!options.skipAssessment && !check.ok) return { ok: false, model: 'gamma-gamma', code: check.code, reason: check.reason };
  const d = prepareSpend(rows);
  let n = 0;
  let spend = 0;
  for (let i = 0; i < d.x.length; i++) {
    n += d.w[i]!;
    spend += d.w[i]! * d.mx[i]!;
  }
  const meanSpend = n > 0 ? spend / n : 1;
  // Start: p = 1, q = 2, γ = mean spend, so the population mean pγ/(q-1) equals the observed mean.
  const start = [options.start?.p ?? 1, options.start?.q ?? 2, options.start?.gamma ?? Math.max(meanSpend, 1e-9)];
  const fit = fitOnLogScale<'gamma-gamma', GammaGammaParams>({
    model: 'gamma-gamma',
    names: NAMES,
    start,
    logLik: ([p, q, gamma]) => preparedLogLik({ p: p!, q: q!, gamma: gamma! }, d),
    logLikGradient: ([p, q, gamma], gradient) => preparedLogLik({ p: p!, q: q!, gamma: gamma! }, d, gradient),
    n,
    distinctRows: d.x.length,
    options,
  });
  if (fit.ok) {
    if (fit.params.q <= 1) {
      fit.warnings.push(`q = ${fit.params.q.toPrecision(3)} <= 1: the population mean spend p·γ/(q-1) is infinite; customers without repeat purchases get no spend prediction`);
    }
    if (Math.abs(check.frequencySpendCorrelation) > DEFAULTS.spend.maxAbsFrequencySpendCorrelation) {
      fit.warnings.push(
        `spend and frequency are correlated (r = ${check.frequencySpendCorrelation.toFixed(2)}); Gamma-Gamma assumes they are independent`,
      );
    }
  }
  return fit;
}

/**
 * Expected average transaction value of a customer with x repeat transactions of mean m_x
 * (FH-GG; FHL-RFM): E[M | p, q, γ, m_x, x] = (γ + x m_x) p / (p x + q - 1),
 * a weighted mean of the population mean pγ/(q-1) and m_x. For x = 0 this is the population mean
 * (NaN when q <= 1, where that mean does not exist).
 */
export function gammaGammaConditionalSpend(params: GammaGammaParams, x: number, mx: number): number {
  const { p, q, gamma } = params;
  const denom = p * x + q - 1;
  if (!(denom > 0)) return Number.NaN;
  return (p * (gamma + (x > 0 ? x * mx : 0))) / denom;
}

/** Population mean transaction value pγ/(q-1) (NaN when q <= 1). */
export function gammaGammaMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Number.NaN;
}
