/**
 * BG/NBD repeat-buying model: Fader, Hardie & Lee (2005), "'Counting your customers' the easy way:
 * an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284 (cited as FHL).
 * While active, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat
 * purchase they drop out with probability p ~ Beta(a, b).
 */
import { digamma, expm1OverX, lnGamma } from '../../special/index.js';
import { CompensatedSum, fitOnLogScale, prepareForFit, prepareRows, type FitOptions, type PreparedRows } from '../fit-common.js';
import type { BgNbdParams, CustomerSummary, FitResult, SummaryRow } from '../types.js';

const NAMES: (keyof BgNbdParams & string)[] = ['r', 'alpha', 'a', 'b'];

/**
 * Log-likelihood of prepared rows (FHL eq. 6, in logs) and, on request, its gradient in (r, α, a, b).
 * Per distinct x: the log-gamma terms C(x); per distinct (x, T): u = ln[(α+T)^-(r+x)]; per distinct
 * (x, t_x): v = ln[a/(b+x-1) (α+t_x)^-(r+x)]; per row: ln L = C + ln(e^u + e^v) (just C + u when x = 0).
 * Gradient: ∂lnL/∂θ = ∂C/∂θ + (1-π) ∂u/∂θ + π ∂v/∂θ with π = e^v / (e^u + e^v), the posterior weight of
 * "dropped out after t_x"; the ψ (digamma) terms come from differentiating C.
 */
function evaluate(p: BgNbdParams, d: PreparedRows, gradient: number[] | null): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  const nx = d.xs.length;
  const common = new Float64Array(nx);
  const base = -lnGamma(r) + r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b);
  for (let i = 0; i < nx; i++) {
    const x = d.xs[i]!;
    // ln[Γ(r+x) α^r / Γ(r)] + ln[B(a, b+x) / B(a, b)]
    common[i] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
  }
  const nT = d.xTX.length;
  const aliveAtT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    aliveAtT[k] = -(r + d.xs[d.xTX[k]!]!) * Math.log(alpha + d.Ts[d.xTT[k]!]!);
  }
  // ln[B(a+1, b+x-1) / B(a, b+x)] = ln a - ln(b+x-1), plus ln (α+t_x)^-(r+x); only used when x > 0.
  const lnA = Math.log(a);
  const nTx = d.xtxX.length;
  const dropped = new Float64Array(nTx);
  for (let k = 0; k < nTx; k++) {
    const x = d.xs[d.xtxX[k]!]!;
    dropped[k] = x > 0 ? lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + d.txs[d.xtxTx[k]!]!) : 0;
  }
  const sum = new CompensatedSum();
  if (!gradient) {
    for (let i = 0; i < d.length; i++) {
      const u = aliveAtT[d.xTIdx[i]!]!;
      let ll = common[d.xIdx[i]!]! + u;
      if (d.x[i]! > 0) {
        const v = dropped[d.xtxIdx[i]!]!;
        ll = v > u ? common[d.xIdx[i]!]! + v + Math.log1p(Math.exp(u - v)) : ll + Math.log1p(Math.exp(v - u));
      }
      sum.add(d.w[i]! * ll);
    }
    return sum.value();
  }
  // Derivative pieces, once per distinct x / pair.
  const psiR = digamma(r);
  const psiB = digamma(b);
  const psiAB = digamma(a + b);
  const dCr = new Float64Array(nx);
  const dCa = new Float64Array(nx);
  const dCb = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const x = d.xs[i]!;
    const psiABX = digamma(a + b + x);
    dCr[i] = digamma(r + x) - psiR + Math.log(alpha);
    dCa[i] = psiAB - psiABX;
    dCb[i] = psiAB - psiB + digamma(b + x) - psiABX;
  }
  const duR = new Float64Array(nT);
  const duAlpha = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    const T = d.Ts[d.xTT[k]!]!;
    duR[k] = -Math.log(alpha + T);
    duAlpha[k] = -(r + d.xs[d.xTX[k]!]!) / (alpha + T);
  }
  const dvR = new Float64Array(nTx);
  const dvAlpha = new Float64Array(nTx);
  const dvB = new Float64Array(nTx);
  for (let k = 0; k < nTx; k++) {
    const x = d.xs[d.xtxX[k]!]!;
    const tx = d.txs[d.xtxTx[k]!]!;
    dvR[k] = -Math.log(alpha + tx);
    dvAlpha[k] = -(r + x) / (alpha + tx);
    dvB[k] = x > 0 ? -1 / (b + x - 1) : 0;
  }
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const dCalpha = r / alpha;
  for (let i = 0; i < d.length; i++) {
    const w = d.w[i]!;
    const xi = d.xIdx[i]!;
    const pk = d.xTIdx[i]!;
    const u = aliveAtT[pk]!;
    let ll = common[xi]! + u;
    let pi = 0;
    if (d.x[i]! > 0) {
      const tk = d.xtxIdx[i]!;
      const v = dropped[tk]!;
      const e = Math.exp(-Math.abs(v - u));
      ll = common[xi]! + Math.max(u, v) + Math.log1p(e);
      pi = v > u ? 1 / (1 + e) : e / (1 + e);
      gr += w * pi * dvR[tk]!;
      gAlpha += w * pi * dvAlpha[tk]!;
      ga += (w * pi) / a;
      gb += w * pi * dvB[tk]!;
    }
    const q = w * (1 - pi);
    gr += w * dCr[xi]! + q * duR[pk]!;
    gAlpha += w * dCalpha + q * duAlpha[pk]!;
    ga += w * dCa[xi]!;
    gb += w * dCb[xi]!;
    sum.add(w * ll);
  }
  gradient[0] = gr;
  gradient[1] = gAlpha;
  gradient[2] = ga;
  gradient[3] = gb;
  return sum.value();
}

