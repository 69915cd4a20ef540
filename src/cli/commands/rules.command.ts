import type { Command } from 'commander';
import { mineRules, RulesQuerySchema } from '../../domain/actions/index.js';
import { parseInput, renderRules } from '../../domain/actions/format.js';
import { withDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';

interface Flags {
  minSupport?: string;
  minConfidence?: string;
  minLift?: string;
  minLength?: string;
  maxLength?: string;
  level?: string;
  sort?: string;
  limit?: string;
  save?: boolean;
  json?: boolean;
}

/** `patron rules`: market-basket association rules from stored orders (docs/actions.md). */
export function register(program: Command): void {
  program
    .command('rules')
    .description('association rules (market basket: "diapers and beer") from sale orders, by FP-growth')
    .option('--min-support <s>', 'minimum support, a fraction of baskets (default 0.1, as arules)')
    .option('--min-confidence <c>', 'minimum confidence (default 0.8, as arules)')
    .option('--min-lift <l>', 'minimum lift (default 0: no filter)')
    .option('--min-length <n>', 'fewest items in a rule, both sides (default 1, as arules; 2 drops {} => {y})')
    .option('--max-length <n>', 'most items in a rule (default 10)')
    .option('--level <l>', 'product (default) or category')
    .option('--sort <m>', 'lift (default), confidence, support, count, leverage or conviction')
    .option('--limit <n>', 'rules to list (default 100; 0 = all); all are counted')
    .option('--save', 'save all rules as a pattern set, the source of next-best-product suggestions')
    .option('--json', 'print the report as JSON')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const { json, save, ...raw } = flags;
      const query = parseInput(RulesQuerySchema, Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
      const progress = createProgress('rules', { silent: json, unit: 'baskets' });
      const report = await withDb(globals, (db) =>
        mineRules(db, query, {
          progress: { onPage: (n) => progress.update(n, null, 'reading') },
          ...(save ? { save: { actor: 'cli', now: new Date().toISOString() } } : {}),
        }),
      ).finally(() => progress.stop());
      process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : renderRules(report));
    });
}
