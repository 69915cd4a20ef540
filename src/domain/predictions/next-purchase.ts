import type { RepeatModel } from '../../analytics/clv/index.js';

/**
 * Expected time to the next purchase **if the customer is still active** (and stays so), in model
 * periods; null when that expectation is infinite.
 *
 * Why conditional: under BG/NBD and Pareto/NBD a customer may already have dropped out, so the
 * unconditional expected time to the next purchase is infinite for everyone; a single "expected
 * days" number would be a made-up figure. What the models do give honestly:
 * - While active, purchases are Poisson with rate λ, so the wait from T is exponential with mean 1/λ
 *   (memoryless).
 * - Given (x, t_x, T) and being active at T, the likelihood in λ is λ^x e^{-λT} under both models
 *   (FHL 2005 eq. 3-4 for BG/NBD; SMC 1987 / Fader & Hardie 2005 note §2 for Pareto/NBD), so with
 *   the Gamma(r, α) prior λ | data, active ~ Gamma(r + x, α + T).
 * - Hence E[wait | active] = E[1/λ] = (α + T) / (r + x - 1), finite only when r + x > 1 (the
 *   inverse-gamma mean). For BG/NBD this is exactly the expected time to the next purchase of a
 *   customer alive at T (dropout only happens right after a purchase); for Pareto/NBD it is the
 *   expected wait provided the customer does not drop out first.
 * Read it together with P(alive).
 */
export function expectedWaitIfActive(model: RepeatModel, x: number, T: number): number | null {
  const { r, alpha } = model.params;
  const shape = r + x - 1;
  if (!(shape > 0)) return null;
  return (alpha + T) / shape;
}
