import { abcTable, type AbcResult } from '../../analytics/abc/index.js';
import { cohortMatrix, cohortTable, type CohortResult } from '../../analytics/cohorts/index.js';
import { monetaryDecileTable, purchaseDecileTable } from '../../analytics/deciles/index.js';
import { label, type Lang, type ReportTable } from '../../analytics/metrics.js';
import { migrationTable, segmentMigration, type MigrationResult } from '../../analytics/migration/index.js';
import { EIGHT_WAY_SEGMENTS, RFM_NAMED_SEGMENTS, rfmScoreRangeTable, rfmSegmentTable, type RfmResult } from '../../analytics/rfm/index.js';
import { TIERS, tierTable, type TierResult } from '../../analytics/tiers/index.js';
import { cohortActivity, snapshotAssignments, type SegmentScheme } from '../../storage/analytics.repo.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { dayToDate } from '../time.js';
import { clvReport, clvTables, type ClvReportData } from './clv.js';
import { translateValueError } from './errors.js';
import { latestPair, loadSnapshot, type SnapshotSummary, type SnapshotView } from './snapshot.js';

/**
 * The reports of `patron report <kind>` and GET /api/analytics/reports/:kind. ABC, RFM, deciles
 * and tiers come from the snapshot's stored summary (computed once, by analyze); cohorts, CLV and
 * migration are grouped in SQL when asked, as of the snapshot's date.
 */
