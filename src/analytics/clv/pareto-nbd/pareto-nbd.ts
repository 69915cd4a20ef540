/**
 * Pareto/NBD repeat-buying model: Schmittlein, Morrison & Colombo (1987), "Counting your customers:
 * who are they and what will they do next?", Management Science 33(1), 1-24 (SMC); likelihood and
 * related expressions as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
 * expressions", brucehardie.com/notes/009 (FH note; cited by section: §3 likelihood,
 * §4 mean, §5 P(alive), §6 conditional expectation). While active, purchases are Poisson(λ),
 * λ ~ Gamma(r, α); the lifetime is exponential with rate μ ~ Gamma(s, β).
 */
import { digamma, expm1OverX, lnGamma, logAddExp, logSubExp } from '../../special/index.js';
import { DEFAULTS } from '../defaults.js';
import { CompensatedSum, fitOnLogScale, prepareForFit, type FitOptions, prepareRows, type PreparedRows } from '../fit-common.js';
import type { CustomerSummary, FitResult, FitSuccess, ParetoNbdParams, SummaryRow } from '../types.js';
import { lnTail } from './tail.js';

const NAMES: (keyof ParetoNbdParams & string)[] = ['r', 'alpha', 's', 'beta'];

/** Stirling's series for lnΓ(z) less its leading terms, Σ B_2k / (2k(2k-1) z^(2k-1)) (A&S 6.1.40); < 1e-15 off for z >= 10. */
function stirlingTail(z: number): number {
  const z2 = 1 / (z * z);
  return (1 / z) * (1 / 12 + z2 * (-1 / 360 + z2 * (1 / 1260 + z2 * (-1 / 1680 + z2 * (1 / 1188 + z2 * (-691 / 360360 + z2 / 156))))));
}

/**
 * ln Γ(r+x) - ln Γ(r). For r >= 10 as the difference of Stirling's series (A&S 6.1.40), with the large
 * leading terms combined analytically, (r - ½) log1p(x/r) + x ln(r+x) - x: the plain difference of two
 * log-gammas of ~r ln r carries rounding noise of ~1e-11 at r = 10^4, enough to stall the line search
 * on the r, α ridge (fitParetoNbd).
 */
function lnPochhammer(r: number, x: number): number {
  if (x === 0) return 0;
  if (r < 10) return lnGamma(r + x) - lnGamma(r);
  return (r - 0.5) * Math.log1p(x / r) + x * Math.log(r + x) - x + (stirlingTail(r + x) - stirlingTail(r));
}

/**
 * "Alive at T" term of the likelihood, α^r β^s (α+T)^-(r+x) (β+T)^-s (FH note §3), in logs and written
 * with log1p so that it stays exact when r, α or s, β are large: -r log1p(T/α) - x ln(α+T) - s log1p(T/β).
 */
function lnAliveAtT(p: ParetoNbdParams, x: number, T: number): number {
  return -p.r * Math.log1p(T / p.alpha) - x * Math.log(p.alpha + T) - p.s * Math.log1p(T / p.beta);
}

/**
 * Log-likelihood and its gradient ∂lnL/∂(r, α, s, β) written to `gradient`. Per row
 * ln L = lnΓ(r+x) - lnΓ(r) + ln(e^A + e^B), A = "alive at T", B = ln(s/(r+s+x)) + ln(e^hi - e^lo) with
 * hi, lo the tails at t_x and T (tail.ts; α^r β^s is inside them); so
 * ∂lnL = ∂lnC + (1-π) ∂A + π (∂ln(s/(r+s+x)) + (∂hi - ρ ∂lo)/(1-ρ)), π = e^B/(e^A+e^B), ρ = e^(lo-hi).
 * NaN if any term is not finite (the optimiser rejects the point; never a silently dropped term).
 */
