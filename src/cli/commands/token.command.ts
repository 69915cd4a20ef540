import type { Command } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken } from '../../domain/auth/accounts.js';
import { PatronError } from '../../domain/errors.js';
import { withDb, type GlobalOptions } from '../context.js';

export function register(program: Command): void {
  const token = program.command('token').description('API tokens for integrations (a point-of-sale posting orders)');

  token
    .command('create')
    .description('create a token; it is printed once and only its hash is stored')
    .requiredOption('--name <name>', 'what uses it, e.g. "POS shop 1"')
    .requiredOption('--role <role>', 'admin, manager, marketing, service or staff (a point-of-sale needs staff)')
    .option('--venue <code>', 'limit the token to one venue: it may only post orders for that venue')
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; role: string; venue?: string; json?: boolean }, cmd: Command) => {
      const r = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) =>
        createApiToken(
          db.kysely,
          { name: opts.name, role: opts.role, venueCode: opts.venue, createdBy: null },
          { actor: 'cli', now: new Date().toISOString() },
        ),
      );
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      process.stdout.write(`token ${r.apiToken.id} "${r.apiToken.name}" (${r.apiToken.role}${opts.venue ? `, venue ${opts.venue}` : ''}):\n`);
      process.stdout.write(`${r.token}\n`);
      process.stdout.write('shown once: store it now. Use it as "Authorization: Bearer <token>".\n');
    });

  token
    .command('list')
    .description('list tokens (prefix, role, last use; never the secrets)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const tokens = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) => listApiTokens(db.kysely));
      if (opts.json) {
        process.stdout.write(JSON.stringify(tokens) + '\n');
        return;
      }
      if (tokens.length === 0) process.stdout.write('no tokens yet: patron token create --name NAME --role staff\n');
      for (const t of tokens) {
        const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.lastUsedAt ? `last used ${t.lastUsedAt}` : 'never used';
        process.stdout.write(`${String(t.id).padStart(4)}  ${t.prefix}…  ${t.name.padEnd(24)} ${t.role.padEnd(10)} ${state}\n`);
      }
    });

  token
    .command('revoke <id>')
    .description('revoke a token: it stops working at once')
    .action(async (idText: string, _opts: unknown, cmd: Command) => {
      const id = Number(idText);
      if (!Number.isSafeInteger(id) || id <= 0) throw new PatronError('VALIDATION', `token id must be a positive integer, got ${idText}`);
      const t = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) =>
        revokeApiToken(db.kysely, id, { actor: 'cli', now: new Date().toISOString() }),
      );
      process.stdout.write(`token ${t.id} "${t.name}" revoked\n`);
    });
}
