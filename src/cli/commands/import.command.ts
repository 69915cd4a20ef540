import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { importOrdersFile, type ImportOptions } from '../../domain/import/import-orders.js';
import { FIELDS, parseMapFlags, type Field } from '../../domain/import/mapping.js';
import { PatronError } from '../../domain/errors.js';
import { withDb, type GlobalOptions } from '../context.js';
import { createProgress } from '../progress.js';

const MappingFile = z.object({
  fields: z.record(z.string(), z.string()).optional(),
  header: z.boolean().optional(),
  delimiter: z.enum([',', '\t', ';', '|', 'whitespace', 'tab']).optional(),
  encoding: z.string().optional(),
  dateFormat: z.enum(['auto', 'iso', 'ymd', 'dmy', 'mdy']).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  returnPrefix: z.string().optional(),
  defaultDate: z.string().optional(),
  layout: z.enum(['orders', 'baskets']).optional(),
});

interface Flags {
  map: string[];
  mapping?: string;
  header?: boolean;
  delimiter?: string;
  encoding?: string;
  dateFormat?: string;
  decimalSeparator?: string;
  defaultDate?: string;
  returnPrefix?: string;
  idPrefix?: string;
  layout?: string;
  rejects?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  const imp = program.command('import').description('import data from files');
  imp
    .command('orders <file>')
    .description('import orders (one row per order or per order line) from CSV, TSV or whitespace-separated text')
    .option('--map <field=column>', `map a field to a column name or 1-based position (fields: ${FIELDS.join(', ')})`, collect, [])
    .option('--mapping <file.json>', 'mapping file: {"fields": {"date": "下单时间"}, "dateFormat": "dmy", ...}')
    .option('--header', 'the first row is a header')
    .option('--no-header', 'the file has no header row')
    .option('--delimiter <d>', "',', 'tab', ';', '|' or 'whitespace' (default: detected)")
    .option('--encoding <name>', 'file encoding, e.g. gb18030 (default: detected)')
    .option('--date-format <f>', 'auto | iso | ymd | dmy | mdy (slashed dates need dmy or mdy unless the file shows which)')
    .option('--decimal-separator <s>', "'.' (default) or ','")
    .option('--default-date <date>', 'date for files without a date column')
    .option('--return-prefix <p>', 'order ids starting with this are returns/cancellations (UCI Online Retail: C)')
    .option('--id-prefix <p>', 'prefix for generated order ids (baskets layout)')
    .option('--layout <l>', "'orders' (default) or 'baskets' (one line per basket, items separated by the delimiter)")
    .option('--rejects <file>', 'where to write rejected rows (default: ./<file>.rejects.csv when there are any)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const options = buildOptions(file, flags);
      const progress = createProgress('import', { silent: flags.json, unit: 'bytes' });
      const summary = await withDb(globals, (db) =>
        importOrdersFile(db, file, options, {
          onProgress: (p) => progress.update(p.bytes, p.totalBytes, `${p.rows} rows`),
        }),
      ).finally(() => progress.stop());
      if (flags.json) {
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      const s = summary;
      process.stdout.write(
        [
          `imported ${s.source} (batch ${s.batchId}) in ${(s.durationMs / 1000).toFixed(1)} s`,
          `  read      ${s.read} rows`,
          `  orders    ${s.orders} (${s.lines} lines): ${s.imported} new, ${s.updated} updated, ${s.unchanged} unchanged`,
          `  anonymous ${s.anonymous}   returns ${s.returns}`,
          `  rejected  ${s.rejected} rows${s.rejectsFile ? ` -> ${s.rejectsFile}` : ''}`,
          `  created   ${s.customersCreated} customers, ${s.productsCreated} products, ${s.venuesCreated} venues`,
        ].join('\n') + '\n',
      );
    });
}

function buildOptions(file: string, flags: Flags): Partial<ImportOptions> {
  let fromFile: z.infer<typeof MappingFile> = {};
  if (flags.mapping) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(flags.mapping, 'utf8'));
    } catch (e) {
      throw new PatronError('VALIDATION', `cannot read mapping file ${flags.mapping}: ${(e as Error).message}`);
    }
    const parsed = MappingFile.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new PatronError('VALIDATION', `mapping file ${flags.mapping}: ${i.path.join('.')}: ${i.message}`);
    }
    fromFile = parsed.data;
  }
  const delim = flags.delimiter ?? fromFile.delimiter;
  const delimiter = delim === 'tab' ? '\t' : delim;
  if (delimiter && ![',', '\t', ';', '|', 'whitespace'].includes(delimiter)) {
    throw new PatronError('VALIDATION', `--delimiter: expected , tab ; | or whitespace, got "${delimiter}"`);
  }
  const dateFormat = flags.dateFormat ?? fromFile.dateFormat;
  if (dateFormat && !['auto', 'iso', 'ymd', 'dmy', 'mdy'].includes(dateFormat)) {
    throw new PatronError('VALIDATION', `--date-format: expected auto, iso, ymd, dmy or mdy, got "${dateFormat}"`);
  }
  const layout = flags.layout ?? fromFile.layout;
  if (layout && layout !== 'orders' && layout !== 'baskets') throw new PatronError('VALIDATION', `--layout: expected orders or baskets`);
  const dec = flags.decimalSeparator ?? fromFile.decimalSeparator;
  if (dec && dec !== '.' && dec !== ',') throw new PatronError('VALIDATION', `--decimal-separator: expected . or ,`);
  const map = { ...(fromFile.fields as Partial<Record<Field, string>> | undefined), ...parseMapFlags(flags.map) };
  return {
    map,
    header: flags.header ?? fromFile.header,
    delimiter: delimiter as ImportOptions['delimiter'],
    encoding: flags.encoding ?? fromFile.encoding,
    dateFormat: dateFormat as ImportOptions['dateFormat'],
    decimalSeparator: dec as ImportOptions['decimalSeparator'],
    defaultDate: flags.defaultDate ?? fromFile.defaultDate,
    returnPrefix: flags.returnPrefix ?? fromFile.returnPrefix,
    idPrefix: flags.idPrefix,
    layout: layout as ImportOptions['layout'],
    rejectsPath: resolve(flags.rejects ?? `${basename(file)}.rejects.csv`),
  };
}
