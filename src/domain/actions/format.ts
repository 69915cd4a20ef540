import type { ZodError, z } from 'zod';
import type { ReportTable } from '../../analytics/metrics.js';
import { formatCell, renderTable } from '../analytics/format.js';
import { PatronError } from '../errors.js';
import { parseMinor } from '../money.js';
import type { RulesReport } from './baskets.js';
import type { CampaignResult, CampaignView } from './campaigns.js';
import type { PlanProposal, SavedPlan } from './plans.js';
import type { SequencesReport } from './sequences.js';
import type { Suggestions } from './suggestions.js';

/**
 * Text output of the actions reports for a terminal (the CLI), built on the value-analytics
 * table renderer; and input helpers shared by the CLI commands (flag text to validated input).
 */

/** Validates with a zod schema; issues become one VALIDATION error naming the flag. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, flagOf: (path: string) => string = (p) => `--${kebab(p)}`): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw zodToPatron(r.error, flagOf);
}

export function zodToPatron(e: ZodError, flagOf: (path: string) => string = (p) => p): PatronError {
  const i = e.issues[0]!;
  const path = i.path.map(String).join('.');
  const issues = e.issues.map((x) => ({ path: x.path.map(String).join('.'), message: x.message }));
  return new PatronError('VALIDATION', `${path ? `${flagOf(path)}: ` : ''}${i.message}`, { issues });
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Money given in currency units ("12000", "12,000.50") to minor units. */
export function moneyArg(text: string, decimals: number, flag: string): number {
  const v = parseMinor(text, decimals);
  if (v === null || v < 0) throw new PatronError('VALIDATION', `${flag}: expected a non-negative amount, got "${text}"`);
  return v;
}

/** "A=60" pairs (repeatable flag values) into a map; the key is a segment name. */
export function pairs(values: readonly string[], flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const i = v.lastIndexOf('=');
    if (i <= 0) throw new PatronError('VALIDATION', `${flag}: expected SEGMENT=VALUE, got "${v}"`);
    out.set(v.slice(0, i), v.slice(i + 1));
  }
  return out;
}

/** A share as "60", "60%" or "0.6"; with `fraction` the value must be a fraction (percent allowed). */
export function shareArg(text: string, flag: string, fraction: boolean): number {
  const pct = text.endsWith('%');
  const n = Number(pct ? text.slice(0, -1) : text);
  if (!Number.isFinite(n) || n < 0) throw new PatronError('VALIDATION', `${flag}: expected a non-negative number, got "${text}"`);
  const v = pct ? n / 100 : n;
  if (fraction && v > 1) throw new PatronError('VALIDATION', `${flag}: expected a fraction 0..1 or a percentage, got "${text}"`);
  return v;
}

/** Contacts a quarter: "5" (exactly), "3.." (at least), "..2" (at most), "2..4", optionally ":3" planned. */
export function contactsArg(text: string, flag: string): { min?: number; max?: number; planned?: number } {
  const m = /^(\d+(?:\.\d+)?)?(\.\.)?(\d+(?:\.\d+)?)?(?::(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!m || (!m[1] && !m[3])) throw new PatronError('VALIDATION', `${flag}: expected N, N.., ..N or N..M (optionally :PLANNED), got "${text}"`);
  const out: { min?: number; max?: number; planned?: number } = {};
  if (!m[2]) {
    out.min = Number(m[1] ?? m[3]);
    out.max = out.min;
  } else {
    if (m[1]) out.min = Number(m[1]);
    if (m[3]) out.max = Number(m[3]);
  }
  if (m[4]) out.planned = Number(m[4]);
  return out;
}

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 2) => (v === null ? '' : Number.isFinite(v) ? v.toFixed(digits) : '∞');

export function renderRules(r: RulesReport): string {
  const t: ReportTable = {
    title: `${r.total} rules at ${r.level} level (support >= ${r.parameters.minSupport}, i.e. ${r.data.minCount} of ${r.data.baskets} baskets; confidence >= ${r.parameters.minConfidence}) from ${r.frequentItemsets} frequent itemsets, by ${r.parameters.sort}`,
    columns: [
      { key: 'rule', label: 'rule', kind: 'text' },
      { key: 'count', label: 'baskets', kind: 'count' },
      { key: 'support', label: 'support', kind: 'text' },
      { key: 'confidence', label: 'confidence', kind: 'share' },
      { key: 'lift', label: 'lift', kind: 'text' },
      { key: 'leverage', label: 'leverage', kind: 'text' },
      { key: 'conviction', label: 'conviction', kind: 'text' },
    ],
    rows: r.rules.map((x) => [
      `{${x.antecedent.map((i) => i.label).join(', ')}} => {${x.consequent.map((i) => i.label).join(', ')}}`,
      x.count,
      x.support.toFixed(4),
      x.confidence,
      num(x.lift),
      x.leverage.toFixed(4),
      x.conviction === null ? '∞' : num(x.conviction),
    ]),
  };
  const more = r.rules.length < r.total ? `(${r.total - r.rules.length} more: --limit 0 lists all)\n` : '';
  const saved = r.patternSetId !== null ? `saved as pattern set ${r.patternSetId} (used for suggestions)\n` : '';
  return renderTable(t, 0) + more + saved + `${(r.elapsedMs / 1000).toFixed(2)} s\n`;
}

