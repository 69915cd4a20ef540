import type { Command } from 'commander';
import { PatronError } from '../../domain/errors.js';
import { enrollMember, getMemberView, issueCard, replaceCard, resolveTarget, setCardState, type MemberView } from '../../domain/loyalty/members.js';
import { adjust, expirePoints } from '../../domain/loyalty/operations.js';
import { accrueForOrder, accrueOrdersFrom } from '../../domain/loyalty/orders.js';
import {
  addVenue,
  businessDay,
  createProgramme,
  listProgrammes,
  putTier,
  resolveProgramme,
  updateProgramme,
  type ProgrammeConfig,
  type ProgrammeCreate,
  type WriteContext,
} from '../../domain/loyalty/programmes.js';
import { referralCodeFor, referralTreeOf } from '../../domain/loyalty/referrals.js';
import { liabilityReport, memberStatement, rebuildLedger, settlementStatement } from '../../domain/loyalty/reports.js';
import type { Multiplier, TopupBonus } from '../../domain/loyalty/rules.js';
import { runTiers } from '../../domain/loyalty/tiers.js';
import { formatMinor, parseMinor } from '../../domain/money.js';
import { dayNumber, dayToDate } from '../../domain/time.js';
import type { Db } from '../../storage/db.js';
import { getCustomerByExternalId } from '../../storage/customers.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import { withDb, type GlobalOptions } from '../context.js';

/**
 * `patron loyalty ...`: programmes, tiers, members and cards, statements, the scheduled jobs
 * (tiers run, expire, accrue-orders) and the ledger check (docs/loyalty.md, "CLI").
 * Amounts are typed in the currency ("1000.00"); rates as "5%" or "500bp"; multipliers as "2x".
 */

const cli = (): WriteContext => ({ actor: 'cli', now: new Date().toISOString() });
const collect = (v: string, prev: string[]) => [...prev, v];
const out = (s: string) => process.stdout.write(s + '\n');
const json = (x: unknown) => process.stdout.write(JSON.stringify(x, null, 2) + '\n');

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** "5%" or "5.5%" or "500bp" -> basis points. */
export function parseRate(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  let m = /^(\d+(?:\.\d{1,2})?)%$/.exec(t);
  if (m) return Math.round(Number(m[1]) * 100);
  m = /^(\d+)bp$/.exec(t);
  if (m) return Number(m[1]);
  throw new PatronError('VALIDATION', `${what}: expected a rate like 5% or 500bp, got "${text}"`);
}

/** "2x" or "1.5x" -> basis points (20000, 15000). */
function parseFactor(text: string, what: string): number {
  const m = /^(\d+(?:\.\d{1,4})?)x$/i.exec(text.trim());
  if (!m) throw new PatronError('VALIDATION', `${what}: expected a factor like 2x, got "${text}"`);
  return Math.round(Number(m[1]) * 10_000);
}

/** "category=spa:2x", "campaign=summer:1.5x", ":2x" (every sale), optionally "@2024-07-01..2024-07-31". */
export function parseMultiplier(text: string): Multiplier {
  const m = /^(?:(category|campaign)=([^:@]+))?:([\d.]+x)(?:@(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2}))?$/i.exec(text.trim());
  if (!m) throw new PatronError('VALIDATION', `--multiplier: expected category=NAME:2x, campaign=CODE:2x or :2x (optionally @FROM..TO), got "${text}"`);
  const r: Multiplier = { multiplierBp: parseFactor(m[3]!, '--multiplier') };
  if (m[1]?.toLowerCase() === 'category') r.category = m[2]!.trim();
  if (m[1]?.toLowerCase() === 'campaign') r.campaign = m[2]!.trim();
  if (m[4]) r.fromDay = dayNumber(m[4]);
  if (m[5]) r.toDay = dayNumber(m[5]);
  return r;
}

function money(text: string, decimals: number, what: string): number {
  const v = parseMinor(text, decimals);
  if (v === null) throw new PatronError('VALIDATION', `${what}: not an amount: "${text}"`);
  return v;
}

function parseDate(text: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw new PatronError('VALIDATION', `${what}: expected YYYY-MM-DD, got "${text}"`);
  return dayNumber(text);
}

function int(text: string, what: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new PatronError('VALIDATION', `${what}: expected a whole number, got "${text}"`);
  return Number(text);
}

