import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { PatronError } from '../../domain/errors.js';
import { parseMinor } from '../../domain/money.js';
import {
  addNote,
  CaseCreateSchema,
  closeCase,
  CompensationSchema,
  completeFollowUp,
  customerVoiceSignals,
  FollowUpDoneSchema,
  FollowUpSchema,
  getCase,
  getSlaPolicy,
  grantCompensation,
  listCases,
  openCase,
  postRecordedCompensations,
  putSlaPolicy,
  RECOVERY_STEPS,
  recordStep,
  recoveryOutcomes,
  reopenCase,
  resolveCase,
  scheduleFollowUp,
  SlaPolicySchema,
  type CaseDetail,
  type CaseView,
} from '../../domain/voice/index.js';
import type { Database, RecoveryStep } from '../../storage/schema.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';
import { parseWith } from './survey.command.js';

/**
 * `patron case ...`: complaints and the six-step service recovery from the command line.
 * `--by <username>` stamps steps and notes with that person (default: cli).
 */
async function context(db: Kysely<Database>, by: string | undefined): Promise<{ actor: string; now: string }> {
  const now = new Date().toISOString();
  if (!by) return { actor: 'cli', now };
  const u = await db.selectFrom('users').select('id').where('username', '=', by.trim().toLowerCase()).executeTakeFirst();
  if (!u) throw new PatronError('VALIDATION', `--by: no user ${by}`);
  return { actor: `user:${u.id}`, now };
}

function caseId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new PatronError('VALIDATION', `case id must be a number, got "${text}"`);
  return Number(text);
}

function line(c: CaseView): string {
  const sla = c.sla.state === 'ok' ? '' : `  SLA ${c.sla.state.toUpperCase()}`;
  return `${String(c.id).padStart(6)}  ${c.status.padEnd(8)} ${c.severity.padEnd(8)} ${c.channel.padEnd(6)} ${c.openedAt.slice(0, 16)}  ${c.stepsCompleted}/6  ${c.subject}${sla}`;
}

