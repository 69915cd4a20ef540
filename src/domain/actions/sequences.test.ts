import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLogFromArrays } from '../../analytics/sequences/index.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { mineRules } from './baskets.js';
import { mineSequences, withoutRepeats } from './sequences.js';
import { suggestionsFor } from './suggestions.js';
import { addDays, addOrders, type TestOrder } from './test-helpers.js';

/**
 * The TV-then-audio example of DOMAIN.md section 7 as data (day 0 = 2024-01-01):
 * - customers T01..T10 buy a TV on day 0, T01..T08 with an HDMI cable in the same basket;
 * - T08, T09, T10 buy a soundbar on days 10, 30 and 89 (within 90 days); T07 on day 120 (not);
 * - S01..S05 buy only a soundbar (day 5); T11 buys a TV on day 190; G01 a gift card on day 200.
 * Data end day 200, so anchors after day 110 are censored (T11's window is not over).
 * Hand counts: TV anchors 10, of whom 3 bought audio within 90 days: 30%.
 */
const D0 = '2024-01-01';
const tv = { sku: 'tv-55', category: 'tv', amountMinor: 400_000 };
const cable = { sku: 'hdmi-cable', category: 'accessories', amountMinor: 5_000 };
const soundbar = { sku: 'soundbar', category: 'audio', amountMinor: 150_000 };

function orders(): TestOrder[] {
  const out: TestOrder[] = [];
  for (let i = 1; i <= 10; i++) {
    const c = `T${String(i).padStart(2, '0')}`;
    out.push({ id: `${c}-tv`, customer: c, date: D0, lines: i <= 8 ? [tv, cable] : [tv] });
  }
  for (const [c, d] of [['T08', 10], ['T09', 30], ['T10', 89], ['T07', 120]] as const) {
    out.push({ id: `${c}-audio`, customer: c, date: addDays(D0, d), lines: [soundbar] });
  }
  for (let i = 1; i <= 5; i++) out.push({ id: `S0${i}`, customer: `S0${i}`, date: addDays(D0, 5), lines: [soundbar] });
  out.push({ id: 'T11-tv', customer: 'T11', date: addDays(D0, 190), lines: [tv] });
  out.push({ id: 'G01', customer: 'G01', date: addDays(D0, 200), lines: [{ sku: 'gift-card', category: 'gifts' }] });
  // cancelled orders are not purchases
  out.push({ id: 'T09-cancelled', customer: 'T09', date: addDays(D0, 40), lines: [cable], status: 'cancelled' });
  return out;
}