interface ProgrammeFlags {
  name?: string;
  venues?: string;
  earnRate?: string;
  pointValue?: string;
  expiryDays?: string;
  pointsSettlement?: string;
  svSettlement?: string;
  cardPrefix?: string;
  tierWindowDays?: string;
  referrerPoints?: string;
  refereePoints?: string;
  topupBonus: string[];
  multiplier: string[];
  json?: boolean;
}

async function programmeInput(db: Db, f: ProgrammeFlags): Promise<Partial<ProgrammeCreate>> {
  const dec = (await getSettings(db.kysely)).currencyDecimals;
  const p: Partial<ProgrammeCreate> = {};
  if (f.name !== undefined) p.name = f.name;
  if (f.earnRate !== undefined) p.earnRateBp = parseRate(f.earnRate, '--earn-rate');
  if (f.pointValue !== undefined) p.pointValueMinor = money(f.pointValue, dec, '--point-value');
  if (f.expiryDays !== undefined) p.pointsExpiryDays = f.expiryDays === 'never' ? null : int(f.expiryDays, '--expiry-days');
  if (f.pointsSettlement !== undefined) p.pointsSettlementBp = parseRate(f.pointsSettlement, '--points-settlement');
  if (f.svSettlement !== undefined) p.svSettlementBp = parseRate(f.svSettlement, '--sv-settlement');
  if (f.cardPrefix !== undefined) p.cardPrefix = f.cardPrefix;
  if (f.tierWindowDays !== undefined) p.tierWindowDays = int(f.tierWindowDays, '--tier-window-days');
  if (f.referrerPoints !== undefined) p.referrerPoints = int(f.referrerPoints, '--referrer-points');
  if (f.refereePoints !== undefined) p.refereePoints = int(f.refereePoints, '--referee-points');
  if (f.topupBonus.length) {
    p.topupBonuses = f.topupBonus.map((t): TopupBonus => {
      const m = /^([^=]+)=(.+)$/.exec(t);
      if (!m) throw new PatronError('VALIDATION', `--topup-bonus: expected PAID=BONUS like 1000=100, got "${t}"`);
      return { minPaidMinor: money(m[1]!, dec, '--topup-bonus'), bonusMinor: money(m[2]!, dec, '--topup-bonus') };
    });
  }
  if (f.multiplier.length) p.multipliers = f.multiplier.map(parseMultiplier);
  return p;
}

function programmeOptions(c: Command): Command {
  return c
    .option('--earn-rate <rate>', 'points per spend for members without a tier, e.g. 5% (the hotel case)')
    .option('--point-value <amount>', 'cash value of one point when redeemed, e.g. 0.01')
    .option('--expiry-days <n>', 'points expire this many days after they are earned ("never" for no expiry)')
    .option('--points-settlement <rate>', 'what a venue pays another for points it issued and the other redeemed, share of face value (default 100%)')
    .option('--sv-settlement <rate>', 'the same for stored value paid in at one venue and spent at another (default 100%)')
    .option('--card-prefix <digits>', 'first digits of card numbers')
    .option('--tier-window-days <n>', 'rolling window of tier qualification (default 365)')
    .option('--referrer-points <n>', "points to a referrer when a referred customer's first order completes")
    .option('--referee-points <n>', 'points to the referred customer on that order')
    .option('--topup-bonus <paid=bonus>', 'top-up bonus rule, e.g. 1000=100 (pay 1,000 get 1,100); repeatable', collect, [])
    .option('--multiplier <rule>', 'points multiplier for every member: category=NAME:2x, campaign=CODE:2x, :2x@FROM..TO; repeatable', collect, [])
    .option('--json', 'machine-readable output');
}

function describeProgramme(p: ProgrammeConfig, dec: number): string {
  const lines = [
    `${p.code}  ${p.name}  (${p.status})`,
    `  venues        ${p.venueIds.join(', ') || 'none'}`,
    `  earn          ${p.earnRateBp / 100}% of spend; 1 point = ${formatMinor(p.pointValueMinor, dec)}; expiry ${p.pointsExpiryDays === null ? 'never' : `${p.pointsExpiryDays} days`}`,
    `  settlement    points ${p.pointsSettlementBp / 100}%, stored value ${p.svSettlementBp / 100}% of face value`,
    `  referral      referrer ${p.referrerPoints} points, referee ${p.refereePoints} points`,
    `  top-up bonus  ${p.topupBonuses.map((b) => `pay ${formatMinor(b.minPaidMinor, dec)} get +${formatMinor(b.bonusMinor, dec)}`).join('; ') || 'none'}`,
  ];
  for (const t of p.tiers) {
    lines.push(
      `  tier ${t.rank} ${t.code.padEnd(10)} ${t.name}: ${t.qualifyBy} >= ${t.qualifyBy === 'spend' ? formatMinor(t.threshold, dec) : t.threshold} in ${p.tierWindowDays} days; earn ${t.earnRateBp / 100}%, discount ${t.discountBp / 100}%` +
        (t.multipliers.length ? `, ${t.multipliers.length} multiplier(s)` : ''),
    );
  }
  return lines.join('\n');
}