function preparedLogLik(p: BgNbdParams, d: PreparedRows): number {
  return evaluate(p, d, null);
}

/**
 * BG/NBD log-likelihood of calibration summaries (FHL eq. 6):
 * L = B(a,b+x)/B(a,b) Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + δ(x>0) B(a+1,b+x-1)/B(a,b) Γ(r+x)α^r/(Γ(r)(α+t_x)^(r+x)),
 * summed in logs with row weights. NaN for non-positive parameters.
 */
export function bgNbdLogLik(params: BgNbdParams, rows: readonly SummaryRow[]): number {
  return preparedLogLik(params, prepareRows(rows, false));
}

/** Log-likelihood and its gradient ∂lnL/∂(r, α, a, b) (analytic, from FHL eq. 6), weighted. */
export function bgNbdLogLikGradient(params: BgNbdParams, rows: readonly SummaryRow[]): { logLik: number; gradient: BgNbdParams } {
  const g = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  const logLik = evaluate(params, prepareRows(rows, false), g);
  return { logLik, gradient: { r: g[0]!, alpha: g[1]!, a: g[2]!, b: g[3]! } };
}

/** A data-based start: r = 1 and α matching the mean repeat rate; a = 1, b = 3 (mean dropout 0.25). */
function startingValues(d: PreparedRows, start: Partial<BgNbdParams> = {}): number[] {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < d.length; i++) {
    sx += d.w[i]! * d.x[i]!;
    sT += d.w[i]! * d.Ts[d.TIdx[i]!]!;
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  return [start.r ?? 1, start.alpha ?? 1 / rate, start.a ?? 1, start.b ?? 3];
}

/** Maximum-likelihood BG/NBD fit; `{ ok: false, reason }` when the data cannot support it (see assessData). */
export function fitBgNbd(rows: readonly SummaryRow[], options: FitOptions<BgNbdParams> = {}): FitResult<'bg-nbd', BgNbdParams> {
  const prepared = prepareForFit(rows, options);
  if (!prepared.ok) return { ok: false, model: 'bg-nbd', code: prepared.code, reason: prepared.reason };
  const d = prepared.data;
  return fitOnLogScale<'bg-nbd', BgNbdParams>({
    model: 'bg-nbd',
    names: NAMES,
    start: startingValues(d, options.start),
    logLik: ([r, alpha, a, b]) => preparedLogLik({ r: r!, alpha: alpha!, a: a!, b: b! }, d),
    logLikGradient: ([r, alpha, a, b], gradient) => evaluate({ r: r!, alpha: alpha!, a: a!, b: b! }, d, gradient),
    n: d.totalWeight,
    distinctRows: d.length,
    options,
  });
}