describeEachDialect('sequence patterns and next-best-product suggestions', (dialect) => {
  let db: Db;
  let t11: number;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    await addOrders(db, orders());
    t11 = Number((await db.kysely.selectFrom('customers').select('id').where('external_id', '=', 'T11').executeTakeFirstOrThrow()).id);
  });
  afterAll(async () => db?.close());

  it('"of customers who bought a TV, 30% bought audio within 90 days"', async () => {
    const r = await mineSequences(db, { within: 90, minCount: 1, limit: 0 });
    expect(r.data).toMatchObject({ customers: 17, items: 4, firstDate: D0, lastDate: addDays(D0, 200), lastAnchorDate: addDays(D0, 110) });
    const p = r.patterns.find((x) => x.antecedent.key === 'tv-55' && x.consequent.key === 'soundbar')!;
    expect(p).toMatchObject({ countAntecedent: 10, count: 3 });
    expect(p.confidence).toBeCloseTo(0.3, 12);
    expect(p.text).toBe('of customers who bought tv-55, 30.0% bought soundbar within 90 days');
    // 9 of 17 customers ever bought a soundbar
    expect(p.baseRate).toBeCloseTo(9 / 17, 12);
    // the minimum count filters it out (3 customers < 5)
    const strict = await mineSequences(db, { within: 90, minCount: 5 });
    expect(strict.patterns.some((x) => x.antecedent.key === 'tv-55' && x.consequent.key === 'soundbar')).toBe(false);
    // a longer window catches T07 (day 120); censoring then keeps anchors up to day 70 only
    const long = await mineSequences(db, { within: 130, minCount: 1, limit: 0 });
    const q = long.patterns.find((x) => x.antecedent.key === 'tv-55' && x.consequent.key === 'soundbar')!;
    expect(q).toMatchObject({ countAntecedent: 10, count: 4 });
  });

  it('works at category level', async () => {
    const r = await mineSequences(db, { within: 90, minCount: 1, level: 'category', limit: 0 });
    const p = r.patterns.find((x) => x.antecedent.key === 'tv' && x.consequent.key === 'audio')!;
    expect(p).toMatchObject({ countAntecedent: 10, count: 3 });
  });

  it('suggests the cable (basket rule) and, once sequences are saved, audio (sequence) to the new TV buyer', async () => {
    const asOf = addDays(D0, 200);
    // No saved pattern sets: mined live with SUGGESTION_DEFAULTS (sequences need 5 customers: none here).
    const live = await suggestionsFor(db, t11, { asOf }, new Date());
    expect(live.sources.rules.patternSetId).toBeNull();
    expect(live.suggestions.map((s) => [s.item.key, s.source])).toEqual([['hdmi-cable', 'rule']]);
    // tv => cable: 8 of the 11 TV baskets
    expect(live.suggestions[0]!.confidence).toBeCloseTo(8 / 11, 12);
    expect(live.suggestions[0]!.because.map((i) => i.key)).toEqual(['tv-55']);

    const rules = await mineRules(db, { minSupport: 0.01, minConfidence: 0.5 }, { save: { actor: 'test', now: '2024-08-01T00:00:00.000Z' } });
    const seqs = await mineSequences(db, { within: 90, minCount: 1 }, { save: { actor: 'test', now: '2024-08-01T00:00:00.000Z' } });
    const saved = await suggestionsFor(db, t11, { asOf }, new Date());
    expect(saved.sources.rules.patternSetId).toBe(rules.patternSetId);
    expect(saved.sources.sequences.patternSetId).toBe(seqs.patternSetId);
    expect(saved.suggestions.map((s) => [s.item.key, s.source])).toEqual([
      ['hdmi-cable', 'rule'],
      ['soundbar', 'sequence'],
    ]);
    expect(saved.suggestions[1]!.confidence).toBeCloseTo(0.3, 12);
    // 100 days after the TV the 90-day pattern no longer applies
    const later = await suggestionsFor(db, t11, { asOf: addDays(D0, 290) }, new Date());
    expect(later.suggestions.map((s) => s.item.key)).toEqual(['hdmi-cable']);
  });

  it('does not suggest what the customer already has, and 404s unknown customers', async () => {
    const t01 = Number((await db.kysely.selectFrom('customers').select('id').where('external_id', '=', 'T01').executeTakeFirstOrThrow()).id);
    const r = await suggestionsFor(db, t01, { asOf: addDays(D0, 200) }, new Date());
    expect(r.suggestions.map((s) => s.item.key)).not.toContain('hdmi-cable');
    expect(r.suggestions.map((s) => s.item.key)).not.toContain('tv-55');
    await expect(suggestionsFor(db, 999_999, {}, new Date())).rejects.toThrow(/not found/);
  });
});

describe('withoutRepeats', () => {
  it('drops a customer\'s repeated (day, item) events, keeping everything else', () => {
    // customer 0: (1, a) twice, (1, b), (2, a); customer 1: (1, a) three times
    const log = eventLogFromArrays({ customer: [0, 1, 0, 0, 1, 0, 1], day: [1, 1, 1, 1, 1, 2, 1], item: [0, 0, 0, 1, 0, 0, 0], nCustomers: 2, nItems: 2 });
    const d = withoutRepeats(log);
    expect(d.nEvents).toBe(4);
    expect([...d.offsets]).toEqual([0, 3, 4]);
    expect([...d.days]).toEqual([1, 1, 2, 1]);
    expect([...d.items]).toEqual([0, 1, 0, 0]);
  });
});
