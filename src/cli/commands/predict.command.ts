import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { PatronError } from '../../domain/errors.js';
import {
  DEFAULTS,
  parseModel,
  parsePeriod,
  predictionFormat,
  predictionsPage,
  runPredictions,
  topCustomersByClv,
} from '../../domain/predictions/index.js';
import { getSettings } from '../../storage/settings.repo.js';
import type { Db } from '../../storage/db.js';
import { withDb, type GlobalOptions } from '../context.js';

interface Flags {
  horizon?: string;
  period?: string;
  discountRate?: string;
  margin?: string;
  model?: string;
  asOf?: string;
  format: string;
  top: string;
  output?: string;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new PatronError('VALIDATION', `${flag}: expected a number, got "${text}"`);
  return v;
}

/** Writes every customer of the latest run, page by page, so a million rows never sit in memory as text. */
async function exportAll(db: Db, out: Writable, format: 'csv' | 'json', decimals: number, head: string): Promise<void> {
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(format === 'csv' ? predictionFormat.PREDICTION_CSV_HEADER.join(',') + '\n' : head);
  let cursor: string | undefined;
  let first = true;
  for (;;) {
    const page = await predictionsPage(db, { cursor, limit: DEFAULTS.maxPageSize });
    if (page.items.length > 0) {
      if (format === 'csv') await write(predictionFormat.predictionCsvLines(page.items, decimals) + '\n');
      else await write((first ? '' : ',\n') + page.items.map((p) => JSON.stringify(p)).join(',\n'));
      first = false;
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (format === 'json') await write('\n]}\n');
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('predict per customer: P(alive), expected purchases, expected order value, CLV (discounted, after margin); stored for the customer 360')
    .option('--horizon <n>', 'horizon in periods (default: one year = 52 weeks or 365 days)')
    .option('--period <p>', 'model time unit: day or week', DEFAULTS.period)
    .option('--discount-rate <r>', `annual discount rate, e.g. 0.1 (default ${DEFAULTS.annualDiscountRate})`)
    .option('--margin <m>', `share of revenue kept as profit, e.g. 0.3 (default ${DEFAULTS.margin})`)
    .option('--model <name>', 'auto (lower BIC of BG/NBD and Pareto/NBD), bgnbd or pareto-nbd', DEFAULTS.model)
    .option('--as-of <date>', 'predict from this business-local date YYYY-MM-DD (default: the last day with a purchase)')
    .option('--format <f>', 'table (summary and top customers), csv or json (every customer)', 'table')
    .option('--top <n>', 'customers shown in the table', '20')
    .option('--output <file>', 'write csv/json to a file instead of stdout')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const format = flags.format;
      if (!['table', 'csv', 'json'].includes(format)) throw new PatronError('VALIDATION', `--format: expected table, csv or json, got "${format}"`);
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 0) throw new PatronError('VALIDATION', `--top: expected a whole number, got "${flags.top}"`);
      const model = flags.model === 'auto' || flags.model === undefined ? 'auto' : parseModel(flags.model);
      if (model === 'gamma-gamma') throw new PatronError('VALIDATION', '--model: Gamma-Gamma is the spend model and always used when the data supports it; choose auto, bgnbd or pareto-nbd');
      const horizon = number('--horizon', flags.horizon);
      await withDb(globals, async (db) => {
        const r = await runPredictions(db, {
          asOf: flags.asOf,
          period: parsePeriod(flags.period),
          horizon,
          annualDiscountRate: number('--discount-rate', flags.discountRate),
          margin: number('--margin', flags.margin),
          model,
          actor: 'cli',
          now: new Date(),
        });
        const { currencyDecimals } = await getSettings(db.kysely);
        if (format === 'table') {
          process.stdout.write(predictionFormat.predictionRunText(r.run, currencyDecimals));
          process.stdout.write(
            `timings: summaries in SQL ${Math.round(r.timings.sqlMs)} ms, fits ${Math.round(r.timings.fitMs + r.timings.spendFitMs)} ms, scoring ${Math.round(r.timings.scoreMs)} ms, writing ${Math.round(r.timings.writeMs)} ms\n`,
          );
          if (top > 0) {
            process.stdout.write(`\ntop ${top} customers by predicted CLV (* days to next purchase if still active)\n`);
            process.stdout.write(predictionFormat.predictionTable(await topCustomersByClv(db, r.run.id, top), currencyDecimals));
          }
          return;
        }
        const out: Writable = flags.output ? createWriteStream(flags.output) : process.stdout;
        const head = `{"run":${JSON.stringify(r.run)},"fits":${JSON.stringify(r.fits)},"customers":[\n`;
        await exportAll(db, out, format as 'csv' | 'json', currencyDecimals, head);
        if (flags.output) {
          await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
          process.stderr.write(`wrote ${r.run.customers} customers to ${flags.output}\n`);
        }
      });
    });
}