/** ln of the odds term in the denominator of FHL eq. 10: δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x). -Infinity for x = 0. */
function lnDeadOdds(p: BgNbdParams, c: CustomerSummary): number {
  if (c.x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(p.a) - Math.log(p.b + c.x - 1) + (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x))
 * (Fader, Hardie & Lee 2008 note "Computing P(alive) using the BG/NBD model", brucehardie.com/notes/021;
 * it is the reciprocal of the denominator of FHL eq. 10).
 * Customers with no repeat purchase are alive with probability 1 under BG/NBD (dropout happens only after a purchase).
 */
export function bgNbdPAlive(params: BgNbdParams, c: CustomerSummary): number {
  const lo = lnDeadOdds(params, c);
  return lo === Number.NEGATIVE_INFINITY ? 1 : 1 / (1 + Math.exp(lo));
}

export interface SeriesOptions {
  tolerance?: number;
  maxTerms?: number;
}

/**
 * Expected purchases in (T, T+t] of a customer with x repeats who is still active at T — the numerator
 * of FHL eq. 10 — in a form that is stable for all parameters:
 *   (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],  z = t/(α+T+t).
 * Euler's transformation turns the 2F1 into (1-z)^(a-1-r-x) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose
 * parameters do not grow with x (no overflow for customers with hundreds of purchases); writing
 * ε = a-1, c = a+b+x-1, L = ln(1-z), and expanding (ε)_k = ε(ε+1)_{k-1}, the 1/(a-1) cancels exactly:
 *   G = -c (e^(εL) - 1)/ε - e^(εL) Σ_{k>=1} (a+b-1-r)_k (a)_{k-1} / ((c+1)_{k-1} k!) z^k,
 * so a = 1 (a removable singularity of eq. 10) and a+b < 1 (c near 0) are handled without special cases.
 * With x = 0, T = 0 this is the unconditional E[X(t)] of FHL eq. 9.
 */
export function bgNbdActiveExpected(params: BgNbdParams, x: number, T: number, t: number, options: SeriesOptions = {}): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const eps = a - 1;
  const c = a + b + x - 1;
  const q = a + b - 1 - r;
  const z = t / (alpha + T + t);
  const L = Math.log(alpha + T) - Math.log(alpha + T + t);
  const tol = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 10_000_000;
  let term = q * z; // k = 1
  let sum = term;
  let converged = term === 0;
  for (let k = 1; k < maxTerms && !converged; k++) {
    const ratio = ((q + k) * (eps + k)) / ((c + k) * (k + 1));
    term *= ratio * z;
    sum += term;
    const rho = Math.abs(ratio * z);
    if (term === 0) converged = true;
    else if (rho < 1) {
      const rmax = Math.max(rho, z);
      if (Math.abs(term) * (rmax / (1 - rmax)) <= tol * Math.abs(sum)) converged = true;
    }
  }
  if (!converged || !Number.isFinite(sum)) return Number.NaN;
  return -c * expm1OverX(eps, L) - Math.exp(eps * L) * sum;
}

/**
 * Conditional expected repeat purchases in (T, T+t] given (x, t_x, T) (FHL eq. 10):
 * E[Y(t) | x, t_x, T] = bgNbdActiveExpected(x, T, t) × P(alive | x, t_x, T).
 */
export function bgNbdConditionalExpected(params: BgNbdParams, c: CustomerSummary, t: number): number {
  return bgNbdActiveExpected(params, c.x, c.T, t) * bgNbdPAlive(params, c);
}

/** Unconditional expected repeat purchases in (0, t] for a customer born at 0 (FHL eq. 9). */
export function bgNbdExpected(params: BgNbdParams, t: number): number {
  return bgNbdActiveExpected(params, 0, 0, t);
}
