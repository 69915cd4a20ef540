/**
 * Pareto/NBD repeat-buying model: Schmittlein, Morrison & Colombo (1987), "Counting your customers:
 * who are they and what will they do next?", Management Science 33(1), 1-24 (SMC); likelihood and
 * related expressions as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
 * expressions", brucehardie.com/notes/009 (FH note; cited by section: §3 likelihood,
 * §4 mean, §5 P(alive), §6 conditional expectation). While active, purchases are Poisson(λ),
 * λ ~ Gamma(r, α); the lifetime is exponential with rate μ ~ Gamma(s, β).
 */
import { digamma, expm1OverX, hyp2f1, lnGamma, logAddExp, logSubExp } from '../../special/index.js';
import { CompensatedSum, fitOnLogScale, prepareForFit, prepareRows, type FitOptions, type PreparedRows } from '../fit-common.js';
import type { CustomerSummary, FitResult, ParetoNbdParams, SummaryRow } from '../types.js';

const NAMES: (keyof ParetoNbdParams & string)[] = ['r', 'alpha', 's', 'beta'];

/**
 * ln of (r+s+x) ∫_y^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ, the building block of A_0 in the likelihood (FH note §3).
 * The note writes it as 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+y)) / (α+y)^(r+s+x) for α >= β and as
 * 2F1(r+s+x, r+x; r+s+x+1; (β-α)/(β+y)) / (β+y)^(r+s+x) for α < β — two Pfaff-related forms chosen so
 * that z is in [0, 1). Euler's transformation (A&S 15.3.3) then gives
 *   α >= β: (β+y)^-s (α+y)^-(r+x) 2F1(1, r+x; r+s+x+1; z)
 *   α <  β: (α+y)^-(r+x-1) (β+y)^-(s+1) 2F1(1, s+1; r+s+x+1; z)
 * whose series has positive terms decreasing at least geometrically (ratio < z), and whose prefactor is
 * taken in logs: no overflow for customers with hundreds of purchases.
 */
function lnTailTerm(p: ParetoNbdParams, x: number, lnAlphaY: number, lnBetaY: number, y: number): number {
  const { r, alpha, s, beta } = p;
  const c = r + s + x + 1;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + y);
    return -s * lnBetaY - (r + x) * lnAlphaY + Math.log(hyp2f1OneB(r + x, c, z));
  }
  const z = (beta - alpha) / (beta + y);
  return -(r + x - 1) * lnAlphaY - (s + 1) * lnBetaY + Math.log(hyp2f1OneB(s + 1, c, z));
}

/**
 * 2F1(1, b; c; z) for 0 <= z < 1 and 0 < b < c, the only form the likelihood needs. Every term ratio
 * (b+k)/(c+k)·z is below z, so the tail after a term t is at most t·z/(1-z): a rigorous stop. Near z = 1
 * (slow geometric convergence) the general routine takes over with its 1-z transformation.
 */
function hyp2f1OneB(b: number, c: number, z: number): number {
  if (z === 0) return 1;
  if (z > 0.9) return hyp2f1(1, b, c, z);
  let term = 1;
  let sum = 1;
  const tailFactor = z / (1 - z);
  for (let k = 0; k < 100_000; k++) {
    term *= ((b + k) / (c + k)) * z;
    sum += term;
    if (term * tailFactor <= 1e-16 * sum) return sum;
  }
  return Number.NaN;
}

/**
 * lnTailTerm and its gradient in (r, α, s, β), written to g[off..off+3]. The series is differentiated
 * term by term: t_k = Π_{j<k} (b+j)/(c+j) · z^k, so ∂ln t_k = Σ_{j<k} (∂b/(b+j) - ∂c/(c+j)) + k ∂z/z, with
 * the running sums P_k = Σ_{j<k} 1/(b+j), Q_k = Σ_{j<k} 1/(c+j) carried along. NaN if the series does
 * not converge (z extremely close to 1), which the optimiser treats as a rejected point.
 */
