import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../analytics/random.js';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { PatronError } from '../errors.js';
import type { OrderInput } from '../orders/order-input.js';
import { dayNumber, dayToDate } from '../time.js';
import { saveOrders } from '../../storage/orders.repo.js';
import { openCase } from '../voice/cases.js';
import { assessChurn, churnReasons, resolveThresholds, runChurn, type ChurnFacts } from './churn.js';
import { DEFAULTS } from './defaults.js';
import { fitModelOnOrders } from './fit.js';

const money = (minor: number) => `CNY ${(minor / 100).toFixed(2)}`;
const T = resolveThresholds();

/** A customer's facts with nothing wrong, to be varied one field at a time. */
function facts(over: Partial<ChurnFacts> = {}): ChurnFacts {
  return {
    customerId: 1,
    pAlive: 0.9,
    clvMinor: 10_000,
    clvIfActiveMinor: 11_000,
    asOfDay: 1000,
    firstDay: 900,
    lastDay: 990,
    purchaseDays: 10,
    recentMinor: 5000,
    earlierMinor: 5000,
    voice: null,
    ...over,
  };
}

const codes = (f: ChurnFacts, t = T) => churnReasons(f, t, money).map((r) => r.code);

describe('churn reasons at their boundaries (strict comparisons)', () => {
  it('P(alive): exactly at the threshold is not a reason; just under is', () => {
    expect(codes(facts({ pAlive: DEFAULTS.churn.pAliveThreshold }))).toEqual([]);
    expect(codes(facts({ pAlive: 0.4999999 }))).toEqual(['p-alive']);
    const t = resolveThresholds({ pAliveThreshold: 0.3 });
    expect(codes(facts({ pAlive: 0.3 }), t)).toEqual([]);
    expect(codes(facts({ pAlive: 0.29 }), t)).toEqual(['p-alive']);
  });

  it('overdue: exactly factor x the mean gap is not overdue; one day more is (integer arithmetic)', () => {
    // 4 purchase days over 30 days: mean gap 10; factor 2 -> 20 days allowed.
    expect(codes(facts({ firstDay: 900, lastDay: 930, purchaseDays: 4, asOfDay: 950 }))).toEqual([]);
    expect(codes(facts({ firstDay: 900, lastDay: 930, purchaseDays: 4, asOfDay: 951 }))).toEqual(['overdue']);
    // A gap that is not a whole number of days: 10 days / 3 gaps = 3.33; 2 x 3.33 = 6.67 days allowed.
    expect(codes(facts({ firstDay: 900, lastDay: 910, purchaseDays: 4, asOfDay: 916 }))).toEqual([]);
    expect(codes(facts({ firstDay: 900, lastDay: 910, purchaseDays: 4, asOfDay: 917 }))).toEqual(['overdue']);
    // Factor 3: 30 days allowed with a mean gap of 10.
    const t = resolveThresholds({ overdueFactor: 3 });
    expect(codes(facts({ firstDay: 900, lastDay: 930, purchaseDays: 4, asOfDay: 960 }), t)).toEqual([]);
    expect(codes(facts({ firstDay: 900, lastDay: 930, purchaseDays: 4, asOfDay: 961 }), t)).toEqual(['overdue']);
  });

  it('overdue needs a rhythm: fewer purchase days than minPurchaseDaysForRhythm never count', () => {
    expect(codes(facts({ firstDay: 900, lastDay: 910, purchaseDays: 2, asOfDay: 2000 }))).toEqual([]);
    expect(codes(facts({ firstDay: 900, lastDay: 910, purchaseDays: 2, asOfDay: 2000 }), resolveThresholds({ minPurchaseDaysForRhythm: 2 }))).toEqual(['overdue']);
  });

  it('falling spend: exactly (1 - drop) x earlier is not falling; one minor unit less is', () => {
    expect(codes(facts({ earlierMinor: 1000, recentMinor: 500 }))).toEqual([]);
    expect(codes(facts({ earlierMinor: 1000, recentMinor: 499 }))).toEqual(['falling-spend']);
    expect(codes(facts({ earlierMinor: 0, recentMinor: 0 }))).toEqual([]);
    const r = churnReasons(facts({ earlierMinor: 80_000, recentMinor: 12_000 }), T, money)[0]!;
    expect(r.text).toBe('spend falling: CNY 120.00 in the last 180 days against CNY 800.00 in the 180 days before (-85%)');
  });

  it('voice: complaints and low satisfaction, in words', () => {
    const voice = { openCases: 1, recentCases: 2, severeRecentCases: 1, lowScores: 1, latestNps: 3, detractor: true };
    const rs = churnReasons(facts({ voice }), T, money);
    expect(rs.map((r) => r.code)).toEqual(['complaints', 'low-satisfaction']);
    expect(rs[0]!.text).toBe('2 complaints in the last 90 days (1 severe); 1 complaint still open');
    expect(rs[1]!.text).toBe('1 low satisfaction score in the last 90 days; latest NPS answer 3 (a detractor)');
    const quiet = { openCases: 0, recentCases: 0, severeRecentCases: 0, lowScores: 0, latestNps: 9, detractor: false };
    expect(codes(facts({ voice: quiet }))).toEqual([]);
  });

  it('ranks by risk x predicted CLV: valuable customers on the fence first, the long gone last', () => {
    const ranked = assessChurn(
      [
        facts({ customerId: 1, pAlive: 0.01, clvMinor: 100, clvIfActiveMinor: 10_000 }), // gone: priority 99
        facts({ customerId: 2, pAlive: 0.4, clvMinor: 4000, clvIfActiveMinor: 10_000 }), // priority 2400
        facts({ customerId: 3, pAlive: 0.45, clvMinor: 900, clvIfActiveMinor: 2000 }), // priority 495
        facts({ customerId: 4, pAlive: 0.9 }), // not at risk
      ],
      T,
    );
    expect(ranked.map((a) => a.customerId)).toEqual([2, 3, 1]);
    expect(ranked[0]).toMatchObject({ priorityMinor: 2400, valueIfActiveMinor: 10_000, risk: 0.6 });
  });

  it('rejects thresholds that make no sense, naming the setting', () => {
    expect(() => resolveThresholds({ pAliveThreshold: 1.5 })).toThrow(/threshold: expected a P\(alive\) above 0 and at most 1, got 1.5/);
    expect(() => resolveThresholds({ spendDrop: 1 })).toThrow(PatronError);
    expect(() => resolveThresholds({ spendWindowDays: 0.5 })).toThrow(/spend window/);
  });
});

