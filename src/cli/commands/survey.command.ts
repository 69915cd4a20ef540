import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { PatronError } from '../../domain/errors.js';
import {
  addTrigger,
  createInvitations,
  createJourney,
  createSurvey,
  csvCell,
  dispatchSurveys,
  EnteredResponseSchema,
  exportResponsesCsv,
  getSurvey,
  InvitationCreateSchema,
  JourneyCreateSchema,
  journeyReport,
  listJourneys,
  listSurveyInvitations,
  listSurveys,
  pick,
  recordResponse,
  renewInvitation,
  revokeInvitation,
  SurveyCreateSchema,
  surveyMetrics,
  surveyTrends,
  TriggerCreateSchema,
  updateSurvey,
  type InvitationView,
  type Locale,
} from '../../domain/voice/index.js';
import { withDb, type GlobalOptions } from '../context.js';

/**
 * `patron survey ...`: build surveys from a JSON spec, make signed links, run the trigger job,
 * read metrics, trends, journeys, export responses (docs/voice.md).
 */

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PatronError('VALIDATION', `${what}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return r.data;
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PatronError('VALIDATION', `cannot read ${file}: ${(e as Error).message}`);
  }
}

export function cliContext(): { actor: string; now: string } {
  return { actor: 'cli', now: new Date().toISOString() };
}

function print(json: boolean | undefined, data: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human());
}

function url(base: string | undefined, path: string): string {
  return base ? base.replace(/\/+$/, '') + path : path;
}

function linksCsv(links: InvitationView[], base: string | undefined): string {
  const rows = ['invitation_id,survey_id,customer_id,order_id,case_id,venue_id,stage,expires_at,state,url'];
  for (const l of links) rows.push([l.id, l.surveyId, l.customerId, l.orderId, l.caseId, l.venueId, l.stage, l.expiresAt, l.state, url(base, l.path)].map(csvCell).join(','));
  return rows.join('\n') + '\n';
}

const fmt = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '-' : x.toFixed(d));
const ci = (c: { lower: number; upper: number } | null | undefined, scale = 1, d = 1) => (c ? `[${fmt(c.lower * scale, d)}, ${fmt(c.upper * scale, d)}]` : '(no interval)');

export function register(program: Command): void {
  const survey = program.command('survey').description('satisfaction surveys: build, send links, triggers, metrics, journeys');
  const g = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  survey
    .command('create')
    .description('create a survey from a JSON spec (see docs/voice.md: code, title, items ...)')
    .requiredOption('--file <spec.json>', 'survey spec')
    .option('--json', 'machine-readable output')
    .action(async (o: { file: string; json?: boolean }, cmd: Command) => {
      const spec = parseWith(SurveyCreateSchema, readJson(o.file), o.file);
      const s = await withDb(g(cmd), (db) => createSurvey(db.kysely, spec, cliContext()));
      print(o.json, s, () => `created survey ${s.code} (id ${s.id}, ${s.status}) with ${s.items.length} items\n`);
    });

  survey
    .command('list')
    .description('list surveys')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const list = await withDb(g(cmd), (db) => listSurveys(db.kysely));
      print(o.json, list, () =>
        list.length ? list.map((s) => `${String(s.id).padStart(4)}  ${s.code.padEnd(24)} ${s.status.padEnd(7)} ${String(s.itemCount).padStart(3)} items  ${pick(s.title, s.defaultLocale)}`).join('\n') + '\n' : 'no surveys yet: patron survey create --file spec.json\n',
      );
    });

  survey
    .command('show <survey>')
    .description('a survey and its items (by id or code)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      const s = await withDb(g(cmd), (db) => getSurvey(db.kysely, ref));
      print(o.json, s, () =>
        [`${s.code} (id ${s.id}, ${s.status}${s.stage ? `, stage ${s.stage}` : ''}): ${pick(s.title, s.defaultLocale)}`, ...s.items.map((i) => `  ${i.position}. ${i.key} [${i.type}${i.scale ? ` ${i.scale.min}-${i.scale.max}` : ''}]${i.required ? ' *' : ''} ${pick(i.text, s.defaultLocale)}`)].join('\n') + '\n',
      );
    });

  survey
    .command('status <survey> <status>')
    .description('draft | active | closed')
    .action(async (ref: string, status: string, _o: unknown, cmd: Command) => {
      if (!['draft', 'active', 'closed'].includes(status)) throw new PatronError('VALIDATION', 'status: draft, active or closed');
      const s = await withDb(g(cmd), (db) => updateSurvey(db.kysely, ref, { status: status as 'draft' | 'active' | 'closed' }, cliContext()));
      process.stdout.write(`survey ${s.code} is ${s.status}\n`);
    });

  survey
    .command('link <survey>')
    .description('make one signed, expiring link (one response) for a customer, order, case, venue, touchpoint')
    .option('--customer <external-id>', 'customer external id')
    .option('--order <external-id>', 'order external id (implies its customer and venue)')
    .option('--case <id>', 'complaint case id')
    .option('--venue <code>', 'venue code')
    .option('--touchpoint <name>', 'listening post / journey touchpoint')
    .option('--staff <name>', 'staff member who served')
    .option('--locale <l>', 'zh-CN or en')
    .option('--ttl-days <n>', 'days the link stays valid')
    .option('--base-url <url>', 'public origin to print full URLs, e.g. https://crm.example.com')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const input = parseWith(
        InvitationCreateSchema,
        {
          recipients: [
            {
              customerExternalId: o.customer,
              orderExternalId: o.order,
              caseId: o.case === undefined ? undefined : Number(o.case),
              venueCode: o.venue,
              touchpoint: o.touchpoint,
              staff: o.staff,
              locale: o.locale,
            },
          ],
          ttlDays: o.ttlDays === undefined ? undefined : Number(o.ttlDays),
        },
        'link',
      );
      const [l] = await withDb(g(cmd), (db) => createInvitations(db.kysely, ref, input, cliContext()));
      print(o.json as boolean, l, () => `${url(o.baseUrl as string | undefined, l!.path)}\n  invitation ${l!.id}, valid until ${l!.expiresAt}\n`);
    });

  survey
    .command('links <survey>')
    .description('list links with their state (CSV with --csv, for mail merge / SMS)')
    .option('--state <s>', 'pending | responded | expired | revoked')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--base-url <url>', 'public origin for full URLs')
    .option('--csv', 'CSV output')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { state?: string; limit: string; baseUrl?: string; csv?: boolean; json?: boolean }, cmd: Command) => {
      if (o.state && !['pending', 'responded', 'expired', 'revoked'].includes(o.state)) throw new PatronError('VALIDATION', '--state: pending, responded, expired or revoked');
      const links = await withDb(g(cmd), (db) =>
        listSurveyInvitations(db.kysely, ref, { state: o.state as 'pending' | undefined, limit: Number(o.limit) }, new Date().toISOString()),
      );
      if (o.csv) process.stdout.write(linksCsv(links, o.baseUrl));
      else print(o.json, links, () => links.map((l) => `${String(l.id).padStart(6)} ${l.state.padEnd(9)} ${l.expiresAt} ${url(o.baseUrl, l.path)}`).join('\n') + '\n');
    });

  survey
    .command('revoke <survey> <invitationId>')
    .description('revoke an unanswered link')
    .action(async (ref: string, id: string, _o: unknown, cmd: Command) => {
      const l = await withDb(g(cmd), (db) => revokeInvitation(db.kysely, ref, Number(id), cliContext()));
      process.stdout.write(`invitation ${l.id} is ${l.state}\n`);
    });

  survey
    .command('renew <survey> <invitationId>')
    .description('give an unanswered link a new expiry (prints the new link; the old one stops working)')
    .option('--ttl-days <n>', 'days from now')
    .option('--base-url <url>', 'public origin for full URLs')
    .action(async (ref: string, id: string, o: { ttlDays?: string; baseUrl?: string }, cmd: Command) => {
      const l = await withDb(g(cmd), (db) => renewInvitation(db.kysely, ref, Number(id), o.ttlDays ? Number(o.ttlDays) : undefined, cliContext()));
      process.stdout.write(`${url(o.baseUrl, l.path)}\n  invitation ${l.id}, valid until ${l.expiresAt}\n`);
    });

  survey
    .command('respond <survey>')
    .description('record a response taken by staff (interview, paper form): --answers \'{"nps": 9, "comment": "..."}\'')
    .requiredOption('--answers <json>', 'answers by item key')
    .option('--customer <external-id>', 'customer external id')
    .option('--order <external-id>', 'order external id')
    .option('--case <id>', 'case id the response is about')
    .option('--venue <code>', 'venue code')
    .option('--touchpoint <name>', 'listening post')
    .option('--staff <name>', 'staff member')
    .option('--submitted-at <iso>', 'when it was answered (default now)')
    .action(async (ref: string, o: Record<string, string | undefined>, cmd: Command) => {
      let answers: unknown;
      try {
        answers = JSON.parse(o.answers!);
      } catch {
        throw new PatronError('VALIDATION', '--answers: not JSON');
      }
      const input = parseWith(
        EnteredResponseSchema,
        {
          answers, customerExternalId: o.customer, orderExternalId: o.order, caseId: o.case === undefined ? undefined : Number(o.case),
          venueCode: o.venue, touchpoint: o.touchpoint, staff: o.staff, submittedAt: o.submittedAt,
        },
        'response',
      );
      const r = await withDb(g(cmd), (db) => recordResponse(db.kysely, ref, input, cliContext()));
      process.stdout.write(`response ${r.responseId} recorded${r.caseId ? `; low score opened case ${r.caseId}` : ''}\n`);
    });

  survey
    .command('trigger <survey>')
    .description('send this survey after events: first_purchase, order_followup (N days after an order), case_closed')
    .requiredOption('--event <e>', 'first_purchase | order_followup | case_closed')
    .option('--stage <s>', 'post-purchase stage: doubt | learning | acceptance | reevaluation (sets the default delay)')
    .option('--delay-days <n>', 'days after the event')
    .option('--lookback-days <n>', 'how long an event stays due after its delay')
    .option('--cooldown-days <n>', 'no second invitation to this survey within this many days')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const n = (v: unknown) => (v === undefined ? undefined : Number(v));
      const input = parseWith(
        TriggerCreateSchema,
        { event: o.event, stage: o.stage, delayDays: n(o.delayDays), lookbackDays: n(o.lookbackDays), cooldownDays: n(o.cooldownDays) },
        'trigger',
      );
      const t = await withDb(g(cmd), (db) => addTrigger(db.kysely, ref, input, cliContext()));
      print(o.json as boolean, t, () => `trigger ${t.id}: ${t.event}${t.stage ? ` (${t.stage})` : ''}, ${t.delayDays} days after, looks back ${t.lookbackDays} days, cooldown ${t.cooldownDays} days\n`);
    });

  survey
    .command('dispatch')
    .description('the trigger job: create links for events that are due (idempotent; run it daily)')
    .option('--as-of <iso>', 'pretend it is this instant (default: now)')
    .option('--base-url <url>', 'public origin for full URLs')
    .option('--out <file.csv>', 'write the new links to a CSV file for delivery')
    .option('--json', 'machine-readable output')
    .action(async (o: { asOf?: string; baseUrl?: string; out?: string; json?: boolean }, cmd: Command) => {
      const asOf = o.asOf ? new Date(o.asOf) : new Date();
      if (Number.isNaN(asOf.getTime())) throw new PatronError('VALIDATION', `--as-of: not a date-time: ${o.asOf}`);
      const r = await withDb(g(cmd), (db) => dispatchSurveys(db.kysely, asOf, cliContext()));
      if (o.out) writeFileSync(o.out, '\ufeff' + linksCsv(r.invitations, o.baseUrl));
      print(o.json, r, () =>
        [
          `dispatch as of ${r.asOf}: ${r.invitations.length} new links${o.out ? ` -> ${o.out}` : ''}`,
          ...r.triggers.map((t) => `  trigger ${t.triggerId} (${t.event}${t.stage ? `, ${t.stage}` : ''}) events ${t.window.from}..${t.window.to}: ${t.candidates} due, ${t.created} new, ${t.alreadyInvited} already invited, ${t.cooledDown} in cooldown`),
          ...(o.out ? [] : r.invitations.map((i) => `  ${url(o.baseUrl, i.path)}  customer ${i.customerId ?? '-'}`)),
        ].join('\n') + '\n',
      );
    });

  const range = (c: Command) =>
    c.option('--from <date>', 'first business-local date, YYYY-MM-DD').option('--to <date>', 'last date').option('--json', 'machine-readable output');

  range(
    survey
      .command('metrics <survey>')
      .description('CSAT, NPS with CI, rating means, effort, gaps, Kano table, index with driver importance')
      .option('--weighting <w>', 'index weighting: regression | equal'),
  ).action(async (ref: string, o: { from?: string; to?: string; weighting?: string; json?: boolean }, cmd: Command) => {
    if (o.weighting && o.weighting !== 'regression' && o.weighting !== 'equal') throw new PatronError('VALIDATION', '--weighting: regression or equal');
    const m = await withDb(g(cmd), (db) => surveyMetrics(db.kysely, ref, { from: o.from, to: o.to, weighting: o.weighting as 'equal' | undefined }));
    print(o.json, m, () => {
      const lines = [`survey ${m.survey.code}: ${m.responses} responses${m.from || m.to ? ` (${m.from ?? '…'} .. ${m.to ?? '…'})` : ''}`];
      for (const i of m.items) {
        if (i.nps) lines.push(`  ${i.key}: NPS ${fmt(i.nps.score)} ${ci(i.nps.ci)} n=${i.nps.n}` + (i.npsBootstrap ? `, bootstrap ${ci(i.npsBootstrap.ci)}` : ''));
        else if (i.csat) lines.push(`  ${i.key}: CSAT ${fmt(i.csat.rate * 100)}% ${ci(i.csat.ci, 100)} n=${i.csat.n}`);
        else if (i.effort) lines.push(`  ${i.key}: CES ${fmt(i.effort.mean, 2)} ${ci(i.effort.ci, 1, 2)} n=${i.effort.n}`);
        else if (i.mean) lines.push(`  ${i.key}: mean ${fmt(i.mean.mean, 2)} ${ci(i.mean.ci, 1, 2)} n=${i.mean.n}`);
        else if (i.type === 'text') lines.push(`  ${i.key}: ${i.n} comments`);
      }
      for (const a of m.gaps?.attributes ?? []) lines.push(`  gap ${a.attribute}: ${fmt(a.gap, 2)} ${ci(a.ci, 1, 2)} n=${a.n}${a.incomplete ? ` (${a.incomplete} incomplete)` : ''}`);
      for (const k of m.kano ?? []) lines.push(`  kano ${k.attribute}: ${k.category}${k.tiedWith.length > 1 ? ` (tie ${k.tiedWith.join('/')})` : ''} A${k.counts.A} O${k.counts.O} M${k.counts.M} I${k.counts.I} R${k.counts.R} Q${k.counts.Q}, better ${fmt(k.better, 2)} worse ${fmt(k.worse, 2)}`);
      if (m.index) lines.push(`  index ${fmt(m.index.index)} ${ci(m.index.ci)} n=${m.index.n} (${m.index.weighting}: ${m.index.items.map((x) => `${x.key} ${fmt(x.weight, 2)}`).join(', ')})`);
      if (m.indexError) lines.push(`  index not computed: ${m.indexError}`);
      return lines.join('\n') + '\n';
    });
  });

  range(
    survey
      .command('trends <survey>')
      .description('NPS, CSAT and index by period, venue or staff, with n and intervals')
      .option('--by <d>', 'period | venue | staff', 'period')
      .option('--period <p>', 'month | week', 'month'),
  ).action(async (ref: string, o: { by: string; period: string; from?: string; to?: string; json?: boolean }, cmd: Command) => {
    if (!['period', 'venue', 'staff'].includes(o.by)) throw new PatronError('VALIDATION', '--by: period, venue or staff');
    if (!['month', 'week'].includes(o.period)) throw new PatronError('VALIDATION', '--period: month or week');
    const t = await withDb(g(cmd), (db) => surveyTrends(db.kysely, ref, { by: o.by as 'period', period: o.period as 'month', from: o.from, to: o.to }));
    print(o.json, t, () =>
      [
        `survey ${t.survey.code} by ${t.by}${t.period ? ` (${t.period})` : ''}; ${t.missingKey} responses without a key`,
        ...t.groups.map((gr) => `  ${gr.key.padEnd(12)} n=${String(gr.n).padStart(5)}  NPS ${gr.nps ? `${fmt(gr.nps.score)} ${ci(gr.nps.ci)}` : '-'}  CSAT ${gr.csat ? `${fmt(gr.csat.rate * 100)}% ${ci(gr.csat.ci, 100)}` : '-'}${gr.index ? `  index ${fmt(gr.index.index)} ${ci(gr.index.ci)}` : ''}`),
        ...(t.indexError ? [`  index not computed: ${t.indexError}`] : []),
      ].join('\n') + '\n',
    );
  });

  survey
    .command('export <survey>')
    .description('responses as CSV (UTF-8 with BOM)')
    .option('--out <file.csv>', 'file to write (default: stdout)')
    .option('--from <date>', 'first date')
    .option('--to <date>', 'last date')
    .action(async (ref: string, o: { out?: string; from?: string; to?: string }, cmd: Command) => {
      const r = await withDb(g(cmd), (db) => exportResponsesCsv(db.kysely, ref, { from: o.from, to: o.to }));
      if (o.out) {
        writeFileSync(o.out, r.csv);
        process.stdout.write(`wrote ${o.out}\n`);
      } else process.stdout.write(r.csv);
    });

  const journey = survey.command('journey').description('customer journeys: ordered touchpoints and the end-to-end report');
  journey
    .command('create')
    .description('define a journey from JSON: {"code", "name", "touchpoints": [{"key": "research"}, ...]}')
    .requiredOption('--file <journey.json>', 'journey spec')
    .action(async (o: { file: string }, cmd: Command) => {
      const spec = parseWith(JourneyCreateSchema, readJson(o.file), o.file);
      const j = await withDb(g(cmd), (db) => createJourney(db.kysely, spec, cliContext()));
      process.stdout.write(`created journey ${j.code} (id ${j.id}): ${j.touchpoints.map((t) => t.key).join(' -> ')}\n`);
    });
  journey
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const js = await withDb(g(cmd), (db) => listJourneys(db.kysely));
      print(o.json, js, () => js.map((j) => `${String(j.id).padStart(4)}  ${j.code.padEnd(20)} ${j.touchpoints.map((t) => t.key).join(' -> ')}`).join('\n') + '\n');
    });
  range(journey.command('report <journey>').description('per-touchpoint satisfaction vs no-bad-moment share vs the product of touchpoint rates')).action(
    async (ref: string, o: { from?: string; to?: string; json?: boolean; locale?: Locale }, cmd: Command) => {
      const r = await withDb(g(cmd), (db) => journeyReport(db.kysely, ref, { from: o.from, to: o.to }));
      const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
      print(o.json, r, () =>
        [
          `journey ${r.journey.code}`,
          ...r.touchpoints.map((t) => `  ${t.key.padEnd(16)} ${pct(t.rate)} satisfied ${ci(t.ci, 100)} n=${t.n}`),
          `  touchpoints alone suggest ${pct(r.naiveEndToEnd)} get through with no bad moment (product of the rates)`,
          `  observed: ${pct(r.observed.rate)} ${ci(r.observed.ci, 100)} of ${r.observed.customers} customers who rated every touchpoint`,
          `  ${r.incomplete.customers} customers skipped a touchpoint (${r.incomplete.withBadMoment} already had a bad moment)` +
            (r.bounds ? `; over everyone the rate is between ${pct(r.bounds.lower)} and ${pct(r.bounds.upper)}` : ''),
        ].join('\n') + '\n',
      );
    },
  );
}
