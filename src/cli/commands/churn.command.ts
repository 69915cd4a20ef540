import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PatronError } from '../../domain/errors.js';
import {
  DEFAULTS,
  churnList,
  churnRuns,
  parseModel,
  predictionFormat,
  runChurn,
  type ChurnThresholds,
} from '../../domain/predictions/index.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

interface Flags {
  limit?: string;
  threshold?: string;
  overdueFactor?: string;
  spendWindow?: string;
  spendDrop?: string;
  voiceWindow?: string;
  asOf?: string;
  refresh?: boolean;
  model?: string;
  format: string;
  output?: string;
  runs?: boolean;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new PatronError('VALIDATION', `${flag}: expected a number, got "${text}"`);
  return v;
}

export function register(program: Command): void {
  const c = DEFAULTS.churn;
  program
    .command('churn')
    .description('churn early warning: customers at risk with reasons, valuable customers first (risk x predicted CLV); every run is recorded')
    .option('--limit <n>', `customers shown (default ${c.limit}; csv exports every at-risk customer unless given)`)
    .option('--threshold <p>', `at risk when P(alive) is under this (default ${c.pAliveThreshold})`)
    .option('--overdue-factor <f>', `overdue when days since the last purchase exceed f x the customer's mean gap (default ${c.overdueFactor})`)
    .option('--spend-window <days>', `compare spend in the last N days with the N days before (default ${c.spendWindowDays})`)
    .option('--spend-drop <s>', `falling spend when recent spend is more than this share below the earlier window (default ${c.spendDrop})`)
    .option('--voice-window <days>', `complaints and survey scores from the last N days count (default ${c.voiceWindowDays})`)
    .option('--as-of <date>', 'run new predictions as of this date YYYY-MM-DD first')
    .option('--refresh', 'run new predictions first even if a prediction run exists')
    .option('--model <name>', 'model for new predictions: auto, bgnbd or pareto-nbd')
    .option('--format <f>', 'table, csv or json', 'table')
    .option('--output <file>', 'write csv/json to a file instead of stdout')
    .option('--runs', 'list recorded churn runs (the trend) instead of running')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const format = flags.format;
      if (!['table', 'csv', 'json'].includes(format)) throw new PatronError('VALIDATION', `--format: expected table, csv or json, got "${format}"`);
      if (flags.runs) {
        const runs = await withDb(globals, (db) => churnRuns(db));
        if (format === 'json') process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        else {
          process.stdout.write(
            predictionFormat.textTable(
              ['run', 'as of', 'model', 'customers', 'at risk', 'CLV at risk (minor)', 'created'],
              runs.map((r) => [String(r.id), r.asOf, r.model, String(r.customers), String(r.atRisk), String(r.clvAtRiskMinor), r.createdAt.slice(0, 16).replace('T', ' ')]),
            ),
          );
        }
        return;
      }
      const limitGiven = number('--limit', flags.limit);
      if (limitGiven !== undefined && (!Number.isInteger(limitGiven) || limitGiven < 1)) {
        throw new PatronError('VALIDATION', `--limit: expected a positive whole number, got "${flags.limit}"`);
      }
      const thresholds: Partial<ChurnThresholds> = {
        pAliveThreshold: number('--threshold', flags.threshold),
        overdueFactor: number('--overdue-factor', flags.overdueFactor),
        spendWindowDays: number('--spend-window', flags.spendWindow),
        spendDrop: number('--spend-drop', flags.spendDrop),
        voiceWindowDays: number('--voice-window', flags.voiceWindow),
      };
      let model: 'auto' | 'bg-nbd' | 'pareto-nbd' | undefined;
      if (flags.model !== undefined && flags.model !== 'auto') {
        const m = parseModel(flags.model);
        if (m === 'gamma-gamma') throw new PatronError('VALIDATION', '--model: expected auto, bgnbd or pareto-nbd');
        model = m;
      } else if (flags.model === 'auto') model = 'auto';
      await withDb(globals, async (db) => {
        const result = await runChurn(db, {
          asOf: flags.asOf,
          refresh: flags.refresh,
          thresholds,
          predict: model ? { model } : undefined,
          limit: limitGiven ?? c.limit,
          actor: 'cli',
          now: new Date(),
        });
        const { currencyDecimals } = await getSettings(db.kysely);
        let text: string;
        if (format === 'table') {
          text = predictionFormat.churnText(result.run, result.items, currencyDecimals);
          if (result.predicted) text = `(made prediction run #${result.predictionRun.id} first)\n` + text;
        } else {
          // Exports: every at-risk customer unless --limit was given.
          const items = limitGiven === undefined ? (await churnList(db, { runId: result.run.id, limit: Math.max(1, result.run.atRisk) })).items : result.items;
          text =
            format === 'csv'
              ? predictionFormat.churnCsv(items, currencyDecimals)
              : JSON.stringify({ run: result.run, predictionRun: result.predictionRun, items }, null, 2) + '\n';
        }
        if (flags.output) {
          writeFileSync(flags.output, text);
          process.stderr.write(`wrote churn run #${result.run.id} (${result.run.atRisk} at risk) to ${flags.output}\n`);
        } else process.stdout.write(text);
      });
    });
}
