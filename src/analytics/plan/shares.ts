/** Share arithmetic for budget plans: proportional shares under bounds, and exact integer rounding. */
import { PlanError } from './errors.js';

export interface ShareBounds {
  min: number;
  max: number;
}

export interface BoundedShares {
  shares: number[];
  /** Which bound holds each share, if any. */
  clamped: ('min' | 'max' | null)[];
  /** Common multiplier: an unclamped share is lambda · weight. */
  lambda: number;
}

/**
 * Shares proportional to `weights`, each kept inside [min_i, max_i], summing to 1:
 * s_i = clamp(λ·w_i, min_i, max_i) with λ chosen so Σ s_i = 1.
 *
 * This is the fixed point of "clamp the violators, give the rest to the unclamped segments in
 * proportion to their weights, repeat", computed directly: Σ clamp(λ·w_i) is continuous,
 * piecewise linear and non-decreasing in λ, so we walk its breakpoints (λ = min_i/w_i and
 * max_i/w_i) and solve the linear piece that crosses 1 (water-filling; cf. Boyd & Vandenberghe
 * 2004, Convex Optimization, example 5.2). A naive loop that only ever adds clamps can stop
 * at a point that is not proportional among unclamped segments: once another segment's
 * minimum takes budget, an earlier-capped segment may fall back under its cap.
 * Weight-0 segments receive their minimum.
 */
export function boundedProportionalShares(weights: readonly number[], bounds: readonly ShareBounds[]): BoundedShares {
  const n = weights.length;
  if (bounds.length !== n) throw new RangeError('boundedProportionalShares: one bound per weight');
  let sumMin = 0;
  let sumMaxReachable = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    const { min, max } = bounds[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new PlanError('INVALID_SEGMENT', `weight ${w} must be finite and >= 0`);
    if (!(min >= 0 && max <= 1 && min <= max)) throw new PlanError('INVALID_SEGMENT', `share bounds need 0 <= min <= max <= 1, got [${min}, ${max}]`);
    sumMin += min;
    sumMaxReachable += w > 0 ? max : min;
  }
  const eps = 1e-12;
  if (sumMin > 1 + eps) throw new PlanError('INFEASIBLE_LIMITS', `minimum shares add up to ${sumMin} > 1`);
  if (sumMaxReachable < 1 - eps) {
    throw new PlanError(
      'INFEASIBLE_LIMITS',
      `maximum shares of segments with a positive weight add up to ${sumMaxReachable} < 1 (segments with weight 0 get only their minimum)`,
    );
  }
  const f = (lambda: number) => weights.reduce((s, w, i) => s + Math.min(bounds[i]!.max, Math.max(bounds[i]!.min, lambda * w)), 0);
  const breaks = [0];
  weights.forEach((w, i) => {
    if (w > 0) breaks.push(bounds[i]!.min / w, bounds[i]!.max / w);
  });
  breaks.sort((a, b) => a - b);
  let lambda = breaks[breaks.length - 1]!;
  let prev = 0;
  let fPrev = f(0);
  if (fPrev >= 1) lambda = 0;
  else {
    for (const b of breaks) {
      const fb = f(b);
      if (fb >= 1) {
        // f is linear on [prev, b]; solve f(λ) = 1 on it
        lambda = fb === fPrev ? b : prev + ((1 - fPrev) * (b - prev)) / (fb - fPrev);
        break;
      }
      prev = b;
      fPrev = fb;
    }
  }
  const shares: number[] = [];
  const clamped: ('min' | 'max' | null)[] = [];
  weights.forEach((w, i) => {
    const raw = lambda * w;
    const { min, max } = bounds[i]!;
    if (raw < min) {
      shares.push(min);
      clamped.push('min');
    } else if (raw > max) {
      shares.push(max);
      clamped.push('max');
    } else {
      shares.push(raw);
      clamped.push(null);
    }
  });
  return { shares, clamped, lambda };
}

/**
 * Splits an integer `total` into integers in proportion to `shares` (summing to 1) so they add up
 * to `total` exactly: largest remainder method (Hamilton): floor every exact quota, then give one
 * unit each to the largest fractional remainders. Ties go to the larger quota, then to the
 * earlier segment, so the result is deterministic.
 */
export function largestRemainder(total: number, shares: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new PlanError('INVALID_BUDGET', `total must be a non-negative safe integer, got ${total}`);
  const quotas = shares.map((s) => s * total);
  const out = quotas.map((q) => Math.floor(q));
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = quotas
    .map((q, i) => ({ i, frac: q - Math.floor(q), q }))
    .sort((a, b) => b.frac - a.frac || b.q - a.q || a.i - b.i);
  // Float shares may sum to 1 ± 1e-16; `left` is then off by at most a unit or so, in either direction.
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!++;
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    const i = order[k]!.i;
    if (out[i]! > 0) {
      out[i]!--;
      left++;
    }
  }
  return out;
}
