import type { Command } from 'commander';
import {
  getPlan,
  listPlans,
  LogContactsSchema,
  logPlanContacts,
  PlanProposalSchema,
  PlanSaveSchema,
  proposePlan,
  savePlan,
  setPlanStatus,
  type SegmentSettings,
} from '../../domain/actions/index.js';
import { contactsArg, moneyArg, pairs, parseInput, renderPlan, renderProposal, shareArg } from '../../domain/actions/format.js';
import { PatronError } from '../../domain/errors.js';
import { formatMinor } from '../../domain/money.js';
import type { Db } from '../../storage/db.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

interface PlanFlags {
  snapshot?: string;
  scheme?: string;
  budget?: string;
  rule?: string;
  quarters?: string;
  share: string[];
  minShare: string[];
  maxShare: string[];
  contacts: string[];
  channels: string[];
  content: string[];
  predicted: string[];
  only?: string;
  name?: string;
  note?: string;
  status?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function planOptions(cmd: Command): Command {
  return cmd
    .option('--snapshot <id>', 'value-analytics snapshot (default: the newest completed one)')
    .requiredOption('--scheme <s>', 'segments: rfm-named, eight-way, abc, tier, decile or rfm-cell')
    .requiredOption('--budget <amount>', 'marketing budget in currency units, e.g. 100000')
    .option('--rule <r>', 'sales (default: in proportion to sales), predicted-value, or manual (--share)')
    .option('--quarters <n>', 'quarters the budget covers (default 1)')
    .option('--share <seg=w>', "manual weight of a segment, e.g. A=60 (normalised: 60/35/5 = 0.6/0.35/0.05)", collect, [])
    .option('--min-share <seg=f>', 'lowest budget share of a segment, e.g. C=0.05 or C=5%', collect, [])
    .option('--max-share <seg=f>', 'highest budget share of a segment', collect, [])
    .option('--contacts <seg=spec>', 'contacts a quarter: A=5, B=3.. (at least), C=..2 (at most), B=2..4:3 (planned 3)', collect, [])
    .option('--channels <seg=list>', 'channels of a segment, e.g. A=sms,email', collect, [])
    .option('--content <seg=text>', 'content type of a segment, e.g. "A=private-sale notices"', collect, [])
    .option('--predicted <seg=amount>', "a segment's predicted future value in currency units (rule predicted-value; default: its customers' summed CLV from the latest `patron predict`)", collect, [])
    .option('--only <segs>', 'plan only these segments, comma-separated')
    .option('--json', 'print JSON');
}

async function proposalInput(db: Db, f: PlanFlags) {
  const decimals = (await getSettings(db.kysely)).currencyDecimals;
  const segments: Record<string, SegmentSettings> = {};
  const seg = (s: string) => (segments[s] ??= {});
  for (const [s, v] of pairs(f.share, '--share')) seg(s).share = shareArg(v, '--share', false);
  for (const [s, v] of pairs(f.minShare, '--min-share')) seg(s).minShare = shareArg(v, '--min-share', true);
  for (const [s, v] of pairs(f.maxShare, '--max-share')) seg(s).maxShare = shareArg(v, '--max-share', true);
  for (const [s, v] of pairs(f.contacts, '--contacts')) seg(s).contacts = contactsArg(v, '--contacts');
  for (const [s, v] of pairs(f.channels, '--channels')) seg(s).channels = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const [s, v] of pairs(f.content, '--content')) seg(s).contentType = v;
  for (const [s, v] of pairs(f.predicted, '--predicted')) seg(s).predictedValueMinor = moneyArg(v, decimals, '--predicted');
  return {
    raw: {
      ...(f.snapshot !== undefined ? { snapshotId: Number(f.snapshot) } : {}),
      scheme: f.scheme,
      budgetMinor: moneyArg(f.budget ?? '', decimals, '--budget'),
      ...(f.rule !== undefined ? { rule: f.rule } : {}),
      ...(f.quarters !== undefined ? { periodQuarters: Number(f.quarters) } : {}),
      segments,
      ...(f.only ? { only: f.only.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
    },
    decimals,
  };
}

const flagOf = (path: string) => {
  const top = path.split('.')[0]!;
  return (
    { snapshotId: '--snapshot', budgetMinor: '--budget', periodQuarters: '--quarters', segments: `--share/--contacts (${path})` } as Record<string, string>
  )[top] ?? `--${top}`;
};

function idArg(v: string, what: string): number {
  if (!/^\d+$/.test(v)) throw new PatronError('VALIDATION', `${what}: expected a number, got "${v}"`);
  return Number(v);
}

/** `patron plan ...`: contact plans by segment (docs/actions.md). */
export function register(program: Command): void {
  const plan = program.command('plan').description('contact plans: budget, contacts, channels and content per customer segment');

  planOptions(plan.command('propose').description('propose a plan from a snapshot (nothing is stored)')).action(async (f: PlanFlags, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withDb(globals, async (db) => {
      const { raw, decimals } = await proposalInput(db, f);
      const p = await proposePlan(db, parseInput(PlanProposalSchema, raw, flagOf));
      process.stdout.write(f.json ? JSON.stringify(p, null, 2) + '\n' : renderProposal(p, decimals));
    });
  });

  planOptions(plan.command('save').description('compute a plan from a snapshot and store it'))
    .requiredOption('--name <name>', 'name of the plan')
    .option('--note <text>', 'note')
    .option('--status <s>', 'draft (default) or active')
    .action(async (f: PlanFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withDb(globals, async (db) => {
        const { raw, decimals } = await proposalInput(db, f);
        const input = parseInput(PlanSaveSchema, { ...raw, name: f.name, ...(f.note ? { note: f.note } : {}), ...(f.status ? { status: f.status } : {}) }, flagOf);
        const p = await savePlan(db, input, { actor: 'cli', now: new Date().toISOString() });
        process.stdout.write(f.json ? JSON.stringify(p, null, 2) + '\n' : renderPlan(p, decimals));
      });
    });

  plan
    .command('list')
    .description('stored plans, newest first')
    .option('--json', 'print JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const plans = await listPlans(db);
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        if (f.json) return void process.stdout.write(JSON.stringify(plans, null, 2) + '\n');
        if (!plans.length) return void process.stdout.write('no plans yet: patron plan save --name ... --scheme ... --budget ...\n');
        for (const p of plans) {
          process.stdout.write(
            `${p.id}\t${p.status}\t${p.name}\t${p.scheme} of snapshot ${p.snapshotId ?? '-'}\trule ${p.rule}\tbudget ${formatMinor(p.budgetMinor, decimals)}\tlogged ${p.logged.contacts} (${formatMinor(p.logged.costMinor, decimals)})\n`,
          );
        }
      });
    });

  plan
    .command('show <id>')
    .description('one plan with its segments and the contacts logged under it')
    .option('--json', 'print JSON')
    .action(async (id: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const p = await getPlan(db, idArg(id, 'plan id'));
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        process.stdout.write(f.json ? JSON.stringify(p, null, 2) + '\n' : renderPlan(p, decimals));
      });
    });

  plan
    .command('status <id> <status>')
    .description('mark a plan draft, active or archived')
    .action(async (id: string, status: string, _f: unknown, cmd: Command) => {
      if (!['draft', 'active', 'archived'].includes(status)) throw new PatronError('VALIDATION', `status: expected draft, active or archived, got "${status}"`);
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const p = await setPlanStatus(db, idArg(id, 'plan id'), status as 'draft', { actor: 'cli', now: new Date().toISOString() });
        process.stdout.write(`plan ${p.id} is ${p.status}\n`);
      });
    });

  plan
    .command('log-contacts <id>')
    .description("log one contact (with cost) for each customer of a plan segment the channel may reach; SMS/e-mail respect consent")
    .requiredOption('--segment <s>', 'the segment')
    .option('--channel <c>', "channel (default: the segment's first planned channel)")
    .option('--cost <amount>', "cost per contact in currency units (default: the plan's budget per contact)")
    .option('--date <date>', 'business-local date of the contacts (default today)')
    .option('--ref <ref>', 'tells apart several contacts on one day; re-running with the same date and ref logs nothing new')
    .option('--purpose <text>', "what was sent (default: the segment's content type)")
    .option('--json', 'print JSON')
    .action(async (id: string, f: { segment: string; channel?: string; cost?: string; date?: string; ref?: string; purpose?: string; json?: boolean }, cmd: Command) => {
      await withDb(cmd.optsWithGlobals<GlobalOptions>(), async (db) => {
        const decimals = (await getSettings(db.kysely)).currencyDecimals;
        const input = parseInput(
          LogContactsSchema,
          {
            segment: f.segment,
            ...(f.channel ? { channel: f.channel } : {}),
            ...(f.cost !== undefined ? { costPerContactMinor: moneyArg(f.cost, decimals, '--cost') } : {}),
            ...(f.date ? { date: f.date } : {}),
            ...(f.ref ? { ref: f.ref } : {}),
            ...(f.purpose ? { purpose: f.purpose } : {}),
          },
          (p) => ({ costPerContactMinor: '--cost' })[p] ?? `--${p}`,
        );
        const r = await logPlanContacts(db, idArg(id, 'plan id'), input, { actor: 'cli', now: new Date().toISOString() });
        if (f.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        process.stdout.write(
          [
            `plan ${r.planId} segment ${r.segment}: ${r.logged} contacts logged by ${r.channel} on ${r.date} at ${formatMinor(r.costPerContactMinor, decimals)} each (${formatMinor(r.costMinor, decimals)})`,
            r.alreadyLogged ? `  ${r.alreadyLogged} were already logged (same date and ref)` : '',
            `  left out: ${r.excludedNoConsent} without consent, ${r.excludedNoAddress} without contact details`,
          ]
            .filter(Boolean)
            .join('\n') + '\n',
        );
      });
    });
}
