import gammaln from '@stdlib/math-base-special-gammaln';
import betaln from '@stdlib/math-base-special-betaln';
import digammaImpl from '@stdlib/math-base-special-digamma';

/**
 * ln|Γ(x)|. Delegates to stdlib (Cephes-derived, ~1e-15 relative); for negative non-integer x it
 * returns ln|Γ(x)|, and +Infinity at the poles 0, -1, -2, ...
 */
export function lnGamma(x: number): number {
  return gammaln(x);
}

/** Sign of Γ(x): +1 for x > 0; for negative non-integer x, (-1)^ceil(-x) (Γ < 0 on (-1, 0), > 0 on (-2, -1), ...). NaN at poles. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (Number.isInteger(x) || Number.isNaN(x)) return Number.NaN;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), for a, b > 0 (stdlib betaln avoids the cancellation of the naive sum). */
export function lnBeta(a: number, b: number): number {
  return betaln(a, b);
}

/** ψ(x) = d/dx ln Γ(x) (stdlib), for analytic likelihood gradients. */
export function digamma(x: number): number {
  return digammaImpl(x);
}
