import type { Command } from 'commander';
import { AnalysisOptionsSchema, buildSnapshot, formatCell, type AnalysisOptions, type AnalyzePhase } from '../../domain/analytics/index.js';
import { PatronError } from '../../domain/errors.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';

interface Flags {
  asOf?: string;
  json?: boolean;
  rfmFrequency?: string;
  rfmMonetary?: string;
  abcMeasure?: string;
  tierMeasure?: string;
}

const PHASE_LABEL: Record<AnalyzePhase, string> = { metrics: 'aggregating', scores: 'scoring', write: 'writing' };

export function register(program: Command): void {
  program
    .command('analyze')
    .description('build a customer value snapshot: per-customer metrics (in the database), RFM, ABC, deciles, tiers')
    .option('--as-of <date>', 'business-local date YYYY-MM-DD; orders and contacts up to and including it count (default: today)')
    .option('--rfm-frequency <f>', 'purchaseDays (default) or orders')
    .option('--rfm-monetary <m>', 'revenue (default) or margin')
    .option('--abc-measure <m>', 'revenue (default), margin or profit')
    .option('--tier-measure <m>', 'profit (default) or margin')
    .option('--json', 'print the snapshot as JSON (exact values; no progress output)')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const options = parseOptions(flags);
      const progress = createProgress('analyze', { silent: flags.json });
      const result = await withDb(globals, async (db) => {
        const r = await buildSnapshot(
          db,
          { asOf: flags.asOf, options, actor: 'cli', now: new Date() },
          {
            onProgress: (p) => {
              // One bar across the phases: aggregation pages, then scoring steps, then rows written.
              const base = p.phase === 'metrics' ? 0 : p.phase === 'scores' ? 60 : 80;
              const span = p.phase === 'metrics' ? 60 : 20;
              progress.update(Math.round(base + (p.total > 0 ? (span * p.done) / p.total : span)), 100, `${PHASE_LABEL[p.phase]} ${p.done}/${p.total}`);
            },
          },
        ).finally(() => progress.stop());
        const settings = await getSettings(db.kysely);
        return { r, decimals: settings.currencyDecimals };
      });
      const { r, decimals } = result;
      if (flags.json) {
        process.stdout.write(JSON.stringify({ snapshot: r.snapshot, totals: r.totals, timingsMs: r.timings }, null, 2) + '\n');
        return;
      }
      const t = r.totals;
      const money = (v: number) => formatCell(v, 'money', decimals);
      const secs = (r.timings.metrics + r.timings.scores + r.timings.write) / 1000;
      process.stdout.write(
        [
          `snapshot ${r.snapshot.id} as of ${r.snapshot.asOf}: ${t.customers.toLocaleString('en-US')} customers in ${secs.toFixed(1)} s`,
          `  revenue        ${money(t.revenueMinor)}  (returns ${money(t.returnsMinor)})`,
          `  gross margin   ${money(t.marginMinor)}${t.unknownCostRevenueMinor ? `  (cost unknown on ${money(t.unknownCostRevenueMinor)} of revenue: counted at zero cost)` : ''}`,
          `  cost to serve  ${money(t.costToServeMinor)}   acquisition ${money(t.acquisitionCostMinor)}`,
          `  profit         ${money(t.profitMinor)}`,
          `reports: patron report <abc|rfm|deciles|tiers|clv|cohorts|migration> --snapshot ${r.snapshot.id}`,
        ].join('\n') + '\n',
      );
    });
}

function parseOptions(flags: Flags): AnalysisOptions {
  const raw: Record<string, Record<string, unknown>> = {};
  if (flags.rfmFrequency || flags.rfmMonetary) raw.rfm = { frequency: flags.rfmFrequency, monetary: flags.rfmMonetary };
  if (flags.abcMeasure) raw.abc = { measure: flags.abcMeasure };
  if (flags.tierMeasure) raw.tiers = { measure: flags.tierMeasure };
  for (const v of Object.values(raw)) for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
  const parsed = AnalysisOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const flag = { 'rfm.frequency': '--rfm-frequency', 'rfm.monetary': '--rfm-monetary', 'abc.measure': '--abc-measure', 'tiers.measure': '--tier-measure' }[i.path.join('.')];
    throw new PatronError('VALIDATION', `${flag ?? i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}
