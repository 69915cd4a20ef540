// Child process for the import benchmark, so peak RSS is the import's own.
import { createDb } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import { importOrdersFile } from '../src/domain/import/import-orders.js';

const [file, target] = process.argv.slice(2) as [string, string];
const db = createDb(target.startsWith('postgres') ? { databaseUrl: target } : { sqlitePath: target });
await migrate(db);
const t = performance.now();
const s = await importOrdersFile(db, file, {});
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage();
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await db.close();
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, lines: s.lines, orders: s.orders, rejected: s.rejected, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
