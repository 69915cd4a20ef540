import type { Command } from 'commander';
import {
  MIGRATION_SCHEMES,
  REPORT_KINDS,
  buildReport,
  renderTable,
  schemeForReport,
  segmentMembersCsv,
  tableToCsv,
  type MigrationScheme,
  type ReportKind,
} from '../../domain/analytics/index.js';
import { PatronError } from '../../domain/errors.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

interface Flags {
  snapshot?: string;
  from?: string;
  to?: string;
  scheme?: string;
  format?: string;
  json?: boolean;
  lang?: string;
  segment?: string;
  members?: string;
  customer?: string;
  limit?: string;
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new PatronError('VALIDATION', `${flag}: expected a positive whole number, got "${v}"`);
  return Number(v);
}

export function register(program: Command): void {
  program
    .command('report <kind>')
    .description(`customer value reports: ${REPORT_KINDS.join(', ')} (from a snapshot built by \`patron analyze\`)`)
    .option('--snapshot <id>', 'snapshot to read (default: the newest completed)')
    .option('--from <id>', 'migration: the earlier snapshot (default: the second newest)')
    .option('--to <id>', 'migration: the later snapshot (default: the newest)')
    .option('--scheme <s>', `migration: ${MIGRATION_SCHEMES.join(', ')} (default rfm)`)
    .option('--format <f>', 'table (default), csv or json')
    .option('--json', 'same as --format json: exact machine-readable output')
    .option('--lang <l>', 'en or zh-CN (default: the business locale)')
    .option('--segment <id>', 'export the members of a segment as CSV (rfm: champions ... or important-value ...; abc: A; tiers: gold; deciles: 1)')
    .option('--members <id>', 'same as --segment')
    .option('--customer <external-id>', 'clv: one customer with their referral tree, year by year')
    .option('--limit <n>', 'clv: number of referrers listed')
    .action(async (kindArg: string, flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      if (!(REPORT_KINDS as readonly string[]).includes(kindArg)) {
        throw new PatronError('VALIDATION', `unknown report "${kindArg}" (one of: ${REPORT_KINDS.join(', ')})`);
      }
      const kind = kindArg as ReportKind;
      const format = flags.json ? 'json' : (flags.format ?? 'table');
      if (!['table', 'csv', 'json'].includes(format)) throw new PatronError('VALIDATION', `--format: expected table, csv or json, got "${format}"`);
      if (flags.lang !== undefined && flags.lang !== 'en' && flags.lang !== 'zh-CN') throw new PatronError('VALIDATION', `--lang: expected en or zh-CN`);
      if (flags.scheme !== undefined && !(MIGRATION_SCHEMES as readonly string[]).includes(flags.scheme)) {
        throw new PatronError('VALIDATION', `--scheme: expected one of ${MIGRATION_SCHEMES.join(', ')}`);
      }
      const snapshotId = positiveInt(flags.snapshot, '--snapshot');
      const segment = flags.segment ?? flags.members;
      await withDb(globals, async (db) => {
        const settings = await getSettings(db.kysely);
        const lang = (flags.lang as 'en' | 'zh-CN' | undefined) ?? settings.locale;
        const decimals = settings.currencyDecimals;
        if (segment !== undefined) {
          if (format === 'json') throw new PatronError('VALIDATION', 'member lists export as CSV (use --format csv), or page through GET /api/analytics/segments/...');
          const scheme = schemeForReport(kind, segment);
          // A reader that stops early (| head) closes the pipe: stop quietly instead of failing.
          let closed = false;
          const onError = (e: NodeJS.ErrnoException) => {
            if (e.code === 'EPIPE') closed = true;
            else throw e;
          };
          process.stdout.on('error', onError);
          try {
            for await (const chunk of segmentMembersCsv(db, { snapshotId, scheme, segment, decimals, lang })) {
              if (closed) break;
              if (!process.stdout.write(chunk)) {
                await new Promise<void>((r) => {
                  const done = () => {
                    process.stdout.off('drain', done);
                    process.stdout.off('error', done);
                    r();
                  };
                  process.stdout.once('drain', done);
                  process.stdout.once('error', done);
                });
              }
            }
          } finally {
            process.stdout.off('error', onError);
          }
          return;
        }
        const report = await buildReport(db, kind, {
          snapshotId,
          fromId: positiveInt(flags.from, '--from'),
          toId: positiveInt(flags.to, '--to'),
          scheme: flags.scheme as MigrationScheme | undefined,
          customer: flags.customer,
          limit: positiveInt(flags.limit, '--limit'),
          lang,
        });
        if (format === 'json') {
          process.stdout.write(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        const render = format === 'csv' ? tableToCsv : renderTable;
        const head =
          format === 'table'
            ? `${report.fromSnapshot ? `snapshots ${report.fromSnapshot.id} (${report.fromSnapshot.asOf}) -> ` : 'snapshot '}${report.snapshot.id} (as of ${report.snapshot.asOf})\n\n`
            : '';
        process.stdout.write(head + report.tables.map((t) => render(t, decimals)).join('\n'));
      });
    });
}
