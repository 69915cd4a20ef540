import type { Command } from 'commander';
import { mineSequences, SequencesQuerySchema } from '../../domain/actions/index.js';
import { parseInput, renderSequences } from '../../domain/actions/format.js';
import { withDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';

interface Flags {
  within?: string;
  minGap?: string;
  anchor?: string;
  level?: string;
  minCount?: string;
  minSupport?: string;
  minConfidence?: string;
  censor?: boolean;
  sort?: string;
  limit?: string;
  save?: boolean;
  json?: boolean;
}

/** `patron sequences`: "of customers who bought A, p% bought B within N days" (docs/actions.md). */
export function register(program: Command): void {
  program
    .command('sequences')
    .description('sequence patterns: of customers who bought A, the share who bought B within N days')
    .option('--within <days>', 'B at most this many days after A (default 90)')
    .option('--min-gap <days>', 'B at least this many days after A (default 1: a later day; 0 allows the same day)')
    .option('--anchor <a>', "first (default: each customer's first purchase of A) or any (every purchase of A)")
    .option('--level <l>', 'product (default) or category')
    .option('--min-count <n>', 'fewest customers with A then B (default 5)')
    .option('--min-support <s>', 'fewest customers with A then B, as a share of all customers (default 0.001)')
    .option('--min-confidence <c>', 'lowest share of A buyers (default 0)')
    .option('--no-censor', 'also count A purchases whose window has not ended by the last order date')
    .option('--sort <m>', 'confidence (default), count, lift, window-lift or support')
    .option('--limit <n>', 'patterns to list (default 100; 0 = all)')
    .option('--save', 'save all patterns as a pattern set, the source of next-best-product suggestions')
    .option('--json', 'print the report as JSON')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const { json, save, ...raw } = flags;
      const query = parseInput(SequencesQuerySchema, Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
      const progress = createProgress('sequences', { silent: json, unit: 'customers' });
      const report = await withDb(globals, (db) =>
        mineSequences(db, query, {
          progress: { onPage: (n) => progress.update(n, null, 'reading') },
          ...(save ? { save: { actor: 'cli', now: new Date().toISOString() } } : {}),
        }),
      ).finally(() => progress.stop());
      process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : renderSequences(report));
    });
}
