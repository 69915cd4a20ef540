import type { Command } from 'commander';
import { PatronError } from '../../domain/errors.js';
import { formatMinor } from '../../domain/money.js';
import { DEFAULTS } from '../../domain/demo/defaults.js';
import { generateDemo, type DemoRun } from '../../domain/demo/demo.js';
import { withDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';

interface DemoFlags {
  customers: string;
  seed: string;
  years: string;
  end: string;
  json?: boolean;
}

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new PatronError('VALIDATION', `${what} must be a whole number, got "${text}"`);
  return Number(text);
}

function report(r: DemoRun, location: string): string {
  const c = r.counts;
  const money = (m: number) => `${formatMinor(m, r.currencyDecimals)} ${r.currency}`;
  const secs = r.elapsedMs / 1000;
  const p = r.truth.params;
  return [
    `${location}: demo business generated (seed ${r.seed}, ${r.period.start} .. ${r.period.end}, ${r.timeZone})`,
    `  venues ${c.venues}, products ${c.products}, customers ${c.customers} (${c.referredCustomers} referred)`,
    `  orders ${c.orders}: ${c.customerSales} customer sales, ${c.anonymousSales} anonymous, ${c.returnOrders} returns, ${c.cancelledOrders} cancelled; ${c.orderLines} lines`,
    `  contacts ${c.contacts}`,
    `  sales ${money(c.salesMinor)}, returns ${money(c.returnsMinor)}, discounts ${money(c.discountMinor)}`,
    `  process BG/NBD per day: r=${p.r} alpha=${p.alpha} a=${p.a} b=${p.b}; mean repeat purchases ${r.check.meanRepeatPurchases.toFixed(3)}` +
      (r.check.expectedMeanRepeatPurchases === null ? '' : ` (expected ${r.check.expectedMeanRepeatPurchases.toFixed(3)})`),
    `  ${secs.toFixed(1)} s: ${Math.round(c.customers / secs)} customers/s, ${Math.round(c.orderLines / secs)} order lines/s`,
  ].join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('generate a realistic demo business (seeded, deterministic) into an empty database')
    .option('--customers <n>', 'number of customers', String(DEFAULTS.customers))
    .option('--seed <n>', 'random seed (same seed and options give identical data)', String(DEFAULTS.seed))
    .option('--years <y>', 'length of the period in years', String(DEFAULTS.years))
    .option('--end <date>', 'last day of the period (YYYY-MM-DD, business time zone)', DEFAULTS.end)
    .option('--json', 'print the summary (with the generating parameters) as JSON')
    .action(async (flags: DemoFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const customers = wholeNumber(flags.customers, '--customers');
      const seed = wholeNumber(flags.seed, '--seed');
      const years = Number(flags.years);
      if (!Number.isFinite(years)) throw new PatronError('VALIDATION', `--years must be a number, got "${flags.years}"`);
      await withDb(globals, async (db) => {
        const progress = createProgress('demo', { unit: 'customers', silent: flags.json });
        let run: DemoRun;
        try {
          run = await generateDemo(db, { customers, seed, years, end: flags.end }, (done, total) => progress.update(done, total));
        } finally {
          progress.stop();
        }
        process.stdout.write(flags.json ? JSON.stringify(run, null, 2) + '\n' : report(run, db.location));
      });
    });
}
