import type { Command } from 'commander';
import { PatronError } from '../../domain/errors.js';
import {
  DEFAULTS,
  fitModelOnOrders,
  fitSummaryFile,
  parseModel,
  parsePeriod,
  predictionFormat,
  toModelRunView,
  validateModels,
} from '../../domain/predictions/index.js';
import { listModelRuns } from '../../storage/predictions.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

interface FitFlags {
  model: string;
  calibrationEnd?: string;
  period?: string;
  summary?: string;
  json?: boolean;
}

interface ValidateFlags {
  calibrationEnd: string;
  holdoutEnd: string;
  period?: string;
  model?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const model = program.command('model').description('fit and validate the repeat-buying (BG/NBD, Pareto/NBD) and spend (Gamma-Gamma) models');

  model
    .command('fit')
    .description('fit a model on the orders (summaries in SQL) or on a summary CSV; prints parameters, standard errors, log-likelihood, AIC/BIC and n')
    .requiredOption('--model <name>', 'bgnbd | pareto-nbd | gamma-gamma')
    .option('--calibration-end <date>', 'last calibration day YYYY-MM-DD, inclusive (default: the last day with a purchase)')
    .option('--period <p>', 'model time unit: day or week', DEFAULTS.period)
    .option('--summary <file>', 'fit on a CSV of per-customer summaries (ID, frequency/x, recency/t_x, T[, zbar/monetary_value]) instead of the orders')
    .option('--json', 'print the stored run as JSON')
    .action(async (flags: FitFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const m = parseModel(flags.model);
      const period = parsePeriod(flags.period);
      if (flags.summary && flags.calibrationEnd) {
        throw new PatronError('VALIDATION', '--calibration-end does not apply to --summary (the file is already a calibration summary)');
      }
      const out = await withDb(globals, async (db) => {
        if (flags.summary) return { run: await fitSummaryFile(db, flags.summary, { model: m, period, actor: 'cli', now: new Date() }), timings: null };
        return fitModelOnOrders(db, { model: m, calibrationEnd: flags.calibrationEnd, period, actor: 'cli', now: new Date() });
      });
      if (flags.json) {
        process.stdout.write(JSON.stringify({ run: out.run, timings: out.timings }, null, 2) + '\n');
        return;
      }
      process.stdout.write(predictionFormat.fitText(out.run));
      if (out.timings) {
        process.stdout.write(`summaries in SQL ${Math.round(out.timings.sqlMs)} ms, fit ${Math.round(out.timings.fitMs)} ms\n`);
      }
    });

  model
    .command('validate')
    .description('calibration / holdout test: fit up to --calibration-end, compare predicted with actual repeat purchases to --holdout-end')
    .requiredOption('--calibration-end <date>', 'last calibration day YYYY-MM-DD (inclusive)')
    .requiredOption('--holdout-end <date>', 'last holdout day YYYY-MM-DD (inclusive)')
    .option('--period <p>', 'day or week', DEFAULTS.period)
    .option('--model <name>', 'bgnbd, pareto-nbd or both', 'both')
    .option('--json', 'print the report as chart-ready JSON')
    .action(async (flags: ValidateFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const period = parsePeriod(flags.period);
      let models: ('bg-nbd' | 'pareto-nbd')[] | undefined;
      if (flags.model && flags.model !== 'both') {
        const m = parseModel(flags.model);
        if (m === 'gamma-gamma') throw new PatronError('VALIDATION', '--model: the holdout test is for the repeat-buying models (bgnbd, pareto-nbd or both)');
        models = [m];
      }
      const report = await withDb(globals, (db) =>
        validateModels(db, { calibrationEnd: flags.calibrationEnd, holdoutEnd: flags.holdoutEnd, period, models, actor: 'cli', now: new Date() }),
      );
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : predictionFormat.validationText(report));
    });

  model
    .command('runs')
    .description('list recorded model fits, newest first')
    .option('--limit <n>', 'how many', String(DEFAULTS.runsListed))
    .option('--json', 'print as JSON')
    .action(async (flags: { limit: string; json?: boolean }, cmd: Command) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new PatronError('VALIDATION', `--limit: expected a positive whole number, got "${flags.limit}"`);
      const runs = await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => (await listModelRuns(db.kysely, { limit })).map(toModelRunView));
      process.stdout.write(flags.json ? JSON.stringify(runs, null, 2) + '\n' : predictionFormat.runsText(runs));
    });
}