function lnTailTermGradient(p: ParetoNbdParams, x: number, y: number, g: Float64Array, off: number): number {
  const { r, alpha, s, beta } = p;
  const c = r + s + x + 1;
  const alphaFirst = alpha >= beta;
  const b = alphaFirst ? r + x : s + 1;
  const z = alphaFirst ? (alpha - beta) / (alpha + y) : (beta - alpha) / (beta + y);
  let t = 1;
  let S = 1;
  let SP = 0; // Σ t_k P_k
  let SQ = 0; // Σ t_k Q_k
  let SK = 0; // Σ k t_k
  if (z > 0) {
    const tailFactor = z / (1 - z);
    let P = 0;
    let Q = 0;
    let k = 0;
    for (; k < 10_000_000; k++) {
      P += 1 / (b + k);
      Q += 1 / (c + k);
      t *= ((b + k) / (c + k)) * z;
      S += t;
      SP += t * P;
      SQ += t * Q;
      SK += (k + 1) * t;
      // Tail bound for S, widened by the growth of the weights k, P_k, Q_k in the derivative sums.
      if (t * tailFactor * (k + 2 + 1 / (1 - z) + P + Q) <= 1e-16 * S) break;
    }
    if (k === 10_000_000) return Number.NaN;
  }
  const dLnFdz = z > 0 ? SK / z / S : b / c; // (dF/dz)/F; at z = 0 the first coefficient b/c
  const meanP = SP / S;
  const meanQ = SQ / S;
  const lnAY = Math.log(alpha + y);
  const lnBY = Math.log(beta + y);
  if (alphaFirst) {
    // b = r+x (∂b/∂r = 1), c = r+s+x+1, z = (α-β)/(α+y).
    g[off] = -lnAY + meanP - meanQ;
    g[off + 1] = -(r + x) / (alpha + y) + (dLnFdz * (beta + y)) / ((alpha + y) * (alpha + y));
    g[off + 2] = -lnBY - meanQ;
    g[off + 3] = -s / (beta + y) - dLnFdz / (alpha + y);
    return -s * lnBY - (r + x) * lnAY + Math.log(S);
  }
  // b = s+1 (∂b/∂s = 1), z = (β-α)/(β+y).
  g[off] = -lnAY - meanQ;
  g[off + 1] = -(r + x - 1) / (alpha + y) - dLnFdz / (beta + y);
  g[off + 2] = -lnBY + meanP - meanQ;
  g[off + 3] = -(s + 1) / (beta + y) + (dLnFdz * (alpha + y)) / ((beta + y) * (beta + y));
  return -(r + x - 1) * lnAY - (s + 1) * lnBY + Math.log(S);
}

/**
 * Log-likelihood and its gradient ∂lnL/∂(r, α, s, β) written to `gradient`. Per row
 * ln L = lnC + ln(e^A + e^B), A = "alive at T", B = ln(s/(r+s+x)) + ln(e^hi - e^lo); so
 * ∂lnL = ∂lnC + (1-π) ∂A + π (∂ln(s/(r+s+x)) + (∂hi - ρ ∂lo)/(1-ρ)), π = e^B/(e^A+e^B), ρ = e^(lo-hi).
 */
function preparedLogLikGradient(p: ParetoNbdParams, d: PreparedRows, gradient: number[]): number {
  const { r, alpha, s, beta } = p;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NaN;
  const base = -lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const psiR = digamma(r);
  const nx = d.xs.length;
  const lnConst = new Float64Array(nx);
  const lnShare = new Float64Array(nx);
  const dConstR = new Float64Array(nx);
  const dShareR = new Float64Array(nx);
  const dShareS = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const x = d.xs[i]!;
    const m = r + s + x;
    lnConst[i] = base + lnGamma(r + x);
    lnShare[i] = Math.log(s) - Math.log(m);
    dConstR[i] = digamma(r + x) - psiR + Math.log(alpha);
    dShareR[i] = -1 / m;
    dShareS[i] = 1 / s - 1 / m;
  }
  const nT = d.xTX.length;
  const aliveAtT = new Float64Array(nT);
  const dAlive = new Float64Array(4 * nT);
  const tailT = new Float64Array(nT);
  const dTailT = new Float64Array(4 * nT);
  for (let k = 0; k < nT; k++) {
    const x = d.xs[d.xTX[k]!]!;
    const T = d.Ts[d.xTT[k]!]!;
    const lnAT = Math.log(alpha + T);
    const lnBT = Math.log(beta + T);
    aliveAtT[k] = -(r + x) * lnAT - s * lnBT;
    dAlive[4 * k] = -lnAT;
    dAlive[4 * k + 1] = -(r + x) / (alpha + T);
    dAlive[4 * k + 2] = -lnBT;
    dAlive[4 * k + 3] = -s / (beta + T);
    tailT[k] = lnTailTermGradient(p, x, T, dTailT, 4 * k);
  }
  const nTx = d.xtxX.length;
  const tailTx = new Float64Array(nTx);
  const dTailTx = new Float64Array(4 * nTx);
  for (let k = 0; k < nTx; k++) {
    tailTx[k] = lnTailTermGradient(p, d.xs[d.xtxX[k]!]!, d.txs[d.xtxTx[k]!]!, dTailTx, 4 * k);
  }
  const sum = new CompensatedSum();
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let g3 = 0;
  const dConstAlpha = r / alpha;
  const dConstBeta = s / beta;
  const lnBeta = Math.log(beta);
  for (let i = 0; i < d.length; i++) {
    const w = d.w[i]!;
    const xi = d.xIdx[i]!;
    const pk = d.xTIdx[i]!;
    const tk = d.xtxIdx[i]!;
    const A = aliveAtT[pk]!;
    const hi = tailTx[tk]!;
    const lo = tailT[pk]!;
    let lnInner = A;
    let pi = 0;
    let rho = 0;
    if (hi > lo) {
      rho = Math.exp(lo - hi);
      const B = lnShare[xi]! + logSubExp(hi, lo);
      lnInner = logAddExp(A, B);
      pi = Math.exp(B - lnInner);
    }
    sum.add(w * (lnConst[xi]! + lnInner));
    const q = 1 - pi;
    let e0 = dConstR[xi]! + q * dAlive[4 * pk]!;
    let e1 = dConstAlpha + q * dAlive[4 * pk + 1]!;
    let e2 = lnBeta + q * dAlive[4 * pk + 2]!;
    let e3 = dConstBeta + q * dAlive[4 * pk + 3]!;
    if (pi > 0) {
      const inv = pi / (1 - rho);
      e0 += pi * dShareR[xi]! + inv * (dTailTx[4 * tk]! - rho * dTailT[4 * pk]!);
      e1 += inv * (dTailTx[4 * tk + 1]! - rho * dTailT[4 * pk + 1]!);
      e2 += pi * dShareS[xi]! + inv * (dTailTx[4 * tk + 2]! - rho * dTailT[4 * pk + 2]!);
      e3 += inv * (dTailTx[4 * tk + 3]! - rho * dTailT[4 * pk + 3]!);
    }
    g0 += w * e0;
    g1 += w * e1;
    g2 += w * e2;
    g3 += w * e3;
  }
  gradient[0] = g0;
  gradient[1] = g1;
  gradient[2] = g2;
  gradient[3] = g3;
  return sum.value();
}

