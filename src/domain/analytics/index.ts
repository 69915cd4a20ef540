/** Customer value analytics use cases: snapshots, reports, member lists, a customer's own value. */
export { AnalysisOptionsSchema, resolveAsOf, resolveParameters } from './options.js';
export type { AnalysisOptions, AnalysisParameters } from './options.js';
export { DEFAULTS as SNAPSHOT_DEFAULTS, buildSnapshot, latestPair, loadSnapshot, snapshotList, toSnapshotView } from './snapshot.js';
export type { AnalyzeHooks, AnalyzePhase, AnalyzeResult, SnapshotSummary, SnapshotTotals, SnapshotView } from './snapshot.js';
export { MIGRATION_SCHEMES, REPORT_KINDS, buildReport, segmentName } from './reports.js';
export type { MigrationScheme, Report, ReportKind, ReportRequest } from './reports.js';
export { DEFAULTS as CLV_DEFAULTS, clvReport, clvTables, customerClv } from './clv.js';
export type { ClvFormulaView, ClvReportData, CompanyYear, CustomerClvView } from './clv.js';
export {
  DEFAULTS as MEMBER_DEFAULTS,
  SEGMENT_SCHEMES,
  customerValue,
  parseSegment,
  schemeForReport,
  segmentMembers,
  segmentMembersCsv,
  toMetricsView,
} from './members.js';
export type { CustomerValueView, MemberView, MembersPage, MetricsView } from './members.js';
export { csvEscape, displayWidth, formatCell, renderTable, tableToCsv } from './format.js';
export { translateValueError, valueErrorCode, withValueErrors } from './errors.js';
