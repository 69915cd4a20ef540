import { formatMinor } from '../money.js';
import type { ChurnRiskView, ChurnRunView } from './churn.js';
import { MODEL_LABEL, type ModelRunView } from './fit.js';
import type { CustomerPredictionView, PredictionRunView } from './predict.js';
import type { ValidationReport } from './validate.js';

/** Text tables for the terminal and CSV exports. Values stay raw until here. */

export function csvEscape(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map((c) => (c === null || c === undefined ? '' : typeof c === 'number' ? String(c) : csvEscape(c))).join(',');
}

/** Aligned columns: first column left, the rest right. */
export function textTable(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j < leftColumns ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

const sig = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '' : Number(v.toPrecision(digits)).toString());
const fixed = (v: number | null | undefined, d: number) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(d));

export function money(minor: number | null, decimals: number): string {
  if (minor === null) return '';
  const s = formatMinor(Math.round(minor), decimals);
  const neg = s.startsWith('-');
  const [int, frac] = (neg ? s.slice(1) : s).split('.') as [string, string | undefined];
  return (neg ? '-' : '') + int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
}

export function fitText(run: ModelRunView): string {
  const where =
    run.source === 'summary-file'
      ? `summary file ${run.sourceName}`
      : `orders to ${run.calibrationEnd}${run.holdoutEnd ? ` (holdout to ${run.holdoutEnd})` : ''}`;
  const lines = [`${MODEL_LABEL[run.model]} fit #${run.id} on ${where}, ${run.period === 'week' ? 'weekly' : 'daily'} periods`];
  const params = run.params ?? {};
  lines.push(
    textTable(
      ['parameter', 'estimate', 'std. error'],
      Object.entries(params).map(([k, v]) => [k, sig(v, 5), sig(run.standardErrors?.[k], 4) || 'n/a']),
    ).trimEnd(),
  );
  lines.push(
    `log-likelihood ${fixed(run.logLik, 2)}   AIC ${fixed(run.aic, 2)}   BIC ${fixed(run.bic, 2)}`,
    `n = ${run.n} ${run.model === 'gamma-gamma' ? 'repeat buyers with spend' : 'customers'} (${run.distinctRows} distinct rows)   ${run.optimizer}, ${run.evaluations} evaluations, ${run.converged ? '' : 'NOT converged: '}${run.reason}`,
  );
  if (run.model === 'gamma-gamma' && run.source === 'orders') lines.push('spend parameters are in minor units of the business currency');
  for (const w of run.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

export function runsText(runs: ModelRunView[]): string {
  return textTable(
    ['id', 'model', 'status', 'purpose', 'data', 'period', 'n', 'log-lik', 'BIC', 'created'],
    runs.map((r) => [
      String(r.id),
      MODEL_LABEL[r.model],
      r.status,
      r.purpose,
      r.source === 'summary-file' ? (r.sourceName ?? 'file') : `to ${r.calibrationEnd}`,
      r.period,
      String(r.n),
      fixed(r.logLik, 2),
      fixed(r.bic, 2),
      r.createdAt.slice(0, 16).replace('T', ' '),
    ]),
    1,
  );
}

export function validationText(v: ValidationReport): string {
  const out: string[] = [
    `holdout validation: calibration ${v.origin} .. ${v.calibrationEnd}, holdout to ${v.holdoutEnd} (${sig(v.holdoutLength, 4)} ${v.period}s), ${v.customers} customers`,
  ];
  const models = v.models;
  out.push(
    '',
    textTable(
      ['model', 'log-lik', 'BIC', 'actual', 'predicted', 'error'],
      models.map((m) => [
        MODEL_LABEL[m.model],
        fixed(m.run.logLik, 2),
        fixed(m.run.bic, 2),
        String(m.totals.actual),
        fixed(m.totals.predicted, 1),
        `${(m.totals.relativeError * 100).toFixed(1)}%`,
      ]),
    ).trimEnd(),
    '',
    'mean holdout purchases by calibration frequency (conditional expectations)',
    textTable(
      ['x', 'customers', 'actual', ...models.map((m) => MODEL_LABEL[m.model])],
      models[0]!.byFrequency.map((b, i) => [
        b.label,
        String(b.customers),
        fixed(b.actualMean, 2),
        ...models.map((m) => fixed(m.byFrequency[i]!.predictedMean, 2)),
      ]),
    ).trimEnd(),
    '',
    `repeat purchases per ${v.period} (tracking; * = holdout)`,
    textTable(
      [v.period, 'start', 'actual', ...models.map((m) => MODEL_LABEL[m.model]), 'cum. actual', ...models.map((m) => `cum. ${MODEL_LABEL[m.model]}`)],
      models[0]!.tracking.map((p, i) => [
        `${p.period}${p.holdout ? '*' : ''}`,
        p.start,
        String(p.actual),
        ...models.map((m) => fixed(m.tracking[i]!.expected, 1)),
        String(p.actualCumulative),
        ...models.map((m) => fixed(m.tracking[i]!.expectedCumulative, 1)),
      ]),
      2,
    ).trimEnd(),
  );
  return out.join('\n') + '\n';
}

export function predictionRunText(r: PredictionRunView, decimals: number): string {
  const lines = [
    `prediction run #${r.id} as of ${r.asOf}: ${r.customers} customers, ${MODEL_LABEL[r.model]} (model run #${r.repeatModelRunId}), spend: ${r.spendSource === 'gamma-gamma' ? `Gamma-Gamma (model run #${r.spendModelRunId})` : "customer's own mean"}`,
    `horizon ${r.horizon} ${r.period}s, annual discount rate ${(r.annualDiscountRate * 100).toFixed(1)}%, margin ${(r.margin * 100).toFixed(1)}%`,
    `expected purchases ${r.expectedPurchases.toFixed(1)}   predicted CLV total ${money(r.totalClvMinor, decimals)}`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

export const PREDICTION_CSV_HEADER = [
  'customer_id',
  'external_id',
  'name',
  'repeat_purchases',
  'first_purchase',
  'last_purchase',
  'p_alive',
  'expected_purchases',
  'expected_order_value',
  'clv',
  'clv_if_active',
  'days_to_next_if_active',
];

/** CSV rows (money as decimal currency units). */
export function predictionCsvLines(items: CustomerPredictionView[], decimals: number): string {
  const m = (v: number | null) => (v === null ? null : formatMinor(v, decimals));
  return items
    .map((p) =>
      csvLine([
        p.customerId,
        p.externalId,
        p.name ?? null,
        p.repeatPurchases,
        p.firstPurchase,
        p.lastPurchase,
        p.pAlive,
        p.expectedPurchases,
        m(p.expectedOrderValueMinor),
        m(p.clvMinor),
        m(p.clvIfActiveMinor),
        p.daysToNextIfActive === null ? null : Number(p.daysToNextIfActive.toFixed(1)),
      ]),
    )
    .join('\n');
}

export function predictionTable(items: CustomerPredictionView[], decimals: number): string {
  return textTable(
    ['customer', 'x', 'last purchase', 'P(alive)', 'exp. purchases', 'exp. order value', 'CLV', 'days to next*'],
    items.map((p) => [
      p.externalId ?? String(p.customerId),
      String(p.repeatPurchases),
      p.lastPurchase,
      fixed(p.pAlive, 3),
      fixed(p.expectedPurchases, 2),
      money(p.expectedOrderValueMinor, decimals),
      money(p.clvMinor, decimals),
      fixed(p.daysToNextIfActive, 0),
    ]),
  );
}

export const CHURN_CSV_HEADER = [
  'rank',
  'customer_id',
  'external_id',
  'name',
  'p_alive',
  'risk',
  'value_if_active',
  'priority',
  'clv',
  'days_since_last',
  'mean_gap_days',
  'recent_spend',
  'earlier_spend',
  'recent_complaints',
  'open_complaints',
  'low_scores',
  'reason_codes',
  'reasons',
];

export function churnCsv(items: ChurnRiskView[], decimals: number): string {
  const m = (v: number) => formatMinor(v, decimals);
  const lines = [CHURN_CSV_HEADER.join(',')];
  for (const r of items) {
    lines.push(
      csvLine([
        r.rank,
        r.customerId,
        r.externalId,
        r.name,
        r.pAlive,
        r.risk,
        m(r.valueIfActiveMinor),
        m(r.priorityMinor),
        m(r.clvMinor),
        r.daysSinceLast,
        r.meanGapDays === null ? null : Number(r.meanGapDays.toFixed(2)),
        m(r.recentSpendMinor),
        m(r.earlierSpendMinor),
        r.recentCases,
        r.openCases,
        r.lowScores,
        r.reasons.map((x) => x.code).join(' '),
        r.reasons.map((x) => x.text).join('; '),
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

export function churnText(run: ChurnRunView, items: ChurnRiskView[], decimals: number): string {
  const counts = Object.entries(run.reasonCounts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const head = [
    `churn run #${run.id} as of ${run.asOf} (predictions #${run.predictionRunId}, ${run.model}): ${run.atRisk} of ${run.customers} customers at risk; their predicted CLV ${money(run.clvAtRiskMinor, decimals)}`,
    `reasons: ${counts || 'none'}   thresholds: P(alive) < ${run.thresholds.pAliveThreshold}, overdue > ${run.thresholds.overdueFactor}x rhythm, spend drop > ${run.thresholds.spendDrop * 100}% over ${run.thresholds.spendWindowDays} days, voice ${run.thresholds.voiceWindowDays} days`,
  ];
  if (items.length === 0) return head.join('\n') + '\n';
  const rows: string[][] = [];
  for (const r of items) {
    rows.push([
      String(r.rank),
      r.externalId,
      fixed(r.pAlive, 3),
      money(r.clvMinor, decimals),
      money(r.valueIfActiveMinor, decimals),
      money(r.priorityMinor, decimals),
      r.reasons.map((x) => x.code).join(' '),
    ]);
  }
  const table = textTable(['rank', 'customer', 'P(alive)', 'CLV', 'value if active', 'priority', 'reasons'], rows, 0);
  const details = items.slice(0, 10).map((r) => `#${r.rank} ${r.externalId}${r.name ? ` ${r.name}` : ''}:\n${r.reasons.map((x) => `  - ${x.text}`).join('\n')}`);
  return [...head, '', table.trimEnd(), '', ...details].join('\n') + '\n';
}
