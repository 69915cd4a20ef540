import type { Command } from 'commander';
import { createUser, listUsers, setPasswordByUsername } from '../../domain/auth/accounts.js';
import { withDb, type GlobalOptions } from '../context.js';

export function register(program: Command): void {
  const user = program.command('user').description('people who sign in to the web app');

  user
    .command('add <username>')
    .description('add a person; prints a generated password when --password is not given')
    .requiredOption('--role <role>', 'admin, manager, marketing, service or staff')
    .option('--password <password>', 'initial password (at least 8 characters)')
    .option('--name <display-name>', 'name shown in the app')
    .option('--venue <code>', 'home venue code')
    .option('--json', 'machine-readable output')
    .action(async (username: string, opts: { role: string; password?: string; name?: string; venue?: string; json?: boolean }, cmd: Command) => {
      const r = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) =>
        createUser(
          db.kysely,
          { username, role: opts.role, password: opts.password, displayName: opts.name, venueCode: opts.venue },
          { actor: 'cli', now: new Date().toISOString() },
        ),
      );
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      process.stdout.write(`added ${r.user.username} (${r.user.role}), id ${r.user.id}\n`);
      if (r.generatedPassword) process.stdout.write(`password: ${r.generatedPassword}\n(shown once; change it after signing in)\n`);
    });

  user
    .command('list')
    .description('list people and their roles')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const users = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) => listUsers(db.kysely));
      if (opts.json) {
        process.stdout.write(JSON.stringify(users) + '\n');
        return;
      }
      if (users.length === 0) process.stdout.write('no users yet: patron user add <username> --role admin\n');
      for (const u of users) {
        process.stdout.write(`${String(u.id).padStart(4)}  ${u.username.padEnd(24)} ${u.role.padEnd(10)} ${u.active ? 'active' : 'inactive'}${u.displayName ? `  ${u.displayName}` : ''}\n`);
      }
    });

  user
    .command('password <username>')
    .description('set a new password (prints a generated one when --password is not given); ends their sessions')
    .option('--password <password>', 'new password (at least 8 characters)')
    .action(async (username: string, opts: { password?: string }, cmd: Command) => {
      const r = await withDb(cmd.optsWithGlobals<GlobalOptions>(), (db) =>
        setPasswordByUsername(db.kysely, username, opts.password, { actor: 'cli', now: new Date().toISOString() }),
      );
      process.stdout.write(`password of ${r.user.username} changed\n`);
      if (r.generatedPassword) process.stdout.write(`password: ${r.generatedPassword}\n`);
    });
}
