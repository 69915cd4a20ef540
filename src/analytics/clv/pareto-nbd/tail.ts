/**
 * The one non-elementary piece of the Pareto/NBD likelihood and P(alive): the "tail"
 *   tail(y) = ln[ α^r β^s (r+s+x) ∫_y^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ ]
 * (Fader & Hardie 2005 note §3, "FH note": A_0 = [tail(t_x) - tail(T)] / (α^r β^s (r+s+x))). The factor
 * α^r β^s is taken inside so that everything is written with log1p(y/α), log1p(y/β): the terms
 * s·ln β - s·ln(β+y) no longer cancel, and the value stays exact as s, β → ∞ with s/β = μ fixed, where
 * β^s (β+τ)^-s → e^(-μτ) (the exponential-dropout limit of the model).
 *
 * Two routes, chosen per (x, y):
 *  - Series (short when the gamma mixing is not degenerate). The note's two Pfaff-related ₂F₁ forms,
 *    Euler-transformed (A&S 15.3.3) to ₂F₁(1, b; r+s+x+1; z), z in [0, 1), positive terms with ratio < z:
 *      α >= β: tail = -r log1p(y/α) - x ln(α+y) - s log1p(y/β) + ln ₂F₁(1, r+x; c; (α-β)/(α+y))
 *      α <  β: tail = -r log1p(y/α) - (x-1) ln(α+y) - s log1p(y/β) - ln(β+y) + ln ₂F₁(1, s+1; c; (β-α)/(β+y)).
 *    Its length grows like 1/(1-z) = (max(α,β)+y)/(min(α,β)+y): without bound when s, β → ∞ together
 *    (the ridge of a fit whose customers share one dropout rate), and likewise r, α → ∞.
 *  - Quadrature, when the series would need more than SERIES_MAX_TERMS terms. With v = ln((m+τ)/(m+y)),
 *    m = min(α, β), the integrand is e^φ(v), φ(v) = (1-p)v - q log1p(c·expm1(v)) with c = (m+y)/(M+y) <= 1,
 *    (p, q) = (r+x, s+1) if α < β, (s+1, r+x) otherwise: φ'' = -q w(1-w) <= 0, w = c e^v/(1-c+c e^v), so the
 *    integrand is log-concave with its mode in closed form (w = (1-p)/q). It is integrated by Gauss-Legendre
 *    panels between the points where φ has fallen DROP below its mode (the rest is < e^-DROP of the total,
 *    by concavity). Cost: a few hundred integrand values at most, whatever the parameters.
 *
 * Gradients: the series is differentiated term by term (∂ln t_k = Σ_{j<k}(∂b/(b+j) - ∂c/(c+j)) + k ∂z/z);
 * the quadrature differentiates under the integral sign, ∂tail = ∂ln(r+s+x) + E[∂ln g(τ)] with the
 * integrand g(τ) = α^r β^s (α+τ)^-(r+x) (β+τ)^-(s+1) as weight.
 */
import type { ParetoNbdParams } from '../types.js';

/** Series longer than this switch to quadrature (~ the cost of one quadrature panel set). */
export const SERIES_MAX_TERMS = 1000;
/** Quadrature range: where the log-integrand is within DROP of its maximum (e^-38 ≈ 3e-17). */
const DROP = 38;
/** Gauss-Legendre panel length in v and nodes per panel: 32 nodes integrate e^(-DROP·t) on a panel to ~1e-25. */
const PANEL = 4;
const NODES = 32;
const MAX_PANELS = 64;

/**
 * Gauss-Legendre nodes and weights on [-1, 1]: Newton's method on the Legendre polynomial from the
 * three-term recurrence, weights 2 / ((1 - x²) P_n'(x)²) (Abramowitz & Stegun 25.4.29).
 */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < (n + 1) >> 1; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x[i] = -t;
    x[n - 1 - i] = t;
    w[i] = w[n - 1 - i] = 2 / ((1 - t * t) * dp * dp);
  }
  return { x, w };
}
const GL = gaussLegendre(NODES);

/**
 * tail(y) for a customer with x repeat purchases (see the module comment). When `g` is given, writes
 * ∂tail/∂(r, α, s, β) to g[off..off+3]. NaN only for invalid parameters.
 */
export function lnTail(p: ParetoNbdParams, x: number, y: number, g: Float64Array | number[] | null, off = 0): number {
  return tail(p, x, y, g, off, 'auto');
}

/** lnTail by one route only, for tests: the two routes must agree. 'series' is NaN if it would not converge. */
export function lnTailByRoute(p: ParetoNbdParams, x: number, y: number, route: 'series' | 'quadrature', g: Float64Array | number[] | null = null): number {
  return tail(p, x, y, g, 0, route);
}