export const REPORT_KINDS = ['abc', 'rfm', 'deciles', 'tiers', 'clv', 'cohorts', 'migration'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const MIGRATION_SCHEMES = ['rfm', 'eight-way', 'abc', 'tier', 'decile'] as const;
export type MigrationScheme = (typeof MIGRATION_SCHEMES)[number];

export interface ReportRequest {
  snapshotId?: number;
  /** Migration: the earlier and later snapshot (default: the two newest completed). */
  fromId?: number;
  toId?: number;
  scheme?: MigrationScheme;
  /** CLV: one customer's history (external id). */
  customer?: string;
  limit?: number;
  lang?: Lang;
}

export interface Report {
  kind: ReportKind;
  lang: Lang;
  /** The snapshot read (for migration: the later one). */
  snapshot: { id: number; asOf: string };
  /** Migration only: the earlier snapshot. */
  fromSnapshot?: { id: number; asOf: string };
  /** Ready to display: raw values (money in minor units, shares as fractions). */
  tables: ReportTable[];
  /** The full machine-readable result of the method(s). */
  data: unknown;
}

const ref = (v: SnapshotView) => ({ id: v.id, asOf: v.asOf });

export async function buildReport(db: Db, kind: ReportKind, req: ReportRequest = {}): Promise<Report> {
  const lang = req.lang ?? 'en';
  try {
    if (kind === 'migration') return await migrationReport(db, req, lang);
    const snap = await loadSnapshot(db, req.snapshotId);
    const s = snap.summary;
    switch (kind) {
      case 'abc':
        return { kind, lang, snapshot: ref(snap.view), tables: abcTables(s, lang), data: s.abc };
      case 'rfm':
        return { kind, lang, snapshot: ref(snap.view), tables: rfmTables(s.rfm, lang), data: s.rfm };
      case 'deciles':
        return {
          kind, lang, snapshot: ref(snap.view),
          tables: [
            monetaryDecileTable({ ...s.monetaryDeciles, assignment: new Map() }, lang),
            purchaseDecileTable(s.purchaseDeciles.revenue, lang),
            purchaseDecileTable(s.purchaseDeciles.profit, lang),
          ],
          data: { monetary: s.monetaryDeciles, purchase: s.purchaseDeciles },
        };
      case 'tiers':
        return { kind, lang, snapshot: ref(snap.view), tables: tierTables(s.tiers, lang), data: s.tiers };
      case 'cohorts': {
        const rows = await cohortActivity(db.kysely, snap.asOfDay);
        const result: CohortResult = cohortMatrix(rows, { asOfMonth: dayToDate(snap.asOfDay).slice(0, 7) });
        return {
          kind, lang, snapshot: ref(snap.view),
          tables: [cohortTable(result, 'retention', lang), cohortTable(result, 'revenue', lang)],
          data: result,
        };
      }
      case 'clv': {
        const d: ClvReportData = await clvReport(db, {
          asOf: snap.view.asOf,
          asOfDay: snap.asOfDay,
          customer: req.customer !== undefined ? { externalId: req.customer } : undefined,
          limit: req.limit,
        });
        return { kind, lang, snapshot: ref(snap.view), tables: clvTables(d, lang), data: d };
      }
    }
  } catch (e) {
    throw translateValueError(e);
  }
}

function abcTables(s: SnapshotSummary, lang: Lang): ReportTable[] {
  const full = (x: Omit<AbcResult, 'customers'>): AbcResult => ({ ...x, customers: [] });
  return [abcTable(full(s.abc), lang), paretoTable(s.abc, lang)];
}

/** The Pareto (concentration) curve as a table: share of customers vs share of value. */
function paretoTable(a: Omit<AbcResult, 'customers'>, lang: Lang): ReportTable {
  const zh = lang === 'zh-CN';
  return {
    title: zh ? `帕累托曲线（基尼系数 ${a.gini === null ? '—' : a.gini.toFixed(3)}）` : `Pareto curve (Gini ${a.gini === null ? 'n/a' : a.gini.toFixed(3)})`,
    columns: [
      { key: 'customers', label: zh ? '前 N 位客户' : 'Top customers', kind: 'count' },
      { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
      { key: 'cumulative', label: zh ? '累计贡献' : 'Cumulative value', kind: 'money' },
      { key: 'shareOfPositive', label: zh ? '占正贡献比' : 'Share of positive value', kind: 'share' },
    ],
    // Every tenth point keeps the printed table short; the JSON has them all.
    rows: a.curve.filter((_, i) => i % 10 === 0 || i === a.curve.length - 1).map((p) => [p.customers, p.customerShare, p.cumulativeMinor, p.shareOfPositive]),
  };
}

function rfmTables(r: Omit<RfmResult, 'customers'>, lang: Lang): ReportTable[] {
  const full: RfmResult = { ...r, customers: [] };
  const tables: ReportTable[] = [];
  if (r.segments) tables.push(rfmSegmentTable(full, 'named', lang));
  tables.push(rfmSegmentTable(full, 'eight-way', lang), rfmScoreRangeTable(full, lang));
  return tables;
}

function tierTables(t: Omit<TierResult, 'customers'>, lang: Lang): ReportTable[] {
  const zh = lang === 'zh-CN';
  const tx = t.transactionCustomers;
  return [
    tierTable({ ...t, customers: [] }, lang),
    {
      title: zh ? '交易型客户（价格敏感）' : 'Transaction customers (price-only buyers)',
      columns: [
        { key: 'customers', label: zh ? '客户数' : 'Customers', kind: 'count' },
        { key: 'customerShare', label: zh ? '客户占比' : 'Share of customers', kind: 'share' },
        { key: 'revenue', label: zh ? '销售额' : 'Revenue', kind: 'money' },
        { key: 'margin', label: zh ? '毛利' : 'Margin', kind: 'money' },
      ],
      rows: [[tx.customers, tx.customerShare, tx.revenueMinor, tx.marginMinor]],
    },
  ];
}

/** Display name of a segment id in a scheme. */
export function segmentName(scheme: SegmentScheme, id: string, lang: Lang): string {
  if (scheme === 'rfm') {
    const s = RFM_NAMED_SEGMENTS.find((x) => x.id === id);
    return s ? label(s.name, lang) : id;
  }
  if (scheme === 'eight-way') {
    const s = EIGHT_WAY_SEGMENTS.find((x) => x.id === id);
    return s ? label(s.name, lang) : id;
  }
  if (scheme === 'tier') {
    const s = TIERS.find((x) => x.id === id);
    return s ? label(s.name, lang) : id;
  }
  if (scheme === 'decile') return lang === 'zh-CN' ? `第${id}十分位` : `Decile ${id}`;
  return id;
}

function schemeOrder(scheme: MigrationScheme): string[] {
  switch (scheme) {
    case 'rfm':
      return RFM_NAMED_SEGMENTS.map((s) => s.id);
    case 'eight-way':
      return EIGHT_WAY_SEGMENTS.map((s) => s.id);
    case 'abc':
      return ['A', 'B', 'C', 'D'];
    case 'tier':
      return TIERS.map((t) => t.id);
    case 'decile':
      return Array.from({ length: 100 }, (_, i) => String(i + 1));
  }
}

async function migrationReport(db: Db, req: ReportRequest, lang: Lang): Promise<Report> {
  let fromId = req.fromId;
  let toId = req.toId;
  if (fromId === undefined || toId === undefined) {
    if (fromId !== undefined || toId !== undefined) throw new PatronError('VALIDATION', 'give both --from and --to, or neither (the two newest snapshots)');
    [fromId, toId] = await latestPair(db);
  }
  if (fromId === toId) throw new PatronError('VALIDATION', 'a migration compares two different snapshots');
  const from = await loadSnapshot(db, fromId);
  const to = await loadSnapshot(db, toId);
  const scheme = req.scheme ?? 'rfm';
  const read = async (id: number) =>
    (await snapshotAssignments(db.kysely, id, scheme)).map((r) => ({ customerId: r.external_id, segment: r.segment, revenueMinor: r.revenue_minor }));
  const result: MigrationResult = segmentMigration(await read(fromId), await read(toId), { order: schemeOrder(scheme) });
  const names = (s: string) => segmentName(scheme, s, lang);
  return {
    kind: 'migration',
    lang,
    snapshot: ref(to.view),
    fromSnapshot: ref(from.view),
    tables: [migrationTable(result, 'customers', lang, names), migrationTable(result, 'revenueAfter', lang, names)],
    data: { scheme, fromSnapshot: ref(from.view), toSnapshot: ref(to.view), ...result },
  };
}
