import type { Kysely } from 'kysely';
import { type EventLog, type SequencePattern, eventLogFromArrays, sequencePatterns } from '../../analytics/sequences/index.js';
import type { Db } from '../../storage/db.js';
import { insertPatternSet, productCategories, purchaseEvents, purchaseOrderStats } from '../../storage/actions.repo.js';
import type { Database, PatternLevel, SequencePatternsTable } from '../../storage/schema.js';
import { dayToDate } from '../time.js';
import { translating } from './errors.js';
import { SequencesQuerySchema, type SequenceSort, type SequencesQuery } from './inputs.js';
import { IntColumn, ItemDictionary, type ItemRef, resolveItems } from './items.js';
import type { LoadProgress, MineContext } from './baskets.js';

/**
 * Sequence discovery from stored orders (DOMAIN.md section 7: "30% of those who buy a large TV
 * upgrade their audio within 90 days"): each known customer's purchases (distinct day and item)
 * are read page by page into typed arrays and passed to the pure `sequencePatterns`.
 */

export interface EventData {
  level: PatternLevel;
  log: EventLog;
  values: (number | string)[];
  /** Last business-local day with a purchase (null without purchases). */
  lastDay: number | null;
  firstDay: number | null;
}

export async function loadEvents(db: Db, level: PatternLevel, progress: LoadProgress = {}): Promise<EventData> {
  return db.kysely.transaction().setIsolationLevel('repeatable read').execute((trx) => readEvents(trx, level, db.sqlite, progress));
}

async function readEvents(db: Kysely<Database>, level: PatternLevel, raw: Db['sqlite'], progress: LoadProgress): Promise<EventData> {
  const items = new ItemDictionary<number | string>();
  const customers = new ItemDictionary<number>();
  const cust = new IntColumn(1 << 16);
  const days = new IntColumn(1 << 16);
  const its = new IntColumn(1 << 16);
  const categories = level === 'category' ? await productCategories(db) : null;
  for await (const page of purchaseEvents(db, raw)) {
    for (const [customerId, day, productId] of page) {
      const item = categories === null ? productId : categories.get(productId);
      if (item === undefined) continue; // no category
      cust.push(customers.idOf(customerId));
      days.push(day);
      its.push(items.idOf(item));
    }
    progress.onPage?.(customers.size);
  }
  const stats = await purchaseOrderStats(db);
  const log = translating(() =>
    withoutRepeats(eventLogFromArrays({
      customer: cust.view(),
      day: days.view(),
      item: its.view(),
      nCustomers: customers.size,
      nItems: items.size,
      customerIds: customers.values,
      labels: items.values.map(String),
    })),
  );
  return { level, log, values: items.values, lastDay: stats.lastDay, firstDay: stats.firstDay };
}

/**
 * Drops repeated (day, item) events of a customer (two lines, or two orders, of one item on one
 * day), compacting in place: events arrive line by line, and the log is sorted by (day, item)
 * within each customer, so repeats are adjacent.
 */
export function withoutRepeats(log: EventLog): EventLog {
  const { offsets, days, items, nCustomers } = log;
  let w = 0;
  let start = 0;
  for (let c = 0; c < nCustomers; c++) {
    const end = offsets[c + 1]!;
    const first = w;
    for (let i = start; i < end; i++) {
      if (w > first && days[w - 1] === days[i] && items[w - 1] === items[i]) continue;
      days[w] = days[i]!;
      items[w] = items[i]!;
      w++;
    }
    offsets[c] = first;
    start = end;
  }
  offsets[nCustomers] = w;
  return { ...log, nEvents: w, days: days.subarray(0, w), items: items.subarray(0, w) };
}

export interface SequenceView {
  antecedent: ItemRef;
  consequent: ItemRef;
  /** Customers with a usable anchor purchase of A. */
  countAntecedent: number;
  /** Of them, customers who bought B within the window. */
  count: number;
  support: number;
  /** count / countAntecedent: "p% of those who bought A bought B within N days". */
  confidence: number;
  baseRate: number;
  lift: number;
  windowBaseRate: number;
  /** null = infinite. */
  windowLift: number | null;
  /** The pattern in words. */
  text: string;
}

