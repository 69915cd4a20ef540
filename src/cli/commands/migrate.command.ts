import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { migrate } from '../../storage/migrate.js';
import { createDb } from '../../storage/db.js';
import { resolveDbConfig } from '../context.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const db = createDb(resolveDbConfig(globals));
      try {
        const r = await migrate(db);
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else process.stdout.write(`${db.location}: applied ${r.applied.length}, already applied ${r.alreadyApplied.length}\n`);
      } finally {
        await db.close();
      }
    });
}