export function renderSequences(r: SequencesReport): string {
  const d = r.data;
  const t: ReportTable = {
    title: `${r.total} patterns "bought A, then B within ${r.parameters.within} days" at ${r.level} level over ${d.customers} customers (${d.firstDate ?? '-'} to ${d.lastDate ?? '-'}${d.lastAnchorDate ? `; first purchases up to ${d.lastAnchorDate} count` : ''})`,
    columns: [
      { key: 'a', label: 'bought A', kind: 'text' },
      { key: 'b', label: 'then B', kind: 'text' },
      { key: 'na', label: 'A buyers', kind: 'count' },
      { key: 'n', label: 'then B', kind: 'count' },
      { key: 'conf', label: 'share', kind: 'share' },
      { key: 'base', label: 'B overall', kind: 'share' },
      { key: 'wl', label: 'window lift', kind: 'text' },
    ],
    rows: r.patterns.map((p) => [p.antecedent.label, p.consequent.label, p.countAntecedent, p.count, p.confidence, p.baseRate, num(p.windowLift)]),
  };
  const first = r.patterns[0] ? `e.g. ${r.patterns[0].text}\n` : '';
  const more = r.patterns.length < r.total ? `(${r.total - r.patterns.length} more: --limit 0 lists all)\n` : '';
  const saved = r.patternSetId !== null ? `saved as pattern set ${r.patternSetId} (used for suggestions)\n` : '';
  return renderTable(t, 0) + first + more + saved;
}

export function renderSuggestions(s: Suggestions): string {
  const lines = s.suggestions.map(
    (x, i) => `${i + 1}. ${x.item.label}  ${pct(x.confidence)} (${x.source}, lift ${num(x.lift)}; because ${x.because.map((b) => b.label).join(', ') || 'everyone buys it'})`,
  );
  return [`suggestions for customer ${s.customerId} as of ${s.asOf} (${s.level} level):`, ...(lines.length ? lines : ['  none']), ''].join('\n');
}

function planTable(title: string, rows: PlanProposal['segments'] | SavedPlan['segments'], decimals: number, logged: boolean): string {
  const t: ReportTable = {
    title,
    columns: [
      { key: 'segment', label: 'segment', kind: 'text' },
      { key: 'customers', label: 'customers', kind: 'count' },
      { key: 'cshare', label: 'of customers', kind: 'share' },
      { key: 'sshare', label: 'of sales', kind: 'share' },
      { key: 'budget', label: 'budget', kind: 'money' },
      { key: 'bshare', label: 'of budget', kind: 'share' },
      { key: 'spc', label: 'per customer', kind: 'money' },
      { key: 'index', label: 'x average', kind: 'text' },
      { key: 'bps', label: 'budget/sales', kind: 'text' },
      { key: 'contacts', label: 'contacts/qtr', kind: 'text' },
      { key: 'channels', label: 'channels', kind: 'text' },
      ...(logged ? [{ key: 'logged', label: 'logged (cost)', kind: 'text' as const }] : []),
    ],
    rows: rows.map((s) => {
      const c = s.contactsPerQuarter;
      const contacts = c.min !== null && c.min === c.max ? `${c.min}` : c.min !== null && c.max !== null ? `${c.min}..${c.max}` : c.min !== null ? `>= ${c.min}` : c.max !== null ? `<= ${c.max}` : '';
      const isSaved = 'segment' in s;
      const totalCustomers = rows.reduce((a, x) => a + x.customers, 0);
      const totalSales = rows.reduce((a, x) => a + ('segment' in x ? x.salesMinor : x.sales), 0);
      const sales = isSaved ? s.salesMinor : s.sales;
      const budget = isSaved ? s.budgetMinor : s.budget;
      return [
        isSaved ? s.segment : s.id,
        s.customers,
        totalCustomers > 0 ? s.customers / totalCustomers : null,
        totalSales > 0 ? sales / totalSales : null,
        budget,
        s.budgetShare,
        s.spendPerCustomer,
        s.spendIndex === null ? '' : `${s.spendIndex.toFixed(2)}x`,
        num(s.budgetPerSales, 3),
        contacts,
        s.channels.join(',') + (s.contentType ? ` (${s.contentType})` : ''),
        ...(logged && isSaved ? [`${s.logged.contacts} (${formatCell(s.logged.costMinor, 'money', decimals)})`] : []),
      ];
    }),
  };
  return renderTable(t, decimals);
}

