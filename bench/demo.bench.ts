import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchResult } from './types.js';

export const title = 'Demo business generator (patron demo)';
export const targets = 'scales to --customers 1000000 with flat memory; speed reported for SQLite and PostgreSQL.';

const SQLITE_CUSTOMERS = Number(process.env.BENCH_DEMO_CUSTOMERS ?? 100_000);
const PG_CUSTOMERS = Number(process.env.BENCH_DEMO_PG_CUSTOMERS ?? 20_000);
const dir = join(process.cwd(), 'tmp', 'bench');
const self = fileURLToPath(import.meta.url);

interface ChildResult {
  seconds: number;
  customers: number;
  orders: number;
  orderLines: number;
  contacts: number;
  maxRssMb: number;
  /** CPU time (user + system) of the generating process during generation. */
  cpuSeconds: number;
}

/** Runs one generation in a fresh process, so peak RSS is the generator's own. */
function runChild(target: string, customers: number): ChildResult {
  const out = execFileSync('npx', ['tsx', self, 'child', target, String(customers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

function rows(name: string, r: ChildResult): BenchResult[] {
  const note = `${r.customers.toLocaleString('en-US')} customers, ${r.orderLines.toLocaleString('en-US')} lines, ${r.seconds.toFixed(1)} s`;
  return [
    { name: `${name}: customers`, value: r.customers / r.seconds, unit: 'customers/s', note },
    { name: `${name}: order lines`, value: r.orderLines / r.seconds, unit: 'lines/s', note: 'generated and written' },
    { name: `${name}: all rows`, value: (r.customers + r.orders + r.orderLines + r.contacts) / r.seconds, unit: 'rows/s', note: 'customers + orders + lines + contacts' },
    { name: `${name}: order lines per client CPU second`, value: r.orderLines / r.cpuSeconds, unit: 'lines/CPU-s', note: 'less sensitive to a busy machine' },
    { name: `${name}: peak RSS`, value: r.maxRssMb, unit: 'MB' },
  ];
}

export async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const results: BenchResult[] = [];
  const dbFile = join(dir, 'demo-bench.db');
  const clean = () => { for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true }); };
  clean();
  results.push(...rows('SQLite', runChild(dbFile, SQLITE_CUSTOMERS)));
  clean();

  const admin = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
    await c.query('drop database if exists patron_bench_demo with (force)');
    await c.query('create database patron_bench_demo');
    const url = new URL(admin);
    url.pathname = '/patron_bench_demo';
    results.push(...rows('PostgreSQL', runChild(url.toString(), PG_CUSTOMERS)));
    await c.query('drop database if exists patron_bench_demo with (force)');
  } catch (e) {
    results.push({ name: 'PostgreSQL', value: NaN, unit: '', note: `skipped: ${(e as Error).message}` });
  } finally {
    await c.end().catch(() => undefined);
  }
  return results;
}

async function child(target: string, customers: number): Promise<void> {
  const { createDb } = await import('../src/storage/db.js');
  const { migrate } = await import('../src/storage/migrate.js');
  const { generateDemo } = await import('../src/domain/demo/demo.js');
  const db = createDb(/^postgres/.test(target) ? { databaseUrl: target } : { sqlitePath: target });
  try {
    await migrate(db);
    const cpu0 = process.cpuUsage();
    const r = await generateDemo(db, { customers });
    const cpu = process.cpuUsage(cpu0);
    const out: ChildResult = {
      seconds: r.elapsedMs / 1000,
      customers: r.counts.customers,
      orders: r.counts.orders,
      orderLines: r.counts.orderLines,
      contacts: r.counts.contacts,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await db.close();
  }
}

if (process.argv[2] === 'child' && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await child(process.argv[3]!, Number(process.argv[4]));
}