function tail(p: ParetoNbdParams, x: number, y: number, g: Float64Array | number[] | null, off: number, route: 'auto' | 'series' | 'quadrature'): number {
  const { r, alpha, s, beta } = p;
  const A = alpha + y;
  const B = beta + y;
  const l1pA = Math.log1p(y / alpha);
  const l1pB = Math.log1p(y / beta);
  const lnA = Math.log(A);
  const lnB = Math.log(B);
  const alphaFirst = alpha >= beta;
  const c = r + s + x + 1;
  const b = alphaFirst ? r + x : s + 1;
  const z = alphaFirst ? (alpha - beta) / A : (beta - alpha) / B;
  const pre = alphaFirst ? -r * l1pA - x * lnA - s * l1pB : -r * l1pA - (x - 1) * lnA - s * l1pB - lnB;
  // The term ratios (b+k)/(c+k)·z increase with k, so t_K <= (z (b+K)/(c+K))^K: when even that bound is
  // not small at K = SERIES_MAX_TERMS, go straight to quadrature instead of summing terms to find out.
  const K = SERIES_MAX_TERMS;
  if (route === 'quadrature' || (route === 'auto' && z > 0 && K * Math.log((z * (b + K)) / (c + K)) > Math.log(1e-17 * (1 - z)))) {
    return quadratureTail(p, x, y, pre, alphaFirst, g, off);
  }

  // Series Σ t_k, t_k = Π_{j<k} (b+j)/(c+j) z; with g, also Σ t_k P_k, Σ t_k Q_k, Σ k t_k (P_k = Σ_{j<k} 1/(b+j), Q_k likewise).
  let S = 1;
  let SP = 0;
  let SQ = 0;
  let SK = 0;
  let converged = true;
  if (z > 0) {
    converged = false;
    const tailFactor = z / (1 - z);
    let t = 1;
    let P = 0;
    let Q = 0;
    for (let k = 0; k < SERIES_MAX_TERMS; k++) {
      t *= ((b + k) / (c + k)) * z;
      S += t;
      if (g) {
        P += 1 / (b + k);
        Q += 1 / (c + k);
        SP += t * P;
        SQ += t * Q;
        SK += (k + 1) * t;
        // Tail bound for S, widened by the growth of the weights k, P_k, Q_k in the derivative sums.
        if (t * tailFactor * (k + 2 + 1 / (1 - z) + P + Q) <= 1e-16 * S) {
          converged = true;
          break;
        }
      } else if (t * tailFactor * (k + 2 + 1 / (1 - z)) <= 1e-16 * S) {
        // The same stopping point as with the gradient (to within a term or two), so both routes agree.
        converged = true;
        break;
      }
    }
  }
  if (!converged) return route === 'series' ? Number.NaN : quadratureTail(p, x, y, pre, alphaFirst, g, off);
  if (g) {
    const dLnFdz = z > 0 ? SK / z / S : b / c; // (dF/dz)/F; at z = 0 the first coefficient b/c
    const meanP = SP / S;
    const meanQ = SQ / S;
    if (alphaFirst) {
      // b = r+x (∂b/∂r = 1), c = r+s+x+1, z = (α-β)/(α+y): ∂z/∂α = (β+y)/(α+y)², ∂z/∂β = -1/(α+y).
      g[off] = -l1pA + meanP - meanQ;
      g[off + 1] = (r * y - x * alpha) / (alpha * A) + (dLnFdz * B) / (A * A);
      g[off + 2] = -l1pB - meanQ;
      g[off + 3] = (s * y) / (beta * B) - dLnFdz / A;
    } else {
      // b = s+1 (∂b/∂s = 1), z = (β-α)/(β+y): ∂z/∂α = -1/(β+y), ∂z/∂β = (α+y)/(β+y)².
      g[off] = -l1pA - meanQ;
      g[off + 1] = (r * y - (x - 1) * alpha) / (alpha * A) - dLnFdz / B;
      g[off + 2] = -l1pB + meanP - meanQ;
      g[off + 3] = (s * y - beta) / (beta * B) + (dLnFdz * A) / (B * B);
    }
  }
  return pre + Math.log(S);
}

/**
 * The tail by quadrature of ∫_0^∞ e^φ(v) dv (module comment): tail = pre + ln(r+s+x) + ln ∫ e^φ.
 * `pre` is the series route's prefactor, which is exactly the constant that the substitution leaves.
 */
