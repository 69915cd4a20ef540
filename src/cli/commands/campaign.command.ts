import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CampaignCreateSchema,
  CampaignMeasureSchema,
  CampaignSendSchema,
  createCampaign,
  exportCampaign,
  getCampaignView,
  listCampaignViews,
  measureCampaign,
  sendCampaign,
} from '../../domain/actions/index.js';
import { moneyArg, parseInput, renderCampaign, renderCampaignResult } from '../../domain/actions/format.js';
import { formatMinor } from '../../domain/money.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

/** A campaign by number (its id) or by code. */
function ref(v: string): number | string {
  return /^\d+$/.test(v) ? Number(v) : v;
}

const now = () => ({ actor: 'cli', now: new Date().toISOString() });

interface CreateFlags {
  name: string;
  segment: string;
  scheme?: string;
  snapshot?: string;
  plan?: string;
  channel?: string;
  content?: string;
  control?: string;
  costPerContact?: string;
  fixedCost?: string;
  window?: string;
  code?: string;
  json?: boolean;
}

/** `patron campaign ...`: campaigns with control groups (docs/actions.md). */
export function register(program: Command): void {
  const campaign = program.command('campaign').description('campaigns to a segment with a random control group: create, export, send, measure');

  campaign
    .command('create')
    .description('target a segment (customers without consent for the channel are left out and counted) and hold out a control group')
    .requiredOption('--name <name>', 'name')
    .requiredOption('--segment <s>', 'the segment to target')
    .option('--scheme <s>', "rfm-named, eight-way, abc, tier, decile or rfm-cell (default: the plan's)")
    .option('--snapshot <id>', "snapshot (default: the plan's, else the newest completed one)")
    .option('--plan <id>', 'contact plan the campaign carries out (scheme, channel, content and cost per contact default to it)')
    .option('--channel <c>', 'sms or email')
    .option('--content <text>', 'content type')
    .option('--control <fraction>', 'share held out as control, e.g. 0.1 (default) or 10%')
    .option('--cost-per-contact <amount>', "cost of one contact in currency units (default: the plan's budget per contact, else 0)")
    .option('--fixed-cost <amount>', 'one-off cost in currency units (default 0)')
    .option('--window <days>', 'days after the send in which orders count (default 30)')
    .option('--code <code>', 'campaign code; seeds the control group (default generated)')
    .option('--json', 'print JSON')
    .action(async (f: CreateFlags, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        const control = f.control === undefined ? undefined : f.control.endsWith('%') ? Number(f.control.slice(0, -1)) / 100 : Number(f.control);
        const input = parseInput(
          CampaignCreateSchema,
          {
            name: f.name,
            segment: f.segment,
            ...(f.scheme ? { scheme: f.scheme } : {}),
            ...(f.snapshot ? { snapshotId: Number(f.snapshot) } : {}),
            ...(f.plan ? { planId: Number(f.plan) } : {}),
            ...(f.channel ? { channel: f.channel } : {}),
            ...(f.content ? { contentType: f.content } : {}),
            ...(control !== undefined ? { controlFraction: control } : {}),
            ...(f.costPerContact !== undefined ? { costPerContactMinor: moneyArg(f.costPerContact, decimals, '--cost-per-contact') } : {}),
            ...(f.fixedCost !== undefined ? { fixedCostMinor: moneyArg(f.fixedCost, decimals, '--fixed-cost') } : {}),
            ...(f.window ? { windowDays: Number(f.window) } : {}),
            ...(f.code ? { code: f.code } : {}),
          },
          (p) => ({ snapshotId: '--snapshot', planId: '--plan', contentType: '--content', controlFraction: '--control', windowDays: '--window' })[p] ?? `--${p}`,
        );
        const c = await createCampaign(db, input, now());
        process.stdout.write(f.json ? JSON.stringify(c, null, 2) + '\n' : renderCampaign(c, decimals) + `next: patron campaign export ${c.code} --out list.csv; then patron campaign send ${c.code}\n`);
      });
    });

  campaign
    .command('list')
    .description('campaigns, newest first')
    .option('--json', 'print JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const list = await listCampaignViews(db);
        if (f.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        if (!list.length) return void process.stdout.write('no campaigns yet: patron campaign create ...\n');
        for (const c of list) {
          process.stdout.write(`${c.id}\t${c.code}\t${c.status}\t${c.name}\t${c.scheme} ${c.segment}\t${c.channel}\ttreatment ${c.audience.treatment}, control ${c.audience.control}\n`);
        }
      });
    });

  campaign
    .command('show <campaign>')
    .description('one campaign (by id or code)')
    .option('--json', 'print JSON')
    .action(async (c: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const v = await getCampaignView(db, ref(c));
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        process.stdout.write(f.json ? JSON.stringify(v, null, 2) + '\n' : renderCampaign(v, decimals));
      });
    });

  campaign
    .command('export <campaign>')
    .description('the treatment list as CSV for a mailer or SMS tool (external id, name, phone, email, consent flags); consent is checked again')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (c: string, f: { out?: string }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const e = await exportCampaign(db, ref(c));
        if (f.out) writeFileSync(f.out, e.csv, 'utf8');
        else process.stdout.write(e.csv);
        process.stderr.write(
          `campaign ${e.campaign}: ${e.rows} customers${f.out ? ` -> ${f.out}` : ''}; left out ${e.excludedNoConsent} without consent, ${e.excludedNoAddress} without contact details\n`,
        );
      });
    });

  campaign
    .command('send <campaign>')
    .description('record that the campaign went out: one contact, with its cost, per treated customer (counts in cost to serve)')
    .option('--at <datetime>', 'when it went out, ISO-8601 with offset (default now)')
    .option('--cost-per-contact <amount>', "cost per contact in currency units (default: the campaign's)")
    .option('--json', 'print JSON')
    .action(async (c: string, f: { at?: string; costPerContact?: string; json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        const input = parseInput(
          CampaignSendSchema,
          { ...(f.at ? { sentAt: f.at } : {}), ...(f.costPerContact !== undefined ? { costPerContactMinor: moneyArg(f.costPerContact, decimals, '--cost-per-contact') } : {}) },
          (p) => ({ sentAt: '--at' })[p] ?? `--${p}`,
        );
        const r = await sendCampaign(db, ref(c), input, now());
        if (f.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        process.stdout.write(
          `campaign ${r.campaign} sent ${r.sentAt}: ${r.logged} contacts logged costing ${formatMinor(r.costMinor, decimals)}; left out ${r.excludedNoConsent} without consent, ${r.excludedNoAddress} without contact details\n`,
        );
      });
    });

  campaign
    .command('measure <campaign>')
    .description('response and revenue uplift, treatment vs control, with confidence intervals, and ROI against the cost')
    .option('--as-of <date>', 'count orders up to this business-local date (default today)')
    .option('--window <days>', "days after the send (default: the campaign's)")
    .option('--margin-rate <r>', 'margin on incremental revenue, 0..1 (default: observed on the window orders with known cost)')
    .option('--level <l>', 'confidence level (default 0.95)')
    .option('--json', 'print JSON')
    .action(async (c: string, f: { asOf?: string; window?: string; marginRate?: string; level?: string; json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const input = parseInput(
          CampaignMeasureSchema,
          { ...(f.asOf ? { asOf: f.asOf } : {}), ...(f.window ? { windowDays: f.window } : {}), ...(f.marginRate ? { marginRate: f.marginRate } : {}), ...(f.level ? { level: f.level } : {}) },
          (p) => ({ asOf: '--as-of', windowDays: '--window', marginRate: '--margin-rate' })[p] ?? `--${p}`,
        );
        const r = await measureCampaign(db, ref(c), input, new Date());
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        process.stdout.write(f.json ? JSON.stringify(r, null, 2) + '\n' : renderCampaignResult(r, decimals));
      });
    });
}
