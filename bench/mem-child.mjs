// Child process for the import benchmark, running the compiled code (dist/, what `patron import
// orders` runs), so time and peak RSS are the import's own, without the TypeScript loader.
import { createDb } from '../dist/storage/db.js';
import { migrate } from '../dist/storage/migrate.js';
import { importOrdersFile } from '../dist/domain/import/import-orders.js';

const [file, target, mode] = process.argv.slice(2);
const db = createDb(target.startsWith('postgres') ? { databaseUrl: target } : { sqlitePath: target });
await migrate(db);
const samples = []; const timer = setInterval(() => { const m = process.memoryUsage(); samples.push([Math.round(performance.now()), m.rss >> 20, m.heapTotal >> 20, m.external >> 20, m.arrayBuffers >> 20]); }, 250);
const cpu0 = process.cpuUsage();
const t = performance.now();
const s = await importOrdersFile(db, file, { parseInWorker: mode === 'inline' ? false : undefined });
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(timer); console.error(samples.map((s) => s.join(" ")).join("\n"));
await db.close();
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, lines: s.lines, orders: s.orders, rejected: s.rejected, unchanged: s.unchanged, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
