import { describe, expect, it } from 'vitest';
import { generateDemo } from '../domain/demo/demo.js';
import { createTestDb } from '../test-support/databases.js';
import { postDemoSteps } from './quickstart-steps.js';

describe('quick start after the demo', () => {
  it('leaves two value snapshots, a prediction run and a churn run for the first screens', async () => {
    const db = await createTestDb('sqlite');
    try {
      await generateDemo(db, { customers: 400, end: '2026-06-30', seed: 1 });
      const said: string[] = [];
      await postDemoSteps(db, '2026-06-30', (l) => said.push(l));
      const snapshots = await db.kysely.selectFrom('analysis_snapshots').select(['as_of', 'status']).orderBy('id').execute();
      expect(snapshots.map((s) => s.status)).toEqual(['completed', 'completed']);
      const runs = await db.kysely.selectFrom('prediction_runs').select(['status', 'customers']).execute();
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('completed');
      const stored = await db.kysely.selectFrom('customer_predictions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(runs[0]!.customers);
      const churn = await db.kysely.selectFrom('churn_runs').select('id').execute();
      expect(churn).toHaveLength(1);
      expect(said.at(-1)).toMatch(/^predictions \(run \d+, (bg-nbd|pareto-nbd)\) and churn early warning \(run \d+\): \d+ customers at risk$/);
    } finally {
      await db.close();
    }
  }, 60_000);
});
