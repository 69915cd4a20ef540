import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types.js';

/**
 * npm run bench [-- name ...]: runs every bench/<name>.bench.ts (or the named ones) and writes
 * BENCHMARKS.md with the machine and the date (a named run replaces only its sections, stamped).
 * Benchmarks measure; they never fail a build.
 */
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const startLoad = loadavg().map((x) => x.toFixed(2)).join(' ');
const sections: string[] = [];
for (const f of files) {
  const name = f.replace('.bench.ts', '');
  process.stderr.write(`== bench ${name}\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: () => Promise<BenchResult[]>; title?: string; targets?: string };
  const t0 = Date.now();
  let results: BenchResult[];
  try {
    results = await mod.run();
  } catch (e) {
    results = [{ name: 'error', value: NaN, unit: '', note: String((e as Error).message ?? e) }];
  }
  const rows = results.map((r) => `| ${r.name} | ${Number.isFinite(r.value) ? formatValue(r.value) : 'n/a'} | ${r.unit} | ${r.note ?? ''} |`);
  sections.push(
    `## ${mod.title ?? name}\n\n${mod.targets ? `Targets: ${mod.targets}\n\n` : ''}| measure | value | unit | note |\n|---|---:|---|---|\n${rows.join('\n')}\n\n(${((Date.now() - t0) / 1000).toFixed(1)} s for this section)\n`,
  );
  for (const r of results) process.stderr.write(`   ${r.name}: ${formatValue(r.value)} ${r.unit} ${r.note ?? ''}\n`);
}

function formatValue(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const knobs = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v}`);
const header =
  `# Benchmarks\n\nWritten by \`${knobs.length ? knobs.join(' ') + ' ' : ''}npm run bench\`${only.length ? ` (${only.join(', ')})` : ''} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC` +
  ` (load average at the start ${startLoad}, at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}).\n\n` +
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}.\n\n`;
const out = join(here, '..', 'BENCHMARKS.md');
if (only.length && existsSync(out)) {
  // A partial run replaces its own sections in place and says when and how they were re-run;
  // the other sections keep the full run's header.
  let doc = readFileSync(out, 'utf8');
  const stamp = `_Section re-run alone by \`${knobs.length ? knobs.join(' ') + ' ' : ''}npm run bench -- ${only.join(' ')}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC` +
    ` (load average at the start ${startLoad}), same machine._\n\n`;
  for (const sec of sections) {
    const title = sec.slice(0, sec.indexOf('\n'));
    const at = doc.indexOf(`${title}\n`);
    const body = sec.replace('\n\n', `\n\n${stamp}`);
    if (at < 0) doc = `${doc.trimEnd()}\n\n${body}`;
    else {
      const next = doc.indexOf('\n## ', at + title.length);
      doc = doc.slice(0, at) + body + (next < 0 ? '' : doc.slice(next));
    }
  }
  writeFileSync(out, doc);
} else {
  writeFileSync(out, header + sections.join('\n'));
}
process.stderr.write(`wrote ${out}\n`);
