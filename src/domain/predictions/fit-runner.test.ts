import { describe, expect, it } from 'vitest';
import { summariseTransactions, type Transaction } from '../../analytics/clv/index.js';
import { createRng } from '../../analytics/random.js';
import { fitRepeatGuarded } from './fit-runner.js';

/**
 * Customers who all drop out with the same probability: the Pareto/NBD maximum likelihood is at
 * s, β → ∞ (no heterogeneity in the dropout rate) and each likelihood evaluation gets slower as the
 * optimiser walks there (measured: 95 s for 40 evaluations). The guarded fit must stop and say so.
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
  it('stops a Pareto/NBD fit that runs away and says why; BG/NBD on the same data is fine', async () => {
    const rows = homogeneousDropout();
    const t0 = performance.now();
    const pn = await fitRepeatGuarded('pareto-nbd', rows, { timeoutMs: 1500 });
    expect(performance.now() - t0).toBeLessThan(20_000); // generous: worker start-up on a busy machine
    expect(pn.ok).toBe(false);
    if (pn.ok) return;
    expect(pn.code).toBe('optimiser-failed');
    expect(pn.reason).toMatch(/^the Pareto\/NBD fit did not finish within 2 s and was stopped: .*use BG\/NBD/);
    const bg = await fitRepeatGuarded('bg-nbd', rows);
    expect(bg.ok).toBe(true);
  });
});