function detail(c: CaseDetail): string {
  const out = [
    line(c),
    `  category ${c.category}; customer ${c.customerId ?? '-'}; venue ${c.venueId ?? '-'}; assignee ${c.assigneeUserId ?? '-'}`,
    `  first response due ${c.sla.firstResponse.dueAt} (${c.sla.firstResponse.state}${c.sla.firstResponse.met === null ? '' : c.sla.firstResponse.met ? ', met' : ', missed'})`,
    `  resolution due     ${c.sla.resolution.dueAt} (${c.sla.resolution.state}${c.sla.resolution.met === null ? '' : c.sla.resolution.met ? ', met' : ', missed'})`,
    '  recovery:',
    ...c.steps.map((s) => `    ${s.position}. ${s.step.padEnd(13)} ${s.status.padEnd(8)} ${s.doneAt ?? ''} ${s.doneBy ?? ''}${s.note ? `  ${s.note}` : ''}`),
    ...c.compensations.map((x) => `  compensation ${x.id}: ${x.kind} ${x.points !== null ? `${x.points} points` : x.amountMinor !== null ? `${x.amountMinor} (minor units)` : ''} ${x.voucherCode ?? ''} ${x.status}${x.error ? ` (${x.error})` : ''}`),
    ...c.followUps.map((f) => `  follow-up ${f.id}: due ${f.dueAt}${f.doneAt ? `, done ${f.doneAt}${f.satisfaction ? `, satisfaction ${f.satisfaction}/5` : ''}` : f.overdue ? ', OVERDUE' : ''}`),
  ];
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  const cases = program.command('case').description('complaints and service recovery (six steps, SLA, compensation, follow-up)');
  const g = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();
  const out = (json: boolean | undefined, c: CaseDetail): void => {
    process.stdout.write(json ? JSON.stringify(c, null, 2) + '\n' : detail(c));
  };

  cases
    .command('open')
    .description('open a case from any channel')
    .requiredOption('--channel <c>', 'phone | visit | email | web | social | survey | other')
    .requiredOption('--category <text>', 'e.g. food, billing, room')
    .requiredOption('--subject <text>', 'one line')
    .option('--severity <s>', 'a severity of the SLA policy', 'normal')
    .option('--customer <external-id>', 'customer external id')
    .option('--order <external-id>', 'order external id')
    .option('--venue <code>', 'venue code')
    .option('--product <sku>', 'product SKU')
    .option('--assignee <username>', 'who handles it')
    .option('--description <text>', 'what happened')
    .option('--opened-at <iso>', 'when the complaint arrived (the SLA runs from here)')
    .option('--by <username>', 'who is recording it')
    .option('--json', 'machine-readable output')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const input = parseWith(
        CaseCreateSchema,
        {
          channel: o.channel, category: o.category, subject: o.subject, severity: o.severity, customerExternalId: o.customer,
          orderExternalId: o.order, venueCode: o.venue, productSku: o.product, assigneeUsername: o.assignee, description: o.description, openedAt: o.openedAt,
        },
        'case',
      );
      const c = await withDb(g(cmd), async (db) => openCase(db.kysely, input, await context(db.kysely, o.by as string | undefined)));
      out(o.json as boolean, c);
    });

  cases
    .command('list')
    .description('cases, newest first, with SLA state')
    .option('--status <s>', 'open | resolved | closed')
    .option('--severity <s>', 'severity')
    .option('--sla <state>', 'only cases whose SLA is ok | warning | breached now')
    .option('--limit <n>', 'at most', '50')
    .option('--json', 'machine-readable output')
    .action(async (o: { status?: string; severity?: string; sla?: string; limit: string; json?: boolean }, cmd: Command) => {
      if (o.status && !['open', 'resolved', 'closed'].includes(o.status)) throw new PatronError('VALIDATION', '--status: open, resolved or closed');
      if (o.sla && !['ok', 'warning', 'breached'].includes(o.sla)) throw new PatronError('VALIDATION', '--sla: ok, warning or breached');
      const r = await withDb(g(cmd), (db) =>
        listCases(db.kysely, { status: o.status as 'open' | undefined, severity: o.severity, sla: o.sla as 'ok' | undefined, limit: Math.min(500, Number(o.limit) || 50) }, new Date()),
      );
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : r.items.map(line).join('\n') + (r.items.length ? '\n' : 'no cases\n'));
    });

  cases
    .command('show <id>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      out(o.json, await withDb(g(cmd), (db) => getCase(db.kysely, caseId(id), new Date())));
    });

  cases
    .command('step <id> <step>')
    .description(`stamp a recovery step done (or --skip with --note): ${RECOVERY_STEPS.join(', ')}`)
    .option('--skip', 'skip the step (needs --note)')
    .option('--note <text>', 'what was done, or why skipped')
    .option('--by <username>', 'who did it')
    .option('--json', 'machine-readable output')
    .action(async (id: string, step: string, o: { skip?: boolean; note?: string; by?: string; json?: boolean }, cmd: Command) => {
      if (!(RECOVERY_STEPS as readonly string[]).includes(step)) throw new PatronError('VALIDATION', `step: one of ${RECOVERY_STEPS.join(', ')}`);
      const c = await withDb(g(cmd), async (db) =>
        recordStep(db.kysely, caseId(id), step as RecoveryStep, { status: o.skip ? 'skipped' : 'done', note: o.note }, await context(db.kysely, o.by)),
      );
      out(o.json, c);
    });

  cases
    .command('note <id> <text>')
    .description('add a note; --to-customer records a response to the customer (stops the first-response clock)')
    .option('--to-customer', 'this was said to the customer')
    .option('--by <username>', 'who')
    .action(async (id: string, text: string, o: { toCustomer?: boolean; by?: string }, cmd: Command) => {
      const c = await withDb(g(cmd), async (db) => addNote(db.kysely, caseId(id), { text, toCustomer: !!o.toCustomer }, await context(db.kysely, o.by)));
      out(false, c);
    });

  cases
    .command('compensate <id>')
    .description('grant compensation: --points N, --stored-value AMOUNT, or --voucher CODE [--amount AMOUNT]')
    .option('--points <n>', 'loyalty points')
    .option('--stored-value <amount>', 'stored value in the business currency, e.g. 50.00')
    .option('--voucher <code>', 'voucher code handed out')
    .option('--amount <amount>', "voucher's face value")
    .option('--note <text>', 'why')
    .option('--by <username>', 'who')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { points?: string; storedValue?: string; voucher?: string; amount?: string; note?: string; by?: string; json?: boolean }, cmd: Command) => {
      const kinds = [o.points, o.storedValue, o.voucher].filter((x) => x !== undefined).length;
      if (kinds !== 1) throw new PatronError('VALIDATION', 'give exactly one of --points, --stored-value, --voucher');
      const c = await withDb(g(cmd), async (db) => {
        const { currencyDecimals } = await getSettings(db.kysely);
        const minor = (text: string | undefined, what: string) => {
          if (text === undefined) return undefined;
          const m = parseMinor(text, currencyDecimals);
          if (m === null) throw new PatronError('VALIDATION', `${what}: not an amount: ${text}`);
          return m;
        };
        const input = parseWith(
          CompensationSchema,
          o.points !== undefined
            ? { kind: 'points', points: Number(o.points), note: o.note }
            : o.storedValue !== undefined
              ? { kind: 'stored_value', amountMinor: minor(o.storedValue, '--stored-value'), note: o.note }
              : { kind: 'voucher', voucherCode: o.voucher, amountMinor: minor(o.amount, '--amount'), note: o.note },
          'compensation',
        );
        return grantCompensation(db, caseId(id), input, await context(db.kysely, o.by));
      });
      out(o.json, c);
    });

  cases
    .command('follow-up <id>')
    .description('schedule a follow-up (default 3 days from now)')
    .option('--due <iso>', 'when')
    .option('--channel <c>', 'phone, visit, message ...')
    .option('--note <text>', 'what to check')
    .option('--by <username>', 'who')
    .action(async (id: string, o: { due?: string; channel?: string; note?: string; by?: string }, cmd: Command) => {
      const input = parseWith(FollowUpSchema, { dueAt: o.due, channel: o.channel, note: o.note }, 'follow-up');
      out(false, await withDb(g(cmd), async (db) => scheduleFollowUp(db.kysely, caseId(id), input, await context(db.kysely, o.by))));
    });

  cases
    .command('follow-up-done <id> <followUpId>')
    .description('record the follow-up and the satisfaction after recovery (stamps step 6)')
    .option('--satisfaction <1-5>', 'how satisfied the customer is now')
    .option('--outcome <text>', 'what they said')
    .option('--by <username>', 'who')
    .action(async (id: string, fu: string, o: { satisfaction?: string; outcome?: string; by?: string }, cmd: Command) => {
      const input = parseWith(FollowUpDoneSchema, { satisfaction: o.satisfaction === undefined ? undefined : Number(o.satisfaction), outcome: o.outcome }, 'follow-up');
      out(false, await withDb(g(cmd), async (db) => completeFollowUp(db.kysely, caseId(id), caseId(fu), input, await context(db.kysely, o.by))));
    });

  for (const [name, fn, what] of [
    ['resolve', resolveCase, 'mark resolved'],
    ['close', closeCase, 'close (every step done or skipped)'],
    ['reopen', reopenCase, 'reopen'],
  ] as const) {
    cases
      .command(`${name} <id>`)
      .description(what)
      .option('--note <text>', 'note')
      .option('--by <username>', 'who')
      .action(async (id: string, o: { note?: string; by?: string }, cmd: Command) => {
        out(false, await withDb(g(cmd), async (db) => fn(db.kysely, caseId(id), o.note, await context(db.kysely, o.by))));
      });
  }

  cases
    .command('post-compensations')
    .description('credit compensations kept as "recorded" to the loyalty ledger (idempotent)')
    .action(async (_o: unknown, cmd: Command) => {
      const r = await withDb(g(cmd), (db) => postRecordedCompensations(db, { actor: 'cli', now: new Date().toISOString() }));
      process.stdout.write(`posted ${r.posted}, still recorded ${r.failed}\n`);
    });

  cases
    .command('sla-policy')
    .description('show the SLA targets per severity, or set them from a JSON file')
    .option('--set <file.json>', '{"critical": {"firstResponseMinutes": 60, "resolutionMinutes": 1440}, ...}')
    .action(async (o: { set?: string }, cmd: Command) => {
      const p = await withDb(g(cmd), async (db) => {
        if (!o.set) return getSlaPolicy(db.kysely);
        let json: unknown;
        try {
          json = JSON.parse(readFileSync(o.set, 'utf8'));
        } catch (e) {
          throw new PatronError('VALIDATION', `cannot read ${o.set}: ${(e as Error).message}`);
        }
        return putSlaPolicy(db.kysely, parseWith(SlaPolicySchema, json, o.set), { actor: 'cli', now: new Date().toISOString() });
      });
      for (const [sev, t] of Object.entries(p)) process.stdout.write(`${sev.padEnd(10)} first response ${t.firstResponseMinutes} min, resolution ${t.resolutionMinutes} min\n`);
    });

  cases
    .command('outcomes')
    .description('satisfaction after recovery; re-purchase of recovered customers vs similar never-complained customers')
    .option('--from <date>', 'cases resolved from (YYYY-MM-DD)')
    .option('--to <date>', 'to')
    .option('--window-days <n>', 're-purchase window after resolution')
    .option('--lookback-days <n>', 'active-buyer lookback before it')
    .option('--as-of <iso>', 'as of (default now)')
    .option('--json', 'machine-readable output')
    .action(async (o: { from?: string; to?: string; windowDays?: string; lookbackDays?: string; asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = o.asOf ? new Date(o.asOf) : new Date();
      if (Number.isNaN(asOf.getTime())) throw new PatronError('VALIDATION', '--as-of: not a date-time');
      const r = await withDb(g(cmd), (db) =>
        recoveryOutcomes(db.kysely, asOf, {
          from: o.from, to: o.to, windowDays: o.windowDays ? Number(o.windowDays) : undefined, lookbackDays: o.lookbackDays ? Number(o.lookbackDays) : undefined,
        }),
      );
      const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
      process.stdout.write(
        o.json
          ? JSON.stringify(r, null, 2) + '\n'
          : [
              `cases resolved ${r.from} .. ${r.to}: ${r.resolvedCases}`,
              `  satisfied after recovery: follow-ups ${r.satisfactionAfterRecovery.followUp ? `${pct(r.satisfactionAfterRecovery.followUp.rate)} of ${r.satisfactionAfterRecovery.followUp.n}` : '-'}, surveys ${r.satisfactionAfterRecovery.survey ? `${pct(r.satisfactionAfterRecovery.survey.rate)} of ${r.satisfactionAfterRecovery.survey.n}` : '-'}`,
              `  re-bought within ${r.windowDays} days: recovered ${r.repurchase.recovered.repurchased}/${r.repurchase.recovered.customers} (${pct(r.repurchase.recovered.rate)}), never complained ${r.repurchase.comparison.repurchased}/${r.repurchase.comparison.customers} (${pct(r.repurchase.comparison.rate)})`,
              r.repurchase.result
                ? `  difference ${(r.repurchase.result.difference * 100).toFixed(1)} points, 95% CI [${(r.repurchase.result.ci.lower * 100).toFixed(1)}, ${(r.repurchase.result.ci.upper * 100).toFixed(1)}], p = ${r.repurchase.result.pValue.toFixed(3)} (observational)`
                : `  no comparison: ${r.repurchase.reason}`,
            ].join('\n') + '\n',
      );
    });

  cases
    .command('signals')
    .description('per-customer complaint and low-satisfaction signals (churn early warning input)')
    .option('--as-of <iso>', 'as of (default now)')
    .option('--window-days <n>', 'look back this many days')
    .option('--json', 'machine-readable output')
    .action(async (o: { asOf?: string; windowDays?: string; json?: boolean }, cmd: Command) => {
      const asOf = o.asOf ? new Date(o.asOf) : new Date();
      if (Number.isNaN(asOf.getTime())) throw new PatronError('VALIDATION', '--as-of: not a date-time');
      const s = await withDb(g(cmd), (db) => customerVoiceSignals(db.kysely, asOf, { windowDays: o.windowDays ? Number(o.windowDays) : undefined }));
      process.stdout.write(
        o.json
          ? JSON.stringify(s, null, 2) + '\n'
          : s.map((x) => `${String(x.customerId).padStart(8)}  open ${x.openCases}  recent ${x.recentCases} (${x.severeRecentCases} severe)  low scores ${x.lowScores}/${x.scoredAnswers}${x.detractor ? '  DETRACTOR' : ''}`).join('\n') + '\n',
      );
    });
}
