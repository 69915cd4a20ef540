/**
 * Segment migration between two snapshots (e.g. RFM segment or tier last quarter vs this quarter):
 * from -> to matrix of customers and revenue, with customers entering (absent before) and leaving
 * (absent after). Definitions: docs/analytics/value.md, "Migration".
 */
import { type Lang, type ReportTable, ValueInputError, assertInteger, assertUniqueIds, shareOf, sumMinor } from '../metrics.js';

/** Row label for customers absent from the first snapshot. */
export const MIGRATION_NEW = '(new)';
/** Column label for customers absent from the second snapshot. */
export const MIGRATION_GONE = '(gone)';

export interface SegmentAssignment {
  customerId: string;
  segment: string;
  /** Revenue in the snapshot's period (minor units); 0 when omitted. */
  revenueMinor?: number;
}

export interface MigrationOptions {
  /** Display order of segments (e.g. catalogue order); segments not listed follow in code-unit order. */
  order?: readonly string[];
}

export const DEFAULTS = {
  order: [] as readonly string[],
} as const;

export interface MigrationCell {
  from: string;
  to: string;
  customers: number;
  /** Share of the `from` row's customers (a transition probability); null for an empty row. */
  rowShare: number | null;
  /** Revenue of these customers in the first snapshot (0 for MIGRATION_NEW). */
  revenueBeforeMinor: number;
  /** Revenue of these customers in the second snapshot (0 for MIGRATION_GONE). */
  revenueAfterMinor: number;
}

export interface MigrationResult {
  /** Real segments in display order (without the NEW/GONE markers). */
  segments: string[];
  /** Row labels: segments then MIGRATION_NEW. */
  from: string[];
  /** Column labels: segments then MIGRATION_GONE. */
  to: string[];
  /** counts[i][j] = customers from from[i] to to[j]; counts[new][gone] is always 0. */
  counts: number[][];
  revenueBeforeMinor: number[][];
  revenueAfterMinor: number[][];
  /** Non-empty cells, in row-major display order. */
  cells: MigrationCell[];
  totals: {
    before: number;
    after: number;
    stayed: number; // same segment in both
    moved: number; // in both, different segment
    new: number;
    gone: number;
    revenueBeforeMinor: number;
    revenueAfterMinor: number;
  };
}

/**
 * Cross-tabulate two snapshots. A customer in both counts in (before segment, after segment);
 * only in the second in (MIGRATION_NEW, after segment); only in the first in (before segment,
 * MIGRATION_GONE). Duplicate ids within a snapshot are an error.
 */
export function segmentMigration(
  before: readonly SegmentAssignment[],
  after: readonly SegmentAssignment[],
  options: MigrationOptions = {},
): MigrationResult {
  assertUniqueIds(before, 'the first snapshot');
  assertUniqueIds(after, 'the second snapshot');
  for (const x of [...before, ...after]) {
    if (x.segment === MIGRATION_NEW || x.segment === MIGRATION_GONE) {
      throw new ValueInputError('INVALID_INPUT', `segment name ${x.segment} is reserved`);
    }
    if (x.revenueMinor !== undefined) assertInteger(x.revenueMinor, `revenueMinor of ${x.customerId}`);
  }
  const order = options.order ?? DEFAULTS.order;
  const seen = new Set([...before, ...after].map((x) => x.segment));
  const listed = order.filter((s, i) => seen.has(s) && order.indexOf(s) === i);
  const rest = [...seen].filter((s) => !listed.includes(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments = [...listed, ...rest];
  const from = [...segments, MIGRATION_NEW];
  const to = [...segments, MIGRATION_GONE];
  const fi = new Map(from.map((s, i) => [s, i]));
  const ti = new Map(to.map((s, i) => [s, i]));
  const zero = (): number[][] => from.map(() => to.map(() => 0));
  const counts = zero();
  const revB = zero();
  const revA = zero();
  const afterById = new Map(after.map((x) => [x.customerId, x]));
  const beforeIds = new Set(before.map((x) => x.customerId));
  let stayed = 0;
  let moved = 0;
  for (const b of before) {
    const a = afterById.get(b.customerId);
    const i = fi.get(b.segment)!;
    const j = a ? ti.get(a.segment)! : ti.get(MIGRATION_GONE)!;
    counts[i]![j]!++;
    revB[i]![j]! += b.revenueMinor ?? 0;
    if (a) {
      revA[i]![j]! += a.revenueMinor ?? 0;
      if (a.segment === b.segment) stayed++;
      else moved++;
    }
  }
  let entered = 0;
  for (const a of after) {
    if (beforeIds.has(a.customerId)) continue;
    const i = fi.get(MIGRATION_NEW)!;
    const j = ti.get(a.segment)!;
    counts[i]![j]!++;
    revA[i]![j]! += a.revenueMinor ?? 0;
    entered++;
  }
  const cells: MigrationCell[] = [];
  for (let i = 0; i < from.length; i++) {
    const rowTotal = sumMinor(counts[i]!);
    for (let j = 0; j < to.length; j++) {
      if (counts[i]![j] === 0) continue;
      cells.push({
        from: from[i]!,
        to: to[j]!,
        customers: counts[i]![j]!,
        rowShare: shareOf(counts[i]![j]!, rowTotal),
        revenueBeforeMinor: revB[i]![j]!,
        revenueAfterMinor: revA[i]![j]!,
      });
    }
  }
  return {
    segments,
    from,
    to,
    counts,
    revenueBeforeMinor: revB,
    revenueAfterMinor: revA,
    cells,
    totals: {
      before: before.length,
      after: after.length,
      stayed,
      moved,
      new: entered,
      gone: before.length - stayed - moved,
      revenueBeforeMinor: sumMinor(before.map((x) => x.revenueMinor ?? 0)),
      revenueAfterMinor: sumMinor(after.map((x) => x.revenueMinor ?? 0)),
    },
  };
}

/**
 * The from -> to matrix as a display table (customers, or revenue after). `names` maps segment ids
 * to display names (e.g. from the RFM catalogue); markers are translated here.
 */
export function migrationTable(
  result: MigrationResult,
  value: 'customers' | 'revenueAfter' | 'revenueBefore' = 'customers',
  lang: Lang = 'en',
  names: (segment: string) => string = (s) => s,
): ReportTable {
  const zh = lang === 'zh-CN';
  const name = (s: string): string =>
    s === MIGRATION_NEW ? (zh ? '（新增）' : '(new)') : s === MIGRATION_GONE ? (zh ? '（流失）' : '(gone)') : names(s);
  const m = value === 'customers' ? result.counts : value === 'revenueAfter' ? result.revenueAfterMinor : result.revenueBeforeMinor;
  const kind = value === 'customers' ? 'count' : 'money';
  return {
    title: zh ? '客户群迁移' : 'Segment migration',
    columns: [
      { key: 'from', label: zh ? '从 \\ 到' : 'From \\ to', kind: 'text' },
      ...result.to.map((t, j) => ({ key: `to${j}`, label: name(t), kind }) as const),
      { key: 'total', label: zh ? '合计' : 'Total', kind },
    ],
    rows: result.from.map((f, i) => [name(f), ...m[i]!, sumMinor(m[i]!)]),
  };
}
