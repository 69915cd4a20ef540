import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createUser } from '../../domain/auth/accounts.js';
import { generateDemo, isEmptyForDemo } from '../../domain/demo/demo.js';
import { DEFAULTS as DEMO_DEFAULTS } from '../../domain/demo/defaults.js';
import { dayToDate, instantFromUtcMs } from '../../domain/time.js';
import { PatronError } from '../../domain/errors.js';
import { startServer } from '../../server/start.js';
import { openDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';
import { postDemoSteps } from '../quickstart-steps.js';

/**
 * The README's first command ends here: one step from a clean clone to a running Patron with a
 * realistic demo business. Safe to run again: it only creates what is missing.
 */
export function register(program: Command): void {
  program
    .command('quickstart')
    .description('create the database, load the demo business if it is empty, create an admin login, and serve')
    .option('--customers <n>', 'demo size in customers', '2000')
    .option('--port <n>', 'port (default: PORT or 3000)')
    .option('--host <host>', 'interface (default: HOST or 127.0.0.1)')
    .option('--no-serve', 'set up only; do not start the server')
    .action(async (opts: { customers: string; port?: string; host?: string; serve: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = loadConfig();
      const customers = Number(opts.customers);
      if (!Number.isInteger(customers) || customers < 1) throw new PatronError('VALIDATION', '--customers must be a positive whole number');
      const port = opts.port !== undefined ? Number(opts.port) : config.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PatronError('VALIDATION', `--port must be 0-65535`);
      const db = await openDb(globals, config);
      let login: string;
      try {
        process.stdout.write(`database: ${db.location} (schema up to date)\n`);
        if (await isEmptyForDemo(db.kysely)) {
          // The demo's history ends yesterday (business time zone), so "recent" means recent today.
          const end = dayToDate(instantFromUtcMs(Date.now(), DEMO_DEFAULTS.timeZone).day - 1);
          const progress = createProgress('demo', { unit: 'customers' });
          const run = await generateDemo(db, { customers, end }, (done, total) => progress.update(done, total));
          progress.stop();
          process.stdout.write(
            `demo business: ${run.counts.customers} customers, ${run.counts.orders} orders, ${run.counts.orderLines} order lines (${(run.elapsedMs / 1000).toFixed(1)} s)\n`,
          );
          await postDemoSteps(db, end, (line) => process.stdout.write(line + '\n'));
        } else {
          process.stdout.write('business data already present: demo not loaded\n');
        }
        const admin = await db.kysely.selectFrom('users').select('username').where('role', '=', 'admin').where('active', '=', 1).executeTakeFirst();
        if (!admin) {
          const { generatedPassword } = await createUser(db.kysely, { username: 'admin', role: 'admin', displayName: 'Administrator' }, { actor: 'cli:quickstart', now: new Date().toISOString() });
          login = `user "admin", password "${generatedPassword}" (shown once; change it with: patron user password admin)`;
        } else {
          login = `user "${admin.username}" with the password you set (forgot it? patron user password ${admin.username})`;
        }
      } catch (e) {
        await db.close();
        throw e;
      }
      if (!opts.serve) {
        process.stdout.write(`login: ${login}\n`);
        await db.close();
        return;
      }
      const { app, url } = await startServer(db, config, { port, host: opts.host ?? config.host }).catch(async (e) => {
        await db.close();
        throw e;
      });
      process.stdout.write(`\nPatron is running at ${url}  (API docs: ${url}/docs)\nlogin: ${login}\nstop with Ctrl-C\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void app.close().then(() => db.close()).finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
