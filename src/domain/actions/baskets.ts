import type { Kysely } from 'kysely';
import {
  type AssociationRule,
  type TransactionDb,
  mineAssociationRules,
  transactionsFromCsr,
} from '../../analytics/basket/index.js';
import type { Db } from '../../storage/db.js';
import { basketLines, insertPatternSet, productCategories, purchaseOrderStats } from '../../storage/actions.repo.js';
import type { BasketRulesTable, Database, PatternLevel } from '../../storage/schema.js';
import { translating } from './errors.js';
import { RulesQuerySchema, type RuleSort, type RulesQuery } from './inputs.js';
import { IntColumn, ItemDictionary, type ItemRef, resolveItems } from './items.js';

/**
 * Market-basket rules from stored orders (DOMAIN.md section 7, "association"): each sale order
 * that was not cancelled is one basket of products (or of their categories), read from the
 * database page by page and encoded to dense item ids on the fly, then mined by the pure
 * FP-growth of src/analytics/basket. Definitions: docs/analytics/basket.md; usage: docs/actions.md.
 */

export interface BasketData {
  level: PatternLevel;
  /** Sale orders not cancelled (baskets + orders with no item at this level). */
  orders: number;
  tx: TransactionDb;
  /** `values[id]`: the product id or category of dense item id. */
  values: (number | string)[];
}

export interface LoadProgress {
  onPage?(baskets: number): void;
}

/**
 * Reads baskets in CSR form: one growing Int32Array of item ids and one of basket offsets, so a
 * million orders cost a few bytes per line rather than a JS array per basket.
 */
export async function loadBaskets(db: Db, level: PatternLevel, progress: LoadProgress = {}): Promise<BasketData> {
  // One repeatable-read transaction: every page sees the same data (SQLite's are serializable
  // anyway), and on SQLite the raw fast path owns the connection meanwhile.
  return db.kysely.transaction().setIsolationLevel('repeatable read').execute((trx) => readBaskets(trx, level, db.sqlite, progress));
}

async function readBaskets(db: Kysely<Database>, level: PatternLevel, raw: Db['sqlite'], progress: LoadProgress): Promise<BasketData> {
  const dict = new ItemDictionary<number | string>();
  const offsets = new IntColumn(1 << 14);
  const items = new IntColumn(1 << 16);
  offsets.push(0);
  let current = -1;
  let baskets = 0;
  const categories = level === 'category' ? await productCategories(db) : null;
  for await (const page of basketLines(db, raw)) {
    for (const [orderId, productId] of page) {
      const item = categories === null ? productId : categories.get(productId);
      if (item === undefined) continue; // no category
      if (orderId !== current) {
        if (current !== -1) offsets.push(items.length);
        current = orderId;
        baskets++;
      }
      items.push(dict.idOf(item));
    }
    progress.onPage?.(baskets);
  }
  if (current !== -1) offsets.push(items.length);
  const stats = await purchaseOrderStats(db);
  const labels = dict.values.map(String);
  const tx = translating(() => transactionsFromCsr(offsets.view(), items.view(), dict.size, labels));
  return { level, orders: stats.orders, tx, values: dict.values };
}

export interface RuleView {
  antecedent: ItemRef[];
  consequent: ItemRef[];
  count: number;
  support: number;
  confidence: number;
  coverage: number;
  lift: number;
  leverage: number;
  /** null = infinite (confidence 1). */
  conviction: number | null;
}

export interface RulesReport {
  level: PatternLevel;
  parameters: Omit<RulesQuery, 'level'>;
  data: {
    /** Sale orders not cancelled. */
    orders: number;
    /** Orders with at least one item at this level: the n of support. */
    baskets: number;
    items: number;
    /** The absolute support threshold applied: itemsets in at least this many baskets. */
    minCount: number;
  };
  frequentItemsets: number;
  /** Rules passing every threshold; `rules` lists the first `limit` of them in `sort` order. */
  total: number;
  rules: RuleView[];
  elapsedMs: number;
  /** The saved pattern set, when asked to save. */
  patternSetId: number | null;
}