export interface SequencesReport {
  level: PatternLevel;
  parameters: Omit<SequencesQuery, 'level'>;
  data: {
    customers: number;
    events: number;
    items: number;
    firstDate: string | null;
    lastDate: string | null;
    /** With censoring, anchors after this date are not used (their window is not over). */
    lastAnchorDate: string | null;
  };
  total: number;
  patterns: SequenceView[];
  elapsedMs: number;
  patternSetId: number | null;
}

const measure: Record<SequenceSort, (p: SequencePattern) => number> = {
  confidence: (p) => p.confidence,
  count: (p) => p.count,
  lift: (p) => p.lift,
  'window-lift': (p) => p.windowLift,
  support: (p) => p.support,
};

export function describePattern(a: string, b: string, confidence: number, within: number): string {
  return `of customers who bought ${a}, ${(confidence * 100).toFixed(1)}% bought ${b} within ${within} days`;
}

/** `patron sequences` and GET /api/actions/sequences. */
export async function mineSequences(db: Db, input: Partial<SequencesQuery>, ctx: MineContext = {}): Promise<SequencesReport> {
  const q = SequencesQuerySchema.parse(input);
  const started = performance.now();
  const k = db.kysely;
  const data = await loadEvents(db, q.level, ctx.progress);
  const observationEnd = q.censor && data.lastDay !== null ? data.lastDay : undefined;
  const result = translating(() =>
    sequencePatterns(data.log, {
      windowDays: q.within,
      minGapDays: q.minGap,
      anchor: q.anchor,
      minCount: q.minCount,
      minSupport: q.minSupport,
      minConfidence: q.minConfidence,
      ...(observationEnd !== undefined ? { observationEnd } : {}),
    }),
  );
  const m = measure[q.sort];
  const sorted = result.patterns
    .map((p, i) => ({ p, i }))
    .sort((a, b) => m(b.p) - m(a.p) || b.p.count - a.p.count || a.i - b.i)
    .map((x) => x.p);
  const listed = q.limit === 0 ? sorted : sorted.slice(0, q.limit);
  const refs = await resolveItems(k, q.level, data.values, (ctx.save ? sorted : listed).flatMap((p) => [p.antecedent, p.consequent]));
  const view = (p: SequencePattern): SequenceView => {
    const a = refs.get(p.antecedent)!;
    const b = refs.get(p.consequent)!;
    return {
      antecedent: a,
      consequent: b,
      countAntecedent: p.countAntecedent,
      count: p.count,
      support: p.support,
      confidence: p.confidence,
      baseRate: p.baseRate,
      lift: p.lift,
      windowBaseRate: p.windowBaseRate,
      windowLift: Number.isFinite(p.windowLift) ? p.windowLift : null,
      text: describePattern(a.label, b.label, p.confidence, q.within),
    };
  };
  const { level, ...parameters } = q;
  const report: SequencesReport = {
    level,
    parameters,
    data: {
      customers: data.log.nCustomers,
      events: data.log.nEvents,
      items: data.log.nItems,
      firstDate: data.firstDay === null ? null : dayToDate(data.firstDay),
      lastDate: data.lastDay === null ? null : dayToDate(data.lastDay),
      lastAnchorDate: observationEnd === undefined ? null : dayToDate(observationEnd - q.within),
    },
    total: result.patterns.length,
    patterns: listed.map(view),
    elapsedMs: 0,
    patternSetId: null,
  };
  if (ctx.save) {
    const rows: Omit<SequencePatternsTable, 'set_id'>[] = sorted.map((p, position) => {
      const v = view(p);
      return {
        position,
        antecedent: v.antecedent.key,
        consequent: v.consequent.key,
        count_antecedent: v.countAntecedent,
        count: v.count,
        support: v.support,
        confidence: v.confidence,
        base_rate: v.baseRate,
        lift: v.lift,
        window_base_rate: v.windowBaseRate,
        window_lift: v.windowLift,
      };
    });
    const summary = { ...report.data, windowDays: q.within, anchor: q.anchor };
    const saved = await k.transaction().execute((trx) =>
      insertPatternSet(trx, { kind: 'sequences', level, parameters, summary, createdAt: ctx.save!.now, actor: ctx.save!.actor }, { sequences: rows }),
    );
    report.patternSetId = saved.id;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}