async function memberOf(db: Db, ref: string): Promise<MemberView> {
  const t = /^\d{8,19}$/.test(ref.replace(/[\s-]/g, '')) && ref.length >= 8
    ? await resolveTarget(db, { card: ref }, null, { requireActiveCard: false })
    : await resolveTarget(db, { memberId: int(ref, 'member') }, null, { requireActiveCard: false });
  return getMemberView(db, t.member.id, null);
}

function describeMember(m: MemberView, dec: number): string {
  return [
    `member ${m.id} of ${m.programme.code}: ${m.customer.name ?? m.customer.externalId} (${m.customer.externalId})${m.tier ? `, tier ${m.tier.code}` : ''}`,
    `  points        ${m.balance.points} (worth ${formatMinor(m.balance.pointsValueMinor, dec)})`,
    `  stored value  ${formatMinor(m.balance.svTotalMinor, dec)} (paid ${formatMinor(m.balance.svPaidMinor, dec)}, bonus ${formatMinor(m.balance.svBonusMinor, dec)})`,
    ...m.expiring.map((e) => `  expiring      ${e.points} points on ${dayToDate(e.expiresDay)}`),
    ...m.cards.map((c) => `  card          ${c.number}  ${c.status}`),
    m.referralCode ? `  referral code ${m.referralCode}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function register(program: Command): void {
  const loyalty = program.command('loyalty').description('loyalty programmes, cards, points, stored value and their ledger');

  // ---- programmes -----------------------------------------------------------------------------------
  const prog = loyalty.command('programme').description('loyalty programmes');
  programmeOptions(
    prog
      .command('create <code>')
      .description('create a programme; several venues make a co-branded card valid at each')
      .requiredOption('--name <name>', 'programme name')
      .option('--venues <codes>', 'comma-separated venue codes'),
  ).action(async (code: string, f: ProgrammeFlags, cmd: Command) => {
    await withDb(globals(cmd), async (db) => {
      const input = await programmeInput(db, f);
      const p = await createProgramme(db, { ...input, code, name: f.name!, venueCodes: f.venues ? f.venues.split(',').map((x) => x.trim()).filter(Boolean) : [] }, cli());
      if (f.json) return json(p);
      out(describeProgramme(p, (await getSettings(db.kysely)).currencyDecimals));
    });
  });
  programmeOptions(prog.command('set <code>').description('change programme rules').option('--name <name>', 'programme name')).action(
    async (code: string, f: ProgrammeFlags, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await resolveProgramme(db, code);
        const updated = await updateProgramme(db, p.id, await programmeInput(db, f), cli());
        if (f.json) return json(updated);
        out(describeProgramme(updated, (await getSettings(db.kysely)).currencyDecimals));
      });
    },
  );
  prog
    .command('add-venue <code> <venue>')
    .description('add a venue to a programme')
    .action(async (code: string, venue: string, _f: unknown, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await addVenue(db, (await resolveProgramme(db, code)).id, venue, cli());
        out(`${p.code}: venues ${p.venueIds.join(', ')}`);
      });
    });
  prog
    .command('list')
    .description('list programmes')
    .option('--json', 'machine-readable output')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const ps = await listProgrammes(db);
        if (f.json) return json(ps);
        if (ps.length === 0) out('no programmes yet: patron loyalty programme create VIP --name "VIP card" --venues A,B --earn-rate 5%');
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        for (const p of ps) out(describeProgramme(p, dec));
      });
    });
  prog
    .command('show <code>')
    .description('show a programme and its tiers')
    .option('--json', 'machine-readable output')
    .action(async (code: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await resolveProgramme(db, code);
        if (f.json) return json(p);
        out(describeProgramme(p, (await getSettings(db.kysely)).currencyDecimals));
      });
    });

  // ---- tiers ------------------------------------------------------------------------------------------
  const tiers = loyalty.command('tiers').description('tiers: qualification rules and benefits');
  tiers
    .command('set <programme> <tier>')
    .description('create or replace a tier')
    .requiredOption('--name <name>', 'tier name, e.g. Gold')
    .requiredOption('--rank <n>', '0 = base tier; higher ranks are better')
    .option('--qualify <measure>', 'spend or points over the rolling window', 'spend')
    .requiredOption('--threshold <amount>', 'spend (an amount) or points needed over the window; 0 for the base tier')
    .requiredOption('--earn-rate <rate>', 'points per spend in this tier, e.g. 5%')
    .option('--discount <rate>', 'discount in this tier, e.g. 10%', '0%')
    .option('--multiplier <rule>', 'category=NAME:2x or campaign=CODE:2x; repeatable', collect, [])
    .option('--json', 'machine-readable output')
    .action(async (code: string, tier: string, f: { name: string; rank: string; qualify: string; threshold: string; earnRate: string; discount: string; multiplier: string[]; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        if (f.qualify !== 'spend' && f.qualify !== 'points') throw new PatronError('VALIDATION', '--qualify: spend or points');
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        const p = await resolveProgramme(db, code);
        const t = await putTier(
          db,
          p.id,
          {
            code: tier,
            name: f.name,
            rank: int(f.rank, '--rank'),
            qualifyBy: f.qualify,
            threshold: f.qualify === 'spend' ? money(f.threshold, dec, '--threshold') : int(f.threshold, '--threshold'),
            earnRateBp: parseRate(f.earnRate, '--earn-rate'),
            discountBp: parseRate(f.discount, '--discount'),
            multipliers: f.multiplier.map(parseMultiplier),
          },
          cli(),
        );
        if (f.json) return json(t);
        out(`tier ${t.code} (rank ${t.rank}) of ${p.code} saved`);
      });
    });
  tiers
    .command('run')
    .description('review every member’s tier (upgrades and downgrades) as of a day; run it on a schedule (e.g. nightly)')
    .option('--programme <code>', 'only this programme (default: all)')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .option('--json', 'machine-readable output')
    .action(async (f: { programme?: string; asOf?: string; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const ps = f.programme ? [await resolveProgramme(db, f.programme)] : await listProgrammes(db);
        const asOf = f.asOf ? parseDate(f.asOf, '--as-of') : null;
        const runs = [];
        for (const p of ps) runs.push(await runTiers(db, p.id, asOf, cli()));
        if (f.json) return json(runs);
        for (const r of runs) {
          out(`${r.programme} as of ${dayToDate(r.asOfDay)}: ${r.upgraded} up, ${r.downgraded} down, ${r.unchanged} unchanged (${r.members} members)`);
          for (const c of r.changes) out(`  member ${c.memberId}: ${c.from ?? '-'} -> ${c.to ?? '-'}`);
        }
      });
    });

  // ---- members and cards ---------------------------------------------------------------------------
  const member = loyalty.command('member').description('members');
  member
    .command('enroll <programme> <customer>')
    .description('enrol a customer (by external id) and issue a card')
    .option('--venue <code>', 'venue where they sign up')
    .option('--referral-code <code>', "the referrer's code")
    .option('--no-card', 'do not issue a card')
    .option('--json', 'machine-readable output')
    .action(async (code: string, customer: string, f: { venue?: string; referralCode?: string; card: boolean; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await resolveProgramme(db, code);
        let venueId: number | null = null;
        if (f.venue) {
          const v = await db.kysely.selectFrom('venues').select('id').where('code', '=', f.venue).executeTakeFirst();
          if (!v) throw new PatronError('NOT_FOUND', `venue ${f.venue} not found`);
          venueId = v.id;
        }
        const r = await enrollMember(db, { programmeId: p.id, customerExternalId: customer, venueId, issueCard: f.card, referralCode: f.referralCode }, cli());
        if (f.json) return json(r);
        out(`${r.created ? 'enrolled' : 'already a member:'} ${describeMember(r.member, (await getSettings(db.kysely)).currencyDecimals)}`);
      });
    });
  member
    .command('show <card-or-member-id>')
    .description('a member with cards, tier and balances')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const m = await memberOf(db, ref);
        if (f.json) return json(m);
        out(describeMember(m, (await getSettings(db.kysely)).currencyDecimals));
      });
    });

  const card = loyalty.command('card').description('cards');
  card
    .command('issue <member-id>')
    .description('issue another card to a member (cards share the member’s balances)')
    .action(async (id: string, _f: unknown, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const c = await issueCard(db, int(id, 'member-id'), null, cli(), null);
        out(`card ${c.number} issued to member ${id}`);
      });
    });
  for (const [name, status, what] of [
    ['freeze', 'frozen', 'freeze a card (it cannot be used until unfrozen)'],
    ['unfreeze', 'active', 'unfreeze a card'],
    ['lost', 'lost', 'report a card lost (final; replace it to carry the balance to a new card)'],
  ] as const) {
    card
      .command(`${name} <number>`)
      .description(what)
      .option('--reason <text>', 'why')
      .action(async (number: string, f: { reason?: string }, cmd: Command) => {
        await withDb(globals(cmd), async (db) => {
          const c = await setCardState(db, number, status, f.reason ?? null, cli(), null);
          out(`card ${c.number} is ${c.status}`);
        });
      });
  }
  card
    .command('replace <number>')
    .description('issue a new number to the same member; balances carry over')
    .option('--reason <text>', 'why')
    .action(async (number: string, f: { reason?: string }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const r = await replaceCard(db, number, null, f.reason ?? null, cli(), null);
        out(`card ${r.old.number} replaced by ${r.card.number}`);
      });
    });

  loyalty
    .command('balance <card-or-member-id>')
    .description('points and stored value of a member')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const m = await memberOf(db, ref);
        if (f.json) return json(m.balance);
        out(describeMember(m, (await getSettings(db.kysely)).currencyDecimals));
      });
    });

  loyalty
    .command('statement <card-or-member-id>')
    .description('transactions with running balances')
    .option('--from <date>', 'YYYY-MM-DD')
    .option('--to <date>', 'YYYY-MM-DD')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, f: { from?: string; to?: string; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const m = await memberOf(db, ref);
        const st = await memberStatement(
          db,
          { memberId: m.id },
          { fromDay: f.from ? parseDate(f.from, '--from') : null, toDay: f.to ? parseDate(f.to, '--to') : null },
          null,
        );
        if (f.json) return json(st);
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        out(`statement of member ${st.memberId} (${st.programme}) ${st.from ?? 'start'} .. ${st.to ?? 'today'}`);
        out(`${'date'.padEnd(11)}${'kind'.padEnd(17)}${'points'.padStart(10)}${'balance'.padStart(10)}${'stored value'.padStart(14)}${'balance'.padStart(14)}  reference / reason`);
        out(`${'opening'.padEnd(28)}${''.padStart(10)}${String(st.opening.points).padStart(10)}${''.padStart(14)}${formatMinor(st.opening.svMinor, dec).padStart(14)}`);
        for (const l of st.lines) {
          out(
            `${l.date.padEnd(11)}${l.kind.padEnd(17)}${String(l.points).padStart(10)}${String(l.pointsBalance).padStart(10)}${formatMinor(l.amountMinor, dec).padStart(14)}${formatMinor(l.svBalanceMinor, dec).padStart(14)}  ${l.reference ?? l.reason ?? ''}`,
          );
        }
      });
    });

  loyalty
    .command('adjust <card-or-member-id> <amount>')
    .description('correct points (or, with --stored-value, grant or correct bonus stored value) with a reason; a new ledger entry, nothing is edited')
    .requiredOption('--reason <text>', 'why (kept with the entry)')
    .option('--stored-value', 'the amount is money (e.g. 50.00), credited as bonus stored value (spendable, never paid out in cash)')
    .option('--key <key>', 'idempotency key (default: generated); give one to make a re-run safe')
    .action(async (ref: string, amount: string, f: { reason: string; storedValue?: boolean; key?: string }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const m = await memberOf(db, ref);
        const w = cli();
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        const value = f.storedValue ? money(amount, dec, 'amount') : int(amount, 'points');
        const r = await adjust(
          db,
          { key: f.key ?? `cli-adjust:${w.now}:${m.id}`, member: { memberId: m.id }, points: value, reason: f.reason, unit: f.storedValue ? 'stored_value' : 'points' },
          { ...w, venueId: null, scopeVenueId: null },
        );
        const done = r.replayed ? 'already done: ' : '';
        if (f.storedValue) out(`${done}member ${m.id}: ${formatMinor(r.result.amountMinor, dec)} stored value, balance ${formatMinor(r.result.balance?.svTotalMinor ?? 0, dec)}`);
        else out(`${done}member ${m.id}: ${r.result.points > 0 ? '+' : ''}${r.result.points} points, balance ${r.result.balance?.points}`);
      });
    });

  // ---- jobs -----------------------------------------------------------------------------------------
  loyalty
    .command('accrue-order <order-external-id>')
    .description('bring points in line with one stored order (what the order path calls)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, f: { json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const o = await db.kysely.selectFrom('orders').select('id').where('external_id', '=', id).executeTakeFirst();
        if (!o) throw new PatronError('NOT_FOUND', `order ${id} not found`);
        const r = await accrueForOrder(db, o.id, { w: cli() });
        if (f.json) return json(r);
        if (r.skipped) return out(`order ${id}: nothing to do (${r.skipped})`);
        for (const x of r.outcomes) out(`order ${id}, ${x.programme} member ${x.memberId}: ${x.points >= 0 ? '+' : ''}${x.points} points (the order earns ${x.targetPoints} net)${x.replayed ? ', already done' : ''}`);
      });
    });
  loyalty
    .command('accrue-orders')
    .description('accrue every stored order of members from a day on (after an import)')
    .requiredOption('--from <date>', 'YYYY-MM-DD')
    .action(async (f: { from: string }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const r = await accrueOrdersFrom(db, parseDate(f.from, '--from'), cli());
        out(`${r.orders} orders checked, ${r.posted} ledger transactions, ${r.points} points net`);
      });
    });
  loyalty
    .command('expire')
    .description('write off expired points (lots expiring on or before the day); run it on a schedule')
    .option('--programme <code>', 'only this programme (default: all)')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .action(async (f: { programme?: string; asOf?: string }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const w = cli();
        const day = f.asOf ? parseDate(f.asOf, '--as-of') : await businessDay(db, w.now);
        const ps = f.programme ? [await resolveProgramme(db, f.programme)] : await listProgrammes(db);
        for (const p of ps) {
          const r = await expirePoints(db, p.id, day, w);
          out(`${r.programme} as of ${dayToDate(day)}: ${r.points} points expired from ${r.members} members`);
        }
      });
    });

  // ---- reports --------------------------------------------------------------------------------------
  loyalty
    .command('settlement <programme>')
    .description('who owes whom between the programme’s venues over a period')
    .requiredOption('--from <date>', 'YYYY-MM-DD')
    .requiredOption('--to <date>', 'YYYY-MM-DD')
    .option('--json', 'machine-readable output')
    .action(async (code: string, f: { from: string; to: string; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await resolveProgramme(db, code);
        const st = await settlementStatement(db, p.id, parseDate(f.from, '--from'), parseDate(f.to, '--to'), null);
        if (f.json) return json(st);
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        out(`settlement of ${st.programme}, ${st.from} .. ${st.to}`);
        if (st.pairs.length === 0) out('  nothing to settle');
        for (const x of st.pairs) {
          const net = x.netAToBMinor;
          out(
            `  ${x.venueA.code} owes ${x.venueB.code}: points ${formatMinor(x.aOwesBPointsMinor, dec)}, stored value ${formatMinor(x.aOwesBStoredValueMinor, dec)}; ` +
              `${x.venueB.code} owes ${x.venueA.code}: points ${formatMinor(x.bOwesAPointsMinor, dec)}, stored value ${formatMinor(x.bOwesAStoredValueMinor, dec)}; ` +
              `net: ${net === 0 ? 'square' : net > 0 ? `${x.venueA.code} pays ${x.venueB.code} ${formatMinor(net, dec)}` : `${x.venueB.code} pays ${x.venueA.code} ${formatMinor(-net, dec)}`}`,
          );
        }
      });
    });
  loyalty
    .command('liability <programme>')
    .description('outstanding points (and cash value) and stored value by venue and age')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .option('--json', 'machine-readable output')
    .action(async (code: string, f: { asOf?: string; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const p = await resolveProgramme(db, code);
        const day = f.asOf ? parseDate(f.asOf, '--as-of') : await businessDay(db, new Date().toISOString());
        const r = await liabilityReport(db, p.id, day, null);
        if (f.json) return json(r);
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        out(`liability of ${r.programme} at the end of ${r.asOf}`);
        out(`${'venue'.padEnd(10)}${'age (days)'.padEnd(12)}${'points'.padStart(12)}${'points value'.padStart(16)}${'paid in'.padStart(16)}${'bonus'.padStart(14)}`);
        for (const x of r.rows) {
          out(`${(x.venueCode ?? '-').padEnd(10)}${x.age.padEnd(12)}${String(x.points).padStart(12)}${formatMinor(x.pointsValueMinor, dec).padStart(16)}${formatMinor(x.svPaidMinor, dec).padStart(16)}${formatMinor(x.svBonusMinor, dec).padStart(14)}`);
        }
        const t = r.totals;
        out(`${'total'.padEnd(22)}${String(t.points).padStart(12)}${formatMinor(t.pointsValueMinor, dec).padStart(16)}${formatMinor(t.svPaidMinor, dec).padStart(16)}${formatMinor(t.svBonusMinor, dec).padStart(14)}  = ${formatMinor(t.totalMinor, dec)}`);
      });
    });
  loyalty
    .command('rebuild')
    .description('recompute every balance from the ledger; --check only reports differences (exit 3 if any)')
    .option('--check', 'report, change nothing')
    .option('--json', 'machine-readable output')
    .action(async (f: { check?: boolean; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const r = await rebuildLedger(db, { repair: !f.check }, cli());
        if (f.json) json(r);
        else {
          out(`ledger: ${r.counts.txns} transactions, ${r.counts.entries} entries, ${r.counts.accounts} accounts, ${r.counts.lots} lots`);
          out(`  balances differing from their entries  ${r.accountDiffs.length}`);
          out(`  lots differing from their entries      ${r.lotDiffs.length}`);
          out(`  transactions not summing to zero       ${r.unbalanced.length}`);
          out(`  transaction totals differing           ${r.headerDiffs.length}`);
          out(`  entries filed under another lot        ${r.misfiledEntries.length}`);
          for (const d of r.accountDiffs.slice(0, 20)) out(`    account ${d.id}: cached ${d.cached}, ledger ${d.ledger}`);
          for (const d of r.lotDiffs.slice(0, 20)) out(`    lot ${d.id}: cached ${d.cached}, ledger ${d.ledger}`);
          if (r.repaired) out(`  repaired ${r.repaired} cached balances from the ledger`);
          if (r.ok) out('  ok: every balance equals the sum of its entries');
        }
        const structural = r.unbalanced.length + r.headerDiffs.length + r.misfiledEntries.length;
        if (f.check && !r.ok) throw new PatronError('CONFLICT', 'the ledger check found differences (listed above)');
        if (structural > 0) throw new PatronError('CONFLICT', 'the ledger itself is inconsistent: caches were rebuilt but the entries need investigation');
      });
    });

  // ---- referrals -------------------------------------------------------------------------------------
  loyalty
    .command('referral-code <customer>')
    .description("a customer's referral code (made on first use)")
    .action(async (customer: string, _f: unknown, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const c = await getCustomerByExternalId(db.kysely, customer);
        if (!c) throw new PatronError('NOT_FOUND', `customer ${customer} not found`);
        out(await referralCodeFor(db, c.id, cli()));
      });
    });
  loyalty
    .command('referrals <customer>')
    .description("a customer's referral tree and the value of the customers they brought")
    .option('--depth <n>', 'levels to show', '10')
    .option('--json', 'machine-readable output')
    .action(async (customer: string, f: { depth: string; json?: boolean }, cmd: Command) => {
      await withDb(globals(cmd), async (db) => {
        const c = await getCustomerByExternalId(db.kysely, customer);
        if (!c) throw new PatronError('NOT_FOUND', `customer ${customer} not found`);
        const t = await referralTreeOf(db, c.id, int(f.depth, '--depth'));
        if (f.json) return json(t);
        const dec = (await getSettings(db.kysely)).currencyDecimals;
        for (const n of t.nodes) {
          out(`${'  '.repeat(n.depth)}${n.externalId}${n.name ? ` ${n.name}` : ''}: own ${formatMinor(n.valueMinor, dec)}, referred ${n.directReferrals} (${formatMinor(n.referredValueMinor, dec)} directly, ${formatMinor(n.descendantValueMinor, dec)} in all)`);
        }
        out(`referred value under ${customer}: ${formatMinor(t.referredValueMinor, dec)}`);
      });
    });
}
