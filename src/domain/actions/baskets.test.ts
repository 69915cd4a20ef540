import { afterAll, beforeAll, expect, it } from 'vitest';
import { importOrdersFile } from '../import/import-orders.js';
import type { Db } from '../../storage/db.js';
import { basketRulesOf, getPatternSet } from '../../storage/actions.repo.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { sharedDataPath } from '../../test-support/paths.js';
import { loadBaskets, mineRules } from './baskets.js';

// Reference: arules, apriori(Groceries, parameter = list(supp = 0.001, conf = 0.5)) prints
// "set of 5668 rules"; top rule by lift {Instant food products, soda} => {hamburger meat},
// count 12, lift 18.99565 (docs/analytics/basket.md, "Checked against").
describeEachDialect('basket rules from stored orders (Groceries)', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    await importOrdersFile(db, sharedDataPath('groceries.csv'), { layout: 'baskets', defaultDate: '2000-01-01' });
  });
  afterAll(async () => db?.close());

  it('reads every basket back from the database', async () => {
    const data = await loadBaskets(db, 'product');
    expect(data.tx.nTransactions).toBe(9835);
    expect(data.tx.nItems).toBe(169);
    expect(data.orders).toBe(9835);
  });

  it('finds the 5,668 rules of arules at support 0.001, confidence 0.5, and saves them', async () => {
    const r = await mineRules(db, { minSupport: 0.001, minConfidence: 0.5, limit: 3 }, { save: { actor: 'test', now: '2024-01-01T00:00:00.000Z' } });
    expect(r.total).toBe(5668);
    expect(r.data).toEqual({ orders: 9835, baskets: 9835, items: 169, minCount: 10 });
    expect(r.rules).toHaveLength(3);
    const top = r.rules[0]!;
    expect(top.antecedent.map((i) => i.key).sort()).toEqual(['Instant food products', 'soda']);
    expect(top.consequent.map((i) => i.key)).toEqual(['hamburger meat']);
    expect(top.count).toBe(12);
    // arules prints 6-7 significant digits
    expect(top.lift).toBeCloseTo(18.99565, 4);
    const set = await getPatternSet(db.kysely, r.patternSetId!);
    expect(set?.patterns).toBe(5668);
    const saved = await basketRulesOf(db.kysely, r.patternSetId!);
    expect(saved).toHaveLength(5668);
    expect(JSON.parse(saved[0]!.consequent)).toEqual(['hamburger meat']);
  });

  it('applies lift and length filters', async () => {
    const r = await mineRules(db, { minSupport: 0.003, minConfidence: 0.5, maxLength: 4, limit: 0 });
    // arules: supp 0.003, conf 0.5, maxlen 4 gives 414 rules
    expect(r.total).toBe(414);
    expect(r.rules).toHaveLength(414);
    const lifted = await mineRules(db, { minSupport: 0.003, minConfidence: 0.5, maxLength: 4, minLift: 3, limit: 0 });
    expect(lifted.total).toBe(r.rules.filter((x) => x.lift >= 3).length);
  });
});