function quadratureTail(
  p: ParetoNbdParams,
  x: number,
  y: number,
  pre: number,
  alphaFirst: boolean,
  g: Float64Array | number[] | null,
  off: number,
): number {
  const { r, alpha, s, beta } = p;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NaN;
  const A = alpha + y;
  const B = beta + y;
  // v = ln((m+τ)/(m+y)) with m the smaller of α, β; the other factor is (1 + c·expm1(v))^-q.
  const pw = alphaFirst ? s + 1 : r + x;
  const q = alphaFirst ? r + x : s + 1;
  const c = alphaFirst ? B / A : A / B;
  // ln(1 + c·expm1(v)), written as v + ln c + log1p((1-c)e^-v / c) once c·e^v > 1 so large v cannot overflow.
  const lnc = Math.log(c);
  const L = (v: number) => (v + lnc > 0 ? v + lnc + Math.log1p(((1 - c) * Math.exp(-v)) / c) : Math.log1p(c * Math.expm1(v)));
  const phi = (v: number) => (1 - pw) * v - q * L(v);
  const weight = (v: number) => c / (c + (1 - c) * Math.exp(-v)); // w(v) = c e^v / (1 - c + c e^v)
  const dphi = (v: number) => 1 - pw - q * weight(v);
  // Mode: φ'(v) = 0 at w = (1-p)/q, i.e. e^v = w(1-c) / (c(1-w)); at v = 0 when φ'(0) = 1-p-qc <= 0.
  let mode = 0;
  if (1 - pw - q * c > 0) {
    const w = (1 - pw) / q;
    mode = Math.log(w * (1 - c)) - Math.log(c * (1 - w));
  }
  const top = phi(mode);
  const target = top - DROP;
  // Right end: from a first step of the integrand's scale at the mode (slope or curvature), double until
  // φ is below target, then Newton from the right (monotone for a concave φ) to within 0.5 of it.
  const wm = weight(mode);
  let h = 1 / Math.max(Math.abs(dphi(mode)), Math.sqrt(q * wm * (1 - wm)), 1e-3);
  let right = mode + h;
  for (let i = 0; i < 200 && phi(right) > target; i++) {
    h *= 2;
    right = mode + h;
  }
  for (let i = 0; i < 50; i++) {
    const f = phi(right) - target;
    if (f > -0.5) break;
    right -= f / dphi(right);
  }
  // Left end: φ(0) may already be within DROP of the top; otherwise Newton from 0 (monotone from the left).
  let left = 0;
  if (mode > 0 && phi(0) < target) {
    for (let i = 0; i < 30; i++) {
      const f = phi(left) - target;
      if (f > -0.5) break;
      left -= f / dphi(left);
    }
  }
  // Scale by e^-top so the integrand peaks at 1; accumulate Σ W and, with g, Σ W ∂ln g(τ)/∂θ.
  let sum = 0;
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  const l1pA = Math.log1p(y / alpha);
  const l1pB = Math.log1p(y / beta);
  const pieces = mode > left ? [left, mode, right] : [left, right];
  for (let k = 0; k + 1 < pieces.length; k++) {
    const lo = pieces[k]!;
    const hi = pieces[k + 1]!;
    // Capped so the cost stays bounded; only absurd corners (exponents ~1e-3) would reach the cap.
    const panels = Math.min(MAX_PANELS, Math.max(1, Math.ceil((hi - lo) / PANEL)));
    const width = (hi - lo) / panels;
    for (let j = 0; j < panels; j++) {
      const mid = lo + (j + 0.5) * width;
      const half = 0.5 * width;
      for (let i = 0; i < NODES; i++) {
        const v = mid + half * GL.x[i]!;
        const Lv = L(v);
        const W = GL.w[i]! * half * Math.exp((1 - pw) * v - q * Lv - top);
        if (W === 0) continue;
        sum += W;
        if (g) {
          const em = Math.expm1(v);
          // τ and the derivatives of ln g(τ) = -r log1p(τ/α) - x ln(α+τ) - s log1p(τ/β) - ln(β+τ).
          let lnRatioA: number; // log1p(τ/α)
          let lnRatioB: number; // log1p(τ/β)
          let tau: number;
          if (alphaFirst) {
            tau = y + B * em;
            lnRatioB = l1pB + v;
            lnRatioA = l1pA + Lv;
          } else {
            tau = y + A * em;
            lnRatioA = l1pA + v;
            lnRatioB = l1pB + Lv;
          }
          d0 += W * -lnRatioA;
          d1 += (W * (r * tau - x * alpha)) / (alpha * (alpha + tau));
          d2 += W * -lnRatioB;
          d3 += (W * (s * tau - beta)) / (beta * (beta + tau));
        }
      }
    }
  }
  const m = r + s + x;
  if (g) {
    g[off] = 1 / m + d0 / sum;
    g[off + 1] = d1 / sum;
    g[off + 2] = 1 / m + d2 / sum;
    g[off + 3] = d3 / sum;
  }
  return pre + Math.log(m) + top + Math.log(sum);
}