function preparedLogLikGradient(p: ParetoNbdParams, d: PreparedRows, gradient: number[]): number {
  const { r, alpha, s, beta } = p;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NaN;
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
    lnConst[i] = lnPochhammer(r, x);
    lnShare[i] = Math.log(s) - Math.log(m);
    dConstR[i] = digamma(r + x) - psiR;
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
    aliveAtT[k] = lnAliveAtT(p, x, T);
    dAlive[4 * k] = -Math.log1p(T / alpha);
    dAlive[4 * k + 1] = (r * T - x * alpha) / (alpha * (alpha + T));
    dAlive[4 * k + 2] = -Math.log1p(T / beta);
    dAlive[4 * k + 3] = (s * T) / (beta * (beta + T));
    tailT[k] = lnTail(p, x, T, dTailT, 4 * k);
  }
  const nTx = d.xtxX.length;
  const tailTx = new Float64Array(nTx);
  const dTailTx = new Float64Array(4 * nTx);
  for (let k = 0; k < nTx; k++) {
    tailTx[k] = lnTail(p, d.xs[d.xtxX[k]!]!, d.txs[d.xtxTx[k]!]!, dTailTx, 4 * k);
  }
  const sum = new CompensatedSum();
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let g3 = 0;
  for (let i = 0; i < d.length; i++) {
    const w = d.w[i]!;
    const xi = d.xIdx[i]!;
    const pk = d.xTIdx[i]!;
    const tk = d.xtxIdx[i]!;
    const A = aliveAtT[pk]!;
    const hi = tailTx[tk]!;
    const lo = tailT[pk]!;
    if (Number.isNaN(hi) || Number.isNaN(lo)) return Number.NaN;
    let lnInner = A;
    let pi = 0;
    let rho = 0;
    // The integral over (t_x, T] is positive; rounding can make hi <= lo when T - t_x is tiny.
    if (hi > lo) {
      rho = Math.exp(lo - hi);
      const B = lnShare[xi]! + logSubExp(hi, lo);
      lnInner = logAddExp(A, B);
      pi = Math.exp(B - lnInner);
    }
    sum.add(w * (lnConst[xi]! + lnInner));
    const q = 1 - pi;
    let e0 = dConstR[xi]! + q * dAlive[4 * pk]!;
    let e1 = q * dAlive[4 * pk + 1]!;
    let e2 = q * dAlive[4 * pk + 2]!;
    let e3 = q * dAlive[4 * pk + 3]!;
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
 * lnΓ(r+x) - lnΓ(r) + ln{ alive(T) + s/(r+s+x) [e^tail(t_x) - e^tail(T)] }, with tail(T) and alive(T)
 * computed once per distinct (x, T), tail(t_x) once per distinct (x, t_x). NaN if any term is not finite.
 */
function preparedLogLik(p: ParetoNbdParams, d: PreparedRows): number {
  const { r, s } = p;
  if (!(r > 0 && p.alpha > 0 && s > 0 && p.beta > 0)) return Number.NaN;
  const nx = d.xs.length;
  const lnConst = new Float64Array(nx);
  const lnShare = new Float64Array(nx); // ln(s / (r+s+x))
  for (let i = 0; i < nx; i++) {
    const x = d.xs[i]!;
    lnConst[i] = lnPochhammer(r, x);
    lnShare[i] = Math.log(s) - Math.log(r + s + x);
  }
  const nT = d.xTX.length;
  const aliveAtT = new Float64Array(nT);
  const tailT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    const x = d.xs[d.xTX[k]!]!;
    const T = d.Ts[d.xTT[k]!]!;
    aliveAtT[k] = lnAliveAtT(p, x, T);
    tailT[k] = lnTail(p, x, T, null);
  }
  const nTx = d.xtxX.length;
  const tailTx = new Float64Array(nTx);
  for (let k = 0; k < nTx; k++) tailTx[k] = lnTail(p, d.xs[d.xtxX[k]!]!, d.txs[d.xtxTx[k]!]!, null);
  const sum = new CompensatedSum();
  for (let i = 0; i < d.length; i++) {
    const pair = d.xTIdx[i]!;
    const hi = tailTx[d.xtxIdx[i]!]!;
    const lo = tailT[pair]!;
    if (Number.isNaN(hi) || Number.isNaN(lo)) return Number.NaN;
    const xi = d.xIdx[i]!;
    // The integral over (t_x, T] is positive; rounding can make hi <= lo when T - t_x is tiny.
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
  const { r, s } = p;
  if (!(tx < T)) return 0;
  const aliveAtT = lnAliveAtT(p, x, T);
  const hi = lnTail(p, x, tx, null);
  const lo = lnTail(p, x, T, null);
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

export interface ParetoNbdFitOptions extends FitOptions<ParetoNbdParams> {
  /** Bound on the shapes s and r along their ridges. Default DEFAULTS.paretoNbd.maxShape. */
  maxShape?: number;
}

/**
 * The search is bounded smoothly: the optimiser's (r, α, s, β) are mapped to the model's
 * s' = s·k, β' = β·k with k = 1/(1 + s/cap), and likewise r', α' — a monotone map of s onto (0, cap) that
 * keeps the mean dropout rate s'/β' = s/β (and r'/α' = r/α), and is the identity up to a relative
 * s/cap. Smooth, so L-BFGS never meets a corner (a hard clamp made it stall there); a finite maximum is
 * found at the same model parameters; on a ridge s' → cap while the optimiser's s runs off.
 */
function bounded(theta: readonly number[], cap: number): { p: ParetoNbdParams; kr: number; ks: number } {
  const [r, alpha, s, beta] = theta as [number, number, number, number];
  const kr = 1 / (1 + r / cap);
  const ks = 1 / (1 + s / cap);
  return { p: { r: r * kr, alpha: alpha * kr, s: s * ks, beta: beta * ks }, kr, ks };
}

/**
 * Jacobian of `bounded` in (r, α, s, β) order (block diagonal): ∂s'/∂s = k², ∂β'/∂s = -β k²/cap,
 * ∂β'/∂β = k; the same for (r, α). J[i][j] = ∂θ'_i/∂θ_j.
 */
function boundedJacobian(theta: readonly number[], cap: number): number[][] {
  const [r, alpha, s, beta] = theta as [number, number, number, number];
  const { kr, ks } = bounded(theta, cap);
  return [
    [kr * kr, 0, 0, 0],
    [(-alpha * kr * kr) / cap, kr, 0, 0],
    [0, 0, ks * ks, 0],
    [0, 0, (-beta * ks * ks) / cap, ks],
  ];
}

/** A fit whose s' (or r') ends this close to the cap is on the ridge: the optimiser's s is 1000 x cap. */
const ON_RIDGE = 1 - 1e-3;

const fmt = (v: number) => v.toPrecision(4);

/**
 * Maximum-likelihood Pareto/NBD fit; `{ ok: false, reason }` when the data cannot support it.
 *
 * The ridge. When customers' dropout rates hardly differ, the likelihood keeps rising as s, β → ∞
 * together with s/β = μ fixed: Gamma(s, β) tends to a point mass at μ and the model to its
 * exponential-dropout limit (every customer's lifetime ~ Exp(μ)). There is no finite maximum, only a
 * supremum approached along a ray in (ln s, ln β), with the gain shrinking like 1/s. The same happens
 * with r, α → ∞ (every customer buys at the same rate λ = r/α). So the search is bounded: s and r
 * cannot exceed `maxShape` (see `bounded`), where the coefficient of variation of μ (or λ) is
 * 1/√maxShape. A fit that ends on the bound is reported at s = maxShape (or r) with the same s/β,
 * `converged: false`, a reason that names the ridge and the common rate and the gain in lnL still
 * available beyond the bound, and no standard errors (the information matrix is singular along the
 * ridge). Every likelihood evaluation has bounded cost (tail.ts) and the optimiser a bounded number
 * of evaluations, so the fit always ends.
 */
export function fitParetoNbd(
  rows: readonly SummaryRow[],
  options: ParetoNbdFitOptions = {},
): FitResult<'pareto-nbd', ParetoNbdParams> {
  const prepared = prepareForFit(rows, options);
  if (!prepared.ok) return { ok: false, model: 'pareto-nbd', code: prepared.code, reason: prepared.reason };
  const d = prepared.data;
  const cap = options.maxShape ?? DEFAULTS.paretoNbd.maxShape;
  const inner = [0, 0, 0, 0];
  // Optimiser coordinates whose bounded image is the data-based start.
  const start = startingValues(d, options.start);
  const kr0 = 1 / (1 - Math.min(start[0]!, cap / 2) / cap);
  const ks0 = 1 / (1 - Math.min(start[2]!, cap / 2) / cap);
  const fit = fitOnLogScale<'pareto-nbd', ParetoNbdParams>({
    model: 'pareto-nbd',
    names: NAMES,
    start: [start[0]! * kr0, start[1]! * kr0, start[2]! * ks0, start[3]! * ks0],
    logLik: (theta) => preparedLogLik(bounded(theta, cap).p, d),
    logLikGradient: (theta, gradient) => {
      const ll = preparedLogLikGradient(bounded(theta, cap).p, d, inner);
      // Chain rule: ∂lnL/∂θ_j = Σ_i ∂lnL/∂θ'_i J[i][j].
      const J = boundedJacobian(theta, cap);
      for (let j = 0; j < 4; j++) {
        let v = 0;
        for (let i = 0; i < 4; i++) v += inner[i]! * J[i]![j]!;
        gradient[j] = v;
      }
      return ll;
    },
    n: d.totalWeight,
    distinctRows: d.length,
    options,
  });
  if (!fit.ok) return fit;
  const theta = NAMES.map((k) => fit.params[k]);
  const { p } = bounded(theta, cap);
  const onR = p.r >= ON_RIDGE * cap;
  const onS = p.s >= ON_RIDGE * cap;
  if (onR || onS) return reportRidge(fit, d, cap, p, onR, onS);
  // The model's parameters, with standard errors by the delta method through the bound: Cov' = J Cov Jᵀ.
  let standardErrors = fit.standardErrors;
  let covariance = fit.covariance;
  if (covariance) {
    const J = boundedJacobian(theta, cap);
    covariance = J.map((Ji) => J.map((Jk) => Ji.reduce((acc, jij, j) => acc + jij * Jk.reduce((a, jkl, l) => a + covariance![j]![l]! * jkl, 0), 0)));
    standardErrors = Object.fromEntries(NAMES.map((k, i) => [k, Math.sqrt(covariance![i]![i]!)])) as unknown as ParetoNbdParams;
  }
  return { ...fit, params: p, standardErrors, covariance };
}

/** A fit that ended on a ridge bound: the bounded parameters with an honest reason. */
function reportRidge(
  fit: FitSuccess<'pareto-nbd', ParetoNbdParams>,
  d: PreparedRows,
  cap: number,
  p: ParetoNbdParams,
  onR: boolean,
  onS: boolean,
): FitSuccess<'pareto-nbd', ParetoNbdParams> {
  // Report exactly at the bound, on the same ray (same s/β, r/α).
  const params = {
    r: onR ? cap : p.r,
    alpha: onR ? (p.alpha * cap) / p.r : p.alpha,
    s: onS ? cap : p.s,
    beta: onS ? (p.beta * cap) / p.s : p.beta,
  };
  const logLik = preparedLogLik(params, d);
  // How much lnL the ridge still offers: from the bound to 100 x the bound along the same ray.
  const kr = onR ? 100 : 1;
  const ks = onS ? 100 : 1;
  const gain = preparedLogLik({ r: params.r * kr, alpha: params.alpha * kr, s: params.s * ks, beta: params.beta * ks }, d) - logLik;
  const ridges: string[] = [];
  if (onS) {
    ridges.push(
      `s and β grow together with s/β = ${fmt(params.s / params.beta)} per period: customers' dropout rates look the same ` +
        '(Gamma(s, β) tends to a point mass; the limit is exponential lifetimes with that one rate)',
    );
  }
  if (onR) {
    ridges.push(
      `r and α grow together with r/α = ${fmt(params.r / params.alpha)} purchases per period: customers' purchase rates look the same ` +
        '(Gamma(r, α) tends to a point mass; the limit is Poisson purchasing at that one rate)',
    );
  }
  const which = [onR ? 'r' : null, onS ? 's' : null].filter(Boolean).join(' and ');
  const reason =
    `no finite maximum: the likelihood keeps rising as ${ridges.join('; and as ')}. ` +
    `Reported at the bound ${which} = ${cap} (DEFAULTS.paretoNbd.maxShape); going 100 times further along the ridge raises lnL by only ${gain.toPrecision(2)}`;
  const touched = [...(onS ? ['s', 'beta'] : []), ...(onR ? ['r', 'alpha'] : [])];
  const warnings = fit.warnings.filter((w) => !w.startsWith('standard errors unavailable') && !touched.some((k) => w.startsWith(`parameter ${k} = `)));
  warnings.push(
    `${which} at the bound ${cap}: the data do not identify ${onR && onS ? 'these shapes' : 'this shape'} (one common rate fits); ` +
      `predictions match that limit model to a relative ~(1 + rate × horizon)/${cap}`,
  );
  warnings.push('standard errors not reported: along the ridge the likelihood is flat, so the information matrix is singular');
  const k = fit.k;
  return {
    ...fit,
    params,
    standardErrors: null,
    covariance: null,
    logLik,
    aic: 2 * k - 2 * logLik,
    bic: k * Math.log(fit.n) - 2 * logLik,
    converged: false,
    reason,
    warnings,
  };
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
  const L = -Math.log1p(t / (beta + T)); // ln((β+T)/(β+T+t)), exact for large β
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