export function renderProposal(p: PlanProposal, decimals: number): string {
  const money = (v: number) => formatCell(v, 'money', decimals);
  const head = `contact plan proposal: ${p.scheme} segments of snapshot ${p.snapshot.id} (as of ${p.snapshot.asOf}), rule ${p.rule}, budget ${money(p.budgetMinor)} for ${p.periodQuarters} quarter(s)`;
  return (
    planTable(head, p.segments, decimals, false) +
    `average spend per customer ${money(p.totals.averageSpendPerCustomer)}; sales ${money(p.totals.sales)}${p.limitsApplied ? '; share limits applied' : ''}\n`
  );
}

export function renderPlan(p: SavedPlan, decimals: number): string {
  const money = (v: number) => formatCell(v, 'money', decimals);
  const head = `plan ${p.id} "${p.name}" [${p.status}]: ${p.scheme} segments of snapshot ${p.snapshotId ?? '(deleted)'}, rule ${p.rule}, budget ${money(p.budgetMinor)} for ${p.periodQuarters} quarter(s)`;
  return (
    planTable(head, p.segments, decimals, true) +
    `average spend per customer ${money(p.totals.averageSpendPerCustomer)}; contacts logged ${p.logged.contacts} costing ${money(p.logged.costMinor)} of ${money(p.budgetMinor)}\n`
  );
}

export function renderCampaign(c: CampaignView, decimals: number): string {
  const a = c.audience;
  return [
    `campaign ${c.id} ${c.code} "${c.name}" [${c.status}${c.sentAt ? ` ${c.sentAt}` : ''}]: ${c.scheme} segment ${c.segment} of snapshot ${c.snapshotId ?? '(deleted)'}, by ${c.channel}`,
    `  segment ${a.segmentCustomers}: reachable ${a.reachable}, left out ${a.excludedNoConsent} without consent and ${a.excludedNoAddress} without ${c.channel === 'sms' ? 'a phone number' : 'an e-mail address'}`,
    `  treatment ${a.treatment}, control ${a.control} (${(c.controlFraction * 100).toFixed(1)}% held out; reproducible from the code)`,
    `  cost ${formatCell(c.costPerContactMinor, 'money', decimals)} per contact + ${formatCell(c.fixedCostMinor, 'money', decimals)} fixed; response window ${c.windowDays} days`,
    '',
  ].join('\n');
}

export function renderCampaignResult(r: CampaignResult, decimals: number): string {
  const money = (v: number) => formatCell(v, 'money', decimals);
  const ci = (x: { lower: number; upper: number; level: number } | null, f: (v: number) => string) =>
    x === null ? '(no interval: no variation in the data)' : `[${f(x.lower)}, ${f(x.upper)}] (${Math.round(x.level * 100)}%)`;
  const p = (v: number | null) => (v === null ? 'n/a' : v.toPrecision(3));
  const pp = (v: number) => `${(v * 100).toFixed(2)} pts`;
  const t = r.groups.treatment;
  const c = r.groups.control;
  return [
    `campaign ${r.campaign.code}: orders from ${r.window.from} to ${r.window.to}${r.window.complete ? '' : ' (window not over yet)'}`,
    `  treatment ${t.customers}: ${t.responders} bought (${pct(t.responseRate)}), ${money(t.revenueMinor)}, ${money(t.revenuePerCustomer)} per customer`,
    `  control   ${c.customers}: ${c.responders} bought (${pct(c.responseRate)}), ${money(c.revenueMinor)}, ${money(c.revenuePerCustomer)} per customer`,
    `  response uplift ${pp(r.response.difference)} ${ci(r.response.ci, pp)}, p = ${p(r.response.pValue)}`,
    `  revenue uplift ${money(r.revenue.difference)} per customer ${ci(r.revenue.ci, money)}, p = ${p(r.revenue.pValue)}`,
    `  incremental revenue ${money(r.roi.incrementalRevenue)} ${ci(r.roi.incrementalRevenueCi, money)}; margin ${money(r.roi.incrementalMargin)} at ${pct(r.marginRate)} (${r.marginSource})`,
    `  cost ${money(r.cost.totalMinor)} (${r.cost.contacts} contacts ${money(r.cost.contactCostMinor)} + fixed ${money(r.cost.fixedCostMinor)})`,
    `  ROI ${r.roi.roi === null ? 'n/a (no cost)' : `${(r.roi.roi * 100).toFixed(1)}% ${ci(r.roi.roiCi, (v) => `${(v * 100).toFixed(1)}%`)}`}`,
    '',
  ].join('\n');
}

