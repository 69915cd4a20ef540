import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRng } from '../src/analytics/random.js';
import { createApiToken } from '../src/domain/auth/accounts.js';
import { enrollMember } from '../src/domain/loyalty/members.js';
import { createProgramme } from '../src/domain/loyalty/programmes.js';
import { rebuildLedger } from '../src/domain/loyalty/reports.js';
import { insertCustomer, insertVenue } from '../src/storage/customers.repo.js';
import { createDb, type Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import type { BenchResult } from './types.js';

export const title = 'Loyalty accrual through the HTTP API';
export const targets =
  'POST /api/loyalty/accruals from 50 concurrent keep-alive connections to a real server on 127.0.0.1 (its own process): ' +
  'SQLite >= 1,000 requests/s with p99 < 25 ms, zero lost or duplicated entries; PostgreSQL reported.';

/** Bounded run: warm-up requests, then the measured ones; a share are retries of an earlier key. */
const CONNECTIONS = 50;
const WARMUP = Number(process.env.BENCH_LOYALTY_WARMUP ?? 2_000);
const REQUESTS = Number(process.env.BENCH_LOYALTY_REQUESTS ?? 20_000);
/** Offered load of the paced run (the target's 1,000 requests/s). */
const PACED_RATE = Number(process.env.BENCH_LOYALTY_RATE ?? 1_000);
const PACED_REQUESTS = Number(process.env.BENCH_LOYALTY_PACED_REQUESTS ?? 10_000);
const CARDS = 500;
const RETRY_SHARE = 0.05;
const dir = join(process.cwd(), 'tmp', 'bench');

interface Setup {
  cards: string[];
  tokens: string[];
}

async function setup(db: Db): Promise<Setup> {
  await migrate(db);
  const now = new Date().toISOString();
  const w = { actor: 'bench', now };
  const k = db.kysely;
  const venues = [
    await insertVenue(k, { code: 'BH1', name: 'Bench hotel 1', kind: 'hotel', city: null, createdAt: now }),
    await insertVenue(k, { code: 'BH2', name: 'Bench hotel 2', kind: 'hotel', city: null, createdAt: now }),
  ];
  const p = await createProgramme(db, { code: 'BENCH', name: 'Bench', venueCodes: ['BH1', 'BH2'], earnRateBp: 500, pointsExpiryDays: 365 }, w);
  const cards: string[] = [];
  for (let i = 0; i < CARDS; i++) {
    const c = await insertCustomer(k, {
      external_id: `BC${i}`, name: `Bench ${i}`, name_key: `bench ${i}`, phone: null, email: null, gender: null, birthday: null, city: null,
      country: null, tags: '[]', attributes: '{}', acquisition_channel: null, referred_by: null, home_venue_id: null, created_at: now, updated_at: now,
    });
    const m = await enrollMember(db, { programmeId: p.id, customerId: c.id, venueId: venues[0]!.id }, w);
    cards.push(m.member.cards[0]!.number);
  }
  const tokens: string[] = [];
  for (const v of venues) tokens.push((await createApiToken(k, { name: `pos ${v.code}`, role: 'staff', venueId: v.id, createdBy: null }, w)).token);
  return { cards, tokens };
}

interface Server {
  child: ChildProcess;
  port: number;
  /** Lines the server printed (JSON). */
  lines: string[];
}

function startServer(target: string): Promise<Server> {
  const prof = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=tmp/prof'] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'bench/loyalty-server.ts', target], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        if (!l.startsWith('{')) continue;
        lines.push(l);
        const port = (JSON.parse(l) as { port?: number }).port;
        if (port) resolve({ child, port, lines });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** CPU the server process has used so far (ms), so capacity can be told apart from a busy machine's wall clock. */
async function cpuMsOf(server: Server): Promise<number> {
  const before = server.lines.length;
  server.child.stdin!.write('cpu\n');
  for (let i = 0; i < 500 && server.lines.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  const line = server.lines[server.lines.length - 1]!;
  return (JSON.parse(line) as { cpuMs: number }).cpuMs;
}

async function stop(server: Server): Promise<void> {
  server.child.stdin!.end();
  await new Promise((r) => server.child.once('exit', r));
}

function post(agent: http.Agent, port: number, path: string, body: unknown, authorization: string): Promise<{ status: number; body: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: `Bearer ${authorization}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  accepted: Map<string, { card: string; points: number; txnId: number }>;
  errors: number;
  mismatchedReplays: number;
}

/**
 * Sends `count` accruals over CONNECTIONS keep-alive connections. Closed loop by default (each
 * connection sends its next request when the last is answered: the most the server can do). With
 * `rate`, request i is due at start + i / rate and its latency runs from when it was due, so time
 * spent queueing behind a slow server is counted (no coordinated omission).
 */
async function load(port: number, s: Setup, count: number, prefix: string, seed: number, rate?: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const rng = createRng(seed);
  const accepted = new Map<string, { card: string; points: number; txnId: number }>();
  const sent: { key: string; card: string; amountMinor: number; token: string }[] = [];
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let mismatched = 0;
  let start = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      let due = performance.now();
      if (rate) {
        due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      // A share of requests repeat an earlier request with its key, as a till does after a timeout.
      const retry = sent.length > 0 && rng() < RETRY_SHARE;
      const r = retry
        ? sent[Math.floor(rng() * sent.length)]!
        : { key: `${prefix}-${i}`, card: s.cards[Math.floor(rng() * s.cards.length)]!, amountMinor: 100 + Math.floor(rng() * 100_000), token: s.tokens[i % s.tokens.length]! };
      if (!retry) sent.push(r);
      const res = await post(agent, port, '/api/loyalty/accruals', { idempotencyKey: r.key, card: r.card, amountMinor: r.amountMinor }, r.token);
      latencies.push(performance.now() - due);
      if (res.status !== 201) {
        errors++;
        continue;
      }
      const b = JSON.parse(res.body) as { txnId: number; points: number };
      const prev = accepted.get(r.key);
      if (prev && (prev.txnId !== b.txnId || prev.points !== b.points)) mismatched++;
      if (!prev) accepted.set(r.key, { card: r.card, points: b.points, txnId: b.txnId });
    }
  };
  const t = performance.now();
  start = t;
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - t) / 1000;
  agent.destroy();
  return { seconds, latenciesMs: latencies, accepted, errors, mismatchedReplays: mismatched };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function runOne(label: string, target: string, db: Db): Promise<BenchResult[]> {
  const s = await setup(db);
  await db.close();
  const server = await startServer(target);
  const port = server.port;
  try {
    await load(port, s, WARMUP, 'warm', 1);
    const cpu0 = await cpuMsOf(server);
    const load0 = loadavg()[0]!;
    const r = await load(port, s, REQUESTS, 'run', 2);
    const cpuMs = (await cpuMsOf(server)) - cpu0;
    // SQLite is offered the target rate. PostgreSQL (no target) is offered the target or 80 % of what
    // it just sustained, whichever is less: offering more than a server can do measures only the queue.
    const closedRate = r.latenciesMs.length / r.seconds;
    const rate = label === 'SQLite' ? PACED_RATE : Math.min(PACED_RATE, Math.floor((closedRate * 0.8) / 10) * 10);
    const paced = await load(port, s, PACED_REQUESTS, 'paced', 3, rate);
    await cpuMsOf(server);
    const check = createDb(target.startsWith('postgres') ? { databaseUrl: target } : { sqlitePath: target });
    try {
      // Lost or duplicated entries: every accepted key exactly once in the ledger, with the points answered.
      const rows = await check.kysely
        .selectFrom('loyalty_txns')
        .select(['idempotency_key', 'points'])
        .where((eb) => eb.or([eb('idempotency_key', 'like', 'run-%'), eb('idempotency_key', 'like', 'paced-%')]))
        .execute();
      const byKey = new Map(rows.map((x) => [x.idempotency_key, x.points]));
      const accepted = new Map([...r.accepted, ...paced.accepted]);
      let lost = 0;
      for (const [key, a] of accepted) if (byKey.get(key) !== a.points) lost++;
      const duplicated = rows.length - accepted.size + r.mismatchedReplays + paced.mismatchedReplays;
      const rb = await rebuildLedger(check, { repair: false }, { actor: 'bench', now: new Date().toISOString() });
      const sorted = [...r.latenciesMs].sort((a, b) => a - b);
      const pacedSorted = [...paced.latenciesMs].sort((a, b) => a - b);
      const n = r.latenciesMs.length;
      return [
        { name: `${label}: closed loop, throughput`, value: n / r.seconds, unit: 'requests/s', note: `${n} requests (${r.accepted.size} distinct keys, the rest retries) in ${r.seconds.toFixed(1)} s, ${CONNECTIONS} connections` },
        { name: `${label}: closed loop, p50 latency`, value: quantile(sorted, 0.5), unit: 'ms' },
        { name: `${label}: closed loop, p99 latency`, value: quantile(sorted, 0.99), unit: 'ms', note: `with ${CONNECTIONS} requests always in flight, mean latency = ${CONNECTIONS} / throughput` },
        {
          name: `${label}: ${rate} requests/s offered, achieved`,
          value: pacedSorted.length / paced.seconds,
          unit: 'requests/s',
          note: `${pacedSorted.length} requests over ${CONNECTIONS} connections${rate < PACED_RATE ? ` (80 % of the closed-loop rate: ${PACED_RATE} is more than it sustains here)` : ''}`,
        },
        { name: `${label}: ${rate} requests/s offered, p50 latency`, value: quantile(pacedSorted, 0.5), unit: 'ms', note: 'from when each request was due' },
        { name: `${label}: ${rate} requests/s offered, p99 latency`, value: quantile(pacedSorted, 0.99), unit: 'ms', note: 'from when each request was due' },
        { name: `${label}: non-201 answers`, value: r.errors + paced.errors, unit: 'requests' },
        { name: `${label}: lost or wrong entries`, value: lost, unit: 'keys' },
        { name: `${label}: duplicated entries`, value: duplicated, unit: 'keys', note: 'ledger rows beyond one per accepted key, plus retries answered with another transaction' },
        {
          name: `${label}: server CPU per request`,
          value: cpuMs / REQUESTS,
          unit: 'ms',
          note: `server process CPU over the closed-loop run / requests: 1000 / this = requests/s one free core sustains; machine load average ${load0.toFixed(1)} before the run`,
        },
        { name: `${label}: rebuild --check differences`, value: rb.accountDiffs.length + rb.lotDiffs.length + rb.unbalanced.length + rb.headerDiffs.length, unit: 'rows' },
      ];
    } finally {
      await check.close();
    }
  } finally {
    await stop(server);
  }
}

export async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const results: BenchResult[] = [];
  const file = join(dir, 'loyalty-bench.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  results.push(...(await runOne('SQLite', file, createDb({ sqlitePath: file }))));

  const admin = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
    await c.query('drop database if exists patron_bench_loyalty with (force)');
    await c.query('create database patron_bench_loyalty');
    const url = new URL(admin);
    url.pathname = '/patron_bench_loyalty';
    results.push(...(await runOne('PostgreSQL', url.toString(), createDb({ databaseUrl: url.toString() }))));
    await c.query('drop database if exists patron_bench_loyalty with (force)');
  } catch (e) {
    results.push({ name: 'PostgreSQL', value: NaN, unit: '', note: `skipped: ${(e as Error).message}` });
  } finally {
    await c.end().catch(() => undefined);
  }
  return results;
}