/** Items of an itemset in label order (code units, so the same on every machine), as arules prints them. */
function byLabel(a: ItemRef, b: ItemRef): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

const measure: Record<RuleSort, (r: AssociationRule) => number> = {
  lift: (r) => r.lift,
  confidence: (r) => r.confidence,
  support: (r) => r.support,
  count: (r) => r.count,
  leverage: (r) => r.leverage,
  conviction: (r) => r.conviction,
};

/** Descending by the chosen measure, then confidence, then count; stable otherwise (mining order). */
export function sortRules(rules: readonly AssociationRule[], sort: RuleSort): AssociationRule[] {
  const m = measure[sort];
  return rules
    .map((r, i) => ({ r, i }))
    .sort((a, b) => m(b.r) - m(a.r) || b.r.confidence - a.r.confidence || b.r.count - a.r.count || a.i - b.i)
    .map((x) => x.r);
}

export interface MineContext {
  /** Save every rule as a pattern set (the source of suggestions). */
  save?: { actor: string; now: string };
  progress?: LoadProgress;
}

/** `patron rules` and GET /api/actions/rules. */
export async function mineRules(db: Db, input: Partial<RulesQuery>, ctx: MineContext = {}): Promise<RulesReport> {
  const q = RulesQuerySchema.parse(input);
  const started = performance.now();
  const k = db.kysely;
  const data = await loadBaskets(db, q.level, ctx.progress);
  const { itemsets, rules } = translating(() =>
    mineAssociationRules(data.tx, {
      minSupport: q.minSupport,
      minConfidence: q.minConfidence,
      minLift: q.minLift,
      minLength: q.minLength,
      maxLength: q.maxLength,
    }),
  );
  const sorted = sortRules(rules, q.sort);
  const listed = q.limit === 0 ? sorted : sorted.slice(0, q.limit);
  const toResolve = ctx.save ? sorted : listed;
  const refs = await resolveItems(k, q.level, data.values, toResolve.flatMap((r) => [...r.antecedent, ...r.consequent]));
  const view = (r: AssociationRule): RuleView => ({
    antecedent: r.antecedent.map((i) => refs.get(i)!).sort(byLabel),
    consequent: r.consequent.map((i) => refs.get(i)!).sort(byLabel),
    count: r.count,
    support: r.support,
    confidence: r.confidence,
    coverage: r.coverage,
    lift: r.lift,
    leverage: r.leverage,
    conviction: Number.isFinite(r.conviction) ? r.conviction : null,
  });
  const { level, ...parameters } = q;
  const report: RulesReport = {
    level,
    parameters,
    data: { orders: data.orders, baskets: data.tx.nTransactions, items: data.tx.nItems, minCount: itemsets.minCount },
    frequentItemsets: itemsets.itemsets.length,
    total: rules.length,
    rules: listed.map(view),
    elapsedMs: 0,
    patternSetId: null,
  };
  if (ctx.save) {
    const rows: Omit<BasketRulesTable, 'set_id'>[] = sorted.map((r, position) => {
      const v = view(r);
      return {
        position,
        antecedent: JSON.stringify(v.antecedent.map((x) => x.key)),
        consequent: JSON.stringify(v.consequent.map((x) => x.key)),
        count: v.count,
        support: v.support,
        confidence: v.confidence,
        coverage: v.coverage,
        lift: v.lift,
        leverage: v.leverage,
        conviction: v.conviction,
      };
    });
    const saved = await k.transaction().execute((trx) =>
      insertPatternSet(
        trx,
        { kind: 'rules', level, parameters, summary: { ...report.data, frequentItemsets: report.frequentItemsets }, createdAt: ctx.save!.now, actor: ctx.save!.actor },
        { rules: rows },
      ),
    );
    report.patternSetId = saved.id;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}
