import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createRng } from '../src/analytics/random.js';
import type { BenchResult } from './types.js';

export const title = 'Order import (patron import orders)';
export const targets = '1,000,000-line CSV into SQLite at >= 150,000 lines/s with peak RSS < 500 MB; PostgreSQL reported.';

const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 1_000_000);
const dir = join(process.cwd(), 'tmp', 'bench');

/** A line-level CSV like a POS export: ~3 lines per order, 50k customers, 2,000 SKUs. */
async function writeCsv(path: string): Promise<void> {
  const rng = createRng(42);
  const out = createWriteStream(path);
  out.write('order_id,customer_id,date,sku,description,quantity,unit_price,store\n');
  let order = 0;
  let written = 0;
  let buf = '';
  while (written < LINES) {
    order++;
    const cust = rng() < 0.05 ? '' : `C${1 + Math.floor(rng() * 50_000)}`;
    const day = 1 + Math.floor(rng() * 365);
    const d = new Date(Date.UTC(2024, 0, day, 8 + Math.floor(rng() * 12), Math.floor(rng() * 60)));
    const date = d.toISOString().slice(0, 16).replace('T', ' ');
    const n = 1 + Math.floor(rng() * 5);
    for (let i = 0; i < n && written < LINES; i++, written++) {
      const sku = 1 + Math.floor(rng() * 2000);
      const price = (1 + Math.floor(rng() * 20000)) / 100;
      buf += `O${order},${cust},${date},SKU${sku},Item ${sku},${1 + Math.floor(rng() * 3)},${price.toFixed(2)},S${1 + (order % 8)}\n`;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(r));
}

function runChild(file: string, target: string): { seconds: number; lines: number; maxRssMb: number; rejected: number } {
  const out = execFileSync('npx', ['tsx', 'bench/import-child.ts', file, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `orders-${LINES}.csv`);
  if (!existsSync(csv)) await writeCsv(csv);
  const results: BenchResult[] = [];
  const dbFile = join(dir, 'import-bench.db');
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const s = runChild(csv, dbFile);
  results.push({ name: `SQLite: ${s.lines.toLocaleString('en-US')} lines`, value: s.lines / s.seconds, unit: 'lines/s', note: `${s.seconds.toFixed(1)} s, ${s.rejected} rejected` });
  results.push({ name: 'SQLite: peak RSS', value: s.maxRssMb, unit: 'MB' });
  const again = runChild(csv, dbFile);
  results.push({ name: 'SQLite: same file again (idempotent no-op)', value: again.lines / again.seconds, unit: 'lines/s', note: `${again.seconds.toFixed(1)} s` });

  const admin = process.env.PATRON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
    await c.query('drop database if exists patron_bench_import with (force)');
    await c.query('create database patron_bench_import');
    const url = new URL(admin);
    url.pathname = '/patron_bench_import';
    const p = runChild(csv, url.toString());
    results.push({ name: `PostgreSQL: ${p.lines.toLocaleString('en-US')} lines`, value: p.lines / p.seconds, unit: 'lines/s', note: `${p.seconds.toFixed(1)} s` });
    results.push({ name: 'PostgreSQL: peak RSS (client)', value: p.maxRssMb, unit: 'MB' });
    await c.query('drop database if exists patron_bench_import with (force)');
  } catch (e) {
    results.push({ name: 'PostgreSQL', value: NaN, unit: '', note: `skipped: ${(e as Error).message}` });
  } finally {
    await c.end().catch(() => undefined);
  }
  return results;
}
