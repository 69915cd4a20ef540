import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { PatronError, exitCode, translateDbError } from '../domain/errors.js';

/**
 * The `patron` binary. Each file commands/<name>.command.(ts|js) exports
 * `register(program: Command): void`; they are discovered here, so adding a command
 * touches one file.
 */
export async function buildProgram(): Promise<Command> {
  const program = new Command('patron')
    .description('Patron: customer-value CRM (customer 360, value analytics, loyalty, voice of the customer)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL (default: DATABASE_URL, PATRON_DB, data/patron.db)')
    .showHelpAfterError()
    .exitOverride();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => /\.command\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = translateDbError(e);
    if (err instanceof PatronError) {
      process.stderr.write(`patron: ${err.message}\n`);
      return exitCode(err.code);
    }
    process.stderr.write(`patron: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.PATRON_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
const viaLauncher = process.argv[1]?.endsWith(join('bin', 'patron.js')) || process.argv[1]?.endsWith('patron');
if (invokedDirectly || viaLauncher) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
