import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { PatronError } from '../../domain/errors.js';
import { startServer } from '../../server/start.js';
import { openDb, type GlobalOptions } from '../context.js';

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new PatronError('VALIDATION', `--port must be 0-65535, got ${text}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the API, its OpenAPI docs (/docs) and the web app')
    .option('--port <n>', 'port (default: PORT or 3000)')
    .option('--host <host>', 'interface to listen on (default: HOST or 127.0.0.1; 0.0.0.0 for all)')
    .action(async (opts: { port?: string; host?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = loadConfig();
      const port = opts.port !== undefined ? parsePort(opts.port) : config.port;
      const host = opts.host ?? config.host;
      const db = await openDb(globals, config);
      let started;
      try {
        started = await startServer(db, config, { port, host });
      } catch (e) {
        await db.close();
        throw e;
      }
      const { app, url } = started;
      process.stdout.write(`Patron is serving ${db.location} at ${url} (API docs: ${url}/docs)\n`);
      // Stop cleanly on Ctrl-C / SIGTERM: finish in-flight requests, then close the database.
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void app
            .close()
            .then(() => db.close())
            .finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
