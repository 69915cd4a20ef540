import { describe, expect, it } from 'vitest';
import { summariseTransactions, type Transaction } from '../../analytics/clv/index.js';
import { createRng } from '../../analytics/random.js';
import { fitRepeatGuarded } from './fit-runner.js';

/**
 * Customers who all drop out with the same probability: the Pareto/NBD likelihood has no finite
 * maximum (it rises as s, β → ∞ with s/β fixed). Before issue #4 each step up that ridge made the
 * likelihood slower to evaluate (95 s for 40 evaluations) and only the guard stopped the fit; now the
 * fit is bounded (src/analytics/clv/pareto-nbd, ridge.test.ts) and the guard is a backstop.
 */
function homogeneousDropout(): { x: number; tx: number; T: number }[] {
  const rng = createRng(7);
  const log: Transaction[] = [];
  for (let i = 0; i < 200; i++) {
    let day = Math.floor(rng() * 60);
    const lambda = (-Math.log(rng()) - Math.log(rng())) / 40;
    let k = 0;
    while (day <= 365) {
      log.push({ customerId: String(i), t: day / 7 });
      k++;
      if (k > 1 && rng() < 0.1) break;
      day += 1 + Math.floor(-Math.log(rng()) / lambda);
    }
  }
  return summariseTransactions(log, { calibrationEnd: 365 / 7, mergeResolution: 1 / 7 }).customers;
}

describe('guarded fits', () => {
  it('a Pareto/NBD fit on the ridge ends inside the guard and says why; BG/NBD on the same data is fine', async () => {
    const rows = homogeneousDropout();
    const pn = await fitRepeatGuarded('pareto-nbd', rows);
    if (!pn.ok) throw new Error(pn.reason);
    expect(pn.converged).toBe(false);
    expect(pn.reason).toMatch(/^no finite maximum: the likelihood keeps rising as s and β grow together/);
    const bg = await fitRepeatGuarded('bg-nbd', rows);
    expect(bg.ok).toBe(true);
  });

  it('still stops a fit that overruns its time limit, and says so', async () => {
    // 1 ms: shorter than starting the worker, so the limit always fires first.
    const pn = await fitRepeatGuarded('pareto-nbd', homogeneousDropout(), { timeoutMs: 1 });
    expect(pn.ok).toBe(false);
    if (pn.ok) return;
    expect(pn.code).toBe('optimiser-failed');
    expect(pn.reason).toMatch(/^the Pareto\/NBD fit did not finish within \d+ s and was stopped/);
  });
});