function sale(id: string, customer: string, day: number, amountMinor: number): OrderInput {
  const date = dayToDate(day);
  return {
    externalId: id, customer: { externalId: customer }, venueCode: null, kind: 'sale', returnsExternalId: null, status: 'completed',
    orderedAt: `${date}T10:00:00.000Z`, localDate: date, day, channel: null, paymentMethod: null, discountMinor: 0,
    lines: [{ sku: 'P', description: null, category: null, quantity: 1, unitPrice: null, lineTotalMinor: amountMinor, discountMinor: 0, unitCostMinor: 0 }],
  };
}

describeEachDialect('churn warning from the database', (dialect) => {
  let db: Db;
  const start = dayNumber('2024-01-01');
  const asOf = dayNumber('2024-12-31');
  const NOW = new Date('2025-01-05T00:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDb(dialect);
    // 200 customers buying as a BG/NBD-like process: per day λ ~ Gamma(2, 40), and after each repeat
    // purchase a dropout probability that differs between customers (0.02 to 0.52).
    const rng = createRng(7);
    const orders: OrderInput[] = [];
    for (let i = 0; i < 200; i++) {
      const c = `B${i}`;
      let day = start + Math.floor(rng() * 60);
      const lambda = (-Math.log(rng()) - Math.log(rng())) / 40;
      const pDrop = 0.02 + 0.5 * rng() ** 2;
      let k = 0;
      while (day <= asOf) {
        orders.push(sale(`${c}-${k++}`, c, day, 1000 + Math.floor(rng() * 4000)));
        if (k > 1 && rng() < pDrop) break;
        day += 1 + Math.floor(-Math.log(rng()) / lambda);
      }
    }
    // Overdue exactly at 2x the mean gap (10 days): last purchase 20 days before the as-of date; and one day more.
    for (let k = 0; k < 4; k++) orders.push(sale(`EXACT-${k}`, 'EXACT', asOf - 50 + 10 * k, 3000));
    for (let k = 0; k < 4; k++) orders.push(sale(`PLUS1-${k}`, 'PLUS1', asOf - 51 + 10 * k, 3000));
    // Spend windows of 180 days: exactly half of the earlier window is not "falling"; one cent less is.
    for (const [c, recent] of [['HALF', 50_000], ['LESS', 49_999]] as const) {
      orders.push(sale(`${c}-0`, c, asOf - 300, 100_000));
      orders.push(sale(`${c}-1`, c, asOf - 10, recent));
    }
    orders.push(sale('COMPLAINER-0', 'COMPLAINER', asOf - 40, 5000), sale('COMPLAINER-1', 'COMPLAINER', asOf - 5, 5000));
    await saveOrders(db.kysely, orders);
    const w = { actor: 'test', now: new Date((asOf + 1) * 86_400_000 - 3_600_000).toISOString() };
    await openCase(db.kysely, { customerExternalId: 'COMPLAINER', channel: 'phone', category: 'service', severity: 'high', subject: 'Cold soup', openedAt: new Date((asOf - 3) * 86_400_000).toISOString() }, w);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it('gives each boundary customer exactly the reasons the rules say, and records the run', async () => {
    // A tiny P(alive) threshold keeps the model's opinion out of this test of the other rules.
    const r = await runChurn(db, { asOf: dayToDate(asOf), thresholds: { pAliveThreshold: 1e-9 }, limit: 1000, actor: 'test', now: NOW });
    expect(r.predicted).toBe(true);
    const byExt = new Map(r.items.map((i) => [i.externalId, i]));
    expect(byExt.has('EXACT')).toBe(false);
    expect(byExt.get('PLUS1')!.reasons.map((x) => x.code)).toEqual(['overdue']);
    expect(byExt.get('PLUS1')!.daysSinceLast).toBe(21);
    expect(byExt.get('PLUS1')!.meanGapDays).toBe(10);
    expect(byExt.has('HALF')).toBe(false);
    expect(byExt.get('LESS')!.reasons.map((x) => x.code)).toEqual(['falling-spend']);
    expect(byExt.get('COMPLAINER')!.reasons.map((x) => x.code)).toEqual(['complaints']);
    expect(byExt.get('COMPLAINER')!.reasons[0]!.text).toBe('1 complaint in the last 90 days (1 severe); 1 complaint still open');
    expect(r.run.voice).toBe(true);
    expect(r.run.atRisk).toBe(r.items.length);
    const ranks = r.items.map((i) => i.rank);
    expect(ranks).toEqual(ranks.map((_, i) => i + 1));
    // A second run reuses the stored predictions.
    const again = await runChurn(db, { limit: 5, actor: 'test', now: NOW });
    expect(again.predicted).toBe(false);
    expect(again.predictionRun.id).toBe(r.predictionRun.id);
  });

  it('says plainly what is missing when the data cannot support a model, and records the refusal', async () => {
    const err = await fitModelOnOrders(db, { model: 'bg-nbd', calibrationEnd: dayToDate(start + 3), actor: 'test', now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PatronError);
    expect((err as PatronError).code).toBe('UNSUPPORTED_DATA');
    expect((err as PatronError).message).toMatch(/^the data cannot support a BG\/NBD model \(\d+ customers, calibration to 2024-01-04, weekly periods\): only \d+ customers; at least 100 are needed to estimate the model$/);
    const stored = await db.kysely.selectFrom('model_runs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'unsupported', model: 'bg-nbd', calibration_end: '2024-01-04' });
  });
});