/**
 * Log-likelihood of prepared rows (FH note §3). ln L per row is
 * lnC(x) + ln{ (α+T)^-(r+x)(β+T)^-s + s/(r+s+x) [tail(t_x) - tail(T)] / ... }, with tail(T) and the
 * first term computed once per distinct (x, T), tail(t_x) once per distinct (x, t_x).
 */
function preparedLogLik(p: ParetoNbdParams, d: PreparedRows): number {
  const { r, alpha, s, beta } = p;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NaN;
  const base = -lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const nx = d.xs.length;
  const lnConst = new Float64Array(nx);
  const lnShare = new Float64Array(nx); // ln(s / (r+s+x))
  for (let i = 0; i < nx; i++) {
    const x = d.xs[i]!;
    lnConst[i] = base + lnGamma(r + x);
    lnShare[i] = Math.log(s) - Math.log(r + s + x);
  }
  const nT = d.xTX.length;
  const aliveAtT = new Float64Array(nT);
  const tailT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    const x = d.xs[d.xTX[k]!]!;
    const T = d.Ts[d.xTT[k]!]!;
    const lnAT = Math.log(alpha + T);
    const lnBT = Math.log(beta + T);
    aliveAtT[k] = -(r + x) * lnAT - s * lnBT;
    tailT[k] = lnTailTerm(p, x, lnAT, lnBT, T);
  }
  const nTx = d.xtxX.length;
  const tailTx = new Float64Array(nTx);
  for (let k = 0; k < nTx; k++) {
    const x = d.xs[d.xtxX[k]!]!;
    const tx = d.txs[d.xtxTx[k]!]!;
    tailTx[k] = lnTailTerm(p, x, Math.log(alpha + tx), Math.log(beta + tx), tx);
  }
  const sum = new CompensatedSum();
  for (let i = 0; i < d.length; i++) {
    const pair = d.xTIdx[i]!;
    const hi = tailTx[d.xtxIdx[i]!]!;
    const lo = tailT[pair]!;
    const xi = d.xIdx[i]!;
    // The integral over (t_x, T) is positive; rounding can make hi ≈ lo when T - t_x is tiny.
    const lnA0 = hi > lo ? logSubExp(hi, lo) : Number.NEGATIVE_INFINITY;
    sum.add(d.w[i]! * (lnConst[xi]! + logAddExp(aliveAtT[pair]!, lnShare[xi]! + lnA0)));
  }
  return sum.value();
}

/**
 * ln P(alive | x, t_x, T) = ln[(α+T)^-(r+x) (β+T)^-s] - ln{ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A_0 } (FH note §5):
 * the "alive at T" share of the likelihood.
 */
function lnPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  if (!(tx < T)) return 0;
  const lnAT = Math.log(alpha + T);
  const lnBT = Math.log(beta + T);
  const aliveAtT = -(r + x) * lnAT - s * lnBT;
  const hi = lnTailTerm(p, x, Math.log(alpha + tx), Math.log(beta + tx), tx);
  const lo = lnTailTerm(p, x, lnAT, lnBT, T);
  const lnA0 = hi > lo ? logSubExp(hi, lo) : Number.NEGATIVE_INFINITY;
  return aliveAtT - logAddExp(aliveAtT, Math.log(s) - Math.log(r + s + x) + lnA0);
}

/** Pareto/NBD log-likelihood of calibration summaries (FH note §3), weighted. NaN for bad parameters. */
export function paretoNbdLogLik(params: ParetoNbdParams, rows: readonly SummaryRow[]): number {
  return preparedLogLik(params, prepareRows(rows, false));
}

/** Log-likelihood and its analytic gradient ∂lnL/∂(r, α, s, β) (term-by-term differentiated series), weighted. */
export function paretoNbdLogLikGradient(params: ParetoNbdParams, rows: readonly SummaryRow[]): { logLik: number; gradient: ParetoNbdParams } {
  const g = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  const logLik = preparedLogLikGradient(params, prepareRows(rows, false), g);
  return { logLik, gradient: { r: g[0]!, alpha: g[1]!, s: g[2]!, beta: g[3]! } };
}

function startingValues(d: PreparedRows, start: Partial<ParetoNbdParams> = {}): number[] {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < d.length; i++) {
    sx += d.w[i]! * d.x[i]!;
    sT += d.w[i]! * d.Ts[d.TIdx[i]!]!;
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  const meanT = d.totalWeight > 0 ? sT / d.totalWeight : 1;
  // r = s = 1; α from the mean repeat rate; β so the mean lifetime is of the order of the mean age.
  return [start.r ?? 1, start.alpha ?? 1 / rate, start.s ?? 1, start.beta ?? Math.max(meanT, 1e-3)];
}

/** Maximum-likelihood Pareto/NBD fit; `{ ok: false, reason }` when the data cannot support it. */
export function fitParetoNbd(
  rows: readonly SummaryRow[],
  options: FitOptions<ParetoNbdParams> = {},
): FitResult<'pareto-nbd', ParetoNbdParams> {
  const prepared = prepareForFit(rows, options);
  if (!prepared.ok) return { ok: false, model: 'pareto-nbd', code: prepared.code, reason: prepared.reason };
  const d = prepared.data;
  return fitOnLogScale<'pareto-nbd', ParetoNbdParams>({
    model: 'pareto-nbd',
    names: NAMES,
    start: startingValues(d, options.start),
    logLik: ([r, alpha, s, beta]) => preparedLogLik({ r: r!, alpha: alpha!, s: s!, beta: beta! }, d),
    logLikGradient: ([r, alpha, s, beta], gradient) => preparedLogLikGradient({ r: r!, alpha: alpha!, s: s!, beta: beta! }, d, gradient),
    n: d.totalWeight,
    distinctRows: d.length,
    options,
  });
}

/** P(alive | x, t_x, T) (FH note §5; SMC 1987). */
export function paretoNbdPAlive(params: ParetoNbdParams, c: CustomerSummary): number {
  return Math.exp(Math.min(0, lnPAlive(params, c.x, c.tx, c.T)));
}

/**
 * Expected purchases in (T, T+t] of a customer known to be active at T (FH note §6 without P(alive)):
 * (r+x)(β+T) / ((α+T)(s-1)) × [1 - ((β+T)/(β+T+t))^(s-1)], written with (1 - y^ε)/ε so s = 1 is exact
 * (the limit is ln((β+T+t)/(β+T))).
 */
export function paretoNbdActiveExpected(params: ParetoNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  const L = Math.log(beta + T) - Math.log(beta + T + t);
  return (((r + x) * (beta + T)) / (alpha + T)) * -expm1OverX(s - 1, L);
}

/** Conditional expected repeat purchases in (T, T+t] (FH note §6; SMC 1987). */
export function paretoNbdConditionalExpected(params: ParetoNbdParams, c: CustomerSummary, t: number): number {
  return paretoNbdActiveExpected(params, c.x, c.T, t) * paretoNbdPAlive(params, c);
}

/** Unconditional expected repeat purchases in (0, t] (FH note §4; SMC 1987): rβ/(α(s-1)) [1 - (β/(β+t))^(s-1)]. */
export function paretoNbdExpected(params: ParetoNbdParams, t: number): number {
  return paretoNbdActiveExpected(params, 0, 0, t);
}
